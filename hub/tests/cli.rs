//! The `hub` command line, run as a real process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn hub(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hub"))
        .args(args)
        .env_remove("HUB_CONFIG")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hub");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn config_example_prints_the_committed_example() {
    let out = hub(&["config", "example"], None);
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/hub.example.toml"
    ))
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), committed);
}

#[test]
fn config_check_validates_and_names_the_bad_key() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[site]\nname = \"Test hub\"\n[http]\nbind = \"127.0.0.1:9999\"\n",
    )
    .unwrap();
    let out = hub(
        &["config", "check", "--config", good.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("http://127.0.0.1:9999"));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[db]\npool_size = 0\n").unwrap();
    let out = hub(
        &["config", "check", "--config", bad.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("db.pool_size"), "{}", text(&out));
    let out = hub(&["config", "check", "--config", "/nonexistent.toml"], None);
    assert!(!out.status.success());
}

#[test]
fn admin_creates_an_account_and_a_channel_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = hub(&["--data", data, "migrate"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("14 migration(s) applied"),
        "{}",
        text(&out)
    );
    let out = hub(
        &[
            "--data",
            data,
            "admin",
            "account",
            "create",
            "--email",
            "Admin@Example.org",
            "--password-stdin",
        ],
        Some("Correct-Horse-42\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = hub(
        &[
            "--data",
            data,
            "admin",
            "account",
            "create",
            "--email",
            "admin@example.org",
            "--password-stdin",
        ],
        Some("Correct-Horse-42\n"),
    );
    assert!(!out.status.success(), "duplicate refused");
    assert!(text(&out).contains("already exists"), "{}", text(&out));
    let out = hub(
        &[
            "--data",
            data,
            "admin",
            "account",
            "create",
            "--email",
            "weak@example.org",
            "--password-stdin",
        ],
        Some("weak\n"),
    );
    assert!(!out.status.success());
    let out = hub(
        &[
            "--data",
            data,
            "admin",
            "channel",
            "create",
            "--account",
            "admin@example.org",
            "--nick",
            "admin_ch",
            "--name",
            "Admin",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("portable id:"), "{}", text(&out));
    let out = hub(
        &[
            "--data",
            data,
            "admin",
            "channel",
            "create",
            "--account",
            "admin@example.org",
            "--nick",
            "admin",
            "--name",
            "X",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("reserved"), "{}", text(&out));
    // The channel-wide limits: set one, read them back; a bad value changes nothing.
    let perms = |extra: &[&str]| {
        let mut args = vec![
            "--data",
            data,
            "channel",
            "permissions",
            "--nick",
            "admin_ch",
        ];
        args.extend_from_slice(extra);
        hub(&args, None)
    };
    let out = perms(&["--set", "view_stream=contacts", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["view_stream"], "contacts");
    assert_eq!(v["view_profile"], "public");
    let out = perms(&["--set", "view_profile=everyone"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not one of"), "{}", text(&out));
    let out = perms(&["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["view_profile"], "public", "unchanged");
    // A token for a bot: printed once, with the scopes it got; bad scopes are refused.
    let token = |scopes: &str| {
        hub(
            &[
                "--data", data, "channel", "token", "--nick", "admin_ch", "--scopes", scopes,
                "--name", "Bot", "--json",
            ],
            None,
        )
    };
    let out = token("read write:statuses");
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(first.len(), 43);
    assert_eq!(v["scope"], "read write:statuses");
    let v: serde_json::Value = serde_json::from_slice(&token("read").stdout).unwrap();
    assert_ne!(v["access_token"].as_str().unwrap(), first);
    let out = token("read admin:write");
    assert!(!out.status.success());
    assert!(text(&out).contains("scope"), "{}", text(&out));
    assert!(dir.path().join("hub.sqlite").exists());
    assert!(dir.path().join("session.key").exists());
}

/// Writes the fixture keys as PEM files: `<hub>-site.pem` (private), `<hub>-<nick>.pub.pem`.
fn fixture_keys(dir: &std::path::Path) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/hubzilla/keys_throwaway_test_hubs.json"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for (host, hub) in json.as_object().unwrap() {
        let name = host.trim_end_matches(".test");
        std::fs::write(
            dir.join(format!("{name}-site.pem")),
            hub["site_prvkey"].as_str().unwrap(),
        )
        .unwrap();
        for ch in hub["channels"].as_array().unwrap() {
            let nick = ch["channel_address"].as_str().unwrap();
            std::fs::write(
                dir.join(format!("{name}-{nick}.pub.pem")),
                ch["channel_pubkey"].as_str().unwrap(),
            )
            .unwrap();
            std::fs::write(
                dir.join(format!("{name}-{nick}.guid")),
                ch["channel_guid"].as_str().unwrap(),
            )
            .unwrap();
            std::fs::write(
                dir.join(format!("{name}-{nick}.hash")),
                ch["channel_hash"].as_str().unwrap(),
            )
            .unwrap();
        }
    }
}

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/hubzilla");

#[test]
fn zot_portable_id_matches_hubzilla() {
    let dir = tempfile::tempdir().unwrap();
    fixture_keys(dir.path());
    let k = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let guid = std::fs::read_to_string(k("hubzilla-a-alice.guid")).unwrap();
    let out = hub(
        &[
            "zot",
            "portable-id",
            "--guid",
            &guid,
            "--pubkey",
            &k("hubzilla-a-alice.pub.pem"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        std::fs::read_to_string(k("hubzilla-a-alice.hash")).unwrap()
    );
    let out = hub(
        &[
            "zot",
            "portable-id",
            "--guid",
            &guid,
            "--pubkey",
            "/nonexistent.pem",
        ],
        None,
    );
    assert!(!out.status.success());
}

#[test]
fn zot_verify_capture_checks_captured_signatures() {
    let dir = tempfile::tempdir().unwrap();
    fixture_keys(dir.path());
    let k = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    // A hub-to-hub delivery with an encrypted Signature header (needs the receiving site's key).
    let stem = format!("{FIX}/wire/071_hubzilla-b_POST_zot");
    let out = hub(
        &[
            "zot",
            "verify-capture",
            &stem,
            "--key",
            &k("hubzilla-a-alice.pub.pem"),
            "--site-key",
            &k("hubzilla-b-site.pem"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("https://hubzilla-a.test/channel/alice\n")
    );
    let out = hub(
        &[
            "zot",
            "verify-capture",
            &stem,
            "--key",
            &k("hubzilla-a-alice.pub.pem"),
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("--site-key"), "{}", text(&out));
    // A signed zot-info response (request/response/body layout).
    let stem = format!("{FIX}/a/zotinfo_alice_unsigned_get");
    let out = hub(
        &[
            "zot",
            "verify-capture",
            &stem,
            "--key",
            &k("hubzilla-a-alice.pub.pem"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = hub(
        &[
            "zot",
            "verify-capture",
            &stem,
            "--key",
            &k("hubzilla-b-bob.pub.pem"),
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("does not verify"), "{}", text(&out));
}

#[test]
fn zot_decrypt_prints_the_captured_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    fixture_keys(dir.path());
    let k = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let file = format!("{FIX}/wire/031_hubzilla-a_POST_zot.req.body");
    let out = hub(
        &["zot", "decrypt", &file, "--key", &k("hubzilla-a-site.pem")],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{FIX}/wire/031_hubzilla-a_POST_zot.req.decrypted.json"
        ))
        .unwrap(),
    )
    .unwrap();
    zot::capture::strip_reading_aids(&mut want);
    assert_eq!(got, want);
    let out = hub(
        &["zot", "decrypt", &file, "--key", &k("hubzilla-b-site.pem")],
        None,
    );
    assert!(!out.status.success(), "the wrong key fails");
}
