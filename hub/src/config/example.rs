//! The documentation of every configuration key, and `config/hub.example.toml` generated from
//! it (`hub config example`); a test checks that it names every field of `RawConfig`.

use super::RawConfig;

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
        section: "accounts",
        key: "delete_grace_days",
        doc: "Days between asking to delete a channel or an account and its removal (the owner may cancel until then); 0 removes it at the lifecycle job's next run.",
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
        key: "api_per_minute",
        doc: "Client API requests per access token (without one, per client address) per minute.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "api_apps_per_hour",
        doc: "Client API app registrations and token requests per client address per hour.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "storage_quota_mb",
        doc: "Cloud storage per account in MiB, all its channels' files together; uploads past it are refused before they are stored.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "upload_max_mb",
        doc: "Largest single file upload in MiB.",
        example: "",
    },
    KeyDoc {
        section: "limits",
        key: "sso_per_minute",
        doc: "Single sign-on requests (`/owa` token requests, `/rmagic`) per client address per minute.",
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
    KeyDoc {
        section: "storage",
        key: "backend",
        doc: "Where cloud files' content lives: local (under <data_dir>/blobs) or s3 (an\n\
              S3-compatible bucket, which several hub serve processes on one database may share).",
        example: "",
    },
    KeyDoc {
        section: "storage",
        key: "s3_endpoint",
        doc: "S3 endpoint URL (MinIO, Garage, Ceph, ...; path-style requests). Unset: AWS itself.",
        example: "\"https://s3.example.org\"",
    },
    KeyDoc {
        section: "storage",
        key: "s3_bucket",
        doc: "Bucket holding the blobs (required for s3; it must exist).",
        example: "\"caravan-files\"",
    },
    KeyDoc {
        section: "storage",
        key: "s3_region",
        doc: "Region the requests are signed for.",
        example: "",
    },
    KeyDoc {
        section: "storage",
        key: "s3_access_key_id",
        doc: "Access key id (required for s3).",
        example: "\"caravan\"",
    },
    KeyDoc {
        section: "storage",
        key: "s3_secret_access_key",
        doc: "Secret access key (required for s3; prefer the environment:\n\
              HUB__STORAGE__S3_SECRET_ACCESS_KEY). Never logged.",
        example: "\"secret\"",
    },
    KeyDoc {
        section: "storage",
        key: "s3_allow_http",
        doc: "Allow a plain http:// s3_endpoint. Only for tests and local development.",
        example: "",
    },
];

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
