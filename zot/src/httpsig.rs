//! HTTP Signatures as Hubzilla uses them (draft-cavage, zot6.md §3.2): build and parse the
//! `Signature` header (or `Authorization: Signature …`), the signing string over a neutral
//! [`Message`], `rsa-sha256` / `rsa-sha512` / `hs2019`, `Digest` (SHA-256 and SHA-512), and the
//! encrypted header form `iv="…",key="…",alg="…",data="…"` addressed to the receiving site.
//!
//! Written here rather than with `http-signature-normalization`: Hubzilla's variants (the
//! encrypted header, response signatures over the *request's* target, `hs2019` resolved by key)
//! need the parsed parts, which that crate keeps to itself.
//!
//! Clock skew: when `date` is among the signed headers it must lie within
//! [`MAX_DATE_SKEW_SECS`] (one day, as Hubzilla) of the `now` the caller passes. Deliveries
//! between Hubzilla hubs sign no `Date`, so they carry no freshness guarantee (zot6.md §3.2).

use aws_lc_rs::digest::{SHA256, SHA512, digest};

use crate::crypt;
use crate::encoding::{b64, b64_decode};
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};

/// Largest accepted Signature header value, in bytes.
pub const MAX_HEADER_LEN: usize = 16 * 1024;
/// Allowed distance between a signed `Date` and now, in seconds.
pub const MAX_DATE_SKEW_SECS: i64 = 24 * 60 * 60;

/// The parts of an HTTP message a signature covers. Header names compare case-insensitively;
/// repeated headers are joined with `, `.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// Request method (for `(request-target)`), e.g. `POST`.
    pub method: &'a str,
    /// Request path with query, e.g. `/zot` (for `(request-target)`).
    pub path_and_query: &'a str,
    /// The headers of the signed message (request headers, or response headers for a signed
    /// response, whose `(request-target)` still names the request).
    pub headers: &'a [(String, String)],
}

/// The neutral request view the hub builds from its framework's request (another name for
/// [`Message`]).
pub type RequestParts<'a> = Message<'a>;

impl Message<'_> {
    /// The value of a header, joined over repeats and trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(", "))
        }
    }
}

/// Signature algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaSha256,
    /// RSA PKCS#1 v1.5 with SHA-512 (Hubzilla's choice for `/zot` deliveries).
    RsaSha512,
    /// Algorithm named by the key; for RSA keys we sign SHA-512 and verify either hash.
    Hs2019,
}

impl Algorithm {
    /// The `algorithm=` label.
    pub fn label(self) -> &'static str {
        match self {
            Self::RsaSha256 => "rsa-sha256",
            Self::RsaSha512 => "rsa-sha512",
            Self::Hs2019 => "hs2019",
        }
    }

    /// Reads a label (case-insensitive).
    pub fn from_label(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "rsa-sha256" => Ok(Self::RsaSha256),
            "rsa-sha512" => Ok(Self::RsaSha512),
            "hs2019" => Ok(Self::Hs2019),
            _ => Err(Error::UnsupportedAlgorithm(s.to_string())),
        }
    }
}

/// A plain (decrypted) Signature header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `keyId`: a channel URL (or the site URL for site-signed responses).
    pub key_id: String,
    /// `algorithm`, if given.
    pub algorithm: Option<String>,
    /// The signed header names, lowercase, in order (`date` when absent, per the draft).
    pub headers: Vec<String>,
    /// The raw signature bytes.
    pub signature: Vec<u8>,
}

/// A Signature header as received: plain, or encrypted for our site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedHeader {
    /// `keyId=…,algorithm=…,headers=…,signature=…`
    Plain(SignatureHeader),
    /// `iv=…,key=…,alg=…,data=…`: decrypt with [`decrypt_header`].
    Encrypted {
        /// Envelope algorithm.
        alg: String,
        /// Encrypted key.
        key: String,
        /// Encrypted IV.
        iv: String,
        /// Encrypted header value.
        data: String,
    },
}

/// What a verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The key that signed.
    pub key_id: String,
    /// The algorithm used.
    pub algorithm: Algorithm,
    /// Headers covered by the signature.
    pub signed_headers: Vec<String>,
    /// Whether a signed `Digest` was checked against the body.
    pub body_verified: bool,
}

/// Splits `k="v",k2="v2"` (quoted or bare values; commas inside quotes kept).
pub fn parse_params(value: &str) -> Result<Vec<(String, String)>> {
    if value.len() > MAX_HEADER_LEN {
        return Err(Error::malformed("Signature header", "too long"));
    }
    let mut out = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| Error::malformed("Signature header", "parameter without ="))?;
        let name = rest[..eq].trim().to_ascii_lowercase();
        if name.is_empty() || name.contains([' ', ',', '"']) {
            return Err(Error::malformed("Signature header", "bad parameter name"));
        }
        rest = &rest[eq + 1..];
        let (val, after) = if let Some(stripped) = rest.strip_prefix('"') {
            let close = stripped
                .find('"')
                .ok_or_else(|| Error::malformed("Signature header", "unterminated quote"))?;
            (&stripped[..close], &stripped[close + 1..])
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            (rest[..end].trim(), &rest[end..])
        };
        out.push((name, val.to_string()));
        rest = after.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        } else if !rest.is_empty() {
            return Err(Error::malformed("Signature header", "junk after a value"));
        }
    }
    Ok(out)
}

/// Parses a `Signature` header value, or an `Authorization` value starting with `Signature `.
pub fn parse_header(value: &str) -> Result<ParsedHeader> {
    let value = value.trim();
    let value = match value.get(..10) {
        Some(p) if p.eq_ignore_ascii_case("signature ") => &value[10..],
        _ => value,
    };
    let params = parse_params(value)?;
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let (Some(iv), Some(key), Some(alg), Some(data)) =
        (get("iv"), get("key"), get("alg"), get("data"))
    {
        return Ok(ParsedHeader::Encrypted { alg, key, iv, data });
    }
    let key_id = get("keyid").ok_or_else(|| Error::malformed("Signature header", "no keyId"))?;
    let signature = b64_decode(
        &get("signature").ok_or_else(|| Error::malformed("Signature header", "no signature"))?,
    )?;
    let headers = match get("headers") {
        Some(h) => h
            .split_whitespace()
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        None => vec!["date".to_string()],
    };
    if headers.is_empty() {
        return Err(Error::malformed("Signature header", "empty headers list"));
    }
    Ok(ParsedHeader::Plain(SignatureHeader {
        key_id,
        algorithm: get("algorithm"),
        headers,
        signature,
    }))
}

/// Decrypts an encrypted Signature header with our site key and parses the result.
pub fn decrypt_header(parsed: ParsedHeader, site_key: &RsaKeypair) -> Result<SignatureHeader> {
    match parsed {
        ParsedHeader::Plain(h) => Ok(h),
        ParsedHeader::Encrypted { alg, key, iv, data } => {
            let plain = crypt::decrypt_parts(&alg, &key, &iv, &data, site_key)?;
            let text = String::from_utf8(plain)
                .map_err(|_| Error::malformed("decrypted Signature header", "not UTF-8"))?;
            match parse_header(&text)? {
                ParsedHeader::Plain(h) => Ok(h),
                ParsedHeader::Encrypted { .. } => Err(Error::malformed(
                    "decrypted Signature header",
                    "encrypted twice",
                )),
            }
        }
    }
}

/// Encrypts a Signature header value for the receiving site (`aes256ctr.oaep`).
pub fn encrypt_header(value: &str, site_key: &PublicKey) -> Result<String> {
    let env = crypt::encrypt(value.as_bytes(), site_key)?;
    Ok(format!(
        "iv=\"{}\",key=\"{}\",alg=\"{}\",data=\"{}\"",
        env.iv, env.key, env.alg, env.data
    ))
}

/// The string that is signed: `name: value` lines joined by `\n`.
pub fn signing_string(msg: &Message<'_>, headers: &[String]) -> Result<String> {
    let mut lines = Vec::with_capacity(headers.len());
    for h in headers {
        if h == "(request-target)" {
            lines.push(format!(
                "(request-target): {} {}",
                msg.method.to_ascii_lowercase(),
                msg.path_and_query
            ));
        } else {
            let v = msg
                .header(h)
                .ok_or_else(|| Error::malformed("signed message", format!("no {h} header")))?;
            lines.push(format!("{h}: {v}"));
        }
    }
    Ok(lines.join("\n"))
}

/// `SHA-256=<base64>` of a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", b64(digest(&SHA256, body).as_ref()))
}

/// Checks a `Digest` header (SHA-256 or SHA-512; several may be listed) against a body.
pub fn check_digest(value: &str, body: &[u8]) -> Result<()> {
    let mut known = false;
    for part in value.split(',') {
        let Some((alg, expected)) = part.trim().split_once('=') else {
            continue;
        };
        let computed = match alg.to_ascii_uppercase().as_str() {
            "SHA-256" => digest(&SHA256, body),
            "SHA-512" => digest(&SHA512, body),
            _ => continue,
        };
        known = true;
        if b64_decode(expected)? != computed.as_ref() {
            return Err(Error::BadSignature);
        }
    }
    if known {
        Ok(())
    } else {
        Err(Error::UnsupportedAlgorithm(format!("Digest {value}")))
    }
}

/// Signs a message and returns the `Signature` header value. `headers` names what to sign, in
/// order (`(request-target)` included as such); each must be present in the message.
pub fn sign(
    msg: &Message<'_>,
    key: &RsaKeypair,
    key_id: &str,
    algorithm: Algorithm,
    headers: &[&str],
) -> Result<String> {
    let names: Vec<String> = headers.iter().map(|h| h.to_ascii_lowercase()).collect();
    let text = signing_string(msg, &names)?;
    let sig = match algorithm {
        Algorithm::RsaSha256 => key.sign_sha256(text.as_bytes())?,
        Algorithm::RsaSha512 | Algorithm::Hs2019 => key.sign_sha512(text.as_bytes())?,
    };
    Ok(format!(
        "keyId=\"{key_id}\",algorithm=\"{}\",headers=\"{}\",signature=\"{}\"",
        algorithm.label(),
        names.join(" "),
        b64(&sig)
    ))
}

/// Verifies a parsed signature over a message with the signer's key. When `digest` is signed
/// and a body is given, the body must match it. `now` (Unix seconds) bounds a signed `Date`.
pub fn verify(
    msg: &Message<'_>,
    header: &SignatureHeader,
    key: &PublicKey,
    body: Option<&[u8]>,
    now: i64,
) -> Result<Verified> {
    let algorithm = Algorithm::from_label(header.algorithm.as_deref().unwrap_or("rsa-sha256"))?;
    let text = signing_string(msg, &header.headers)?;
    match algorithm {
        Algorithm::RsaSha256 => key.verify_sha256(text.as_bytes(), &header.signature)?,
        Algorithm::RsaSha512 => key.verify_sha512(text.as_bytes(), &header.signature)?,
        Algorithm::Hs2019 => key
            .verify_sha512(text.as_bytes(), &header.signature)
            .or_else(|_| key.verify_sha256(text.as_bytes(), &header.signature))?,
    }
    if header.headers.iter().any(|h| h == "date") {
        let date = msg.header("date").unwrap_or_default();
        let when = httpdate::parse_http_date(&date)
            .map_err(|_| Error::malformed("Date header", date.clone()))?;
        let secs = when
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        if (now - secs).abs() > MAX_DATE_SKEW_SECS {
            return Err(Error::Expired);
        }
    }
    let mut body_verified = false;
    if header.headers.iter().any(|h| h == "digest")
        && let Some(body) = body
    {
        let value = msg
            .header("digest")
            .ok_or_else(|| Error::malformed("signed message", "no digest header"))?;
        check_digest(&value, body)?;
        body_verified = true;
    }
    Ok(Verified {
        key_id: header.key_id.clone(),
        algorithm,
        signed_headers: header.headers.clone(),
        body_verified,
    })
}

#[cfg(test)]
mod tests;
