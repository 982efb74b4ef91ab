//! Run-time site settings an admin changes (the registration policy), stored in the database,
//! and the hub-wide usage figures. The hub's key and site id are `crate::identity`.

use crate::config::{Config, RegisterPolicy};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::store::{self, AnyConnection};

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

/// How many accounts the hub has and how many top posts were written here (nodeinfo, the
/// client API's instance).
pub async fn usage(ctx: &Ctx) -> Result<(i64, i64)> {
    ctx.db
        .run(|conn| {
            Ok((
                store::account::count(conn)?,
                store::item::count_local_posts(conn)?,
            ))
        })
        .await
}
