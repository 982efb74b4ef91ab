//! Scenario 5, the client API (owned here): the home timeline under wrk with a bearer token
//! (beside a fixed answer of the same size from a minimal actix-web server), the resident
//! memory idle WebSocket streaming connections cost the hub, and the latency from a post to its
//! streaming event. The hub is the release binary as its own process when it is built (so its
//! memory is its own), else an in-process hub (then the figure is this whole process's memory,
//! client sockets included, and says so).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::Opts;
use crate::client_ws::{self, Frames};
use crate::hubs::{self, Backend, BenchNet, HubProcess, HubResultExt};
use crate::load;
use crate::report::Figure;
use crate::sync::percentile;

const NICK: &str = "alice";
/// Posts on the channel before measuring: the home timeline's first page (20) is full.
const POSTS: usize = 40;

/// The hub under test: where it listens, and how to read its memory.
enum Target {
    /// The release binary (its own process).
    Process(HubProcess, tempfile::TempDir, u16),
    /// In-process (no release binary).
    InProcess(BenchNet),
}

impl Target {
    /// Starts the hub with alice, her posts and a token; returns it and the token.
    async fn start() -> Result<(Self, String)> {
        if hubs::release_binary().is_ok() {
            let dir = tempfile::tempdir()?;
            let port = hubs::free_port()?;
            let path = hubs::write_config(dir.path(), port, None, 2)?;
            // Seeded in-process on the same configuration and database, before it starts.
            let config = hubs::load_config(&path)?;
            let deps = hub::Deps {
                clock: std::sync::Arc::new(hub::clock::SystemClock),
                mailer: None,
                resolver: None,
            };
            let seeding = hub::Hub::build(config, deps).hub("build the hub to seed it")?;
            let token = seed(seeding.ctx()).await?;
            drop(seeding);
            let process = HubProcess::start(&path, &format!("http://127.0.0.1:{port}")).await?;
            Ok((Target::Process(process, dir, port), token))
        } else {
            let net = BenchNet::start(&["client"], &Backend::Sqlite, |c| {
                c.limits.api_per_minute = 100_000_000;
                c.limits.posts_per_hour = 10_000_000;
            })
            .await?;
            let token = seed(net.hub("client").ctx()).await?;
            Ok((Target::InProcess(net), token))
        }
    }

    /// The loopback port.
    fn port(&self) -> u16 {
        match self {
            Target::Process(_, _, port) => *port,
            Target::InProcess(net) => net.hub("client").addr.port(),
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    /// The hub's resident memory in MB (this process's when it is in-process).
    fn rss_mb(&self) -> f64 {
        match self {
            Target::Process(p, ..) => p.rss_mb(),
            Target::InProcess(_) => hubs::own_rss_mb(),
        }
    }

    fn what(&self) -> &'static str {
        match self {
            Target::Process(..) => "release hub process, SQLite, 2 workers",
            Target::InProcess(_) => {
                "in-process hub (no release binary), SQLite; memory is this whole process's, client sockets included"
            }
        }
    }

    async fn stop(self) {
        match self {
            Target::Process(p, dir, _) => {
                drop(p);
                drop(dir);
            }
            Target::InProcess(net) => net.stop().await,
        }
    }
}

/// alice with `POSTS` public posts and a personal token (`hub channel token`, an OAuth bearer
/// token with `read write`).
async fn seed(ctx: &hub::ctx::Ctx) -> Result<String> {
    let account = hub::service::account::create_verified(
        ctx,
        "alice@bench.test",
        "bench password 1234",
        false,
    )
    .await
    .hub("account")?;
    let alice = hub::service::channel::create(ctx, account, NICK, "Alice", "personal")
        .await
        .hub("channel")?;
    for n in 0..POSTS {
        hub::service::item::post(
            ctx,
            &alice,
            &format!("Post number {n} on the home timeline, with a few words to render."),
            hub::service::perms::Audience::Public,
        )
        .await
        .hub("post")?;
    }
    hub::service::oauth::personal_token(ctx, NICK, "read write", "bench")
        .await
        .hub("token")
}

/// Runs the scenario.
pub async fn run(opts: &Opts) -> Result<Vec<Figure>> {
    let (connections, posts) = if opts.smoke { (50, 10) } else { (1_000, 100) };
    let (target, token) = Target::start().await?;
    let result = measure(opts, &target, &token, connections, posts).await;
    target.stop().await;
    result
}

async fn measure(
    opts: &Opts,
    target: &Target,
    token: &str,
    connections: usize,
    posts: usize,
) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    let base = target.base();
    let bearer = format!("Bearer {token}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;

    // 1. Home timeline requests/s: wrk, 16 connections, the default page (20 statuses).
    let url = format!("{base}/api/v1/timelines/home");
    let first = http
        .get(&url)
        .header("Authorization", &bearer)
        .send()
        .await?;
    if !first.status().is_success() {
        bail!("home timeline: HTTP {}", first.status());
    }
    let body = first.bytes().await?;
    let statuses = serde_json::from_slice::<serde_json::Value>(&body)?
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    let time = Duration::from_secs(opts.seconds);
    // wrk blocks: on the blocking pool, so an in-process hub keeps its runtime threads.
    let (u, b) = (url.clone(), bearer.clone());
    let home =
        tokio::task::spawn_blocking(move || load::wrk(&u, 16, time, &[("Authorization", &b)]))
            .await??;
    // What the token check and one small answer cost alone, for reading the figure.
    let (u, b) = (
        format!("{base}/api/v1/accounts/verify_credentials"),
        bearer.clone(),
    );
    let me = tokio::task::spawn_blocking(move || load::wrk(&u, 16, time, &[("Authorization", &b)]))
        .await??;
    // The ceiling: the same number of bytes from a minimal actix-web server, same workers.
    let fixed = fixed_ceiling(body.len(), time).await;
    let mut f = Figure::new("client", "home timeline req/s (token)", home.requests_per_sec, "req/s")
        .note(format!(
            "{statuses} statuses, {} bytes; p50 {:.1} ms, p99 {:.1} ms; {} errors; verify_credentials (token check alone) {:.0} req/s; wrk 16 connections {} s; {}",
            body.len(),
            home.p50_ms,
            home.p99_ms,
            home.errors,
            me.requests_per_sec,
            time.as_secs(),
            target.what()
        ));
    match fixed {
        Ok(l) => f = f.against("fixed answer, same size", l.requests_per_sec),
        Err(e) => f.note.push_str(&format!("; no ceiling: {e:#}")),
    }
    figures.push(f);

    // 2. Idle streaming connections: the hub's resident memory before and after opening them
    // (each handshake answered 101 before "after" is read). One connection is opened first
    // and kept, so the feed poller and its buffers, which start with the first listener, are in
    // "before".
    let port = target.port();
    let (_first, _first_frames) = client_ws::open(port, token, "user").await?;
    let before = target.rss_mb();
    let opened = Instant::now();
    let idle = open_many(port, token, connections).await?;
    let open_s = opened.elapsed().as_secs_f64();
    let after = target.rss_mb();
    let per_1000 = (after - before) * 1000.0 / connections as f64;
    figures.push(
        Figure::new(
            "client",
            "resident memory per 1,000 idle WebSocket connections",
            per_1000,
            "MB",
        )
        .target("≤ 20 MB", per_1000 <= 20.0)
        .note(format!(
            "{connections} connections (stream=user) opened in {open_s:.1} s: {before:.1} → {after:.1} MB RSS; {}; open files limit {}",
            target.what(),
            open_files_limit()
        )),
    );
    drop(idle);

    // 3. Post → streaming event: one WebSocket (stream=user) read by its own task; each post
    // goes through the API (POST /api/v1/statuses) and is timed from sending it to its `update`
    // event arriving. The hub's streaming poller reads the feed every 200 ms, which bounds and
    // mostly makes this figure. Posting again as soon as an event arrives would put every post
    // just after a poll (each waiting the full 200 ms), so each post first waits a different
    // fraction of the poll interval (n × 53 ms mod 200 ms): the phases are spread evenly, as
    // for posts arriving at random. That wait is not timed.
    let (_ws, mut frames) = client_ws::open(port, token, "user").await?;
    let mut lat = Vec::with_capacity(posts);
    for n in 0..posts {
        tokio::time::sleep(Duration::from_millis((n as u64 * 53) % 200)).await;
        let marker = format!("latency-{n}-{}", std::process::id());
        let t0 = Instant::now();
        let r = http
            .post(format!("{base}/api/v1/statuses"))
            .header("Authorization", &bearer)
            .json(&serde_json::json!({ "status": format!("Timing {marker}") }))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("post a status: HTTP {}", r.status());
        }
        let at = wait_for(&mut frames, &marker, Duration::from_secs(10)).await?;
        lat.push(at.duration_since(t0).as_secs_f64() * 1000.0);
    }
    lat.sort_by(f64::total_cmp);
    figures.push(
        Figure::new("client", "post → streaming event p50", percentile(&lat, 0.5), "ms").note(
            format!(
                "{posts} posts through the API at phases spread over the poll interval, each timed from sending to its update event on a WebSocket; the hub polls its feed every 200 ms"
            ),
        ),
    );
    figures.push(
        Figure::new(
            "client",
            "post → streaming event p99",
            percentile(&lat, 0.99),
            "ms",
        )
        .note(format!("max {:.1} ms", lat.last().copied().unwrap_or(0.0))),
    );
    Ok(figures)
}

/// Opens `n` WebSocket connections in waves of 100 (each wave's handshakes written, then read:
/// the listen backlog stays small); fails unless every one is answered 101 within 10 s.
async fn open_many(port: u16, token: &str, n: usize) -> Result<Vec<TcpStream>> {
    let mut open = Vec::with_capacity(n);
    while open.len() < n {
        let wave = (n - open.len()).min(100);
        let mut socks = Vec::with_capacity(wave);
        for _ in 0..wave {
            let mut s = TcpStream::connect(("127.0.0.1", port))
                .await
                .context("connect")?;
            s.write_all(client_ws::handshake(port, token, "user").as_bytes())
                .await?;
            socks.push(s);
        }
        for mut s in socks {
            let head = tokio::time::timeout(Duration::from_secs(10), read_head(&mut s))
                .await
                .context("a handshake answer within 10 s")??;
            if !head.starts_with("HTTP/1.1 101") {
                bail!(
                    "after {} connections: {}",
                    open.len(),
                    head.lines().next().unwrap_or("")
                );
            }
            open.push(s);
        }
    }
    Ok(open)
}

/// Reads a handshake answer's head (idle connections get nothing else until a heartbeat).
async fn read_head(s: &mut TcpStream) -> Result<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            bail!("closed during the handshake");
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Waits for a text frame containing `marker` that is an `update`; returns when it arrived.
async fn wait_for(frames: &mut Frames, marker: &str, limit: Duration) -> Result<Instant> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let (at, text) = tokio::time::timeout_at(deadline, frames.recv())
            .await
            .with_context(|| {
                format!(
                    "no streaming event for {marker} within {} s",
                    limit.as_secs()
                )
            })?
            .context("the streaming connection closed")?;
        if text.contains(marker) && text.contains("\"update\"") {
            return Ok(at);
        }
    }
}

/// wrk against a fixed answer of `bytes` bytes from `bench serve-fixed` (2 workers, like the
/// hub), as its own process.
async fn fixed_ceiling(bytes: usize, time: Duration) -> Result<load::Load> {
    let port = hubs::free_port()?;
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["serve-fixed", "--port", &port.to_string(), "--bytes"])
        .arg(bytes.to_string())
        .args(["--workers", "2"])
        .kill_on_drop(true)
        .spawn()
        .context("start the fixed server")?;
    let url = format!("http://127.0.0.1:{port}/");
    let client = reqwest::Client::new();
    let start = Instant::now();
    // Polled until it answers (a fresh process has no signal to await), at most 10 s.
    while client.get(&url).send().await.is_err() {
        if start.elapsed() > Duration::from_secs(10) {
            bail!("the fixed server did not answer within 10 s");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let url2 = url.clone();
    let load = tokio::task::spawn_blocking(move || load::wrk(&url2, 16, time, &[])).await?;
    let _ = child.kill().await;
    load
}

/// The soft limit on open files (each connection is one here, one in the hub).
fn open_files_limit() -> String {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}
