//! Posts: writing a channel's post (Markdown stored as written, sanitised HTML stored beside it)
//! and reading a channel's public posts, newest first, in pages.

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::text;
use crate::store::{self, channel::Channel, item::NewItem};

pub use crate::store::item::Item;

/// Longest post body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 100_000;
/// Posts per page on a channel page.
pub const PAGE_SIZE: i64 = 20;

/// Publishes a public post on the channel's own wall.
pub async fn post(ctx: &Ctx, channel: &Channel, body: &str) -> Result<Item> {
    if body.trim().is_empty() {
        return Err(Error::invalid("body", "Please write something first."));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(Error::invalid(
            "body",
            format!("A post may be at most {MAX_BODY_CHARS} characters long."),
        ));
    }
    let html = text::markdown_to_safe_html(body);
    let uuid = uuid::Uuid::new_v4().to_string();
    let mid = format!("{}/item/{uuid}", ctx.site.url);
    let now = ctx.clock.now_db();
    let uid = channel.channel_id;
    let hash = channel.channel_hash.clone();
    let body = body.to_string();
    ctx.db
        .tx(move |conn| {
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
                    item_private: false,
                },
            )?;
            tracing::debug!(id, %uuid, "post stored");
            store::item::find_by_uuid(conn, &uuid)?.ok_or_else(|| Error::new(ErrorKind::Internal))
        })
        .await
}

/// One page of a channel's public posts.
#[derive(Debug, Clone)]
pub struct Page {
    /// Posts on this page, newest first.
    pub items: Vec<Item>,
    /// 1-based page number.
    pub page: i64,
    /// Whether an older page exists.
    pub has_more: bool,
}

/// Public posts of a channel, page `page` (1-based).
pub async fn channel_page(ctx: &Ctx, channel_id: i64, page: i64) -> Result<Page> {
    let page = page.clamp(1, 100_000);
    let offset = (page - 1) * PAGE_SIZE;
    let mut items = ctx
        .db
        .run(move |conn| {
            store::item::find_public_by_channel(conn, channel_id, offset, PAGE_SIZE + 1)
        })
        .await?;
    let has_more = items.len() as i64 > PAGE_SIZE;
    items.truncate(PAGE_SIZE as usize);
    Ok(Page {
        items,
        page,
        has_more,
    })
}

/// A post with the channel holding it.
pub async fn by_uuid(ctx: &Ctx, uuid: &str) -> Result<(Item, Channel)> {
    if uuid.len() > 64 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let uuid = uuid.to_string();
    ctx.db
        .run(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .filter(|i| !i.item_private)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let channel = store::channel::find(conn, item.uid)?
                .filter(|c| !c.channel_removed)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            Ok((item, channel))
        })
        .await
}
