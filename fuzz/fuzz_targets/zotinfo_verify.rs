//! Channel info and site info parsing and verification: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = zot::discovery::ZotInfo::from_json(data) {
        let _ = info.verify();
        let _ = serde_json::to_vec(&info);
    }
    if let Ok(site) = zot::discovery::SiteInfo::from_json(data) {
        let _ = site.verify();
        let _ = site.site_id();
    }
});
