//! bukuma storage: one query code path over SQLite and PostgreSQL.
//!
//! Query functions are plain `fn(&mut DbConnection, …) -> Result<…, DbError>`
//! grouped per table. [`Db`] hands out pooled connections for reads and runs
//! writes in transactions (serialised per process on SQLite, retried on
//! PostgreSQL serialisation failures and deadlocks).

mod batch;
pub mod bookmarks;
pub mod entries;
pub mod leases;
pub mod models;
pub mod pinboard;
pub mod schema;
pub mod seed;
pub mod stars;
pub mod stmt;
pub mod tags;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod users;
pub mod versions;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use thiserror::Error;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A connection to either backend; diesel's query builder targets both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same code on the concrete connection of either backend, for the
/// few statements the multi-backend query builder cannot express (upserts).
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::DbConnection::Pg($c) => $body,
            $crate::DbConnection::Sqlite($c) => $body,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Error)]
pub enum DbError {
    #[error("invalid database URL: {0}")]
    Config(String),
    #[error("cannot connect to the database: {0}")]
    Connection(String),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("query failed: {0}")]
    Query(#[from] DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("batched write failed: {0}")]
    Batch(String),
}

impl DbError {
    /// The server behind the connection went away (restart, failover, a
    /// dropped socket): the connection is useless, the database is not.
    pub fn is_disconnect(&self) -> bool {
        matches!(
            self,
            DbError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _
            ))
        )
    }

    /// PostgreSQL aborted the transaction because of a concurrent one; running it again is safe.
    fn is_transient(&self) -> bool {
        match self {
            DbError::Query(DieselError::DatabaseError(kind, info)) => {
                matches!(kind, DatabaseErrorKind::SerializationFailure)
                    || info.message().contains("deadlock detected")
            }
            _ => false,
        }
    }
}

/// Where the data lives, parsed from a `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DbTarget {
    /// `postgres://…`/`postgresql://…` select PostgreSQL; `sqlite://path`,
    /// `sqlite:path` or a bare path select SQLite (`:memory:` is refused:
    /// every pooled connection would see its own empty database).
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbTarget::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains(":memory:") || path.contains("://") {
            return Err(DbError::Config(format!(
                "expected postgres://… or sqlite://path, got {url:?}"
            )));
        }
        Ok(DbTarget::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbTarget::Sqlite(_) => Backend::Sqlite,
            DbTarget::Postgres(_) => Backend::Postgres,
        }
    }
}

/// r2d2 manager that opens the backend named by the URL (diesel's derived
/// `establish` would try each backend in turn and hide the real error).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DbTarget,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = DbError;

    fn connect(&self) -> Result<DbConnection, DbError> {
        match &self.target {
            DbTarget::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(|e| DbError::Connection(e.to_string())),
            DbTarget::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path)
                    .map_err(|e| DbError::Connection(e.to_string()))?;
                // busy_timeout first: switching a new file to WAL needs a lock
                // that concurrently opening connections contend for. 8 MB of
                // page cache per connection: every pooled connection keeps its
                // own, and the OS caches the file for all of them.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -8000; PRAGMA temp_store = MEMORY;",
                )
                .map_err(|e| DbError::Connection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::from)
    }

    /// A connection left inside a transaction (its user panicked) or whose
    /// server hung up is dropped instead of going back to the pool.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.is_broken()
    }
}

/// The database handle shared by the server: a pool plus the write path.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    /// Opens the replacement of a pooled connection whose server hung up.
    manager: ConnectionManager,
    backend: Backend,
    /// SQLite admits one writer at a time; taking this lock first makes
    /// writers of this process queue here instead of failing with `SQLITE_BUSY`.
    writer: Arc<Mutex<()>>,
    versions: Arc<versions::Versions>,
    /// SQLite's group-commit queue for [`Db::write_batched`].
    batcher: Option<Arc<batch::Batcher>>,
    /// Writes run again after a serialisation failure or deadlock.
    retried: Arc<AtomicU64>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    /// Opens a pool for `url`, creating the SQLite file's directory if needed.
    pub fn connect(url: &str, max_size: u32) -> Result<Self, DbError> {
        let target = DbTarget::parse(url)?;
        if let DbTarget::Sqlite(path) = &target {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    DbError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let backend = target.backend();
        let manager = ConnectionManager { target };
        if backend == Backend::Sqlite {
            // One connection switches a new file to WAL (a setting the file
            // keeps) before the pool opens its connections all at once, which
            // would otherwise contend for that switch and fail with "database
            // is locked" (r2d2 retries and logs each failure as an error).
            r2d2::ManageConnection::connect(&manager)?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size.max(1))
            .connection_timeout(Duration::from_secs(10))
            // Testing each connection on checkout would cost PostgreSQL a
            // round trip per request (a fifth of its write throughput); one
            // whose server hung up is replaced when it fails instead, see
            // `Db::read` and `Db::write`. A SQLite connection cannot die so.
            .test_on_check_out(false)
            .build(manager.clone())?;
        let writer = Arc::new(Mutex::new(()));
        let versions: Arc<versions::Versions> = Arc::default();
        let batcher = match backend {
            Backend::Sqlite => Some(Arc::new(batch::Batcher::start(
                manager.clone(),
                writer.clone(),
                versions.clone(),
            )?)),
            Backend::Postgres => None,
        };
        Ok(Db {
            pool,
            manager,
            backend,
            writer,
            versions,
            batcher,
            retried: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many writes ran again after a PostgreSQL serialisation failure
    /// or deadlock, since this pool was opened.
    pub fn retried_writes(&self) -> u64 {
        self.retried.load(Ordering::Relaxed)
    }

    /// Versions of the data this process wrote, for caches of what it reads.
    pub fn versions(&self) -> &versions::Versions {
        &self.versions
    }

    pub fn conn(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Applies pending migrations of this backend.
    pub fn migrate(&self) -> Result<(), DbError> {
        let _guard = self.lock_writer();
        let mut conn = self.conn()?;
        let result = per_backend!(&mut *conn, |c| c
            .run_pending_migrations(match self.backend {
                Backend::Sqlite => SQLITE_MIGRATIONS,
                Backend::Postgres => POSTGRES_MIGRATIONS,
            })
            .map(|_| ()));
        result.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Runs read-only work on a pooled connection; once more on a new one
    /// when the server behind the first had hung up.
    pub fn read<T>(
        &self,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self.conn()?;
        match f(&mut conn) {
            Err(e) if e.is_disconnect() => {
                self.reconnect(&mut conn)?;
                f(&mut conn)
            }
            other => other,
        }
    }

    /// Puts a new connection in the place of a dead pooled one, so that the
    /// pool does not hand the dead one out again.
    fn reconnect(&self, conn: &mut DbConnection) -> Result<(), DbError> {
        *conn = r2d2::ManageConnection::connect(&self.manager)?;
        Ok(())
    }

    /// Runs `f` in a transaction; on PostgreSQL it is retried a few times when
    /// a concurrent transaction forced an abort.
    pub fn write<T>(
        &self,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        // Queue for the writer lock before taking a connection, so that
        // writers waiting on SQLite do not drain the pool the readers need.
        let _guard = self.lock_writer();
        let mut conn = self.conn()?;
        self.retrying(&mut conn, |c| c.transaction(|c| f(c)))
    }

    /// Runs `run` on `conn` and publishes the versions it touched; again,
    /// a few times, when PostgreSQL aborted it for a concurrent write.
    fn retrying<T>(
        &self,
        conn: &mut DbConnection,
        mut run: impl FnMut(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.versions.publish_after(|| {
            let mut attempt = 0;
            loop {
                match run(conn) {
                    Err(e) if e.is_transient() && attempt < 5 => {
                        attempt += 1;
                        self.retried.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(attempt, error = %e, "write ran again after a conflict");
                    }
                    Err(e) if e.is_disconnect() => {
                        // Whether a lost COMMIT (or autocommitted
                        // statement) took effect is unknown, so the write is
                        // not repeated; the next one gets a new connection.
                        let _ = self.reconnect(conn);
                        return Err(e);
                    }
                    other => return other,
                }
            }
        })
    }

    /// Runs `f` as [`Db::write_batched`] does, except that on PostgreSQL it
    /// gets its connection outside a transaction: each statement `f` runs
    /// commits on its own unless `f` opens a transaction itself. For
    /// writes that take one statement, or whose statements each leave the
    /// data consistent (see [`bookmarks::save`]): no `BEGIN` and `COMMIT`
    /// round trips. Retried as [`Db::write`] retries.
    pub fn write_autocommit<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        if self.batcher.is_some() {
            return self.write_batched(f);
        }
        let mut conn = self.conn()?;
        self.retrying(&mut conn, f)
    }

    /// Runs `f` in a transaction as [`Db::write`] does; on SQLite it joins
    /// the writes queued meanwhile, committed together (each in a savepoint,
    /// so one that fails rolls back alone). Its answer comes after the commit.
    pub fn write_batched<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    {
        match &self.batcher {
            Some(batcher) => batcher.write(f),
            None => self.write(f),
        }
    }

    fn lock_writer(&self) -> Option<std::sync::MutexGuard<'_, ()>> {
        match self.backend {
            // A poisoned lock only means another writer panicked; the
            // database itself rolled that transaction back.
            Backend::Sqlite => Some(self.writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        }
    }
}

/// Current time in microseconds since the Unix epoch, the unit of every `*_at` column.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_select_the_backend() {
        assert_eq!(
            DbTarget::parse("postgres://u@h/db").ok(),
            Some(DbTarget::Postgres("postgres://u@h/db".into()))
        );
        assert_eq!(
            DbTarget::parse("sqlite://data/x.sqlite3").ok(),
            Some(DbTarget::Sqlite("data/x.sqlite3".into()))
        );
        assert_eq!(
            DbTarget::parse("sqlite:/tmp/x.db").ok(),
            Some(DbTarget::Sqlite("/tmp/x.db".into()))
        );
        assert!(DbTarget::parse("sqlite://:memory:").is_err());
        assert!(DbTarget::parse("mysql://x").is_err());
    }
}
