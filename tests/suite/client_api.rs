//! The Mastodon-compatible client API, driven over real HTTP: sign-in (authorisation code with
//! PKCE, client credentials, revocation, scopes), statuses across two hubs with the streaming
//! API, private statuses through the API and the HTML pages alike, pagination, and bad input.

use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;

use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::PW;
use crate::federation::addr;

/// A client of one hub's API.
#[derive(Clone)]
pub struct Api {
    base: String,
    client: reqwest::Client,
    token: Option<String>,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(
            (200..300).contains(&self.status),
            "status {}: {}",
            self.status,
            self.json
        );
        &self.json
    }

    #[track_caller]
    pub fn refused(&self, status: u16) -> &str {
        assert_eq!(self.status, status, "{}", self.json);
        self.json["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error text: {}", self.json))
    }
}

impl Api {
    pub fn new(hub: &TestHub, token: Option<&str>) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(hub.resolver.clone())
            .build()
            .unwrap();
        Self {
            base: hub.base_url.clone(),
            client,
            token: token.map(str::to_string),
        }
    }

    pub fn with_token(&self, token: &str) -> Self {
        let mut a = self.clone();
        a.token = Some(token.to_string());
        a
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            json,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(self.client.post(self.url(path)).json(&body))
            .await
    }

    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.send(self.client.post(self.url(path)).form(fields))
            .await
    }

    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        ctype: &str,
        body: Vec<u8>,
    ) -> Answer {
        self.send(
            self.client
                .request(method, self.url(path))
                .header("content-type", ctype)
                .body(body),
        )
        .await
    }

    /// An SSE connection: the open response, read chunk by chunk.
    pub async fn sse(&self, path: &str) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("stream");
        assert_eq!(resp.status(), 200, "stream {path}");
        resp
    }
}

/// Reads an SSE response until an event of `kind` whose data contains `needle` arrives (or
/// 10 s pass); returns its data.
pub async fn next_event(resp: &mut reqwest::Response, kind: &str, needle: &str) -> Option<Value> {
    let mut buf = String::new();
    let work = async {
        loop {
            let chunk = resp.chunk().await.ok()??;
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                let mut event = "";
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(e) = line.strip_prefix("event: ") {
                        event = e;
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data.push_str(d);
                    }
                }
                if event == kind && data.contains(needle) {
                    return serde_json::from_str(&data).ok();
                }
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), work)
        .await
        .ok()
        .flatten()
}

/// A registered app: (client_id, client_secret).
pub async fn register(api: &Api, redirect: &str, scopes: &str) -> (String, String) {
    let r = api
        .form(
            "/api/v1/apps",
            &[
                ("client_name", "Suite app"),
                ("redirect_uris", redirect),
                ("scopes", scopes),
                ("website", "https://app.example"),
            ],
        )
        .await;
    let v = r.ok();
    (
        v["client_id"].as_str().unwrap().to_string(),
        v["client_secret"].as_str().unwrap().to_string(),
    )
}

pub fn pkce_pair() -> (String, String) {
    let verifier = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The logged-in `browser` agrees on the authorisation page to let the app act as `nick`;
/// returns the code from the redirect.
pub async fn authorize(
    browser: &Browser,
    client_id: &str,
    redirect: &str,
    scopes: &str,
    nick: &str,
    challenge: &str,
) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scopes)
        .append_pair("state", "s-1")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let page = format!("/oauth/authorize?{q}");
    let shown = browser.get(&page).await;
    shown.expect_status(200);
    assert!(shown.has("Suite app") && shown.has(nick), "{}", shown.body);
    let r = browser
        .submit(
            &page,
            "/oauth/authorize",
            &[
                ("client_id", client_id),
                ("redirect_uri", redirect),
                ("scope", scopes),
                ("state", "s-1"),
                ("response_type", "code"),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
                ("channel", nick),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = url::Url::parse(r.location.as_deref().unwrap()).unwrap();
    assert!(to.as_str().starts_with(redirect), "{to}");
    let pairs: Vec<(String, String)> = to.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("state".into(), "s-1".into())), "{pairs:?}");
    pairs
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .expect("a code")
}

/// `POST /oauth/token` for an authorisation code (a registered app `(id, secret)`).
pub async fn exchange(
    api: &Api,
    (id, secret): (&str, &str),
    code: &str,
    verifier: &str,
    redirect: &str,
) -> Answer {
    api.form(
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("client_id", id),
            ("client_secret", secret),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// A full sign-in: app, login, authorisation with PKCE, token. Returns the token.
pub async fn sign_in(hub: &TestHub, email: &str, nick: &str, scopes: &str) -> String {
    let api = Api::new(hub, None);
    let redirect = "https://app.example/callback";
    let (id, secret) = register(&api, redirect, scopes).await;
    let b = hub.browser();
    b.login(email, PW).await;
    let (verifier, challenge) = pkce_pair();
    let code = authorize(&b, &id, redirect, scopes, nick, &challenge).await;
    let t = exchange(&api, (&id, &secret), &code, &verifier, redirect).await;
    let v = t.ok();
    assert_eq!(v["token_type"], "Bearer");
    v["access_token"].as_str().unwrap().to_string()
}

/// A hub with channels: each (nick) in its own account `nick@example.org`.
pub async fn with_channels(hub: &TestHub, nicks: &[&str]) -> Vec<hub::service::channel::Channel> {
    let mut out = Vec::new();
    for n in nicks {
        let id = hub.account(&format!("{n}@example.org"), PW).await;
        out.push(hub.channel(id, n, &format!("{n} name")).await);
    }
    out
}

#[actix_web::test]
async fn an_app_signs_in_with_pkce_and_every_bad_grant_is_refused() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = with_channels(hub, &["alice"]).await.remove(0);
    let api = Api::new(hub, None);
    let redirect = "https://app.example/callback";
    let (id, secret) = register(&api, redirect, "read write").await;
    let b = hub.browser();
    b.login("alice@example.org", PW).await;

    // An unregistered redirect URI is refused on the page, not sent anywhere.
    let evil = format!(
        "/oauth/authorize?response_type=code&client_id={id}&redirect_uri=https%3A%2F%2Fevil.example%2F&scope=read"
    );
    let r = b.get(&evil).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.location.is_none());
    // Scopes beyond the app's are refused.
    let greedy = format!(
        "/oauth/authorize?response_type=code&client_id={id}&redirect_uri={}&scope=read+follow",
        url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>()
    );
    assert_eq!(b.get(&greedy).await.status, 400);

    let (verifier, challenge) = pkce_pair();
    let code = authorize(&b, &id, redirect, "read write", "alice", &challenge).await;
    let try_code = |verifier: String, secret: String, code: String| {
        let api = api.clone();
        let id = id.clone();
        async move { exchange(&api, (&id, &secret), &code, &verifier, redirect).await }
    };
    // Wrong secret: 401 invalid_client; wrong verifier: 400 invalid_grant.
    let r = try_code(verifier.clone(), "nope".into(), code.clone()).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json["error"], "invalid_client");
    let (other_verifier, _) = pkce_pair();
    let r = try_code(other_verifier, secret.clone(), code.clone()).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"], "invalid_grant");
    // The wrong verifier used the code up: a fresh code, then the right verifier works once.
    let code = authorize(&b, &id, redirect, "read write", "alice", &challenge).await;
    let t = try_code(verifier.clone(), secret.clone(), code.clone()).await;
    let token = t.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(t.json["scope"], "read write");
    let me = api
        .with_token(&token)
        .get("/api/v1/accounts/verify_credentials")
        .await;
    assert_eq!(me.ok()["username"], "alice");
    // Replaying the code fails and revokes what it gave.
    let r = try_code(verifier, secret.clone(), code).await;
    assert_eq!(r.json["error"], "invalid_grant");
    let me = api
        .with_token(&token)
        .get("/api/v1/accounts/verify_credentials")
        .await;
    assert_eq!(me.refused(401), "The access token is invalid");
    assert!(me.headers.get("www-authenticate").is_some());

    // Client credentials: an app-level token, no channel.
    let cc = api
        .form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("scope", "read"),
            ],
        )
        .await;
    let app_token = cc.ok()["access_token"].as_str().unwrap().to_string();
    let app_api = api.with_token(&app_token);
    assert_eq!(
        app_api.get("/api/v1/apps/verify_credentials").await.ok()["name"],
        "Suite app"
    );
    app_api.get("/api/v1/timelines/public").await.ok();
    assert_eq!(
        app_api
            .get("/api/v1/accounts/verify_credentials")
            .await
            .refused(401),
        "This method requires an authenticated user"
    );
    let r = api
        .form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
        )
        .await;
    assert_eq!(r.json["error"], "unsupported_grant_type");

    // A read-only token may not post; a revoked one may do nothing.
    let (id2, secret2) = register(&api, redirect, "read").await;
    let (v2, c2) = pkce_pair();
    let code2 = authorize(&b, &id2, redirect, "read", "alice", &c2).await;
    let t2 = exchange(&api, (&id2, &secret2), &code2, &v2, redirect).await;
    let ro = t2.ok()["access_token"].as_str().unwrap().to_string();
    let r = api
        .with_token(&ro)
        .post("/api/v1/statuses", json!({"status": "no"}))
        .await;
    assert_eq!(
        r.refused(403),
        "This action is outside the authorized scopes"
    );
    let page = b.get("/settings/apps").await;
    assert!(page.has("Suite app"), "{}", page.body);
    let revoked = api
        .form(
            "/oauth/revoke",
            &[
                ("client_id", &id2),
                ("client_secret", &secret2),
                ("token", &ro),
            ],
        )
        .await;
    revoked.ok();
    api.with_token(&ro)
        .get("/api/v1/timelines/home")
        .await
        .refused(401);

    // A code not exchanged within ten minutes is refused.
    let (v3, c3) = pkce_pair();
    let late = authorize(&b, &id, redirect, "read", "alice", &c3).await;
    net.clock.advance(std::time::Duration::from_secs(11 * 60));
    assert_eq!(
        try_code(v3, secret.clone(), late).await.json["error"],
        "invalid_grant"
    );

    // A personal token from the command line's service, listed and revoked on the page.
    let bot = hub::service::oauth::personal_token(hub.ctx(), "alice", "read write", "Weather bot")
        .await
        .unwrap();
    let posted = api
        .with_token(&bot)
        .post("/api/v1/statuses", json!({"status": "rain"}))
        .await;
    posted.ok();
    // A suspended account's tokens stop working, and work again when it is reinstated.
    let aid = alice.channel_account_id;
    hub::service::account::set_suspended(hub.ctx(), 0, aid, true)
        .await
        .unwrap();
    api.with_token(&bot)
        .get("/api/v1/timelines/home")
        .await
        .refused(401);
    hub::service::account::set_suspended(hub.ctx(), 0, aid, false)
        .await
        .unwrap();
    api.with_token(&bot)
        .get("/api/v1/timelines/home")
        .await
        .ok();
    b.login("alice@example.org", PW).await;
    let page = b.get("/settings/apps").await;
    assert!(page.has("Weather bot"), "{}", page.body);
    let listed = hub::service::oauth::authorised(hub.ctx(), alice.channel_account_id)
        .await
        .unwrap();
    let row = listed.iter().find(|a| a.name == "Weather bot").unwrap();
    let r = b
        .submit(
            "/settings/apps",
            "/settings/apps/revoke",
            &[("id", &row.id.to_string())],
        )
        .await;
    assert_eq!(r.status, 303);
    api.with_token(&bot)
        .get("/api/v1/timelines/home")
        .await
        .refused(401);
    net.stop().await;
}

/// Must-show 2: a status posted through the API on alpha appears on a follower's home
/// timeline on beta and arrives on beta's streaming connection.
#[actix_web::test]
async fn a_status_posted_on_alpha_reaches_a_followers_home_and_stream_on_beta() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    with_channels(a, &["alice"]).await;
    with_channels(b, &["bob"]).await;
    let alice = Api::new(
        a,
        Some(&sign_in(a, "alice@example.org", "alice", "read write follow").await),
    );
    let bob = Api::new(
        b,
        Some(&sign_in(b, "bob@example.org", "bob", "read write follow").await),
    );

    // Bob finds alice by address and follows; alice authorises the request.
    let found = bob
        .get(&format!(
            "/api/v1/accounts/lookup?acct={}",
            addr(a, "alice")
        ))
        .await;
    let alice_id = found.ok()["id"].as_str().unwrap().to_string();
    let rel = bob
        .form(&format!("/api/v1/accounts/{alice_id}/follow"), &[])
        .await;
    assert_eq!(rel.ok()["following"], true);
    net.drain().await;
    let requests = alice.get("/api/v1/follow_requests").await;
    let bob_id = requests.ok()[0]["id"].as_str().unwrap().to_string();
    assert_eq!(requests.json[0]["acct"], addr(b, "bob"));
    alice
        .form(&format!("/api/v1/follow_requests/{bob_id}/authorize"), &[])
        .await
        .ok();
    net.drain().await;
    let rel = bob
        .get(&format!("/api/v1/accounts/relationships?id[]={alice_id}"))
        .await;
    assert_eq!(rel.ok()[0]["following"], true);
    assert_eq!(rel.json[0]["followed_by"], true, "{}", rel.json);

    // Bob listens; alice posts; delivery runs.
    let mut stream = bob.sse("/api/v1/streaming/user").await;
    let mut public = Api::new(b, None).sse("/api/v1/streaming/public").await;
    let text = "Hello from alpha, through the API";
    let posted = alice
        .post(
            "/api/v1/statuses",
            json!({"status": text, "visibility": "public"}),
        )
        .await;
    assert_eq!(posted.ok()["visibility"], "public");
    net.drain().await;

    let home = bob.get("/api/v1/timelines/home").await;
    let first = &home.ok()[0];
    assert!(
        first["content"].as_str().unwrap().contains(text),
        "{}",
        home.json
    );
    assert_eq!(first["account"]["acct"], addr(a, "alice"));
    let event = next_event(&mut stream, "update", text)
        .await
        .expect("an update on the stream");
    assert_eq!(event["id"], first["id"]);
    let event = next_event(&mut public, "update", text)
        .await
        .expect("on beta's public stream");
    assert_eq!(event["account"]["acct"], addr(a, "alice"));

    // Bob replies and likes; alice gets both as notifications and sees the counts.
    let reply = bob
        .post(
            "/api/v1/statuses",
            json!({"status": "Reply from beta", "in_reply_to_id": first["id"]}),
        )
        .await;
    assert_eq!(reply.ok()["in_reply_to_id"], first["id"]);
    bob.form(
        &format!(
            "/api/v1/statuses/{}/favourite",
            first["id"].as_str().unwrap()
        ),
        &[],
    )
    .await
    .ok();
    net.drain().await;
    let mine = alice
        .get(&format!(
            "/api/v1/statuses/{}",
            posted.json["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(mine.ok()["replies_count"], 1, "{}", mine.json);
    assert_eq!(mine.json["favourites_count"], 1);
    let ctx = alice
        .get(&format!(
            "/api/v1/statuses/{}/context",
            posted.json["id"].as_str().unwrap()
        ))
        .await;
    assert!(
        ctx.ok()["descendants"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Reply from beta")
    );
    let notes = alice.get("/api/v1/notifications").await;
    let kinds: Vec<&str> = notes
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"favourite") && kinds.contains(&"mention"),
        "{kinds:?}"
    );

    // An edit (a minute later: receivers keep the newest version) reaches the follower's
    // stream too.
    net.clock.advance(std::time::Duration::from_secs(60));
    let id = posted.json["id"].as_str().unwrap();
    let edited = alice
        .send(
            alice
                .client
                .put(alice.url(&format!("/api/v1/statuses/{id}")))
                .json(&json!({"status": "Edited on alpha"})),
        )
        .await;
    assert!(edited.ok()["edited_at"].is_string());
    let history = alice.get(&format!("/api/v1/statuses/{id}/history")).await;
    assert_eq!(history.ok().as_array().unwrap().len(), 2);
    net.drain().await;
    let up = next_event(&mut stream, "status.update", "Edited on alpha").await;
    assert!(up.is_some(), "status.update on beta's stream");
    net.stop().await;
}

/// Must-show 3: a `private` status is returned to a permitted follower and is a 404 for anybody
/// else, through the API and the HTML pages alike.
#[actix_web::test]
async fn a_private_status_is_for_permitted_followers_only_in_the_api_and_the_pages() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alpha_chs = with_channels(a, &["alice", "dave"]).await;
    let beta_chs = with_channels(b, &["bob", "carol"]).await;
    // Bob asks alice to connect; she approves.
    hub::service::connection::connect(b.ctx(), &beta_chs[0], &addr(a, "alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(a.ctx(), &alpha_chs[0], &addr(b, "bob"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let alice = Api::new(
        a,
        Some(&sign_in(a, "alice@example.org", "alice", "read write").await),
    );
    let dave = Api::new(
        a,
        Some(&sign_in(a, "dave@example.org", "dave", "read write").await),
    );
    let bob = Api::new(
        b,
        Some(&sign_in(b, "bob@example.org", "bob", "read write").await),
    );
    let carol = Api::new(
        b,
        Some(&sign_in(b, "carol@example.org", "carol", "read write").await),
    );

    let secret = "for my connections only 7f3";
    let posted = alice
        .post(
            "/api/v1/statuses",
            json!({"status": secret, "visibility": "private"}),
        )
        .await;
    assert_eq!(posted.ok()["visibility"], "private");
    let id = posted.json["id"].as_str().unwrap().to_string();
    net.drain().await;

    // Bob (a connection) has it in home and by id; carol on his hub does not, by any id.
    let home = bob.get("/api/v1/timelines/home").await;
    let copy = home
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["content"].as_str().unwrap().contains(secret))
        .cloned();
    let copy = copy.expect("bob's home has the private status");
    assert_eq!(copy["visibility"], "private");
    let copy_id = copy["id"].as_str().unwrap();
    bob.get(&format!("/api/v1/statuses/{copy_id}")).await.ok();
    assert_eq!(
        carol
            .get(&format!("/api/v1/statuses/{copy_id}"))
            .await
            .refused(404),
        "Record not found"
    );
    assert_eq!(
        Api::new(b, None)
            .get(&format!("/api/v1/statuses/{copy_id}"))
            .await
            .status,
        404
    );
    let carol_home = carol.get("/api/v1/timelines/home").await;
    assert!(!carol_home.ok().to_string().contains(secret));

    // On alpha: alice sees it; dave and anonymous get 404, and public timelines leave it out.
    alice.get(&format!("/api/v1/statuses/{id}")).await.ok();
    dave.get(&format!("/api/v1/statuses/{id}"))
        .await
        .refused(404);
    Api::new(a, None)
        .get(&format!("/api/v1/statuses/{id}"))
        .await
        .refused(404);
    dave.get(&format!("/api/v1/statuses/{id}/context"))
        .await
        .refused(404);
    dave.form(&format!("/api/v1/statuses/{id}/favourite"), &[])
        .await
        .refused(404);
    for path in [
        "/api/v1/timelines/public",
        "/api/v1/timelines/public?local=true",
    ] {
        let p = Api::new(a, None).get(path).await;
        assert!(!p.ok().to_string().contains(secret), "{path}");
    }
    let wall = dave
        .get(&format!(
            "/api/v1/accounts/{}/statuses",
            alpha_chs[0].channel_hash
        ))
        .await;
    assert!(!wall.ok().to_string().contains(secret));
    let wall = alice
        .get(&format!(
            "/api/v1/accounts/{}/statuses",
            alpha_chs[0].channel_hash
        ))
        .await;
    assert!(wall.ok().to_string().contains(secret));

    // The HTML pages agree: the item page is the owner's, 404 for dave and anonymous.
    let uuid = posted.json["uri"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let page = format!("/item/{uuid}");
    let owner = a.browser();
    owner.login("alice@example.org", PW).await;
    assert!(owner.get(&page).await.expect_status(200).has(secret));
    let d = a.browser();
    d.login("dave@example.org", PW).await;
    let r = d.get(&page).await;
    assert_eq!(r.status, 404);
    assert!(!r.has(secret));
    let anon = a.browser().get(&page).await;
    assert_eq!(anon.status, 404);
    assert!(!a.browser().get("/channel/alice").await.has(secret));
    net.stop().await;
}

#[actix_web::test]
async fn timelines_page_by_link_headers_and_keys_repeat_nothing() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice"]).await;
    let api = Api::new(
        hub,
        Some(&sign_in(hub, "alice@example.org", "alice", "read write").await),
    );
    for i in 0..25 {
        api.post(
            "/api/v1/statuses",
            json!({"status": format!("post number {i} #counting"), "visibility": "public"}),
        )
        .await
        .ok();
    }
    let mut seen = Vec::new();
    let mut next = Some("/api/v1/timelines/home?limit=10".to_string());
    while let Some(url) = next.take() {
        let page = api.get(&url).await;
        for s in page.ok().as_array().unwrap() {
            seen.push(s["content"].as_str().unwrap().to_string());
        }
        next = page
            .headers
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split(", ").find(|p| p.ends_with("rel=\"next\"")))
            .map(|p| p[1..p.find('>').unwrap()].to_string());
        assert!(seen.len() <= 25, "pagination never ends");
    }
    assert_eq!(seen.len(), 25);
    assert!(seen[0].contains("post number 24") && seen[24].contains("post number 0"));
    // min_id pages forwards from an id, since_id from the newest.
    let all = api.get("/api/v1/timelines/home?limit=40").await;
    let ids: Vec<String> = all
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let after = api
        .get(&format!(
            "/api/v1/timelines/home?min_id={}&limit=2",
            ids[24]
        ))
        .await;
    let got: Vec<&str> = after
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, vec![ids[22].as_str(), ids[23].as_str()]);
    let tag = Api::new(hub, None)
        .get("/api/v1/timelines/tag/counting?limit=5")
        .await;
    assert_eq!(tag.ok().as_array().unwrap().len(), 5);

    // The same Idempotency-Key gives the same status, once.
    let key = "retry-me-1";
    let one = api
        .send(
            api.client
                .post(api.url("/api/v1/statuses"))
                .header("Idempotency-Key", key)
                .json(&json!({"status": "only once"})),
        )
        .await;
    let two = api
        .send(
            api.client
                .post(api.url("/api/v1/statuses"))
                .header("Idempotency-Key", key)
                .json(&json!({"status": "only once"})),
        )
        .await;
    assert_eq!(one.ok()["id"], two.ok()["id"]);
    let all = api.get("/api/v1/timelines/home?limit=40").await;
    let n = all
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["content"].as_str().unwrap().contains("only once"))
        .count();
    assert_eq!(n, 1);

    // Bookmarks, markers, delete.
    let id = one.json["id"].as_str().unwrap();
    assert_eq!(
        api.form(&format!("/api/v1/statuses/{id}/bookmark"), &[])
            .await
            .ok()["bookmarked"],
        true
    );
    assert_eq!(api.get("/api/v1/bookmarks").await.ok()[0]["id"], id);
    let m = api
        .post("/api/v1/markers", json!({"home": {"last_read_id": id}}))
        .await;
    assert_eq!(m.ok()["home"]["last_read_id"], id);
    assert_eq!(
        api.get("/api/v1/markers?timeline[]=home").await.ok()["home"]["version"],
        1
    );
    let gone = api
        .send(
            api.client
                .delete(api.url(&format!("/api/v1/statuses/{id}"))),
        )
        .await;
    assert_eq!(gone.ok()["text"], "only once");
    api.get(&format!("/api/v1/statuses/{id}"))
        .await
        .refused(404);
    net.stop().await;
}

#[actix_web::test]
async fn bad_api_input_gets_mastodon_errors_and_changes_nothing() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice"]).await;
    let token = sign_in(hub, "alice@example.org", "alice", "read write").await;
    let api = Api::new(hub, Some(&token));
    let anon = Api::new(hub, None);
    assert_eq!(
        anon.get("/api/v1/timelines/home").await.refused(401),
        "The access token is invalid"
    );
    assert_eq!(
        api.with_token("not-a-token")
            .get("/api/v1/timelines/home")
            .await
            .status,
        401
    );
    let basic = anon
        .send(
            anon.client
                .get(anon.url("/api/v1/timelines/home"))
                .header("authorization", "Basic eDp5"),
        )
        .await;
    assert_eq!(basic.status, 401);
    // Malformed and oversized bodies, bad enums, bad pagination, unknown ids.
    let r = api
        .raw(
            reqwest::Method::POST,
            "/api/v1/statuses",
            "application/json",
            b"{\"status\":".to_vec(),
        )
        .await;
    assert_eq!(r.refused(400), "The JSON body could not be read.");
    let r = api
        .raw(
            reqwest::Method::POST,
            "/api/v1/statuses",
            "application/json",
            b"[1,2]".to_vec(),
        )
        .await;
    r.refused(400);
    let big = format!(
        "{{\"status\":\"{}\"}}",
        "x".repeat(hub.config.max_body_bytes + 10)
    );
    api.raw(
        reqwest::Method::POST,
        "/api/v1/statuses",
        "application/json",
        big.into_bytes(),
    )
    .await
    .refused(413);
    let big_form = format!("status={}", "y".repeat(hub.config.max_body_bytes + 10));
    api.raw(
        reqwest::Method::POST,
        "/api/v1/statuses",
        "application/x-www-form-urlencoded",
        big_form.into_bytes(),
    )
    .await
    .refused(413);
    let r = api
        .post(
            "/api/v1/statuses",
            json!({"status": "hi", "visibility": "everyone"}),
        )
        .await;
    assert!(r.refused(422).contains("Visibility must be one of"));
    api.post("/api/v1/statuses", json!({"status": "   "}))
        .await
        .refused(422);
    api.post("/api/v1/statuses", json!({"status": {"nested": true}}))
        .await
        .refused(422);
    api.post(
        "/api/v1/statuses",
        json!({"status": "hi", "in_reply_to_id": "999999"}),
    )
    .await
    .refused(404);
    api.post(
        "/api/v1/statuses",
        json!({"status": "hi", "visibility": "direct"}),
    )
    .await
    .refused(422);
    api.raw(
        reqwest::Method::POST,
        "/api/v1/statuses",
        "text/xml",
        b"<x/>".to_vec(),
    )
    .await
    .refused(400);
    for q in ["max_id=abc", "limit=0", "since_id=-1", "limit=ten"] {
        api.get(&format!("/api/v1/timelines/home?{q}"))
            .await
            .refused(400);
    }
    assert_eq!(
        api.get("/api/v1/timelines/home?limit=500").await.status,
        200
    );
    api.get("/api/v1/statuses/12345678").await.refused(404);
    api.get("/api/v1/statuses/not-a-number").await.refused(404);
    api.get("/api/v1/accounts/nobody-known").await.refused(404);
    api.get("/api/v1/notifications/77").await.refused(404);
    api.form("/api/v1/notifications/77/dismiss", &[])
        .await
        .refused(404);
    let r = api
        .send(api.client.patch(api.url("/api/v1/statuses")))
        .await;
    assert_eq!(r.refused(405), r.json["error"].as_str().unwrap());
    assert!(
        api.get("/api/v1/streaming/hashtag")
            .await
            .refused(400)
            .contains("tag")
    );
    anon.get("/api/v1/streaming/user").await.refused(401);
    let r = api
        .post(
            "/api/v1/markers",
            json!({"home": {"last_read_id": "1; DROP TABLE item"}}),
        )
        .await;
    r.refused(422);
    // Apps: no name, a bad redirect, unknown scope.
    anon.form(
        "/api/v1/apps",
        &[
            ("client_name", ""),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
        ],
    )
    .await
    .refused(422);
    anon.form(
        "/api/v1/apps",
        &[("client_name", "x"), ("redirect_uris", "not a uri")],
    )
    .await
    .refused(422);
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "https://app.example/#frag",
    ] {
        anon.form(
            "/api/v1/apps",
            &[("client_name", "x"), ("redirect_uris", bad)],
        )
        .await
        .refused(422);
    }
    anon.form(
        "/api/v1/apps",
        &[
            ("client_name", "x"),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", "admin:write"),
        ],
    )
    .await
    .refused(400);
    // Nothing was posted by any of it.
    let home = api.get("/api/v1/timelines/home").await;
    assert_eq!(home.ok().as_array().unwrap().len(), 0, "{}", home.json);
    net.stop().await;
}

/// Thousands of streaming connections opened and dropped: each costs a subscription while it
/// is open and nothing once it is gone; a connection left open still gets its events.
#[actix_web::test]
async fn thousands_of_streaming_connections_open_and_drop() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice"]).await;
    let token = sign_in(hub, "alice@example.org", "alice", "read write").await;
    let api = Api::new(hub, Some(&token));
    const N: usize = 2000;
    const WAVE: usize = 250;
    let mut opened = 0;
    for _ in 0..N / WAVE {
        let mut socks = Vec::new();
        for i in 0..WAVE {
            let mut s = tokio::net::TcpStream::connect(hub.addr)
                .await
                .expect("connect");
            let req = format!(
                "GET /api/v1/streaming?stream=user HTTP/1.1\r\nHost: alpha.test\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                 Sec-WebSocket-Protocol: {token}\r\nX-N: {i}\r\n\r\n"
            );
            s.write_all(req.as_bytes()).await.unwrap();
            socks.push(s);
        }
        for s in &mut socks {
            let mut buf = [0u8; 512];
            let n = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf))
                .await
                .expect("a handshake answer")
                .unwrap();
            let head = String::from_utf8_lossy(&buf[..n]);
            assert!(head.starts_with("HTTP/1.1 101"), "{head}");
            assert!(
                head.to_lowercase()
                    .contains(&format!("sec-websocket-protocol: {}", token.to_lowercase()))
            );
            opened += 1;
        }
        drop(socks);
    }
    assert_eq!(opened, N);
    // Every dropped connection lets go of its subscription.
    let streams = &hub.ctx().streams;
    let gone = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while streams.connections() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(gone.is_ok(), "{} subscriptions left", streams.connections());
    // The hub still streams to a connection that stays.
    let mut live = api.sse("/api/v1/streaming/user").await;
    api.post("/api/v1/statuses", json!({"status": "after the storm"}))
        .await
        .ok();
    assert!(
        next_event(&mut live, "update", "after the storm")
            .await
            .is_some()
    );
    net.stop().await;
}

/// Rate limits are per token: one app hammering the hub is slowed down, another is not, and
/// the window passes.
#[actix_web::test]
async fn each_token_has_its_own_rate_limit() {
    let net = TestNet::start_with(&["alpha"], |c| c.limits.api_per_minute = 5).await;
    let hub = net.hub("alpha");
    with_channels(hub, &["alice"]).await;
    let one = hub::service::oauth::personal_token(hub.ctx(), "alice", "read", "one")
        .await
        .unwrap();
    let two = hub::service::oauth::personal_token(hub.ctx(), "alice", "read", "two")
        .await
        .unwrap();
    let a = Api::new(hub, Some(&one));
    for _ in 0..5 {
        a.get("/api/v1/timelines/home").await.ok();
    }
    let r = a.get("/api/v1/timelines/home").await;
    assert!(r.refused(429).contains("Too many"));
    assert_eq!(r.headers.get("retry-after").unwrap(), "60");
    Api::new(hub, Some(&two))
        .get("/api/v1/timelines/home")
        .await
        .ok();
    net.clock.advance(std::time::Duration::from_secs(61));
    a.get("/api/v1/timelines/home").await.ok();
    net.stop().await;
}

/// Accounts, search, relationships and notifications through the API: a profile edited,
/// found by address and by name, followed, blocked, muted, unfollowed; notifications listed
/// and dismissed; the instance, emojis and preferences.
#[actix_web::test]
async fn accounts_relationships_and_notifications_through_the_api() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    with_channels(a, &["alice"]).await;
    with_channels(b, &["bob"]).await;
    let alice = Api::new(
        a,
        Some(&sign_in(a, "alice@example.org", "alice", "read write follow").await),
    );
    let bob = Api::new(
        b,
        Some(&sign_in(b, "bob@example.org", "bob", "read write follow").await),
    );

    // The profile: name, note (Markdown), fields.
    let me = alice
        .form(
            "/api/v1/accounts/update_credentials",
            &[
                ("display_name", "Alice Liddell"),
                ("note", "Curiouser and *curiouser*"),
                ("fields_attributes[0][name]", "Homepage"),
                ("fields_attributes[0][value]", "https://alice.example"),
            ],
        )
        .await;
    // update_credentials is PATCH; a POST is refused.
    assert_eq!(me.status, 405);
    let me = alice
        .send(
            alice
                .client
                .patch(alice.url("/api/v1/accounts/update_credentials"))
                .form(&[
                    ("display_name", "Alice Liddell"),
                    ("note", "Curiouser and *curiouser*"),
                    ("fields_attributes[0][name]", "Homepage"),
                    ("fields_attributes[0][value]", "https://alice.example"),
                ]),
        )
        .await;
    let v = me.ok();
    assert_eq!(v["display_name"], "Alice Liddell");
    assert!(v["note"].as_str().unwrap().contains("<em>curiouser</em>"));
    assert_eq!(v["source"]["note"], "Curiouser and *curiouser*");
    assert_eq!(v["fields"][0]["name"], "Homepage");
    let bad = alice
        .send(
            alice
                .client
                .patch(alice.url("/api/v1/accounts/update_credentials"))
                .json(&json!({"fields_attributes": [{"name": "Shoe size", "value": "7"}]})),
        )
        .await;
    bad.refused(422);
    assert!(a.browser().get("/channel/alice").await.has("Alice Liddell"));

    // Search: an address on another hub (discovered), a name here.
    let q = format!("/api/v2/search?q={}&resolve=true", addr(a, "alice"));
    let found = bob.get(&q).await;
    let alice_id = found.ok()["accounts"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(found.json["accounts"][0]["display_name"], "Alice Liddell");
    let local = alice.get("/api/v1/accounts/search?q=alic").await;
    assert_eq!(local.ok()[0]["acct"], "alice");
    assert_eq!(
        alice
            .get(&format!("/api/v1/accounts/{alice_id}"))
            .await
            .ok()["username"],
        "alice"
    );

    // Follow, then block and mute and their undoing, then unfollow.
    let rel = bob
        .form(&format!("/api/v1/accounts/{alice_id}/follow"), &[])
        .await;
    assert_eq!(rel.ok()["following"], true);
    net.drain().await;
    let notes = alice.get("/api/v1/notifications").await;
    let n = &notes.ok()[0];
    assert_eq!(n["type"], "follow_request");
    assert_eq!(n["account"]["acct"], addr(b, "bob"));
    let nid = n["id"].as_str().unwrap().to_string();
    alice
        .get(&format!("/api/v1/notifications/{nid}"))
        .await
        .ok();
    let only_mentions = alice.get("/api/v1/notifications?types[]=mention").await;
    assert_eq!(only_mentions.ok().as_array().unwrap().len(), 0);
    alice
        .form(&format!("/api/v1/notifications/{nid}/dismiss"), &[])
        .await
        .ok();
    assert_eq!(
        alice
            .get("/api/v1/notifications")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let bob_id = alice.get("/api/v1/follow_requests").await.ok()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = alice
        .form(&format!("/api/v1/follow_requests/{bob_id}/reject"), &[])
        .await;
    assert_eq!(r.ok()["requested_by"], false);
    assert_eq!(
        alice
            .get("/api/v1/follow_requests")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let r = bob
        .form(&format!("/api/v1/accounts/{alice_id}/block"), &[])
        .await;
    assert_eq!(r.ok()["blocking"], true);
    assert_eq!(bob.get("/api/v1/blocks").await.ok()[0]["id"], alice_id);
    let r = bob
        .form(&format!("/api/v1/accounts/{alice_id}/unblock"), &[])
        .await;
    assert_eq!(r.ok()["blocking"], false);
    let r = bob
        .form(&format!("/api/v1/accounts/{alice_id}/mute"), &[])
        .await;
    assert_eq!(r.ok()["muting"], true);
    assert_eq!(
        bob.get("/api/v1/mutes")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    bob.form(&format!("/api/v1/accounts/{alice_id}/unmute"), &[])
        .await
        .ok();
    let r = bob
        .form(&format!("/api/v1/accounts/{alice_id}/unfollow"), &[])
        .await;
    assert_eq!(r.ok()["following"], false);
    let rel = bob
        .get(&format!("/api/v1/accounts/relationships?id={alice_id}"))
        .await;
    assert_eq!(rel.ok()[0]["following"], false);

    // Instance, emojis, preferences, the app's own credentials.
    let v1 = Api::new(a, None).get("/api/v1/instance/").await;
    assert!(v1.ok()["version"].as_str().unwrap().starts_with("4.3.0"));
    assert!(
        v1.json["urls"]["streaming_api"]
            .as_str()
            .unwrap()
            .starts_with("ws://")
    );
    let v2 = Api::new(a, None).get("/api/v2/instance").await;
    assert_eq!(v2.ok()["api_versions"]["mastodon"], 2);
    assert_eq!(
        Api::new(a, None).get("/api/v1/custom_emojis").await.ok(),
        &json!([])
    );
    assert_eq!(
        alice.get("/api/v1/preferences").await.ok()["posting:default:visibility"],
        "private"
    );
    assert_eq!(
        alice.get("/api/v1/apps/verify_credentials").await.ok()["name"],
        "Suite app"
    );
    net.stop().await;
}
