//! The receiver's whole path through the zot crate, as `POST /zot` runs it: the Signature header
//! (plain, or encrypted for our site key), the HTTP signature check over the request with its
//! Digest, the body (encrypted or plain), the envelope, the JSalmon checked with a key, and the
//! activity inside. Input: the header value, a NUL byte, the body. Never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zot::httpsig::{Message, ParsedHeader};
use zot::keys::{PublicKey, RsaKeypair};
use zot::message::Envelope;

static SITE: LazyLock<RsaKeypair> =
    LazyLock::new(|| RsaKeypair::from_private_pem(include_str!("../keys/site_a.pem")).unwrap());
static SITE_PUB: LazyLock<PublicKey> = LazyLock::new(|| SITE.public_key().unwrap());

fn envelope(plain: &[u8]) {
    let Ok(env) = Envelope::from_json(plain) else { return };
    if let Ok(salmon) = env.salmon() {
        let _ = salmon.signer();
        if let Ok(doc) = salmon.verify(&SITE_PUB) {
            if let Ok(act) = zot::activity::Activity::from_value(doc) {
                let _ = (act.actor_id(), act.object_id(), act.in_reply_to(), act.is_public());
            }
        }
    }
    let _ = env.hz_data();
}

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (head, body) = (&data[..cut], data.get(cut + 1..).unwrap_or_default());
    if let Ok(value) = std::str::from_utf8(head)
        && let Ok(parsed) = zot::httpsig::parse_header(value)
    {
        let sig = match parsed {
            ParsedHeader::Plain(h) => Some(h),
            enc @ ParsedHeader::Encrypted { .. } => zot::httpsig::decrypt_header(enc, &SITE).ok(),
        };
        if let Some(sig) = sig {
            let headers = vec![
                ("digest".to_string(), zot::httpsig::digest_header(body)),
                ("content-type".to_string(), "application/x-zot+json".to_string()),
                ("x-zot-token".to_string(), "t".to_string()),
            ];
            let msg = Message { method: "post", path_and_query: "/zot", headers: &headers };
            let _ = zot::httpsig::verify(&msg, &sig, &SITE_PUB, Some(body), 0);
        }
    }
    match zot::crypt::Encrypted::from_json(body) {
        Ok(Some(enc)) => {
            if let Ok(plain) = zot::crypt::decrypt(&enc, &SITE) {
                envelope(&plain);
            }
        }
        Ok(None) => envelope(body),
        Err(_) => {}
    }
});
