//! Single sign-on between hubs (OpenWebAuth, zot6.md §7) over real HTTP: a person logged in on
//! beta follows a `zid` link to alpha and is recognised there; `/magic` signs them in at a
//! destination that answers `/owa`, and refuses to redirect anywhere else; tokens are single
//! use, expire after 3 minutes and belong to their signer; a visitor comments and likes where
//! permitted and the response reaches their own hub.

use hub::service::perms::Audience;
use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::PW;
use crate::federation::{addr, channel};

/// `a` connects to `b` and `b` approves.
async fn connect(
    net: &TestNet,
    (ha, a): (&TestHub, &hub::service::channel::Channel),
    (hb, b): (&TestHub, &hub::service::channel::Channel),
) {
    hub::service::connection::connect(ha.ctx(), a, &addr(hb, &b.channel_address), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(hb.ctx(), b, &addr(ha, &a.channel_address), "personal")
        .await
        .unwrap();
    net.drain().await;
}

/// A browser logged in on `hub` as `nick`.
async fn logged_in(hub: &TestHub, nick: &str) -> Browser {
    let b = hub.browser();
    b.login(&format!("{nick}@example.org"), PW).await;
    b
}

async fn visitor_rows(hub: &TestHub) -> i64 {
    use diesel::prelude::*;
    hub.ctx()
        .db
        .run(|c| {
            Ok(hub::store::schema::visitor::table
                .count()
                .get_result::<i64>(c)?)
        })
        .await
        .unwrap()
}

#[actix_web::test]
async fn a_visitor_follows_a_zid_link_is_recognised_and_sees_what_was_shared_with_them() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    let carol = channel(b, "carol").await;
    connect(&net, (b, &bob), (a, &alice)).await;
    hub::service::item::post(
        a.ctx(),
        &alice,
        "for bob's eyes only",
        Audience::Channels(vec![bob.channel_hash.clone()]),
    )
    .await
    .unwrap();
    net.drain().await;
    let page = format!("{}/channel/alice", a.base_url);

    // bob, logged in on beta, follows a zid link: alpha → beta/magic → alpha with owt → page.
    let browser = logged_in(b, "bob").await;
    let (r, hops) = browser
        .follow(&format!("{page}?zid={}", addr(b, "bob")))
        .await;
    r.expect_status(200);
    assert_eq!(hops.len(), 4, "{hops:#?}");
    assert!(hops[1].starts_with(&format!("{}/magic?f=&rev=1&owa=1&bdest=", b.base_url)));
    let bdest = hops[1].split("bdest=").nth(1).unwrap();
    assert_eq!(
        String::from_utf8(hex::decode(bdest).unwrap()).unwrap(),
        page,
        "the destination is the page without zid"
    );
    assert!(hops[2].starts_with(&format!("{page}?owt=")), "{hops:#?}");
    assert_eq!(hops[3], page, "the token is taken out of the address");
    assert!(
        r.has(&format!("Visiting as {}", addr(b, "bob"))),
        "{}",
        r.body
    );
    assert!(r.has("for bob&#x27;s eyes only") || r.has("for bob's eyes only"));
    // Signed in: the next page needs no zid.
    assert!(browser.get(&page).await.has("eyes only"));

    // Anonymous, and carol (another channel of beta, recognised too), do not see it.
    let anon = a.browser().get("/channel/alice").await;
    assert!(!anon.has("eyes only") && !anon.has("Visiting as"));
    let carols = logged_in(b, "carol").await;
    let (r, _) = carols
        .follow(&format!("{page}?zid={}", addr(b, "carol")))
        .await;
    assert!(
        r.has(&format!("Visiting as {}", addr(b, "carol"))),
        "{}",
        r.body
    );
    assert!(!r.has("eyes only"), "carol is not in the list");
    let _ = carol;

    // Leaving ends the visitor session on alpha (server-side).
    let before = visitor_rows(a).await;
    let leave = browser
        .submit(&page, &format!("{}/visitor/leave", a.base_url), &[])
        .await;
    leave.expect_status(303);
    assert_eq!(visitor_rows(a).await, before - 1);
    let after = browser.get(&page).await;
    assert!(!after.has("eyes only") && !after.has("Visiting as"));
    net.stop().await;
}

#[actix_web::test]
async fn a_visitor_comments_and_likes_where_permitted_and_it_reaches_their_hub() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    let eve = channel(b, "eve").await;
    connect(&net, (b, &bob), (a, &alice)).await;
    let post = hub::service::item::post(
        a.ctx(),
        &alice,
        "bob, what do you think?",
        Audience::Channels(vec![bob.channel_hash.clone()]),
    )
    .await
    .unwrap();
    net.drain().await;
    let permalink = format!("{}/item/{}", a.base_url, post.uuid);
    let browser = logged_in(b, "bob").await;
    let (page, _) = browser
        .follow(&format!("{permalink}?zid={}", addr(b, "bob")))
        .await;
    page.expect_status(200);
    assert!(page.has("id=\"visitor-comment\""), "{}", page.body);
    let r = browser
        .submit(
            &permalink,
            &format!("{permalink}/comment"),
            &[("body", "I think it is **great**")],
        )
        .await;
    r.expect_status(303);
    let r = browser
        .submit(&permalink, &format!("{permalink}/like"), &[])
        .await;
    r.expect_status(303);
    let page = browser.get(&permalink).await;
    assert!(
        page.has("I think it is <strong>great</strong>"),
        "{}",
        page.body
    );
    assert!(page.has("1 like"));
    // alice is told; the thread's copy on beta (bob's) gets the comment and the like.
    let notes = hub::service::item::notifications(a.ctx(), &alice)
        .await
        .unwrap();
    assert!(notes.iter().any(|n| n.0 == "comment"), "{notes:?}");
    net.drain().await;
    let (threads, _) = hub::service::item::threads(b.ctx(), &bob, 1).await.unwrap();
    let t = threads
        .iter()
        .find(|t| t.top.mid == post.mid)
        .expect("bob has the thread");
    assert_eq!(t.comments.len(), 1, "the visitor's comment reached beta");
    assert_eq!(t.comments[0].1.1, addr(b, "bob"), "authored by bob");
    assert_eq!(t.likes, 1);

    // eve is recognised but not in the list: no form, and a forged POST is refused.
    let eves = logged_in(b, "eve").await;
    let (r, _) = eves
        .follow(&format!("{permalink}?zid={}", addr(b, "eve")))
        .await;
    r.expect_status(404);
    let token = hub_tests::csrf_of(&eves.get(&format!("{}/", a.base_url)).await.body).unwrap();
    let forged = eves
        .post(
            &format!("{permalink}/comment"),
            &[("body", "let me in"), ("csrf", &token)],
        )
        .await;
    forged.expect_status(404);
    let _ = eve;
    net.stop().await;
}

/// A one-request HTTP server standing in for another hub's `/owa`: records the request it
/// gets and answers with `answer`.
async fn fake_owa(
    net: &TestNet,
    host: &str,
    answer: String,
) -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    net.resolver.add(host);
    let task = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = sock.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-zot+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        sock.write_all(resp.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    });
    (format!("http://{host}:{port}"), task)
}

#[actix_web::test]
async fn magic_signs_in_where_owa_answers_as_hubzilla_expects_and_redirects_nowhere_else() {
    let net = TestNet::start(&["beta"]).await;
    let b = net.hub("beta");
    let bob = channel(b, "bob").await;
    let key = b.channel_key(&bob).await;
    let token = "2f5ed1cc97674b99673ad8f70fb5ad0d";
    let sealed = zot::owa::encrypt_token(token, &key.public_key().unwrap()).unwrap();
    let (site, got) = fake_owa(&net, "hz.test", serde_json::to_string(&sealed).unwrap()).await;
    let dest = format!("{site}/channel/alice?x=1&zid=bob@beta&f=");
    let browser = logged_in(b, "bob").await;
    let r = browser
        .get(&format!("/magic?f=&owa=1&bdest={}", hex::encode(&dest)))
        .await;
    r.expect_status(302);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("{site}/channel/alice?x=1&owt={token}").as_str())
    );
    // The request as Hubzilla's Owa.php reads it: `Authorization: Signature`, these headers
    // in this order, rsa-sha512 over `(request-target): get /owa`, keyId = bob's channel URL.
    let raw = got.await.unwrap();
    let (head, _) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    assert_eq!(lines.next(), Some("GET /owa HTTP/1.1"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let h = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(h("accept"), Some("application/x-zot+json"));
    assert_eq!(h("content-type"), Some("application/x-zot+json"));
    assert_eq!(h("x-open-web-auth").map(str::len), Some(64));
    let auth = h("authorization").expect("Authorization header");
    let params = zot::httpsig::parse_params(auth.strip_prefix("Signature ").unwrap()).unwrap();
    let p = |n: &str| params.iter().find(|(k, _)| k == n).unwrap().1.clone();
    assert!(auth.starts_with("Signature keyId=\""), "{auth}");
    assert_eq!(p("keyid"), b.ctx().uris.channel("bob"));
    assert_eq!(p("algorithm"), "rsa-sha512");
    assert_eq!(
        p("headers"),
        "accept content-type x-open-web-auth host (request-target)"
    );
    // Rebuild the signing string as Hubzilla does (lowercase name, ": ", value; newline
    // separated; the request target is always `get /owa`) and check the signature with bob's
    // public key directly.
    let text = [
        format!("accept: {}", h("accept").unwrap()),
        format!("content-type: {}", h("content-type").unwrap()),
        format!("x-open-web-auth: {}", h("x-open-web-auth").unwrap()),
        format!("host: {}", h("host").unwrap()),
        "(request-target): get /owa".to_string(),
    ]
    .join("\n");
    let sig = zot::encoding::b64_decode(&p("signature")).unwrap();
    key.public_key()
        .unwrap()
        .verify_sha512(text.as_bytes(), &sig)
        .expect("verifies like Hubzilla's HTTPSig::verify");

    // An unrelated destination (no OWA there) is not redirected to: a page with the link.
    let r = browser
        .get(&format!(
            "/magic?f=&owa=1&bdest={}",
            hex::encode("http://127.0.0.1:9/phish")
        ))
        .await;
    r.expect_status(403);
    assert!(r.location.is_none());
    assert!(r.has("did not recognise you"), "{}", r.body);
    // Nobody logged in: no redirect either; bad destinations are refused.
    let anon = b.browser();
    let r = anon
        .get(&format!(
            "/magic?owa=1&bdest={}",
            hex::encode("http://evil.test/")
        ))
        .await;
    r.expect_status(403);
    assert!(r.location.is_none() && r.has("not logged in"));
    for bad in ["zz", &hex::encode("javascript:alert(1)"), ""] {
        let r = browser.get(&format!("/magic?bdest={bad}")).await;
        r.expect_status(403);
        assert!(r.location.is_none());
    }
    // A destination on this hub needs no token.
    let here = format!("{}/channel/bob", b.base_url);
    let r = browser
        .get(&format!("/magic?bdest={}", hex::encode(&here)))
        .await;
    assert_eq!(r.location.as_deref(), Some(here.as_str()));
    net.stop().await;
}

/// Signs `GET /owa` for `host` as `key_id` with `key`, as Hubzilla's Magic.php does.
fn owa_headers(host: &str, key: &zot::keys::RsaKeypair, key_id: &str) -> Vec<(String, String)> {
    let mut headers = vec![
        ("accept".to_string(), "application/x-zot+json".to_string()),
        (
            "content-type".to_string(),
            "application/x-zot+json".to_string(),
        ),
        ("x-open-web-auth".to_string(), "ab".repeat(32)),
        ("host".to_string(), host.to_string()),
    ];
    let msg = zot::httpsig::Message {
        method: "get",
        path_and_query: "/owa",
        headers: &headers,
    };
    let sig = zot::httpsig::sign(
        &msg,
        key,
        key_id,
        zot::httpsig::Algorithm::RsaSha512,
        zot::owa::SIGNED_HEADERS,
    )
    .unwrap();
    headers.push(("authorization".to_string(), format!("Signature {sig}")));
    headers
}

async fn ask_owa(browser: &Browser, headers: &[(String, String)]) -> zot::owa::OwaResponse {
    let h: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(k, _)| k != "host")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = browser
        .request(reqwest::Method::GET, "/owa", &h, Vec::new())
        .await;
    r.expect_status(200);
    serde_json::from_str(&r.body).unwrap()
}

#[actix_web::test]
async fn owa_tokens_are_single_use_expire_and_need_the_signers_key() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    let key = b.channel_key(&bob).await;
    let bob_url = b.ctx().uris.channel("bob");
    let host = a.ctx().uris.authority().to_string();
    let anon = a.browser();
    let fresh_token = || async {
        let answer = ask_owa(&anon, &owa_headers(&host, &key, &bob_url)).await;
        assert!(answer.success, "{answer:?}");
        zot::owa::decrypt_token(&answer, &key).unwrap()
    };
    let before = visitor_rows(a).await;

    // Used once: signed in; again: nobody.
    let token = fresh_token().await;
    let first = a.browser();
    let r = first.get(&format!("/channel/alice?owt={token}")).await;
    r.expect_status(303);
    assert_eq!(r.location.as_deref(), Some("/channel/alice"));
    assert!(first.get("/channel/alice").await.has("Visiting as"));
    let second = a.browser();
    let r = second.get(&format!("/channel/alice?owt={token}")).await;
    r.expect_status(403);
    assert!(r.has("expired or was already used") && r.has("href=\"/channel/alice\""));
    assert!(!second.get("/channel/alice").await.has("Visiting as"));
    assert_eq!(visitor_rows(a).await, before + 1);

    // Expired after 3 minutes.
    let token = fresh_token().await;
    net.clock.advance(std::time::Duration::from_secs(181));
    let late = a.browser();
    late.get(&format!("/channel/alice?owt={token}")).await;
    assert!(!late.get("/channel/alice").await.has("Visiting as"));

    // Malformed and foreign tokens (one beta issued) sign nobody in.
    let beta_token = {
        let b_anon = b.browser();
        let answer = ask_owa(
            &b_anon,
            &owa_headers(b.ctx().uris.authority(), &key, &bob_url),
        )
        .await;
        zot::owa::decrypt_token(&answer, &key).unwrap()
    };
    for bad in [
        beta_token.as_str(),
        "short",
        "'%3Cscript%3E",
        &"x".repeat(300),
    ] {
        let br = a.browser();
        let r = br.get(&format!("/channel/alice?owt={bad}")).await;
        r.expect_status(403);
        assert!(!br.get("/channel/alice").await.has("Visiting as"), "{bad}");
    }
    assert_eq!(visitor_rows(a).await, before + 1, "nobody else signed in");

    // Signatures that do not hold: a stranger's key under bob's keyId, an unknown keyId, no
    // signature, and a signature over a different host.
    let stranger = zot::keys::RsaKeypair::generate().unwrap();
    let cases = [
        owa_headers(&host, &stranger, &bob_url),
        owa_headers(&host, &key, "http://nowhere.test:1/channel/ghost"),
        vec![("accept".to_string(), "application/x-zot+json".to_string())],
        owa_headers("other.test", &key, &bob_url),
    ];
    for h in &cases {
        let answer = ask_owa(&anon, h).await;
        assert!(!answer.success, "{answer:?}");
        assert!(answer.encrypted_token.is_none());
        assert!(answer.message.is_some());
    }
    net.stop().await;
}

#[actix_web::test]
async fn zid_and_rmagic_send_visitors_home_only_when_their_hub_is_found() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    channel(a, "alice").await;
    channel(b, "bob").await;
    let anon = a.browser();
    // Unknown addresses and our own: the page, as usual.
    for zid in [
        "ghost@nowhere.test",
        &addr(a, "alice"),
        "not-an-address",
        "a@b@c",
    ] {
        let r = anon.get(&format!("/channel/alice?zid={zid}")).await;
        r.expect_status(200);
    }
    // Logged-in accounts are not sent away.
    let alice = logged_in(a, "alice").await;
    alice
        .get(&format!("/channel/alice?zid={}", addr(b, "bob")))
        .await
        .expect_status(200);
    // /rmagic: the visitor names their channel; off to its hub's /magic, back to the page.
    let r = anon
        .submit(
            "/rmagic?dest=/channel/alice",
            "/rmagic",
            &[("address", &addr(b, "bob")), ("dest", "/channel/alice")],
        )
        .await;
    r.expect_status(303);
    let to = r.location.unwrap();
    assert!(to.starts_with(&format!("{}/magic?", b.base_url)), "{to}");
    assert!(to.ends_with(&hex::encode(format!("{}/channel/alice", a.base_url))));
    // An off-site `dest` comes back here, not there.
    let r = anon
        .submit(
            "/rmagic",
            "/rmagic",
            &[
                ("address", &addr(b, "bob")),
                ("dest", "https://evil.example/"),
            ],
        )
        .await;
    assert!(
        r.location
            .unwrap()
            .ends_with(&hex::encode(format!("{}/", a.base_url)))
    );
    let r = anon
        .submit("/rmagic", "/rmagic", &[("address", "ghost@nowhere.test")])
        .await;
    r.expect_status(422);
    assert!(r.has("could not find that channel"));
    net.stop().await;
}

#[actix_web::test]
async fn owa_and_rmagic_are_rate_limited_per_client() {
    let net = TestNet::start_with(&["alpha", "beta"], |c| c.limits.sso_per_minute = 3).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let bob = channel(b, "bob").await;
    let key = b.channel_key(&bob).await;
    let headers = owa_headers(a.ctx().uris.authority(), &key, &b.ctx().uris.channel("bob"));
    let anon = a.browser();
    for _ in 0..3 {
        assert!(ask_owa(&anon, &headers).await.success);
    }
    let refused = ask_owa(&anon, &headers).await;
    assert!(
        !refused.success && refused.encrypted_token.is_none(),
        "{refused:?}"
    );
    let r = anon
        .submit("/rmagic", "/rmagic", &[("address", &addr(b, "bob"))])
        .await;
    r.expect_status(429);
    // A minute later, allowed again.
    net.clock.advance(std::time::Duration::from_secs(61));
    assert!(ask_owa(&anon, &headers).await.success);
    net.stop().await;
}
