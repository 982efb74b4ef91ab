//! Fake remote hubs for the federation scenarios (fan-out, inbound): one actix-web server on
//! 127.0.0.1 serving many hubs by host name (`{prefix}{i}.bench`, resolved to loopback by the
//! `BenchNet` resolver; the port comes from the URL), each with one channel. Each hub serves
//! its signed channel info (`/channel/{nick}`, GET or POST, as Hubzilla and our hub serve it:
//! `id_sig`, a signed location, a signed site block, the answer signed over
//! `content-type digest (request-target)`), built and signed once before any timing, and
//! accepts `POST /zot`. Once armed, every delivery is checked as a real receiver checks it: the
//! HTTP signature by the expected sender with its public key, the signed Digest against the
//! body, decryption with the hub's site key when the body is encrypted, the envelope, and the
//! JSalmon signature of the activity; arrivals are counted per hub and waited for with a
//! `Notify` (no polling). Before arming (setup: the `refresh` messages a connection sends) it
//! answers success without work.
//!
//! Keys: generating RSA-4096 keys is slow, so the hubs share a small pool (channel key and site
//! key are different members of it). The hub under test does not care: portable ids and site
//! ids hash the guid or URL with the key, so every channel and site stays distinct.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::{Context, Result, bail};
use hub_tests::net::Resolver;
use zot::discovery::{Location, SiteInfo, ZotInfo};
use zot::keys::{PublicKey, RsaKeypair};
use zot::message::{Envelope, MessageType, ZotResponse};

const ZOT_JSON: &str = "application/x-zot+json";

/// `n` new RSA-4096 keys, generated on every core.
pub fn key_pool(n: usize) -> Result<Vec<Arc<RsaKeypair>>> {
    let threads = cores().min(n.max(1));
    let made: Vec<Result<Vec<RsaKeypair>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..n)
                        .step_by(threads)
                        .map(|_| RsaKeypair::generate().map_err(|e| anyhow::anyhow!("{e}")))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("key thread panicked")))
            .collect()
    });
    let mut out = Vec::new();
    for keys in made {
        out.extend(keys?.into_iter().map(Arc::new));
    }
    Ok(out)
}

/// The machine's cores.
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// One fake hub with its one channel.
pub struct FakeChannel {
    pub nick: String,
    /// `host:port`.
    pub authority: String,
    /// `http://host:port`.
    pub site_url: String,
    /// `http://host:port/channel/nick` (the keyId it signs with).
    pub channel_url: String,
    /// Portable id.
    pub hash: String,
    pub site_id: String,
    pub key: Arc<RsaKeypair>,
    pub site_key: Arc<RsaKeypair>,
    /// The signed channel info answer: body, Digest, Signature.
    info: (Vec<u8>, String, String),
}

impl FakeChannel {
    fn build(
        prefix: &str,
        i: usize,
        port: u16,
        key: Arc<RsaKeypair>,
        site_key: Arc<RsaKeypair>,
    ) -> Result<Self> {
        let nick = format!("{prefix}{i}");
        let authority = format!("{prefix}{i}.bench:{port}");
        let site_url = format!("http://{authority}");
        let channel_url = format!("{site_url}/channel/{nick}");
        let guid = zot::id::new_guid(&site_url, &nick);
        let z = |e: zot::Error| anyhow::anyhow!("{e}");
        let mut site_extra = serde_json::Map::new();
        site_extra.insert("project".into(), "caravan-bench".into());
        site_extra.insert("version".into(), "0".into());
        site_extra.insert("directory_mode".into(), "standalone".into());
        let site = SiteInfo::build(&site_url, &site_key, site_extra).map_err(z)?;
        let loc =
            Location::build(&nick, &authority, &site_url, &site.sitekey, true, &key).map_err(z)?;
        let mut extra = serde_json::Map::new();
        extra.insert("username".into(), nick.clone().into());
        extra.insert("name".into(), format!("Bench {nick}").into());
        extra.insert("searchable".into(), false.into());
        extra.insert("protocols".into(), serde_json::json!(["zot6"]));
        extra.insert("permissions".into(), "".into());
        let info = ZotInfo::build(&guid, &key, vec![loc], site, extra).map_err(z)?;
        let body = serde_json::to_vec(&info)?;
        let digest = zot::httpsig::digest_header(&body);
        let headers = vec![
            ("content-type".to_string(), ZOT_JSON.to_string()),
            ("digest".to_string(), digest.clone()),
        ];
        // Our hub fetches channel info with POST (as Hubzilla's Zotfinger does) and checks the
        // answer's `(request-target)` against `post`, then `get`: sign for `post`.
        let path = format!("/channel/{nick}");
        let msg = zot::httpsig::Message {
            method: "post",
            path_and_query: &path,
            headers: &headers,
        };
        let signature = zot::httpsig::sign(
            &msg,
            &key,
            &channel_url,
            zot::httpsig::Algorithm::RsaSha256,
            &["content-type", "digest", "(request-target)"],
        )
        .map_err(z)?;
        Ok(Self {
            hash: zot::id::portable_id(&guid, &key.public_pem()),
            site_id: zot::id::site_id(&site_url, &site_key.public_pem()),
            nick,
            authority,
            site_url,
            channel_url,
            key,
            site_key,
            info: (body, digest, signature),
        })
    }
}

/// What the handlers share.
struct State {
    channels: Vec<Arc<FakeChannel>>,
    by_authority: HashMap<String, usize>,
    armed: AtomicBool,
    /// The sender every armed delivery must be signed by: keyId and key.
    sender: Mutex<Option<(String, PublicKey)>>,
    /// Per hub: whether its copy arrived (verified and decrypted).
    arrived: Vec<AtomicBool>,
    count: AtomicUsize,
    failures: Mutex<Vec<String>>,
    progress: tokio::sync::Notify,
}

/// Many fake hubs behind one server.
pub struct FakeHubs {
    pub channels: Vec<Arc<FakeChannel>>,
    state: Arc<State>,
    handle: actix_web::dev::ServerHandle,
}

impl FakeHubs {
    /// Builds `n` hubs named `{prefix}{i}.bench` (channel info signed now, on every core),
    /// registers their names with `resolver` and starts serving them.
    pub async fn start(
        prefix: &str,
        n: usize,
        keys: &[Arc<RsaKeypair>],
        resolver: &Resolver,
    ) -> Result<Self> {
        if keys.len() < 2 {
            bail!("the key pool needs at least two keys");
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let threads = cores().min(n.max(1));
        let built: Vec<Result<Vec<(usize, FakeChannel)>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    s.spawn(move || {
                        (t..n)
                            .step_by(threads)
                            .map(|i| {
                                let key = keys[i % keys.len()].clone();
                                let site_key = keys[(i + 1) % keys.len()].clone();
                                FakeChannel::build(prefix, i, port, key, site_key).map(|c| (i, c))
                            })
                            .collect::<Result<Vec<_>>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| bail!("build thread panicked")))
                .collect()
        });
        let mut all = Vec::new();
        for part in built {
            all.extend(part?);
        }
        all.sort_by_key(|(i, _)| *i);
        let channels: Vec<Arc<FakeChannel>> = all.into_iter().map(|(_, c)| Arc::new(c)).collect();
        let mut by_authority = HashMap::new();
        for (i, c) in channels.iter().enumerate() {
            resolver.add(&format!("{prefix}{i}.bench"));
            by_authority.insert(c.authority.clone(), i);
        }
        let state = Arc::new(State {
            arrived: (0..channels.len())
                .map(|_| AtomicBool::new(false))
                .collect(),
            channels: channels.clone(),
            by_authority,
            armed: AtomicBool::new(false),
            sender: Mutex::new(None),
            count: AtomicUsize::new(0),
            failures: Mutex::new(Vec::new()),
            progress: tokio::sync::Notify::new(),
        });
        let s2 = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::from(s2.clone()))
                .app_data(web::PayloadConfig::new(16 * 1024 * 1024))
                .route("/channel/{nick}", web::route().to(channel_info))
                .route("/zot", web::post().to(zot_post))
        })
        .listen(listener)
        .context("listen")?
        // Two workers: verifying is CPU work, done on the handler's thread.
        .workers(cores())
        .disable_signals()
        .shutdown_timeout(1)
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self {
            channels,
            state,
            handle,
        })
    }

    /// From now on every delivery is verified as signed by `key_id` with `key`, decrypted and
    /// counted; the counts start at zero.
    pub fn arm(&self, key_id: &str, key: PublicKey) {
        *self.state.sender.lock().unwrap() = Some((key_id.to_string(), key));
        for a in &self.state.arrived {
            a.store(false, Ordering::SeqCst);
        }
        self.state.count.store(0, Ordering::SeqCst);
        self.state.failures.lock().unwrap().clear();
        self.state.armed.store(true, Ordering::SeqCst);
    }

    /// Hubs whose copy arrived since arming.
    pub fn arrived(&self) -> usize {
        self.state.count.load(Ordering::SeqCst)
    }

    /// Waits until every hub has its copy; fails on the first refused delivery or after
    /// `timeout`.
    pub async fn wait_all(&self, timeout: Duration) -> Result<()> {
        let want = self.channels.len();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.state.progress.notified();
            if let Some(f) = self.state.failures.lock().unwrap().first() {
                bail!("a receiver refused a delivery: {f}");
            }
            if self.arrived() >= want {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                bail!(
                    "only {} of {want} receivers had their copy after {timeout:?}",
                    self.arrived()
                );
            }
        }
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

fn authority_of(req: &HttpRequest) -> String {
    req.headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

async fn channel_info(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let Some(&i) = state.by_authority.get(&authority_of(&req)) else {
        return HttpResponse::NotFound().finish();
    };
    let c = &state.channels[i];
    if req.match_info().get("nick") != Some(c.nick.as_str()) {
        return HttpResponse::NotFound().finish();
    }
    let (body, digest, signature) = &c.info;
    HttpResponse::Ok()
        .content_type(ZOT_JSON)
        .insert_header(("Digest", digest.clone()))
        .insert_header(("Signature", signature.clone()))
        .body(body.clone())
}

fn ok() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ZOT_JSON)
        .body(serde_json::to_vec(&ZotResponse::ok()).unwrap_or_default())
}

async fn zot_post(state: web::Data<State>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    if !state.armed.load(Ordering::SeqCst) {
        return ok();
    }
    let Some(&i) = state.by_authority.get(&authority_of(&req)) else {
        return HttpResponse::NotFound().finish();
    };
    match check(&state, &state.channels[i], &req, &body) {
        Ok(()) => {
            if !state.arrived[i].swap(true, Ordering::SeqCst) {
                state.count.fetch_add(1, Ordering::SeqCst);
            }
            state.progress.notify_waiters();
            ok()
        }
        Err(e) => {
            state
                .failures
                .lock()
                .unwrap()
                .push(format!("{}: {e:#}", state.channels[i].authority));
            state.progress.notify_waiters();
            HttpResponse::BadRequest().content_type(ZOT_JSON).body(
                serde_json::to_vec(&ZotResponse::failure(&format!("{e}"))).unwrap_or_default(),
            )
        }
    }
}

/// Everything a receiving hub checks before it believes a delivery.
fn check(state: &State, c: &FakeChannel, req: &HttpRequest, body: &[u8]) -> Result<()> {
    let z = |e: zot::Error| anyhow::anyhow!("{e}");
    let (key_id, key) = state
        .sender
        .lock()
        .unwrap()
        .clone()
        .context("no sender armed")?;
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let raw = req
        .headers()
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .context("no Signature header")?;
    let sig = match zot::httpsig::parse_header(raw).map_err(z)? {
        zot::httpsig::ParsedHeader::Plain(h) => h,
        enc => zot::httpsig::decrypt_header(enc, &c.site_key).map_err(z)?,
    };
    if sig.key_id != key_id {
        bail!("signed by {}, expected {key_id}", sig.key_id);
    }
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| req.path().to_string());
    let method = req.method().as_str().to_ascii_lowercase();
    let msg = zot::httpsig::Message {
        method: &method,
        path_and_query: &target,
        headers: &headers,
    };
    let now = chrono::Utc::now().timestamp();
    let verified = zot::httpsig::verify(&msg, &sig, &key, Some(body), now).map_err(z)?;
    if !verified.body_verified {
        bail!("the signature does not cover the body");
    }
    let plain = match zot::crypt::Encrypted::from_json(body).map_err(z)? {
        Some(enc) => zot::crypt::decrypt(&enc, &c.site_key).map_err(z)?,
        None => body.to_vec(),
    };
    let env = Envelope::from_json(&plain).map_err(z)?;
    if env.kind != MessageType::Activity {
        bail!("expected an activity, got {}", env.kind.as_str());
    }
    let doc = env.salmon().map_err(z)?.verify(&key).map_err(z)?;
    if doc.get("type").and_then(|t| t.as_str()) != Some("Create") {
        bail!("expected a Create activity");
    }
    Ok(())
}
