//! Regression tests for the outside probe of the running hub (issue 6), account side: bounded
//! hashing and the reset route (findings 2, 5), revocable sessions (3), the channel limit under
//! concurrency (4), trusted proxies and per-account backoff (7), lookalikes (9), unmailable
//! addresses (10), the posting limit (12) and what anonymous visitors see (14).

use std::time::Duration;

use hub::service::perms::Audience;
use hub_tests::mail::{latest_link, mails_to};
use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::{PW, register_and_verify};

fn path_of(link: &str) -> String {
    let rest = link.split_once("://").unwrap().1;
    rest[rest.find('/').unwrap()..].to_string()
}

async fn account_count(hub: &TestHub) -> i64 {
    hub.ctx().db.run(hub::store::account::count).await.unwrap()
}

#[actix_web::test]
async fn bogus_reset_links_cost_no_hashing_and_the_route_is_rate_limited() {
    let net = TestNet::start_with(&["alpha"], |c| c.limits.reset_per_minute = 5).await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    let form = b.get("/reset").await;
    let csrf = hub_tests::browser::csrf_of(&form.body).unwrap();
    let before = hub.ctx().hasher.stats().done;
    for i in 0..5 {
        let r = b
            .post(
                &format!("/reset/bogus-token-{i}"),
                &[("csrf", &csrf), ("password", "Another-Horse-43")],
            )
            .await;
        r.expect_status(422);
        assert!(r.has("not valid"), "{}", r.body);
    }
    assert_eq!(
        hub.ctx().hasher.stats().done,
        before,
        "a bogus link must be refused before the password is hashed"
    );
    let r = b
        .post(
            "/reset/bogus-token-6",
            &[("csrf", &csrf), ("password", "Another-Horse-43")],
        )
        .await;
    r.expect_status(429);
    assert!(r.headers.contains_key("retry-after"));
    net.clock.advance(Duration::from_secs(61));
    b.post(
        "/reset/bogus-token-7",
        &[("csrf", &csrf), ("password", "Another-Horse-43")],
    )
    .await
    .expect_status(422);
    net.stop().await;
}

#[actix_web::test]
async fn concurrent_password_forms_queue_behind_the_hub_wide_hashing_limit() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    hub.account("busy@example.org", PW).await;
    let before = hub.ctx().hasher.stats();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let b = hub.browser();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                b.submit(
                    "/login",
                    "/login",
                    &[
                        ("email", "busy@example.org"),
                        ("password", "Wrong-Horse-99"),
                    ],
                )
                .await
                .status
            } else {
                let email = format!("new{i}@example.org");
                b.submit(
                    "/register",
                    "/register",
                    &[("email", &email), ("password", PW)],
                )
                .await
                .status
            }
        }));
    }
    for t in tasks {
        let status = t.await.unwrap();
        assert!(status == 422 || status == 303, "{status}");
    }
    let after = hub.ctx().hasher.stats();
    assert_eq!(after.done - before.done, 12, "every form hashed once");
    assert!(
        after.most_running <= after.limit,
        "at most {} hashes at once, saw {}",
        after.limit,
        after.most_running
    );
    net.stop().await;
}

#[actix_web::test]
async fn a_copied_cookie_is_refused_after_logout_and_after_a_password_reset() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    hub.account("victim@example.org", PW).await;
    let b = hub.browser();
    b.login("victim@example.org", PW).await;
    let stolen = b.copy_cookies();
    stolen.get("/channels").await.expect_status(200);
    // Logout ends the session on the server, not only in this browser.
    b.submit("/channels", "/logout", &[])
        .await
        .expect_status(303);
    let r = stolen.get("/channels").await;
    assert_eq!(r.status, 303, "the copied cookie still works after logout");

    // A password reset ends every session.
    b.login("victim@example.org", PW).await;
    let stolen = b.copy_cookies();
    stolen.get("/channels").await.expect_status(200);
    let other = hub.browser();
    other
        .submit_and_follow("/reset", "/reset", &[("email", "victim@example.org")])
        .await;
    let link = latest_link(&hub.mail_dir(), "victim@example.org", "/reset/").unwrap();
    let path = path_of(&link);
    other
        .submit_and_follow(&path, &path, &[("password", "Another-Horse-43")])
        .await;
    assert_eq!(stolen.get("/channels").await.status, 303, "after a reset");
    assert_eq!(b.get("/channels").await.status, 303, "the owner's too");

    // A password change ends the others, and keeps the browser that changed it.
    b.login("victim@example.org", "Another-Horse-43").await;
    let stolen = b.copy_cookies();
    let r = b
        .submit_and_follow(
            "/settings",
            "/settings/password",
            &[
                ("current", "Another-Horse-43"),
                ("password", "Third-Horse-44"),
            ],
        )
        .await;
    assert!(r.has("Your password is changed"), "{}", r.body);
    b.get("/channels").await.expect_status(200);
    assert_eq!(stolen.get("/channels").await.status, 303, "after a change");
    let wrong = b
        .submit(
            "/settings",
            "/settings/password",
            &[
                ("current", "not-it-at-all"),
                ("password", "Fourth-Horse-45"),
            ],
        )
        .await;
    wrong.expect_status(422);

    // "Log out everywhere".
    let elsewhere = hub.browser();
    elsewhere
        .login("victim@example.org", "Third-Horse-44")
        .await;
    let page = b.get("/settings").await;
    assert_eq!(
        page.body.matches("last seen").count(),
        2,
        "two sessions listed"
    );
    assert_eq!(page.body.matches("this browser").count(), 1);
    b.submit("/settings", "/settings/logout-everywhere", &[])
        .await
        .expect_status(303);
    assert_eq!(elsewhere.get("/channels").await.status, 303);
    assert_eq!(b.get("/channels").await.status, 303);
    net.stop().await;
}

#[actix_web::test]
async fn sessions_end_when_idle_too_long_after_their_lifetime_and_on_suspension() {
    let net = TestNet::start_with(&["alpha"], |c| {
        c.accounts.session_idle_hours = 2;
        c.accounts.session_max_days = 1;
    })
    .await;
    let hub = net.hub("alpha");
    let root = hub.browser();
    register_and_verify(hub, &root, "root@example.org").await;
    root.login("root@example.org", PW).await;
    hub.account("user@example.org", PW).await;
    let b = hub.browser();
    b.login("user@example.org", PW).await;
    // Idle: 1 h between requests keeps it alive, 3 h ends it.
    for _ in 0..3 {
        net.clock.advance(Duration::from_secs(3600));
        b.get("/channels").await.expect_status(200);
        root.get("/admin").await.expect_status(200);
    }
    net.clock.advance(Duration::from_secs(3 * 3600));
    assert_eq!(b.get("/channels").await.status, 303, "idle session ended");
    // Absolute: used every hour, it still ends a day after the login.
    root.login("root@example.org", PW).await;
    b.login("user@example.org", PW).await;
    for _ in 0..23 {
        net.clock.advance(Duration::from_secs(3600));
        b.get("/channels").await.expect_status(200);
    }
    net.clock.advance(Duration::from_secs(3600));
    assert_eq!(b.get("/channels").await.status, 303, "absolute lifetime");
    // Suspension ends the sessions and refuses logins; reinstating lets them back.
    root.login("root@example.org", PW).await;
    b.login("user@example.org", PW).await;
    let admin = root.get("/admin").await;
    let at = admin.body.find("user@example.org").unwrap();
    let tail = &admin.body[at..];
    let form_at = tail.find("/admin/suspend/").unwrap() + "/admin/suspend/".len();
    let id = &tail[form_at..form_at + tail[form_at..].find('"').unwrap()];
    let r = root
        .submit_and_follow(
            "/admin",
            &format!("/admin/suspend/{id}"),
            &[("suspend", "yes")],
        )
        .await;
    assert!(r.has("Account suspended"), "{}", r.body);
    assert_eq!(
        b.get("/channels").await.status,
        303,
        "suspended: logged out"
    );
    let refused = b
        .submit(
            "/login",
            "/login",
            &[("email", "user@example.org"), ("password", PW)],
        )
        .await;
    refused.expect_status(403);
    assert!(refused.has("suspended"));
    root.submit_and_follow(
        "/admin",
        &format!("/admin/suspend/{id}"),
        &[("suspend", "no")],
    )
    .await;
    b.login("user@example.org", PW).await;
    net.stop().await;
}

#[actix_web::test]
async fn concurrent_channel_creations_never_exceed_max_channels() {
    let net = TestNet::start_with(&["alpha"], |c| c.accounts.max_channels = 2).await;
    let hub = net.hub("alpha");
    let account = hub.account("many@example.org", PW).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let ctx = hub.ctx().clone();
        tasks.push(tokio::spawn(async move {
            hub::service::channel::create(&ctx, account, &format!("race{i}"), "Racer", "personal")
                .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) => assert!(e.kind.safe_message().contains("at most 2 channels"), "{e}"),
        }
    }
    assert_eq!(created, 2);
    let owned = hub::service::channel::of_account(hub.ctx(), account)
        .await
        .unwrap();
    assert_eq!(owned.len(), 2);
    net.stop().await;
}

#[actix_web::test]
async fn using_one_reset_link_voids_the_others() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    hub.account("links@example.org", PW).await;
    let b = hub.browser();
    for _ in 0..2 {
        b.submit_and_follow("/reset", "/reset", &[("email", "links@example.org")])
            .await;
    }
    let links: Vec<String> = mails_to(&hub.mail_dir(), "links@example.org")
        .iter()
        .filter_map(|m| hub_tests::mail::link_with(m, "/reset/"))
        .collect();
    assert_eq!(links.len(), 2);
    let (first, second) = (path_of(&links[0]), path_of(&links[1]));
    b.submit_and_follow(&second, &second, &[("password", "Another-Horse-43")])
        .await
        .expect_status(200);
    let stale = b.get(&first).await;
    stale.expect_status(422);
    let form = b.get("/reset").await;
    let r = b
        .post(
            &first,
            &[
                ("csrf", &hub_tests::browser::csrf_of(&form.body).unwrap()),
                ("password", "Attacker-Horse-66"),
            ],
        )
        .await;
    r.expect_status(422);
    hub.browser()
        .login("links@example.org", "Another-Horse-43")
        .await;
    net.stop().await;
}

async fn wrong_login(b: &Browser, email: &str, forwarded_for: Option<&str>) -> u16 {
    let page = b.get("/login").await;
    let csrf = hub_tests::browser::csrf_of(&page.body).unwrap();
    let body = format!(
        "csrf={csrf}&email={}&password=Wrong-Horse-00",
        email.replace('@', "%40")
    );
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(ip) = forwarded_for {
        headers.push(("x-forwarded-for", ip));
    }
    b.request(reqwest::Method::POST, "/login", &headers, body.into_bytes())
        .await
        .status
}

#[actix_web::test]
async fn behind_a_trusted_proxy_one_client_cannot_lock_out_the_others() {
    let net = TestNet::start_with(&["alpha", "beta"], |c| {
        c.limits.login_per_minute = 3;
        c.limits.login_failures_before_backoff = 1000;
        if c.site_name.ends_with("alpha") {
            c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        }
    })
    .await;
    // alpha trusts its proxy (loopback): the forwarded address is the client.
    let b = net.hub("alpha").browser();
    for _ in 0..3 {
        assert_eq!(
            wrong_login(&b, "a@example.org", Some("203.0.113.1")).await,
            422
        );
    }
    assert_eq!(
        wrong_login(&b, "a@example.org", Some("203.0.113.1")).await,
        429
    );
    assert_eq!(
        wrong_login(&b, "a@example.org", Some("203.0.113.2")).await,
        422,
        "another client behind the same proxy is not locked out"
    );
    // beta trusts nobody: a forged header does not buy a fresh allowance.
    let b = net.hub("beta").browser();
    for i in 0..3 {
        let ip = format!("198.51.100.{i}");
        assert_eq!(wrong_login(&b, "a@example.org", Some(&ip)).await, 422);
    }
    assert_eq!(
        wrong_login(&b, "a@example.org", Some("198.51.100.9")).await,
        429
    );
    net.stop().await;
}

#[actix_web::test]
async fn repeated_wrong_passwords_slow_down_that_account_only() {
    let net = TestNet::start_with(&["alpha"], |c| {
        c.limits.login_failures_before_backoff = 3;
    })
    .await;
    let hub = net.hub("alpha");
    hub.account("target@example.org", PW).await;
    hub.account("bystander@example.org", PW).await;
    let b = hub.browser();
    for _ in 0..3 {
        assert_eq!(wrong_login(&b, "target@example.org", None).await, 422);
    }
    // Now even the right password waits, and costs no hashing.
    let before = hub.ctx().hasher.stats().done;
    let r = b
        .submit(
            "/login",
            "/login",
            &[("email", "target@example.org"), ("password", PW)],
        )
        .await;
    r.expect_status(429);
    assert_eq!(hub.ctx().hasher.stats().done, before);
    // Other accounts are unaffected.
    hub.browser().login("bystander@example.org", PW).await;
    // After the wait (30 s) the right password works and the count starts again.
    net.clock.advance(Duration::from_secs(31));
    b.login("target@example.org", PW).await;
    net.stop().await;
}

#[actix_web::test]
async fn invisible_and_lookalike_text_is_refused_or_flagged() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let root = hub.browser();
    register_and_verify(hub, &root, "root@example.org").await;
    root.login("root@example.org", PW).await;
    // Invisible characters in an address: refused, nothing stored.
    for email in ["admin@example.org\u{200B}", "ad\u{202E}min@example.org"] {
        let r = hub
            .browser()
            .submit(
                "/register",
                "/register",
                &[("email", email), ("password", PW)],
            )
            .await;
        r.expect_status(422);
        assert!(r.has("invisible"), "{email:?}: {}", r.body);
    }
    assert_eq!(account_count(hub).await, 1);
    // A mixed-script address registers but is flagged for the admin.
    let lookalike = "\u{0430}dmin@example.org";
    hub.browser()
        .submit_and_follow(
            "/register",
            "/register",
            &[("email", lookalike), ("password", PW)],
        )
        .await
        .expect_status(200);
    let admin = root.get("/admin").await;
    assert!(admin.has(lookalike));
    assert!(
        admin.has("Check this address: mixed scripts in the name: Cyrillic + Latin"),
        "{}",
        admin.body
    );
    assert_eq!(admin.body.matches("class=\"warning lookalike\"").count(), 1);
    // Names: bidi overrides and zero-width characters refused; NFC stored.
    let a = hub.account("names@example.org", PW).await;
    let b = hub.browser();
    b.login("names@example.org", PW).await;
    for name in ["Alice\u{202E}ecilA", "Ali\u{200B}ce", "\u{2066}Bob"] {
        let r = b
            .submit(
                "/channels/new",
                "/channels/new",
                &[("nick", "namer"), ("name", name), ("role", "public")],
            )
            .await;
        r.expect_status(422);
        assert!(r.has("invisible or direction-changing"), "{name:?}");
    }
    b.submit(
        "/channels/new",
        "/channels/new",
        &[
            ("nick", "namer"),
            ("name", "Zoe\u{0308}"),
            ("role", "public"),
        ],
    )
    .await
    .expect_status(303);
    let ch = hub::service::channel::by_nick(hub.ctx(), "namer")
        .await
        .unwrap();
    assert_eq!(ch.channel_name, "Zo\u{00EB}");
    assert_eq!(ch.channel_account_id, a);
    let r = b
        .submit(
            "/channel/namer/profile",
            "/channel/namer/profile",
            &[("name", "Zoë"), ("locality", "Paris\u{202E}")],
        )
        .await;
    r.expect_status(422);
    // Posts that render to nothing are refused.
    for body in [
        "\u{200B}\u{200B}",
        "<script>alert(1)</script>",
        "&nbsp;",
        "\u{202E}",
    ] {
        let r = b
            .submit("/channel/namer", "/channel/namer/post", &[("body", body)])
            .await;
        r.expect_status(422);
        assert!(
            r.has("would show nothing") || r.has("write something"),
            "{body:?}"
        );
    }
    assert!(b.get("/channel/namer").await.has("No posts yet."));
    net.stop().await;
}

#[actix_web::test]
async fn addresses_the_mailer_cannot_deliver_are_refused_before_anything_is_created() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    for email in [
        "\"<script>alert(1)</script>\"@example.org",
        "a@[127.0.0.1]",
        "Alice <alice@example.org>",
        "alice@localhost",
    ] {
        let r = hub
            .browser()
            .submit(
                "/register",
                "/register",
                &[("email", email), ("password", PW)],
            )
            .await;
        r.expect_status(422);
        assert!(r.has("valid email"), "{email:?}: {}", r.body);
    }
    assert_eq!(account_count(hub).await, 0);
    assert!(
        std::fs::read_dir(hub.mail_dir()).map_or(true, |d| d.count() == 0),
        "no mail was attempted"
    );
    net.stop().await;
}

#[actix_web::test]
async fn posting_is_limited_per_account_per_hour() {
    let net = TestNet::start_with(&["alpha"], |c| c.limits.posts_per_hour = 3).await;
    let hub = net.hub("alpha");
    let a = hub.account("poster@example.org", PW).await;
    hub.channel(a, "poster", "Poster").await;
    hub.channel(a, "poster2", "Poster 2").await;
    let b = hub.browser();
    b.login("poster@example.org", PW).await;
    for (i, chan) in ["poster", "poster2", "poster"].iter().enumerate() {
        let body = format!("post {i}");
        b.submit(
            &format!("/channel/{chan}"),
            &format!("/channel/{chan}/post"),
            &[("body", &body)],
        )
        .await
        .expect_status(303);
    }
    // The limit is per account, across its channels.
    let r = b
        .submit(
            "/channel/poster2",
            "/channel/poster2/post",
            &[("body", "one too many")],
        )
        .await;
    r.expect_status(429);
    assert!(r.has("one too many"), "the draft is kept");
    net.clock.advance(Duration::from_secs(3601));
    b.submit(
        "/channel/poster2",
        "/channel/poster2/post",
        &[("body", "later")],
    )
    .await
    .expect_status(303);
    net.stop().await;
}

#[actix_web::test]
async fn a_personal_channel_shows_anonymous_visitors_only_what_its_owner_made_public() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let a = hub.account("private@example.org", PW).await;
    let personal = hub.channel(a, "quiet", "Quiet").await;
    let owner = hub.browser();
    owner.login("private@example.org", PW).await;
    // The composer defaults to the role's audience: connections.
    let page = owner.get("/channel/quiet").await;
    assert!(
        page.has("value=\"connections\" checked"),
        "personal channels post to connections by default"
    );
    owner
        .submit(
            "/channel/quiet",
            "/channel/quiet/post",
            &[("body", "for my friends")],
        )
        .await
        .expect_status(303);
    hub::service::item::post(hub.ctx(), &personal, "for everyone", Audience::Public)
        .await
        .unwrap();
    let mine = owner.get("/channel/quiet").await;
    assert!(mine.has("for my friends") && mine.has("for everyone"));
    assert!(mine.has("Restricted"));
    assert!(
        mine.has("Only you can see this."),
        "a post to connections, written before there are any, is for its owner alone"
    );
    // Anonymous visitors and other accounts see the public post only...
    hub.account("stranger@example.org", PW).await;
    let stranger = hub.browser();
    stranger.login("stranger@example.org", PW).await;
    for viewer in [hub.browser(), stranger] {
        let page = viewer.get("/channel/quiet").await;
        page.expect_status(200);
        assert!(page.has("for everyone"), "{}", page.body);
        assert!(!page.has("for my friends"), "{}", page.body);
    }
    // ...and the restricted permalink is not found for them.
    let link = {
        let at = mine.body.find("for my friends").unwrap();
        let tail = &mine.body[at..];
        let start = tail.find("href=\"/item/").unwrap() + "href=\"".len();
        tail[start..start + tail[start..].find('"').unwrap()].to_string()
    };
    owner.get(&link).await.expect_status(200);
    hub.browser().get(&link).await.expect_status(404);
    // A public channel's posts are public by default.
    owner
        .submit(
            "/channels/new",
            "/channels/new",
            &[("nick", "loud"), ("name", "Loud"), ("role", "public")],
        )
        .await
        .expect_status(303);
    owner
        .submit(
            "/channel/loud",
            "/channel/loud/post",
            &[("body", "hello world")],
        )
        .await
        .expect_status(303);
    assert!(hub.browser().get("/channel/loud").await.has("hello world"));
    net.stop().await;
}
