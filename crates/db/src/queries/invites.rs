//! Invite codes: made by admins, redeemed by registrations, revoked.
//! Callers pass the code's hash; the code itself is never stored.

use bukuma_domain::UserId;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::Invite;
use crate::schema::invites;

/// Most invites listed at once, newest first.
pub const MAX_LISTED: i64 = 1000;

/// Why a code could not be redeemed, or the invite it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeem {
    /// One use was counted on this invite.
    Redeemed(i64),
    Unknown,
    Revoked,
    Expired,
    UsedUp,
}

pub fn create(
    conn: &mut DbConnection,
    code_hash: &str,
    created_by: Option<UserId>,
    max_uses: i64,
    now: i64,
    expires_at: Option<i64>,
) -> Result<Invite, DbError> {
    diesel::insert_into(invites::table)
        .values((
            invites::code_hash.eq(code_hash),
            invites::created_by.eq(created_by),
            invites::max_uses.eq(max_uses),
            invites::uses.eq(0i64),
            invites::created_at.eq(now),
            invites::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    find_by_hash(conn, code_hash)?.ok_or(DbError::NotFound)
}

fn find_by_hash(conn: &mut DbConnection, code_hash: &str) -> Result<Option<Invite>, DbError> {
    Ok(invites::table
        .filter(invites::code_hash.eq(code_hash))
        .select(Invite::as_select())
        .first(conn)
        .optional()?)
}

/// Every invite, newest first (at most [`MAX_LISTED`]).
pub fn list(conn: &mut DbConnection) -> Result<Vec<Invite>, DbError> {
    Ok(invites::table
        .order(invites::id.desc())
        .limit(MAX_LISTED)
        .select(Invite::as_select())
        .load(conn)?)
}

/// Revokes an invite (again is fine); `NotFound` when there is none.
pub fn revoke(conn: &mut DbConnection, id: i64, now: i64) -> Result<Invite, DbError> {
    diesel::update(
        invites::table
            .find(id)
            .filter(invites::revoked_at.is_null()),
    )
    .set(invites::revoked_at.eq(now))
    .execute(conn)?;
    invites::table
        .find(id)
        .select(Invite::as_select())
        .first(conn)
        .optional()?
        .ok_or(DbError::NotFound)
}

/// Counts one use of the code, in one conditional update so that
/// concurrent registrations never use it more than `max_uses` times. Run
/// it in the transaction that creates the account.
pub fn redeem(conn: &mut DbConnection, code_hash: &str, now: i64) -> Result<Redeem, DbError> {
    let counted = diesel::update(
        invites::table
            .filter(invites::code_hash.eq(code_hash))
            .filter(invites::revoked_at.is_null())
            .filter(
                invites::expires_at
                    .is_null()
                    .or(invites::expires_at.gt(now)),
            )
            .filter(invites::uses.lt(invites::max_uses)),
    )
    .set(invites::uses.eq(invites::uses + 1))
    .execute(conn)?;
    let Some(invite) = find_by_hash(conn, code_hash)? else {
        return Ok(Redeem::Unknown);
    };
    Ok(if counted == 1 {
        Redeem::Redeemed(invite.id)
    } else if invite.revoked_at.is_some() {
        Redeem::Revoked
    } else if invite.expires_at.is_some_and(|e| e <= now) {
        Redeem::Expired
    } else {
        Redeem::UsedUp
    })
}
