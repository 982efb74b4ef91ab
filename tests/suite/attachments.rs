//! Attachments of posts: files from the channel's storage attached in the composer take the
//! post's access list (whoever may read the post may open them, nobody else), show in the post
//! (images inline), travel in the activity's `attachment` list, and are kept as attachments on
//! the hubs that receive the post.

use hub::service::perms::Observer;
use hub::service::storage;
use hub_tests::TestHub;

use crate::accounts::PW;
use crate::federation::{addr, three_hubs};

/// Uploads a file to the top of the channel's storage (over WebDAV); returns its public id.
async fn upload(
    hub: &TestHub,
    ch: &hub::service::channel::Channel,
    name: &str,
    bytes: &[u8],
) -> String {
    use base64::Engine;
    let secret = hub::service::app_password::create(hub.ctx(), ch.channel_account_id, "test")
        .await
        .unwrap();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{secret}", ch.channel_address))
    );
    let r = hub
        .browser()
        .request(
            reqwest::Method::PUT,
            &format!("/dav/{}/{name}", ch.channel_address),
            &[("Authorization", &auth)],
            bytes.to_vec(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let top = storage::folder(
        hub.ctx(),
        &ch.channel_address,
        None,
        &Observer::Account(ch.channel_account_id),
    )
    .await
    .unwrap();
    top.entries
        .into_iter()
        .find(|(e, _)| e.name == name)
        .map(|(e, _)| e.hash)
        .unwrap()
}

async fn attachments_of(hub: &TestHub, uid: i64) -> Vec<(String, String)> {
    hub.ctx()
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use hub::store::schema::{item, item_attach};
            Ok(item_attach::table
                .inner_join(item::table.on(item::id.eq(item_attach::item_id)))
                .filter(item::uid.eq(uid))
                .order(item_attach::position.asc())
                .select((item_attach::url, item_attach::mimetype))
                .load::<(String, String)>(c)?)
        })
        .await
        .unwrap()
}

#[actix_web::test]
async fn attached_files_take_the_posts_audience_and_reach_its_readers() {
    let (net, alice, bob, carol) = three_hubs().await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let png = b"\x89PNG\r\n\x1a\n not really decoded here".to_vec();
    let photo = upload(a, &alice, "photo.png", &png).await;
    let notes = upload(a, &alice, "notes.txt", b"for bob").await;

    // alice attaches both to a post for bob alone, from the composer.
    let web = a.browser();
    web.login("alice@example.org", PW).await;
    let page = web.get("/channel/alice").await;
    assert!(page.body.contains("photo.png") && page.body.contains("name=\"attach\""));
    let bob_addr = addr(b, "bob");
    let r = web
        .submit(
            "/channel/alice",
            "/channel/alice/post",
            &[
                ("body", "Two files for bob"),
                ("audience", "to"),
                ("to", &bob_addr),
                ("attach", &photo),
                ("attach", &notes),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    net.drain().await;

    // The files now have the post's audience: bob may open them, carol and strangers not.
    let as_bob = Observer::Identity(bob.channel_hash.clone());
    let as_carol = Observer::Identity(carol.channel_hash.clone());
    for h in [&photo, &notes] {
        assert!(storage::download(a.ctx(), h, &as_bob).await.is_ok());
        assert!(storage::download(a.ctx(), h, &as_carol).await.is_err());
        assert_eq!(a.browser().get(&format!("/file/{h}")).await.status, 404);
    }
    // The post shows the image inline and links the other file, for alice and on beta.
    let own = attachments_of(a, alice.channel_id).await;
    assert_eq!(
        own,
        vec![
            (a.ctx().uris.file(&photo), "image/png".to_string()),
            (a.ctx().uris.file(&notes), "text/plain".to_string()),
        ]
    );
    let there = attachments_of(b, bob.channel_id).await;
    assert_eq!(there, own, "beta keeps the attachments the activity listed");
    let stream = hub::service::item::stream(b.ctx(), &bob, 10).await.unwrap();
    let (item, _) = stream
        .iter()
        .find(|(i, _)| i.body.contains("Two files for bob"))
        .expect("the post reached bob");
    assert!(
        item.html
            .contains(&format!("<img src=\"{}\"", a.ctx().uris.file(&photo))),
        "{}",
        item.html
    );
    assert!(
        item.html
            .contains(&format!("href=\"{}\"", a.ctx().uris.file(&notes)))
    );
    // carol got nothing.
    assert!(attachments_of(g, carol.channel_id).await.is_empty());

    // A public post makes its image public.
    let open = upload(a, &alice, "open.png", b"\x89PNG\r\n\x1a\n public").await;
    hub::service::item::post_with_files(
        a.ctx(),
        &alice,
        "",
        hub::service::perms::Audience::Public,
        std::slice::from_ref(&open),
    )
    .await
    .unwrap();
    assert_eq!(a.browser().get(&format!("/file/{open}")).await.status, 200);
    // Someone else's file, a folder or an unknown id cannot be attached.
    let bobs = upload(b, &bob, "bobs.txt", b"mine").await;
    for bad in [bobs.as_str(), "no-such-file"] {
        let e = hub::service::item::post_with_files(
            a.ctx(),
            &alice,
            "x",
            hub::service::perms::Audience::Public,
            &[bad.to_string()],
        )
        .await;
        assert!(e.is_err(), "{bad}");
    }
}
