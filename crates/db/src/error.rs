//! The error of every storage operation.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use thiserror::Error;

/// What PostgreSQL (SQLSTATE class 57, operator intervention) and libpq
/// say when the server shuts down, restarts or drops the connection.
const SERVER_GONE: &[&str] = &[
    "terminating connection due to administrator command",
    "terminating connection because of crash of another server process",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is not yet accepting connections",
    "the database system is in recovery mode",
    "server closed the connection unexpectedly",
    "no connection to the server",
    "could not receive data from server",
    "could not send data to server",
];

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
        match self {
            DbError::Query(DieselError::DatabaseError(kind, info)) => {
                matches!(
                    kind,
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand
                ) || SERVER_GONE.iter().any(|m| info.message().contains(m))
            }
            _ => false,
        }
    }

    /// The database cannot answer now (a restart, a failover, a lost
    /// connection, an exhausted pool): worth trying again in a moment,
    /// unlike a failed query.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Pool(_) | DbError::Connection(_) | DbError::Batch(_) => true,
            other => other.is_disconnect(),
        }
    }

    /// PostgreSQL aborted the transaction because of a concurrent one; running it again is safe.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            DbError::Query(DieselError::DatabaseError(kind, info)) => {
                matches!(kind, DatabaseErrorKind::SerializationFailure)
                    || info.message().contains("deadlock detected")
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(kind: DatabaseErrorKind, message: &str) -> DbError {
        DbError::Query(DieselError::DatabaseError(
            kind,
            Box::new(message.to_owned()),
        ))
    }

    #[test]
    fn a_restarting_server_is_unavailable_not_a_failed_query() {
        use DatabaseErrorKind::*;
        assert!(query(
            Unknown,
            "terminating connection due to administrator command"
        )
        .is_disconnect());
        assert!(query(Unknown, "FATAL:  the database system is shutting down").is_unavailable());
        assert!(query(ClosedConnection, "").is_unavailable());
        assert!(DbError::Connection("connection refused".into()).is_unavailable());
        assert!(!query(UniqueViolation, "duplicate key value").is_unavailable());
        assert!(!query(Unknown, "syntax error at or near \"x\"").is_unavailable());
        assert!(!DbError::NotFound.is_unavailable());
        assert!(!DbError::Connection("refused".into()).is_disconnect());
    }
}
