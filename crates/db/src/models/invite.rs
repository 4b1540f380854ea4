//! Invite codes for invite-only registration.

use diesel::prelude::*;

use crate::schema::invites;

/// An invite code as stored: only the code's hash is kept.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = invites)]
pub struct Invite {
    pub id: i64,
    pub code_hash: String,
    pub created_by: Option<bukuma_domain::UserId>,
    pub max_uses: i64,
    pub uses: i64,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}
