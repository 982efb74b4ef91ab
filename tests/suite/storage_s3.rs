//! Cloud files on the S3-compatible blob backend, against a real S3 server process: moto's
//! standalone server (PyPI `moto[server]`, pinned in tests/s3/requirements.txt), started on
//! loopback by the test and stopped after it. Uploads through the files page and WebDAV land
//! as one object per content (equal files once, a multipart upload for a large one), downloads
//! answer ranges and validators, a cut-off upload leaves no object, and an object goes when no
//! file uses it. It needs moto, so it is `#[ignore]`d: `.ci/run`'s `s3` step installs it in a
//! venv and runs it with `--include-ignored`, CARAVAN_S3_TEST=1 and CARAVAN_MOTO_SERVER (the
//! venv's `moto_server`). Run without CARAVAN_S3_TEST=1, or without moto, it fails rather than
//! pass without doing anything.

use std::time::{Duration, Instant};

use base64::Engine;
use hub::config::{BlobBackend, S3Config, Secret};
use hub_tests::{Browser, TestHub, TestNet, csrf_of};
use reqwest::Method;
use sha2::{Digest, Sha256};

use crate::accounts::PW;
use crate::client_api::with_channels;

const BUCKET: &str = "caravan-blobs";
const BOUNDARY: &str = "caravanS3boundary51x";

/// A moto server on a loopback port; killed when dropped.
struct Moto {
    child: tokio::process::Child,
    endpoint: String,
    _log_dir: tempfile::TempDir,
}

impl Moto {
    /// Starts `CARAVAN_MOTO_SERVER` (or `moto_server` on the PATH) and waits (at most 30 s)
    /// until it accepts connections, then makes the bucket.
    async fn start() -> Self {
        let program = std::env::var("CARAVAN_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().unwrap().port()
        };
        let log_dir = tempfile::tempdir().unwrap();
        let log = log_dir.path().join("moto.log");
        let mut child = tokio::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(log_dir.path().join("moto.err")).unwrap())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {program:?} ({e}): install moto[server] \
                     (tests/s3/requirements.txt; .ci/run s3 does it)"
                )
            });
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let err =
                    std::fs::read_to_string(log_dir.path().join("moto.err")).unwrap_or_default();
                panic!("{program} exited at start ({status}): {err}");
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{program} did not accept connections within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let endpoint = format!("http://127.0.0.1:{port}");
        let made = reqwest::Client::new()
            .put(format!("{endpoint}/{BUCKET}"))
            .send()
            .await
            .expect("create the bucket");
        assert!(
            made.status().is_success(),
            "create bucket: {}",
            made.status()
        );
        Self {
            child,
            endpoint,
            _log_dir: log_dir,
        }
    }

    fn backend(&self) -> BlobBackend {
        BlobBackend::S3(S3Config {
            endpoint: Some(self.endpoint.parse().unwrap()),
            bucket: BUCKET.into(),
            region: "us-east-1".into(),
            access_key_id: "caravan-test".into(),
            secret_access_key: Secret::new("caravan-test-secret"),
            allow_http: true,
        })
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    out.extend_from_slice(file.1);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn ctype() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

async fn upload(b: &Browser, name: &str, bytes: &[u8]) -> u16 {
    let page = b.get("/cloud/alice").await;
    let csrf = csrf_of(&page.body).expect("a CSRF token on the files page");
    let body = multipart(&[("csrf", &csrf), ("folder", "")], (name, bytes));
    b.post_raw("/cloud/alice/upload", &ctype(), body)
        .await
        .status
}

/// The public id of the file called `name` on a files page.
fn file_id(html: &str, name: &str) -> Option<String> {
    let marker = "href=\"/file/";
    let mut rest = html;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        let end = rest.find('"')?;
        let after = &rest[end + 2..];
        if after.starts_with(name) && after[name.len()..].starts_with('<') {
            return Some(rest[..end].to_string());
        }
    }
    None
}

fn sha256(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

async fn objects(hub: &TestHub) -> Vec<String> {
    hub.ctx().blobs.list().await.expect("list the bucket")
}

fn key(hash: &str) -> String {
    format!("{}/{}/{hash}", &hash[..2], &hash[2..4])
}

/// Nothing under `<data_dir>/blobs` but the (empty) temporary folder: the bytes are in S3.
fn nothing_on_disk(hub: &TestHub) {
    let root = hub.data_dir().join("blobs");
    let names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["tmp".to_string()], "blobs on local disk");
    assert_eq!(
        hub.ctx().blobs.temporary_files(),
        0,
        "a temporary file left"
    );
}

/// A request straight to the hub's address, the body read as bytes (the browser reads text).
async fn fetch(
    hub: &TestHub,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<u8>) {
    let mut req = reqwest::Client::new().request(method, format!("http://{}{path}", hub.addr));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("body").to_vec())
}

fn header<'a>(r: &'a hub_tests::Resp, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[actix_web::test]
#[ignore = "needs moto_server: run by .ci/run's s3 step (CARAVAN_S3_TEST=1)"]
async fn cloud_files_live_in_an_s3_bucket() {
    assert_eq!(
        std::env::var("CARAVAN_S3_TEST").as_deref(),
        Ok("1"),
        "set CARAVAN_S3_TEST=1 (and CARAVAN_MOTO_SERVER) once moto[server] is installed from \
         tests/s3/requirements.txt; .ci/run s3 does both"
    );
    let moto = Moto::start().await;
    let backend = moto.backend();
    let net = TestNet::start_with(&["alpha"], move |c| c.storage = backend.clone()).await;
    let hub = net.hub("alpha");
    assert_eq!(hub.ctx().blobs.backend(), "s3");
    let chans = with_channels(hub, &["alice"]).await;
    let alice = hub.browser();
    alice.login("alice@example.org", PW).await;

    // Two equal files are one object; a large one goes up in parts (8 MiB each).
    let notes = b"Meeting notes: bring maps.\n".repeat(40);
    let big: Vec<u8> = (0..(17 * 1024 * 1024 + 4321))
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    assert_eq!(upload(&alice, "notes.txt", &notes).await, 303);
    assert_eq!(upload(&alice, "copy.txt", &notes).await, 303);
    assert_eq!(upload(&alice, "big.bin", &big).await, 303);
    let (notes_hash, big_hash) = (sha256(&notes), sha256(&big));
    assert_eq!(objects(hub).await, {
        let mut v = vec![key(&notes_hash), key(&big_hash)];
        v.sort();
        v
    });
    nothing_on_disk(hub);

    // Downloads: the rules of the local backend, served from the bucket.
    let page = alice.get("/cloud/alice").await;
    let notes_id = file_id(&page.body, "notes.txt").expect("notes.txt listed");
    let big_id = file_id(&page.body, "big.bin").expect("big.bin listed");
    let anon = hub.browser();
    let got = anon.get(&format!("/file/{notes_id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body.as_bytes(), &notes[..]);
    assert!(header(&got, "content-type").starts_with("text/plain"));
    assert!(header(&got, "content-disposition").starts_with("inline"));
    assert_eq!(header(&got, "x-content-type-options"), "nosniff");
    assert!(header(&got, "content-security-policy").contains("sandbox"));
    assert_eq!(header(&got, "accept-ranges"), "bytes");
    let etag = header(&got, "etag").to_string();
    assert_eq!(etag, format!("\"{notes_hash}\""));
    let modified = header(&got, "last-modified").to_string();
    let ranged = |path: String, h: Vec<(&'static str, String)>| {
        let anon = &anon;
        async move {
            let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
            anon.request(Method::GET, &path, &h, Vec::new()).await
        }
    };
    let file = format!("/file/{notes_id}");
    let part = ranged(file.clone(), vec![("range", "bytes=0-7".into())]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, "Meeting ");
    assert_eq!(
        header(&part, "content-range"),
        format!("bytes 0-7/{}", notes.len())
    );
    let tail = ranged(file.clone(), vec![("range", "bytes=-6".into())]).await;
    assert_eq!((tail.status, tail.body.as_str()), (206, "maps.\n"));
    let past = ranged(
        file.clone(),
        vec![("range", format!("bytes={}-", notes.len()))],
    )
    .await;
    assert_eq!(past.status, 416);
    assert_eq!(
        header(&past, "content-range"),
        format!("bytes */{}", notes.len())
    );
    let same = ranged(file.clone(), vec![("if-none-match", etag.clone())]).await;
    assert_eq!(same.status, 304);
    let since = ranged(file.clone(), vec![("if-modified-since", modified)]).await;
    assert_eq!(since.status, 304);
    let other = ranged(file.clone(), vec![("if-match", "\"0000\"".into())]).await;
    assert_eq!(other.status, 412);
    let head = anon.request(Method::HEAD, &file, &[], Vec::new()).await;
    assert_eq!(head.status, 200);
    assert_eq!(header(&head, "content-length"), notes.len().to_string());
    // Across the boundary of the first two parts of the large file, and all of it.
    let (a, b) = (8 * 1024 * 1024 - 10, 8 * 1024 * 1024 + 9);
    let big_file = format!("/file/{big_id}");
    let range = format!("bytes={a}-{b}");
    let (status, mid) = fetch(hub, Method::GET, &big_file, &[("range", &range)]).await;
    assert_eq!(status, 206);
    assert_eq!(mid, &big[a..=b]);
    let (status, all) = fetch(hub, Method::GET, &big_file, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(sha256(&all), big_hash);
    let whole = anon.request(Method::HEAD, &big_file, &[], Vec::new()).await;
    assert_eq!(header(&whole, "content-length"), big.len().to_string());
    assert_eq!(header(&whole, "content-type"), "application/octet-stream");
    assert!(header(&whole, "content-disposition").starts_with("attachment"));

    // WebDAV reads from the bucket too (ranges through seeks), and writes into it.
    let secret =
        hub::service::app_password::create(hub.ctx(), chans[0].channel_account_id, "s3 test")
            .await
            .expect("an app password");
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("alice:{secret}"))
    );
    let dav = |method: &'static str,
               path: &'static str,
               extra: Vec<(&'static str, String)>,
               body: Vec<u8>| {
        let (b, auth) = (hub.browser(), auth.clone());
        async move {
            let mut h: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            h.push(("Authorization", &auth));
            b.request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                path,
                &h,
                body,
            )
            .await
        }
    };
    let got = dav("GET", "/dav/alice/notes.txt", vec![], vec![]).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body.as_bytes(), &notes[..]);
    let with_auth = [("Authorization", auth.as_str())];
    let (status, all) = fetch(hub, Method::GET, "/dav/alice/big.bin", &with_auth).await;
    assert_eq!(status, 200);
    assert_eq!(sha256(&all), big_hash);
    let (status, mid) = fetch(
        hub,
        Method::GET,
        "/dav/alice/big.bin",
        &[("Authorization", auth.as_str()), ("Range", &range)],
    )
    .await;
    assert_eq!(status, 206);
    assert_eq!(mid, &big[a..=b]);
    let put = dav(
        "PUT",
        "/dav/alice/dav.txt",
        vec![],
        b"written over WebDAV".to_vec(),
    )
    .await;
    assert!(
        put.status == 201 || put.status == 204,
        "PUT: {}",
        put.status
    );
    assert!(
        objects(hub)
            .await
            .contains(&key(&sha256(b"written over WebDAV")))
    );
    let got = dav("GET", "/dav/alice/dav.txt", vec![], vec![]).await;
    assert_eq!(got.body, "written over WebDAV");
    assert_eq!(objects(hub).await.len(), 3);

    // A body cut off half way: nothing listed, no object, no temporary file.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let page = alice.get("/cloud/alice").await;
        let csrf = csrf_of(&page.body).unwrap();
        let cut: Vec<u8> = vec![9u8; 600 * 1024];
        let full = multipart(&[("csrf", &csrf), ("folder", "")], ("cut.bin", &cut));
        let mut s = tokio::net::TcpStream::connect(hub.addr).await.unwrap();
        let head = format!(
            "POST /cloud/alice/upload HTTP/1.1\r\nHost: alpha.test\r\nContent-Type: {}\r\n\
             Content-Length: {}\r\nCookie: {}\r\n\r\n",
            ctype(),
            full.len(),
            alice.cookie_header()
        );
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(&full[..full.len() / 2]).await.unwrap();
        s.shutdown().await.unwrap();
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut answer)).await;
        assert!(!alice.get("/cloud/alice").await.has("cut.bin"));
        assert!(!objects(hub).await.contains(&key(&sha256(&cut))));
        assert_eq!(objects(hub).await.len(), 3);
        nothing_on_disk(hub);
    }

    // An object goes once no file uses it: not with the first of two equal files.
    assert_eq!(
        dav("DELETE", "/dav/alice/copy.txt", vec![], vec![])
            .await
            .status,
        204
    );
    assert!(objects(hub).await.contains(&key(&notes_hash)));
    assert_eq!(anon.get(&file).await.status, 200);
    assert_eq!(
        dav("DELETE", "/dav/alice/notes.txt", vec![], vec![])
            .await
            .status,
        204
    );
    assert!(!objects(hub).await.contains(&key(&notes_hash)));
    assert_eq!(anon.get(&file).await.status, 404);
    assert_eq!(
        dav("DELETE", "/dav/alice/big.bin", vec![], vec![])
            .await
            .status,
        204
    );
    assert_eq!(
        objects(hub).await,
        vec![key(&sha256(b"written over WebDAV"))]
    );

    net.stop().await;
    moto.stop().await;
}
