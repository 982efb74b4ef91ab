//! Hubzilla's `hz` encoding on the hub's side (zot6.md §6.3): what Caravan makes of the sync
//! packets a channel's Hubzilla locations send (items, the default profile, the channel's
//! name, connections with their permissions, permission limits) and of Hubzilla's item pages (online import), and the `hz` form of the changes made
//! here, for those locations. Received changes go through the same rule as Caravan's own sync
//! (`service::sync`): a deletion wins, otherwise the later edit; a change that would change
//! nothing is a duplicate. Hubzilla does not number its changes, so they are numbered here on
//! arrival, under the sending site's id.

use zot::export as fmt;
use zot::hz;
use zot::message::Envelope;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::sync::{self, Applied, Change, Numbering, ProfileState};
use crate::store::{self, AnyConnection};

/// Hubzilla's `site_project`.
pub const PROJECT: &str = "hubzilla";

/// Receives a `hz` sync packet for `channel` from its Hubzilla location `origin` (a site id,
/// already checked to be one of the channel's locations).
pub async fn receive(
    ctx: &Ctx,
    env: &Envelope,
    channel: &Channel,
    origin: &str,
) -> Result<Applied> {
    let data = env
        .data
        .as_ref()
        .ok_or_else(|| Error::new(ErrorKind::BadRequest("the sync message has no data")))?;
    let packet = hz::SyncPacket::from_data(data)
        .map_err(|_| Error::new(ErrorKind::BadRequest("malformed sync data")))?;
    if let Some(c) = &packet.channel
        && !c.channel_hash.is_empty()
        && c.channel_hash != channel.channel_hash
    {
        return Err(Error::new(ErrorKind::Unauthorized("channel mismatch")));
    }
    let items = to_export_items(ctx, channel, &packet.item).await?;
    let now = ctx.clock.now_db();
    let mut changes = Vec::new();
    for it in items {
        changes.push(Change {
            origin: origin.to_string(),
            seq: 0,
            kind: "item".into(),
            obj: it.mid.clone(),
            hlc: hlc_of(&it.edited, now),
            body: serde_json::to_value(&it)
                .map_err(|e| Error::internal(anyhow::anyhow!("hz item: {e}")))?,
        });
    }
    // Connections: Hubzilla's abook rows (joined with the identity, with their abconfig),
    // the same shape as an export's. Each identity is looked up first; removals
    // (`entry_deleted`) are not applied yet.
    for entry in &packet.abook {
        let (Ok(mut abook), Ok(x)) = (
            serde_json::from_value::<fmt::Abook>(entry.clone()),
            serde_json::from_value::<fmt::Xchan>(entry.clone()),
        ) else {
            continue;
        };
        let deleted = entry
            .get("entry_deleted")
            .is_some_and(|v| v.as_bool() == Some(true) || v.as_i64() == Some(1) || v == "1");
        // Rows from Hubzilla's connect page carry only the `abook_*` columns; others carry the
        // identity too (then an unknown one can be looked up).
        let hash = abook.abook_xchan.clone();
        if abook.abook_self || deleted || hash.is_empty() || hash == channel.channel_hash {
            continue;
        }
        let person = hz::Person {
            url: x.xchan_url.clone(),
            ..Default::default()
        };
        if !known(ctx, &hash, &person).await {
            continue;
        }
        let h = hash.clone();
        let Some(row) = ctx.db.run(move |conn| store::xchan::find(conn, &h)).await? else {
            continue;
        };
        abook.abook_xchan = row.xchan_hash.clone();
        for c in &mut abook.abconfig {
            c.xchan = row.xchan_hash.clone();
        }
        changes.push(Change {
            origin: origin.to_string(),
            seq: 0,
            kind: "abook".into(),
            obj: row.xchan_hash.clone(),
            hlc: ctx.clock.now().timestamp_micros(),
            body: crate::service::connection::synced_body(
                crate::service::export::xchan_of(row),
                abook,
            )?,
        });
    }
    // Permission limits (Hubzilla keeps them as we do).
    for (obj, body) in crate::service::perms::limit_settings_of_hz(packet.config.as_ref()) {
        changes.push(Change {
            origin: origin.to_string(),
            seq: 0,
            kind: "setting".into(),
            obj,
            hlc: ctx.clock.now().timestamp_micros(),
            body,
        });
    }
    let ch = channel.clone();
    let origin = origin.to_string();
    let here = ctx.site.site_id.clone();
    let micros = ctx.clock.now().timestamp_micros();
    ctx.db
        .tx(move |conn| {
            if let Some(state) = profile_change(conn, &ch, &packet)? {
                changes.push(Change {
                    origin: origin.clone(),
                    seq: 0,
                    kind: "profile".into(),
                    obj: "default".into(),
                    hlc: micros,
                    body: serde_json::to_value(&state)
                        .map_err(|e| Error::internal(anyhow::anyhow!("hz profile: {e}")))?,
                });
            }
            sync::apply_all(conn, &ch, &here, changes, Numbering::OnArrival, now)
        })
        .await
}

fn hlc_of(edited: &str, now: chrono::NaiveDateTime) -> i64 {
    chrono::NaiveDateTime::parse_from_str(edited, "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or(now)
        .and_utc()
        .timestamp_micros()
}

/// The profile the packet describes, if it differs from ours: its default profile, or just a
/// new display name in the `channel` row every packet carries.
fn profile_change(
    conn: &mut AnyConnection,
    ch: &Channel,
    packet: &hz::SyncPacket,
) -> Result<Option<ProfileState>> {
    let Some(mut state) = sync::current_profile(conn, ch.channel_id)? else {
        return Ok(None);
    };
    let before = state.clone();
    if let Some(p) = packet.profile.iter().find(|p| p.is_default) {
        state.about = p.about.clone();
        state.homepage = p.homepage.clone();
        state.locality = p.locality.clone();
        if !p.fullname.trim().is_empty() {
            state.name = p.fullname.clone();
        }
    }
    if let Some(c) = &packet.channel
        && !c.channel_name.trim().is_empty()
    {
        state.name = c.channel_name.clone();
    }
    Ok((state != before).then_some(state))
}

/// Hubzilla items as Caravan stores them: each checked (the author's and owner's keys sign
/// their guids, the author's key signs the body), their HTML rendered from the source and
/// sanitised, unknown authors looked up first. Items Caravan does not keep (web pages, wikis,
/// other activities) and items whose people cannot be found are left out, as Hubzilla does.
pub(crate) async fn to_export_items(
    ctx: &Ctx,
    channel: &Channel,
    items: &[hz::Item],
) -> Result<Vec<fmt::Item>> {
    let mut out = Vec::new();
    for it in items {
        if it.item_type != 0 {
            continue;
        }
        let verb = match it.verb.as_str() {
            "" | hz::VERB_POST | "Create" => "Create",
            hz::VERB_LIKE | "Like" => "Like",
            hz::VERB_DISLIKE | "Dislike" => "Dislike",
            _ => continue,
        };
        let (author, owner) = match it.check() {
            Ok(ids) => ids,
            Err(e) => {
                tracing::info!(mid = %it.message_id, error = %e, "hz item refused");
                return Err(Error::new(ErrorKind::BadRequest(
                    "an item's signature does not verify",
                )));
            }
        };
        if !known(ctx, &author, &it.author).await || !known(ctx, &owner, &it.owner).await {
            tracing::info!(mid = %it.message_id, "hz item left out: its people are unknown");
            continue;
        }
        let html = match it.mimetype.as_str() {
            "text/markdown" => crate::service::text::markdown_to_safe_html(&it.body),
            "text/html" => crate::service::text::sanitize_html(&it.body),
            "text/plain" => {
                crate::service::text::sanitize_html(&html_escape::encode_text(&it.body))
            }
            _ => ctx.bbcode.to_safe_html(&it.body),
        };
        out.push(fmt::Item {
            mid: it.message_id.clone(),
            parent_mid: if it.is_top() {
                it.message_id.clone()
            } else {
                it.message_top.clone()
            },
            thr_parent: it.answers().to_string(),
            author_xchan: author.clone(),
            owner_xchan: owner,
            title: it.title.clone(),
            body: it.body.clone(),
            html,
            mimetype: if it.mimetype.is_empty() {
                "text/bbcode".into()
            } else {
                it.mimetype.clone()
            },
            verb: verb.into(),
            created: it.created.clone(),
            edited: it.edited.clone(),
            item_deleted: it.is_deleted(),
            item_origin: author == channel.channel_hash,
            signed_data: String::new(),
            ..Default::default()
        });
        if let Some(last) = out.last_mut() {
            crate::service::perms::acl_of_hz(it, last);
        }
    }
    Ok(out)
}

/// Whether the identity is known here, looking it up at its channel URL if not.
async fn known(ctx: &Ctx, hash: &str, person: &hz::Person) -> bool {
    let h = hash.to_string();
    let here = ctx
        .db
        .run(move |conn| store::xchan::find(conn, &h))
        .await
        .ok()
        .flatten()
        .is_some();
    if here {
        return true;
    }
    if person.url.is_empty() {
        return false;
    }
    match crate::service::discovery::discover(ctx, &person.url).await {
        Ok(r) => r.xchan.xchan_hash == hash,
        Err(e) => {
            tracing::info!(url = %person.url, error = %e, "hz: cannot look up an item's author");
            false
        }
    }
}

/// Whether the channel has a location on a Hubzilla hub.
fn has_hubzilla_location(conn: &mut AnyConnection, hash: &str) -> Result<bool> {
    for h in store::hubloc::find_by_hash(conn, hash)? {
        if store::site::find_site(conn, h.hubloc_url.trim_end_matches('/'))?
            .is_some_and(|s| s.site_project == PROJECT)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The `hz` sync packet (the envelope's `data`) for a change made here, when the channel has a
/// Hubzilla location and the change has a Hubzilla form: items written here (posts,
/// comments, likes, edits, deletions) and the display name. `None` otherwise.
pub(crate) fn packet_for(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel_id: i64,
    kind: &str,
    body: &serde_json::Value,
) -> Result<Option<serde_json::Value>> {
    let Some(row) = store::channel::find(conn, channel_id)? else {
        return Ok(None);
    };
    if !has_hubzilla_location(conn, &row.channel_hash)? {
        return Ok(None);
    }
    let mut packet = hz::SyncPacket {
        relocate: hz::Relocate {
            channel_address: row.channel_address.clone(),
            url: ctx.uris.base().to_string(),
        },
        channel: Some(hz::SyncChannel {
            channel_name: row.channel_name.clone(),
            channel_hash: row.channel_hash.clone(),
            channel_guid: row.channel_guid.clone(),
            channel_guid_sig: row.channel_guid_sig.clone(),
        }),
        ..Default::default()
    };
    match kind {
        "item" => {
            let Ok(it) = serde_json::from_value::<fmt::Item>(body.clone()) else {
                return Ok(None);
            };
            if !it.item_origin {
                return Ok(None);
            }
            let key = zot::keys::RsaKeypair::from_private_pem(&row.channel_prvkey)?;
            let Some(item) = hz_item_of(conn, &it, &row.channel_hash, &key)? else {
                return Ok(None);
            };
            packet.item.push(item);
        }
        "profile" => {}
        "setting" => {
            let (Some(cat), Some(k), Some(v)) = (
                body.get("cat").and_then(|v| v.as_str()),
                body.get("k").and_then(|v| v.as_str()),
                body.get("v").and_then(|v| v.as_str()),
            ) else {
                return Ok(None);
            };
            let mut inner = serde_json::Map::new();
            inner.insert(k.to_string(), serde_json::Value::String(v.to_string()));
            let mut config = serde_json::Map::new();
            config.insert(cat.to_string(), serde_json::Value::Object(inner));
            packet.config = Some(config);
        }
        _ => return Ok(None),
    }
    Ok(Some(packet.to_data()))
}

fn person_of(conn: &mut AnyConnection, hash: &str) -> Result<Option<hz::Person>> {
    Ok(store::xchan::find(conn, hash)?.map(|x| hz::Person {
        name: x.xchan_name,
        address: x.xchan_addr,
        url: x.xchan_url,
        network: "zot6".into(),
        photo: hz::Photo::default(),
        id: x.xchan_guid,
        id_sig: x.xchan_guid_sig,
        key: x.xchan_pubkey,
    }))
}

fn hz_time(s: &str) -> String {
    s.get(..19).unwrap_or(s).to_string()
}

/// One of our items in Hubzilla's mirror form, its body signed by the channel when the channel
/// wrote it. `None` when an identity it names is unknown.
pub(crate) fn hz_item_of(
    conn: &mut AnyConnection,
    it: &fmt::Item,
    channel_hash: &str,
    key: &zot::keys::RsaKeypair,
) -> Result<Option<hz::Item>> {
    let (Some(author), Some(owner)) = (
        person_of(conn, &it.author_xchan)?,
        person_of(conn, &it.owner_xchan)?,
    ) else {
        return Ok(None);
    };
    let top = it.parent_mid.is_empty() || it.parent_mid == it.mid;
    let verb = match it.verb.as_str() {
        "Like" => hz::VERB_LIKE,
        "Dislike" => hz::VERB_DISLIKE,
        _ => hz::VERB_POST,
    };
    let mut out = hz::Item {
        kind: "activity".into(),
        encoding: "zot".into(),
        message_id: it.mid.clone(),
        message_top: if top {
            it.mid.clone()
        } else {
            it.parent_mid.clone()
        },
        message_parent: if it.thr_parent.is_empty() {
            if top {
                it.mid.clone()
            } else {
                it.parent_mid.clone()
            }
        } else {
            it.thr_parent.clone()
        },
        uuid: it.mid.rsplit('/').next().unwrap_or_default().to_string(),
        created: hz_time(&it.created),
        edited: hz_time(&it.edited),
        expires: hz::NULL_DATE.into(),
        commented: hz_time(&it.edited),
        mimetype: if it.mimetype.is_empty() {
            "text/markdown".into()
        } else {
            it.mimetype.clone()
        },
        title: it.title.clone(),
        body: it.body.clone(),
        verb: verb.into(),
        object_type: if top { hz::OBJ_NOTE } else { hz::OBJ_COMMENT }.into(),
        permalink: it.mid.clone(),
        owner,
        author,
        comment_scope: "contacts".into(),
        item_origin: true,
        item_wall: it.owner_xchan == channel_hash,
        item_thread_top: top,
        item_deleted: it.item_deleted,
        ..Default::default()
    };
    crate::service::perms::hz_acl(it, &mut out);
    if it.author_xchan == channel_hash {
        out.sign(key)?;
    }
    Ok(Some(out))
}
