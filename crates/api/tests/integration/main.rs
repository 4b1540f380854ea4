//! The HTTP API end to end, each test on its own database on both backends.
//! Modules mirror the routes; the rest are concerns that cut across them.

mod harness;

mod audit_command;
mod backup;
mod cache_sync;
mod concurrency;
mod db_restart;
mod errors;
mod feeds;
mod hardening;
mod hatena;
mod import_export;
mod metadata;
mod nul;
mod openapi;
mod pinboard;
mod proxies;
mod read_cache;
mod replica;
mod routes;
mod search_processes;
mod visibility;
