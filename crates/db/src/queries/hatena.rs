//! Apps of the Hatena-compatible REST API and the nonces of their signed
//! requests.

use bukuma_domain::UserId;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{HatenaApp, NewHatenaApp};
use crate::schema::{hatena_apps, hatena_nonces};

/// Most apps one user may hold.
pub const MAX_HATENA_APPS: i64 = 20;

/// Creates an app (in the caller's transaction); `Conflict` when the user
/// holds [`MAX_HATENA_APPS`] already.
pub fn create_app(conn: &mut DbConnection, new: &NewHatenaApp<'_>) -> Result<HatenaApp, DbError> {
    let held: i64 = hatena_apps::table
        .filter(hatena_apps::user_id.eq(new.user_id))
        .count()
        .get_result(conn)?;
    if held >= MAX_HATENA_APPS {
        return Err(DbError::Conflict("too many apps; revoke one first"));
    }
    let id: i64 = diesel::insert_into(hatena_apps::table)
        .values((
            hatena_apps::user_id.eq(new.user_id),
            hatena_apps::name.eq(new.name),
            hatena_apps::scope.eq(new.scope),
            hatena_apps::consumer_key.eq(new.consumer_key),
            hatena_apps::access_token.eq(new.access_token),
            hatena_apps::secret_seed.eq(new.secret_seed),
            hatena_apps::created_at.eq(new.now),
        ))
        .returning(hatena_apps::id)
        .get_result(conn)?;
    Ok(hatena_apps::table
        .find(id)
        .select(HatenaApp::as_select())
        .first(conn)?)
}

/// A user's apps, newest first.
pub fn list_apps(conn: &mut DbConnection, user_id: UserId) -> Result<Vec<HatenaApp>, DbError> {
    Ok(hatena_apps::table
        .filter(hatena_apps::user_id.eq(user_id))
        .order(hatena_apps::id.desc())
        .select(HatenaApp::as_select())
        .load(conn)?)
}

/// The app whose consumer key and access token both match.
pub fn find_app(
    conn: &mut DbConnection,
    consumer_key: &str,
    access_token: &str,
) -> Result<Option<HatenaApp>, DbError> {
    Ok(hatena_apps::table
        .filter(hatena_apps::consumer_key.eq(consumer_key))
        .filter(hatena_apps::access_token.eq(access_token))
        .select(HatenaApp::as_select())
        .first(conn)
        .optional()?)
}

/// Records use of an app, at most once a minute.
pub fn touch_app(conn: &mut DbConnection, id: i64, now: i64) -> Result<(), DbError> {
    diesel::update(
        hatena_apps::table.find(id).filter(
            hatena_apps::last_used_at
                .is_null()
                .or(hatena_apps::last_used_at.lt(now - 60_000_000)),
        ),
    )
    .set(hatena_apps::last_used_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Deletes a user's app (and the nonces of its requests); false when there
/// was none with that id.
pub fn delete_app(conn: &mut DbConnection, user_id: UserId, id: i64) -> Result<bool, DbError> {
    let n = diesel::delete(
        hatena_apps::table
            .find(id)
            .filter(hatena_apps::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// Records the nonce of a request signed by app `app_id` at `sent_at`
/// (seconds); false when that (nonce, timestamp) was seen before, i.e. the
/// request is a replay. Nonces of this app older than `oldest` are pruned
/// on the way: the timestamp check refuses such requests anyway.
pub fn remember_nonce(
    conn: &mut DbConnection,
    app_id: i64,
    nonce: &str,
    sent_at: i64,
    oldest: i64,
) -> Result<bool, DbError> {
    diesel::delete(
        hatena_nonces::table
            .filter(hatena_nonces::app_id.eq(app_id))
            .filter(hatena_nonces::sent_at.lt(oldest)),
    )
    .execute(conn)?;
    let inserted = crate::per_backend!(&mut *conn, |c| diesel::insert_into(hatena_nonces::table)
        .values((
            hatena_nonces::app_id.eq(app_id),
            hatena_nonces::nonce.eq(nonce),
            hatena_nonces::sent_at.eq(sent_at),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Nonces stored for app `app_id` (for tests and diagnostics).
pub fn nonce_count(conn: &mut DbConnection, app_id: i64) -> Result<i64, DbError> {
    Ok(hatena_nonces::table
        .filter(hatena_nonces::app_id.eq(app_id))
        .count()
        .get_result(conn)?)
}
