//! Apps of the Hatena-compatible REST API: pre-issued OAuth 1.0a credentials.

use bukuma_domain::UserId;
use diesel::prelude::*;

use crate::schema::hatena_apps;

/// An app as stored: its public keys and the seed its secrets are derived
/// from (the secrets themselves are never stored).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = hatena_apps)]
pub struct HatenaApp {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub scope: String,
    pub consumer_key: String,
    pub access_token: String,
    pub secret_seed: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// What a new app is made of.
#[derive(Debug, Clone, Copy)]
pub struct NewHatenaApp<'a> {
    pub user_id: UserId,
    pub name: &'a str,
    pub scope: &'a str,
    pub consumer_key: &'a str,
    pub access_token: &'a str,
    pub secret_seed: &'a str,
    pub now: i64,
}
