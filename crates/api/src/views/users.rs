//! Accounts, sessions and personal API tokens.

use bukuma_db::models;
use bukuma_domain::{Role, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::ts;

/// A user's role.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    User,
    Admin,
}

impl From<Role> for UserRole {
    fn from(r: Role) -> Self {
        match r {
            Role::User => UserRole::User,
            Role::Admin => UserRole::Admin,
        }
    }
}

/// What a personal API token may do: `read` only, or `write` too.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl From<Scope> for TokenScope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Read => TokenScope::Read,
            Scope::Write => TokenScope::Write,
        }
    }
}

impl From<TokenScope> for Scope {
    fn from(s: TokenScope) -> Self {
        match s {
            TokenScope::Read => Scope::Read,
            TokenScope::Write => Scope::Write,
        }
    }
}

/// A signed-in user's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub role: UserRole,
    pub created_at: DateTime<Utc>,
}

impl From<models::User> for User {
    fn from(u: models::User) -> Self {
        User {
            id: u.id.0,
            role: u.role.into(),
            username: u.username,
            display_name: u.display_name,
            bio: u.bio,
            created_at: ts(u.created_at),
        }
    }
}

/// Anyone's public profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub created_at: DateTime<Utc>,
    /// Public bookmarks only.
    pub bookmark_count: i64,
    /// How many users this user follows.
    pub following_count: i64,
    /// How many users follow this user.
    pub follower_count: i64,
    /// Whether the signed-in viewer follows this user; absent for anonymous viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followed_by_me: Option<bool>,
}

impl From<models::User> for Profile {
    fn from(u: models::User) -> Self {
        Profile {
            username: u.username,
            display_name: u.display_name,
            bio: u.bio,
            created_at: ts(u.created_at),
            bookmark_count: u.public_bookmark_count,
            following_count: u.following_count,
            follower_count: u.follower_count,
            followed_by_me: None,
        }
    }
}

/// Who wrote a bookmark or comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRef {
    pub username: String,
    pub display_name: String,
}

impl From<models::UserRef> for UserRef {
    fn from(u: models::UserRef) -> Self {
        UserRef {
            username: u.username,
            display_name: u.display_name,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–32 of `A-Z a-z 0-9 _ -`, unique regardless of case; some names are reserved.
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9_-]{3,32}$")]
    pub username: String,
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
    /// Defaults to the username.
    #[schema(max_length = 64)]
    pub display_name: Option<String>,
    /// Required when registration is by invite (see `GET /api/v1/auth/registration`).
    #[schema(max_length = 64)]
    pub invite_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 256)]
    pub username: String,
    #[schema(max_length = 1024)]
    pub password: String,
}

/// The refresh token may instead come from the `bukuma_refresh` cookie.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(max_length = 256)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    pub user: User,
    /// A JWT for `Authorization: Bearer`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Single use: exchange it at `/api/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// The rules of registration apply.
    #[schema(min_length = 8, max_length = 256)]
    pub new_password: String,
}

/// The session that changed the password goes on with this access token;
/// every other session has ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    /// A JWT for `Authorization: Bearer`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    /// The account's password, to confirm.
    #[schema(max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChanges {
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: Option<String>,
    #[schema(max_length = 500)]
    pub bio: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    pub scope: TokenScope,
}

/// A personal API token (its secret is shown only when created).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<models::ApiToken> for ApiToken {
    fn from(t: models::ApiToken) -> Self {
        ApiToken {
            id: t.id.0,
            scope: Scope::from_db(&t.scope).unwrap_or(Scope::Read).into(),
            name: t.name,
            created_at: ts(t.created_at),
            last_used_at: t.last_used_at.map(ts),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The secret, for `Authorization: Bearer`. It is not shown again.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenList {
    pub items: Vec<ApiToken>,
}

/// Who may create an account on this server.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone.
    Open,
    /// Nobody: accounts are made by the operator.
    Closed,
    /// Whoever has an invite code (`invite_code` at registration).
    Invite,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Registration {
    pub mode: RegistrationMode,
}

impl From<crate::config::RegistrationMode> for Registration {
    fn from(m: crate::config::RegistrationMode) -> Self {
        use crate::config::RegistrationMode as M;
        Registration {
            mode: match m {
                M::Open => RegistrationMode::Open,
                M::Closed => RegistrationMode::Closed,
                M::Invite => RegistrationMode::Invite,
            },
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// Registrations the code is good for; default 1.
    #[schema(minimum = 1, maximum = 10000)]
    pub max_uses: Option<i64>,
    /// Days until the code expires; default never.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_days: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    Active,
    Expired,
    Revoked,
    UsedUp,
}

/// An invite code. The code itself is shown only in the answer that made it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invite {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub max_uses: i64,
    pub uses: i64,
    pub status: InviteStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Invite {
    pub fn new(i: models::Invite, code: Option<String>, now: i64) -> Self {
        let status = crate::invites::status(&i, now);
        Invite {
            id: i.id,
            code,
            max_uses: i.max_uses,
            uses: i.uses,
            status,
            created_at: ts(i.created_at),
            expires_at: i.expires_at.map(ts),
            revoked_at: i.revoked_at.map(ts),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteList {
    /// Newest first, at most 1000.
    pub items: Vec<Invite>,
}
