//! The bukuma HTTP API: routes, authentication, OpenAPI, SPA serving and
//! background jobs. The `bukuma` binary is in `src/bin/bukuma`.

mod app;
pub mod auth;
pub mod backup;
pub mod cache;
pub mod categorizer;
pub mod client;
pub mod config;
pub mod error;
pub mod extract;
pub mod followees;
pub mod hardening;
pub mod import_export;
pub mod indexer;
pub mod invites;
pub mod jobs;
pub mod logging;
pub mod login_throttle;
pub mod metrics;
pub mod middleware;
pub mod mutes;
pub mod openapi;
pub mod rate_limit;
pub mod related;
pub mod routes;
pub mod routing;
pub mod spa;
pub mod state;
pub mod suspension;
pub mod views;

pub use app::app;
pub use config::Config;
pub use state::AppState;
