//! Boot configuration, validated: [`Config`] is what the hub runs with, derived from the raw
//! file and environment (`config/raw.rs`) and checked key by key (each refusal names its key).
//! The documentation of every key and the generated example live in `config/example.rs`.
//! Settings an admin changes at run time (registration policy) live in the database instead.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use url::Url;

mod example;
mod raw;

pub use example::{documented_keys, example_toml};
pub use raw::*;

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

/// Where cloud files' content lives (`storage.backend`).
#[derive(Debug, Clone)]
pub enum BlobBackend {
    /// Under `<data_dir>/blobs`.
    Local,
    /// In an S3-compatible bucket.
    S3(S3Config),
}

/// An S3-compatible bucket (`storage.s3_*`).
#[derive(Debug, Clone)]
pub struct S3Config {
    /// Endpoint URL; `None` for AWS itself.
    pub endpoint: Option<Url>,
    /// Bucket name.
    pub bucket: String,
    /// Region signed for.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Plain http endpoints allowed (tests).
    pub allow_http: bool,
}

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
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
    /// Where cloud files' content lives.
    pub storage: BlobBackend,
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
        let storage = parse_storage(&raw.storage)?;
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
            storage,
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
        raw.limits.sso_per_minute = 1000;
        raw.limits.api_per_minute = 100_000;
        raw.limits.api_apps_per_hour = 1000;
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

/// `[storage]`: the local store, or a complete S3 configuration.
fn parse_storage(raw: &RawStorage) -> Result<BlobBackend, ConfigError> {
    match raw.backend.as_str() {
        "local" => return Ok(BlobBackend::Local),
        "s3" => {}
        other => {
            return Err(ConfigError::Invalid {
                key: "storage.backend",
                reason: format!("{other:?} is not local or s3"),
            });
        }
    }
    let required = |key: &'static str, v: &Option<String>| -> Result<String, ConfigError> {
        match v {
            Some(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
            _ => Err(ConfigError::Invalid {
                key,
                reason: "is required when storage.backend = \"s3\"".into(),
            }),
        }
    };
    let bucket = required("storage.s3_bucket", &raw.s3_bucket)?;
    let access_key_id = required("storage.s3_access_key_id", &raw.s3_access_key_id)?;
    let secret = required("storage.s3_secret_access_key", &raw.s3_secret_access_key)?;
    if raw.s3_region.trim().is_empty() {
        return Err(ConfigError::Invalid {
            key: "storage.s3_region",
            reason: "is empty".into(),
        });
    }
    let endpoint = match &raw.s3_endpoint {
        None => None,
        Some(e) => {
            let invalid = |reason: &str| ConfigError::Invalid {
                key: "storage.s3_endpoint",
                reason: format!("{e:?}: {reason}"),
            };
            let url = Url::parse(e.trim()).map_err(|err| invalid(&err.to_string()))?;
            match url.scheme() {
                "https" => {}
                "http" if raw.s3_allow_http => {}
                "http" => return Err(invalid("plain http needs storage.s3_allow_http = true")),
                _ => return Err(invalid("scheme must be https (or http)")),
            }
            if url.host_str().is_none() {
                return Err(invalid("has no host"));
            }
            Some(url)
        }
    };
    Ok(BlobBackend::S3(S3Config {
        endpoint,
        bucket,
        region: raw.s3_region.trim().to_string(),
        access_key_id,
        secret_access_key: Secret(secret),
        allow_http: raw.s3_allow_http,
    }))
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

#[cfg(test)]
mod tests;

#[cfg(test)]
mod storage_tests {
    use super::*;

    fn with(f: impl FnOnce(&mut RawStorage)) -> Result<BlobBackend, ConfigError> {
        let mut raw = RawStorage::default();
        f(&mut raw);
        parse_storage(&raw)
    }

    #[test]
    fn storage_backends_are_checked_and_the_secret_never_shows() {
        assert!(matches!(with(|_| {}), Ok(BlobBackend::Local)));
        let err = |r: Result<BlobBackend, ConfigError>| match r {
            Err(ConfigError::Invalid { key, .. }) => key,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(err(with(|r| r.backend = "disk".into())), "storage.backend");
        assert_eq!(err(with(|r| r.backend = "s3".into())), "storage.s3_bucket");
        let full = |r: &mut RawStorage| {
            r.backend = "s3".into();
            r.s3_bucket = Some("files".into());
            r.s3_access_key_id = Some("id".into());
            r.s3_secret_access_key = Some("very-secret".into());
            r.s3_endpoint = Some("http://127.0.0.1:9000".into());
        };
        assert_eq!(err(with(full)), "storage.s3_endpoint");
        let ok = with(|r| {
            full(r);
            r.s3_allow_http = true;
        })
        .unwrap();
        let BlobBackend::S3(s3) = &ok else {
            panic!("not s3")
        };
        assert_eq!(s3.bucket, "files");
        assert_eq!(s3.region, "us-east-1");
        assert_eq!(s3.secret_access_key.expose(), "very-secret");
        assert!(!format!("{ok:?}").contains("very-secret"));
        let mut raw = RawStorage::default();
        full(&mut raw);
        assert!(!format!("{raw:?}").contains("very-secret"));
        assert_eq!(
            err(with(|r| {
                full(r);
                r.s3_secret_access_key = None;
            })),
            "storage.s3_secret_access_key"
        );
    }
}
