//! `bench`: Caravan's benchmarks. One subcommand per scenario and `all`, which runs every
//! scenario and prints one table (and writes JSON). Figures are measured, never asserted: each
//! comes with its ceiling measured in the same run, because the machines are noisy.
//! See docs/performance.md for the figures and how to read them.

mod client;
mod client_ws;
mod fanout;
mod fixed;
mod hubs;
mod inbound;
mod load;
mod pages;
mod receiver;
mod report;
mod seed;
mod size;
mod sync;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::hubs::Backend;
use crate::report::{Figure, Report};

#[derive(Parser, Debug)]
#[command(
    name = "bench",
    about = "Caravan benchmarks: figures beside their ceilings, one run"
)]
struct Cli {
    /// Smoke size: every scenario briefly, to keep the harness working (CI).
    #[arg(long, global = true)]
    smoke: bool,
    /// Also write the figures as JSON here.
    #[arg(long, global = true)]
    json: Option<PathBuf>,
    /// Run database-bound scenarios on PostgreSQL too (an admin URL; scripts/bench.sh starts a
    /// throwaway cluster and passes it). Also CARAVAN_BENCH_PG_URL.
    #[arg(long, global = true, env = "CARAVAN_BENCH_PG_URL")]
    pg: Option<String>,
    /// The same page requests against another hub, e.g. a live Hubzilla:
    /// `--peer channel=https://hz/channel/admin` (keys: channel, permalink, stream,
    /// channel-info, webfinger, static). Repeatable.
    #[arg(long = "peer", global = true, value_parser = parse_peer)]
    peers: Vec<(String, String)>,
    /// Profile the hub with `perf record` while each page is under load; the flat profiles
    /// (`perf report`, by symbol) go to this folder, one file per page.
    #[arg(long, global = true)]
    profile: Option<PathBuf>,
    /// Seconds of load per URL in the page scenario (default 10; 1 with --smoke).
    #[arg(long, global = true)]
    seconds: Option<u64>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    /// Every scenario, then the table.
    All,
    /// 1. Pages and discovery under wrk at 16 connections, beside a fixed page and a static file.
    Pages,
    /// 2. Fan-out: one public post delivered to N hubs through the real queue.
    Fanout,
    /// 3. Inbound: signed, encrypted deliveries accepted per second.
    Inbound,
    /// 4. Clone sync: lag, catch-up, the cost of sync-status.
    Sync,
    /// 5. Client API: home timeline, idle streaming connections, post-to-event latency.
    Client,
    /// 6. Memory, start-up time and binary size.
    Size,
    /// A fixed page from a minimal actix-web handler (the page scenario's ceiling; internal).
    #[command(hide = true)]
    ServeFixed {
        #[arg(long)]
        port: u16,
        #[arg(long)]
        bytes: usize,
        #[arg(long, default_value_t = 2)]
        workers: usize,
    },
}

fn parse_peer(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("{s}: expected KEY=URL"))
}

/// What every scenario is given.
#[derive(Debug, Clone)]
pub struct Opts {
    pub smoke: bool,
    pub seconds: u64,
    pub peers: Vec<(String, String)>,
    /// Where page profiles go, when asked for.
    pub profile: Option<PathBuf>,
    /// SQLite, then PostgreSQL when configured.
    pub backends: Vec<Backend>,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    if let Command::ServeFixed {
        port,
        bytes,
        workers,
    } = cli.command
    {
        return fixed::serve(port, bytes, workers);
    }
    let mut backends = vec![Backend::Sqlite];
    if let Some(pg) = &cli.pg {
        backends.push(Backend::Postgres(pg.clone()));
    }
    let opts = Opts {
        smoke: cli.smoke,
        seconds: cli.seconds.unwrap_or(if cli.smoke { 1 } else { 10 }),
        peers: cli.peers.clone(),
        profile: cli.profile.clone(),
        backends,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut report = Report {
        started: chrono::Utc::now().to_rfc3339(),
        machine: report::machine(),
        smoke: cli.smoke,
        ..Report::default()
    };
    eprintln!(
        "bench: {} ({})",
        report.machine,
        if cli.smoke { "smoke size" } else { "full size" }
    );
    let all = cli.command == Command::All;
    let scenarios: Vec<(&str, bool)> = vec![
        ("pages", all || cli.command == Command::Pages),
        ("fanout", all || cli.command == Command::Fanout),
        ("inbound", all || cli.command == Command::Inbound),
        ("sync", all || cli.command == Command::Sync),
        ("client", all || cli.command == Command::Client),
        ("size", all || cli.command == Command::Size),
    ];
    for (name, wanted) in scenarios {
        if !wanted {
            continue;
        }
        let result: Result<Vec<Figure>> = runtime.block_on(async {
            match name {
                "pages" => pages::run(&opts).await,
                "fanout" => fanout::run(&opts).await,
                "inbound" => inbound::run(&opts).await,
                "sync" => sync::run(&opts).await,
                "client" => client::run(&opts).await,
                "size" => size::run(&opts).await,
                _ => unreachable!("every scenario is listed"),
            }
        });
        match result {
            Ok(figures) => report.add(figures),
            Err(e) => {
                eprintln!("bench: {name} FAILED: {e:#}");
                report.failed.push((name.to_string(), format!("{e:#}")));
            }
        }
    }
    println!("{}", report.table());
    if let Some(path) = &cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)?;
        eprintln!("bench: figures written to {}", path.display());
    }
    if !report.failed.is_empty() {
        anyhow::bail!("{} scenario(s) failed", report.failed.len());
    }
    Ok(())
}
