//! Every page renders, with the right status, headers and cookies.

use hub::service::perms::Audience;
use hub_tests::TestNet;

use crate::accounts::PW;

#[actix_web::test]
async fn public_pages_render_with_security_headers() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    for (path, marker) in [
        ("/", "href=\"/register\""),
        ("/register", "id=\"register-form\""),
        ("/login", "id=\"login-form\""),
        ("/reset", "id=\"reset-request-form\""),
    ] {
        let r = b.get(path).await;
        r.expect_status(200);
        assert!(r.has(marker), "{path}: {}", r.body);
        assert!(r.has("<title>"), "{path}");
        assert!(r.has("Caravan alpha"), "{path} shows the site name");
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert!(
            r.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        assert_eq!(r.headers["x-frame-options"], "DENY");
    }
    let css = b.get("/static/css/caravan.css").await;
    css.expect_status(200);
    assert!(
        css.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    b.get("/static/../Cargo.toml").await.expect_status(404);
    b.get("/static/nothing.css").await.expect_status(404);
    net.stop().await;
}

#[actix_web::test]
async fn the_session_cookie_is_httponly_and_samesite() {
    let net = TestNet::single().await;
    let b = net.hub("alpha").browser();
    let r = b.get("/login").await;
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("caravan_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    net.stop().await;
}

#[actix_web::test]
async fn pages_that_need_a_login_send_visitors_to_it() {
    let net = TestNet::single().await;
    let b = net.hub("alpha").browser();
    for path in ["/channels", "/channels/new", "/admin"] {
        let r = b.get(path).await;
        assert_eq!(r.status, 303, "{path}");
        let back = format!("/login?next={}", path.replace('/', "%2F"));
        assert_eq!(r.location.as_deref(), Some(back.as_str()), "{path}");
    }
    net.stop().await;
}

#[actix_web::test]
async fn unknown_things_get_the_404_page() {
    let net = TestNet::single().await;
    let b = net.hub("alpha").browser();
    for path in [
        "/channel/nobody",
        "/item/00000000-0000-0000-0000-000000000000",
        "/no/such/page",
    ] {
        let r = b.get(path).await;
        r.expect_status(404);
        assert!(r.has("Not found"), "{path}: {}", r.body);
    }
    net.stop().await;
}

#[actix_web::test]
async fn channel_pages_show_posts_newest_first_in_pages_with_permalinks() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let owner = hub.account("owner@example.org", PW).await;
    let ch = hub.channel(owner, "pager", "Pager").await;
    for i in 0..25 {
        hub::service::item::post(
            hub.ctx(),
            &ch,
            &format!("post number {i:02}"),
            Audience::Public,
        )
        .await
        .unwrap();
        net.clock.advance(std::time::Duration::from_secs(60));
    }
    let b = hub.browser();
    let p1 = b.get("/channel/pager").await;
    p1.expect_status(200);
    assert_eq!(p1.body.matches("class=\"post h-entry\"").count(), 20);
    let newest = p1.body.find("post number 24").unwrap();
    let older = p1.body.find("post number 23").unwrap();
    assert!(newest < older, "newest first");
    assert!(!p1.has("post number 04"));
    assert!(p1.has("?page=2"));
    let p2 = b.get("/channel/pager?page=2").await;
    assert_eq!(p2.body.matches("class=\"post h-entry\"").count(), 5);
    assert!(p2.has("post number 00"));
    assert!(!p2.has("?page=3"));
    // The permalink shows the post on its own.
    let at = p1.body.find("href=\"/item/").unwrap() + "href=\"".len();
    let link = &p1.body[at..at + p1.body[at..].find('"').unwrap()];
    let item = b.get(link).await;
    item.expect_status(200);
    assert!(item.has("post number 24"));
    assert!(item.has("owner") || item.has("Pager"));
    net.stop().await;
}

#[actix_web::test]
async fn owners_edit_their_profile_and_others_cannot() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let a = hub.account("ed@example.org", PW).await;
    hub.channel(a, "editor", "Ed").await;
    let b = hub.browser();
    b.login("ed@example.org", PW).await;
    let form = b.get("/channel/editor/profile").await;
    form.expect_status(200);
    let r = b
        .submit(
            "/channel/editor/profile",
            "/channel/editor/profile",
            &[
                ("name", "Edward"),
                ("about", "I *write* <script>x()</script>"),
                ("homepage", "https://ed.example"),
                ("locality", "Lisbon"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get("/channel/editor").await;
    assert!(page.has("Edward") && page.has("<em>write</em>") && page.has("Lisbon"));
    assert!(!page.has("<script>x()"));
    let bad = b
        .submit(
            "/channel/editor/profile",
            "/channel/editor/profile",
            &[("name", "Edward"), ("homepage", "javascript:alert(1)")],
        )
        .await;
    bad.expect_status(422);

    let other_id = hub.account("other@example.org", PW).await;
    let _ = other_id;
    let o = hub.browser();
    o.login("other@example.org", PW).await;
    o.get("/channel/editor/profile").await.expect_status(403);
    let token = hub_tests::browser::csrf_of(&o.get("/channels").await.body).unwrap();
    o.post(
        "/channel/editor/post",
        &[("body", "intruder"), ("csrf", &token)],
    )
    .await
    .expect_status(403);
    assert!(!b.get("/channel/editor").await.has("intruder"));
    net.stop().await;
}
