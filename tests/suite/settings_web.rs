//! Account and channel settings over HTTP with the harness browser: the password change ends
//! the other browser's session, the email change waits for the link mailed to the new address,
//! channel and account deletion with the grace period (export, wrong password, cancel, the
//! lifecycle job after the clock moves, the deletion seen by a connected hub), the default
//! audience preselected in the composer, and the admin pages.

use std::time::Duration;

use hub::service::perms::Audience;
use hub_tests::mail::{latest_link, mails_to};
use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::PW;
use crate::federation::{addr, channel};

const DAY: Duration = Duration::from_secs(86_400);

async fn logged_in(hub: &TestHub, email: &str, password: &str) -> Browser {
    let b = hub.browser();
    b.login(email, password).await;
    b
}

/// `a` connects to `b` and `b` approves.
async fn connect(
    net: &TestNet,
    (ha, a): (&TestHub, &hub::service::channel::Channel),
    (hb, b): (&TestHub, &hub::service::channel::Channel),
) {
    hub::service::connection::connect(ha.ctx(), a, &addr(hb, &b.channel_address), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(hb.ctx(), b, &addr(ha, &a.channel_address), "personal")
        .await
        .unwrap();
    net.drain().await;
}

async fn item_count(hub: &TestHub, uid: i64) -> i64 {
    use diesel::prelude::*;
    hub.ctx()
        .db
        .run(move |c| {
            Ok(hub::store::schema::item::table
                .filter(hub::store::schema::item::uid.eq(uid))
                .count()
                .get_result::<i64>(c)?)
        })
        .await
        .unwrap()
}

async fn xchan_deleted(hub: &TestHub, hash: &str) -> bool {
    let h = hash.to_string();
    hub.ctx()
        .db
        .run(move |c| hub::store::xchan::find(c, &h))
        .await
        .unwrap()
        .expect("the identity is known")
        .xchan_deleted
}

#[actix_web::test]
async fn a_password_change_logs_out_the_other_browser_and_keeps_this_one() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    channel(hub, "alice").await;
    let this = logged_in(hub, "alice@example.org", PW).await;
    let other = logged_in(hub, "alice@example.org", PW).await;
    other.get("/settings").await.expect_status(200);
    let r = this
        .submit(
            "/settings",
            "/settings/password",
            &[("current", PW), ("password", "Another-Secret-77")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The other browser's next request is sent to the login page.
    let o = other.get("/settings").await;
    assert_eq!(o.status, 303, "{}", o.body);
    assert!(
        o.location.as_deref().unwrap_or("").starts_with("/login"),
        "{o:?}"
    );
    // This one stays logged in.
    let t = this.get("/settings").await;
    t.expect_status(200);
    assert!(t.has("alice@example.org"));
    net.stop().await;
}

#[actix_web::test]
async fn the_email_changes_only_through_the_link_mailed_to_the_new_address() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    channel(hub, "alice").await;
    channel(hub, "bob").await;
    let b = logged_in(hub, "alice@example.org", PW).await;
    let page = b.get("/settings").await;
    page.expect_status(200);
    assert!(page.has("id=\"email-form\""));

    // Refused, nothing changed, the input kept: an invalid address, a taken one, a wrong password.
    for (email, password, says) in [
        ("not an address", PW, "valid email address"),
        ("bob@example.org", PW, "Another account already uses"),
        (
            "alice@new.example.org",
            "wrong-password-1",
            "not your current password",
        ),
    ] {
        let r = b
            .submit(
                "/settings",
                "/settings/email",
                &[("email", email), ("password", password)],
            )
            .await;
        assert!(r.status >= 400 && r.status < 500, "{email}: {}", r.status);
        assert!(r.has("id=\"email-error\""), "{email}: {}", r.body);
        assert!(r.has(says), "{email}: {}", r.body);
        assert!(
            r.has(&format!("value=\"{email}\"")),
            "input kept: {}",
            r.body
        );
    }
    assert!(mails_to(&hub.mail_dir(), "alice@new.example.org").is_empty());

    // Accepted: a link to the new address, a notice to the old, still the old address.
    let r = b
        .submit_and_follow(
            "/settings",
            "/settings/email",
            &[("email", "Alice@New.Example.org"), ("password", PW)],
        )
        .await;
    r.expect_status(200);
    assert!(r.has("id=\"flash\""), "{}", r.body);
    assert!(r.has("id=\"pending-email\""), "{}", r.body);
    let link = latest_link(
        &hub.mail_dir(),
        "alice@new.example.org",
        "/settings/email/confirm/",
    )
    .expect("a confirmation mail to the new address");
    let notices = mails_to(&hub.mail_dir(), "alice@example.org");
    assert!(
        notices
            .iter()
            .any(|m| m.contains("alice@new.example.org") && !m.contains("/settings/email/confirm/")),
        "a notice without the link to the old address: {notices:?}"
    );
    let still = hub::service::account::find_by_email(hub.ctx(), "alice@example.org")
        .await
        .unwrap();
    assert!(
        still.is_some(),
        "nothing changes before the link is followed"
    );

    // A forged link does nothing; the real one changes the address, once.
    let bad = b.get("/settings/email/confirm/forged-token").await;
    assert!(bad.status >= 400, "{}", bad.status);
    let ok = b.get(&link).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let settings = b.get("/settings").await;
    assert!(
        settings.has("Your email address is now alice@new.example.org"),
        "{}",
        settings.body
    );
    assert!(
        hub::service::account::find_by_email(hub.ctx(), "alice@example.org")
            .await
            .unwrap()
            .is_none()
    );
    assert!(b.get(&link).await.status >= 400, "the link works once");
    let fresh = hub.browser();
    fresh.login("alice@new.example.org", PW).await;
    net.stop().await;
}

#[actix_web::test]
async fn a_channel_deleted_after_the_grace_period_is_gone_here_and_marked_deleted_on_the_connected_hub()
 {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, bh) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let bob = channel(bh, "bob").await;
    connect(&net, (bh, &bob), (a, &alice)).await;
    hub::service::item::post(a.ctx(), &alice, "a post that goes away", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    assert!(item_count(a, alice.channel_id).await > 0);

    let b = logged_in(a, "alice@example.org", PW).await;
    // Somebody else cannot even see the page.
    channel(a, "mallory").await;
    let m = logged_in(a, "mallory@example.org", PW).await;
    assert_eq!(m.get("/channel/alice/delete").await.status, 403);

    let page = b.get("/channel/alice/delete").await;
    page.expect_status(200);
    assert!(page.has("id=\"export-link\""), "{}", page.body);
    assert!(page.has("href=\"/channel/alice/export\""));
    assert!(page.has("id=\"delete-channel-form\""));
    let export = b.get("/channel/alice/export").await;
    export.expect_status(200);
    assert!(export.has("alice"), "the export names the channel");

    // A wrong password schedules nothing.
    let wrong = b
        .submit(
            "/channel/alice/delete",
            "/channel/alice/delete",
            &[("password", "not-it-at-all")],
        )
        .await;
    assert!(
        wrong.status >= 400 && wrong.status < 500,
        "{}",
        wrong.status
    );
    assert!(wrong.has("not your current password"), "{}", wrong.body);
    assert!(
        !b.get("/channel/alice")
            .await
            .has("id=\"cancel-delete-form\"")
    );

    // The right one schedules; cancelling works; schedule again.
    let r = b
        .submit_and_follow(
            "/channel/alice/delete",
            "/channel/alice/delete",
            &[("password", PW)],
        )
        .await;
    r.expect_status(200);
    assert!(r.has("id=\"flash\""), "{}", r.body);
    assert!(r.has("id=\"cancel-delete-form\""), "{}", r.body);
    let c = b
        .submit_and_follow("/channel/alice", "/channel/alice/delete/cancel", &[])
        .await;
    assert!(!c.has("id=\"cancel-delete-form\""), "{}", c.body);
    net.clock.advance(8 * DAY);
    hub::service::lifecycle::run_due(a.ctx()).await.unwrap();
    // (Sessions end after a week without a request: log in again after moving the clock.)
    let b = logged_in(a, "alice@example.org", PW).await;
    b.get("/channel/alice").await.expect_status(200);
    b.submit_and_follow(
        "/channel/alice/delete",
        "/channel/alice/delete",
        &[("password", PW)],
    )
    .await
    .expect_status(200);

    // Within the grace period nothing happens; after it the job deletes the channel.
    net.clock.advance(6 * DAY);
    let done = hub::service::lifecycle::run_due(a.ctx()).await.unwrap();
    assert_eq!(done.channels_removed, 0);
    let b = logged_in(a, "alice@example.org", PW).await;
    assert!(
        b.get("/channel/alice")
            .await
            .has("id=\"cancel-delete-form\"")
    );
    net.clock.advance(2 * DAY);
    let done = hub::service::lifecycle::run_due(a.ctx()).await.unwrap();
    assert_eq!(done.channels_removed, 1);
    assert_eq!(b.get("/channel/alice").await.status, 404);
    assert_eq!(a.browser().get("/channel/alice").await.status, 404);
    assert_eq!(
        item_count(a, alice.channel_id).await,
        0,
        "its items are gone"
    );
    assert!(xchan_deleted(a, &alice.channel_hash).await);

    // beta learns of it: the identity is flagged deleted and bob's connection goes.
    assert!(!xchan_deleted(bh, &alice.channel_hash).await);
    net.drain().await;
    assert!(
        xchan_deleted(bh, &alice.channel_hash).await,
        "beta marks alice deleted"
    );
    let conns = hub::service::connection::list(bh.ctx(), &bob)
        .await
        .unwrap();
    assert!(
        conns.is_empty(),
        "bob's connection to alice is gone: {conns:?}"
    );

    // Once its last messages are sent, the row goes too.
    let done = hub::service::lifecycle::run_due(a.ctx()).await.unwrap();
    assert_eq!(done.channels_purged, 1);
    net.stop().await;
}

#[actix_web::test]
async fn an_account_deleted_after_the_grace_period_takes_its_channels_and_can_be_cancelled() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = channel(hub, "alice").await;
    let second = hub::service::channel::create(
        hub.ctx(),
        alice.channel_account_id,
        "alice2",
        "Alice two",
        "personal",
    )
    .await
    .unwrap();
    hub::service::item::post(
        hub.ctx(),
        &second,
        "second channel's post",
        Audience::Public,
    )
    .await
    .unwrap();
    let b = logged_in(hub, "alice@example.org", PW).await;
    assert!(b.get("/settings").await.has("id=\"delete-account-form\""));

    let wrong = b
        .submit(
            "/settings",
            "/settings/delete",
            &[("password", "not-it-at-all")],
        )
        .await;
    assert!(
        wrong.status >= 400 && wrong.status < 500,
        "{}",
        wrong.status
    );
    assert!(wrong.has("id=\"delete-error\""), "{}", wrong.body);

    let r = b
        .submit_and_follow("/settings", "/settings/delete", &[("password", PW)])
        .await;
    assert!(r.has("id=\"account-delete-scheduled\""), "{}", r.body);
    assert!(r.has("id=\"flash\""));
    let c = b
        .submit_and_follow("/settings", "/settings/delete/cancel", &[])
        .await;
    assert!(c.has("id=\"delete-account-form\""), "{}", c.body);
    net.clock.advance(8 * DAY);
    hub::service::lifecycle::run_due(hub.ctx()).await.unwrap();
    // (Sessions end after a week without a request: log in again after moving the clock.)
    let b = logged_in(hub, "alice@example.org", PW).await;
    b.get("/settings").await.expect_status(200);

    b.submit_and_follow("/settings", "/settings/delete", &[("password", PW)])
        .await
        .expect_status(200);
    net.clock.advance(6 * DAY);
    let done = hub::service::lifecycle::run_due(hub.ctx()).await.unwrap();
    assert_eq!(
        done,
        hub::service::lifecycle::Done::default(),
        "still in the grace period"
    );
    let b = logged_in(hub, "alice@example.org", PW).await;
    net.clock.advance(2 * DAY);
    b.get("/settings").await.expect_status(200);
    let done = hub::service::lifecycle::run_due(hub.ctx()).await.unwrap();
    assert_eq!(done.channels_removed, 2);
    assert_eq!(
        done.accounts_deleted, 1,
        "no messages were waiting: {done:?}"
    );
    assert_eq!(hub.browser().get("/channel/alice").await.status, 404);
    assert_eq!(hub.browser().get("/channel/alice2").await.status, 404);
    assert_eq!(item_count(hub, second.channel_id).await, 0);
    // Its session ended and the account is gone.
    let s = b.get("/settings").await;
    assert_eq!(s.status, 303, "{}", s.body);
    assert!(
        hub::service::account::find_by_email(hub.ctx(), "alice@example.org")
            .await
            .unwrap()
            .is_none()
    );
    net.stop().await;
}

#[actix_web::test]
async fn the_default_audience_is_preselected_in_the_composer() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = channel(hub, "alice").await;
    hub::service::connection::create_group(hub.ctx(), &alice, "Family")
        .await
        .unwrap();
    let b = logged_in(hub, "alice@example.org", PW).await;
    let checked = |html: &str, value: &str| html.contains(&format!("value=\"{value}\" checked"));
    let page = b.get("/channel/alice").await;
    assert!(
        checked(&page.body, "connections"),
        "a personal channel's default"
    );

    let bad = b
        .submit(
            "/channel/alice/settings",
            "/channel/alice/settings",
            &[("audience", "group:Nobody")],
        )
        .await;
    assert!(bad.status >= 400 && bad.status < 500, "{}", bad.status);
    assert!(bad.has("id=\"form-error\""), "{}", bad.body);

    let r = b
        .submit_and_follow(
            "/channel/alice/settings",
            "/channel/alice/settings",
            &[("audience", "group:Family")],
        )
        .await;
    assert!(r.has("id=\"flash\""), "{}", r.body);
    assert!(checked(&r.body, "group:Family"), "{}", r.body);
    let page = b.get("/channel/alice").await;
    assert!(checked(&page.body, "group:Family"), "{}", page.body);
    assert!(!checked(&page.body, "connections"));

    b.submit_and_follow(
        "/channel/alice/settings",
        "/channel/alice/settings",
        &[("audience", "public")],
    )
    .await;
    assert!(checked(&b.get("/channel/alice").await.body, "public"));
    // A post without an audience takes the default.
    let ch = hub::service::channel::by_nick(hub.ctx(), "alice")
        .await
        .unwrap();
    assert_eq!(Audience::default_for(&ch), Audience::Public);
    net.stop().await;
}

#[actix_web::test]
async fn admin_pages_are_for_admins_and_show_the_queue_to_an_unreachable_hub() {
    let mut net = TestNet::start(&["alpha", "beta"]).await;
    let (a, bh) = (net.hub("alpha"), net.hub("beta"));
    hub::service::account::create_verified(a.ctx(), "root@example.org", PW, true)
        .await
        .unwrap();
    let alice = channel(a, "alice").await;
    let bob = channel(bh, "bob").await;
    connect(&net, (bh, &bob), (a, &alice)).await;
    let admin = logged_in(a, "root@example.org", PW).await;
    let user = logged_in(a, "alice@example.org", PW).await;
    for p in [
        "/admin",
        "/admin/accounts",
        "/admin/channels",
        "/admin/queue",
        "/admin/registrations",
    ] {
        assert_eq!(user.get(p).await.status, 403, "{p} for a non-admin");
        let r = admin.get(p).await;
        r.expect_status(200);
        assert!(r.has("aria-label=\"Administration\""), "{p}: the admin nav");
    }
    let accounts = admin.get("/admin/accounts?q=alice").await;
    let list = &accounts.body[accounts.body.find("id=\"accounts\"").unwrap()..];
    assert!(list.contains("alice@example.org"));
    assert!(
        !list.contains("root@example.org"),
        "the search filters: {list}"
    );
    let channels = admin.get("/admin/channels").await;
    assert!(channels.has("alice@example.org") && channels.has("alice name"));

    // beta goes away; a post to bob stays in the queue with the error.
    net.hub_mut("beta").stop().await;
    let a = net.hub("alpha");
    hub::service::item::post(a.ctx(), &alice, "to an unreachable hub", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    net.clock.advance(Duration::from_secs(120));
    let q = admin.get("/admin/queue").await;
    q.expect_status(200);
    let beta_zot = format!("{}/zot", net.hub("beta").ctx().uris.base());
    assert!(q.has(&beta_zot), "{}", q.body);
    assert!(q.has("Retry now"), "{}", q.body);
    assert!(q.has("2 min"), "the oldest message's age: {}", q.body);
    let status = hub::service::lifecycle::queue_status(a.ctx())
        .await
        .unwrap();
    let row = status.iter().find(|d| d.url == beta_zot).unwrap();
    assert!(
        row.depth >= 1 && row.failures >= 1 && !row.last_error.is_empty(),
        "{row:?}"
    );
    let r = admin
        .submit_and_follow("/admin/queue", "/admin/queue/retry", &[("dest", &beta_zot)])
        .await;
    assert!(r.has("id=\"flash\""), "{}", r.body);
    let status = hub::service::lifecycle::queue_status(a.ctx())
        .await
        .unwrap();
    assert_eq!(
        status.iter().find(|d| d.url == beta_zot).unwrap().failures,
        0
    );
    // Non-admins cannot retry.
    let no = user
        .submit(
            "/channel/alice",
            "/admin/queue/retry",
            &[("dest", &beta_zot)],
        )
        .await;
    assert_eq!(no.status, 403);
    net.stop().await;
}
