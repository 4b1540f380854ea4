//! Whom each signed-in viewer follows, kept in memory: the versions of a
//! cached feed are those of the followees' bookmark lists, so the list must
//! be at hand without a query.
//!
//! A list is kept with the version of the viewer's follows and mutes
//! (`Scope::Social`) it was read at and reloaded when that moves, so a
//! follow through this process shows at once; one through another process
//! shows within [`TTL`].

use std::sync::Arc;
use std::time::Duration;

use bukuma_db::versions::Scope;
use bukuma_domain::UserId;
use moka::future::Cache;

use crate::error::ApiError;
use crate::state::AppState;

/// How long a list is trusted at most.
pub const TTL: Duration = Duration::from_secs(60);

/// Most viewers whose lists are kept.
const MAX_VIEWERS: u64 = 100_000;

pub struct FolloweeCache {
    known: Cache<UserId, (u64, Arc<[UserId]>)>,
}

impl Default for FolloweeCache {
    fn default() -> Self {
        FolloweeCache {
            known: Cache::builder()
                .max_capacity(MAX_VIEWERS)
                .time_to_live(TTL)
                .build(),
        }
    }
}

impl FolloweeCache {
    /// Everyone `viewer` follows.
    pub async fn of(&self, state: &AppState, viewer: UserId) -> Result<Arc<[UserId]>, ApiError> {
        // Read the version before querying: see `bukuma_db::versions`.
        let version = state.db.versions().get(Scope::Social(viewer));
        if let Some((at, list)) = self.known.get(&viewer).await {
            if at == version {
                return Ok(list);
            }
        }
        let list: Arc<[UserId]> = state
            .read(move |c| bukuma_db::follows::followee_ids(c, viewer))
            .await?
            .into();
        self.known.insert(viewer, (version, list.clone())).await;
        Ok(list)
    }
}
