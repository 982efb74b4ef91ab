//! Webfinger JRD parsing and the lookups discovery does on it: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(jrd) = zot::discovery::Jrd::from_json(data) {
        let _ = jrd.zot6_url();
        let _ = jrd.link(zot::discovery::webfinger::REL_OWA);
        if let Some(pem) = jrd.public_key_pem() {
            let _ = zot::keys::PublicKey::from_pem(pem);
        }
        let _ = serde_json::to_vec(&jrd);
    }
});
