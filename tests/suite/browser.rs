//! The headless-browser tests: Debian chromium driven by playwright-core. `e2e.mjs`: first use
//! (register, the mailed link, a channel, a sanitised post, files); `sso.mjs`: single sign-on
//! between two hubs; `walk.mjs`: every page on two hubs with JavaScript on and off, axe-core, the
//! Nu Html Checker and the page weight, asking this side over stdin/stdout to drain deliveries.
//! They need chromium, node, java and the npm packages, so they are `#[ignore]`d: `.ci/run`
//! installs them and runs them with `--include-ignored` and CARAVAN_BROWSER_TEST=1. Run without
//! that variable, they fail rather than pass without doing anything.

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

/// The browser walk (tests/browser/walk.mjs): every page a person meets, on two hubs, with
/// JavaScript on and off; screenshots at 390 and 1280 px, axe-core and the Nu Html Checker on
/// every page, the channel page's weight. Node asks for what only this side can do over a line
/// protocol (stdout → stdin): `DRAIN` (deliveries between the hubs), `ADVANCE-CLOCK <secs>`,
/// `POSTS <hub> <nick> <count>` (posts made through the service layer).
#[actix_web::test]
#[ignore = "needs chromium, node and java: run by .ci/run's browser step (CARAVAN_BROWSER_TEST=1)"]
async fn the_walk_through_every_page_in_a_real_browser() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    assert_eq!(
        std::env::var("CARAVAN_BROWSER_TEST").as_deref(),
        Ok("1"),
        "set CARAVAN_BROWSER_TEST=1 once chromium, java and tests/browser's npm packages are \
         installed (see tests/browser/README.md)"
    );
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let pw = crate::accounts::PW;
    hub::service::account::create_verified(a.ctx(), "admin@example.org", pw, true)
        .await
        .unwrap();
    let bob_account = b.account("bob@example.org", pw).await;
    b.channel(bob_account, "bob", "Bob Beta").await;
    println!(
        "walk: database {}",
        if std::env::var_os("CARAVAN_TEST_PG_URL").is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = format!("{root}/target/browser/walk");
    let args: Vec<String> = [
        ("--alpha", a.base_url.clone()),
        ("--beta", b.base_url.clone()),
        ("--alpha-mail", a.mail_dir().display().to_string()),
        ("--bob-email", "bob@example.org".to_string()),
        ("--bob-nick", "bob".to_string()),
        ("--bob-address", b.ctx().uris.address("bob")),
        ("--admin-email", "admin@example.org".to_string()),
        ("--password", pw.to_string()),
        ("--out", out.clone()),
    ]
    .into_iter()
    .flat_map(|(k, v)| [k.to_string(), v])
    .collect();
    let mut child = tokio::process::Command::new("node")
        .arg(format!("{root}/tests/browser/walk.mjs"))
        .args(&args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node");
    let mut to_node = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The hubs serve the browser from their own threads; this loop answers node's requests.
    let talk = async {
        while let Some(line) = lines.next_line().await.expect("read node's output") {
            println!("{line}");
            let words: Vec<&str> = line.split_whitespace().collect();
            let answer = match words.as_slice() {
                ["DRAIN"] => format!("DRAINED {}", net.drain().await),
                ["ADVANCE-CLOCK", secs] => match secs.parse::<u64>() {
                    Ok(s) => {
                        net.clock.advance(std::time::Duration::from_secs(s));
                        "ADVANCED".to_string()
                    }
                    Err(_) => format!("ERROR bad seconds {secs}"),
                },
                ["POSTS", hub_name, nick, count] => {
                    let h = net.hub(hub_name);
                    match (
                        hub::service::channel::by_nick(h.ctx(), nick).await,
                        count.parse::<usize>(),
                    ) {
                        (Ok(ch), Ok(n)) => {
                            for i in 1..=n {
                                let body = format!(
                                    "Post {i} of {n} from the walk: a paragraph of **Markdown** \
                                     with a [link](https://example.org/{i}), long enough to look \
                                     like what people write, about caravans crossing the desert \
                                     from oasis to oasis."
                                );
                                hub::service::item::post(
                                    h.ctx(),
                                    &ch,
                                    &body,
                                    hub::service::perms::Audience::Public,
                                )
                                .await
                                .expect("post");
                            }
                            format!("POSTED {n}")
                        }
                        (Err(e), _) => format!("ERROR no channel {nick}: {e}"),
                        (_, Err(_)) => format!("ERROR bad count {count}"),
                    }
                }
                _ => continue,
            };
            println!("walk: (rust) {answer}");
            to_node
                .write_all(format!("{answer}\n").as_bytes())
                .await
                .expect("answer node");
            to_node.flush().await.expect("answer node");
        }
        child.wait().await.expect("wait for node")
    };
    let status = tokio::time::timeout(std::time::Duration::from_secs(25 * 60), talk)
        .await
        .expect("the walk took over 25 minutes");
    assert!(status.success(), "the browser walk failed ({status})");
    for width in [390, 1280] {
        assert!(
            std::path::Path::new(&format!("{out}/01-home-{width}.png")).exists(),
            "screenshots saved"
        );
    }
    net.stop().await;
}
