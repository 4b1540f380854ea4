//! Connections to either backend and the r2d2 manager that opens them.

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use crate::error::DbError;

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
                // that concurrently opening connections contend for. 4 MB of
                // page cache per connection: every pooled connection keeps its
                // own, and the OS caches the file for all of them.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -4000; PRAGMA temp_store = MEMORY;",
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

impl ConnectionManager {
    pub(crate) fn new(target: DbTarget) -> Self {
        ConnectionManager { target }
    }
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
