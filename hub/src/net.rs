//! The hub's only outbound HTTP client. It wraps reqwest and enforces, for every request and
//! every redirect: the scheme (`https`, or `http` only with `federation.allow_http`); no
//! loopback, private, link-local or otherwise internal target unless
//! `federation.allow_private_addresses` (checked on the addresses DNS returns, in the resolver,
//! so a name cannot be re-pointed between check and connect); a response size cap and a time
//! limit. It signs requests through `zot::httpsig` with a `Date` from the hub's clock.
//! `Ctx` holds one [`Net`]; nothing else builds a client.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

use crate::clock::Clock;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result, ResultExt};

/// How long an idle outbound connection is kept for reuse (below peers' keep-alive).
const IDLE_CONNECTION_SECS: u64 = 3;

/// Largest response body read from a peer.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Redirects followed per request.
const MAX_REDIRECTS: usize = 5;
/// The User-Agent of every outbound request.
pub const USER_AGENT: &str = concat!("Caravan/", env!("CARGO_PKG_VERSION"), " (zot6)");

/// Whether an address is internal: loopback, private, link-local, unique-local, CGNAT,
/// unspecified, broadcast, multicast, documentation, or an IPv4-mapped form of one.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] == 0
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        }
    }
}

/// A DNS resolver that drops internal addresses (unless allowed) from what the inner resolver
/// (the system's, or a test network's) answers.
struct GuardedResolver {
    inner: Option<Arc<dyn Resolve>>,
    allow_internal: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let inner = self.inner.clone();
        let allow = self.allow_internal;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = match inner {
                Some(r) => r.resolve(name).await?.collect(),
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| allow || !is_internal(a.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves only to internal addresses").into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// An answer read whole (up to the size cap).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Fetched {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A body read as it arrives.
pub type BodyStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<bytes::Bytes>> + Send>>;

/// An answer whose body is read as it arrives ([`Net::send_streaming`]).
pub struct Streamed {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: BodyStream,
}

fn headers_of(resp: &reqwest::Response) -> Vec<(String, String)> {
    resp.headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect()
}

/// A request ready to send, with every header it will carry (names lowercased).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Method.
    pub method: reqwest::Method,
    /// Target.
    pub url: Url,
    /// Headers, including Host, Date, Digest and Signature.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Vec<u8>>,
}

/// A request to sign with a channel (or site) key.
pub struct Signer<'a> {
    /// The key.
    pub key: &'a zot::keys::RsaKeypair,
    /// keyId: the channel (or site) URL.
    pub key_id: &'a str,
    /// Algorithm.
    pub algorithm: zot::httpsig::Algorithm,
    /// Headers to sign, in order (`(request-target)` included).
    pub headers: &'a [&'a str],
    /// Send it as `Authorization: Signature …` (OpenWebAuth) instead of a `Signature` header.
    pub as_authorization: bool,
}

/// The outbound client.
#[derive(Clone)]
pub struct Net {
    client: reqwest::Client,
    allow_http: bool,
    allow_internal: bool,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net")
            .field("allow_http", &self.allow_http)
            .field("allow_internal", &self.allow_internal)
            .finish_non_exhaustive()
    }
}

impl Net {
    /// Builds the client the configuration asks for; `resolver` replaces the system resolver
    /// (test networks resolve their own host names).
    pub fn new(
        config: &Config,
        clock: Arc<dyn Clock>,
        resolver: Option<Arc<dyn Resolve>>,
    ) -> Result<Self> {
        let fed = &config.federation;
        let allow_http = fed.allow_http;
        let allow_internal = fed.allow_private_addresses;
        let guard = Arc::new(GuardedResolver {
            inner: resolver,
            allow_internal,
        });
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error("too many redirects");
            }
            match target_problem(attempt.url(), allow_http, allow_internal) {
                Some(why) => attempt.error(why),
                None => attempt.follow(),
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(Duration::from_secs(fed.request_timeout_secs))
            .connect_timeout(Duration::from_secs(fed.request_timeout_secs.min(10)))
            // Idle connections are dropped before the usual 5 s keep-alive of actix and Apache
            // ends, so a request never goes out on a connection the peer is closing (which
            // fails with "incomplete message" after the request was sent).
            .pool_idle_timeout(Duration::from_secs(IDLE_CONNECTION_SECS))
            .redirect(redirect)
            .dns_resolver(guard);
        if let Some(ca) = &fed.ca_file {
            let pem = std::fs::read(ca).context("reading federation.ca_file")?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .context("parsing federation.ca_file")?;
            builder = builder.tls_certs_merge(certs);
        }
        Ok(Self {
            client: builder.build().context("building the HTTP client")?,
            allow_http,
            allow_internal,
            clock,
        })
    }

    fn check(&self, url: &Url) -> Result<()> {
        match target_problem(url, self.allow_http, self.allow_internal) {
            Some(why) => Err(Error {
                kind: ErrorKind::Remote("this address may not be fetched"),
                source: Some(anyhow::anyhow!("{url}: {why}")),
                at: std::panic::Location::caller(),
            }),
            None => Ok(()),
        }
    }

    /// Sends a request and reads the answer, whatever its status.
    pub async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
        signer: Option<&Signer<'_>>,
    ) -> Result<Fetched> {
        let prepared = self.prepare(method, url, headers, body, signer)?;
        self.send_prepared(prepared).await
    }

    /// Builds a request as it will go on the wire: Host, Date (from the hub clock), Digest
    /// and, with a signer, the Signature over the named headers.
    pub fn prepare(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
        signer: Option<&Signer<'_>>,
    ) -> Result<Prepared> {
        let parsed = Url::parse(url).map_err(|e| Error {
            kind: ErrorKind::Remote("this address is not a URL"),
            source: Some(anyhow::anyhow!("{url}: {e}")),
            at: std::panic::Location::caller(),
        })?;
        self.check(&parsed)?;
        let mut all: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        let host = match parsed.port() {
            Some(p) => format!("{}:{p}", parsed.host_str().unwrap_or_default()),
            None => parsed.host_str().unwrap_or_default().to_string(),
        };
        if !all.iter().any(|(k, _)| k == "host") {
            all.push(("host".into(), host));
        }
        if !all.iter().any(|(k, _)| k == "date") {
            all.push((
                "date".into(),
                httpdate::fmt_http_date(std::time::SystemTime::from(self.clock.now())),
            ));
        }
        if let Some(b) = &body
            && !all.iter().any(|(k, _)| k == "digest")
        {
            all.push(("digest".into(), zot::httpsig::digest_header(b)));
        }
        if let Some(s) = signer {
            let target = match parsed.query() {
                Some(q) => format!("{}?{q}", parsed.path()),
                None => parsed.path().to_string(),
            };
            let method_lc = method.as_str().to_ascii_lowercase();
            let msg = zot::httpsig::Message {
                method: &method_lc,
                path_and_query: &target,
                headers: &all,
            };
            let value = zot::httpsig::sign(&msg, s.key, s.key_id, s.algorithm, s.headers)?;
            if s.as_authorization {
                all.push(("authorization".into(), format!("Signature {value}")));
            } else {
                all.push(("signature".into(), value));
            }
        }
        Ok(Prepared {
            method,
            url: parsed,
            headers: all,
            body,
        })
    }

    /// Sends a prepared request and reads the answer, whatever its status.
    pub async fn send_prepared(&self, p: Prepared) -> Result<Fetched> {
        self.send_prepared_capped(p, MAX_RESPONSE_BYTES).await
    }

    /// GET with headers, reading an answer of up to `cap` bytes (a channel export).
    pub async fn get_large(
        &self,
        url: &str,
        headers: &[(&str, String)],
        cap: usize,
    ) -> Result<Fetched> {
        let p = self.prepare(reqwest::Method::GET, url, headers, None, None)?;
        self.send_prepared_capped(p, cap).await
    }

    async fn start(&self, p: Prepared, timeout: Option<Duration>) -> Result<reqwest::Response> {
        self.check(&p.url)?;
        let mut req = self.client.request(p.method, p.url);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        for (k, v) in &p.headers {
            if k != "host" {
                req = req.header(k.as_str(), v.as_str());
            }
        }
        if let Some(b) = p.body {
            req = req.body(b);
        }
        req.send().await.map_err(|e| Error {
            kind: ErrorKind::Remote("the other server could not be reached"),
            source: Some(anyhow::Error::new(e)),
            at: std::panic::Location::caller(),
        })
    }

    async fn send_prepared_capped(&self, p: Prepared, cap: usize) -> Result<Fetched> {
        let resp = self.start(p, None).await?;
        let status = resp.status().as_u16();
        let headers = headers_of(&resp);
        let body = read_capped(resp, cap).await?;
        Ok(Fetched {
            status,
            headers,
            body,
        })
    }

    /// Sends a prepared request and hands out the answer's body as it arrives (a file's
    /// content, streamed to disk by the caller, never held whole), with `timeout` for the
    /// whole exchange instead of the usual one. The caller limits the size.
    pub async fn send_streaming(&self, p: Prepared, timeout: Duration) -> Result<Streamed> {
        let resp = self.start(p, Some(timeout)).await?;
        let status = resp.status().as_u16();
        let headers = headers_of(&resp);
        let body = futures_util::stream::unfold(Some(resp), |resp| async move {
            let mut resp = resp?;
            match resp.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(resp))),
                Ok(None) => None,
                Err(e) => Some((
                    Err(Error {
                        kind: ErrorKind::Remote("the other server's answer could not be read"),
                        source: Some(anyhow::Error::new(e)),
                        at: std::panic::Location::caller(),
                    }),
                    None,
                )),
            }
        });
        Ok(Streamed {
            status,
            headers,
            body: Box::pin(body),
        })
    }

    /// GET with headers.
    pub async fn get(&self, url: &str, headers: &[(&str, String)]) -> Result<Fetched> {
        self.send(reqwest::Method::GET, url, headers, None, None)
            .await
    }
}

/// Why a URL may not be fetched, or `None`.
fn target_problem(url: &Url, allow_http: bool, allow_internal: bool) -> Option<&'static str> {
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Some("only https URLs are fetched"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some("URLs with credentials are not fetched");
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
            Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
        }
        Some(url::Host::Domain(_)) => None,
        None => return Some("the URL has no host"),
    };
    if let Some(ip) = literal
        && !allow_internal
        && is_internal(ip)
    {
        return Some("internal addresses are not fetched");
    }
    None
}

async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(Error::new(ErrorKind::Remote(
            "the other server's answer is too large",
        )));
    }
    let mut body = Vec::new();
    loop {
        let chunk = resp.chunk().await.map_err(|e| Error {
            kind: ErrorKind::Remote("the other server's answer could not be read"),
            source: Some(anyhow::Error::new(e)),
            at: std::panic::Location::caller(),
        })?;
        let Some(chunk) = chunk else { break };
        if body.len() + chunk.len() > cap {
            return Err(Error::new(ErrorKind::Remote(
                "the other server's answer is too large",
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2a00:1450:4001:80b::200e", "8.8.8.8"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_allowed_urls_are_fetched() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            target_problem(&u("https://hub.example/x"), false, false),
            None
        );
        assert!(target_problem(&u("http://hub.example/x"), false, false).is_some());
        assert_eq!(
            target_problem(&u("http://hub.example/x"), true, false),
            None
        );
        assert!(target_problem(&u("https://127.0.0.1/"), false, false).is_some());
        assert!(target_problem(&u("https://[::1]/"), false, false).is_some());
        assert!(target_problem(&u("https://localhost/"), false, false).is_some());
        assert_eq!(target_problem(&u("https://127.0.0.1/"), false, true), None);
        assert!(target_problem(&u("file:///etc/passwd"), true, true).is_some());
        assert!(target_problem(&u("https://u:p@hub.example/"), false, false).is_some());
    }
}
