//! Bad input gets a clear message and changes nothing.

use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::PW;

async fn account_count(hub: &TestHub) -> i64 {
    hub.ctx().db.run(hub::store::account::count).await.unwrap()
}

async fn logged_in(hub: &TestHub, email: &str) -> Browser {
    hub.account(email, PW).await;
    let b = hub.browser();
    b.login(email, PW).await;
    b
}

#[actix_web::test]
async fn registration_refuses_bad_emails_and_passwords_and_stores_nothing() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    let long_pw = "Ab1-".repeat(70);
    let cases: &[(&str, &str, u16, &str)] = &[
        ("not-an-email", PW, 422, "valid email"),
        ("two@@example.org", PW, 422, "valid email"),
        ("", PW, 422, "valid email"),
        ("weak@example.org", "short1", 422, "at least 10"),
        ("weak@example.org", "aaaaaaaaaaaaaaa", 422, "too easy"),
        ("weak@example.org", "password123", 422, "too easy"),
        ("long@example.org", &long_pw, 422, "at most 256"),
    ];
    for (email, pw, status, msg) in cases {
        let r = b
            .submit(
                "/register",
                "/register",
                &[("email", email), ("password", pw)],
            )
            .await;
        assert_eq!(r.status, *status, "{email}/{pw}: {}", r.body);
        assert!(r.has(msg), "{email}: expected {msg:?} in {}", r.body);
        assert!(r.has("id=\"register-form\""), "the form is shown again");
    }
    assert_eq!(account_count(hub).await, 0);

    // A duplicate email, in any case, gets the same answer as a new one (finding 6: the form
    // does not reveal who has an account); the owner is mailed instead, and nothing is stored.
    let first = b
        .submit(
            "/register",
            "/register",
            &[("email", "dup@example.org"), ("password", PW)],
        )
        .await;
    first.expect_status(303);
    let again = b
        .submit(
            "/register",
            "/register",
            &[("email", "DUP@Example.org"), ("password", PW)],
        )
        .await;
    again.expect_status(303);
    assert_eq!(
        again.location, first.location,
        "same answer for a taken address"
    );
    let page = b.get(again.location.as_deref().unwrap()).await;
    page.expect_status(200);
    assert!(page.has("Check your mail"), "{}", page.body);
    assert_eq!(account_count(hub).await, 1);
    let mails = hub_tests::mail::mails_to(&hub.mail_dir(), "dup@example.org");
    assert_eq!(mails.len(), 2, "a verification mail, then the warning");
    assert!(
        mails
            .iter()
            .any(|m| m.contains("already has an account") && !m.contains("/verify/")),
        "the owner is told somebody tried: {mails:?}"
    );
    net.stop().await;
}

#[actix_web::test]
async fn channel_creation_refuses_bad_and_taken_nicknames() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = logged_in(hub, "nicks@example.org").await;
    let create = |nick: &'static str, name: &'static str| {
        let b = b.clone();
        async move {
            b.submit(
                "/channels/new",
                "/channels/new",
                &[("nick", nick), ("name", name), ("role", "personal")],
            )
            .await
        }
    };
    for (nick, msg) in [
        ("Alice", "lowercase"),
        ("al ice", "lowercase"),
        ("al-ice", "lowercase"),
        ("x", "2 to 64"),
        ("admin", "reserved"),
        ("api", "reserved"),
        ("channel", "reserved"),
        ("dav", "reserved"),
        ("<script>", "lowercase"),
        ("a'; DROP TABLE channel;--", "lowercase"),
    ] {
        let r = create(nick, "Name").await;
        r.expect_status(422);
        assert!(r.has(msg), "{nick}: {}", r.body);
    }
    let r = b
        .submit(
            "/channels/new",
            "/channels/new",
            &[("nick", "fine"), ("name", "   "), ("role", "personal")],
        )
        .await;
    r.expect_status(422);
    let r = b
        .submit(
            "/channels/new",
            "/channels/new",
            &[("nick", "fine"), ("name", "N"), ("role", "overlord")],
        )
        .await;
    r.expect_status(422);
    assert_eq!(create("taken", "First").await.status, 303);
    let other = logged_in(hub, "other@example.org").await;
    let r = other
        .submit(
            "/channels/new",
            "/channels/new",
            &[("nick", "taken"), ("name", "Second"), ("role", "personal")],
        )
        .await;
    r.expect_status(409);
    assert!(r.has("already taken"));
    let mine = b.get("/channels").await;
    let list = mine
        .body
        .split("class=\"channel-list\"")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .expect("the channel list");
    assert_eq!(list.matches("<li").count(), 1, "{}", mine.body);
    net.stop().await;
}

#[actix_web::test]
async fn every_form_refuses_a_missing_or_wrong_csrf_token() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let a = hub.account("csrf@example.org", PW).await;
    hub.channel(a, "csrfchan", "C").await;
    let b = hub.browser();
    b.login("csrf@example.org", PW).await;
    let forms: &[(&str, &[(&str, &str)])] = &[
        ("/register", &[("email", "n@example.org"), ("password", PW)]),
        ("/login", &[("email", "csrf@example.org"), ("password", PW)]),
        ("/logout", &[]),
        ("/reset", &[("email", "csrf@example.org")]),
        ("/reset/sometoken", &[("password", PW)]),
        (
            "/channels/new",
            &[("nick", "newnick"), ("name", "N"), ("role", "personal")],
        ),
        ("/channel/csrfchan/post", &[("body", "forged")]),
        ("/channel/csrfchan/profile", &[("name", "Forged")]),
        ("/admin/policy", &[("policy", "closed")]),
        ("/admin/approve/1", &[]),
    ];
    for (action, fields) in forms {
        let r = b.post(action, fields).await;
        assert_eq!(r.status, 403, "{action} without token: {}", r.body);
        assert!(r.has("did not come from this site"), "{action}");
        let mut with_wrong: Vec<(&str, &str)> = fields.to_vec();
        with_wrong.push(("csrf", "forged-token"));
        let r = b.post(action, &with_wrong).await;
        assert_eq!(r.status, 403, "{action} with a wrong token");
    }
    // Nothing happened: still logged in, no post, no channel, policy unchanged.
    b.get("/channels").await.expect_status(200);
    let page = b.get("/channel/csrfchan").await;
    assert!(!page.has("forged") && !page.has("Forged"));
    b.get("/channel/newnick").await.expect_status(404);
    assert_eq!(account_count(hub).await, 1);
    net.stop().await;
}

#[actix_web::test]
async fn oversized_bodies_are_refused_with_413() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = logged_in(hub, "big@example.org").await;
    let big = format!("csrf=x&body={}", "a".repeat(2 * 1024 * 1024));
    let r = b
        .post_raw(
            "/register",
            "application/x-www-form-urlencoded",
            big.clone().into_bytes(),
        )
        .await;
    r.expect_status(413);
    let r = b
        .post_raw(
            "/channels/new",
            "application/x-www-form-urlencoded",
            big.into_bytes(),
        )
        .await;
    r.expect_status(413);
    // Under the body limit but over the post limit: a field error.
    let a = hub
        .ctx()
        .db
        .run(|c| hub::store::account::find_by_email(c, "big@example.org"))
        .await
        .unwrap()
        .unwrap();
    hub.channel(a.account_id, "bigchan", "Big").await;
    let long = "b".repeat(100_001);
    let r = b
        .submit(
            "/channel/bigchan",
            "/channel/bigchan/post",
            &[("body", &long)],
        )
        .await;
    r.expect_status(422);
    assert!(r.has("at most 100000"));
    let empty = b
        .submit(
            "/channel/bigchan",
            "/channel/bigchan/post",
            &[("body", "  ")],
        )
        .await;
    empty.expect_status(422);
    assert!(b.get("/channel/bigchan").await.has("No posts yet."));
    net.stop().await;
}

#[actix_web::test]
async fn malformed_forms_get_a_clear_error() {
    let net = TestNet::single().await;
    let b = net.hub("alpha").browser();
    let r = b
        .post_raw(
            "/login",
            "application/x-www-form-urlencoded",
            b"email=%ZZ&&=\xff".to_vec(),
        )
        .await;
    assert!(
        r.status == 422 || r.status == 403,
        "{}: {}",
        r.status,
        r.body
    );
    let r = b
        .post_raw("/login", "application/json", b"{}".to_vec())
        .await;
    assert!(r.status >= 400 && r.status < 500, "{}", r.status);
    net.stop().await;
}

#[actix_web::test]
async fn sql_and_html_metacharacters_are_stored_and_shown_verbatim() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let evil_email = "o'hara+x@example.org";
    let b = hub.browser();
    crate::accounts::register_and_verify(hub, &b, evil_email).await;
    b.login(evil_email, PW).await;
    let evil_name = "Robert'); DROP TABLE channel;-- <script>alert(1)</script> & \"q\"";
    let r = b
        .submit(
            "/channels/new",
            "/channels/new",
            &[("nick", "bobby"), ("name", evil_name), ("role", "personal")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let evil_post = "1' OR '1'='1; <img src=x onerror=alert(1)> <b onclick=\"x\">bold</b> \\ %00";
    b.submit(
        "/channel/bobby",
        "/channel/bobby/post",
        &[("body", evil_post), ("audience", "public")],
    )
    .await;
    b.submit(
        "/channel/bobby/profile",
        "/channel/bobby/profile",
        &[
            ("name", evil_name),
            ("about", "<iframe src=x></iframe>'--"),
            ("locality", "<b>here</b>'\""),
        ],
    )
    .await;
    let page = hub.browser().get("/channel/bobby").await;
    page.expect_status(200);
    assert!(
        page.has("Robert&#39;); DROP TABLE channel;-- &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;q&#34;"),
        "{}",
        page.body
    );
    assert!(
        page.has("1&#39; OR &#39;1&#39;=&#39;1") || page.has("1' OR '1'='1"),
        "{}",
        page.body
    );
    assert!(!page.has("<script>alert(1)"));
    assert!(!page.has("onerror"));
    assert!(!page.has("onclick"));
    assert!(!page.has("<iframe"));
    assert!(
        page.has("&#60;b&#62;here&#60;/b&#62;&#39;&#34;"),
        "{}",
        page.body
    );
    // The stored text is exactly what was typed.
    let ch = hub::service::channel::by_nick(hub.ctx(), "bobby")
        .await
        .unwrap();
    assert_eq!(ch.channel_name, evil_name);
    let owner = hub::service::account::find_by_email(hub.ctx(), "o'hara+x@example.org")
        .await
        .unwrap();
    let access = hub::service::perms::ChannelAccess::of(
        hub.ctx(),
        &ch,
        &hub::service::perms::Observer::Account(owner.unwrap().account_id),
    )
    .await
    .unwrap();
    let posts = hub::service::item::channel_page(hub.ctx(), &ch, &access, 1)
        .await
        .unwrap();
    assert_eq!(posts.items[0].body, evil_post);
    let acct = hub
        .ctx()
        .db
        .run(|c| hub::store::account::find_by_email(c, "o'hara+x@example.org"))
        .await
        .unwrap();
    assert!(acct.is_some());
    net.stop().await;
}
