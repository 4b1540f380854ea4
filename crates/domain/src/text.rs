//! The characters stored text may hold: every input path (the JSON API, the
//! Pinboard API, imports, fetched page metadata) passes its text through
//! [`strip_forbidden`], so that nothing stored can make a feed, an export or
//! an XML response ill-formed.

use std::borrow::Cow;

/// Whether `c` is a Unicode non-character: U+FDD0–U+FDEF and the last two
/// code points of every plane (U+FFFE, U+FFFF, U+1FFFE, …). XML 1.0 forbids
/// U+FFFE and U+FFFF outright and discourages the rest.
pub fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

/// Whether `c` is a C0 control character other than tab, line feed and
/// carriage return: characters XML 1.0 cannot carry at all.
pub fn is_forbidden_control(c: char) -> bool {
    c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')
}

/// `input` without Unicode non-characters and without C0 control characters
/// other than tab, line feed and carriage return (fields that refuse those
/// too check for them themselves). Borrows when nothing is removed.
pub fn strip_forbidden(input: &str) -> Cow<'_, str> {
    if !input
        .chars()
        .any(|c| is_noncharacter(c) || is_forbidden_control(c))
    {
        return Cow::Borrowed(input);
    }
    Cow::Owned(
        input
            .chars()
            .filter(|&c| !is_noncharacter(c) && !is_forbidden_control(c))
            .collect(),
    )
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noncharacters_are_recognized_in_every_plane() {
        for c in [
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            assert!(is_noncharacter(c), "{c:?}");
        }
        for c in [
            'a',
            '\u{FDCF}',
            '\u{FDF0}',
            '\u{FFFD}',
            '\u{1FFFD}',
            '\u{E000}',
        ] {
            assert!(!is_noncharacter(c), "{c:?}");
        }
    }

    #[test]
    fn strip_forbidden_removes_noncharacters_and_c0_controls() {
        assert_eq!(
            strip_forbidden("a\u{FFFE}b\u{FFFF}c\u{0}d\u{1}e\u{1b}f\u{FDD0}g"),
            "abcdefg"
        );
    }

    #[test]
    fn strip_forbidden_keeps_tabs_newlines_and_ordinary_text() {
        let text = "tab\there\nline\r\n日本語 🦀 \u{FFFD}";
        assert!(matches!(strip_forbidden(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn xml_chars_are_those_of_xml_1_0() {
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            '\u{D7FF}',
            '\u{E000}',
            '\u{FFFD}',
            '\u{10000}',
        ] {
            assert!(is_xml_char(c), "{c:?}");
        }
        for c in ['\u{0}', '\u{8}', '\u{B}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'] {
            assert!(!is_xml_char(c), "{c:?}");
        }
    }
}
