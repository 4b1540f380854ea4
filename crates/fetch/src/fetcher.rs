//! The HTTP side: one guarded client, redirects followed by hand.

use std::error::Error as _;
use std::net::IpAddr;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::redirect::Policy;
use url::{Host, Url};

use crate::config::FetchConfig;
use crate::error::FetchError;
use crate::extract::{extract, PageMetadata};
use crate::guard::{is_allowed, Blocked, GuardedResolver, ResolveFailed};

const ACCEPT_HTML: &str = "text/html,application/xhtml+xml";

/// Fetches pages and extracts their metadata. Cheap to clone: clones share
/// one connection pool.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    config: FetchConfig,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    /// Builds the HTTP client: no proxy (a proxy would resolve names itself),
    /// no automatic redirects, no cookies, and a resolver that refuses
    /// non-public addresses.
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_HTML));
        let resolver = GuardedResolver {
            allow: config.allow_private.clone().into(),
        };
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            .default_headers(headers)
            .redirect(Policy::none())
            .no_proxy()
            .referer(false)
            .dns_resolver(Arc::new(resolver))
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| FetchError::Config(error_chain(&e)))?;
        Ok(Fetcher {
            inner: Arc::new(Inner { client, config }),
        })
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.inner.config
    }

    /// Fetches `url` and extracts its metadata.
    ///
    /// Refuses non-http(s) URLs and hosts that are, or resolve to, a
    /// non-public address not in the allow-list (checked for literal IPs here
    /// and for names in the resolver, which is the only lookup: the client
    /// connects to exactly the vetted addresses). Redirects (301, 302, 303,
    /// 307, 308) are followed with `GET`, each target checked the same way,
    /// at most `max_redirects` of them. Only `text/html` and
    /// `application/xhtml+xml` are accepted (a response without a
    /// `Content-Type` is accepted when its body starts with `<`). At most
    /// `max_bytes` of the body are read, and everything together must finish
    /// within `timeout`.
    pub async fn fetch(&self, url: &str) -> Result<PageMetadata, FetchError> {
        let timeout = self.inner.config.timeout;
        match tokio::time::timeout(timeout, self.fetch_unbounded(url)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    async fn fetch_unbounded(&self, url: &str) -> Result<PageMetadata, FetchError> {
        let config = &self.inner.config;
        let mut current = Url::parse(url).map_err(|e| FetchError::InvalidUrl(e.to_string()))?;
        self.check_url(&current)?;
        let mut redirects = 0;
        loop {
            let mut response = self
                .inner
                .client
                .get(current.clone())
                .send()
                .await
                .map_err(map_reqwest_error)?;
            let status = response.status();

            if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                let Some(location) = response.headers().get(LOCATION) else {
                    return Err(FetchError::Http(status.as_u16()));
                };
                if redirects >= config.max_redirects {
                    return Err(FetchError::TooManyRedirects(config.max_redirects));
                }
                redirects += 1;
                let location = String::from_utf8_lossy(location.as_bytes());
                let next = current.join(location.trim()).map_err(|e| {
                    FetchError::InvalidUrl(format!("redirect to {location:?}: {e}"))
                })?;
                self.check_url(&next)?;
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Http(status.as_u16()));
            }

            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            if let Some(ct) = &content_type {
                if !is_html_media_type(ct) {
                    return Err(FetchError::NotHtml(ct.clone()));
                }
            }

            if !config.truncate_oversized
                && response
                    .content_length()
                    .is_some_and(|len| len > config.max_bytes as u64)
            {
                return Err(FetchError::TooLarge(config.max_bytes));
            }
            let capacity = response
                .content_length()
                .map_or(64 * 1024, |len| len.min(config.max_bytes as u64) as usize);
            let mut body = Vec::with_capacity(capacity);
            while let Some(chunk) = response.chunk().await.map_err(map_reqwest_error)? {
                let room = config.max_bytes - body.len();
                if chunk.len() > room {
                    if !config.truncate_oversized {
                        return Err(FetchError::TooLarge(config.max_bytes));
                    }
                    body.extend_from_slice(&chunk[..room]);
                    break;
                }
                body.extend_from_slice(&chunk);
            }

            if content_type.is_none() && !looks_like_markup(&body) {
                return Err(FetchError::NotHtml(String::new()));
            }
            return Ok(extract(&body, content_type.as_deref(), &current));
        }
    }

    /// Scheme and literal-address checks for one hop. Names are checked by
    /// the resolver when the client connects.
    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::BadScheme(url.scheme().to_owned()));
        }
        let ip: IpAddr = match url.host() {
            None => return Err(FetchError::InvalidUrl(format!("{url} has no host"))),
            Some(Host::Ipv4(v4)) => v4.into(),
            Some(Host::Ipv6(v6)) => v6.into(),
            // The URL parser already turns every IPv4 spelling into
            // Host::Ipv4; this catches anything the connector would still
            // read as an address without asking the resolver.
            Some(Host::Domain(d)) => match d.parse::<IpAddr>() {
                Ok(ip) => ip,
                Err(_) => return Ok(()),
            },
        };
        if is_allowed(ip, &self.inner.config.allow_private) {
            Ok(())
        } else {
            Err(FetchError::BlockedAddress {
                host: url.host_str().unwrap_or_default().to_owned(),
                addr: ip,
            })
        }
    }
}

fn is_html_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(essence.as_str(), "text/html" | "application/xhtml+xml")
}

/// For responses without a Content-Type: does the body start (after a BOM
/// and whitespace) like markup?
fn looks_like_markup(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// Turns a reqwest error into ours, finding the resolver's verdict in the
/// source chain.
fn map_reqwest_error(err: reqwest::Error) -> FetchError {
    let err = err.without_url();
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = source {
        if let Some(blocked) = e.downcast_ref::<Blocked>() {
            return FetchError::BlockedAddress {
                host: blocked.host.clone(),
                addr: blocked.addr,
            };
        }
        if let Some(failed) = e.downcast_ref::<ResolveFailed>() {
            return FetchError::Dns(failed.to_string());
        }
        source = e.source();
    }
    if err.is_timeout() {
        return FetchError::Timeout;
    }
    FetchError::Network(error_chain(&err))
}

/// "outer: inner: innermost".
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_media_types_are_recognised() {
        assert!(is_html_media_type("text/html"));
        assert!(is_html_media_type("Text/HTML; charset=Shift_JIS"));
        assert!(is_html_media_type("application/xhtml+xml"));
        assert!(!is_html_media_type("application/json"));
        assert!(!is_html_media_type("image/png"));
        assert!(!is_html_media_type("text/plain"));
    }

    #[test]
    fn markup_sniffing_for_missing_content_type() {
        assert!(looks_like_markup(b"\xEF\xBB\xBF  \n<!doctype html>"));
        assert!(!looks_like_markup(b"\x89PNG\r\n"));
        assert!(!looks_like_markup(b""));
    }
}
