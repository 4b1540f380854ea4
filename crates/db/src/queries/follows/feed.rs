//! The public bookmarks of the people a user follows: the feed, "my hot
//! entries", and an entry's bookmarks (by everyone, or by followees).
//!
//! The feed is a k-way merge of the followees' public bookmarks, read
//! where they are kept in order (`bookmarks_user_public_time`, or
//! `bookmark_tags_user_tag_time` for a tag) rather than a copy per
//! follower: a fan-out-on-write table would cost every bookmark one row per
//! follower (and rewrites on follow, unfollow and privacy changes), where
//! the merge costs a page read a few index probes per followee. One
//! statement does it in two passes:
//!
//! 1. `heads`: each followee's newest public bookmark after the cursor
//!    (one probe each). The `limit`-th newest head is a lower bound `t` of
//!    the page: at least `limit` bookmarks are that new.
//! 2. Only followees whose head is at least `t` are read again, only down
//!    to `t` and at most `limit` rows each, and the union is sorted.
//!
//! So a page reads about one index entry per followee plus a page or two of
//! rows, however many bookmarks the followees have. PostgreSQL reads each
//! followee's range with `JOIN LATERAL … LIMIT`; SQLite, which has no
//! `LATERAL`, with a correlated scalar subquery (heads) and a correlated
//! `IN (… LIMIT)` (the ranges). The full rows of the page are then read by id.

use std::collections::HashMap;

use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{
    split_tags, Bookmark, BookmarkView, Entry, EntryBookmark, MyHotEntry, Page, UserRef,
};
use crate::queries::entries::with_tags;
use crate::queries::stmt::{Arg, Condition, Stmt};
use crate::schema::{bookmarks, entries, follows, users};

/// The partial indexes' predicate, spelled as they spell it so the planners use them.
const IS_PUBLIC: &str = "NOT bookmarks.is_private";

/// Leaves out the followees the follower muted (one key probe each).
const NOT_MUTED: &str = "NOT EXISTS (SELECT 1 FROM user_mutes m \
     WHERE m.user_id = f.follower_id AND m.muted_id = f.followee_id)";

#[derive(QueryableByName)]
struct FeedKey {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

/// Where a feed reads each followee's bookmarks: its table, its bookmark
/// id column, and the extra condition (tag) of the range.
fn source(tag: bool) -> (&'static str, &'static str, &'static str) {
    if tag {
        ("bookmark_tags", "bookmark_id", " AND x.tag_key = ?")
    } else {
        ("bookmarks", "id", "")
    }
}

/// The feed's statement for this backend, with or without a tag; its
/// arguments are laid out by [`feed_args`].
fn feed_sql(pg: bool, tag: bool) -> String {
    let (src, id, cond) = source(tag);
    let range = format!(
        "FROM {src} x WHERE x.user_id = {{user}}{cond} AND NOT x.is_private \
         AND x.created_at <= ? AND (x.created_at < ? OR x.{id} < ?)"
    );
    let order = format!("ORDER BY x.created_at DESC, x.{id} DESC");
    if pg {
        let heads = range.replace("{user}", "f.followee_id");
        let rows = range.replace("{user}", "heads.uid");
        format!(
            "WITH heads AS MATERIALIZED (\
               SELECT f.followee_id AS uid, h.created_at AS head FROM follows f \
               CROSS JOIN LATERAL (SELECT x.created_at {heads} {order} LIMIT 1) h \
               WHERE f.follower_id = ? AND {NOT_MUTED}), \
             bound AS (SELECT COALESCE((SELECT head FROM heads ORDER BY head DESC \
               LIMIT 1 OFFSET ?), ?) AS t) \
             SELECT b.id, b.created_at FROM bound, heads \
             CROSS JOIN LATERAL (SELECT x.{id} AS id, x.created_at {rows} \
               AND x.created_at >= bound.t {order} LIMIT ?) b \
             WHERE heads.head >= bound.t \
             ORDER BY b.created_at DESC, b.id DESC LIMIT ?"
        )
    } else {
        let heads = range.replace("{user}", "f.followee_id");
        let rows = range.replace("{user}", "heads.uid");
        format!(
            "WITH heads AS MATERIALIZED (\
               SELECT f.followee_id AS uid, (SELECT x.created_at {heads} {order} LIMIT 1) AS head \
               FROM follows f WHERE f.follower_id = ? AND {NOT_MUTED}), \
             bound AS (SELECT COALESCE((SELECT head FROM heads WHERE head IS NOT NULL \
               ORDER BY head DESC LIMIT 1 OFFSET ?), ?) AS t) \
             SELECT b.id AS id, b.created_at AS created_at FROM heads, bound, bookmarks b \
             WHERE heads.head >= bound.t AND b.id IN (SELECT x.{id} {rows} \
               AND x.created_at >= bound.t {order} LIMIT ?) \
             ORDER BY b.created_at DESC, b.id DESC LIMIT ?"
        )
    }
}

/// The arguments of [`feed_sql`], in the order its `?` appear (the same on both backends).
fn feed_args<'a>(
    me: UserId,
    tag: Option<&'a str>,
    (t, id): (i64, i64),
    fetch: i64,
) -> Vec<Arg<'a>> {
    let range = |args: &mut Vec<Arg<'a>>| {
        if let Some(key) = tag {
            args.push(Arg::Text(key));
        }
        args.extend([Arg::Int(t), Arg::Int(t), Arg::Int(id)]);
    };
    let mut args = Vec::with_capacity(16);
    range(&mut args);
    args.extend([Arg::Int(me.0), Arg::Int(fetch - 1), Arg::Int(i64::MIN)]);
    range(&mut args);
    args.extend([Arg::Int(fetch), Arg::Int(fetch)]);
    args
}

/// The public bookmarks of everyone `me` follows, newest first, keyed by
/// (created_at, id); only those tagged `tag` (a key) when given.
pub fn feed(
    conn: &mut DbConnection,
    me: UserId,
    tag: Option<&str>,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<BookmarkView>, DbError> {
    let fetch = i64::try_from(limit).unwrap_or(100) + 1;
    let pg = matches!(conn, DbConnection::Pg(_));
    let sql = feed_sql(pg, tag.is_some());
    let args = feed_args(me, tag, after.unwrap_or((i64::MAX, i64::MAX)), fetch);
    let mut keys: Vec<FeedKey> = Stmt::new(&sql, &args).load(conn)?;
    let next = (keys.len() > limit).then(|| {
        keys.truncate(limit);
        keys.last().map(|k| vec![k.created_at, k.id])
    });
    let ids: Vec<BookmarkId> = keys.iter().map(|k| BookmarkId(k.id)).collect();
    let mut views = views_by_id(conn, &ids)?;
    // In the keys' order; one made private in between is left out.
    let items = keys
        .iter()
        .filter_map(|k| views.remove(&BookmarkId(k.id)))
        .collect();
    Ok(Page {
        items,
        next: next.flatten(),
    })
}

/// Public bookmarks by id, with their entries and owners.
fn views_by_id(
    conn: &mut DbConnection,
    ids: &[BookmarkId],
) -> Result<HashMap<BookmarkId, BookmarkView>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Bookmark, Entry, UserRef)> = bookmarks::table
        .inner_join(entries::table)
        .inner_join(users::table)
        .filter(bookmarks::id.eq_any(ids))
        .filter(bookmarks::is_private.eq(false))
        // Moderation: hidden bookmarks and entries, suspended users.
        .filter(bookmarks::hidden_at.is_null())
        .filter(entries::hidden_at.is_null())
        .filter(users::suspended_at.is_null())
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(bookmark, entry, user)| {
            (
                bookmark.id,
                BookmarkView {
                    bookmark,
                    entry,
                    user,
                },
            )
        })
        .collect())
}

/// How far back "my hot entries" look.
pub const MY_HOT_WINDOW: i64 = 7 * 24 * 3600 * 1_000_000;
/// The most recent public bookmarks of each followee that "my hot entries"
/// count: bounds the work of a page by the number of followees.
pub const MY_HOT_PER_FOLLOWEE: i64 = 20;
/// Followees shown beside each of "my hot entries".
pub const MY_HOT_SHOWN: i64 = 5;

#[derive(QueryableByName)]
struct HotRow {
    #[diesel(sql_type = BigInt)]
    entry_id: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Double)]
    hot_score: f64,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    display_name: String,
}

fn my_hot_sql(pg: bool) -> String {
    let window = if pg {
        format!(
            "SELECT f.followee_id AS uid, x.entry_id, x.created_at FROM follows f \
         CROSS JOIN LATERAL (SELECT b.entry_id, b.created_at FROM bookmarks b \
           WHERE b.user_id = f.followee_id AND NOT b.is_private AND b.created_at >= ? \
           AND b.hidden_at IS NULL \
           ORDER BY b.created_at DESC, b.id DESC LIMIT ?) x \
         WHERE f.follower_id = ? AND {NOT_MUTED} \
         AND NOT EXISTS (SELECT 1 FROM users s WHERE s.id = f.followee_id AND s.suspended_at IS NOT NULL)"
        )
    } else {
        format!(
            "SELECT f.followee_id AS uid, b.entry_id, b.created_at FROM follows f, bookmarks b \
         WHERE f.follower_id = ? AND {NOT_MUTED} AND b.id IN (SELECT x.id FROM bookmarks x \
           WHERE x.user_id = f.followee_id AND NOT x.is_private AND x.created_at >= ? \
           AND x.hidden_at IS NULL \
           ORDER BY x.created_at DESC, x.id DESC LIMIT ?) \
         AND NOT EXISTS (SELECT 1 FROM users s WHERE s.id = f.followee_id AND s.suspended_at IS NOT NULL)"
        )
    };
    format!(
        "WITH w AS MATERIALIZED ({window}), \
         ranked AS (SELECT w.entry_id, count(*) AS n FROM w GROUP BY w.entry_id), \
         page AS (SELECT r.entry_id, r.n, e.hot_score FROM ranked r \
           JOIN entries e ON e.id = r.entry_id AND e.hidden_at IS NULL \
           WHERE r.n < ? OR (r.n = ? AND (e.hot_score < ? OR (e.hot_score = ? AND e.id < ?))) \
           ORDER BY r.n DESC, e.hot_score DESC, r.entry_id DESC LIMIT ?), \
         shown AS (SELECT w.entry_id, w.uid, row_number() OVER \
           (PARTITION BY w.entry_id ORDER BY w.created_at DESC, w.uid DESC) AS rank \
           FROM w WHERE w.entry_id IN (SELECT entry_id FROM page)) \
         SELECT page.entry_id, page.n, page.hot_score, u.username, u.display_name \
         FROM page JOIN shown s ON s.entry_id = page.entry_id AND s.rank <= ? \
         JOIN users u ON u.id = s.uid \
         ORDER BY page.n DESC, page.hot_score DESC, page.entry_id DESC, s.rank"
    )
}

/// "My hot entries": entries the people `me` follows bookmarked publicly
/// since `now - MY_HOT_WINDOW`, by how many of them did, then by hot score,
/// keyed by (count, score, id); each with the most recent of them (at most
/// [`MY_HOT_SHOWN`]). Counts the last [`MY_HOT_PER_FOLLOWEE`] public
/// bookmarks of each followee within the window, read off
/// `bookmarks_user_public_time`.
pub fn my_hot(
    conn: &mut DbConnection,
    me: UserId,
    now: i64,
    after: Option<(i64, f64, i64)>,
    limit: usize,
) -> Result<Page<MyHotEntry>, DbError> {
    let fetch = i64::try_from(limit).unwrap_or(100) + 1;
    let pg = matches!(conn, DbConnection::Pg(_));
    let since = now - MY_HOT_WINDOW;
    let mut args = if pg {
        vec![
            Arg::Int(since),
            Arg::Int(MY_HOT_PER_FOLLOWEE),
            Arg::Int(me.0),
        ]
    } else {
        vec![
            Arg::Int(me.0),
            Arg::Int(since),
            Arg::Int(MY_HOT_PER_FOLLOWEE),
        ]
    };
    let (n, score, id) = after.unwrap_or((i64::MAX, f64::MAX, i64::MAX));
    args.extend([
        Arg::Int(n),
        Arg::Int(n),
        Arg::Float(score),
        Arg::Float(score),
        Arg::Int(id),
        Arg::Int(fetch),
        Arg::Int(MY_HOT_SHOWN),
    ]);
    let rows: Vec<HotRow> = Stmt::new(&my_hot_sql(pg), &args).load(conn)?;
    // Rows come grouped by entry, in rank order.
    let mut ranked: Vec<(i64, i64, f64, Vec<UserRef>)> = Vec::new();
    for r in rows {
        let user = UserRef {
            username: r.username,
            display_name: r.display_name,
        };
        match ranked.last_mut() {
            Some(last) if last.0 == r.entry_id => last.3.push(user),
            _ => ranked.push((r.entry_id, r.n, r.hot_score, vec![user])),
        }
    }
    let page = Page::from_rows(ranked, limit, |r| vec![r.1, r.2.to_bits() as i64, r.0]);
    let ids: Vec<EntryId> = page.items.iter().map(|r| EntryId(r.0)).collect();
    let found: Vec<Entry> = entries::table
        .filter(entries::id.eq_any(&ids))
        .select(Entry::as_select())
        .load(conn)?;
    let mut views: HashMap<EntryId, _> = with_tags(conn, found)?
        .into_iter()
        .map(|v| (v.entry.id, v))
        .collect();
    let items = page
        .items
        .into_iter()
        .filter_map(|(id, n, _, followees)| {
            views.remove(&EntryId(id)).map(|entry| MyHotEntry {
                entry,
                followees,
                followee_count: n,
            })
        })
        .collect();
    Ok(Page {
        items,
        next: page.next,
    })
}

type EntryBookmarkRow = (BookmarkId, String, String, i64, String, String);

/// The public bookmarks of an entry, with or without a comment, newest
/// first, keyed by (created_at, id): everyone's, or only those of the
/// people `following_of` follows. Everyone's are read off
/// `bookmarks_entry_public_time`. Followees' are read from whichever side
/// is smaller: the follows of `following_of`, each looked up by the
/// (entry, user) key, or the entry's public bookmarks, each looked up in
/// the follows.
pub fn entry_bookmarks(
    conn: &mut DbConnection,
    entry_id: EntryId,
    following_of: Option<UserId>,
    after: Option<(i64, i64)>,
    limit: usize,
) -> Result<Page<EntryBookmark>, DbError> {
    let fetch = i64::try_from(limit).unwrap_or(100) + 1;
    let (t, id) = after.unwrap_or((i64::MAX, i64::MAX));
    let keyset = bookmarks::created_at
        .le(t)
        .and(bookmarks::created_at.lt(t).or(bookmarks::id.lt(id)));
    let select = (
        bookmarks::id,
        bookmarks::comment,
        bookmarks::tags,
        bookmarks::created_at,
        users::username,
        users::display_name,
    );
    let order = (bookmarks::created_at.desc(), bookmarks::id.desc());
    let rows: Vec<EntryBookmarkRow> = match following_of {
        None => bookmarks::table
            .inner_join(users::table)
            .filter(bookmarks::entry_id.eq(entry_id))
            .filter(Condition(IS_PUBLIC))
            .filter(bookmarks::hidden_at.is_null())
            .filter(users::suspended_at.is_null())
            .filter(keyset)
            .order(order)
            .limit(fetch)
            .select(select)
            .load(conn)?,
        Some(me) => {
            let following: i64 = users::table
                .find(me)
                .select(users::following_count)
                .first(conn)?;
            let public: i64 = entries::table
                .find(entry_id)
                .select(entries::bookmark_count)
                .first::<i64>(conn)
                .optional()?
                .unwrap_or(0);
            if following <= public {
                follows::table
                    .inner_join(
                        bookmarks::table.on(bookmarks::user_id
                            .eq(follows::followee_id)
                            .and(bookmarks::entry_id.eq(entry_id))),
                    )
                    .inner_join(users::table.on(users::id.eq(bookmarks::user_id)))
                    .filter(follows::follower_id.eq(me.0))
                    .filter(bookmarks::is_private.eq(false))
                    .filter(bookmarks::hidden_at.is_null())
                    .filter(users::suspended_at.is_null())
                    .filter(keyset)
                    .order(order)
                    .limit(fetch)
                    .select(select)
                    .load(conn)?
            } else {
                bookmarks::table
                    .inner_join(users::table)
                    .filter(bookmarks::entry_id.eq(entry_id))
                    .filter(Condition(IS_PUBLIC))
                    .filter(bookmarks::hidden_at.is_null())
                    .filter(users::suspended_at.is_null())
                    .filter(keyset)
                    .filter(
                        bookmarks::user_id.eq_any(
                            follows::table
                                .filter(follows::follower_id.eq(me.0))
                                .select(follows::followee_id),
                        ),
                    )
                    .order(order)
                    .limit(fetch)
                    .select(select)
                    .load(conn)?
            }
        }
    };
    Ok(Page::from_rows(rows, limit, |r| vec![r.3, r.0 .0]).map(
        |(id, comment, tags, created_at, username, display_name)| EntryBookmark {
            id,
            user: UserRef {
                username,
                display_name,
            },
            comment,
            tags: split_tags(&tags),
            created_at,
        },
    ))
}
