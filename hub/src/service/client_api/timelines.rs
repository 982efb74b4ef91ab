//! Timelines (home = the channel's network stream, public local and federated, hashtag),
//! notifications with dismiss, bookmarks and markers. Pages are by row id (`max_id`,
//! `since_id`, `min_id`); every row is checked by the decider before it is shown.

use super::entity::{self, Marker};
use super::{Notification, Page, Paging, Status, account_of, publicly_listed, status_of};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::store::{self, AnyConnection, api::Timeline};

/// Which timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The caller's stream.
    Home,
    /// Public posts held here; `local`: only those written here.
    Public {
        /// Only this hub's.
        local: bool,
    },
    /// Public posts with a hashtag.
    Tag {
        /// The tag, without `#`.
        tag: String,
        /// Only this hub's.
        local: bool,
    },
}

fn page_rows(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    viewer: Option<&Channel>,
    which: &Which,
    paging: &Paging,
) -> Result<Page<Status>> {
    let (timeline, text) = match which {
        Which::Home => {
            let ch = viewer.ok_or_else(|| {
                Error::new(ErrorKind::Unauthorized(
                    "This method requires an authenticated user",
                ))
            })?;
            (Timeline::Home(ch.channel_id), None)
        }
        Which::Public { local } => (Timeline::Public { local: *local }, None),
        Which::Tag { tag, local } => (Timeline::Public { local: *local }, Some(format!("#{tag}"))),
    };
    let (rows, more) = super::fill_page(
        conn,
        paging,
        |conn, bounds, n| store::api::timeline(conn, timeline, text.as_deref(), bounds, n),
        |conn, r| match which {
            Which::Home => Ok(true),
            Which::Tag { tag, .. } => {
                Ok(super::hashtags(&r.body).contains(tag) && publicly_listed(conn, r)?)
            }
            Which::Public { .. } => publicly_listed(conn, r),
        },
    )?;
    let mut out = Vec::new();
    for r in &rows {
        out.push((r.id, status_of(conn, ctx, viewer, r)?));
    }
    Ok(Page::of(out, paging, more))
}

/// A timeline page.
pub async fn timeline(
    ctx: &Ctx,
    viewer: Option<&Channel>,
    which: Which,
    paging: Paging,
) -> Result<Page<Status>> {
    if let Which::Tag { tag, .. } = &which
        && (tag.is_empty()
            || tag.len() > 100
            || !tag.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let (c2, v) = (ctx.clone(), viewer.cloned());
    ctx.db
        .run(move |conn| page_rows(conn, &c2, v.as_ref(), &which, &paging))
        .await
}

/// The Mastodon type of one of our notification kinds.
fn kind_of(ntype: &str) -> &'static str {
    match ntype {
        "like" => "favourite",
        "request" => "follow_request",
        "follow" => "follow",
        _ => "mention",
    }
}

pub(crate) fn notification_of(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    ch: &Channel,
    n: store::notify::Notify,
) -> Result<Notification> {
    let status = match n.link.strip_prefix("/item/") {
        Some(uuid) => match store::item::find_by_uuid(conn, uuid)? {
            Some(row) if row.uid == ch.channel_id => Some(status_of(conn, ctx, Some(ch), &row)?),
            _ => None,
        },
        None => None,
    };
    let kind = kind_of(&n.ntype);
    Ok(Notification {
        id: n.id.to_string(),
        group_key: format!("ungrouped-{}", n.id),
        kind: kind.to_string(),
        created_at: entity::time(n.created),
        account: account_of(conn, ctx, &n.xchan)?,
        status,
    })
}

/// `GET /api/v1/notifications`, optionally only some `types` or without `exclude_types`.
pub async fn notifications(
    ctx: &Ctx,
    ch: &Channel,
    paging: Paging,
    types: Vec<String>,
    exclude: Vec<String>,
) -> Result<Page<Notification>> {
    let (c2, ch) = (ctx.clone(), ch.clone());
    ctx.db
        .run(move |conn| {
            let limit = paging.limit();
            let b = paging.bounds();
            let mut rows = store::notify::find_page(
                conn,
                ch.channel_id,
                b.since,
                b.max,
                b.oldest_first,
                limit * 4 + 1,
            )?;
            rows.retain(|n| {
                let k = kind_of(&n.ntype).to_string();
                (types.is_empty() || types.contains(&k)) && !exclude.contains(&k)
            });
            let more = rows.len() as i64 > limit;
            rows.truncate(limit as usize);
            let mut out = Vec::new();
            for n in rows {
                let id = n.id;
                out.push((id, notification_of(conn, &c2, &ch, n)?));
            }
            Ok(Page::of(out, &paging, more))
        })
        .await
}

/// `GET /api/v1/notifications/:id`.
pub async fn notification(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Notification> {
    let id: i64 = id.parse().map_err(|_| Error::new(ErrorKind::NotFound))?;
    let (c2, ch) = (ctx.clone(), ch.clone());
    ctx.db
        .run(move |conn| {
            let n = store::notify::find(conn, ch.channel_id, id)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            notification_of(conn, &c2, &ch, n)
        })
        .await
}

/// `POST /api/v1/notifications/:id/dismiss`.
pub async fn dismiss(ctx: &Ctx, ch: &Channel, id: &str) -> Result<()> {
    let id: i64 = id.parse().map_err(|_| Error::new(ErrorKind::NotFound))?;
    let uid = ch.channel_id;
    let n = ctx
        .db
        .tx(move |conn| store::notify::delete(conn, uid, id))
        .await?;
    if n == 0 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    Ok(())
}

/// `POST /api/v1/notifications/clear`.
pub async fn clear(ctx: &Ctx, ch: &Channel) -> Result<()> {
    let uid = ch.channel_id;
    ctx.db
        .tx(move |conn| store::notify::delete_all(conn, uid).map(|_| ()))
        .await
}

/// `GET /api/v1/bookmarks`.
pub async fn bookmarks(ctx: &Ctx, ch: &Channel, paging: Paging) -> Result<Page<Status>> {
    let (c2, ch) = (ctx.clone(), ch.clone());
    ctx.db
        .run(move |conn| {
            let limit = paging.limit();
            let mut ids =
                store::api::bookmarks(conn, ch.channel_id, paging.max_id.unwrap_or(0), limit + 1)?;
            let more = ids.len() as i64 > limit;
            ids.truncate(limit as usize);
            let mut out = Vec::new();
            for id in ids {
                if let Some(row) = store::item::find_by_id(conn, id)?.filter(|r| !r.item_deleted) {
                    out.push((id, status_of(conn, &c2, Some(&ch), &row)?));
                }
            }
            Ok(Page::of(out, &Paging::default(), more))
        })
        .await
}

/// `GET /api/v1/markers`: the `home` and `notifications` markers asked for.
pub async fn markers(
    ctx: &Ctx,
    ch: &Channel,
    timelines: Vec<String>,
) -> Result<Vec<(String, Marker)>> {
    let uid = ch.channel_id;
    let all = ctx
        .db
        .run(move |conn| store::api::markers(conn, uid))
        .await?;
    Ok(all
        .into_iter()
        .filter(|m| timelines.is_empty() || timelines.contains(&m.timeline))
        .map(|m| {
            (
                m.timeline,
                Marker {
                    last_read_id: m.last_read_id,
                    version: m.version,
                    updated_at: entity::time(m.updated),
                },
            )
        })
        .collect())
}

/// `POST /api/v1/markers`: sets `home` and/or `notifications`.
pub async fn set_markers(
    ctx: &Ctx,
    ch: &Channel,
    set: Vec<(String, String)>,
) -> Result<Vec<(String, Marker)>> {
    for (timeline, id) in &set {
        if timeline != "home" && timeline != "notifications" {
            return Err(Error::invalid(
                "timeline",
                "Markers are home and notifications.",
            ));
        }
        if id.is_empty() || id.len() > 30 || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(Error::invalid(
                "last_read_id",
                "Give the id of a status or notification.",
            ));
        }
    }
    let uid = ch.channel_id;
    let now = ctx.clock.now_db();
    let names: Vec<String> = set.iter().map(|s| s.0.clone()).collect();
    ctx.db
        .tx(move |conn| {
            for (t, id) in &set {
                store::api::set_marker(conn, uid, t, id, now)?;
            }
            Ok(())
        })
        .await?;
    markers(ctx, ch, names).await
}
