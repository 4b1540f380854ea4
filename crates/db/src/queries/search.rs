//! The database side of search: the outbox that tells the indexer what
//! changed, the loaders of the documents it indexes, and the visibility
//! re-check of results.
//!
//! - Every write that changes what search shows adds `search_outbox` rows
//!   in its own transaction (see the callers of `push_bookmark_change`).
//!   The indexer tails them with [`read_outbox`] from a cursor it keeps in
//!   its index, re-reads each item's current state with [`entry_docs`] and
//!   [`bookmark_docs`], and removes the ids these no longer return.
//! - A rebuild takes [`outbox_horizon`], reads every document in batches
//!   ([`entry_docs_after`], [`bookmark_docs_after`]), then replays the
//!   outbox from the horizon: a change made while it read is either seen
//!   by the batches or replayed (replaying one twice is harmless).
//! - The index may lag: results go through [`visible_entries`] and
//!   [`visible_bookmarks`] before anyone sees them.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use bukuma_domain::{BookmarkId, EntryId, UserId};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::sqlite::Sqlite;

use crate::connection::DbConnection;
use crate::error::DbError;
use crate::models::{split_tags, Bookmark, BookmarkView, Entry, EntryView, UserRef};
use crate::per_backend;
use crate::queries::entries;
use crate::queries::stmt::{Arg, Combined, Stmt};
use crate::schema::{bookmarks, entries as entries_t, users};
use crate::time::now_micros;

/// What an outbox row names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxKind {
    /// An entry's document (everyone's search): its public bookmarks
    /// changed.
    Entry,
    /// An entry's title or summary changed: its document and those of all
    /// its bookmarks, which carry them.
    EntryText,
    /// A bookmark's document (my search): created, changed or deleted.
    Bookmark,
    /// Every document of a user's bookmarks (and their entries), for
    /// changes that touch all of them at once.
    User,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Entry => "entry",
            OutboxKind::EntryText => "entry_text",
            OutboxKind::Bookmark => "bookmark",
            OutboxKind::User => "user",
        }
    }
}

impl FromStr for OutboxKind {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "entry" => Ok(OutboxKind::Entry),
            "entry_text" => Ok(OutboxKind::EntryText),
            "bookmark" => Ok(OutboxKind::Bookmark),
            "user" => Ok(OutboxKind::User),
            _ => Err(ParseError),
        }
    }
}

/// A position in the outbox: rows are read in (txid, id) order, and a
/// cursor names the last one consumed. Written as `txid:id`, so that the
/// indexer can keep it in its commit payload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutboxCursor {
    /// The writing transaction's id (PostgreSQL); 0 on SQLite.
    pub txid: i64,
    pub id: i64,
}

impl fmt::Display for OutboxCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.txid, self.id)
    }
}

/// A cursor or kind that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an outbox cursor or kind")]
pub struct ParseError;

impl FromStr for OutboxCursor {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let (txid, id) = s.split_once(':').ok_or(ParseError)?;
        Ok(OutboxCursor {
            txid: txid.parse().map_err(|_| ParseError)?,
            id: id.parse().map_err(|_| ParseError)?,
        })
    }
}

/// One change to index: re-read `target_id` (an entry, bookmark or user
/// id, by `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxRow {
    pub cursor: OutboxCursor,
    pub kind: OutboxKind,
    pub target_id: i64,
}

/// The outbox rows of a bookmark write, one statement: the bookmark's and
/// the entry's (only when the bookmark was or becomes public: the entry's
/// document holds public bookmarks alone).
const BOOKMARK_CHANGE: &str =
    "INSERT INTO search_outbox (kind, target_id, created_at) VALUES ('bookmark', ?, ?)";
const BOOKMARK_AND_ENTRY_CHANGE: &str = "INSERT INTO search_outbox (kind, target_id, created_at) \
     VALUES ('bookmark', ?, ?), ('entry', ?, ?)";

/// Adds the outbox rows of a write of bookmark `bookmark` on `entry` to
/// the write's other statements (`entry` when the bookmark is public
/// before or after the write).
pub(crate) fn push_bookmark_change(
    w: &mut Combined<'_>,
    bookmark: BookmarkId,
    entry: Option<EntryId>,
) {
    let now = now_micros();
    crate::versions::touch(crate::versions::Scope::Search);
    match entry {
        Some(entry) => w.push(
            BOOKMARK_AND_ENTRY_CHANGE,
            vec![
                Arg::Int(bookmark.0),
                Arg::Int(now),
                Arg::Int(entry.0),
                Arg::Int(now),
            ],
        ),
        None => w.push(BOOKMARK_CHANGE, vec![Arg::Int(bookmark.0), Arg::Int(now)]),
    }
}

/// Adds one outbox row in the caller's transaction: for writes outside
/// the bookmark paths (fetched page metadata, and later moderation).
pub fn enqueue(conn: &mut DbConnection, kind: OutboxKind, target_id: i64) -> Result<(), DbError> {
    crate::versions::touch(crate::versions::Scope::Search);
    Stmt::new(
        "INSERT INTO search_outbox (kind, target_id, created_at) VALUES (?, ?, ?)",
        &[
            Arg::Text(kind.as_str()),
            Arg::Int(target_id),
            Arg::Int(now_micros()),
        ],
    )
    .execute(conn)?;
    Ok(())
}

/// Adds outbox rows for every bookmark of `user_id` tagged `tag_key` and
/// for the entries of the public ones, in one statement: run before a bulk
/// retag changes them.
pub(crate) fn enqueue_tagged(
    conn: &mut DbConnection,
    user_id: UserId,
    tag_key: &str,
) -> Result<usize, DbError> {
    let now = now_micros();
    crate::versions::touch(crate::versions::Scope::Search);
    Stmt::new(
        "INSERT INTO search_outbox (kind, target_id, created_at) \
         SELECT 'bookmark', bookmark_id, ? FROM bookmark_tags WHERE user_id = ? AND tag_key = ? \
         UNION ALL \
         SELECT 'entry', b.entry_id, ? FROM bookmark_tags t JOIN bookmarks b ON b.id = t.bookmark_id \
         WHERE t.user_id = ? AND t.tag_key = ? AND NOT t.is_private",
        &[
            Arg::Int(now),
            Arg::Int(user_id.0),
            Arg::Text(tag_key),
            Arg::Int(now),
            Arg::Int(user_id.0),
            Arg::Text(tag_key),
        ],
    )
    .execute(conn)
}

#[derive(QueryableByName)]
struct RawOutboxRow {
    #[diesel(sql_type = BigInt)]
    txid: i64,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    target_id: i64,
}

/// The oldest transaction id that may still add outbox rows, as `at`: the
/// oldest one in progress, leaving out those known to run in other databases
/// of the server (they cannot write here, and a long one elsewhere must not
/// hold indexing back); with none in progress, the next id to be assigned.
const PG_HORIZON: &str = "WITH s AS (SELECT pg_current_snapshot() AS snap), \
     elsewhere AS (SELECT backend_xid FROM pg_stat_activity \
     WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()) \
     SELECT COALESCE((SELECT MIN(x) FROM s, pg_snapshot_xip(s.snap) AS x \
     WHERE xid(x) NOT IN (SELECT backend_xid FROM elsewhere)), \
     (SELECT pg_snapshot_xmax(snap) FROM s))::text::bigint AS at";

/// Up to `limit` outbox rows after `after`, in (txid, id) order, that no
/// later commit can precede. On PostgreSQL those of transactions below the
/// oldest one still running: every one of them has ended, so no row can
/// appear before the last one returned after it was read (the rows of a
/// transaction in flight wait, and so do those of later ones that
/// committed first). SQLite commits one writer at a time, in id order.
/// Rows of a kind this version does not know are left out (logged).
pub fn read_outbox(
    conn: &mut DbConnection,
    after: OutboxCursor,
    limit: usize,
) -> Result<Vec<OutboxRow>, DbError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = match conn {
        DbConnection::Pg(_) => Stmt::new(
            &format!(
                "WITH pg_horizon AS ({PG_HORIZON}) \
             SELECT txid, id, kind, target_id FROM search_outbox \
             WHERE (txid, id) > (?, ?) \
             AND txid < (SELECT at FROM pg_horizon) \
             ORDER BY txid, id LIMIT ?"
            ),
            &[Arg::Int(after.txid), Arg::Int(after.id), Arg::Int(limit)],
        )
        .load::<RawOutboxRow>(conn)?,
        DbConnection::Sqlite(_) => Stmt::new(
            "SELECT txid, id, kind, target_id FROM search_outbox WHERE id > ? ORDER BY id LIMIT ?",
            &[Arg::Int(after.id), Arg::Int(limit)],
        )
        .load::<RawOutboxRow>(conn)?,
    };
    Ok(rows
        .into_iter()
        .filter_map(|r| match r.kind.parse() {
            Ok(kind) => Some(OutboxRow {
                cursor: OutboxCursor {
                    txid: r.txid,
                    id: r.id,
                },
                kind,
                target_id: r.target_id,
            }),
            Err(_) => {
                tracing::warn!(kind = %r.kind, id = r.id, "outbox row of an unknown kind skipped");
                None
            }
        })
        .collect())
}

/// A cursor before every change that a snapshot taken after this call
/// might not see: on PostgreSQL the oldest transaction still running (all
/// below it have ended), on SQLite the last row written. A rebuild reads
/// its documents after taking it and then replays the outbox from it.
pub fn outbox_horizon(conn: &mut DbConnection) -> Result<OutboxCursor, DbError> {
    #[derive(QueryableByName)]
    struct Horizon {
        #[diesel(sql_type = BigInt)]
        at: i64,
    }
    let (sql, pg) = match conn {
        DbConnection::Pg(_) => (PG_HORIZON, true),
        DbConnection::Sqlite(_) => (
            "SELECT COALESCE(MAX(id), 0) AS at FROM search_outbox",
            false,
        ),
    };
    let at = Stmt::new(sql, &[])
        .load::<Horizon>(conn)?
        .pop()
        .map_or(0, |h| h.at);
    Ok(if pg {
        OutboxCursor { txid: at, id: 0 }
    } else {
        OutboxCursor { txid: 0, id: at }
    })
}

/// Deletes outbox rows written before `older_than_micros`; how many went.
/// Rows an indexer has not read yet go too, so the cut-off must lie well
/// behind any indexer's lag (a rebuild recovers from it).
pub fn purge_outbox(conn: &mut DbConnection, older_than_micros: i64) -> Result<usize, DbError> {
    Stmt::new(
        "DELETE FROM search_outbox WHERE created_at < ?",
        &[Arg::Int(older_than_micros)],
    )
    .execute(conn)
}

/// Public comments kept in an entry's document: the newest ones.
pub const ENTRY_DOC_COMMENTS: i64 = 200;

/// An entry as everyone's search indexes it: public data only.
#[derive(Debug, Clone, PartialEq)]
pub struct EntrySearchRow {
    pub id: EntryId,
    pub url: String,
    pub domain: String,
    pub title: String,
    pub summary: String,
    /// Distinct tags of its public bookmarks, most used first (as spelled
    /// most recently).
    pub public_tags: Vec<String>,
    /// Non-empty comments of its public bookmarks, newest first, at most
    /// [`ENTRY_DOC_COMMENTS`].
    pub public_comments: Vec<String>,
    /// Public bookmarks, one per user.
    pub public_users: i64,
    /// The users of those bookmarks, for `user:` searches.
    pub public_user_ids: Vec<UserId>,
    /// Creation times of its first and last public bookmark (microseconds).
    pub first_at: i64,
    pub last_at: i64,
}

/// A bookmark as the owner's search indexes it, private ones included.
#[derive(Debug, Clone, PartialEq)]
pub struct BookmarkSearchRow {
    pub id: BookmarkId,
    pub entry_id: EntryId,
    pub user_id: UserId,
    pub username: String,
    /// The entry's.
    pub title: String,
    pub summary: String,
    pub comment: String,
    /// Private to the owner.
    pub note: String,
    pub tags: Vec<String>,
    pub domain: String,
    pub is_private: bool,
    pub created_at: i64,
}

/// A batch of documents read in id order and the id to read on from
/// (`None` when the table has no more).
#[derive(Debug, Clone, PartialEq)]
pub struct DocBatch<T, I> {
    pub docs: Vec<T>,
    pub next: Option<I>,
}

/// Which ids a set-based load covers: a list, or the range `(after, last]`.
#[derive(Clone, Copy)]
enum Ids<'a> {
    List(&'a [i64]),
    Range(i64, i64),
}

impl Ids<'_> {
    /// The condition on `column`. Ids are integers written into the text:
    /// such statements are sent unprepared (`sql_query`), not cached once
    /// per list length.
    fn condition(self, column: &str) -> String {
        match self {
            Ids::List(ids) => {
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("{column} IN ({})", list.join(", "))
            }
            Ids::Range(after, last) => format!("{column} > {after} AND {column} <= {last}"),
        }
    }
}

/// Runs an unprepared statement (see [`Ids::condition`]).
fn load_sql<T>(conn: &mut DbConnection, sql: &str) -> Result<Vec<T>, DbError>
where
    T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
{
    Ok(per_backend!(conn, |c| diesel::sql_query(sql).load::<T>(c))?)
}

#[derive(QueryableByName)]
struct EntryRow {
    #[diesel(sql_type = BigInt)]
    id: EntryId,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    domain: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    summary: String,
}

/// The documents of the entries among `ids` that exist and have a public
/// bookmark, in id order; the others are to be removed from the index.
pub fn entry_docs(
    conn: &mut DbConnection,
    ids: &[EntryId],
) -> Result<Vec<EntrySearchRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let raw: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let ids = Ids::List(&raw);
    let rows = load_sql::<EntryRow>(
        conn,
        &format!(
            "SELECT id, url, domain, title, summary FROM entries WHERE {} \
             AND hidden_at IS NULL ORDER BY id",
            ids.condition("id")
        ),
    )?;
    with_public_parts(conn, rows, ids)
}

/// How many entry and bookmark documents a rebuild writes, for its
/// progress: the entries with bookmarks (some of them private only) and
/// every bookmark.
pub fn document_counts(conn: &mut DbConnection) -> Result<(u64, u64), DbError> {
    use diesel::dsl::count_star;
    let entries: i64 = per_backend!(conn, |c| entries_t::table
        .filter(entries_t::bookmark_count.gt(0))
        .select(count_star())
        .first(c))?;
    let bookmarks: i64 = per_backend!(conn, |c| bookmarks::table.select(count_star()).first(c))?;
    Ok((
        u64::try_from(entries).unwrap_or(0),
        u64::try_from(bookmarks).unwrap_or(0),
    ))
}

/// The highest entry and bookmark ids (0 when there are none), for
/// sampling ids to verify.
pub fn max_ids(conn: &mut DbConnection) -> Result<(EntryId, BookmarkId), DbError> {
    use diesel::dsl::max;
    let entry: Option<i64> = per_backend!(conn, |c| entries_t::table
        .select(max(entries_t::id))
        .first(c))?;
    let bookmark: Option<i64> = per_backend!(conn, |c| bookmarks::table
        .select(max(bookmarks::id))
        .first(c))?;
    Ok((
        EntryId(entry.unwrap_or(0)),
        BookmarkId(bookmark.unwrap_or(0)),
    ))
}

/// Up to `limit` entry documents after entry `after`, in id order, for a
/// rebuild: one statement per table per batch, each reading a range of
/// its index.
pub fn entry_docs_after(
    conn: &mut DbConnection,
    after: EntryId,
    limit: usize,
) -> Result<DocBatch<EntrySearchRow, EntryId>, DbError> {
    let rows = Stmt::new(
        "SELECT id, url, domain, title, summary FROM entries \
         WHERE id > ? AND bookmark_count > 0 AND hidden_at IS NULL ORDER BY id LIMIT ?",
        &[
            Arg::Int(after.0),
            Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ],
    )
    .load::<EntryRow>(conn)?;
    let Some(last) = rows.last().map(|r| r.id) else {
        return Ok(DocBatch {
            docs: Vec::new(),
            next: None,
        });
    };
    let docs = with_public_parts(conn, rows, Ids::Range(after.0, last.0))?;
    Ok(DocBatch {
        docs,
        next: Some(last),
    })
}

/// Completes entry rows with their public bookmarks' counts, times, tags
/// and comments (one statement each over `ids`), dropping the entries
/// that have no public bookmark.
fn with_public_parts(
    conn: &mut DbConnection,
    rows: Vec<EntryRow>,
    ids: Ids<'_>,
) -> Result<Vec<EntrySearchRow>, DbError> {
    #[derive(QueryableByName)]
    struct PublicBookmark {
        #[diesel(sql_type = BigInt)]
        entry_id: EntryId,
        #[diesel(sql_type = BigInt)]
        user_id: UserId,
        #[diesel(sql_type = BigInt)]
        created_at: i64,
    }
    struct Public {
        users: Vec<UserId>,
        first_at: i64,
        last_at: i64,
    }
    #[derive(QueryableByName)]
    struct Keyed {
        #[diesel(sql_type = BigInt)]
        entry_id: EntryId,
        #[diesel(sql_type = Text)]
        text: String,
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let bookmarks = load_sql::<PublicBookmark>(
        conn,
        &format!(
            "SELECT entry_id, user_id, created_at FROM bookmarks \
             WHERE {} AND NOT is_private",
            ids.condition("entry_id")
        ),
    )?;
    let mut public: HashMap<EntryId, Public> = HashMap::new();
    for b in bookmarks {
        let p = public.entry(b.entry_id).or_insert(Public {
            users: Vec::new(),
            first_at: b.created_at,
            last_at: b.created_at,
        });
        p.users.push(b.user_id);
        p.first_at = p.first_at.min(b.created_at);
        p.last_at = p.last_at.max(b.created_at);
    }
    // entry_tags counts the public bookmarks carrying each tag.
    let tags = load_sql::<Keyed>(
        conn,
        &format!(
            "SELECT entry_id, tag AS text FROM entry_tags WHERE {} \
             ORDER BY entry_id, count DESC, tag_key",
            ids.condition("entry_id")
        ),
    )?;
    // The predicate of the partial index of public comments, spelled as
    // the index spells it.
    let comments = load_sql::<Keyed>(
        conn,
        &format!(
            "SELECT entry_id, comment AS text FROM (SELECT entry_id, comment, ROW_NUMBER() \
             OVER (PARTITION BY entry_id ORDER BY created_at DESC, id DESC) AS n \
             FROM bookmarks WHERE {} AND NOT is_private AND comment <> '' \
             AND hidden_at IS NULL AND user_id NOT IN \
             (SELECT id FROM users WHERE suspended_at IS NOT NULL)) c \
             WHERE n <= {ENTRY_DOC_COMMENTS} ORDER BY entry_id, n",
            ids.condition("entry_id")
        ),
    )?;
    fn group(texts: Vec<Keyed>) -> HashMap<EntryId, Vec<String>> {
        let mut by_entry: HashMap<EntryId, Vec<String>> = HashMap::new();
        for t in texts {
            by_entry.entry(t.entry_id).or_default().push(t.text);
        }
        by_entry
    }
    let (mut tags, mut comments) = (group(tags), group(comments));
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            let mut p = public.remove(&e.id)?;
            // By id: the rows come in whatever order the plan reads them.
            p.users.sort_unstable();
            Some(EntrySearchRow {
                public_tags: tags.remove(&e.id).unwrap_or_default(),
                public_comments: comments.remove(&e.id).unwrap_or_default(),
                public_users: p.users.len() as i64,
                public_user_ids: p.users,
                first_at: p.first_at,
                last_at: p.last_at,
                id: e.id,
                url: e.url,
                domain: e.domain,
                title: e.title,
                summary: e.summary,
            })
        })
        .collect())
}

#[derive(QueryableByName)]
struct BookmarkDoc {
    #[diesel(sql_type = BigInt)]
    id: BookmarkId,
    #[diesel(sql_type = BigInt)]
    entry_id: EntryId,
    #[diesel(sql_type = BigInt)]
    user_id: UserId,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    summary: String,
    #[diesel(sql_type = Text)]
    comment: String,
    #[diesel(sql_type = Text)]
    note: String,
    #[diesel(sql_type = Text)]
    tags: String,
    #[diesel(sql_type = Text)]
    domain: String,
    #[diesel(sql_type = Bool)]
    is_private: bool,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

impl From<BookmarkDoc> for BookmarkSearchRow {
    fn from(b: BookmarkDoc) -> Self {
        BookmarkSearchRow {
            id: b.id,
            entry_id: b.entry_id,
            user_id: b.user_id,
            username: b.username,
            title: b.title,
            summary: b.summary,
            comment: b.comment,
            note: b.note,
            tags: split_tags(&b.tags),
            domain: b.domain,
            is_private: b.is_private,
            created_at: b.created_at,
        }
    }
}

/// The columns of [`BookmarkDoc`] and the joins they come from.
macro_rules! bookmark_doc_from {
    () => {
        "SELECT b.id, b.entry_id, b.user_id, u.username, e.title, e.summary, b.comment, \
         b.note, b.tags, b.domain, \
         (b.is_private OR b.hidden_at IS NOT NULL OR e.hidden_at IS NOT NULL \
          OR u.suspended_at IS NOT NULL) AS is_private, b.created_at \
         FROM bookmarks b JOIN entries e ON e.id = b.entry_id JOIN users u ON u.id = b.user_id"
    };
}

/// The documents of the bookmarks among `ids` that exist, in id order; the
/// others are to be removed from the index.
pub fn bookmark_docs(
    conn: &mut DbConnection,
    ids: &[BookmarkId],
) -> Result<Vec<BookmarkSearchRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let raw: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let sql = format!(
        concat!(bookmark_doc_from!(), " WHERE {} ORDER BY b.id"),
        Ids::List(&raw).condition("b.id")
    );
    Ok(load_sql::<BookmarkDoc>(conn, &sql)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Up to `limit` bookmark documents after bookmark `after`, in id order,
/// for a rebuild: one statement per batch.
pub fn bookmark_docs_after(
    conn: &mut DbConnection,
    after: BookmarkId,
    limit: usize,
) -> Result<DocBatch<BookmarkSearchRow, BookmarkId>, DbError> {
    let docs: Vec<BookmarkSearchRow> = Stmt::new(
        concat!(
            bookmark_doc_from!(),
            " WHERE b.id > ? ORDER BY b.id LIMIT ?"
        ),
        &[
            Arg::Int(after.0),
            Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ],
    )
    .load::<BookmarkDoc>(conn)?
    .into_iter()
    .map(Into::into)
    .collect();
    let next = docs.last().map(|d| d.id);
    Ok(DocBatch { docs, next })
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: BookmarkId,
}

/// Ids of every bookmark of an entry (private ones too), after `after`, in
/// id order: the documents to rebuild when the entry's title or summary
/// changes.
pub fn bookmark_ids_of_entry(
    conn: &mut DbConnection,
    entry_id: EntryId,
    after: Option<BookmarkId>,
    limit: usize,
) -> Result<Vec<BookmarkId>, DbError> {
    Ok(Stmt::new(
        "SELECT id FROM bookmarks WHERE entry_id = ? AND id > ? ORDER BY id LIMIT ?",
        &[
            Arg::Int(entry_id.0),
            Arg::Int(after.map_or(0, |a| a.0)),
            Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ],
    )
    .load::<Id>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Ids of every bookmark of a user, after `after`, in id order: the
/// documents to rebuild for an outbox row of kind `user`.
pub fn bookmark_ids_of_user(
    conn: &mut DbConnection,
    user_id: UserId,
    after: Option<BookmarkId>,
    limit: usize,
) -> Result<Vec<BookmarkId>, DbError> {
    Ok(Stmt::new(
        "SELECT id FROM bookmarks WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?",
        &[
            Arg::Int(user_id.0),
            Arg::Int(after.map_or(0, |a| a.0)),
            Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)),
        ],
    )
    .load::<Id>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// `rows` in the order of `ids`, each at most once; ids without a row are left out.
fn in_order<I, T>(ids: &[I], rows: Vec<T>, id: impl Fn(&T) -> I) -> Vec<T>
where
    I: std::hash::Hash + Eq + Copy,
{
    let mut by_id: HashMap<I, T> = rows.into_iter().map(|r| (id(&r), r)).collect();
    ids.iter().filter_map(|i| by_id.remove(i)).collect()
}

/// The entries among `ids` that anyone may see now (publicly bookmarked),
/// as lists show them, in the order of `ids`: search results re-checked
/// against the database, since the index may lag behind it.
pub fn visible_entries(
    conn: &mut DbConnection,
    ids: &[EntryId],
) -> Result<Vec<EntryView>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = entries_t::table
        .filter(entries_t::id.eq_any(ids))
        .filter(entries_t::bookmark_count.gt(0))
        .filter(entries_t::hidden_at.is_null())
        .select(Entry::as_select())
        .load::<Entry>(conn)?;
    entries::with_tags(conn, in_order(ids, rows, |e| e.id))
}

/// The bookmarks among `ids` that `viewer` may see now (their own, private
/// ones too; others' public ones), with entry and owner as lists show
/// them, in the order of `ids`.
pub fn visible_bookmarks(
    conn: &mut DbConnection,
    viewer: Option<UserId>,
    ids: &[BookmarkId],
) -> Result<Vec<BookmarkView>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Bookmark, Entry, UserRef, bool, bool)> = bookmarks::table
        .inner_join(entries_t::table)
        .inner_join(users::table)
        .filter(bookmarks::id.eq_any(ids))
        .select((
            Bookmark::as_select(),
            Entry::as_select(),
            (users::username, users::display_name),
            entries_t::hidden_at.is_not_null(),
            users::suspended_at.is_not_null(),
        ))
        .load(conn)?;
    // Others see no private or moderated bookmarks (hidden comment or
    // entry, suspended owner); owners see their own.
    let rows = rows
        .into_iter()
        .filter(|(b, _, _, entry_hidden, suspended)| {
            Some(b.user_id) == viewer
                || !(b.is_private || b.hidden_at.is_some() || *entry_hidden || *suspended)
        })
        .map(|(bookmark, entry, user, _, _)| BookmarkView {
            bookmark,
            entry,
            user,
        })
        .collect();
    Ok(in_order(ids, rows, |v| v.bookmark.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_order_by_transaction_then_id_and_round_trip_as_text() {
        let a = OutboxCursor { txid: 7, id: 90 };
        let b = OutboxCursor { txid: 8, id: 3 };
        assert!(a < b);
        assert!(OutboxCursor { txid: 7, id: 91 } > a);
        assert_eq!(a.to_string(), "7:90");
        assert_eq!("7:90".parse::<OutboxCursor>(), Ok(a));
        assert_eq!("0:0".parse::<OutboxCursor>(), Ok(OutboxCursor::default()));
        for bad in ["", "7", "7:", ":9", "a:1", "1:2:3"] {
            assert_eq!(bad.parse::<OutboxCursor>(), Err(ParseError), "{bad:?}");
        }
    }

    #[test]
    fn id_conditions_are_lists_or_half_open_ranges() {
        assert_eq!(Ids::List(&[3, 1]).condition("b.id"), "b.id IN (3, 1)");
        assert_eq!(
            Ids::Range(10, 20).condition("entry_id"),
            "entry_id > 10 AND entry_id <= 20"
        );
    }
}
