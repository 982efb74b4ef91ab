//! Hubs for a benchmark: in-process hubs on loopback with the real clock (`BenchNet`), and the
//! release binary as a child process with its own configuration file (`HubProcess`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hub::clock::SystemClock;
use hub::config::Config;
use hub::{Deps, Hub, RunningHub};
use hub_tests::db::TestDb;
use hub_tests::net::Resolver;

/// The hub library's errors as `anyhow` errors (they are `Display`, not `std::error::Error`).
pub trait HubResultExt<T> {
    /// The error, prefixed with what was being done.
    fn hub(self, what: &str) -> Result<T>;
}

impl<T> HubResultExt<T> for hub::error::Result<T> {
    fn hub(self, what: &str) -> Result<T> {
        self.map_err(|e| anyhow::anyhow!("{what}: {e}"))
    }
}

/// One in-process hub.
pub struct BenchHub {
    pub name: String,
    pub host: String,
    pub base_url: String,
    pub addr: SocketAddr,
    pub hub: Hub,
    pub config: Config,
    running: Option<RunningHub>,
    // Dropped last: the database and files.
    _db: TestDb,
    pub dir: tempfile::TempDir,
}

impl BenchHub {
    /// The hub's shared state.
    pub fn ctx(&self) -> &hub::ctx::Ctx {
        self.hub.ctx()
    }

    /// Stops serving.
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}

/// Hubs named `NAME.bench` on loopback, one resolver, the system clock, each with a fresh
/// database on the chosen backend.
pub struct BenchNet {
    pub hubs: Vec<BenchHub>,
    pub resolver: Arc<Resolver>,
}

impl BenchNet {
    /// Starts hubs; `adjust` sees each configuration first (the test configuration: high
    /// limits, HTTP and loopback allowed, no queue worker unless turned on here).
    pub async fn start(
        names: &[&str],
        backend: &Backend,
        adjust: impl Fn(&mut Config),
    ) -> Result<Self> {
        let resolver = Arc::new(Resolver::default());
        let mut bound = Vec::new();
        for name in names {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            let addr = listener.local_addr()?;
            let host = format!("{name}.bench");
            resolver.add(&host);
            bound.push((name.to_string(), host, addr, listener));
        }
        let mut hubs = Vec::new();
        for (name, host, addr, listener) in bound {
            let dir = tempfile::tempdir()?;
            let db = backend.database(&name);
            let base_url = format!("http://{host}:{}", addr.port());
            let mut config = Config::for_test(&name, dir.path(), &base_url, db.url.clone());
            adjust(&mut config);
            let deps = Deps {
                clock: Arc::new(SystemClock),
                mailer: None,
                resolver: Some(resolver.clone()),
            };
            let hub = Hub::build(config.clone(), deps).hub("build hub")?;
            let running = hub.serve(listener).hub("serve")?;
            hubs.push(BenchHub {
                name,
                host,
                base_url,
                addr,
                hub,
                config,
                running: Some(running),
                _db: db,
                dir,
            });
        }
        Ok(Self { hubs, resolver })
    }

    /// The hub with this name.
    pub fn hub(&self, name: &str) -> &BenchHub {
        self.hubs
            .iter()
            .find(|h| h.name == name)
            .unwrap_or_else(|| panic!("no hub {name}"))
    }

    /// Runs every due delivery on every hub until the network is quiet; returns the messages
    /// attempted.
    pub async fn drain(&self) -> Result<usize> {
        let mut total = 0;
        for _ in 0..1000 {
            let mut round = 0;
            for h in self.hubs.iter().filter(|h| h.running.is_some()) {
                round += hub::queue::run_due(h.ctx()).await.hub("delivery round")?;
            }
            if round == 0 {
                return Ok(total);
            }
            total += round;
        }
        bail!("the network is not quiet after 1000 rounds")
    }

    /// Stops every hub.
    pub async fn stop(mut self) {
        for h in &mut self.hubs {
            h.stop().await;
        }
    }
}

/// The database backend a scenario runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// A PostgreSQL admin URL; each hub gets a new database, dropped afterwards.
    Postgres(String),
}

impl Backend {
    /// The name in the table.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// A fresh database (`url: None` is SQLite in the hub's data directory).
    pub fn database(&self, label: &str) -> TestDb {
        match self {
            Backend::Sqlite => TestDb::create_on(label, None),
            Backend::Postgres(admin) => TestDb::create_on(label, Some(admin)),
        }
    }
}

/// The release hub binary: `HUB_BIN`, else `target/release/hub` beside this workspace.
pub fn release_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("HUB_BIN") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("target/release/hub"),
    };
    if !path.is_file() {
        bail!(
            "no release hub binary at {} (cargo build --release -p hub, or set HUB_BIN)",
            path.display()
        );
    }
    Ok(path)
}

/// The workspace root (this crate's parent folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A free loopback port (bound and released; the child binds it next).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// A configuration file for a release hub on `127.0.0.1:port` with its data in `dir`: high
/// rate limits (a benchmark is not an attack), loopback allowed, mail to files.
pub fn write_config(
    dir: &Path,
    port: u16,
    db_url: Option<&str>,
    workers: usize,
) -> Result<PathBuf> {
    let db = match db_url {
        Some(u) => format!("url = \"{u}\"\n"),
        None => String::new(),
    };
    let text = format!(
        r#"[site]
name = "Caravan bench"
base_url = "http://127.0.0.1:{port}"
register_policy = "open"

[http]
bind = "127.0.0.1:{port}"
workers = {workers}

[paths]
data_dir = "{data}"

[db]
{db}pool_size = 8

[mail]
mode = "file"

[limits]
login_per_minute = 100000
register_per_hour = 100000
reset_per_minute = 100000
api_per_minute = 10000000
api_apps_per_hour = 100000
sso_per_minute = 100000
posts_per_hour = 100000

[federation]
allow_http = true
allow_private_addresses = true
queue_worker = true
"#,
        data = dir.display()
    );
    let path = dir.join("hub.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// The hub's configuration as the binary will read it (for seeding its database in-process
/// before it starts).
pub fn load_config(path: &Path) -> Result<Config> {
    Config::load(Some(path), &hub::config::CliOverrides::default())
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// A release hub running as a child process.
pub struct HubProcess {
    child: std::process::Child,
    pub base_url: String,
    /// From spawning to the first answered request.
    pub startup: Duration,
}

impl HubProcess {
    /// Starts `hub serve` with this configuration and waits (at most 60 s) for it to answer.
    pub async fn start(config: &Path, base_url: &str) -> Result<Self> {
        let bin = release_binary()?;
        let log = std::fs::File::create(config.with_file_name("hub.log"))?;
        let started = Instant::now();
        let child = std::process::Command::new(bin)
            .arg("--config")
            .arg(config)
            .arg("serve")
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("spawn the hub")?;
        let mut p = Self {
            child,
            base_url: base_url.to_string(),
            startup: Duration::ZERO,
        };
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client
                .get(format!("{base_url}/static/css/caravan.css"))
                .send()
                .await
                && r.status().is_success()
            {
                break;
            }
            if let Some(status) = p.child.try_wait()? {
                bail!(
                    "the hub exited ({status}); see {}",
                    config.with_file_name("hub.log").display()
                );
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("the hub did not answer within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        p.startup = started.elapsed();
        Ok(p)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in MB.
    pub fn rss_mb(&self) -> f64 {
        proc_status_kb(self.pid(), "VmRSS:") as f64 / 1024.0
    }

    /// Resident memory now split into anonymous (heap, stacks) and file-backed (the binary's
    /// code and data pages) parts, in MB, as a note.
    pub fn rss_split(&self) -> String {
        let kb = |f| proc_status_kb(self.pid(), f) as f64 / 1024.0;
        format!(
            "{:.1} MB anonymous (heap, stacks), {:.1} MB file-backed (the binary's pages)",
            kb("RssAnon:"),
            kb("RssFile:")
        )
    }

    /// The most resident memory so far, in MB.
    pub fn peak_rss_mb(&self) -> f64 {
        proc_status_kb(self.pid(), "VmHWM:") as f64 / 1024.0
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `/proc/PID/status` field in kB (0 when unreadable).
pub fn proc_status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// This process's resident memory in MB.
pub fn own_rss_mb() -> f64 {
    proc_status_kb(std::process::id(), "VmRSS:") as f64 / 1024.0
}
