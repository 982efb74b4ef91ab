//! Statuses (`/api/v1/statuses`): posting (Markdown or plain text in, sanitised HTML out, the
//! visibility mapped to an access list), replies, reading one with its thread, edits with
//! history, deleting, favourites (likes) and bookmarks. Idempotency keys make a retried post
//! return the first one.

use chrono::Duration;

use super::entity::{self, Context, StatusEdit};
use super::{Status, account_of, status_of, visible_row};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::perms::Audience;
use crate::service::{discovery, item};
use crate::store::{self, AnyConnection};

/// How long an idempotency key is remembered.
const IDEMPOTENCY_HOURS: i64 = 1;
/// Longest content warning.
const MAX_SPOILER: usize = 1000;

/// A status to post, as an app sent it.
#[derive(Debug, Clone, Default)]
pub struct NewStatus {
    /// The text (Markdown; plain text is Markdown too).
    pub status: String,
    /// Replying to this status id.
    pub in_reply_to_id: Option<String>,
    /// `public`, `unlisted`, `private` or `direct` (default: the channel's default audience).
    pub visibility: Option<String>,
    /// Content warning.
    pub spoiler_text: String,
    /// Sensitive.
    pub sensitive: bool,
    /// ISO 639-1 language.
    pub language: String,
    /// `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
    /// Media ids (not offered yet: refused).
    pub media_ids: Vec<String>,
}

fn bad_visibility() -> Error {
    Error::invalid(
        "visibility",
        "Visibility must be one of public, unlisted, private or direct.",
    )
}

/// The addresses mentioned in a text (`@nick@host`, or `@nick` for this hub).
fn mentions(uris: &crate::uris::Uris, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')') {
        let Some(rest) = word.strip_prefix('@') else {
            continue;
        };
        let rest = rest.trim_end_matches(['.', ':', ';', '!', '?']);
        if rest.is_empty() || rest.len() > 255 {
            continue;
        }
        let addr = if rest.contains('@') {
            rest.to_string()
        } else {
            uris.address(rest)
        };
        if !out.contains(&addr) {
            out.push(addr);
        }
    }
    out
}

fn meta_writer(
    uid: i64,
    visibility: String,
    spoiler: String,
    sensitive: bool,
    language: String,
    key: Option<String>,
    now: chrono::NaiveDateTime,
) -> impl FnOnce(&mut AnyConnection, i64) -> Result<()> + Send + 'static {
    move |conn, item_id| {
        if let Some(key) = &key {
            let since = now - Duration::hours(IDEMPOTENCY_HOURS);
            if store::api::find_idempotent(conn, uid, key, since)?.is_some() {
                return Err(Error::new(ErrorKind::Conflict {
                    field: "idempotency_key",
                    reason: "already used".into(),
                }));
            }
            store::api::insert_idempotent(conn, uid, key, item_id, now)?;
        }
        store::api::insert_status_meta(
            conn,
            &store::api::StatusMeta {
                item_id,
                visibility,
                spoiler_text: spoiler,
                sensitive,
                language,
            },
        )
    }
}

async fn earlier_post(ctx: &Ctx, ch: &Channel, key: &str) -> Result<Option<Status>> {
    let (ch, key) = (ch.clone(), key.to_string());
    let since = ctx.clock.now_db() - Duration::hours(IDEMPOTENCY_HOURS);
    let c2 = ctx.clone();
    ctx.db
        .run(move |conn| {
            let Some(id) = store::api::find_idempotent(conn, ch.channel_id, &key, since)? else {
                return Ok(None);
            };
            match store::item::find_by_id(conn, id)? {
                Some(row) => Ok(Some(status_of(conn, &c2, Some(&ch), &row)?)),
                None => Ok(None),
            }
        })
        .await
}

/// `POST /api/v1/statuses`.
pub async fn post(ctx: &Ctx, ch: &Channel, new: NewStatus) -> Result<Status> {
    let files = crate::service::attachment::pick(ctx, ch, &new.media_ids).await?;
    if new.status.trim().is_empty() && files.is_empty() {
        return Err(Error::invalid(
            "status",
            "Write something or attach a file.",
        ));
    }
    if new.spoiler_text.chars().count() > MAX_SPOILER {
        return Err(Error::invalid(
            "spoiler_text",
            "The content warning is too long.",
        ));
    }
    if new.language.len() > 16 {
        return Err(Error::invalid("language", "Unknown language."));
    }
    let key = new
        .idempotency_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| k.chars().take(200).collect::<String>());
    if let Some(k) = &key
        && let Some(s) = earlier_post(ctx, ch, k).await?
    {
        return Ok(s);
    }
    let now = ctx.clock.now_db();
    // What is stored beside the item, in its transaction, once the visibility is known.
    let meta = |visibility: String| {
        meta_writer(
            ch.channel_id,
            visibility,
            new.spoiler_text.clone(),
            new.sensitive,
            new.language.clone(),
            key.clone(),
            now,
        )
    };
    let posted = match &new.in_reply_to_id {
        Some(parent) if !parent.is_empty() => {
            let (c2, parent) = (ch.clone(), parent.clone());
            let (uuid, visibility) = ctx
                .db
                .run(move |conn| {
                    let row = visible_row(conn, Some(&c2), &parent)?;
                    if row.uid != c2.channel_id {
                        return Err(Error::invalid(
                            "in_reply_to_id",
                            "You can reply to statuses in your stream only.",
                        ));
                    }
                    let vis = match store::api::find_status_meta(conn, row.id)? {
                        Some(m) => m.visibility,
                        None => crate::service::perms::visibility_of(&row).to_string(),
                    };
                    Ok((row.uuid, vis))
                })
                .await?;
            if !files.is_empty() {
                return Err(Error::invalid(
                    "media_ids",
                    "Replies carry no attachments here yet; post them as a new status.",
                ));
            }
            let with = meta(visibility);
            item::respond_with(ctx, ch, &uuid, "Create", &new.status, with).await
        }
        _ => {
            let visibility = match new.visibility.as_deref() {
                None | Some("") => match Audience::default_for(ch) {
                    Audience::Public => "public".to_string(),
                    _ => "private".to_string(),
                },
                Some(v @ ("public" | "unlisted" | "private" | "direct")) => v.to_string(),
                Some(_) => return Err(bad_visibility()),
            };
            let audience = match visibility.as_str() {
                "public" | "unlisted" => Audience::Public,
                "private" => Audience::Connections,
                _ => {
                    let mut ids = Vec::new();
                    for addr in mentions(&ctx.uris, &new.status) {
                        match discovery::resolve(ctx, &addr).await {
                            Ok(r) => ids.push(r.xchan.xchan_hash),
                            Err(_) => {
                                return Err(Error::invalid(
                                    "status",
                                    format!("{addr} could not be found."),
                                ));
                            }
                        }
                    }
                    if ids.is_empty() {
                        return Err(Error::invalid(
                            "visibility",
                            "A direct status must mention at least one account.",
                        ));
                    }
                    Audience::Channels(ids)
                }
            };
            let with = meta(visibility);
            item::post_attached(ctx, ch, &new.status, audience, files, with).await
        }
    };
    let posted = match posted {
        Ok(p) => p,
        Err(e)
            if matches!(
                e.kind,
                ErrorKind::Conflict {
                    field: "idempotency_key",
                    ..
                }
            ) =>
        {
            if let Some(k) = &key
                && let Some(s) = earlier_post(ctx, ch, k).await?
            {
                return Ok(s);
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let mut status = by_row_id(ctx, Some(ch), posted.id).await?;
    status.text = Some(new.status);
    Ok(status)
}

async fn by_row_id(ctx: &Ctx, viewer: Option<&Channel>, id: i64) -> Result<Status> {
    let (v, c2) = (viewer.cloned(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let row = store::item::find_by_id(conn, id)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            status_of(conn, &c2, v.as_ref(), &row)
        })
        .await
}

/// `GET /api/v1/statuses/:id`.
pub async fn get(ctx: &Ctx, viewer: Option<&Channel>, id: &str) -> Result<Status> {
    let (v, id, c2) = (viewer.cloned(), id.to_string(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let row = visible_row(conn, v.as_ref(), &id)?;
            status_of(conn, &c2, v.as_ref(), &row)
        })
        .await
}

/// `GET /api/v1/statuses/:id/context`: the thread around a status, as far as the viewer may
/// see it (the holder's copy of the thread).
pub async fn context(ctx: &Ctx, viewer: Option<&Channel>, id: &str) -> Result<Context> {
    let (v, id, c2) = (viewer.cloned(), id.to_string(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let row = visible_row(conn, v.as_ref(), &id)?;
            let thread: Vec<_> = store::item::find_thread(conn, row.uid, &row.parent_mid)?
                .into_iter()
                .filter(|i| i.verb == "Create")
                .collect();
            let parent_of = |mid: &str| {
                thread
                    .iter()
                    .find(|i| i.mid == mid)
                    .map(|i| i.thr_parent.clone())
                    .unwrap_or_default()
            };
            let mut ancestors = Vec::new();
            let mut up = row.thr_parent.clone();
            while !up.is_empty() && ancestors.len() < 100 {
                match thread.iter().find(|i| i.mid == up) {
                    Some(p) => {
                        ancestors.push(p.clone());
                        up = p.thr_parent.clone();
                    }
                    None => break,
                }
            }
            ancestors.reverse();
            let mut descendants = Vec::new();
            for i in &thread {
                if i.id == row.id {
                    continue;
                }
                let mut p = i.thr_parent.clone();
                let mut hops = 0;
                while !p.is_empty() && p != row.mid && hops < 100 {
                    p = parent_of(&p);
                    hops += 1;
                }
                if p == row.mid {
                    descendants.push(i.clone());
                }
            }
            let render = |conn: &mut AnyConnection, rows: Vec<store::item::Item>| {
                rows.iter()
                    .map(|r| status_of(conn, &c2, v.as_ref(), r))
                    .collect::<Result<Vec<_>>>()
            };
            Ok(Context {
                ancestors: render(conn, ancestors)?,
                descendants: render(conn, descendants)?,
            })
        })
        .await
}

/// The caller's own row of a status it may see (likes, bookmarks and replies need one).
async fn own_row(ctx: &Ctx, ch: &Channel, id: &str) -> Result<store::item::Item> {
    let (c2, id) = (ch.clone(), id.to_string());
    ctx.db
        .run(move |conn| {
            let row = visible_row(conn, Some(&c2), &id)?;
            if row.uid == c2.channel_id {
                Ok(row)
            } else {
                Err(Error::new(ErrorKind::NotFound))
            }
        })
        .await
}

/// `DELETE /api/v1/statuses/:id`: deletes one of the caller's statuses; answers it with its
/// text (for "delete and redraft").
pub async fn delete(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Status> {
    let row = own_row(ctx, ch, id).await?;
    if row.author_xchan != ch.channel_hash {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let mut status = by_row_id(ctx, Some(ch), row.id).await?;
    item::edit(ctx, ch, &row.uuid, None).await?;
    status.text = Some(row.body);
    Ok(status)
}

/// `PUT /api/v1/statuses/:id`: replaces the text of one of the caller's statuses (the old
/// version goes to its history).
pub async fn edit(ctx: &Ctx, ch: &Channel, id: &str, text: &str) -> Result<Status> {
    let row = own_row(ctx, ch, id).await?;
    if row.author_xchan != ch.channel_hash {
        return Err(Error::new(ErrorKind::NotFound));
    }
    item::edit(ctx, ch, &row.uuid, Some(text)).await?;
    let mut status = by_row_id(ctx, Some(ch), row.id).await?;
    status.text = Some(text.to_string());
    Ok(status)
}

/// `GET /api/v1/statuses/:id/history`: every version, oldest first, the current one last.
pub async fn history(ctx: &Ctx, viewer: Option<&Channel>, id: &str) -> Result<Vec<StatusEdit>> {
    let (v, id, c2) = (viewer.cloned(), id.to_string(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let row = visible_row(conn, v.as_ref(), &id)?;
            let account = account_of(conn, &c2, &row.author_xchan)?;
            let meta = store::api::find_status_meta(conn, row.id)?;
            let (spoiler, sensitive) = meta
                .map(|m| (m.spoiler_text, m.sensitive))
                .unwrap_or_default();
            let mut out: Vec<StatusEdit> = store::api::edits(conn, row.id)?
                .into_iter()
                .map(|e| StatusEdit {
                    content: e.html,
                    spoiler_text: spoiler.clone(),
                    sensitive,
                    created_at: entity::time(e.edited),
                    account: account.clone(),
                    media_attachments: Vec::new(),
                    emojis: Vec::new(),
                })
                .collect();
            out.push(StatusEdit {
                content: row.html,
                spoiler_text: spoiler,
                sensitive,
                created_at: entity::time(row.edited),
                account,
                media_attachments: Vec::new(),
                emojis: Vec::new(),
            });
            Ok(out)
        })
        .await
}

/// `GET /api/v1/statuses/:id/source`: the text as written, for the author's editor.
pub async fn source(ctx: &Ctx, ch: &Channel, id: &str) -> Result<serde_json::Value> {
    let row = own_row(ctx, ch, id).await?;
    if row.author_xchan != ch.channel_hash {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let (c2, rid) = (ch.clone(), row.id);
    let spoiler = ctx
        .db
        .run(move |conn| {
            let _ = &c2;
            Ok(store::api::find_status_meta(conn, rid)?
                .map(|m| m.spoiler_text)
                .unwrap_or_default())
        })
        .await?;
    Ok(serde_json::json!({ "id": row.id.to_string(), "text": row.body, "spoiler_text": spoiler }))
}

/// `POST /api/v1/statuses/:id/favourite`: likes it (once).
pub async fn favourite(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Status> {
    let row = own_row(ctx, ch, id).await?;
    let (c2, mid, uid) = (ch.clone(), row.mid.clone(), row.uid);
    let liked = ctx
        .db
        .run(move |conn| {
            Ok(store::api::responses(conn, uid, &mid)?
                .iter()
                .any(|r| r.verb == "Like" && r.author_xchan == c2.channel_hash))
        })
        .await?;
    if !liked {
        item::respond(ctx, ch, &row.uuid, "Like", "").await?;
    }
    by_row_id(ctx, Some(ch), row.id).await
}

/// `POST /api/v1/statuses/:id/unfavourite`: takes the like back.
pub async fn unfavourite(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Status> {
    let row = own_row(ctx, ch, id).await?;
    let (c2, mid, uid) = (ch.clone(), row.mid.clone(), row.uid);
    let likes: Vec<String> = ctx
        .db
        .run(move |conn| {
            Ok(store::api::responses(conn, uid, &mid)?
                .into_iter()
                .filter(|r| r.verb == "Like" && r.author_xchan == c2.channel_hash)
                .map(|r| r.uuid)
                .collect())
        })
        .await?;
    for uuid in likes {
        item::edit(ctx, ch, &uuid, None).await?;
    }
    by_row_id(ctx, Some(ch), row.id).await
}

/// `POST /api/v1/statuses/:id/bookmark` and `unbookmark`.
pub async fn bookmark(ctx: &Ctx, ch: &Channel, id: &str, on: bool) -> Result<Status> {
    let row = own_row(ctx, ch, id).await?;
    let now = ctx.clock.now_db();
    let (uid, rid) = (ch.channel_id, row.id);
    ctx.db
        .tx(move |conn| {
            if on {
                store::api::insert_bookmark(conn, uid, rid, now)
            } else {
                store::api::delete_bookmark(conn, uid, rid)
            }
        })
        .await?;
    by_row_id(ctx, Some(ch), row.id).await
}

/// `GET /api/v1/statuses/:id/favourited_by`.
pub async fn favourited_by(
    ctx: &Ctx,
    viewer: Option<&Channel>,
    id: &str,
) -> Result<Vec<super::Account>> {
    let (v, id, c2) = (viewer.cloned(), id.to_string(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let row = visible_row(conn, v.as_ref(), &id)?;
            let mut out = Vec::new();
            for r in store::api::responses(conn, row.uid, &row.mid)? {
                if r.verb == "Like" {
                    out.push(account_of(conn, &c2, &r.author_xchan)?);
                }
            }
            Ok(out)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_addresses_with_this_hub_for_bare_nicks() {
        let uris = crate::uris::Uris::new(&url::Url::parse("https://a.example").unwrap());
        assert_eq!(
            mentions(
                &uris,
                "hi @bob@b.example, and (@carol). not@this @bob@b.example @"
            ),
            vec!["bob@b.example".to_string(), "carol@a.example".to_string()]
        );
    }
}
