//! Refresh tokens (rotating, in families) and personal API tokens. Only
//! hashes of token secrets are stored.

use bukuma_domain::{TokenId, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{ApiToken, RefreshToken};
use crate::schema::{api_tokens, refresh_tokens};

/// Most personal API tokens one user may hold.
pub const MAX_API_TOKENS: i64 = 100;

pub fn insert_refresh(
    conn: &mut DbConnection,
    user_id: UserId,
    family: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshToken>, DbError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a refresh token used; false when it already was (a concurrent or
/// replayed use), which the caller treats as reuse.
pub fn mark_refresh_used(conn: &mut DbConnection, id: i64, now: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family: &str, now: i64) -> Result<(), DbError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Revokes every live refresh token of a user, except those of
/// `keep_family` when given.
pub fn revoke_user_sessions(
    conn: &mut DbConnection,
    user_id: UserId,
    keep_family: Option<&str>,
    now: i64,
) -> Result<usize, DbError> {
    let live = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null());
    let n = match keep_family {
        Some(family) => diesel::update(live.filter(refresh_tokens::family.ne(family)))
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(conn)?,
        None => diesel::update(live)
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(conn)?,
    };
    Ok(n)
}

/// Deletes refresh tokens that expired before `before`.
pub fn purge_expired_refresh(conn: &mut DbConnection, before: i64) -> Result<usize, DbError> {
    Ok(
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(before)))
            .execute(conn)?,
    )
}

pub fn create_api_token(
    conn: &mut DbConnection,
    user_id: UserId,
    name: &str,
    scope: &str,
    token_hash: &str,
    now: i64,
) -> Result<ApiToken, DbError> {
    let held: i64 = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if held >= MAX_API_TOKENS {
        return Err(DbError::Conflict("too many API tokens; revoke one first"));
    }
    let id: TokenId = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(name),
            api_tokens::scope.eq(scope),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now),
        ))
        .returning(api_tokens::id)
        .get_result(conn)?;
    Ok(api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)?)
}

pub fn list_api_tokens(conn: &mut DbConnection, user_id: UserId) -> Result<Vec<ApiToken>, DbError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)?)
}

pub fn find_api_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<ApiToken>, DbError> {
    Ok(api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(ApiToken::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a token's last use is older than a minute (uses are recorded at
/// most once a minute to spare the writer).
pub fn needs_touch(token: &ApiToken, now: i64) -> bool {
    token.last_used_at.is_none_or(|t| t < now - 60_000_000)
}

/// Records use of a token, at most once a minute.
pub fn touch_api_token(conn: &mut DbConnection, id: TokenId, now: i64) -> Result<(), DbError> {
    diesel::update(
        api_tokens::table.find(id).filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(now - 60_000_000)),
        ),
    )
    .set(api_tokens::last_used_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Deletes a user's token; false when there was none with that id.
pub fn delete_api_token(
    conn: &mut DbConnection,
    user_id: UserId,
    id: TokenId,
) -> Result<bool, DbError> {
    let n = diesel::delete(
        api_tokens::table
            .find(id)
            .filter(api_tokens::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}
