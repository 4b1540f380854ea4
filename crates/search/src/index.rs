//! Opening the two indexes and writing to them.

use std::path::{Path, PathBuf};

use tantivy::directory::error::LockError;
use tantivy::directory::MmapDirectory;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use crate::schema::{domain_suffixes, BookmarkFields, EntryFields, TextField};
use crate::tokenizer::{
    normalize_exact, BigramTokenizer, ExactTokenizer, UnigramTokenizer, BIGRAM, EXACT, UNIGRAM,
};

/// What can go wrong with the index. All of it means "rebuild or retry";
/// none of it is the caller's input.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The directory holds an index from another version of the schema.
    #[error("the search index in {0} has another schema; rebuild it")]
    SchemaMismatch(PathBuf),
    #[error("search index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// An entry as everyone's search sees it. Only public data goes in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryDoc {
    pub entry_id: i64,
    pub title: String,
    pub summary: String,
    /// The entry's host; `site:` matches it and its parent domains.
    pub domain: String,
    /// Tags of public bookmarks (duplicates are fine).
    pub tags: Vec<String>,
    /// Non-empty comments of public bookmarks.
    pub comments: Vec<String>,
    /// Ids of the users with a public bookmark on it, for `user:`.
    pub user_ids: Vec<i64>,
    /// Number of public bookmarks.
    pub users: u64,
    /// First and last public bookmark, microseconds since the epoch.
    pub first_at: i64,
    pub last_at: i64,
}

/// A bookmark, private or not, with its entry's title and summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BookmarkDoc {
    pub bookmark_id: i64,
    pub entry_id: i64,
    pub user_id: i64,
    pub title: String,
    pub summary: String,
    pub comment: String,
    /// Searched only when the owner searches their own bookmarks.
    pub note: String,
    pub tags: Vec<String>,
    pub domain: String,
    pub is_private: bool,
    /// Microseconds since the epoch.
    pub created_at: i64,
}

/// The `entries` and `bookmarks` indexes under one directory.
pub struct SearchIndex {
    dir: PathBuf,
    pub(crate) entries: Index,
    pub(crate) bookmarks: Index,
    pub(crate) ef: EntryFields,
    pub(crate) bf: BookmarkFields,
    pub(crate) entries_reader: IndexReader,
    pub(crate) bookmarks_reader: IndexReader,
}

fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(BIGRAM, BigramTokenizer);
    manager.register(UNIGRAM, UnigramTokenizer);
    manager.register(EXACT, ExactTokenizer);
    manager
}

fn open_one(dir: &Path, schema: tantivy::schema::Schema) -> Result<Index> {
    std::fs::create_dir_all(dir)?;
    let directory = MmapDirectory::open(dir).map_err(TantivyError::from)?;
    Index::builder()
        .schema(schema)
        .tokenizers(tokenizers())
        .open_or_create(directory)
        .map_err(|e| match e {
            TantivyError::SchemaError(_) => SearchError::SchemaMismatch(dir.to_owned()),
            e => e.into(),
        })
}

fn reader(index: &Index) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::OnCommitWithDelay)
        .try_into()?)
}

impl SearchIndex {
    /// Opens `dir/entries` and `dir/bookmarks`, creating empty indexes
    /// where there are none. Searches see each commit shortly after it
    /// happens, also when another process commits (tantivy watches
    /// `meta.json`); [`SearchIndex::reload`] makes it immediate.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex> {
        let ef = EntryFields::new();
        let bf = BookmarkFields::new();
        let entries = open_one(&dir.join("entries"), ef.schema.clone())?;
        let bookmarks = open_one(&dir.join("bookmarks"), bf.schema.clone())?;
        Ok(SearchIndex {
            dir: dir.to_owned(),
            entries_reader: reader(&entries)?,
            bookmarks_reader: reader(&bookmarks)?,
            entries,
            bookmarks,
            ef,
            bf,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the last commit visible to searches now.
    pub fn reload(&self) -> Result<()> {
        self.entries_reader.reload()?;
        self.bookmarks_reader.reload()?;
        Ok(())
    }

    /// The payload of the last commit (the indexer's cursor), if any.
    pub fn committed_payload(&self) -> Result<Option<String>> {
        Ok(self.entries.load_metas()?.payload)
    }

    /// Number of documents in (entries, bookmarks) as of the last reload.
    /// Moves whenever the searchers see another commit (of this process or
    /// another), so a cache can key results by the index state they came from.
    pub fn generation(&self) -> u64 {
        let e = self.entries_reader.searcher().generation().generation_id();
        let b = self
            .bookmarks_reader
            .searcher()
            .generation()
            .generation_id();
        e.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b
    }

    pub fn num_docs(&self) -> (u64, u64) {
        (
            self.entries_reader.searcher().num_docs(),
            self.bookmarks_reader.searcher().num_docs(),
        )
    }

    /// Takes the writer lock of both indexes, or returns `None` when
    /// another writer (in this or another process) holds it; the lock is
    /// released when the handle is dropped, also when its process dies.
    ///
    /// `heap_bytes` is the indexing memory of each index (at least 15 MB
    /// per indexing thread; tantivy picks the thread count from it).
    pub fn try_writer(&self, heap_bytes: usize) -> Result<Option<IndexWriterHandle>> {
        let heap = heap_bytes.max(15_000_000);
        let Some(entries) = try_lock(&self.entries, heap)? else {
            return Ok(None);
        };
        let Some(bookmarks) = try_lock(&self.bookmarks, heap)? else {
            return Ok(None);
        };
        Ok(Some(IndexWriterHandle {
            entries,
            bookmarks,
            ef: self.ef.clone(),
            bf: self.bf.clone(),
            readers: [self.entries_reader.clone(), self.bookmarks_reader.clone()],
        }))
    }
}

fn try_lock(index: &Index, heap: usize) -> Result<Option<IndexWriter>> {
    match index.writer(heap) {
        Ok(writer) => Ok(Some(writer)),
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The single writer of a [`SearchIndex`]. Changes become visible on
/// [`IndexWriterHandle::commit`].
pub struct IndexWriterHandle {
    entries: IndexWriter,
    bookmarks: IndexWriter,
    ef: EntryFields,
    bf: BookmarkFields,
    readers: [IndexReader; 2],
}

fn add_text(doc: &mut TantivyDocument, field: TextField, text: &str) {
    if !text.is_empty() {
        doc.add_text(field.main, text);
        doc.add_text(field.uni, text);
    }
}

fn add_exact(doc: &mut TantivyDocument, field: tantivy::schema::Field, values: &[String]) {
    let mut seen: Vec<String> = values
        .iter()
        .map(|v| normalize_exact(v))
        .filter(|v| !v.is_empty())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    for value in seen {
        doc.add_text(field, value);
    }
}

impl IndexWriterHandle {
    /// Replaces the entry's document (or adds it).
    pub fn upsert_entry(&self, entry: &EntryDoc) -> Result<()> {
        self.delete_entry(entry.entry_id);
        self.add_entry(entry)
    }

    /// Adds the entry without removing an older version: for building a
    /// fresh index, where there is none.
    pub fn add_entry(&self, e: &EntryDoc) -> Result<()> {
        let f = &self.ef;
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.entry_id, e.entry_id);
        add_text(&mut doc, f.title, &e.title);
        add_text(&mut doc, f.summary, &e.summary);
        for comment in &e.comments {
            add_text(&mut doc, f.comments, comment);
        }
        add_exact(&mut doc, f.tags, &e.tags);
        add_exact(&mut doc, f.domain, &domain_suffixes(&e.domain));
        let mut user_ids = e.user_ids.clone();
        user_ids.sort_unstable();
        user_ids.dedup();
        for id in user_ids {
            doc.add_i64(f.user_ids, id);
        }
        doc.add_u64(f.users, e.users);
        doc.add_i64(f.first_at, e.first_at);
        doc.add_i64(f.last_at, e.last_at);
        self.entries.add_document(doc)?;
        Ok(())
    }

    pub fn delete_entry(&self, entry_id: i64) {
        self.entries
            .delete_term(Term::from_field_i64(self.ef.entry_id, entry_id));
    }

    /// Replaces the bookmark's document (or adds it).
    pub fn upsert_bookmark(&self, bookmark: &BookmarkDoc) -> Result<()> {
        self.delete_bookmark(bookmark.bookmark_id);
        self.add_bookmark(bookmark)
    }

    /// Adds the bookmark without removing an older version (fresh index).
    pub fn add_bookmark(&self, b: &BookmarkDoc) -> Result<()> {
        let f = &self.bf;
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.bookmark_id, b.bookmark_id);
        doc.add_i64(f.entry_id, b.entry_id);
        doc.add_i64(f.user_id, b.user_id);
        add_text(&mut doc, f.title, &b.title);
        add_text(&mut doc, f.summary, &b.summary);
        add_text(&mut doc, f.comment, &b.comment);
        add_text(&mut doc, f.note, &b.note);
        add_exact(&mut doc, f.tags, &b.tags);
        add_exact(&mut doc, f.domain, &domain_suffixes(&b.domain));
        doc.add_bool(f.is_private, b.is_private);
        doc.add_i64(f.created_at, b.created_at);
        self.bookmarks.add_document(doc)?;
        Ok(())
    }

    pub fn delete_bookmark(&self, bookmark_id: i64) {
        self.bookmarks
            .delete_term(Term::from_field_i64(self.bf.bookmark_id, bookmark_id));
    }

    /// Removes every bookmark of a user (deleted or suspended). The entries
    /// they bookmarked publicly must be upserted again by the caller.
    pub fn delete_bookmarks_of_user(&self, user_id: i64) {
        self.bookmarks
            .delete_term(Term::from_field_i64(self.bf.user_id, user_id));
    }

    /// Removes every bookmark of an entry (deleted or hidden).
    pub fn delete_bookmarks_of_entry(&self, entry_id: i64) {
        self.bookmarks
            .delete_term(Term::from_field_i64(self.bf.entry_id, entry_id));
    }

    /// Makes all changes durable and visible, recording `payload` (the
    /// cursor up to which changes are in) with them. The bookmarks index
    /// commits first and the entries index, whose payload
    /// [`SearchIndex::committed_payload`] reads, last: after a crash in
    /// between, the cursor is the older one and replaying is harmless.
    pub fn commit(&mut self, payload: &str) -> Result<()> {
        for writer in [&mut self.bookmarks, &mut self.entries] {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(payload);
            prepared.commit()?;
        }
        for reader in &self.readers {
            reader.reload()?;
        }
        Ok(())
    }

    /// Waits for background merges to finish and releases the lock: call
    /// after a bulk build, before swapping the directory in.
    pub fn finish(self) -> Result<()> {
        self.bookmarks.wait_merging_threads()?;
        self.entries.wait_merging_threads()?;
        Ok(())
    }
}
