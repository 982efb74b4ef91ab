//! The web app as a person uses it, over HTTP without JavaScript: flash messages after actions,
//! editing with a preview and a history, deleting with a confirmation page (the change reaching
//! another hub), the unread count and channel switcher in the header, the language and time
//! zone, helpful error pages, and the admin's site look.

use hub::service::perms::Audience;
use hub_tests::TestNet;

use crate::accounts::PW;

/// The uuid in a `/item/{uuid}` link of a page, after `marker`.
fn item_link_after(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in page:\n{html}"));
    let rest = &html[at..];
    let start = rest.find("href=\"/item/").expect("a permalink") + "href=\"/item/".len();
    rest[start..start + 36].to_string()
}

#[actix_web::test]
async fn posts_are_previewed_edited_with_history_and_deleted_everywhere() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = a
        .channel(a.account("alice@example.org", PW).await, "alice", "Alice")
        .await;
    let bob = b
        .channel(b.account("bob@example.org", PW).await, "bob", "Bob")
        .await;
    hub::service::connection::connect(b.ctx(), &bob, &a.ctx().uris.address("alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(a.ctx(), &alice, &b.ctx().uris.address("bob"), "personal")
        .await
        .unwrap();
    net.drain().await;

    let web = a.browser();
    web.login("alice@example.org", PW).await;
    // Preview: nothing is stored, the text stays in the form, rendered above it.
    let draft = "# Big news\n\nsee https://example.org/plan and `code`";
    let preview = web
        .submit(
            "/channel/alice",
            "/channel/alice/post",
            &[("body", draft), ("audience", "public"), ("preview", "1")],
        )
        .await;
    preview.expect_status(200);
    assert!(preview.has("id=\"preview\""), "{}", preview.body);
    assert!(preview.has("<h1>Big news</h1>"), "{}", preview.body);
    assert!(
        preview.has(r#"<a href="https://example.org/plan" rel="nofollow noopener noreferrer">"#),
        "bare URLs are linked: {}",
        preview.body
    );
    assert!(preview.has("# Big news"), "the draft stays in the textarea");
    assert!(
        !a.browser().get("/channel/alice").await.has("Big news"),
        "a preview stores nothing"
    );
    // A form whose token expired keeps its text (and stores nothing).
    let expired = web
        .post(
            "/channel/alice/post",
            &[
                ("body", "Long draft kept 77"),
                ("audience", "public"),
                ("csrf", "stale"),
            ],
        )
        .await;
    assert_eq!(expired.status, 403);
    assert!(
        expired.has(">Long draft kept 77</textarea>"),
        "{}",
        expired.body
    );
    assert!(expired.has("id=\"form-error\""));
    assert!(
        !a.browser()
            .get("/channel/alice")
            .await
            .has("Long draft kept 77")
    );
    // Publish: a flash message on the page after the redirect, shown once.
    let page = web
        .submit_and_follow(
            "/channel/alice",
            "/channel/alice/post",
            &[("body", "First version v1"), ("audience", "public")],
        )
        .await;
    assert!(page.has("id=\"flash\""), "{}", page.body);
    assert!(page.has("Your post is published."));
    assert!(
        !web.get("/channel/alice").await.has("id=\"flash\""),
        "flash shows once"
    );
    net.drain().await;
    let uuid = item_link_after(&page.body, "First version v1");
    assert!(
        page.has(&format!("href=\"/item/{uuid}/edit\"")),
        "edit link for the owner"
    );

    // Others get no edit page and no delete.
    let stranger = a.browser();
    a.account("eve@example.org", PW).await;
    stranger.login("eve@example.org", PW).await;
    stranger
        .get(&format!("/item/{uuid}/edit"))
        .await
        .expect_status(404);
    let refused = stranger
        .submit("/channels", &format!("/item/{uuid}/delete"), &[])
        .await;
    assert_eq!(refused.status, 404);
    assert!(
        !a.browser().get("/channel/alice").await.has("/edit\""),
        "anonymous sees no edit link"
    );

    // Edit with a preview first, then save: the history keeps the old version. (Receivers take
    // an edit only when it is newer than what they hold: time passes.)
    net.clock.advance(std::time::Duration::from_secs(60));
    let edit_page = web.get(&format!("/item/{uuid}/edit")).await;
    edit_page.expect_status(200);
    assert!(edit_page.has("id=\"edit-form\"") && edit_page.has("First version v1"));
    let pre = web
        .submit(
            &format!("/item/{uuid}/edit"),
            &format!("/item/{uuid}/edit"),
            &[("body", "Second version v2"), ("preview", "1")],
        )
        .await;
    pre.expect_status(200);
    assert!(pre.has("id=\"preview\"") && pre.has("Second version v2"));
    let bad = web
        .submit(
            &format!("/item/{uuid}/edit"),
            &format!("/item/{uuid}/edit"),
            &[("body", "   ")],
        )
        .await;
    assert_eq!(bad.status, 422, "an empty post is refused: {}", bad.body);
    let after = web
        .submit_and_follow(
            &format!("/item/{uuid}/edit"),
            &format!("/item/{uuid}/edit"),
            &[("body", "Second version v2")],
        )
        .await;
    assert!(
        after.has("Second version v2") && after.has("Your changes are saved."),
        "{}",
        after.body
    );
    assert!(
        after.has(&format!("href=\"/item/{uuid}/history\"")),
        "edited marker"
    );
    let history = a.browser().get(&format!("/item/{uuid}/history")).await;
    history.expect_status(200);
    assert!(
        history.has("Second version v2") && history.has("First version v1"),
        "{}",
        history.body
    );
    net.drain().await;
    let bob_web = b.browser();
    bob_web.login("bob@example.org", PW).await;
    let stream = bob_web.get("/channel/bob/stream").await;
    assert!(
        stream.has("Second version v2") && !stream.has("First version v1"),
        "the edit reached beta: {}",
        stream.body
    );

    // Bob comments from beta; on his stream his own comment has edit and delete links.
    let top = item_link_after(&stream.body, "Second version v2");
    let c = bob_web
        .submit(
            "/channel/bob/stream",
            &format!("/channel/bob/item/{top}/comment"),
            &[("body", "Nice one from bob")],
        )
        .await;
    assert_eq!(c.status, 303, "{}", c.body);
    net.drain().await;
    let stream = bob_web.get("/channel/bob/stream").await;
    let comment_at = stream
        .body
        .find("Nice one from bob")
        .expect("comment shown");
    let tail = &stream.body[comment_at..];
    let edit_at = tail
        .find("class=\"edit-link\" href=\"/item/")
        .expect("edit link on own comment");
    let cuuid = &tail[edit_at + "class=\"edit-link\" href=\"/item/".len()..][..36];
    assert!(
        a.browser()
            .get(&format!("/item/{uuid}"))
            .await
            .has("Nice one from bob"),
        "comment on alpha"
    );
    // Alice's header counts the unseen comment; opening the list clears it.
    let header = web.get("/channel/alice").await;
    assert!(header.has("id=\"notifications-link\""), "{}", header.body);
    assert!(
        header.has("class=\"badge unread\""),
        "an unread badge: {}",
        header.body
    );
    web.get("/channel/alice/notifications")
        .await
        .expect_status(200);
    assert!(
        !web.get("/channel/alice")
            .await
            .has("class=\"badge unread\""),
        "seen"
    );

    net.clock.advance(std::time::Duration::from_secs(60));
    // Bob deletes his comment (confirmation page, then POST); gone on alpha too.
    let confirm = bob_web.get(&format!("/item/{cuuid}/delete")).await;
    confirm.expect_status(200);
    assert!(confirm.has("id=\"delete-form\""));
    let gone = bob_web
        .submit(
            &format!("/item/{cuuid}/delete"),
            &format!("/item/{cuuid}/delete"),
            &[],
        )
        .await;
    assert_eq!(gone.status, 303);
    net.drain().await;
    assert!(
        !a.browser()
            .get(&format!("/item/{uuid}"))
            .await
            .has("Nice one from bob"),
        "comment deleted on alpha"
    );

    net.clock.advance(std::time::Duration::from_secs(60));
    // Alice deletes the post: the channel page and beta's stream no longer show it.
    let page = web
        .submit_and_follow(
            &format!("/item/{uuid}/delete"),
            &format!("/item/{uuid}/delete"),
            &[],
        )
        .await;
    assert!(
        page.has("The post is deleted.") && !page.has("Second version v2"),
        "{}",
        page.body
    );
    a.browser()
        .get(&format!("/item/{uuid}"))
        .await
        .expect_status(404);
    net.drain().await;
    assert!(
        !bob_web
            .get("/channel/bob/stream")
            .await
            .has("Second version v2"),
        "deleted on beta"
    );
    net.stop().await;
}

#[actix_web::test]
async fn the_frame_speaks_the_persons_language_time_and_says_what_happened() {
    let net = TestNet::single().await;
    let a = net.hub("alpha");
    let id = a.account("alice@example.org", PW).await;
    let alice = a.channel(id, "alice", "Alice").await;
    a.channel(id, "alicework", "Alice at work").await;
    hub::service::item::post(a.ctx(), &alice, "A timed post", Audience::Public)
        .await
        .unwrap();
    let web = a.browser();
    // Anonymous: German from the footer form, and helpful 404 pages.
    let home = web.get("/").await;
    assert!(home.has("<html lang=\"en\">") && home.has("id=\"footer-lang\""));
    let r = web.submit("/", "/language", &[("lang", "de")]).await;
    assert_eq!(r.status, 303);
    let de = web.get("/login").await;
    assert!(
        de.has("<html lang=\"de\">") && de.has("Anmelden"),
        "{}",
        de.body
    );
    let missing = web.get("/channel/nobody-here").await;
    missing.expect_status(404);
    assert!(missing.has("Was du jetzt tun kannst"), "{}", missing.body);
    assert!(
        missing.has("/login?next=%2Fchannel%2Fnobody-here"),
        "a way on: {}",
        missing.body
    );
    let bad = web.submit("/", "/language", &[("lang", "xx")]).await;
    assert_eq!(bad.status, 400);
    web.submit("/", "/language", &[("lang", "en")]).await;

    // A German browser gets German pages from its first request; an English one no cookie.
    let german = a.browser();
    let r = german
        .request(
            reqwest::Method::GET,
            "/login",
            &[("accept-language", "de-CH, de;q=0.9, en;q=0.5")],
            Vec::new(),
        )
        .await;
    assert!(r.has("<html lang=\"de\">"), "{}", r.body);
    // Logged in: switcher for two channels, time zone applied to times.
    web.login("alice@example.org", PW).await;
    let page = web.get("/channel/alice").await;
    assert!(
        page.has("id=\"channel-switcher\"") && page.has("Alice at work"),
        "{}",
        page.body
    );
    let sw = web
        .submit(
            "/channel/alice",
            "/channels/switch",
            &[("nick", "alicework")],
        )
        .await;
    assert_eq!(sw.location.as_deref(), Some("/channel/alicework"));
    assert!(
        web.get("/channels")
            .await
            .has("class=\"current-channel\" dir=\"auto\">Alice at work")
    );
    let other = web
        .submit("/channels", "/channels/switch", &[("nick", "bob")])
        .await;
    assert_eq!(other.status, 404, "only the account's own channels");
    let utc = web.get("/channel/alice").await;
    assert!(utc.has(" UTC</time>"), "{}", utc.body);
    let bad_tz = web
        .submit_and_follow(
            "/settings",
            "/settings/preferences",
            &[("language", "en"), ("timezone", "Mars/Olympus")],
        )
        .await;
    assert!(bad_tz.has("Unknown time zone"), "{}", bad_tz.body);
    web.submit_and_follow(
        "/settings",
        "/settings/preferences",
        &[("language", "en"), ("timezone", "Asia/Tokyo")],
    )
    .await;
    let tokyo = web.get("/channel/alice").await;
    assert!(
        tokyo.has(" JST</time>"),
        "times in the person's zone: {}",
        tokyo.body
    );
    // Log out: the next page says so.
    let out = web.submit("/settings", "/logout", &[]).await;
    assert_eq!(out.location.as_deref(), Some("/"));
    let home = web.get("/").await;
    assert!(home.has("You are logged out."), "{}", home.body);
    assert!(
        web.get("/settings").await.status == 303,
        "really logged out"
    );
    net.stop().await;
}

#[actix_web::test]
async fn the_admin_sets_the_site_name_logo_and_a_readable_accent() {
    let net = TestNet::single().await;
    let a = net.hub("alpha");
    hub::service::account::create_verified(a.ctx(), "root@example.org", PW, true)
        .await
        .unwrap();
    a.account("user@example.org", PW).await;
    let user = a.browser();
    user.login("user@example.org", PW).await;
    let no = user
        .submit(
            "/channels",
            "/admin/look",
            &[("site_name", "Mine"), ("logo", ""), ("accent", "#123456")],
        )
        .await;
    assert_eq!(no.status, 403);
    let admin = a.browser();
    admin.login("root@example.org", PW).await;
    for (accent, logo, why) in [
        ("#ffee00", "", "too light"),
        ("red", "", "not a colour"),
        (
            "#1a5fb4",
            "https://elsewhere.example/logo.png",
            "external logo",
        ),
    ] {
        let r = admin
            .submit_and_follow(
                "/admin",
                "/admin/look",
                &[
                    ("site_name", "Camel Hub"),
                    ("logo", logo),
                    ("accent", accent),
                ],
            )
            .await;
        assert!(r.has("id=\"flash\""), "{why}: {}", r.body);
        assert!(!r.has("Camel Hub"), "{why}: nothing saved");
    }
    let ok = admin
        .submit_and_follow(
            "/admin",
            "/admin/look",
            &[
                ("site_name", "Camel Hub"),
                ("logo", "/static/img/caravan.svg"),
                ("accent", "#1a5fb4"),
            ],
        )
        .await;
    assert!(ok.has("look is saved."), "{}", ok.body);
    let home = a.browser().get("/").await;
    assert!(home.has("<title>Home · Camel Hub</title>"), "{}", home.body);
    assert!(home.has("src=\"/static/img/caravan.svg\""));
    assert!(home.has("/look.css?v=%231a5fb4"), "{}", home.body);
    let css = a.browser().get("/look.css?v=x").await;
    css.expect_status(200);
    assert!(css.has("--accent:#1a5fb4"), "{}", css.body);
    assert!(css.has("prefers-color-scheme: dark"));
    net.stop().await;
}
