//! State shared by every request, and small helpers handlers have in common.

use std::sync::Arc;

use actix_web::{web, HttpRequest};
use bukuma_db::bookmarks::WriteOptions;
use bukuma_db::{Db, DbConnection, DbError};
use bukuma_domain::Cursor;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use crate::auth::JwtKeys;
use crate::config::Config;
use crate::error::ApiError;
use crate::routes::pinboard::Limiter;

pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    /// Per-user rate limits of the Pinboard-compatible API.
    pub pinboard: Limiter,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        AppState {
            jwt: JwtKeys::new(&config.jwt_secret),
            pinboard: Limiter::default(),
            config: Arc::new(config),
            db,
        }
    }

    pub fn write_options(&self) -> WriteOptions {
        WriteOptions {
            now: bukuma_db::now_micros(),
            new_entry_threshold: self.config.new_entry_threshold,
        }
    }

    /// Runs read-only queries on a blocking thread.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let db = self.db.clone();
        Ok(web::block(move || db.read(f)).await??)
    }

    /// Runs a write transaction on a blocking thread.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnMut(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let db = self.db.clone();
        Ok(web::block(move || db.write(f)).await??)
    }
}

/// Microseconds since the epoch as a UTC timestamp.
pub fn ts(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// Page size: 1–100, default 20.
pub fn page_limit(limit: Option<u32>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT as usize),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n as usize),
        Some(_) => Err(ApiError::field("limit", "must be between 1 and 100")),
    }
}

/// Decodes a cursor that carries `keys` sort keys.
pub fn decode_cursor(cursor: Option<&str>, keys: usize) -> Result<Option<Vec<i64>>, ApiError> {
    cursor
        .map(|c| {
            Cursor::decode(c, keys)
                .map(|c| c.keys().to_vec())
                .map_err(|e| ApiError::field("cursor", e))
        })
        .transpose()
}

pub fn encode_cursor(next: Option<Vec<i64>>) -> Option<String> {
    next.map(|k| Cursor::new(k).encode())
}

/// Parses the query string, where repeated keys (`?tag=a&tag=b`) fill lists.
pub fn query<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, ApiError> {
    serde_html_form::from_str(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))
}
