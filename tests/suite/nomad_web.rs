//! Moving and cloning channels in the browser (a client without JavaScript): the owner
//! downloads the export, imports it on another hub by upload, or brings the channel online
//! from its old hub; failures say why, keep what was typed (never the password) and import
//! nothing.

use hub_tests::{TestHub, TestNet};

use crate::accounts::PW;
use crate::federation::{addr, channel};

fn multipart(csrf: &str, file: &[u8], primary: bool) -> (String, Vec<u8>) {
    let boundary = "caravan-test-boundary-7d0";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &[u8], filename: Option<&str>| {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    field("csrf", csrf.as_bytes(), None);
    if primary {
        field("primary", b"1", None);
    }
    field("file", file, Some("alice.json"));
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn channels(hub: &TestHub, account: i64) -> usize {
    hub::service::channel::of_account(hub.ctx(), account)
        .await
        .unwrap()
        .len()
}

#[actix_web::test]
async fn an_export_downloads_and_imports_by_upload_and_a_bad_file_imports_nothing() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    hub::service::item::post(
        a.ctx(),
        &alice,
        "before the move",
        hub::service::perms::Audience::Public,
    )
    .await
    .unwrap();
    // Only the owner downloads it.
    a.account("mallory@example.org", PW).await;
    let stranger = a.browser();
    stranger.login("mallory@example.org", PW).await;
    let r = stranger.get("/channel/alice/export").await;
    assert!(r.status == 404 || r.status == 403, "{}", r.status);
    let owner = a.browser();
    owner.login("alice@example.org", PW).await;
    let locs = owner.get("/channel/alice/locations").await;
    assert!(locs.has("href=\"/channel/alice/export\""));
    let r = owner.get("/channel/alice/export").await;
    r.expect_status(200);
    let disposition = r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"alice-"),
        "{disposition}"
    );
    let export: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        export["channel"]["channel_hash"],
        alice.channel_hash.as_str()
    );
    assert_eq!(export["items"].as_array().unwrap().len(), 1);

    let account = b.account("alice@example.org", PW).await;
    let web = b.browser();
    web.login("alice@example.org", PW).await;
    let page = web.get("/import").await;
    page.expect_status(200);
    let csrf = hub_tests::browser::csrf_of(&page.body).unwrap();
    // A truncated file: a clear error, nothing imported.
    let (ct, body) = multipart(&csrf, &r.body.as_bytes()[..r.body.len() / 2], false);
    let bad = web.post_raw("/import/file", &ct, body).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.has("role=\"alert\""), "{}", bad.body);
    assert_eq!(channels(b, account).await, 0);
    // Without the form's token: refused.
    let (ct, body) = multipart("not-the-token", r.body.as_bytes(), false);
    assert_eq!(web.post_raw("/import/file", &ct, body).await.status, 403);
    assert_eq!(channels(b, account).await, 0);
    // The file as downloaded: a clone here, and the locations page says so.
    let (ct, body) = multipart(&csrf, r.body.as_bytes(), false);
    let ok = web.post_raw("/import/file", &ct, body).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/channel/alice/locations"));
    net.drain().await;
    let locs = web.get("/channel/alice/locations").await;
    assert!(
        locs.has(&a.base_url) && locs.has(&b.base_url),
        "{}",
        locs.body
    );
    assert_eq!(channels(b, account).await, 1);
    net.stop().await;
}

#[actix_web::test]
async fn the_online_import_form_keeps_what_was_typed_but_never_the_password() {
    let net = TestNet::start(&["alpha", "gamma"]).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    channel(a, "alice").await;
    let account = g.account("alice@example.org", PW).await;
    let web = g.browser();
    web.login("alice@example.org", PW).await;
    let from = addr(a, "alice");
    let wrong = web
        .submit(
            "/import",
            "/import/online",
            &[
                ("address", from.as_str()),
                ("login", "alice@example.org"),
                ("password", "Not-Her-Password-9"),
                ("posts", "1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.has("did not accept that login"), "{}", wrong.body);
    assert!(
        wrong.has(&format!("value=\"{from}\"")),
        "the address is kept"
    );
    assert!(
        !wrong.has("Not-Her-Password-9"),
        "the password is not echoed"
    );
    assert_eq!(channels(g, account).await, 0);
    let ok = web
        .submit(
            "/import",
            "/import/online",
            &[
                ("address", from.as_str()),
                ("login", "alice@example.org"),
                ("password", PW),
                ("posts", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/channel/alice/locations"));
    assert_eq!(channels(g, account).await, 1);
    net.stop().await;
}
