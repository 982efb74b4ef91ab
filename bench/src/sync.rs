//! Scenario 4, clone sync (owned here): a channel on one in-process hub cloned to a second, both
//! with the real clock and their real delivery workers, on each database backend. Measures the
//! lag from a change on the primary to its application on the clone, the time a clone that was
//! down takes to catch up with the changes it missed, and the cost of `sync-status`
//! (`service::sync::compare`, what `hub channel sync-status` runs) on a channel with many items.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hub::clock::SystemClock;
use hub::service::channel::Channel;
use hub::service::perms::Audience;
use hub::{Deps, Hub, RunningHub};

use crate::Opts;
use crate::hubs::{Backend, BenchNet, HubResultExt};
use crate::report::Figure;

const PW: &str = "bench password 1234";

/// The sizes of one run.
struct Sizes {
    /// Changes whose lag is measured, one at a time.
    changes: usize,
    /// Changes made while the clone is down.
    missed: usize,
    /// Items of the channel whose sync-status is timed.
    items: usize,
    /// sync-status calls timed.
    calls: usize,
}

/// Runs the scenario on every backend.
pub async fn run(opts: &Opts) -> Result<Vec<Figure>> {
    let sizes = if opts.smoke {
        Sizes {
            changes: 20,
            missed: 200,
            items: 2_000,
            calls: 3,
        }
    } else {
        Sizes {
            changes: 1_000,
            missed: 10_000,
            items: 100_000,
            calls: 5,
        }
    };
    let mut figures = Vec::new();
    for backend in &opts.backends {
        figures.extend(
            run_on(backend, &sizes)
                .await
                .with_context(|| format!("on {}", backend.name()))?,
        );
    }
    Ok(figures)
}

/// The value at quantile `q` (0..=1) of sorted values (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Polls `check` every `every` until it is true; fails after `limit` (never hangs).
async fn until<F, Fut>(what: &str, every: Duration, limit: Duration, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let start = Instant::now();
    loop {
        if check().await? {
            return Ok(());
        }
        if start.elapsed() > limit {
            bail!("{what}: not within {} s", limit.as_secs());
        }
        tokio::time::sleep(every).await;
    }
}

/// The highest change number from `origin` a hub has applied for a channel (an indexed max on
/// the log's unique (uid, origin, seq): cheap enough to poll).
async fn seen(ctx: &hub::ctx::Ctx, uid: i64, origin: &str) -> Result<i64> {
    let o = origin.to_string();
    ctx.db
        .run(move |c| hub::store::changelog::last_seq(c, uid, &o))
        .await
        .hub("read the change log")
}

/// Messages waiting in a hub's delivery queue.
async fn waiting(ctx: &hub::ctx::Ctx) -> Result<i64> {
    Ok(hub::queue::status(ctx)
        .await
        .hub("queue status")?
        .iter()
        .map(|(_, depth, _)| depth)
        .sum())
}

async fn run_on(backend: &Backend, sizes: &Sizes) -> Result<Vec<Figure>> {
    let db = backend.name();
    let mut net = BenchNet::start(&["primary", "clone"], backend, |c| {
        // The real workers deliver, woken by each change (plus their 2 s rounds).
        c.federation.queue_worker = true;
        c.limits.posts_per_hour = 10_000_000;
    })
    .await?;
    let (alice, clone) = clone_channel(&net).await?;
    let (p, c) = (net.hub("primary"), net.hub("clone"));
    let origin = p.ctx().site.site_id.clone();
    let mut figures = Vec::new();

    // 1. Lag: one change at a time, from `post` returning on the primary until the clone's
    // change log holds it. Polled every millisecond (the clone's log, an indexed max), so a
    // figure is at most ~1 ms late; the clone's worker and the primary's are not involved
    // beyond the one delivery.
    let mut lags = Vec::with_capacity(sizes.changes);
    let mut template = String::new();
    let (cctx, cuid, o) = (c.ctx(), clone.channel_id, origin.as_str());
    for n in 0..sizes.changes {
        let item = hub::service::item::post(p.ctx(), &alice, &format!("lag {n}"), Audience::Public)
            .await
            .hub("post")?;
        let t0 = Instant::now();
        template = item.mid;
        let want = seen(p.ctx(), alice.channel_id, o).await?;
        until(
            "the clone applies a change",
            Duration::from_millis(1),
            Duration::from_secs(30),
            || async move { anyhow::Ok(seen(cctx, cuid, o).await? >= want) },
        )
        .await?;
        lags.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    lags.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&lags, 0.5), percentile(&lags, 0.99));
    figures.push(
        Figure::new("sync", &format!("clone lag p50 ({db})"), p50, "ms").note(format!(
            "{} posts one at a time, post returned → in the clone's log (1 ms polls), real queue worker, loopback",
            sizes.changes
        )),
    );
    figures.push(
        Figure::new("sync", &format!("clone lag p99 ({db})"), p99, "ms")
            .target("p99 < 1 s on loopback", p99 < 1000.0)
            .note(format!("max {:.1} ms", lags.last().copied().unwrap_or(0.0))),
    );

    // 2. Catch-up: the clone is down while the primary makes `missed` changes; it comes back
    // (a new process on the same data and address) and the primary is told to retry it now —
    // what an admin's "retry now" does, and what the clone's first message to the primary does
    // (inbound revives a destination that contacts us). Without it the figure would be the
    // backoff (30 s doubling), not the catch-up. Timed from the restart until the clone's log
    // holds every change (polled every 10 ms).
    let ci = net
        .hubs
        .iter()
        .position(|h| h.name == "clone")
        .context("the clone")?;
    net.hubs[ci].stop().await;
    let p = net.hub("primary");
    let made = Instant::now();
    for n in 0..sizes.missed {
        hub::service::item::post(
            p.ctx(),
            &alice,
            &format!("while the clone was down {n}"),
            Audience::Public,
        )
        .await
        .hub("post")?;
    }
    let made = made.elapsed().as_secs_f64();
    let want = seen(p.ctx(), alice.channel_id, &origin).await?;
    let clone_dest = net.hubs[ci].ctx().uris.zot_endpoint();
    let (addr, config) = (net.hubs[ci].addr, net.hubs[ci].config.clone());
    let started = Instant::now();
    let restarted = restart(&mut net, ci, addr, config)?;
    let p = net.hub("primary");
    let c = net.hub("clone");
    hub::service::lifecycle::retry_now(p.ctx(), &clone_dest)
        .await
        .hub("retry the clone now")?;
    let limit = Duration::from_secs(60 + sizes.missed as u64 / 10);
    let (cctx, cuid, o) = (c.ctx(), clone.channel_id, origin.as_str());
    until(
        "the clone catches up",
        Duration::from_millis(10),
        limit,
        || async move { anyhow::Ok(seen(cctx, cuid, o).await? >= want) },
    )
    .await?;
    let catch_up = started.elapsed().as_secs_f64();
    let report = hub::service::sync::compare(c.ctx(), &clone)
        .await
        .hub("sync-status on the clone")?;
    figures.push(
        Figure::new(
            "sync",
            &format!("catch-up, {} missed changes ({db})", sizes.missed),
            catch_up,
            "s",
        )
        .note(format!(
            "{:.0} changes/s applied; restart → all applied; then sync-status: {}; the primary made them at {:.0}/s",
            sizes.missed as f64 / catch_up,
            if report.in_sync() { "in sync" } else { "NOT in sync" },
            sizes.missed as f64 / made
        )),
    );

    // 3. sync-status on a channel with `items` items: the channel is filled up on both
    // locations alike (bulk SQL copies of one real item and its log entry, as if synced), then
    // `compare` — this location's state, the other's over a signed request, the verdict — is
    // timed, and this location's state alone.
    let have = sizes.changes + sizes.missed;
    let extra = sizes.items.saturating_sub(have);
    let seeding = Instant::now();
    let last = seen(p.ctx(), alice.channel_id, &origin).await?;
    for (ctx, ch) in [(p.ctx(), &alice), (c.ctx(), &clone)] {
        seed(ctx, ch, &template, &origin, last, extra).await?;
    }
    let seeding = seeding.elapsed().as_secs_f64();
    // The primary's data directory (the SQLite file lives there; PostgreSQL keeps its own).
    let on_disk = dir_mb(p.dir.path());
    let mut compare_ms = Vec::new();
    let mut in_sync = true;
    let mut counted = None;
    for _ in 0..sizes.calls {
        let t = Instant::now();
        let r = hub::service::sync::compare(p.ctx(), &alice)
            .await
            .hub("sync-status")?;
        compare_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        in_sync &= r.in_sync();
        counted = r
            .here
            .kinds
            .iter()
            .find(|k| k.kind == "item")
            .map(|k| k.count);
    }
    let mut local_ms = Vec::new();
    for _ in 0..sizes.calls {
        let t = Instant::now();
        hub::service::sync::local_state(p.ctx(), &alice)
            .await
            .hub("local state")?;
        local_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    figures.push(
        Figure::new(
            "sync",
            &format!("sync-status, {} items ({db})", sizes.items.max(have)),
            mean(&compare_ms),
            "ms",
        )
        .note(format!(
            "mean of {} calls of service::sync::compare on {} asking {} (both locations' states, one signed request): {} items counted, {}; seeded in {seeding:.1} s; data directory {on_disk:.0} MB",
            sizes.calls,
            p.host,
            c.host,
            counted.unwrap_or(0),
            if in_sync { "in sync" } else { "NOT in sync" }
        )),
    );
    figures.push(
        Figure::new(
            "sync",
            &format!(
                "sync state of one location, {} items ({db})",
                sizes.items.max(have)
            ),
            mean(&local_ms),
            "ms",
        )
        .note(format!(
            "mean of {} calls of service::sync::local_state (one lookup per item, one digest)",
            sizes.calls
        )),
    );
    restarted.stop().await;
    net.stop().await;
    Ok(figures)
}

/// alice on the primary, exported and imported on the clone the way the suite clones; returns
/// once the primary knows the clone's location and both queues are empty.
async fn clone_channel(net: &BenchNet) -> Result<(Channel, Channel)> {
    let (p, c) = (net.hub("primary"), net.hub("clone"));
    let account = hub::service::account::create_verified(p.ctx(), "alice@bench.test", PW, false)
        .await
        .hub("account")?;
    let alice = hub::service::channel::create(p.ctx(), account, "alice", "Alice", "personal")
        .await
        .hub("channel")?;
    let file = tempfile::NamedTempFile::new()?;
    hub::service::export::write(p.ctx(), &alice, file.reopen()?)
        .await
        .hub("export")?;
    let account = hub::service::account::create_verified(c.ctx(), "alice@bench.test", PW, false)
        .await
        .hub("account on the clone")?;
    let export = hub::service::import::parse(&std::fs::read(file.path())?).hub("parse")?;
    let clone = hub::service::import::import(c.ctx(), account, export, false)
        .await
        .hub("import")?
        .channel;
    let (hash, clone_url, pctx) = (&alice.channel_hash, c.base_url.as_str(), p.ctx());
    until(
        "the primary learns the clone's location",
        Duration::from_millis(5),
        Duration::from_secs(60),
        || {
            let h = hash.clone();
            async move {
                let locs = pctx
                    .db
                    .run(move |conn| hub::store::hubloc::find_by_hash(conn, &h))
                    .await
                    .hub("locations")?;
                anyhow::Ok(
                    locs.iter()
                        .any(|l| l.hubloc_url.trim_end_matches('/') == clone_url),
                )
            }
        },
    )
    .await?;
    until(
        "the queues empty",
        Duration::from_millis(10),
        Duration::from_secs(60),
        || async move { anyhow::Ok(waiting(pctx).await? + waiting(c.ctx()).await? == 0) },
    )
    .await?;
    Ok((alice, clone))
}

/// Starts the stopped hub `i` again on the same address from its data (a new `Hub`, nothing
/// kept in memory, as after a restart). The returned handle stops it.
fn restart(
    net: &mut BenchNet,
    i: usize,
    addr: SocketAddr,
    config: hub::config::Config,
) -> Result<RunningHub> {
    let deps = Deps {
        clock: Arc::new(SystemClock),
        mailer: None,
        resolver: Some(net.resolver.clone()),
    };
    let hub = Hub::build(config, deps).hub("rebuild the clone")?;
    let listener = std::net::TcpListener::bind(addr).context("bind the clone's address again")?;
    let running = hub.serve(listener).hub("serve the clone")?;
    net.hubs[i].hub = hub;
    Ok(running)
}

/// Adds `extra` items to channel `ch` at one location, as copies of the item `template` (a mid;
/// new mids `<template mid>-bench-N`), each with its log entry from `origin` numbered
/// after `last` — done alike on both locations, so they agree, as after a sync.
async fn seed(
    ctx: &hub::ctx::Ctx,
    ch: &Channel,
    template: &str,
    origin: &str,
    last: i64,
    extra: usize,
) -> Result<()> {
    if extra == 0 {
        return Ok(());
    }
    let uid = ch.channel_id;
    let mid = template.to_string();
    let m = mid.clone();
    let item_id = ctx
        .db
        .run(move |conn| hub::store::item::find_by_uid_mid(conn, uid, &m))
        .await
        .hub("find the template item")?
        .context("the template item")?
        .id;
    let q = |s: &str| s.replace('\'', "''");
    // A counting CTE (portable: SQLite and PostgreSQL), then one INSERT … SELECT per table.
    let numbers = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {extra})"
    );
    let new_mid = "t.mid || '-bench-' || n.i";
    let items = format!(
        "{numbers} INSERT INTO item (uuid, mid, parent_mid, uid, author_xchan, owner_xchan, title, \
         body, html, mimetype, created, edited, item_private, item_deleted, verb, thr_parent, \
         item_origin, route, signed_data, allow_cid, allow_gid, deny_cid, deny_gid) \
         SELECT 'bench-{uid}-' || n.i, {new_mid}, \
         CASE WHEN t.parent_mid = t.mid THEN {new_mid} ELSE t.parent_mid END, \
         t.uid, t.author_xchan, t.owner_xchan, t.title, t.body, t.html, t.mimetype, t.created, \
         t.edited, t.item_private, t.item_deleted, t.verb, \
         CASE WHEN t.thr_parent = t.mid THEN {new_mid} ELSE t.thr_parent END, \
         t.item_origin, t.route, t.signed_data, t.allow_cid, t.allow_gid, t.deny_cid, t.deny_gid \
         FROM n CROSS JOIN item t WHERE t.id = {item_id}"
    );
    let log = format!(
        "{numbers} INSERT INTO changelog (uid, origin, seq, kind, obj, hlc, body, created) \
         SELECT c.uid, c.origin, {last} + n.i, c.kind, c.obj || '-bench-' || n.i, c.hlc + n.i, \
         c.body, c.created FROM n CROSS JOIN changelog c \
         WHERE c.uid = {uid} AND c.kind = 'item' AND c.obj = '{mid}' AND c.origin = '{origin}'",
        mid = q(&mid),
        origin = q(origin),
    );
    ctx.db
        .tx(move |conn| {
            use diesel::RunQueryDsl;
            use hub::store::AnyConnection;
            for sql in [&items, &log] {
                let n = match conn {
                    AnyConnection::Sqlite(c) => diesel::sql_query(sql.as_str()).execute(c)?,
                    AnyConnection::Postgresql(c) => diesel::sql_query(sql.as_str()).execute(c)?,
                };
                if n != extra {
                    return Err(hub::error::Error::internal(anyhow::anyhow!(
                        "seeding inserted {n} rows, not {extra}"
                    )));
                }
            }
            Ok(())
        })
        .await
        .hub("seed items")
}

/// The size of the files under `path`, in MB.
fn dir_mb(path: &std::path::Path) -> f64 {
    fn walk(p: &std::path::Path) -> u64 {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.flatten()
                    .map(|e| match e.metadata() {
                        Ok(m) if m.is_dir() => walk(&e.path()),
                        Ok(m) => m.len(),
                        Err(_) => 0,
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(path) as f64 / 1024.0 / 1024.0
}
