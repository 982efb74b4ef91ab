//! The receiving side of `POST /zot` (zot6.md §3.4), in Hubzilla's fixed order: the HTTP
//! signature (and its Digest), decryption with our site key, the envelope, the signer must be
//! the envelope's sender at the sending site; then dispatch by type, and an answer of
//! Hubzilla's shape (`{success, delivery_report}`), encrypted back when the request was.
//! Redelivery is harmless: an item is stored once per channel and message id, and an update
//! only applies when it is newer.

use chrono::NaiveDateTime;
use zot::activity::ActivityType;
use zot::message::{DeliveryReport, Envelope, MessageType, ZotResponse};
use zot::perms::Permission;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::activity::{self, Incoming};
use crate::service::channel::Channel;
use crate::service::connection;
use crate::service::discovery::{self, Remote};
use crate::service::outbound::{self, Audience, Outgoing};
use crate::service::perms::{self, ChannelAccess, ItemAcl, Observer};
use crate::service::signatures::{self, Request};
use crate::store::{self, item::NewItem};

/// The answer to a delivery: the JSON body, encrypted for the sender's hub when the request was.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Body.
    pub body: Vec<u8>,
}

fn answer(resp: &ZotResponse, encrypt_for: Option<&zot::keys::PublicKey>) -> Answer {
    let plain = serde_json::to_vec(resp).unwrap_or_else(|_| b"{\"success\":false}".to_vec());
    let body = match encrypt_for.map(|k| zot::crypt::encrypt(&plain, k)) {
        Some(Ok(enc)) => serde_json::to_vec(&enc).unwrap_or(plain),
        _ => plain,
    };
    Answer { body }
}

/// A refusal in Hubzilla's shape (`{"success":false,"message":…}`), logged once.
pub fn refusal(e: &Error) -> Answer {
    match e.kind {
        ErrorKind::Internal => tracing::error!(error = %e, "zot delivery failed"),
        _ => tracing::info!(error = %e, "zot delivery refused"),
    }
    answer(&ZotResponse::failure(&e.kind.safe_message()), None)
}

/// Receives one delivery.
pub async fn receive(ctx: &Ctx, req: Request) -> Result<Answer> {
    let signed = signatures::verify(ctx, &req).await?;
    if !signed.body_verified {
        return Err(Error::new(ErrorKind::Unauthorized(
            "the signature does not cover the body",
        )));
    }
    let (plain, encrypted) = match zot::crypt::Encrypted::from_json(&req.body)? {
        Some(enc) => (zot::crypt::decrypt(&enc, &ctx.site.keypair)?, true),
        None => (req.body.clone(), false),
    };
    if !plain.starts_with(b"{") {
        return Err(Error::new(ErrorKind::BadRequest("malformed message")));
    }
    let env = Envelope::from_json(&plain)?;
    let sender = env
        .sender
        .clone()
        .ok_or_else(|| Error::new(ErrorKind::BadRequest("the envelope has no sender")))?;
    if sender != signed.remote.xchan.xchan_hash {
        return Err(Error::new(ErrorKind::Unauthorized(
            "the signer is not the envelope's sender",
        )));
    }
    let site_id = env.site_id.clone().unwrap_or_default();
    let mut remote = signed.remote.clone();
    let mut location = remote
        .locations
        .iter()
        .find(|h| h.hubloc_site_id == site_id)
        .cloned();
    if location.is_none() {
        // A new location, or a re-installed hub (same URL, new site key): ask again, as
        // Hubzilla does; the import retires the re-installed hub's old locations.
        remote = discovery::discover(ctx, &signed.key_id).await?;
        location = remote
            .locations
            .iter()
            .find(|h| h.hubloc_site_id == site_id)
            .cloned();
    }
    let location = location
        .ok_or_else(|| Error::new(ErrorKind::Unauthorized("sender unknown at that site")))?;
    // What the sending hub runs decides how this hub syncs to it (service::hz): learn it the
    // first time it writes.
    let site_url = location.hubloc_url.trim_end_matches('/').to_string();
    if ctx
        .db
        .run(move |conn| store::site::find_site(conn, &site_url))
        .await?
        .is_none()
        && let Err(e) = discovery::learn_site(ctx, &location.hubloc_id_url).await
    {
        tracing::debug!(error = %e, "the sending hub's site info is not known yet");
    }
    // The hub is alive: if we had given up on it, it gets everything it missed now.
    let now = ctx.clock.now_db();
    let callback = location.hubloc_callback.clone();
    if ctx
        .db
        .run(move |conn| store::outq::revive(conn, &callback, now))
        .await?
        > 0
    {
        ctx.queue.wake();
    }
    let encrypt_for = if encrypted {
        zot::keys::PublicKey::from_pem(&location.hubloc_sitekey).ok()
    } else {
        None
    };
    let reports = dispatch(ctx, &env, &remote, &sender).await?;
    let resp = match reports {
        Some(r) => ZotResponse::with_reports(r),
        None => ZotResponse::ok(),
    };
    Ok(answer(&resp, encrypt_for.as_ref()))
}

/// Local channels named as recipients (unknown ones are reported, not fatal).
async fn local_recipients(ctx: &Ctx, env: &Envelope) -> Result<(Vec<Channel>, Vec<String>)> {
    let wanted = env.recipients.clone().unwrap_or_default();
    ctx.db
        .run(move |conn| {
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for hash in wanted {
                match store::channel::find_by_hash(conn, &hash)? {
                    Some(c) => found.push(Channel::from(c)),
                    None => missing.push(hash),
                }
            }
            Ok((found, missing))
        })
        .await
}

fn report(
    ctx: &Ctx,
    sender: &str,
    recipient: &str,
    name: &str,
    mid: &str,
    status: &str,
) -> DeliveryReport {
    DeliveryReport {
        location: ctx.uris.base().to_string(),
        sender: sender.to_string(),
        recipient: recipient.to_string(),
        name: name.to_string(),
        message_id: mid.to_string(),
        status: status.to_string(),
        date: ctx.clock.now().format("%Y-%m-%d %H:%M:%S").to_string(),
        extra: serde_json::Map::new(),
    }
}

async fn dispatch(
    ctx: &Ctx,
    env: &Envelope,
    remote: &Remote,
    sender: &str,
) -> Result<Option<Vec<DeliveryReport>>> {
    match &env.kind {
        MessageType::Refresh | MessageType::ForceRefresh => {
            let (recipients, _) = local_recipients(ctx, env).await?;
            if recipients.is_empty() {
                // A refresh without recipients: re-read the sender's identity.
                discovery::discover(ctx, &remote.xchan.xchan_url).await?;
            }
            for r in &recipients {
                if r.channel_hash == remote.xchan.xchan_hash {
                    // Another location of this very channel (a clone, or the primary): re-read
                    // its channel info there to learn the channel's locations.
                    refresh_own_locations(ctx, env, r).await?;
                } else {
                    connection::on_refresh(ctx, r, remote, env.site_id.as_deref()).await?;
                }
            }
            Ok(None)
        }
        MessageType::Purge => {
            let (recipients, _) = local_recipients(ctx, env).await?;
            for r in &recipients {
                connection::on_purge(ctx, r, sender).await?;
            }
            Ok(None)
        }
        MessageType::Activity | MessageType::Response => {
            deliver_activity(ctx, env, sender).await.map(Some)
        }
        MessageType::Sync => {
            let (recipients, _) = local_recipients(ctx, env).await?;
            let origin = env.site_id.clone().unwrap_or_default();
            if origin == ctx.site.site_id {
                return Ok(None);
            }
            for r in &recipients {
                // Only the channel itself, from one of its locations (the receiver checked the
                // sending site is one), keeps its clones in step.
                if r.channel_hash != sender {
                    return Err(Error::new(ErrorKind::Unauthorized("channel mismatch")));
                }
                let done = crate::service::sync::receive(ctx, env, r, &origin).await?;
                tracing::debug!(?done, channel = %r.channel_address, "sync applied");
            }
            Ok(None)
        }
        other => {
            tracing::info!(kind = other.as_str(), "message type not handled yet");
            Err(Error::new(ErrorKind::BadRequest(
                "message type not supported",
            )))
        }
    }
}

/// A `refresh` from another location of a local channel: fetch the channel info at the sending
/// hub and store the locations it lists (each verified as discovery always does).
async fn refresh_own_locations(ctx: &Ctx, env: &Envelope, channel: &Channel) -> Result<()> {
    let hash = channel.channel_hash.clone();
    let site = env.site_id.clone().unwrap_or_default();
    let at = ctx
        .db
        .run(move |conn| {
            Ok(store::hubloc::find_by_hash(conn, &hash)?
                .into_iter()
                .find(|h| h.hubloc_site_id == site))
        })
        .await?;
    let Some(at) = at else {
        return Err(Error::new(ErrorKind::Unauthorized(
            "the sender is not a location of this channel",
        )));
    };
    let info = discovery::fetch_info(ctx, &at.hubloc_id_url, None).await?;
    discovery::import_info(ctx, info, &at.hubloc_id_url).await?;
    // The other location may have become the primary (a move, or a clone taking over).
    crate::service::locations::follow_primary(ctx, channel, &at.hubloc_site_id).await
}

/// Verifies the JSalmon around an activity; returns the activity, the raw signed form and
/// the signer's portable id.
async fn open_salmon(ctx: &Ctx, env: &Envelope) -> Result<(serde_json::Value, String, String)> {
    let salmon = env.salmon()?;
    let key_id = salmon.signer()?;
    let (signer, key) = discovery::key_for(ctx, &key_id, false).await?;
    let (doc, signer) = match salmon.verify(&key) {
        Ok(d) => (d, signer),
        Err(_) => {
            let (signer2, key2) = discovery::key_for(ctx, &key_id, true).await?;
            (salmon.verify(&key2)?, signer2)
        }
    };
    let raw = serde_json::to_string(&salmon).unwrap_or_default();
    Ok((doc, raw, signer.xchan.xchan_hash))
}

async fn deliver_activity(ctx: &Ctx, env: &Envelope, sender: &str) -> Result<Vec<DeliveryReport>> {
    let (doc, raw, signer) = open_salmon(ctx, env).await?;
    let incoming = activity::decode(doc)?;
    let author = discovery::resolve(ctx, &incoming.actor).await?;
    // The author signs their own activity. The one exception: a thread's owner vouches for a
    // comment or like a visitor made on its hub (signed by the owner, who sends it); that is
    // checked per recipient against the thread.
    let vouched = signer != author.xchan.xchan_hash;
    if vouched && (incoming.in_reply_to.is_none() || signer != sender) {
        return Err(Error::new(ErrorKind::Unauthorized(
            "the activity is not signed by its author",
        )));
    }
    let private = env.recipients.is_some() && env.kind != MessageType::Response;
    // Who here receives it: the named recipients, or, for a public delivery, every local
    // channel connected with the sender (and the owners of the thread it belongs to).
    let recipients: Vec<Channel> = if env.recipients.is_some() {
        let (found, missing) = local_recipients(ctx, env).await?;
        let mut reports: Vec<DeliveryReport> = missing
            .iter()
            .map(|h| report(ctx, sender, h, "", &incoming.mid, "recipient not found"))
            .collect();
        if found.is_empty() {
            return Ok(reports);
        }
        reports.clear();
        found
    } else {
        let s = sender.to_string();
        let parent = incoming.in_reply_to.clone();
        ctx.db
            .run(move |conn| {
                let mut out = Vec::new();
                for ab in store::abook::find_by_xchan(conn, &s)? {
                    if let Some(c) = store::channel::find(conn, ab.abook_channel)? {
                        out.push(Channel::from(c));
                    }
                }
                if let Some(p) = parent {
                    for it in store::item::find_by_mid(conn, &p)? {
                        if !out.iter().any(|c: &Channel| c.channel_id == it.uid)
                            && let Some(c) = store::channel::find(conn, it.uid)?
                        {
                            out.push(Channel::from(c));
                        }
                    }
                }
                Ok(out)
            })
            .await?
    };
    let mut reports = Vec::new();
    for r in recipients {
        let status = match deliver_to(
            ctx, env, &r, &author, sender, &incoming, private, vouched, &raw,
        )
        .await
        {
            Ok(s) => s,
            Err(e) if e.kind == ErrorKind::Internal => return Err(e),
            Err(e) => {
                tracing::info!(error = %e, channel = %r.channel_address, "delivery refused for a recipient");
                "permission denied".to_string()
            }
        };
        reports.push(report(
            ctx,
            sender,
            &r.channel_hash,
            &format!(
                "{} <{}>",
                r.channel_name,
                ctx.uris.address(&r.channel_address)
            ),
            &incoming.mid,
            &status,
        ));
    }
    Ok(reports)
}

/// Stores (or updates, or deletes) one activity for one local channel; returns the status.
#[allow(clippy::too_many_arguments)]
async fn deliver_to(
    ctx: &Ctx,
    env: &Envelope,
    recipient: &Channel,
    author: &Remote,
    sender: &str,
    incoming: &Incoming,
    private: bool,
    vouched: bool,
    raw: &str,
) -> Result<String> {
    if sender == recipient.channel_hash {
        return Ok("self delivery ignored".into());
    }
    let (access, parent, parent_seen) = {
        let id = recipient.channel_id;
        let s = sender.to_string();
        let ch = recipient.clone();
        let parent_mid = incoming.in_reply_to.clone();
        ctx.db
            .run(move |conn| {
                let p = match parent_mid {
                    Some(m) => store::item::find_by_uid_mid(conn, id, &m)?,
                    None => None,
                };
                let access = ChannelAccess::load(conn, &ch, &Observer::Identity(s.clone()))?;
                let parent_seen = p.as_ref().is_some_and(|p| access.may_see(p));
                Ok((access, p, parent_seen))
            })
            .await?
    };
    if access.is_blocked() {
        return Ok("permission denied".into());
    }
    let now = ctx.clock.now_db();
    // Deletions: only the author (or the thread owner) removes an item.
    if incoming.kind == ActivityType::Delete {
        let id = recipient.channel_id;
        let mid = incoming.mid.clone();
        let author_hash = author.xchan.xchan_hash.clone();
        let s = sender.to_string();
        let n = ctx
            .db
            .tx(move |conn| store::item::mark_deleted(conn, id, &mid, &author_hash, &s, now))
            .await?;
        return Ok(if n > 0 { "deleted" } else { "delete_failed" }.into());
    }
    let is_reply = incoming.in_reply_to.is_some();
    let (parent_mid, top_owner, thread_private) = match (&parent, is_reply) {
        (Some(p), true) => (
            p.parent_mid.clone(),
            p.owner_xchan.clone(),
            ItemAcl::of(p).is_restricted(),
        ),
        (None, true) => return Ok("comment parent not found".into()),
        _ => (incoming.mid.clone(), sender.to_string(), private),
    };
    let upstream = is_reply && top_owner == recipient.channel_hash;
    if vouched && (upstream || sender != top_owner) {
        // Only the thread's owner vouches, and only when relaying downstream.
        return Ok("permission denied".into());
    }
    if !is_reply {
        if !access.may(Permission::SendStream) {
            return Ok("permission denied".into());
        }
    } else if upstream {
        // A comment or like for a thread we own: the commenter must see the thread and hold
        // post_comments.
        if !parent_seen || !access.may(Permission::PostComments) {
            return Ok("permission denied".into());
        }
    } else if sender != top_owner && (thread_private || !incoming.public) {
        // Downstream, a comment must come from the thread's owner (route check).
        return Ok("comment route mismatch".into());
    }
    let stored = store_item(
        ctx,
        recipient,
        author,
        if upstream {
            &recipient.channel_hash
        } else {
            &top_owner
        },
        incoming,
        &parent_mid,
        match (&parent, upstream) {
            // A comment on our thread shares the thread's audience.
            (Some(p), true) => ItemAcl::of(p),
            _ => ItemAcl::received(thread_private || private, &recipient.channel_hash),
        },
        raw,
        now,
    )
    .await?;
    if upstream && stored == "posted" {
        relay(ctx, recipient, &parent_mid, env, raw).await?;
        // The thread's other locations get it from here too, after its parent (the sync
        // queue keeps the order), whichever way the commenter's own delivery goes.
        record_received(ctx, recipient, &incoming.mid).await?;
        return Ok("posted, relayed".into());
    }
    Ok(stored)
}

#[allow(clippy::too_many_arguments)]
async fn store_item(
    ctx: &Ctx,
    recipient: &Channel,
    author: &Remote,
    owner: &str,
    incoming: &Incoming,
    parent_mid: &str,
    acl: ItemAcl,
    raw: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let acl = acl.columns();
    let uid = recipient.channel_id;
    let verb = match incoming.kind {
        ActivityType::Like => "Like",
        ActivityType::Dislike => "Dislike",
        _ => "Create",
    }
    .to_string();
    let mid = incoming.mid.clone();
    let parent_mid = parent_mid.to_string();
    let thr = incoming.in_reply_to.clone().unwrap_or_default();
    let author_hash = author.xchan.xchan_hash.clone();
    let owner = owner.to_string();
    let body: String = incoming.source.chars().take(100_000).collect();
    let html = incoming.html.clone();
    let created = incoming.published.unwrap_or(now);
    let edited = incoming.updated.unwrap_or(created);
    let raw = raw.to_string();
    let notify_owner = recipient.channel_hash.clone();
    let files = incoming.attachments.clone();
    let mentioned = incoming
        .mentions
        .iter()
        .any(|m| *m == ctx.uris.channel(&recipient.channel_address));
    ctx.db
        .tx(move |conn| {
            if let Some(existing) = store::item::find_by_uid_mid(conn, uid, &mid)? {
                if existing.author_xchan != author_hash {
                    return Ok("permission denied".to_string());
                }
                if edited > existing.edited {
                    store::item::update_content(conn, existing.id, &body, &html, edited)?;
                    return Ok("updated".to_string());
                }
                return Ok("update ignored".to_string());
            }
            let uuid = uuid::Uuid::new_v4().to_string();
            let item_id = store::item::insert(
                conn,
                &NewItem {
                    uuid: &uuid,
                    mid: &mid,
                    parent_mid: &parent_mid,
                    uid,
                    author_xchan: &author_hash,
                    owner_xchan: &owner,
                    title: "",
                    body: &body,
                    html: &html,
                    mimetype: "text/html",
                    created,
                    edited,
                    acl,
                    verb: &verb,
                    thr_parent: &thr,
                    item_origin: false,
                    route: "",
                    signed_data: &raw,
                },
            )
            .map_err(|e| {
                if store::caused_by_unique_violation(&e) {
                    Error::new(ErrorKind::Conflict {
                        field: "mid",
                        reason: "duplicate".into(),
                    })
                } else {
                    e
                }
            })?;
            crate::service::attachment::record_incoming(conn, item_id, &files)?;
            if mentioned {
                store::notify::insert(
                    conn,
                    uid,
                    "mention",
                    &author_hash,
                    &crate::uris::Uris::item_path(&uuid),
                    "",
                    now,
                )?;
            } else if !thr.is_empty() && owner == notify_owner {
                let kind = if verb == "Create" { "comment" } else { "like" };
                store::notify::insert(
                    conn,
                    uid,
                    kind,
                    &author_hash,
                    &crate::uris::Uris::item_path(&uuid),
                    "",
                    now,
                )?;
            }
            Ok("posted".to_string())
        })
        .await
        .or_else(|e| match e.kind {
            ErrorKind::Conflict { .. } => Ok("update ignored".to_string()),
            _ => Err(e),
        })
}

/// Records a comment or like accepted on one of the channel's threads in its change log.
async fn record_received(ctx: &Ctx, channel: &Channel, mid: &str) -> Result<()> {
    let ch = channel.clone();
    let mid = mid.to_string();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            if let Some(row) = store::item::find_by_uid_mid(conn, ch.channel_id, &mid)? {
                crate::service::sync::record_item(conn, &c2, &ch, &row)?;
            }
            Ok(())
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

/// The thread owner sends a comment it accepted on to everyone who has the thread, with the
/// commenter's signature intact (the JSalmon as received).
async fn relay(ctx: &Ctx, owner: &Channel, thread: &str, env: &Envelope, raw: &str) -> Result<()> {
    let top = {
        let id = owner.channel_id;
        let t = thread.to_string();
        ctx.db
            .run(move |conn| store::item::find_by_uid_mid(conn, id, &t))
            .await?
    };
    let Some(top) = top else { return Ok(()) };
    let data: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    let commenter = env.sender.clone().unwrap_or_default();
    let ch = owner.clone();
    let site_id = ctx.site.site_id.clone();
    let mid = top.mid.clone();
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            let audience = match perms::recipients(conn, &ch, &top)? {
                Audience::Private(ids) => Audience::Private(without(ids, &commenter)),
                Audience::Public(ids) => Audience::Public(without(ids, &commenter)),
            };
            outbound::queue(
                conn,
                &Outgoing {
                    channel_id: ch.channel_id,
                    sender: &ch.channel_hash,
                    site_id: &site_id,
                    kind: MessageType::Activity,
                    data: Some(("activitystreams", data)),
                    mid: &mid,
                },
                &audience,
                now,
            )
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

fn without(mut ids: Vec<String>, who: &str) -> Vec<String> {
    ids.retain(|i| i != who);
    ids
}
