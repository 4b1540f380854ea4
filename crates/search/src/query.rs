//! The inline syntax of the `q` parameter.
//!
//! Words are ANDed; `a OR b` joins alternatives; `-word` excludes;
//! `"a phrase"` keeps words together; `title:`, `comment:` and `tag:` scope a
//! word (a tag matches exactly, case-insensitively); `site:` (the domain or
//! any subdomain of it, `-site:` excludes), `user:`, `after:YYYY-MM-DD` and
//! `before:YYYY-MM-DD` (both days included, UTC) filter. The parser never
//! fails: whatever it cannot read it drops, and it keeps at most
//! [`MAX_WORDS`] words.

use chrono::{Days, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use crate::tokenizer::{normalize_exact, tokens};

/// Words (alternatives and exclusions together) kept from one query.
pub const MAX_WORDS: usize = 32;

/// Where a word is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The fields the search's target names.
    Any,
    Title,
    /// Comments (and, in my own bookmarks, my notes).
    Comment,
    /// Tags, matched exactly.
    Tag,
}

/// One word or phrase of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub scope: Scope,
    /// The text as typed (NFKC-normalized); analysed by the searcher.
    pub text: String,
    /// Typed in quotes: all its tokens must be adjacent.
    pub phrase: bool,
}

/// Alternatives joined by `OR`; a document must match one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub any_of: Vec<Word>,
}

/// A parsed `q`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// All must match.
    pub clauses: Vec<Clause>,
    /// None may match.
    pub excluded: Vec<Word>,
    /// `site:` — a domain, normalized (lowercase, no scheme, port or path).
    pub site: Option<String>,
    /// `-site:` domains.
    pub excluded_sites: Vec<String>,
    /// `user:` — a username as typed (without a leading `@` or `id:`);
    /// the caller resolves it to an id.
    pub user: Option<String>,
    /// `after:` — first day included.
    pub after: Option<NaiveDate>,
    /// `before:` — last day included.
    pub before: Option<NaiveDate>,
}

impl ParsedQuery {
    /// Nothing to search for and nothing to filter by.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
            && self.excluded.is_empty()
            && self.site.is_none()
            && self.excluded_sites.is_empty()
            && self.user.is_none()
            && self.after.is_none()
            && self.before.is_none()
    }

    /// Whether the query has words to rank by (else only filters apply).
    pub fn has_words(&self) -> bool {
        !self.clauses.is_empty()
    }

    /// `after:` as microseconds since the epoch, start of that day, UTC (inclusive).
    pub fn after_micros(&self) -> Option<i64> {
        self.after.map(day_start_micros)
    }

    /// `before:` as microseconds since the epoch: the start of the *next*
    /// day, UTC (exclusive), so the named day is included.
    pub fn before_micros(&self) -> Option<i64> {
        self.before
            .map(|d| d.checked_add_days(Days::new(1)).unwrap_or(d))
            .map(day_start_micros)
    }

    /// The words a document must contain, for highlighting: every
    /// alternative of every clause.
    pub fn positive_words(&self) -> impl Iterator<Item = &Word> {
        self.clauses.iter().flat_map(|c| c.any_of.iter())
    }
}

fn day_start_micros(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros())
}

/// One lexical item of the query.
#[derive(Debug)]
enum Item {
    Or,
    Atom {
        negated: bool,
        field: Option<Field>,
        text: String,
        phrase: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Comment,
    Tag,
    Site,
    User,
    After,
    Before,
}

impl Field {
    fn from_name(name: &str) -> Option<Field> {
        Some(match name.to_ascii_lowercase().as_str() {
            "title" => Field::Title,
            "comment" => Field::Comment,
            "tag" => Field::Tag,
            "site" => Field::Site,
            "user" | "id" => Field::User,
            "after" => Field::After,
            "before" => Field::Before,
            _ => return None,
        })
    }
}

/// Parses `q`. Never fails; odd input degrades to a smaller query.
pub fn parse(q: &str) -> ParsedQuery {
    let cleaned: String = q
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .nfkc()
        .map(|c| match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' => '"',
            '\u{2212}' => '-',
            c => c,
        })
        .collect();
    build(lex(&cleaned))
}

fn lex(q: &str) -> Vec<Item> {
    let chars: Vec<char> = q.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    let n = chars.len();
    while i < n {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' && i + 1 < n && !chars[i + 1].is_whitespace() {
            negated = true;
            i += 1;
        }
        let mut field = None;
        if let Some(colon) = field_prefix_end(&chars, i) {
            let name: String = chars[i..colon].iter().collect();
            if let Some(f) = Field::from_name(&name) {
                field = Some(f);
                i = colon + 1;
            }
        }
        let (text, phrase) = if i < n && chars[i] == '"' {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&c| c == '"')
                .map_or(n, |p| start + p);
            i = (end + 1).min(n);
            (chars[start..end].iter().collect::<String>(), true)
        } else {
            let start = i;
            while i < n && !chars[i].is_whitespace() {
                i += 1;
            }
            (chars[start..i].iter().collect::<String>(), false)
        };
        if !negated && field.is_none() && !phrase && text == "OR" {
            items.push(Item::Or);
        } else {
            items.push(Item::Atom {
                negated,
                field,
                text,
                phrase,
            });
        }
    }
    items
}

/// The index of the `:` ending an ASCII-letter prefix that starts at `i`.
fn field_prefix_end(chars: &[char], i: usize) -> Option<usize> {
    let len = chars[i..]
        .iter()
        .take(8)
        .position(|c| !c.is_ascii_alphabetic())?;
    (len > 0 && chars.get(i + len) == Some(&':')).then_some(i + len)
}

fn build(items: Vec<Item>) -> ParsedQuery {
    let mut q = ParsedQuery::default();
    let mut words = 0;
    // Set when the last item was a positive word and an `OR` followed it.
    let mut can_join = false;
    let mut pending_or = false;
    for item in items {
        let (negated, field, text, phrase) = match item {
            Item::Or => {
                pending_or = can_join;
                continue;
            }
            Item::Atom {
                negated,
                field,
                text,
                phrase,
            } => (negated, field, text, phrase),
        };
        let join = std::mem::take(&mut pending_or);
        can_join = false;
        let scope = match field {
            None => Scope::Any,
            Some(Field::Title) => Scope::Title,
            Some(Field::Comment) => Scope::Comment,
            Some(Field::Tag) => Scope::Tag,
            Some(Field::Site) => {
                if let Some(site) = normalize_site(&text) {
                    if negated {
                        if q.excluded_sites.len() < MAX_WORDS {
                            q.excluded_sites.push(site);
                        }
                    } else {
                        q.site = Some(site);
                    }
                }
                continue;
            }
            Some(Field::User) => {
                let name = text
                    .trim_start_matches('@')
                    .trim_start_matches("id:")
                    .trim();
                if !negated && !name.is_empty() {
                    q.user = Some(name.to_owned());
                }
                continue;
            }
            Some(Field::After) | Some(Field::Before) => {
                if let (false, Some(day)) = (negated, parse_day(&text)) {
                    if field == Some(Field::After) {
                        q.after = Some(day);
                    } else {
                        q.before = Some(day);
                    }
                }
                continue;
            }
        };
        let searchable = match scope {
            Scope::Tag => !normalize_exact(&text).is_empty(),
            _ => !tokens(&text).is_empty(),
        };
        if !searchable || words >= MAX_WORDS {
            continue;
        }
        words += 1;
        let word = Word {
            scope,
            text,
            phrase,
        };
        if negated {
            q.excluded.push(word);
            continue;
        }
        match q.clauses.last_mut() {
            Some(last) if join => last.any_of.push(word),
            _ => q.clauses.push(Clause { any_of: vec![word] }),
        }
        can_join = true;
    }
    q
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text.trim(), f).ok())
}

/// A `site:` value as the host the index holds: lowercase, without scheme,
/// user info, port, path or surrounding dots.
pub fn normalize_site(text: &str) -> Option<String> {
    let text = normalize_exact(text);
    let rest = text.split_once("://").map_or(text.as_str(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or_default();
    let host = host.trim_start_matches("*.").trim_matches('.');
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(scope: Scope, text: &str, phrase: bool) -> Word {
        Word {
            scope,
            text: text.to_owned(),
            phrase,
        }
    }

    fn any(text: &str) -> Word {
        word(Scope::Any, text, false)
    }

    #[test]
    fn words_are_separate_clauses() {
        let q = parse("rust 設計");
        assert_eq!(
            q.clauses,
            vec![
                Clause {
                    any_of: vec![any("rust")]
                },
                Clause {
                    any_of: vec![any("設計")]
                }
            ]
        );
    }

    #[test]
    fn or_joins_neighbours() {
        let q = parse("rust OR go 設計");
        assert_eq!(q.clauses.len(), 2);
        assert_eq!(q.clauses[0].any_of, vec![any("rust"), any("go")]);
        assert_eq!(q.clauses[1].any_of, vec![any("設計")]);
    }

    #[test]
    fn lowercase_or_is_a_word() {
        assert_eq!(parse("rust or go").clauses.len(), 3);
    }

    #[test]
    fn minus_excludes() {
        let q = parse("rust -go");
        assert_eq!(q.clauses.len(), 1);
        assert_eq!(q.excluded, vec![any("go")]);
    }

    #[test]
    fn quotes_make_a_phrase_and_may_be_unbalanced() {
        let q = parse("\"障害 対応\" \"open");
        assert_eq!(
            q.clauses[0].any_of,
            vec![word(Scope::Any, "障害 対応", true)]
        );
        assert_eq!(q.clauses[1].any_of, vec![word(Scope::Any, "open", true)]);
    }

    #[test]
    fn field_prefixes_scope_words() {
        let q = parse("title:rust comment:\"とても 良い\" TAG:Go");
        assert_eq!(q.clauses[0].any_of, vec![word(Scope::Title, "rust", false)]);
        assert_eq!(
            q.clauses[1].any_of,
            vec![word(Scope::Comment, "とても 良い", true)]
        );
        assert_eq!(q.clauses[2].any_of, vec![word(Scope::Tag, "Go", false)]);
    }

    #[test]
    fn filters_are_structured() {
        let q = parse("site:https://Blog.Example.com/path user:@alice after:2024-01-02 before:2024/02/03 -site:spam.example");
        assert!(q.clauses.is_empty());
        assert_eq!(q.site.as_deref(), Some("blog.example.com"));
        assert_eq!(q.excluded_sites, vec!["spam.example".to_owned()]);
        assert_eq!(q.user.as_deref(), Some("alice"));
        assert_eq!(q.after, NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(q.before, NaiveDate::from_ymd_opt(2024, 2, 3));
        assert_eq!(q.after_micros(), Some(1_704_153_600_000_000));
        assert_eq!(q.before_micros(), Some(1_707_004_800_000_000));
    }

    #[test]
    fn full_width_syntax_works() {
        let q = parse("ｔｉｔｌｅ：ＲＵＳＴ　－ｇｏ");
        assert_eq!(q.clauses[0].any_of, vec![word(Scope::Title, "RUST", false)]);
        assert_eq!(q.excluded, vec![any("go")]);
    }

    #[test]
    fn lone_operators_are_dropped() {
        for q in [
            "OR",
            "-",
            "title:",
            "OR OR -",
            "\"",
            "\"\"",
            "tag:",
            "site:",
            "after:",
            "after:2024-13-45",
            "!!!",
        ] {
            assert!(parse(q).is_empty(), "{q:?} -> {:?}", parse(q));
        }
        let q = parse("OR rust OR");
        assert_eq!(
            q.clauses,
            vec![Clause {
                any_of: vec![any("rust")]
            }]
        );
    }

    #[test]
    fn or_does_not_join_exclusions() {
        let q = parse("-a OR b");
        assert_eq!(q.excluded, vec![any("a")]);
        assert_eq!(
            q.clauses,
            vec![Clause {
                any_of: vec![any("b")]
            }]
        );
    }

    #[test]
    fn unknown_prefixes_stay_words() {
        let q = parse("http://example.com/x");
        assert_eq!(q.clauses[0].any_of, vec![any("http://example.com/x")]);
    }

    #[test]
    fn a_thousand_words_are_capped() {
        let q = parse(&vec!["word"; 1000].join(" "));
        assert_eq!(q.clauses.len(), MAX_WORDS);
        let q = parse(&vec!["a OR"; 1000].join(" "));
        assert_eq!(q.clauses.len(), 1);
        assert_eq!(q.clauses[0].any_of.len(), MAX_WORDS);
    }

    #[test]
    fn control_characters_separate() {
        let q = parse("rust\u{0}go\u{7}");
        assert_eq!(q.clauses.len(), 2);
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics_and_stays_bounded(q in "(?s).{0,300}") {
                let p = parse(&q);
                let words: usize = p.clauses.iter().map(|c| c.any_of.len()).sum::<usize>() + p.excluded.len();
                prop_assert!(words <= MAX_WORDS);
            }

            #[test]
            fn operator_soup_never_panics(parts in prop::collection::vec(
                prop::sample::select(vec!["OR", "-", "\"", "title:", "tag:", "site:", "user:", "after:", "before:",
                    "猫", "監視", "Rustで設計", "ｶﾞ", ":", " ", "--", "-\"", "after:2024-02-30", "\u{0}", "́"]),
                0..60,
            )) {
                let q = parse(&parts.concat());
                let _ = q.is_empty();
                let q = parse(&parts.join(" "));
                let _ = (q.after_micros(), q.before_micros());
            }
        }
    }
}
