//! The subcommands of `bukuma`, one module each, and what they share.

pub mod audit;
pub mod backup;
pub mod categories;
pub mod invite;
pub mod search;
pub mod seed;
pub mod serve;
pub mod transfer;
pub mod user;

use bukuma_api::Config;
use bukuma_db::{users, Db};
use bukuma_domain::UserId;

pub type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// The configured database, migrated.
pub fn open_db(config: &Config) -> Result<Db, AnyError> {
    let db = Db::connect_with_replica(
        &config.database_url,
        config.replica_url.as_deref(),
        config.pool_size,
        std::time::Duration::from_millis(config.replica_pin_ms),
    )?;
    db.migrate()?;
    Ok(db)
}

/// The id of the user called `name`.
pub fn find_user(db: &Db, name: &str) -> Result<UserId, AnyError> {
    let name = name.to_owned();
    db.read(|c| users::find_by_name(c, &name))?
        .map(|u| u.id)
        .ok_or_else(|| format!("no user named {name:?}").into())
}
