//! Hostile or broken federation input: each gets a clear Zot-shaped error and stores nothing.
//! Unsigned, wrongly signed or tampered deliveries, a signer that is not the sender, a stale
//! signed Date, unknown recipients, oversized and malformed bodies, discovery documents that do
//! not verify or claim another hub, internal addresses, and huge or slow peers.

use hub::service::perms::Audience;
use hub_tests::{TestHub, TestNet};
use zot::message::{Envelope, MessageType};

use crate::accounts::PW;

async fn channel(hub: &TestHub, nick: &str) -> hub::service::channel::Channel {
    let a = hub.account(&format!("{nick}@example.org"), PW).await;
    hub::service::channel::create(hub.ctx(), a, nick, nick, "public")
        .await
        .unwrap()
}

async fn item_count(hub: &TestHub) -> i64 {
    hub.ctx()
        .db
        .run(|c| {
            use diesel::prelude::*;
            Ok(hub::store::schema::item::table
                .count()
                .get_result::<i64>(c)?)
        })
        .await
        .unwrap()
}

/// alice on alpha, connected with bob on beta (who accepts her stream), and a signed public
/// post envelope from alice ready to send.
async fn setup() -> (
    TestNet,
    hub::service::channel::Channel,
    hub::service::channel::Channel,
    Vec<u8>,
) {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = channel(a, "alice").await;
    let bob = channel(b, "bob").await;
    let bob_addr = b.ctx().uris.address("bob");
    hub::service::connection::connect(a.ctx(), &alice, &bob_addr, "public")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(b.ctx(), &bob, &a.ctx().uris.address("alice"), "public")
        .await
        .unwrap();
    net.drain().await;
    // A post alice makes: take its queued envelope, and let it not be delivered by the queue.
    hub::service::item::post(a.ctx(), &alice, "a real post", Audience::Public)
        .await
        .unwrap();
    let dest = format!("{}/zot", b.base_url);
    let row = a
        .ctx()
        .db
        .run(move |c| hub::store::outq::next_for(c, &dest))
        .await
        .unwrap()
        .unwrap();
    let (id, now) = (row.outq_id, a.ctx().clock.now_db());
    a.ctx()
        .db
        .run(move |c| hub::store::outq::finish(c, id, "test", "", now))
        .await
        .unwrap();
    (net, alice, bob, row.outq_msg.into_bytes())
}

/// Posts `body` to beta's `/zot`, signed as `signer` on alpha unless `signer` is `None`; the
/// signed headers can include a Date.
async fn post_zot(
    net: &TestNet,
    signer: Option<&hub::service::channel::Channel>,
    key_id_nick: &str,
    body: Vec<u8>,
    tamper_after_signing: bool,
    date: Option<chrono::DateTime<chrono::Utc>>,
) -> (u16, serde_json::Value) {
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let url = format!("{}/zot", b.base_url);
    let key;
    let key_id = a.ctx().uris.channel(key_id_nick);
    let mut headers = vec![
        ("x-zot-token", "t0k3n".to_string()),
        ("content-type", "application/x-zot+json".to_string()),
    ];
    if let Some(d) = date {
        headers.push((
            "date",
            httpdate::fmt_http_date(std::time::SystemTime::from(d)),
        ));
    }
    let names: Vec<&str> = if date.is_some() {
        vec![
            "x-zot-token",
            "digest",
            "content-type",
            "date",
            "(request-target)",
        ]
    } else {
        vec!["x-zot-token", "digest", "content-type", "(request-target)"]
    };
    let signer = match signer {
        Some(ch) => {
            key = a.channel_key(ch).await;
            Some(hub::net::Signer {
                key: &key,
                key_id: &key_id,
                algorithm: zot::httpsig::Algorithm::RsaSha512,
                headers: &names,
                as_authorization: false,
            })
        }
        None => None,
    };
    let mut prepared = a
        .ctx()
        .net
        .prepare(
            reqwest::Method::POST,
            &url,
            &headers,
            Some(body),
            signer.as_ref(),
        )
        .unwrap();
    if tamper_after_signing && let Some(b) = prepared.body.as_mut() {
        let at = b.len() / 2;
        b[at] = if b[at] == b'a' { b'b' } else { b'a' };
    }
    let fetched = a.ctx().net.send_prepared(prepared).await.unwrap();
    let json = serde_json::from_slice(&fetched.body).unwrap_or(serde_json::Value::Null);
    (fetched.status, json)
}

#[actix_web::test]
async fn deliveries_without_a_valid_signature_by_their_sender_are_refused() {
    let (net, alice, _bob, envelope) = setup().await;
    let before = item_count(net.hub("beta")).await;
    // The envelope as sent, correctly signed by alice: accepted (so the rest is meaningful).
    // First the refusals:
    let cases: Vec<(&str, u16, &str)> = vec![("unsigned", 401, "signature missing")];
    let (status, json) = post_zot(&net, None, "alice", envelope.clone(), false, None).await;
    assert_eq!(
        (status, json["success"].clone()),
        (cases[0].1, false.into()),
        "{json}"
    );
    assert!(
        json["message"].as_str().unwrap().contains(cases[0].2),
        "{json}"
    );
    // Signed by another key under alice's keyId.
    let mallory = channel(net.hub("alpha"), "mallory").await;
    let (status, json) =
        post_zot(&net, Some(&mallory), "alice", envelope.clone(), false, None).await;
    assert_eq!(status, 401, "wrong key: {json}");
    assert_eq!(json["message"], "signature invalid");
    // Correctly signed, body changed afterwards (Digest no longer matches).
    let (status, json) = post_zot(&net, Some(&alice), "alice", envelope.clone(), true, None).await;
    assert!(
        status == 401 || status == 400,
        "tampered body: {status} {json}"
    );
    assert_eq!(json["success"], false);
    // Signed by mallory as mallory, but the envelope says alice sent it.
    let (status, json) = post_zot(
        &net,
        Some(&mallory),
        "mallory",
        envelope.clone(),
        false,
        None,
    )
    .await;
    assert_eq!(status, 401, "{json}");
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .contains("not the envelope's sender"),
        "{json}"
    );
    // A signed Date two days old.
    let stale = net.hub("alpha").ctx().clock.now() - chrono::Duration::days(2);
    let (status, json) = post_zot(
        &net,
        Some(&alice),
        "alice",
        envelope.clone(),
        false,
        Some(stale),
    )
    .await;
    assert_eq!(status, 401, "stale date: {json}");
    let future = net.hub("alpha").ctx().clock.now() + chrono::Duration::days(2);
    let (status, _) = post_zot(
        &net,
        Some(&alice),
        "alice",
        envelope.clone(),
        false,
        Some(future),
    )
    .await;
    assert_eq!(status, 401, "future date");
    assert_eq!(item_count(net.hub("beta")).await, before, "nothing stored");
    // And the genuine delivery, twice: stored once.
    let (status, json) = post_zot(&net, Some(&alice), "alice", envelope.clone(), false, None).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["delivery_report"][0]["status"], "posted", "{json}");
    let (_, json) = post_zot(&net, Some(&alice), "alice", envelope, false, None).await;
    assert_eq!(
        json["delivery_report"][0]["status"], "update ignored",
        "a replay: {json}"
    );
    assert_eq!(item_count(net.hub("beta")).await, before + 1);
    net.stop().await;
}

#[actix_web::test]
async fn malformed_unknown_and_oversized_deliveries_get_clear_errors() {
    let (net, alice, _bob, envelope) = setup().await;
    let before = item_count(net.hub("beta")).await;
    let send = |body: Vec<u8>| post_zot(&net, Some(&alice), "alice", body, false, None);
    let (status, json) = send(b"{not json".to_vec()).await;
    assert_eq!(
        (status, json["success"].clone()),
        (400, false.into()),
        "{json}"
    );
    let (status, json) = send(br#"{"sender":"x"}"#.to_vec()).await;
    assert_eq!(status, 400, "no type: {json}");
    let (status, json) = send(b"[]".to_vec()).await;
    assert_eq!(status, 400, "not an object: {json}");
    // A well-formed envelope whose activity is not one.
    let alice_hash = alice.channel_hash.clone();
    let site_id = net.hub("alpha").ctx().site.site_id.clone();
    let bad = Envelope::new(MessageType::Activity, &alice_hash, &site_id).with_data(
        "activitystreams",
        serde_json::json!({"signed": true, "data": "!!"}),
    );
    let (status, json) = send(serde_json::to_vec(&bad).unwrap()).await;
    assert_eq!(status, 400, "broken JSalmon: {json}");
    // Unknown recipients: reported, nothing stored.
    let mut env: Envelope = serde_json::from_slice(&envelope).unwrap();
    env.recipients = Some(vec!["no-such-portable-id".into()]);
    let (status, json) = send(serde_json::to_vec(&env).unwrap()).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(
        json["delivery_report"][0]["status"], "recipient not found",
        "{json}"
    );
    // An unknown message type.
    let odd = Envelope::new(MessageType::Other("teleport".into()), &alice_hash, &site_id);
    let (status, json) = send(serde_json::to_vec(&odd).unwrap()).await;
    assert_eq!(status, 400, "{json}");
    assert_eq!(item_count(net.hub("beta")).await, before);
    // Over the body limit.
    let big = vec![b' '; 2 * 1024 * 1024];
    let (status, _) = send(big).await;
    assert_eq!(status, 413);
    net.stop().await;
}

#[actix_web::test]
async fn discovery_refuses_documents_that_do_not_verify_or_claim_another_hub() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    channel(b, "bob").await;
    let url = b.ctx().uris.channel("bob");
    // The real answer verifies.
    let fetched = a
        .ctx()
        .net
        .send(
            reqwest::Method::POST,
            &url,
            &[("accept", "application/x-zot+json".into())],
            Some(b"{}".to_vec()),
            None,
        )
        .await
        .unwrap();
    let info = zot::discovery::ZotInfo::from_json(&fetched.body).unwrap();
    hub::service::discovery::verify_response_signature(&fetched, &url, "post", &info).unwrap();
    // A changed body no longer matches its signed Digest.
    let mut forged = fetched.clone();
    let text = String::from_utf8(forged.body.clone())
        .unwrap()
        .replace("\"bob\"", "\"eve\"");
    forged.body = text.into_bytes();
    let forged_info = zot::discovery::ZotInfo::from_json(&forged.body).unwrap();
    assert!(
        hub::service::discovery::verify_response_signature(&forged, &url, "post", &forged_info)
            .is_err()
    );
    // Signed for another URL (keyId ≠ the URL fetched).
    let other = a.ctx().uris.channel("bob");
    assert!(
        hub::service::discovery::verify_response_signature(&fetched, &other, "post", &info)
            .is_err()
    );
    // A document fetched from alpha that only lists a location on beta: refused.
    let err = hub::service::discovery::import_info(a.ctx(), info.clone(), &other)
        .await
        .unwrap_err();
    assert!(
        err.kind.safe_message().contains("does not list the hub"),
        "{err}"
    );
    // A broken id_sig: refused, nothing stored.
    let mut bad = info;
    bad.id_sig = "sha256.AAAA".into();
    assert!(
        hub::service::discovery::import_info(a.ctx(), bad, &url)
            .await
            .is_err()
    );
    let known = hub::service::discovery::known(
        a.ctx(),
        &zot::id::portable_id(&fetched_guid(&fetched), &b_key(&fetched)),
    )
    .await
    .unwrap();
    assert!(known.is_none(), "nothing stored");
    net.stop().await;
}

fn fetched_guid(f: &hub::net::Fetched) -> String {
    zot::discovery::ZotInfo::from_json(&f.body).unwrap().id
}

fn b_key(f: &hub::net::Fetched) -> String {
    zot::discovery::ZotInfo::from_json(&f.body)
        .unwrap()
        .public_key
}

#[actix_web::test]
async fn internal_addresses_are_refused_unless_allowed_and_peers_are_capped() {
    let net = TestNet::start_with(&["alpha"], |c| {
        c.federation.request_timeout_secs = 2;
    })
    .await;
    let a = net.hub("alpha");
    // A client with the production switches, resolving test names like the network does.
    let mut strict = a.ctx().config.clone();
    strict.federation.allow_private_addresses = false;
    let guard = hub::net::Net::new(
        &strict,
        std::sync::Arc::new(net.clock.clone()),
        Some(net.resolver.clone() as std::sync::Arc<dyn reqwest::dns::Resolve>),
    )
    .unwrap();
    let by_name = guard
        .get(&format!("{}/", a.base_url), &[])
        .await
        .unwrap_err();
    assert!(format!("{by_name:#}").contains("internal"), "{by_name:#}");
    let literal = guard
        .get(&format!("http://127.0.0.1:{}/", a.addr.port()), &[])
        .await
        .unwrap_err();
    assert!(format!("{literal:#}").contains("internal"), "{literal:#}");
    let https_only = {
        let mut c = strict.clone();
        c.federation.allow_http = false;
        hub::net::Net::new(&c, std::sync::Arc::new(net.clock.clone()), None).unwrap()
    };
    assert!(https_only.get("http://hub.example/", &[]).await.is_err());
    // A peer that answers too much, and one that answers too slowly.
    let peer = actix_web::HttpServer::new(|| {
        actix_web::App::new()
            .route(
                "/huge",
                actix_web::web::get().to(|| async { vec![b'x'; 9 * 1024 * 1024] }),
            )
            .route(
                "/slow",
                actix_web::web::get().to(|| async {
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    "late"
                }),
            )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = peer.addrs()[0].port();
    let server = peer.run();
    let handle = server.handle();
    tokio::spawn(server);
    let huge = a
        .ctx()
        .net
        .get(&format!("http://127.0.0.1:{port}/huge"), &[])
        .await
        .unwrap_err();
    assert!(huge.kind.safe_message().contains("too large"), "{huge}");
    let slow = a
        .ctx()
        .net
        .get(&format!("http://127.0.0.1:{port}/slow"), &[])
        .await;
    assert!(slow.is_err(), "timed out instead of waiting for the answer");
    handle.stop(false).await;
    net.stop().await;
}
