//! What the index holds about one document, to compare with the database
//! (`bukuma search verify`).

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, Term};

use crate::index::{Result, SearchIndex};

/// An entry document's sort and filter values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFacts {
    pub users: u64,
    pub first_at: i64,
    pub last_at: i64,
}

/// A bookmark document's filter values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookmarkFacts {
    pub entry_id: i64,
    pub user_id: i64,
    pub is_private: bool,
    pub created_at: i64,
}

/// The documents whose `field` is `id` (more than one means a duplicate).
fn find(searcher: &Searcher, field: Field, id: i64) -> Result<Vec<DocAddress>> {
    let query = TermQuery::new(Term::from_field_i64(field, id), IndexRecordOption::Basic);
    let top = searcher.search(&query, &TopDocs::with_limit(2).order_by_score())?;
    Ok(top.into_iter().map(|(_, addr)| addr).collect())
}

fn i64_at(searcher: &Searcher, addr: DocAddress, field: &str) -> Result<i64> {
    let column = searcher
        .segment_reader(addr.segment_ord)
        .fast_fields()
        .i64(field)?;
    Ok(column.first(addr.doc_id).unwrap_or_default())
}

impl SearchIndex {
    /// The entry document of `entry_id`, if any; an error names duplicates.
    pub fn entry_facts(&self, entry_id: i64) -> Result<Option<EntryFacts>> {
        let searcher = self.entries_reader.searcher();
        let found = find(&searcher, self.ef.entry_id, entry_id)?;
        let Some(&addr) = found.first() else {
            return Ok(None);
        };
        if found.len() > 1 {
            return Err(duplicate("entry", entry_id));
        }
        let users = searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64("users")?
            .first(addr.doc_id)
            .unwrap_or_default();
        Ok(Some(EntryFacts {
            users,
            first_at: i64_at(&searcher, addr, "first_at")?,
            last_at: i64_at(&searcher, addr, "last_at")?,
        }))
    }

    /// The bookmark document of `bookmark_id`, if any.
    pub fn bookmark_facts(&self, bookmark_id: i64) -> Result<Option<BookmarkFacts>> {
        let searcher = self.bookmarks_reader.searcher();
        let found = find(&searcher, self.bf.bookmark_id, bookmark_id)?;
        let Some(&addr) = found.first() else {
            return Ok(None);
        };
        if found.len() > 1 {
            return Err(duplicate("bookmark", bookmark_id));
        }
        let is_private = searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .bool("is_private")?
            .first(addr.doc_id)
            .unwrap_or_default();
        Ok(Some(BookmarkFacts {
            entry_id: i64_at(&searcher, addr, "entry_id")?,
            user_id: i64_at(&searcher, addr, "user_id")?,
            is_private,
            created_at: i64_at(&searcher, addr, "created_at")?,
        }))
    }
}

fn duplicate(kind: &str, id: i64) -> crate::SearchError {
    crate::SearchError::Io(std::io::Error::other(format!(
        "{kind} {id} has more than one document"
    )))
}
