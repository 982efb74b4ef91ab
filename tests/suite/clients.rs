//! Real Mastodon clients against real hubs: Mastodon.py (two hubs, federation and streaming),
//! toot (the command-line client) and masto (the JavaScript library), run from
//! `tests/clients/`. They need Python with those packages and node with masto installed, so
//! they are `#[ignore]`d: `.ci/run`'s `clients` step installs them (a venv under
//! `target/clients-venv`, `npm ci` in tests/clients) and runs them with CARAVAN_CLIENT_TEST=1 on
//! SQLite and on PostgreSQL. Run without that variable, they fail rather than pass idle.

use std::path::PathBuf;

use hub_tests::TestNet;

use crate::accounts::PW;
use crate::client_api::with_channels;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn require_clients() -> (PathBuf, PathBuf) {
    assert_eq!(
        std::env::var("CARAVAN_CLIENT_TEST").as_deref(),
        Ok("1"),
        "set CARAVAN_CLIENT_TEST=1 once the client packages are installed (.ci/run clients does it)"
    );
    let venv = std::env::var("CARAVAN_CLIENTS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target/clients-venv"));
    let python = venv.join("bin/python");
    assert!(python.exists(), "no Python at {}", python.display());
    (python, venv.join("bin"))
}

async fn run(cmd: &mut tokio::process::Command, what: &str) {
    let out = tokio::time::timeout(std::time::Duration::from_secs(240), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{what} took more than 4 minutes"))
        .unwrap_or_else(|e| panic!("{what} could not start: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed");
    assert!(
        stdout.contains(&format!("PASSED {what}")),
        "{what} did not report PASSED"
    );
}

/// Must-show 1 (Mastodon.py): apps, the authorisation-code flow, post, reply, favourite, home
/// and public timelines, max_id pages, following a channel on the other hub and its posts in
/// home and on the streaming API. The hubs run their delivery workers, as in production.
#[actix_web::test]
#[ignore = "needs Mastodon.py: run by .ci/run's clients step (CARAVAN_CLIENT_TEST=1)"]
async fn mastodon_py_drives_two_hubs_end_to_end() {
    let (python, _) = require_clients();
    let net = TestNet::start_with(&["alpha", "beta"], |c| c.federation.queue_worker = true).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    with_channels(a, &["alice"]).await;
    with_channels(b, &["bob"]).await;
    run(
        tokio::process::Command::new(&python)
            .arg(root().join("tests/clients/mastodon_py.py"))
            .args([
                "--alpha",
                &a.base_url,
                "--beta",
                &b.base_url,
                "--password",
                PW,
            ]),
        "mastodon.py",
    )
    .await;
    net.stop().await;
}

/// Must-show 1 (toot and masto): toot logs in (out-of-band code), posts and reads its
/// timeline; masto signs in with a token, posts and reads a streaming connection.
#[actix_web::test]
#[ignore = "needs toot and masto: run by .ci/run's clients step (CARAVAN_CLIENT_TEST=1)"]
async fn toot_and_masto_use_a_hub() {
    let (python, bin) = require_clients();
    // Node resolves names itself: this hub's URLs use the loopback address.
    let net = TestNet::start_with(&["alpha"], |c| {
        let _ = c.base_url.set_host(Some("127.0.0.1"));
    })
    .await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice"]).await;
    let base = format!("http://127.0.0.1:{}", hub.addr.port());
    run(
        tokio::process::Command::new(&python)
            .arg(root().join("tests/clients/toot_cli.py"))
            .args(["--base", &base, "--password", PW, "--toot"])
            .arg(bin.join("toot")),
        "toot",
    )
    .await;
    let token = hub::service::oauth::personal_token(hub.ctx(), "alice", "read write", "masto")
        .await
        .unwrap();
    run(
        tokio::process::Command::new("node")
            .arg(root().join("tests/clients/masto.mjs"))
            .args(["--base", &base, "--token", &token]),
        "masto",
    )
    .await;
    net.stop().await;
}
