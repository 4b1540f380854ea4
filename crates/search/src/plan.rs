//! How one query word turns into index terms, shared by the searcher and
//! the highlighter so they agree on what matched.

use crate::tokenizer::{tokens, Tok};

/// One piece of a word, to be found in a full-text field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// A single term of the bigram field.
    Term(String),
    /// Terms at the given relative positions of the bigram field.
    Phrase(Vec<(usize, String)>),
    /// A single CJK character, looked up in the `*_uni` field.
    Uni(String),
}

/// Splits a word into parts that must all match. A quoted word is one
/// phrase; otherwise the word is cut where the script changes, so
/// `Rustで設計` needs `rust` and the phrase `で設計` but not both adjacent,
/// while `node.js` and `障害対応` stay phrases.
pub(crate) fn parts(text: &str, phrase: bool) -> Vec<Part> {
    let toks = tokens(text);
    let mut groups: Vec<&[Tok]> = Vec::new();
    if phrase {
        if !toks.is_empty() {
            groups.push(&toks);
        }
    } else {
        let mut start = 0;
        for i in 1..=toks.len() {
            if i == toks.len() || toks[i].kind != toks[start].kind {
                groups.push(&toks[start..i]);
                start = i;
            }
        }
    }
    groups.into_iter().map(part).collect()
}

fn part(group: &[Tok]) -> Part {
    match group {
        [one] if one.is_cjk_unigram() => Part::Uni(one.text.clone()),
        [one] => Part::Term(one.text.clone()),
        many => {
            let first = many[0].position;
            Part::Phrase(
                many.iter()
                    .map(|t| (t.position - first, t.text.clone()))
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(terms: &[&str]) -> Part {
        Part::Phrase(
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| (i, t.to_string()))
                .collect(),
        )
    }

    #[test]
    fn two_cjk_characters_are_one_term() {
        assert_eq!(parts("監視", false), vec![Part::Term("監視".into())]);
    }

    #[test]
    fn three_cjk_characters_are_a_phrase() {
        assert_eq!(
            parts("障害対応", false),
            vec![phrase(&["障害", "害対", "対応"])]
        );
    }

    #[test]
    fn one_cjk_character_uses_the_unigram_field() {
        assert_eq!(parts("猫", false), vec![Part::Uni("猫".into())]);
    }

    #[test]
    fn mixed_scripts_split_into_parts() {
        assert_eq!(
            parts("Rustで設計", false),
            vec![Part::Term("rust".into()), phrase(&["で設", "設計"])]
        );
        assert_eq!(parts("node.js", false), vec![phrase(&["node", "js"])]);
    }

    #[test]
    fn a_quoted_word_is_one_phrase() {
        assert_eq!(
            parts("Rustで設計", true),
            vec![phrase(&["rust", "で設", "設計"])]
        );
    }
}
