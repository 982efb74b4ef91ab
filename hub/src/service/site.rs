//! The hub's own identity: its RSA site key (config `system.pubkey`/`system.prvkey`, created on
//! first start), its site id, its `site` row, and run-time site settings (registration policy).

use zot::keys::RsaKeypair;

use crate::config::{Config, RegisterPolicy};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::store::{self, AnyConnection, Db};

/// Envelope algorithms this hub accepts, in preference order (zot6.md §3.6).
pub const ENCRYPTION_ALGORITHMS: &[&str] = &["aes256ctr.oaep"];

/// The hub's key pair and the ids derived from it.
pub struct SiteIdentity {
    /// Base URL without trailing slash.
    pub url: String,
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
            .field("url", &self.url)
            .field("site_id", &self.site_id)
            .finish_non_exhaustive()
    }
}

/// Loads the site key from the database, creating it (and the `site` row) on first start.
/// Blocking: called while building the hub, before it serves.
pub fn load_or_create(
    db: &Db,
    config: &Config,
    now: chrono::NaiveDateTime,
) -> Result<SiteIdentity> {
    let url = config.site_url();
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
            url: url.clone(),
            keypair,
            public_pem,
            site_id,
        })
    })
}

/// The registration policy now in force.
pub fn register_policy(conn: &mut AnyConnection, config: &Config) -> Result<RegisterPolicy> {
    Ok(store::site::get_config(conn, "system", "register_policy")?
        .and_then(|s| RegisterPolicy::parse(&s))
        .unwrap_or(config.initial_register_policy))
}

/// Changes the registration policy (admin).
pub async fn set_register_policy(ctx: &Ctx, policy: RegisterPolicy) -> Result<()> {
    ctx.db
        .tx(move |conn| store::site::set_config(conn, "system", "register_policy", policy.as_str()))
        .await
}

/// Whether people may register through the web now: the policy allows it, or the hub has no
/// account yet (the first account, its admin, can always register).
pub async fn web_registration_possible(ctx: &Ctx) -> Result<bool> {
    let config = ctx.config.clone();
    ctx.db
        .run(move |conn| {
            Ok(register_policy(conn, &config)? != RegisterPolicy::Closed
                || store::account::count(conn)? == 0)
        })
        .await
}

/// Reads the registration policy.
pub async fn current_register_policy(ctx: &Ctx) -> Result<RegisterPolicy> {
    let config = ctx.config.clone();
    ctx.db.run(move |conn| register_policy(conn, &config)).await
}
