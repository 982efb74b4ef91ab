//! Channel and site identities are computed exactly as Hubzilla computes them.

use hub_tests::TestNet;

use crate::accounts::PW;

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/hubzilla/keys_throwaway_test_hubs.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).unwrap()
}

#[test]
fn portable_ids_and_site_id_match_the_hubzilla_values() {
    let keys = fixture();
    let a = &keys["hubzilla-a.test"];
    let b = &keys["hubzilla-b.test"];
    // INDEX.md states hub A's site id.
    let site_id = zot::id::site_id(
        a["site_url"].as_str().unwrap(),
        a["site_pubkey"].as_str().unwrap(),
    );
    assert_eq!(
        site_id,
        "4ATPzIGwexKKdDlLQ6pxgE21fovYgwrsVORXP4WcZ6_UyfQ0Q0q2A4K4Du4euJPH7O1jVJqFswlef5lmww67oQ"
    );
    let mut checked = Vec::new();
    for (hub, nick) in [(a, "alice"), (b, "bob")] {
        let ch = hub["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["channel_address"] == nick)
            .unwrap_or_else(|| panic!("{nick} in fixture"));
        let id = zot::id::portable_id(
            ch["channel_guid"].as_str().unwrap(),
            ch["channel_pubkey"].as_str().unwrap(),
        );
        assert_eq!(id, ch["channel_hash"].as_str().unwrap(), "{nick}");
        checked.push(nick);
    }
    assert_eq!(checked, ["alice", "bob"]);
}

#[actix_web::test]
async fn a_new_channel_has_a_consistent_zot_identity() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let a = hub.account("id@example.org", PW).await;
    let ch = hub.channel(a, "ident", "Ident").await;
    assert_eq!(
        ch.channel_hash,
        zot::id::portable_id(&ch.channel_guid, &ch.channel_pubkey)
    );
    assert_eq!(
        ch.channel_guid.len(),
        86,
        "whirlpool digest, base64url without padding"
    );
    assert!(
        ch.channel_pubkey
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );
    assert!(ch.channel_pubkey.ends_with("-----END PUBLIC KEY-----\n"));
    let key = zot::keys::PublicKey::from_pem(&ch.channel_pubkey).unwrap();
    assert!(ch.channel_guid_sig.starts_with("sha256."));
    zot::sign::simple_verify(&key, ch.channel_guid.as_bytes(), &ch.channel_guid_sig).unwrap();
    assert!(zot::sign::simple_verify(&key, b"other", &ch.channel_guid_sig).is_err());
    let site = &hub.ctx().site;
    assert_eq!(
        site.site_id,
        zot::id::site_id(hub.ctx().uris.base(), &site.public_pem)
    );
    // The site key survives a restart: the stored key is loaded, not regenerated.
    let pem = hub::store::site::get_config(&mut hub.ctx().db.conn().unwrap(), "system", "pubkey")
        .unwrap();
    assert_eq!(pem.as_deref(), Some(site.public_pem.as_str()));
    net.stop().await;
}
