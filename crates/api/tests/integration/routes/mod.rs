//! The JSON API under `/api/v1`, one module per resource.

mod auth;
mod bookmarks;
mod comments;
mod follows;
mod notifications;
mod search;
