//! Item permalinks, shown only to viewers the channel's permissions and the post's audience
//! allow (others get 404, so a restricted post's existence is not revealed), with the
//! comments they may see, and a comment form and like button for a visitor (from another hub,
//! signed in by OpenWebAuth, or another channel of this hub) allowed to respond.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::channel::{channel_view, post_view};
use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{Who, check_csrf, page_ctx, who};
use crate::http::templates::{CommentView, ItemPage};
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/item/{uuid}", get => get_item, post => post_item);
    resource!(cfg, "/item/{uuid}/comment", post => post_visitor_comment);
    resource!(cfg, "/item/{uuid}/like", post => post_visitor_like);
}

/// POST /item/{uuid}: the conversation for a hub (Hubzilla posts signed fetches).
async fn post_item(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    uuid: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    crate::http::zot::conversation(&ctx, &req, &uuid, &body).await
}

async fn item_page(
    ctx: &Ctx,
    session: &Session,
    who: &Who,
    uuid: &str,
    draft: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let link = service::item::permalink(ctx, uuid, &who.observer()).await?;
    let me = match (&who.account, &who.visitor) {
        (Some(a), _) => service::channel::of_account(ctx, a.account_id)
            .await?
            .first()
            .map(|c| ctx.uris.address(&c.channel_address)),
        _ => None,
    };
    let mut authors: Vec<String> = link
        .comments
        .iter()
        .map(|(c, _)| c.author_xchan.clone())
        .collect();
    authors.push(link.item.author_xchan.clone());
    authors.push(link.channel.channel_hash.clone());
    let avatars = service::photo::avatars(ctx, authors).await?;
    let holder = who
        .account
        .as_ref()
        .is_some_and(|a| a.account_id == link.channel.channel_account_id);
    let own = holder && link.item.author_xchan == link.channel.channel_hash;
    let channel_hash = link.channel.channel_hash.clone();
    let page = ItemPage {
        page: page_ctx(
            ctx,
            session,
            &link.channel.channel_name,
            who.account.as_ref(),
        )
        .await,
        channel: channel_view(&link.channel, ctx, &avatars),
        post: post_view(&link.item, &avatars),
        comments: link
            .comments
            .into_iter()
            .map(|(c, a)| CommentView {
                avatar: avatars.link(&c.author_xchan, "m"),
                author_link: ctx.uris.with_zid(&a.2, me.as_deref()),
                author_name: a.0,
                author_addr: a.1,
                own: holder && c.author_xchan == channel_hash,
                uuid: c.uuid,
                html: c.html,
            })
            .collect(),
        likes: link.likes,
        likes_i64: i64::try_from(link.likes).unwrap_or(i64::MAX),
        may_respond: link.may_respond,
        own,
        draft,
        error,
    };
    Ok(render(status, &page))
}

/// GET /item/{uuid}: the permalink, or the conversation for a hub asking for Zot.
async fn get_item(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    session: Session,
    uuid: web::Path<String>,
) -> Result<HttpResponse> {
    if crate::http::zot::wants_zot(&req) || crate::http::zot::wants_activity(&req) {
        return Ok(crate::http::zot::conversation(&ctx, &req, &uuid, &[]).await);
    }
    let who = who(&ctx, &session).await?;
    item_page(
        &ctx,
        &session,
        &who,
        &uuid,
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// A visitor's comment.
#[derive(Debug, Deserialize)]
pub struct VisitorCommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// POST /item/{uuid}/comment
async fn post_visitor_comment(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
    form: web::Form<VisitorCommentForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let who = who(&ctx, &session).await?;
    match service::item::respond_as(&ctx, &who.observer(), &uuid, "Create", &form.body).await {
        Ok(_) => Ok(see_other(&format!("/item/{uuid}"))),
        Err(e) if e.kind.field().is_some() || e.kind == ErrorKind::RateLimited => {
            let status = form_status(&e);
            item_page(
                &ctx,
                &session,
                &who,
                &uuid,
                form.body.clone(),
                Some(e.kind.safe_message()),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// POST /item/{uuid}/like
async fn post_visitor_like(
    ctx: web::Data<Ctx>,
    session: Session,
    uuid: web::Path<String>,
    form: web::Form<crate::http::session::CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let who = who(&ctx, &session).await?;
    match service::item::respond_as(&ctx, &who.observer(), &uuid, "Like", "").await {
        Ok(_) => Ok(see_other(&format!("/item/{uuid}"))),
        Err(e) if matches!(e.kind, ErrorKind::Conflict { .. }) => {
            Ok(see_other(&format!("/item/{uuid}")))
        }
        Err(e) => Err(e),
    }
}
