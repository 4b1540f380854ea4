//! A fresh index per test, and builders for its documents.

use bukuma_search::{
    parse, BookmarkDoc, BookmarkSearch, EntryDoc, EntrySearch, IndexWriterHandle, SearchIndex,
};
use tempfile::TempDir;

pub const DAY: i64 = 86_400_000_000;
/// A fixed "now" so freshness is deterministic.
pub const NOW: i64 = 1_750_000_000_000_000;

pub struct Fixture {
    pub dir: TempDir,
    pub index: SearchIndex,
    pub writer: IndexWriterHandle,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = SearchIndex::open_or_create(dir.path()).expect("open index");
        let writer = index
            .try_writer(20_000_000)
            .expect("writer")
            .expect("lock is free");
        Fixture { dir, index, writer }
    }

    pub fn entries(&mut self, docs: &[EntryDoc]) {
        for doc in docs {
            self.writer.upsert_entry(doc).expect("upsert entry");
        }
        self.writer.commit("test").expect("commit");
    }

    pub fn bookmarks(&mut self, docs: &[BookmarkDoc]) {
        for doc in docs {
            self.writer.upsert_bookmark(doc).expect("upsert bookmark");
        }
        self.writer.commit("test").expect("commit");
    }

    /// Entry ids for `q` with `opts`.
    pub fn find_with(&self, q: &str, opts: &EntrySearch) -> Vec<i64> {
        self.index
            .search_entries(&parse(q), opts)
            .expect("search entries")
            .items
    }

    /// Entry ids for `q`, relevance order.
    pub fn find(&self, q: &str) -> Vec<i64> {
        self.find_with(q, &entry_opts())
    }

    /// Entry ids for `q`, sorted, for set comparisons.
    pub fn find_set(&self, q: &str) -> Vec<i64> {
        let mut ids = self.find(q);
        ids.sort_unstable();
        ids
    }

    /// Bookmark ids for `q` with `opts`.
    pub fn find_bookmarks(&self, q: &str, opts: &BookmarkSearch) -> Vec<i64> {
        self.index
            .search_bookmarks(&parse(q), opts)
            .expect("search bookmarks")
            .items
            .into_iter()
            .map(|h| h.bookmark_id)
            .collect()
    }
}

pub fn entry_opts() -> EntrySearch {
    EntrySearch {
        now: NOW,
        limit: 50,
        ..EntrySearch::default()
    }
}

pub fn bookmark_opts() -> BookmarkSearch {
    BookmarkSearch {
        now: NOW,
        limit: 50,
        ..BookmarkSearch::default()
    }
}

/// An entry with one public bookmark made today.
pub fn entry(id: i64, title: &str) -> EntryDoc {
    EntryDoc {
        entry_id: id,
        title: title.to_owned(),
        domain: "example.com".to_owned(),
        users: 1,
        first_at: NOW,
        last_at: NOW,
        ..EntryDoc::default()
    }
}

/// A public bookmark of user 1 on entry `id`, made today.
pub fn bookmark(id: i64, title: &str) -> BookmarkDoc {
    BookmarkDoc {
        bookmark_id: id,
        entry_id: id,
        user_id: 1,
        title: title.to_owned(),
        domain: "example.com".to_owned(),
        created_at: NOW,
        ..BookmarkDoc::default()
    }
}
