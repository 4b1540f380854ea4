//! Who is on the other end of a request: the client's address, and the
//! scheme and host it asked for. `Forwarded` and `X-Forwarded-*` headers are
//! believed only when the peer is one of `BUKUMA_TRUSTED_PROXIES`; anyone
//! else could write them to fake an address or poison absolute links.
//! Throttles, logs and URL building all ask here.

use std::net::{IpAddr, SocketAddr};

use actix_web::dev::RequestHead;
use actix_web::http::header::{self, HeaderMap};
use actix_web::HttpRequest;
use bukuma_fetch::IpNet;

/// The requests' view of the proxies in front of this server.
#[derive(Debug, Clone, Default)]
pub struct Proxies {
    trusted: Vec<IpNet>,
}

impl Proxies {
    pub fn new(trusted: Vec<IpNet>) -> Self {
        Proxies { trusted }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer's, or when the peer is a trusted
    /// proxy, the nearest address it forwarded that is not a trusted proxy.
    /// `None` when the connection has no peer address (tests).
    pub fn client_ip(&self, head: &RequestHead, peer: Option<SocketAddr>) -> Option<IpAddr> {
        let peer = peer?.ip().to_canonical();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let chain = forwarded_for(&head.headers);
        let mut client = peer;
        for hop in chain.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => client = *ip,
                Some(ip) => return Some(*ip),
                // An obfuscated or broken hop: the last address known is as
                // far back as the chain can be followed.
                None => return Some(client),
            }
        }
        Some(client)
    }

    /// [`Proxies::client_ip`] of an extracted request.
    pub fn client_ip_of(&self, req: &HttpRequest) -> Option<IpAddr> {
        self.client_ip(req.head(), req.peer_addr())
    }

    /// `scheme://host` as the client asked for it: what a trusted proxy
    /// forwarded, else this connection's own.
    pub fn origin(&self, req: &HttpRequest) -> String {
        let trusted = req.peer_addr().is_some_and(|p| self.trusts(p.ip()));
        if trusted {
            let info = req.connection_info();
            return format!("{}://{}", info.scheme(), info.host());
        }
        let config = req.app_config();
        let scheme =
            req.uri()
                .scheme_str()
                .unwrap_or(if config.secure() { "https" } else { "http" });
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()))
            .unwrap_or_else(|| config.host());
        format!("{scheme}://{host}")
    }

    /// Whether the client reached the server (or its trusted proxy) over HTTPS.
    pub fn is_https(&self, req: &HttpRequest) -> bool {
        self.origin(req).starts_with("https://")
    }
}

/// The key a client is limited by: its address, or for IPv6 its /64, the
/// block one subscriber usually holds (and can hop around in freely).
pub fn subscriber(ip: Option<IpAddr>) -> Option<IpAddr> {
    match ip? {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            Some(IpAddr::V6(bits.into()))
        }
        v4 => Some(v4),
    }
}

/// The forwarded-for chain, client first: `Forwarded: for=` when sent,
/// else `X-Forwarded-For`. `None` marks a hop that is not an address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all(header::FORWARDED)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// An address of a forwarding header: `192.0.2.1`, `192.0.2.1:80`,
/// `"[2001:db8::1]:80"`, `2001:db8::1`.
fn parse_node(value: &str) -> Option<IpAddr> {
    let v = value.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse::<IpAddr>()
        .ok()
        .or_else(|| v.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn proxies(list: &str) -> Proxies {
        Proxies::new(bukuma_fetch::parse_allow_list(list).expect("list"))
    }

    fn client(p: &Proxies, peer: &str, headers: &[(&str, &str)]) -> Option<IpAddr> {
        let mut req = TestRequest::default().peer_addr(peer.parse().expect("peer"));
        for h in headers {
            req = req.insert_header(*h);
        }
        p.client_ip_of(&req.to_http_request())
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn forwarding_headers_from_untrusted_peers_are_ignored() {
        let p = proxies("");
        let forged = [("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")];
        assert_eq!(client(&p, "203.0.113.9:5000", &forged), ip("203.0.113.9"));
        let req = TestRequest::default()
            .peer_addr("203.0.113.9:5000".parse().expect("peer"))
            .insert_header(("host", "bukuma.example"))
            .insert_header(("x-forwarded-host", "evil.example"))
            .insert_header(("x-forwarded-proto", "https"))
            .to_http_request();
        assert_eq!(p.origin(&req), "http://bukuma.example");
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_its_host() {
        let p = proxies("10.0.0.0/8");
        let h = [("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")];
        assert_eq!(client(&p, "10.0.0.1:5000", &h), ip("198.51.100.7"));
        let h = [("forwarded", "for=\"[2001:db8::1]:4711\";proto=https")];
        assert_eq!(client(&p, "10.0.0.1:5000", &h), ip("2001:db8::1"));
        assert_eq!(client(&p, "10.0.0.1:5000", &[]), ip("10.0.0.1"));
        let h = [("x-forwarded-for", "garbage, 10.0.0.3")];
        assert_eq!(client(&p, "10.0.0.1:5000", &h), ip("10.0.0.3"));
        let req = TestRequest::default()
            .peer_addr("10.0.0.1:5000".parse().expect("peer"))
            .insert_header(("host", "internal:8080"))
            .insert_header(("x-forwarded-host", "bukuma.example"))
            .insert_header(("x-forwarded-proto", "https"))
            .to_http_request();
        assert_eq!(p.origin(&req), "https://bukuma.example");
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_networks() {
        let p = proxies("127.0.0.1");
        let h = [("x-forwarded-for", "192.0.2.5")];
        assert_eq!(client(&p, "[::ffff:127.0.0.1]:80", &h), ip("192.0.2.5"));
    }
}
