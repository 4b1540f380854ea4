//! Turning a [`ParsedQuery`] and the request's options into tantivy queries,
//! and running them.

use std::ops::Bound;

use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Order, Searcher, SegmentReader, Term};

use crate::index::{Result, SearchIndex};
use crate::plan::{parts, Part};
use crate::query::{normalize_site, ParsedQuery, Scope, Word};
use crate::schema::TextField;
use crate::tokenizer::normalize_exact;

/// Freshness halves a score after this many days.
pub const FRESHNESS_DAYS: f64 = 30.0;
/// In my own bookmarks, age matters less: a score halves after a year.
pub const BOOKMARK_FRESHNESS_DAYS: f64 = 365.0;
const MICROS_PER_DAY: f64 = 86_400_000_000.0;

/// Boosts of the fields a plain word is looked for in.
const TITLE_BOOST: f32 = 3.0;
const TAG_BOOST: f32 = 2.0;
const COMMENT_BOOST: f32 = 1.0;
const SUMMARY_BOOST: f32 = 1.0;

/// Which fields plain words (without a `title:`-like prefix) are looked for in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Target {
    /// Title, summary, comments (notes, in my own bookmarks) and tags.
    #[default]
    All,
    Title,
    Comment,
    /// Tags, exactly.
    Tag,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntrySort {
    /// BM25 × popularity × freshness; see the crate docs.
    #[default]
    Relevance,
    /// Public bookmark count, then first bookmark time, both descending.
    Popular,
    /// First public bookmark time, descending.
    Recent,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BookmarkSort {
    /// BM25 × freshness over a year; see the crate docs.
    #[default]
    Relevance,
    /// Creation time, descending.
    Recent,
}

/// Options of an entries search besides the query itself.
#[derive(Debug, Clone)]
pub struct EntrySearch {
    pub target: Target,
    pub sort: EntrySort,
    /// At least this many public bookmarks.
    pub min_users: Option<u64>,
    /// First public bookmark at or after this (microseconds since the epoch).
    pub date_begin: Option<i64>,
    /// First public bookmark strictly before this.
    pub date_end: Option<i64>,
    /// Domain or any subdomain of it; ANDed with a `site:` in the query.
    pub site: Option<String>,
    /// Only entries this user bookmarked publicly (the query's `user:`,
    /// resolved to an id by the caller).
    pub bookmarked_by: Option<i64>,
    /// "Now" for freshness, microseconds since the epoch.
    pub now: i64,
    pub offset: usize,
    pub limit: usize,
}

impl Default for EntrySearch {
    fn default() -> Self {
        EntrySearch {
            target: Target::All,
            sort: EntrySort::Relevance,
            min_users: None,
            date_begin: None,
            date_end: None,
            site: None,
            bookmarked_by: None,
            now: now_micros(),
            offset: 0,
            limit: 20,
        }
    }
}

/// Options of a bookmarks search besides the query itself.
#[derive(Debug, Clone)]
pub struct BookmarkSearch {
    /// Only this user's bookmarks.
    pub user_id: Option<i64>,
    /// The caller is `user_id`: include private bookmarks and search notes.
    /// Ignored without `user_id`; when false only public bookmarks match.
    pub include_private: bool,
    pub target: Target,
    pub sort: BookmarkSort,
    /// Created at or after this (microseconds since the epoch).
    pub date_begin: Option<i64>,
    /// Created strictly before this.
    pub date_end: Option<i64>,
    /// Domain or any subdomain of it; ANDed with a `site:` in the query.
    pub site: Option<String>,
    /// Every one of these tags (exact, case-insensitive).
    pub tags: Vec<String>,
    /// Only bookmarks of this entry.
    pub entry_id: Option<i64>,
    /// "Now" for freshness, microseconds since the epoch.
    pub now: i64,
    pub offset: usize,
    pub limit: usize,
}

impl Default for BookmarkSearch {
    fn default() -> Self {
        BookmarkSearch {
            user_id: None,
            include_private: false,
            target: Target::All,
            sort: BookmarkSort::Relevance,
            date_begin: None,
            date_end: None,
            site: None,
            tags: Vec::new(),
            entry_id: None,
            now: now_micros(),
            offset: 0,
            limit: 20,
        }
    }
}

/// One page of results, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits<T> {
    pub items: Vec<T>,
    /// More results follow this page.
    pub has_more: bool,
}

/// A bookmark found by [`SearchIndex::search_bookmarks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookmarkHit {
    pub bookmark_id: i64,
    pub entry_id: i64,
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// The fields one word is looked for in.
struct Targets {
    text: Vec<(TextField, f32)>,
    tags: Option<(Field, f32)>,
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn any_of(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))),
    }
}

fn all_of(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            queries.into_iter().map(|q| (Occur::Must, q)).collect(),
        ))),
    }
}

fn part_query(field: TextField, part: &Part) -> Box<dyn Query> {
    match part {
        Part::Term(text) => Box::new(TermQuery::new(
            Term::from_field_text(field.main, text),
            IndexRecordOption::WithFreqs,
        )),
        Part::Uni(text) => Box::new(TermQuery::new(
            Term::from_field_text(field.uni, text),
            IndexRecordOption::WithFreqs,
        )),
        Part::Phrase(terms) => Box::new(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|(offset, text)| (*offset, Term::from_field_text(field.main, text)))
                .collect(),
        )),
    }
}

fn exact_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, &normalize_exact(value)),
        IndexRecordOption::Basic,
    ))
}

fn word_query(word: &Word, targets: &Targets) -> Option<Box<dyn Query>> {
    let mut alternatives = Vec::new();
    if !targets.text.is_empty() {
        let per_part = parts(&word.text, word.phrase)
            .iter()
            .filter_map(|part| {
                any_of(
                    targets
                        .text
                        .iter()
                        .map(|(field, boost)| boosted(part_query(*field, part), *boost))
                        .collect(),
                )
            })
            .collect();
        alternatives.extend(all_of(per_part));
    }
    if let Some((field, boost)) = targets.tags {
        if !normalize_exact(&word.text).is_empty() {
            alternatives.push(boosted(exact_term(field, &word.text), boost));
        }
    }
    any_of(alternatives)
}

/// A filter: must match, adds nothing to the score.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn i64_range(field: Field, begin: Option<i64>, end: Option<i64>) -> Option<Box<dyn Query>> {
    if begin.is_none() && end.is_none() {
        return None;
    }
    let lower = begin.map_or(Bound::Unbounded, |b| {
        Bound::Included(Term::from_field_i64(field, b))
    });
    let upper = end.map_or(Bound::Unbounded, |e| {
        Bound::Excluded(Term::from_field_i64(field, e))
    });
    Some(Box::new(RangeQuery::new(lower, upper)))
}

fn narrower(a: Option<i64>, b: Option<i64>, pick: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    }
}

/// Assembles clauses, exclusions and filters into one query.
fn assemble(
    q: &ParsedQuery,
    targets_for: impl Fn(Scope) -> Targets,
    domain: Field,
    site: Option<&str>,
    mut filters: Vec<Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for clause in &q.clauses {
        let alternatives = clause
            .any_of
            .iter()
            .filter_map(|w| word_query(w, &targets_for(w.scope)))
            .collect();
        if let Some(query) = any_of(alternatives) {
            clauses.push((Occur::Must, query));
        }
    }
    let has_positive = !clauses.is_empty();
    for word in &q.excluded {
        if let Some(query) = word_query(word, &targets_for(word.scope)) {
            clauses.push((Occur::MustNot, query));
        }
    }
    for s in q.site.iter().map(String::as_str).chain(site) {
        if let Some(s) = normalize_site(s) {
            filters.push(exact_term(domain, &s));
        }
    }
    for s in &q.excluded_sites {
        clauses.push((Occur::MustNot, exact_term(domain, s)));
    }
    clauses.extend(filters.into_iter().map(filter));
    if !has_positive {
        // Only exclusions and filters: rank everything they leave.
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn freshness(now: i64, at: i64, days: f64) -> f64 {
    let age_days = (now.saturating_sub(at)).max(0) as f64 / MICROS_PER_DAY;
    1.0 / (1.0 + age_days / days)
}

/// Page bounds as tantivy wants them; `None` when nothing can be asked.
fn page(offset: usize, limit: usize) -> Option<TopDocs> {
    const MAX_WINDOW: usize = 100_000;
    let limit = limit.min(1000);
    if limit == 0 || offset >= MAX_WINDOW {
        return None;
    }
    Some(TopDocs::with_limit(limit + 1).and_offset(offset))
}

fn finish<T>(mut items: Vec<T>, limit: usize) -> Hits<T> {
    let has_more = items.len() > limit;
    items.truncate(limit);
    Hits { items, has_more }
}

fn read_i64s(searcher: &Searcher, docs: &[DocAddress], field: &str) -> Result<Vec<i64>> {
    docs.iter()
        .map(|addr| {
            let column = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .i64(field)?;
            Ok(column.first(addr.doc_id).unwrap_or_default())
        })
        .collect()
}

fn i64_column(
    segment: &SegmentReader,
    field: &str,
) -> Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<i64>>> {
    segment
        .fast_fields()
        .i64(field)
        .ok()
        .map(|c| c.first_or_default_col(0))
}

impl SearchIndex {
    /// Searches everyone's entries; returns entry ids, best first.
    pub fn search_entries(&self, q: &ParsedQuery, opts: &EntrySearch) -> Result<Hits<i64>> {
        let Some(top) = page(opts.offset, opts.limit) else {
            return Ok(finish(Vec::new(), 0));
        };
        let f = &self.ef;
        let targets_for = |scope: Scope| {
            let scope = match (scope, opts.target) {
                (Scope::Any, Target::Title) => Scope::Title,
                (Scope::Any, Target::Comment) => Scope::Comment,
                (Scope::Any, Target::Tag) => Scope::Tag,
                (scope, _) => scope,
            };
            match scope {
                Scope::Any => Targets {
                    text: vec![
                        (f.title, TITLE_BOOST),
                        (f.summary, SUMMARY_BOOST),
                        (f.comments, COMMENT_BOOST),
                    ],
                    tags: Some((f.tags, TAG_BOOST)),
                },
                Scope::Title => Targets {
                    text: vec![(f.title, 1.0)],
                    tags: None,
                },
                Scope::Comment => Targets {
                    text: vec![(f.comments, 1.0)],
                    tags: None,
                },
                Scope::Tag => Targets {
                    text: Vec::new(),
                    tags: Some((f.tags, 1.0)),
                },
            }
        };
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if let Some(min) = opts.min_users.filter(|&m| m > 0) {
            filters.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.users, min)),
                Bound::Unbounded,
            )));
        }
        let begin = narrower(opts.date_begin, q.after_micros(), i64::max);
        let end = narrower(opts.date_end, q.before_micros(), i64::min);
        filters.extend(i64_range(f.first_at, begin, end));
        if let Some(user) = opts.bookmarked_by {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_i64(f.user_ids, user),
                IndexRecordOption::Basic,
            )));
        }
        let query = assemble(q, targets_for, f.domain, opts.site.as_deref(), filters);

        let searcher = self.entries_reader.searcher();
        let docs: Vec<DocAddress> = match opts.sort {
            EntrySort::Relevance => {
                let now = opts.now;
                let collector = top.tweak_score(move |segment: &SegmentReader| {
                    let users = segment
                        .fast_fields()
                        .u64("users")
                        .ok()
                        .map(|c| c.first_or_default_col(0));
                    let first_at = i64_column(segment, "first_at");
                    move |doc, bm25| {
                        let users = users.as_ref().map_or(0, |c| c.get_val(doc));
                        let at = first_at.as_ref().map_or(now, |c| c.get_val(doc));
                        entry_score(bm25, users, at, now)
                    }
                });
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, d)| d)
                    .collect()
            }
            EntrySort::Popular => {
                let collector = top.order_by((
                    (
                        SortByStaticFastValue::<u64>::for_field("users"),
                        Order::Desc,
                    ),
                    (
                        SortByStaticFastValue::<i64>::for_field("first_at"),
                        Order::Desc,
                    ),
                ));
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, d)| d)
                    .collect()
            }
            EntrySort::Recent => {
                let collector = top.order_by((
                    (
                        SortByStaticFastValue::<i64>::for_field("first_at"),
                        Order::Desc,
                    ),
                    (
                        SortByStaticFastValue::<i64>::for_field("entry_id"),
                        Order::Desc,
                    ),
                ));
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, d)| d)
                    .collect()
            }
        };
        let ids = read_i64s(&searcher, &docs, "entry_id")?;
        Ok(finish(ids, opts.limit))
    }

    /// Searches bookmarks: a user's own (with `include_private`), or
    /// everyone's public ones. Returns bookmark and entry ids, best first.
    pub fn search_bookmarks(
        &self,
        q: &ParsedQuery,
        opts: &BookmarkSearch,
    ) -> Result<Hits<BookmarkHit>> {
        let Some(top) = page(opts.offset, opts.limit) else {
            return Ok(finish(Vec::new(), 0));
        };
        let f = &self.bf;
        let owner = opts.include_private && opts.user_id.is_some();
        let targets_for = |scope: Scope| {
            let scope = match (scope, opts.target) {
                (Scope::Any, Target::Title) => Scope::Title,
                (Scope::Any, Target::Comment) => Scope::Comment,
                (Scope::Any, Target::Tag) => Scope::Tag,
                (scope, _) => scope,
            };
            let mut comments = vec![(f.comment, COMMENT_BOOST)];
            if owner {
                comments.push((f.note, COMMENT_BOOST));
            }
            match scope {
                Scope::Any => Targets {
                    text: [(f.title, TITLE_BOOST), (f.summary, SUMMARY_BOOST)]
                        .into_iter()
                        .chain(comments)
                        .collect(),
                    tags: Some((f.tags, TAG_BOOST)),
                },
                Scope::Title => Targets {
                    text: vec![(f.title, 1.0)],
                    tags: None,
                },
                Scope::Comment => Targets {
                    text: comments,
                    tags: None,
                },
                Scope::Tag => Targets {
                    text: Vec::new(),
                    tags: Some((f.tags, 1.0)),
                },
            }
        };
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if let Some(user) = opts.user_id {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_i64(f.user_id, user),
                IndexRecordOption::Basic,
            )));
        }
        if !owner {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_bool(f.is_private, false),
                IndexRecordOption::Basic,
            )));
        }
        if let Some(entry) = opts.entry_id {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_i64(f.entry_id, entry),
                IndexRecordOption::Basic,
            )));
        }
        for tag in opts.tags.iter().filter(|t| !normalize_exact(t).is_empty()) {
            filters.push(exact_term(f.tags, tag));
        }
        let begin = narrower(opts.date_begin, q.after_micros(), i64::max);
        let end = narrower(opts.date_end, q.before_micros(), i64::min);
        filters.extend(i64_range(f.created_at, begin, end));
        let query = assemble(q, targets_for, f.domain, opts.site.as_deref(), filters);

        let searcher = self.bookmarks_reader.searcher();
        let docs: Vec<DocAddress> = match opts.sort {
            BookmarkSort::Relevance => {
                let now = opts.now;
                let collector = top.tweak_score(move |segment: &SegmentReader| {
                    let created_at = i64_column(segment, "created_at");
                    move |doc, bm25| {
                        let at = created_at.as_ref().map_or(now, |c| c.get_val(doc));
                        bookmark_score(bm25, at, now)
                    }
                });
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, d)| d)
                    .collect()
            }
            BookmarkSort::Recent => {
                let collector = top.order_by((
                    (
                        SortByStaticFastValue::<i64>::for_field("created_at"),
                        Order::Desc,
                    ),
                    (
                        SortByStaticFastValue::<i64>::for_field("bookmark_id"),
                        Order::Desc,
                    ),
                ));
                searcher
                    .search(&query, &collector)?
                    .into_iter()
                    .map(|(_, d)| d)
                    .collect()
            }
        };
        let bookmark_ids = read_i64s(&searcher, &docs, "bookmark_id")?;
        let entry_ids = read_i64s(&searcher, &docs, "entry_id")?;
        let hits = bookmark_ids
            .into_iter()
            .zip(entry_ids)
            .map(|(bookmark_id, entry_id)| BookmarkHit {
                bookmark_id,
                entry_id,
            })
            .collect();
        Ok(finish(hits, opts.limit))
    }
}

/// `bm25 × (1 + ln(1 + users)) / (1 + age_days / 30)`, age from the first
/// public bookmark.
pub fn entry_score(bm25: f32, users: u64, first_at: i64, now: i64) -> f64 {
    let popularity = 1.0 + (users as f64).ln_1p();
    f64::from(bm25) * popularity * freshness(now, first_at, FRESHNESS_DAYS)
}

/// `bm25 / (1 + age_days / 365)`, age from the bookmark's creation.
pub fn bookmark_score(bm25: f32, created_at: i64, now: i64) -> f64 {
    f64::from(bm25) * freshness(now, created_at, BOOKMARK_FRESHNESS_DAYS)
}
