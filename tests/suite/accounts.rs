//! Accounts over HTTP: registration, verification mail, login, logout, password reset,
//! registration policies, the first admin, rate limits.

use std::time::Duration;

use hub_tests::mail::latest_link;
use hub_tests::{Browser, TestHub, TestNet};

pub const PW: &str = "Correct-Horse-42";

/// Registers through the web and follows the mailed verification link.
pub async fn register_and_verify(hub: &TestHub, b: &Browser, email: &str) {
    let r = b
        .submit_and_follow(
            "/register",
            "/register",
            &[("email", email), ("password", PW)],
        )
        .await;
    r.expect_status(200);
    assert!(r.has("id=\"notice\""), "{}", r.body);
    let link = latest_link(&hub.mail_dir(), email, "/verify/").expect("verification mail");
    let v = b.get(&link).await;
    v.expect_status(200);
    assert!(v.has("Email confirmed"), "{}", v.body);
}

#[actix_web::test]
async fn a_person_registers_verifies_logs_in_creates_a_channel_and_posts() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    register_and_verify(hub, &b, "alice@example.org").await;
    b.login("alice@example.org", PW).await;
    let list = b.get("/channels").await;
    list.expect_status(200);
    assert!(list.has("href=\"/channels/new\""));
    let r = b
        .submit(
            "/channels/new",
            "/channels/new",
            &[
                ("nick", "alice"),
                ("name", "Alice Liddell"),
                ("role", "personal"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/channel/alice"));
    let r = b
        .submit(
            "/channel/alice",
            "/channel/alice/post",
            &[("body", "Hello **caravan**"), ("audience", "public")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Anyone sees it, newest first, rendered from Markdown.
    let page = hub.browser().get("/channel/alice").await;
    page.expect_status(200);
    assert!(page.has("Hello <strong>caravan</strong>"), "{}", page.body);
    assert!(page.has("Alice Liddell"));
    assert!(!page.has("compose-form"), "strangers get no composer");
    net.stop().await;
}

#[actix_web::test]
async fn the_first_account_is_the_admin_and_later_ones_are_not() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let admin = hub.browser();
    register_and_verify(hub, &admin, "root@example.org").await;
    admin.login("root@example.org", PW).await;
    admin.get("/admin").await.expect_status(200);
    let user = hub.browser();
    register_and_verify(hub, &user, "user@example.org").await;
    user.login("user@example.org", PW).await;
    user.get("/admin").await.expect_status(403);
    // Anonymous visitors are sent to the login page.
    let anon = hub.browser().get("/admin").await;
    assert_eq!(anon.status, 303);
    assert_eq!(anon.location.as_deref(), Some("/login?next=%2Fadmin"));
    net.stop().await;
}

#[actix_web::test]
async fn verification_links_work_once_and_expire() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    register_and_verify(hub, &b, "once@example.org").await;
    let link = latest_link(&hub.mail_dir(), "once@example.org", "/verify/").unwrap();
    let again = b.get(&link).await;
    again.expect_status(422);
    assert!(again.has("already used"), "{}", again.body);
    let bogus = b.get("/verify/not-a-real-token").await;
    bogus.expect_status(422);
    assert!(bogus.has("not valid"));

    let b2 = hub.browser();
    b2.submit_and_follow(
        "/register",
        "/register",
        &[("email", "late@example.org"), ("password", PW)],
    )
    .await
    .expect_status(200);
    let link = latest_link(&hub.mail_dir(), "late@example.org", "/verify/").unwrap();
    net.clock.advance(Duration::from_secs(49 * 3600));
    let expired = b2.get(&link).await;
    expired.expect_status(422);
    assert!(expired.has("expired"), "{}", expired.body);
    net.stop().await;
}

#[actix_web::test]
async fn unverified_accounts_cannot_log_in_and_get_a_fresh_link() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    b.submit_and_follow(
        "/register",
        "/register",
        &[("email", "slow@example.org"), ("password", PW)],
    )
    .await
    .expect_status(200);
    let first = latest_link(&hub.mail_dir(), "slow@example.org", "/verify/").unwrap();
    let r = b
        .submit(
            "/login",
            "/login",
            &[("email", "slow@example.org"), ("password", PW)],
        )
        .await;
    r.expect_status(403);
    assert!(r.has("confirm your email"), "{}", r.body);
    // A second mail with a new link (found by content, not by file time).
    let links: Vec<String> = hub_tests::mail::mails_to(&hub.mail_dir(), "slow@example.org")
        .iter()
        .filter_map(|m| hub_tests::mail::link_with(m, "/verify/"))
        .collect();
    assert_eq!(links.len(), 2, "a new link was mailed");
    let second = links
        .into_iter()
        .find(|l| *l != first)
        .expect("a different link");
    b.get(&second).await.expect_status(200);
    b.login("slow@example.org", PW).await;
    net.stop().await;
}

#[actix_web::test]
async fn wrong_passwords_are_refused_without_saying_which_part_was_wrong() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    hub.account("known@example.org", PW).await;
    let b = hub.browser();
    for (email, pw) in [
        ("known@example.org", "Wrong-Horse-42"),
        ("unknown@example.org", PW),
    ] {
        let r = b
            .submit("/login", "/login", &[("email", email), ("password", pw)])
            .await;
        r.expect_status(422);
        assert!(r.has("Wrong email address or password."));
    }
    b.get("/channels").await.expect_status(303);
    net.stop().await;
}

#[actix_web::test]
async fn logging_out_ends_the_session() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    hub.account("bye@example.org", PW).await;
    let b = hub.browser();
    b.login("bye@example.org", PW).await;
    b.get("/channels").await.expect_status(200);
    let r = b.submit("/channels", "/logout", &[]).await;
    assert_eq!(r.status, 303);
    let after = b.get("/channels").await;
    assert_eq!(after.status, 303, "logged out");
    net.stop().await;
}

#[actix_web::test]
async fn password_reset_sets_a_new_password_once() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    hub.account("forgetful@example.org", PW).await;
    let b = hub.browser();
    let r = b
        .submit_and_follow("/reset", "/reset", &[("email", "forgetful@example.org")])
        .await;
    r.expect_status(200);
    // Unknown addresses get the same answer and no mail.
    let r2 = b
        .submit_and_follow("/reset", "/reset", &[("email", "nobody@example.org")])
        .await;
    r2.expect_status(200);
    assert_eq!(
        r.body.contains("If an account"),
        r2.body.contains("If an account")
    );
    assert!(hub_tests::mail::mails_to(&hub.mail_dir(), "nobody@example.org").is_empty());

    let link = latest_link(&hub.mail_dir(), "forgetful@example.org", "/reset/").unwrap();
    let path = link.split_once(".test:").unwrap().1;
    let path = &path[path.find('/').unwrap()..];
    // A weak new password is refused and the link stays usable.
    let weak = b.submit(path, path, &[("password", "short")]).await;
    weak.expect_status(422);
    let ok = b
        .submit_and_follow(path, path, &[("password", "Another-Horse-77")])
        .await;
    ok.expect_status(200);
    assert!(ok.has("Password changed"));
    let reused = b.get(path).await;
    reused.expect_status(422);
    assert!(reused.has("already used"));
    b.login("forgetful@example.org", "Another-Horse-77").await;
    let old = hub
        .browser()
        .submit(
            "/login",
            "/login",
            &[("email", "forgetful@example.org"), ("password", PW)],
        )
        .await;
    old.expect_status(422);

    // Reset links expire.
    b.submit_and_follow("/reset", "/reset", &[("email", "forgetful@example.org")])
        .await
        .expect_status(200);
    let used = link.clone();
    let link = hub_tests::mail::mails_to(&hub.mail_dir(), "forgetful@example.org")
        .iter()
        .filter_map(|m| hub_tests::mail::link_with(m, "/reset/"))
        .find(|l| *l != used)
        .expect("a second reset link");
    net.clock.advance(Duration::from_secs(61 * 60));
    let expired = b.get(&link).await;
    expired.expect_status(422);
    assert!(expired.has("expired"));
    net.stop().await;
}

#[actix_web::test]
async fn approval_policy_holds_new_accounts_until_the_admin_approves() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let admin = hub.browser();
    register_and_verify(hub, &admin, "admin@example.org").await;
    admin.login("admin@example.org", PW).await;
    let r = admin
        .submit_and_follow("/admin", "/admin/policy", &[("policy", "approve")])
        .await;
    r.expect_status(200);
    assert!(r.has("Registration policy saved."));

    let b = hub.browser();
    let reg = b.get("/register").await;
    assert!(reg.has("approved by its admin"));
    register_and_verify(hub, &b, "waiting@example.org").await;
    let r = b
        .submit(
            "/login",
            "/login",
            &[("email", "waiting@example.org"), ("password", PW)],
        )
        .await;
    r.expect_status(403);
    assert!(r.has("waiting for approval"));

    let page = admin.get("/admin").await;
    assert!(page.has("waiting@example.org"));
    let id = {
        let at = page.body.find("/admin/approve/").unwrap() + "/admin/approve/".len();
        let rest = &page.body[at..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    admin
        .submit_and_follow("/admin", &format!("/admin/approve/{id}"), &[])
        .await
        .expect_status(200);
    b.login("waiting@example.org", PW).await;
    net.stop().await;
}

#[actix_web::test]
async fn closed_registration_refuses_new_accounts_but_the_cli_path_still_works() {
    let net = TestNet::start_with(&["alpha"], |c| {
        c.initial_register_policy = hub::config::RegisterPolicy::Closed;
    })
    .await;
    let hub = net.hub("alpha");
    // The first account on a fresh hub may always register: it becomes the admin.
    let first = hub.browser();
    register_and_verify(hub, &first, "first@example.org").await;
    let b = hub.browser();
    let page = b.get("/register").await;
    assert!(page.has("closed"));
    let home = b.get("/").await;
    assert!(
        !home.has("class=\"button\" href=\"/register\""),
        "no register button"
    );
    // The closed page has no form; a token from another page of the same session gets past
    // the CSRF check to the policy check.
    let token = hub_tests::browser::csrf_of(&b.get("/login").await.body).unwrap();
    let r = b
        .post(
            "/register",
            &[
                ("email", "second@example.org"),
                ("password", PW),
                ("csrf", &token),
            ],
        )
        .await;
    r.expect_status(403);
    assert!(r.has("closed"));
    hub.account("cli@example.org", PW).await;
    b.login("cli@example.org", PW).await;
    net.stop().await;
}

#[actix_web::test]
async fn login_and_registration_are_rate_limited_per_client() {
    let net = TestNet::start_with(&["alpha"], |c| {
        c.limits.login_per_minute = 3;
        c.limits.register_per_hour = 2;
    })
    .await;
    let hub = net.hub("alpha");
    let b = hub.browser();
    for _ in 0..3 {
        let r = b
            .submit(
                "/login",
                "/login",
                &[("email", "x@example.org"), ("password", "Wrong-Horse-42")],
            )
            .await;
        r.expect_status(422);
    }
    let limited = b
        .submit(
            "/login",
            "/login",
            &[("email", "x@example.org"), ("password", "Wrong-Horse-42")],
        )
        .await;
    limited.expect_status(429);
    assert!(limited.headers.contains_key("retry-after"));
    net.clock.advance(Duration::from_secs(61));
    b.submit(
        "/login",
        "/login",
        &[("email", "x@example.org"), ("password", "Wrong-Horse-42")],
    )
    .await
    .expect_status(422);

    for i in 0..2 {
        let email = format!("r{i}@example.org");
        b.submit_and_follow(
            "/register",
            "/register",
            &[("email", &email), ("password", PW)],
        )
        .await
        .expect_status(200);
    }
    b.submit(
        "/register",
        "/register",
        &[("email", "r3@example.org"), ("password", PW)],
    )
    .await
    .expect_status(429);
    net.stop().await;
}
