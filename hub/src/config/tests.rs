//! Tests of configuration loading, validation and the generated example.
#![allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error.

use super::*;

fn all_keys_of(value: &toml::Value) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(table) = value.as_table() {
        for (section, inner) in table {
            if let Some(inner) = inner.as_table() {
                for key in inner.keys() {
                    keys.push(format!("{section}.{key}"));
                }
            }
        }
    }
    keys.sort();
    keys
}

#[test]
fn example_documents_every_key_and_parses_back() {
    // A config with every optional key set, so serialisation shows all of them.
    let mut raw = RawConfig::default();
    raw.site.base_url = Some("https://x.example".into());
    raw.paths.static_dir = Some("s".into());
    raw.db.url = Some("u".into());
    raw.mail.from = Some("a@b.c".into());
    raw.mail.smtp_host = Some("h".into());
    raw.mail.smtp_port = Some(1);
    raw.mail.smtp_user = Some("u".into());
    raw.mail.smtp_password = Some("p".into());
    raw.federation.ca_file = Some("ca.pem".into());
    raw.tls.cert_file = Some("c.pem".into());
    raw.tls.key_file = Some("k.pem".into());
    raw.storage.s3_endpoint = Some("https://s3.example".into());
    raw.storage.s3_bucket = Some("b".into());
    raw.storage.s3_access_key_id = Some("i".into());
    raw.storage.s3_secret_access_key = Some("s".into());
    let all = all_keys_of(&toml::Value::try_from(&raw).unwrap());
    let mut documented = documented_keys();
    documented.sort();
    assert_eq!(
        all, documented,
        "KEY_DOCS must document exactly the fields of RawConfig"
    );

    let example = example_toml();
    let parsed: RawConfig = toml::from_str(&example).unwrap();
    assert_eq!(parsed.http.bind, "127.0.0.1:8080");
    assert!(example.contains("# url = \"postgres://"));
}

#[test]
fn committed_example_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/hub.example.toml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == example_toml(),
        "config/hub.example.toml is stale: run `cargo run -- config example > config/hub.example.toml`"
    );
}

#[test]
fn defaults_give_a_local_sqlite_hub() {
    let c = Config::from_raw(RawConfig::default(), &CliOverrides::default()).unwrap();
    assert_eq!(c.uris().base(), "http://127.0.0.1:8080");
    assert_eq!(c.db_url, "data/hub.sqlite");
    assert_eq!(c.initial_register_policy, RegisterPolicy::Open);
    assert!(matches!(c.mail, MailMode::File(_)));
}

#[test]
fn file_then_env_then_cli_override_in_that_order() {
    figment::Jail::expect_with(|jail| {
        jail.create_file(
            "hub.toml",
            "[site]\nname = \"From file\"\n[http]\nbind = \"127.0.0.1:9000\"\nworkers = 3\n",
        )?;
        jail.set_env("HUB__HTTP__WORKERS", "5");
        jail.set_env("HUB__DB__URL", "postgres://u@127.0.0.1/db");
        let cli = CliOverrides {
            data_dir: Some("/tmp/x".into()),
            ..Default::default()
        };
        let c = Config::load(Some(Path::new("hub.toml")), &cli).map_err(|e| e.to_string())?;
        assert_eq!(c.site_name, "From file");
        assert_eq!(c.workers, 5);
        assert_eq!(c.db_url, "postgres://u@127.0.0.1/db");
        assert_eq!(c.uris().base(), "http://127.0.0.1:9000");
        assert_eq!(c.data_dir, PathBuf::from("/tmp/x"));
        Ok(())
    });
}

#[test]
fn unknown_keys_and_bad_values_are_refused_with_the_key_named() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("bad.toml", "[http]\nbindd = \"x\"\n")?;
        let err = RawConfig::load(Some(Path::new("bad.toml"))).unwrap_err();
        assert!(err.to_string().contains("bindd"), "{err}");
        Ok(())
    });
    let mut raw = RawConfig::default();
    raw.site.base_url = Some("ftp://x".into());
    let err = Config::from_raw(raw, &CliOverrides::default()).unwrap_err();
    assert!(err.to_string().contains("site.base_url"), "{err}");
    let mut raw = RawConfig::default();
    raw.site.base_url = Some("https://x.example/sub/".into());
    assert!(Config::from_raw(raw, &CliOverrides::default()).is_err());
    let mut raw = RawConfig::default();
    raw.site.register_policy = "sometimes".into();
    let err = Config::from_raw(raw, &CliOverrides::default()).unwrap_err();
    assert!(err.to_string().contains("register_policy"), "{err}");
    let mut raw = RawConfig::default();
    raw.mail.mode = "smtp".into();
    let err = Config::from_raw(raw, &CliOverrides::default()).unwrap_err();
    assert!(err.to_string().contains("smtp_host"), "{err}");
}

#[test]
fn missing_config_file_is_an_error() {
    let err = RawConfig::load(Some(Path::new("/nonexistent/hub.toml"))).unwrap_err();
    assert!(err.to_string().contains("does not exist"));
}
