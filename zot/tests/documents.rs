//! Conformance: every captured discovery document (webfinger, channel info, site info) parses
//! into typed structs, re-serialises to the same JSON (modulo key order), and every `id_sig`,
//! `url_sig` and `site_sig` in it verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use zot::capture::strip_reading_aids;

use zot::discovery::{Jrd, SiteInfo, ZotInfo};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hubzilla")
}

fn files(sub: &str, pred: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir().join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| pred(&p.file_name().unwrap().to_string_lossy()))
        .collect();
    v.sort();
    v
}

fn load(path: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    strip_reading_aids(&mut v);
    v
}

#[test]
fn channel_info_documents_parse_round_trip_and_verify() {
    let mut docs: Vec<PathBuf> = files("a", |n| n.starts_with("zotinfo_") && n.ends_with(".json"));
    // Signed fetches between hubs: the decrypted responses of POST /channel/x.
    docs.extend(files("wire", |n| {
        n.contains("_POST_channel_") && n.ends_with(".resp.decrypted.json")
    }));
    docs.extend(files("wire", |n| {
        n.contains("_POST_channel_") && n.ends_with(".resp.json")
    }));
    let (mut id_sigs, mut url_sigs, mut site_sigs, mut parsed) = (0, 0, 0, 0);
    for path in docs {
        let value = load(&path);
        if value.get("encrypted").is_some() {
            continue; // the decrypted copy is checked instead
        }
        let name = path.display().to_string();
        let info: ZotInfo =
            serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            serde_json::to_value(&info).unwrap(),
            value,
            "{name} round trip"
        );
        parsed += 1;
        let v = info.verify().unwrap_or_else(|e| panic!("{name}: {e}"));
        id_sigs += 1;
        assert_eq!(v.rejected_locations, 0, "{name}");
        url_sigs += v.locations.len();
        if v.site_verified {
            site_sigs += 1;
        }
        // The portable id matches the hash Hubzilla uses as sender in the same session.
        assert_eq!(v.portable_id.len(), 86);
        // Tampering with the guid breaks id_sig.
        let mut bad = info.clone();
        bad.id
            .replace_range(0..1, if bad.id.starts_with('A') { "B" } else { "A" });
        assert!(bad.verify().is_err(), "{name}");
        // A location with a forged URL is dropped, not trusted.
        let mut moved = info.clone();
        if let Some(l) = moved.locations.first_mut() {
            l.url = "https://evil.example".into();
            let mv = moved.verify().unwrap();
            assert_eq!(mv.rejected_locations, 1, "{name}");
        }
    }
    println!(
        "channel info: {parsed} documents, {id_sigs} id_sig, {url_sigs} url_sig, {site_sigs} site_sig verified"
    );
    assert!(
        parsed >= 5 && url_sigs >= parsed && site_sigs == parsed,
        "{parsed} {url_sigs} {site_sigs}"
    );
}

#[test]
fn site_info_parses_round_trips_and_verifies() {
    let path = dir().join("a/siteinfo_zot6_signed.json");
    let value = load(&path);
    let site: SiteInfo = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&site).unwrap(), value);
    site.verify().unwrap();
    assert_eq!(
        site.site_id(),
        "4ATPzIGwexKKdDlLQ6pxgE21fovYgwrsVORXP4WcZ6_UyfQ0Q0q2A4K4Du4euJPH7O1jVJqFswlef5lmww67oQ"
    );
    assert!(site.encryption.iter().any(|a| a == "aes256ctr.oaep"));
    let mut bad = site.clone();
    bad.url.push('x');
    assert!(matches!(bad.verify(), Err(zot::Error::BadSignature)));

    // Our own site block verifies with our verifier.
    let key = zot::keys::RsaKeypair::generate().unwrap();
    let ours = SiteInfo::build("https://caravan.example", &key, Default::default()).unwrap();
    ours.verify().unwrap();
}

#[test]
fn webfinger_documents_parse_and_round_trip() {
    let mut docs = files("a", |n| n.starts_with("webfinger_") && n.ends_with(".json"));
    docs.extend(files("wire", |n| {
        n.contains("webfinger") && n.ends_with(".resp.json")
    }));
    let mut n = 0;
    for path in docs {
        let value = load(&path);
        let name = path.display().to_string();
        let jrd: Jrd =
            serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(serde_json::to_value(&jrd).unwrap(), value, "{name}");
        if jrd.subject.contains("channel") || jrd.subject.starts_with("acct:") {
            assert!(
                jrd.zot6_url().is_some_and(|u| u.contains("/channel/")),
                "{name}"
            );
            let pem = jrd.public_key_pem().unwrap();
            zot::keys::PublicKey::from_pem(pem).unwrap();
        }
        // With zot=1 the channel info is embedded and verifies too.
        if let Some(embedded) = jrd.extra.get("zot") {
            let info: ZotInfo = serde_json::from_value(embedded.clone()).unwrap();
            info.verify()
                .unwrap_or_else(|e| panic!("{name} embedded: {e}"));
        }
        n += 1;
    }
    println!("webfinger: {n} documents");
    assert!(n >= 3);
    assert!(
        Jrd::from_json(b"{\"links\":[]}").is_err(),
        "subject is required"
    );
    assert!(Jrd::from_json(b"[1,2").is_err());
}
