//! Tag clouds, site lists, and renaming or deleting a user's tags in bulk.

use bukuma_domain::bookmark::tag_key;
use bukuma_domain::{TagName, Tags, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::NameCount;
use crate::queries::write_options::WriteOptions;
use crate::queries::{bookmarks, search};
use crate::schema::{user_sites, user_tags};

/// A user's tags with counts, most used first (public bookmarks only unless `include_private`).
pub fn user_tags(
    conn: &mut DbConnection,
    user_id: UserId,
    include_private: bool,
) -> Result<Vec<NameCount>, DbError> {
    let rows: Vec<(String, i64, i64)> = user_tags::table
        .filter(user_tags::user_id.eq(user_id))
        .select((user_tags::tag, user_tags::count, user_tags::public_count))
        .load(conn)?;
    Ok(ranked(rows, include_private))
}

/// A user's bookmarked domains with counts, most bookmarked first.
pub fn user_sites(
    conn: &mut DbConnection,
    user_id: UserId,
    include_private: bool,
) -> Result<Vec<NameCount>, DbError> {
    let rows: Vec<(String, i64, i64)> = user_sites::table
        .filter(user_sites::user_id.eq(user_id))
        .select((
            user_sites::domain,
            user_sites::count,
            user_sites::public_count,
        ))
        .load(conn)?;
    Ok(ranked(rows, include_private))
}

fn ranked(rows: Vec<(String, i64, i64)>, include_private: bool) -> Vec<NameCount> {
    let mut out: Vec<NameCount> = rows
        .into_iter()
        .map(|(name, all, public)| NameCount {
            name,
            count: if include_private { all } else { public },
        })
        .filter(|n| n.count > 0)
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

/// Renames tag `from` to `to` on every bookmark of the user, merging into
/// `to` where a bookmark has both. Returns how many bookmarks changed.
pub fn rename(
    conn: &mut DbConnection,
    user_id: UserId,
    from: &TagName,
    to: &TagName,
    opts: WriteOptions,
) -> Result<usize, DbError> {
    retag(conn, user_id, from, opts, |tags| {
        let mut out: Vec<String> = Vec::with_capacity(tags.len());
        for t in tags {
            out.push(if tag_key(&t) == from.key() {
                to.as_str().to_owned()
            } else {
                t
            });
        }
        out
    })
}

/// Removes tag `tag` from every bookmark of the user. Returns how many changed.
pub fn delete(
    conn: &mut DbConnection,
    user_id: UserId,
    tag: &TagName,
    opts: WriteOptions,
) -> Result<usize, DbError> {
    retag(conn, user_id, tag, opts, |tags| {
        tags.into_iter()
            .filter(|t| tag_key(t) != tag.key())
            .collect()
    })
}

fn retag(
    conn: &mut DbConnection,
    user_id: UserId,
    tag: &TagName,
    opts: WriteOptions,
    change: impl Fn(Vec<String>) -> Vec<String>,
) -> Result<usize, DbError> {
    bookmarks::lock_owner(conn, user_id)?;
    search::enqueue_tagged(conn, user_id, &tag.key())?;
    let ids = bookmarks::ids_with_tag(conn, user_id, &tag.key())?;
    for id in &ids {
        let Some(b) = bookmarks::find(conn, *id)? else {
            continue;
        };
        let changed = change(b.tag_list());
        // Stored tags were valid when written and renaming folds duplicates.
        let tags = Tags::parse(&changed).map_err(|_| DbError::Conflict("tags became invalid"))?;
        bookmarks::set_tags(conn, &b, &tags, opts)?;
    }
    Ok(ids.len())
}
