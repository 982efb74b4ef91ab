//! The permission matrix across three hubs: every viewer × object × surface cell asserted,
//! from one table. alice (alpha) is the channel; the viewers are nobody, alice herself, dave
//! (a connection on alpha), bob (a connection on beta, visiting through OpenWebAuth), carol
//! (on gamma, not a connection, visiting), eve (on beta, blocked, visiting) and root (alpha's
//! admin, not a connection). A new surface is one more row in [`SURFACES`]; a new object one
//! more row in [`OBJECTS`].

use hub::service::connection::StateChange;
use hub::service::perms::Audience;
use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::PW;

/// Who looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Anonymous,
    Owner,
    LocalConnection,
    RemoteConnection,
    RemoteStranger,
    Blocked,
    Admin,
}

const VIEWERS: [Viewer; 7] = [
    Viewer::Anonymous,
    Viewer::Owner,
    Viewer::LocalConnection,
    Viewer::RemoteConnection,
    Viewer::RemoteStranger,
    Viewer::Blocked,
    Viewer::Admin,
];

/// What is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    PublicPost,
    GroupPost,
    PostToOneChannel,
    CommentOnRestricted,
    ProfileFields,
    ConnectionList,
}

/// Who may see each object, in the order of [`VIEWERS`]: the expected answer of every cell.
const OBJECTS: [(Object, [bool; 7]); 6] = [
    //                              anon   owner  dave   bob    carol  eve    root
    (
        Object::PublicPost,
        [true, true, true, true, true, false, true],
    ),
    (
        Object::GroupPost,
        [false, true, true, true, false, false, false],
    ),
    (
        Object::PostToOneChannel,
        [false, true, false, true, false, false, false],
    ),
    (
        Object::CommentOnRestricted,
        [false, true, false, true, false, false, false],
    ),
    (
        Object::ProfileFields,
        [false, true, true, true, false, false, false],
    ),
    (
        Object::ConnectionList,
        [false, true, true, true, false, false, false],
    ),
];

/// Where it is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// alice's channel page (HTML).
    ChannelPage,
    /// The item's permalink (HTML).
    Permalink,
    /// A signed Zot fetch of the item's conversation (as the viewer's channel; anonymous:
    /// unsigned).
    ZotFetch,
    /// alice's Atom feed.
    Feed,
    /// `/poco/alice`.
    Poco,
}

/// Which surfaces show which objects.
const SURFACES: [(Surface, &[Object]); 5] = [
    (
        Surface::ChannelPage,
        &[
            Object::PublicPost,
            Object::GroupPost,
            Object::PostToOneChannel,
            Object::ProfileFields,
            Object::ConnectionList,
        ],
    ),
    (
        Surface::Permalink,
        &[
            Object::PublicPost,
            Object::GroupPost,
            Object::PostToOneChannel,
            Object::CommentOnRestricted,
        ],
    ),
    (
        Surface::ZotFetch,
        &[
            Object::PublicPost,
            Object::GroupPost,
            Object::PostToOneChannel,
            Object::CommentOnRestricted,
        ],
    ),
    (
        Surface::Feed,
        &[
            Object::PublicPost,
            Object::GroupPost,
            Object::PostToOneChannel,
        ],
    ),
    (Surface::Poco, &[Object::ConnectionList]),
];

/// One viewer, ready to look: a browser with its session on alpha, and the channel (and its
/// hub) it signs Zot fetches as.
struct Eyes<'a> {
    browser: Browser,
    signer: Option<(&'a TestHub, hub::service::channel::Channel)>,
}

struct World {
    net: TestNet,
    /// (object, marker text, item uuid, item mid)
    items: Vec<(Object, String, String, String)>,
    bob_addr: String,
}

async fn channel(hub: &TestHub, nick: &str, admin: bool) -> (i64, hub::service::channel::Channel) {
    let a = hub::service::account::create_verified(
        hub.ctx(),
        &format!("{nick}@example.org"),
        PW,
        admin,
    )
    .await
    .unwrap();
    let c = hub::service::channel::create(hub.ctx(), a, nick, &format!("{nick} name"), "personal")
        .await
        .unwrap();
    (a, c)
}

async fn befriend(
    net: &TestNet,
    (h, c): (&TestHub, &hub::service::channel::Channel),
    alpha: &TestHub,
    alice: &hub::service::channel::Channel,
) {
    hub::service::connection::connect(h.ctx(), c, &alpha.ctx().uris.address("alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(
        alpha.ctx(),
        alice,
        &h.ctx().uris.address(&c.channel_address),
        "personal",
    )
    .await
    .unwrap();
    net.drain().await;
}

async fn world() -> World {
    let net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let (_, alice) = channel(a, "alice", false).await;
    let (_, dave) = channel(a, "dave", false).await;
    channel(a, "rooty", true).await;
    let (_, bob) = channel(b, "bob", false).await;
    let (_, eve) = channel(b, "eve", false).await;
    channel(g, "carol", false).await;
    befriend(&net, (a, &dave), a, &alice).await;
    befriend(&net, (b, &bob), a, &alice).await;
    befriend(&net, (b, &eve), a, &alice).await;
    let bob_addr = b.ctx().uris.address("bob");
    let dave_addr = a.ctx().uris.address("dave");
    hub::service::connection::change_state(
        a.ctx(),
        &alice,
        &b.ctx().uris.address("eve"),
        StateChange::Block,
    )
    .await
    .unwrap();
    hub::service::connection::create_group(a.ctx(), &alice, "Friends")
        .await
        .unwrap();
    for who in [&bob_addr, &dave_addr] {
        hub::service::connection::group_member(a.ctx(), &alice, "Friends", who, false)
            .await
            .unwrap();
    }
    // The profile is for connections; the connection list is per connection (the personal
    // role grants it to each).
    hub::service::perms::set_limit(
        a.ctx(),
        &alice,
        zot::perms::Permission::ViewProfile,
        zot::perms::limit::CONTACTS,
    )
    .await
    .unwrap();
    hub::service::channel::update_profile(
        a.ctx(),
        &alice,
        hub::service::channel::ProfileEdit {
            name: "alice name".into(),
            about: "ABOUT-ALICE-7f3".into(),
            homepage: String::new(),
            locality: "LOCALITY-ALICE-7f3".into(),
        },
    )
    .await
    .unwrap();
    let mut items = Vec::new();
    for (object, text, audience) in [
        (Object::PublicPost, "PUBLIC-POST-7f3", Audience::Public),
        (
            Object::GroupPost,
            "GROUP-POST-7f3",
            Audience::Group("Friends".into()),
        ),
        (
            Object::PostToOneChannel,
            "BOB-ONLY-7f3",
            Audience::Channels(vec![bob.channel_hash.clone()]),
        ),
    ] {
        let p = hub::service::item::post(a.ctx(), &alice, text, audience)
            .await
            .unwrap();
        items.push((object, text.to_string(), p.uuid, p.mid));
    }
    net.drain().await;
    // bob comments on the post to him, from his own hub; alice's hub stores it.
    let on_beta = hub::service::item::uuid_of(b.ctx(), &bob, &items[2].3)
        .await
        .unwrap();
    hub::service::item::respond(b.ctx(), &bob, &on_beta, "Create", "BOB-COMMENT-7f3")
        .await
        .unwrap();
    net.drain().await;
    let (threads, _) = hub::service::item::threads(a.ctx(), &alice, 1)
        .await
        .unwrap();
    let comment = threads
        .iter()
        .flat_map(|t| t.comments.iter())
        .find(|(c, _)| c.body.contains("BOB-COMMENT-7f3"))
        .map(|(c, _)| c.clone())
        .expect("bob's comment reached alpha");
    items.push((
        Object::CommentOnRestricted,
        "BOB-COMMENT-7f3".into(),
        comment.uuid,
        comment.mid,
    ));
    World {
        net,
        items,
        bob_addr,
    }
}

async fn login(hub: &TestHub, nick: &str) -> Browser {
    let b = hub.browser();
    b.login(&format!("{nick}@example.org"), PW).await;
    b
}

/// A browser on `home` as `nick`, then recognised on alpha through a zid link.
async fn visiting(home: &TestHub, alpha: &TestHub, nick: &str) -> Browser {
    let b = login(home, nick).await;
    let (r, _) = b
        .follow(&format!(
            "{}/channel/alice?zid={}",
            alpha.base_url,
            home.ctx().uris.address(nick)
        ))
        .await;
    assert!(
        r.has(&format!("Visiting as {}", home.ctx().uris.address(nick))),
        "{nick} is recognised on alpha: {}",
        r.body
    );
    b
}

async fn find_channel(hub: &TestHub, nick: &str) -> hub::service::channel::Channel {
    hub::service::channel::by_nick(hub.ctx(), nick)
        .await
        .unwrap()
}

async fn eyes<'a>(w: &'a World, v: Viewer) -> Eyes<'a> {
    let (a, b, g) = (w.net.hub("alpha"), w.net.hub("beta"), w.net.hub("gamma"));
    let (browser, signer) = match v {
        Viewer::Anonymous => (a.browser(), None),
        Viewer::Owner => (login(a, "alice").await, Some((a, "alice"))),
        Viewer::LocalConnection => (login(a, "dave").await, Some((a, "dave"))),
        Viewer::RemoteConnection => (visiting(b, a, "bob").await, Some((b, "bob"))),
        Viewer::RemoteStranger => (visiting(g, a, "carol").await, Some((g, "carol"))),
        Viewer::Blocked => (visiting(b, a, "eve").await, Some((b, "eve"))),
        Viewer::Admin => (login(a, "rooty").await, Some((a, "rooty"))),
    };
    let signer = match signer {
        Some((h, nick)) => Some((h, find_channel(h, nick).await)),
        None => None,
    };
    Eyes { browser, signer }
}

/// A signed (or anonymous) Zot fetch of an item's conversation: whether it was given.
async fn zot_fetch(eyes: &Eyes<'_>, alpha: &TestHub, uuid: &str) -> bool {
    // alpha's copy (a comment's message id names the hub it was written on).
    let url = format!("{}/item/{uuid}", alpha.base_url);
    let (status, _) = match &eyes.signer {
        Some((h, c)) => crate::federation::fetch_conversation(h, Some(c), &url).await,
        None => crate::federation::fetch_conversation(alpha, None, &url).await,
    };
    match status {
        200 => true,
        404 => false,
        s => panic!("unexpected status {s}"),
    }
}

/// Whether `viewer` sees `object` on `surface`.
async fn sees(w: &World, eyes: &Eyes<'_>, object: Object, surface: Surface) -> bool {
    let a = w.net.hub("alpha");
    let item = w.items.iter().find(|(o, ..)| *o == object);
    let marker = |o: Object| -> &str {
        match o {
            Object::ProfileFields => "ABOUT-ALICE-7f3",
            Object::ConnectionList => "id=\"connection-list\"",
            _ => item.map(|i| i.1.as_str()).unwrap(),
        }
    };
    match surface {
        Surface::ChannelPage => {
            let page = eyes
                .browser
                .get(&format!("{}/channel/alice", a.base_url))
                .await;
            page.expect_status(200);
            let found = page.has(marker(object));
            if object == Object::ConnectionList && found {
                assert!(page.has(&w.bob_addr), "the list names bob");
            }
            if object == Object::ProfileFields {
                assert_eq!(found, page.has("LOCALITY-ALICE-7f3"), "all fields or none");
            }
            found
        }
        Surface::Permalink => {
            let (_, _, uuid, _) = item.unwrap();
            let page = eyes
                .browser
                .get(&format!("{}/item/{uuid}", a.base_url))
                .await;
            match page.status {
                200 => {
                    assert!(page.has(marker(object)), "{}", page.body);
                    true
                }
                404 => {
                    assert!(!page.has(marker(object)));
                    false
                }
                s => panic!("permalink answered {s}"),
            }
        }
        Surface::ZotFetch => zot_fetch(eyes, a, &item.unwrap().2).await,
        Surface::Feed => {
            let feed = eyes
                .browser
                .get(&format!("{}/feed/alice", a.base_url))
                .await;
            feed.expect_status(200);
            assert!(feed.has("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
            feed.has(marker(object))
        }
        Surface::Poco => {
            let r = eyes
                .browser
                .get(&format!("{}/poco/alice", a.base_url))
                .await;
            match r.status {
                200 => {
                    assert!(r.has(&w.bob_addr), "{}", r.body);
                    true
                }
                403 => false,
                s => panic!("poco answered {s}"),
            }
        }
    }
}

#[actix_web::test]
async fn every_viewer_sees_exactly_what_it_may_on_every_surface() {
    let w = world().await;
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (vi, viewer) in VIEWERS.iter().enumerate() {
        let eyes = eyes(&w, *viewer).await;
        for (surface, objects) in SURFACES {
            for object in objects {
                let want = OBJECTS.iter().find(|(o, _)| o == object).unwrap().1[vi];
                let got = sees(&w, &eyes, *object, surface).await;
                cells += 1;
                if got != want {
                    wrong.push(format!(
                        "{viewer:?} × {object:?} × {surface:?}: expected {}, got {}",
                        if want { "visible" } else { "hidden" },
                        if got { "visible" } else { "hidden" }
                    ));
                }
            }
        }
    }
    let expected: usize = VIEWERS.len() * SURFACES.iter().map(|(_, o)| o.len()).sum::<usize>();
    assert_eq!(cells, expected, "every cell was looked at");
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    println!("access matrix: {cells} cells, all as expected");
    w.net.stop().await;
}

/// Hubzilla #998: a post to a group stays with the group whatever the channel-wide limits
/// become, and a post to "my connections" stays with the connections it had.
#[actix_web::test]
async fn raising_or_lowering_limits_never_widens_an_existing_restricted_post() {
    let w = world().await;
    let a = w.net.hub("alpha");
    let alice = find_channel(a, "alice").await;
    let carol = visiting(w.net.hub("gamma"), a, "carol").await;
    let anon = a.browser();
    // Before: a post to the connections alice has now (dave, bob; eve is blocked).
    let friends =
        hub::service::item::post(a.ctx(), &alice, "CONNECTIONS-7f3", Audience::Connections)
            .await
            .unwrap();
    // A new connection after it was written does not see it.
    let (_, frank) = channel(a, "frank", false).await;
    befriend(&w.net, (a, &frank), a, &alice).await;
    let franks = login(a, "frank").await;
    for limit in [
        zot::perms::limit::PUBLIC,
        zot::perms::limit::AUTHED,
        zot::perms::limit::SITE,
        zot::perms::limit::CONTACTS,
    ] {
        for p in [
            zot::perms::Permission::ViewStream,
            zot::perms::Permission::ViewProfile,
            zot::perms::Permission::ViewContacts,
        ] {
            hub::service::perms::set_limit(a.ctx(), &alice, p, limit)
                .await
                .unwrap();
        }
        for (who, browser) in [("anonymous", &anon), ("carol", &carol), ("frank", &franks)] {
            let page = browser.get(&format!("{}/channel/alice", a.base_url)).await;
            for marker in ["GROUP-POST-7f3", "BOB-ONLY-7f3", "CONNECTIONS-7f3"] {
                assert!(
                    !page.has(marker),
                    "{who} sees {marker} with limit {limit:#x}"
                );
            }
            let r = browser
                .get(&format!("{}/item/{}", a.base_url, friends.uuid))
                .await;
            assert_eq!(r.status, 404, "{who} with limit {limit:#x}");
        }
    }
    // The connections it was written for still see it.
    let daves = login(a, "dave").await;
    assert!(daves.get("/channel/alice").await.has("CONNECTIONS-7f3"));
    // Lowering the stream limit to "only me" narrows even those.
    hub::service::perms::set_limit(
        a.ctx(),
        &alice,
        zot::perms::Permission::ViewStream,
        zot::perms::limit::SELF,
    )
    .await
    .unwrap();
    assert!(!daves.get("/channel/alice").await.has("CONNECTIONS-7f3"));
    let _ = frank;
    w.net.stop().await;
}
