//! The JSON API under `/api/v1`, one module per resource.

mod accounts;
mod auth;
mod bookmarks;
mod categories;
mod comments;
mod follows;
mod login_throttle;
mod moderation;
mod mutes;
mod notifications;
mod registration;
mod related;
mod search;
