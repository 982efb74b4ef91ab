//! Keeping a channel's locations identical (zot6.md §6.3, Caravan's own encoding). Every change
//! made at a location is recorded once in the channel's change log, in the transaction of the
//! change, with the next number of this location and a hybrid logical clock; the same
//! transaction queues it, as a `sync` message (encoding `caravan`), for every other location of
//! the channel. The delivery queue sends them in order and keeps them for a location that is
//! down, so it catches up with exactly what it missed. A location applies each change once
//! (the log knows every (origin, number) it has seen), never sends on what it received (no
//! echoes), and settles conflicts by one rule: a deletion wins; otherwise the change with the
//! later clock (then the greater origin) wins (docs/federation.md).
//!
//! Kinds so far: `item` (posts, comments, likes, edits, deletions made at a location, and
//! responses accepted on its threads), `profile` (name, about, home page, locality), `abook`
//! (a connection with its identity, locations, state and permissions) and `group` (a privacy
//! group and its members), `setting` (a channel-wide permission limit, as Hubzilla keeps it),
//! `location` (a location dropping itself) and `file` (a cloud file or folder; its content is
//! fetched afterwards, see `service::file_sync`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zot::message::{Envelope, MessageType};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::{file_sync, outbound};
use crate::store::{self, AnyConnection};

/// The `encoding` of Caravan's sync messages.
pub const ENCODING: &str = "caravan";
/// The kinds of objects the log carries.
pub const KINDS: &[&str] = &[
    "item", "profile", "abook", "group", "setting", "location", "file",
];

/// One change as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Site id of the location where it was made.
    pub origin: String,
    /// Its number there.
    pub seq: i64,
    /// Kind of object.
    pub kind: String,
    /// Which object.
    pub obj: String,
    /// Hybrid logical clock.
    pub hlc: i64,
    /// The object's new state.
    pub body: serde_json::Value,
}

/// A sync message's payload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Packet {
    /// Changes, in order.
    pub changes: Vec<Change>,
}

/// Records a change made here to `obj` and queues it for the channel's other locations, in the
/// caller's transaction.
pub(crate) fn record(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel_id: i64,
    channel_hash: &str,
    kind: &str,
    obj: &str,
    body: serde_json::Value,
) -> Result<()> {
    let origin = ctx.site.site_id.clone();
    // Two transactions recording for one channel at once would take the same number.
    store::channel::lock(conn, channel_id)?;
    let seq = store::changelog::last_seq(conn, channel_id, &origin)? + 1;
    let now = ctx.clock.now();
    let hlc = now
        .timestamp_micros()
        .max(store::changelog::last_hlc(conn, channel_id)? + 1);
    let text = body.to_string();
    store::changelog::insert(
        conn,
        channel_id,
        &origin,
        seq,
        kind,
        obj,
        hlc,
        &text,
        ctx.clock.now_db(),
    )?;
    let packet = Packet {
        changes: vec![Change {
            origin: origin.clone(),
            seq,
            kind: kind.to_string(),
            obj: obj.to_string(),
            hlc,
            body,
        }],
    };
    let data = serde_json::to_value(&packet)
        .map_err(|e| Error::internal(anyhow::anyhow!("sync packet: {e}")))?;
    let change = &packet.changes[0];
    let hz = crate::service::hz::packet_for(conn, ctx, channel_id, &change.kind, &change.body)?;
    outbound::queue_to_other_locations(
        conn,
        &outbound::Outgoing {
            channel_id,
            sender: channel_hash,
            site_id: &origin,
            kind: MessageType::Sync,
            data: Some((ENCODING, data)),
            mid: "",
        },
        hz.as_ref(),
        channel_hash,
        &ctx.uris.zot_endpoint(),
        ctx.clock.now_db(),
    )?;
    Ok(())
}

/// Records the current state of an item made or changed here.
pub(crate) fn record_item(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel: &Channel,
    item: &store::item::Item,
) -> Result<()> {
    let body = serde_json::to_value(crate::service::export::item_of(item.clone()))
        .map_err(|e| Error::internal(anyhow::anyhow!("sync item: {e}")))?;
    record(
        conn,
        ctx,
        channel.channel_id,
        &channel.channel_hash,
        "item",
        &item.mid,
        body,
    )
}

/// The profile as it travels (`profile` changes; one object, `default`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileState {
    /// Display name.
    pub name: String,
    /// About text (Markdown).
    pub about: String,
    /// Home page.
    pub homepage: String,
    /// Locality.
    pub locality: String,
}

/// Records a profile edit made here.
pub(crate) fn record_profile(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel_id: i64,
    channel_hash: &str,
    state: &ProfileState,
) -> Result<()> {
    let body = serde_json::to_value(state)
        .map_err(|e| Error::internal(anyhow::anyhow!("sync profile: {e}")))?;
    record(
        conn,
        ctx,
        channel_id,
        channel_hash,
        "profile",
        "default",
        body,
    )
}

/// What a location made of a sync message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Changes applied.
    pub applied: usize,
    /// Changes seen before (skipped).
    pub duplicates: usize,
    /// Changes that lost to a newer state (recorded, not applied).
    pub superseded: usize,
}

/// Receives a sync message for `channel` from another of its locations (`origin`, the sending
/// site, already checked to be one of the channel's locations).
pub async fn receive(
    ctx: &Ctx,
    env: &Envelope,
    channel: &Channel,
    origin: &str,
) -> Result<Applied> {
    if env.encoding.as_deref() == Some(zot::hz::ENCODING) {
        return crate::service::hz::receive(ctx, env, channel, origin).await;
    }
    if env.encoding.as_deref() != Some(ENCODING) {
        return Err(Error::new(ErrorKind::BadRequest(
            "this sync encoding is not supported",
        )));
    }
    let data = env
        .data
        .clone()
        .ok_or_else(|| Error::new(ErrorKind::BadRequest("the sync message has no data")))?;
    let data = match data {
        serde_json::Value::String(s) => serde_json::from_str(&s)
            .map_err(|_| Error::new(ErrorKind::BadRequest("malformed sync data")))?,
        v => v,
    };
    let packet: Packet = serde_json::from_value(data)
        .map_err(|_| Error::new(ErrorKind::BadRequest("malformed sync data")))?;
    if packet.changes.iter().any(|c| c.origin != origin) {
        return Err(Error::new(ErrorKind::Unauthorized(
            "a location may only send its own changes",
        )));
    }
    let ch = channel.clone();
    let now = ctx.clock.now_db();
    let here = ctx.site.site_id.clone();
    let (applied, blobs) = ctx
        .db
        .tx(move |conn| {
            // The content a file change may free, read before it is applied.
            let mut blobs = Vec::new();
            for c in packet.changes.iter().filter(|c| c.kind == file_sync::KIND) {
                blobs.extend(file_sync::blobs_under(conn, ch.channel_id, &c.obj)?);
            }
            let applied = apply_all(conn, &ch, &here, packet.changes, Numbering::AtOrigin, now)?;
            Ok((applied, blobs))
        })
        .await?;
    file_sync::forget_unused(ctx, blobs).await;
    ctx.queue.wake();
    Ok(applied)
}

/// Where the numbers of received changes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numbering {
    /// The origin numbered them (Caravan's encoding): a number seen before is a duplicate.
    AtOrigin,
    /// The origin does not number its changes (Hubzilla's `hz`): they are numbered here on
    /// arrival, and a change that would change nothing is a duplicate.
    OnArrival,
}

/// Applies received changes in order, each recorded in the log once, in the caller's
/// transaction.
pub(crate) fn apply_all(
    conn: &mut AnyConnection,
    ch: &Channel,
    here: &str,
    changes: Vec<Change>,
    numbering: Numbering,
    now: chrono::NaiveDateTime,
) -> Result<Applied> {
    let mut out = Applied::default();
    for mut c in changes {
        match numbering {
            Numbering::AtOrigin => {
                if store::changelog::exists(conn, ch.channel_id, &c.origin, c.seq)? {
                    out.duplicates += 1;
                    continue;
                }
                let expected = store::changelog::last_seq(conn, ch.channel_id, &c.origin)? + 1;
                if c.seq != expected {
                    tracing::warn!(
                        expected,
                        got = c.seq,
                        origin = %c.origin,
                        "sync: a change arrived out of order"
                    );
                }
            }
            Numbering::OnArrival => {
                if unchanged(conn, ch, &c)? {
                    out.duplicates += 1;
                    continue;
                }
                c.seq = store::changelog::last_seq(conn, ch.channel_id, &c.origin)? + 1;
            }
        }
        let won = apply(conn, ch, here, &c, now)?;
        store::changelog::insert(
            conn,
            ch.channel_id,
            &c.origin,
            c.seq,
            &c.kind,
            &c.obj,
            c.hlc,
            &c.body.to_string(),
            now,
        )?;
        if won {
            out.applied += 1;
        } else {
            out.superseded += 1;
        }
    }
    Ok(out)
}

/// Whether applying `c` would change nothing here (an item or profile already in that state).
fn unchanged(conn: &mut AnyConnection, ch: &Channel, c: &Change) -> Result<bool> {
    match c.kind.as_str() {
        "item" => {
            let Ok(it) = serde_json::from_value::<zot::export::Item>(c.body.clone()) else {
                return Ok(false);
            };
            Ok(
                match store::item::find_by_uid_mid(conn, ch.channel_id, &it.mid)? {
                    Some(e) => {
                        e.item_deleted
                            || (!it.item_deleted
                                && e.body == it.body
                                && e.edited == parse_time(&it.edited, e.edited))
                    }
                    None => false,
                },
            )
        }
        "profile" => {
            let Ok(p) = serde_json::from_value::<ProfileState>(c.body.clone()) else {
                return Ok(false);
            };
            Ok(current_profile(conn, ch.channel_id)?.is_some_and(|now| now == p))
        }
        "setting" => Ok(match setting_of(c) {
            Some((cat, k, v)) => {
                store::pconfig::get(conn, ch.channel_id, &cat, &k)?.as_deref() == Some(v.as_str())
            }
            None => false,
        }),
        _ => Ok(false),
    }
}

/// The channel's profile as it travels.
pub(crate) fn current_profile(
    conn: &mut AnyConnection,
    channel_id: i64,
) -> Result<Option<ProfileState>> {
    let Some(p) = store::profile::find(conn, channel_id)? else {
        return Ok(None);
    };
    let name = store::channel::find(conn, channel_id)?
        .map(|c| c.channel_name)
        .unwrap_or_default();
    Ok(Some(ProfileState {
        name,
        about: p.about,
        homepage: p.homepage,
        locality: p.locality,
    }))
}

/// Applies one change; false when a newer state already holds.
fn apply(
    conn: &mut AnyConnection,
    channel: &Channel,
    here: &str,
    c: &Change,
    now: chrono::NaiveDateTime,
) -> Result<bool> {
    match c.kind.as_str() {
        "location" => apply_location(conn, channel, here, c, now),
        "setting" => {
            let (cat, k, v) = setting_of(c)
                .ok_or_else(|| Error::new(ErrorKind::BadRequest("malformed setting change")))?;
            if !newer(conn, channel.channel_id, c)? {
                return Ok(false);
            }
            if !crate::service::perms::restore_limit(conn, channel.channel_id, &cat, &k, &v)? {
                return Err(Error::new(ErrorKind::BadRequest("unknown setting")));
            }
            Ok(true)
        }
        "item" => apply_item(conn, channel, c, now),
        file_sync::KIND => file_sync::apply(conn, channel, c, now),
        "profile" => apply_profile(conn, channel, c, now),
        "abook" | "group" => {
            if !newer(conn, channel.channel_id, c)? {
                return Ok(false);
            }
            if c.kind == "abook" {
                crate::service::connection::apply_synced(conn, channel, &c.body, now)?;
            } else {
                crate::service::connection::apply_synced_group(conn, channel, &c.body)?;
            }
            Ok(true)
        }
        _ => Err(Error::new(ErrorKind::BadRequest("unknown kind of change"))),
    }
}

/// A `setting` change's (category, key, value); its object is `category.key`.
fn setting_of(c: &Change) -> Option<(String, String, String)> {
    let cat = c.body.get("cat")?.as_str()?.to_string();
    let k = c.body.get("k")?.as_str()?.to_string();
    let v = c.body.get("v")?.as_str()?.to_string();
    (c.obj == format!("{cat}.{k}")).then_some((cat, k, v))
}

/// A location that dropped itself (`location`, its own site id, `{"deleted": true}`): it is
/// marked deleted here; the primary tells the channel's connections, so they stop delivering
/// there.
fn apply_location(
    conn: &mut AnyConnection,
    channel: &Channel,
    here: &str,
    c: &Change,
    now: chrono::NaiveDateTime,
) -> Result<bool> {
    if c.obj != c.origin || c.body.get("deleted").and_then(|d| d.as_bool()) != Some(true) {
        return Err(Error::new(ErrorKind::BadRequest(
            "a location may only drop itself",
        )));
    }
    store::hubloc::mark_deleted_at(conn, &channel.channel_hash, &c.origin)?;
    let primary_here = store::hubloc::find_by_hash(conn, &channel.channel_hash)?
        .iter()
        .any(|h| h.hubloc_primary && h.hubloc_site_id == here);
    if primary_here {
        crate::service::locations::announce(conn, channel, here, now)?;
    }
    Ok(true)
}

fn parse_time(s: &str, fallback: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap_or(fallback)
}

fn apply_item(
    conn: &mut AnyConnection,
    channel: &Channel,
    c: &Change,
    now: chrono::NaiveDateTime,
) -> Result<bool> {
    let it: zot::export::Item = serde_json::from_value(c.body.clone())
        .map_err(|_| Error::new(ErrorKind::BadRequest("malformed item change")))?;
    if it.mid != c.obj || it.mid.is_empty() || it.author_xchan.is_empty() {
        return Err(Error::new(ErrorKind::BadRequest("malformed item change")));
    }
    let html = crate::service::text::sanitize_html(&it.html);
    let edited = parse_time(&it.edited, now);
    match store::item::find_by_uid_mid(conn, channel.channel_id, &it.mid)? {
        None => {
            crate::service::export::insert_item(conn, channel.channel_id, &it, true, now)?;
            Ok(true)
        }
        Some(existing) => {
            // A deletion wins, whenever it happened.
            if existing.item_deleted {
                return Ok(it.item_deleted);
            }
            if it.item_deleted {
                store::item::mark_deleted(
                    conn,
                    channel.channel_id,
                    &it.mid,
                    &existing.author_xchan,
                    &existing.owner_xchan,
                    edited,
                )?;
                return Ok(true);
            }
            // Otherwise the later clock (then the greater origin) wins.
            let newest = store::changelog::latest_of(conn, channel.channel_id, "item", &it.mid)?;
            let wins = newest.is_none_or(|(hlc, origin)| later(c, hlc, &origin));
            if wins {
                store::item::update_content(conn, existing.id, &it.body, &html, edited)?;
                if !it.signed_data.is_empty() {
                    store::item::update_signed_data(conn, existing.id, &it.signed_data)?;
                }
            }
            Ok(wins)
        }
    }
}

fn newer(conn: &mut AnyConnection, uid: i64, c: &Change) -> Result<bool> {
    let newest = store::changelog::latest_of(conn, uid, &c.kind, &c.obj)?;
    Ok(newest.is_none_or(|(hlc, origin)| later(c, hlc, &origin)))
}

/// The conflict rule: the later clock wins, then the greater origin; an equal clock from the
/// same origin is that origin's next change (one origin's changes arrive in order, and
/// Hubzilla's clocks count whole seconds), so it wins too.
pub(crate) fn later(c: &Change, hlc: i64, origin: &str) -> bool {
    (c.hlc, c.origin.as_str()) > (hlc, origin) || (c.hlc == hlc && c.origin == origin)
}

fn apply_profile(
    conn: &mut AnyConnection,
    channel: &Channel,
    c: &Change,
    now: chrono::NaiveDateTime,
) -> Result<bool> {
    let p: ProfileState = serde_json::from_value(c.body.clone())
        .map_err(|_| Error::new(ErrorKind::BadRequest("malformed profile change")))?;
    if c.obj != "default" || p.name.trim().is_empty() || p.name.chars().count() > 190 {
        return Err(Error::new(ErrorKind::BadRequest(
            "malformed profile change",
        )));
    }
    if !newer(conn, channel.channel_id, c)? {
        return Ok(false);
    }
    store::profile::update(
        conn,
        channel.channel_id,
        &p.about,
        &p.homepage,
        &p.locality,
        now,
    )?;
    store::channel::update_name(conn, channel.channel_id, &p.name)?;
    store::xchan::update_name(conn, &channel.channel_hash, &p.name, now)?;
    Ok(true)
}

/// One kind of object at one location: how many, and a digest of their states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindState {
    /// Kind.
    pub kind: String,
    /// Objects.
    pub count: usize,
    /// SHA-256 over the sorted (object, state) pairs, hex.
    pub digest: String,
}

/// One location's view of a channel's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationState {
    /// The location (base URL).
    pub location: String,
    /// Its site id.
    pub site_id: String,
    /// Per kind.
    pub kinds: Vec<KindState>,
    /// Per origin: the highest number seen and how many changes.
    pub cursors: Vec<(String, i64, i64)>,
}

/// This location's state of a channel.
pub fn state(conn: &mut AnyConnection, ctx: &Ctx, channel_id: i64) -> Result<LocationState> {
    let mut kinds = Vec::new();
    // Items: every object the log names, with its current state here.
    let mut objs: Vec<String> = store::changelog::objects(conn, channel_id, "item")?;
    objs.sort();
    objs.dedup();
    let mut h = Sha256::new();
    for mid in &objs {
        let state = match store::item::find_by_uid_mid(conn, channel_id, mid)? {
            Some(i) if i.item_deleted => "deleted".to_string(),
            Some(i) => format!(
                "{}\u{1f}{}",
                i.edited.format("%Y-%m-%d %H:%M:%S%.6f"),
                i.body
            ),
            None => "missing".to_string(),
        };
        h.update(mid.as_bytes());
        h.update([0x1e]);
        h.update(state.as_bytes());
        h.update([0x1d]);
    }
    kinds.push(KindState {
        kind: "item".into(),
        count: objs.len(),
        digest: hex::encode(h.finalize()),
    });
    // The profile, once it has been changed anywhere.
    let edited = !store::changelog::objects(conn, channel_id, "profile")?.is_empty();
    let mut h = Sha256::new();
    if edited {
        let p = store::profile::find(conn, channel_id)?;
        let name = store::channel::find(conn, channel_id)?
            .map(|c| c.channel_name)
            .unwrap_or_default();
        if let Some(p) = p {
            for part in [name, p.about, p.homepage, p.locality] {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
        }
    }
    kinds.push(KindState {
        kind: "profile".into(),
        count: usize::from(edited),
        digest: hex::encode(h.finalize()),
    });
    // Connections, groups and settings the log names, each in its state here.
    for kind in ["abook", "group", "setting"] {
        let mut objs = store::changelog::objects(conn, channel_id, kind)?;
        objs.sort();
        let mut h = Sha256::new();
        for obj in &objs {
            let state = if kind == "abook" {
                crate::service::connection::state_text(conn, channel_id, obj)?
            } else if kind == "setting" {
                let (cat, k) = obj.split_once('.').unwrap_or((obj.as_str(), ""));
                store::pconfig::get(conn, channel_id, cat, k)?.unwrap_or_default()
            } else {
                match store::pgrp::find_by_hash(conn, channel_id, obj)? {
                    Some(g) => {
                        let mut m = store::pgrp::members(conn, g.id)?;
                        m.sort();
                        format!("{} {}", g.gname, m.join(","))
                    }
                    None => "missing".into(),
                }
            };
            h.update(obj.as_bytes());
            h.update([0x1e]);
            h.update(state.as_bytes());
            h.update([0x1d]);
        }
        kinds.push(KindState {
            kind: kind.into(),
            count: objs.len(),
            digest: hex::encode(h.finalize()),
        });
    }
    // Files and folders the log names, each in its state here.
    let mut objs = store::changelog::objects(conn, channel_id, file_sync::KIND)?;
    objs.sort();
    objs.dedup();
    let mut h = Sha256::new();
    for obj in &objs {
        let state = file_sync::state_text(conn, channel_id, obj)?;
        h.update(obj.as_bytes());
        h.update([0x1e]);
        h.update(state.as_bytes());
        h.update([0x1d]);
    }
    kinds.push(KindState {
        kind: file_sync::KIND.into(),
        count: objs.len(),
        digest: hex::encode(h.finalize()),
    });
    Ok(LocationState {
        location: ctx.uris.base().to_string(),
        site_id: ctx.site.site_id.clone(),
        kinds,
        cursors: store::changelog::cursors(conn, channel_id)?,
    })
}

/// [`state`] on its own connection.
pub async fn local_state(ctx: &Ctx, channel: &Channel) -> Result<LocationState> {
    let id = channel.channel_id;
    let c2 = ctx.clone();
    ctx.db.run(move |conn| state(conn, &c2, id)).await
}

/// This location's state of the channel `hash`, for another of its locations asking (signed by
/// the channel): `NotFound` unless the signer is that very channel and it lives here.
pub async fn state_for_peer(
    ctx: &Ctx,
    hash: &str,
    signer: &crate::service::signatures::SignedBy,
) -> Result<LocationState> {
    if signer.remote.xchan.xchan_hash != hash {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let h = hash.to_string();
    let c2 = ctx.clone();
    ctx.db
        .run(move |conn| {
            let ch = store::channel::find_by_hash(conn, &h)?
                .filter(|c| !c.channel_removed)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            state(conn, &c2, ch.channel_id)
        })
        .await
}

/// How one other location compares with this one.
#[derive(Debug, Clone, Serialize)]
pub struct PeerReport {
    /// The other location (base URL).
    pub location: String,
    /// Its state, if it answered.
    pub state: Option<LocationState>,
    /// In plain words: "in sync", or what differs.
    pub verdict: Vec<String>,
    /// Nothing differs (for a Hubzilla location: nothing waits to be delivered to it).
    pub in_sync: bool,
}

/// Every location of a channel compared with this one.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// This location.
    pub here: LocationState,
    /// The others.
    pub peers: Vec<PeerReport>,
}

impl Report {
    /// Whether every location answered and all agree.
    pub fn in_sync(&self) -> bool {
        self.peers.iter().all(|p| p.in_sync)
    }
}

fn verdict(here: &LocationState, there: &LocationState) -> Vec<String> {
    let mut out = Vec::new();
    for k in &here.kinds {
        match there.kinds.iter().find(|t| t.kind == k.kind) {
            Some(t) if t.count == k.count && t.digest == k.digest => {}
            Some(t) if t.count != k.count => {
                out.push(format!("{}s: {} here, {} there", k.kind, k.count, t.count))
            }
            Some(_) => out.push(format!("{}s: the same number, but some differ", k.kind)),
            None => out.push(format!("{}s: not known there", k.kind)),
        }
    }
    let seen = |s: &LocationState, origin: &str| {
        s.cursors
            .iter()
            .find(|(o, ..)| o == origin)
            .map(|c| c.1)
            .unwrap_or(0)
    };
    for (origin, last, _) in &here.cursors {
        let theirs = seen(there, origin);
        if theirs < *last {
            let name = if *origin == here.site_id {
                "this location".to_string()
            } else if *origin == there.site_id {
                "itself".to_string()
            } else {
                format!("location {}", &origin[..origin.len().min(12)])
            };
            out.push(format!(
                "it has seen {theirs} of the {last} changes made at {name}"
            ));
        }
    }
    for (origin, last, _) in &there.cursors {
        let ours = seen(here, origin);
        if ours < *last {
            out.push(format!(
                "this location has seen {ours} of the {last} changes made there or elsewhere ({})",
                &origin[..origin.len().min(12)]
            ));
        }
    }
    if out.is_empty() {
        out.push("in sync".into());
    }
    out
}

/// Compares every other location of the channel with this one, asking each for its state with
/// a request signed by the channel.
pub async fn compare(ctx: &Ctx, channel: &Channel) -> Result<Report> {
    let here = local_state(ctx, channel).await?;
    let id = channel.channel_id;
    let hash = channel.channel_hash.clone();
    let (others, key) = ctx
        .db
        .run(move |conn| {
            let others = store::hubloc::find_by_hash(conn, &hash)?;
            Ok((others, crate::service::channel::keypair(conn, id)?))
        })
        .await?;
    let key_id = ctx.uris.channel(&channel.channel_address);
    let mut peers = Vec::new();
    for h in others
        .into_iter()
        .filter(|h| h.hubloc_url != ctx.uris.base())
    {
        let callback = h.hubloc_callback.clone();
        let site_url = h.hubloc_url.trim_end_matches('/').to_string();
        let (hubzilla, waiting) = ctx
            .db
            .run(move |conn| {
                let hubzilla = store::site::find_site(conn, &site_url)?
                    .is_some_and(|s| s.site_project == crate::service::hz::PROJECT);
                let waiting = store::outq::depth_of(conn, &callback)?;
                Ok((hubzilla, waiting))
            })
            .await?;
        if hubzilla {
            // Hubzilla keeps no change log to compare; what can be said is whether every
            // change made here has reached it.
            peers.push(PeerReport {
                location: h.hubloc_url,
                state: None,
                in_sync: waiting == 0,
                verdict: vec![if waiting == 0 {
                    "a Hubzilla hub: every change made here has been delivered to it (it keeps no digests to compare)".into()
                } else {
                    format!("a Hubzilla hub: {waiting} messages wait to be delivered to it")
                }],
            });
            continue;
        }
        let url = format!(
            "{}/zot/sync-state?channel={}",
            h.hubloc_url, channel.channel_hash
        );
        let signer = crate::net::Signer {
            key: &key,
            key_id: &key_id,
            algorithm: zot::httpsig::Algorithm::RsaSha512,
            headers: &["accept", "date", "host", "(request-target)"],
            as_authorization: false,
        };
        let answer = ctx
            .net
            .send(
                reqwest::Method::GET,
                &url,
                &[("accept", "application/json".to_string())],
                None,
                Some(&signer),
            )
            .await;
        let state: std::result::Result<LocationState, String> = match answer {
            Ok(f) if f.status == 200 => {
                serde_json::from_slice(&f.body).map_err(|_| "it answered nonsense".to_string())
            }
            Ok(f) => Err(format!("it answered {}", f.status)),
            Err(e) => Err(e.kind.safe_message()),
        };
        peers.push(match state {
            Ok(s) => PeerReport {
                verdict: verdict(&here, &s),
                in_sync: verdict(&here, &s) == ["in sync"],
                location: h.hubloc_url,
                state: Some(s),
            },
            Err(why) => PeerReport {
                location: h.hubloc_url,
                state: None,
                in_sync: false,
                verdict: vec![format!("not reachable: {why}")],
            },
        });
    }
    Ok(Report { here, peers })
}
