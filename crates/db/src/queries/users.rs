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

/// Finds a user by name, case-insensitively.
pub fn find_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<User>, DbError> {
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
