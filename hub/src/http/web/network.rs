//! A channel's federation pages, for its owner: the network stream (conversations with their
//! comments, a comment form and a like button), each own post's delivery status, the
//! connections page (connect, approve or refuse requests, the permission editor, block, ignore,
//! archive) and notifications. All work without JavaScript; forms redirect when they succeed.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::channel::owned_channel as owned;
use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, page_ctx};
use crate::http::templates::{
    CommentView, ConnectionRow, ConnectionsPage, DeliveryPage, NotificationRow, NotificationsPage,
    StreamPage, ThreadView,
};
use crate::service;
use crate::service::connection::StateChange;
use crate::service::{account::Account, channel::Channel};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/channel/{nick}/stream", get => get_stream);
    resource!(cfg, "/channel/{nick}/stream/new", get => get_stream_new);
    resource!(cfg, "/channel/{nick}/item/{uuid}/comment", post => post_comment);
    resource!(cfg, "/channel/{nick}/item/{uuid}/like", post => post_like);
    resource!(cfg, "/channel/{nick}/item/{uuid}/status", get => get_status);
    resource!(cfg, "/channel/{nick}/connections", get => get_connections, post => post_connect);
    resource!(cfg, "/channel/{nick}/connections/approve", post => post_approve);
    resource!(cfg, "/channel/{nick}/connections/perms", post => post_perms);
    resource!(cfg, "/channel/{nick}/connections/state", post => post_state);
    resource!(cfg, "/channel/{nick}/notifications", get => get_notifications);
    resource!(cfg, "/channel/{nick}/groups", post => post_group);
    resource!(cfg, "/channel/{nick}/groups/member", post => post_group_member);
}

/// `?page=N`
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

async fn stream_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    channel: &Channel,
    page_no: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let (threads, has_more) = service::item::threads(ctx, channel, page_no).await?;
    let authors = threads
        .iter()
        .flat_map(|t| {
            std::iter::once(t.top.author_xchan.clone())
                .chain(t.comments.iter().map(|(c, _)| c.author_xchan.clone()))
        })
        .collect();
    let avatars = service::photo::avatars(ctx, authors).await?;
    let me = ctx.uris.address(&channel.channel_address);
    let link = |url: &str| ctx.uris.with_zid(url, Some(&me));
    let page = StreamPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("subnav-network"),
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        threads: threads
            .into_iter()
            .map(|t| ThreadView {
                avatar: avatars.link(&t.top.author_xchan, "m"),
                uuid: t.top.uuid.clone(),
                author_link: link(&t.author.2),
                author_name: t.author.0,
                author_addr: t.author.1,
                html: t.top.html.clone(),
                created: t.top.created.format("%Y-%m-%d %H:%M UTC").to_string(),
                created_iso: t.top.created.and_utc().to_rfc3339(),
                restricted: t.top.is_restricted(),
                seen_by: t.top.seen_by.clone(),
                own: t.top.item_origin && t.top.author_xchan == channel.channel_hash,
                likes: t.likes,
                comments: t
                    .comments
                    .into_iter()
                    .map(|(c, a)| CommentView {
                        avatar: avatars.link(&c.author_xchan, "m"),
                        author_link: link(&a.2),
                        author_name: a.0,
                        author_addr: a.1,
                        own: c.author_xchan == channel.channel_hash,
                        uuid: c.uuid,
                        html: c.html,
                    })
                    .collect(),
            })
            .collect(),
        page_no: page_no.max(1),
        has_more,
        error,
    };
    Ok(render(status, &page))
}

/// GET /channel/{nick}/stream
async fn get_stream(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse> {
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    stream_page(
        &ctx,
        &session,
        &account,
        &channel,
        query.page.unwrap_or(1),
        None,
        StatusCode::OK,
    )
    .await
}

/// `?since=RFC3339`
#[derive(Debug, Deserialize)]
pub struct SinceQuery {
    #[serde(default)]
    since: String,
}

/// GET /channel/{nick}/stream/new: how many conversations on the first page started after
/// `since` (the page's newest), for the "n new posts" button of static/js/caravan.js.
async fn get_stream_new(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    query: web::Query<SinceQuery>,
) -> Result<HttpResponse> {
    let (_, channel) = owned(&ctx, &session, &nick).await?;
    let since = chrono::DateTime::parse_from_rfc3339(&query.since)
        .map(|t| t.naive_utc())
        .unwrap_or_default();
    let (threads, _) = service::item::threads(&ctx, &channel, 1).await?;
    let count = threads.iter().filter(|t| t.top.created > since).count();
    let label = crate::http::session::page_text_with(
        &ctx,
        &session,
        "stream-new-posts",
        &[("count", count.into())],
    );
    Ok(HttpResponse::Ok().json(serde_json::json!({ "count": count, "label": label })))
}

/// A comment form.
#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// POST /channel/{nick}/item/{uuid}/comment
async fn post_comment(
    ctx: web::Data<Ctx>,
    session: Session,
    path: web::Path<(String, String)>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (nick, uuid) = path.into_inner();
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    match service::item::respond(&ctx, &channel, &uuid, "Create", &form.body).await {
        Ok(_) => Ok(see_other(&format!("/channel/{nick}/stream"))),
        Err(e) if e.kind.field().is_some() || e.kind == ErrorKind::RateLimited => {
            let status = form_status(&e);
            stream_page(
                &ctx,
                &session,
                &account,
                &channel,
                1,
                Some(e.kind.safe_message()),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// A form with only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// POST /channel/{nick}/item/{uuid}/like
async fn post_like(
    ctx: web::Data<Ctx>,
    session: Session,
    path: web::Path<(String, String)>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (nick, uuid) = path.into_inner();
    let (_, channel) = owned(&ctx, &session, &nick).await?;
    service::item::respond(&ctx, &channel, &uuid, "Like", "").await?;
    Ok(see_other(&format!("/channel/{nick}/stream")))
}

/// GET /channel/{nick}/item/{uuid}/status
async fn get_status(
    ctx: web::Data<Ctx>,
    session: Session,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (nick, uuid) = path.into_inner();
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    let (item, rows) = service::item::deliveries(&ctx, &channel, &uuid).await?;
    let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let page = DeliveryPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("status-page-title"),
        nick,
        uuid: item.uuid,
        rows: rows
            .into_iter()
            .map(|r| {
                let hub = r.destination.trim_end_matches("/zot").to_string();
                match (r.done, r.status.as_str()) {
                    (None, _) => (
                        hub,
                        "queued".into(),
                        format!(
                            "next attempt {}{}",
                            r.next_attempt.map(fmt).unwrap_or_default(),
                            if r.last_error.is_empty() {
                                String::new()
                            } else {
                                format!("; last error: {}", r.last_error)
                            }
                        ),
                    ),
                    (Some(t), "failed") => {
                        (hub, "failed".into(), format!("{} ({})", r.detail, fmt(t)))
                    }
                    (Some(t), s) => (hub, "delivered".into(), format!("{s} ({})", fmt(t))),
                }
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

fn roles() -> Vec<(String, String)> {
    service::channel::ROLES
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn connections_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    channel: &Channel,
    address: String,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let all = service::connection::list(ctx, channel).await?;
    let avatars = service::photo::avatars(
        ctx,
        all.iter().map(|c| c.xchan.xchan_hash.clone()).collect(),
    )
    .await?;
    let me = ctx.uris.address(&channel.channel_address);
    let row = |c: &service::connection::ConnectionView| {
        let ab = &c.state;
        let actions = vec![
            if ab.blocked {
                ("unblock", "Unblock")
            } else {
                ("block", "Block")
            },
            if ab.ignored {
                ("unignore", "Stop ignoring")
            } else {
                ("ignore", "Ignore")
            },
            if ab.archived {
                ("unarchive", "Unarchive")
            } else {
                ("archive", "Archive")
            },
        ];
        ConnectionRow {
            avatar: avatars.link(&c.xchan.xchan_hash, "m"),
            hash: c.xchan.xchan_hash.clone(),
            link: ctx.uris.with_zid(&c.xchan.xchan_url, Some(&me)),
            name: c.xchan.xchan_name.clone(),
            addr: c.xchan.xchan_addr.clone(),
            their: {
                let l = zot::perms::format_list(&c.their_perms);
                if l.is_empty() {
                    "nothing yet".into()
                } else {
                    l.replace(',', ", ")
                }
            },
            perms: zot::perms::Permission::ALL
                .into_iter()
                .map(|p| {
                    (
                        p.name().to_string(),
                        crate::service::perms::explain(p).to_string(),
                        c.my_perms.contains(&p),
                    )
                })
                .collect(),
            blocked: ab.blocked,
            ignored: ab.ignored,
            archived: ab.archived,
            actions: actions
                .into_iter()
                .map(|(a, l)| (a.to_string(), l.to_string()))
                .collect(),
        }
    };
    let groups = service::connection::groups(ctx, channel)
        .await?
        .into_iter()
        .map(|g| {
            (
                g.name,
                g.members.into_iter().map(|(h, a, _)| (h, a)).collect(),
            )
        })
        .collect();
    let members_choice = all
        .iter()
        .filter(|c| !c.state.pending && !c.state.blocked)
        .map(|c| (c.xchan.xchan_hash.clone(), c.xchan.xchan_addr.clone()))
        .collect();
    let page = ConnectionsPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("subnav-connections"),
        groups,
        members_choice,
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        pending: all
            .iter()
            .filter(|c| c.state.pending && !c.state.blocked)
            .map(row)
            .collect(),
        connected: all
            .iter()
            .filter(|c| !c.state.pending || c.state.blocked)
            .map(row)
            .collect(),
        roles: roles(),
        address,
        message,
        error,
    };
    Ok(render(status, &page))
}

/// `?done=…`
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// GET /channel/{nick}/connections
async fn get_connections(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    let message = match query.done.as_str() {
        "connected" => Some("Connection requested. They will see your request."),
        "approved" => Some("Connection approved."),
        "perms" => Some("Permissions saved. They will learn of it on their next refresh."),
        "state" => Some("Connection updated."),
        "group" => Some("Group saved."),
        _ => None,
    };
    connections_page(
        &ctx,
        &session,
        &account,
        &channel,
        String::new(),
        message.map(String::from),
        None,
        StatusCode::OK,
    )
    .await
}

/// The connect form.
#[derive(Debug, Deserialize)]
pub struct ConnectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    role: String,
}

/// POST /channel/{nick}/connections
async fn post_connect(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<ConnectForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    match service::connection::connect(&ctx, &channel, &form.address, &form.role).await {
        Ok(_) => Ok(see_other(&format!(
            "/channel/{nick}/connections?done=connected"
        ))),
        Err(e)
            if e.kind.field().is_some()
                || matches!(
                    e.kind,
                    ErrorKind::NotFound
                        | ErrorKind::Remote(_)
                        | ErrorKind::Unauthorized(_)
                        | ErrorKind::BadRequest(_)
                ) =>
        {
            let msg = match e.kind {
                ErrorKind::NotFound => "No channel was found at that address.".to_string(),
                _ => e.kind.safe_message(),
            };
            connections_page(
                &ctx,
                &session,
                &account,
                &channel,
                form.address.clone(),
                None,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// The approve form.
#[derive(Debug, Deserialize)]
pub struct WhoForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    change: String,
}

/// POST /channel/{nick}/connections/approve
async fn post_approve(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<WhoForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned(&ctx, &session, &nick).await?;
    let role = if form.role.is_empty() {
        "personal"
    } else {
        &form.role
    };
    service::connection::approve(&ctx, &channel, &form.who, role).await?;
    Ok(see_other(&format!(
        "/channel/{nick}/connections?done=approved"
    )))
}

/// POST /channel/{nick}/connections/state
async fn post_state(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<WhoForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned(&ctx, &session, &nick).await?;
    let change = match form.change.as_str() {
        "block" => StateChange::Block,
        "unblock" => StateChange::Unblock,
        "ignore" => StateChange::Ignore,
        "unignore" => StateChange::Unignore,
        "archive" => StateChange::Archive,
        "unarchive" => StateChange::Unarchive,
        _ => return Err(Error::invalid("change", "Unknown change.")),
    };
    service::connection::change_state(&ctx, &channel, &form.who, change).await?;
    Ok(see_other(&format!(
        "/channel/{nick}/connections?done=state"
    )))
}

/// POST /channel/{nick}/connections/perms (checkboxes `perm=<name>`, repeated)
async fn post_perms(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    check_csrf(&session, &field("csrf"))?;
    let (_, channel) = owned(&ctx, &session, &nick).await?;
    let perms = pairs
        .iter()
        .filter(|(k, _)| k == "perm")
        .filter_map(|(_, v)| zot::perms::Permission::from_name(v))
        .collect();
    service::connection::set_permissions(&ctx, &channel, &field("who"), perms).await?;
    Ok(see_other(&format!(
        "/channel/{nick}/connections?done=perms"
    )))
}

/// The group forms.
#[derive(Debug, Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    remove: String,
}

/// POST /channel/{nick}/groups
async fn post_group(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<GroupForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    match service::connection::create_group(&ctx, &channel, &form.name).await {
        Ok(()) => Ok(see_other(&format!(
            "/channel/{nick}/connections?done=group"
        ))),
        Err(e) if e.kind.field().is_some() => {
            let status = form_status(&e);
            connections_page(
                &ctx,
                &session,
                &account,
                &channel,
                String::new(),
                None,
                Some(e.kind.safe_message()),
                status,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// POST /channel/{nick}/groups/member
async fn post_group_member(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<GroupForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned(&ctx, &session, &nick).await?;
    service::connection::group_member(
        &ctx,
        &channel,
        &form.group,
        &form.who,
        !form.remove.is_empty(),
    )
    .await?;
    Ok(see_other(&format!(
        "/channel/{nick}/connections?done=group"
    )))
}

/// GET /channel/{nick}/notifications
async fn get_notifications(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (account, channel) = owned(&ctx, &session, &nick).await?;
    let items = service::item::notifications(&ctx, &channel).await?;
    let avatars =
        service::photo::avatars(&ctx, items.iter().map(|n| n.5.clone()).collect()).await?;
    // Opening the list is reading it: the header's count drops to zero.
    service::preferences::mark_notifications_seen(&ctx, channel.channel_id).await?;
    let page = NotificationsPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("subnav-notifications"),
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        items: items
            .into_iter()
            .map(|(kind, who, link, text, at, hash)| NotificationRow {
                avatar: avatars.link(&hash, "m"),
                kind,
                who,
                link,
                text,
                when: at.format("%Y-%m-%d %H:%M UTC").to_string(),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}
