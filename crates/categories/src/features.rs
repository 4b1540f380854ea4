//! The terms the classifier counts in a document: the search tokenizer's
//! terms of the title (weighted up) and summary, `domain:` terms for the
//! host and its registrable parents, and `tag:` terms with the tags' words.

use bukuma_search::tokenizer::{normalize_exact, tokens};

use crate::Document;

/// Only this much of a title or summary is read, so a pathological input
/// costs no more than an ordinary one.
const MAX_TITLE_CHARS: usize = 300;
const MAX_SUMMARY_CHARS: usize = 1000;
/// Tags past this many (the least used) are ignored.
const MAX_TAGS: usize = 10;
/// Longer hosts are not hosts.
const MAX_DOMAIN_BYTES: usize = 253;

/// How much one occurrence counts, by where it was seen: a title says more
/// about the topic than a summary, a site and its tags more than a word.
const TITLE_WEIGHT: u32 = 2;
const SUMMARY_WEIGHT: u32 = 1;
const DOMAIN_WEIGHT: u32 = 3;
const TAG_WEIGHT: u32 = 2;

/// Second-level labels under a country code that are public suffixes
/// (`co.jp`, `or.jp`, `co.uk`, `com.au`): no site is named by them alone.
const PUBLIC_SECOND_LEVEL: [&str; 14] = [
    "co", "or", "ne", "ac", "go", "ed", "lg", "gr", "ad", "com", "org", "net", "gov", "edu",
];

/// Calls `emit(term, weight)` for every term occurrence of `doc`; a term
/// may come more than once.
pub fn for_each_term(doc: &Document, mut emit: impl FnMut(&str, u32)) {
    for tok in tokens(prefix(&doc.title, MAX_TITLE_CHARS)) {
        emit(&tok.text, TITLE_WEIGHT);
    }
    for tok in tokens(prefix(&doc.summary, MAX_SUMMARY_CHARS)) {
        emit(&tok.text, SUMMARY_WEIGHT);
    }
    let mut term = String::new();
    let domain = normalize_domain(&doc.domain);
    for host in domain_terms(&domain) {
        term.clear();
        term.push_str("domain:");
        term.push_str(host);
        emit(&term, DOMAIN_WEIGHT);
    }
    for tag in doc.tags.iter().take(MAX_TAGS) {
        let tag = normalize_exact(prefix(tag, MAX_TITLE_CHARS));
        if tag.is_empty() {
            continue;
        }
        term.clear();
        term.push_str("tag:");
        term.push_str(&tag);
        emit(&term, TAG_WEIGHT);
        for tok in tokens(&tag) {
            emit(&tok.text, SUMMARY_WEIGHT);
        }
    }
}

/// The first `max` characters of `text`.
fn prefix(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(i, _)| &text[..i])
}

/// The host without `www.`, then each parent down to the registrable
/// domain: `www3.nhk.or.jp` → `nhk.or.jp`; `anond.hatelabo.jp` →
/// `anond.hatelabo.jp`, `hatelabo.jp`. Nothing for an empty or overlong host.
pub fn domain_terms(domain: &str) -> Vec<&str> {
    let host = domain.trim().trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    if host.is_empty() || host.len() > MAX_DOMAIN_BYTES || host.contains(['/', ' ', ':']) {
        return Vec::new();
    }
    let mut out = vec![host];
    let mut rest = host;
    while let Some((_, parent)) = rest.split_once('.') {
        let labels = parent.split('.').count();
        let public = labels < 2
            || (labels == 2
                && parent.split_once('.').is_some_and(|(second, top)| {
                    top.len() == 2 && PUBLIC_SECOND_LEVEL.contains(&second)
                }));
        if public {
            break;
        }
        out.push(parent);
        rest = parent;
    }
    out
}

/// The lowercase, NFKC form a domain is compared in.
pub fn normalize_domain(domain: &str) -> String {
    normalize_exact(prefix(domain, MAX_DOMAIN_BYTES + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_terms_stop_at_the_registrable_domain() {
        assert_eq!(
            domain_terms("www3.nhk.or.jp"),
            ["www3.nhk.or.jp", "nhk.or.jp"]
        );
        assert_eq!(domain_terms("www.nikkei.com"), ["nikkei.com"]);
        assert_eq!(
            domain_terms("anond.hatelabo.jp"),
            ["anond.hatelabo.jp", "hatelabo.jp"]
        );
        assert_eq!(
            domain_terms("news.yahoo.co.jp"),
            ["news.yahoo.co.jp", "yahoo.co.jp"]
        );
        assert_eq!(domain_terms("localhost"), ["localhost"]);
        assert!(domain_terms("").is_empty());
        assert!(domain_terms("https://example.com/").is_empty());
    }

    #[test]
    fn terms_come_from_every_field() {
        let doc = Document {
            title: "Rust入門".into(),
            summary: "所有権".into(),
            domain: "Zenn.dev".into(),
            tags: vec!["ＲＵＳＴ".into(), " ".into()],
        };
        let mut terms = Vec::new();
        for_each_term(&doc, |t, w| terms.push((t.to_owned(), w)));
        let names: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            names,
            [
                "rust",
                "入門",
                "所有",
                "有権",
                "domain:zenn.dev",
                "tag:rust",
                "rust"
            ]
        );
        assert_eq!(terms[0].1, TITLE_WEIGHT);
    }

    #[test]
    fn prefix_cuts_on_characters() {
        assert_eq!(prefix("日本語", 2), "日本");
        assert_eq!(prefix("ab", 5), "ab");
    }
}
