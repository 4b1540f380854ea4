//! Following and unfollowing, with the counters of both users.

use bukuma_domain::UserId;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::FollowOutcome;
use crate::per_backend;
use crate::queries::notifications::{self, Subject};
use crate::queries::stmt::{Arg, Stmt};
use crate::schema::{follows, users};
use crate::versions::{touch, Scope};

/// Most users one user may follow.
pub const MAX_FOLLOWING: i64 = 10_000;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    following_count: i64,
}

/// Locks both users' rows for the rest of the transaction, in id order, so
/// that follows between the same two users in both directions queue
/// instead of deadlocking, and a user's follows run one at a time (their
/// count is then exact when checked against the limit). Returns the
/// follower's following count; `NotFound` when either user is missing.
/// SQLite runs one writer at a time and needs no lock.
fn lock_pair(conn: &mut DbConnection, follower: UserId, followee: UserId) -> Result<i64, DbError> {
    let sql = match conn {
        DbConnection::Pg(_) => {
            "SELECT id, following_count FROM users WHERE id IN (?, ?) \
             ORDER BY id FOR NO KEY UPDATE"
        }
        DbConnection::Sqlite(_) => "SELECT id, following_count FROM users WHERE id IN (?, ?)",
    };
    let rows: Vec<Locked> =
        Stmt::new(sql, &[Arg::Int(follower.0), Arg::Int(followee.0)]).load(conn)?;
    if rows.len() != 2 {
        return Err(DbError::NotFound);
    }
    rows.iter()
        .find(|r| r.id == follower.0)
        .map(|r| r.following_count)
        .ok_or(DbError::NotFound)
}

fn since(
    conn: &mut DbConnection,
    follower: UserId,
    followee: UserId,
) -> Result<Option<i64>, DbError> {
    Ok(follows::table
        .find((follower.0, followee.0))
        .select(follows::created_at)
        .first(conn)
        .optional()?)
}

fn add_counts(
    conn: &mut DbConnection,
    follower: UserId,
    followee: UserId,
    by: i64,
) -> Result<(), DbError> {
    diesel::update(users::table.find(follower))
        .set(users::following_count.eq(users::following_count + by))
        .execute(conn)?;
    diesel::update(users::table.find(followee))
        .set(users::follower_count.eq(users::follower_count + by))
        .execute(conn)?;
    Ok(())
}

/// `follower` follows `followee` (idempotent: following again keeps the
/// first time), and tells the followee. Run it in a transaction. `Conflict` for oneself,
/// `NotFound` when either user is missing.
pub fn follow(
    conn: &mut DbConnection,
    follower: UserId,
    followee: UserId,
    now: i64,
) -> Result<FollowOutcome, DbError> {
    if follower == followee {
        return Err(DbError::Conflict("cannot follow oneself"));
    }
    let following = lock_pair(conn, follower, followee)?;
    if let Some(at) = since(conn, follower, followee)? {
        return Ok(FollowOutcome::Following {
            followed_at: at,
            created: false,
        });
    }
    if following >= MAX_FOLLOWING {
        return Ok(FollowOutcome::LimitReached);
    }
    let inserted = per_backend!(&mut *conn, |c| diesel::insert_into(follows::table)
        .values((
            follows::follower_id.eq(follower.0),
            follows::followee_id.eq(followee.0),
            follows::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        touch(Scope::Social(follower));
        add_counts(conn, follower, followee, 1)?;
        notifications::add_actor(conn, followee, Subject::Follow, follower, now)?;
    }
    Ok(FollowOutcome::Following {
        followed_at: now,
        created: inserted == 1,
    })
}

/// `follower` stops following `followee` (idempotent). Run it in a
/// transaction. Returns whether a follow was removed; `NotFound` when
/// either user is missing.
pub fn unfollow(
    conn: &mut DbConnection,
    follower: UserId,
    followee: UserId,
) -> Result<bool, DbError> {
    if follower == followee {
        return Ok(false);
    }
    lock_pair(conn, follower, followee)?;
    let deleted = diesel::delete(follows::table.find((follower.0, followee.0))).execute(conn)?;
    if deleted == 1 {
        touch(Scope::Social(follower));
        add_counts(conn, follower, followee, -1)?;
        notifications::remove_actor(conn, followee, Subject::Follow, follower)?;
    }
    Ok(deleted == 1)
}
