//! Scenario 3, inbound: signed, encrypted Zot deliveries per second accepted, verified,
//! decrypted and stored by one in-process hub (real clock) from many senders, on each database
//! backend, beside the raw RSA decrypt + verify rate measured in the same run.
//!
//! Measuring choices:
//! - The senders are fake remote hubs (`receiver.rs`), one channel each, discoverable as any
//!   hub: the hub's channel connects to each of them before timing (discovery fetches and
//!   verifies their signed channel info; the connection grants them `send_stream`).
//! - Every message is a new public post (a `Create` of a `Note` with its own id), JSalmon
//!   signed by its sender, the envelope encrypted for the hub's site key (`aes256ctr.oaep`)
//!   and HTTP-signed by the sender (rsa-sha512 over `x-zot-token digest content-type
//!   (request-target)`, as hubs send). All bodies and signatures are built before timing: the
//!   senders' RSA signing would otherwise take the cores the hub is measured on.
//! - Timed: 16 requests in flight from one HTTP client until all are answered. Each answer
//!   must be HTTP 200 (the hub only answers 200 once the delivery went through); afterwards a
//!   sample of answers is decrypted and must report `posted`, and every message's item must be
//!   stored for the channel.
//! - The hub serves on as many HTTP workers as the machine has cores, so the ceiling is the
//!   raw per-message crypto on every core: decrypting the envelope (its key and IV are each
//!   RSA-OAEP encrypted, so two RSA-4096 private operations) plus verifying the HTTP signature,
//!   over the same prebuilt messages. The one-thread rate is in the note.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use zot::keys::{PublicKey, RsaKeypair};
use zot::message::{Envelope, MessageType, ZotResponse};

use crate::Opts;
use crate::fanout::bounded;
use crate::hubs::{Backend, BenchNet, HubResultExt};
use crate::receiver::{FakeChannel, FakeHubs, cores, key_pool};
use crate::report::{Figure, number};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
/// Sampled answers: message index and body.
type Answers = Arc<std::sync::Mutex<Vec<(usize, Vec<u8>)>>>;
/// Requests in flight.
const IN_FLIGHT: usize = 16;

/// Runs the scenario.
pub async fn run(opts: &Opts) -> Result<Vec<Figure>> {
    let (senders, messages) = if opts.smoke { (8, 50) } else { (32, 2000) };
    let keys = key_pool(if opts.smoke { 2 } else { 8 })?;
    let mut figures = Vec::new();
    for backend in &opts.backends {
        figures.push(
            inbound(backend, &keys, senders, messages, opts.smoke)
                .await
                .with_context(|| format!("inbound on {}", backend.name()))?,
        );
    }
    Ok(figures)
}

/// One prebuilt delivery.
struct Message {
    sender: usize,
    mid: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn build_message(
    c: &FakeChannel,
    sender: usize,
    j: usize,
    hub_site: &PublicKey,
) -> Result<Message> {
    let z = |e: zot::Error| anyhow::anyhow!("{e}");
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let stamp = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
    let mid = format!("{}/item/bench-{j}-{stamp:x}", c.site_url);
    let text = format!("Inbound benchmark post {j} from {}.", c.nick);
    let activity = serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create",
        "id": format!("{mid}#create"),
        "actor": c.channel_url,
        "published": now,
        "object": {
            "type": "Note",
            "id": mid,
            "published": now,
            "updated": now,
            "attributedTo": c.channel_url,
            "content": format!("<p>{text}</p>"),
            "source": {"content": text, "mediaType": "text/markdown"},
            "to": [PUBLIC],
        },
        "to": [PUBLIC],
    });
    let salmon = zot::salmon::JSalmon::sign(&activity, &c.key, &c.channel_url).map_err(z)?;
    let env = Envelope::new(MessageType::Activity, &c.hash, &c.site_id)
        .with_data("activitystreams", serde_json::to_value(&salmon)?);
    let enc = zot::crypt::encrypt(&serde_json::to_vec(&env)?, hub_site).map_err(z)?;
    let body = serde_json::to_vec(&enc)?;
    let mut headers = vec![
        ("x-zot-token".to_string(), format!("bench{j}x{stamp:x}")),
        (
            "content-type".to_string(),
            "application/x-zot+json".to_string(),
        ),
        ("accept".to_string(), "application/x-zot+json".to_string()),
        ("digest".to_string(), zot::httpsig::digest_header(&body)),
    ];
    let msg = zot::httpsig::Message {
        method: "post",
        path_and_query: "/zot",
        headers: &headers,
    };
    let signature = zot::httpsig::sign(
        &msg,
        &c.key,
        &c.channel_url,
        zot::httpsig::Algorithm::RsaSha512,
        &["x-zot-token", "digest", "content-type", "(request-target)"],
    )
    .map_err(z)?;
    headers.push(("signature".to_string(), signature));
    Ok(Message {
        sender,
        mid,
        headers,
        body,
    })
}

/// Builds `m` messages round-robin over the senders, on every core.
fn build_messages(senders: &FakeHubs, m: usize, hub_site: &PublicKey) -> Result<Vec<Message>> {
    let threads = cores();
    let s = senders.channels.len();
    let parts: Vec<Result<Vec<(usize, Message)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..m)
                        .step_by(threads)
                        .map(|j| {
                            build_message(&senders.channels[j % s], j % s, j, hub_site)
                                .map(|msg| (j, msg))
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
    for p in parts {
        all.extend(p?);
    }
    all.sort_by_key(|(j, _)| *j);
    Ok(all.into_iter().map(|(_, m)| m).collect())
}

/// What the hub's crypto costs per message, with nothing else: decrypt the envelope with the
/// site key and verify the HTTP signature with the sender's key, cycling over `messages` on
/// `threads` threads for about `time`. Messages per second.
fn raw_rate(
    messages: &[Message],
    keys: &[PublicKey],
    site: &RsaKeypair,
    threads: usize,
    time: Duration,
) -> Result<f64> {
    let started = Instant::now();
    let counts: Vec<Result<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let z = |e: zot::Error| anyhow::anyhow!("{e}");
                    let mut n = 0;
                    let mut j = t;
                    while started.elapsed() < time {
                        let m = &messages[j % messages.len()];
                        let value = &m
                            .headers
                            .iter()
                            .find(|(k, _)| k == "signature")
                            .context("signature")?
                            .1;
                        let zot::httpsig::ParsedHeader::Plain(sig) =
                            zot::httpsig::parse_header(value).map_err(z)?
                        else {
                            bail!("unexpected encrypted header");
                        };
                        let msg = zot::httpsig::Message {
                            method: "post",
                            path_and_query: "/zot",
                            headers: &m.headers,
                        };
                        zot::httpsig::verify(&msg, &sig, &keys[m.sender], Some(&m.body), 0)
                            .map_err(z)?;
                        let enc = zot::crypt::Encrypted::from_json(&m.body)
                            .map_err(z)?
                            .context("not encrypted")?;
                        zot::crypt::decrypt(&enc, site).map_err(z)?;
                        n += 1;
                        j += threads;
                    }
                    Ok(n)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| bail!("raw thread panicked")))
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let mut total = 0;
    for c in counts {
        total += c?;
    }
    Ok(total as f64 / secs)
}

async fn inbound(
    backend: &Backend,
    keys: &[Arc<RsaKeypair>],
    s: usize,
    m: usize,
    smoke: bool,
) -> Result<Figure> {
    let setup_started = Instant::now();
    let workers = cores();
    let net = BenchNet::start(&["home"], backend, |c| {
        c.workers = workers;
        c.pool_size = 8;
    })
    .await?;
    let hub = net.hub("home");
    let ctx = hub.ctx().clone();
    let account = hub::service::account::create_verified(
        &ctx,
        "home@bench.example",
        "bench-password-1",
        false,
    )
    .await
    .hub("create account")?;
    let home = hub::service::channel::create(&ctx, account, "home", "Home", "public")
        .await
        .hub("create channel")?;
    let senders = FakeHubs::start("s", s, keys, &net.resolver).await?;
    let urls: Arc<Vec<String>> = Arc::new(
        senders
            .channels
            .iter()
            .map(|c| c.channel_url.clone())
            .collect(),
    );
    // One connection at a time: concurrent connects of one channel on PostgreSQL collide on
    // its sync changelog's sequence number ("changelog_uid_origin_seq_key"), a hub race.
    {
        let (ctx, home, urls) = (ctx.clone(), home.clone(), urls.clone());
        tokio::time::timeout(
            Duration::from_secs(300),
            bounded(s, 1, move |i| {
                let (ctx, home, url) = (ctx.clone(), home.clone(), urls[i].clone());
                async move {
                    hub::service::connection::connect(&ctx, &home, &url, "public")
                        .await
                        .hub(&format!("connect to {url}"))?;
                    Ok(())
                }
            }),
        )
        .await
        .context("connecting took over 300 s")??;
    }
    tokio::time::timeout(Duration::from_secs(300), net.drain())
        .await
        .context("delivering the setup refreshes took over 300 s")??;
    let site_pub = ctx
        .site
        .keypair
        .public_key()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let messages = build_messages(&senders, m, &site_pub)?;
    let sender_keys: Vec<PublicKey> = senders
        .channels
        .iter()
        .map(|c| c.key.public_key().map_err(|e| anyhow::anyhow!("{e}")))
        .collect::<Result<_>>()?;
    let raw_time = Duration::from_millis(if smoke { 500 } else { 2000 });
    // The machine is shared and noisy: the ceiling is the mean of a measurement just before
    // and one just after the timed part.
    let raw_before = raw_rate(
        &messages,
        &sender_keys,
        &ctx.site.keypair,
        cores(),
        raw_time,
    )?;
    let setup = setup_started.elapsed();

    let client = reqwest::Client::builder()
        .dns_resolver(net.resolver.clone())
        .pool_max_idle_per_host(IN_FLIGHT)
        .timeout(Duration::from_secs(120))
        .build()?;
    let url = format!("{}/zot", hub.base_url);
    let messages = Arc::new(messages);
    let next = Arc::new(AtomicUsize::new(0));
    let answers: Answers = Arc::default();
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT.min(m) {
        let (client, url, messages, next, answers) = (
            client.clone(),
            url.clone(),
            messages.clone(),
            next.clone(),
            answers.clone(),
        );
        set.spawn(async move {
            loop {
                let j = next.fetch_add(1, Ordering::SeqCst);
                let Some(msg) = messages.get(j) else {
                    return Ok::<(), anyhow::Error>(());
                };
                let mut req = client.post(&url).body(msg.body.clone());
                for (k, v) in &msg.headers {
                    req = req.header(k, v);
                }
                let resp = req.send().await.with_context(|| format!("message {j}"))?;
                let status = resp.status();
                let body = resp.bytes().await?.to_vec();
                if !status.is_success() {
                    bail!(
                        "message {j}: HTTP {status}: {}",
                        String::from_utf8_lossy(&body)
                    );
                }
                if j < 8 {
                    answers.lock().unwrap().push((j, body));
                }
            }
        });
    }
    let deadline = Duration::from_secs(600);
    let joined = tokio::time::timeout(deadline, async {
        while let Some(r) = set.join_next().await {
            r.context("a sender task panicked")??;
        }
        Ok::<(), anyhow::Error>(())
    })
    .await;
    let elapsed = started.elapsed();
    match joined {
        Ok(r) => r?,
        Err(_) => bail!("the deliveries were not all answered within {deadline:?}"),
    }
    let raw_after = raw_rate(
        &messages,
        &sender_keys,
        &ctx.site.keypair,
        cores(),
        raw_time,
    )?;
    let raw_one = raw_rate(&messages, &sender_keys, &ctx.site.keypair, 1, raw_time)?;
    let raw_all = (raw_before + raw_after) / 2.0;

    // Afterwards: sampled answers say "posted", and every message's item is stored.
    for (j, body) in answers.lock().unwrap().iter() {
        let c = &senders.channels[messages[*j].sender];
        let plain =
            match zot::crypt::Encrypted::from_json(body).map_err(|e| anyhow::anyhow!("{e}"))? {
                Some(enc) => {
                    zot::crypt::decrypt(&enc, &c.site_key).map_err(|e| anyhow::anyhow!("{e}"))?
                }
                None => body.clone(),
            };
        let resp = ZotResponse::from_json(&plain).map_err(|e| anyhow::anyhow!("{e}"))?;
        let statuses: Vec<String> = resp.reports().iter().map(|r| r.status.clone()).collect();
        if !resp.success || statuses.iter().all(|s| s != "posted") {
            bail!(
                "message {j} answered {statuses:?} (success {})",
                resp.success
            );
        }
    }
    let uid = home.channel_id;
    let mids: Vec<String> = messages.iter().map(|m| m.mid.clone()).collect();
    let stored = ctx
        .db
        .run(move |c| {
            let mut n = 0usize;
            for mid in &mids {
                if hub::store::item::find_by_uid_mid(c, uid, mid)?.is_some() {
                    n += 1;
                }
            }
            Ok(n)
        })
        .await
        .hub("count stored items")?;
    if stored != m {
        bail!("{stored} of {m} delivered posts are stored");
    }
    senders.stop().await;
    net.stop().await;

    let rate = m as f64 / elapsed.as_secs_f64();
    let met = rate >= 0.5 * raw_all;
    Ok(Figure::new(
        "inbound",
        &format!("encrypted deliveries accepted ({})", backend.name()),
        rate,
        "deliveries/s",
    )
    .against(
        &format!("raw RSA decrypt + verify, {} threads", cores()),
        raw_all,
    )
    .target("≥ 50 % of the raw decrypt + verify rate", met)
    .note(format!(
        "{m} public posts from {s} senders, {IN_FLIGHT} in flight, in {:.2} s; {} backend, \
         {workers} HTTP workers; all answered 200 and stored; bodies and signatures built \
         before timing; raw before/after {}/{} msg/s, on 1 thread {} msg/s; senders share {} \
         RSA-4096 keys; setup {:.1} s",
        elapsed.as_secs_f64(),
        backend.name(),
        number(raw_before),
        number(raw_after),
        number(raw_one),
        keys.len(),
        setup.as_secs_f64(),
    )))
}
