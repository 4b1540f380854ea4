//! Whether the user behind an access token is suspended, checked on every
//! request that carries one: a suspension ends existing sessions at once
//! rather than when their access tokens expire.
//!
//! Answers are kept for [`RECHECK`] so that signed-in requests do not each
//! cost a query. The process that suspends a user forgets its answer for
//! them at once ([`Suspensions::forget`]); other processes learn of it
//! within [`RECHECK`].

use std::time::Duration;

use bukuma_domain::UserId;
use moka::future::Cache;

use crate::error::ApiError;
use crate::state::AppState;

/// How long an answer is trusted.
pub const RECHECK: Duration = Duration::from_secs(2);

/// Most users whose answer is kept.
const MAX_USERS: u64 = 100_000;

pub struct Suspensions {
    known: Cache<UserId, bool>,
}

impl Default for Suspensions {
    fn default() -> Self {
        Suspensions {
            known: Cache::builder()
                .max_capacity(MAX_USERS)
                .time_to_live(RECHECK)
                .build(),
        }
    }
}

impl Suspensions {
    /// Whether `user` is suspended now (or was within [`RECHECK`], for
    /// suspensions made by other processes).
    pub async fn is_suspended(&self, state: &AppState, user: UserId) -> Result<bool, ApiError> {
        if let Some(known) = self.known.get(&user).await {
            return Ok(known);
        }
        let suspended = state
            .read(move |c| bukuma_db::moderation::suspended_at(c, user))
            .await?
            .is_some();
        self.known.insert(user, suspended).await;
        Ok(suspended)
    }

    /// Forgets what is known of `user`, after their suspension changed.
    pub async fn forget(&self, user: UserId) {
        self.known.invalidate(&user).await;
    }
}
