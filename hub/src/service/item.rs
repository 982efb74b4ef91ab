//! Posts: writing a channel's post (Markdown stored as written, sanitised HTML stored beside it,
//! to the audience its owner chose) and reading a channel's posts, newest first, in pages, as
//! far as `perms::ChannelAccess` lets the viewer see them.

use chrono::Duration;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::perms::{Audience, ChannelAccess};
use crate::service::{lookalike, text};
use crate::store::{self, channel::Channel, item::NewItem};

pub use crate::store::item::Item;

/// Longest post body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 100_000;
/// Posts per page on a channel page.
pub const PAGE_SIZE: i64 = 20;

/// Publishes a post on the channel's own wall. Refuses empty posts and posts that render to
/// nothing visible, and more than `limits.posts_per_hour` posts per account (counted in the
/// transaction that inserts, so concurrent posts cannot exceed it).
pub async fn post(ctx: &Ctx, channel: &Channel, body: &str, audience: Audience) -> Result<Item> {
    let body = lookalike::nfc(body);
    if body.trim().is_empty() {
        return Err(Error::invalid("body", "Please write something first."));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(Error::invalid(
            "body",
            format!("A post may be at most {MAX_BODY_CHARS} characters long."),
        ));
    }
    let html = text::markdown_to_safe_html(&body);
    if text::renders_to_nothing(&html) {
        return Err(Error::invalid(
            "body",
            "This post would show nothing: write some visible text.",
        ));
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let mid = ctx.uris.item(&uuid);
    let now = ctx.clock.now_db();
    let uid = channel.channel_id;
    let account_id = channel.channel_account_id;
    let per_hour = i64::from(ctx.config.limits.posts_per_hour);
    let hash = channel.channel_hash.clone();
    ctx.db
        .tx(move |conn| {
            store::account::lock(conn, account_id)?;
            if store::item::count_by_account_since(conn, account_id, now - Duration::hours(1))?
                >= per_hour
            {
                return Err(Error::new(ErrorKind::RateLimited));
            }
            let id = store::item::insert(
                conn,
                &NewItem {
                    uuid: &uuid,
                    mid: &mid,
                    parent_mid: &mid,
                    uid,
                    author_xchan: &hash,
                    owner_xchan: &hash,
                    title: "",
                    body: &body,
                    html: &html,
                    mimetype: "text/markdown",
                    created: now,
                    edited: now,
                    item_private: audience == Audience::Connections,
                    verb: "Create",
                    thr_parent: "",
                    item_origin: true,
                    route: "",
                    signed_data: "",
                },
            )?;
            tracing::debug!(id, %uuid, "post stored");
            store::item::find_by_uuid(conn, &uuid)?.ok_or_else(|| Error::new(ErrorKind::Internal))
        })
        .await
}

/// One page of a channel's posts.
#[derive(Debug, Clone)]
pub struct Page {
    /// Posts on this page, newest first.
    pub items: Vec<Item>,
    /// 1-based page number.
    pub page: i64,
    /// Whether an older page exists.
    pub has_more: bool,
    /// The viewer may not see this channel's stream at all.
    pub hidden: bool,
}

/// The posts of a channel the viewer may see, page `page` (1-based).
pub async fn channel_page(
    ctx: &Ctx,
    channel: &Channel,
    access: &ChannelAccess,
    page: i64,
) -> Result<Page> {
    let page = page.clamp(1, 100_000);
    if !access.may(zot::perms::Permission::ViewStream) {
        return Ok(Page {
            items: Vec::new(),
            page,
            has_more: false,
            hidden: true,
        });
    }
    let offset = (page - 1) * PAGE_SIZE;
    let channel_id = channel.channel_id;
    let with_restricted = access.sees_restricted();
    let mut items = ctx
        .db
        .run(move |conn| {
            store::item::find_by_channel(conn, channel_id, with_restricted, offset, PAGE_SIZE + 1)
        })
        .await?;
    items.retain(|i| access.may_see(i));
    let has_more = items.len() as i64 > PAGE_SIZE;
    items.truncate(PAGE_SIZE as usize);
    Ok(Page {
        items,
        page,
        has_more,
        hidden: false,
    })
}

/// A post with the channel holding it, if the viewer may see it (otherwise `NotFound`: a
/// restricted post's existence is not revealed).
pub async fn by_uuid(
    ctx: &Ctx,
    uuid: &str,
    visitor: Option<&crate::store::account::Account>,
) -> Result<(Item, Channel)> {
    if uuid.len() > 64 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let uuid = uuid.to_string();
    let (item, channel) = ctx
        .db
        .run(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let channel = store::channel::find(conn, item.uid)?
                .filter(|c| !c.channel_removed)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            Ok((item, channel))
        })
        .await?;
    if !ChannelAccess::of(&channel, visitor).may_see(&item) {
        return Err(Error::new(ErrorKind::NotFound));
    }
    Ok((item, channel))
}
