//! Queries on `users`.

use bukuma_domain::{Role, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{NewUser, User, UserChanges};
use crate::schema::users;

pub fn find(conn: &mut DbConnection, id: UserId) -> Result<Option<User>, DbError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Finds a user by name, case-insensitively. A name with a NUL matches
/// nobody (and PostgreSQL would refuse it as text).
pub fn find_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<User>, DbError> {
    if name.contains('\0') {
        return Ok(None);
    }
    Ok(users::table
        .filter(users::username_lower.eq(name.to_ascii_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Inserts a user; `Conflict` when the name is taken in any letter case.
pub fn create(conn: &mut DbConnection, new: &NewUser<'_>) -> Result<User, DbError> {
    let taken = users::table
        .filter(users::username_lower.eq(new.username_lower))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(DbError::Conflict("username is already taken"));
    }
    let id: UserId = diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)?;
    find(conn, id)?.ok_or(DbError::NotFound)
}

pub fn update(conn: &mut DbConnection, id: UserId, changes: &UserChanges) -> Result<User, DbError> {
    if changes.display_name.is_some() || changes.bio.is_some() {
        // The display name shows beside every bookmark and comment of the user.
        crate::versions::touch_all();
        diesel::update(users::table.find(id))
            .set(changes)
            .execute(conn)?;
    }
    find(conn, id)?.ok_or(DbError::NotFound)
}

pub fn set_role(conn: &mut DbConnection, id: UserId, role: Role) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set(users::role.eq(role))
        .execute(conn)?;
    Ok(())
}

/// What every signed-in request checks of its user: when they were
/// suspended, and the generation of access tokens still valid. `None` when
/// the user is gone (their account was deleted).
pub fn session_state(
    conn: &mut DbConnection,
    id: UserId,
) -> Result<Option<(Option<i64>, i64)>, DbError> {
    Ok(users::table
        .find(id)
        .select((users::suspended_at, users::session_gen))
        .first(conn)
        .optional()?)
}

/// Stores a new password hash and ends every session but `keep_family`
/// (the refresh-token family of the session that changed it): other
/// refresh tokens are revoked and access tokens of older generations stop
/// working. Returns the new generation.
pub fn change_password(
    conn: &mut DbConnection,
    id: UserId,
    password_hash: &str,
    keep_family: Option<&str>,
    now: i64,
) -> Result<i64, DbError> {
    let gen: i64 = diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::session_gen.eq(users::session_gen + 1),
            users::updated_at.eq(now),
        ))
        .returning(users::session_gen)
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    crate::queries::tokens::revoke_user_sessions(conn, id, keep_family, now)?;
    Ok(gen)
}

/// Ends every session of a user, this one included: all refresh tokens
/// revoked, all access tokens of the current generation invalid. Returns
/// the new generation.
pub fn end_all_sessions(conn: &mut DbConnection, id: UserId, now: i64) -> Result<i64, DbError> {
    let gen: i64 = diesel::update(users::table.find(id))
        .set(users::session_gen.eq(users::session_gen + 1))
        .returning(users::session_gen)
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)?;
    crate::queries::tokens::revoke_user_sessions(conn, id, None, now)?;
    Ok(gen)
}
