//! Mutes: the users, words and sites a user no longer wants to see. Each
//! kind is its own small table keyed by (user, what); the whole set of a
//! user is read at once to filter what they are shown.

use bukuma_domain::mute::{MAX_MUTED_SITES, MAX_MUTED_USERS, MAX_MUTED_WORDS};
use bukuma_domain::{MuteWord, Mutes, UserId};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{MuteList, MuteOutcome, Muted, UserRef};
use crate::queries::bookmarks::lock_owner;
use crate::queries::notifications;
use crate::queries::stmt::{Arg, Stmt};
use crate::schema::{site_mutes, user_mutes, users, word_mutes};
use crate::versions::{touch, Scope};

/// What a mute is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    User(UserId),
    /// A folded word ([`MuteWord`]).
    Word(&'a str),
    /// A normalized host name.
    Site(&'a str),
}

impl<'a> Target<'a> {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Target::User(_) => ("user_mutes", "muted_id"),
            Target::Word(_) => ("word_mutes", "word"),
            Target::Site(_) => ("site_mutes", "domain"),
        }
    }

    fn arg(self) -> Arg<'a> {
        match self {
            Target::User(id) => Arg::Int(id.0),
            Target::Word(s) | Target::Site(s) => Arg::Text(s),
        }
    }

    fn limit(self) -> i64 {
        match self {
            Target::User(_) => MAX_MUTED_USERS,
            Target::Word(_) => MAX_MUTED_WORDS,
            Target::Site(_) => MAX_MUTED_SITES,
        }
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Since {
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

/// `user` mutes `target` (idempotent: muting again keeps the first time).
/// Muting a user also takes them out of the muter's notifications. Run it
/// in a transaction; it holds the muter's lock, so the limit is exact.
pub fn mute(
    conn: &mut DbConnection,
    user: UserId,
    target: Target<'_>,
    now: i64,
) -> Result<MuteOutcome, DbError> {
    if target == Target::User(user) {
        return Err(DbError::Conflict("cannot mute oneself"));
    }
    lock_owner(conn, user)?;
    let (table, column) = target.table();
    let existing: Option<Since> = Stmt::new(
        &format!("SELECT created_at FROM {table} WHERE user_id = ? AND {column} = ?"),
        &[Arg::Int(user.0), target.arg()],
    )
    .load(conn)?
    .pop();
    if let Some(since) = existing {
        return Ok(MuteOutcome::Muted {
            muted_at: since.created_at,
            created: false,
        });
    }
    let count = Stmt::new(
        &format!("SELECT count(*) AS n FROM {table} WHERE user_id = ?"),
        &[Arg::Int(user.0)],
    )
    .load::<Count>(conn)?
    .pop()
    .map_or(0, |c| c.n);
    if count >= target.limit() {
        return Ok(MuteOutcome::LimitReached);
    }
    Stmt::new(
        &format!("INSERT INTO {table} (user_id, {column}, created_at) VALUES (?, ?, ?)"),
        &[Arg::Int(user.0), target.arg(), Arg::Int(now)],
    )
    .execute(conn)?;
    touch(Scope::Social(user));
    if let Target::User(muted) = target {
        notifications::remove_actor_everywhere(conn, user, muted)?;
    }
    Ok(MuteOutcome::Muted {
        muted_at: now,
        created: true,
    })
}

/// `user` no longer mutes `target` (idempotent). Returns whether a mute
/// was removed. Notifications taken out by the mute do not come back.
pub fn unmute(conn: &mut DbConnection, user: UserId, target: Target<'_>) -> Result<bool, DbError> {
    let (table, column) = target.table();
    let deleted = Stmt::new(
        &format!("DELETE FROM {table} WHERE user_id = ? AND {column} = ?"),
        &[Arg::Int(user.0), target.arg()],
    )
    .execute(conn)?;
    if deleted > 0 {
        touch(Scope::Social(user));
    }
    Ok(deleted > 0)
}

/// Whether `user` muted `other`: one primary-key read.
pub fn is_muted(conn: &mut DbConnection, user: UserId, other: UserId) -> Result<bool, DbError> {
    Ok(user_mutes::table
        .find((user.0, other.0))
        .select(user_mutes::created_at)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Everything `user` muted, as filters apply it.
pub fn load(conn: &mut DbConnection, user: UserId) -> Result<Mutes, DbError> {
    let users: Vec<String> = user_mutes::table
        .inner_join(users::table.on(users::id.eq(user_mutes::muted_id)))
        .filter(user_mutes::user_id.eq(user.0))
        .select(users::username_lower)
        .load(conn)?;
    let words: Vec<String> = word_mutes::table
        .filter(word_mutes::user_id.eq(user.0))
        .select(word_mutes::word)
        .load(conn)?;
    let sites: Vec<String> = site_mutes::table
        .filter(site_mutes::user_id.eq(user.0))
        .select(site_mutes::domain)
        .load(conn)?;
    Ok(Mutes {
        users: users.into_iter().collect(),
        words: words.into_iter().map(MuteWord::from_db).collect(),
        sites: sites.into_iter().collect(),
    })
}

/// Everything `user` muted, most recent first in each list, for their settings.
pub fn list(conn: &mut DbConnection, user: UserId) -> Result<MuteList, DbError> {
    let muted_users: Vec<(String, String, i64)> = user_mutes::table
        .inner_join(users::table.on(users::id.eq(user_mutes::muted_id)))
        .filter(user_mutes::user_id.eq(user.0))
        .order((user_mutes::created_at.desc(), user_mutes::muted_id.desc()))
        .select((users::username, users::display_name, user_mutes::created_at))
        .load(conn)?;
    let words: Vec<(String, i64)> = word_mutes::table
        .filter(word_mutes::user_id.eq(user.0))
        .order((word_mutes::created_at.desc(), word_mutes::word.asc()))
        .select((word_mutes::word, word_mutes::created_at))
        .load(conn)?;
    let sites: Vec<(String, i64)> = site_mutes::table
        .filter(site_mutes::user_id.eq(user.0))
        .order((site_mutes::created_at.desc(), site_mutes::domain.asc()))
        .select((site_mutes::domain, site_mutes::created_at))
        .load(conn)?;
    let muted = |(value, muted_at)| Muted { value, muted_at };
    Ok(MuteList {
        users: muted_users
            .into_iter()
            .map(|(username, display_name, muted_at)| Muted {
                value: UserRef {
                    username,
                    display_name,
                },
                muted_at,
            })
            .collect(),
        words: words.into_iter().map(muted).collect(),
        sites: sites.into_iter().map(muted).collect(),
    })
}
