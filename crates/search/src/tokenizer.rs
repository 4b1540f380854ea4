//! The one text analysis, used when indexing and when querying, so both
//! sides always agree on what a term is.
//!
//! Text is NFKC-normalized and lowercased one grapheme-ish cluster at a time
//! (a character and its combining marks), so every token keeps its offsets
//! in the *original* text for highlights. Runs of Han, Hiragana and Katakana
//! (with ー and 々) become overlapping bigrams at increasing positions; a
//! one-character run stays a unigram. Runs of other letters and digits are
//! words. Everything else only separates.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Name of the bigram tokenizer used by the full-text fields.
pub const BIGRAM: &str = "bukuma";
/// Name of the tokenizer that emits every CJK character on its own, for the
/// `*_uni` fields that answer one-character queries.
pub const UNIGRAM: &str = "bukuma_uni";
/// Name of the tokenizer for exact fields (tags, domains): the whole value,
/// normalized, as one term.
pub const EXACT: &str = "bukuma_exact";

/// Words longer than this are dropped on both sides: nobody searches for
/// them and they only bloat the term dictionary.
const MAX_WORD_CHARS: usize = 64;

/// What kind of run a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// Letters and digits outside CJK (Latin, Cyrillic, Hangul, ...).
    Word,
    /// A bigram of a CJK run, or the single character of a one-char run.
    Cjk,
}

/// A token with where it came from in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The normalized term.
    pub text: String,
    /// Token position; consecutive tokens have consecutive positions.
    pub position: usize,
    /// Character range `[char_start, char_end)` in the original text.
    pub char_start: usize,
    pub char_end: usize,
    /// Byte range `[byte_start, byte_end)` in the original text.
    pub byte_start: usize,
    pub byte_end: usize,
    pub kind: TokKind,
}

impl Tok {
    /// A single CJK character: only the `*_uni` fields find it inside longer runs.
    pub fn is_cjk_unigram(&self) -> bool {
        self.kind == TokKind::Cjk && self.text.chars().nth(1).is_none()
    }
}

/// One normalized character and the original span it came from.
#[derive(Debug, Clone, Copy)]
struct NChar {
    c: char,
    char_start: usize,
    char_end: usize,
    byte_start: usize,
    byte_end: usize,
}

/// Whether `c` belongs to a CJK run (after normalization).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'          // 々 〆 〇
        | '\u{3041}'..='\u{3096}'        // hiragana
        | '\u{3099}'..='\u{309F}'        // voicing marks, ゝ ゞ ゟ
        | '\u{30A1}'..='\u{30FA}'        // katakana (not ・ U+30FB)
        | '\u{30FC}'..='\u{30FF}'        // ー ヽ ヾ ヿ
        | '\u{31F0}'..='\u{31FF}'        // small katakana extensions
        | '\u{3400}'..='\u{4DBF}'        // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'        // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'        // compatibility ideographs
        | '\u{20000}'..='\u{3FFFF}') // extensions B and later
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Marks that attach to the preceding character, so normalization must see
/// them together (half-width ｶﾞ is two characters that become ガ).
fn attaches(c: char) -> bool {
    is_combining_mark(c) || matches!(c, '\u{FF9E}' | '\u{FF9F}')
}

fn normalize_chars(text: &str) -> Vec<NChar> {
    let mut out = Vec::with_capacity(text.len() / 2 + 1);
    let mut chars = text.char_indices().enumerate().peekable();
    let mut cluster = String::new();
    while let Some((char_start, (byte_start, first))) = chars.next() {
        let mut char_end = char_start + 1;
        let mut byte_end = byte_start + first.len_utf8();
        if first.is_ascii() && !chars.peek().is_some_and(|(_, (_, c))| attaches(*c)) {
            out.push(NChar {
                c: first.to_ascii_lowercase(),
                char_start,
                char_end,
                byte_start,
                byte_end,
            });
            continue;
        }
        cluster.clear();
        cluster.push(first);
        while let Some((_, (b, c))) = chars.next_if(|(_, (_, c))| attaches(*c)) {
            cluster.push(c);
            char_end += 1;
            byte_end = b + c.len_utf8();
        }
        let span = |c| NChar {
            c,
            char_start,
            char_end,
            byte_start,
            byte_end,
        };
        if is_nfkc_quick(cluster.chars()) == IsNormalized::Yes {
            out.extend(cluster.chars().flat_map(char::to_lowercase).map(span));
        } else {
            out.extend(cluster.nfkc().flat_map(char::to_lowercase).map(span));
        }
    }
    out
}

/// Splits `text` into the terms the full-text fields hold.
pub fn tokens(text: &str) -> Vec<Tok> {
    let chars = normalize_chars(text);
    let mut out = Vec::new();
    let mut position = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].c;
        if is_cjk(c) {
            let end = run_end(&chars, i, is_cjk);
            if end - i == 1 {
                out.push(make_tok(&chars[i..end], position, TokKind::Cjk));
                position += 1;
            } else {
                for k in i..end - 1 {
                    out.push(make_tok(&chars[k..k + 2], position, TokKind::Cjk));
                    position += 1;
                }
            }
            i = end;
        } else if is_word(c) {
            let end = run_end(&chars, i, |c| is_word(c) && !is_cjk(c));
            if end - i <= MAX_WORD_CHARS {
                out.push(make_tok(&chars[i..end], position, TokKind::Word));
                position += 1;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Every CJK character of `text` as its own token, for the `*_uni` fields.
pub fn unigrams(text: &str) -> Vec<Tok> {
    normalize_chars(text)
        .iter()
        .filter(|n| is_cjk(n.c))
        .enumerate()
        .map(|(position, n)| make_tok(std::slice::from_ref(n), position, TokKind::Cjk))
        .collect()
}

/// The normalized form of a whole exact value (a tag, a domain, a name):
/// NFKC, lowercase, trimmed.
pub fn normalize_exact(text: &str) -> String {
    let normalized: String = text.nfkc().flat_map(char::to_lowercase).collect();
    normalized.trim().to_owned()
}

fn run_end(chars: &[NChar], start: usize, in_run: impl Fn(char) -> bool) -> usize {
    chars[start..]
        .iter()
        .position(|n| !in_run(n.c))
        .map_or(chars.len(), |p| start + p)
}

fn make_tok(run: &[NChar], position: usize, kind: TokKind) -> Tok {
    let (first, last) = (run[0], run[run.len() - 1]);
    Tok {
        text: run.iter().map(|n| n.c).collect(),
        position,
        char_start: first.char_start,
        char_end: last.char_end,
        byte_start: first.byte_start,
        byte_end: last.byte_end,
        kind,
    }
}

/// Hands a precomputed token list to tantivy.
pub struct VecTokenStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl VecTokenStream {
    fn new(toks: Vec<Tok>) -> Self {
        let tokens: Vec<Token> = toks
            .into_iter()
            .map(|t| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        VecTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// The tantivy face of [`tokens`].
#[derive(Clone, Copy, Debug, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(tokens(text))
    }
}

/// The tantivy face of [`unigrams`].
#[derive(Clone, Copy, Debug, Default)]
pub struct UnigramTokenizer;

impl Tokenizer for UnigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(unigrams(text))
    }
}

/// The tantivy face of [`normalize_exact`]: one token, or none for blank text.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExactTokenizer;

impl Tokenizer for ExactTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let normalized = normalize_exact(text);
        let toks = if normalized.is_empty() {
            Vec::new()
        } else {
            vec![Tok {
                text: normalized,
                position: 0,
                char_start: 0,
                char_end: text.chars().count(),
                byte_start: 0,
                byte_end: text.len(),
                kind: TokKind::Word,
            }]
        };
        VecTokenStream::new(toks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, usize)> {
        tokens(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    fn owned(pairs: &[(&str, usize)]) -> Vec<(String, usize)> {
        pairs.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    }

    #[test]
    fn cjk_runs_become_bigrams_at_increasing_positions() {
        assert_eq!(
            texts("死活監視"),
            owned(&[("死活", 0), ("活監", 1), ("監視", 2)])
        );
    }

    #[test]
    fn one_character_run_is_a_unigram() {
        assert_eq!(
            texts("猫 と dog"),
            owned(&[("猫", 0), ("と", 1), ("dog", 2)])
        );
    }

    #[test]
    fn latin_words_are_lowercased_and_split_from_cjk() {
        assert_eq!(
            texts("Rustで設計"),
            owned(&[("rust", 0), ("で設", 1), ("設計", 2)])
        );
    }

    #[test]
    fn full_width_latin_and_half_width_katakana_are_normalized() {
        assert_eq!(texts("ＡＷＳ"), owned(&[("aws", 0)]));
        assert_eq!(texts("ｶﾀｶﾅ"), texts("カタカナ"));
        assert_eq!(texts("ｶﾞｲﾄﾞ"), texts("ガイド"));
    }

    #[test]
    fn long_vowel_mark_and_iteration_mark_stay_in_runs() {
        assert_eq!(
            texts("サーバー"),
            owned(&[("サー", 0), ("ーバ", 1), ("バー", 2)])
        );
        assert_eq!(texts("時々"), owned(&[("時々", 0)]));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "ＡＷＳで監視";
        let toks = tokens(text);
        let aws = &toks[0];
        assert_eq!((aws.char_start, aws.char_end), (0, 3));
        assert_eq!(&text[aws.byte_start..aws.byte_end], "ＡＷＳ");
        let last = &toks[toks.len() - 1];
        assert_eq!(last.text, "監視");
        assert_eq!((last.char_start, last.char_end), (4, 6));
        assert_eq!(&text[last.byte_start..last.byte_end], "監視");
    }

    #[test]
    fn half_width_voiced_katakana_maps_back_to_both_original_chars() {
        let text = "ｶﾞ";
        let toks = tokens(text);
        assert_eq!(toks.len(), 1);
        assert_eq!(toks[0].text, "ガ");
        assert_eq!((toks[0].char_start, toks[0].char_end), (0, 2));
    }

    #[test]
    fn punctuation_separates_and_takes_no_position() {
        assert_eq!(texts("node.js!"), owned(&[("node", 0), ("js", 1)]));
        assert_eq!(texts("東京・大阪"), owned(&[("東京", 0), ("大阪", 1)]));
    }

    #[test]
    fn unigrams_cover_every_cjk_character() {
        let uni: Vec<String> = unigrams("子猫とcat").into_iter().map(|t| t.text).collect();
        assert_eq!(uni, ["子", "猫", "と"]);
    }

    #[test]
    fn exact_values_are_normalized_whole() {
        assert_eq!(normalize_exact(" ＲＵＳＴ "), "rust");
        assert_eq!(normalize_exact("Web Dev"), "web dev");
    }

    #[test]
    fn over_long_words_are_dropped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert!(tokens(&long).is_empty());
    }
}
