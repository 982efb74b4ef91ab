//! Boot configuration: the TOML file plus `HUB__SECTION__KEY` environment overrides, validated
//! into [`Config`]. Owns the documentation of every key and generates `config/hub.example.toml`.
//! Settings an admin changes at run time (registration policy) live in the database instead.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

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

/// One documented key of the example file.
struct KeyDoc {
    section: &'static str,
    key: &'static str,
    doc: &'static str,
    /// Shown commented out when the key has no default.
    example: &'static str,
}

/// The documentation of every key, in file order. `hub config example` prints it; a test checks
/// that it names every field of [`RawConfig`].
const KEY_DOCS: &[KeyDoc] = &[
    KeyDoc {
        section: "site",
        key: "name",
        doc: "Shown in page titles and the header.",
        example: "",
    },
    KeyDoc {
        section: "site",
        key: "base_url",
        doc: "The hub's public base URL (scheme, host, optional port). It is the hub's identity on\n\
              the network: never change it after the first start. Unset: derived from http.bind.",
        example: "\"https://hub.example.org\"",
    },
    KeyDoc {
        section: "site",
        key: "register_policy",
        doc: "Registration policy at first start: open, approve or closed. Later changed on /admin.",
        example: "",
    },
    KeyDoc {
        section: "http",
        key: "bind",
        doc: "Address and port to listen on.",
        example: "",
    },
    KeyDoc {
        section: "http",
        key: "workers",
        doc: "Number of HTTP worker threads.",
        example: "",
    },
    KeyDoc {
        section: "http",
        key: "max_body_bytes",
        doc: "Largest request body accepted, in bytes; larger requests are refused with 413.",
        example: "",
    },
    KeyDoc {
        section: "http",
        key: "trusted_proxies",
        doc: "Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For / Forwarded header\n\
              names the real client. Empty: the TCP peer is the client and those headers are ignored.",
        example: "",
    },
    KeyDoc {
        section: "http",
        key: "header_timeout_secs",
        doc: "Seconds a client has to send a request's headers.",
        example: "",
    },
    KeyDoc {
        section: "http",
        key: "body_timeout_secs",
        doc: "Seconds a client has to send a request's whole body; slower uploads get 408.",
        example: "",
    },
    KeyDoc {
        section: "paths",
        key: "data_dir",
        doc: "Data directory: SQLite database, session secret, mail written to files.",
        example: "",
    },
    KeyDoc {
        section: "paths",
        key: "static_dir",
        doc: "Serve static files from this directory instead of the built-in copies (theming).",
        example: "\"/srv/caravan/static\"",
    },
    KeyDoc {
        section: "db",
        key: "url",
        doc: "postgres://user:pass@host/db for PostgreSQL, or a SQLite file path.\n\
              Unset: SQLite file hub.sqlite in the data directory.",
        example: "\"postgres://caravan:secret@127.0.0.1/caravan\"",
    },
    KeyDoc {
        section: "db",
        key: "pool_size",
        doc: "Connections kept in the pool.",
        example: "",
    },
    KeyDoc {
        section: "mail",
        key: "mode",
        doc: "file: write each mail as an .eml file under <data_dir>/mail and log its path;\n\
              smtp: send through smtp_host.",
        example: "",
    },
    KeyDoc {
        section: "mail",
        key: "from",
        doc: "Sender address. Unset: noreply@<host of base_url>.",
        example: "\"Caravan <noreply@hub.example.org>\"",
    },
    KeyDoc {
        section: "mail",
        key: "smtp_host",
        doc: "SMTP relay host (mode smtp).",
        example: "\"smtp.example.org\"",
    },
    KeyDoc {
        section: "mail",
        key: "smtp_port",
        doc: "SMTP port. Unset: 587 for starttls, 465 for tls, 25 for none.",
        example: "587",
    },
    KeyDoc {
        section: "mail",
        key: "smtp_security",
        doc: "SMTP transport security: starttls, tls or none (none only for a relay on loopback).",
        example: "",
    },
    KeyDoc {
        section: "mail",
        key: "smtp_user",
        doc: "SMTP user name, if the relay needs authentication.",
        example: "\"caravan\"",
    },
    KeyDoc {
        section: "mail",
        key: "smtp_password",
        doc: "SMTP password (prefer the environment: HUB__MAIL__SMTP_PASSWORD).",
        example: "\"secret\"",
    },
    KeyDoc {
        section: "accounts",
        key: "min_password_len",
        doc: "Shortest password accepted, in characters.",
        example: "",
    },
    KeyDoc {
        section: "accounts",
        key: "verify_link_hours",
        doc: "Hours an email verification link stays valid.",
        example: "",
    },
    KeyDoc {
        section: "accounts",
        key: "reset_link_minutes",
        doc: "Minutes a password reset link stays valid.",
        example: "",
    },
    KeyDoc {
        section: "accounts",
        key: "max_channels",
        doc: "Most channels one account may own.",
        example: "",
    },
    KeyDoc {
        section: "accounts",
        key: "session_idle_hours",
        doc: "A login session ends after this many hours without a request.",
        example: "",
    },
    KeyDoc {
        section: "accounts",
        key: "session_max_days",
        doc: "A login session ends this many days after the login, used or not.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "login_per_minute",
        doc: "Login attempts per client address per minute.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "register_per_hour",
        doc: "Registrations and password reset requests per client address per hour.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "reset_per_minute",
        doc: "New-password submissions from reset links per client address per minute.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "login_failures_before_backoff",
        doc: "Wrong passwords for one account before its logins are slowed down (doubling waits).",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "login_backoff_max_minutes",
        doc: "Longest wait, in minutes, the per-account login backoff imposes.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "posts_per_hour",
        doc: "Posts per account per hour.",
        example: "",
    },
    KeyDoc {
        section: "federation",
        key: "allow_http",
        doc: "Accept and fetch plain http:// hubs. Only for tests and local development.",
        example: "",
    },
    KeyDoc {
        section: "federation",
        key: "allow_private_addresses",
        doc: "Allow outbound fetches to loopback and private addresses. Only for tests.",
        example: "",
    },
    KeyDoc {
        section: "federation",
        key: "request_timeout_secs",
        doc: "Timeout of one outbound request, in seconds.",
        example: "",
    },
    KeyDoc {
        section: "federation",
        key: "ca_file",
        doc: "PEM bundle of extra certificate authorities trusted for outbound https (private CAs,\n\
              test networks), added to the system's.",
        example: "\"/etc/caravan/extra-ca.pem\"",
    },
    KeyDoc {
        section: "federation",
        key: "queue_worker",
        doc: "Run the delivery worker in this process (hub serve). Several processes on one\n\
              PostgreSQL database may all run it: they share the queue without sending twice.",
        example: "",
    },
    KeyDoc {
        section: "federation",
        key: "dead_after_days",
        doc: "A destination failing this many days in a row is not tried again until it contacts us.",
        example: "",
    },
    KeyDoc {
        section: "federation",
        key: "report_days",
        doc: "Days delivery reports (sent messages) are kept for their authors before pruning.",
        example: "",
    },
    KeyDoc {
        section: "tls",
        key: "cert_file",
        doc: "PEM certificate chain. With key_file, hub serve speaks https on http.bind (no proxy\n\
              needed). Set site.base_url to the https URL.",
        example: "\"/etc/caravan/fullchain.pem\"",
    },
    KeyDoc {
        section: "tls",
        key: "key_file",
        doc: "PEM private key of the certificate (PKCS#8, PKCS#1 or SEC1).",
        example: "\"/etc/caravan/privkey.pem\"",
    },
];

/// Registration policy of the hub (Hubzilla's REGISTER_OPEN / APPROVE / CLOSED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterPolicy {
    /// Anyone may register; the account works once the email is verified.
    Open,
    /// Accounts wait for an admin's approval after verifying their email.
    Approve,
    /// Nobody may register through the web (the CLI still creates accounts).
    Closed,
}

impl RegisterPolicy {
    /// Parses the stored or configured name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "approve" => Some(Self::Approve),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Approve => "approve",
            Self::Closed => "closed",
        }
    }
}

/// How mail leaves the hub.
#[derive(Debug, Clone)]
pub enum MailMode {
    /// Each mail is written as an .eml file into this directory.
    File(PathBuf),
    /// Mail goes to an SMTP relay.
    Smtp(SmtpConfig),
}

/// SMTP relay settings.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Relay host.
    pub host: String,
    /// Relay port.
    pub port: u16,
    /// `starttls`, `tls` or `none`.
    pub security: String,
    /// Credentials, if any.
    pub credentials: Option<(String, String)>,
}

/// The validated configuration, with derived values. Lives in `Ctx`; never global.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site name shown on pages.
    pub site_name: String,
    /// Public base URL without trailing slash, e.g. `http://127.0.0.1:8080`.
    pub base_url: Url,
    /// Whether `base_url` was configured (else it was derived from `http.bind`, and a hub that
    /// already has a stored base URL keeps that one: its identity never changes by accident).
    pub base_url_configured: bool,
    /// Registration policy used on a fresh database.
    pub initial_register_policy: RegisterPolicy,
    /// Listen address.
    pub bind: SocketAddr,
    /// HTTP worker threads.
    pub workers: usize,
    /// Request body limit in bytes.
    pub max_body_bytes: usize,
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Time allowed for a request's headers.
    pub header_timeout: std::time::Duration,
    /// Time allowed for a request's body.
    pub body_timeout: std::time::Duration,
    /// Data directory (created at start).
    pub data_dir: PathBuf,
    /// Static files from disk instead of the embedded copies.
    pub static_dir: Option<PathBuf>,
    /// Database URL (PostgreSQL URL or SQLite path).
    pub db_url: String,
    /// Pool size.
    pub pool_size: u32,
    /// Mail transport.
    pub mail: MailMode,
    /// Mail sender.
    pub mail_from: String,
    /// Account rules.
    pub accounts: RawAccounts,
    /// Rate limits.
    pub limits: RawLimits,
    /// Federation switches.
    pub federation: RawFederation,
    /// Certificate and key when the hub terminates TLS itself.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// A configuration error: which key and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file or environment could not be read or has wrong types / unknown keys.
    #[error("cannot load configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    /// A value is present but not acceptable.
    #[error("invalid configuration value for {key}: {reason}")]
    Invalid {
        /// `section.key`
        key: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Overrides from the command line, applied after file and environment.
#[derive(Debug, Clone, Default)]
pub struct CliOverrides {
    /// `--data DIR`
    pub data_dir: Option<PathBuf>,
    /// `--bind ADDR`
    pub bind: Option<String>,
    /// `--base-url URL`
    pub base_url: Option<String>,
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

impl Config {
    /// Validates a raw configuration and derives the rest.
    pub fn from_raw(mut raw: RawConfig, cli: &CliOverrides) -> Result<Self, ConfigError> {
        if let Some(d) = &cli.data_dir {
            raw.paths.data_dir = d.display().to_string();
        }
        if let Some(b) = &cli.bind {
            raw.http.bind = b.clone();
        }
        if let Some(u) = &cli.base_url {
            raw.site.base_url = Some(u.clone());
        }
        let bind: SocketAddr = raw.http.bind.parse().map_err(|_| ConfigError::Invalid {
            key: "http.bind",
            reason: format!("{:?} is not an address like 127.0.0.1:8080", raw.http.bind),
        })?;
        let base_url = match &raw.site.base_url {
            Some(u) => parse_base_url(u)?,
            None => {
                let host = if bind.ip().is_unspecified() {
                    "127.0.0.1".to_string()
                } else {
                    bind.ip().to_string()
                };
                let host = if bind.is_ipv6() && !bind.ip().is_unspecified() {
                    format!("[{host}]")
                } else {
                    host
                };
                parse_base_url(&format!("http://{host}:{}", bind.port()))?
            }
        };
        let initial_register_policy =
            RegisterPolicy::parse(&raw.site.register_policy).ok_or_else(|| {
                ConfigError::Invalid {
                    key: "site.register_policy",
                    reason: "must be open, approve or closed".into(),
                }
            })?;
        if raw.http.workers == 0 {
            return Err(ConfigError::Invalid {
                key: "http.workers",
                reason: "must be at least 1".into(),
            });
        }
        if raw.http.max_body_bytes < 1024 {
            return Err(ConfigError::Invalid {
                key: "http.max_body_bytes",
                reason: "must be at least 1024".into(),
            });
        }
        let tls = match (&raw.tls.cert_file, &raw.tls.key_file) {
            (Some(c), Some(k)) => Some((PathBuf::from(c), PathBuf::from(k))),
            (None, None) => None,
            _ => {
                return Err(ConfigError::Invalid {
                    key: "tls.cert_file",
                    reason: "tls.cert_file and tls.key_file go together".into(),
                });
            }
        };
        let trusted_proxies = raw
            .http
            .trusted_proxies
            .iter()
            .map(|p| parse_proxy(p))
            .collect::<Result<Vec<_>, _>>()?;
        if raw.http.header_timeout_secs == 0 || raw.http.body_timeout_secs == 0 {
            return Err(ConfigError::Invalid {
                key: "http.body_timeout_secs",
                reason: "timeouts must be at least 1 second".into(),
            });
        }
        if raw.accounts.session_idle_hours == 0 || raw.accounts.session_max_days == 0 {
            return Err(ConfigError::Invalid {
                key: "accounts.session_idle_hours",
                reason: "session lifetimes must be at least 1".into(),
            });
        }
        if raw.db.pool_size == 0 {
            return Err(ConfigError::Invalid {
                key: "db.pool_size",
                reason: "must be at least 1".into(),
            });
        }
        if raw.accounts.min_password_len < 8 {
            return Err(ConfigError::Invalid {
                key: "accounts.min_password_len",
                reason: "must be at least 8".into(),
            });
        }
        let data_dir = PathBuf::from(&raw.paths.data_dir);
        let db_url = match &raw.db.url {
            Some(u) if u.trim().is_empty() => {
                return Err(ConfigError::Invalid {
                    key: "db.url",
                    reason: "is empty".into(),
                });
            }
            Some(u) => u.clone(),
            None => data_dir.join("hub.sqlite").display().to_string(),
        };
        let host = base_url.host_str().unwrap_or("localhost").to_string();
        let mail = match raw.mail.mode.as_str() {
            "file" => MailMode::File(data_dir.join("mail")),
            "smtp" => {
                let host = raw.mail.smtp_host.clone().ok_or(ConfigError::Invalid {
                    key: "mail.smtp_host",
                    reason: "is required when mail.mode = \"smtp\"".into(),
                })?;
                let default_port = match raw.mail.smtp_security.as_str() {
                    "starttls" => 587,
                    "tls" => 465,
                    "none" => 25,
                    _ => {
                        return Err(ConfigError::Invalid {
                            key: "mail.smtp_security",
                            reason: "must be starttls, tls or none".into(),
                        });
                    }
                };
                let credentials = match (&raw.mail.smtp_user, &raw.mail.smtp_password) {
                    (Some(u), Some(p)) => Some((u.clone(), p.clone())),
                    (None, None) => None,
                    _ => {
                        return Err(ConfigError::Invalid {
                            key: "mail.smtp_user",
                            reason: "smtp_user and smtp_password go together".into(),
                        });
                    }
                };
                MailMode::Smtp(SmtpConfig {
                    host,
                    port: raw.mail.smtp_port.unwrap_or(default_port),
                    security: raw.mail.smtp_security.clone(),
                    credentials,
                })
            }
            other => {
                return Err(ConfigError::Invalid {
                    key: "mail.mode",
                    reason: format!("{other:?} is not file or smtp"),
                });
            }
        };
        let mail_from = raw
            .mail
            .from
            .clone()
            .unwrap_or_else(|| format!("{} <noreply@{host}>", raw.site.name));
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid {
                key: "mail.from",
                reason: format!("{mail_from:?} is not a mail address"),
            });
        }
        Ok(Self {
            site_name: raw.site.name,
            base_url_configured: raw.site.base_url.is_some(),
            base_url,
            initial_register_policy,
            bind,
            workers: raw.http.workers,
            max_body_bytes: raw.http.max_body_bytes,
            trusted_proxies,
            header_timeout: std::time::Duration::from_secs(raw.http.header_timeout_secs),
            body_timeout: std::time::Duration::from_secs(raw.http.body_timeout_secs),
            static_dir: raw.paths.static_dir.map(PathBuf::from),
            data_dir,
            db_url,
            pool_size: raw.db.pool_size,
            mail,
            mail_from,
            accounts: raw.accounts,
            limits: raw.limits,
            federation: raw.federation,
            tls,
        })
    }

    /// Loads and validates in one step (file, environment, command line).
    pub fn load(file: Option<&Path>, cli: &CliOverrides) -> Result<Self, ConfigError> {
        Self::from_raw(RawConfig::load(file)?, cli)
    }

    /// The URLs and addresses derived from the base URL (`Ctx` holds one; this is for code
    /// that runs before a hub exists).
    pub fn uris(&self) -> crate::uris::Uris {
        crate::uris::Uris::new(&self.base_url)
    }

    /// A configuration for tests: data in `dir`, the given base URL, mail to files, generous
    /// rate limits, plain HTTP and private addresses allowed. The database is SQLite in `dir`
    /// unless `db_url` is given.
    #[cfg(feature = "test-util")]
    pub fn for_test(name: &str, dir: &Path, base_url: &str, db_url: Option<String>) -> Self {
        let mut raw = RawConfig::default();
        raw.site.name = format!("Caravan {name}");
        raw.site.base_url = Some(base_url.to_string());
        raw.paths.data_dir = dir.display().to_string();
        raw.db.url = db_url;
        raw.db.pool_size = 4;
        raw.http.workers = 1;
        raw.http.bind = "127.0.0.1:0".into();
        raw.limits.login_per_minute = 1000;
        raw.limits.register_per_hour = 1000;
        raw.limits.reset_per_minute = 1000;
        raw.limits.posts_per_hour = 1000;
        raw.federation.allow_http = true;
        raw.federation.allow_private_addresses = true;
        // Tests deliver with TestNet::drain(), never on a timer.
        raw.federation.queue_worker = false;
        match Self::from_raw(raw, &CliOverrides::default()) {
            Ok(c) => c,
            Err(e) => panic!("test config invalid: {e}"),
        }
    }
}

/// A proxy address (`10.0.0.1`) or range (`10.0.0.0/8`).
fn parse_proxy(s: &str) -> Result<ipnet::IpNet, ConfigError> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| ConfigError::Invalid {
            key: "http.trusted_proxies",
            reason: format!("{s:?} is not an IP address or CIDR range"),
        })
}

fn parse_base_url(s: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        key: "site.base_url",
        reason: format!("{s:?}: {reason}"),
    };
    let url = Url::parse(s).map_err(|e| invalid(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(invalid("scheme must be http or https"));
    }
    if url.host_str().is_none() {
        return Err(invalid("has no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "must be scheme://host[:port] only (a hub lives at the root of its host)",
        ));
    }
    Ok(url)
}

/// The documented example configuration (`hub config example`; committed as
/// `config/hub.example.toml`).
pub fn example_toml() -> String {
    let defaults = toml::Value::try_from(RawConfig::default()).unwrap_or(toml::Value::Integer(0));
    let mut out = String::from(
        "# Caravan hub configuration. Generated by `hub config example`; every key is optional.\n\
         # Any key can also be set in the environment as HUB__SECTION__KEY, e.g. HUB__DB__URL.\n",
    );
    let mut section = "";
    for d in KEY_DOCS {
        if d.section != section {
            section = d.section;
            out.push_str(&format!("\n[{section}]\n"));
        }
        for line in d.doc.lines() {
            out.push_str(&format!("# {}\n", line.trim()));
        }
        match defaults.get(d.section).and_then(|s| s.get(d.key)) {
            Some(v) => out.push_str(&format!("{} = {}\n", d.key, v)),
            None => out.push_str(&format!("# {} = {}\n", d.key, d.example)),
        }
    }
    out
}

/// Every `section.key` the example documents (for the completeness test).
pub fn documented_keys() -> Vec<String> {
    KEY_DOCS
        .iter()
        .map(|d| format!("{}.{}", d.section, d.key))
        .collect()
}

#[cfg(test)]
mod tests;
