//! Apps of the Hatena-compatible REST API: pre-issued OAuth 1.0a
//! credentials a user makes for a Hatena client.

use bukuma_db::models;
use bukuma_domain::Scope;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::ts;
use super::users::TokenScope;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHatenaAppRequest {
    /// What the app is, to tell apps apart later (e.g. "browser add-on").
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    /// `read`: the app may read; `write`: it may add and delete bookmarks too.
    pub scope: TokenScope,
}

/// An app, without its secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct HatenaApp {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// The app's `oauth_consumer_key`.
    pub consumer_key: String,
    /// The app's `oauth_token`.
    pub access_token: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<models::HatenaApp> for HatenaApp {
    fn from(a: models::HatenaApp) -> Self {
        HatenaApp {
            id: a.id,
            scope: Scope::from_db(&a.scope).unwrap_or(Scope::Read).into(),
            name: a.name,
            consumer_key: a.consumer_key,
            access_token: a.access_token,
            created_at: ts(a.created_at),
            last_used_at: a.last_used_at.map(ts),
        }
    }
}

/// A new app with the four credentials a Hatena client signs with. The two
/// secrets are shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedHatenaApp {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub access_token: String,
    pub access_token_secret: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HatenaAppList {
    pub items: Vec<HatenaApp>,
}
