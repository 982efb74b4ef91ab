//! `/api/v1/instance`, `/api/v2/instance` (with trailing slashes, as Mastodon.py asks),
//! custom emojis and preferences.

use actix_web::{HttpResponse, web};

use super::{Auth, json};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::routes::resource;
use crate::service::client_api::instance;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/instance", get => get_v1);
    resource!(cfg, "/api/v1/instance/", get => get_v1);
    resource!(cfg, "/api/v2/instance", get => get_v2);
    resource!(cfg, "/api/v2/instance/", get => get_v2);
    resource!(cfg, "/api/v1/custom_emojis", get => get_emojis);
    resource!(cfg, "/api/v1/preferences", get => get_preferences);
}

async fn get_v1(ctx: web::Data<Ctx>, _auth: Auth) -> Result<HttpResponse> {
    Ok(json(&instance::v1(&ctx).await?))
}

async fn get_v2(ctx: web::Data<Ctx>, _auth: Auth) -> Result<HttpResponse> {
    Ok(json(&instance::v2(&ctx).await?))
}

async fn get_emojis(_auth: Auth) -> Result<HttpResponse> {
    Ok(json(&Vec::<serde_json::Value>::new()))
}

async fn get_preferences(auth: Auth) -> Result<HttpResponse> {
    let ch = auth.need("read:accounts")?;
    Ok(json(&instance::preferences(ch)))
}
