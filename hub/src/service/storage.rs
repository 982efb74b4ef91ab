//! Cloud files: a channel's folders and files with access lists. Uploads stream into the blob
//! store (`crate::blobs`) under the account's quota and the size limit, checked before and
//! while the body arrives; nothing is recorded unless the whole file arrived. Every view asks
//! the decider for the entry and each folder above it, so a hidden file is a 404 and absent
//! from listings. Names are single path segments: no separators, no `.`/`..`, no control
//! characters, NFC.

use bytes::Bytes;
use futures_util::Stream;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::file_sync;
use crate::service::lookalike;
use crate::service::perms::{self, Audience, ChannelAccess, Observer};
use crate::service::thumbnail;
use crate::store::{self, AnyConnection, attach::Attach};

/// Longest name, in bytes.
pub const MAX_NAME_BYTES: usize = 255;
/// Deepest folder nesting.
const MAX_DEPTH: usize = 32;

/// A file or folder as a page shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Public id.
    pub hash: String,
    /// Name.
    pub name: String,
    /// A folder.
    pub is_dir: bool,
    /// Bytes.
    pub size: i64,
    /// Content type.
    pub mimetype: String,
    /// Last changed.
    pub edited: chrono::NaiveDateTime,
    /// Has an access list.
    pub restricted: bool,
}

impl From<&Attach> for Entry {
    fn from(a: &Attach) -> Self {
        Self {
            hash: a.hash.clone(),
            name: a.name.clone(),
            is_dir: a.is_dir,
            size: a.size,
            mimetype: a.mimetype.clone(),
            edited: a.edited,
            restricted: perms::file_acl(a).is_restricted(),
        }
    }
}

/// A folder as the viewer may see it.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The channel.
    pub channel: Channel,
    /// The folder (none: the top).
    pub folder: Option<Entry>,
    /// Who may see the folder, in words (the top: the channel's storage permission).
    pub audience: String,
    /// Its folders from the top: (hash, name).
    pub path: Vec<(String, String)>,
    /// Entries the viewer may see, folders first, each with who may see it in words.
    pub entries: Vec<(Entry, String)>,
    /// The viewer may add and change files.
    pub may_write: bool,
    /// Bytes the owner's account uses and may use (shown to the owner only).
    pub usage: Option<(i64, i64)>,
    /// The thumbnails of the entries that have one, by entry hash.
    pub thumbs: std::collections::HashMap<String, ThumbInfo>,
}

/// Checks a name for one folder entry.
pub fn check_name(name: &str) -> Result<String> {
    let name = lookalike::nfc(name.trim());
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > MAX_NAME_BYTES
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c == '\0' || c.is_control());
    if bad {
        return Err(Error::invalid(
            "name",
            format!(
                "A name is 1 to {MAX_NAME_BYTES} bytes, without slashes, backslashes or control \
                 characters, and not . or ..",
            ),
        ));
    }
    Ok(name)
}

fn not_found() -> Error {
    Error::new(ErrorKind::NotFound)
}

/// The folders above an entry, top first; every one must be the channel's.
fn ancestors(conn: &mut AnyConnection, row: &Attach) -> Result<Vec<Attach>> {
    let mut out = Vec::new();
    let mut parent = row.parent;
    while parent != 0 {
        if out.len() > MAX_DEPTH {
            return Err(Error::new(ErrorKind::Internal));
        }
        let p = store::attach::find(conn, row.uid, parent)?.ok_or_else(not_found)?;
        parent = p.parent;
        out.push(p);
    }
    out.reverse();
    Ok(out)
}

/// Whether the viewer may see the entry and every folder above it.
fn visible(conn: &mut AnyConnection, access: &ChannelAccess, row: &Attach) -> Result<bool> {
    if !access.may_see_file(row) {
        return Ok(false);
    }
    for a in ancestors(conn, row)? {
        if !access.may_see_file(&a) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn channel_of(conn: &mut AnyConnection, nick: &str) -> Result<Channel> {
    store::channel::find_by_address(conn, nick)?
        .map(Channel::from)
        .ok_or_else(not_found)
}

/// A folder of `nick` given by hash (none: the top), as `observer` may see it.
pub async fn folder(
    ctx: &Ctx,
    nick: &str,
    folder: Option<&str>,
    observer: &Observer,
) -> Result<Folder> {
    let (nick, folder, obs) = (
        nick.to_string(),
        folder.map(str::to_string),
        observer.clone(),
    );
    let quota = quota_bytes(ctx);
    ctx.db
        .run(move |conn| {
            let ch = channel_of(conn, &nick)?;
            let access = ChannelAccess::load(conn, &ch, &obs)?;
            if !access.is_owner() && !access.may(zot::perms::Permission::ViewStorage) {
                return Err(not_found());
            }
            let (dir, path, audience) = match &folder {
                None => (
                    None,
                    Vec::new(),
                    perms::describe_file(conn, &ch, &perms::ItemAcl::default())?,
                ),
                Some(h) => {
                    let d = store::attach::find_by_hash(conn, h)?
                        .filter(|d| d.uid == ch.channel_id && d.is_dir)
                        .ok_or_else(not_found)?;
                    if !visible(conn, &access, &d)? {
                        return Err(not_found());
                    }
                    let path = ancestors(conn, &d)?
                        .iter()
                        .chain(std::iter::once(&d))
                        .map(|a| (a.hash.clone(), a.name.clone()))
                        .collect();
                    let words = perms::describe_file(conn, &ch, &perms::file_acl(&d))?;
                    (Some(d), path, words)
                }
            };
            let parent = dir.as_ref().map_or(0, |d| d.id);
            let mut entries = Vec::new();
            let mut blobs = Vec::new();
            for e in store::attach::children(conn, ch.channel_id, parent)? {
                if access.may_see_file(&e) {
                    let words = perms::describe_file(conn, &ch, &perms::file_acl(&e))?;
                    if !e.is_dir && thumbnail::wanted(&e.mimetype) {
                        blobs.push((e.blob.clone(), e.hash.clone()));
                    }
                    entries.push((Entry::from(&e), words));
                }
            }
            let thumbs = thumbs_of(conn, &blobs)?;
            let usage = if access.is_owner() {
                Some((
                    store::attach::used_by_account(conn, ch.channel_account_id)?,
                    quota,
                ))
            } else {
                None
            };
            Ok(Folder {
                may_write: access.may_write_files(),
                folder: dir.as_ref().map(Entry::from),
                audience,
                path,
                entries,
                usage,
                thumbs,
                channel: ch,
            })
        })
        .await
}

pub(crate) fn quota_bytes(ctx: &Ctx) -> i64 {
    i64::try_from(
        ctx.config
            .limits
            .storage_quota_mb
            .saturating_mul(1024 * 1024),
    )
    .unwrap_or(i64::MAX)
}

/// The channel (which `account_id` owns) and the folder row id for `parent` (0: the top).
fn writable_folder(
    conn: &mut AnyConnection,
    account_id: i64,
    nick: &str,
    parent: Option<&str>,
) -> Result<(Channel, i64)> {
    let ch = channel_of(conn, nick)?;
    let access = ChannelAccess::load(conn, &ch, &Observer::Account(account_id))?;
    if !access.may_write_files() {
        return Err(not_found());
    }
    let parent = match parent {
        None | Some("") => 0,
        Some(h) => {
            let d = store::attach::find_by_hash(conn, h)?
                .filter(|d| d.uid == ch.channel_id && d.is_dir)
                .ok_or_else(not_found)?;
            if ancestors(conn, &d)?.len() >= MAX_DEPTH {
                return Err(Error::invalid("name", "Folders nest at most 32 deep."));
            }
            d.id
        }
    };
    Ok((ch, parent))
}

fn taken() -> Error {
    Error::new(ErrorKind::Conflict {
        field: "name",
        reason: "This folder already has an entry of that name.".into(),
    })
}

/// Makes a folder in `parent` (a new folder has no access list: its files decide).
pub async fn mkdir(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    parent: Option<&str>,
    name: &str,
) -> Result<Entry> {
    let name = check_name(name)?;
    let (nick, parent) = (nick.to_string(), parent.map(str::to_string));
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let (ch, parent) = writable_folder(conn, account_id, &nick, parent.as_deref())?;
            if store::attach::find_named(conn, ch.channel_id, parent, &name)?.is_some() {
                return Err(taken());
            }
            let hash = uuid::Uuid::new_v4().to_string();
            let id = store::attach::insert(
                conn,
                &new_row(ch.channel_id, &hash, parent, &name, true, "", 0, "", now),
            )?;
            let row = store::attach::find(conn, ch.channel_id, id)?.ok_or_else(not_found)?;
            file_sync::record_file(conn, &c2, &ch, &row)?;
            Ok(Entry::from(&row))
        })
        .await
}

#[allow(clippy::too_many_arguments)]
fn new_row<'a>(
    uid: i64,
    hash: &'a str,
    parent: i64,
    name: &'a str,
    is_dir: bool,
    blob: &'a str,
    size: i64,
    mimetype: &'a str,
    now: chrono::NaiveDateTime,
) -> store::attach::NewAttach<'a> {
    store::attach::NewAttach {
        uid,
        hash,
        parent,
        name,
        is_dir,
        blob,
        size,
        mimetype,
        created: now,
        edited: now,
    }
}

/// The content type a file gets from its name.
pub fn type_of(name: &str) -> String {
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("application/octet-stream")
        .to_string()
}

/// Uploads a file into `parent` of `nick`: refused before anything is stored when the account
/// has no room for `declared` bytes, and while streaming once it passes the quota or the size
/// limit. A file of the same name is replaced (same id and access list). Returns the entry.
#[allow(clippy::too_many_arguments)]
pub async fn upload<S>(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    parent: Option<&str>,
    name: &str,
    declared: Option<u64>,
    body: S,
) -> Result<Entry>
where
    S: Stream<Item = Result<Bytes>> + Unpin,
{
    let name = check_name(name)?;
    let quota = quota_bytes(ctx);
    let max_file = ctx.config.limits.upload_max_mb.saturating_mul(1024 * 1024);
    let (n2, p2, nm) = (nick.to_string(), parent.map(str::to_string), name.clone());
    let (ch, parent_id, room, replacing) = ctx
        .db
        .run(move |conn| {
            let (ch, parent) = writable_folder(conn, account_id, &n2, p2.as_deref())?;
            let existing = store::attach::find_named(conn, ch.channel_id, parent, &nm)?;
            if existing.as_ref().is_some_and(|e| e.is_dir) {
                return Err(taken());
            }
            let used = store::attach::used_by_account(conn, ch.channel_account_id)?;
            let freed = existing.as_ref().map_or(0, |e| e.size);
            Ok((ch, parent, quota - used + freed, existing.map(|e| e.id)))
        })
        .await?;
    let room = u64::try_from(room.max(0)).unwrap_or(0);
    let over_quota = || Error::invalid("file", "This file does not fit in your storage quota.");
    if declared.is_some_and(|d| d > room) {
        return Err(over_quota());
    }
    if declared.is_some_and(|d| d > max_file) {
        return Err(Error::new(ErrorKind::TooLarge));
    }
    let stored = match ctx.blobs.write(body, room.min(max_file)).await {
        Ok(s) => s,
        Err(e) if e.kind == ErrorKind::TooLarge && room < max_file => return Err(over_quota()),
        Err(e) => return Err(e),
    };
    let size = i64::try_from(stored.size).unwrap_or(i64::MAX);
    let mime = type_of(&name);
    let now = ctx.clock.now_db();
    let blob = stored.hash.clone();
    let uid = ch.channel_id;
    let account = ch.channel_account_id;
    let c2 = ctx.clone();
    let result = ctx
        .db
        .tx(move |conn| {
            // Checked again in the writing transaction: two uploads may race for the room.
            let used = store::attach::used_by_account(conn, account)?;
            let mut old_blob = None;
            let id = match replacing {
                Some(id) => {
                    let old = store::attach::find(conn, uid, id)?.ok_or_else(not_found)?;
                    if used - old.size + size > quota {
                        return Err(over_quota());
                    }
                    store::attach::update_content(conn, id, &blob, size, &mime, now)?;
                    old_blob = Some(old.blob);
                    id
                }
                None => {
                    if used + size > quota {
                        return Err(over_quota());
                    }
                    let hash = uuid::Uuid::new_v4().to_string();
                    store::attach::insert(
                        conn,
                        &new_row(uid, &hash, parent_id, &name, false, &blob, size, &mime, now),
                    )
                    .map_err(|e| {
                        if store::caused_by_unique_violation(&e) {
                            taken()
                        } else {
                            e
                        }
                    })?
                }
            };
            let row = store::attach::find(conn, uid, id)?.ok_or_else(not_found)?;
            file_sync::record_file(conn, &c2, &ch, &row)?;
            Ok((Entry::from(&row), old_blob))
        })
        .await;
    match result {
        Ok((entry, old_blob)) => {
            // A replaced file's old content goes when nothing else uses it.
            if let Some(old) = old_blob.filter(|o| *o != stored.hash) {
                forget_blob(ctx, &old).await;
            }
            // On the blocking pool, awaited (so the page that follows shows it); a file that
            // is no usable image simply has none.
            thumbnail::make(ctx, &stored.hash, &type_of(&entry.name)).await;
            Ok(entry)
        }
        Err(e) => {
            forget_blob(ctx, &stored.hash).await;
            Err(e)
        }
    }
}

/// Removes a blob no file uses any more.
async fn forget_blob(ctx: &Ctx, blob: &str) {
    if blob.is_empty() {
        return;
    }
    let b = blob.to_string();
    let unused = ctx
        .db
        .run(move |conn| Ok(!store::attach::blob_in_use(conn, &b)?))
        .await
        .unwrap_or(false);
    if unused {
        ctx.blobs.remove(blob).await;
        thumbnail::forget(ctx, blob).await;
    }
}

/// A file to send.
#[derive(Debug, Clone)]
pub struct Download {
    /// The content, to read from either blob backend.
    pub blob: crate::blobs::Blob,
    /// The file's name.
    pub name: String,
    /// Its content type.
    pub mimetype: String,
    /// Shown in the browser (images, PDF, plain text, audio, video); anything else, HTML and
    /// SVG above all, is a download, never rendered from the hub's origin.
    pub inline: bool,
}

/// Whether a type may be shown inline from the hub's origin.
pub fn inline_safe(mime: &str) -> bool {
    matches!(
        mime,
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/avif"
            | "application/pdf"
            | "text/plain"
    ) || mime.starts_with("audio/")
        || mime.starts_with("video/")
}

/// A file (not a folder) by public id, if `observer` may see it and every folder above it.
fn visible_file(conn: &mut AnyConnection, hash: &str, observer: &Observer) -> Result<Attach> {
    let row = store::attach::find_by_hash(conn, hash)?
        .filter(|r| !r.is_dir)
        .ok_or_else(not_found)?;
    let ch = Channel::from(store::channel::find(conn, row.uid)?.ok_or_else(not_found)?);
    let access = ChannelAccess::load(conn, &ch, observer)?;
    if !visible(conn, &access, &row)? {
        return Err(not_found());
    }
    Ok(row)
}

/// A file by public id, for `observer`; a folder or anything it may not see is a 404.
pub async fn download(ctx: &Ctx, hash: &str, observer: &Observer) -> Result<Download> {
    let (hash, obs) = (hash.to_string(), observer.clone());
    let row = ctx
        .db
        .run(move |conn| {
            let row = visible_file(conn, &hash, &obs)?;
            Ok(row)
        })
        .await?;
    let blob = ctx.blobs.blob(&row.blob).ok_or_else(not_found)?;
    Ok(Download {
        blob,
        inline: inline_safe(&row.mimetype),
        name: row.name,
        mimetype: row.mimetype,
    })
}

/// Loads one of the channel's entries for its owner.
fn owned(
    conn: &mut AnyConnection,
    account_id: i64,
    nick: &str,
    hash: &str,
) -> Result<(Channel, Attach)> {
    let ch = channel_of(conn, nick)?;
    let access = ChannelAccess::load(conn, &ch, &Observer::Account(account_id))?;
    if !access.may_write_files() {
        return Err(not_found());
    }
    let row = store::attach::find_by_hash(conn, hash)?
        .filter(|r| r.uid == ch.channel_id)
        .ok_or_else(not_found)?;
    Ok((ch, row))
}

/// Deletes a file, or a folder with everything in it.
pub async fn delete(ctx: &Ctx, account_id: i64, nick: &str, hash: &str) -> Result<()> {
    let (nick, hash) = (nick.to_string(), hash.to_string());
    let c2 = ctx.clone();
    let blobs = ctx
        .db
        .tx(move |conn| {
            let (ch, row) = owned(conn, account_id, &nick, &hash)?;
            let mut doomed = vec![row];
            let mut i = 0;
            while i < doomed.len() {
                if doomed[i].is_dir {
                    let kids = store::attach::children(conn, ch.channel_id, doomed[i].id)?;
                    doomed.extend(kids);
                }
                i += 1;
            }
            // Recorded before the rows go (a change names its folder by public id), content
            // first, so another location never holds an entry whose folder is gone.
            for r in doomed.iter().rev() {
                file_sync::record_file_deleted(conn, &c2, &ch, r)?;
            }
            let ids: Vec<i64> = doomed.iter().map(|r| r.id).collect();
            store::attach::delete(conn, &ids)?;
            Ok(doomed.into_iter().map(|r| r.blob).collect::<Vec<_>>())
        })
        .await?;
    for b in blobs {
        forget_blob(ctx, &b).await;
    }
    Ok(())
}

/// Renames an entry, and moves it into `to` when given (`""`: the top). A folder may not move
/// into itself or below itself.
pub async fn rename(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    hash: &str,
    new_name: &str,
    to: Option<&str>,
) -> Result<()> {
    let name = check_name(new_name)?;
    let (nick, hash, to) = (nick.to_string(), hash.to_string(), to.map(str::to_string));
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let (ch, row) = owned(conn, account_id, &nick, &hash)?;
            let parent = match to.as_deref() {
                None => row.parent,
                Some(t) => writable_folder(conn, account_id, &nick, Some(t))?.1,
            };
            if parent != 0 && row.is_dir {
                let target =
                    store::attach::find(conn, ch.channel_id, parent)?.ok_or_else(not_found)?;
                if target.id == row.id || ancestors(conn, &target)?.iter().any(|a| a.id == row.id) {
                    return Err(Error::invalid(
                        "folder",
                        "A folder cannot move into itself.",
                    ));
                }
            }
            if let Some(other) = store::attach::find_named(conn, ch.channel_id, parent, &name)?
                && other.id != row.id
            {
                return Err(taken());
            }
            store::attach::update_place(conn, row.id, parent, &name, now)?;
            let row = store::attach::find(conn, ch.channel_id, row.id)?.ok_or_else(not_found)?;
            file_sync::record_file(conn, &c2, &ch, &row)
        })
        .await
}

/// Sets who may see an entry (`Audience::Public`: anybody who may see the channel's files).
pub async fn set_audience(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    hash: &str,
    audience: Audience,
) -> Result<()> {
    let (nick, hash) = (nick.to_string(), hash.to_string());
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let (ch, row) = owned(conn, account_id, &nick, &hash)?;
            if ch.channel_account_id != account_id {
                return Err(Error::new(ErrorKind::Forbidden(
                    "Only the channel's owner decides who can see its files.",
                )));
            }
            let acl = perms::file_columns(&audience.resolve(conn, &ch)?, &ch);
            store::attach::update_acl(conn, row.id, &acl, now)?;
            let row = store::attach::find(conn, ch.channel_id, row.id)?.ok_or_else(not_found)?;
            file_sync::record_file(conn, &c2, &ch, &row)
        })
        .await
}

/// Whether the account owns the channel (and so may change its files).
pub async fn owns(ctx: &Ctx, account_id: i64, nick: &str) -> Result<bool> {
    let nick = nick.to_string();
    ctx.db
        .run(move |conn| {
            let ch = channel_of(conn, &nick)?;
            Ok(ChannelAccess::load(conn, &ch, &Observer::Account(account_id))?.may_write_files())
        })
        .await
}

/// Bytes the account's files use, and its quota.
pub async fn usage(ctx: &Ctx, account_id: i64) -> Result<(i64, i64)> {
    let quota = quota_bytes(ctx);
    let used = ctx
        .db
        .run(move |conn| store::attach::used_by_account(conn, account_id))
        .await?;
    Ok((used, quota))
}

/// A thumbnail as the files page links it.
#[derive(Debug, Clone)]
pub struct ThumbInfo {
    /// Pixels across.
    pub width: i64,
    /// Pixels down.
    pub height: i64,
    /// Changes with the thumbnail (for cache-busting links).
    pub version: String,
}

/// The thumbnails of (content blob, entry hash) pairs, by entry hash.
fn thumbs_of(
    conn: &mut AnyConnection,
    blobs: &[(String, String)],
) -> Result<std::collections::HashMap<String, ThumbInfo>> {
    if blobs.is_empty() {
        return Ok(Default::default());
    }
    let wanted: Vec<String> = blobs.iter().map(|(b, _)| b.clone()).collect();
    let found: std::collections::HashMap<String, store::attach::Thumb> =
        store::attach::find_thumbs(conn, &wanted)?
            .into_iter()
            .map(|t| (t.blob.clone(), t))
            .collect();
    Ok(blobs
        .iter()
        .filter_map(|(b, hash)| {
            found.get(b).map(|t| {
                (
                    hash.clone(),
                    ThumbInfo {
                        width: t.width,
                        height: t.height,
                        version: t.thumb.chars().take(12).collect(),
                    },
                )
            })
        })
        .collect())
}

/// A thumbnail to send.
#[derive(Debug, Clone)]
pub struct ThumbFile {
    /// The thumbnail's blob on disk.
    pub path: std::path::PathBuf,
    /// Its type (JPEG or PNG).
    pub mimetype: String,
}

/// The thumbnail of a file by public id, for `observer`: the same decision as `download` (a
/// hidden file, a folder or a file without a thumbnail is a 404).
pub async fn thumbnail(ctx: &Ctx, hash: &str, observer: &Observer) -> Result<ThumbFile> {
    let (hash, obs) = (hash.to_string(), observer.clone());
    let thumb = ctx
        .db
        .run(move |conn| {
            let row = visible_file(conn, &hash, &obs)?;
            store::attach::find_thumb(conn, &row.blob)?.ok_or_else(not_found)
        })
        .await?;
    // blobs: local read
    let path = ctx.blobs.path(&thumb.thumb).ok_or_else(not_found)?;
    Ok(ThumbFile {
        path,
        mimetype: thumb.mimetype,
    })
}

/// Every folder of `nick`'s files as (public id, path from the top like `a/b`), sorted by
/// path, for its owner (to choose where to move an entry).
pub async fn folders(ctx: &Ctx, account_id: i64, nick: &str) -> Result<Vec<(String, String)>> {
    let nick = nick.to_string();
    ctx.db
        .run(move |conn| {
            let ch = channel_of(conn, &nick)?;
            let access = ChannelAccess::load(conn, &ch, &Observer::Account(account_id))?;
            if !access.may_write_files() {
                return Err(not_found());
            }
            let all = store::attach::folders(conn, ch.channel_id)?;
            let by_id: std::collections::HashMap<i64, (&str, i64)> = all
                .iter()
                .map(|(id, _, name, parent)| (*id, (name.as_str(), *parent)))
                .collect();
            let mut out = Vec::new();
            for (id, hash, _, _) in &all {
                let mut names = Vec::new();
                let mut at = *id;
                // Bounded: a cycle or a missing folder (never written) leaves the entry out.
                while at != 0 && names.len() <= MAX_DEPTH {
                    let Some((name, parent)) = by_id.get(&at) else {
                        break;
                    };
                    names.push(*name);
                    at = *parent;
                }
                if at == 0 {
                    names.reverse();
                    out.push((hash.clone(), names.join("/")));
                }
            }
            out.sort_by(|a, b| a.1.cmp(&b.1));
            Ok(out)
        })
        .await
}

/// Moves an entry into folder `to` (`""`: the top), keeping its name.
pub async fn move_entry(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    hash: &str,
    to: &str,
) -> Result<()> {
    let (n2, h2) = (nick.to_string(), hash.to_string());
    let name = ctx
        .db
        .run(move |conn| Ok(owned(conn, account_id, &n2, &h2)?.1.name))
        .await?;
    rename(ctx, account_id, nick, hash, &name, Some(to)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_single_segments() {
        for bad in [
            "",
            " ",
            ".",
            "..",
            "a/b",
            "a\\b",
            "nul\0",
            "line\nbreak",
            &"x".repeat(256),
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_name("  Report 2026.pdf ").unwrap(), "Report 2026.pdf");
        assert_eq!(check_name("..hidden").unwrap(), "..hidden");
    }

    #[test]
    fn only_harmless_types_are_shown_inline() {
        for t in ["image/png", "application/pdf", "text/plain", "video/mp4"] {
            assert!(inline_safe(t), "{t}");
        }
        for t in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "text/xml",
            "application/javascript",
            "application/octet-stream",
        ] {
            assert!(!inline_safe(t), "{t}");
        }
        assert_eq!(type_of("a.svg"), "image/svg+xml");
        assert_eq!(type_of("noext"), "application/octet-stream");
    }
}
