//! Cloud files in the browser: upload, folders, access lists decided by the one decider (a
//! hidden file is a 404 and absent from listings, also through a hidden folder), downloads with
//! the right headers and ranges, and uploads that must leave nothing behind: bad names, over
//! quota, without the form's token, cut off mid-body, into another channel.

use hub_tests::{Browser, TestHub, TestNet, csrf_of};

use crate::accounts::PW;
use crate::client_api::with_channels;

const BOUNDARY: &str = "caravanTESTboundary7d3";

/// A multipart body: text fields in order, then the file (name, bytes).
pub(crate) fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub(crate) fn ctype() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Uploads into `folder` ("" for the top) as the logged-in browser; returns the answer.
pub(crate) async fn upload(
    b: &Browser,
    nick: &str,
    folder: &str,
    name: &str,
    bytes: &[u8],
) -> hub_tests::Resp {
    let page = b.get(&format!("/cloud/{nick}")).await;
    let csrf = csrf_of(&page.body).expect("a CSRF token on the files page");
    let body = multipart(&[("csrf", &csrf), ("folder", folder)], Some((name, bytes)));
    b.post_raw(&format!("/cloud/{nick}/upload"), &ctype(), body)
        .await
}

/// The public id of the entry called `name` on a files page.
fn entry_hash(html: &str, name: &str) -> Option<String> {
    for (marker, close) in [("href=\"/file/", "\">"), ("/folder/", "\">")] {
        let mut rest = html;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let end = rest.find('"')?;
            let hash = &rest[..end];
            let after = &rest[end + close.len()..];
            if after.starts_with(name) && after[name.len()..].starts_with(['<', '/']) {
                return Some(hash.to_string());
            }
        }
    }
    None
}

pub(crate) fn blob_files(hub: &TestHub) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() {
                            if p.ends_with("tmp") { 0 } else { walk(&p) }
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&hub.data_dir().join("blobs"))
}

#[actix_web::test]
async fn files_and_folders_are_shown_only_to_whom_their_lists_allow() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice", "dave"]).await;
    let alice = hub.browser();
    alice.login("alice@example.org", PW).await;
    assert_eq!(alice.get("/cloud/alice").await.status, 200);

    let notes = b"Meeting notes: bring maps.\n".repeat(40);
    assert_eq!(
        upload(&alice, "alice", "", "notes.txt", &notes)
            .await
            .status,
        303
    );
    assert_eq!(
        upload(
            &alice,
            "alice",
            "",
            "page.html",
            b"<script>alert(1)</script>"
        )
        .await
        .status,
        303
    );
    let r = alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/mkdir",
            &[("folder", ""), ("name", "Private")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let top = alice.get("/cloud/alice").await;
    let private = entry_hash(&top.body, "Private").expect("the folder is listed");
    let up = upload(&alice, "alice", &private, "secret.txt", b"the code is 4711").await;
    assert_eq!(up.status, 303, "{}", up.body);
    let inside = alice.get(&format!("/cloud/alice/folder/{private}")).await;
    let secret = entry_hash(&inside.body, "secret.txt").expect("listed in its folder");
    let notes_id = entry_hash(&top.body, "notes.txt").unwrap();
    let html_id = entry_hash(&top.body, "page.html").unwrap();
    // Equal content is stored once.
    upload(&alice, "alice", "", "copy of notes.txt", &notes).await;
    assert_eq!(blob_files(hub), 3);

    // Anybody may see unrestricted files; HTML comes as a download in a sandbox.
    let anon = hub.browser();
    let listing = anon.get("/cloud/alice").await;
    assert!(
        listing.has("notes.txt") && listing.has("Private"),
        "{}",
        listing.body
    );
    let got = anon.get(&format!("/file/{notes_id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body.as_bytes(), &notes[..]);
    assert!(
        got.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        got.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    assert_eq!(got.headers["x-content-type-options"], "nosniff");
    assert!(got.headers.get("etag").is_some() && got.headers.get("last-modified").is_some());
    let html = anon.get(&format!("/file/{html_id}")).await;
    assert_eq!(html.headers["content-type"], "application/octet-stream");
    assert!(
        html.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        html.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    let part = anon
        .request(
            reqwest::Method::GET,
            &format!("/file/{notes_id}"),
            &[("range", "bytes=0-7")],
            Vec::new(),
        )
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, "Meeting ");

    // Restrict the folder to alice's connections (she has none): everything in it disappears
    // for others, though secret.txt itself has no list.
    let r = alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/access",
            &[
                ("hash", &private),
                ("audience", "connections"),
                ("back", "/cloud/alice"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let dave = hub.browser();
    dave.login("dave@example.org", PW).await;
    for who in [&anon, &dave] {
        let listing = who.get("/cloud/alice").await;
        assert!(!listing.has("Private"), "{}", listing.body);
        assert_eq!(
            who.get(&format!("/cloud/alice/folder/{private}"))
                .await
                .status,
            404
        );
        let r = who.get(&format!("/file/{secret}")).await;
        assert_eq!(r.status, 404);
        assert!(!r.has("4711"));
    }
    assert_eq!(
        alice.get(&format!("/file/{secret}")).await.body,
        "the code is 4711"
    );
    let shown = alice.get("/cloud/alice").await;
    assert!(shown.has("Restricted"), "{}", shown.body);

    // A restricted file at the top: gone for others, there for alice.
    alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/access",
            &[
                ("hash", &notes_id),
                ("audience", "connections"),
                ("back", "/cloud/alice"),
            ],
        )
        .await;
    assert_eq!(anon.get(&format!("/file/{notes_id}")).await.status, 404);
    assert!(!anon.get("/cloud/alice").await.body.contains(">notes.txt<"));
    assert_eq!(alice.get(&format!("/file/{notes_id}")).await.status, 200);

    // Rename, move refused into itself, delete a folder with its content.
    let r = alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/rename",
            &[
                ("hash", &html_id),
                ("name", "page-renamed.html"),
                ("back", "/cloud/alice"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(alice.get("/cloud/alice").await.has("page-renamed.html"));
    let r = alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/delete",
            &[("hash", &private), ("back", "/cloud/alice")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(alice.get(&format!("/file/{secret}")).await.status, 404);
    assert_eq!(blob_files(hub), 2, "the deleted file's blob goes with it");
    net.stop().await;
}

#[actix_web::test]
async fn bad_uploads_store_nothing() {
    let net = TestNet::start_with(&["alpha"], |c| c.limits.storage_quota_mb = 1).await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice", "dave"]).await;
    let alice = hub.browser();
    alice.login("alice@example.org", PW).await;
    let nothing_stored = |what: &str| {
        assert_eq!(blob_files(hub), 0, "{what}: a blob was kept");
        assert_eq!(
            hub.ctx().blobs.temporary_files(),
            0,
            "{what}: a temporary file was left"
        );
    };

    for bad in ["..", ".", "a/b", "a\\\\b", "", "x".repeat(300).as_str()] {
        let r = upload(&alice, "alice", "", bad, b"data").await;
        assert_eq!(r.status, 422, "{bad:?}: {}", r.body);
    }
    let r = alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/mkdir",
            &[("folder", ""), ("name", "../up")],
        )
        .await;
    assert_eq!(r.status, 422);
    nothing_stored("bad names");

    // Over the quota: refused before it is stored (declared length), and while streaming.
    let two_mib = vec![7u8; 2 * 1024 * 1024];
    let r = upload(&alice, "alice", "", "big.bin", &two_mib).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.has("does not fit"), "{}", r.body);
    nothing_stored("over quota");
    let half = vec![1u8; 600 * 1024];
    assert_eq!(
        upload(&alice, "alice", "", "half.bin", &half).await.status,
        303
    );
    let r = upload(&alice, "alice", "", "more.bin", &vec![2u8; 600 * 1024]).await;
    assert_eq!(r.status, 422);
    assert!(alice.get("/cloud/alice").await.has("half.bin"));
    assert!(!alice.get("/cloud/alice").await.has("more.bin"));
    assert_eq!(blob_files(hub), 1);

    // No form token, or the form of another channel: nothing.
    let body = multipart(&[("folder", "")], Some(("sneaky.txt", b"x")));
    let r = alice.post_raw("/cloud/alice/upload", &ctype(), body).await;
    assert_eq!(r.status, 403);
    let dave = hub.browser();
    dave.login("dave@example.org", PW).await;
    assert_eq!(
        upload(&dave, "alice", "", "intruder.txt", b"x")
            .await
            .status,
        404
    );
    assert!(!alice.get("/cloud/alice").await.has("intruder.txt"));

    // A body cut off half way: the connection closes, nothing is kept.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let page = alice.get("/cloud/alice").await;
    let csrf = csrf_of(&page.body).unwrap();
    let full = multipart(
        &[("csrf", &csrf), ("folder", "")],
        Some(("cut.bin", &vec![3u8; 200 * 1024])),
    );
    let cookie = alice.cookie_header();
    let mut s = tokio::net::TcpStream::connect(hub.addr).await.unwrap();
    let head = format!(
        "POST /cloud/alice/upload HTTP/1.1\r\nHost: alpha.test\r\nContent-Type: {}\r\n\
         Content-Length: {}\r\nCookie: {cookie}\r\n\r\n",
        ctype(),
        full.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&full[..full.len() / 2]).await.unwrap();
    s.shutdown().await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        s.read_to_end(&mut answer),
    )
    .await;
    assert!(!alice.get("/cloud/alice").await.has("cut.bin"));
    assert_eq!(blob_files(hub), 1, "only half.bin");
    assert_eq!(hub.ctx().blobs.temporary_files(), 0);

    // Unknown channels and files are plain 404s.
    assert_eq!(alice.get("/cloud/nobody").await.status, 404);
    assert_eq!(alice.get("/file/not-a-file").await.status, 404);
    assert_eq!(alice.get("/cloud/alice/folder/%2e%2e").await.status, 404);
    net.stop().await;
}
