//! Users: the row, its insert and update forms, and the public face shown
//! beside their bookmarks.

use bukuma_domain::{Role, UserId};
use diesel::prelude::*;

use crate::schema::users;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub username_lower: String,
    pub display_name: String,
    pub bio: String,
    pub role: Role,
    pub password_hash: String,
    pub bookmark_count: i64,
    pub public_bookmark_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Users this one follows; kept equal to their `follows` rows.
    pub following_count: i64,
    /// Users following this one.
    pub follower_count: i64,
    /// When an admin suspended the user; `None` while they are in good standing.
    pub suspended_at: Option<i64>,
    /// The generation of access tokens still valid; a password change bumps it.
    pub session_gen: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub username_lower: &'a str,
    pub display_name: &'a str,
    pub bio: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub updated_at: Option<i64>,
}

/// The public face of a user shown beside their bookmarks and comments.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct UserRef {
    pub username: String,
    pub display_name: String,
}
