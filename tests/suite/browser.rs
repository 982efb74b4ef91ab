//! The headless-browser test: Debian chromium driven by playwright-core (tests/browser/e2e.mjs)
//! registers, follows the mailed link, creates a channel, posts and sees the post. Runs when
//! CARAVAN_BROWSER_TEST=1 (set by .ci/run, which installs chromium and the npm package).

use hub_tests::TestNet;

#[actix_web::test]
async fn a_person_uses_the_hub_from_a_real_browser() {
    if std::env::var("CARAVAN_BROWSER_TEST").as_deref() != Ok("1") {
        eprintln!("skipped: set CARAVAN_BROWSER_TEST=1 (see tests/browser/README.md)");
        return;
    }
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
