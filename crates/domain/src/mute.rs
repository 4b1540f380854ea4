//! Mutes (Hatena's 非表示): the users, words and sites a viewer no longer
//! wants to see, and the rules of what each hides.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use crate::url::normalize_domain;

/// Most users one user may mute.
pub const MAX_MUTED_USERS: i64 = 1000;
/// Most words one user may mute.
pub const MAX_MUTED_WORDS: i64 = 200;
/// Most sites one user may mute.
pub const MAX_MUTED_SITES: i64 = 200;
/// Longest muted word, in characters (after normalization).
pub const MAX_WORD_CHARS: usize = 32;

/// Text as mutes compare it: NFKC-normalized and lowercased, so that ＲＵＳＴ,
/// Rust and rust, or ｶﾀｶﾅ and カタカナ, are one word.
pub fn fold(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// A word that hides the comments containing it, in its folded form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MuteWord(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MuteWordError {
    #[error("a muted word cannot be empty")]
    Empty,
    #[error("a muted word has at most {MAX_WORD_CHARS} characters")]
    TooLong,
    #[error("a muted word cannot contain control characters")]
    Control,
}

impl MuteWord {
    pub fn parse(input: &str) -> Result<Self, MuteWordError> {
        if input.trim().chars().any(char::is_control) {
            return Err(MuteWordError::Control);
        }
        let word = fold(crate::text::strip_forbidden(input).trim());
        if word.chars().any(char::is_control) {
            return Err(MuteWordError::Control);
        }
        match word.chars().count() {
            0 => Err(MuteWordError::Empty),
            n if n > MAX_WORD_CHARS => Err(MuteWordError::TooLong),
            _ => Ok(MuteWord(word)),
        }
    }

    /// The word as stored (already folded).
    pub fn from_db(word: String) -> Self {
        MuteWord(word)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a site to mute: a host name as site pages take it.
pub fn mute_site(input: &str) -> Result<String, crate::url::UrlError> {
    normalize_domain(input.trim().trim_end_matches('.'))
}

/// Everything one viewer muted.
#[derive(Debug, Clone, Default)]
pub struct Mutes {
    /// Muted users by name, lowercased (names never change).
    pub users: HashSet<String>,
    pub words: Vec<MuteWord>,
    pub sites: HashSet<String>,
}

impl Mutes {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.words.is_empty() && self.sites.is_empty()
    }

    /// Whether the viewer muted the user named `username`.
    pub fn hides_user(&self, username: &str) -> bool {
        !self.users.is_empty() && self.users.contains(&username.to_ascii_lowercase())
    }

    /// Whether a comment by `username` saying `comment` is hidden: its
    /// author is muted, or it contains a muted word (compared folded).
    pub fn hides_comment(&self, username: &str, comment: &str) -> bool {
        if self.hides_user(username) {
            return true;
        }
        if self.words.is_empty() || comment.is_empty() {
            return false;
        }
        let text = fold(comment);
        self.words.iter().any(|w| text.contains(w.as_str()))
    }

    /// Whether entries of `domain` are hidden: it is a muted site or a
    /// subdomain of one.
    pub fn hides_site(&self, domain: &str) -> bool {
        if self.sites.is_empty() {
            return false;
        }
        let mut rest = domain;
        loop {
            if self.sites.contains(rest) {
                return true;
            }
            match rest.split_once('.') {
                Some((_, parent)) if !parent.is_empty() => rest = parent,
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutes(words: &[&str], sites: &[&str], users: &[&str]) -> Mutes {
        Mutes {
            users: users.iter().map(|u| u.to_string()).collect(),
            words: words
                .iter()
                .map(|w| MuteWord::parse(w).expect("word"))
                .collect(),
            sites: sites.iter().map(|s| mute_site(s).expect("site")).collect(),
        }
    }

    #[test]
    fn words_are_folded_and_bounded() {
        assert_eq!(
            MuteWord::parse(" ＲＵＳＴ ").expect("word").as_str(),
            "rust"
        );
        assert_eq!(MuteWord::parse("ｶﾀｶﾅ").expect("word").as_str(), "カタカナ");
        assert_eq!(MuteWord::parse("  "), Err(MuteWordError::Empty));
        assert_eq!(
            MuteWord::parse(&"あ".repeat(33)),
            Err(MuteWordError::TooLong)
        );
        assert!(MuteWord::parse(&"あ".repeat(32)).is_ok());
        assert_eq!(MuteWord::parse("a\u{7}b"), Err(MuteWordError::Control));
    }

    #[test]
    fn comments_with_a_muted_word_or_by_a_muted_user_are_hidden() {
        let m = mutes(&["炎上", "Spam"], &[], &["troll"]);
        assert!(m.hides_comment("alice", "これは炎上案件"));
        assert!(m.hides_comment("alice", "ＳＰＡＭだ"));
        assert!(m.hides_comment("Troll", "いい記事"));
        assert!(!m.hides_comment("alice", "いい記事"));
        assert!(!m.hides_comment("alice", ""));
    }

    #[test]
    fn a_muted_site_covers_its_subdomains_only() {
        let m = mutes(&[], &["Example.com."], &[]);
        assert!(m.hides_site("example.com"));
        assert!(m.hides_site("blog.example.com"));
        assert!(!m.hides_site("notexample.com"));
        assert!(!m.hides_site("example.co"));
        assert!(!Mutes::default().hides_site("example.com"));
    }
}
