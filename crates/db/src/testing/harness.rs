//! Per-test databases: a fresh SQLite file or a fresh PostgreSQL database,
//! migrated, dropped when the test ends. PostgreSQL comes from
//! `BUKUMA_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! [`both_backends!`](crate::both_backends) runs a test once per backend,
//! each run on its own database, so tests run in parallel.

use std::future::Future;
use std::ops::Deref;
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

/// A test database reads as the [`Db`] it holds.
impl Deref for TestDb {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

/// What an async test run by [`both_backends!`](crate::both_backends)
/// receives, built fresh for one backend: the backend itself, or a fixture
/// of the calling crate (an app on its own database).
pub trait Fixture: Sized {
    fn setup(backend: Backend) -> impl Future<Output = Self>;
}

impl Fixture for Backend {
    async fn setup(backend: Backend) -> Self {
        backend
    }
}

/// Builds `test`'s fixture for `backend`, then runs the test on it.
pub async fn run_async<F, Fut>(backend: Backend, test: impl FnOnce(F) -> Fut)
where
    F: Fixture,
    Fut: Future<Output = ()>,
{
    test(F::setup(backend).await).await;
}

/// Runs a test once on SQLite and once on PostgreSQL, each time on a fresh
/// database: `$name::sqlite` and `$name::postgres`.
///
/// - `both_backends!(name);` for `fn name(db: &Db)`.
/// - `both_backends!(async name);` for `async fn name(f: F)` where `F` is a
///   [`Fixture`](crate::testing::Fixture) (a `Backend`, or the calling
///   crate's app). It runs on actix's test runtime, so the calling crate
///   depends on `actix-web`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&$crate::testing::TestDb::new($crate::Backend::Sqlite));
            }
            #[test]
            fn postgres() {
                super::$name(&$crate::testing::TestDb::new($crate::Backend::Postgres));
            }
        }
    };
    (async $name:ident) => {
        mod $name {
            #[::actix_web::test]
            async fn sqlite() {
                $crate::testing::run_async($crate::Backend::Sqlite, super::$name).await;
            }
            #[::actix_web::test]
            async fn postgres() {
                $crate::testing::run_async($crate::Backend::Postgres, super::$name).await;
            }
        }
    };
}
