//! Opaque keyset-pagination cursors.
//!
//! A cursor holds the sort keys of the last item of a page (1–4 signed 64-bit
//! integers: timestamps in microseconds, counters, f64 bit patterns, ids) and is
//! encoded as unpadded base64url text. Decoding rejects anything malformed,
//! including a wrong number of keys for the list it is used with.

use thiserror::Error;

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
        todo!()
    }
    /// Decodes a cursor that must carry exactly `expected_keys` keys.
    pub fn decode(input: &str, expected_keys: usize) -> Result<Self, CursorError> {
        let _ = (input, expected_keys);
        todo!()
    }
}
