//! Conformance: every captured `/zot` envelope, the activities inside them, the sync packets and
//! the responses parse into typed structs and re-serialise to the same JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use zot::capture::strip_reading_aids;

use zot::activity::Activity;
use zot::message::{Envelope, MessageType, ZotResponse};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hubzilla/wire")
}

fn load(path: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    strip_reading_aids(&mut v);
    v
}

fn files(suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.contains("_POST_zot.") && n.ends_with(suffix)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_captured_envelope_activity_and_response_round_trips() {
    let (mut envelopes, mut activities, mut syncs, mut responses, mut reports) = (0, 0, 0, 0, 0);
    // Per exchange: the decrypted body where there is one, else the body as sent.
    let pick = |side: &str| -> Vec<PathBuf> {
        files(".http")
            .iter()
            .map(|p| {
                let stem = p.to_string_lossy().trim_end_matches(".http").to_string();
                let decrypted = PathBuf::from(format!("{stem}.{side}.decrypted.json"));
                if decrypted.exists() {
                    decrypted
                } else {
                    PathBuf::from(format!("{stem}.{side}.json"))
                }
            })
            .collect()
    };
    for path in pick("req") {
        let name = path.display().to_string();
        let value = load(&path);
        let env: Envelope =
            serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(serde_json::to_value(&env).unwrap(), value, "{name}");
        assert!(
            !matches!(env.kind, MessageType::Other(_)),
            "{name}: {:?}",
            env.kind
        );
        envelopes += 1;
        match env.encoding.as_deref() {
            Some("activitystreams") => {
                let salmon = env.salmon().unwrap();
                let doc = serde_json::from_slice::<serde_json::Value>(
                    &zot::encoding::b64url_decode(&salmon.data).unwrap(),
                )
                .unwrap();
                let activity =
                    Activity::from_value(doc.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(serde_json::to_value(&activity).unwrap(), doc, "{name}");
                assert!(activity.actor_id().is_some(), "{name}");
                activities += 1;
            }
            Some("hz") => {
                let packet = env.hz_data().unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(packet.is_object() || packet.is_array(), "{name}");
                syncs += 1;
            }
            _ => {}
        }
    }
    for path in pick("resp") {
        let name = path.display().to_string();
        let value = load(&path);
        let resp: ZotResponse =
            serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(serde_json::to_value(&resp).unwrap(), value, "{name}");
        assert!(resp.success, "{name}");
        reports += resp.reports().len();
        responses += 1;
    }
    println!(
        "{envelopes} envelopes ({activities} activities, {syncs} sync packets), \
         {responses} responses with {reports} delivery reports"
    );
    // One envelope and one response per captured POST /zot exchange.
    let exchanges = files(".http").len();
    assert_eq!(envelopes, exchanges);
    assert_eq!(responses, exchanges);
    assert_eq!((activities, syncs, reports), (8, 5, 14));
}

#[test]
fn every_captured_hz_sync_packet_reads_and_its_items_prove_their_authors() {
    let (mut packets, mut items) = (0, 0);
    for path in files(".req.decrypted.json") {
        let env = load(&path);
        if env["type"] != "sync" || env["encoding"] != "hz" {
            continue;
        }
        packets += 1;
        let p = zot::hz::SyncPacket::from_data(&env["data"]).unwrap();
        let sender = env["sender"].as_str().unwrap();
        assert_eq!(p.channel.as_ref().unwrap().channel_hash, sender, "{path:?}");
        assert!(!p.relocate.url.is_empty(), "{path:?}");
        for it in &p.item {
            let (author, owner) = it.check().unwrap();
            assert_eq!(owner, sender, "{path:?}");
            assert_eq!(author, sender, "{path:?}");
            items += 1;
            // Written back, the mirror form keeps what Hubzilla's importer reads.
            let back: zot::hz::Item =
                serde_json::from_value(serde_json::to_value(it).unwrap()).unwrap();
            assert_eq!(&back, it);
        }
        // A body changed after signing is refused.
        if let Some(mut it) = p.item.first().cloned() {
            it.body.push('!');
            assert!(it.check().is_err());
        }
    }
    println!("{packets} hz sync packets, {items} items");
    assert!(
        packets >= 4 && items >= 1,
        "{packets} packets, {items} items"
    );
}
