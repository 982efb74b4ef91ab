//! `hub zot …`: commands for people debugging federation: compute a portable id, verify the
//! HTTP signature of a captured exchange, decrypt an envelope. Thin wrappers over the `zot`
//! crate; file I/O only here.
//!
//! Capture layouts (as in `tests/fixtures/hubzilla`):
//! - `STEM.request.txt` + `STEM.response.txt` + `STEM.body`: a request and its signed response;
//! - `STEM.http` (request, then `### RESPONSE`) + `STEM.req.body` / `STEM.resp.body`: a
//!   hub-to-hub exchange whose request (and sometimes response) is signed; an encrypted
//!   `Signature` header needs the receiving site's private key (`--site-key`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use zot::capture::{self, Head};
use zot::httpsig::{self, Message, ParsedHeader};
use zot::keys::{PublicKey, RsaKeypair};

/// Subcommands of `hub zot`.
#[derive(Debug, clap::Subcommand)]
pub enum ZotCommand {
    /// Print the portable id (xchan hash) of a channel: base64url(whirlpool(guid . public key PEM)).
    PortableId {
        /// The channel guid (zot `id`).
        #[arg(long)]
        guid: String,
        /// File holding the channel's public key PEM, byte-exact.
        #[arg(long)]
        pubkey: PathBuf,
    },
    /// Verify the HTTP signature of a captured exchange; prints the keyId when valid.
    VerifyCapture {
        /// Capture stem: STEM.http, or STEM.request.txt + STEM.response.txt + STEM.body.
        stem: PathBuf,
        /// The signer's key (public PEM, or a private PEM whose public half is used).
        #[arg(long)]
        key: PathBuf,
        /// The receiving site's private key, to decrypt an encrypted Signature header.
        #[arg(long)]
        site_key: Option<PathBuf>,
    },
    /// Decrypt an encrypted envelope (`{"encrypted":true,"alg","key","iv","data"}`).
    Decrypt {
        /// File holding the envelope JSON.
        file: PathBuf,
        /// The private key it was encrypted to (usually the receiving site's).
        #[arg(long)]
        key: PathBuf,
    },
}

/// Runs one `hub zot` subcommand; the exit code tells success.
pub fn run(cmd: ZotCommand) -> ExitCode {
    let result = match cmd {
        ZotCommand::PortableId { guid, pubkey } => portable_id(&guid, &pubkey),
        ZotCommand::VerifyCapture {
            stem,
            key,
            site_key,
        } => verify_capture(&stem, &key, site_key.as_deref()),
        ZotCommand::Decrypt { file, key } => decrypt(&file, &key),
    };
    match result {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn portable_id(guid: &str, pubkey: &Path) -> Result<String, String> {
    let pem = read(pubkey)?;
    PublicKey::from_pem(&pem).map_err(|e| format!("{}: {e}", pubkey.display()))?;
    Ok(zot::id::portable_id(guid, &pem))
}

/// A public key from a public or private PEM file.
fn public_key(path: &Path) -> Result<PublicKey, String> {
    let pem = read(path)?;
    if pem.contains("PRIVATE KEY") {
        let kp =
            RsaKeypair::from_private_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?;
        kp.public_key().map_err(|e| e.to_string())
    } else {
        PublicKey::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn private_key(path: &Path) -> Result<RsaKeypair, String> {
    RsaKeypair::from_private_pem(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads a capture: (request head, signed head, body of the signed message).
fn load_capture(stem: &Path) -> Result<(Head, Head, Option<Vec<u8>>), String> {
    let with = |ext: &str| PathBuf::from(format!("{}{ext}", stem.display()));
    if with(".http").exists() {
        let raw = std::fs::read(with(".http")).map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&raw).to_string();
        let (request, response) =
            capture::split_http(&text).ok_or("no ### REQUEST section in the capture")?;
        if request.signature().is_some() {
            let body = std::fs::read(with(".req.body")).ok();
            return Ok((request.clone(), request, body));
        }
        let response = response
            .filter(|h| h.signature().is_some())
            .ok_or("neither the request nor the response carries a Signature")?;
        return Ok((request, response, std::fs::read(with(".resp.body")).ok()));
    }
    let request = Head::parse(&read(&with(".request.txt"))?);
    let response = Head::parse(&read(&with(".response.txt"))?);
    if request.signature().is_some() {
        let body = std::fs::read(with(".req.body")).ok();
        return Ok((request.clone(), request, body));
    }
    if response.signature().is_none() {
        return Err("neither the request nor the response carries a Signature".into());
    }
    Ok((request, response, std::fs::read(with(".body")).ok()))
}

fn verify_capture(stem: &Path, key: &Path, site_key: Option<&Path>) -> Result<String, String> {
    let (request, signed, body) = load_capture(stem)?;
    let value = signed.signature().ok_or("no Signature header")?;
    let parsed = httpsig::parse_header(value).map_err(|e| format!("Signature header: {e}"))?;
    let header = match parsed {
        ParsedHeader::Plain(h) => h,
        enc @ ParsedHeader::Encrypted { .. } => {
            let site = site_key.ok_or(
                "the Signature header is encrypted: give the receiving site's key with --site-key",
            )?;
            httpsig::decrypt_header(enc, &private_key(site)?)
                .map_err(|e| format!("decrypting the Signature header: {e}"))?
        }
    };
    let key = public_key(key)?;
    let (method, target) = request.method_and_target();
    let msg = Message {
        method,
        path_and_query: target,
        headers: &signed.headers,
    };
    // A capture is checked as of its own Date, not today's.
    let now = signed
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("date"))
        .and_then(|(_, v)| httpdate::parse_http_date(v).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or_else(|| chrono::Utc::now().timestamp());
    let v = httpsig::verify(&msg, &header, &key, body.as_deref(), now)
        .map_err(|e| format!("signature of keyId {} does not verify: {e}", header.key_id))?;
    Ok(format!(
        "{}\nalgorithm={} headers=\"{}\" body={}",
        v.key_id,
        v.algorithm.label(),
        v.signed_headers.join(" "),
        if v.body_verified {
            "verified by digest"
        } else {
            "not covered"
        }
    ))
}

fn decrypt(file: &Path, key: &Path) -> Result<String, String> {
    let raw = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let env = zot::crypt::Encrypted::from_json(&raw)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .ok_or("not an encrypted envelope (no \"encrypted\": true)")?;
    let plain = zot::crypt::decrypt(&env, &private_key(key)?).map_err(|e| e.to_string())?;
    match serde_json::from_slice::<serde_json::Value>(&plain) {
        Ok(json) => serde_json::to_string_pretty(&json).map_err(|e| e.to_string()),
        Err(_) => Ok(String::from_utf8_lossy(&plain).into_owned()),
    }
}
