//! Whether the user behind an access token is suspended, still exists, and
//! which generation of their access tokens is valid, checked on every
//! request that carries one: a suspension, a password change, "sign out
//! everywhere" and a deleted account end existing sessions at once rather
//! than when their access tokens expire.
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

/// What is known of a signed-in user: `None` when the account is gone,
/// else whether they are suspended and their session generation.
type SessionState = Option<(bool, i64)>;

pub struct Suspensions {
    known: Cache<UserId, SessionState>,
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
    /// `None` when `user` no longer exists, else whether they are
    /// suspended and the generation of access tokens that is valid (as
    /// of at most [`RECHECK`] ago for changes made by other processes).
    pub async fn session(&self, state: &AppState, user: UserId) -> Result<SessionState, ApiError> {
        if let Some(known) = self.known.get(&user).await {
            return Ok(known);
        }
        // Kept, and deciding who may act: read on the primary.
        let found = state
            .read_primary(move |c| bukuma_db::users::session_state(c, user))
            .await?
            .map(|(suspended_at, gen)| (suspended_at.is_some(), gen));
        self.known.insert(user, found).await;
        Ok(found)
    }

    /// Forgets what is known of `user`, after their suspension, sessions or
    /// account changed.
    pub async fn forget(&self, user: UserId) {
        self.known.invalidate(&user).await;
    }
}
