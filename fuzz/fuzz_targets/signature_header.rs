//! Signature header parsing, decryption of the encrypted form, and verification: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zot::httpsig::{self, Message, ParsedHeader};
use zot::keys::RsaKeypair;

static SITE: LazyLock<RsaKeypair> =
    LazyLock::new(|| RsaKeypair::from_private_pem(include_str!("../keys/site_a.pem")).unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = httpsig::parse_header(text) else { return };
    let header = match parsed {
        ParsedHeader::Plain(h) => h,
        enc => match httpsig::decrypt_header(enc, &SITE) {
            Ok(h) => h,
            Err(_) => return,
        },
    };
    let headers = vec![("digest".to_string(), "SHA-256=AAAA".to_string())];
    let msg = Message { method: "POST", path_and_query: "/zot", headers: &headers };
    let key = SITE.public_key().unwrap();
    let _ = httpsig::verify(&msg, &header, &key, Some(b"{}"), 0);
});
