//! The composition root: [`Hub::build`] turns a `Config` plus injectable `Deps` (clock, mailer,
//! outbound HTTP client) into a hub with its database migrated and its site key ready, and
//! [`Hub::serve`] runs it on a listener the caller bound. No process-wide state: a test process
//! can build several hubs.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::cookie::Key;
use base64::Engine;
use rand::RngCore;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::ctx::{Ctx, Inner};
use crate::error::{Error, Result, ResultExt};
use crate::hashing::PasswordHasher;
use crate::mail::{self, Mailer};
use crate::net::Net;
use crate::ratelimit::RateLimiter;
use crate::store::Db;

/// What a hub gets from outside; tests replace the defaults.
#[derive(Clone)]
pub struct Deps {
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Mailer; `None` builds the one the configuration asks for.
    pub mailer: Option<Arc<dyn Mailer>>,
    /// Name resolver for outbound requests; `None` uses the system's (test networks resolve
    /// their own host names). Internal addresses are refused either way unless configured.
    pub resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
}

impl std::fmt::Debug for Deps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deps")
            .field("clock", &self.clock)
            .field("custom_resolver", &self.resolver.is_some())
            .finish_non_exhaustive()
    }
}

impl Deps {
    /// The real clock, the configured mailer, a default HTTP client.
    pub fn production() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            mailer: None,
            resolver: None,
        }
    }
}

/// A built hub, ready to serve.
#[derive(Clone)]
pub struct Hub {
    ctx: Ctx,
    session_key: Key,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("ctx", &self.ctx)
            .finish_non_exhaustive()
    }
}

/// A hub serving HTTP; stop it with [`RunningHub::stop`].
pub struct RunningHub {
    handle: actix_web::dev::ServerHandle,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl RunningHub {
    /// Stops accepting connections, finishes requests in flight, and waits for the server.
    pub async fn stop(self) {
        if let Some(w) = &self.worker {
            w.abort();
        }
        self.handle.stop(true).await;
        let _ = self.task.await;
    }

    /// Waits until the server stops (by signal or `stop`).
    pub async fn wait(self) -> Result<()> {
        let out = self.task.await;
        if let Some(w) = &self.worker {
            w.abort();
        }
        out.context("server task")?.context("HTTP server")
    }

    /// A handle to stop the server from elsewhere.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.handle.clone()
    }
}

impl Hub {
    /// Opens (creating if needed) the data directory and database, runs migrations, loads or
    /// creates the site key. Blocking; call before serving.
    pub fn build(mut config: Config, deps: Deps) -> Result<Self> {
        crate::files::create_private_dir(&config.data_dir)
            .context("creating the data directory")?;
        let db = Db::open(&config.db_url, config.pool_size)?;
        let applied = db.migrate()?;
        if !applied.is_empty() {
            tracing::info!(?applied, backend = ?db.backend(), "database migrated");
        }
        crate::identity::adopt_stored_base_url(&db, &mut config)?;
        let site = crate::identity::load_or_create(&db, &config, deps.clock.now_db())?;
        let session_key = load_or_create_session_key(&config)?;
        let mailer = match deps.mailer {
            Some(m) => m,
            None => mail::from_config(&config)?,
        };
        let net = Net::new(&config, deps.clock.clone(), deps.resolver)?;
        let blobs = crate::blobs::Blobs::build(&config.data_dir.join("blobs"), &config.storage)?;
        tracing::debug!(backend = blobs.backend(), "blob store");
        let ctx = Ctx::new(Inner {
            uris: config.uris(),
            config,
            db,
            clock: deps.clock,
            mailer,
            site,
            limiter: RateLimiter::default(),
            hasher: PasswordHasher::for_this_machine(),
            net,
            queue: crate::queue::Queue::default(),
            bbcode: crate::service::text::Bbcode::new(),
            streams: crate::service::streaming::Streams::new(std::time::Duration::from_millis(200)),
            blobs,
            i18n: Arc::new(crate::i18n::Catalogue::new()),
        });
        Ok(Self { ctx, session_key })
    }

    /// The hub's shared state (for the CLI and tests).
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Serves HTTP on an already bound listener; must be called inside a Tokio/actix runtime.
    pub fn serve(&self, listener: TcpListener) -> Result<RunningHub> {
        let ctx = self.ctx.clone();
        let key = self.session_key.clone();
        let workers = ctx.config.workers;
        let header_timeout = ctx.config.header_timeout;
        let tls = match &ctx.config.tls {
            Some((cert, key)) => Some(tls_config(cert, key)?),
            None => None,
        };
        let server = actix_web::HttpServer::new(move || crate::http::app(ctx.clone(), key.clone()));
        let server = match tls {
            Some(cfg) => server
                .listen_rustls_0_23(listener, cfg)
                .context("listening with TLS")?,
            None => server.listen(listener).context("listening")?,
        };
        let server = server
            .workers(workers)
            // The time a client has for its request head; bodies have `http.body_timeout_secs`
            // (see `http::middleware::deadline_body`).
            .client_request_timeout(header_timeout)
            .disable_signals()
            .shutdown_timeout(10)
            .run();
        let handle = server.handle();
        let task = tokio::spawn(server);
        let worker = self
            .ctx
            .config
            .federation
            .queue_worker
            .then(|| crate::queue::spawn(self.ctx.clone()));
        Ok(RunningHub {
            handle,
            task,
            worker,
        })
    }
}

/// Applies pending migrations without building a hub (`hub migrate`); returns the versions
/// applied and the backend's name.
pub fn migrate(config: &Config) -> Result<(Vec<String>, &'static str)> {
    let db = Db::open(&config.db_url, 1)?;
    Ok((db.migrate()?, backend_name(&config.db_url)))
}

/// The name of the backend a database URL selects.
pub fn backend_name(url: &str) -> &'static str {
    match crate::store::Backend::of(url) {
        crate::store::Backend::Sqlite => "SQLite",
        crate::store::Backend::Postgres => "PostgreSQL",
    }
}

/// The rustls configuration for `tls.cert_file` and `tls.key_file`.
fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<rustls::ServerConfig> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(|e| Error::internal(anyhow::anyhow!("{}: {e}", cert.display())))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::internal(anyhow::anyhow!("{}: {e}", cert.display())))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| Error::internal(anyhow::anyhow!("{}: {e}", key.display())))?;
    rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS protocol versions")?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .context("TLS certificate and key")
}

/// The key signing and encrypting session cookies: 64 random bytes in `<data_dir>/session.key`,
/// created on first start (mode 0600).
fn load_or_create_session_key(config: &Config) -> Result<Key> {
    let path = config.data_dir.join("session.key");
    let engine = base64::engine::general_purpose::STANDARD;
    if let Ok(text) = std::fs::read_to_string(&path) {
        let bytes = engine
            .decode(text.trim())
            .map_err(|e| Error::internal(anyhow::anyhow!("{}: {e}", path.display())))?;
        return Key::try_from(bytes.as_slice())
            .map_err(|e| Error::internal(anyhow::anyhow!("{}: {e}", path.display())));
    }
    let mut bytes = [0u8; 64];
    rand::rng().fill_bytes(&mut bytes);
    crate::files::write_new_private(&path, engine.encode(bytes).as_bytes())
        .context("creating session.key")?;
    Ok(Key::from(&bytes))
}
