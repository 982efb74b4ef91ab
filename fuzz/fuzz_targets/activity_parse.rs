//! Signed activities (JSalmon) as they arrive in `activity` envelopes: parse, decode the signer,
//! verify, decode the document. Never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zot::keys::PublicKey;

static BOB: LazyLock<PublicKey> =
    LazyLock::new(|| PublicKey::from_pem(include_str!("../keys/bob.pub.pem")).unwrap());

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    // The envelope's `data`, or the document itself.
    let candidate = value.get("data").cloned().unwrap_or(value);
    if let Ok(env) = serde_json::from_value::<zot::salmon::JSalmon>(candidate) {
        let _ = env.signer();
        let _ = env.verify(&BOB);
    }
});
