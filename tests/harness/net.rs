//! `TestNet`: several hubs in one process. Each listens on 127.0.0.1:0 under its own host name
//! (`alpha.test`, `beta.test`, …) resolved by a shared resolver, and all share one
//! `ManualClock`, so tests move time instead of sleeping.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use hub::clock::ManualClock;
use hub::config::Config;
use hub::{Deps, Hub, RunningHub};

use crate::browser::Browser;
use crate::db::TestDb;

/// Resolves the test host names to loopback (the port comes from the URL).
#[derive(Debug, Default)]
pub struct Resolver {
    hosts: RwLock<HashMap<String, IpAddr>>,
}

impl Resolver {
    pub fn add(&self, host: &str) {
        self.hosts
            .write()
            .unwrap()
            .insert(host.to_string(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let found = self.hosts.read().unwrap().get(name.as_str()).copied();
        let host = name.as_str().to_string();
        Box::pin(async move {
            match found {
                Some(ip) => {
                    let addrs: reqwest::dns::Addrs =
                        Box::new(std::iter::once(SocketAddr::new(ip, 0)));
                    Ok(addrs)
                }
                None => Err(format!("unknown test host {host}").into()),
            }
        })
    }
}

/// One hub of a test network.
pub struct TestHub {
    pub name: String,
    pub host: String,
    pub base_url: String,
    pub addr: SocketAddr,
    pub hub: Hub,
    pub config: Config,
    deps: Deps,
    pub resolver: Arc<Resolver>,
    running: Option<RunningHub>,
    // Dropped last: the database and files.
    _db: TestDb,
    dir: tempfile::TempDir,
}

impl TestHub {
    /// The hub's shared state.
    pub fn ctx(&self) -> &hub::ctx::Ctx {
        self.hub.ctx()
    }

    /// Where the hub writes mail.
    pub fn mail_dir(&self) -> PathBuf {
        self.dir.path().join("mail")
    }

    /// The hub's data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// A fresh browser for this hub.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url, self.resolver.clone())
    }

    /// A verified account created directly (like `hub admin account create`).
    pub async fn account(&self, email: &str, password: &str) -> i64 {
        hub::service::account::create_verified(self.ctx(), email, password, false)
            .await
            .expect("create account")
    }

    /// A channel for an account created directly.
    pub async fn channel(
        &self,
        account_id: i64,
        nick: &str,
        name: &str,
    ) -> hub::service::channel::Channel {
        hub::service::channel::create(self.ctx(), account_id, nick, name, "personal")
            .await
            .expect("create channel")
    }

    /// A channel's private RSA key, read from the store (tests that sign as the channel).
    pub async fn channel_key(&self, ch: &hub::service::channel::Channel) -> zot::keys::RsaKeypair {
        let id = ch.channel_id;
        let row = self
            .ctx()
            .db
            .run(move |c| hub::store::channel::find(c, id))
            .await
            .unwrap()
            .unwrap();
        zot::keys::RsaKeypair::from_private_pem(&row.channel_prvkey).unwrap()
    }

    /// Stops serving (the data stays): the hub is offline, connections to it are refused.
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// A second process of this hub: another `Hub` on the same database and data directory
    /// (its own pool and queue worker id), as a second `hub serve` behind a load balancer.
    pub fn twin(&self) -> Hub {
        Hub::build(self.config.clone(), self.deps.clone()).expect("build the twin")
    }

    /// Whether the hub is serving.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Starts the hub again on the same address, from its data (as after a crash or a
    /// restart: a new process, nothing kept in memory).
    pub async fn restart(&mut self) {
        self.stop().await;
        let hub = Hub::build(self.config.clone(), self.deps.clone()).expect("rebuild hub");
        let listener = std::net::TcpListener::bind(self.addr).expect("bind the same address");
        self.running = Some(hub.serve(listener).expect("serve"));
        self.hub = hub;
    }
}

/// Several hubs sharing a clock and a name resolver.
pub struct TestNet {
    pub clock: ManualClock,
    pub hubs: Vec<TestHub>,
    pub resolver: Arc<Resolver>,
}

impl TestNet {
    /// Starts hubs with the given names (`alpha` → `http://alpha.test:PORT`).
    pub async fn start(names: &[&str]) -> Self {
        Self::start_with(names, |_| {}).await
    }

    /// Starts hubs, letting the test adjust each configuration first.
    pub async fn start_with(names: &[&str], adjust: impl Fn(&mut Config)) -> Self {
        let clock = ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
        );
        let resolver = Arc::new(Resolver::default());
        let mut bound = Vec::new();
        for name in names {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let addr = listener.local_addr().unwrap();
            let host = format!("{name}.test");
            resolver.add(&host);
            bound.push((name.to_string(), host, addr, listener));
        }
        let mut hubs = Vec::new();
        for (name, host, addr, listener) in bound {
            let dir = tempfile::tempdir().unwrap();
            let db = TestDb::create(&name);
            let base_url = format!("http://{host}:{}", addr.port());
            let mut config = Config::for_test(&name, dir.path(), &base_url, db.url.clone());
            adjust(&mut config);
            let deps = Deps {
                clock: Arc::new(clock.clone()),
                mailer: None,
                resolver: Some(resolver.clone()),
            };
            let hub = Hub::build(config.clone(), deps.clone()).expect("build hub");
            let running = hub.serve(listener).expect("serve");
            hubs.push(TestHub {
                name,
                host,
                base_url,
                addr,
                hub,
                config,
                deps,
                resolver: resolver.clone(),
                running: Some(running),
                _db: db,
                dir,
            });
        }
        Self {
            clock,
            hubs,
            resolver,
        }
    }

    /// One hub named `alpha`.
    pub async fn single() -> Self {
        Self::start(&["alpha"]).await
    }

    /// The hub with this name.
    pub fn hub(&self, name: &str) -> &TestHub {
        self.hubs
            .iter()
            .find(|h| h.name == name)
            .unwrap_or_else(|| panic!("no hub {name}"))
    }

    /// Runs every due delivery on every running hub, round after round, until the network is
    /// quiet; returns the messages attempted. Panics with a dump of the queues if it is still
    /// busy after 200 rounds (a delivery loop).
    pub async fn drain(&self) -> usize {
        let mut total = 0;
        for _ in 0..200 {
            let mut round = 0;
            for h in self.hubs.iter().filter(|h| h.running.is_some()) {
                round += hub::queue::run_due(h.ctx()).await.expect("delivery round");
            }
            if round == 0 {
                return total;
            }
            total += round;
        }
        let mut dump = String::new();
        for h in &self.hubs {
            let status = h
                .ctx()
                .db
                .run(hub::store::outq::status)
                .await
                .unwrap_or_default();
            for (d, depth, oldest) in status {
                dump.push_str(&format!(
                    "{}: {} depth {depth} oldest {oldest:?} failures {} next {} error {:?}\n",
                    h.name, d.dest_url, d.dest_failures, d.dest_next, d.dest_last_error
                ));
            }
        }
        panic!("the network is not quiet after 200 rounds:\n{dump}");
    }

    /// The hub with this name, to stop or restart it.
    pub fn hub_mut(&mut self, name: &str) -> &mut TestHub {
        self.hubs
            .iter_mut()
            .find(|h| h.name == name)
            .unwrap_or_else(|| panic!("no hub {name}"))
    }

    /// Stops every hub.
    pub async fn stop(mut self) {
        for h in &mut self.hubs {
            h.stop().await;
        }
    }
}
