//! How a [`crate::Fetcher`] behaves.

use std::net::IpAddr;
use std::time::Duration;

use ipnet::IpNet;

/// The user agent sent unless configured otherwise.
pub const DEFAULT_USER_AGENT: &str = "bukuma/0.1 (+https://github.com/bukuma; page metadata)";

/// Limits and policy of a [`crate::Fetcher`]. Build with
/// `FetchConfig { timeout: …, ..FetchConfig::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchConfig {
    /// Sent as `User-Agent` on every request.
    pub user_agent: String,
    /// Limit for the whole fetch: DNS, connects, every redirect hop and the
    /// body. Default 10 s.
    pub timeout: Duration,
    /// At most this many bytes of (decompressed) body are read. Default 2 MiB.
    pub max_bytes: usize,
    /// At most this many redirects are followed. Default 5.
    pub max_redirects: usize,
    /// Non-public networks that may be fetched anyway (tests, intranet
    /// installs). Default empty: every loopback, private, link-local,
    /// unique-local, … address is refused. See
    /// [`crate::is_public_address`] for what counts as public.
    pub allow_private: Vec<IpNet>,
    /// What to do with a body larger than `max_bytes`: `true` (default)
    /// parses the first `max_bytes` bytes (the `<head>` with the metadata
    /// comes first, so big pages still get a title); `false` fails with
    /// [`crate::FetchError::TooLarge`].
    pub truncate_oversized: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            timeout: Duration::from_secs(10),
            max_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            allow_private: Vec::new(),
            truncate_oversized: true,
        }
    }
}

/// Parses an allow-list setting such as `"127.0.0.0/8, ::1, 10.1.0.0/16"`:
/// networks in CIDR notation or single addresses, separated by commas or
/// whitespace. An empty string is an empty list.
pub fn parse_allow_list(s: &str) -> Result<Vec<IpNet>, String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<IpNet>()
                .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("not an IP network or address: {part:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_design() {
        let c = FetchConfig::default();
        assert_eq!(c.timeout, Duration::from_secs(10));
        assert_eq!(c.max_bytes, 2 * 1024 * 1024);
        assert_eq!(c.max_redirects, 5);
        assert!(c.allow_private.is_empty());
        assert!(c.user_agent.starts_with("bukuma/"));
    }

    #[test]
    fn allow_list_parses_networks_and_addresses() {
        let list = parse_allow_list("127.0.0.0/8, ::1  10.1.2.3").expect("parses");
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].to_string(), "::1/128");
        assert_eq!(list[2].to_string(), "10.1.2.3/32");
        assert!(parse_allow_list("").expect("empty parses").is_empty());
        assert!(parse_allow_list("localhost").is_err());
    }
}
