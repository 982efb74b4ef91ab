//! Connections between channels, on this hub or others (zot6.md §5.4): connecting with a
//! role preset, approving (or refusing) a request, editing per-connection permissions,
//! blocking, ignoring, archiving and removing. There is no permission payload in Zot6: a side
//! that changes what it grants sends a `refresh`, and the other side fetches the channel info
//! signed as itself to learn what it is granted now (`their_perms`).

use std::collections::BTreeSet;

use zot::message::MessageType;
use zot::perms::Permission;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::discovery::{self, Remote};
use crate::service::outbound::{self, Audience, Outgoing};
use crate::store::{self, AnyConnection, abook::Abook, xchan::Xchan};

/// A connection as its channel sees it.
#[derive(Debug, Clone)]
pub struct ConnectionView {
    /// The other identity.
    pub xchan: Xchan,
    /// The connection's state, as its owner sees it in the editor.
    pub state: ConnectionState,
    /// What the channel grants.
    pub my_perms: BTreeSet<Permission>,
    /// What the other side grants the channel.
    pub their_perms: BTreeSet<Permission>,
}

/// A connection's state flags and role (for the owner's connection editor; permission
/// decisions take them through `perms::ChannelAccess`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionState {
    /// Waiting for the owner's approval.
    pub pending: bool,
    /// Blocked.
    pub blocked: bool,
    /// Ignored.
    pub ignored: bool,
    /// Archived.
    pub archived: bool,
    /// The role preset its permissions came from.
    pub role: String,
}

impl From<&Abook> for ConnectionState {
    fn from(ab: &Abook) -> Self {
        Self {
            pending: ab.abook_pending,
            blocked: ab.abook_blocked,
            ignored: ab.abook_ignored,
            archived: ab.abook_archived,
            role: ab.abook_role.clone(),
        }
    }
}

fn perms_of(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
    cat: &str,
) -> Result<BTreeSet<Permission>> {
    let mut set = BTreeSet::new();
    for p in Permission::ALL {
        if store::abook::get_config(conn, channel_id, xchan, cat, p.name())?.as_deref() == Some("1")
        {
            set.insert(p);
        }
    }
    Ok(set)
}

fn write_perms(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
    cat: &str,
    perms: &BTreeSet<Permission>,
) -> Result<()> {
    for p in Permission::ALL {
        let v = if perms.contains(&p) { "1" } else { "0" };
        store::abook::set_config(conn, channel_id, xchan, cat, p.name(), v)?;
    }
    Ok(())
}

/// Queues a `refresh` from `channel` to `to` (so it re-reads what it is granted).
fn queue_refresh(ctx: &Ctx, conn: &mut AnyConnection, channel: &Channel, to: &str) -> Result<()> {
    let msg = Outgoing {
        channel_id: channel.channel_id,
        sender: &channel.channel_hash,
        site_id: &ctx.site.site_id,
        kind: MessageType::Refresh,
        data: None,
        mid: "",
    };
    outbound::queue(
        conn,
        &msg,
        &Audience::Private(vec![to.to_string()]),
        ctx.clock.now_db(),
    )?;
    Ok(())
}

fn role_or_err(role: &str) -> Result<BTreeSet<Permission>> {
    crate::service::perms::role_grants(role).ok_or_else(|| {
        Error::invalid(
            "role",
            "Choose one of the roles: personal, public, group or custom.",
        )
    })
}

/// Connects `channel` to the channel at `target` (an address or channel URL) with a role
/// preset: the connection is active on our side at once; the other side sees a request.
pub async fn connect(ctx: &Ctx, channel: &Channel, target: &str, role: &str) -> Result<Xchan> {
    let grants = role_or_err(role)?;
    let remote = discovery::resolve(ctx, target).await?;
    if remote.xchan.xchan_hash == channel.channel_hash {
        return Err(Error::invalid(
            "address",
            "A channel cannot connect to itself.",
        ));
    }
    let ch = channel.clone();
    let role = role.to_string();
    let hash = remote.xchan.xchan_hash.clone();
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            match store::abook::find(conn, ch.channel_id, &hash)? {
                Some(ab) => {
                    store::abook::update_state(conn, ab.abook_id, false, false, false, false)?;
                    store::abook::update_role(conn, ab.abook_id, &role)?;
                }
                None => store::abook::insert_full(
                    conn,
                    ch.channel_account_id,
                    ch.channel_id,
                    &hash,
                    false,
                    false,
                    &role,
                    now,
                )?,
            }
            write_perms(conn, ch.channel_id, &hash, "my_perms", &grants)?;
            record_connection(conn, &c2, &ch, &hash)?;
            queue_refresh(&c2, conn, &ch, &hash)
        })
        .await?;
    ctx.queue.wake();
    tracing::info!(channel = %channel.channel_address, to = %remote.xchan.xchan_addr, "connection requested");
    Ok(remote.xchan)
}

/// The portable id of a connection given by address, URL or portable id.
async fn connection_hash(ctx: &Ctx, channel: &Channel, who: &str) -> Result<String> {
    let who = who.trim().trim_start_matches("acct:").to_string();
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            if store::abook::find(conn, id, &who)?.is_some() {
                return Ok(who);
            }
            let by = if who.starts_with("http") {
                store::hubloc::find_by_id_url(conn, &who)?
            } else {
                store::hubloc::find_by_addr(conn, &who)?
            };
            by.map(|h| h.hubloc_hash)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))
        })
        .await
}

/// Approves a pending connection request with a role preset.
pub async fn approve(ctx: &Ctx, channel: &Channel, who: &str, role: &str) -> Result<()> {
    let grants = role_or_err(role)?;
    let hash = connection_hash(ctx, channel, who).await?;
    let ch = channel.clone();
    let role = role.to_string();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let ab = store::abook::find(conn, ch.channel_id, &hash)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            store::abook::update_state(
                conn,
                ab.abook_id,
                false,
                ab.abook_blocked,
                ab.abook_ignored,
                ab.abook_archived,
            )?;
            store::abook::update_role(conn, ab.abook_id, &role)?;
            write_perms(conn, ch.channel_id, &hash, "my_perms", &grants)?;
            record_connection(conn, &c2, &ch, &hash)?;
            queue_refresh(&c2, conn, &ch, &hash)
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

/// Replaces what `channel` grants a connection; the other side learns it on the next refresh.
pub async fn set_permissions(
    ctx: &Ctx,
    channel: &Channel,
    who: &str,
    perms: BTreeSet<Permission>,
) -> Result<()> {
    let hash = connection_hash(ctx, channel, who).await?;
    let ch = channel.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            write_perms(conn, ch.channel_id, &hash, "my_perms", &perms)?;
            record_connection(conn, &c2, &ch, &hash)?;
            queue_refresh(&c2, conn, &ch, &hash)
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

/// What to do to a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    /// Refuse everything from it.
    Block,
    /// Accept it again.
    Unblock,
    /// Keep only public exchanges.
    Ignore,
    /// Exchange normally again.
    Unignore,
    /// Keep it out of the way.
    Archive,
    /// Bring it back.
    Unarchive,
}

/// Blocks, ignores or archives a connection (or undoes it).
pub async fn change_state(
    ctx: &Ctx,
    channel: &Channel,
    who: &str,
    change: StateChange,
) -> Result<()> {
    let hash = connection_hash(ctx, channel, who).await?;
    let id = channel.channel_id;
    let ch = channel.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let ab = store::abook::find(conn, id, &hash)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let (mut b, mut i, mut a) = (ab.abook_blocked, ab.abook_ignored, ab.abook_archived);
            match change {
                StateChange::Block => b = true,
                StateChange::Unblock => b = false,
                StateChange::Ignore => i = true,
                StateChange::Unignore => i = false,
                StateChange::Archive => a = true,
                StateChange::Unarchive => a = false,
            }
            store::abook::update_state(conn, ab.abook_id, ab.abook_pending, b, i, a)?;
            record_connection(conn, &c2, &ch, &hash)
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

/// The connections of a channel, oldest first.
pub async fn list(ctx: &Ctx, channel: &Channel) -> Result<Vec<ConnectionView>> {
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            let mut out = Vec::new();
            for ab in store::abook::find_by_channel(conn, id)? {
                let Some(xchan) = store::xchan::find(conn, &ab.abook_xchan)? else {
                    continue;
                };
                out.push(ConnectionView {
                    my_perms: perms_of(conn, id, &ab.abook_xchan, "my_perms")?,
                    their_perms: perms_of(conn, id, &ab.abook_xchan, "their_perms")?,
                    xchan,
                    state: ConnectionState::from(&ab),
                });
            }
            Ok(out)
        })
        .await
}

/// A `refresh` from `sender` for our `recipient`: fetch the sender's channel info signed as
/// the recipient, store what it grants us, and, if the recipient had no connection with it,
/// record a pending request and notify. Returns the delivery-report status.
///
/// The channel info is read at the location that sent the refresh (`from_site`, its site id)
/// when the sender lives there: a new clone announcing itself lists itself, while the primary
/// may not know of it yet.
pub async fn on_refresh(
    ctx: &Ctx,
    recipient: &Channel,
    sender: &Remote,
    from_site: Option<&str>,
) -> Result<&'static str> {
    if sender.xchan.xchan_deleted {
        // The channel was deleted (zot6.md §6.7; it was re-read while checking the message's
        // signature): the connection goes.
        on_purge(ctx, recipient, &sender.xchan.xchan_hash).await?;
        return Ok("deleted");
    }
    let url = from_site
        .and_then(|s| sender.locations.iter().find(|h| h.hubloc_site_id == s))
        .or(sender.primary())
        .map(|h| h.hubloc_id_url.clone())
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let id = recipient.channel_id;
    let row = ctx
        .db
        .run(move |conn| store::channel::find(conn, id))
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let info = discovery::fetch_info(ctx, &url, Some(&row)).await?;
    let granted = info
        .extra
        .get("permissions")
        .and_then(|p| p.as_str())
        .map(zot::perms::parse_list)
        .unwrap_or_default();
    // A channel of this hub is described by our own tables; only remote ones are imported.
    if ctx.uris.nick_of_channel_url(&url).is_none() {
        let now = discovery::import_info(ctx, info, &url).await?;
        if now.xchan.xchan_deleted {
            // The channel was deleted: the connection goes (zot6.md §6.7).
            on_purge(ctx, recipient, &now.xchan.xchan_hash).await?;
            return Ok("deleted");
        }
    }
    let ch = recipient.clone();
    let hash = sender.xchan.xchan_hash.clone();
    let name = sender.xchan.xchan_name.clone();
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            if store::abook::find(conn, ch.channel_id, &hash)?.is_none() {
                store::abook::insert_full(
                    conn,
                    ch.channel_account_id,
                    ch.channel_id,
                    &hash,
                    false,
                    true,
                    "",
                    now,
                )?;
                write_perms(conn, ch.channel_id, &hash, "my_perms", &BTreeSet::new())?;
                store::notify::insert(
                    conn,
                    ch.channel_id,
                    "request",
                    &hash,
                    "/connections",
                    &format!("{name} wants to connect with you"),
                    now,
                )?;
            }
            write_perms(conn, ch.channel_id, &hash, "their_perms", &granted)
        })
        .await?;
    Ok("updated")
}

/// A `purge` from `sender` for our `recipient`: the other side ended the connection.
pub async fn on_purge(ctx: &Ctx, recipient: &Channel, sender: &str) -> Result<()> {
    let id = recipient.channel_id;
    let hash = sender.to_string();
    ctx.db
        .tx(move |conn| store::abook::delete(conn, id, &hash).map(|_| ()))
        .await
}

/// A privacy group with its members.
#[derive(Debug, Clone)]
pub struct Group {
    /// Name.
    pub name: String,
    /// Members: (portable id, address, name).
    pub members: Vec<(String, String, String)>,
}

fn check_group_name(name: &str) -> Result<String> {
    let name = crate::service::lookalike::nfc(name.trim());
    if name.is_empty()
        || name.chars().count() > 64
        || crate::service::lookalike::has_invisible(&name)
    {
        return Err(Error::invalid(
            "group",
            "A group name has 1 to 64 visible characters.",
        ));
    }
    Ok(name)
}

/// Creates a privacy group of the channel.
pub async fn create_group(ctx: &Ctx, channel: &Channel, name: &str) -> Result<()> {
    let name = check_group_name(name)?;
    let id = channel.channel_id;
    let hash = uuid::Uuid::new_v4().to_string();
    let ch = channel.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            store::pgrp::insert(conn, id, &hash, &name)?;
            record_group(conn, &c2, &ch, &hash)
        })
        .await
        .map_err(|e| {
            if store::caused_by_unique_violation(&e) {
                Error::conflict("group", "This channel already has a group of that name.")
            } else {
                e
            }
        })
}

/// Adds a connection to (or, with `remove`, removes it from) one of the channel's groups.
pub async fn group_member(
    ctx: &Ctx,
    channel: &Channel,
    group: &str,
    who: &str,
    remove: bool,
) -> Result<()> {
    let hash = connection_hash(ctx, channel, who).await?;
    let id = channel.channel_id;
    let group = group.trim().to_string();
    let ch = channel.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let g = store::pgrp::find_by_name(conn, id, &group)?
                .ok_or_else(|| Error::invalid("group", "No group of that name."))?;
            if remove {
                store::pgrp::remove_member(conn, g.id, &hash)?;
            } else {
                store::pgrp::add_member(conn, g.id, id, &hash)?;
            }
            record_group(conn, &c2, &ch, &g.hash)
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

/// The channel's groups with their members.
pub async fn groups(ctx: &Ctx, channel: &Channel) -> Result<Vec<Group>> {
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            let mut out = Vec::new();
            for g in store::pgrp::find_by_channel(conn, id)? {
                let mut members = Vec::new();
                for h in store::pgrp::members(conn, g.id)? {
                    let (addr, name) = store::xchan::find(conn, &h)?
                        .map(|x| (x.xchan_addr, x.xchan_name))
                        .unwrap_or_default();
                    members.push((h, addr, name));
                }
                out.push(Group {
                    name: g.gname,
                    members,
                });
            }
            Ok(out)
        })
        .await
}

/// The members of one of the channel's groups (portable ids), for addressing a post.
pub async fn group_recipients(ctx: &Ctx, channel: &Channel, group: &str) -> Result<Vec<String>> {
    let id = channel.channel_id;
    let group = group.trim().to_string();
    ctx.db
        .run(move |conn| {
            let g = store::pgrp::find_by_name(conn, id, &group)?
                .ok_or_else(|| Error::invalid("audience", "No group of that name."))?;
            let members = store::pgrp::members(conn, g.id)?;
            if members.is_empty() {
                return Err(Error::invalid("audience", "This group has no members yet."));
            }
            Ok(members)
        })
        .await
}

/// The channel's connections as visitors allowed `view_contacts` see them: approved, not
/// blocked, ignored or archived; (address, name), by address.
pub async fn public_list(ctx: &Ctx, channel: &Channel) -> Result<Vec<(String, String)>> {
    let id = channel.channel_id;
    ctx.db
        .run(move |conn| {
            let mut out = Vec::new();
            for ab in store::abook::find_by_channel(conn, id)? {
                if ab.abook_pending || ab.abook_blocked || ab.abook_ignored || ab.abook_archived {
                    continue;
                }
                if let Some(x) = store::xchan::find(conn, &ab.abook_xchan)? {
                    out.push((x.xchan_addr, x.xchan_name));
                }
            }
            out.sort();
            Ok(out)
        })
        .await
}

/// The portable ids of the channels named by address (`nick@host`, comma or space
/// separated), discovering unknown ones; `Invalid` naming the first that cannot be found.
pub async fn recipient_ids(ctx: &Ctx, _channel: &Channel, addresses: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for a in addresses
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .take(100)
    {
        match discovery::resolve(ctx, a).await {
            Ok(r) => ids.push(r.xchan.xchan_hash),
            Err(_) => {
                return Err(Error::invalid(
                    "to",
                    format!("No channel found at {a}. Check the address (nick@hub.example)."),
                ));
            }
        }
    }
    if ids.is_empty() {
        return Err(Error::invalid(
            "to",
            "Name at least one channel (nick@hub.example).",
        ));
    }
    Ok(ids)
}

/// The channel's connections as an export carries them (its own entry first, as Hubzilla
/// writes it), with their permissions.
pub(crate) fn export_rows(
    conn: &mut AnyConnection,
    channel_id: i64,
    own_hash: &str,
) -> Result<Vec<zot::export::Abook>> {
    let mut configs: std::collections::HashMap<String, Vec<zot::export::Abconfig>> =
        std::collections::HashMap::new();
    for (x, cat, k, v) in store::abook::all_config(conn, channel_id)? {
        configs
            .entry(x.clone())
            .or_default()
            .push(zot::export::Abconfig {
                xchan: x,
                cat,
                k,
                v,
            });
    }
    let mut out = vec![zot::export::Abook {
        abook_xchan: own_hash.to_string(),
        abook_self: true,
        ..Default::default()
    }];
    for ab in store::abook::find_by_channel(conn, channel_id)? {
        let abconfig = configs.remove(&ab.abook_xchan).unwrap_or_default();
        out.push(export_row(ab, abconfig));
    }
    Ok(out)
}

/// One connection as an export writes it.
fn export_row(ab: store::abook::Abook, abconfig: Vec<zot::export::Abconfig>) -> zot::export::Abook {
    zot::export::Abook {
        abconfig,
        abook_xchan: ab.abook_xchan,
        abook_self: false,
        abook_pending: ab.abook_pending,
        abook_blocked: ab.abook_blocked,
        abook_ignored: ab.abook_ignored,
        abook_archived: ab.abook_archived,
        abook_role: ab.abook_role,
    }
}

/// One connection of a channel as an export writes it, read alone (a sync packet for one
/// change must not read every connection: connecting would grow with the connections made).
fn export_one(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
) -> Result<Option<zot::export::Abook>> {
    let Some(ab) = store::abook::find(conn, channel_id, xchan)?.filter(|a| !a.abook_self) else {
        return Ok(None);
    };
    let abconfig = store::abook::config_of(conn, channel_id, xchan)?
        .into_iter()
        .map(|(xchan, cat, k, v)| zot::export::Abconfig { xchan, cat, k, v })
        .collect();
    Ok(Some(export_row(ab, abconfig)))
}

/// Writes an export's connections for a new channel (identities must be stored first; unknown
/// ones are left out), with their state and permissions; returns how many.
pub(crate) fn import_rows(
    conn: &mut AnyConnection,
    account_id: i64,
    channel_id: i64,
    own_hash: &str,
    rows: &[zot::export::Abook],
    now: chrono::NaiveDateTime,
) -> Result<usize> {
    let mut n = 0;
    for ab in rows
        .iter()
        .filter(|a| !a.abook_self && a.abook_xchan != own_hash)
    {
        if store::xchan::find(conn, &ab.abook_xchan)?.is_none()
            || store::abook::find(conn, channel_id, &ab.abook_xchan)?.is_some()
        {
            continue;
        }
        store::abook::insert_full(
            conn,
            account_id,
            channel_id,
            &ab.abook_xchan,
            false,
            ab.abook_pending,
            &ab.abook_role,
            now,
        )?;
        let row = store::abook::find(conn, channel_id, &ab.abook_xchan)?
            .ok_or_else(|| Error::new(ErrorKind::Internal))?;
        store::abook::update_state(
            conn,
            row.abook_id,
            ab.abook_pending,
            ab.abook_blocked,
            ab.abook_ignored,
            ab.abook_archived,
        )?;
        for c in &ab.abconfig {
            if (c.cat == "my_perms" || c.cat == "their_perms")
                && Permission::from_name(&c.k).is_some()
            {
                let v = if c.v == "1" { "1" } else { "0" };
                store::abook::set_config(conn, channel_id, &ab.abook_xchan, &c.cat, &c.k, v)?;
            }
        }
        n += 1;
    }
    Ok(n)
}

/// The channel's connections that are not blocked (portable ids).
pub(crate) fn unblocked(conn: &mut AnyConnection, channel_id: i64) -> Result<Vec<String>> {
    Ok(store::abook::find_by_channel(conn, channel_id)?
        .into_iter()
        .filter(|a| !a.abook_blocked)
        .map(|a| a.abook_xchan)
        .collect())
}

/// A connection as it travels to the channel's other locations: the identity, its locations,
/// and the connection with its state and permissions.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SyncedConnection {
    xchan: zot::export::Xchan,
    hublocs: Vec<zot::export::Hubloc>,
    abook: zot::export::Abook,
}

/// The body of an `abook` change for a connection whose identity is `xchan` (its locations
/// are already known here): what `apply_synced` takes.
pub(crate) fn synced_body(
    xchan: zot::export::Xchan,
    abook: zot::export::Abook,
) -> Result<serde_json::Value> {
    serde_json::to_value(SyncedConnection {
        xchan,
        hublocs: Vec::new(),
        abook,
    })
    .map_err(|e| Error::internal(anyhow::anyhow!("sync connection: {e}")))
}

/// Records the current state of one connection in the change log (sync to other locations).
fn record_connection(conn: &mut AnyConnection, ctx: &Ctx, ch: &Channel, hash: &str) -> Result<()> {
    let Some(abook) = export_one(conn, ch.channel_id, hash)? else {
        return Ok(());
    };
    let Some(x) = store::xchan::find(conn, hash)? else {
        return Ok(());
    };
    let hublocs = store::hubloc::find_by_hash(conn, hash)?
        .into_iter()
        .map(crate::service::export::hubloc_of)
        .collect();
    let body = SyncedConnection {
        xchan: crate::service::export::xchan_of(x),
        hublocs,
        abook,
    };
    let body = serde_json::to_value(&body)
        .map_err(|e| Error::internal(anyhow::anyhow!("sync connection: {e}")))?;
    crate::service::sync::record(
        conn,
        ctx,
        ch.channel_id,
        &ch.channel_hash,
        "abook",
        hash,
        body,
    )
}

/// Applies a connection synced from another location of the channel: the identity must hold
/// (its id is the hash of its guid and key), each location must be signed by it.
pub(crate) fn apply_synced(
    conn: &mut AnyConnection,
    ch: &Channel,
    body: &serde_json::Value,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    let bad = || Error::new(ErrorKind::BadRequest("malformed connection change"));
    let s: SyncedConnection = serde_json::from_value(body.clone()).map_err(|_| bad())?;
    let x = &s.xchan;
    if x.xchan_hash != s.abook.abook_xchan
        || x.xchan_hash == ch.channel_hash
        || zot::id::portable_id(&x.xchan_guid, &x.xchan_pubkey) != x.xchan_hash
    {
        return Err(bad());
    }
    if store::xchan::find(conn, &x.xchan_hash)?.is_none() {
        let mut row = crate::service::export::xchan_row(x, now);
        row.xchan_network = "zot6".into();
        row.xchan_deleted = false;
        store::xchan::insert(conn, &row)?;
    }
    let key = zot::keys::PublicKey::from_pem(&x.xchan_pubkey)?;
    for h in &s.hublocs {
        if h.hubloc_hash != x.xchan_hash
            || zot::sign::simple_verify(&key, h.hubloc_url.as_bytes(), &h.hubloc_url_sig).is_err()
            || store::hubloc::find_by_hash_and_site(conn, &h.hubloc_hash, &h.hubloc_site_id)?
                .is_some()
        {
            continue;
        }
        store::hubloc::insert(
            conn,
            &crate::service::export::hubloc_row(h, h.hubloc_primary, now),
        )?;
    }
    let a = &s.abook;
    match store::abook::find(conn, ch.channel_id, &a.abook_xchan)? {
        Some(row) => {
            store::abook::update_state(
                conn,
                row.abook_id,
                a.abook_pending,
                a.abook_blocked,
                a.abook_ignored,
                a.abook_archived,
            )?;
            store::abook::update_role(conn, row.abook_id, &a.abook_role)?;
            for c in &a.abconfig {
                if (c.cat == "my_perms" || c.cat == "their_perms")
                    && Permission::from_name(&c.k).is_some()
                {
                    let v = if c.v == "1" { "1" } else { "0" };
                    store::abook::set_config(conn, ch.channel_id, &a.abook_xchan, &c.cat, &c.k, v)?;
                }
            }
        }
        None => {
            import_rows(
                conn,
                ch.channel_account_id,
                ch.channel_id,
                &ch.channel_hash,
                std::slice::from_ref(a),
                now,
            )?;
        }
    }
    Ok(())
}

/// A privacy group as it travels to the channel's other locations.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SyncedGroup {
    hash: String,
    name: String,
    members: Vec<String>,
}

/// Records the current state of one group in the change log.
fn record_group(conn: &mut AnyConnection, ctx: &Ctx, ch: &Channel, hash: &str) -> Result<()> {
    let Some(g) = store::pgrp::find_by_hash(conn, ch.channel_id, hash)? else {
        return Ok(());
    };
    let body = SyncedGroup {
        hash: g.hash.clone(),
        name: g.gname.clone(),
        members: store::pgrp::members(conn, g.id)?,
    };
    let body = serde_json::to_value(&body)
        .map_err(|e| Error::internal(anyhow::anyhow!("sync group: {e}")))?;
    crate::service::sync::record(
        conn,
        ctx,
        ch.channel_id,
        &ch.channel_hash,
        "group",
        hash,
        body,
    )
}

/// Applies a group synced from another location: created with its id if new, its members
/// made exactly those listed that are known here.
pub(crate) fn apply_synced_group(
    conn: &mut AnyConnection,
    ch: &Channel,
    body: &serde_json::Value,
) -> Result<()> {
    let bad = || Error::new(ErrorKind::BadRequest("malformed group change"));
    let s: SyncedGroup = serde_json::from_value(body.clone()).map_err(|_| bad())?;
    let name = check_group_name(&s.name).map_err(|_| bad())?;
    let g = match store::pgrp::find_by_hash(conn, ch.channel_id, &s.hash)? {
        Some(g) => g,
        None => {
            store::pgrp::insert(conn, ch.channel_id, &s.hash, &name)?;
            store::pgrp::find_by_hash(conn, ch.channel_id, &s.hash)?
                .ok_or_else(|| Error::new(ErrorKind::Internal))?
        }
    };
    let now_members = store::pgrp::members(conn, g.id)?;
    for m in &now_members {
        if !s.members.contains(m) {
            store::pgrp::remove_member(conn, g.id, m)?;
        }
    }
    for m in &s.members {
        if !now_members.contains(m) && store::xchan::find(conn, m)?.is_some() {
            store::pgrp::add_member(conn, g.id, ch.channel_id, m)?;
        }
    }
    Ok(())
}

/// A connection's state in one line (state flags, role, what it is granted), for the sync
/// digests; `missing` when there is none.
pub(crate) fn state_text(conn: &mut AnyConnection, channel_id: i64, xchan: &str) -> Result<String> {
    let Some(a) = store::abook::find(conn, channel_id, xchan)? else {
        return Ok("missing".into());
    };
    let perms = perms_of(conn, channel_id, xchan, "my_perms")?;
    Ok(format!(
        "{}{}{}{} {} {}",
        u8::from(a.abook_pending),
        u8::from(a.abook_blocked),
        u8::from(a.abook_ignored),
        u8::from(a.abook_archived),
        a.abook_role,
        zot::perms::format_list(&perms)
    ))
}

/// Ends a connection from our side: everything we granted is withdrawn (the other side learns
/// it by a refresh) and the connection row goes.
pub async fn disconnect(ctx: &Ctx, channel: &Channel, who: &str) -> Result<()> {
    let hash = connection_hash(ctx, channel, who).await?;
    let ch = channel.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            if store::abook::find(conn, ch.channel_id, &hash)?.is_none() {
                return Err(Error::new(ErrorKind::NotFound));
            }
            write_perms(conn, ch.channel_id, &hash, "my_perms", &BTreeSet::new())?;
            queue_refresh(&c2, conn, &ch, &hash)?;
            store::abook::delete(conn, ch.channel_id, &hash)?;
            Ok(())
        })
        .await?;
    ctx.queue.wake();
    tracing::info!(channel = %channel.channel_address, "connection ended");
    Ok(())
}

/// How many approved connections and pending requests a channel has.
pub(crate) fn counts(conn: &mut AnyConnection, channel_id: i64) -> Result<(i64, i64)> {
    let rows = store::abook::find_by_channel(conn, channel_id)?;
    let connected = rows
        .iter()
        .filter(|a| !a.abook_self && !a.abook_pending)
        .count() as i64;
    let pending = rows.iter().filter(|a| a.abook_pending).count() as i64;
    Ok((connected, pending))
}

/// The portable ids of a channel's approved, unblocked connections, oldest first.
pub(crate) fn connected(conn: &mut AnyConnection, channel_id: i64) -> Result<Vec<String>> {
    Ok(store::abook::find_by_channel(conn, channel_id)?
        .into_iter()
        .filter(|a| !a.abook_self && !a.abook_pending && !a.abook_blocked)
        .map(|a| a.abook_xchan)
        .collect())
}
