//! Attachments of posts: files and images from the channel's storage shown with a post. An
//! attached file takes the post's access list (so whoever may read the post may open it, and
//! nobody else), the post's text gains a line for each (an image inline, any other file as a
//! link) so every reader, Hubzilla's included, sees them, and the post's activity lists them
//! (`attachment`). Items from elsewhere keep the attachments their activity listed. Media
//! uploaded through the client API wait in the channel's `Media` folder, seen by the owner
//! alone until a status uses them.

use std::collections::HashMap;

use bytes::Bytes;
use futures_util::Stream;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::{perms, storage};
use crate::store::{self, AnyConnection};

/// Most attachments per post.
pub const MAX_PER_POST: usize = 8;
/// Longest description (alt text).
pub const MAX_DESCRIPTION: usize = 1500;
/// The folder client API media go to.
const MEDIA_FOLDER: &str = "Media";

/// A file shown with a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// Where it is served.
    pub url: String,
    /// Content type.
    pub mimetype: String,
    /// File name.
    pub name: String,
    /// Description (alt text).
    pub description: String,
    /// The local file's public id (none for items from elsewhere).
    pub local: Option<String>,
}

impl Attached {
    /// Mastodon's kind: image, video, audio or unknown.
    pub fn kind(&self) -> &'static str {
        kind_of(&self.mimetype)
    }
}

/// Mastodon's media kind of a content type.
pub fn kind_of(mime: &str) -> &'static str {
    if mime == "image/gif" || mime.starts_with("image/") && storage::inline_safe(mime) {
        "image"
    } else if mime.starts_with("video/") {
        "video"
    } else if mime.starts_with("audio/") {
        "audio"
    } else {
        "unknown"
    }
}

fn from_row(r: store::item_attach::ItemAttach) -> Attached {
    Attached {
        url: r.url,
        mimetype: r.mimetype,
        name: r.name,
        description: r.description,
        local: (!r.attach_hash.is_empty()).then_some(r.attach_hash),
    }
}

/// The channel's own files to attach, by public id, in the order given: each must be a file
/// (not a folder) of this channel.
pub async fn pick(ctx: &Ctx, channel: &Channel, hashes: &[String]) -> Result<Vec<Attached>> {
    if hashes.len() > MAX_PER_POST {
        return Err(Error::invalid(
            "media_ids",
            format!("A post has at most {MAX_PER_POST} attachments."),
        ));
    }
    let (uid, hashes, c) = (channel.channel_id, hashes.to_vec(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let mut out: Vec<Attached> = Vec::new();
            for h in &hashes {
                let row = store::attach::find_by_hash(conn, h)?
                    .filter(|r| r.uid == uid && !r.is_dir)
                    .ok_or_else(|| {
                        Error::invalid("media_ids", "An attachment is not one of your files.")
                    })?;
                if out.iter().any(|a| a.local.as_deref() == Some(h.as_str())) {
                    continue;
                }
                out.push(Attached {
                    url: c.uris.file(&row.hash),
                    mimetype: row.mimetype.clone(),
                    name: row.name.clone(),
                    description: store::item_attach::description(conn, row.id)?,
                    local: Some(row.hash),
                });
            }
            Ok(out)
        })
        .await
}

/// The channel's newest files the composer offers to attach: (public id, name).
pub async fn choices(ctx: &Ctx, channel: &Channel) -> Result<Vec<(String, String)>> {
    let uid = channel.channel_id;
    let rows = ctx
        .db
        .run(move |conn| store::attach::recent_files(conn, uid, 50))
        .await?;
    Ok(rows.into_iter().map(|r| (r.hash, r.name)).collect())
}

/// Markdown lines for the post's text: images inline, other files as links.
pub fn markdown(files: &[Attached]) -> String {
    let esc = |s: &str| s.replace(['[', ']', '(', ')', '\n'], " ");
    files
        .iter()
        .map(|a| {
            let label = if a.description.is_empty() {
                esc(&a.name)
            } else {
                esc(&a.description)
            };
            if a.kind() == "image" {
                format!("\n\n![{label}]({})", a.url)
            } else {
                format!("\n\n[{}]({})", esc(&a.name), a.url)
            }
        })
        .collect()
}

/// In the post's transaction: the files take the post's access list (and reach the clones
/// with it) and are recorded as its attachments.
pub(crate) fn bind(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel: &Channel,
    item_id: i64,
    files: &[Attached],
) -> Result<()> {
    let item =
        store::item::find_by_id(conn, item_id)?.ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let acl = perms::item_file_columns(&item, channel);
    let now = ctx.clock.now_db();
    let mut rows = Vec::new();
    for (i, a) in files.iter().enumerate() {
        if let Some(h) = &a.local {
            let row = store::attach::find_by_hash(conn, h)?
                .filter(|r| r.uid == channel.channel_id)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            store::attach::update_acl(conn, row.id, &acl, now)?;
            let row = store::attach::find(conn, channel.channel_id, row.id)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            crate::service::file_sync::record_file(conn, ctx, channel, &row)?;
        }
        rows.push((i, a));
    }
    let new: Vec<store::item_attach::NewItemAttach<'_>> = rows
        .iter()
        .map(|(i, a)| store::item_attach::NewItemAttach {
            item_id,
            position: i64::try_from(*i).unwrap_or(0),
            url: &a.url,
            mimetype: &a.mimetype,
            name: &a.name,
            description: &a.description,
            attach_hash: a.local.as_deref().unwrap_or(""),
        })
        .collect();
    store::item_attach::insert(conn, &new)
}

/// The attachments of items, by item id.
pub(crate) fn of_items(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Attached>>> {
    let mut out: HashMap<i64, Vec<Attached>> = HashMap::new();
    for r in store::item_attach::for_items(conn, ids)? {
        out.entry(r.item_id).or_default().push(from_row(r));
    }
    Ok(out)
}

/// The `attachment` list of a post's activity.
pub fn to_activity(files: &[Attached]) -> serde_json::Value {
    files
        .iter()
        .map(|a| {
            let kind = match a.kind() {
                "image" => "Image",
                "video" => "Video",
                "audio" => "Audio",
                _ => "Document",
            };
            serde_json::json!({
                "type": kind,
                "mediaType": a.mimetype,
                "url": a.url,
                "href": a.url,
                "name": if a.description.is_empty() { &a.name } else { &a.description },
            })
        })
        .collect()
}

/// The attachments an incoming object lists (at most [`MAX_PER_POST`], http(s) only; anything
/// malformed is left out).
pub fn from_activity(object: Option<&serde_json::Value>) -> Vec<Attached> {
    let list = match object {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(v @ serde_json::Value::Object(_)) => vec![v.clone()],
        _ => return Vec::new(),
    };
    let text = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(|s| s.chars().take(MAX_DESCRIPTION).collect::<String>())
    };
    list.iter()
        .filter_map(|v| {
            let url = text(v, "url").or_else(|| text(v, "href")).filter(|u| {
                u.len() < 2000
                    && url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https"))
            })?;
            let mimetype = text(v, "mediaType")
                .filter(|m| m.len() < 100 && m.contains('/') && !m.contains(char::is_whitespace))
                .unwrap_or_else(|| "application/octet-stream".into());
            let name = text(v, "name").unwrap_or_default();
            let file = url
                .rsplit('/')
                .next()
                .unwrap_or("file")
                .chars()
                .take(200)
                .collect();
            Some(Attached {
                url,
                mimetype,
                description: name,
                name: file,
                local: None,
            })
        })
        .take(MAX_PER_POST)
        .collect()
}

/// Records what an incoming item listed (in its transaction).
pub(crate) fn record_incoming(
    conn: &mut AnyConnection,
    item_id: i64,
    files: &[Attached],
) -> Result<()> {
    let rows: Vec<store::item_attach::NewItemAttach<'_>> = files
        .iter()
        .enumerate()
        .map(|(i, a)| store::item_attach::NewItemAttach {
            item_id,
            position: i64::try_from(i).unwrap_or(0),
            url: &a.url,
            mimetype: &a.mimetype,
            name: &a.name,
            description: &a.description,
            attach_hash: "",
        })
        .collect();
    store::item_attach::insert(conn, &rows)
}

/// A media upload through the client API: stored in the channel's `Media` folder under a name
/// of its own, seen by the owner alone until a status uses it.
pub async fn upload_media<S>(
    ctx: &Ctx,
    channel: &Channel,
    filename: &str,
    description: &str,
    body: S,
) -> Result<Attached>
where
    S: Stream<Item = Result<Bytes>> + Unpin,
{
    let description = check_description(description)?;
    let account = channel.channel_account_id;
    let nick = channel.channel_address.clone();
    let folder = media_folder(ctx, account, &nick).await?;
    let clean: String = filename
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(120)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    let stamp = uuid::Uuid::new_v4().simple().to_string();
    let name = if clean.is_empty() {
        format!("{}-upload", &stamp[..8])
    } else {
        format!("{}-{clean}", &stamp[..8])
    };
    let entry = storage::upload(ctx, account, &nick, Some(&folder), &name, None, body).await?;
    let (ch, hash, c) = (channel.clone(), entry.hash.clone(), ctx.clone());
    ctx.db
        .tx(move |conn| {
            let row = store::attach::find_by_hash(conn, &hash)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let now = c.clock.now_db();
            store::attach::update_acl(conn, row.id, &perms::owner_only_columns(&ch), now)?;
            store::item_attach::set_description(conn, row.id, &description)?;
            let row = store::attach::find(conn, ch.channel_id, row.id)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            crate::service::file_sync::record_file(conn, &c, &ch, &row)
        })
        .await?;
    let mut got = pick(ctx, channel, std::slice::from_ref(&entry.hash)).await?;
    got.pop().ok_or_else(|| Error::new(ErrorKind::NotFound))
}

fn check_description(d: &str) -> Result<String> {
    let d = d.trim();
    if d.chars().count() > MAX_DESCRIPTION {
        return Err(Error::invalid(
            "description",
            format!("A description is at most {MAX_DESCRIPTION} characters."),
        ));
    }
    Ok(d.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect())
}

/// Changes a media file's description.
pub async fn describe(
    ctx: &Ctx,
    channel: &Channel,
    hash: &str,
    description: &str,
) -> Result<Attached> {
    let description = check_description(description)?;
    let (uid, h) = (channel.channel_id, hash.to_string());
    ctx.db
        .tx(move |conn| {
            let row = store::attach::find_by_hash(conn, &h)?
                .filter(|r| r.uid == uid && !r.is_dir)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            store::item_attach::set_description(conn, row.id, &description)
        })
        .await?;
    let mut got = pick(ctx, channel, &[hash.to_string()])
        .await
        .map_err(|_| Error::new(ErrorKind::NotFound))?;
    got.pop().ok_or_else(|| Error::new(ErrorKind::NotFound))
}

/// The `Media` folder's public id, made when missing.
async fn media_folder(ctx: &Ctx, account: i64, nick: &str) -> Result<String> {
    let top = storage::folder(ctx, nick, None, &perms::Observer::Account(account)).await?;
    if let Some((e, _)) = top
        .entries
        .iter()
        .find(|(e, _)| e.is_dir && e.name == MEDIA_FOLDER)
    {
        return Ok(e.hash.clone());
    }
    match storage::mkdir(ctx, account, nick, None, MEDIA_FOLDER).await {
        Ok(e) => Ok(e.hash),
        Err(e) if matches!(e.kind, ErrorKind::Conflict { .. }) => {
            // Made by a request racing this one.
            let top = storage::folder(ctx, nick, None, &perms::Observer::Account(account)).await?;
            top.entries
                .into_iter()
                .find(|(e, _)| e.is_dir && e.name == MEDIA_FOLDER)
                .map(|(e, _)| e.hash)
                .ok_or(e)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_attachments_are_bounded_and_http_only() {
        let v = serde_json::json!([
            {"type": "Image", "mediaType": "image/png", "url": "https://a.example/file/1", "name": "a cat"},
            {"type": "Link", "href": "https://a.example/file/2"},
            {"type": "Image", "url": "javascript:alert(1)"},
            {"type": "Image", "url": "data:image/png;base64,AAAA"},
            {"type": "Image", "mediaType": "text/html onload", "url": "https://a.example/x"},
            "not an object"
        ]);
        let got = from_activity(Some(&v));
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].kind(), "image");
        assert_eq!(got[0].description, "a cat");
        assert_eq!(got[1].mimetype, "application/octet-stream");
        assert_eq!(got[2].mimetype, "application/octet-stream");
        let many: Vec<_> = (0..50)
            .map(|i| serde_json::json!({"url": format!("https://a.example/{i}")}))
            .collect();
        assert_eq!(
            from_activity(Some(&serde_json::Value::Array(many))).len(),
            MAX_PER_POST
        );
        assert!(markdown(&got[..1]).contains("![a cat](https://a.example/file/1)"));
        assert!(
            !markdown(&[Attached {
                name: "x](evil)".into(),
                ..got[1].clone()
            }])
            .contains("](evil)")
        );
    }
}
