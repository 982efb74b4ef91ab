//! Federation between Caravan hubs over real HTTP: discovery, connections with permissions,
//! posts, comments and likes, edits and deletions, through the delivery queue (no sleeps:
//! `TestNet::drain()` delivers everything due).

use hub::service::perms::Audience;
use hub_tests::{TestHub, TestNet};

use crate::accounts::PW;

pub(crate) async fn channel(hub: &TestHub, nick: &str) -> hub::service::channel::Channel {
    let a = hub.account(&format!("{nick}@example.org"), PW).await;
    hub::service::channel::create(hub.ctx(), a, nick, &format!("{nick} name"), "personal")
        .await
        .unwrap()
}

pub(crate) fn addr(hub: &TestHub, nick: &str) -> String {
    hub.ctx().uris.address(nick)
}

async fn stream_bodies(hub: &TestHub, ch: &hub::service::channel::Channel) -> Vec<String> {
    let id = ch.channel_id;
    hub.ctx()
        .db
        .run(move |c| hub::store::item::find_stream(c, id, 0, 100))
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.body)
        .collect()
}

#[actix_web::test]
async fn channels_on_two_hubs_connect_and_a_public_post_arrives() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    // alice connects to bob; bob sees a pending request and approves.
    hub::service::connection::connect(a.ctx(), &alice, &addr(b, "bob"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let pending = hub::service::connection::list(b.ctx(), &bob).await.unwrap();
    assert_eq!(pending.len(), 1, "bob has a request");
    assert!(pending[0].state.pending);
    assert_eq!(pending[0].xchan.xchan_addr, addr(a, "alice"));
    assert!(
        pending[0]
            .their_perms
            .contains(&zot::perms::Permission::ViewStream),
        "bob knows what alice grants him: {:?}",
        pending[0].their_perms
    );
    hub::service::connection::approve(b.ctx(), &bob, &addr(a, "alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let mine = hub::service::connection::list(a.ctx(), &alice)
        .await
        .unwrap();
    assert!(
        mine[0]
            .their_perms
            .contains(&zot::perms::Permission::SendStream),
        "alice learns that bob accepts her stream: {:?}",
        mine[0].their_perms
    );
    // A public post reaches bob's stream.
    hub::service::item::post(a.ctx(), &alice, "Hello from **alpha**", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert_eq!(stream_bodies(b, &bob).await, vec!["Hello from **alpha**"]);
    net.stop().await;
}

/// alice on alpha, bob on beta, carol on gamma; alice connected (both ways) with bob and carol.
pub(crate) async fn three_hubs() -> (
    TestNet,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
) {
    three_hubs_with(|_| {}).await
}

/// [`three_hubs`] with each configuration adjusted first.
async fn three_hubs_with(
    adjust: impl Fn(&mut hub::config::Config),
) -> (
    TestNet,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
) {
    let net = TestNet::start_with(&["alpha", "beta", "gamma"], adjust).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    let carol = channel(g, "carol").await;
    for (hub, ch, other) in [(b, &bob, "bob"), (g, &carol, "carol")] {
        let target = hub.ctx().uris.address(other);
        hub::service::connection::connect(a.ctx(), &alice, &target, "personal")
            .await
            .unwrap();
        net.drain().await;
        hub::service::connection::approve(hub.ctx(), ch, &addr(a, "alice"), "personal")
            .await
            .unwrap();
        net.drain().await;
    }
    (net, alice, bob, carol)
}

async fn items_of(
    hub: &TestHub,
    ch: &hub::service::channel::Channel,
) -> Vec<hub::store::item::Item> {
    let id = ch.channel_id;
    hub.ctx()
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use hub::store::schema::item;
            Ok(item::table
                .filter(item::uid.eq(id))
                .order(item::id.asc())
                .load::<hub::store::item::Item>(c)?)
        })
        .await
        .unwrap()
}

#[actix_web::test]
async fn public_and_private_posts_reach_exactly_their_audience() {
    let (net, alice, bob, carol) = three_hubs().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    // A stranger on gamma, not connected: gets nothing.
    let dave = channel(g, "dave").await;
    hub::service::item::post(a.ctx(), &alice, "public hello", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert_eq!(stream_bodies(b, &bob).await, vec!["public hello"]);
    assert_eq!(stream_bodies(g, &carol).await, vec!["public hello"]);
    assert!(stream_bodies(g, &dave).await.is_empty());
    // One delivery per destination hub, not per recipient.
    let mid = items_of(a, &alice).await[0].mid.clone();
    let sent = hub::service::item::delivery_status(a.ctx(), &mid)
        .await
        .unwrap();
    assert_eq!(sent.len(), 2, "beta and gamma: {sent:?}");
    assert!(sent.iter().all(|r| r.outq_status == "posted"), "{sent:?}");
    // A private post to bob alone: only beta gets a message, encrypted; carol sees nothing.
    let bob_hash = bob.channel_hash.clone();
    let secret = hub::service::item::post(
        a.ctx(),
        &alice,
        "for bob only",
        Audience::Channels(vec![bob_hash]),
    )
    .await
    .unwrap();
    net.drain().await;
    let sent = hub::service::item::delivery_status(a.ctx(), &secret.mid)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].outq_dest.contains("beta.test"));
    assert!(sent[0].outq_encrypt);
    let bob_items = items_of(b, &bob).await;
    let got = bob_items.iter().find(|i| i.body == "for bob only").unwrap();
    assert!(got.item_private, "stored as private");
    assert!(
        !stream_bodies(g, &carol)
            .await
            .contains(&"for bob only".to_string())
    );
    // It is not shown on alice's public channel page to anonymous visitors.
    let page = a.browser().get("/channel/alice").await;
    assert!(page.has("public hello") && !page.has("for bob only"));
    net.stop().await;
}

#[actix_web::test]
async fn a_comment_reaches_the_others_through_the_thread_owner_and_likes_edits_deletes_follow() {
    let (net, alice, bob, carol) = three_hubs().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let top = hub::service::item::post(a.ctx(), &alice, "a thread", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    // bob comments on his copy: it goes to alice (response), she relays it to carol.
    let bob_copy = items_of(b, &bob)
        .await
        .into_iter()
        .find(|i| i.mid == top.mid)
        .unwrap();
    hub::service::item::respond(b.ctx(), &bob, &bob_copy.uuid, "Create", "bob says hi")
        .await
        .unwrap();
    net.drain().await;
    let alice_items = items_of(a, &alice).await;
    let comment = alice_items
        .iter()
        .find(|i| i.body == "bob says hi")
        .expect("alice has it");
    assert_eq!(comment.parent_mid, top.mid);
    assert_eq!(comment.author_xchan, bob.channel_hash);
    let carol_items = items_of(g, &carol).await;
    let relayed = carol_items
        .iter()
        .find(|i| i.body == "bob says hi")
        .expect("carol got the comment through alice");
    assert_eq!(
        relayed.author_xchan, bob.channel_hash,
        "still bob's, signed by bob"
    );
    assert_eq!(relayed.owner_xchan, alice.channel_hash);
    // alice is notified.
    let n = a
        .ctx()
        .db
        .run({
            let id = alice.channel_id;
            move |c| hub::store::notify::find_by_channel(c, id, 10)
        })
        .await
        .unwrap();
    assert!(n.iter().any(|x| x.ntype == "comment"), "{n:?}");
    // carol likes the top post: alice gets it and relays it to bob.
    let carol_copy = carol_items.iter().find(|i| i.mid == top.mid).unwrap();
    hub::service::item::respond(g.ctx(), &carol, &carol_copy.uuid, "Like", "")
        .await
        .unwrap();
    net.drain().await;
    assert!(items_of(a, &alice).await.iter().any(|i| i.verb == "Like"));
    assert!(
        items_of(b, &bob)
            .await
            .iter()
            .any(|i| i.verb == "Like" && i.author_xchan == carol.channel_hash)
    );
    // alice edits, then deletes, the top post: both propagate.
    net.clock.advance(std::time::Duration::from_secs(60));
    hub::service::item::edit(a.ctx(), &alice, &top.uuid, Some("a thread, edited"))
        .await
        .unwrap();
    net.drain().await;
    for (hub, ch) in [(b, &bob), (g, &carol)] {
        let copy = items_of(hub, ch)
            .await
            .into_iter()
            .find(|i| i.mid == top.mid)
            .unwrap();
        assert_eq!(copy.body, "a thread, edited", "{}", hub.name);
    }
    net.clock.advance(std::time::Duration::from_secs(60));
    hub::service::item::edit(a.ctx(), &alice, &top.uuid, None)
        .await
        .unwrap();
    net.drain().await;
    for (hub, ch) in [(b, &bob), (g, &carol)] {
        let copy = items_of(hub, ch)
            .await
            .into_iter()
            .find(|i| i.mid == top.mid)
            .unwrap();
        assert!(copy.item_deleted, "{}", hub.name);
    }
    net.stop().await;
}

#[actix_web::test]
async fn blocks_and_permission_changes_take_effect_on_the_next_delivery() {
    let (net, alice, bob, _carol) = three_hubs().await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    // bob blocks alice: her next post is refused on beta.
    hub::service::connection::change_state(
        b.ctx(),
        &bob,
        &addr(a, "alice"),
        hub::service::connection::StateChange::Block,
    )
    .await
    .unwrap();
    let p = hub::service::item::post(a.ctx(), &alice, "while blocked", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert!(stream_bodies(b, &bob).await.is_empty());
    let sent = hub::service::item::delivery_status(a.ctx(), &p.mid)
        .await
        .unwrap();
    let to_beta = sent
        .iter()
        .find(|r| r.outq_dest.contains("beta.test"))
        .unwrap();
    assert_eq!(to_beta.outq_status, "permission denied");
    hub::service::connection::change_state(
        b.ctx(),
        &bob,
        &addr(a, "alice"),
        hub::service::connection::StateChange::Unblock,
    )
    .await
    .unwrap();
    // bob stops accepting alice's stream: her next post is refused on beta, and once he
    // grants it again, the one after arrives.
    let mut perms = hub::service::perms::role_grants("personal").unwrap();
    perms.remove(&zot::perms::Permission::SendStream);
    hub::service::connection::set_permissions(b.ctx(), &bob, &addr(a, "alice"), perms.clone())
        .await
        .unwrap();
    net.drain().await;
    let p = hub::service::item::post(a.ctx(), &alice, "not accepted", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    let sent = hub::service::item::delivery_status(a.ctx(), &p.mid)
        .await
        .unwrap();
    let to_beta = sent
        .iter()
        .find(|r| r.outq_dest.contains("beta.test"))
        .unwrap();
    assert_eq!(to_beta.outq_status, "permission denied");
    assert!(
        !stream_bodies(b, &bob)
            .await
            .contains(&"not accepted".to_string())
    );
    perms.insert(zot::perms::Permission::SendStream);
    hub::service::connection::set_permissions(b.ctx(), &bob, &addr(a, "alice"), perms)
        .await
        .unwrap();
    net.drain().await;
    hub::service::item::post(a.ctx(), &alice, "accepted again", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert!(
        stream_bodies(b, &bob)
            .await
            .contains(&"accepted again".to_string())
    );
    // alice learned each change through the refresh: she now knows bob accepts her stream.
    let mine = hub::service::connection::list(a.ctx(), &alice)
        .await
        .unwrap();
    let with_bob = mine
        .iter()
        .find(|c| c.xchan.xchan_hash == bob.channel_hash)
        .unwrap();
    assert!(
        with_bob
            .their_perms
            .contains(&zot::perms::Permission::SendStream)
    );
    net.stop().await;
}

#[actix_web::test]
async fn an_offline_hub_gets_all_fifty_posts_once_and_in_order_and_does_not_delay_the_others() {
    let (mut net, alice, bob, carol) = three_hubs().await;
    net.hub_mut("gamma").stop().await;
    for i in 0..50 {
        hub::service::item::post(
            net.hub("alpha").ctx(),
            &alice,
            &format!("post {i:02}"),
            Audience::Public,
        )
        .await
        .unwrap();
        net.clock.advance(std::time::Duration::from_secs(1));
    }
    net.drain().await;
    // beta has everything although gamma is down.
    assert_eq!(stream_bodies(net.hub("beta"), &bob).await.len(), 50);
    let status = net
        .hub("alpha")
        .ctx()
        .db
        .run(hub::store::outq::status)
        .await
        .unwrap();
    let gamma = status
        .iter()
        .find(|(d, _, _)| d.dest_url.contains("gamma.test"))
        .unwrap();
    assert_eq!(gamma.1, 50, "all 50 wait for gamma");
    assert!(gamma.0.dest_failures >= 1 && !gamma.0.dest_last_error.is_empty());
    // gamma comes back; once the backoff has passed, everything arrives.
    net.hub_mut("gamma").restart().await;
    net.clock.advance(std::time::Duration::from_secs(2 * 3600));
    net.drain().await;
    let got: Vec<String> = items_of(net.hub("gamma"), &carol)
        .await
        .into_iter()
        .map(|i| i.body)
        .collect();
    let want: Vec<String> = (0..50).map(|i| format!("post {i:02}")).collect();
    assert_eq!(got, want, "exactly once, in order");
    net.stop().await;
}

#[actix_web::test]
async fn a_sender_that_crashes_after_sending_redelivers_without_duplicates() {
    let (mut net, alice, bob, carol) = three_hubs().await;
    for i in 0..3 {
        hub::service::item::post(
            net.hub("alpha").ctx(),
            &alice,
            &format!("fan {i}"),
            Audience::Public,
        )
        .await
        .unwrap();
    }
    net.drain().await;
    // The crash: the sends happened but their commits were lost.
    net.hub("alpha")
        .ctx()
        .db
        .run(|c| {
            use diesel::prelude::*;
            use hub::store::schema::outq;
            diesel::update(outq::table)
                .set((
                    outq::outq_done.eq(None::<chrono::NaiveDateTime>),
                    outq::outq_status.eq("queued"),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    net.hub_mut("alpha").restart().await;
    let resent = net.drain().await;
    assert!(resent >= 6, "everything went out again: {resent}");
    for (hub, ch) in [(net.hub("beta"), &bob), (net.hub("gamma"), &carol)] {
        let mut bodies = stream_bodies(hub, ch).await;
        bodies.sort();
        assert_eq!(bodies, vec!["fan 0", "fan 1", "fan 2"], "{}", hub.name);
    }
    net.stop().await;
}

#[actix_web::test]
async fn people_connect_post_comment_and_follow_delivery_from_the_pages() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let _bob = channel(b, "bob").await;
    let wa = a.browser();
    wa.login("alice@example.org", PW).await;
    let wb = b.browser();
    wb.login("bob@example.org", PW).await;
    // alice connects from her connections page.
    let r = wa
        .submit_and_follow(
            "/channel/alice/connections",
            "/channel/alice/connections",
            &[("address", &addr(b, "bob")), ("role", "personal")],
        )
        .await;
    assert!(r.has("Connection requested"), "{}", r.body);
    // An address nobody answers for: a clear error on the form, nothing stored.
    let bad = wa
        .submit(
            "/channel/alice/connections",
            "/channel/alice/connections",
            &[("address", &addr(b, "nobody")), ("role", "personal")],
        )
        .await;
    bad.expect_status(422);
    assert!(bad.has("No channel was found"), "{}", bad.body);
    net.drain().await;
    // bob sees the request on his page and in his notifications, and approves it there.
    let notes = wb.get("/channel/bob/notifications").await;
    assert!(notes.has("wants to connect"), "{}", notes.body);
    let page = wb.get("/channel/bob/connections").await;
    assert!(
        page.has("Requests") && page.has(&addr(a, "alice")),
        "{}",
        page.body
    );
    let r = wb
        .submit_and_follow(
            "/channel/bob/connections",
            "/channel/bob/connections/approve",
            &[("who", &alice.channel_hash), ("role", "personal")],
        )
        .await;
    assert!(r.has("Connection approved"), "{}", r.body);
    net.drain().await;
    // alice posts from her channel page; bob reads it on his network page and comments.
    wa.submit(
        "/channel/alice",
        "/channel/alice/post",
        &[("body", "From the **composer**"), ("audience", "public")],
    )
    .await
    .expect_status(303);
    net.drain().await;
    let stream = wb.get("/channel/bob/stream").await;
    stream.expect_status(200);
    assert!(
        stream.has("From the <strong>composer</strong>"),
        "{}",
        stream.body
    );
    let at = stream.body.find("/item/").unwrap();
    let uuid = &stream.body[at + 6..at + 6 + 36];
    wb.submit(
        "/channel/bob/stream",
        &format!("/channel/bob/item/{uuid}/comment"),
        &[("body", "Nice one")],
    )
    .await
    .expect_status(303);
    net.drain().await;
    let mine = wa.get("/channel/alice/stream").await;
    assert!(
        mine.has("Nice one"),
        "alice sees bob's comment: {}",
        mine.body
    );
    assert!(
        wa.get("/channel/alice/notifications")
            .await
            .has("commented on your post")
    );
    // Her post's delivery page says where it went.
    let at = mine.body.find("/item/").unwrap();
    let own = mine.body[at..].find("/status").map(|_| ()).is_some();
    assert!(own, "a delivery link on her own post");
    let link_at = mine.body.find("/status\"").unwrap();
    let start = mine.body[..link_at].rfind("href=\"").unwrap() + 6;
    let status = wa.get(&mine.body[start..link_at + 7]).await;
    status.expect_status(200);
    assert!(
        status.has("delivered") && status.has("beta.test"),
        "{}",
        status.body
    );
    // Nobody else may see these pages.
    let stranger = b.browser();
    assert_eq!(stranger.get("/channel/bob/stream").await.status, 303);
    a.account("eve@example.org", PW).await;
    let eve = a.browser();
    eve.login("eve@example.org", PW).await;
    assert_eq!(eve.get("/channel/alice/stream").await.status, 403);
    assert_eq!(eve.get("/channel/alice/connections").await.status, 403);
    net.stop().await;
}

#[actix_web::test]
async fn a_hub_can_serve_https_itself() {
    let cert = rcgen::generate_simple_self_signed(vec!["tls.test".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (c, k) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&c, cert.cert.pem()).unwrap();
    std::fs::write(&k, cert.signing_key.serialize_pem()).unwrap();
    let (c2, k2) = (c.clone(), k.clone());
    let net = TestNet::start_with(&["tls"], move |cfg| {
        cfg.tls = Some((c2.clone(), k2.clone()));
    })
    .await;
    let hub = net.hub("tls");
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap()])
        .resolve("tls.test", hub.addr)
        .build()
        .unwrap();
    let url = format!("https://tls.test:{}/", hub.addr.port());
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("Caravan tls"));
    // Plain http on the same port is not answered as a page.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/", hub.addr.port()))
        .send()
        .await;
    assert!(plain.map(|r| r.status() != 200).unwrap_or(true));
    net.stop().await;
}

#[actix_web::test]
async fn a_channel_page_shows_its_own_wall_not_what_it_received() {
    let (net, alice, bob, _carol) = three_hubs().await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let top = hub::service::item::post(a.ctx(), &alice, "alice's wall post", Audience::Public)
        .await
        .unwrap();
    hub::service::item::post(b.ctx(), &bob, "bob's own post", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    let copy = items_of(b, &bob)
        .await
        .into_iter()
        .find(|i| i.mid == top.mid)
        .unwrap();
    hub::service::item::respond(b.ctx(), &bob, &copy.uuid, "Create", "bob's comment")
        .await
        .unwrap();
    net.drain().await;
    let page = b.browser().get("/channel/bob").await;
    assert!(
        page.has("bob&#39;s own post") || page.has("bob's own post"),
        "{}",
        page.body
    );
    assert!(!page.has("alice&#39;s wall post") && !page.has("alice's wall post"));
    assert!(!page.has("bob&#39;s comment") && !page.has("bob's comment"));
    let apage = a.browser().get("/channel/alice").await;
    assert!(apage.has("alice&#39;s wall post") || apage.has("alice's wall post"));
    assert!(
        !apage.has("bob&#39;s comment") && !apage.has("bob's comment"),
        "comments are not wall posts"
    );
    net.stop().await;
}

#[actix_web::test]
async fn two_processes_on_one_database_share_the_queue_without_sending_twice() {
    let (net, alice, bob, carol) = three_hubs().await;
    let a = net.hub("alpha");
    let twin = a.twin();
    for i in 0..30 {
        hub::service::item::post(a.ctx(), &alice, &format!("shared {i:02}"), Audience::Public)
            .await
            .unwrap();
    }
    // Both processes run their workers at the same time, round after round.
    let mut attempts = 0;
    for _ in 0..50 {
        let (x, y) = tokio::join!(
            hub::queue::run_due(a.ctx()),
            hub::queue::run_due(twin.ctx())
        );
        let round = x.unwrap() + y.unwrap();
        if round == 0 {
            break;
        }
        attempts += round;
    }
    assert_eq!(
        attempts, 60,
        "each of the 60 messages (30 posts x 2 hubs) was sent once"
    );
    let rows = a
        .ctx()
        .db
        .run(|c| {
            use diesel::prelude::*;
            use hub::store::schema::outq;
            Ok(outq::table
                .filter(outq::outq_mid.ne(""))
                .select(outq::outq_status)
                .load::<String>(c)?)
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 60);
    assert!(
        rows.iter().all(|s| s == "posted"),
        "no receiver saw a second copy: {rows:?}"
    );
    for (hub, ch) in [(net.hub("beta"), &bob), (net.hub("gamma"), &carol)] {
        let got: Vec<String> = items_of(hub, ch)
            .await
            .into_iter()
            .map(|i| i.body)
            .collect();
        let want: Vec<String> = (0..30).map(|i| format!("shared {i:02}")).collect();
        assert_eq!(got, want, "{}: once each, in order", hub.name);
    }
    net.stop().await;
}

/// A signed (as `who`) or anonymous conversation fetch of `mid`, and the collection's items.
pub(crate) async fn fetch_conversation(
    from: &TestHub,
    who: Option<&hub::service::channel::Channel>,
    mid: &str,
) -> (u16, Vec<serde_json::Value>) {
    let key;
    let key_id;
    let signer = match who {
        Some(c) => {
            key = from.channel_key(c).await;
            key_id = from.ctx().uris.channel(&c.channel_address);
            Some(hub::net::Signer {
                key: &key,
                key_id: &key_id,
                algorithm: zot::httpsig::Algorithm::RsaSha256,
                headers: &["accept", "date", "host", "(request-target)"],
                as_authorization: false,
            })
        }
        None => None,
    };
    let f = from
        .ctx()
        .net
        .send(
            reqwest::Method::GET,
            mid,
            &[("accept", "application/x-zot+json".into())],
            None,
            signer.as_ref(),
        )
        .await
        .unwrap();
    let items = serde_json::from_slice::<serde_json::Value>(&f.body)
        .ok()
        .and_then(|v| v["orderedItems"].as_array().cloned())
        .unwrap_or_default();
    (f.status, items)
}

#[actix_web::test]
async fn hubs_fetch_a_conversation_as_far_as_the_signer_may_see_it() {
    let (net, alice, bob, _carol) = three_hubs().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let dave = channel(g, "dave").await;
    let public = hub::service::item::post(a.ctx(), &alice, "open thread", Audience::Public)
        .await
        .unwrap();
    let private =
        hub::service::item::post(a.ctx(), &alice, "friends thread", Audience::Connections)
            .await
            .unwrap();
    net.drain().await;
    let copy = items_of(b, &bob)
        .await
        .into_iter()
        .find(|i| i.mid == public.mid)
        .unwrap();
    hub::service::item::respond(b.ctx(), &bob, &copy.uuid, "Create", "a reply")
        .await
        .unwrap();
    net.drain().await;
    // Anyone may fetch the public thread: the post and the comment, each still signed.
    let (status, items) = fetch_conversation(g, None, &public.mid).await;
    assert_eq!(status, 200);
    assert_eq!(items.len(), 2, "{items:?}");
    for i in &items {
        let salmon: zot::salmon::JSalmon = serde_json::from_value(i.clone()).unwrap();
        let signer = salmon.signer().unwrap();
        let who = if signer.contains("alice") {
            &alice
        } else {
            &bob
        };
        salmon
            .verify(&zot::keys::PublicKey::from_pem(&who.channel_pubkey).unwrap())
            .expect("each activity verifies with its author's key");
    }
    // The connections-only thread: bob (a connection, signed) sees it; dave and nobody do not.
    assert_eq!(fetch_conversation(b, Some(&bob), &private.mid).await.0, 200);
    assert_eq!(
        fetch_conversation(g, Some(&dave), &private.mid).await.0,
        404
    );
    assert_eq!(fetch_conversation(g, None, &private.mid).await.0, 404);
    net.stop().await;
}

#[actix_web::test]
async fn a_post_to_a_privacy_group_reaches_its_members_only() {
    let (net, alice, bob, carol) = three_hubs().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let wa = a.browser();
    wa.login("alice@example.org", PW).await;
    // From the connections page: a group with bob in it.
    wa.submit_and_follow(
        "/channel/alice/connections",
        "/channel/alice/groups",
        &[("name", "close friends")],
    )
    .await;
    let r = wa
        .submit_and_follow(
            "/channel/alice/connections",
            "/channel/alice/groups/member",
            &[("group", "close friends"), ("who", &bob.channel_hash)],
        )
        .await;
    assert!(r.has("Group saved") && r.has(&addr(b, "bob")), "{}", r.body);
    // The composer offers the group; posting to it reaches bob only, privately.
    let page = wa.get("/channel/alice").await;
    assert!(page.has("value=\"group:close friends\""), "{}", page.body);
    wa.submit(
        "/channel/alice",
        "/channel/alice/post",
        &[
            ("body", "for the group"),
            ("audience", "group:close friends"),
        ],
    )
    .await
    .expect_status(303);
    net.drain().await;
    let got = items_of(b, &bob).await;
    let it = got
        .iter()
        .find(|i| i.body == "for the group")
        .expect("bob has it");
    assert!(it.item_private);
    assert!(
        !items_of(g, &carol)
            .await
            .iter()
            .any(|i| i.body == "for the group")
    );
    // Not on alice's public page.
    assert!(!a.browser().get("/channel/alice").await.has("for the group"));
    // An empty group cannot be posted to; an unknown one neither.
    hub::service::connection::create_group(a.ctx(), &alice, "nobody yet")
        .await
        .unwrap();
    let empty = hub::service::connection::group_recipients(a.ctx(), &alice, "nobody yet").await;
    assert!(empty.is_err());
    let dup = hub::service::connection::create_group(a.ctx(), &alice, "close friends").await;
    assert_eq!(dup.unwrap_err().kind.status(), 409);
    net.stop().await;
}

#[actix_web::test]
async fn a_mention_notifies_the_channel_mentioned() {
    let (net, alice, bob, carol) = three_hubs().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let text = format!("Hello @{}, have a look.", addr(b, "bob"));
    hub::service::item::post(a.ctx(), &alice, &text, Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    let notes = |hub: &TestHub, id: i64| {
        let ctx = hub.ctx().clone();
        async move {
            ctx.db
                .run(move |c| hub::store::notify::find_by_channel(c, id, 10))
                .await
                .unwrap()
        }
    };
    let bobs = notes(b, bob.channel_id).await;
    assert!(bobs.iter().any(|n| n.ntype == "mention"), "{bobs:?}");
    let carols = notes(g, carol.channel_id).await;
    assert!(
        !carols.iter().any(|n| n.ntype == "mention"),
        "only the one mentioned"
    );
    let wb = b.browser();
    wb.login("bob@example.org", PW).await;
    assert!(
        wb.get("/channel/bob/notifications")
            .await
            .has("mentioned you")
    );
    net.stop().await;
}

#[actix_web::test]
async fn a_dead_destination_is_left_alone_until_it_calls_and_old_reports_are_pruned() {
    let (mut net, alice, _bob, carol) = three_hubs_with(|c| {
        c.federation.dead_after_days = 1;
        c.federation.report_days = 2;
    })
    .await;
    net.hub_mut("gamma").stop().await;
    hub::service::item::post(
        net.hub("alpha").ctx(),
        &alice,
        "while gamma is away",
        Audience::Public,
    )
    .await
    .unwrap();
    // Retries over more than a day: gamma is marked dead.
    for _ in 0..30 {
        net.clock.advance(std::time::Duration::from_secs(3600));
        net.drain().await;
    }
    let dest_of = |net: &TestNet| {
        let ctx = net.hub("alpha").ctx().clone();
        async move {
            ctx.db
                .run(hub::store::outq::status)
                .await
                .unwrap()
                .into_iter()
                .find(|(d, _, _)| d.dest_url.contains("gamma.test"))
                .unwrap()
        }
    };
    let (d, depth, _) = dest_of(&net).await;
    assert!(d.dest_dead, "dead after a day of failures: {d:?}");
    assert_eq!(depth, 1);
    // gamma is back, but nobody tries it: it stays dead while it is silent.
    net.hub_mut("gamma").restart().await;
    net.clock.advance(std::time::Duration::from_secs(2 * 3600));
    assert_eq!(net.drain().await, 0, "a dead destination is not tried");
    // carol writes to alice: gamma contacted alpha, so alpha revives it and it catches up.
    let carol_copy = hub::service::item::post(
        net.hub("gamma").ctx(),
        &carol,
        "hello again",
        Audience::Public,
    )
    .await
    .unwrap();
    let _ = carol_copy;
    net.drain().await;
    let (d, depth, _) = dest_of(&net).await;
    assert!(!d.dest_dead && depth == 0, "{d:?} depth {depth}");
    assert!(
        items_of(net.hub("gamma"), &carol)
            .await
            .iter()
            .any(|i| i.body == "while gamma is away")
    );
    // Delivery reports older than report_days are pruned; newer ones stay.
    let before = net
        .hub("alpha")
        .ctx()
        .db
        .run(|c| {
            use diesel::prelude::*;
            Ok(hub::store::schema::outq::table
                .count()
                .get_result::<i64>(c)?)
        })
        .await
        .unwrap();
    assert_eq!(
        hub::queue::prune(net.hub("alpha").ctx()).await.unwrap(),
        0,
        "nothing old enough yet"
    );
    net.clock
        .advance(std::time::Duration::from_secs(3 * 24 * 3600));
    let pruned = hub::queue::prune(net.hub("alpha").ctx()).await.unwrap();
    assert_eq!(
        pruned as i64, before,
        "every finished report older than two days"
    );
    net.stop().await;
}

#[actix_web::test]
async fn a_reinstalled_hub_with_a_new_site_key_is_recognised_and_its_old_location_retired() {
    let (mut net, alice, bob, _carol) = three_hubs().await;
    let old_site = net.hub("beta").ctx().site.site_id.clone();
    // beta is re-installed: same URL, same channels, a new site key.
    net.hub("beta")
        .ctx()
        .db
        .run(|c| {
            use diesel::prelude::*;
            use hub::store::schema::config;
            diesel::delete(
                config::table
                    .filter(config::cat.eq("system"))
                    .filter(config::k.eq_any(["prvkey", "pubkey"])),
            )
            .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    net.hub_mut("beta").restart().await;
    let new_site = net.hub("beta").ctx().site.site_id.clone();
    assert_ne!(old_site, new_site);
    // Its own location records name the new key (as a re-installed hub's would).
    let b = net.hub("beta");
    let (base, pem, site) = (
        b.ctx().uris.base().to_string(),
        b.ctx().site.public_pem.clone(),
        new_site.clone(),
    );
    b.ctx()
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use hub::store::schema::hubloc;
            diesel::update(hubloc::table.filter(hubloc::hubloc_url.eq(base)))
                .set((
                    hubloc::hubloc_site_id.eq(site),
                    hubloc::hubloc_sitekey.eq(pem),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    // bob comments on alice's thread from the re-installed hub: alpha asks again and accepts.
    let top = hub::service::item::post(
        net.hub("alpha").ctx(),
        &alice,
        "before the reinstall",
        Audience::Public,
    )
    .await
    .unwrap();
    net.drain().await;
    let copy = items_of(net.hub("beta"), &bob)
        .await
        .into_iter()
        .find(|i| i.mid == top.mid)
        .unwrap();
    hub::service::item::respond(
        net.hub("beta").ctx(),
        &bob,
        &copy.uuid,
        "Create",
        "after the reinstall",
    )
    .await
    .unwrap();
    net.drain().await;
    assert!(
        items_of(net.hub("alpha"), &alice)
            .await
            .iter()
            .any(|i| i.body == "after the reinstall"),
        "accepted from the re-installed hub"
    );
    let locations = hub::service::discovery::known(net.hub("alpha").ctx(), &bob.channel_hash)
        .await
        .unwrap()
        .unwrap()
        .locations;
    assert_eq!(locations.len(), 1, "the old location is retired");
    assert_eq!(locations[0].hubloc_site_id, new_site);
    net.stop().await;
}

#[actix_web::test]
async fn two_channels_of_one_hub_connect_and_post_to_each_other() {
    let net = TestNet::single().await;
    let a = net.hub("alpha");
    let ann = channel(a, "ann").await;
    let ben = channel(a, "ben").await;
    hub::service::connection::connect(a.ctx(), &ann, &addr(a, "ben"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let req = hub::service::connection::list(a.ctx(), &ben).await.unwrap();
    assert!(req.len() == 1 && req[0].state.pending, "{req:?}");
    hub::service::connection::approve(a.ctx(), &ben, &addr(a, "ann"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::item::post(a.ctx(), &ann, "next door", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert_eq!(stream_bodies(a, &ben).await, vec!["next door"]);
    net.stop().await;
}
