//! Test support for this crate's tests and the api crate's (feature
//! `testing`): a fresh database per test on either backend, a macro that
//! runs a test on both, builders for the rows tests start from, and a
//! recount of every stored counter.

pub use crate::audit;
pub mod builders;
mod harness;

pub use harness::{pg_admin_url, run_async, Fixture, TestDb, DEFAULT_PG_URL};
