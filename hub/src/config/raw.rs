//! The configuration file as written: serde structs with their defaults, every key optional,
//! unknown keys rejected, loaded from TOML plus `HUB__SECTION__KEY` environment overrides.
//! Validation into `Config` is `config.rs`; the documented example is `config/example.rs`.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use super::ConfigError;

/// The file as written by the admin: serde only, every key optional, unknown keys rejected.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawConfig {
    /// `[site]`
    pub site: RawSite,
    /// `[http]`
    pub http: RawHttp,
    /// `[paths]`
    pub paths: RawPaths,
    /// `[db]`
    pub db: RawDb,
    /// `[mail]`
    pub mail: RawMail,
    /// `[accounts]`
    pub accounts: RawAccounts,
    /// `[limits]`
    pub limits: RawLimits,
    /// `[federation]`
    pub federation: RawFederation,
    /// `[tls]`
    pub tls: RawTls,
    /// `[storage]`
    pub storage: RawStorage,
}

/// `[storage]`: where cloud files' content lives.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawStorage {
    /// `local` (under `<data_dir>/blobs`) or `s3` (an S3-compatible bucket).
    pub backend: String,
    /// The S3 endpoint URL (MinIO, Garage, Ceph, …). Unset: AWS for `s3_region`.
    pub s3_endpoint: Option<String>,
    /// The bucket (required for `s3`; it must exist).
    pub s3_bucket: Option<String>,
    /// The region to sign for.
    pub s3_region: String,
    /// Access key id (required for `s3`).
    pub s3_access_key_id: Option<String>,
    /// Secret access key (required for `s3`; prefer the environment). Never logged.
    pub s3_secret_access_key: Option<String>,
    /// Allow a plain `http://` endpoint. Only for tests and local development.
    pub s3_allow_http: bool,
}

impl Default for RawStorage {
    fn default() -> Self {
        Self {
            backend: "local".into(),
            s3_endpoint: None,
            s3_bucket: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_allow_http: false,
        }
    }
}

impl std::fmt::Debug for RawStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawStorage")
            .field("backend", &self.backend)
            .field("s3_endpoint", &self.s3_endpoint)
            .field("s3_bucket", &self.s3_bucket)
            .field("s3_region", &self.s3_region)
            .field("s3_access_key_id", &self.s3_access_key_id)
            .field(
                "s3_secret_access_key",
                &self.s3_secret_access_key.as_ref().map(|_| "<hidden>"),
            )
            .field("s3_allow_http", &self.s3_allow_http)
            .finish()
    }
}

/// `[tls]`: serving https without a proxy.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawTls {
    /// PEM certificate chain. With `key_file`, `hub serve` speaks https on `http.bind`.
    pub cert_file: Option<String>,
    /// PEM private key of the certificate (PKCS#8, PKCS#1 or SEC1).
    pub key_file: Option<String>,
}

/// `[site]`: who this hub is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSite {
    /// Shown in page titles and the header.
    pub name: String,
    /// The hub's public base URL (scheme, host, optional port). It is the hub's identity on the
    /// network: every channel address and signature names it, so never change it after the
    /// first start. Unset: derived from `http.bind` (fine on a laptop, wrong on a server).
    pub base_url: Option<String>,
    /// Registration policy used when the hub first starts: `open`, `approve` or `closed`.
    /// Afterwards the admin changes it on /admin (stored in the database).
    pub register_policy: String,
}

impl Default for RawSite {
    fn default() -> Self {
        Self {
            name: "Caravan".into(),
            base_url: None,
            register_policy: "open".into(),
        }
    }
}

/// `[http]`: the web listener.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawHttp {
    /// Address and port to listen on.
    pub bind: String,
    /// Number of HTTP worker threads.
    pub workers: usize,
    /// Largest request body accepted, in bytes; larger requests get 413.
    pub max_body_bytes: usize,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` / `Forwarded` header
    /// names the real client. Empty: the TCP peer is the client and those headers are ignored.
    pub trusted_proxies: Vec<String>,
    /// Seconds a client has to send a request's headers.
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a request's whole body; slower uploads get 408.
    pub body_timeout_secs: u64,
}

impl Default for RawHttp {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            workers: 2,
            max_body_bytes: 1024 * 1024,
            trusted_proxies: Vec::new(),
            header_timeout_secs: 10,
            body_timeout_secs: 30,
        }
    }
}

/// `[paths]`: where the hub keeps its files.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawPaths {
    /// Data directory: the SQLite database, the session secret, mail written to files.
    pub data_dir: String,
    /// Serve static files from this directory instead of the copies built into the binary
    /// (for theming). Unset: built-in files.
    pub static_dir: Option<String>,
}

impl Default for RawPaths {
    fn default() -> Self {
        Self {
            data_dir: "data".into(),
            static_dir: None,
        }
    }
}

/// `[db]`: the database.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawDb {
    /// `postgres://user:pass@host/db` for PostgreSQL, or a SQLite file path (optionally
    /// `sqlite://PATH`). Unset: SQLite file `hub.sqlite` in the data directory.
    pub url: Option<String>,
    /// Connections kept in the pool.
    pub pool_size: u32,
}

impl Default for RawDb {
    fn default() -> Self {
        Self {
            url: None,
            pool_size: 8,
        }
    }
}

/// `[mail]`: outgoing mail (verification and password reset links).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawMail {
    /// `file` writes each mail as an .eml file under `<data_dir>/mail` and logs its path;
    /// `smtp` sends through `smtp_host`.
    pub mode: String,
    /// Sender address. Unset: `noreply@<host of base_url>`.
    pub from: Option<String>,
    /// SMTP relay host (mode `smtp`).
    pub smtp_host: Option<String>,
    /// SMTP port. Unset: 587 for `starttls`, 465 for `tls`, 25 for `none`.
    pub smtp_port: Option<u16>,
    /// SMTP transport security: `starttls`, `tls` or `none` (`none` only for a relay on loopback).
    pub smtp_security: String,
    /// SMTP user name, if the relay needs authentication.
    pub smtp_user: Option<String>,
    /// SMTP password (prefer the environment: `HUB__MAIL__SMTP_PASSWORD`).
    pub smtp_password: Option<String>,
}

impl Default for RawMail {
    fn default() -> Self {
        Self {
            mode: "file".into(),
            from: None,
            smtp_host: None,
            smtp_port: None,
            smtp_security: "starttls".into(),
            smtp_user: None,
            smtp_password: None,
        }
    }
}

/// `[accounts]`: account rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawAccounts {
    /// Shortest password accepted, in characters.
    pub min_password_len: usize,
    /// Hours an email verification link stays valid.
    pub verify_link_hours: u32,
    /// Minutes a password reset link stays valid.
    pub reset_link_minutes: u32,
    /// Most channels one account may own.
    pub max_channels: u32,
    /// A login session ends after this many hours without a request.
    pub session_idle_hours: u32,
    /// A login session ends this many days after the login, used or not.
    pub session_max_days: u32,
    /// Days between asking to delete a channel or an account and its removal (the owner may
    /// cancel until then); 0 removes it at the lifecycle job's next run.
    pub delete_grace_days: u32,
}

impl Default for RawAccounts {
    fn default() -> Self {
        Self {
            min_password_len: 10,
            verify_link_hours: 48,
            reset_link_minutes: 60,
            max_channels: 10,
            session_idle_hours: 168,
            session_max_days: 30,
            delete_grace_days: 7,
        }
    }
}

/// `[limits]`: per-client-address rate limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawLimits {
    /// Login attempts per client address per minute.
    pub login_per_minute: u32,
    /// Registrations (and password reset requests) per client address per hour.
    pub register_per_hour: u32,
    /// New-password submissions from reset links per client address per minute.
    pub reset_per_minute: u32,
    /// Wrong passwords for one account before its logins are slowed down.
    pub login_failures_before_backoff: u32,
    /// Longest wait, in minutes, the per-account backoff imposes.
    pub login_backoff_max_minutes: u32,
    /// Posts (and comments) per account per hour.
    pub posts_per_hour: u32,
    /// Single sign-on requests (`/owa`, `/rmagic`) per client address per minute.
    pub sso_per_minute: u32,
    /// Client API requests per access token (or, without one, per client address) per minute.
    pub api_per_minute: u32,
    /// Client API app registrations and token requests per client address per hour.
    pub api_apps_per_hour: u32,
    /// Cloud storage per account, in MiB (all its channels' files together).
    pub storage_quota_mb: u64,
    /// Largest single upload, in MiB.
    pub upload_max_mb: u64,
}

impl Default for RawLimits {
    fn default() -> Self {
        Self {
            login_per_minute: 10,
            register_per_hour: 5,
            reset_per_minute: 10,
            login_failures_before_backoff: 5,
            login_backoff_max_minutes: 15,
            posts_per_hour: 60,
            sso_per_minute: 30,
            api_per_minute: 300,
            api_apps_per_hour: 30,
            storage_quota_mb: 1024,
            upload_max_mb: 512,
        }
    }
}

/// `[federation]`: talking to other hubs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawFederation {
    /// Accept and fetch plain `http://` hubs. Only for tests and local development.
    pub allow_http: bool,
    /// Allow outbound fetches to loopback and private addresses. Only for tests.
    pub allow_private_addresses: bool,
    /// Timeout of one outbound request, in seconds.
    pub request_timeout_secs: u64,
    /// A PEM bundle of extra certificate authorities trusted for outbound https (private CAs,
    /// test networks), added to the system's. Unset: the system roots only.
    pub ca_file: Option<String>,
    /// Run the delivery worker in this process (`hub serve`). Several processes on one
    /// PostgreSQL database may all run it: they share the queue without sending twice.
    pub queue_worker: bool,
    /// A destination failing this many days in a row is not tried again until it contacts us.
    pub dead_after_days: u32,
    /// Days delivery reports (sent messages) are kept for their authors before pruning.
    pub report_days: u32,
}

impl Default for RawFederation {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private_addresses: false,
            request_timeout_secs: 20,
            ca_file: None,
            queue_worker: true,
            dead_after_days: 30,
            report_days: 7,
        }
    }
}

impl RawConfig {
    /// Loads defaults, then the TOML file (if given), then `HUB__SECTION__KEY` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(RawConfig::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::Invalid {
                    key: "--config",
                    reason: format!("file {} does not exist", path.display()),
                });
            }
            fig = fig.merge(Toml::file_exact(path));
        }
        fig = fig.merge(Env::prefixed("HUB__").split("__"));
        fig.extract().map_err(|e| ConfigError::Load(Box::new(e)))
    }
}
