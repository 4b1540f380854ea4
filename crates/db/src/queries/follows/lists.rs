//! Who follows whom: both lists of a user, newest first, and one pair.

use bukuma_domain::UserId;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{FollowView, Page, UserRef};
use crate::schema::{follows, users};

/// Whether `follower` follows `followee`.
pub fn is_following(
    conn: &mut DbConnection,
    follower: UserId,
    followee: UserId,
) -> Result<bool, DbError> {
    Ok(follows::table
        .find((follower.0, followee.0))
        .select(follows::created_at)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

type Row = (i64, i64, String, String);

fn page(rows: Vec<Row>, limit: usize) -> Page<FollowView> {
    Page::from_rows(rows, limit, |r| vec![r.0, r.1]).map(
        |(followed_at, _, username, display_name)| FollowView {
            user: UserRef {
                username,
                display_name,
            },
            followed_at,
        },
    )
}

/// One side of `user`'s follows: the rows whose `$own` column is `user`,
/// with the users in `$other`, most recent first, keyed by (followed at,
/// their id); each side reads its own index.
macro_rules! follow_list {
    ($conn:expr, $user:expr, $after:expr, $limit:expr, $own:ident, $other:ident) => {{
        let mut q = follows::table
            .inner_join(users::table.on(users::id.eq(follows::$other)))
            .filter(follows::$own.eq($user.0))
            .into_boxed();
        if let Some((t, id)) = $after {
            q = q.filter(
                follows::created_at
                    .le(t)
                    .and(follows::created_at.lt(t).or(follows::$other.lt(id))),
            );
        }
        let rows: Vec<Row> = q
            .order((follows::created_at.desc(), follows::$other.desc()))
            .limit(i64::try_from($limit).unwrap_or(100) + 1)
            .select((
                follows::created_at,
                follows::$other,
                users::username,
                users::display_name,
            ))
            .load($conn)?;
        Ok(page(rows, $limit))
    }};
}

/// The users `user` follows, most recently followed first; read off the
/// `follows_following` index.
pub fn following(
    conn: &mut DbConnection,
    user: UserId,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<FollowView>, DbError> {
    follow_list!(conn, user, after, limit, follower_id, followee_id)
}

/// The users who follow `user`, most recent first; read off the
/// `follows_followers` index.
pub fn followers(
    conn: &mut DbConnection,
    user: UserId,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<FollowView>, DbError> {
    follow_list!(conn, user, after, limit, followee_id, follower_id)
}

/// The ids of everyone `user` follows (at most [`super::MAX_FOLLOWING`]),
/// for what a viewer's cached feed depends on.
pub fn followee_ids(conn: &mut DbConnection, user: UserId) -> Result<Vec<UserId>, DbError> {
    Ok(follows::table
        .filter(follows::follower_id.eq(user.0))
        .select(follows::followee_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(UserId)
        .collect())
}
