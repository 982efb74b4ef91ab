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
#[derive(Debug, Clone)]
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
            store::abook::update_state(conn, ab.abook_id, ab.abook_pending, b, i, a)
        })
        .await
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
        discovery::import_info(ctx, info, &url).await?;
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
    ctx.db
        .tx(move |conn| store::pgrp::insert(conn, id, &hash, &name))
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
    ctx.db
        .tx(move |conn| {
            let g = store::pgrp::find_by_name(conn, id, &group)?
                .ok_or_else(|| Error::invalid("group", "No group of that name."))?;
            if remove {
                store::pgrp::remove_member(conn, g.id, &hash)?;
            } else {
                store::pgrp::add_member(conn, g.id, id, &hash)?;
            }
            Ok(())
        })
        .await
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
    let configs = store::abook::all_config(conn, channel_id)?;
    let mut out = vec![zot::export::Abook {
        abook_xchan: own_hash.to_string(),
        abook_self: true,
        ..Default::default()
    }];
    for ab in store::abook::find_by_channel(conn, channel_id)? {
        out.push(zot::export::Abook {
            abconfig: configs
                .iter()
                .filter(|(x, ..)| *x == ab.abook_xchan)
                .map(|(x, cat, k, v)| zot::export::Abconfig {
                    xchan: x.clone(),
                    cat: cat.clone(),
                    k: k.clone(),
                    v: v.clone(),
                })
                .collect(),
            abook_xchan: ab.abook_xchan,
            abook_self: false,
            abook_pending: ab.abook_pending,
            abook_blocked: ab.abook_blocked,
            abook_ignored: ab.abook_ignored,
            abook_archived: ab.abook_archived,
            abook_role: ab.abook_role,
        });
    }
    Ok(out)
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
