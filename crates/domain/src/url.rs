//! URL normalization: one entry per normalized URL.
//!
//! Rules: only `http`/`https`; lowercase scheme and host; drop default ports
//! (80 for http, 443 for https); drop the fragment; drop tracking query
//! parameters (`utm_*`, `fbclid`, `gclid`, `dclid`, `msclkid`, `yclid`,
//! `mc_cid`, `mc_eid`, `_ga`, `igshid`); keep everything else (path, other
//! query parameters and their order) byte-for-byte; at most 2048 bytes.

use thiserror::Error;

/// Longest URL accepted, in bytes, before and after normalization.
pub const MAX_URL_BYTES: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UrlError {
    #[error("URL is empty")]
    Empty,
    #[error("URL is longer than 2048 bytes")]
    TooLong,
    #[error("not a valid absolute URL")]
    Invalid,
    #[error("only http and https URLs can be bookmarked")]
    UnsupportedScheme,
    #[error("URL has no host")]
    MissingHost,
}

/// A URL in the canonical form entries are keyed by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NormalizedUrl {
    url: String,
    domain: String,
}

impl NormalizedUrl {
    /// Normalizes `input` (surrounding whitespace is trimmed first).
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        todo!("{input}")
    }

    /// The normalized URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The lowercase host, without port (e.g. `blog.example.com`).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    pub fn into_string(self) -> String {
        self.url
    }
}

/// Checks a domain given on its own (site pages): a lowercase-able host name
/// of at most 253 bytes without scheme, port, path or whitespace. Returns it lowercased.
pub fn normalize_domain(input: &str) -> Result<String, UrlError> {
    todo!("{input}")
}
