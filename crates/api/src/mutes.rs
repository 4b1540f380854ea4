//! The mutes of signed-in viewers, kept in memory so that lists can be
//! filtered without a query per request.
//!
//! A list is kept for [`RECHECK`]. The process that changes a user's
//! mutes forgets its copy at once ([`MuteCache::forget`]); other processes
//! see the change within [`RECHECK`].

use std::sync::Arc;
use std::time::Duration;

use bukuma_domain::{Mutes, UserId};
use moka::future::Cache;

use crate::error::ApiError;
use crate::state::AppState;

/// How long a user's mutes are trusted.
pub const RECHECK: Duration = Duration::from_secs(2);

/// Most users whose mutes are kept.
const MAX_USERS: u64 = 100_000;

pub struct MuteCache {
    known: Cache<UserId, Arc<Mutes>>,
    /// What anonymous viewers muted (nothing), shared rather than made per request.
    none: Arc<Mutes>,
}

impl Default for MuteCache {
    fn default() -> Self {
        MuteCache {
            known: Cache::builder()
                .max_capacity(MAX_USERS)
                .time_to_live(RECHECK)
                .build(),
            none: Arc::default(),
        }
    }
}

impl MuteCache {
    /// What `viewer` muted; nothing for an anonymous viewer.
    pub async fn of(
        &self,
        state: &AppState,
        viewer: Option<UserId>,
    ) -> Result<Arc<Mutes>, ApiError> {
        let Some(user) = viewer else {
            return Ok(self.none.clone());
        };
        if let Some(known) = self.known.get(&user).await {
            return Ok(known);
        }
        let mutes = Arc::new(state.read(move |c| bukuma_db::mutes::load(c, user)).await?);
        self.known.insert(user, mutes.clone()).await;
        Ok(mutes)
    }

    /// Forgets `user`'s mutes, after they changed.
    pub async fn forget(&self, user: UserId) {
        self.known.invalidate(&user).await;
    }
}
