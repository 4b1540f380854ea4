//! bukuma storage: one query code path over SQLite and PostgreSQL.
//!
//! Query functions are plain `fn(&mut DbConnection, …) -> Result<…, DbError>`
//! grouped per table ([`bookmarks`], [`entries`], …). [`Db`] hands out pooled
//! connections for reads and runs writes in transactions (serialised per
//! process on SQLite, retried on PostgreSQL serialisation failures and
//! deadlocks). Row structs live in [`models`], the diesel schema in [`schema`].

pub mod audit;
pub mod backup;
mod cache_sync;
mod connection;
mod error;
mod fixups;
pub mod models;
mod pool;
mod queries;
pub mod replica;
pub mod schema;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
pub mod versions;

pub use cache_sync::CacheSync;
pub use connection::{Backend, ConnectionManager, DbConnection, DbTarget};
pub use error::DbError;
pub use pool::{Db, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
pub use queries::related;
pub use queries::{
    accounts, bookmarks, categories, entries, follows, hatena, invites, leases, moderation, mutes,
    notifications, search, stars, stmt, tags, tokens, users,
};
pub use time::now_micros;
// `per_backend!` is defined beside `DbConnection` and exported at the crate root.
