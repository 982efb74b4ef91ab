//! Machine-readable views of a channel, decided like its pages: the Atom feed of the posts the
//! requester may see (`/feed/{nick}`), and the connection list (`/poco/{nick}`, portable
//! contacts as Hubzilla serves it) for requesters allowed `view_contacts`.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::routes::resource;
use crate::http::session::who;
use crate::service;
use crate::service::perms::ChannelAccess;
use zot::perms::Permission;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/feed/{nick}", get => get_feed);
    resource!(cfg, "/poco/{nick}", get => get_poco);
}

#[derive(Template)]
#[template(path = "channel/feed.xml", escape = "html")]
struct Feed {
    channel_url: String,
    self_url: String,
    name: String,
    updated: String,
    /// (permalink, title, published, updated, html)
    entries: Vec<(String, String, String, String, String)>,
}

/// The channel named in the path and what the requester (from its cookie) may do there.
async fn channel_and_access(
    ctx: &Ctx,
    session: &Session,
    nick: &str,
) -> Result<(service::channel::Channel, ChannelAccess)> {
    let channel = service::channel::by_nick(ctx, nick).await?;
    let who = who(ctx, session).await?;
    let access = ChannelAccess::of(ctx, &channel, &who.observer()).await?;
    Ok((channel, access))
}

/// GET /feed/{nick}: the newest posts the requester may see, as Atom.
async fn get_feed(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (channel, access) = channel_and_access(&ctx, &session, &nick).await?;
    let posts = service::item::channel_page(&ctx, &channel, &access, 1).await?;
    let rfc = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339();
    let feed = Feed {
        channel_url: ctx.uris.channel(&channel.channel_address),
        self_url: ctx.uris.page(&format!("/feed/{}", channel.channel_address)),
        name: channel.channel_name.clone(),
        updated: posts
            .items
            .first()
            .map(|i| rfc(i.edited))
            .unwrap_or_else(|| rfc(channel.channel_created)),
        entries: posts
            .items
            .iter()
            .map(|i| {
                let title: String = i
                    .body
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect();
                (
                    ctx.uris.item(&i.uuid),
                    title,
                    rfc(i.created),
                    rfc(i.edited),
                    i.html.clone(),
                )
            })
            .collect(),
    };
    let body = feed
        .render()
        .map_err(|e| Error::internal(anyhow::anyhow!("feed: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

/// GET /poco/{nick}: the channel's connections, if the requester may see them.
async fn get_poco(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (channel, access) = channel_and_access(&ctx, &session, &nick).await?;
    if !access.may(Permission::ViewContacts) {
        return Err(Error::new(ErrorKind::Forbidden(
            "This channel does not show you its connections.",
        )));
    }
    let list = service::connection::public_list(&ctx, &channel).await?;
    let entries: Vec<serde_json::Value> = list
        .iter()
        .map(|(addr, name)| serde_json::json!({"displayName": name, "address": addr}))
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "startIndex": 0,
            "itemsPerPage": entries.len(),
            "totalResults": entries.len(),
            "entry": entries,
        })))
}
