//! Checking the HTTP signature of an incoming request (Zot deliveries, signed channel-info
//! fetches): read `Signature` (or `Authorization: Signature`), decrypt it first if it was
//! encrypted for our site key, find the signer's key from its keyId (a channel URL; discovered
//! when unknown, and once more if the stored key fails, for re-installed hubs), verify, and
//! require that a signed Digest matches the body.

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::discovery::{self, Remote};

/// A request as the signature sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Lowercase method.
    pub method: String,
    /// Path and query as sent.
    pub path_and_query: String,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

/// Who signed, and how much the signature covered.
#[derive(Debug, Clone)]
pub struct SignedBy {
    /// The signer's identity (from its keyId).
    pub remote: Remote,
    /// The keyId as sent.
    pub key_id: String,
    /// The Digest was signed and matched the body.
    pub body_verified: bool,
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Whether the request carries a signature at all.
pub fn is_signed(req: &Request) -> bool {
    header(req, "signature").is_some()
        || header(req, "authorization").is_some_and(|a| a.starts_with("Signature "))
}

/// Verifies the request's signature; `Unauthorized` when missing or wrong.
pub async fn verify(ctx: &Ctx, req: &Request) -> Result<SignedBy> {
    let raw = header(req, "signature")
        .map(str::to_string)
        .or_else(|| {
            header(req, "authorization")
                .and_then(|a| a.strip_prefix("Signature "))
                .map(str::to_string)
        })
        .ok_or_else(|| Error::new(ErrorKind::Unauthorized("signature missing")))?;
    let parsed = zot::httpsig::parse_header(&raw)?;
    let sig = match parsed {
        zot::httpsig::ParsedHeader::Plain(h) => h,
        enc @ zot::httpsig::ParsedHeader::Encrypted { .. } => {
            zot::httpsig::decrypt_header(enc, &ctx.site.keypair)?
        }
    };
    let msg = zot::httpsig::Message {
        method: &req.method,
        path_and_query: &req.path_and_query,
        headers: &req.headers,
    };
    let now = ctx.clock.now().timestamp();
    let (remote, key) = discovery::key_for(ctx, &sig.key_id, false).await?;
    let verified = match zot::httpsig::verify(&msg, &sig, &key, Some(&req.body), now) {
        Ok(v) => v,
        Err(first) if first.is_authentication() => {
            // The stored key may be stale (a re-installed hub, a rekeyed channel): ask once more.
            let (remote2, key2) = discovery::key_for(ctx, &sig.key_id, true).await?;
            let v = zot::httpsig::verify(&msg, &sig, &key2, Some(&req.body), now)?;
            return Ok(SignedBy {
                remote: remote2,
                key_id: sig.key_id,
                body_verified: v.body_verified,
            });
        }
        Err(e) => return Err(e.into()),
    };
    Ok(SignedBy {
        remote,
        key_id: sig.key_id,
        body_verified: verified.body_verified,
    })
}
