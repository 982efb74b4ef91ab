//! Nomadic identity with Hubzilla's ways: online import over the `/api/z/1.0` API that
//! Hubzilla's importer uses (served by one test hub, used by another), and Hubzilla's `hz` sync
//! packets, both the captured ones and those Caravan writes for a location it knows as a
//! Hubzilla hub.

use hub::service::online_import::OldHub;
use hub::service::perms::Audience;
use hub_tests::{TestHub, TestNet};

use crate::accounts::PW;
use crate::federation::{addr, channel};

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/hubzilla");

/// `them` (on `there`) asks `me` (on `here`) to connect, and `me` approves.
async fn connected(
    net: &TestNet,
    here: &TestHub,
    me: &hub::service::channel::Channel,
    there: &TestHub,
    them: &hub::service::channel::Channel,
) {
    hub::service::connection::connect(
        there.ctx(),
        them,
        &addr(here, &me.channel_address),
        "personal",
    )
    .await
    .unwrap();
    net.drain().await;
    hub::service::connection::approve(
        here.ctx(),
        me,
        &addr(there, &them.channel_address),
        "personal",
    )
    .await
    .unwrap();
    net.drain().await;
}

async fn find(
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

async fn wall(hub: &TestHub, ch: &hub::service::channel::Channel) -> Vec<(String, String, bool)> {
    let id = ch.channel_id;
    let mut v: Vec<(String, String, bool)> = hub
        .ctx()
        .db
        .run(move |c| hub::store::item::page_by_id(c, id, 0, 10_000))
        .await
        .unwrap()
        .into_iter()
        .filter(|i| !i.item_deleted)
        .map(|i| (i.mid, i.body, i.allow_cid.is_empty()))
        .collect();
    v.sort();
    v
}

#[actix_web::test]
async fn online_import_brings_the_channel_and_its_posts_and_a_wrong_login_brings_nothing() {
    let net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let carol = channel(b, "carol").await;
    connected(&net, a, &alice, b, &carol).await;
    let mut posts = Vec::new();
    for n in 0..7 {
        posts.push(
            hub::service::item::post(a.ctx(), &alice, &format!("post {n}"), Audience::Public)
                .await
                .unwrap(),
        );
    }
    let private = hub::service::item::post(
        a.ctx(),
        &alice,
        "for carol only",
        Audience::Channels(vec![carol.channel_hash.clone()]),
    )
    .await
    .unwrap();
    net.drain().await;
    // carol's comment on alice's wall is part of it too.
    let on_beta = hub::service::item::uuid_of(b.ctx(), &carol, &posts[0].mid)
        .await
        .unwrap();
    hub::service::item::respond(b.ctx(), &carol, &on_beta, "Create", "carol says hi")
        .await
        .unwrap();
    net.drain().await;
    let before = wall(a, &alice).await;
    assert_eq!(before.len(), 9, "7 posts, 1 private post, carol's comment");

    let account = g.account("alice@example.org", PW).await;
    let old = |password: &str, login: &str| OldHub {
        address: addr(a, "alice"),
        login: login.into(),
        password: password.into(),
    };
    // A wrong password: a clear error, nothing imported.
    let e = hub::service::online_import::import(
        g.ctx(),
        account,
        &old("wrong-password-1", "alice@example.org"),
        false,
        true,
    )
    .await
    .unwrap_err();
    assert!(
        e.kind.safe_message().contains("did not accept that login"),
        "{}",
        e.kind.safe_message()
    );
    assert!(
        hub::service::channel::of_account(g.ctx(), account)
            .await
            .unwrap()
            .is_empty()
    );
    // With her nickname as the login, as Hubzilla allows.
    let (done, pulled) =
        hub::service::online_import::import(g.ctx(), account, &old(PW, "alice"), false, true)
            .await
            .unwrap();
    assert_eq!(
        done.channel.channel_hash, alice.channel_hash,
        "same portable id"
    );
    assert_eq!(done.connections, 1, "carol");
    assert_eq!(
        pulled,
        9 - done.items,
        "every post not in the export itself"
    );
    assert_eq!(
        wall(g, &done.channel).await,
        before,
        "the same posts, access lists kept"
    );
    // Pulling again (an interrupted pull carried on) stores nothing twice.
    let again = hub::service::online_import::pull_posts(g.ctx(), &done.channel, &old(PW, "alice"))
        .await
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(wall(g, &done.channel).await, before);
    // The private post is still private on the new location.
    let p = find(g, &done.channel, &private.mid).await.unwrap();
    assert!(p.item_private && p.allow_cid.contains(&carol.channel_hash));
    net.drain().await;
    // The old hub learnt its new location.
    let h = alice.channel_hash.clone();
    let locs = a
        .ctx()
        .db
        .run(move |c| hub::store::hubloc::find_by_hash(c, &h))
        .await
        .unwrap();
    assert!(
        locs.iter()
            .any(|l| l.hubloc_url == g.base_url && !l.hubloc_primary)
    );
    net.stop().await;
}

#[actix_web::test]
async fn the_import_api_wants_the_owners_login() {
    let net = TestNet::start(&["alpha"]).await;
    let a = net.hub("alpha");
    channel(a, "alice").await;
    let http = reqwest::Client::builder()
        .resolve(&a.host, a.addr)
        .build()
        .unwrap();
    let url = format!(
        "{}/api/z/1.0/channel/export/basic?f=&channel=alice",
        a.base_url
    );
    let none = http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert!(
        none.headers()
            .get("www-authenticate")
            .is_some_and(|v| v.to_str().unwrap().starts_with("Basic"))
    );
    let wrong = http
        .get(&url)
        .basic_auth("alice@example.org", Some("not-her-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    // Another account's login does not open alice's channel.
    a.account("mallory@example.org", PW).await;
    let other = http
        .get(&url)
        .basic_auth("mallory@example.org", Some(PW))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let ok = http
        .get(&url)
        .basic_auth("alice@example.org", Some(PW))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let export: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(export["channel"]["channel_address"], "alice");
    assert!(
        export["channel"]["channel_prvkey"]
            .as_str()
            .unwrap()
            .contains("PRIVATE KEY")
    );
    let version: String = http
        .get(format!("{}/api/z/1.0/version", a.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(version.starts_with("caravan "), "{version}");
    net.stop().await;
}

fn fixture_env(name: &str) -> zot::message::Envelope {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{FIX}/wire/{name}")).unwrap())
            .unwrap();
    zot::capture::strip_reading_aids(&mut v);
    zot::message::Envelope::from_json(v.to_string().as_bytes()).unwrap()
}

#[actix_web::test]
async fn hubzillas_captured_sync_packet_applies_once_and_a_tampered_one_not_at_all() {
    // The captured sync from hub A to alice's clone on hub B (wire 071: a new post), applied
    // to alice imported here from her Hubzilla export.
    let net = TestNet::start(&["beta"]).await;
    let b = net.hub("beta");
    let account = b.account("alice@example.org", PW).await;
    let bytes = std::fs::read(format!("{FIX}/a/uexport_channel.body")).unwrap();
    let alice = hub::service::import::import(
        b.ctx(),
        account,
        hub::service::import::parse(&bytes).unwrap(),
        false,
    )
    .await
    .unwrap()
    .channel;
    let env = fixture_env("071_hubzilla-b_POST_zot.req.decrypted.json");
    let site_a = env.site_id.clone().unwrap();
    // Tampered: the body no longer matches alice's signature. Refused, nothing stored.
    let mut bad = env.clone();
    let mut packet = zot::hz::SyncPacket::from_data(bad.data.as_ref().unwrap()).unwrap();
    packet.item[0].body.push_str(" (changed)");
    bad.data = Some(packet.to_data());
    assert!(
        hub::service::hz::receive(b.ctx(), &bad, &alice, &site_a)
            .await
            .is_err()
    );
    assert!(wall(b, &alice).await.is_empty());
    // As captured: the post is alice's, on her wall, rendered from BBCode.
    let done = hub::service::hz::receive(b.ctx(), &env, &alice, &site_a)
        .await
        .unwrap();
    assert_eq!(done.applied, 1);
    let items = wall(b, &alice).await;
    assert_eq!(items.len(), 1);
    assert!(items[0].1.starts_with("Posted on the primary"), "{items:?}");
    let mid = items[0].0.clone();
    let it = find(b, &alice, &mid).await.unwrap();
    assert_eq!(it.title, "Post after cloning");
    assert_eq!(it.author_xchan, alice.channel_hash);
    assert!(it.html.contains("Posted on the primary"));
    // Again (Hubzilla retries): a duplicate, nothing changes.
    let again = hub::service::hz::receive(b.ctx(), &env, &alice, &site_a)
        .await
        .unwrap();
    assert_eq!((again.applied, again.duplicates), (0, 1));
    assert_eq!(wall(b, &alice).await, items);
    // The captured profile sync (wire 085: the default profile, and settings Caravan has no
    // use for): the profile is Hubzilla's.
    let env85 = fixture_env("085_hubzilla-b_POST_zot.req.decrypted.json");
    hub::service::hz::receive(b.ctx(), &env85, &alice, &site_a)
        .await
        .unwrap();
    let id = alice.channel_id;
    let p = b
        .ctx()
        .db
        .run(move |c| hub::store::profile::find(c, id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.about,
        "Alice is a throwaway test channel on a loopback Hubzilla hub."
    );
    // A packet for another channel is refused.
    let mut other = env.clone();
    let mut packet = zot::hz::SyncPacket::from_data(other.data.as_ref().unwrap()).unwrap();
    packet.channel.as_mut().unwrap().channel_hash = "someone-else".into();
    other.data = Some(packet.to_data());
    assert!(
        hub::service::hz::receive(b.ctx(), &other, &alice, &site_a)
            .await
            .is_err()
    );
    net.stop().await;
}

/// Marks `other` as a Hubzilla hub in `hub`'s site table (what its site info would say).
async fn as_hubzilla(hub: &TestHub, other: &TestHub) {
    let url = other.base_url.clone();
    let site_id = other.ctx().site.site_id.clone();
    let now = hub.ctx().clock.now_db();
    hub.ctx()
        .db
        .run(move |c| {
            let mut row = hub::store::site::find_site(c, &url)?.unwrap_or(hub::store::site::Site {
                site_url: url.clone(),
                site_id,
                site_sitekey: String::new(),
                site_crypto: String::new(),
                site_project: String::new(),
                site_version: String::new(),
                site_dead: false,
                site_update: now,
            });
            row.site_project = "hubzilla".into();
            hub::store::site::upsert_site(c, &row)
        })
        .await
        .unwrap();
}

#[actix_web::test]
async fn changes_reach_a_hubzilla_location_as_hz_packets_it_applies() {
    // alice on alpha, cloned to gamma; alpha takes gamma for a Hubzilla hub, so everything it
    // syncs there goes as Hubzilla's `hz` packets (which a Caravan hub reads as well).
    let net = TestNet::start(&["alpha", "gamma"]).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let account = g.account("alice2@example.org", PW).await;
    let (clone, _) = hub::service::online_import::import(
        g.ctx(),
        account,
        &OldHub {
            address: addr(a, "alice"),
            login: "alice@example.org".into(),
            password: PW.into(),
        },
        false,
        true,
    )
    .await
    .unwrap();
    let clone = clone.channel;
    net.drain().await;
    as_hubzilla(a, g).await;
    let p = hub::service::item::post(a.ctx(), &alice, "made on alpha, *hz*", Audience::Public)
        .await
        .unwrap();
    // What alpha queued for gamma is an hz packet carrying the post, signed by alice.
    let cb = format!("{}/zot", g.base_url);
    let queued = a
        .ctx()
        .db
        .run(move |c| hub::store::outq::find_by_dest_all(c, &cb))
        .await
        .unwrap();
    let last: serde_json::Value = serde_json::from_str(&queued.last().unwrap().outq_msg).unwrap();
    assert_eq!(last["type"], "sync");
    assert_eq!(last["encoding"], "hz");
    let packet = zot::hz::SyncPacket::from_data(&last["data"]).unwrap();
    assert_eq!(packet.item.len(), 1);
    let (author, owner) = packet.item[0].check().unwrap();
    assert_eq!(
        (author.as_str(), owner.as_str()),
        (alice.channel_hash.as_str(), alice.channel_hash.as_str())
    );
    assert!(packet.item[0].item_wall && packet.item[0].item_thread_top);
    net.drain().await;
    let got = find(g, &clone, &p.mid)
        .await
        .expect("the post reached gamma");
    assert_eq!(got.body, "made on alpha, *hz*");
    assert!(
        got.html.contains("<em>hz</em>"),
        "Markdown rendered: {}",
        got.html
    );
    // An edit, then a deletion.
    hub::service::item::edit(a.ctx(), &alice, &p.uuid, Some("edited on alpha"))
        .await
        .unwrap();
    net.drain().await;
    let got = find(g, &clone, &p.mid).await.unwrap();
    assert_eq!(got.body, "edited on alpha");
    hub::service::item::edit(a.ctx(), &alice, &p.uuid, None)
        .await
        .unwrap();
    net.drain().await;
    let id = clone.channel_id;
    let mid = p.mid.clone();
    let row = g
        .ctx()
        .db
        .run(move |c| hub::store::item::find_by_uid_mid(c, id, &mid))
        .await
        .unwrap()
        .unwrap();
    assert!(row.item_deleted, "the deletion reached gamma");
    // Both see the same items in the same states.
    let (sa, sg) = (
        hub::service::sync::local_state(a.ctx(), &alice)
            .await
            .unwrap(),
        hub::service::sync::local_state(g.ctx(), &clone)
            .await
            .unwrap(),
    );
    assert_eq!(sa.kinds[0], sg.kinds[0], "items in step");
    // A permission limit travels as Hubzilla's pconfig (`config.perm_limits`).
    use zot::perms::{Permission, limit};
    hub::service::perms::set_limit(a.ctx(), &alice, Permission::ViewContacts, limit::SELF)
        .await
        .unwrap();
    net.drain().await;
    let limits = hub::service::perms::limits(g.ctx(), &clone).await.unwrap();
    assert_eq!(limits.0.get(&Permission::ViewContacts), Some(&limit::SELF));
    // alpha's sync-status speaks of gamma as a Hubzilla hub with nothing waiting.
    let report = hub::service::sync::compare(a.ctx(), &alice).await.unwrap();
    assert!(report.in_sync(), "{:?}", report.peers);
    assert!(report.peers[0].verdict[0].starts_with("a Hubzilla hub"));
    net.stop().await;
}

#[actix_web::test]
async fn a_connection_in_a_hz_packet_is_applied_with_its_permissions() {
    // Hubzilla syncs a new connection as its abook row joined with the identity, with the
    // abconfig rows nested: the export's shape. Built here from alpha's export, as Hubzilla
    // would send it, and given to alice's clone on gamma.
    let net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let account = g.account("alice@example.org", PW).await;
    let (clone, _) = hub::service::online_import::import(
        g.ctx(),
        account,
        &OldHub {
            address: addr(a, "alice"),
            login: "alice".into(),
            password: PW.into(),
        },
        false,
        false,
    )
    .await
    .unwrap();
    let clone = clone.channel;
    net.drain().await;
    let carol = channel(b, "carol").await;
    connected(&net, a, &alice, b, &carol).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    hub::service::export::write(a.ctx(), &alice, file.reopen().unwrap())
        .await
        .unwrap();
    let export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file.path()).unwrap()).unwrap();
    let mut row = export["abook"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["abook_xchan"] == carol.channel_hash.as_str())
        .unwrap()
        .clone();
    let x = export["xchan"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["xchan_hash"] == carol.channel_hash.as_str())
        .unwrap()
        .clone();
    for (k, v) in x.as_object().unwrap() {
        row[k] = v.clone();
    }
    let packet = zot::hz::SyncPacket {
        channel: Some(zot::hz::SyncChannel {
            channel_name: alice.channel_name.clone(),
            channel_hash: alice.channel_hash.clone(),
            ..Default::default()
        }),
        abook: vec![row],
        ..Default::default()
    };
    let env = zot::message::Envelope::new(
        zot::message::MessageType::Sync,
        &alice.channel_hash,
        &a.ctx().site.site_id,
    )
    .with_recipients(vec![alice.channel_hash.clone()])
    .with_data("hz", packet.to_data());
    let done = hub::service::hz::receive(g.ctx(), &env, &clone, &a.ctx().site.site_id)
        .await
        .unwrap();
    assert_eq!(done.applied, 1);
    let on_a = hub::service::connection::list(a.ctx(), &alice)
        .await
        .unwrap();
    let on_g = hub::service::connection::list(g.ctx(), &clone)
        .await
        .unwrap();
    assert_eq!(on_g.len(), 1);
    assert_eq!(on_g[0].xchan.xchan_hash, carol.channel_hash);
    assert_eq!(on_g[0].state, on_a[0].state, "the same state");
    assert_eq!(
        on_g[0].my_perms, on_a[0].my_perms,
        "the permissions alice gives carol"
    );
    assert!(!on_g[0].my_perms.is_empty());
    net.stop().await;
}
