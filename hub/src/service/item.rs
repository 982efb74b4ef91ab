//! Posts, comments and likes: writing them (Markdown stored as written, sanitised HTML beside
//! it, to the audience its owner chose), queueing them for every hub of that audience in the
//! same transaction, editing and deleting them; and reading a channel's posts and stream,
//! newest first, in pages, as far as `perms::ChannelAccess` lets the viewer see them.

use chrono::Duration;

use zot::message::MessageType;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::perms::{self, Audience, ChannelAccess, ItemAcl, Observer};
use crate::service::{activity, attachment, lookalike, outbound, sync, text};
use crate::store::{self, AnyConnection, item::NewItem};

use crate::store::item::Item as ItemRow;

/// A post, comment or like as the rest of the hub sees it (the stored row without its relay
/// data).
#[derive(Debug, Clone)]
pub struct Item {
    /// Row id.
    pub id: i64,
    /// Local uuid (permalink `/item/{uuid}`).
    pub uuid: String,
    /// Message id.
    pub mid: String,
    /// The thread's top message id.
    pub parent_mid: String,
    /// The message id it answers (empty for a top post).
    pub thr_parent: String,
    /// The channel holding this copy.
    pub uid: i64,
    /// Author's portable id.
    pub author_xchan: String,
    /// Thread owner's portable id.
    pub owner_xchan: String,
    /// Source text.
    pub body: String,
    /// Sanitised HTML.
    pub html: String,
    /// `Create`, `Like`, `Dislike`.
    pub verb: String,
    /// Created.
    pub created: chrono::NaiveDateTime,
    /// Last edit.
    pub edited: chrono::NaiveDateTime,
    /// Who may see it (read only by `perms`).
    pub acl: ItemAcl,
    /// Who can see it, in words, where the viewer may know (empty otherwise).
    pub seen_by: String,
    /// Deleted.
    pub item_deleted: bool,
    /// Written on this hub.
    pub item_origin: bool,
}

impl Item {
    /// Whether it is restricted (not for everyone who may see the channel's stream).
    pub fn is_restricted(&self) -> bool {
        self.acl.is_restricted()
    }
}

impl From<ItemRow> for Item {
    fn from(i: ItemRow) -> Self {
        let acl = ItemAcl::of(&i);
        Self {
            acl,
            seen_by: String::new(),
            id: i.id,
            uuid: i.uuid,
            mid: i.mid,
            parent_mid: i.parent_mid,
            thr_parent: i.thr_parent,
            uid: i.uid,
            author_xchan: i.author_xchan,
            owner_xchan: i.owner_xchan,
            body: i.body,
            html: i.html,
            verb: i.verb,
            created: i.created,
            edited: i.edited,
            item_deleted: i.item_deleted,
            item_origin: i.item_origin,
        }
    }
}

/// Longest post body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 100_000;
/// Posts per page on a channel page.
pub const PAGE_SIZE: i64 = 20;

/// Checks and renders a body; `Invalid` when empty, too long, or rendering to nothing.
fn prepare(body: &str) -> Result<(String, String)> {
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
    Ok((body, html))
}

/// Refuses more than `limits.posts_per_hour` items per account, counted under the account's
/// lock in the inserting transaction.
fn check_rate(
    conn: &mut AnyConnection,
    account_id: i64,
    per_hour: i64,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    store::account::lock(conn, account_id)?;
    if store::item::count_by_account_since(conn, account_id, now - Duration::hours(1))? >= per_hour
    {
        return Err(Error::new(ErrorKind::RateLimited));
    }
    Ok(())
}

/// Signs the item's activity with the channel key and queues it for `to`, in the caller's
/// transaction; stores the signed form on the item (for relays). The actor is `author_url`
/// (the channel itself, or a visitor whose response the channel vouches for).
fn publish(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel: &Channel,
    item: &ItemRow,
    author_url: Option<&str>,
    kind: MessageType,
    to: &outbound::Audience,
) -> Result<()> {
    let public = matches!(to, outbound::Audience::Public(_));
    let own_url = ctx.uris.channel(&channel.channel_address);
    let mut mentions = Vec::new();
    for addr in activity::mentioned_addresses(&item.body) {
        if let Some(x) = store::xchan::find_by_addr(conn, &addr)? {
            mentions.push((x.xchan_url, addr));
        }
    }
    let files = attachment::of_items(conn, &[item.id])?
        .remove(&item.id)
        .unwrap_or_default();
    let doc = activity::encode(
        item,
        author_url.unwrap_or(&own_url),
        public,
        &mentions,
        &files,
    );
    let key = crate::service::channel::keypair(conn, channel.channel_id)?;
    let salmon = zot::salmon::JSalmon::sign(&doc, &key, &own_url)?;
    let data =
        serde_json::to_value(&salmon).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    store::item::update_signed_data(conn, item.id, &data.to_string())?;
    outbound::queue(
        conn,
        &outbound::Outgoing {
            channel_id: channel.channel_id,
            sender: &channel.channel_hash,
            site_id: &ctx.site.site_id,
            kind,
            data: Some(("activitystreams", data)),
            mid: &item.mid,
        },
        to,
        ctx.clock.now_db(),
    )?;
    Ok(())
}

/// An item row as stored now (after its signed form was written).
fn store_row(conn: &mut AnyConnection, id: i64) -> Result<ItemRow> {
    store::item::find_by_id(conn, id)?.ok_or_else(|| Error::new(ErrorKind::Internal))
}

/// An item written here, before it is stored.
struct Own<'a> {
    uuid: &'a str,
    mid: &'a str,
    parent_mid: &'a str,
    uid: i64,
    author: &'a str,
    owner: &'a str,
    body: &'a str,
    html: &'a str,
    verb: &'a str,
    thr_parent: &'a str,
    acl: store::item::AclRow,
    now: chrono::NaiveDateTime,
}

/// Stores an item written on this hub (Markdown source, created now) and reads it back.
fn insert_own(conn: &mut AnyConnection, o: Own<'_>) -> Result<ItemRow> {
    store::item::insert(
        conn,
        &NewItem {
            uuid: o.uuid,
            mid: o.mid,
            parent_mid: o.parent_mid,
            uid: o.uid,
            author_xchan: o.author,
            owner_xchan: o.owner,
            title: "",
            body: o.body,
            html: o.html,
            mimetype: "text/markdown",
            created: o.now,
            edited: o.now,
            acl: o.acl,
            verb: o.verb,
            thr_parent: o.thr_parent,
            item_origin: true,
            route: "",
            signed_data: "",
        },
    )?;
    store::item::find_by_uuid(conn, o.uuid)?.ok_or_else(|| Error::new(ErrorKind::Internal))
}

/// Publishes a post on the channel's own wall to `audience` (its access list fixed now, see
/// `perms::Audience::resolve`), and queues it for every hub of that audience in the same
/// transaction. Refuses empty posts, posts that render to nothing, and more than
/// `limits.posts_per_hour`.
pub async fn post(ctx: &Ctx, channel: &Channel, body: &str, audience: Audience) -> Result<Item> {
    post_with(ctx, channel, body, audience, |_, _| Ok(())).await
}

/// [`post`] with the channel's files (public ids) attached.
pub async fn post_with_files(
    ctx: &Ctx,
    channel: &Channel,
    body: &str,
    audience: Audience,
    files: &[String],
) -> Result<Item> {
    let files = attachment::pick(ctx, channel, files).await?;
    post_attached(ctx, channel, body, audience, files, |_, _| Ok(())).await
}

/// [`post`], with `with` storing what the caller keeps beside the item (the client API's
/// visibility and idempotency key) in the same transaction, given the item's row id.
pub(crate) async fn post_with(
    ctx: &Ctx,
    channel: &Channel,
    body: &str,
    audience: Audience,
    with: impl FnOnce(&mut AnyConnection, i64) -> Result<()> + Send + 'static,
) -> Result<Item> {
    post_attached(ctx, channel, body, audience, Vec::new(), with).await
}

/// [`post_with`], with files from the channel's storage attached (see `service::attachment`:
/// they take the post's access list and are shown with it).
pub(crate) async fn post_attached(
    ctx: &Ctx,
    channel: &Channel,
    body: &str,
    audience: Audience,
    files: Vec<attachment::Attached>,
    with: impl FnOnce(&mut AnyConnection, i64) -> Result<()> + Send + 'static,
) -> Result<Item> {
    let text = format!("{body}{}", attachment::markdown(&files));
    let (body, html) = if files.is_empty() || !body.trim().is_empty() {
        prepare(&text)?
    } else {
        // Attachments alone make a post.
        prepare(text.trim_start())?
    };
    let uuid = uuid::Uuid::new_v4().to_string();
    let mid = ctx.uris.item(&uuid);
    let now = ctx.clock.now_db();
    let per_hour = i64::from(ctx.config.limits.posts_per_hour);
    let ch = channel.clone();
    let c2 = ctx.clone();
    let item = ctx
        .db
        .tx(move |conn| {
            check_rate(conn, ch.channel_account_id, per_hour, now)?;
            let acl = audience.resolve(conn, &ch)?.columns();
            let item = insert_own(
                conn,
                Own {
                    uuid: &uuid,
                    mid: &mid,
                    parent_mid: &mid,
                    uid: ch.channel_id,
                    author: &ch.channel_hash,
                    owner: &ch.channel_hash,
                    body: &body,
                    html: &html,
                    verb: "Create",
                    thr_parent: "",
                    acl,
                    now,
                },
            )?;
            with(conn, item.id)?;
            attachment::bind(conn, &c2, &ch, item.id, &files)?;
            let to = perms::recipients(conn, &ch, &item)?;
            publish(conn, &c2, &ch, &item, None, MessageType::Activity, &to)?;
            let row = store_row(conn, item.id)?;
            sync::record_item(conn, &c2, &ch, &row)?;
            tracing::debug!(id = item.id, %uuid, "post stored and queued");
            Ok(item)
        })
        .await?;
    ctx.queue.wake();
    Ok(item.into())
}

/// Replies to (`verb` Create, with `body`) or likes (`Like`/`Dislike`) an item the channel
/// holds. The thread's owner relays it to everyone in the thread: if that is this channel, it
/// goes out at once; otherwise it goes to the owner as a `response`.
pub async fn respond(
    ctx: &Ctx,
    channel: &Channel,
    parent_uuid: &str,
    verb: &str,
    body: &str,
) -> Result<Item> {
    respond_with(ctx, channel, parent_uuid, verb, body, |_, _| Ok(())).await
}

/// [`respond`], storing `with` in the same transaction.
pub(crate) async fn respond_with(
    ctx: &Ctx,
    channel: &Channel,
    parent_uuid: &str,
    verb: &str,
    body: &str,
    with: impl FnOnce(&mut AnyConnection, i64) -> Result<()> + Send + 'static,
) -> Result<Item> {
    let (body, html) = if verb == "Create" {
        prepare(body)?
    } else {
        (String::new(), String::new())
    };
    let parent_uuid = parent_uuid.to_string();
    let uuid = uuid::Uuid::new_v4().to_string();
    let mid = ctx.uris.item(&uuid);
    let now = ctx.clock.now_db();
    let per_hour = i64::from(ctx.config.limits.posts_per_hour);
    let ch = channel.clone();
    let verb = verb.to_string();
    let c2 = ctx.clone();
    let item = ctx
        .db
        .tx(move |conn| {
            check_rate(conn, ch.channel_account_id, per_hour, now)?;
            let parent = store::item::find_by_uuid(conn, &parent_uuid)?
                .filter(|p| p.uid == ch.channel_id)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let top = store::item::find_by_uid_mid(conn, ch.channel_id, &parent.parent_mid)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            // A comment or like shares its thread's audience.
            let acl = ItemAcl::of(&top).columns();
            let item = insert_own(
                conn,
                Own {
                    uuid: &uuid,
                    mid: &mid,
                    parent_mid: &parent.parent_mid,
                    uid: ch.channel_id,
                    author: &ch.channel_hash,
                    owner: &top.owner_xchan,
                    body: &body,
                    html: &html,
                    verb: &verb,
                    thr_parent: &parent.mid,
                    acl,
                    now,
                },
            )?;
            with(conn, item.id)?;
            if top.owner_xchan == ch.channel_hash {
                let audience = perms::recipients(conn, &ch, &top)?;
                publish(
                    conn,
                    &c2,
                    &ch,
                    &item,
                    None,
                    MessageType::Activity,
                    &audience,
                )?;
            } else {
                publish(
                    conn,
                    &c2,
                    &ch,
                    &item,
                    None,
                    MessageType::Response,
                    &outbound::Audience::Private(vec![top.owner_xchan.clone()]),
                )?;
            }
            let row = store_row(conn, item.id)?;
            sync::record_item(conn, &c2, &ch, &row)?;
            Ok(item)
        })
        .await?;
    ctx.queue.wake();
    Ok(item.into())
}

/// Changes the text of one of the channel's own items, or deletes it, and sends the change to
/// the same audience as the item.
pub async fn edit(
    ctx: &Ctx,
    channel: &Channel,
    uuid: &str,
    new_body: Option<&str>,
) -> Result<Item> {
    let prepared = match new_body {
        Some(b) => Some(prepare(b)?),
        None => None,
    };
    let uuid = uuid.to_string();
    let ch = channel.clone();
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    let item = ctx
        .db
        .tx(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .filter(|i| i.uid == ch.channel_id && i.author_xchan == ch.channel_hash)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            match &prepared {
                Some((body, html)) => {
                    // The version replaced stays in the item's history.
                    store::api::insert_edit(conn, item.id, &item.body, &item.html, item.edited)?;
                    store::item::update_content(conn, item.id, body, html, now)?
                }
                None => {
                    store::item::mark_deleted(
                        conn,
                        ch.channel_id,
                        &item.mid,
                        &ch.channel_hash,
                        "",
                        now,
                    )?;
                }
            }
            let mut changed = item.clone();
            changed.edited = now;
            if let Some((body, html)) = prepared {
                changed.body = body;
                changed.html = html;
            } else {
                changed.item_deleted = true;
            }
            let top = store::item::find_by_uid_mid(conn, ch.channel_id, &item.parent_mid)?
                .unwrap_or_else(|| item.clone());
            let (kind, audience) = if top.owner_xchan == ch.channel_hash {
                (MessageType::Activity, perms::recipients(conn, &ch, &top)?)
            } else {
                (
                    MessageType::Response,
                    outbound::Audience::Private(vec![top.owner_xchan.clone()]),
                )
            };
            publish(conn, &c2, &ch, &changed, None, kind, &audience)?;
            let row = store_row(conn, item.id)?;
            sync::record_item(conn, &c2, &ch, &row)?;
            Ok(changed)
        })
        .await?;
    ctx.queue.wake();
    Ok(item.into())
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
    let owner = channel.channel_hash.clone();
    let filter = access.prefilter();
    let is_owner = access.is_owner();
    let ch = channel.clone();
    let a2 = access.clone();
    let items = ctx
        .db
        .run(move |conn| {
            let mut rows = store::item::find_by_channel(
                conn,
                channel_id,
                &owner,
                &filter,
                offset,
                PAGE_SIZE + 1,
            )?;
            rows.retain(|i| a2.may_see(i));
            let mut out = Vec::new();
            for r in rows {
                let mut item = Item::from(r);
                item.seen_by = seen_by(conn, &ch, &item, is_owner)?;
                out.push(item);
            }
            Ok(out)
        })
        .await?;
    let mut items = items;
    let has_more = items.len() as i64 > PAGE_SIZE;
    items.truncate(PAGE_SIZE as usize);
    Ok(Page {
        items,
        page,
        has_more,
        hidden: false,
    })
}

/// Who can see an item, in words: in full for the channel's owner; for anyone else, only
/// whether it was shared with them.
fn seen_by(
    conn: &mut AnyConnection,
    channel: &Channel,
    item: &Item,
    owner: bool,
) -> Result<String> {
    if owner {
        perms::describe(conn, channel, &item.acl)
    } else if item.is_restricted() {
        Ok("Shared with you privately.".into())
    } else {
        Ok(String::new())
    }
}

/// An item with the channel holding it and the viewer's access to that channel, if the viewer
/// may see it (otherwise `NotFound`: a restricted item's existence is not revealed).
pub async fn by_uuid(
    ctx: &Ctx,
    uuid: &str,
    observer: &Observer,
) -> Result<(Item, Channel, ChannelAccess)> {
    if uuid.len() > 64 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let uuid = uuid.to_string();
    let obs = observer.clone();
    ctx.db
        .run(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let channel = store::channel::find(conn, item.uid)?
                .filter(|c| !c.channel_removed)
                .map(Channel::from)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let access = ChannelAccess::load(conn, &channel, &obs)?;
            if !access.may_see(&item) {
                return Err(Error::new(ErrorKind::NotFound));
            }
            let mut item = Item::from(item);
            item.seen_by = seen_by(conn, &channel, &item, access.is_owner())?;
            Ok((item, channel, access))
        })
        .await
}

/// An item's permalink as one viewer sees it.
#[derive(Debug, Clone)]
pub struct Permalink {
    /// The item.
    pub item: Item,
    /// The channel holding it.
    pub channel: Channel,
    /// Its comments the viewer may see, oldest first, with their authors (name, address, URL).
    pub comments: Vec<(Item, (String, String, String))>,
    /// Likes.
    pub likes: usize,
    /// The viewer may comment and like here (a known identity other than the owner, allowed
    /// `post_comments` on a thread the channel owns).
    pub may_respond: bool,
}

/// The permalink of an item for `observer` (`NotFound` when it may not see it).
pub async fn permalink(ctx: &Ctx, uuid: &str, observer: &Observer) -> Result<Permalink> {
    let (item, channel, access) = by_uuid(ctx, uuid, observer).await?;
    let id = channel.channel_id;
    let mid = item.mid.clone();
    let top_mid = item.parent_mid.clone();
    let a2 = access.clone();
    let (comments, likes, top_owned) = ctx
        .db
        .run(move |conn| {
            let mut comments = Vec::new();
            let mut likes = 0;
            if mid == top_mid {
                for i in store::item::find_thread(conn, id, &mid)? {
                    if i.mid == mid || !a2.may_see(&i) {
                        continue;
                    }
                    if i.verb == "Create" {
                        let a = who(conn, &i.author_xchan)?;
                        comments.push((Item::from(i), a));
                    } else if i.verb == "Like" {
                        likes += 1;
                    }
                }
            }
            Ok((comments, likes, mid == top_mid))
        })
        .await?;
    let may_respond = top_owned
        && item.owner_xchan == channel.channel_hash
        && !access.is_owner()
        && access.viewer_id().is_some()
        && access.may_respond_acl(&item.acl);
    Ok(Permalink {
        item,
        channel,
        comments,
        likes,
        may_respond,
    })
}

/// A comment (`Create` with `body`) or like by a viewer who is not the channel: a visitor
/// signed in by OpenWebAuth, or a channel of another account here. The channel owns the thread,
/// so it stores the response (authored by the viewer), vouches for it with its own signature
/// and relays it to everyone in the thread, as it does with comments that arrive by Zot.
pub async fn respond_as(
    ctx: &Ctx,
    observer: &Observer,
    uuid: &str,
    verb: &str,
    body: &str,
) -> Result<Item> {
    let (body, html) = if verb == "Create" {
        prepare(body)?
    } else {
        (String::new(), String::new())
    };
    let link = permalink(ctx, uuid, observer).await?;
    if !link.may_respond {
        return Err(Error::new(ErrorKind::Forbidden(
            "You may not comment on or like this post.",
        )));
    }
    let ch = link.channel.clone();
    let obs = observer.clone();
    let top_mid = link.item.mid.clone();
    let new_uuid = uuid::Uuid::new_v4().to_string();
    let mid = ctx.uris.item(&new_uuid);
    let now = ctx.clock.now_db();
    let verb = verb.to_string();
    let c2 = ctx.clone();
    let item = ctx
        .db
        .tx(move |conn| {
            let access = ChannelAccess::load(conn, &ch, &obs)?;
            let author = access
                .viewer_id()
                .ok_or_else(|| Error::new(ErrorKind::NotLoggedIn))?
                .to_string();
            let top = store::item::find_by_uid_mid(conn, ch.channel_id, &top_mid)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            if !access.may_respond(&top) {
                return Err(Error::new(ErrorKind::Forbidden(
                    "You may not comment on or like this post.",
                )));
            }
            if verb != "Create"
                && store::item::find_thread(conn, ch.channel_id, &top_mid)?
                    .iter()
                    .any(|i| i.verb == verb && i.author_xchan == author && !i.item_deleted)
            {
                return Err(Error::new(ErrorKind::Conflict {
                    field: "verb",
                    reason: "You already like this.".into(),
                }));
            }
            let acl = ItemAcl::of(&top).columns();
            let item = insert_own(
                conn,
                Own {
                    uuid: &new_uuid,
                    mid: &mid,
                    parent_mid: &top_mid,
                    uid: ch.channel_id,
                    author: &author,
                    owner: &ch.channel_hash,
                    body: &body,
                    html: &html,
                    verb: &verb,
                    thr_parent: &top_mid,
                    acl,
                    now,
                },
            )?;
            let kind = if verb == "Create" { "comment" } else { "like" };
            store::notify::insert(
                conn,
                ch.channel_id,
                kind,
                &author,
                &crate::uris::Uris::item_path(&new_uuid),
                "",
                now,
            )?;
            let author_url = store::xchan::find(conn, &author)?
                .map(|x| x.xchan_url)
                .unwrap_or_default();
            // Everyone in the thread, and the visitor's own hub.
            let to = match perms::recipients(conn, &ch, &top)? {
                outbound::Audience::Public(mut ids) => {
                    if !ids.contains(&author) {
                        ids.push(author.clone());
                    }
                    outbound::Audience::Public(ids)
                }
                outbound::Audience::Private(mut ids) => {
                    if !ids.contains(&author) {
                        ids.push(author.clone());
                    }
                    outbound::Audience::Private(ids)
                }
            };
            // The channel vouches for its visitor: signed by the channel, the visitor as actor.
            publish(
                conn,
                &c2,
                &ch,
                &item,
                Some(&author_url),
                MessageType::Activity,
                &to,
            )?;
            let row = store_row(conn, item.id)?;
            sync::record_item(conn, &c2, &ch, &row)?;
            Ok(item)
        })
        .await?;
    ctx.queue.wake();
    tracing::info!(uuid = %item.uuid, "visitor response stored and relayed");
    Ok(item.into())
}

/// Where an item went: one row per destination hub (status, detail, when).
pub async fn delivery_status(ctx: &Ctx, mid: &str) -> Result<Vec<store::outq::Outq>> {
    let mid = mid.to_string();
    ctx.db
        .run(move |conn| store::outq::find_by_mid(conn, &mid))
        .await
}

/// The newest thread tops in a channel's stream (its own and received), each with its
/// author's address.
pub async fn stream(ctx: &Ctx, channel: &Channel, limit: i64) -> Result<Vec<(Item, String)>> {
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            let mut out = Vec::new();
            for i in store::item::find_stream(conn, id, 0, limit)? {
                let author = store::xchan::find(conn, &i.author_xchan)?
                    .map(|x| x.xchan_addr)
                    .unwrap_or_else(|| i.author_xchan.clone());
                out.push((Item::from(i), author));
            }
            Ok(out)
        })
        .await
}

/// A conversation as the stream shows it.
#[derive(Debug, Clone)]
pub struct Thread {
    /// The top post.
    pub top: Item,
    /// Its author's name, address and channel URL.
    pub author: (String, String, String),
    /// Comments, oldest first, each with its author's name, address and channel URL.
    pub comments: Vec<(Item, (String, String, String))>,
    /// Likes.
    pub likes: usize,
    /// Dislikes.
    pub dislikes: usize,
}

/// An identity's name, address and channel URL (for showing authors).
fn who(conn: &mut AnyConnection, hash: &str) -> Result<(String, String, String)> {
    Ok(store::xchan::find(conn, hash)?
        .map(|x| (x.xchan_name, x.xchan_addr, x.xchan_url))
        .unwrap_or_else(|| {
            (
                hash.chars().take(12).collect(),
                String::new(),
                String::new(),
            )
        }))
}

/// One page of a channel's network stream: the newest conversations it holds, with their
/// comments and reactions.
pub async fn threads(ctx: &Ctx, channel: &Channel, page: i64) -> Result<(Vec<Thread>, bool)> {
    let page = page.clamp(1, 100_000);
    let offset = (page - 1) * PAGE_SIZE;
    let id = channel.channel_id;
    let ch = channel.clone();
    ctx.db
        .run(move |conn| {
            let mut tops = store::item::find_stream(conn, id, offset, PAGE_SIZE + 1)?;
            let more = tops.len() as i64 > PAGE_SIZE;
            tops.truncate(PAGE_SIZE as usize);
            let mut out = Vec::new();
            for top in tops {
                let mut comments = Vec::new();
                let (mut likes, mut dislikes) = (0, 0);
                for i in store::item::find_thread(conn, id, &top.mid)? {
                    if i.id == top.id {
                        continue;
                    }
                    match i.verb.as_str() {
                        "Like" => likes += 1,
                        "Dislike" => dislikes += 1,
                        _ => {
                            let a = who(conn, &i.author_xchan)?;
                            comments.push((i, a));
                        }
                    }
                }
                let owned = top.owner_xchan == ch.channel_hash;
                let mut top = Item::from(top);
                top.seen_by = seen_by(conn, &ch, &top, owned)?;
                out.push(Thread {
                    author: who(conn, &top.author_xchan)?,
                    top,
                    comments: comments
                        .into_iter()
                        .map(|(c, a)| (Item::from(c), a))
                        .collect(),
                    likes,
                    dislikes,
                });
            }
            Ok((out, more))
        })
        .await
}

/// Where an item of the channel went, per destination hub, with the destination's state
/// (next attempt, last error) while it waits.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The destination's Zot endpoint.
    pub destination: String,
    /// `queued`, `failed`, or the receiver's report.
    pub status: String,
    /// Why it failed.
    pub detail: String,
    /// When it was delivered or given up.
    pub done: Option<chrono::NaiveDateTime>,
    /// Next attempt, while queued.
    pub next_attempt: Option<chrono::NaiveDateTime>,
    /// The destination's last error, while queued.
    pub last_error: String,
}

/// The delivery status of one of the channel's items, for its author.
pub async fn deliveries(ctx: &Ctx, channel: &Channel, uuid: &str) -> Result<(Item, Vec<Delivery>)> {
    let uuid = uuid.to_string();
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .filter(|i| i.uid == id && i.item_origin)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let mut out = Vec::new();
            for r in store::outq::find_by_mid(conn, &item.mid)? {
                let dest = store::outq::find_dest(conn, &r.outq_dest)?;
                let waiting = r.outq_done.is_none();
                out.push(Delivery {
                    next_attempt: if waiting {
                        dest.as_ref().map(|d| d.dest_next)
                    } else {
                        None
                    },
                    last_error: if waiting {
                        dest.map(|d| d.dest_last_error).unwrap_or_default()
                    } else {
                        String::new()
                    },
                    destination: r.outq_dest,
                    status: r.outq_status,
                    detail: r.outq_detail,
                    done: r.outq_done,
                });
            }
            Ok((Item::from(item), out))
        })
        .await
}

/// A notification as listed: (kind, who, link, text, when, whose portable id).
pub type Notification = (
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    String,
);

/// The channel's newest notifications.
pub async fn notifications(ctx: &Ctx, channel: &Channel) -> Result<Vec<Notification>> {
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            let mut out = Vec::new();
            for n in store::notify::find_by_channel(conn, id, 100)? {
                let (name, _, _) = who(conn, &n.xchan)?;
                out.push((n.ntype, name, n.link, n.msg, n.created, n.xchan));
            }
            Ok(out)
        })
        .await
}

/// The uuid of the channel's copy of the item with this message id.
pub async fn uuid_of(ctx: &Ctx, channel: &Channel, mid: &str) -> Result<String> {
    let id = channel.channel_id;
    let mid = mid.to_string();
    ctx.db
        .run(move |conn| {
            store::item::find_by_uid_mid(conn, id, &mid)?
                .filter(|i| !i.item_deleted)
                .map(|i| i.uuid)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))
        })
        .await
}

/// One of the account's own items by uuid, with the channel that holds and wrote it
/// (`NotFound` for anything else, so others' items are not revealed).
pub async fn own_item(ctx: &Ctx, account_id: i64, uuid: &str) -> Result<(Channel, Item)> {
    if uuid.len() > 64 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let uuid = uuid.to_string();
    ctx.db
        .run(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .filter(|i| !i.item_deleted && i.verb == "Create")
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let channel = store::channel::find(conn, item.uid)?
                .filter(|c| {
                    !c.channel_removed
                        && c.channel_account_id == account_id
                        && c.channel_hash == item.author_xchan
                })
                .map(Channel::from)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            Ok((channel, Item::from(item)))
        })
        .await
}

/// One earlier version of an item.
#[derive(Debug, Clone)]
pub struct Version {
    /// Its sanitised HTML.
    pub html: String,
    /// When it was written.
    pub written: chrono::NaiveDateTime,
}

/// An item and its earlier versions (oldest first), for a viewer who may see the item.
pub async fn history(
    ctx: &Ctx,
    uuid: &str,
    observer: &Observer,
) -> Result<(Item, Channel, Vec<Version>)> {
    let (item, channel, _) = by_uuid(ctx, uuid, observer).await?;
    let id = item.id;
    let versions = ctx
        .db
        .run(move |conn| store::api::edits(conn, id))
        .await?
        .into_iter()
        .map(|e| Version {
            html: e.html,
            written: e.edited,
        })
        .collect();
    Ok((item, channel, versions))
}
