//! Scenario 2, fan-out: one public post of a channel on an in-process hub (real clock, SQLite)
//! delivered to N remote hubs end to end through the real delivery queue, beside the raw
//! RSA-4096 signing rate measured in the same run. The receivers are the lightweight fake hubs
//! of `receiver.rs`: each verifies the HTTP signature (and Digest) with the sender's key,
//! decrypts when the body is encrypted and checks the activity's JSalmon before counting it.
//!
//! Measuring choices:
//! - Connections are made the honest way, before timing: the channel connects to each
//!   receiver's channel URL through the connection service (discovery fetches and verifies
//!   the receiver's signed channel info), and the `refresh` each connection queues is delivered
//!   by the queue while the receivers are not yet counting.
//! - Timed: `item::post` of one public post, then `BenchNet::drain()` (the real queue code,
//!   `hub::queue::run_due`, round after round, no timer) until the queue is quiet, then the
//!   wait until every receiver has verified its copy (a `Notify`, bounded by a timeout).
//!   deliveries/s = N / elapsed.
//! - The queue signs each delivery when it sends it (RSA-4096, rsa-sha512 over
//!   `x-zot-token digest content-type (request-target)`), within one task: destinations are
//!   delivered concurrently but the signing runs on one core. So the raw rate it is compared
//!   with is the same signature over the same kind of signing string, on one thread, with the
//!   sender's own key, measured just before and just after the timed part (their mean is the
//!   figure; the rate on every core is given in the note).
//! - Public posts travel unencrypted (as Hubzilla sends them): the receivers' decrypt step
//!   only runs for encrypted bodies (the setup refreshes are, but are not verified).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hub::service::perms::Audience;

use crate::Opts;
use crate::hubs::{Backend, BenchNet, HubResultExt};
use crate::receiver::{FakeHubs, cores, key_pool};
use crate::report::{Figure, number};

/// Connections made at once during setup.
pub const SETUP_WIDTH: usize = 2;

/// Runs the scenario.
pub async fn run(opts: &Opts) -> Result<Vec<Figure>> {
    let sizes: &[usize] = if opts.smoke { &[10] } else { &[100, 1000] };
    // Fan-out is bound by signing, not by the database: SQLite only.
    let backend = Backend::Sqlite;
    let keys = key_pool(if opts.smoke { 2 } else { 8 })?;
    let mut figures = Vec::new();
    for &n in sizes {
        let before = crate::hubs::own_rss_mb();
        figures.push(
            fan_out(n, &backend, &keys, opts.smoke)
                .await
                .with_context(|| format!("fan-out to {n}"))?,
        );
        let peak = crate::hubs::proc_status_kb(std::process::id(), "VmHWM:") as f64 / 1024.0;
        figures.push(
            Figure::new(
                "size",
                &format!("resident memory during the fan-out to {n}"),
                peak,
                "MB",
            )
            .note(format!(
                "peak (VmHWM) of the bench process: the sending hub, its queue and the {n} \
                     fake receivers share it (so this bounds the hub's own); {before:.1} MB before"
            )),
        );
    }
    Ok(figures)
}

/// RSA-4096 signatures per second of a delivery's signing string with `key`, on `threads`
/// threads, for about `time`.
pub fn signing_rate(key: &zot::keys::RsaKeypair, threads: usize, time: Duration) -> Result<f64> {
    let headers = vec![
        ("x-zot-token".to_string(), uuid_like()),
        (
            "content-type".to_string(),
            "application/x-zot+json".to_string(),
        ),
        ("accept".to_string(), "application/x-zot+json".to_string()),
        ("host".to_string(), "r0.bench:40000".to_string()),
        ("date".to_string(), httpdate_now()),
        (
            "digest".to_string(),
            zot::httpsig::digest_header(b"{\"type\":\"activity\"}"),
        ),
    ];
    let msg = zot::httpsig::Message {
        method: "post",
        path_and_query: "/zot",
        headers: &headers,
    };
    let key_id = "http://alpha.bench:40000/channel/alice";
    let names = ["x-zot-token", "digest", "content-type", "(request-target)"];
    let started = Instant::now();
    let counts: Vec<Result<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut n = 0;
                    while started.elapsed() < time {
                        zot::httpsig::sign(
                            &msg,
                            key,
                            key_id,
                            zot::httpsig::Algorithm::RsaSha512,
                            &names,
                        )
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                        n += 1;
                    }
                    Ok(n)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| bail!("signing thread panicked"))
            })
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let mut total = 0;
    for c in counts {
        total += c?;
    }
    Ok(total as f64 / secs)
}

fn uuid_like() -> String {
    format!(
        "{:032x}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )
}

fn httpdate_now() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Runs `f(i)` for `0..n` with at most `width` in flight, stopping at the first error.
pub async fn bounded<F, Fut>(n: usize, width: usize, f: F) -> Result<()>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<()>> + Send + 'static,
{
    let f = std::sync::Arc::new(f);
    let mut set = tokio::task::JoinSet::new();
    for t in 0..width.min(n) {
        let f = f.clone();
        set.spawn(async move {
            for i in (t..n).step_by(width) {
                f(i).await?;
            }
            Ok::<(), anyhow::Error>(())
        });
    }
    while let Some(r) = set.join_next().await {
        r.context("a task panicked")??;
    }
    Ok(())
}

async fn fan_out(
    n: usize,
    backend: &Backend,
    keys: &[std::sync::Arc<zot::keys::RsaKeypair>],
    smoke: bool,
) -> Result<Figure> {
    let setup_started = Instant::now();
    let net = BenchNet::start(&["alpha"], backend, |c| {
        c.pool_size = 8;
        c.limits.posts_per_hour = 1_000_000;
    })
    .await?;
    let hub = net.hub("alpha");
    let ctx = hub.ctx().clone();
    let account = hub::service::account::create_verified(
        &ctx,
        "alice@bench.example",
        "bench-password-1",
        false,
    )
    .await
    .hub("create account")?;
    let alice = hub::service::channel::create(&ctx, account, "alice", "Alice", "public")
        .await
        .hub("create channel")?;
    let receivers = FakeHubs::start("r", n, keys, &net.resolver).await?;
    // Connect to every receiver (discovery of its signed channel info, the connection, the
    // queued refresh), two at a time: eight at once made SQLite writers wait past the hub's
    // 10 s busy_timeout ("database is locked") around the 700th connection.
    let urls: Vec<String> = receivers
        .channels
        .iter()
        .map(|c| c.channel_url.clone())
        .collect();
    let urls = std::sync::Arc::new(urls);
    {
        let (ctx, alice, urls) = (ctx.clone(), alice.clone(), urls.clone());
        tokio::time::timeout(
            Duration::from_secs(600),
            bounded(n, SETUP_WIDTH, move |i| {
                let (ctx, alice, url) = (ctx.clone(), alice.clone(), urls[i].clone());
                async move {
                    hub::service::connection::connect(&ctx, &alice, &url, "public")
                        .await
                        .hub(&format!("connect to {url}"))?;
                    Ok(())
                }
            }),
        )
        .await
        .context("connecting took over 600 s")??;
    }
    tokio::time::timeout(Duration::from_secs(600), net.drain())
        .await
        .context("delivering the setup refreshes took over 600 s")??;
    let id = alice.channel_id;
    let row = ctx
        .db
        .run(move |c| hub::store::channel::find(c, id))
        .await
        .hub("read channel")?
        .context("channel row")?;
    let key = zot::keys::RsaKeypair::from_private_pem(&row.channel_prvkey)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let public =
        zot::keys::PublicKey::from_pem(&row.channel_pubkey).map_err(|e| anyhow::anyhow!("{e}"))?;
    let key_id = ctx.uris.channel(&alice.channel_address);
    let setup = setup_started.elapsed();
    let raw_time = Duration::from_millis(if smoke { 500 } else { 2000 });
    let raw_before = signing_rate(&key, 1, raw_time)?;

    receivers.arm(&key_id, public);
    let started = Instant::now();
    hub::service::item::post(
        &ctx,
        &alice,
        "Fan-out benchmark: one public post.",
        Audience::Public,
    )
    .await
    .hub("post")?;
    let attempted = tokio::time::timeout(Duration::from_secs(600), net.drain())
        .await
        .context("the queue was not quiet after 600 s")??;
    receivers.wait_all(Duration::from_secs(60)).await?;
    let elapsed = started.elapsed();

    let raw_after = signing_rate(&key, 1, raw_time)?;
    let raw_all = signing_rate(&key, cores(), raw_time)?;
    if attempted < n {
        bail!("the queue attempted {attempted} messages for {n} receivers");
    }
    let raw = (raw_before + raw_after) / 2.0;
    let rate = n as f64 / elapsed.as_secs_f64();
    receivers.stop().await;
    net.stop().await;
    let met = rate >= 0.8 * raw;
    Ok(Figure::new(
        "fanout",
        &format!("one public post to {n} hubs"),
        rate,
        "deliveries/s",
    )
    .against("raw RSA-4096 signing, 1 thread", raw)
    .target("≥ 80 % of the raw signing rate", met)
    .note(format!(
        "{n} deliveries in {:.2} s via BenchNet::drain() (hub::queue::run_due; queue worker off), \
             {} backend; every copy's signature, Digest and JSalmon verified by its receiver; \
             raw before/after {}/{} sig/s, on {} cores {} sig/s; receivers share {} RSA-4096 keys; \
             setup (keys excluded) {:.1} s",
        elapsed.as_secs_f64(),
        backend.name(),
        number(raw_before),
        number(raw_after),
        cores(),
        number(raw_all),
        keys.len(),
        setup.as_secs_f64(),
    )))
}
