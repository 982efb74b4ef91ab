//! A channel's locations (zot6.md §6.1, §6.4): listing them, and moving the primary to this
//! hub, from here, whether or not the old primary can be reached (a clone takes over when its
//! primary is gone). Every connection and every other location is told by a `refresh`; the
//! others read the channel info here and follow it, and an old primary that comes back steps
//! down when it reads it (`inbound`'s refresh from another location).

use zot::message::MessageType;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::outbound;
use crate::store::{self, AnyConnection};

/// One location, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The hub's base URL.
    pub url: String,
    /// The channel's address there.
    pub address: String,
    /// The primary.
    pub primary: bool,
    /// This hub.
    pub here: bool,
}

/// The channel's live locations, the primary first.
pub async fn list(ctx: &Ctx, channel: &Channel) -> Result<Vec<Location>> {
    let hash = channel.channel_hash.clone();
    let base = ctx.uris.base().to_string();
    ctx.db
        .run(move |conn| {
            Ok(store::hubloc::find_by_hash(conn, &hash)?
                .into_iter()
                .map(|h| Location {
                    here: h.hubloc_url == base,
                    url: h.hubloc_url,
                    address: h.hubloc_addr,
                    primary: h.hubloc_primary,
                })
                .collect())
        })
        .await
}

/// Makes this hub the channel's primary location and tells everyone.
pub async fn make_primary_here(ctx: &Ctx, channel: &Channel) -> Result<()> {
    let ch = channel.clone();
    let site_id = ctx.site.site_id.clone();
    let (addr, url) = (
        ctx.uris.address(&channel.channel_address),
        ctx.uris.channel(&channel.channel_address),
    );
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            if store::hubloc::set_primary(conn, &ch.channel_hash, &site_id)? != 1 {
                return Err(Error::new(ErrorKind::NotFound));
            }
            store::xchan::set_primary_location(conn, &ch.channel_hash, &addr, &url)?;
            announce(conn, &ch, &site_id, now)
        })
        .await?;
    ctx.queue.wake();
    tracing::info!(nick = %channel.channel_address, "this hub is now the channel's primary");
    Ok(())
}

/// Deletes the channel at this location only: it lives on at its other locations, which are
/// told (a `location` change) and stop syncing here; the primary tells the connections. Its
/// pages and deliveries here stop at once; importing it again later makes this hub a location
/// again. The primary cannot leave while clones remain (make one of them the primary first,
/// from there), nor the only location (that would delete the channel everywhere).
pub async fn leave_here(ctx: &Ctx, channel: &Channel) -> Result<()> {
    let ch = channel.clone();
    let site_id = ctx.site.site_id.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let locs = store::hubloc::find_by_hash(conn, &ch.channel_hash)?;
            let mine = locs.iter().find(|h| h.hubloc_site_id == site_id);
            if locs.iter().all(|h| h.hubloc_site_id == site_id) {
                return Err(Error::invalid(
                    "leave",
                    "This is the channel's only location: deleting it here would delete it everywhere.",
                ));
            }
            if mine.is_some_and(|h| h.hubloc_primary) {
                return Err(Error::invalid(
                    "leave",
                    "This hub is the channel's primary: make another location the primary first (on that hub), then delete it here.",
                ));
            }
            crate::service::sync::record(
                conn,
                &c2,
                ch.channel_id,
                &ch.channel_hash,
                "location",
                &site_id,
                serde_json::json!({ "deleted": true, "url": c2.uris.base() }),
            )?;
            store::hubloc::mark_deleted_at(conn, &ch.channel_hash, &site_id)?;
            store::channel::set_removed(conn, ch.channel_id)?;
            Ok(())
        })
        .await?;
    ctx.queue.wake();
    tracing::info!(nick = %channel.channel_address, "the channel left this hub; it lives on at its other locations");
    Ok(())
}

/// Queues a `refresh` to every connection and every other location of the channel.
pub(crate) fn announce(
    conn: &mut AnyConnection,
    channel: &Channel,
    site_id: &str,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    let to = crate::service::connection::unblocked(conn, channel.channel_id)?;
    let msg = outbound::Outgoing {
        channel_id: channel.channel_id,
        sender: &channel.channel_hash,
        site_id,
        kind: MessageType::Refresh,
        data: None,
        mid: "",
    };
    outbound::queue(conn, &msg, &outbound::Audience::Private(to), now)?;
    // The channel's other locations, never this hub itself.
    let own = store::hubloc::find_by_hash(conn, &channel.channel_hash)?
        .into_iter()
        .find(|h| h.hubloc_site_id == site_id)
        .map(|h| h.hubloc_callback)
        .unwrap_or_default();
    outbound::queue_to_other_locations(conn, &msg, None, &channel.channel_hash, &own, now)?;
    Ok(())
}

/// After reading the channel info at another of its locations (`sender_site`): if that
/// location says it is now the primary, this one steps down and points the identity there.
pub(crate) async fn follow_primary(ctx: &Ctx, channel: &Channel, sender_site: &str) -> Result<()> {
    let hash = channel.channel_hash.clone();
    let base = ctx.uris.base().to_string();
    let sender_site = sender_site.to_string();
    ctx.db
        .tx(move |conn| {
            let locs = store::hubloc::find_by_hash(conn, &hash)?;
            let remote_primary = locs.iter().find(|h| {
                h.hubloc_primary && h.hubloc_url != base && h.hubloc_site_id == sender_site
            });
            if let Some(p) = remote_primary {
                let (site, addr, url) = (
                    p.hubloc_site_id.clone(),
                    p.hubloc_addr.clone(),
                    p.hubloc_id_url.clone(),
                );
                store::hubloc::set_primary(conn, &hash, &site)?;
                store::xchan::set_primary_location(conn, &hash, &addr, &url)?;
            }
            Ok(())
        })
        .await
}
