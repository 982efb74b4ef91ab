//! Channel pages: the account's channel picker, channel creation, the channel page with its
//! posts (and the composer for its owner), and the profile editor.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{Who, check_csrf, flash, page_ctx, page_text, require_viewer, who};
use crate::http::templates::{
    ChannelPage, ChannelView, ChannelsPage, NewChannelPage, PostView, ProfileEditPage,
};
use crate::service;
use crate::service::perms::{Audience, ChannelAccess};
use crate::service::{account::Account, channel::Channel, item::Item};
use zot::perms::Permission;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/channels", get => get_channels);
    resource!(cfg, "/channels/new", get => get_new_channel, post => post_new_channel);
    resource!(cfg, "/channel/{nick}", get => get_channel, post => post_channel_info);
    resource!(cfg, "/channel/{nick}/post", post => post_channel_post);
    resource!(cfg, "/channel/{nick}/profile", get => get_profile_edit, post => post_profile_edit);
}

/// How a channel is shown (its photos' versions in `avatars`).
pub fn channel_view(
    channel: &Channel,
    ctx: &Ctx,
    avatars: &service::photo::Avatars,
) -> ChannelView {
    let host = ctx.uris.authority();
    ChannelView {
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        address: format!("{}@{host}", channel.channel_address),
        portable_id: channel.channel_hash.clone(),
        avatar: avatars.link(&channel.channel_hash, "m"),
        photo: avatars.link(&channel.channel_hash, "l"),
    }
}

/// How a post is shown (its author's photo version in `avatars`).
pub fn post_view(item: &Item, avatars: &service::photo::Avatars) -> PostView {
    PostView {
        avatar: avatars.link(&item.author_xchan, "m"),
        restricted: item.is_restricted(),
        seen_by: item.seen_by.clone(),
        uuid: item.uuid.clone(),
        html: item.html.clone(),
        created: item.created.format("%Y-%m-%d %H:%M UTC").to_string(),
        created_iso: item.created.and_utc().to_rfc3339(),
        edited: item.edited > item.created + chrono::Duration::seconds(1),
    }
}

/// GET /channels
async fn get_channels(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    let channels = service::channel::of_account(&ctx, account.account_id).await?;
    let page = ChannelsPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("channels-title"),
        channels: {
            let avatars = service::photo::avatars(
                &ctx,
                channels.iter().map(|c| c.channel_hash.clone()).collect(),
            )
            .await?;
            channels
                .iter()
                .map(|c| channel_view(c, &ctx, &avatars))
                .collect()
        },
    };
    Ok(render(StatusCode::OK, &page))
}

async fn new_channel_page(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    form: &NewChannelForm,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let page = NewChannelPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("channels-create"),
        nick: form.nick.clone(),
        name: form.name.clone(),
        role: if form.role.is_empty() {
            "personal".into()
        } else {
            form.role.clone()
        },
        roles: service::channel::ROLES
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect(),
        error,
        host: ctx.uris.authority().to_string(),
    };
    render(status, &page)
}

/// The channel creation form.
#[derive(Debug, Default, Deserialize)]
pub struct NewChannelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    nick: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// GET /channels/new
async fn get_new_channel(ctx: web::Data<Ctx>, session: Session) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    Ok(new_channel_page(
        &ctx,
        &session,
        &account,
        &NewChannelForm::default(),
        None,
        StatusCode::OK,
    )
    .await)
}

/// POST /channels/new
async fn post_new_channel(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<NewChannelForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let role = if form.role.is_empty() {
        "personal"
    } else {
        form.role.as_str()
    };
    match service::channel::create(&ctx, account.account_id, &form.nick, &form.name, role).await {
        Ok(channel) => Ok(see_other(&format!("/channel/{}", channel.channel_address))),
        Err(e) if e.kind.field().is_some() => Ok(new_channel_page(
            &ctx,
            &session,
            &account,
            &form,
            Some(e.kind.safe_message()),
            form_status(&e),
        )
        .await),
        Err(e) => Err(e),
    }
}

/// `?page=N`
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

struct ChannelPageInput {
    draft: String,
    audience: Option<String>,
    error: Option<String>,
    page_no: i64,
    /// The draft rendered, when the composer asked for a preview.
    preview: Option<String>,
}

async fn channel_page(
    ctx: &Ctx,
    session: &Session,
    channel: &Channel,
    who: &Who,
    input: ChannelPageInput,
    status: StatusCode,
) -> Result<HttpResponse> {
    let viewer = who.account.as_ref();
    let access = ChannelAccess::of(ctx, channel, &who.observer()).await?;
    let profile = if access.may(Permission::ViewProfile) {
        Some(service::channel::profile(ctx, channel.channel_id).await?)
    } else {
        None
    };
    let connections = if access.may(Permission::ViewContacts) {
        Some(service::connection::public_list(ctx, channel).await?)
    } else {
        None
    };
    let posts = service::item::channel_page(ctx, channel, &access, input.page_no).await?;
    let is_owner = access.is_owner();
    let audience = input
        .audience
        .unwrap_or_else(|| Audience::default_for(channel).form_value());
    let mut audience_options = Vec::new();
    let attachable = if is_owner {
        service::attachment::choices(ctx, channel).await?
    } else {
        Vec::new()
    };
    if is_owner {
        let mut choices = vec![
            (Audience::Connections, "My connections".to_string()),
            (Audience::Public, "Everyone".to_string()),
        ];
        for g in service::connection::groups(ctx, channel).await? {
            choices.push((Audience::Group(g.name.clone()), format!("Group {}", g.name)));
        }
        for (a, label) in choices {
            let words = service::perms::describe_audience(ctx, channel, &a).await?;
            audience_options.push((a.form_value(), label, words));
        }
    }
    let mut authors: Vec<String> = posts.items.iter().map(|i| i.author_xchan.clone()).collect();
    authors.push(channel.channel_hash.clone());
    let avatars = service::photo::avatars(ctx, authors).await?;
    let page = ChannelPage {
        page: page_ctx(ctx, session, &channel.channel_name, viewer).await,
        channel: channel_view(channel, ctx, &avatars),
        cover: service::photo::cover_link(ctx, &channel.channel_hash).await?,
        profile_visible: profile.is_some(),
        about_html: profile
            .as_ref()
            .map(|p| p.about_html.clone())
            .unwrap_or_default(),
        homepage: profile
            .as_ref()
            .map(|p| p.profile.homepage.clone())
            .unwrap_or_default(),
        locality: profile.map(|p| p.profile.locality).unwrap_or_default(),
        connections,
        posts: posts.items.iter().map(|i| post_view(i, &avatars)).collect(),
        is_owner,
        audience,
        audience_options,
        attachable,
        hidden: posts.hidden,
        draft: input.draft,
        preview: input.preview,
        error: input.error,
        page_no: posts.page,
        has_more: posts.has_more,
        delete_after: channel
            .channel_delete_after
            .filter(|_| is_owner)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
    };
    Ok(render(status, &page))
}

/// POST /channel/{nick}: channel info for hubs (Hubzilla's Zotfinger posts a token).
async fn post_channel_info(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    nick: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    crate::http::zot::channel_info(&ctx, &req, &nick, &body).await
}

/// GET /channel/{nick}: the channel page, or its channel info for a hub asking for Zot.
async fn get_channel(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    session: Session,
    nick: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse> {
    if crate::http::zot::wants_zot(&req) {
        return Ok(crate::http::zot::channel_info(&ctx, &req, &nick, &[]).await);
    }
    if crate::http::zot::wants_activity(&req) {
        return Ok(crate::http::zot::actor(&ctx, &nick).await);
    }
    let channel = service::channel::by_nick(&ctx, &nick).await?;
    let who = who(&ctx, &session).await?;
    let input = ChannelPageInput {
        draft: String::new(),
        preview: None,
        audience: None,
        error: None,
        page_no: query.page.unwrap_or(1),
    };
    channel_page(&ctx, &session, &channel, &who, input, StatusCode::OK).await
}

/// The composer form (`attach` may repeat: read with [`PostForm::read`]).
#[derive(Debug, Default, Deserialize)]
pub struct PostForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    /// `public`, `connections`, `group:NAME` or `to`; missing: the channel's default.
    #[serde(default)]
    audience: String,
    /// With `to`: the recipients' addresses (`nick@host`, comma separated).
    #[serde(default)]
    to: String,
    /// Files of the channel to attach (public ids).
    #[serde(skip)]
    attach: Vec<String>,
    /// The preview button was pressed.
    #[serde(skip)]
    preview: bool,
}

impl PostForm {
    /// Reads the urlencoded body, keeping every `attach` value.
    fn read(body: &[u8]) -> Self {
        let mut f = Self::default();
        for (k, v) in url::form_urlencoded::parse(body) {
            match &*k {
                "csrf" => f.csrf = v.into_owned(),
                "body" => f.body = v.into_owned(),
                "audience" => f.audience = v.into_owned(),
                "to" => f.to = v.into_owned(),
                "preview" => f.preview = true,
                "attach" if !v.is_empty() && f.attach.len() < 64 => f.attach.push(v.into_owned()),
                _ => {}
            }
        }
        f
    }
}

/// The channel named in the path, if the logged-in account owns it.
pub(crate) async fn owned_channel(
    ctx: &Ctx,
    session: &Session,
    nick: &str,
) -> Result<(Account, Channel)> {
    let account = require_viewer(ctx, session).await?;
    let channel = service::channel::by_nick(ctx, nick).await?;
    if channel.channel_account_id != account.account_id {
        return Err(Error::new(ErrorKind::Forbidden(
            "Only the owner of this channel can do this.",
        )));
    }
    Ok((account, channel))
}

/// POST /channel/{nick}/post
async fn post_channel_post(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let form = PostForm::read(&body);
    let expired = check_csrf(&session, &form.csrf).err();
    let owned = owned_channel(&ctx, &session, &nick).await;
    let (account, channel) = match owned {
        Ok(o) => o,
        // Not the owner here: the token error comes first (a forged or foreign form).
        Err(e) => return Err(expired.unwrap_or(e)),
    };
    if let Some(e) = expired {
        // An expired form (a long draft, a restarted browser) keeps its text: the page comes
        // back with a fresh token and the draft in the composer, nothing stored.
        let input = ChannelPageInput {
            draft: form.body.clone(),
            audience: Some(form.audience.clone()),
            error: Some(e.kind.safe_message()),
            page_no: 1,
            preview: None,
        };
        let who = Who {
            account: Some(account),
            visitor: None,
        };
        return channel_page(&ctx, &session, &channel, &who, input, StatusCode::FORBIDDEN).await;
    }
    if form.preview {
        // Shown as it will be, nothing stored; the text and audience stay in the form.
        let input = ChannelPageInput {
            preview: Some(service::text::markdown_to_safe_html(&form.body)),
            draft: form.body.clone(),
            audience: Some(form.audience.clone()),
            error: None,
            page_no: 1,
        };
        let who = Who {
            account: Some(account),
            visitor: None,
        };
        return channel_page(&ctx, &session, &channel, &who, input, StatusCode::OK).await;
    }
    // `public`, `connections`, `group:NAME`, or `to:nick@host` (one channel alone).
    let audience = match form.audience.as_str() {
        "" => Ok(Audience::default_for(&channel)),
        "to" => service::connection::recipient_ids(&ctx, &channel, &form.to)
            .await
            .map(Audience::Channels),
        other => Audience::parse(other)
            .ok_or_else(|| Error::invalid("audience", "Choose who can read the post.")),
    };
    let result = match audience {
        Ok(a) => service::item::post_with_files(&ctx, &channel, &form.body, a, &form.attach).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            flash(&session, page_text(&ctx, &session, "flash-posted"));
            Ok(see_other(&format!("/channel/{}", channel.channel_address)))
        }
        Err(e) if e.kind.field().is_some() || e.kind == ErrorKind::RateLimited => {
            let input = ChannelPageInput {
                draft: form.body.clone(),
                audience: Some(form.audience.clone()),
                error: Some(e.kind.safe_message()),
                page_no: 1,
                preview: None,
            };
            let who = Who {
                account: Some(account),
                visitor: None,
            };
            channel_page(&ctx, &session, &channel, &who, input, form_status(&e)).await
        }
        Err(e) => Err(e),
    }
}

/// The profile editor form.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    about: String,
    #[serde(default)]
    homepage: String,
    #[serde(default)]
    locality: String,
}

/// GET /channel/{nick}/profile
async fn get_profile_edit(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    let profile = service::channel::profile(&ctx, channel.channel_id)
        .await?
        .profile;
    let page = ProfileEditPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("subnav-profile"),
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        about: profile.about,
        homepage: profile.homepage,
        locality: profile.locality,
        error: None,
        photos: super::photo::forms(&ctx, &channel, None, None).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

/// POST /channel/{nick}/profile
async fn post_profile_edit(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    let form = form.into_inner();
    let edit = service::channel::ProfileEdit {
        name: form.name.clone(),
        about: form.about.clone(),
        homepage: form.homepage.clone(),
        locality: form.locality.clone(),
    };
    match service::channel::update_profile(&ctx, &channel, edit).await {
        Ok(()) => Ok(see_other(&format!("/channel/{}", channel.channel_address))),
        Err(e) if e.kind.field().is_some() => {
            let page = ProfileEditPage {
                page: page_ctx(&ctx, &session, "", Some(&account))
                    .await
                    .titled("subnav-profile"),
                nick: channel.channel_address.clone(),
                name: form.name,
                about: form.about,
                homepage: form.homepage,
                locality: form.locality,
                error: Some(e.kind.safe_message()),
                photos: super::photo::forms(&ctx, &channel, None, None).await?,
            };
            Ok(render(form_status(&e), &page))
        }
        Err(e) => Err(e),
    }
}
