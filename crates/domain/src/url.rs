//! URL normalization: one entry per normalized URL.
//!
//! Rules: only `http`/`https`; lowercase scheme and host; drop default ports
//! (80 for http, 443 for https); drop the fragment; drop tracking query
//! parameters (`utm_*`, `fbclid`, `gclid`, `dclid`, `msclkid`, `yclid`,
//! `mc_cid`, `mc_eid`, `_ga`, `igshid`); keep everything else (path, other
//! query parameters and their order) byte-for-byte; at most 2048 bytes.

use thiserror::Error;
use url::{ParseError, Position, Url};

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
        let input = input.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        if input.len() > MAX_URL_BYTES {
            return Err(UrlError::TooLong);
        }
        let mut url = match Url::parse(input) {
            Ok(url) => url,
            Err(err) => return Err(classify_parse_error(input, err)),
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(UrlError::UnsupportedScheme);
        }
        let domain = match url.host_str() {
            Some(host) if !host.is_empty() => host.to_owned(),
            _ => return Err(UrlError::MissingHost),
        };
        // Credentials must never be stored (nor shown to other users).
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Invalid);
        }
        url.set_fragment(None);

        // Rebuild the query from the raw serialized pairs so that what is
        // kept stays byte-for-byte as the url crate serialized it.
        let kept: Vec<&str> = url
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| {
                let key = pair.split_once('=').map_or(*pair, |(key, _)| key);
                !is_tracking_parameter(key)
            })
            .collect();
        let mut normalized = url[..Position::AfterPath].to_owned();
        if !kept.is_empty() {
            normalized.push('?');
            normalized.push_str(&kept.join("&"));
        }
        if normalized.len() > MAX_URL_BYTES {
            return Err(UrlError::TooLong);
        }
        Ok(NormalizedUrl {
            url: normalized,
            domain,
        })
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
    // ASCII lowercasing only: Unicode lowercasing could turn e.g. the Kelvin
    // sign into an ASCII 'k' and let a look-alike through.
    let domain = input.trim().to_ascii_lowercase();
    // Every host `NormalizedUrl::domain` can produce is accepted, so that each
    // entry's domain has a site page: names (also with `_` or a trailing dot,
    // which the URL parser keeps), IPv4 and bracketed IPv6 addresses.
    let is_ipv6 = domain.starts_with('[')
        && domain.ends_with(']')
        && domain.len() > 2
        && domain[1..domain.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    let is_name = !domain.starts_with('.')
        && domain.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_'
        });
    let valid = !domain.is_empty() && domain.len() <= MAX_DOMAIN_BYTES && (is_name || is_ipv6);
    if valid {
        Ok(domain)
    } else {
        Err(UrlError::Invalid)
    }
}

/// Longest domain accepted by [`normalize_domain`], in bytes.
const MAX_DOMAIN_BYTES: usize = 253;

/// Query keys that only track where a visitor came from (compared
/// case-sensitively, on the raw, still percent-encoded key).
const TRACKING_PARAMETERS: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid",
];

fn is_tracking_parameter(key: &str) -> bool {
    key.starts_with("utm_") || TRACKING_PARAMETERS.contains(&key)
}

/// Maps a parse failure to the most helpful error: a URL with a scheme other
/// than http(s) is unsupported whether or not the rest of it parses.
fn classify_parse_error(input: &str, err: ParseError) -> UrlError {
    if let Some(scheme) = raw_scheme(input) {
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return UrlError::UnsupportedScheme;
        }
    }
    match err {
        ParseError::EmptyHost => UrlError::MissingHost,
        _ => UrlError::Invalid,
    }
}

/// The scheme of `input` (RFC 3986: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`
/// followed by ':'), if it starts with one.
fn raw_scheme(input: &str) -> Option<&str> {
    let (scheme, _) = input.split_once(':')?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_valid = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && rest_valid).then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(input: &str) -> String {
        NormalizedUrl::parse(input)
            .expect("URL should normalize")
            .into_string()
    }

    fn err(input: &str) -> UrlError {
        NormalizedUrl::parse(input).expect_err("URL should be rejected")
    }

    #[test]
    fn trims_surrounding_whitespace() {
        assert_eq!(
            norm("  \t https://example.com/a \n"),
            "https://example.com/a"
        );
    }

    #[test]
    fn rejects_empty_and_blank_input() {
        assert_eq!(err(""), UrlError::Empty);
        assert_eq!(err("   \n\t "), UrlError::Empty);
    }

    #[test]
    fn lowercases_scheme_and_host_but_not_path_or_query() {
        let url = NormalizedUrl::parse("HTTPS://Blog.Example.COM/Some/Path?Q=Value")
            .expect("URL should normalize");
        assert_eq!(url.as_str(), "https://blog.example.com/Some/Path?Q=Value");
        assert_eq!(url.domain(), "blog.example.com");
    }

    #[test]
    fn drops_default_ports() {
        assert_eq!(norm("http://example.com:80/a"), "http://example.com/a");
        assert_eq!(norm("https://example.com:443/a"), "https://example.com/a");
    }

    #[test]
    fn keeps_non_default_ports_but_not_in_domain() {
        let url = NormalizedUrl::parse("http://example.com:8080/a").expect("URL should normalize");
        assert_eq!(url.as_str(), "http://example.com:8080/a");
        assert_eq!(url.domain(), "example.com");
        // 443 is only the default for https.
        assert_eq!(norm("http://example.com:443/"), "http://example.com:443/");
        assert_eq!(norm("https://example.com:80/"), "https://example.com:80/");
    }

    #[test]
    fn adds_root_path_to_bare_host() {
        assert_eq!(norm("https://example.com"), "https://example.com/");
    }

    #[test]
    fn drops_fragment() {
        assert_eq!(
            norm("https://example.com/a#section"),
            "https://example.com/a"
        );
        assert_eq!(norm("https://example.com/a#"), "https://example.com/a");
        assert_eq!(
            norm("https://example.com/a?x=1#frag?utm_source=y"),
            "https://example.com/a?x=1"
        );
    }

    #[test]
    fn drops_utm_parameters_but_keeps_others_in_order() {
        assert_eq!(
            norm(
                "https://example.com/p?b=2&utm_source=tw&a=1&utm_medium=social&c=3&utm_campaign=x"
            ),
            "https://example.com/p?b=2&a=1&c=3"
        );
    }

    #[test]
    fn drops_every_named_tracking_parameter() {
        for key in [
            "utm_source",
            "utm_content",
            "utm_",
            "fbclid",
            "gclid",
            "dclid",
            "msclkid",
            "yclid",
            "mc_cid",
            "mc_eid",
            "_ga",
            "igshid",
        ] {
            let input = format!("https://example.com/?keep=1&{key}=abc&also=2");
            assert_eq!(
                norm(&input),
                "https://example.com/?keep=1&also=2",
                "{key} should be dropped"
            );
        }
    }

    #[test]
    fn drops_tracking_parameters_without_a_value() {
        assert_eq!(
            norm("https://example.com/?fbclid&a=1&utm_source="),
            "https://example.com/?a=1"
        );
    }

    #[test]
    fn keeps_parameters_that_merely_resemble_tracking_ones() {
        let kept = "https://example.com/?fbclid2=1&xgclid=2&_gat=3&utm=4&ga=5&myutm_source=6";
        assert_eq!(norm(kept), kept);
    }

    #[test]
    fn matches_tracking_keys_case_sensitively_on_the_raw_key() {
        // Upper-case and percent-encoded spellings are different keys: kept.
        let kept = "https://example.com/?UTM_SOURCE=a&Fbclid=b&utm%5Fsource=c";
        assert_eq!(norm(kept), kept);
    }

    #[test]
    fn drops_question_mark_when_no_parameters_remain() {
        assert_eq!(
            norm("https://example.com/a?utm_source=x&fbclid=y"),
            "https://example.com/a"
        );
        assert_eq!(norm("https://example.com/a?"), "https://example.com/a");
        assert_eq!(norm("https://example.com/a?&&"), "https://example.com/a");
    }

    #[test]
    fn drops_empty_query_segments() {
        assert_eq!(
            norm("https://example.com/?a=1&&b=2&"),
            "https://example.com/?a=1&b=2"
        );
    }

    #[test]
    fn keeps_other_query_pairs_byte_for_byte() {
        // Percent-encoding, '+', repeated keys, keys without '=', and values
        // containing '=' or encoded '&' are all preserved exactly.
        let kept = "https://example.com/s?q=caf%C3%A9+au+lait&q=2&flag&x=a=b&y=%26%3D&Z=%7e";
        assert_eq!(norm(kept), kept);
        let with_tracking =
            "https://example.com/s?q=caf%C3%A9+au+lait&utm_source=x&q=2&flag&x=a=b&y=%26%3D&Z=%7e";
        assert_eq!(norm(with_tracking), kept);
    }

    #[test]
    fn keeps_path_as_serialized_including_case_dots_and_trailing_slash() {
        let kept = "https://example.com/A/b%2Fc/./..x/trailing/";
        assert_eq!(norm(kept), "https://example.com/A/b%2Fc/..x/trailing/");
        assert_eq!(norm("https://example.com/a/"), "https://example.com/a/");
        assert_eq!(norm("https://example.com/a"), "https://example.com/a");
    }

    #[test]
    fn percent_encodes_non_ascii_path_and_query() {
        assert_eq!(
            norm("https://example.com/日本?q=語"),
            "https://example.com/%E6%97%A5%E6%9C%AC?q=%E8%AA%9E"
        );
    }

    #[test]
    fn normalizes_idn_host_to_punycode() {
        let url = NormalizedUrl::parse("https://日本語.JP/パス").expect("URL should normalize");
        assert_eq!(url.domain(), "xn--wgv71a119e.jp");
        assert_eq!(url.as_str(), "https://xn--wgv71a119e.jp/%E3%83%91%E3%82%B9");
    }

    #[test]
    fn keeps_brackets_around_ipv6_host() {
        let url = NormalizedUrl::parse("http://[2001:DB8::1]:80/x").expect("URL should normalize");
        assert_eq!(url.as_str(), "http://[2001:db8::1]/x");
        assert_eq!(url.domain(), "[2001:db8::1]");
    }

    #[test]
    fn accepts_ipv4_host() {
        let url = NormalizedUrl::parse("http://192.168.0.1:8080/").expect("URL should normalize");
        assert_eq!(url.as_str(), "http://192.168.0.1:8080/");
        assert_eq!(url.domain(), "192.168.0.1");
    }

    #[test]
    fn rejects_schemes_other_than_http_and_https() {
        for input in [
            "javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            "ftp://example.com/file",
            "mailto:someone@example.com",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "ws://example.com/socket",
            "chrome://settings",
            "about:blank",
            "httpx://example.com/",
        ] {
            assert_eq!(err(input), UrlError::UnsupportedScheme, "{input}");
        }
    }

    #[test]
    fn rejects_unsupported_scheme_even_when_rest_does_not_parse() {
        assert_eq!(err("ftp://"), UrlError::UnsupportedScheme);
        assert_eq!(err("ftp://exa mple.com/"), UrlError::UnsupportedScheme);
    }

    #[test]
    fn rejects_relative_and_schemeless_urls_as_invalid() {
        for input in [
            "/just/a/path",
            "//example.com/a",
            "example.com/a",
            "?q=1",
            "#x",
        ] {
            assert_eq!(err(input), UrlError::Invalid, "{input}");
        }
    }

    #[test]
    fn rejects_urls_without_host() {
        assert_eq!(err("http://"), UrlError::MissingHost);
        assert_eq!(err("https:///"), UrlError::MissingHost);
        assert_eq!(err("https://?q=1"), UrlError::MissingHost);
        assert_eq!(err("http://:8080/"), UrlError::MissingHost);
        assert_eq!(err("HTTPS://"), UrlError::MissingHost);
    }

    #[test]
    fn rejects_malformed_hosts_and_ports_as_invalid() {
        for input in [
            "http://exa mple.com/",
            "http://[::1/",
            "http://example.com:99999/",
            "http://example.com:port/",
            "http://exa<mple.com/",
        ] {
            assert_eq!(err(input), UrlError::Invalid, "{input}");
        }
    }

    #[test]
    fn rejects_credentials_in_userinfo() {
        assert_eq!(err("https://user:secret@example.com/"), UrlError::Invalid);
        assert_eq!(err("https://user@example.com/"), UrlError::Invalid);
        assert_eq!(err("https://:secret@example.com/"), UrlError::Invalid);
    }

    #[test]
    fn accepts_urls_of_exactly_the_maximum_length() {
        let prefix = "https://example.com/";
        let input = format!("{prefix}{}", "a".repeat(MAX_URL_BYTES - prefix.len()));
        assert_eq!(input.len(), MAX_URL_BYTES);
        assert_eq!(norm(&input), input);
    }

    #[test]
    fn rejects_input_longer_than_the_maximum() {
        let prefix = "https://example.com/";
        let input = format!("{prefix}{}", "a".repeat(MAX_URL_BYTES + 1 - prefix.len()));
        assert_eq!(err(&input), UrlError::TooLong);
    }

    #[test]
    fn length_limit_applies_to_trimmed_input() {
        let prefix = "https://example.com/";
        let url = format!("{prefix}{}", "a".repeat(MAX_URL_BYTES - prefix.len()));
        let padded = format!("   {url}   ");
        assert!(padded.len() > MAX_URL_BYTES);
        assert_eq!(norm(&padded), url);
    }

    #[test]
    fn rejects_urls_that_grow_too_long_when_normalized() {
        // Each non-ASCII 'é' (2 bytes) becomes "%C3%A9" (6 bytes).
        let prefix = "https://example.com/";
        let input = format!("{prefix}{}", "é".repeat(600));
        assert!(input.len() <= MAX_URL_BYTES);
        assert_eq!(err(&input), UrlError::TooLong);
    }

    #[test]
    fn stripping_tracking_parameters_can_bring_a_url_under_the_limit_only_if_input_fits() {
        // The input limit is checked before normalization.
        let prefix = "https://example.com/?utm_source=";
        let input = format!("{prefix}{}", "a".repeat(MAX_URL_BYTES + 1 - prefix.len()));
        assert_eq!(err(&input), UrlError::TooLong);
    }

    #[test]
    fn normalization_is_idempotent() {
        for input in [
            "HTTP://Example.com:80/a/b?x=1&utm_source=2&y=%41#f",
            "https://日本語.jp/パス?q=語",
            "http://[::1]:8080/",
        ] {
            let once = norm(input);
            assert_eq!(norm(&once), once, "{input}");
        }
    }

    #[test]
    fn equivalent_spellings_normalize_to_the_same_url() {
        let a = NormalizedUrl::parse("https://Example.com:443/a?x=1&utm_medium=m#top")
            .expect("URL should normalize");
        let b = NormalizedUrl::parse("  HTTPS://EXAMPLE.COM/a?x=1&fbclid=abc ")
            .expect("URL should normalize");
        assert_eq!(a, b);
    }

    #[test]
    fn http_and_https_are_different_entries() {
        assert_ne!(norm("http://example.com/"), norm("https://example.com/"));
    }

    #[test]
    fn normalize_domain_lowercases_and_trims() {
        assert_eq!(
            normalize_domain("  Blog.Example.COM \n"),
            Ok("blog.example.com".to_owned())
        );
    }

    #[test]
    fn normalize_domain_accepts_punycode_digits_and_hyphens() {
        for domain in [
            "xn--wgv71a119e.jp",
            "a-b.example-1.com",
            "localhost",
            "127.0.0.1",
        ] {
            assert_eq!(normalize_domain(domain), Ok(domain.to_owned()), "{domain}");
        }
    }

    #[test]
    fn normalize_domain_accepts_domains_produced_by_normalized_urls() {
        let url = NormalizedUrl::parse("https://日本語.JP/").expect("URL should normalize");
        assert_eq!(normalize_domain(url.domain()), Ok(url.domain().to_owned()));
    }

    #[test]
    fn normalize_domain_rejects_empty_input() {
        assert_eq!(normalize_domain(""), Err(UrlError::Invalid));
        assert_eq!(normalize_domain("   "), Err(UrlError::Invalid));
    }

    #[test]
    fn normalize_domain_limits_length_to_253_bytes() {
        let max = format!("{}.com", "a".repeat(249));
        assert_eq!(max.len(), 253);
        assert_eq!(normalize_domain(&max), Ok(max.clone()));
        let too_long = format!("a{max}");
        assert_eq!(normalize_domain(&too_long), Err(UrlError::Invalid));
    }

    #[test]
    fn normalize_domain_rejects_a_leading_dot() {
        assert_eq!(normalize_domain(".example.com"), Err(UrlError::Invalid));
        assert_eq!(normalize_domain("."), Err(UrlError::Invalid));
    }

    #[test]
    fn normalize_domain_accepts_every_host_a_url_can_have() {
        for input in [
            "http://my_host.example.com/",
            "http://example.com./",
            "http://[::1]:8080/",
            "http://192.168.0.1/",
        ] {
            let url = NormalizedUrl::parse(input).expect("URL should normalize");
            assert_eq!(
                normalize_domain(url.domain()),
                Ok(url.domain().to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn normalize_domain_rejects_scheme_port_path_and_other_characters() {
        for input in [
            "https://example.com",
            "example.com:8080",
            "example.com/path",
            "exa mple.com",
            "user@example.com",
            "example.com?q",
            "[::g]",
            "[]",
            "日本語.jp",
            "\u{212A}.com", // Kelvin sign lowercases to 'k' under Unicode rules
        ] {
            assert_eq!(normalize_domain(input), Err(UrlError::Invalid), "{input}");
        }
    }
}
