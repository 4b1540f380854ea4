//! Plain query functions, one module per table, over either backend.

pub mod accounts;
pub mod bookmarks;
pub mod categories;
pub mod entries;
pub mod follows;
pub mod hatena;
pub mod invites;
pub mod leases;
pub mod moderation;
pub mod mutes;
pub mod notifications;
pub mod related;
pub mod search;
pub mod stars;
pub mod stmt;
pub mod tags;
pub mod tokens;
pub mod users;
mod write_options;
