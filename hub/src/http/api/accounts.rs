//! `/api/v1/accounts/…`, follow requests, blocks, mutes and `/api/v2/search` (accounts).

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Auth, Input, json, paged, paging, query_input};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::routes::resource;
use crate::service::client_api::accounts::{self, CredentialsEdit};
use crate::service::connection::StateChange;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/accounts/verify_credentials", get => get_me);
    resource!(cfg, "/api/v1/accounts/update_credentials", patch => patch_me, put => patch_me);
    resource!(cfg, "/api/v1/accounts/relationships", get => get_relationships);
    resource!(cfg, "/api/v1/accounts/lookup", get => get_lookup);
    resource!(cfg, "/api/v1/accounts/search", get => get_search);
    resource!(cfg, "/api/v2/search", get => get_search_v2);
    resource!(cfg, "/api/v1/follow_requests", get => get_follow_requests);
    resource!(cfg, "/api/v1/follow_requests/{id}/authorize", post => post_authorize);
    resource!(cfg, "/api/v1/follow_requests/{id}/reject", post => post_reject);
    resource!(cfg, "/api/v1/blocks", get => get_blocks);
    resource!(cfg, "/api/v1/mutes", get => get_mutes);
    resource!(cfg, "/api/v1/accounts/{id}", get => get_account);
    resource!(cfg, "/api/v1/accounts/{id}/statuses", get => get_statuses);
    resource!(cfg, "/api/v1/accounts/{id}/followers", get => get_connections);
    resource!(cfg, "/api/v1/accounts/{id}/following", get => get_connections);
    resource!(cfg, "/api/v1/accounts/{id}/follow", post => post_follow);
    resource!(cfg, "/api/v1/accounts/{id}/unfollow", post => post_unfollow);
    resource!(cfg, "/api/v1/accounts/{id}/block", post => post_block);
    resource!(cfg, "/api/v1/accounts/{id}/unblock", post => post_unblock);
    resource!(cfg, "/api/v1/accounts/{id}/mute", post => post_mute);
    resource!(cfg, "/api/v1/accounts/{id}/unmute", post => post_unmute);
}

async fn get_me(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    let ch = auth.need("read:accounts")?;
    Ok(json(&accounts::me(&ctx, ch).await?))
}

async fn patch_me(ctx: web::Data<Ctx>, auth: Auth, input: Input) -> Result<HttpResponse> {
    let ch = auth.need("write:accounts")?;
    let fields = match input.0.get("fields_attributes") {
        None => None,
        Some(v) => {
            // `fields_attributes[0][name]` (forms) or a list of {name, value} (JSON).
            let list: Vec<&serde_json::Value> = match v {
                serde_json::Value::Array(a) => a.iter().collect(),
                serde_json::Value::Object(m) => m.values().collect(),
                _ => Vec::new(),
            };
            Some(
                list.into_iter()
                    .take(4)
                    .map(|f| {
                        (
                            f["name"].as_str().unwrap_or("").to_string(),
                            f["value"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect(),
            )
        }
    };
    let edit = CredentialsEdit {
        display_name: input.get("display_name")?,
        note: input.get("note")?,
        fields,
    };
    Ok(json(&accounts::update(&ctx, ch, edit).await?))
}

async fn get_account(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    auth.viewer("read:accounts")?;
    Ok(json(&accounts::get(&ctx, &id).await?))
}

async fn get_lookup(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    auth.viewer("read:accounts")?;
    let q = query_input(&req);
    Ok(json(&accounts::lookup(&ctx, &q.text("acct")?).await?))
}

fn limit_of(q: &Input) -> Result<i64> {
    Ok(crate::service::client_api::Paging::parse(
        None,
        None,
        None,
        q.get::<String>("limit")?.as_deref(),
    )?
    .limit
    .unwrap_or(crate::service::client_api::DEFAULT_LIMIT))
}

async fn get_search(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    auth.viewer("read:accounts")?;
    let q = query_input(&req);
    // Discovering other hubs needs a signed-in caller.
    let resolve = q.flag("resolve")? && auth.0.is_some();
    let limit = limit_of(&q)?;
    Ok(json(
        &accounts::search(&ctx, &q.text("q")?, resolve, limit).await?,
    ))
}

async fn get_search_v2(ctx: web::Data<Ctx>, auth: Auth, req: HttpRequest) -> Result<HttpResponse> {
    auth.viewer("read:search")?;
    let q = query_input(&req);
    let kind = q.text("type")?;
    let resolve = q.flag("resolve")? && auth.0.is_some();
    let limit = limit_of(&q)?;
    let found = if kind.is_empty() || kind == "accounts" {
        accounts::search(&ctx, &q.text("q")?, resolve, limit).await?
    } else {
        Vec::new()
    };
    Ok(json(&serde_json::json!({
        "accounts": found,
        "statuses": [],
        "hashtags": [],
    })))
}

async fn get_statuses(
    ctx: web::Data<Ctx>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:statuses")?;
    let p = paging(&query_input(&req))?;
    let page = accounts::statuses(&ctx, viewer, &id, p).await?;
    Ok(paged(&ctx, &req, &page))
}

async fn get_connections(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let viewer = auth.viewer("read:accounts")?;
    Ok(json(&accounts::connections(&ctx, viewer, &id).await?))
}

async fn get_relationships(
    ctx: web::Data<Ctx>,
    auth: Auth,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let ch = auth.need("read:follows")?;
    let ids = query_input(&req).list("id")?;
    Ok(json(&accounts::relationships(&ctx, ch, &ids).await?))
}

async fn post_follow(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:follows")?;
    Ok(json(&accounts::follow(&ctx, ch, &id).await?))
}

async fn post_unfollow(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:follows")?;
    Ok(json(&accounts::unfollow(&ctx, ch, &id).await?))
}

async fn state(
    ctx: &Ctx,
    auth: &Auth,
    id: &str,
    scope: &str,
    change: StateChange,
) -> Result<HttpResponse> {
    let ch = auth.need(scope)?;
    Ok(json(&accounts::set_state(ctx, ch, id, change).await?))
}

async fn post_block(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    state(&ctx, &auth, &id, "write:blocks", StateChange::Block).await
}

async fn post_unblock(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    state(&ctx, &auth, &id, "write:blocks", StateChange::Unblock).await
}

async fn post_mute(ctx: web::Data<Ctx>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse> {
    state(&ctx, &auth, &id, "write:mutes", StateChange::Ignore).await
}

async fn post_unmute(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    state(&ctx, &auth, &id, "write:mutes", StateChange::Unignore).await
}

async fn get_follow_requests(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    let ch = auth.need("read:follows")?;
    Ok(json(&accounts::follow_requests(&ctx, ch).await?))
}

async fn post_authorize(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:follows")?;
    Ok(json(&accounts::answer_request(&ctx, ch, &id, true).await?))
}

async fn post_reject(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let ch = auth.need("write:follows")?;
    Ok(json(&accounts::answer_request(&ctx, ch, &id, false).await?))
}

async fn get_blocks(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    let ch = auth.need("read:blocks")?;
    Ok(json(&accounts::with_state(&ctx, ch, true).await?))
}

async fn get_mutes(ctx: web::Data<Ctx>, auth: Auth) -> Result<HttpResponse> {
    let ch = auth.need("read:mutes")?;
    Ok(json(&accounts::with_state(&ctx, ch, false).await?))
}
