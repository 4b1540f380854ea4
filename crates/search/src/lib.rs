//! Full-text search for bukuma: everyone's entries and each user's own
//! bookmarks, in Japanese and English, on top of [tantivy].
//!
//! The index is a derived cache, never the source of truth: callers re-read
//! every hit from the database (with its visibility rules) before showing it.
//!
//! # Text analysis ([`tokenizer`])
//!
//! The same analysis runs when indexing and when querying:
//!
//! - NFKC normalization and lowercasing (`ＡＷＳ` → `aws`, `ｶﾀｶﾅ` → `カタカナ`);
//! - runs of Han, Hiragana and Katakana (with `ー` and `々`) become
//!   overlapping bigrams at increasing positions (`死活監視` → `死活` `活監`
//!   `監視`), a one-character run stays a unigram;
//! - runs of other letters and digits are words; everything else separates.
//!
//! Every CJK character is also indexed alone, without positions, in a
//! `*_uni` field beside each text field, so a one-character query (`猫`)
//! finds it inside longer runs (`子猫`) with ordinary BM25 scoring.
//!
//! A query word of two CJK characters is one term; of three or more, a
//! phrase over its bigrams (`障害対応` does not match `障害の対応`); of one,
//! a term of the `*_uni` field. A word mixing scripts is split where the
//! script changes and each part must match (`Rustで設計` → `rust` and `で設計`).
//!
//! # Query syntax ([`query`])
//!
//! Words are ANDed, `OR` between words, `-word`, `"phrase"`, `title:`,
//! `comment:`, `tag:` (exact), `site:` (domain or subdomain), `user:`,
//! `after:YYYY-MM-DD`, `before:YYYY-MM-DD` (days included, UTC). Parsing never
//! fails; see [`query::parse`].
//!
//! # Ranking ([`search`])
//!
//! Entries, `relevance`:
//!
//! ```text
//! score = bm25 × (1 + ln(1 + users)) / (1 + age_days / 30)
//! ```
//!
//! where `users` is the number of public bookmarks and `age_days` the days
//! since the first public bookmark. A word counts in the title with weight 3,
//! in tags (exact) 2, in the summary and comments 1. `popular` orders by
//! `users` then first bookmark time; `recent` by first bookmark time.
//!
//! Bookmarks, `relevance`: `score = bm25 / (1 + age_days / 365)`, age since
//! the bookmark was made; `recent` orders by that time.
//!
//! # Indexes ([`index`])
//!
//! `<dir>/entries` holds only public data, so everyone's search needs no
//! privacy filter; `<dir>/bookmarks` holds every bookmark with its private
//! flag. One process at a time writes ([`SearchIndex::try_writer`]); each
//! commit carries the writer's cursor ([`SearchIndex::committed_payload`]).

pub mod facts;
pub mod highlight;
pub mod index;
mod plan;
pub mod query;
mod schema;
pub mod search;
pub mod tokenizer;

pub use facts::{BookmarkFacts, EntryFacts};
pub use highlight::highlights;
pub use index::{BookmarkDoc, EntryDoc, IndexWriterHandle, Result, SearchError, SearchIndex};
pub use query::{parse, ParsedQuery};
pub use search::{BookmarkHit, BookmarkSearch, BookmarkSort, EntrySearch, EntrySort, Hits, Target};
