//! Scenario 1, pages and discovery: the release binary serving the channel page (20 posts with
//! comments and likes), a permalink, a logged-in network stream, signed channel info,
//! webfinger and a static file, each under wrk at 16 connections. Ceilings in the same run: a
//! minimal actix-web handler returning a fixed page as large as the channel page (its own
//! process, as many workers as the hub), and the hub's static file. `--peer KEY=URL` runs the
//! same requests against another hub (a live Hubzilla) in the same run.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use hub::clock::SystemClock;
use hub::{Deps, Hub};

use crate::Opts;
use crate::hubs::{Backend, HubProcess, HubResultExt, free_port, load_config, write_config};
use crate::load::{Load, wrk};
use crate::report::Figure;
use crate::seed;

/// The connections wrk keeps open.
pub const CONNECTIONS: usize = 16;
/// The hub's (and the ceiling's) HTTP workers: one per core of the benchmark machine.
const WORKERS: usize = 2;

/// One measured URL.
struct Target {
    key: &'static str,
    label: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
}

/// Runs the scenario on every backend.
pub async fn run(opts: &Opts) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    for backend in &opts.backends {
        figures.extend(run_on(opts, backend).await?);
    }
    Ok(figures)
}

async fn run_on(opts: &Opts, backend: &Backend) -> Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let db = backend.database("pages");
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let config = write_config(dir.path(), port, db.url.as_deref(), WORKERS)?;

    // The data, made in-process through the hub's services before the binary starts.
    let seeded = {
        let hub = Hub::build(
            load_config(&config)?,
            Deps {
                clock: Arc::new(SystemClock),
                mailer: None,
                resolver: None,
            },
        )
        .hub("build the hub for seeding")?;
        seed::channel_with_posts(hub.ctx(), "wanderer", 20, 2).await?
    };
    let nick = seeded.channel.channel_address.clone();

    let hub = HubProcess::start(&config, &base).await?;
    let browser = hub_tests::Browser::new(&base, Arc::new(hub_tests::net::Resolver::default()));
    browser.login(&seeded.email, seed::PASSWORD).await;
    let cookie = browser.cookie_header();

    let channel_page = browser.get(&format!("/channel/{nick}")).await;
    if channel_page.status != 200 {
        bail!("the channel page answered {}", channel_page.status);
    }
    let page_bytes = channel_page.body.len();
    let posts = channel_page.body.matches("<article class=\"post").count();

    let targets = vec![
        Target {
            key: "channel",
            label: "channel page",
            path: format!("/channel/{nick}"),
            headers: vec![],
        },
        Target {
            key: "permalink",
            label: "permalink",
            path: format!("/item/{}", seeded.permalink),
            headers: vec![],
        },
        Target {
            key: "stream",
            label: "network stream (logged in)",
            path: format!("/channel/{nick}/stream"),
            headers: vec![("Cookie", cookie.clone())],
        },
        Target {
            key: "channel-info",
            label: "channel info (signed)",
            path: format!("/channel/{nick}"),
            headers: vec![("Accept", "application/x-zot+json".into())],
        },
        Target {
            key: "webfinger",
            label: "webfinger",
            path: format!("/.well-known/webfinger?resource=acct:{nick}@127.0.0.1:{port}"),
            headers: vec![],
        },
        Target {
            key: "static",
            label: "static file",
            path: "/static/css/caravan.css".into(),
            headers: vec![],
        },
    ];
    // Every URL answers as expected before it is timed.
    for t in &targets {
        let mut req = reqwest::Client::new().get(format!("{base}{}", t.path));
        for (k, v) in &t.headers {
            req = req.header(*k, v);
        }
        let r = req.send().await?;
        if !r.status().is_success() {
            bail!("{} ({}) answered {}", t.label, t.path, r.status());
        }
    }

    let time = Duration::from_secs(opts.seconds);
    let fixed = FixedServer::start(page_bytes).await?;
    let ceiling = wrk(&fixed.url, CONNECTIONS, time, &[])?;
    drop(fixed);

    let mut measured: Vec<(&Target, Load)> = Vec::new();
    for t in &targets {
        let headers: Vec<(&str, &str)> = t.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let profiler = match &opts.profile {
            Some(dir) => Some(Profiler::start(
                dir,
                &format!("{}-{}", t.key, backend.name()),
                hub.pid(),
                time,
            )?),
            None => None,
        };
        let load = wrk(&format!("{base}{}", t.path), CONNECTIONS, time, &headers)?;
        if let Some(p) = profiler {
            p.finish()?;
        }
        if load.errors > 0 {
            bail!("{}: {} errors under load", t.label, load.errors);
        }
        measured.push((t, load));
    }
    let static_rps = measured
        .iter()
        .find(|(t, _)| t.key == "static")
        .map(|(_, l)| l.requests_per_sec)
        .unwrap_or(0.0);

    let db_name = backend.name();
    let mut figures = vec![
        Figure::new("pages", &format!("fixed page ceiling ({db_name} run)"), ceiling.requests_per_sec, "req/s")
            .note(format!(
                "minimal actix-web handler, {page_bytes} B page, {WORKERS} workers; p50 {:.2} ms, p99 {:.2} ms",
                ceiling.p50_ms, ceiling.p99_ms
            )),
    ];
    for (t, load) in &measured {
        let mut f = Figure::new(
            "pages",
            &format!("{} ({db_name})", t.label),
            load.requests_per_sec,
            "req/s",
        )
        .note(format!(
            "p50 {:.2} ms, p99 {:.2} ms, {} requests",
            load.p50_ms, load.p99_ms, load.requests
        ));
        if t.key == "channel" {
            let share = load.requests_per_sec / ceiling.requests_per_sec;
            f = f
                .against("fixed page", ceiling.requests_per_sec)
                .target("≥ 25 % of the fixed page", share >= 0.25)
                .note(format!(
                    "{posts} posts, {page_bytes} B; p50 {:.2} ms, p99 {:.2} ms",
                    load.p50_ms, load.p99_ms
                ));
        } else if t.key != "static" {
            f = f.against("static file", static_rps);
        }
        figures.push(f);
    }
    figures.push(
        Figure::new(
            "size",
            &format!("resident memory after the page load ({db_name})"),
            hub.peak_rss_mb(),
            "MB",
        )
        .target("≤ 60 MB", hub.peak_rss_mb() <= 60.0)
        .note("peak (VmHWM) of the hub process over the whole page scenario"),
    );

    // The same requests against a peer (e.g. a live Hubzilla), in the same run.
    for (key, url) in &opts.peers {
        let Some((t, ours)) = measured.iter().find(|(t, _)| t.key == key.as_str()) else {
            bail!(
                "--peer {key}=…: no such page (channel, permalink, stream, channel-info, webfinger, static)"
            );
        };
        let headers: Vec<(&str, &str)> = t
            .headers
            .iter()
            .filter(|(k, _)| *k != "Cookie")
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let theirs = wrk(url, CONNECTIONS, time, &headers)
            .with_context(|| format!("load on the peer {url}"))?;
        let ratio = ours.requests_per_sec / theirs.requests_per_sec.max(f64::MIN_POSITIVE);
        let mut f = Figure::new(
            "pages",
            &format!("{} vs peer ({db_name})", t.label),
            ours.requests_per_sec,
            "req/s",
        )
        .against("peer", theirs.requests_per_sec)
        .note(format!(
            "peer {url}: p50 {:.2} ms, p99 {:.2} ms, {} errors",
            theirs.p50_ms, theirs.p99_ms, theirs.errors
        ));
        if t.key == "channel" {
            f = f.target("≥ 300× Hubzilla", ratio >= 300.0);
        }
        figures.push(f);
    }
    drop(hub);
    drop(db);
    Ok(figures)
}

/// The fixed-page server (`bench serve-fixed`) as a child process.
struct FixedServer {
    child: std::process::Child,
    url: String,
}

impl FixedServer {
    async fn start(bytes: usize) -> Result<Self> {
        let port = free_port()?;
        let child = std::process::Command::new(std::env::current_exe()?)
            .args([
                "serve-fixed",
                "--port",
                &port.to_string(),
                "--bytes",
                &bytes.to_string(),
            ])
            .args(["--workers", &WORKERS.to_string()])
            .spawn()
            .context("start the fixed-page server")?;
        let server = Self {
            child,
            url: format!("http://127.0.0.1:{port}/"),
        };
        let client = reqwest::Client::new();
        for _ in 0..2000 {
            if client.get(&server.url).send().await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        bail!("the fixed-page server did not answer within 10 s")
    }
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `perf record` on the hub while one page is under load, then its flat profile by symbol.
struct Profiler {
    child: std::process::Child,
    data: std::path::PathBuf,
    report: std::path::PathBuf,
}

impl Profiler {
    fn start(dir: &std::path::Path, name: &str, pid: u32, time: Duration) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let data = dir.join(format!("{name}.perf.data"));
        let child = std::process::Command::new("perf")
            .arg("record")
            // BENCH_PERF_RECORD: other sampling options, e.g. "-F 199 --call-graph dwarf" for
            // whole call stacks (the release build has no frame pointers).
            .args(
                std::env::var("BENCH_PERF_RECORD")
                    .unwrap_or_else(|_| "-F 999 -g".into())
                    .split_whitespace(),
            )
            .arg("-o")
            .arg(&data)
            .args([
                "-p",
                &pid.to_string(),
                "--",
                "sleep",
                &time.as_secs().max(1).to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("run perf record")?;
        Ok(Self {
            child,
            report: dir.join(format!("{name}.txt")),
            data,
        })
    }

    fn finish(mut self) -> Result<()> {
        self.child.wait()?;
        let out = std::process::Command::new("perf")
            .args([
                "report",
                "--stdio",
                "--no-children",
                "--sort",
                "dso,symbol",
                "--percent-limit",
                "0.8",
                "-g",
                "none",
                "-i",
            ])
            .arg(&self.data)
            .output()
            .context("run perf report")?;
        std::fs::write(&self.report, &out.stdout)?;
        eprintln!("bench: profile written to {}", self.report.display());
        Ok(())
    }
}
