//! Counter maintenance: every bookmark write moves the counters (`users`,
//! `entries`, `user_tags`, `user_sites`, `entry_tags`) and the bookmark's
//! `bookmark_tags` rows from its old state to its new one inside the
//! caller's transaction, so the counters always equal the rows they count.

use std::collections::BTreeMap;

use bukuma_domain::bookmark::tag_key;
use bukuma_domain::{BookmarkId, EntryId, Tags, UserId};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{Bookmark, Entry};
use crate::queries::entries;
use crate::queries::notifications;
use crate::queries::stmt::{values_sql, Arg, Combined, Stmt};
use crate::queries::write_options::WriteOptions;
use crate::schema::user_tags;
use crate::versions::{user_list_scope, withdraw, Scope};

/// What the counters count of one bookmark.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Counted {
    pub(super) entry_id: EntryId,
    pub(super) domain: String,
    /// (spelling, key) pairs.
    pub(super) tags: Vec<(String, String)>,
    pub(super) is_private: bool,
    pub(super) created_at: i64,
}

impl Counted {
    pub(super) fn of(b: &Bookmark) -> Self {
        Self::keyed(b, tag_key)
    }

    /// As [`Counted::of`] with the tag keys of `key`; tags that share a key
    /// count once (the first spelling), as [`Tags::parse`] folds them.
    pub(super) fn keyed(b: &Bookmark, key: impl Fn(&str) -> String) -> Self {
        let mut tags: Vec<(String, String)> = Vec::new();
        for t in b.tag_list() {
            let k = key(&t);
            if !tags.iter().any(|(_, seen)| *seen == k) {
                tags.push((t, k));
            }
        }
        Counted {
            entry_id: b.entry_id,
            domain: b.domain.clone(),
            tags,
            is_private: b.is_private,
            created_at: b.created_at,
        }
    }
}

pub(super) fn tag_pairs(tags: &Tags) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.as_str().to_owned(), t.key()))
        .collect()
}

/// The keys of (spelling, key) pairs.
pub(super) fn tag_keys(tags: &[(String, String)]) -> impl Iterator<Item = &str> {
    tags.iter().map(|(_, k)| k.as_str())
}

pub(super) fn join_tags(tags: &[(String, String)]) -> String {
    tags.iter()
        .map(|(t, _)| t.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds to `w` the changes of the bookmark's tag rows from `before` to
/// `after`: the removed tags' rows go, the kept ones follow a change of
/// privacy or date, the added ones are inserted. Each touches other rows,
/// so they may run as one statement.
pub(super) fn write_bookmark_tags<'a>(
    w: &mut Combined<'a>,
    user_id: UserId,
    bookmark_id: BookmarkId,
    before: Option<&'a Counted>,
    after: &'a Counted,
) {
    let had = |key: &str| before.is_some_and(|b| tag_keys(&b.tags).any(|k| k == key));
    let (kept, added): (Vec<&str>, Vec<&str>) = tag_keys(&after.tags).partition(|k| had(k));
    if let Some(before) = before {
        let removed: Vec<&str> = tag_keys(&before.tags)
            .filter(|k| !kept.contains(k))
            .collect();
        if !removed.is_empty() {
            let mut args = vec![Arg::Int(bookmark_id.0)];
            args.extend(removed.iter().map(|k| Arg::Text(k)));
            w.push(
                format!(
                    "DELETE FROM bookmark_tags WHERE bookmark_id = ? AND tag_key IN {}",
                    values_sql(removed.len(), 1)
                ),
                args,
            );
        }
        let moved = before.is_private != after.is_private || before.created_at != after.created_at;
        if moved && !kept.is_empty() {
            let mut args = vec![
                Arg::Bool(after.is_private),
                Arg::Int(after.created_at),
                Arg::Int(bookmark_id.0),
            ];
            args.extend(kept.iter().map(|k| Arg::Text(k)));
            w.push(
                format!(
                    "UPDATE bookmark_tags SET is_private = ?, created_at = ? \
                     WHERE bookmark_id = ? AND tag_key IN {}",
                    values_sql(kept.len(), 1)
                ),
                args,
            );
        }
    }
    if added.is_empty() {
        return;
    }
    let mut args = Vec::with_capacity(added.len() * 5);
    for key in &added {
        args.extend([
            Arg::Int(bookmark_id.0),
            Arg::Text(key),
            Arg::Int(user_id.0),
            Arg::Bool(after.is_private),
            Arg::Int(after.created_at),
        ]);
    }
    w.push(
        format!(
            "INSERT INTO bookmark_tags (bookmark_id, tag_key, user_id, is_private, created_at) VALUES {}",
            values_sql(5, added.len())
        ),
        args,
    );
}

/// Net change of one counter row: (spelling, all bookmarks, public bookmarks).
type Deltas = BTreeMap<String, (String, i64, i64)>;

fn add_delta(map: &mut Deltas, key: &str, spelling: &str, all: i64, public: i64) {
    let e = map
        .entry(key.to_owned())
        .or_insert_with(|| (spelling.to_owned(), 0, 0));
    if all > 0 {
        e.0 = spelling.to_owned();
    }
    e.1 += all;
    e.2 += public;
}

/// Whether [`apply_counts`] moves the entry's own counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EntryCounts {
    Move,
    /// The entry was created counting the bookmark ([`entries::Found::Created`]).
    Done,
}

/// Moves every counter from `before` to `after` (`None` = no bookmark).
/// The counter updates join the statements of `w` and go as one; the
/// counter rows they empty are deleted after them. Returns the entry as
/// the update of its counts left it, when there was one.
pub(super) fn apply_counts(
    conn: &mut DbConnection,
    w: Combined<'_>,
    user_id: UserId,
    before: Option<&Counted>,
    after: Option<&Counted>,
    entry_counts: EntryCounts,
    opts: WriteOptions,
) -> Result<Option<Entry>, DbError> {
    let public = |c: Option<&Counted>| i64::from(c.is_some_and(|c| !c.is_private));
    let exists = |c: Option<&Counted>| i64::from(c.is_some());
    let d_all = exists(after) - exists(before);
    let d_pub = public(after) - public(before);
    if d_pub < 0 {
        // A public bookmark went private or away: nothing that showed it
        // may be served again, and the entry may have left the hot list.
        if let Some(b) = before {
            withdraw(Scope::Entry(b.entry_id));
            withdraw(user_list_scope(user_id, None));
            for key in tag_keys(&b.tags) {
                withdraw(user_list_scope(user_id, Some(key)));
            }
        }
        withdraw(Scope::Search);
        withdraw(Scope::HotList);
    }

    // Rebound so that the statements may also borrow this function's locals.
    let mut w = w;
    if d_all != 0 || d_pub != 0 {
        w.push(
            "UPDATE users SET bookmark_count = bookmark_count + ?, \
             public_bookmark_count = public_bookmark_count + ? WHERE id = ?",
            vec![Arg::Int(d_all), Arg::Int(d_pub), Arg::Int(user_id.0)],
        );
    }

    let Some(entry_id) = after.or(before).map(|c| c.entry_id) else {
        w.execute(conn)?;
        return Ok(None);
    };
    let public_at = after.filter(|a| !a.is_private).map(|a| a.created_at);
    let entry_update = (entry_counts == EntryCounts::Move && (d_pub != 0 || public_at.is_some()))
        .then(|| entries::count_public_bookmark(entry_id, d_pub, public_at, opts));

    // user_tags and entry_tags
    let mut tag_deltas = Deltas::new();
    let mut entry_tag_deltas = Deltas::new();
    for (c, sign) in [(before, -1), (after, 1)] {
        if let Some(c) = c {
            for (spelling, key) in &c.tags {
                let p = i64::from(!c.is_private);
                add_delta(&mut tag_deltas, key, spelling, sign, sign * p);
                if p == 1 {
                    add_delta(&mut entry_tag_deltas, key, spelling, sign, 0);
                }
            }
        }
    }
    let first_at = after.or(before).map_or(opts.now, |c| c.created_at);
    let mut upserts = Vec::new();
    for (key, (spelling, all, public)) in &tag_deltas {
        if *all == 0 && *public == 0 {
            // Same counts, but maybe a new spelling (renaming `web` to `Web`):
            // the latest spelling wins, as in the upsert below.
            let respelled =
                before.is_some_and(|b| b.tags.iter().any(|(s, k)| k == key && s != spelling));
            if respelled {
                diesel::update(
                    user_tags::table
                        .filter(user_tags::user_id.eq(user_id))
                        .filter(user_tags::tag_key.eq(key)),
                )
                .set(user_tags::tag.eq(spelling))
                .execute(conn)?;
            }
            continue;
        }
        upserts.extend([
            Arg::Int(user_id.0),
            Arg::Text(key),
            Arg::Text(spelling),
            Arg::Int(*all),
            Arg::Int(*public),
        ]);
    }
    if !upserts.is_empty() {
        // Keys are distinct (one delta each), as PostgreSQL requires of one upsert.
        let sql = format!(
            "INSERT INTO user_tags (user_id, tag_key, tag, count, public_count) VALUES {} \
             ON CONFLICT (user_id, tag_key) DO UPDATE SET \
             count = user_tags.count + excluded.count, \
             public_count = user_tags.public_count + excluded.public_count, \
             tag = excluded.tag",
            values_sql(5, upserts.len() / 5)
        );
        w.push(sql, upserts);
    }
    let mut upserts = Vec::new();
    for (key, (spelling, all, _)) in &entry_tag_deltas {
        if *all != 0 {
            upserts.extend([
                Arg::Int(entry_id.0),
                Arg::Text(key),
                Arg::Text(spelling),
                Arg::Int(*all),
                Arg::Int(first_at),
            ]);
        }
    }
    if !upserts.is_empty() {
        let sql = format!(
            "INSERT INTO entry_tags (entry_id, tag_key, tag, count, first_at) VALUES {} \
             ON CONFLICT (entry_id, tag_key) DO UPDATE SET \
             count = entry_tags.count + excluded.count",
            values_sql(5, upserts.len() / 5)
        );
        w.push(sql, upserts);
    }

    // user_sites
    let domain = after
        .or(before)
        .map(|c| c.domain.clone())
        .unwrap_or_default();
    if d_all != 0 || d_pub != 0 {
        w.push(
            "INSERT INTO user_sites (user_id, domain, count, public_count) \
             VALUES (?, ?, ?, ?) ON CONFLICT (user_id, domain) DO UPDATE SET \
             count = user_sites.count + excluded.count, \
             public_count = user_sites.public_count + excluded.public_count",
            vec![
                Arg::Int(user_id.0),
                Arg::Text(&domain),
                Arg::Int(d_all),
                Arg::Int(d_pub),
            ],
        );
    }
    let entry = match entry_update {
        Some((sql, args)) => w.execute_returning::<Entry>(conn, sql, &args)?.pop(),
        None => {
            w.execute(conn)?;
            None
        }
    };
    // Only a count that is exactly a milestone costs anything more.
    if let Some(e) = entry.as_ref().filter(|_| d_pub > 0) {
        notifications::public_count_rose(conn, e.id, e.bookmark_count, user_id, opts.now)?;
    }

    // Counter rows that fell to zero go; they see the updates above.
    fn fell(deltas: &Deltas) -> Vec<&str> {
        deltas
            .iter()
            .filter(|(_, (_, all, _))| *all < 0)
            .map(|(key, _)| key.as_str())
            .collect()
    }
    delete_emptied(
        conn,
        "user_tags",
        "user_id",
        user_id.0,
        "tag_key",
        &fell(&tag_deltas),
    )?;
    delete_emptied(
        conn,
        "entry_tags",
        "entry_id",
        entry_id.0,
        "tag_key",
        &fell(&entry_tag_deltas),
    )?;
    if d_all < 0 {
        delete_emptied(
            conn,
            "user_sites",
            "user_id",
            user_id.0,
            "domain",
            &[&domain],
        )?;
    }
    Ok(entry)
}

/// Deletes the counter rows of `table` under `owner` (the raw id of a user
/// or an entry, as the column takes it) whose `keys` fell to zero: only
/// those rows are looked at, not all of the owner's (a busy user has
/// thousands of tags).
fn delete_emptied(
    conn: &mut DbConnection,
    table: &str,
    owner_column: &str,
    owner: i64,
    key_column: &str,
    keys: &[&str],
) -> Result<(), DbError> {
    if keys.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "DELETE FROM {table} WHERE {owner_column} = ? AND {key_column} IN {} AND count <= 0",
        values_sql(keys.len(), 1)
    );
    let mut args = Vec::with_capacity(keys.len() + 1);
    args.push(Arg::Int(owner));
    args.extend(keys.iter().map(|k| Arg::Text(k)));
    Stmt::new(&sql, &args).execute(conn)?;
    Ok(())
}
