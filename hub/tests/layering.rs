//! The layering rules of docs/architecture.md, checked on the source: `http` never names the
//! store or diesel, `service` never names actix or diesel, and nothing keeps process-wide state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

fn offenders(sub: &str, needles: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub),
        &mut files,
    );
    assert!(!files.is_empty(), "no sources under {sub}");
    let mut found = Vec::new();
    for (path, text) in files {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in needles {
                if code.contains(needle) {
                    found.push(format!("{path}:{}: {needle}", n + 1));
                }
            }
        }
    }
    found
}

#[test]
fn http_handlers_go_through_services_only() {
    let found = offenders("http", &["diesel", "store::"]);
    assert!(
        found.is_empty(),
        "http must call services, not the store:\n{}",
        found.join("\n")
    );
}

#[test]
fn services_know_nothing_of_actix_or_diesel() {
    let found = offenders("service", &["actix", "diesel"]);
    assert!(
        found.is_empty(),
        "service must stay framework-free:\n{}",
        found.join("\n")
    );
}

#[test]
fn services_hand_out_their_own_types_not_store_rows_or_secrets() {
    let found = offenders("service", &["pub use crate::store"]);
    assert!(
        found.is_empty(),
        "services must not re-export store rows:\n{}",
        found.join("\n")
    );
    let found = offenders(
        "http",
        &["account_password", "channel_prvkey", "channel_eprvkey"],
    );
    assert!(
        found.is_empty(),
        "password hashes and private keys never reach the web layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_command_line_goes_through_the_app_and_services() {
    let found = offenders(
        "cli",
        &["diesel", "store::", "actix_web::web", "HttpRequest"],
    );
    assert!(
        found.is_empty(),
        "cli must call app and services, not the store or the web layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn outbound_http_goes_through_net_only() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let found: Vec<String> = files
        .iter()
        .filter(|(path, _)| !path.ends_with("src/net.rs"))
        .flat_map(|(path, text)| {
            text.lines().enumerate().filter_map(move |(n, line)| {
                let code = line.split("//").next().unwrap_or("");
                (code.contains("reqwest::Client") || code.contains("Client::builder"))
                    .then(|| format!("{path}:{}", n + 1))
            })
        })
        .collect();
    assert!(
        found.is_empty(),
        "only net.rs builds an HTTP client:\n{}",
        found.join("\n")
    );
}

#[test]
fn nothing_keeps_process_wide_mutable_state() {
    let found = offenders(
        "",
        &[
            "static mut",
            "OnceLock",
            "LazyLock",
            "lazy_static",
            "thread_local",
        ],
    );
    assert!(
        found.is_empty(),
        "no process-wide state (tests run several hubs):\n{}",
        found.join("\n")
    );
}

/// One permission decider (`service::perms`): nothing else reads an item's access list, a
/// channel's limits or a connection's permission columns, or calls the pure decisions of
/// `zot::perms` itself. Handlers and the CLI never name them at all.
#[test]
fn permission_decisions_are_made_in_one_place() {
    let acl_columns = [
        "allow_cid",
        "allow_gid",
        "deny_cid",
        "deny_gid",
        "item_private",
    ];
    let decisions = [
        "perm_limits",
        "zot::perms::allowed",
        "zot::perms::may_see_item",
        "zot::perms::all_allowed",
        "Viewer::Identity",
    ];
    let columns = [
        "abook_blocked",
        "abook_pending",
        "abook_ignored",
        "abook::get_config",
    ];
    for sub in ["http", "cli"] {
        let mut needles: Vec<&str> = acl_columns.to_vec();
        needles.extend(decisions);
        needles.extend(columns);
        needles.push("abook_");
        let found = offenders(sub, &needles);
        assert!(
            found.is_empty(),
            "{sub} must ask service::perms, not read permissions itself:\n{}",
            found.join("\n")
        );
    }
    let mut needles: Vec<&str> = acl_columns.to_vec();
    needles.extend(decisions);
    let found: Vec<String> = offenders("service", &needles)
        .into_iter()
        .filter(|f| !f.contains("service/perms.rs"))
        .collect();
    assert!(
        found.is_empty(),
        "only service::perms reads access lists and limits and decides:\n{}",
        found.join("\n")
    );
    // Connection permission columns: read by the decider, and written (and listed for the
    // owner's editor) by the connection service.
    let found: Vec<String> = offenders("service", &columns)
        .into_iter()
        .filter(|f| !f.contains("service/perms.rs") && !f.contains("service/connection.rs"))
        .collect();
    assert!(
        found.is_empty(),
        "connection permissions are read by service::perms:\n{}",
        found.join("\n")
    );
}
