//! Per-test databases: a fresh SQLite file or a fresh PostgreSQL database,
//! migrated, dropped when the test ends. PostgreSQL comes from
//! `BUKUMA_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;

use crate::{Backend, Db};

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn pg_admin_url() -> String {
    std::env::var("BUKUMA_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres(),
        }
    }

    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
        let db = Db::connect(&url, 8).expect("open sqlite");
        db.migrate().expect("migrate sqlite");
        TestDb {
            db,
            url,
            _dir: Some(dir),
            pg_name: None,
        }
    }

    pub fn postgres() -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let admin = pg_admin_url();
        let name = format!(
            "bukuma_test_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros() % 1_000_000_000
        );
        let mut conn = PgConnection::establish(&admin).unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for the storage tests and did not answer at {admin}: {e}\n\
                 Start it (e.g. `pg_ctlcluster 15 main start`) or set BUKUMA_TEST_PG_URL."
            )
        });
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = match admin.rfind('/') {
            Some(i) if admin[..i].contains("://") && admin[i + 1..].chars().all(|c| c != '@') => {
                format!("{}/{name}", &admin[..i])
            }
            _ => format!("{}/{name}", admin.trim_end_matches('/')),
        };
        let db = Db::connect(&url, 8).expect("open postgres");
        db.migrate().expect("migrate postgres");
        TestDb {
            db,
            url,
            _dir: None,
            pg_name: Some(name),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut conn) = PgConnection::establish(&pg_admin_url()) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Defines a test once per backend: `mod $name { fn sqlite(); fn postgres(); }`.
#[macro_export]
macro_rules! backend_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let t = $crate::testing::TestDb::new($crate::Backend::Sqlite);
                ($body)(&t.db);
            }
            #[test]
            fn postgres() {
                let t = $crate::testing::TestDb::new($crate::Backend::Postgres);
                ($body)(&t.db);
            }
        }
    };
}
