//! Federation between Caravan hubs over real HTTP: discovery, connections with permissions,
//! posts, comments and likes, edits and deletions, through the delivery queue (no sleeps:
//! `TestNet::drain()` delivers everything due).

use hub::service::perms::Audience;
use hub_tests::{TestHub, TestNet};

use crate::accounts::PW;

async fn channel(hub: &TestHub, nick: &str) -> hub::store::channel::Channel {
    let a = hub.account(&format!("{nick}@example.org"), PW).await;
    hub::service::channel::create(hub.ctx(), a, nick, &format!("{nick} name"), "personal")
        .await
        .unwrap()
}

fn addr(hub: &TestHub, nick: &str) -> String {
    hub.ctx().uris.address(nick)
}

async fn stream_bodies(hub: &TestHub, ch: &hub::store::channel::Channel) -> Vec<String> {
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
    assert!(pending[0].abook.abook_pending);
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
