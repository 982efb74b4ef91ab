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
        text(&out).contains("1 migration(s) applied"),
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
    assert!(dir.path().join("hub.sqlite").exists());
    assert!(dir.path().join("session.key").exists());
}
