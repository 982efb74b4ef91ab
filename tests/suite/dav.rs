//! WebDAV at `/dav/{nick}/`: sign-in (app passwords, the account password, revocation), what
//! the decider hides stays hidden (absent from PROPFIND, 404 on GET), downloads never run from
//! the hub's origin, and bad input changes nothing: path traversal in every form, bad names,
//! over-quota and cut-off uploads, moves across channels or into themselves, locks held by
//! others, unbounded depth, malformed XML and entity expansion.

use base64::Engine;
use hub::service::perms::Audience;
use hub_tests::{Browser, TestHub, TestNet, raw_request};
use reqwest::Method;

use crate::accounts::PW;
use crate::client_api::with_channels;

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// A DAV client signed in as `auth` (or nobody).
struct Dav {
    b: Browser,
    auth: Option<String>,
}

impl Dav {
    fn new(hub: &TestHub, auth: Option<String>) -> Self {
        Self {
            b: hub.browser(),
            auth,
        }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> hub_tests::Resp {
        let mut h: Vec<(&str, &str)> = headers.to_vec();
        if let Some(a) = &self.auth {
            h.push(("Authorization", a));
        }
        self.b
            .request(
                Method::from_bytes(method.as_bytes()).expect("method"),
                path,
                &h,
                body.to_vec(),
            )
            .await
    }

    async fn propfind(&self, path: &str) -> hub_tests::Resp {
        self.send("PROPFIND", path, &[("Depth", "1")], b"").await
    }
}

/// Sends raw bytes, then closes the sending side (a client that stops mid-body), and reads the
/// answer's status; write errors (the hub hanging up early) are fine. Bounded: 15 s.
async fn send_and_hang_up(addr: std::net::SocketAddr, bytes: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let work = async {
        let s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let (mut rd, mut wr) = s.into_split();
        let bytes = bytes.to_vec();
        // Written while the answer is read: the hub may answer (and stop reading) early.
        let writer = tokio::spawn(async move {
            let _ = wr.write_all(&bytes).await;
            let _ = wr.shutdown().await;
        });
        // The status line is enough: the hub may keep the connection for the rest of the body.
        let mut out = Vec::new();
        let mut buf = [0u8; 1024];
        while !out.windows(2).any(|w| w == b"\r\n") {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
        writer.abort();
        String::from_utf8_lossy(&out)
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    };
    tokio::time::timeout(std::time::Duration::from_secs(15), work)
        .await
        .expect("the hub answered within 15 s")
}

async fn app_password(hub: &TestHub, account: i64) -> String {
    hub::service::app_password::create(hub.ctx(), account, "test client")
        .await
        .expect("an app password")
}

fn blob_count(hub: &TestHub) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() { walk(&p) } else { 1 }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&hub.data_dir().join("blobs"))
}

#[actix_web::test]
async fn webdav_signs_in_with_app_passwords_and_hides_what_the_decider_hides() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let chans = with_channels(hub, &["alice", "dave"]).await;
    let (alice_acct, dave_acct) = (chans[0].channel_account_id, chans[1].channel_account_id);
    let secret = app_password(hub, alice_acct).await;
    assert!(secret.starts_with("cvn-"));
    let alice = Dav::new(hub, Some(basic("alice", &secret)));

    // Nobody signed in may not write, and is asked to sign in.
    let anon = Dav::new(hub, None);
    let r = anon.send("MKCOL", "/dav/alice/docs", &[], b"").await;
    assert_eq!(r.status, 401);
    assert!(
        r.headers
            .get("www-authenticate")
            .is_some_and(|v| v.to_str().unwrap().starts_with("Basic"))
    );

    assert_eq!(
        alice
            .send("MKCOL", "/dav/alice/docs", &[], b"")
            .await
            .status,
        201
    );
    assert_eq!(
        alice
            .send("MKCOL", "/dav/alice/docs", &[], b"")
            .await
            .status,
        405
    );
    let text = b"Hello over WebDAV\n".repeat(100);
    assert_eq!(
        alice
            .send("PUT", "/dav/alice/docs/hello.txt", &[], &text)
            .await
            .status,
        201
    );
    assert_eq!(
        alice
            .send("PUT", "/dav/alice/docs/secret.txt", &[], b"for alice only")
            .await
            .status,
        201
    );
    assert_eq!(
        alice
            .send(
                "PUT",
                "/dav/alice/docs/page.html",
                &[],
                b"<script>alert(1)</script>"
            )
            .await
            .status,
        201
    );
    let got = alice
        .send("GET", "/dav/alice/docs/hello.txt", &[], b"")
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body.as_bytes(), &text[..]);
    let listing = alice.propfind("/dav/alice/docs/").await;
    assert_eq!(listing.status, 207);
    for name in ["hello.txt", "secret.txt", "page.html"] {
        assert!(
            listing.body.contains(&format!("/dav/alice/docs/{name}")),
            "{}",
            listing.body
        );
    }

    // The same files on the files page, under the same access lists.
    let folder = hub::service::storage::folder(
        hub.ctx(),
        "alice",
        None,
        &hub::service::perms::Observer::Account(alice_acct),
    )
    .await
    .unwrap();
    let docs = &folder.entries[0].0;
    assert_eq!(docs.name, "docs");
    let inside = hub::service::storage::folder(
        hub.ctx(),
        "alice",
        Some(&docs.hash),
        &hub::service::perms::Observer::Account(alice_acct),
    )
    .await
    .unwrap();
    let secret_hash = inside
        .entries
        .iter()
        .find(|(e, _)| e.name == "secret.txt")
        .map(|(e, _)| e.hash.clone())
        .unwrap();
    hub::service::storage::set_audience(
        hub.ctx(),
        alice_acct,
        "alice",
        &secret_hash,
        Audience::Connections,
    )
    .await
    .unwrap();

    // An anonymous visitor and another account see the public files only: the restricted one
    // is absent from the listing and a 404, never a 403.
    let dave_secret = app_password(hub, dave_acct).await;
    let dave = Dav::new(hub, Some(basic("dave@example.org", &dave_secret)));
    for who in [&anon, &dave] {
        let l = who.propfind("/dav/alice/docs/").await;
        assert_eq!(l.status, 207);
        assert!(l.body.contains("hello.txt"));
        assert!(!l.body.contains("secret.txt"), "{}", l.body);
        assert_eq!(
            who.send("GET", "/dav/alice/docs/secret.txt", &[], b"")
                .await
                .status,
            404
        );
        assert_eq!(
            who.send(
                "PROPFIND",
                "/dav/alice/docs/secret.txt",
                &[("Depth", "0")],
                b""
            )
            .await
            .status,
            404
        );
    }
    // Another account may not write here.
    assert_eq!(
        dave.send("PUT", "/dav/alice/docs/from-dave.txt", &[], b"x")
            .await
            .status,
        403
    );
    assert_eq!(
        dave.send("DELETE", "/dav/alice/docs/hello.txt", &[], b"")
            .await
            .status,
        403
    );

    // Uploaded HTML is a download in a sandbox, never a page of the hub.
    let page = anon
        .send("GET", "/dav/alice/docs/page.html", &[], b"")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "application/octet-stream");
    assert_eq!(page.headers["content-disposition"], "attachment");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    let txt = anon
        .send("GET", "/dav/alice/docs/hello.txt", &[], b"")
        .await;
    assert!(
        txt.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );

    // The account password works too; a second request is answered without another argon2 run.
    let with_pw = Dav::new(hub, Some(basic("alice@example.org", PW)));
    assert_eq!(with_pw.propfind("/dav/alice/").await.status, 207);
    let hashed = hub.ctx().hasher.stats().done;
    assert_eq!(with_pw.propfind("/dav/alice/docs/").await.status, 207);
    assert_eq!(hub.ctx().hasher.stats().done, hashed);
    // Wrong passwords and revoked app passwords are refused.
    for bad in [
        basic("alice", "cvn-not-a-real-one"),
        basic("alice@example.org", "wrong password"),
        basic("nobody@example.org", PW),
        "Basic !!!".to_string(),
    ] {
        let r = Dav::new(hub, Some(bad)).propfind("/dav/alice/").await;
        assert_eq!(r.status, 401, "{}", r.body);
    }
    // dave's password does not sign in as alice.
    assert_eq!(
        Dav::new(hub, Some(basic("alice", &dave_secret)))
            .propfind("/dav/alice/")
            .await
            .status,
        401
    );
    let id = hub::service::app_password::list(hub.ctx(), alice_acct)
        .await
        .unwrap()[0]
        .id;
    hub::service::app_password::revoke(hub.ctx(), alice_acct, id)
        .await
        .unwrap();
    assert_eq!(alice.propfind("/dav/alice/").await.status, 401);
    assert!(
        hub::service::app_password::revoke(hub.ctx(), dave_acct, id)
            .await
            .is_err()
    );
}

#[actix_web::test]
async fn webdav_bad_input_changes_nothing() {
    let net = TestNet::start_with(&["alpha"], |c| c.limits.storage_quota_mb = 1).await;
    let hub = net.hub("alpha");
    let chans = with_channels(hub, &["alice", "dave"]).await;
    let secret = app_password(hub, chans[0].channel_account_id).await;
    let auth = basic("alice", &secret);
    let alice = Dav::new(hub, Some(auth.clone()));
    assert_eq!(
        alice.send("MKCOL", "/dav/alice/a", &[], b"").await.status,
        201
    );
    assert_eq!(
        alice
            .send("PUT", "/dav/alice/a/f.txt", &[], b"kept")
            .await
            .status,
        201
    );
    let blobs = blob_count(hub);

    // Traversal, sent raw so that no client library tidies the path first.
    let raw = |method: &str, path: &str, extra: &str, body: &str| {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {auth}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            hub.host,
            body.len()
        )
    };
    for path in [
        "/dav/alice/../dave/x.txt",
        "/dav/alice/a/../../dave/x.txt",
        "/dav/alice/%2e%2e/dave/x.txt",
        "/dav/alice/%2e%2e%2fdave%2fx.txt",
        "/dav/alice/..%5cdave%5cx.txt",
        "/dav/alice/a%5c..%5cx.txt",
        "/dav/alice/x%00.txt",
        "/dav/alice/a/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ] {
        let (status, text) = raw_request(hub.addr, raw("PUT", path, "", "evil").as_bytes()).await;
        assert!(
            (400..500).contains(&status) || status == 502,
            "{path}: {status}\n{text}"
        );
    }
    // Names over the limit or not exact.
    let long = format!("/dav/alice/{}", "n".repeat(256));
    assert!((400..500).contains(&alice.send("PUT", &long, &[], b"x").await.status));
    assert_eq!(
        alice
            .send("PUT", "/dav/alice/%20padded", &[], b"x")
            .await
            .status,
        403
    );
    assert_eq!(
        alice
            .send("MKCOL", "/dav/alice/line%0abreak", &[], b"")
            .await
            .status
            / 100,
        4
    );
    // Into a folder that does not exist.
    assert_eq!(
        alice
            .send("PUT", "/dav/alice/nope/f.txt", &[], b"x")
            .await
            .status,
        409
    );

    // Over the quota (1 MiB): refused from the declared length before the body is read, and
    // while streaming without one.
    let big = vec![7u8; 2 * 1024 * 1024];
    let r = alice.send("PUT", "/dav/alice/big.bin", &[], &big).await;
    assert_eq!(r.status, 507, "{}", r.body);
    let mut chunked = format!(
        "PUT /dav/alice/streamed.bin HTTP/1.1\r\nHost: {}\r\nAuthorization: {auth}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        hub.host
    )
    .into_bytes();
    for _ in 0..32 {
        chunked.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        chunked.extend_from_slice(&[1u8; 64 * 1024]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(send_and_hang_up(hub.addr, &chunked).await, 507);
    // A body cut off mid-way: nothing stored.
    let status = send_and_hang_up(
        hub.addr,
        format!(
            "PUT /dav/alice/cut.bin HTTP/1.1\r\nHost: {}\r\nAuthorization: {auth}\r\nContent-Length: 100000\r\n\r\nonly a little",
            hub.host
        )
        .as_bytes(),
    )
    .await;
    assert_ne!(status / 100, 2);
    for gone in [
        "/dav/alice/big.bin",
        "/dav/alice/streamed.bin",
        "/dav/alice/cut.bin",
    ] {
        assert_eq!(
            alice.send("GET", gone, &[], b"").await.status,
            404,
            "{gone}"
        );
    }
    assert_eq!(hub.ctx().blobs.temporary_files(), 0);

    // Moves and copies across channels or into themselves.
    let other = format!("{}/dav/dave/f.txt", hub.base_url);
    for m in ["MOVE", "COPY"] {
        let r = alice
            .send(m, "/dav/alice/a/f.txt", &[("Destination", &other)], b"")
            .await;
        assert!(r.status >= 400, "{m} across channels: {}", r.status);
    }
    let into_self = format!("{}/dav/alice/a/inner", hub.base_url);
    let r = alice
        .send("MOVE", "/dav/alice/a", &[("Destination", &into_self)], b"")
        .await;
    assert!(r.status >= 400, "move into itself: {}", r.status);
    let onto_parent = format!("{}/dav/alice/", hub.base_url);
    let r = alice
        .send(
            "MOVE",
            "/dav/alice/a",
            &[("Destination", &onto_parent), ("Overwrite", "T")],
            b"",
        )
        .await;
    assert!(r.status >= 400, "move onto its parent: {}", r.status);
    let dave_secret = app_password(hub, chans[1].channel_account_id).await;
    let dave = Dav::new(hub, Some(basic("dave", &dave_secret)));
    assert_eq!(dave.propfind("/dav/dave/").await.status, 207);
    assert!(!dave.propfind("/dav/dave/").await.body.contains("f.txt"));

    // A lock held by another client: writes without its token are refused.
    let lockinfo = br#"<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>tester</D:owner></D:lockinfo>"#;
    let lock = alice
        .send(
            "LOCK",
            "/dav/alice/a/f.txt",
            &[("Timeout", "Second-60")],
            lockinfo,
        )
        .await;
    assert_eq!(lock.status, 200, "{}", lock.body);
    let token = lock.headers["lock-token"].to_str().unwrap().to_string();
    assert!(lock.body.contains("tester"));
    for (m, body) in [
        ("PUT", &b"overwrite"[..]),
        ("DELETE", b""),
        ("PROPPATCH", b""),
    ] {
        assert_eq!(
            alice.send(m, "/dav/alice/a/f.txt", &[], body).await.status,
            423,
            "{m}"
        );
    }
    assert_eq!(
        alice.send("DELETE", "/dav/alice/a", &[], b"").await.status / 100,
        4
    );
    let again = alice
        .send(
            "LOCK",
            "/dav/alice/a/f.txt",
            &[("Timeout", "Second-60")],
            lockinfo,
        )
        .await;
    assert_eq!(again.status, 423);
    // The lock lives in the database: a second server of the same hub sees it.
    let twin = hub.twin();
    let held = hub::service::dav::discover(
        twin.ctx(),
        hub::service::dav::channel_id(twin.ctx(), "alice")
            .await
            .unwrap(),
        "a/f.txt",
    )
    .await
    .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(format!("<{}>", held[0].token), token);
    let if_header = format!("({token})");
    assert_eq!(
        alice
            .send(
                "PUT",
                "/dav/alice/a/f.txt",
                &[("If", &if_header)],
                b"with token"
            )
            .await
            .status,
        204
    );
    assert_eq!(
        alice
            .send(
                "UNLOCK",
                "/dav/alice/a/f.txt",
                &[("Lock-Token", &token)],
                b""
            )
            .await
            .status,
        204
    );

    // Unbounded depth is refused; malformed XML and entity expansion are errors.
    let r = alice
        .send(
            "PROPFIND",
            "/dav/alice/",
            &[("Depth", "infinity"), ("X-Litmus", "x")],
            b"",
        )
        .await;
    assert_eq!(r.status, 501);
    assert!(r.body.contains("propfind-finite-depth"));
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>"#;
    let bodies = [
        (
            "PROPFIND",
            format!(
                "{laughs}<D:propfind xmlns:D=\"DAV:\"><D:prop><D:x>&d;</D:x></D:prop></D:propfind>"
            ),
        ),
        (
            "PROPPATCH",
            format!(
                "{laughs}<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><Z:x xmlns:Z=\"urn:z\">&d;</Z:x></D:prop></D:set></D:propertyupdate>"
            ),
        ),
        (
            "LOCK",
            format!(
                "{laughs}<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>&d;</D:owner></D:lockinfo>"
            ),
        ),
        (
            "PROPFIND",
            "<D:propfind xmlns:D=\"DAV:\"><D:prop>".to_string(),
        ),
        ("PROPPATCH", "not xml at all".to_string()),
        (
            "LOCK",
            "<lockinfo xmlns='DAV:'><lockscope/></lockinfo>".to_string(),
        ),
    ];
    for (m, body) in &bodies {
        let r = alice
            .send(
                m,
                "/dav/alice/a/f.txt",
                &[("Depth", "0"), ("Content-Type", "application/xml")],
                body.as_bytes(),
            )
            .await;
        assert_eq!(r.status / 100, 4, "{m} {body}: {} {}", r.status, r.body);
        assert!(!r.body.contains("aaaaaaaaaaaaaaaaaaaa"));
    }
    let props = hub::service::dav::props(
        hub.ctx(),
        &hub::service::dav::Scope {
            nick: "alice".into(),
            observer: hub::service::perms::Observer::Account(chans[0].channel_account_id),
            account: Some(chans[0].channel_account_id),
        },
        &["a".to_string(), "f.txt".to_string()],
    )
    .await
    .unwrap();
    assert!(props.is_empty(), "{props:?}");

    // After all that: alice's file is as it was, dave's channel untouched, no stray blobs.
    assert_eq!(
        alice.send("GET", "/dav/alice/a/f.txt", &[], b"").await.body,
        "with token"
    );
    assert!(blob_count(hub) <= blobs + 1);
    assert_eq!(hub.ctx().blobs.temporary_files(), 0);
}

#[actix_web::test]
async fn app_passwords_are_made_shown_once_and_revoked_on_the_apps_page() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice"]).await;
    let web = hub.browser();
    web.login("alice@example.org", PW).await;
    let page = web.get("/settings/apps").await;
    assert!(page.body.contains("No app password yet"));
    assert!(page.body.contains(&hub.ctx().uris.dav("alice")));
    let made = web
        .submit(
            "/settings/apps",
            "/settings/apps/password",
            &[("name", "laptop sync")],
        )
        .await;
    assert_eq!(made.status, 200);
    let secret = made
        .body
        .split("<code id=\"app-password\">")
        .nth(1)
        .and_then(|r| r.split("</code>").next())
        .expect("the new password is shown")
        .to_string();
    let dav = Dav::new(hub, Some(basic("alice", &secret)));
    assert_eq!(dav.propfind("/dav/alice/").await.status, 207);
    // Listed with its name and last use, never shown again.
    let later = web.get("/settings/apps").await;
    assert!(later.body.contains("laptop sync"));
    assert!(!later.body.contains(&secret));
    // A nameless password is refused with the reason.
    let bad = web
        .submit(
            "/settings/apps",
            "/settings/apps/password",
            &[("name", "  ")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Name the password"));
    let id = later
        .body
        .split("action=\"/settings/apps/password/revoke\"")
        .nth(1)
        .and_then(|r| r.split("name=\"id\" value=\"").nth(1))
        .and_then(|r| r.split('"').next())
        .expect("a revoke form")
        .to_string();
    let r = web
        .submit(
            "/settings/apps",
            "/settings/apps/password/revoke",
            &[("id", &id)],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(dav.propfind("/dav/alice/").await.status, 401);
    // Without the form's token nothing happens.
    let forged = web
        .post(
            "/settings/apps/password",
            &[("name", "forged"), ("csrf", "nope")],
        )
        .await;
    assert_ne!(forged.status, 200);
    assert!(!web.get("/settings/apps").await.body.contains("forged"));
}

#[actix_web::test]
async fn a_connection_granted_write_storage_writes_but_does_not_share() {
    use hub::service::connection;
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let chans = with_channels(hub, &["ann", "ben"]).await;
    let (ann, ben) = (&chans[0], &chans[1]);
    let addr = |n: &str| hub.ctx().uris.address(n);
    connection::connect(hub.ctx(), ann, &addr("ben"), "personal")
        .await
        .unwrap();
    net.drain().await;
    connection::approve(hub.ctx(), ben, &addr("ann"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let secret = app_password(hub, ben.channel_account_id).await;
    let dav = Dav::new(hub, Some(basic("ben", &secret)));
    // Not granted: ben may not write into ann's files.
    assert_eq!(
        dav.send("PUT", "/dav/ann/from-ben.txt", &[], b"hello")
            .await
            .status,
        403
    );
    // Granted write_storage (on top of what the role gives), he may.
    let mut perms: std::collections::BTreeSet<zot::perms::Permission> =
        connection::list(hub.ctx(), ann).await.unwrap()[0]
            .my_perms
            .clone();
    perms.insert(zot::perms::Permission::WriteStorage);
    connection::set_permissions(hub.ctx(), ann, &addr("ben"), perms)
        .await
        .unwrap();
    hub::service::perms::set_limit(
        hub.ctx(),
        ann,
        zot::perms::Permission::WriteStorage,
        zot::perms::limit::CONTACTS,
    )
    .await
    .unwrap();
    net.drain().await;
    assert_eq!(
        dav.send("PUT", "/dav/ann/from-ben.txt", &[], b"hello")
            .await
            .status,
        201
    );
    assert_eq!(
        dav.send("MKCOL", "/dav/ann/ben-folder", &[], b"")
            .await
            .status,
        201
    );
    // The upload counts against ann's quota, and only ann decides who sees it.
    let used = hub::service::storage::usage(hub.ctx(), ann.channel_account_id)
        .await
        .unwrap()
        .0;
    assert_eq!(used, 5);
    let top = hub::service::storage::folder(
        hub.ctx(),
        "ann",
        None,
        &hub::service::perms::Observer::Account(ann.channel_account_id),
    )
    .await
    .unwrap();
    let file = top
        .entries
        .iter()
        .find(|(e, _)| e.name == "from-ben.txt")
        .unwrap();
    let refused = hub::service::storage::set_audience(
        hub.ctx(),
        ben.channel_account_id,
        "ann",
        &file.0.hash,
        Audience::Connections,
    )
    .await;
    assert!(refused.is_err());
}
