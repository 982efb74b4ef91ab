//! The headless-browser test: Debian chromium driven by playwright-core (tests/browser/e2e.mjs)
//! registers, follows the mailed link, creates a channel, posts and sees the post. It needs
//! chromium and the npm package, so it is `#[ignore]`d: `.ci/run` installs both and runs it with
//! `--include-ignored` and CARAVAN_BROWSER_TEST=1. Run without that variable, it fails rather
//! than pass without doing anything.

use hub_tests::TestNet;

#[actix_web::test]
#[ignore = "needs chromium and node: run by .ci/run's browser step (CARAVAN_BROWSER_TEST=1)"]
async fn a_person_uses_the_hub_from_a_real_browser() {
    assert_eq!(
        std::env::var("CARAVAN_BROWSER_TEST").as_deref(),
        Ok("1"),
        "set CARAVAN_BROWSER_TEST=1 once chromium and tests/browser's npm packages are \
         installed (see tests/browser/README.md); .ci/run does both"
    );
    // Chromium resolves names itself: this hub's public URL uses the loopback address, so the
    // mailed links open in the browser too.
    let net = TestNet::start_with(&["alpha"], |c| {
        let _ = c.base_url.set_host(Some("127.0.0.1"));
    })
    .await;
    let hub = net.hub("alpha");
    let base = format!("http://127.0.0.1:{}", hub.addr.port());
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let shot = format!("{root}/target/browser/channel-page.png");
    let out = tokio::process::Command::new("node")
        .arg(format!("{root}/tests/browser/e2e.mjs"))
        .args(["--base-url", &base])
        .arg("--mail-dir")
        .arg(hub.mail_dir())
        .args(["--screenshot", &shot])
        .output()
        .await
        .expect("run node");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser test failed");
    assert!(std::path::Path::new(&shot).exists(), "screenshot saved");
    net.stop().await;
}

/// Must-show of single sign-on: in chromium, bob (logged in on beta) follows a link to alice's
/// channel on alpha, is recognised and sees the post alice restricted to him; anonymous and
/// carol (recognised too) do not (tests/browser/sso.mjs). Chromium maps `*.test` to loopback.
#[actix_web::test]
#[ignore = "needs chromium and node: run by .ci/run's browser step (CARAVAN_BROWSER_TEST=1)"]
async fn single_sign_on_in_a_real_browser() {
    assert_eq!(
        std::env::var("CARAVAN_BROWSER_TEST").as_deref(),
        Ok("1"),
        "set CARAVAN_BROWSER_TEST=1 once chromium and tests/browser's npm packages are installed"
    );
    use hub::service::perms::Audience;
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let pw = crate::accounts::PW;
    let mk = |hub: &'static str, nick: &'static str| {
        let h = net.hub(hub);
        async move {
            let id = h.account(&format!("{nick}@example.org"), pw).await;
            hub::service::channel::create(h.ctx(), id, nick, &format!("{nick} name"), "personal")
                .await
                .unwrap()
        }
    };
    let alice = mk("alpha", "alice").await;
    let bob = mk("beta", "bob").await;
    mk("beta", "carol").await;
    hub::service::connection::connect(b.ctx(), &bob, &a.ctx().uris.address("alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(a.ctx(), &alice, &b.ctx().uris.address("bob"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let secret = "only-for-bob-4d2";
    hub::service::item::post(
        a.ctx(),
        &alice,
        &format!("A note {secret}"),
        Audience::Channels(vec![bob.channel_hash.clone()]),
    )
    .await
    .unwrap();
    net.drain().await;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let shot = format!("{root}/target/browser/sso-visitor.png");
    // The hubs answer the browser while this test waits for node: run node on its own task.
    let args: Vec<String> = [
        ("--alpha", a.base_url.clone()),
        ("--beta", b.base_url.clone()),
        ("--page", "/channel/alice".to_string()),
        ("--secret", secret.to_string()),
        ("--bob", "bob@example.org".to_string()),
        ("--carol", "carol@example.org".to_string()),
        ("--password", pw.to_string()),
        ("--bob-address", b.ctx().uris.address("bob")),
        ("--carol-address", b.ctx().uris.address("carol")),
        ("--screenshot", shot.clone()),
    ]
    .into_iter()
    .flat_map(|(k, v)| [k.to_string(), v])
    .collect();
    let out = tokio::process::Command::new("node")
        .arg(format!("{root}/tests/browser/sso.mjs"))
        .args(&args)
        .output()
        .await
        .expect("run node");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser single sign-on test failed");
    assert!(std::path::Path::new(&shot).exists(), "screenshot saved");
    net.stop().await;
}
