//! Entry categories: the classifier's queue of entries due, users'
//! suggestions, admins' choices and the history of every change.
//!
//! - [`due`] lists entries to (re)classify: new ones, those whose page
//!   metadata arrived and those whose public count passed a milestone
//!   (`entries.category_due`); [`store_auto`] writes the classifier's
//!   answers, which only ever replace an `auto` category.
//! - [`suggest`] records a user's suggestion (one per user and entry, at
//!   most [`MAX_SUGGESTIONS_PER_DAY`] a day) and moves the entry when
//!   [`AGREEING_USERS`] agree ([`agreed`]); an admin's [`set`] wins over both.
//! - [`history`] lists the changes of an entry; [`corrections`] are the
//!   user- and admin-chosen categories the classifier is retrained with.

use std::collections::HashMap;

use bukuma_domain::{Category, EntryId, UserId};
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{CategorySource, Entry};
use crate::per_backend;
use crate::queries::stmt::{values_sql, Arg, Condition, Stmt};
use crate::schema::{category_history, category_suggestions, entries, users};
use crate::versions::{touch, Scope};

/// Suggestions one user may make in [`SUGGESTION_WINDOW_SECS`]; replacing
/// a suggestion made within the window does not count again.
pub const MAX_SUGGESTIONS_PER_DAY: i64 = 30;
/// The window of [`MAX_SUGGESTIONS_PER_DAY`]: the last 24 hours.
pub const SUGGESTION_WINDOW_SECS: i64 = 86_400;
/// Users whose suggestions must agree before an entry moves.
pub const AGREEING_USERS: i64 = 3;
/// Most used tags of an entry given to the classifier.
pub const DOCUMENT_TAGS: i64 = 10;
/// Most changes [`history`] returns, newest first.
pub const MAX_HISTORY: i64 = 100;

/// Corrections, flagged in the partial index of the history.
const CORRECTION: &str = "category_history.source <> 'auto'";

/// What the classifier reads of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryText {
    pub id: EntryId,
    pub title: String,
    pub summary: String,
    pub domain: String,
    /// Its most used public tags, most used first.
    pub tags: Vec<String>,
}

/// An entry due to be classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEntry {
    pub text: EntryText,
    /// Since when it is due: [`store_auto`] clears only this mark, so a
    /// later one (metadata arriving meanwhile) is kept for the next round.
    pub due: i64,
}

/// A category chosen by users or an admin, with what it was chosen for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub text: EntryText,
    pub category: Category,
}

fn code(c: Category) -> i32 {
    i32::from(c.code())
}

fn category_of(code: i32) -> Option<Category> {
    i16::try_from(code).ok().and_then(Category::from_code)
}

/// Entries whose tags [`tags_of`] reads in one statement.
const TAGS_CHUNK: usize = 500;

/// The [`DOCUMENT_TAGS`] most used public tags of each of `ids`, most used
/// first, in one statement per [`TAGS_CHUNK`] entries.
fn tags_of(
    conn: &mut DbConnection,
    ids: &[EntryId],
) -> Result<HashMap<EntryId, Vec<String>>, DbError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        entry_id: EntryId,
        #[diesel(sql_type = diesel::sql_types::Text)]
        tag: String,
    }
    let mut tags: HashMap<EntryId, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(TAGS_CHUNK) {
        let sql = format!(
            "SELECT entry_id, tag FROM (SELECT entry_id, tag, ROW_NUMBER() OVER \
             (PARTITION BY entry_id ORDER BY count DESC, tag_key) AS n \
             FROM entry_tags WHERE entry_id IN ({})) ranked \
             WHERE n <= ? ORDER BY entry_id, n",
            vec!["?"; chunk.len()].join(", ")
        );
        let args: Vec<Arg<'_>> = chunk
            .iter()
            .map(|id| Arg::Int(id.0))
            .chain([Arg::Int(DOCUMENT_TAGS)])
            .collect();
        for r in Stmt::new(&sql, &args).load::<Row>(conn)? {
            tags.entry(r.entry_id).or_default().push(r.tag);
        }
    }
    Ok(tags)
}

/// Up to `limit` entries due to be classified, newest first (new entries
/// before a backfill of old ones), by the partial index
/// `entries_category_due`. SQLite is told to use it: with statistics taken
/// while most entries were due, its planner would rather walk the table
/// from the newest entry down, past every entry classified so far, which
/// makes a backfill of millions of entries quadratic.
pub fn due(conn: &mut DbConnection, limit: i64) -> Result<Vec<DueEntry>, DbError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: EntryId,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        category_due: Option<i64>,
        #[diesel(sql_type = diesel::sql_types::Text)]
        title: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        summary: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        domain: String,
    }
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT id, category_due, title, summary, domain \
             FROM entries INDEXED BY entries_category_due \
             WHERE category_due IS NOT NULL ORDER BY id DESC LIMIT ?"
        }
        DbConnection::Pg(_) => {
            "SELECT id, category_due, title, summary, domain FROM entries \
             WHERE category_due IS NOT NULL ORDER BY id DESC LIMIT ?"
        }
    };
    let rows = Stmt::new(sql, &[Arg::Int(limit)]).load::<Row>(conn)?;
    let ids: Vec<EntryId> = rows.iter().map(|r| r.id).collect();
    let mut tags = tags_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| DueEntry {
            text: EntryText {
                id: r.id,
                title: r.title,
                summary: r.summary,
                domain: r.domain,
                tags: tags.remove(&r.id).unwrap_or_default(),
            },
            due: r.category_due.unwrap_or(0),
        })
        .collect())
}

/// The category of entry `id` and who chose it (`None` when there is no
/// such entry).
fn current(
    conn: &mut DbConnection,
    id: EntryId,
) -> Result<Option<(Option<i32>, CategorySource)>, DbError> {
    Ok(entries::table
        .find(id)
        .select((entries::category, entries::category_source))
        .first::<(Option<i32>, String)>(conn)
        .optional()?
        .map(|(c, s)| (c, CategorySource::parse(&s))))
}

fn record(
    conn: &mut DbConnection,
    id: EntryId,
    from: Option<i32>,
    to: Category,
    source: CategorySource,
    actor: Option<UserId>,
    now: i64,
) -> Result<(), DbError> {
    diesel::insert_into(category_history::table)
        .values((
            category_history::entry_id.eq(id),
            category_history::from_category.eq(from),
            category_history::to_category.eq(code(to)),
            category_history::source.eq(source.as_str()),
            category_history::actor_id.eq(actor),
            category_history::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores the classifier's answers for entries [`due`] returned (each with
/// the `due` mark it was read with): an entry whose category is `auto`
/// (or none yet) takes the answer; every entry's mark is cleared unless it
/// was marked again meanwhile. A few statements per entry at most: the
/// current categories in one read, one update per entry, the history in
/// one insert. Returns how many categories changed.
pub fn store_auto(
    conn: &mut DbConnection,
    answers: &[(EntryId, i64, Category)],
    now: i64,
) -> Result<usize, DbError> {
    if answers.is_empty() {
        return Ok(0);
    }
    let ids: Vec<EntryId> = answers.iter().map(|(id, _, _)| *id).collect();
    let current: HashMap<EntryId, (Option<i32>, String)> = entries::table
        .filter(entries::id.eq_any(ids))
        .select((entries::id, entries::category, entries::category_source))
        .load::<(EntryId, Option<i32>, String)>(conn)?
        .into_iter()
        .map(|(id, c, s)| (id, (c, s)))
        .collect();
    let mut history: Vec<(EntryId, Option<i32>, Category)> = Vec::new();
    for &(id, due, category) in answers {
        let Some((old, source)) = current.get(&id) else {
            continue;
        };
        let old = *old;
        let to = i64::from(code(category));
        let moves =
            CategorySource::parse(source) == CategorySource::Auto && old != Some(code(category));
        // Only while the category is still what was read: an admin's or
        // users' choice made meanwhile stays. The mark is cleared with it.
        let n = match (moves, old) {
            (true, None) => Stmt::new(
                "UPDATE entries SET category = ?, \
                 category_due = CASE WHEN category_due = ? THEN NULL ELSE category_due END \
                 WHERE id = ? AND category_source = 'auto' AND category IS NULL",
                &[Arg::Int(to), Arg::Int(due), Arg::Int(id.0)],
            )
            .execute(conn)?,
            (true, Some(o)) => Stmt::new(
                "UPDATE entries SET category = ?, \
                 category_due = CASE WHEN category_due = ? THEN NULL ELSE category_due END \
                 WHERE id = ? AND category_source = 'auto' AND category = ?",
                &[
                    Arg::Int(to),
                    Arg::Int(due),
                    Arg::Int(id.0),
                    Arg::Int(i64::from(o)),
                ],
            )
            .execute(conn)?,
            (false, _) => 0,
        };
        if n == 1 {
            history.push((id, old, category));
            touch(Scope::Entry(id));
        } else {
            Stmt::new(
                "UPDATE entries SET category_due = NULL WHERE id = ? AND category_due = ?",
                &[Arg::Int(id.0), Arg::Int(due)],
            )
            .execute(conn)?;
        }
    }
    if !history.is_empty() {
        let sql = format!(
            "INSERT INTO category_history (entry_id, from_category, to_category, source, \
             actor_id, created_at) VALUES {}",
            values_sql(6, history.len())
        );
        let args: Vec<Arg<'_>> = history
            .iter()
            .flat_map(|(id, from, to)| {
                [
                    Arg::Int(id.0),
                    Arg::OptInt(from.map(i64::from)),
                    Arg::Int(i64::from(code(*to))),
                    Arg::Text(CategorySource::Auto.as_str()),
                    Arg::OptInt(None),
                    Arg::Int(now),
                ]
            })
            .collect();
        Stmt::new(&sql, &args).execute(conn)?;
    }
    Ok(history.len())
}

/// Sets entry `id`'s category as `source` chose it (by `actor`), unless it
/// is that already; records the change. Returns the entry as it is now;
/// `NotFound` when there is no such entry.
pub fn set(
    conn: &mut DbConnection,
    id: EntryId,
    category: Category,
    source: CategorySource,
    actor: Option<UserId>,
    now: i64,
) -> Result<Entry, DbError> {
    let (old, old_source) = current(conn, id)?.ok_or(DbError::NotFound)?;
    if old != Some(code(category)) || old_source != source {
        diesel::update(entries::table.find(id))
            .set((
                entries::category.eq(code(category)),
                entries::category_source.eq(source.as_str()),
                entries::category_due.eq(None::<i64>),
            ))
            .execute(conn)?;
        record(conn, id, old, category, source, actor, now)?;
        touch(Scope::Entry(id));
        // Out of its old category's cached hot pages at once.
        touch(Scope::HotList);
    }
    crate::queries::entries::find(conn, id)?.ok_or(DbError::NotFound)
}

/// The category users' suggestions agree on, given the suggestions of an
/// entry per category and its current category: the one most users
/// suggested, when at least [`AGREEING_USERS`] did and no other category
/// has as many; never over an admin's choice, and `None` when users chose
/// it already.
pub fn agreed(
    tally: &[(Category, i64)],
    current: Option<(Category, CategorySource)>,
) -> Option<Category> {
    if matches!(current, Some((_, CategorySource::Admin))) {
        return None;
    }
    let most = tally.iter().map(|(_, n)| *n).max()?;
    if most < AGREEING_USERS {
        return None;
    }
    let mut top = tally.iter().filter(|(_, n)| *n == most);
    let (best, _) = *top.next()?;
    if top.next().is_some() {
        return None;
    }
    match current {
        Some((c, CategorySource::User)) if c == best => None,
        _ => Some(best),
    }
}

/// What a suggestion did.
#[derive(Debug, Clone, PartialEq)]
pub enum SuggestOutcome {
    Saved {
        /// The entry as it is now.
        entry: Box<Entry>,
        /// Users whose suggestion for it is the one just made (theirs included).
        agreeing: i64,
        /// Whether the suggestion moved the entry.
        moved: bool,
    },
    /// The user made [`MAX_SUGGESTIONS_PER_DAY`] suggestions in the last
    /// day; they may make another in this many seconds.
    Limited { retry_after_secs: i64 },
}

/// Locks entry `id`'s row on PostgreSQL, so that suggestions for one entry
/// are tallied one at a time (SQLite writers are serialised already);
/// whether the entry is public (publicly bookmarked and not hidden).
fn lock_public(conn: &mut DbConnection, id: EntryId) -> Result<bool, DbError> {
    let visible = entries::table
        .find(id)
        .filter(entries::bookmark_count.gt(0))
        .filter(entries::hidden_at.is_null())
        .select(entries::id);
    let found = match conn {
        DbConnection::Pg(c) => visible.for_update().first::<EntryId>(c).optional()?,
        DbConnection::Sqlite(c) => visible.first::<EntryId>(c).optional()?,
    };
    Ok(found.is_some())
}

/// Records `user`'s suggestion of `category` for entry `id` (in place of
/// theirs, if any) and moves the entry when enough users agree (see
/// [`agreed`]). `NotFound` when the entry is not public.
pub fn suggest(
    conn: &mut DbConnection,
    user: UserId,
    id: EntryId,
    category: Category,
    now: i64,
) -> Result<SuggestOutcome, DbError> {
    if !lock_public(conn, id)? {
        return Err(DbError::NotFound);
    }
    let since = now - SUGGESTION_WINDOW_SECS * 1_000_000;
    let mine = category_suggestions::table
        .find((id, user))
        .select(category_suggestions::updated_at)
        .first::<i64>(conn)
        .optional()?;
    if mine.is_none_or(|at| at <= since) {
        let (made, oldest): (i64, Option<i64>) = category_suggestions::table
            .filter(category_suggestions::user_id.eq(user))
            .filter(category_suggestions::updated_at.gt(since))
            .select((count_star(), min(category_suggestions::updated_at)))
            .first(conn)?;
        if made >= MAX_SUGGESTIONS_PER_DAY {
            let free_at = oldest.unwrap_or(now) + SUGGESTION_WINDOW_SECS * 1_000_000;
            return Ok(SuggestOutcome::Limited {
                retry_after_secs: ((free_at - now) / 1_000_000).max(1),
            });
        }
    }
    per_backend!(&mut *conn, |c| diesel::insert_into(
        category_suggestions::table
    )
    .values((
        category_suggestions::entry_id.eq(id),
        category_suggestions::user_id.eq(user),
        category_suggestions::category.eq(code(category)),
        category_suggestions::created_at.eq(now),
        category_suggestions::updated_at.eq(now),
    ))
    .on_conflict((
        category_suggestions::entry_id,
        category_suggestions::user_id
    ))
    .do_update()
    .set((
        category_suggestions::category.eq(code(category)),
        category_suggestions::updated_at.eq(now),
    ))
    .execute(c))?;
    let tally: Vec<(Category, i64)> = category_suggestions::table
        .filter(category_suggestions::entry_id.eq(id))
        .group_by(category_suggestions::category)
        .select((category_suggestions::category, count_star()))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .filter_map(|(c, n)| category_of(c).map(|c| (c, n)))
        .collect();
    let agreeing = tally
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(0, |(_, n)| *n);
    let entry = crate::queries::entries::find(conn, id)?.ok_or(DbError::NotFound)?;
    let (entry, moved) = match agreed(&tally, entry.category()) {
        Some(chosen) => (
            set(conn, id, chosen, CategorySource::User, Some(user), now)?,
            true,
        ),
        None => (entry, false),
    };
    Ok(SuggestOutcome::Saved {
        entry: Box::new(entry),
        agreeing,
        moved,
    })
}

/// A user's suggestion for an entry, if they made one.
pub fn suggestion_of(
    conn: &mut DbConnection,
    user: UserId,
    id: EntryId,
) -> Result<Option<Category>, DbError> {
    Ok(category_suggestions::table
        .find((id, user))
        .select(category_suggestions::category)
        .first::<i32>(conn)
        .optional()?
        .and_then(category_of))
}

/// One change of an entry's category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub from: Option<Category>,
    pub to: Category,
    pub source: CategorySource,
    /// The username of who made it: the admin, or the user whose
    /// suggestion completed the agreement (`None` for the classifier or a
    /// deleted account).
    pub actor: Option<String>,
    pub at: i64,
}

/// The changes of entry `id`'s category, newest first (at most [`MAX_HISTORY`]).
pub fn history(conn: &mut DbConnection, id: EntryId) -> Result<Vec<Change>, DbError> {
    /// From, to, source, who and when.
    type Row = (Option<i32>, i32, String, Option<String>, i64);
    let rows: Vec<Row> = category_history::table
        .left_join(users::table.on(users::id.nullable().eq(category_history::actor_id)))
        .filter(category_history::entry_id.eq(id))
        .order(category_history::id.desc())
        .limit(MAX_HISTORY)
        .select((
            category_history::from_category,
            category_history::to_category,
            category_history::source,
            users::username.nullable(),
            category_history::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(from, to, source, actor, at)| {
            Some(Change {
                from: from.and_then(category_of),
                to: category_of(to)?,
                source: CategorySource::parse(&source),
                actor,
                at,
            })
        })
        .collect())
}

/// The newest `limit` entries whose category users or an admin chose (and
/// still hold), with what the classifier reads of them.
pub fn corrections(conn: &mut DbConnection, limit: i64) -> Result<Vec<Correction>, DbError> {
    let mut ids: Vec<EntryId> = Vec::new();
    let recent: Vec<EntryId> = category_history::table
        .filter(Condition(CORRECTION))
        .order(category_history::id.desc())
        .limit(limit.saturating_mul(4))
        .select(category_history::entry_id)
        .load(conn)?;
    for id in recent {
        if !ids.contains(&id) && ids.len() < usize::try_from(limit).unwrap_or(0) {
            ids.push(id);
        }
    }
    let rows: Vec<(EntryId, String, String, String, Option<i32>)> = entries::table
        .filter(entries::id.eq_any(ids.clone()))
        .filter(entries::category_source.ne(CategorySource::Auto.as_str()))
        .filter(entries::hidden_at.is_null())
        .select((
            entries::id,
            entries::title,
            entries::summary,
            entries::domain,
            entries::category,
        ))
        .load(conn)?;
    let with_tags: Vec<EntryId> = rows.iter().map(|r| r.0).collect();
    let mut tags = tags_of(conn, &with_tags)?;
    let mut found: HashMap<EntryId, Correction> = HashMap::new();
    for (id, title, summary, domain, category) in rows {
        let Some(category) = category.and_then(category_of) else {
            continue;
        };
        let text = EntryText {
            id,
            title,
            summary,
            domain,
            tags: tags.remove(&id).unwrap_or_default(),
        };
        found.insert(id, Correction { text, category });
    }
    Ok(ids.into_iter().filter_map(|id| found.remove(&id)).collect())
}

/// A mark of the corrections made so far (how many, and the newest): a
/// model trained on corrections needs training again when it moves.
pub fn corrections_mark(conn: &mut DbConnection) -> Result<(i64, Option<i64>), DbError> {
    Ok(category_history::table
        .filter(Condition(CORRECTION))
        .select((count_star(), max(category_history::id)))
        .first(conn)?)
}
