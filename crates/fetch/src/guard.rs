//! The SSRF guard: which addresses the fetcher may connect to, and a DNS
//! resolver that hands reqwest only addresses that passed the check.
//!
//! A name is refused when *any* of its addresses is refused, so a host that
//! resolves to one public and one private address cannot be used to reach the
//! private one. The resolver is the only resolution that happens: reqwest
//! connects to exactly the addresses it returns, so there is no second lookup
//! that a short-TTL DNS record could rebind.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is an ordinary, globally routable unicast address that a
/// server may fetch on a user's behalf.
///
/// Refused (returns `false`): unspecified, loopback, private (RFC 1918),
/// shared/CGNAT (100.64/10), link-local, unique-local, site-local, multicast,
/// broadcast and reserved (240/4), documentation and benchmarking ranges,
/// IETF protocol assignments (192.0.0/24, 2001::/23 incl. Teredo), 6to4 relay
/// anycast, discard-only (100::/64), and every IPv6 address outside global
/// unicast 2000::/3. IPv6 forms that embed an IPv4 address (IPv4-mapped
/// `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
/// `2002::/16`) are judged by the IPv4 address they carry.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network", 0.0.0.0/8
        || a == 10                             // private
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || a == 127                            // loopback
        || (a == 169 && b == 254)              // link-local
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)      // TEST-NET-1
        || (a == 192 && b == 88 && c == 99)    // 6to4 relay anycast
        || (a == 192 && b == 168)              // private
        || (a == 198 && (b == 18 || b == 19))  // benchmarking
        || (a == 198 && b == 51 && c == 100)   // TEST-NET-2
        || (a == 203 && b == 0 && c == 113)    // TEST-NET-3
        || a >= 224) // multicast 224/4, reserved 240/4, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // Forms that carry an IPv4 address are judged by that address.
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    // Only global unicast (2000::/3) can be public at all: this drops ::,
    // ::1, 100::/64, fc00::/7, fe80::/10, fec0::/10, ff00::/8 and every
    // unassigned range (e.g. 5f00::/16 SRv6 SIDs).
    if s[0] & 0xe000 != 0x2000 {
        return false;
    }
    let refused = match (s[0], s[1]) {
        // 2001::/23 IETF protocol assignments (Teredo, ORCHID, …)
        (0x2001, second) if second < 0x0200 => true,
        // 2001:db8::/32 documentation
        (0x2001, 0x0db8) => true,
        // 3fff::/20 documentation (RFC 9637)
        (0x3fff, second) if second < 0x1000 => true,
        _ => false,
    };
    !refused
}

/// The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4
/// IPv6 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // ::ffff:a.b.c.d (IPv4-mapped)
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        // ::a.b.c.d (IPv4-compatible, deprecated); :: and ::1 excluded so
        // they are judged as the IPv6 addresses they are.
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 || lo > 1 => Some(tail),
        // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
        [0x0064, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        // 2002:AABB:CCDD::/48 (6to4)
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

/// Whether the fetcher may connect to `ip` under the given allow-list.
pub(crate) fn is_allowed(ip: IpAddr, allow: &[IpNet]) -> bool {
    if is_public_address(ip) {
        return true;
    }
    let canonical = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    allow
        .iter()
        .any(|net| net.contains(&ip) || net.contains(&canonical))
}

/// The error the resolver hands to reqwest when a name resolves to an address
/// that is not allowed; the fetcher finds it again in the error's source chain.
#[derive(Debug)]
pub(crate) struct Blocked {
    pub host: String,
    pub addr: IpAddr,
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} resolves to refused address {}", self.host, self.addr)
    }
}

impl std::error::Error for Blocked {}

/// The resolver failed or found nothing.
#[derive(Debug)]
pub(crate) struct ResolveFailed {
    pub host: String,
    pub reason: String,
}

impl std::fmt::Display for ResolveFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot resolve {}: {}", self.host, self.reason)
    }
}

impl std::error::Error for ResolveFailed {}

/// A reqwest resolver that uses the system resolver and refuses names with
/// any address that is not allowed.
pub(crate) struct GuardedResolver {
    pub allow: Arc<[IpNet]>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = Arc::clone(&self.allow);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let looked_up = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|it| it.collect::<Vec<SocketAddr>>());
            let addrs = match looked_up {
                Ok(addrs) => addrs,
                Err(e) => {
                    return Err(Box::new(ResolveFailed {
                        host,
                        reason: e.to_string(),
                    }) as _)
                }
            };
            if addrs.is_empty() {
                return Err(Box::new(ResolveFailed {
                    host,
                    reason: "no addresses".into(),
                }) as _);
            }
            if let Some(bad) = addrs.iter().find(|a| !is_allowed(a.ip(), &allow)) {
                return Err(Box::new(Blocked {
                    host,
                    addr: bad.ip(),
                }) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address parses")
    }

    fn net(s: &str) -> IpNet {
        s.parse().expect("test network parses")
    }

    #[test]
    fn public_ipv4_addresses_are_allowed() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.1",
            "223.255.255.255",
        ] {
            assert!(is_public_address(ip(a)), "{a} should be public");
        }
    }

    #[test]
    fn special_ipv4_ranges_are_refused() {
        for a in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.1.2.3",
            "169.254.169.254", // cloud metadata
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!is_public_address(ip(a)), "{a} should be refused");
        }
    }

    #[test]
    fn public_ipv6_addresses_are_allowed() {
        for a in [
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
            "64:ff9b::808:808", // NAT64 of 8.8.8.8
            "2002:808:808::1",  // 6to4 of 8.8.8.8
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public_address(ip(a)), "{a} should be public");
        }
    }

    #[test]
    fn special_ipv6_ranges_are_refused() {
        for a in [
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "ff05::2",
            "100::1",
            "2001::1",     // Teredo
            "2001:10::1",  // ORCHID
            "2001:db8::1", // documentation
            "3fff::1",     // documentation (RFC 9637)
            "5f00::1",     // SRv6
            "4000::1",     // unassigned, outside 2000::/3
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "::127.0.0.1",      // IPv4-compatible
            "64:ff9b::7f00:1",  // NAT64 of 127.0.0.1
            "64:ff9b::a00:1",   // NAT64 of 10.0.0.1
            "2002:7f00:1::1",   // 6to4 of 127.0.0.1
            "2002:c0a8:101::1", // 6to4 of 192.168.1.1
        ] {
            assert!(!is_public_address(ip(a)), "{a} should be refused");
        }
    }

    #[test]
    fn allow_list_admits_listed_private_addresses_only() {
        let allow = [net("127.0.0.1/32"), net("fd00::/8")];
        assert!(is_allowed(ip("127.0.0.1"), &allow));
        assert!(is_allowed(ip("::ffff:127.0.0.1"), &allow));
        assert!(is_allowed(ip("fd00::5"), &allow));
        assert!(!is_allowed(ip("127.0.0.2"), &allow));
        assert!(!is_allowed(ip("10.0.0.1"), &allow));
        assert!(!is_allowed(ip("::1"), &allow));
        assert!(is_allowed(ip("8.8.8.8"), &allow));
    }

    #[test]
    fn empty_allow_list_refuses_every_private_address() {
        assert!(!is_allowed(ip("127.0.0.1"), &[]));
        assert!(!is_allowed(ip("::1"), &[]));
        assert!(is_allowed(ip("1.1.1.1"), &[]));
    }
}
