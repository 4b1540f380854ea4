//! Opaque keyset-pagination cursors.
//!
//! A cursor holds the sort keys of the last item of a page (1–4 signed 64-bit
//! integers: timestamps in microseconds, counters, f64 bit patterns, ids) and is
//! encoded as unpadded base64url text. Decoding rejects anything malformed,
//! including a wrong number of keys for the list it is used with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use thiserror::Error;

/// Most keys a cursor may carry.
const MAX_KEYS: usize = 4;
/// Bytes per key (big-endian `i64`).
const KEY_BYTES: usize = 8;
/// Longest text accepted by [`Cursor::decode`]; 4 keys encode to 43 characters.
const MAX_ENCODED_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CursorError {
    #[error("cursor is malformed")]
    Malformed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(Vec<i64>);

impl Cursor {
    /// Panics in debug builds if `keys` is empty or longer than 4.
    pub fn new(keys: Vec<i64>) -> Self {
        debug_assert!(!keys.is_empty() && keys.len() <= 4);
        Cursor(keys)
    }
    pub fn keys(&self) -> &[i64] {
        &self.0
    }
    pub fn encode(&self) -> String {
        let bytes: Vec<u8> = self.0.iter().flat_map(|key| key.to_be_bytes()).collect();
        URL_SAFE_NO_PAD.encode(bytes)
    }
    /// Decodes a cursor that must carry exactly `expected_keys` keys.
    pub fn decode(input: &str, expected_keys: usize) -> Result<Self, CursorError> {
        let cursor = Self::decode_any(input)?;
        if cursor.0.len() != expected_keys {
            return Err(CursorError::Malformed);
        }
        Ok(cursor)
    }

    /// Decodes a cursor of 1–4 keys, whatever list it was made for.
    pub fn decode_any(input: &str) -> Result<Self, CursorError> {
        if input.len() > MAX_ENCODED_LEN {
            return Err(CursorError::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(input)
            .map_err(|_| CursorError::Malformed)?;
        if bytes.len() % KEY_BYTES != 0 {
            return Err(CursorError::Malformed);
        }
        let count = bytes.len() / KEY_BYTES;
        if count == 0 || count > MAX_KEYS {
            return Err(CursorError::Malformed);
        }
        let keys = bytes
            .chunks_exact(KEY_BYTES)
            .map(|chunk| {
                let mut key = [0u8; KEY_BYTES];
                key.copy_from_slice(chunk);
                i64::from_be_bytes(key)
            })
            .collect();
        Ok(Cursor(keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(keys: &[i64]) {
        let encoded = Cursor::new(keys.to_vec()).encode();
        let decoded = Cursor::decode(&encoded, keys.len()).expect("cursor should decode");
        assert_eq!(decoded.keys(), keys, "{encoded}");
    }

    fn malformed(input: &str, expected_keys: usize) {
        assert_eq!(
            Cursor::decode(input, expected_keys),
            Err(CursorError::Malformed),
            "{input:?} with {expected_keys} keys"
        );
    }

    #[test]
    fn roundtrips_one_to_four_keys() {
        roundtrip(&[42]);
        roundtrip(&[1_717_243_200_000_000, 7]);
        roundtrip(&[3, 1_717_243_200_000_000, 99]);
        roundtrip(&[1, 2, 3, 4]);
    }

    #[test]
    fn roundtrips_extreme_and_negative_keys() {
        roundtrip(&[i64::MIN]);
        roundtrip(&[i64::MAX]);
        roundtrip(&[-1]);
        roundtrip(&[0]);
        roundtrip(&[i64::MIN, i64::MAX, -1, 0]);
        roundtrip(&[-1_000_000_000_000, -42]);
    }

    #[test]
    fn roundtrips_f64_bit_patterns() {
        for score in [0.0f64, 1.5, 1e-300, f64::MAX, -0.0] {
            let bits = score.to_bits() as i64;
            let decoded = Cursor::decode(&Cursor::new(vec![bits, 5]).encode(), 2)
                .expect("cursor should decode");
            assert_eq!(
                f64::from_bits(decoded.keys()[0] as u64).to_bits(),
                score.to_bits()
            );
        }
    }

    #[test]
    fn encodes_big_endian_bytes_as_unpadded_base64url() {
        assert_eq!(Cursor::new(vec![0]).encode(), "AAAAAAAAAAA");
        assert_eq!(Cursor::new(vec![1]).encode(), "AAAAAAAAAAE");
        assert_eq!(Cursor::new(vec![-1]).encode(), "__________8");
        assert_eq!(Cursor::new(vec![i64::MIN]).encode(), "gAAAAAAAAAA");
    }

    #[test]
    fn encoding_is_url_safe_and_within_the_length_limit() {
        let encoded = Cursor::new(vec![i64::MIN, -1, i64::MAX, -2]).encode();
        assert_eq!(encoded.len(), 43);
        assert!(encoded.len() <= MAX_ENCODED_LEN);
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn rejects_wrong_number_of_keys() {
        let two = Cursor::new(vec![1, 2]).encode();
        malformed(&two, 1);
        malformed(&two, 3);
        malformed(&two, 0);
        assert!(Cursor::decode(&two, 2).is_ok());
    }

    #[test]
    fn rejects_empty_input_and_zero_keys() {
        malformed("", 0);
        malformed("", 1);
    }

    #[test]
    fn rejects_more_than_four_keys() {
        let five_keys = URL_SAFE_NO_PAD.encode([0u8; 40]);
        assert!(five_keys.len() <= MAX_ENCODED_LEN);
        malformed(&five_keys, 5);
        malformed(&five_keys, 4);
    }

    #[test]
    fn rejects_byte_lengths_that_are_not_a_multiple_of_eight() {
        for len in [1usize, 7, 9, 15, 17, 31, 33] {
            let encoded = URL_SAFE_NO_PAD.encode(vec![0u8; len]);
            for expected in 0..=5 {
                malformed(&encoded, expected);
            }
        }
    }

    #[test]
    fn rejects_invalid_base64() {
        malformed("!!!!!!!!!!!", 1);
        malformed("AAAA AAAAAA", 1);
        malformed("AAAAAAAAAA", 1); // 10 characters cannot be 8 bytes
        malformed("A", 1);
        malformed("AAAAAAAAAAA\n", 1);
        malformed("日本語", 1);
    }

    #[test]
    fn rejects_standard_alphabet_and_padding() {
        // -1 is "__________8" in base64url; "//////////8" in standard base64.
        malformed("//////////8", 1);
        malformed("++++++++++8", 1);
        malformed("AAAAAAAAAAA=", 1);
    }

    #[test]
    fn rejects_non_canonical_trailing_bits() {
        // "AAAAAAAAAAA" is zero; "AAAAAAAAAAB" differs only in unused trailing bits.
        assert!(Cursor::decode("AAAAAAAAAAA", 1).is_ok());
        malformed("AAAAAAAAAAB", 1);
    }

    #[test]
    fn rejects_input_longer_than_64_characters() {
        malformed(&"A".repeat(65), 1);
        malformed(&"A".repeat(1_000_000), 4);
        // 48 bytes (six keys) encode to exactly 64 characters: rejected by key count.
        let sixty_four = URL_SAFE_NO_PAD.encode([0u8; 48]);
        assert_eq!(sixty_four.len(), 64);
        malformed(&sixty_four, 6);
    }

    #[test]
    fn never_panics_on_arbitrary_input() {
        let samples = [
            "",
            "=",
            "==",
            "-",
            "_",
            "\0",
            "%00",
            "AAAAAAAAAAA%",
            "\u{FFFD}",
            "🦀🦀🦀",
            "AAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAA",
        ];
        for input in samples {
            for expected in [0, 1, 2, 3, 4, 5, usize::MAX] {
                let _ = Cursor::decode(input, expected);
            }
        }
        // Every prefix of a valid cursor either decodes or is malformed.
        let full = Cursor::new(vec![i64::MIN, 1, -1, i64::MAX]).encode();
        for end in 0..full.len() {
            let _ = Cursor::decode(&full[..end], 4);
        }
    }

    #[test]
    fn two_key_cursor_decodes_to_exactly_what_was_encoded() {
        let cursor = Cursor::new(vec![1_717_243_200_123_456, 987_654]);
        let decoded = Cursor::decode(&cursor.encode(), 2).expect("cursor should decode");
        assert_eq!(decoded, cursor);
    }
}
