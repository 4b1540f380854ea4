//! The search index beside the database: where it lives, the indexer that
//! keeps it up to date from the outbox, and full rebuilds.
//!
//! `<dir>/CURRENT` names the generation in use (`<dir>/<generation>/`), so a
//! rebuild can fill a new one while the old one serves and then switch every
//! process over by replacing that one file. One process at a time writes a
//! generation (tantivy's writer lock); the others poll for the lock, so one of
//! them takes over when the writer dies. Each commit carries the outbox
//! cursor it has consumed up to.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use bukuma_db::search::{
    self as outbox, BookmarkSearchRow, EntrySearchRow, OutboxCursor, OutboxKind, OutboxRow,
};
use bukuma_db::{now_micros, Db, DbConnection, DbError};
use bukuma_domain::{BookmarkId, EntryId, UserId};
use bukuma_search::{BookmarkDoc, EntryDoc, IndexWriterHandle, SearchError, SearchIndex};

/// Outbox rows read per round.
const OUTBOX_BATCH: usize = 2_000;
/// Documents loaded per database statement.
const DOC_BATCH: usize = 500;
/// Entry documents loaded per statement: fewer, as a popular entry's
/// carries all its public users and many comments.
const ENTRY_DOC_BATCH: usize = 100;
/// How often the indexer commits while changes keep coming.
const COMMIT_EVERY: Duration = Duration::from_millis(500);
/// How long the indexer waits when the outbox is empty or another process
/// holds the writer lock.
const IDLE: Duration = Duration::from_millis(100);
const LOCK_POLL: Duration = Duration::from_secs(1);
/// Writer memory per index (tantivy's heap) for the live indexer and rebuilds.
const LIVE_HEAP: usize = 15 * 1024 * 1024;
const REBUILD_HEAP: usize = 256 * 1024 * 1024;
/// Outbox rows older than this are purged (the indexers of every host must
/// have read them by then).
pub const OUTBOX_RETENTION_MICROS: i64 = 7 * 24 * 3_600_000_000;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("search index directory {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// The search index of this host: the generation in use, reopened when a
/// rebuild switches `CURRENT`.
pub struct Search {
    dir: PathBuf,
    current: RwLock<(String, Arc<SearchIndex>)>,
}

impl Search {
    /// Opens the generation `CURRENT` names in `dir`, creating a first, empty
    /// one when there is none.
    pub fn open(dir: &Path) -> Result<Search, IndexError> {
        let io = |e| IndexError::Io(dir.to_path_buf(), e);
        std::fs::create_dir_all(dir).map_err(io)?;
        let generation = match read_current(dir).map_err(io)? {
            Some(g) => g,
            None => {
                let g = new_generation();
                switch_to(dir, &g).map_err(io)?;
                g
            }
        };
        let index = SearchIndex::open_or_create(&dir.join(&generation))?;
        Ok(Search {
            dir: dir.to_path_buf(),
            current: RwLock::new((generation, Arc::new(index))),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation in use.
    pub fn index(&self) -> Arc<SearchIndex> {
        match self.current.read() {
            Ok(c) => c.1.clone(),
            Err(poisoned) => poisoned.into_inner().1.clone(),
        }
    }

    fn generation(&self) -> String {
        match self.current.read() {
            Ok(c) => c.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// Follows `CURRENT` when a rebuild has switched it; true when it did.
    pub fn refresh(&self) -> Result<bool, IndexError> {
        let io = |e| IndexError::Io(self.dir.clone(), e);
        let Some(generation) = read_current(&self.dir).map_err(io)? else {
            return Ok(false);
        };
        if generation == self.generation() {
            return Ok(false);
        }
        let index = Arc::new(SearchIndex::open_or_create(&self.dir.join(&generation))?);
        let mut current = match self.current.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = (generation, index);
        Ok(true)
    }
}

fn read_current(dir: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(dir.join("CURRENT")) {
        Ok(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Points `CURRENT` at `generation` by renaming a new file over it, which
/// readers see whole or not at all.
fn switch_to(dir: &Path, generation: &str) -> std::io::Result<()> {
    let tmp = dir.join(format!("CURRENT.{}.tmp", std::process::id()));
    std::fs::write(&tmp, generation)?;
    std::fs::rename(&tmp, dir.join("CURRENT"))
}

fn new_generation() -> String {
    format!("gen-{}", now_micros())
}

fn entry_doc(r: EntrySearchRow) -> EntryDoc {
    EntryDoc {
        entry_id: r.id.0,
        title: r.title,
        summary: r.summary,
        domain: r.domain,
        tags: r.public_tags,
        comments: r.public_comments,
        user_ids: r.public_user_ids.into_iter().map(|u| u.0).collect(),
        users: u64::try_from(r.public_users).unwrap_or(0),
        first_at: r.first_at,
        last_at: r.last_at,
    }
}

fn bookmark_doc(r: BookmarkSearchRow) -> BookmarkDoc {
    BookmarkDoc {
        bookmark_id: r.id.0,
        entry_id: r.entry_id.0,
        user_id: r.user_id.0,
        title: r.title,
        summary: r.summary,
        comment: r.comment,
        note: r.note,
        tags: r.tags,
        domain: r.domain,
        is_private: r.is_private,
        created_at: r.created_at,
    }
}

/// The documents that outbox rows named since the last flush: each is
/// loaded once per flush, however many rows named it (a popular entry is
/// named by every bookmark of it).
#[derive(Default)]
struct Pending {
    /// Each with the cursor of the first row that named it.
    entries: BTreeMap<EntryId, OutboxCursor>,
    bookmarks: BTreeSet<BookmarkId>,
    /// Bookmarks whose entries are re-read too: a user-wide change (such
    /// as a suspension) changes the public parts of every entry they touch.
    with_entries: BTreeSet<BookmarkId>,
}

impl Pending {
    /// Notes the documents `rows` name.
    fn add(&mut self, conn: &mut DbConnection, rows: &[OutboxRow]) -> Result<(), IndexError> {
        for row in rows {
            match row.kind {
                OutboxKind::Entry => {
                    self.entries
                        .entry(EntryId(row.target_id))
                        .or_insert(row.cursor);
                }
                OutboxKind::Bookmark => {
                    self.bookmarks.insert(BookmarkId(row.target_id));
                }
                OutboxKind::EntryText => {
                    let entry = EntryId(row.target_id);
                    self.entries.entry(entry).or_insert(row.cursor);
                    fan_out(&mut self.bookmarks, |after| {
                        outbox::bookmark_ids_of_entry(conn, entry, after, DOC_BATCH)
                    })?;
                }
                OutboxKind::User => {
                    let user = UserId(row.target_id);
                    fan_out(&mut self.with_entries, |after| {
                        outbox::bookmark_ids_of_user(conn, user, after, DOC_BATCH)
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Brings every noted document to the database's current state, but
    /// for the entries `recent` holds back; returns how many it wrote.
    fn flush(
        &mut self,
        conn: &mut DbConnection,
        writer: &IndexWriterHandle,
        recent: Option<&mut Recent>,
    ) -> Result<usize, IndexError> {
        let Pending {
            entries,
            mut bookmarks,
            with_entries,
        } = std::mem::take(self);
        let mut entries: BTreeSet<EntryId> = match recent {
            Some(recent) => recent.take_due(entries, Instant::now()),
            None => entries.into_keys().collect(),
        };
        let written = bookmarks.len() + with_entries.len() + entries.len();
        bookmarks.extend(with_entries.iter().copied());
        let bookmarks: Vec<BookmarkId> = bookmarks.into_iter().collect();
        for ids in bookmarks.chunks(DOC_BATCH) {
            let docs = outbox::bookmark_docs(conn, ids)?;
            let mut found = BTreeSet::new();
            for row in docs {
                found.insert(row.id);
                if with_entries.contains(&row.id) {
                    entries.insert(row.entry_id);
                }
                writer.upsert_bookmark(&bookmark_doc(row))?;
            }
            for id in ids.iter().filter(|id| !found.contains(id)) {
                writer.delete_bookmark(id.0);
            }
        }
        let entries: Vec<EntryId> = entries.into_iter().collect();
        for ids in entries.chunks(ENTRY_DOC_BATCH) {
            let docs = outbox::entry_docs(conn, ids)?;
            let mut found = BTreeSet::new();
            for row in docs {
                found.insert(row.id);
                writer.upsert_entry(&entry_doc(row))?;
            }
            for id in ids.iter().filter(|id| !found.contains(id)) {
                writer.delete_entry(id.0);
            }
        }
        Ok(written)
    }
}

/// Brings the documents named by `rows` to the database's current state.
fn apply(
    conn: &mut DbConnection,
    writer: &IndexWriterHandle,
    rows: &[OutboxRow],
) -> Result<(), IndexError> {
    let mut pending = Pending::default();
    pending.add(conn, rows)?;
    pending.flush(conn, writer, None).map(drop)
}

/// How often the live indexer re-indexes one entry at most. A popular
/// entry is named by every bookmark of it, and its document carries all
/// its public users and up to 200 comments: re-reading it on every commit
/// took most of the indexer's time under write load. New entries and
/// bookmarks (a user's own search) are indexed at the next commit.
const REINDEX_EVERY: Duration = Duration::from_secs(5);

/// Entries the live indexer indexed lately, and those it holds back until
/// [`REINDEX_EVERY`] has passed since.
#[derive(Default)]
struct Recent {
    indexed: HashMap<EntryId, Instant>,
    /// Each with the cursor of the first outbox row that named it.
    held: BTreeMap<EntryId, OutboxCursor>,
}

impl Recent {
    /// The entries of `noted` and of those held that are due now; the
    /// others are held (again). Remembers the due ones as indexed now.
    fn take_due(
        &mut self,
        noted: BTreeMap<EntryId, OutboxCursor>,
        now: Instant,
    ) -> BTreeSet<EntryId> {
        let mut all = std::mem::take(&mut self.held);
        for (entry, cursor) in noted {
            let first = all.entry(entry).or_insert(cursor);
            *first = (*first).min(cursor);
        }
        self.indexed
            .retain(|_, at| now.duration_since(*at) < REINDEX_EVERY);
        let mut due = BTreeSet::new();
        for (entry, cursor) in all {
            match self.indexed.entry(entry) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    self.held.insert(entry, cursor);
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(now);
                    due.insert(entry);
                }
            }
        }
        due
    }

    /// The cursor a commit may claim when the indexer has read up to
    /// `read`: just before the first row of an entry held back, so that a
    /// writer taking over after a crash reads those rows again.
    fn claimable(&self, read: OutboxCursor) -> OutboxCursor {
        self.held.values().min().map_or(read, |first| {
            read.min(OutboxCursor {
                txid: first.txid,
                id: first.id - 1,
            })
        })
    }
}

/// Collects every id a keyset-paged lookup returns.
fn fan_out(
    into: &mut BTreeSet<BookmarkId>,
    mut page: impl FnMut(Option<BookmarkId>) -> Result<Vec<BookmarkId>, DbError>,
) -> Result<(), DbError> {
    let mut after = None;
    loop {
        let ids = page(after)?;
        let Some(last) = ids.last().copied() else {
            return Ok(());
        };
        into.extend(ids);
        after = Some(last);
    }
}

fn committed_cursor(index: &SearchIndex) -> Result<OutboxCursor, IndexError> {
    Ok(index
        .committed_payload()?
        .and_then(|p| p.parse().ok())
        .unwrap_or_default())
}

/// Indexes what the outbox holds after the index's cursor and commits;
/// returns how many rows it consumed. For the CLI and tests; the server
/// runs [`run`].
pub fn catch_up(db: &Db, search: &Search) -> Result<usize, IndexError> {
    let index = search.index();
    let Some(mut writer) = index.try_writer(LIVE_HEAP)? else {
        return Ok(0);
    };
    let mut cursor = committed_cursor(&index)?;
    let mut consumed = 0;
    loop {
        let rows = db.read(|c| outbox::read_outbox(c, cursor, OUTBOX_BATCH))?;
        let Some(last) = rows.last() else { break };
        cursor = last.cursor;
        consumed += rows.len();
        apply(&mut *db.conn()?, &writer, &rows)?;
        if rows.len() < OUTBOX_BATCH {
            break;
        }
    }
    if consumed > 0 {
        writer.commit(&cursor.to_string())?;
    }
    Ok(consumed)
}

/// Keeps the index up to date until the process ends: holds the writer
/// lock (or waits for it), follows rebuilds, and commits about once a
/// second with the outbox cursor.
pub fn run(db: Db, search: Arc<Search>) {
    let mut last_error: Option<String> = None;
    loop {
        match run_writer(&db, &search) {
            Ok(()) => last_error = None,
            Err(e) => {
                metrics::counter!("bukuma_job_runs_total", "job" => "search_index", "outcome" => "failed")
                    .increment(1);
                let message = e.to_string();
                if last_error.as_ref() != Some(&message) {
                    tracing::error!(error = %message, "search indexer failed; retrying");
                }
                last_error = Some(message);
                std::thread::sleep(LOCK_POLL);
            }
        }
    }
}

/// One tenure as the writer of the current generation: returns when a
/// rebuild switched generations or the lock is held elsewhere.
fn run_writer(db: &Db, search: &Search) -> Result<(), IndexError> {
    search.refresh()?;
    let index = search.index();
    let Some(mut writer) = index.try_writer(LIVE_HEAP)? else {
        std::thread::sleep(LOCK_POLL);
        return Ok(());
    };
    let mut cursor = committed_cursor(&index)?;
    tracing::info!(dir = %index.dir().display(), %cursor, "search indexer writing");
    // Documents are loaded as their rows come, but an entry indexed within
    // REINDEX_EVERY waits (see `Recent`); commits follow every COMMIT_EVERY.
    let mut pending = Pending::default();
    let mut recent = Recent::default();
    let mut claimed = cursor;
    let mut written = 0;
    let mut last_commit = Instant::now();
    let mut last_check = Instant::now();
    loop {
        let rows = db.read(|c| outbox::read_outbox(c, cursor, OUTBOX_BATCH))?;
        if let Some(last) = rows.last() {
            pending.add(&mut *db.conn()?, &rows)?;
            cursor = last.cursor;
        }
        if !rows.is_empty() || !recent.held.is_empty() {
            written += pending.flush(&mut *db.conn()?, &writer, Some(&mut recent))?;
        }
        let claim = recent.claimable(cursor);
        if (written > 0 || claim != claimed) && last_commit.elapsed() >= COMMIT_EVERY {
            let started = Instant::now();
            writer.commit(&claim.to_string())?;
            metrics::counter!("bukuma_job_runs_total", "job" => "search_index", "outcome" => "ok")
                .increment(1);
            tracing::debug!(
                written,
                held = recent.held.len(),
                commit_ms = started.elapsed().as_millis() as u64,
                "search index committed"
            );
            claimed = claim;
            written = 0;
            last_commit = started;
        }
        if last_check.elapsed() >= LOCK_POLL {
            last_check = Instant::now();
            if search.refresh()? {
                tracing::info!("search index generation switched");
                return Ok(());
            }
        }
        if rows.len() < OUTBOX_BATCH {
            std::thread::sleep(IDLE);
        }
    }
}

/// Progress of a rebuild, for the CLI's progress bars.
pub trait Progress {
    fn phase(&self, name: &str, total: Option<u64>);
    fn advance(&self, n: u64);
}

/// Builds a new generation from the database while writes go on, catches up
/// from the outbox, and switches every process to it. Returns its
/// directory and document counts.
pub fn rebuild(
    db: &Db,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<(PathBuf, u64, u64), IndexError> {
    let io = |e| IndexError::Io(dir.to_path_buf(), e);
    std::fs::create_dir_all(dir).map_err(io)?;
    let generation = new_generation();
    let path = dir.join(&generation);
    let index = SearchIndex::open_or_create(&path)?;
    let Some(mut writer) = index.try_writer(REBUILD_HEAP)? else {
        return Err(IndexError::Io(
            path,
            std::io::Error::other("a new index directory is locked"),
        ));
    };
    // Everything committed before the horizon is in the snapshot read
    // below; what comes after is replayed from the outbox.
    let horizon = db.read(outbox::outbox_horizon)?;
    let (entries, bookmarks) = db.read(outbox::document_counts)?;
    progress.phase("entries", Some(entries));
    let mut after = EntryId(0);
    loop {
        let batch = db.read(|c| outbox::entry_docs_after(c, after, DOC_BATCH * 4))?;
        progress.advance(batch.docs.len() as u64);
        for row in batch.docs {
            writer.add_entry(&entry_doc(row))?;
        }
        match batch.next {
            Some(next) => after = next,
            None => break,
        }
    }
    progress.phase("bookmarks", Some(bookmarks));
    let mut after = BookmarkId(0);
    loop {
        let batch = db.read(|c| outbox::bookmark_docs_after(c, after, DOC_BATCH * 4))?;
        progress.advance(batch.docs.len() as u64);
        for row in batch.docs {
            writer.add_bookmark(&bookmark_doc(row))?;
        }
        match batch.next {
            Some(next) => after = next,
            None => break,
        }
    }
    progress.phase("writes made meanwhile", None);
    let mut cursor = horizon;
    loop {
        let rows = db.read(|c| outbox::read_outbox(c, cursor, OUTBOX_BATCH))?;
        let Some(last) = rows.last() else { break };
        apply(&mut *db.conn()?, &writer, &rows)?;
        cursor = last.cursor;
        progress.advance(rows.len() as u64);
    }
    writer.commit(&cursor.to_string())?;
    writer.finish()?;
    index.reload()?;
    let counts = index.num_docs();
    switch_to(dir, &generation).map_err(io)?;
    remove_old_generations(dir, &generation);
    Ok((path, counts.0, counts.1))
}

/// Removes generations other than `keep`. Processes still reading an old
/// one keep their open files until they follow `CURRENT`.
fn remove_old_generations(dir: &Path, keep: &str) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("gen-") && name != keep {
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!(dir = %entry.path().display(), error = %e, "old search index not removed");
            }
        }
    }
}

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Verification {
    pub entries: usize,
    pub bookmarks: usize,
    /// One line per document the index shows differently from the database.
    pub mismatches: Vec<String>,
}

/// Compares the index with the database on `sample` random entry ids and
/// as many bookmark ids: every document that should be there is, with the
/// database's values, and no other. Writes made after the index's last
/// commit show as mismatches until the indexer commits them.
pub fn verify(
    db: &Db,
    search: &Search,
    sample: usize,
    progress: &dyn Progress,
) -> Result<Verification, IndexError> {
    use rand::Rng;
    let index = search.index();
    index.reload()?;
    let (max_entry, max_bookmark) = db.read(outbox::max_ids)?;
    let mut rng = rand::rng();
    let mut pick = |max: i64| -> Vec<i64> {
        let mut ids: Vec<i64> = (0..sample)
            .map(|_| rng.random_range(1..=max.max(1)))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let entry_ids: Vec<EntryId> = pick(max_entry.0).into_iter().map(EntryId).collect();
    let bookmark_ids: Vec<BookmarkId> = pick(max_bookmark.0).into_iter().map(BookmarkId).collect();
    let mut out = Verification::default();
    progress.phase("entries", Some(entry_ids.len() as u64));
    for ids in entry_ids.chunks(DOC_BATCH) {
        let rows = db.read(|c| outbox::entry_docs(c, ids))?;
        let mut rows = rows.into_iter().peekable();
        for id in ids {
            let row = rows.next_if(|r| r.id == *id);
            let facts = index.entry_facts(id.0)?;
            let expected = row.map(|r| bukuma_search::EntryFacts {
                users: u64::try_from(r.public_users).unwrap_or(0),
                first_at: r.first_at,
                last_at: r.last_at,
            });
            if facts != expected {
                out.mismatches.push(format!(
                    "entry {}: index {facts:?}, database {expected:?}",
                    id.0
                ));
            }
            out.entries += 1;
        }
        progress.advance(ids.len() as u64);
    }
    progress.phase("bookmarks", Some(bookmark_ids.len() as u64));
    for ids in bookmark_ids.chunks(DOC_BATCH) {
        let rows = db.read(|c| outbox::bookmark_docs(c, ids))?;
        let mut rows = rows.into_iter().peekable();
        for id in ids {
            let row = rows.next_if(|r| r.id == *id);
            let facts = index.bookmark_facts(id.0)?;
            let expected = row.map(|r| bukuma_search::BookmarkFacts {
                entry_id: r.entry_id.0,
                user_id: r.user_id.0,
                is_private: r.is_private,
                created_at: r.created_at,
            });
            if facts != expected {
                out.mismatches.push(format!(
                    "bookmark {}: index {facts:?}, database {expected:?}",
                    id.0
                ));
            }
            out.bookmarks += 1;
        }
        progress.advance(ids.len() as u64);
    }
    Ok(out)
}

#[cfg(test)]
mod recent_tests {
    use super::*;

    fn at(id: i64) -> OutboxCursor {
        OutboxCursor { txid: 7, id }
    }

    #[test]
    fn an_entry_indexed_lately_waits_and_holds_the_claimed_cursor_back() {
        let mut recent = Recent::default();
        let start = Instant::now();
        let noted = BTreeMap::from([(EntryId(1), at(10)), (EntryId(2), at(11))]);
        let due = recent.take_due(noted, start);
        assert_eq!(due, BTreeSet::from([EntryId(1), EntryId(2)]));
        assert_eq!(recent.claimable(at(11)), at(11), "nothing held");

        // Named again within REINDEX_EVERY: held, and the cursor stays
        // before its first row; a new entry goes through.
        let noted = BTreeMap::from([(EntryId(1), at(20)), (EntryId(3), at(21))]);
        let due = recent.take_due(noted, start + Duration::from_secs(1));
        assert_eq!(due, BTreeSet::from([EntryId(3)]));
        assert_eq!(recent.claimable(at(30)), at(19));
        let noted = BTreeMap::from([(EntryId(1), at(25))]);
        recent.take_due(noted, start + Duration::from_secs(2));
        assert_eq!(recent.claimable(at(30)), at(19), "the first row counts");

        // Once REINDEX_EVERY has passed it is due, and nothing holds the cursor.
        let due = recent.take_due(BTreeMap::new(), start + REINDEX_EVERY);
        assert_eq!(due, BTreeSet::from([EntryId(1)]));
        assert_eq!(recent.claimable(at(30)), at(30));
    }
}
