//! Signed activities as they arrive in `activity` envelopes: the JSalmon wrapper (signer,
//! verification, decoding) and the ActivityStreams document inside. Never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use zot::activity::Activity;
use zot::keys::PublicKey;

static BOB: LazyLock<PublicKey> =
    LazyLock::new(|| PublicKey::from_pem(include_str!("../keys/bob.pub.pem")).unwrap());

fn inspect(doc: serde_json::Value) {
    if let Ok(a) = Activity::from_value(doc) {
        let _ = (a.activity_type(), a.actor_id(), a.object_id(), a.in_reply_to(), a.is_public());
        let _ = serde_json::to_vec(&a);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let candidate = value.get("data").cloned().unwrap_or_else(|| value.clone());
    if let Ok(env) = serde_json::from_value::<zot::salmon::JSalmon>(candidate) {
        let _ = env.signer();
        let _ = env.verify(&BOB);
        if let Ok(raw) = zot::encoding::b64url_decode(&env.data) {
            if let Ok(doc) = serde_json::from_slice(&raw) {
                inspect(doc);
            }
        }
    }
    inspect(value);
});
