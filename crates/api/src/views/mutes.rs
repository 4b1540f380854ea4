//! Mutes as their owner sees and edits them.

use bukuma_db::models;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::ts;
use super::users::UserRef;

/// A muted user and since when.
#[derive(Debug, Serialize, ToSchema)]
pub struct MutedUser {
    pub user: UserRef,
    pub muted_at: DateTime<Utc>,
}

/// A muted word, as it is matched (NFKC-normalized, lowercased).
#[derive(Debug, Serialize, ToSchema)]
pub struct MutedWord {
    pub word: String,
    pub muted_at: DateTime<Utc>,
}

/// A muted site (its subdomains are muted with it).
#[derive(Debug, Serialize, ToSchema)]
pub struct MutedSite {
    pub domain: String,
    pub muted_at: DateTime<Utc>,
}

/// Everything I muted, most recent first in each list. Nobody else can see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MuteLists {
    #[schema(max_items = 1000)]
    pub users: Vec<MutedUser>,
    #[schema(max_items = 200)]
    pub words: Vec<MutedWord>,
    #[schema(max_items = 200)]
    pub sites: Vec<MutedSite>,
}

impl From<models::MuteList> for MuteLists {
    fn from(m: models::MuteList) -> Self {
        MuteLists {
            users: m
                .users
                .into_iter()
                .map(|u| MutedUser {
                    user: u.value.into(),
                    muted_at: ts(u.muted_at),
                })
                .collect(),
            words: m
                .words
                .into_iter()
                .map(|w| MutedWord {
                    word: w.value,
                    muted_at: ts(w.muted_at),
                })
                .collect(),
            sites: m
                .sites
                .into_iter()
                .map(|s| MutedSite {
                    domain: s.value,
                    muted_at: ts(s.muted_at),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteWordRequest {
    /// 1–32 characters; hides comments that contain it, in any letter case
    /// or width.
    #[schema(min_length = 1, max_length = 32)]
    pub word: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteSiteRequest {
    /// A host name such as `example.com`; its subdomains are muted too.
    #[schema(min_length = 1, max_length = 253)]
    pub domain: String,
}
