//! The hub's own identity: its RSA site key (config `system.pubkey`/`system.prvkey`, created on
//! first start), its site id and its `site` row. Loaded once by `Hub::build` into `Ctx`.

use zot::keys::RsaKeypair;

use crate::config::Config;
use crate::error::Result;
use crate::store::{self, Db};

/// Envelope algorithms this hub accepts, in preference order (zot6.md §3.6).
pub const ENCRYPTION_ALGORITHMS: &[&str] = &["aes256ctr.oaep"];

/// The hub's key pair and the ids derived from it.
pub struct SiteIdentity {
    /// Site key pair (RSA-4096).
    pub keypair: RsaKeypair,
    /// SPKI PEM of the site key, byte-exact as published.
    pub public_pem: String,
    /// whirlpool(url . public_pem), base64url.
    pub site_id: String,
}

impl std::fmt::Debug for SiteIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteIdentity")
            .field("site_id", &self.site_id)
            .finish_non_exhaustive()
    }
}

/// When the base URL was not configured, a hub created earlier keeps the one it was created
/// with (so `hub admin …` and `hub channel …` need no `--base-url`, and a new `--bind` does not
/// silently change the hub's identity).
pub fn adopt_stored_base_url(db: &Db, config: &mut Config) -> Result<()> {
    if config.base_url_configured {
        return Ok(());
    }
    let stored = db.tx_blocking(|conn| store::site::get_config(conn, "system", "baseurl"))?;
    if let Some(url) = stored
        && let Ok(parsed) = url::Url::parse(&url)
    {
        config.base_url = parsed;
    }
    Ok(())
}

/// Loads the site key from the database, creating it (and the `site` row) on first start.
/// Blocking: called while building the hub, before it serves.
pub fn load_or_create(
    db: &Db,
    config: &Config,
    now: chrono::NaiveDateTime,
) -> Result<SiteIdentity> {
    let uris = config.uris();
    let url = uris.base().to_string();
    db.tx_blocking(|conn| {
        let keypair = match store::site::get_config(conn, "system", "prvkey")? {
            Some(pem) => RsaKeypair::from_private_pem(&pem)?,
            None => {
                let kp = RsaKeypair::generate()?;
                store::site::set_config(conn, "system", "prvkey", &kp.private_pem())?;
                store::site::set_config(conn, "system", "pubkey", &kp.public_pem())?;
                tracing::info!("generated the site key");
                kp
            }
        };
        let public_pem = match store::site::get_config(conn, "system", "pubkey")? {
            Some(p) => p,
            None => keypair.public_pem(),
        };
        let site_id = zot::id::site_id(&url, &public_pem);
        if store::site::get_config(conn, "system", "register_policy")?.is_none() {
            store::site::set_config(
                conn,
                "system",
                "register_policy",
                config.initial_register_policy.as_str(),
            )?;
        }
        match store::site::get_config(conn, "system", "baseurl")? {
            Some(stored) if stored != url => tracing::warn!(
                stored = %stored, configured = %url,
                "the base URL differs from the one this hub was created with; \
                 channels and signatures name the old one"
            ),
            Some(_) => {}
            None => store::site::set_config(conn, "system", "baseurl", &url)?,
        }
        store::site::upsert_site(
            conn,
            &store::site::Site {
                site_url: url.clone(),
                site_id: site_id.clone(),
                site_sitekey: public_pem.clone(),
                site_crypto: ENCRYPTION_ALGORITHMS.join(","),
                site_project: "caravan".into(),
                site_version: env!("CARGO_PKG_VERSION").into(),
                site_dead: false,
                site_update: now,
            },
        )?;
        Ok(SiteIdentity {
            keypair,
            public_pem,
            site_id,
        })
    })
}
