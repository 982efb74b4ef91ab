//! Cloud files across hubs (issue 11): alice on alpha with a clone on beta, carol on gamma
//! connected to her. Files and folders travel to the clone through sync (and the export), with
//! the same public ids, bytes and access lists, fetched over `/getfile` signed by the channel;
//! renames, access changes and deletions follow; a clone whose origin is down catches up when
//! it is back. carol, visiting alpha through OpenWebAuth, downloads what alice shared with her
//! and gets 404 for the rest, and beta's decider agrees.

use hub::clock::Clock;
use hub::service::channel::Channel;
use hub::service::perms::{Audience, Observer};
use hub::service::storage;
use hub_tests::{Browser, TestHub, TestNet, csrf_of};
use sha2::{Digest, Sha256};

use crate::accounts::PW;
use crate::federation::{addr, channel};

const BOUNDARY: &str = "caravanNOMADboundary41";

/// Uploads `bytes` as `name` into the top folder of `nick`, as the logged-in browser.
async fn upload(b: &Browser, nick: &str, name: &str, bytes: &[u8]) {
    let page = b.get(&format!("/cloud/{nick}")).await;
    let csrf = csrf_of(&page.body).expect("a CSRF token on the files page");
    let mut body = Vec::new();
    for (k, v) in [("csrf", csrf.as_str()), ("folder", "")] {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let r = b
        .post_raw(
            &format!("/cloud/{nick}/upload"),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            body,
        )
        .await;
    assert_eq!(r.status, 303, "upload {name}: {}", r.body);
}

/// The public id of the entry `name` in the top folder of `ch` on `hub`, as its owner sees it.
async fn hash_of(hub: &TestHub, ch: &Channel, name: &str) -> Option<String> {
    let f = storage::folder(
        hub.ctx(),
        &ch.channel_address,
        None,
        &Observer::Account(ch.channel_account_id),
    )
    .await
    .unwrap();
    f.entries
        .iter()
        .find(|(e, _)| e.name == name)
        .map(|(e, _)| e.hash.clone())
}

async fn row(hub: &TestHub, hash: &str) -> Option<hub::store::attach::Attach> {
    let h = hash.to_string();
    hub.ctx()
        .db
        .run(move |c| hub::store::attach::find_by_hash(c, &h))
        .await
        .unwrap()
}

/// The SHA-256 of a file's content as stored on `hub` (none: the row or its content is
/// missing).
async fn content_sha(hub: &TestHub, hash: &str) -> Option<String> {
    let r = row(hub, hash).await?;
    let path = hub.ctx().blobs.path(&r.blob)?;
    let bytes = std::fs::read(path).ok()?;
    Some(hex::encode(Sha256::digest(&bytes)))
}

/// The access list columns of a row, as stored.
fn acl(r: &hub::store::attach::Attach) -> [String; 4] {
    [
        r.allow_cid.clone(),
        r.allow_gid.clone(),
        r.deny_cid.clone(),
        r.deny_gid.clone(),
    ]
}

/// Whether `who` may download the file on `hub` (through that hub's decider).
async fn may_download(hub: &TestHub, hash: &str, who: &str) -> bool {
    storage::download(hub.ctx(), hash, &Observer::Identity(who.to_string()))
        .await
        .is_ok()
}

async fn file_kind(hub: &TestHub, ch: &Channel) -> hub::service::sync::KindState {
    hub::service::sync::local_state(hub.ctx(), ch)
        .await
        .unwrap()
        .kinds
        .into_iter()
        .find(|k| k.kind == "file")
        .expect("the file kind is in the state")
}

/// Both locations hold the same files in the same states and have seen each other's changes.
async fn in_step(a: &TestHub, x: &Channel, b: &TestHub, y: &Channel) {
    let (sa, sb) = (
        hub::service::sync::local_state(a.ctx(), x).await.unwrap(),
        hub::service::sync::local_state(b.ctx(), y).await.unwrap(),
    );
    assert_eq!(sa.kinds, sb.kinds, "the same objects in the same states");
    assert_eq!(sa.cursors, sb.cursors, "each has seen every change");
}

/// A `POST /getfile` to `hub` signed as `key_id` (or unsigned).
async fn getfile(
    net: &TestNet,
    hub: &TestHub,
    signer: Option<(&zot::keys::RsaKeypair, &str)>,
    channel_hash: &str,
    resource: &str,
) -> hub_tests::Resp {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("hash", channel_hash)
        .append_pair("resource", resource)
        .append_pair("revision", "0")
        .finish()
        .into_bytes();
    let mut headers = vec![
        (
            "content-type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        ),
        (
            "date".to_string(),
            httpdate::fmt_http_date(std::time::SystemTime::from(net.clock.now())),
        ),
        ("digest".to_string(), zot::httpsig::digest_header(&body)),
        (
            "host".to_string(),
            format!("{}:{}", hub.host, hub.addr.port()),
        ),
    ];
    if let Some((key, key_id)) = signer {
        let msg = zot::httpsig::Message {
            method: "post",
            path_and_query: "/getfile",
            headers: &headers,
        };
        let sig = zot::httpsig::sign(
            &msg,
            key,
            key_id,
            zot::httpsig::Algorithm::RsaSha512,
            &["(request-target)", "date", "host", "content-type", "digest"],
        )
        .unwrap();
        headers.push(("authorization".to_string(), format!("Signature {sig}")));
    }
    let h: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(k, _)| k != "host")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    hub.browser()
        .request(reqwest::Method::POST, "/getfile", &h, body)
        .await
}

#[actix_web::test]
async fn files_reach_the_clone_with_their_access_lists_and_visitors_get_what_is_shared() {
    let mut net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b, g) = (net.hub("alpha"), net.hub("beta"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let carol = channel(g, "carol").await;
    hub::service::connection::connect(g.ctx(), &carol, &addr(a, "alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    hub::service::connection::approve(a.ctx(), &alice, &addr(g, "carol"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let owner = a.browser();
    owner.login("alice@example.org", PW).await;

    // A file from before the clone travels with the export.
    let early = b"made before the clone\n".repeat(30);
    upload(&owner, "alice", "early.txt", &early).await;
    let early_id = hash_of(a, &alice, "early.txt").await.unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    hub::service::export::write(a.ctx(), &alice, file.reopen().unwrap())
        .await
        .unwrap();
    let account = b.account("alice@example.org", PW).await;
    let clone = hub::service::import::import(
        b.ctx(),
        account,
        hub::service::import::parse(&std::fs::read(file.path()).unwrap()).unwrap(),
        false,
    )
    .await
    .unwrap()
    .channel;
    net.drain().await;
    let want = hex::encode(Sha256::digest(&early));
    assert_eq!(
        content_sha(b, &early_id).await.as_deref(),
        Some(want.as_str()),
        "the imported clone fetched the content from the exporting location"
    );

    // Two files on alpha: one for carol, one for alice alone.
    let shared = b"for carol: the map is in the blue box\n".repeat(50);
    let secret = b"for alice alone\n".repeat(10);
    upload(&owner, "alice", "for-carol.txt", &shared).await;
    upload(&owner, "alice", "secret.txt", &secret).await;
    let shared_id = hash_of(a, &alice, "for-carol.txt").await.unwrap();
    let secret_id = hash_of(a, &alice, "secret.txt").await.unwrap();
    let acct = alice.channel_account_id;
    storage::set_audience(
        a.ctx(),
        acct,
        "alice",
        &shared_id,
        Audience::Channels(vec![carol.channel_hash.clone()]),
    )
    .await
    .unwrap();
    storage::set_audience(
        a.ctx(),
        acct,
        "alice",
        &secret_id,
        Audience::Channels(vec![alice.channel_hash.clone()]),
    )
    .await
    .unwrap();

    // carol, logged in on gamma, visits alpha through OpenWebAuth.
    let visitor = g.browser();
    visitor.login("carol@example.org", PW).await;
    let cloud = format!("{}/cloud/alice", a.base_url);
    let (listing, _) = visitor
        .follow(&format!("{cloud}?zid={}", addr(g, "carol")))
        .await;
    listing.expect_status(200);
    assert!(
        listing.has(&format!("Visiting as {}", addr(g, "carol"))),
        "{}",
        listing.body
    );
    assert!(listing.has("for-carol.txt"), "{}", listing.body);
    assert!(
        !listing.has("secret.txt") && !listing.has(&secret_id),
        "the other file is not listed"
    );
    let got = visitor
        .get(&format!("{}/file/{shared_id}", a.base_url))
        .await;
    got.expect_status(200);
    assert_eq!(got.body.as_bytes(), &shared[..], "the same bytes");
    visitor
        .get(&format!("{}/file/{secret_id}", a.base_url))
        .await
        .expect_status(404);
    // Over WebDAV the visitor reads the same way (read-only, from the OpenWebAuth session).
    let dav = visitor
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            &format!("{}/dav/alice/", a.base_url),
            &[("Depth", "1")],
            Vec::new(),
        )
        .await;
    assert_eq!(dav.status, 207, "{}", dav.body);
    assert!(dav.body.contains("for-carol.txt") && !dav.body.contains("secret.txt"));
    let dav_get = visitor
        .get(&format!("{}/dav/alice/for-carol.txt", a.base_url))
        .await;
    assert_eq!(dav_get.body.as_bytes(), &shared[..]);
    let write = visitor
        .request(
            reqwest::Method::PUT,
            &format!("{}/dav/alice/from-carol.txt", a.base_url),
            &[],
            b"hi".to_vec(),
        )
        .await;
    assert_eq!(write.status, 401, "a visitor may not write");
    // Anonymous sees neither.
    let anon = a.browser();
    anon.get(&format!("/file/{shared_id}"))
        .await
        .expect_status(404);

    // beta: both files, the same ids, bytes and access lists; its decider agrees.
    net.drain().await;
    for (id, bytes) in [(&shared_id, &shared), (&secret_id, &secret)] {
        let (ra, rb) = (row(a, id).await.unwrap(), row(b, id).await.unwrap());
        assert_eq!(rb.uid, clone.channel_id);
        assert_eq!((&ra.name, ra.size, &ra.blob), (&rb.name, rb.size, &rb.blob));
        assert_eq!(acl(&ra), acl(&rb), "the same access list");
        let want = hex::encode(Sha256::digest(bytes));
        assert_eq!(content_sha(b, id).await.as_deref(), Some(want.as_str()));
    }
    assert!(may_download(b, &shared_id, &carol.channel_hash).await);
    assert!(!may_download(b, &secret_id, &carol.channel_hash).await);
    in_step(a, &alice, b, &clone).await;
    assert_eq!(file_kind(a, &alice).await.count, 3);

    // A rename into a new folder, an access change and a delete on alpha reach beta.
    let docs = storage::mkdir(a.ctx(), acct, "alice", None, "Docs")
        .await
        .unwrap();
    storage::rename(
        a.ctx(),
        acct,
        "alice",
        &shared_id,
        "carol.txt",
        Some(&docs.hash),
    )
    .await
    .unwrap();
    storage::set_audience(a.ctx(), acct, "alice", &shared_id, Audience::Public)
        .await
        .unwrap();
    storage::set_audience(
        a.ctx(),
        acct,
        "alice",
        &early_id,
        Audience::Channels(vec![alice.channel_hash.clone()]),
    )
    .await
    .unwrap();
    let secret_blob = row(a, &secret_id).await.unwrap().blob;
    storage::delete(a.ctx(), acct, "alice", &secret_id)
        .await
        .unwrap();
    net.drain().await;
    let moved = row(b, &shared_id).await.unwrap();
    let folder = row(b, &docs.hash).await.expect("the folder reached beta");
    assert_eq!(
        (moved.name.as_str(), moved.parent),
        ("carol.txt", folder.id)
    );
    assert_eq!(acl(&moved), acl(&row(a, &shared_id).await.unwrap()));
    assert!(!may_download(b, &early_id, &carol.channel_hash).await);
    assert!(row(b, &secret_id).await.is_none(), "deleted on beta too");
    assert!(
        !b.ctx().blobs.path(&secret_blob).unwrap().exists(),
        "its content went with it"
    );
    in_step(a, &alice, b, &clone).await;

    // A folder deleted with its content.
    storage::delete(a.ctx(), acct, "alice", &docs.hash)
        .await
        .unwrap();
    net.drain().await;
    assert!(row(b, &docs.hash).await.is_none() && row(b, &shared_id).await.is_none());
    in_step(a, &alice, b, &clone).await;

    // alpha goes down after telling beta about a new file, before beta has its content.
    let late = b"made while the clone could not fetch\n".repeat(20);
    upload(&owner, "alice", "late.txt", &late).await;
    let late_id = hash_of(a, &alice, "late.txt").await.unwrap();
    hub::queue::run_due(a.ctx()).await.unwrap();
    net.hub_mut("alpha").stop().await;
    net.drain().await;
    let b = net.hub("beta");
    assert!(row(b, &late_id).await.is_some(), "beta knows the file");
    assert_eq!(
        content_sha(b, &late_id).await,
        None,
        "but has no content yet"
    );
    let waiting: i64 = hub::queue::status(b.ctx())
        .await
        .unwrap()
        .into_iter()
        .filter(|(d, ..)| d.dest_url.ends_with("/getfile"))
        .map(|(_, depth, _)| depth)
        .sum();
    assert_eq!(waiting, 1, "the fetch waits in the queue");
    // Back, and past the backoff: beta catches up.
    net.hub_mut("alpha").restart().await;
    net.clock.advance(std::time::Duration::from_secs(600));
    net.drain().await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let want = hex::encode(Sha256::digest(&late));
    assert_eq!(
        content_sha(b, &late_id).await.as_deref(),
        Some(want.as_str())
    );
    in_step(a, &alice, b, &clone).await;

    // A drifted clone shows in the digests.
    let r = row(b, &late_id).await.unwrap();
    b.ctx()
        .db
        .run(move |c| hub::store::attach::update_place(c, r.id, 0, "drifted.txt", r.edited))
        .await
        .unwrap();
    assert_eq!(
        file_kind(a, &alice).await.count,
        file_kind(b, &clone).await.count
    );
    assert_ne!(
        file_kind(a, &alice).await.digest,
        file_kind(b, &clone).await.digest,
        "a drifted file shows"
    );
    net.stop().await;
}

#[actix_web::test]
async fn getfile_serves_a_channels_file_only_to_that_channel() {
    let net = TestNet::start(&["alpha", "gamma"]).await;
    let (a, g) = (net.hub("alpha"), net.hub("gamma"));
    let alice = channel(a, "alice").await;
    let carol = channel(g, "carol").await;
    let owner = a.browser();
    owner.login("alice@example.org", PW).await;
    upload(&owner, "alice", "notes.txt", b"alice's notes").await;
    let id = hash_of(a, &alice, "notes.txt").await.unwrap();
    let alice_key = a.channel_key(&alice).await;
    let alice_id = a.ctx().uris.channel("alice");
    let carol_key = g.channel_key(&carol).await;
    let carol_id = g.ctx().uris.channel("carol");

    // The channel itself gets the bytes.
    let r = getfile(
        &net,
        a,
        Some((&alice_key, &alice_id)),
        &alice.channel_hash,
        &id,
    )
    .await;
    r.expect_status(200);
    assert_eq!(r.body, "alice's notes");
    // Unsigned, or signed by someone else (naming alice or themselves): refused.
    getfile(&net, a, None, &alice.channel_hash, &id)
        .await
        .expect_status(403);
    getfile(
        &net,
        a,
        Some((&carol_key, &carol_id)),
        &alice.channel_hash,
        &id,
    )
    .await
    .expect_status(403);
    getfile(
        &net,
        a,
        Some((&carol_key, &carol_id)),
        &carol.channel_hash,
        &id,
    )
    .await
    .expect_status(404);
    // A signature by alice's key under carol's name does not verify.
    getfile(
        &net,
        a,
        Some((&alice_key, &carol_id)),
        &carol.channel_hash,
        &id,
    )
    .await
    .expect_status(403);
    // Unknown files and folders: 404.
    getfile(
        &net,
        a,
        Some((&alice_key, &alice_id)),
        &alice.channel_hash,
        "nope",
    )
    .await
    .expect_status(404);
    let dir = storage::mkdir(a.ctx(), alice.channel_account_id, "alice", None, "Dir")
        .await
        .unwrap();
    getfile(
        &net,
        a,
        Some((&alice_key, &alice_id)),
        &alice.channel_hash,
        &dir.hash,
    )
    .await
    .expect_status(404);
    // GET is not served.
    assert_eq!(a.browser().get("/getfile").await.status, 405);
    net.stop().await;
}
