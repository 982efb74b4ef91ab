//! Channel export (zot6.md §9): the whole channel (identity with keys, profile, connections with
//! permissions, their identities and locations, groups, settings, and every item with its
//! access list) as one JSON document in Hubzilla's field names, written to any `Write` as it is
//! read: the header sections first, then the items page by page, so a large channel is never
//! held in memory.

use std::io::Write;

use zot::export::{self as fmt, ChannelExport};

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::service::channel::Channel;
use crate::store::{self, AnyConnection};

/// Items read per page while writing.
const ITEMS_PER_PAGE: i64 = 200;

fn io(e: std::io::Error) -> Error {
    Error::internal(anyhow::anyhow!("writing the export: {e}"))
}

fn db_time(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// The sections before the items.
fn header(conn: &mut AnyConnection, ctx: &Ctx, channel: &Channel) -> Result<ChannelExport> {
    let row = store::channel::find(conn, channel.channel_id)?
        .ok_or_else(|| Error::new(crate::error::ErrorKind::NotFound))?;
    let mut out = ChannelExport {
        compatibility: fmt::Compatibility {
            project: fmt::PROJECT.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            database: fmt::FORMAT_VERSION.to_string(),
            codebase: None,
        },
        relocate: fmt::Relocate {
            channel_address: row.channel_address.clone(),
            url: ctx.uris.base().to_string(),
        },
        channel: fmt::Channel {
            channel_name: row.channel_name.clone(),
            channel_address: row.channel_address.clone(),
            channel_guid: row.channel_guid.clone(),
            channel_guid_sig: row.channel_guid_sig.clone(),
            channel_hash: row.channel_hash.clone(),
            channel_pubkey: row.channel_pubkey.clone(),
            channel_prvkey: row.channel_prvkey.clone(),
            channel_epubkey: row.channel_epubkey.clone(),
            channel_eprvkey: row.channel_eprvkey.clone(),
            channel_timezone: "UTC".into(),
            channel_role: row.channel_role.clone(),
        },
        ..Default::default()
    };
    if let Some(p) = store::profile::find(conn, channel.channel_id)? {
        out.profile.push(fmt::Profile {
            profile_guid: format!("{}-default", row.channel_hash),
            is_default: true,
            profile_name: "default".into(),
            fullname: row.channel_name.clone(),
            about: p.about,
            homepage: p.homepage,
            locality: p.locality,
        });
    }
    let mut identities = vec![row.channel_hash.clone()];
    out.abook =
        crate::service::connection::export_rows(conn, channel.channel_id, &row.channel_hash)?;
    identities.extend(
        out.abook
            .iter()
            .filter(|a| !a.abook_self)
            .map(|a| a.abook_xchan.clone()),
    );
    let groups = store::pgrp::find_by_channel(conn, channel.channel_id)?;
    for g in &groups {
        for m in store::pgrp::members(conn, g.id)? {
            if !identities.contains(&m) {
                identities.push(m.clone());
            }
            out.group_member.push(fmt::GroupMember {
                gid: g.id,
                xchan: m,
            });
        }
        out.group.push(fmt::Group {
            id: g.id,
            hash: g.hash.clone(),
            gname: g.gname.clone(),
            deleted: g.deleted,
            visible: false,
        });
    }
    for hash in &identities {
        if let Some(x) = store::xchan::find(conn, hash)? {
            out.xchan.push(xchan_of(x));
        }
        for h in store::hubloc::find_by_hash(conn, hash)? {
            out.hubloc.push(hubloc_of(h));
        }
    }
    for (cat, k, v) in store::pconfig::all(conn, channel.channel_id)? {
        out.config.push(fmt::Config { cat, k, v });
    }
    Ok(out)
}

/// An identity row in the export's (and the sync's) form.
pub(crate) fn xchan_of(x: store::xchan::Xchan) -> fmt::Xchan {
    fmt::Xchan {
        xchan_hash: x.xchan_hash,
        xchan_guid: x.xchan_guid,
        xchan_guid_sig: x.xchan_guid_sig,
        xchan_pubkey: x.xchan_pubkey,
        xchan_epubkey: x.xchan_epubkey,
        xchan_addr: x.xchan_addr,
        xchan_url: x.xchan_url,
        xchan_name: x.xchan_name,
        xchan_network: x.xchan_network,
        xchan_deleted: x.xchan_deleted,
    }
}

/// An exported identity as a row to store (names cut to the column's length).
pub(crate) fn xchan_row(x: &fmt::Xchan, now: chrono::NaiveDateTime) -> store::xchan::Xchan {
    store::xchan::Xchan {
        xchan_hash: x.xchan_hash.clone(),
        xchan_guid: x.xchan_guid.clone(),
        xchan_guid_sig: x.xchan_guid_sig.clone(),
        xchan_pubkey: x.xchan_pubkey.clone(),
        xchan_epubkey: x.xchan_epubkey.clone(),
        xchan_addr: x.xchan_addr.clone(),
        xchan_url: x.xchan_url.clone(),
        xchan_name: x.xchan_name.chars().take(190).collect(),
        xchan_network: x.xchan_network.clone(),
        xchan_name_date: now,
        xchan_deleted: x.xchan_deleted,
    }
}

/// A location row in the export's (and the sync's) form.
pub(crate) fn hubloc_of(h: store::hubloc::Hubloc) -> fmt::Hubloc {
    fmt::Hubloc {
        hubloc_guid: h.hubloc_guid,
        hubloc_guid_sig: String::new(),
        hubloc_hash: h.hubloc_hash,
        hubloc_addr: h.hubloc_addr,
        hubloc_id_url: h.hubloc_id_url,
        hubloc_network: "zot6".into(),
        hubloc_url: h.hubloc_url,
        hubloc_url_sig: h.hubloc_url_sig,
        hubloc_site_id: h.hubloc_site_id,
        hubloc_host: h.hubloc_host,
        hubloc_callback: h.hubloc_callback,
        hubloc_sitekey: h.hubloc_sitekey,
        hubloc_primary: h.hubloc_primary,
        hubloc_deleted: false,
    }
}

/// An exported location as a row to store (with its primary flag as given).
pub(crate) fn hubloc_row(
    h: &fmt::Hubloc,
    primary: bool,
    now: chrono::NaiveDateTime,
) -> store::hubloc::NewHubloc {
    store::hubloc::NewHubloc {
        hubloc_guid: h.hubloc_guid.clone(),
        hubloc_hash: h.hubloc_hash.clone(),
        hubloc_addr: h.hubloc_addr.clone(),
        hubloc_id_url: h.hubloc_id_url.clone(),
        hubloc_url: h.hubloc_url.clone(),
        hubloc_url_sig: h.hubloc_url_sig.clone(),
        hubloc_site_id: h.hubloc_site_id.clone(),
        hubloc_host: h.hubloc_host.clone(),
        hubloc_callback: h.hubloc_callback.clone(),
        hubloc_sitekey: h.hubloc_sitekey.clone(),
        hubloc_primary: primary,
        hubloc_updated: now,
    }
}

fn parse_time(s: &str, fallback: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap_or(fallback)
}

/// Stores an exported (or synced) item for channel `uid`, its HTML sanitised again and its
/// access list as it was; a deleted one stays deleted.
pub(crate) fn insert_item(
    conn: &mut AnyConnection,
    uid: i64,
    it: &fmt::Item,
    item_origin: bool,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    let uuid = uuid::Uuid::new_v4().to_string();
    let created = parse_time(&it.created, now);
    let edited = parse_time(&it.edited, created);
    store::item::insert(
        conn,
        &store::item::NewItem {
            uuid: &uuid,
            mid: &it.mid,
            parent_mid: if it.parent_mid.is_empty() {
                &it.mid
            } else {
                &it.parent_mid
            },
            uid,
            author_xchan: &it.author_xchan,
            owner_xchan: &it.owner_xchan,
            title: &it.title,
            body: &it.body,
            html: &crate::service::text::sanitize_html(&it.html),
            mimetype: &it.mimetype,
            created,
            edited,
            acl: crate::service::perms::imported_acl(it),
            verb: if it.verb.is_empty() {
                "Create"
            } else {
                &it.verb
            },
            thr_parent: &it.thr_parent,
            item_origin,
            route: "",
            signed_data: &it.signed_data,
        },
    )?;
    if it.item_deleted {
        store::item::mark_deleted(conn, uid, &it.mid, &it.author_xchan, "", edited)?;
    }
    Ok(())
}

/// An item row in the export's (and the sync's) form.
pub(crate) fn item_of(i: store::item::Item) -> fmt::Item {
    let mut out = fmt::Item {
        mid: i.mid.clone(),
        parent_mid: i.parent_mid.clone(),
        thr_parent: i.thr_parent.clone(),
        author_xchan: i.author_xchan.clone(),
        owner_xchan: i.owner_xchan.clone(),
        title: i.title.clone(),
        body: i.body.clone(),
        html: i.html.clone(),
        mimetype: i.mimetype.clone(),
        verb: i.verb.clone(),
        created: db_time(i.created),
        edited: db_time(i.edited),
        item_deleted: i.item_deleted,
        item_origin: i.item_origin,
        signed_data: i.signed_data.clone(),
        ..Default::default()
    };
    crate::service::perms::export_acl(&i, &mut out);
    out
}

/// Writes the export of `channel` to `out` (a file, a response body); returns the number of
/// items written. Runs on the blocking pool with its own database connection.
pub async fn write<W: Write + Send + 'static>(
    ctx: &Ctx,
    channel: &Channel,
    out: W,
) -> Result<usize> {
    let ch = channel.clone();
    let c2 = ctx.clone();
    let photo = crate::service::photo::export_photo(ctx, &channel.channel_hash).await?;
    ctx.db
        .run(move |conn| {
            let mut out = std::io::BufWriter::new(out);
            let mut head = header(conn, &c2, &ch)?;
            head.photo = photo;
            let mut json = serde_json::to_vec(&head)
                .map_err(|e| Error::internal(anyhow::anyhow!("export: {e}")))?;
            // The header object, then `"items":[…]` and `"changelog":[…]`, each page by page.
            if json.pop() != Some(b'}') {
                return Err(Error::internal(anyhow::anyhow!(
                    "export: unexpected layout"
                )));
            }
            out.write_all(&json).map_err(io)?;
            out.write_all(b",\"items\":[").map_err(io)?;
            let mut after = 0;
            let mut written = 0usize;
            loop {
                let page = store::item::page_by_id(conn, ch.channel_id, after, ITEMS_PER_PAGE)?;
                let Some(last) = page.last() else { break };
                after = last.id;
                for i in page {
                    if written > 0 {
                        out.write_all(b",").map_err(io)?;
                    }
                    serde_json::to_writer(&mut out, &item_of(i))
                        .map_err(|e| Error::internal(anyhow::anyhow!("export: {e}")))?;
                    written += 1;
                }
            }
            out.write_all(b"],\"changelog\":[").map_err(io)?;
            let (mut after, mut first) = (0, true);
            loop {
                let page =
                    store::changelog::page_by_id(conn, ch.channel_id, after, ITEMS_PER_PAGE)?;
                let Some(last) = page.last() else { break };
                after = last.id;
                for c in page {
                    if !first {
                        out.write_all(b",").map_err(io)?;
                    }
                    first = false;
                    let entry = fmt::LogEntry {
                        origin: c.origin,
                        seq: c.seq,
                        kind: c.kind,
                        obj: c.obj,
                        hlc: c.hlc,
                        body: c.body,
                    };
                    serde_json::to_writer(&mut out, &entry)
                        .map_err(|e| Error::internal(anyhow::anyhow!("export: {e}")))?;
                }
            }
            out.write_all(b"]}").map_err(io)?;
            out.flush().map_err(io)?;
            Ok(written)
        })
        .await
}
