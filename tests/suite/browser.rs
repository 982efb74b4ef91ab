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
