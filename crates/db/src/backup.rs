//! The database side of `bukuma backup` and `bukuma restore` on SQLite: a
//! consistent copy of a live database, and the checks a copy passes before
//! it is put in place.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{Connection, QueryableByName, RunQueryDsl};
use diesel_migrations::MigrationHarness;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::pool::{Db, SQLITE_MIGRATIONS};

/// Writes a copy of the SQLite database into `dest`, which must not exist,
/// while writers go on: `VACUUM INTO` reads one snapshot (a read
/// transaction, which WAL mode lets writers pass) and writes it out whole.
pub fn sqlite_copy(db: &Db, dest: &Path) -> Result<(), DbError> {
    let dest = dest
        .to_str()
        .ok_or_else(|| DbError::Config(format!("{} is not UTF-8", dest.display())))?;
    let mut conn = db.conn()?;
    match &mut *conn {
        DbConnection::Sqlite(c) => {
            c.batch_execute(&format!("VACUUM INTO '{}'", dest.replace('\'', "''")))?;
            Ok(())
        }
        DbConnection::Pg(_) => Err(DbError::Config(
            "a SQLite copy of a PostgreSQL database".into(),
        )),
    }
}

/// Why a copy cannot be restored.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The file is not a restorable bukuma database; says why.
    #[error("{0}")]
    Unusable(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What checking a SQLite copy found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCopy {
    /// Migrations this binary knows that the copy lacked and now has.
    pub migrated: usize,
}

/// Checks that the SQLite file at `path` is a sound bukuma database whose
/// migrations are all ones this binary knows, and applies those it lacks
/// (a copy made by an older version). Refuses anything else: a file that
/// is not SQLite, fails SQLite's own check, has no bukuma migrations, or
/// was migrated by a newer bukuma.
pub fn check_sqlite_copy(path: &Path) -> Result<CheckedCopy, CopyError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        quick_check: String,
    }
    let bad = CopyError::Unusable;
    if !path.is_file() {
        return Err(bad("no such file".into()));
    }
    let name = path
        .to_str()
        .ok_or_else(|| bad("the path is not UTF-8".into()))?;
    let mut conn = SqliteConnection::establish(name).map_err(|e| bad(e.to_string()))?;
    let check: Vec<Row> = diesel::sql_query("PRAGMA quick_check")
        .load(&mut conn)
        .map_err(|e| bad(format!("not a SQLite database ({e})")))?;
    if check.first().map(|r| r.quick_check.as_str()) != Some("ok") {
        let found = check.first().map_or("nothing", |r| r.quick_check.as_str());
        return Err(bad(format!("SQLite's check fails: {found}")));
    }
    let known: BTreeSet<String> = MigrationSource::<Sqlite>::migrations(&SQLITE_MIGRATIONS)
        .map_err(|e| DbError::Migration(e.to_string()))?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let applied: BTreeSet<String> = conn
        .applied_migrations()
        .map_err(|_| bad("not a bukuma database (it has no migrations)".into()))?
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    if applied.is_empty() || !applied.iter().any(|v| known.contains(v)) {
        return Err(bad("not a bukuma database (none of its migrations)".into()));
    }
    if let Some(newer) = applied.difference(&known).next() {
        return Err(bad(format!(
            "migrated by a newer bukuma (migration {newer} is unknown to this one)"
        )));
    }
    let migrated = conn
        .run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| DbError::Migration(e.to_string()))?
        .len();
    Ok(CheckedCopy { migrated })
}
