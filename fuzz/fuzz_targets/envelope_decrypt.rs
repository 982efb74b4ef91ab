//! Envelope handling as the receiver does it: detect an encrypted body, decrypt it with our site
//! key, parse the envelope, and decode its payload (JSalmon or sync data). Never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zot::keys::RsaKeypair;
use zot::message::Envelope;

static SITE: LazyLock<RsaKeypair> =
    LazyLock::new(|| RsaKeypair::from_private_pem(include_str!("../keys/site_a.pem")).unwrap());

fn handle(plain: &[u8]) {
    if let Ok(env) = Envelope::from_json(plain) {
        let _ = env.salmon();
        let _ = env.hz_data();
        let _ = serde_json::to_vec(&env);
    }
}

fuzz_target!(|data: &[u8]| {
    match zot::crypt::Encrypted::from_json(data) {
        Ok(Some(env)) => {
            if let Ok(plain) = zot::crypt::decrypt(&env, &SITE) {
                handle(&plain);
            }
        }
        Ok(None) => handle(data),
        Err(_) => {}
    }
});
