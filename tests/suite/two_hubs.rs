//! Two hubs in one process do not interfere: separate databases, keys, sessions and channels,
//! one shared clock, and they reach each other by host name.

use hub::service::perms::Audience;
use hub_tests::TestNet;

use crate::accounts::PW;

#[actix_web::test]
async fn two_hubs_run_side_by_side_without_interfering() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (alpha, beta) = (net.hub("alpha"), net.hub("beta"));
    assert_ne!(alpha.ctx().site.site_id, beta.ctx().site.site_id);
    assert_ne!(alpha.ctx().site.public_pem, beta.ctx().site.public_pem);
    assert_eq!(alpha.ctx().uris.base(), alpha.base_url);

    // The same email and nickname on both hubs are different accounts and channels.
    let a1 = alpha.account("alice@example.org", PW).await;
    let a2 = beta.account("alice@example.org", "Other-Horse-99").await;
    let on_alpha = alpha.channel(a1, "alice", "Alice on alpha").await;
    let on_beta = beta.channel(a2, "alice", "Alice on beta").await;
    assert_ne!(on_alpha.channel_hash, on_beta.channel_hash);
    assert_ne!(on_alpha.channel_guid, on_beta.channel_guid);
    hub::service::item::post(alpha.ctx(), &on_alpha, "only on alpha", Audience::Public)
        .await
        .unwrap();

    let ba = alpha.browser();
    let pa = ba.get("/channel/alice").await;
    assert!(pa.has("Alice on alpha") && pa.has("only on alpha"));
    assert!(pa.has(&format!(
        "alice@{}",
        alpha.addr.to_string().replace("127.0.0.1", "alpha.test")
    )));
    let pb = beta.browser().get("/channel/alice").await;
    assert!(pb.has("Alice on beta") && !pb.has("only on alpha"));

    // A session on alpha means nothing on beta, and passwords are per hub.
    ba.login("alice@example.org", PW).await;
    let token = hub_tests::browser::csrf_of(&ba.get("/channels").await.body).unwrap();
    let cross = ba
        .post(
            &format!("{}/channel/alice/post", beta.base_url),
            &[("body", "x"), ("csrf", &token)],
        )
        .await;
    assert_eq!(cross.status, 403, "alpha's session is not valid on beta");
    let wrong = beta
        .browser()
        .submit(
            "/login",
            "/login",
            &[("email", "alice@example.org"), ("password", PW)],
        )
        .await;
    wrong.expect_status(422);

    // Mail stays in each hub's own directory.
    beta.browser()
        .submit_and_follow("/reset", "/reset", &[("email", "alice@example.org")])
        .await
        .expect_status(200);
    assert!(hub_tests::mail::mails_to(&alpha.mail_dir(), "alice@example.org").is_empty());
    assert_eq!(
        hub_tests::mail::mails_to(&beta.mail_dir(), "alice@example.org").len(),
        1
    );

    // Hubs reach each other by name through their injected HTTP client.
    let home = alpha
        .ctx()
        .net
        .get(&format!("{}/", beta.base_url), &[])
        .await
        .unwrap();
    assert_eq!(home.status, 200);
    assert!(String::from_utf8_lossy(&home.body).contains("Caravan beta"));

    // One clock for all: moving it is seen by both.
    let before = beta.ctx().clock.now();
    net.clock.advance(std::time::Duration::from_secs(3600));
    assert_eq!(alpha.ctx().clock.now(), beta.ctx().clock.now());
    assert_eq!(beta.ctx().clock.now() - before, chrono::Duration::hours(1));
    net.stop().await;
}

#[actix_web::test]
async fn a_stopped_hub_leaves_the_other_serving() {
    let mut net = TestNet::start(&["alpha", "beta"]).await;
    let url = net.hub("alpha").base_url.clone();
    net.hubs[1].stop().await;
    let b = net.hub("alpha").browser();
    b.get("/").await.expect_status(200);
    let down = net
        .hub("alpha")
        .ctx()
        .net
        .get(&format!("{}/", net.hub("beta").base_url), &[])
        .await;
    assert!(down.is_err(), "beta no longer answers");
    assert!(url.starts_with("http://alpha.test:"));
    net.stop().await;
}
