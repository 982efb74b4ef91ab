//! Who the client is on the network: the TCP peer, or, when the peer is one of
//! `http.trusted_proxies`, the nearest untrusted address of its `Forwarded` (RFC 7239) or
//! `X-Forwarded-For` header. Forwarding headers from anyone else are ignored, so a client
//! cannot choose its own address for the rate limits.

use std::net::{IpAddr, Ipv4Addr};

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The client's address, for rate limits and logs.
pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    resolve(peer, forwarded_chain(req).as_deref(), trusted)
}

/// Picks the client out of the chain of hops: the peer itself unless it is trusted; then,
/// walking the chain from the nearest hop, the first address that is not a trusted proxy (or
/// the farthest hop when all are trusted). A malformed chain leaves the peer.
fn resolve(peer: IpAddr, chain: Option<&[IpAddr]>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(chain) = chain.filter(|c| !c.is_empty()) else {
        return peer;
    };
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or_else(|| chain.first())
        .copied()
        .unwrap_or(peer)
}

/// The hops named by `Forwarded` (preferred) or `X-Forwarded-For`, farthest first; `None`
/// when absent or when any entry is not an address.
fn forwarded_chain(req: &HttpRequest) -> Option<Vec<IpAddr>> {
    let headers = req.headers();
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        let mut hops = Vec::new();
        for element in forwarded.iter().flat_map(|v| v.split(',')) {
            let for_value = element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| v.trim())
            })?;
            hops.push(parse_node(for_value)?);
        }
        return Some(hops);
    }
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    if xff.is_empty() {
        return None;
    }
    xff.iter()
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect()
}

/// An address as forwarding headers write it: `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:80"`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = s.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_may_name_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let chain = [ip("203.0.113.7"), ip("10.0.0.5")];
        // From the proxy: the nearest untrusted hop.
        assert_eq!(
            resolve(ip("10.0.0.1"), Some(&chain), &trusted),
            ip("203.0.113.7")
        );
        // A spoofed header from a direct client is ignored.
        assert_eq!(
            resolve(ip("198.51.100.9"), Some(&chain), &trusted),
            ip("198.51.100.9")
        );
        // A client prepending a fake hop does not get to choose: the proxy appended its peer.
        let spoofed = [ip("1.1.1.1"), ip("203.0.113.7")];
        assert_eq!(
            resolve(ip("10.0.0.1"), Some(&spoofed), &trusted),
            ip("203.0.113.7")
        );
        // No header: the proxy itself.
        assert_eq!(resolve(ip("10.0.0.1"), None, &trusted), ip("10.0.0.1"));
        // Nothing trusted: the peer, always.
        assert_eq!(resolve(ip("10.0.0.1"), Some(&chain), &[]), ip("10.0.0.1"));
    }

    #[test]
    fn forwarding_nodes_parse_in_every_written_form() {
        assert_eq!(parse_node("192.0.2.60"), Some(ip("192.0.2.60")));
        assert_eq!(parse_node("192.0.2.60:4711"), Some(ip("192.0.2.60")));
        assert_eq!(
            parse_node("\"[2001:db8:cafe::17]:4711\""),
            Some(ip("2001:db8:cafe::17"))
        );
        assert_eq!(parse_node("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("unknown"), None);
        assert_eq!(parse_node("_hidden"), None);
    }
}
