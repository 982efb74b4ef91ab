//! Scenario 6, memory and size: the release binary's resident memory idle and with 10,000
//! channels and 1,000,000 items in its database, its start-up time with that database, and the
//! stripped binary's size. (Memory under the page load is measured by the page scenario; during
//! the fan-out by the fan-out scenario.)

use std::sync::Arc;

use anyhow::{Context, Result};
use hub::clock::SystemClock;
use hub::{Deps, Hub};

use crate::Opts;
use crate::hubs::{HubProcess, HubResultExt, free_port, load_config, release_binary, write_config};
use crate::report::Figure;
use crate::seed;

/// Runs the scenario (SQLite: the default a small hub runs).
pub async fn run(opts: &Opts) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    let (channels, per_channel) = if opts.smoke { (100, 10) } else { (10_000, 100) };

    // An empty hub: start-up and idle memory.
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let config = write_config(dir.path(), port, None, 2)?;
    {
        // Migrations run here, so the timed start-ups below do not include them.
        let _hub = build(&config)?;
    }
    let empty = HubProcess::start(&config, &base).await?;
    let idle = settle(&empty).await;
    figures.push(
        Figure::new("size", "start-up, empty database", ms(empty.startup), "ms")
            .note("spawn to the first answered request"),
    );
    figures.push(
        Figure::new("size", "resident memory idle", idle, "MB")
            .target("≤ 20 MB", idle <= 20.0)
            .note(format!(
                "VmRSS after start-up and one request, empty database: {}",
                empty.rss_split()
            )),
    );
    drop(empty);

    // A large database: channels and items copied with SQL.
    let seeded_at = std::time::Instant::now();
    {
        let hub = build(&config)?;
        let s = seed::channel_with_posts(hub.ctx(), "sizer", 1, 0).await?;
        seed::copy_channels(hub.ctx(), &s.channel, channels - 1).await?;
        seed::copy_items(hub.ctx(), &s.permalink, per_channel).await?;
    }
    let (n_channels, n_items) = {
        let hub = build(&config)?;
        (
            seed::count(hub.ctx(), "channel").await?,
            seed::count(hub.ctx(), "item").await?,
        )
    };
    let seeding = seeded_at.elapsed();
    let big = HubProcess::start(&config, &base).await?;
    let big_idle = settle(&big).await;
    let target = if opts.smoke {
        "< 1 s (full size: 1,000,000 items)"
    } else {
        "< 1 s"
    };
    figures.push(
        Figure::new(
            "size",
            &format!("start-up with {n_channels} channels, {n_items} items"),
            ms(big.startup),
            "ms",
        )
        .target(target, big.startup.as_secs_f64() < 1.0)
        .note(format!(
            "SQLite; the data made in {:.1} s (SQL copies of one real post)",
            seeding.as_secs_f64()
        )),
    );
    figures.push(
        Figure::new(
            "size",
            &format!("resident memory idle, {n_items} items"),
            big_idle,
            "MB",
        )
        .against("empty database", idle),
    );
    drop(big);

    // The release binary, stripped.
    let bin = release_binary()?;
    let stripped = dir.path().join("hub.stripped");
    std::fs::copy(&bin, &stripped)?;
    let status = std::process::Command::new("strip")
        .arg(&stripped)
        .status()
        .context("run strip")?;
    let bytes = std::fs::metadata(if status.success() { &stripped } else { &bin })?.len();
    figures.push(
        Figure::new(
            "size",
            "release binary, stripped",
            bytes as f64 / 1024.0 / 1024.0,
            "MB",
        )
        .note("target/release/hub; templates, static files and migrations included"),
    );
    Ok(figures)
}

fn build(config: &std::path::Path) -> Result<Hub> {
    Hub::build(
        load_config(config)?,
        Deps {
            clock: Arc::new(SystemClock),
            mailer: None,
            resolver: None,
        },
    )
    .hub("build the hub")
}

/// The hub's resident memory once it has answered a page (so the first-request allocations
/// count, as on a real hub).
async fn settle(hub: &HubProcess) -> f64 {
    let _ = reqwest::get(format!("{}/", hub.base_url)).await;
    hub.rss_mb()
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
