//! Nomadic identity, first part: channel export and import. Hubzilla's own exports (the
//! captured `api/z/1.0/channel/export/basic` and `uexport` files) import with their portable
//! id, profile, connections, permissions, groups and locations; our export round-trips to
//! another hub as a clone (or the primary), whose new location the channel's other location
//! and its connections then learn; bad files are refused with a clear error and nothing half
//! imported.

use hub::service::perms::Audience;
use hub_tests::{TestHub, TestNet};

use crate::accounts::PW;
use crate::federation::{addr, channel};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/hubzilla");
const ALICE_HASH: &str =
    "JzKtsdqM1LX7Psg_i4av82-EcaKLQuuDlPzzwQ32nIMhsEDDhorwBAQCqjEcuVqU2Wf1gOdnr9sh9L5nKxmJrg";
const BOB_HASH: &str =
    "6ZzA2pe6Lk9E28_gAwxE6KEW5y6AGpagNRDAfQcPTd-tBg5b4cMOPuT_w140IgapuzhyGvMhtDwtRTYw7HKHoA";

async fn channels_of(hub: &TestHub, account: i64) -> usize {
    hub::service::channel::of_account(hub.ctx(), account)
        .await
        .unwrap()
        .len()
}

async fn locations(hub: &TestHub, hash: &str) -> Vec<(String, bool)> {
    let h = hash.to_string();
    let mut v: Vec<(String, bool)> = hub
        .ctx()
        .db
        .run(move |c| hub::store::hubloc::find_by_hash(c, &h))
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.hubloc_url, l.hubloc_primary))
        .collect();
    v.sort();
    v
}

#[actix_web::test]
async fn hubzilla_exports_import_with_their_portable_id_profile_and_connections() {
    // Each file on its own hub; the uexport one was taken after alice was cloned to hub B.
    let net = TestNet::start(&["alpha", "beta"]).await;
    for (name, stem, clone_on_b) in [
        ("alpha", "a/channel_export_api_basic", false),
        ("beta", "a/uexport_channel", true),
    ] {
        let hub = net.hub(name);
        let account = hub.account("alice@example.org", PW).await;
        let bytes = std::fs::read(format!("{FIX}/{stem}.body")).unwrap();
        let export = hub::service::import::parse(&bytes).unwrap();
        let done = hub::service::import::import(hub.ctx(), account, export, false)
            .await
            .unwrap();
        let ch = &done.channel;
        assert_eq!(ch.channel_hash, ALICE_HASH, "same portable id");
        assert_eq!(ch.channel_address, "alice");
        assert_eq!(ch.channel_name, "Alice Anderson");
        assert_eq!(ch.channel_role, "personal");
        assert!(done.skipped.is_empty(), "{:?}", done.skipped);
        assert_eq!(done.connections, 1, "bob");
        // Her locations: hub A (primary), her clone on hub B if she had one, and this hub (a
        // clone).
        let mut want = vec![
            (hub.base_url.clone(), false),
            ("https://hubzilla-a.test".into(), true),
        ];
        if clone_on_b {
            want.push(("https://hubzilla-b.test".into(), false));
        }
        assert_eq!(locations(hub, ALICE_HASH).await, want);
        // bob, with the permissions alice gave him and those he gave her.
        let conns = hub::service::connection::list(hub.ctx(), ch).await.unwrap();
        assert_eq!(conns.len(), 1);
        let bob = &conns[0];
        assert_eq!(bob.xchan.xchan_hash, BOB_HASH);
        assert_eq!(bob.xchan.xchan_addr, "bob@hubzilla-b.test");
        assert!(!bob.state.pending && !bob.state.blocked);
        use zot::perms::Permission::*;
        assert!(bob.my_perms.contains(&ViewStream) && bob.my_perms.contains(&PostComments));
        assert!(!bob.my_perms.contains(&WriteStorage) && !bob.my_perms.contains(&Delegate));
        assert!(bob.their_perms.contains(&SendStream));
        assert_eq!(
            locations(hub, BOB_HASH).await,
            vec![("https://hubzilla-b.test".into(), true)]
        );
        // Her "Friends" group, with its id and bob in it.
        let groups = hub::service::connection::groups(hub.ctx(), ch)
            .await
            .unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "Friends");
        assert!(
            groups[0]
                .members
                .iter()
                .any(|m| m.1 == "bob@hubzilla-b.test")
        );
        // Her limits: public views, everything else per connection.
        let limits = hub::service::perms::limits(hub.ctx(), ch).await.unwrap();
        assert_eq!(limits.of(ViewStream), zot::perms::limit::PUBLIC);
        assert_eq!(limits.of(PostComments), zot::perms::limit::SPECIFIC);
        // The channel info this hub now serves lists all three locations, ours signed with her key.
        let info =
            hub::service::zot_info::channel_info(hub.ctx(), "alice", None, "get", "/channel/alice")
                .await
                .unwrap();
        let doc = zot::discovery::ZotInfo::from_json(&info.body).unwrap();
        assert_eq!(doc.id, ch.channel_guid, "the same guid");
        assert_eq!(doc.locations.len(), want.len());
        let key = zot::keys::PublicKey::from_pem(&ch.channel_pubkey).unwrap();
        for l in &doc.locations {
            zot::sign::simple_verify(&key, l.url.as_bytes(), &l.url_sig)
                .unwrap_or_else(|_| panic!("{}: url_sig verifies", l.url));
        }
        // Importing it again: it already lives here; nothing changes.
        let other = hub.account("alice2@example.org", PW).await;
        let e = hub::service::import::import(
            hub.ctx(),
            other,
            hub::service::import::parse(&bytes).unwrap(),
            false,
        )
        .await
        .unwrap_err();
        assert!(
            e.kind.safe_message().contains("already lives on this hub"),
            "{e}"
        );
        assert_eq!(channels_of(hub, other).await, 0, "nothing half imported");
    }
    net.stop().await;
}

#[actix_web::test]
async fn an_export_round_trips_to_another_hub_as_a_clone_and_everyone_learns_the_location() {
    let net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    hub::service::connection::connect(b.ctx(), &bob, &addr(a, "alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(a.ctx(), &alice, &addr(b, "bob"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::create_group(a.ctx(), &alice, "Close")
        .await
        .unwrap();
    hub::service::connection::group_member(a.ctx(), &alice, "Close", &addr(b, "bob"), false)
        .await
        .unwrap();
    hub::service::perms::set_limit(
        a.ctx(),
        &alice,
        zot::perms::Permission::ViewProfile,
        zot::perms::limit::CONTACTS,
    )
    .await
    .unwrap();
    hub::service::item::post(a.ctx(), &alice, "public words", Audience::Public)
        .await
        .unwrap();
    let close = hub::service::item::post(
        a.ctx(),
        &alice,
        "close words",
        Audience::Group("Close".into()),
    )
    .await
    .unwrap();
    net.drain().await;

    // Export on alpha (to a file, as `hub channel export` does), import on gamma.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alice.json");
    let file = std::fs::File::create(&path).unwrap();
    let written = hub::service::export::write(a.ctx(), &alice, file)
        .await
        .unwrap();
    assert_eq!(written, 2);
    let bytes = std::fs::read(&path).unwrap();
    let account = g.account("alice@example.org", PW).await;
    let done = hub::service::import::import(
        g.ctx(),
        account,
        hub::service::import::parse(&bytes).unwrap(),
        false,
    )
    .await
    .unwrap();
    let clone = &done.channel;
    assert_eq!(clone.channel_hash, alice.channel_hash);
    assert_eq!(clone.channel_guid, alice.channel_guid);
    assert_eq!(clone.channel_pubkey, alice.channel_pubkey);
    assert_eq!((done.connections, done.items), (1, 2));
    assert_eq!(
        locations(g, &alice.channel_hash).await,
        vec![(a.base_url.clone(), true), (g.base_url.clone(), false)],
        "a clone: alpha stays the primary"
    );
    // The restricted post keeps its list, and the group its id: bob sees it on the clone too.
    let copy = hub::service::item::by_uuid(
        g.ctx(),
        &hub::service::item::uuid_of(g.ctx(), clone, &close.mid)
            .await
            .unwrap(),
        &hub::service::perms::Observer::Identity(bob.channel_hash.clone()),
    )
    .await;
    assert!(
        copy.is_ok(),
        "bob, in the group, sees the group post on the clone"
    );
    let anon = hub::service::item::by_uuid(
        g.ctx(),
        &hub::service::item::uuid_of(g.ctx(), clone, &close.mid)
            .await
            .unwrap(),
        &hub::service::perms::Observer::Anonymous,
    )
    .await;
    assert!(anon.is_err());
    let limits = hub::service::perms::limits(g.ctx(), clone).await.unwrap();
    assert_eq!(
        limits.of(zot::perms::Permission::ViewProfile),
        zot::perms::limit::CONTACTS
    );
    // The refresh reaches alpha (another location of alice) and bob's hub: both now know the
    // new location.
    net.drain().await;
    assert_eq!(
        locations(a, &alice.channel_hash).await,
        vec![(a.base_url.clone(), true), (g.base_url.clone(), false)],
        "alpha learned the clone"
    );
    assert_eq!(
        locations(b, &alice.channel_hash).await,
        vec![(a.base_url.clone(), true), (g.base_url.clone(), false)],
        "bob's hub learned the clone"
    );
    // The clone starts where the export left off: the same objects, states and cursors.
    in_step(a, &alice, g, clone).await;
    // A second import of the same channel on gamma is refused, and changes nothing.
    let again = hub::service::import::import(
        g.ctx(),
        account,
        hub::service::import::parse(&bytes).unwrap(),
        false,
    )
    .await
    .unwrap_err();
    assert!(again.kind.safe_message().contains("already lives"));
    assert_eq!(channels_of(g, account).await, 1);
    net.stop().await;
}

#[actix_web::test]
async fn an_import_with_primary_takes_the_primary() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let file = tempfile::NamedTempFile::new().unwrap();
    hub::service::export::write(a.ctx(), &alice, file.reopen().unwrap())
        .await
        .unwrap();
    let bytes = std::fs::read(file.path()).unwrap();
    let account = b.account("alice@example.org", PW).await;
    let done = hub::service::import::import(
        b.ctx(),
        account,
        hub::service::import::parse(&bytes).unwrap(),
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        locations(b, &alice.channel_hash).await,
        vec![(a.base_url.clone(), false), (b.base_url.clone(), true)]
    );
    let info =
        hub::service::zot_info::channel_info(b.ctx(), "alice", None, "get", "/channel/alice")
            .await
            .unwrap();
    let doc = zot::discovery::ZotInfo::from_json(&info.body).unwrap();
    let primary = doc
        .locations
        .iter()
        .find(|l| l.primary == true || l.primary == 1 || l.primary == "1")
        .unwrap();
    assert_eq!(primary.url, b.base_url);
    let _ = done;
    net.stop().await;
}

/// Gzips bytes.
fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[actix_web::test]
async fn bad_export_files_are_refused_clearly_and_nothing_is_half_imported() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let account = hub.account("importer@example.org", PW).await;
    let good = std::fs::read(format!("{FIX}/a/channel_export_api_basic.body")).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    let other_key = zot::keys::RsaKeypair::generate().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            "not a complete channel export",
        ),
        (
            "not JSON",
            b"<html>hello</html>".to_vec(),
            "not a complete channel export",
        ),
        (
            "damaged gzip",
            {
                let mut z = gzip(&good);
                let n = z.len();
                z.truncate(n / 2);
                z
            },
            "damaged gzip",
        ),
        (
            "tampered guid",
            with(&|v| v["channel"]["channel_guid"] = "x".repeat(86).into()),
            "portable id does not match",
        ),
        (
            "foreign private key",
            with(&|v| v["channel"]["channel_prvkey"] = other_key.private_pem().into()),
            "does not belong",
        ),
        (
            "Zap export",
            with(&|v| v["compatibility"]["codebase"] = "zap".into()),
            "zap export",
        ),
        (
            "old Hubzilla",
            with(&|v| v["compatibility"]["version"] = "4.6".into()),
            "predate Zot6",
        ),
        (
            "newer Caravan format",
            with(&|v| {
                v["compatibility"]["project"] = "caravan".into();
                v["compatibility"]["database"] = "99".into();
            }),
            "newer Caravan format",
        ),
        (
            "no identity",
            br#"{"compatibility":{"project":"hubzilla","version":"8.9"}}"#.to_vec(),
            "no identity",
        ),
    ];
    for (what, bytes, says) in cases {
        let r = match hub::service::import::parse(&bytes) {
            Ok(e) => hub::service::import::import(hub.ctx(), account, e, false).await,
            Err(e) => Err(e),
        };
        let e = r.expect_err(what);
        assert!(
            e.kind.safe_message().contains(says),
            "{what}: {}",
            e.kind.safe_message()
        );
        assert_eq!(
            channels_of(hub, account).await,
            0,
            "{what}: nothing imported"
        );
    }
    // A gzip bomb stops at the limit (a small limit here; the real one is 256 MiB).
    let bomb = gzip(&vec![b' '; 3 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024);
    let e = hub::service::import::parse_at_most(&bomb, 1024 * 1024).unwrap_err();
    assert!(e.kind.safe_message().contains("larger than 1 MiB"), "{e}");
    // A gzipped good export is fine.
    let fine = hub::service::import::parse(&gzip(&good)).unwrap();
    assert_eq!(fine.channel.channel_hash, ALICE_HASH);
    net.stop().await;
}

/// alice on alpha, connected with carol on beta, cloned to gamma.
async fn cloned() -> (
    TestNet,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
) {
    let net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let carol = channel(b, "carol").await;
    hub::service::connection::connect(b.ctx(), &carol, &addr(a, "alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(a.ctx(), &alice, &addr(b, "carol"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let file = tempfile::NamedTempFile::new().unwrap();
    hub::service::export::write(a.ctx(), &alice, file.reopen().unwrap())
        .await
        .unwrap();
    let account = g.account("alice@example.org", PW).await;
    let clone = hub::service::import::import(
        g.ctx(),
        account,
        hub::service::import::parse(&std::fs::read(file.path()).unwrap()).unwrap(),
        false,
    )
    .await
    .unwrap()
    .channel;
    net.drain().await;
    (net, alice, clone, carol)
}

async fn bodies(hub: &TestHub, ch: &hub::service::channel::Channel) -> Vec<String> {
    let id = ch.channel_id;
    let mut v: Vec<String> = hub
        .ctx()
        .db
        .run(move |c| hub::store::item::page_by_id(c, id, 0, 10_000))
        .await
        .unwrap()
        .into_iter()
        .filter(|i| !i.item_deleted)
        .map(|i| i.body)
        .collect();
    v.sort();
    v
}

/// Delivers everything, moving the clock past any backoff, until every queue is empty.
async fn settle(net: &TestNet) {
    for _ in 0..10 {
        net.drain().await;
        let mut waiting = 0;
        for h in &net.hubs {
            for (_, depth, _) in hub::queue::status(h.ctx()).await.unwrap() {
                waiting += depth;
            }
        }
        if waiting == 0 {
            return;
        }
        net.clock.advance(std::time::Duration::from_secs(3700));
    }
    let mut left = Vec::new();
    for h in &net.hubs {
        for (d, depth, _) in hub::queue::status(h.ctx()).await.unwrap() {
            if depth > 0 {
                left.push(format!(
                    "{} -> {}: {depth} ({:?})",
                    h.name, d.dest_url, d.dest_last_error
                ));
            }
        }
    }
    panic!("the queues did not empty: {left:?}");
}

async fn in_step(
    a: &TestHub,
    x: &hub::service::channel::Channel,
    b: &TestHub,
    y: &hub::service::channel::Channel,
) {
    let (sa, sb) = (
        hub::service::sync::local_state(a.ctx(), x).await.unwrap(),
        hub::service::sync::local_state(b.ctx(), y).await.unwrap(),
    );
    assert_eq!(sa.kinds, sb.kinds, "the same objects in the same states");
    assert_eq!(
        sa.cursors, sb.cursors,
        "each has seen every change of the other"
    );
}

#[actix_web::test]
async fn clones_stay_in_step_both_ways_and_their_connections_get_each_post_once() {
    let (net, alice, clone, carol) = cloned().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let p1 = hub::service::item::post(a.ctx(), &alice, "made on alpha", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert!(
        bodies(g, &clone)
            .await
            .contains(&"made on alpha".to_string()),
        "alpha → gamma"
    );
    let p2 = hub::service::item::post(g.ctx(), &clone, "made on gamma", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert!(
        bodies(a, &alice)
            .await
            .contains(&"made on gamma".to_string()),
        "gamma → alpha"
    );
    // carol has each post once, whichever location sent it.
    let carols = bodies(b, &carol).await;
    assert_eq!(
        carols.iter().filter(|t| *t == "made on alpha").count(),
        1,
        "{carols:?}"
    );
    assert_eq!(
        carols.iter().filter(|t| *t == "made on gamma").count(),
        1,
        "{carols:?}"
    );
    // carol's reply to the post made on gamma reaches alice on both locations.
    let on_beta = hub::service::item::uuid_of(b.ctx(), &carol, &p2.mid)
        .await
        .unwrap();
    hub::service::item::respond(b.ctx(), &carol, &on_beta, "Create", "carol answers")
        .await
        .unwrap();
    net.drain().await;
    assert!(
        bodies(a, &alice)
            .await
            .contains(&"carol answers".to_string())
    );
    assert!(
        bodies(g, &clone)
            .await
            .contains(&"carol answers".to_string())
    );
    // An edit on alpha and a deletion on gamma, each reaches the other.
    hub::service::item::edit(a.ctx(), &alice, &p1.uuid, Some("made on alpha, edited"))
        .await
        .unwrap();
    let on_gamma = hub::service::item::uuid_of(g.ctx(), &clone, &p2.mid)
        .await
        .unwrap();
    hub::service::item::edit(g.ctx(), &clone, &on_gamma, None)
        .await
        .unwrap();
    net.drain().await;
    let (ba, bg) = (bodies(a, &alice).await, bodies(g, &clone).await);
    assert!(
        ba.contains(&"made on alpha, edited".to_string())
            && bg.contains(&"made on alpha, edited".to_string())
    );
    assert!(
        !ba.contains(&"made on gamma".to_string()) && !bg.contains(&"made on gamma".to_string())
    );
    // A profile edit on either location reaches the other.
    let edit = |name: &str, about: &str| hub::service::channel::ProfileEdit {
        name: name.into(),
        about: about.into(),
        homepage: "https://alice.example/".into(),
        locality: "Lisbon".into(),
    };
    hub::service::channel::update_profile(a.ctx(), &alice, edit("Alice A.", "edited on alpha"))
        .await
        .unwrap();
    net.drain().await;
    let on_gamma = hub::service::channel::profile(g.ctx(), clone.channel_id)
        .await
        .unwrap();
    assert_eq!(on_gamma.profile.about, "edited on alpha");
    assert_eq!(on_gamma.profile.locality, "Lisbon");
    let renamed = hub::service::channel::by_nick(g.ctx(), &clone.channel_address)
        .await
        .unwrap();
    assert_eq!(renamed.channel_name, "Alice A.");
    hub::service::channel::update_profile(g.ctx(), &renamed, edit("Alice G.", "edited on gamma"))
        .await
        .unwrap();
    net.drain().await;
    let on_alpha = hub::service::channel::profile(a.ctx(), alice.channel_id)
        .await
        .unwrap();
    assert_eq!(on_alpha.profile.about, "edited on gamma");
    assert_eq!(
        hub::service::channel::by_nick(a.ctx(), "alice")
            .await
            .unwrap()
            .channel_name,
        "Alice G."
    );
    in_step(a, &alice, g, &clone).await;
    net.stop().await;
}

#[actix_web::test]
async fn a_clone_that_was_down_while_500_changes_happened_catches_up_exactly() {
    let (mut net, alice, clone, _carol) = cloned().await;
    // The changes made before (the connection alice approved) travelled in the export.
    let base = store_last_seq(net.hub("alpha"), &alice).await;
    net.hub_mut("gamma").stop().await;
    let a = net.hub("alpha");
    let mut mids = Vec::new();
    for n in 0..420 {
        let p = hub::service::item::post(
            a.ctx(),
            &alice,
            &format!("while gamma was down {n:03}"),
            Audience::Public,
        )
        .await
        .unwrap();
        mids.push(p);
    }
    for p in mids.iter().take(40) {
        hub::service::item::edit(
            a.ctx(),
            &alice,
            &p.uuid,
            Some(&format!("{} (edited)", p.body)),
        )
        .await
        .unwrap();
    }
    for p in mids.iter().skip(380) {
        hub::service::item::edit(a.ctx(), &alice, &p.uuid, None)
            .await
            .unwrap();
    }
    net.drain().await;
    // Seen from alpha meanwhile: gamma cannot be asked.
    let report = hub::service::sync::compare(net.hub("alpha").ctx(), &alice)
        .await
        .unwrap();
    assert!(!report.in_sync());
    assert!(
        report.peers[0].verdict[0].starts_with("not reachable"),
        "{:?}",
        report.peers
    );
    net.hub_mut("gamma").restart().await;
    // Back, before the queue has caught up: gamma says what it has not seen.
    let report = hub::service::sync::compare(net.hub("gamma").ctx(), &clone)
        .await
        .unwrap();
    assert!(
        report.peers[0].verdict.iter().any(|v| v.contains(&format!(
            "this location has seen {base} of the {} changes",
            base + 500
        ))),
        "{:?}",
        report.peers[0].verdict
    );
    assert!(
        report.peers[0]
            .verdict
            .iter()
            .any(|v| v.starts_with("items: 0 here, 420 there"))
    );
    settle(&net).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    for (hub, ch) in [(a, &alice), (g, &clone)] {
        let report = hub::service::sync::compare(hub.ctx(), ch).await.unwrap();
        assert!(report.in_sync(), "{:?}", report.peers);
        assert_eq!(report.peers.len(), 1);
    }
    let on_gamma = bodies(g, &clone).await;
    assert_eq!(
        on_gamma,
        bodies(a, &alice).await,
        "gamma holds exactly what alpha holds"
    );
    assert_eq!(on_gamma.len(), 380);
    assert_eq!(
        on_gamma.iter().filter(|b| b.ends_with("(edited)")).count(),
        40
    );
    in_step(a, &alice, g, &clone).await;
    let state = hub::service::sync::local_state(g.ctx(), &clone)
        .await
        .unwrap();
    let from_alpha = state
        .cursors
        .iter()
        .find(|(o, ..)| *o == a.ctx().site.site_id)
        .unwrap();
    assert_eq!(
        (from_alpha.1, from_alpha.2),
        (base + 500, base + 500),
        "and 420 posts, 40 edits, 40 deletions: each number once"
    );
    net.stop().await;
}

#[actix_web::test]
async fn concurrent_edits_on_two_cut_off_locations_converge_by_the_rule() {
    let (mut net, alice, clone, _carol) = cloned().await;
    let post = {
        let a = net.hub("alpha");
        let p = hub::service::item::post(a.ctx(), &alice, "original", Audience::Public)
            .await
            .unwrap();
        net.drain().await;
        p
    };
    // Cut off from each other: both edit the same post; gamma's edit is the later one.
    net.hub_mut("gamma").stop().await;
    hub::service::item::edit(
        net.hub("alpha").ctx(),
        &alice,
        &post.uuid,
        Some("alpha's edit"),
    )
    .await
    .unwrap();
    net.drain().await;
    net.hub_mut("alpha").stop().await;
    net.hub_mut("gamma").restart().await;
    net.clock.advance(std::time::Duration::from_secs(5));
    let g = net.hub("gamma");
    let on_gamma = hub::service::item::uuid_of(g.ctx(), &clone, &post.mid)
        .await
        .unwrap();
    hub::service::item::edit(g.ctx(), &clone, &on_gamma, Some("gamma's edit"))
        .await
        .unwrap();
    // A second post: edited on gamma, deleted on alpha; the deletion wins.
    net.hub_mut("alpha").restart().await;
    settle(&net).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    assert_eq!(bodies(a, &alice).await, vec!["gamma's edit".to_string()]);
    assert_eq!(bodies(g, &clone).await, vec!["gamma's edit".to_string()]);
    let p2 = hub::service::item::post(a.ctx(), &alice, "second", Audience::Public)
        .await
        .unwrap();
    settle(&net).await;
    net.hub_mut("alpha").stop().await;
    let g = net.hub("gamma");
    let p2g = hub::service::item::uuid_of(g.ctx(), &clone, &p2.mid)
        .await
        .unwrap();
    net.clock.advance(std::time::Duration::from_secs(5));
    hub::service::item::edit(g.ctx(), &clone, &p2g, Some("second, edited later"))
        .await
        .unwrap();
    net.hub_mut("gamma").stop().await;
    net.hub_mut("alpha").restart().await;
    hub::service::item::edit(net.hub("alpha").ctx(), &alice, &p2.uuid, None)
        .await
        .unwrap();
    net.hub_mut("gamma").restart().await;
    settle(&net).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    assert_eq!(
        bodies(a, &alice).await,
        vec!["gamma's edit".to_string()],
        "the deletion won"
    );
    assert_eq!(bodies(g, &clone).await, vec!["gamma's edit".to_string()]);
    in_step(a, &alice, g, &clone).await;
    net.stop().await;
}

/// Queues a raw envelope on `from` for `to`'s Zot endpoint (the queue signs and sends it as
/// `channel`), and delivers it; returns the receiver's answer as recorded on the queue row.
async fn send_raw(
    net: &TestNet,
    from: &TestHub,
    channel: &hub::service::channel::Channel,
    to: &TestHub,
    env: &zot::message::Envelope,
) -> (String, String) {
    let dest = to.ctx().uris.zot_endpoint();
    let json = serde_json::to_string(env).unwrap();
    let (id, now) = (channel.channel_id, from.ctx().clock.now_db());
    let d2 = dest.clone();
    let row = from
        .ctx()
        .db
        .tx(move |c| hub::store::outq::enqueue(c, &d2, id, &json, true, "", now))
        .await
        .unwrap();
    net.drain().await;
    let rows = from
        .ctx()
        .db
        .run(move |c| hub::store::outq::find_by_dest_all(c, &dest))
        .await
        .unwrap();
    let r = rows.into_iter().find(|r| r.outq_id == row).unwrap();
    (r.outq_status, r.outq_detail)
}

#[actix_web::test]
async fn sync_messages_from_strangers_for_other_origins_or_replayed_change_nothing() {
    let (net, alice, clone, carol) = cloned().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    hub::service::item::post(a.ctx(), &alice, "the real one", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    let before = hub::service::sync::local_state(g.ctx(), &clone)
        .await
        .unwrap();
    let packet = |origin: &str, seq: i64, text: &str| {
        let body = serde_json::json!({
            "mid": format!("{}/item/forged-{seq}", a.base_url),
            "parent_mid": format!("{}/item/forged-{seq}", a.base_url),
            "author_xchan": alice.channel_hash,
            "owner_xchan": alice.channel_hash,
            "body": text, "html": text, "verb": "Create",
            "created": "2026-11-22 10:00:00", "edited": "2026-11-22 10:00:00",
        });
        serde_json::json!({"changes": [{
            "origin": origin, "seq": seq, "kind": "item",
            "obj": format!("{}/item/forged-{seq}", a.base_url), "hlc": 1, "body": body,
        }]})
    };
    // carol (not alice) sends a sync for alice: refused.
    let env = zot::message::Envelope::new(
        zot::message::MessageType::Sync,
        &carol.channel_hash,
        &b.ctx().site.site_id,
    )
    .with_recipients(vec![alice.channel_hash.clone()])
    .with_data(
        "caravan",
        packet(&b.ctx().site.site_id, 1, "forged by carol"),
    );
    let (status, detail) = send_raw(&net, b, &carol, g, &env).await;
    assert_eq!(
        (status.as_str(), detail.as_str()),
        ("failed", "HTTP 401"),
        "channel mismatch"
    );
    // alice's location alpha sends a change claiming to come from gamma: refused.
    let env = zot::message::Envelope::new(
        zot::message::MessageType::Sync,
        &alice.channel_hash,
        &a.ctx().site.site_id,
    )
    .with_recipients(vec![alice.channel_hash.clone()])
    .with_data(
        "caravan",
        packet(&g.ctx().site.site_id, 99, "claims another origin"),
    );
    let (status, detail) = send_raw(&net, a, &alice, g, &env).await;
    assert_eq!(
        (status.as_str(), detail.as_str()),
        ("failed", "HTTP 401"),
        "not its own change"
    );
    // An unknown encoding: refused.
    let env = zot::message::Envelope::new(
        zot::message::MessageType::Sync,
        &alice.channel_hash,
        &a.ctx().site.site_id,
    )
    .with_recipients(vec![alice.channel_hash.clone()])
    .with_data("zap", serde_json::json!({"item": []}));
    let (status, detail) = send_raw(&net, a, &alice, g, &env).await;
    assert_eq!(
        (status.as_str(), detail.as_str()),
        ("failed", "HTTP 400"),
        "unknown encoding"
    );
    let after = hub::service::sync::local_state(g.ctx(), &clone)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing changed on gamma");
    // A change alpha really sent, replayed: applied once only.
    let seq = store_last_seq(a, &alice).await;
    let env = zot::message::Envelope::new(
        zot::message::MessageType::Sync,
        &alice.channel_hash,
        &a.ctx().site.site_id,
    )
    .with_recipients(vec![alice.channel_hash.clone()])
    .with_data(
        "caravan",
        packet(&a.ctx().site.site_id, seq, "replayed number"),
    );
    send_raw(&net, a, &alice, g, &env).await;
    assert_eq!(
        hub::service::sync::local_state(g.ctx(), &clone)
            .await
            .unwrap(),
        after,
        "a number already seen is not applied again"
    );
    assert!(
        !bodies(g, &clone)
            .await
            .iter()
            .any(|b| b.contains("forged") || b.contains("replayed"))
    );
    net.stop().await;
}

async fn store_last_seq(hub: &TestHub, ch: &hub::service::channel::Channel) -> i64 {
    let (id, site) = (ch.channel_id, hub.ctx().site.site_id.clone());
    hub.ctx()
        .db
        .run(move |c| hub::store::changelog::last_seq(c, id, &site))
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_clone_takes_over_while_the_primary_is_down_and_the_old_primary_steps_down() {
    let (mut net, alice, clone, carol) = cloned().await;
    net.hub_mut("alpha").stop().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    hub::service::locations::make_primary_here(g.ctx(), &clone)
        .await
        .unwrap();
    settle_running(&net).await;
    let want = vec![(a.base_url.clone(), false), (g.base_url.clone(), true)];
    assert_eq!(locations(g, &alice.channel_hash).await, want);
    assert_eq!(
        locations(b, &alice.channel_hash).await,
        want,
        "carol's hub follows"
    );
    // alice carries on from gamma: carol gets the post, and her reply reaches alice there.
    let p = hub::service::item::post(g.ctx(), &clone, "from the new primary", Audience::Public)
        .await
        .unwrap();
    settle_running(&net).await;
    assert!(
        bodies(b, &carol)
            .await
            .contains(&"from the new primary".to_string())
    );
    let on_beta = hub::service::item::uuid_of(b.ctx(), &carol, &p.mid)
        .await
        .unwrap();
    hub::service::item::respond(
        b.ctx(),
        &carol,
        &on_beta,
        "Create",
        "carol to the new primary",
    )
    .await
    .unwrap();
    settle_running(&net).await;
    assert!(
        bodies(g, &clone)
            .await
            .contains(&"carol to the new primary".to_string())
    );
    // alpha comes back: it accepts gamma as the primary and catches up.
    net.hub_mut("alpha").restart().await;
    settle(&net).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    assert_eq!(
        locations(a, &alice.channel_hash).await,
        want,
        "the old primary stepped down"
    );
    let on_alpha = bodies(a, &alice).await;
    assert!(
        on_alpha.contains(&"from the new primary".to_string()),
        "{on_alpha:?}"
    );
    assert!(
        on_alpha.contains(&"carol to the new primary".to_string()),
        "{on_alpha:?}"
    );
    in_step(a, &alice, g, &clone).await;
    let xchan = {
        let h = alice.channel_hash.clone();
        a.ctx()
            .db
            .run(move |c| hub::store::xchan::find(c, &h))
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(
        xchan.xchan_url,
        g.ctx().uris.channel("alice"),
        "alpha points at gamma"
    );
    net.stop().await;
}

/// Like [`settle`], for a network with a hub down: delivers what can be delivered now.
async fn settle_running(net: &TestNet) {
    net.drain().await;
    net.clock.advance(std::time::Duration::from_secs(3700));
    net.drain().await;
}

#[actix_web::test]
async fn connections_permissions_and_groups_changed_at_one_location_reach_the_other() {
    let (net, alice, clone, _carol) = cloned().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let dan = channel(b, "dan").await;
    // A new connection made on alpha (dan approves it on beta).
    hub::service::connection::connect(a.ctx(), &alice, &addr(b, "dan"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(b.ctx(), &dan, &addr(a, "alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let perms: std::collections::BTreeSet<_> = [
        zot::perms::Permission::ViewStream,
        zot::perms::Permission::PostComments,
    ]
    .into_iter()
    .collect();
    hub::service::connection::set_permissions(a.ctx(), &alice, &addr(b, "dan"), perms.clone())
        .await
        .unwrap();
    hub::service::connection::create_group(a.ctx(), &alice, "Neighbours")
        .await
        .unwrap();
    hub::service::connection::group_member(a.ctx(), &alice, "Neighbours", &addr(b, "dan"), false)
        .await
        .unwrap();
    net.drain().await;
    let on_gamma = hub::service::connection::list(g.ctx(), &clone)
        .await
        .unwrap();
    let d = on_gamma
        .iter()
        .find(|c| c.xchan.xchan_hash == dan.channel_hash)
        .expect("dan is a connection on gamma too");
    assert_eq!(d.my_perms, perms, "with what alice granted him on alpha");
    let groups = hub::service::connection::groups(g.ctx(), &clone)
        .await
        .unwrap();
    let n = groups
        .iter()
        .find(|g| g.name == "Neighbours")
        .expect("the group too");
    assert!(n.members.iter().any(|m| m.1 == addr(b, "dan")));
    // And back: gamma blocks dan and takes him out of the group.
    hub::service::connection::change_state(
        g.ctx(),
        &clone,
        &addr(b, "dan"),
        hub::service::connection::StateChange::Block,
    )
    .await
    .unwrap();
    hub::service::connection::group_member(g.ctx(), &clone, "Neighbours", &addr(b, "dan"), true)
        .await
        .unwrap();
    net.drain().await;
    let on_alpha = hub::service::connection::list(a.ctx(), &alice)
        .await
        .unwrap();
    assert!(
        on_alpha
            .iter()
            .find(|c| c.xchan.xchan_hash == dan.channel_hash)
            .unwrap()
            .state
            .blocked
    );
    let groups = hub::service::connection::groups(a.ctx(), &alice)
        .await
        .unwrap();
    assert!(
        groups
            .iter()
            .find(|g| g.name == "Neighbours")
            .unwrap()
            .members
            .is_empty()
    );
    in_step(a, &alice, g, &clone).await;
    net.stop().await;
}

#[actix_web::test]
async fn the_locations_page_shows_where_the_channel_lives_and_moves_the_primary() {
    let (net, alice, _clone, _carol) = cloned().await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    let browser = g.browser();
    browser.login("alice@example.org", PW).await;
    let page = browser.get("/channel/alice/locations").await;
    page.expect_status(200);
    assert!(
        page.has(&a.base_url) && page.has(&g.base_url),
        "{}",
        page.body
    );
    assert!(page.has("All locations are in sync"), "{}", page.body);
    assert!(page.has("Make this hub the primary"));
    let r = browser
        .submit(
            "/channel/alice/locations",
            "/channel/alice/locations/primary",
            &[],
        )
        .await;
    r.expect_status(303);
    net.drain().await;
    assert_eq!(
        locations(a, &alice.channel_hash).await,
        vec![(a.base_url.clone(), false), (g.base_url.clone(), true)],
        "alpha follows the move made on gamma's page"
    );
    let page = browser.get("/channel/alice/locations").await;
    assert!(
        !page.has("Make this hub the primary"),
        "already the primary"
    );
    // Only the owner sees the page.
    let anon = g.browser().get("/channel/alice/locations").await;
    assert_ne!(anon.status, 200);
    net.stop().await;
}

async fn item_on(
    hub: &TestHub,
    ch: &hub::service::channel::Channel,
    mid: &str,
) -> Option<hub::store::item::Item> {
    let (id, mid) = (ch.channel_id, mid.to_string());
    hub.ctx()
        .db
        .run(move |c| hub::store::item::find_by_uid_mid(c, id, &mid))
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_private_posts_access_list_survives_the_clone_and_the_move() {
    use hub::service::perms::Observer;
    let (net, alice, clone, carol) = cloned().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let dave = channel(b, "dave").await;
    let only_carol = Audience::Channels(vec![carol.channel_hash.clone()]);
    let p = hub::service::item::post(a.ctx(), &alice, "for carol, before", only_carol.clone())
        .await
        .unwrap();
    settle(&net).await;
    // The clone has it, restricted to carol as on alpha.
    let on_g = item_on(g, &clone, &p.mid)
        .await
        .expect("synced to the clone");
    assert!(on_g.item_private);
    assert_eq!(on_g.allow_cid, format!("<{}>", carol.channel_hash));
    // The move: gamma becomes the primary.
    hub::service::locations::make_primary_here(g.ctx(), &clone)
        .await
        .unwrap();
    settle(&net).await;
    let seen = |hub: &TestHub, uuid: String, who: Observer| {
        let ctx = hub.ctx().clone();
        async move {
            hub::service::item::permalink(&ctx, &uuid, &who)
                .await
                .is_ok()
        }
    };
    // On the new primary, carol sees the old post; dave and anonymous do not.
    assert!(
        seen(
            g,
            on_g.uuid.clone(),
            Observer::Identity(carol.channel_hash.clone())
        )
        .await
    );
    assert!(
        !seen(
            g,
            on_g.uuid.clone(),
            Observer::Identity(dave.channel_hash.clone())
        )
        .await
    );
    assert!(!seen(g, on_g.uuid.clone(), Observer::Anonymous).await);
    // A private post made after the move, on gamma: carol gets it, restricted; dave does not;
    // alpha (now a clone) has it with the same access list.
    let q = hub::service::item::post(g.ctx(), &clone, "for carol, after", only_carol)
        .await
        .unwrap();
    settle(&net).await;
    let at_carol = item_on(b, &carol, &q.mid).await.expect("carol got it");
    assert!(at_carol.item_private);
    assert!(item_on(b, &dave, &q.mid).await.is_none());
    let on_a = item_on(a, &alice, &q.mid)
        .await
        .expect("synced back to alpha");
    assert!(on_a.item_private);
    assert_eq!(on_a.allow_cid, format!("<{}>", carol.channel_hash));
    assert!(!seen(a, on_a.uuid.clone(), Observer::Anonymous).await);
    in_step(a, &alice, g, &clone).await;
    net.stop().await;
}

#[actix_web::test]
async fn a_location_leaves_the_channel_lives_on_and_a_re_import_brings_it_back() {
    let (net, alice, clone, carol) = cloned().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    // The primary cannot leave while a clone remains.
    let e = hub::service::locations::leave_here(a.ctx(), &alice)
        .await
        .unwrap_err();
    assert!(
        e.kind.safe_message().contains("primary"),
        "{}",
        e.kind.safe_message()
    );
    // gamma leaves, from its locations page (confirmed): alpha and carol's hub forget it; the
    // channel goes on from alpha.
    let _ = &clone;
    let web = g.browser();
    web.login("alice@example.org", PW).await;
    let unconfirmed = web
        .submit(
            "/channel/alice/locations",
            "/channel/alice/locations/leave",
            &[],
        )
        .await;
    assert_eq!(unconfirmed.status, 422, "{}", unconfirmed.body);
    let r = web
        .submit(
            "/channel/alice/locations",
            "/channel/alice/locations/leave",
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    settle(&net).await;
    let urls = |v: Vec<(String, bool)>| v.into_iter().map(|(u, _)| u).collect::<Vec<_>>();
    assert_eq!(
        urls(locations(a, &alice.channel_hash).await),
        vec![a.base_url.clone()]
    );
    assert_eq!(
        urls(locations(b, &alice.channel_hash).await),
        vec![a.base_url.clone()]
    );
    assert!(
        hub::service::channel::by_nick(g.ctx(), "alice")
            .await
            .is_err()
    );
    let r = g.browser().get("/channel/alice").await;
    assert_eq!(r.status, 404);
    let p = hub::service::item::post(a.ctx(), &alice, "after gamma left", Audience::Public)
        .await
        .unwrap();
    settle(&net).await;
    assert!(
        item_on(b, &carol, &p.mid).await.is_some(),
        "carol still gets alice's posts"
    );
    let gamma_zot = format!("{}/zot", g.base_url);
    let queued = a
        .ctx()
        .db
        .run(move |c| hub::store::outq::find_by_dest_all(c, &gamma_zot))
        .await
        .unwrap();
    assert!(
        queued
            .iter()
            .all(|q| q.outq_mid != p.mid && q.outq_done.is_some()),
        "nothing more goes to gamma"
    );
    // Imported again on gamma (after that local delete): a location again, in step.
    let file = tempfile::NamedTempFile::new().unwrap();
    hub::service::export::write(a.ctx(), &alice, file.reopen().unwrap())
        .await
        .unwrap();
    let account = hub::service::account::find_by_email(g.ctx(), "alice@example.org")
        .await
        .unwrap()
        .unwrap()
        .account_id;
    let back = hub::service::import::import(
        g.ctx(),
        account,
        hub::service::import::parse(&std::fs::read(file.path()).unwrap()).unwrap(),
        false,
    )
    .await
    .unwrap()
    .channel;
    assert_eq!(back.channel_address, "alice", "the same nickname again");
    settle(&net).await;
    assert_eq!(
        urls(locations(a, &alice.channel_hash).await),
        vec![a.base_url.clone(), g.base_url.clone()]
    );
    assert!(
        item_on(g, &back, &p.mid).await.is_some(),
        "the export brought the new post"
    );
    let q = hub::service::item::post(a.ctx(), &alice, "after the return", Audience::Public)
        .await
        .unwrap();
    settle(&net).await;
    assert!(item_on(g, &back, &q.mid).await.is_some());
    in_step(a, &alice, g, &back).await;
    net.stop().await;
}

async fn limit_of(
    hub: &TestHub,
    ch: &hub::service::channel::Channel,
    perm: zot::perms::Permission,
) -> u32 {
    let limits = hub::service::perms::limits(hub.ctx(), ch).await.unwrap();
    limits.0.get(&perm).copied().unwrap_or_default()
}

#[actix_web::test]
async fn a_permission_limit_changed_at_one_location_holds_at_the_other() {
    use zot::perms::{Permission, limit};
    let (net, alice, clone, _carol) = cloned().await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    hub::service::perms::set_limit(a.ctx(), &alice, Permission::ViewStream, limit::CONTACTS)
        .await
        .unwrap();
    settle(&net).await;
    assert_eq!(
        limit_of(g, &clone, Permission::ViewStream).await,
        limit::CONTACTS
    );
    hub::service::perms::set_limit(g.ctx(), &clone, Permission::ViewProfile, limit::SELF)
        .await
        .unwrap();
    settle(&net).await;
    assert_eq!(
        limit_of(a, &alice, Permission::ViewProfile).await,
        limit::SELF
    );
    in_step(a, &alice, g, &clone).await;
    net.stop().await;
}
