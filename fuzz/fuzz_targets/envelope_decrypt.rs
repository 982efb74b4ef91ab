//! Envelope parsing and decryption with our site key: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zot::keys::RsaKeypair;

static SITE: LazyLock<RsaKeypair> =
    LazyLock::new(|| RsaKeypair::from_private_pem(include_str!("../keys/site_a.pem")).unwrap());

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(env)) = zot::crypt::Encrypted::from_json(data) {
        if let Ok(plain) = zot::crypt::decrypt(&env, &SITE) {
            let _ = serde_json::from_slice::<serde_json::Value>(&plain);
        }
    }
});
