//! Channel import (zot6.md §6.2, §9): a channel export (ours or Hubzilla's, gzipped or not)
//! becomes a channel of a local account, keeping its guid, keys and portable id. Everything is
//! checked before anything is written (format, version, the keys against the portable id,
//! every location's signature, every connection's identity), and written in one transaction:
//! an import happens whole or not at all. This hub gets its own location, signed with the
//! channel's key; it becomes the primary only when asked (`primary`), otherwise a clone. Then
//! every connection and every other location is told (`refresh`), so they learn the new
//! location from the channel info.

use std::io::Read;

use chrono::NaiveDateTime;
use zot::export::ChannelExport;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::store::{self, AnyConnection};

/// Largest export accepted, unpacked (a gzip bomb stops here).
pub const MAX_EXPORT_BYTES: u64 = 256 * 1024 * 1024;

/// What was imported.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The channel.
    pub channel: Channel,
    /// Connections imported.
    pub connections: usize,
    /// Items imported.
    pub items: usize,
    /// Locations of the channel now known (this one included).
    pub locations: usize,
    /// Entries left out, and why (a location whose signature fails, an identity whose id does
    /// not match its key).
    pub skipped: Vec<String>,
}

fn bad(why: impl Into<String>) -> Error {
    Error::invalid("file", why)
}

/// Reads an export from bytes as uploaded or read from a file: gzip is unpacked, at most
/// [`MAX_EXPORT_BYTES`], and the JSON must be a channel export.
pub fn parse(bytes: &[u8]) -> Result<ChannelExport> {
    parse_at_most(bytes, MAX_EXPORT_BYTES)
}

/// [`parse`] with another size limit.
pub fn parse_at_most(bytes: &[u8], max: u64) -> Result<ChannelExport> {
    let mut text = Vec::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        flate2::read::GzDecoder::new(bytes)
            .take(max + 1)
            .read_to_end(&mut text)
            .map_err(|_| bad("The file is a damaged gzip archive."))?;
    } else {
        text = bytes.to_vec();
    }
    if text.len() as u64 > max {
        return Err(bad(format!(
            "The export is larger than {} MiB unpacked.",
            max.div_ceil(1024 * 1024)
        )));
    }
    serde_json::from_slice(&text).map_err(|e| {
        bad(format!(
            "The file is not a complete channel export (JSON error at line {}, column {}).",
            e.line(),
            e.column()
        ))
    })
}

/// A nickname free on this hub: the export's, else the export's with a number.
fn free_nick(conn: &mut AnyConnection, wanted: &str) -> Result<String> {
    let base: String = wanted
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(60)
        .collect::<String>()
        .to_ascii_lowercase();
    let base = if base.is_empty() {
        "channel".into()
    } else {
        base
    };
    for n in 0..1000 {
        let nick = if n == 0 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        if crate::service::channel::check_nick(&nick).is_ok()
            && !store::channel::address_taken(conn, &nick)?
        {
            return Ok(nick);
        }
    }
    Err(Error::conflict("nick", "No free nickname was found."))
}

/// Whether an identity in the export is what it claims: a zot6 identity's id is the hash of
/// its guid and key.
fn identity_holds(x: &zot::export::Xchan) -> bool {
    x.xchan_network != "zot6"
        || zot::id::portable_id(&x.xchan_guid, &x.xchan_pubkey) == x.xchan_hash
}

/// Whether a location is signed by its identity's key (`url_sig` over the base URL).
fn location_holds(h: &zot::export::Hubloc, pubkey: &str) -> bool {
    zot::keys::PublicKey::from_pem(pubkey).is_ok_and(|k| {
        zot::sign::simple_verify(&k, h.hubloc_url.as_bytes(), &h.hubloc_url_sig).is_ok()
    })
}

/// Imports an export for the account `account_id`. With `primary`, this hub becomes the
/// channel's primary location.
pub async fn import(
    ctx: &Ctx,
    account_id: i64,
    export: ChannelExport,
    primary: bool,
) -> Result<Imported> {
    let proven = export.check().map_err(|e| bad(e.to_string()))?;
    let url_sig = zot::sign::simple_sign(&proven.key, ctx.uris.base().as_bytes())?;
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    let max = i64::from(ctx.config.accounts.max_channels);
    let photo = export.photo.clone();
    let (channel_id, stats) = ctx
        .db
        .tx(move |conn| apply(conn, &c2, account_id, &export, primary, &url_sig, max, now))
        .await?;
    let channel: Channel = ctx
        .db
        .run(move |conn| store::channel::find(conn, channel_id))
        .await?
        .ok_or_else(|| Error::new(ErrorKind::Internal))?
        .into();
    if let Some(p) = &photo {
        crate::service::photo::import_photo(ctx, &channel, p).await;
    }
    announce(ctx, &channel).await?;
    tracing::info!(
        nick = %channel.channel_address,
        hash = %channel.channel_hash,
        primary,
        connections = stats.0,
        items = stats.1,
        "channel imported"
    );
    Ok(Imported {
        channel,
        connections: stats.0,
        items: stats.1,
        locations: stats.2,
        skipped: stats.3,
    })
}

type Stats = (usize, usize, usize, Vec<String>);

#[allow(clippy::too_many_arguments)]
fn apply(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    account_id: i64,
    e: &ChannelExport,
    primary: bool,
    url_sig: &str,
    max_channels: i64,
    now: NaiveDateTime,
) -> Result<(i64, Stats)> {
    let ch = &e.channel;
    store::account::lock(conn, account_id)?;
    // A channel that left this hub earlier comes back whole: what was left of it goes first.
    if let Some(old) = store::channel::find_removed_by_hash(conn, &ch.channel_hash)? {
        store::channel::purge(conn, old.channel_id)?;
        store::hubloc::purge_at(conn, &ch.channel_hash, &ctx.site.site_id)?;
    }
    if store::channel::find_by_hash(conn, &ch.channel_hash)?.is_some() {
        return Err(Error::conflict(
            "file",
            "This channel already lives on this hub.",
        ));
    }
    if store::channel::count_by_account(conn, account_id)? >= max_channels {
        return Err(Error::invalid(
            "file",
            format!("An account may have at most {max_channels} channels."),
        ));
    }
    let nick = free_nick(conn, &ch.channel_address)?;
    let role = e.role();
    let name = if ch.channel_name.trim().is_empty() {
        nick.clone()
    } else {
        ch.channel_name.chars().take(190).collect()
    };
    let channel_id = store::channel::insert(
        conn,
        &store::channel::NewChannel {
            channel_account_id: account_id,
            channel_address: &nick,
            channel_name: &name,
            channel_role: &role,
            channel_guid: &ch.channel_guid,
            channel_guid_sig: &ch.channel_guid_sig,
            channel_hash: &ch.channel_hash,
            channel_pubkey: &ch.channel_pubkey,
            channel_prvkey: &ch.channel_prvkey,
            channel_epubkey: &ch.channel_epubkey,
            channel_eprvkey: &ch.channel_eprvkey,
            channel_created: now,
        },
    )?;
    let mut skipped = Vec::new();
    // Identities: the channel's own, then its connections' (each must hold).
    let own = e
        .xchan
        .iter()
        .find(|x| x.xchan_hash == ch.channel_hash)
        .cloned()
        .unwrap_or_default();
    let primary_loc = e
        .hubloc
        .iter()
        .find(|h| h.hubloc_hash == ch.channel_hash && h.hubloc_primary && !h.hubloc_deleted);
    store::xchan::upsert(
        conn,
        &store::xchan::Xchan {
            xchan_hash: ch.channel_hash.clone(),
            xchan_guid: ch.channel_guid.clone(),
            xchan_guid_sig: ch.channel_guid_sig.clone(),
            xchan_pubkey: ch.channel_pubkey.clone(),
            xchan_epubkey: own.xchan_epubkey.clone(),
            xchan_addr: match (primary, primary_loc) {
                (false, Some(p)) => p.hubloc_addr.clone(),
                _ => ctx.uris.address(&nick),
            },
            xchan_url: match (primary, primary_loc) {
                (false, Some(p)) => p.hubloc_id_url.clone(),
                _ => ctx.uris.channel(&nick),
            },
            xchan_name: name.clone(),
            xchan_network: "zot6".into(),
            xchan_name_date: now,
            xchan_deleted: false,
        },
    )?;
    for x in e.xchan.iter().filter(|x| x.xchan_hash != ch.channel_hash) {
        if !identity_holds(x) {
            skipped.push(format!(
                "identity {}: its id does not match its key",
                x.xchan_addr
            ));
            continue;
        }
        if store::xchan::find(conn, &x.xchan_hash)?.is_none() {
            store::xchan::insert(conn, &crate::service::export::xchan_row(x, now))?;
        }
    }
    // Locations: ours, signed now; the others as long as their identity signed them.
    let our_base = ctx.uris.base().to_string();
    for h in &e.hubloc {
        if h.hubloc_deleted || h.hubloc_url == our_base {
            continue;
        }
        let key = if h.hubloc_hash == ch.channel_hash {
            ch.channel_pubkey.clone()
        } else {
            match store::xchan::find(conn, &h.hubloc_hash)? {
                Some(x) => x.xchan_pubkey,
                None => continue,
            }
        };
        if !location_holds(h, &key) {
            skipped.push(format!(
                "location {}: its signature does not verify",
                h.hubloc_addr
            ));
            continue;
        }
        if store::hubloc::find_by_hash_and_site(conn, &h.hubloc_hash, &h.hubloc_site_id)?.is_some()
        {
            continue;
        }
        let keep_primary = h.hubloc_primary && !(primary && h.hubloc_hash == ch.channel_hash);
        store::hubloc::insert(
            conn,
            &crate::service::export::hubloc_row(h, keep_primary, now),
        )?;
    }
    store::hubloc::insert(
        conn,
        &store::hubloc::NewHubloc {
            hubloc_guid: ch.channel_guid.clone(),
            hubloc_hash: ch.channel_hash.clone(),
            hubloc_addr: ctx.uris.address(&nick),
            hubloc_id_url: ctx.uris.channel(&nick),
            hubloc_url: our_base.clone(),
            hubloc_url_sig: url_sig.to_string(),
            hubloc_site_id: ctx.site.site_id.clone(),
            hubloc_host: ctx.uris.authority().to_string(),
            hubloc_callback: ctx.uris.zot_endpoint(),
            hubloc_sitekey: ctx.site.public_pem.clone(),
            hubloc_primary: primary || primary_loc.is_none(),
            hubloc_updated: now,
        },
    )?;
    let locations = store::hubloc::find_by_hash(conn, &ch.channel_hash)?.len();
    // Profile.
    store::profile::insert(conn, channel_id, now)?;
    if let Some(p) = e.default_profile() {
        store::profile::update(conn, channel_id, &p.about, &p.homepage, &p.locality, now)?;
    }
    // Connections and their permissions.
    store::abook::insert(conn, account_id, channel_id, &ch.channel_hash, true, now)?;
    let connections = crate::service::connection::import_rows(
        conn,
        account_id,
        channel_id,
        &ch.channel_hash,
        &e.abook,
        now,
    )?;
    // Privacy groups, with their ids (access lists name them).
    for g in e.group.iter().filter(|g| !g.deleted) {
        let gname: String = g.gname.chars().take(190).collect();
        if gname.trim().is_empty() || g.hash.is_empty() {
            continue;
        }
        store::pgrp::insert(conn, channel_id, &g.hash, &gname)?;
        let Some(row) = store::pgrp::find_by_hash(conn, channel_id, &g.hash)? else {
            continue;
        };
        for m in e.group_member.iter().filter(|m| m.gid == g.id) {
            if m.xchan != ch.channel_hash && store::xchan::find(conn, &m.xchan)?.is_some() {
                store::pgrp::add_member(conn, row.id, channel_id, &m.xchan)?;
            }
        }
    }
    // Settings: the limits (as Hubzilla stores them) and the role.
    for c in &e.config {
        crate::service::perms::restore_limit(conn, channel_id, &c.cat, &c.k, &c.v)?;
    }
    store::pconfig::set(conn, channel_id, "system", "permissions_role", &role)?;
    // Items, each with its access list, as the channel held them.
    let mut items = 0;
    for it in &e.items {
        if it.mid.is_empty() || store::item::find_by_uid_mid(conn, channel_id, &it.mid)?.is_some() {
            continue;
        }
        crate::service::export::insert_item(conn, channel_id, it, it.item_origin, now)?;
        items += 1;
    }
    // Cloud files and folders, as the log's `file` changes left them; their content is
    // fetched from the exporting location afterwards (through the delivery queue).
    if !e.relocate.url.is_empty() && e.relocate.url != ctx.uris.base() {
        let row = store::channel::find(conn, channel_id)?
            .ok_or_else(|| Error::new(ErrorKind::Internal))?;
        crate::service::file_sync::restore_from_log(
            conn,
            &Channel::from(row),
            &e.changelog,
            &e.relocate.url,
            now,
        )?;
    }
    // The change log, so this location starts where the export left off (its digests and
    // cursors equal the exporting location's).
    for c in &e.changelog {
        if c.origin.is_empty()
            || c.seq < 1
            || store::changelog::exists(conn, channel_id, &c.origin, c.seq)?
        {
            continue;
        }
        store::changelog::insert(
            conn, channel_id, &c.origin, c.seq, &c.kind, &c.obj, c.hlc, &c.body, now,
        )?;
    }
    Ok((channel_id, (connections, items, locations, skipped)))
}

/// Tells every connection and every other location of the channel to re-read its channel info
/// (which now lists this location).
async fn announce(ctx: &Ctx, channel: &Channel) -> Result<()> {
    // Learn each other location's hub (what it runs decides how changes are synced to it:
    // Caravan's encoding or Hubzilla's) from the channel info it serves; one that is down is
    // learnt when it next writes.
    let hash = channel.channel_hash.clone();
    let own = ctx.site.site_id.clone();
    let others = ctx
        .db
        .run(move |conn| store::hubloc::find_by_hash(conn, &hash))
        .await?
        .into_iter()
        .filter(|h| h.hubloc_site_id != own);
    for h in others {
        if let Err(e) = crate::service::discovery::learn_site(ctx, &h.hubloc_id_url).await {
            tracing::info!(location = %h.hubloc_url, error = %e, "import: a location's hub is not known yet");
        }
    }
    let ch = channel.clone();
    let site_id = ctx.site.site_id.clone();
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| crate::service::locations::announce(conn, &ch, &site_id, now))
        .await?;
    ctx.queue.wake();
    Ok(())
}
