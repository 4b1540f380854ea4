//! The fields of the two indexes. Nothing is stored: hits are ids read from
//! fast fields, and the caller re-reads the rows from the database.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, SchemaBuilder, TextFieldIndexing, TextOptions, FAST, INDEXED,
};

use crate::tokenizer::{BIGRAM, EXACT, UNIGRAM};

/// A full-text field: bigrams with positions, and the same text as single
/// CJK characters (frequencies only) for one-character queries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextField {
    pub main: Field,
    pub uni: Field,
}

fn text(builder: &mut SchemaBuilder, name: &str) -> TextField {
    let main = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let uni = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(UNIGRAM)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    TextField {
        main: builder.add_text_field(name, main),
        uni: builder.add_text_field(&format!("{name}_uni"), uni),
    }
}

fn exact(builder: &mut SchemaBuilder, name: &str) -> Field {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXACT)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    builder.add_text_field(name, options)
}

/// The `entries` index: everyone's search. Holds public data only.
#[derive(Debug, Clone)]
pub(crate) struct EntryFields {
    pub schema: Schema,
    pub entry_id: Field,
    pub title: TextField,
    pub summary: TextField,
    pub comments: TextField,
    pub tags: Field,
    /// The domain and each of its parent domains, for `site:`.
    pub domain: Field,
    /// Ids of the users with a public bookmark on the entry, for `user:`.
    pub user_ids: Field,
    pub users: Field,
    pub first_at: Field,
    pub last_at: Field,
}

impl EntryFields {
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let entry_id = b.add_i64_field("entry_id", INDEXED | FAST);
        let title = text(&mut b, "title");
        let summary = text(&mut b, "summary");
        let comments = text(&mut b, "comments");
        let tags = exact(&mut b, "tags");
        let domain = exact(&mut b, "domain");
        let user_ids = b.add_i64_field("user_ids", INDEXED);
        let users = b.add_u64_field("users", FAST);
        let first_at = b.add_i64_field("first_at", FAST);
        let last_at = b.add_i64_field("last_at", FAST);
        EntryFields {
            schema: b.build(),
            entry_id,
            title,
            summary,
            comments,
            tags,
            domain,
            user_ids,
            users,
            first_at,
            last_at,
        }
    }
}

/// The `bookmarks` index: my own bookmarks, and everyone's public ones for
/// comment, tag and user scoped searches.
#[derive(Debug, Clone)]
pub(crate) struct BookmarkFields {
    pub schema: Schema,
    pub bookmark_id: Field,
    pub entry_id: Field,
    pub user_id: Field,
    pub title: TextField,
    pub summary: TextField,
    pub comment: TextField,
    /// Only its owner may search it.
    pub note: TextField,
    pub tags: Field,
    pub domain: Field,
    pub is_private: Field,
    pub created_at: Field,
}

impl BookmarkFields {
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let bookmark_id = b.add_i64_field("bookmark_id", INDEXED | FAST);
        let entry_id = b.add_i64_field("entry_id", INDEXED | FAST);
        let user_id = b.add_i64_field("user_id", INDEXED | FAST);
        let title = text(&mut b, "title");
        let summary = text(&mut b, "summary");
        let comment = text(&mut b, "comment");
        let note = text(&mut b, "note");
        let tags = exact(&mut b, "tags");
        let domain = exact(&mut b, "domain");
        let is_private = b.add_bool_field("is_private", INDEXED | FAST);
        let created_at = b.add_i64_field("created_at", FAST);
        BookmarkFields {
            schema: b.build(),
            bookmark_id,
            entry_id,
            user_id,
            title,
            summary,
            comment,
            note,
            tags,
            domain,
            is_private,
            created_at,
        }
    }
}

/// `blog.example.co.jp` → itself, `example.co.jp`, `co.jp`, `jp`: a
/// `site:` term matches the domain and all its subdomains.
pub(crate) fn domain_suffixes(domain: &str) -> Vec<String> {
    let domain = crate::query::normalize_site(domain).unwrap_or_default();
    let mut out = Vec::new();
    let mut rest = domain.as_str();
    while !rest.is_empty() {
        out.push(rest.to_owned());
        rest = rest.split_once('.').map_or("", |(_, r)| r);
    }
    out
}
