//! Serialized answers of public reads, kept in memory and keyed by the data
//! versions they were read at (`bukuma_db::versions`): a write through this
//! process moves the versions of what it changed, so the next read of those
//! misses and queries again. Answers also expire after `BUKUMA_READ_CACHE_MS`,
//! which bounds how late figures they show of other scopes appear (the
//! bookmark count of an entry in a user's list) and writes of other
//! processes. Only answers that are the same for every viewer are kept;
//! owners and signed-in viewers of comments (their stars) always query.

use std::future::Future;
use std::time::Duration;

use actix_web::web::Bytes;
use bukuma_db::versions::{Scope, Versions};
use moka::future::Cache;

use crate::error::ApiError;

/// What an answer is the answer to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Entry(i64),
    /// An entry's comments; `query` is the request's query string.
    Comments {
        entry: i64,
        query: Box<str>,
    },
    /// A user's public bookmarks; `query` is the request's query string.
    UserBookmarks {
        user: i64,
        query: Box<str>,
    },
    UserTags(i64),
    UserSites(i64),
}

impl Key {
    fn scope(&self) -> Scope {
        match self {
            Key::Entry(id) | Key::Comments { entry: id, .. } => Scope::Entry(*id),
            Key::UserBookmarks { user: id, .. } | Key::UserTags(id) | Key::UserSites(id) => {
                Scope::User(*id)
            }
        }
    }

    fn weight(&self) -> usize {
        std::mem::size_of::<Self>()
            + match self {
                Key::Comments { query, .. } | Key::UserBookmarks { query, .. } => query.len(),
                _ => 0,
            }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Versioned {
    key: Key,
    version: u64,
}

/// Most usernames whose ids are kept (usernames never change hands).
const MAX_USER_IDS: u64 = 200_000;

pub struct ReadCache {
    answers: Option<Cache<Versioned, Bytes>>,
    /// Lowercase username → user id, for users that exist.
    user_ids: Option<Cache<Box<str>, i64>>,
}

impl ReadCache {
    /// A cache keeping answers for `ttl` in about `max_bytes`; a zero `ttl` keeps nothing.
    pub fn new(ttl: Duration, max_bytes: u64) -> Self {
        if ttl.is_zero() {
            return ReadCache {
                answers: None,
                user_ids: None,
            };
        }
        let answers = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|k: &Versioned, v: &Bytes| {
                u32::try_from(k.key.weight() + v.len()).unwrap_or(u32::MAX)
            })
            .time_to_live(ttl)
            .build();
        ReadCache {
            answers: Some(answers),
            user_ids: Some(Cache::new(MAX_USER_IDS)),
        }
    }

    /// The kept answer to `key`, or the one `load` makes (kept if it succeeds).
    /// Concurrent misses of one key wait for a single `load`.
    pub async fn get_or_load<F, Fut>(
        &self,
        versions: &Versions,
        key: Key,
        load: F,
    ) -> Result<Bytes, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Bytes, ApiError>>,
    {
        let Some(answers) = &self.answers else {
            return load().await;
        };
        // Read the version before querying: see `bukuma_db::versions`.
        let version = versions.get(key.scope());
        answers
            .try_get_with(Versioned { key, version }, load())
            .await
            .map_err(|e| (*e).clone())
    }

    /// The id of the user called `name` (any letter case), or `None`.
    pub async fn user_id<F, Fut>(&self, name: &str, load: F) -> Result<Option<i64>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<i64>, ApiError>>,
    {
        let Some(ids) = &self.user_ids else {
            return load().await;
        };
        let key: Box<str> = name.to_ascii_lowercase().into();
        if let Some(id) = ids.get(&key).await {
            return Ok(Some(id));
        }
        let id = load().await?;
        if let Some(id) = id {
            ids.insert(key, id).await;
        }
        Ok(id)
    }
}

/// `value` as a JSON body.
pub fn json_bytes<T: serde::Serialize>(value: &T) -> Result<Bytes, ApiError> {
    let mut body = serde_json::to_vec(value)
        .map_err(|e| ApiError::Internal(format!("serializing an answer: {e}")))?;
    // Kept answers hold their allocation: no more than they need.
    body.shrink_to_fit();
    Ok(Bytes::from(body))
}
