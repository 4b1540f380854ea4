//! Where a query matched in a piece of text, as character ranges of the
//! original text, for the client to mark up (never HTML).

use std::collections::HashSet;

use crate::plan::{parts, Part};
use crate::query::{ParsedQuery, Scope};
use crate::tokenizer::{tokens, unigrams, Tok};

/// Character ranges `[start, end)` of `text` where a positive word or
/// phrase of `q` matched, sorted and merged where they overlap or touch.
/// Works on any field (title, summary, comment, note); a word's field
/// prefix is not checked, and `tag:` words are never highlighted.
pub fn highlights(text: &str, q: &ParsedQuery) -> Vec<(usize, usize)> {
    let words: Vec<_> = q
        .positive_words()
        .filter(|w| w.scope != Scope::Tag)
        .collect();
    if words.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let toks = tokens(text);
    let mut uni: Option<Vec<Tok>> = None;
    let mut ranges = Vec::new();
    let mut terms = HashSet::new();
    for word in words {
        for part in parts(&word.text, word.phrase) {
            match part {
                Part::Term(t) => {
                    terms.insert(t);
                }
                Part::Uni(c) => {
                    let uni = uni.get_or_insert_with(|| unigrams(text));
                    ranges.extend(
                        uni.iter()
                            .filter(|t| t.text == c)
                            .map(|t| (t.char_start, t.char_end)),
                    );
                }
                Part::Phrase(terms) => ranges.extend(phrase_matches(&toks, &terms)),
            }
        }
    }
    ranges.extend(
        toks.iter()
            .filter(|t| terms.contains(&t.text))
            .map(|t| (t.char_start, t.char_end)),
    );
    merge(ranges)
}

/// Ranges of `toks` where `terms` occur at their relative positions.
/// Positions are consecutive token indexes, so `toks[i]` is at position `i`.
fn phrase_matches(toks: &[Tok], terms: &[(usize, String)]) -> Vec<(usize, usize)> {
    let span = terms.iter().map(|(p, _)| *p).max().unwrap_or(0);
    let mut out = Vec::new();
    for start in 0..toks.len().saturating_sub(span) {
        let matched = terms
            .iter()
            .all(|(offset, term)| toks[start + offset].text == *term);
        if matched {
            let first = &toks[start];
            let last = &toks[start + span];
            out.push((first.char_start, last.char_end));
        }
    }
    out
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn marked(text: &str, q: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for (s, e) in highlights(text, &parse(q)) {
            out.extend(&chars[at..s]);
            out.push('[');
            out.extend(&chars[s..e]);
            out.push(']');
            at = e;
        }
        out.extend(&chars[at..]);
        out
    }

    #[test]
    fn two_character_word_inside_a_compound() {
        assert_eq!(marked("死活監視基盤", "監視"), "死活[監視]基盤");
    }

    #[test]
    fn phrase_spans_its_bigrams() {
        assert_eq!(
            marked("障害対応と障害の対応", "障害対応"),
            "[障害対応]と障害の対応"
        );
    }

    #[test]
    fn one_character_word() {
        assert_eq!(marked("子猫と猫", "猫"), "子[猫]と[猫]");
    }

    #[test]
    fn ranges_are_in_the_original_text() {
        assert_eq!(marked("ＡＷＳで監視", "aws"), "[ＡＷＳ]で監視");
        assert_eq!(marked("ｶﾞｲﾄﾞを読む", "ガイド"), "[ｶﾞｲﾄﾞ]を読む");
    }

    #[test]
    fn overlapping_and_touching_matches_merge() {
        assert_eq!(marked("死活監視", "死活 監視"), "[死活監視]");
        assert_eq!(marked("Rust is rust", "RUST"), "[Rust] is [rust]");
    }

    #[test]
    fn excluded_and_tag_words_are_not_highlighted() {
        assert_eq!(marked("rust and go", "rust -go tag:and"), "[rust] and go");
    }

    #[test]
    fn no_words_no_ranges() {
        assert!(highlights("anything", &parse("site:example.com")).is_empty());
    }
}
