//! Storage behaviour, each test on its own SQLite file and PostgreSQL
//! database. One module per table or concern.

mod common;

mod accounts;
mod bookmarks;
mod categories;
mod concurrency;
mod entries;
mod follows;
mod hatena;
mod invites;
mod moderation;
mod mutes;
mod notifications;
mod postgres;
mod related;
mod replica;
mod search;
mod sqlite;
mod stars;
mod tags;
mod users;
mod versions;
mod visibility;
