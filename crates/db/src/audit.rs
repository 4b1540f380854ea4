//! Recounts every denormalized counter from the rows it counts and reports
//! each difference. Empty output means the counters are exact.

use std::collections::{BTreeMap, BTreeSet};

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::models::split_tags;
use crate::schema::{
    bookmark_tags, bookmarks, entries, entry_tags, follows, notification_actors,
    notification_counts, notifications, stars, user_sites, user_tags, users,
};
use crate::{DbConnection, DbError};

type Counts<K> = BTreeMap<K, i64>;

fn compare<K: Ord + std::fmt::Debug + Clone>(
    what: &str,
    stored: &Counts<K>,
    actual: &Counts<K>,
    out: &mut Vec<String>,
) {
    let keys: BTreeSet<&K> = stored.keys().chain(actual.keys()).collect();
    for k in keys {
        let s = stored.get(k).copied().unwrap_or(0);
        let a = actual.get(k).copied().unwrap_or(0);
        if s != a {
            out.push(format!("{what} {k:?}: stored {s}, actual {a}"));
        }
    }
}

fn nonzero<K: Ord>(it: impl IntoIterator<Item = (K, i64)>) -> Counts<K> {
    it.into_iter().filter(|(_, v)| *v != 0).collect()
}

pub fn check_counters(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let mut out = Vec::new();

    let stored: Vec<(i64, i64, i64)> = users::table
        .select((
            users::id,
            users::bookmark_count,
            users::public_bookmark_count,
        ))
        .load(conn)?;
    let all: Vec<(i64, i64)> = bookmarks::table
        .group_by(bookmarks::user_id)
        .select((bookmarks::user_id, count_star()))
        .load(conn)?;
    let public: Vec<(i64, i64)> = bookmarks::table
        .filter(bookmarks::is_private.eq(false))
        .group_by(bookmarks::user_id)
        .select((bookmarks::user_id, count_star()))
        .load(conn)?;
    compare(
        "users.bookmark_count",
        &nonzero(stored.iter().map(|r| (r.0, r.1))),
        &nonzero(all),
        &mut out,
    );
    compare(
        "users.public_bookmark_count",
        &nonzero(stored.iter().map(|r| (r.0, r.2))),
        &nonzero(public.clone()),
        &mut out,
    );

    let stored: Vec<(i64, i64, i64)> = users::table
        .select((users::id, users::following_count, users::follower_count))
        .load(conn)?;
    let following: Vec<(i64, i64)> = follows::table
        .group_by(follows::follower_id)
        .select((follows::follower_id, count_star()))
        .load(conn)?;
    let followers: Vec<(i64, i64)> = follows::table
        .group_by(follows::followee_id)
        .select((follows::followee_id, count_star()))
        .load(conn)?;
    compare(
        "users.following_count",
        &nonzero(stored.iter().map(|r| (r.0, r.1))),
        &nonzero(following),
        &mut out,
    );
    compare(
        "users.follower_count",
        &nonzero(stored.iter().map(|r| (r.0, r.2))),
        &nonzero(followers),
        &mut out,
    );

    let stored: Vec<(i64, i64)> = entries::table
        .select((entries::id, entries::bookmark_count))
        .load(conn)?;
    let public: Vec<(i64, i64)> = bookmarks::table
        .filter(bookmarks::is_private.eq(false))
        .group_by(bookmarks::entry_id)
        .select((bookmarks::entry_id, count_star()))
        .load(conn)?;
    compare(
        "entries.bookmark_count",
        &nonzero(stored),
        &nonzero(public),
        &mut out,
    );

    let stored: Vec<(i64, i64)> = bookmarks::table
        .select((bookmarks::id, bookmarks::star_count))
        .load(conn)?;
    let actual: Vec<(i64, i64)> = stars::table
        .group_by(stars::bookmark_id)
        .select((stars::bookmark_id, count_star()))
        .load(conn)?;
    compare(
        "bookmarks.star_count",
        &nonzero(stored),
        &nonzero(actual),
        &mut out,
    );

    // Tags: recount from the bookmarks' own tag lists.
    let rows: Vec<(i64, i64, i64, String, String, bool, i64)> = bookmarks::table
        .select((
            bookmarks::id,
            bookmarks::user_id,
            bookmarks::entry_id,
            bookmarks::domain,
            bookmarks::tags,
            bookmarks::is_private,
            bookmarks::created_at,
        ))
        .load(conn)?;
    let mut tag_all: Counts<(i64, String)> = BTreeMap::new();
    let mut tag_pub: Counts<(i64, String)> = BTreeMap::new();
    let mut site_all: Counts<(i64, String)> = BTreeMap::new();
    let mut site_pub: Counts<(i64, String)> = BTreeMap::new();
    let mut entry_tag: Counts<(i64, String)> = BTreeMap::new();
    let mut index_rows: BTreeSet<(i64, String, i64, bool, i64)> = BTreeSet::new();
    for (id, user, entry, domain, tags, private, created) in rows {
        *site_all.entry((user, domain.clone())).or_default() += 1;
        if !private {
            *site_pub.entry((user, domain)).or_default() += 1;
        }
        for tag in split_tags(&tags) {
            let key = bukuma_domain::bookmark::tag_key(&tag);
            index_rows.insert((id, key.clone(), user, private, created));
            *tag_all.entry((user, key.clone())).or_default() += 1;
            if !private {
                *tag_pub.entry((user, key.clone())).or_default() += 1;
                *entry_tag.entry((entry, key)).or_default() += 1;
            }
        }
    }
    let stored: Vec<(i64, String, i64, i64)> = user_tags::table
        .select((
            user_tags::user_id,
            user_tags::tag_key,
            user_tags::count,
            user_tags::public_count,
        ))
        .load(conn)?;
    compare(
        "user_tags.count",
        &nonzero(stored.iter().map(|r| ((r.0, r.1.clone()), r.2))),
        &tag_all,
        &mut out,
    );
    compare(
        "user_tags.public_count",
        &nonzero(stored.iter().map(|r| ((r.0, r.1.clone()), r.3))),
        &tag_pub,
        &mut out,
    );
    let stored: Vec<(i64, String, i64, i64)> = user_sites::table
        .select((
            user_sites::user_id,
            user_sites::domain,
            user_sites::count,
            user_sites::public_count,
        ))
        .load(conn)?;
    compare(
        "user_sites.count",
        &nonzero(stored.iter().map(|r| ((r.0, r.1.clone()), r.2))),
        &site_all,
        &mut out,
    );
    compare(
        "user_sites.public_count",
        &nonzero(stored.iter().map(|r| ((r.0, r.1.clone()), r.3))),
        &site_pub,
        &mut out,
    );
    let stored: Vec<(i64, String, i64)> = entry_tags::table
        .select((entry_tags::entry_id, entry_tags::tag_key, entry_tags::count))
        .load(conn)?;
    compare(
        "entry_tags.count",
        &nonzero(stored.into_iter().map(|r| ((r.0, r.1), r.2))),
        &entry_tag,
        &mut out,
    );
    let stored: BTreeSet<(i64, String, i64, bool, i64)> = bookmark_tags::table
        .select((
            bookmark_tags::bookmark_id,
            bookmark_tags::tag_key,
            bookmark_tags::user_id,
            bookmark_tags::is_private,
            bookmark_tags::created_at,
        ))
        .load::<(i64, String, i64, bool, i64)>(conn)?
        .into_iter()
        .collect();
    for missing in index_rows.difference(&stored) {
        out.push(format!("bookmark_tags missing {missing:?}"));
    }
    for extra in stored.difference(&index_rows) {
        out.push(format!("bookmark_tags extra {extra:?}"));
    }

    // A counter row that falls to zero is deleted.
    for table in ["user_tags", "user_sites", "entry_tags"] {
        let n: i64 = diesel::select(sql::<BigInt>(&format!(
            "(SELECT count(*) FROM {table} WHERE count <= 0)"
        )))
        .get_result(conn)?;
        if n > 0 {
            out.push(format!("{table}: {n} rows that count nothing"));
        }
    }
    check_notifications(conn, &mut out)?;
    Ok(out)
}

/// Unread counts against unread rows; actor counts of star and follow
/// notifications against their actors, none of them empty or about the
/// recipient's own action.
fn check_notifications(conn: &mut DbConnection, out: &mut Vec<String>) -> Result<(), DbError> {
    let stored: Vec<(i64, i64)> = notification_counts::table
        .select((notification_counts::user_id, notification_counts::unread))
        .load(conn)?;
    let actual: Vec<(i64, i64)> = notifications::table
        .filter(notifications::read_at.is_null())
        .group_by(notifications::user_id)
        .select((notifications::user_id, count_star()))
        .load(conn)?;
    compare(
        "notification_counts.unread",
        &nonzero(stored),
        &nonzero(actual),
        out,
    );
    let stored: Vec<(i64, i64)> = notifications::table
        .filter(notifications::kind.ne("first_bookmark"))
        .select((notifications::id, notifications::actor_count))
        .load(conn)?;
    let actual: Vec<(i64, i64)> = notification_actors::table
        .group_by(notification_actors::notification_id)
        .select((notification_actors::notification_id, count_star()))
        .load(conn)?;
    let actual: Counts<i64> = actual.into_iter().collect();
    for (id, n) in &stored {
        if *n <= 0 {
            out.push(format!("notification {id}: no actors"));
        }
    }
    compare(
        "notifications.actor_count",
        &stored.into_iter().collect(),
        &actual,
        out,
    );
    let own: i64 = notification_actors::table
        .inner_join(notifications::table)
        .filter(notification_actors::actor_id.eq(notifications::user_id))
        .count()
        .get_result(conn)?;
    if own > 0 {
        out.push(format!(
            "{own} notifications of their recipient's own action"
        ));
    }
    let dangling: i64 = notifications::table
        .inner_join(
            bookmarks::table.on(notifications::subject_bookmark_id.eq(bookmarks::id.nullable())),
        )
        .filter(bookmarks::is_private.or(bookmarks::comment.eq("")))
        .count()
        .get_result(conn)?;
    if dangling > 0 {
        out.push(format!(
            "{dangling} star notifications of private or removed comments"
        ));
    }
    Ok(())
}
