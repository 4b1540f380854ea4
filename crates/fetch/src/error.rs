//! What can go wrong while fetching a page.

use std::net::IpAddr;

/// Why a fetch failed. [`FetchError::is_permanent`] tells the caller whether
/// retrying later can help.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL (or a redirect's `Location`) does not parse or has no host.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// Only `http` and `https` are fetched.
    #[error("scheme {0:?} is not fetched (only http and https)")]
    BadScheme(String),
    /// The host is, or resolves to, an address that is not public and not in
    /// the allow-list (SSRF guard).
    #[error("{host} is a refused address ({addr})")]
    BlockedAddress { host: String, addr: IpAddr },
    /// More redirects than `FetchConfig::max_redirects`.
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// The body exceeded `FetchConfig::max_bytes` and
    /// `FetchConfig::truncate_oversized` is off.
    #[error("response body larger than {0} bytes")]
    TooLarge(usize),
    /// The whole fetch took longer than `FetchConfig::timeout`.
    #[error("timed out")]
    Timeout,
    /// The final response had a non-success status (or a redirect status
    /// without a `Location`).
    #[error("HTTP status {0}")]
    Http(u16),
    /// The response is not HTML; holds the Content-Type.
    #[error("not an HTML page (content type {0:?})")]
    NotHtml(String),
    /// The host name could not be resolved.
    #[error("DNS: {0}")]
    Dns(String),
    /// Connection, TLS or protocol failure.
    #[error("network: {0}")]
    Network(String),
    /// The HTTP client could not be built from the configuration.
    #[error("configuration: {0}")]
    Config(String),
}

impl FetchError {
    /// `true` when retrying the same URL later will not help: the URL is
    /// refused or malformed, the page is gone (404/410) or not HTML, or the
    /// server answers with another client error (4xx other than 408, 425 and
    /// 429), loops in redirects or is too large. `false` for timeouts,
    /// network and DNS failures, 5xx, 408, 425 and 429.
    pub fn is_permanent(&self) -> bool {
        match self {
            FetchError::InvalidUrl(_)
            | FetchError::BadScheme(_)
            | FetchError::BlockedAddress { .. }
            | FetchError::TooManyRedirects(_)
            | FetchError::TooLarge(_)
            | FetchError::NotHtml(_)
            | FetchError::Config(_) => true,
            FetchError::Http(status) => {
                (300..500).contains(status) && !matches!(status, 408 | 425 | 429)
            }
            FetchError::Timeout | FetchError::Dns(_) | FetchError::Network(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanence_follows_the_retry_policy() {
        assert!(FetchError::Http(404).is_permanent());
        assert!(FetchError::Http(410).is_permanent());
        assert!(FetchError::Http(403).is_permanent());
        assert!(!FetchError::Http(429).is_permanent());
        assert!(!FetchError::Http(408).is_permanent());
        assert!(!FetchError::Http(500).is_permanent());
        assert!(!FetchError::Http(503).is_permanent());
        assert!(FetchError::NotHtml("image/png".into()).is_permanent());
        assert!(FetchError::BadScheme("ftp".into()).is_permanent());
        assert!(FetchError::InvalidUrl("x".into()).is_permanent());
        assert!(FetchError::BlockedAddress {
            host: "localhost".into(),
            addr: IpAddr::from([127, 0, 0, 1]),
        }
        .is_permanent());
        assert!(!FetchError::Timeout.is_permanent());
        assert!(!FetchError::Network("reset".into()).is_permanent());
        assert!(!FetchError::Dns("servfail".into()).is_permanent());
    }
}
