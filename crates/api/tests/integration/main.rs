//! The HTTP API end to end, each test on its own database on both backends.
//! Modules mirror the routes; the rest are concerns that cut across them.

mod harness;

mod concurrency;
mod errors;
mod feeds;
mod hardening;
mod import_export;
mod metadata;
mod openapi;
mod pinboard;
mod read_cache;
mod routes;
mod search_processes;
mod visibility;
