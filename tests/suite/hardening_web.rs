//! Regression tests for the outside probe of the running hub (issue 6), web side: static file
//! confinement (finding 1), slow bodies (8), framework errors, HEAD and 405 (11), headers (12)
//! and file modes (13). Raw TCP requests where an HTTP client would normalise the path.

use hub_tests::{TestNet, raw_get, raw_request};

use crate::accounts::PW;

/// The request paths the probe used, plus the other ways to say "outside the directory".
const ESCAPES: &[&str] = &[
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..%2f..%2fetc/passwd",
    "/static/%5c..%5cetc/passwd",
    "/static/../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/css/../../secret.txt",
    "/static/outside/secret.txt",
    "/static/.hidden",
    "/static/css/theme.css%00.png",
    "/static//proc/self/environ",
    "/static/%2fproc%2fself%2fenviron",
];

#[actix_web::test]
async fn static_files_never_leave_their_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("static");
    std::fs::create_dir_all(root.join("css")).unwrap();
    std::fs::write(root.join("css/theme.css"), "body { color: teal }").unwrap();
    std::fs::write(root.join(".hidden"), "hidden-file-9f3").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "TOP SECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path(), root.join("outside")).unwrap();
    let dir = root.clone();
    let net = TestNet::start_with(&["alpha", "beta"], move |c| {
        if c.site_name.ends_with("alpha") {
            c.static_dir = Some(dir.clone());
        }
    })
    .await;
    // alpha serves from the directory, beta only the embedded copies.
    for hub in [net.hub("alpha"), net.hub("beta")] {
        for path in ESCAPES {
            let (status, answer) = raw_get(hub.addr, path).await;
            assert_eq!(status, 404, "{}{path}: {answer}", hub.name);
            for leak in ["root:", "TOP SECRET", "hidden-file-9f3", "PATH=", "teal"] {
                assert!(!answer.contains(leak), "{}{path} leaked {leak:?}", hub.name);
            }
        }
        let (status, css) = raw_get(hub.addr, "/static/css/caravan.css").await;
        assert_eq!(status, 200, "embedded files still serve on {}", hub.name);
        assert!(css.to_ascii_lowercase().contains("cache-control: public"));
    }
    let (status, theme) = raw_get(net.hub("alpha").addr, "/static/css/theme.css").await;
    assert_eq!(status, 200, "{theme}");
    assert!(theme.contains("body { color: teal }"));
    assert!(theme.to_ascii_lowercase().contains("etag:"), "{theme}");
    let (status, _) = raw_get(net.hub("beta").addr, "/static/css/theme.css").await;
    assert_eq!(status, 404, "beta has no directory");
    net.stop().await;
}

#[actix_web::test]
async fn a_body_trickled_too_slowly_gets_408_and_the_connection_closes() {
    let net = TestNet::start_with(&["alpha"], |c| {
        c.body_timeout = std::time::Duration::from_secs(1);
    })
    .await;
    let hub = net.hub("alpha");
    // Headers promise 100 bytes; 7 arrive and the client goes quiet. The server must answer
    // (and close) on its own: raw_request reads until the connection closes.
    let req = b"POST /login HTTP/1.1\r\nHost: alpha.test\r\n\
        Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a";
    let (status, answer) = raw_request(hub.addr, req).await;
    assert_eq!(status, 408, "{answer}");
    assert!(
        answer.contains("Caravan alpha"),
        "the site's page: {answer}"
    );
    assert!(answer.to_ascii_lowercase().contains("connection: close"));
    // A normal request on a new connection is unaffected.
    hub.browser().get("/login").await.expect_status(200);
    net.stop().await;
}

#[actix_web::test]
async fn framework_errors_get_the_sites_page_without_echoing_input() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let a = hub.account("errs@example.org", PW).await;
    hub.channel(a, "errs", "Errs").await;
    let anon = hub.browser();
    // A query the handler cannot read: 400 with the configured site name.
    let r = anon.get("/channel/errs?page=abc").await;
    r.expect_status(400);
    assert!(r.has("Caravan alpha"), "{}", r.body);
    assert!(!r.has("deserialize"), "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    // Unknown URLs: the site's 404 page.
    let r = anon.get("/no/such/page").await;
    r.expect_status(404);
    assert!(r.has("Caravan alpha"));
    // An id that is not a number is never parsed before the login check...
    let form = anon.get("/login").await;
    let csrf = hub_tests::browser::csrf_of(&form.body).unwrap();
    let r = anon
        .post("/admin/approve/abc%3Cscript%3E", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location.unwrap().starts_with("/login"));
    // ...and after it, does not echo.
    hub.ctx()
        .db
        .run(move |c| {
            use diesel::prelude::*;
            diesel::update(hub::store::schema::account::table.find(a))
                .set(hub::store::schema::account::account_admin.eq(true))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let admin = hub.browser();
    admin.login("errs@example.org", PW).await;
    let r = admin
        .submit("/admin", "/admin/approve/abc%3Cscript%3E", &[])
        .await;
    r.expect_status(404);
    assert!(!r.has("abc") && !r.has("<script>"), "{}", r.body);
    // Bodies the framework cannot decode: 400, not 413.
    let r = anon
        .request(
            reqwest::Method::POST,
            "/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("content-encoding", "gzip"),
            ],
            b"this is not gzip at all".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400, "corrupt gzip body: {}", r.body);
    assert!(
        r.has("Caravan alpha") && r.has("could not be read"),
        "{}",
        r.body
    );
    // An unknown coding is read as is (actix's choice): the form is judged on its merits.
    let r = anon
        .request(
            reqwest::Method::POST,
            "/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("content-encoding", "bogus"),
            ],
            b"email=a&password=b".to_vec(),
        )
        .await;
    assert_eq!(r.status, 403, "no CSRF token: {}", r.body);
    let (status, answer) = raw_request(
        hub.addr,
        b"POST /login HTTP/1.1\r\nHost: alpha.test\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nemail=a\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400, "bogus chunk size: {answer}");
    net.stop().await;
}

#[actix_web::test]
async fn every_get_route_answers_head_and_wrong_methods_get_405_with_allow() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let a = hub.account("head@example.org", PW).await;
    hub.channel(a, "headed", "Headed").await;
    let b = hub.browser();
    for path in [
        "/",
        "/login",
        "/register",
        "/reset",
        "/channel/headed",
        "/static/css/caravan.css",
        "/notice/registered",
    ] {
        let get = b.get(path).await;
        get.expect_status(200);
        let head = b
            .request(reqwest::Method::HEAD, path, &[], Vec::new())
            .await;
        assert_eq!(head.status, 200, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} has no body");
        assert_eq!(
            head.headers.get("content-type"),
            get.headers.get("content-type"),
            "HEAD {path}"
        );
    }
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/login", "GET, HEAD, POST"),
        (reqwest::Method::PUT, "/channel/headed", "GET, HEAD, POST"),
        (reqwest::Method::GET, "/logout", "POST"),
        (
            reqwest::Method::PATCH,
            "/static/css/caravan.css",
            "GET, HEAD",
        ),
    ] {
        let r = b.request(method.clone(), path, &[], Vec::new()).await;
        assert_eq!(r.status, 405, "{method} {path}");
        assert_eq!(r.headers["allow"], allow, "{method} {path}");
        assert!(r.has("Caravan alpha"), "the site's page");
    }
    net.stop().await;
}

#[actix_web::test]
async fn pages_are_not_cached_and_https_hubs_send_hsts() {
    let net = TestNet::start_with(&["alpha", "beta"], |c| {
        if c.site_name.ends_with("beta") {
            // beta claims an https base URL (it still serves plain HTTP on loopback here).
            c.base_url =
                url::Url::parse(&c.base_url.as_str().replace("http://", "https://")).unwrap();
        }
    })
    .await;
    let a = net.hub("alpha").browser();
    let page = a.get("/login").await;
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.headers.get("strict-transport-security").is_none());
    let css = a.get("/static/css/caravan.css").await;
    assert_eq!(css.headers["cache-control"], "public, max-age=3600");
    let (status, answer) = raw_get(net.hub("beta").addr, "/login").await;
    assert_eq!(status, 200);
    let lower = answer.to_ascii_lowercase();
    assert!(
        lower.contains("strict-transport-security: max-age=31536000"),
        "{answer}"
    );
    assert!(lower.contains("cache-control: no-store"));
    net.stop().await;
}

#[cfg(unix)]
#[actix_web::test]
async fn the_data_dir_and_its_secrets_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    // The hub creates its data directory itself (one level below the test's temp dir, which
    // is already 0700), so the modes seen are the ones it set.
    let net = TestNet::start_with(&["alpha"], |c| {
        let sub = c.data_dir.join("data");
        if c.db_url.ends_with("hub.sqlite") {
            c.db_url = sub.join("hub.sqlite").display().to_string();
        }
        c.mail = hub::config::MailMode::File(sub.join("mail"));
        c.data_dir = sub;
    })
    .await;
    let hub = net.hub("alpha");
    hub.account("perm@example.org", PW).await;
    hub.browser()
        .submit_and_follow("/reset", "/reset", &[("email", "perm@example.org")])
        .await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = hub.ctx().config.data_dir.clone();
    assert_eq!(mode(&data), 0o700, "data dir");
    assert_eq!(mode(&data.join("session.key")), 0o600, "session.key");
    if !hub_tests::db::TestDb::is_postgres() {
        assert_eq!(mode(&data.join("hub.sqlite")), 0o600, "database");
    }
    let mail = data.join("mail");
    assert_eq!(mode(&mail), 0o700, "mail dir");
    let files: Vec<_> = std::fs::read_dir(&mail).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "the reset mail");
    for f in files {
        assert_eq!(mode(&f.path()), 0o600, "{}", f.path().display());
    }
    assert!(hub::files::wider_than_private(&data).is_empty());
    net.stop().await;
}
