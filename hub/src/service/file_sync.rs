//! Cloud files on a channel's clones (zot6.md §6.3, in Caravan's encoding). Every change to a
//! file or folder made through `service::storage` is one `file` change in the channel's log
//! (`service::sync`), in the transaction of the change: the entry's whole state (public id,
//! its folder's public id, name, type, size, content hash, access list, times) or its
//! deletion. A location applying one writes the `attach` row with the same public id and
//! access list and, when the content is new, queues a fetch of the bytes from the location
//! that made the change: an `outq` row for `<origin>/getfile`, so the delivery queue's
//! backoff, leases and dead-destination rules retry an origin that is down, and tests drive it
//! with `drain()`. The fetch (never inside a transaction) is a POST signed by the channel key
//! (rsa-sha512, as Hubzilla's `sync_files()`), streamed into the blob store and kept only when
//! its SHA-256 is the announced one. `/getfile` here serves a file's content only to a request
//! signed by the channel that owns it. Exports carry files through the change log: an import
//! replays the `file` changes and fetches the content from the exporting location.
//!
//! Decisions stay in `service::perms` (access lists travel as they are: portable ids and
//! group ids are the same at every location; only the folder's row id is local, so a change
//! names its folder by public id). This module never sends anything itself except the fetch.

use std::time::Duration;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::perms::{self, CarriedAcl};
use crate::service::signatures::SignedBy;
use crate::service::sync::{self, Change};
use crate::store::{self, AnyConnection, attach::Attach, outq::Outq};
use crate::uris::Uris;

/// The kind of file changes in the log.
pub const KIND: &str = "file";
/// Deepest folder nesting accepted from another location (as `service::storage`).
const MAX_DEPTH: usize = 32;
/// How long one content fetch may take, whole (large files on slow links).
const FETCH_TIMEOUT: Duration = Duration::from_secs(3600);

/// A file or folder as a change carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Public id (the same at every location).
    pub hash: String,
    /// The folder's public id (empty: the top).
    #[serde(default)]
    pub parent: String,
    /// Name in its folder.
    #[serde(default)]
    pub name: String,
    /// A folder.
    #[serde(default)]
    pub is_dir: bool,
    /// Bytes.
    #[serde(default)]
    pub size: i64,
    /// Content type.
    #[serde(default)]
    pub mimetype: String,
    /// SHA-256 hex of the content (empty for folders).
    #[serde(default)]
    pub blob: String,
    /// Access list.
    #[serde(default)]
    pub acl: CarriedAcl,
    /// Created (UTC, `%Y-%m-%d %H:%M:%S%.6f`).
    #[serde(default)]
    pub created: String,
    /// Last changed.
    #[serde(default)]
    pub edited: String,
    /// Deleted (a deletion wins over anything, whenever it happened).
    #[serde(default)]
    pub deleted: bool,
}

fn db_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

fn parse_time(s: &str, fallback: NaiveDateTime) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap_or(fallback)
}

fn is_blob_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The state of a row as it travels.
fn state_of(conn: &mut AnyConnection, row: &Attach) -> Result<FileState> {
    let parent = if row.parent == 0 {
        String::new()
    } else {
        store::attach::find(conn, row.uid, row.parent)?
            .map(|p| p.hash)
            .unwrap_or_default()
    };
    Ok(FileState {
        hash: row.hash.clone(),
        parent,
        name: row.name.clone(),
        is_dir: row.is_dir,
        size: row.size,
        mimetype: row.mimetype.clone(),
        blob: row.blob.clone(),
        acl: perms::carried_file_acl(row),
        created: db_time(row.created),
        edited: db_time(row.edited),
        deleted: false,
    })
}

fn record_state(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel: &Channel,
    state: &FileState,
) -> Result<()> {
    let body = serde_json::to_value(state)
        .map_err(|e| Error::internal(anyhow::anyhow!("sync file: {e}")))?;
    sync::record(
        conn,
        ctx,
        channel.channel_id,
        &channel.channel_hash,
        KIND,
        &state.hash,
        body,
    )
}

/// Records the current state of one file or folder of `channel` (made, uploaded, replaced,
/// renamed, moved, given another access list, copied) in the channel's change log and queues
/// it for the other locations, in the caller's transaction. Call it after the row is written.
pub(crate) fn record_file(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel: &Channel,
    row: &Attach,
) -> Result<()> {
    let state = state_of(conn, row)?;
    record_state(conn, ctx, channel, &state)
}

/// Records the deletion of one file or folder (a folder's content: one call per entry).
pub(crate) fn record_file_deleted(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    channel: &Channel,
    row: &Attach,
) -> Result<()> {
    let mut state = state_of(conn, row)?;
    state.deleted = true;
    record_state(conn, ctx, channel, &state)
}

fn malformed() -> Error {
    Error::new(ErrorKind::BadRequest("malformed file change"))
}

/// Reads and checks a change's state.
fn parse(c: &Change) -> Result<FileState> {
    let s: FileState = serde_json::from_value(c.body.clone()).map_err(|_| malformed())?;
    if s.hash != c.obj || s.hash.is_empty() || s.hash.len() > 64 {
        return Err(malformed());
    }
    if s.deleted {
        return Ok(s);
    }
    let name_ok = crate::service::storage::check_name(&s.name).is_ok_and(|n| n == s.name);
    let blob_ok = if s.is_dir {
        s.blob.is_empty()
    } else {
        is_blob_hash(&s.blob)
    };
    if !name_ok || !blob_ok || s.size < 0 || s.parent == s.hash {
        return Err(malformed());
    }
    Ok(s)
}

/// Deletes an entry and everything in it.
fn delete_tree(conn: &mut AnyConnection, uid: i64, row: Attach) -> Result<()> {
    let mut doomed = vec![row];
    let mut i = 0;
    while i < doomed.len() {
        if doomed[i].is_dir {
            let kids = store::attach::children(conn, uid, doomed[i].id)?;
            doomed.extend(kids);
        }
        i += 1;
    }
    let ids: Vec<i64> = doomed.iter().map(|r| r.id).collect();
    store::attach::delete(conn, &ids)?;
    Ok(())
}

/// Whether `folder` is `row` or lies below it (a move that would make a loop).
fn inside(conn: &mut AnyConnection, uid: i64, folder: i64, row: i64) -> Result<bool> {
    let mut at = folder;
    for _ in 0..=MAX_DEPTH {
        if at == 0 {
            return Ok(false);
        }
        if at == row {
            return Ok(true);
        }
        at = store::attach::find(conn, uid, at)?.map_or(0, |p| p.parent);
    }
    Ok(true)
}

/// Applies one `file` change from another location (`c.origin`) of `channel`; false when it
/// lost (a deletion held, a newer state held, or its folder is gone). A file whose content is
/// new here gets a fetch queued from the origin.
pub(crate) fn apply(
    conn: &mut AnyConnection,
    channel: &Channel,
    c: &Change,
    now: NaiveDateTime,
) -> Result<bool> {
    let s = parse(c)?;
    let fetch_from = store::hubloc::find_by_hash_and_site(conn, &channel.channel_hash, &c.origin)?
        .map(|h| h.hubloc_url);
    let seen_before = store::changelog::latest_of(conn, channel.channel_id, KIND, &s.hash)?;
    let wins = seen_before
        .as_ref()
        .is_none_or(|(hlc, origin)| sync::later(c, *hlc, origin));
    let (won, needs_content) = apply_state(conn, channel, &s, seen_before.is_some(), wins, now)?;
    if needs_content {
        match fetch_from {
            Some(base) => queue_fetch(conn, channel, &s, &base, now)?,
            None => tracing::warn!(
                file = %s.hash,
                "file sync: the location that made the change is not known; content not fetched"
            ),
        }
    }
    Ok(won)
}

/// Writes a state: `seen` says whether the log named the entry before, `wins` whether this
/// change is newer than what the log holds. Returns whether it was applied and whether the
/// entry now needs content it did not have.
fn apply_state(
    conn: &mut AnyConnection,
    channel: &Channel,
    s: &FileState,
    seen: bool,
    wins: bool,
    now: NaiveDateTime,
) -> Result<(bool, bool)> {
    let uid = channel.channel_id;
    let existing = store::attach::find_by_hash(conn, &s.hash)?;
    if existing.as_ref().is_some_and(|e| e.uid != uid) {
        // Public ids are unique on a hub; another channel's entry is not this one's to change.
        return Err(malformed());
    }
    if s.deleted {
        if let Some(e) = existing {
            delete_tree(conn, uid, e)?;
        }
        return Ok((true, false));
    }
    // A deletion wins, whenever it happened: the log named the entry and it is gone.
    if (existing.is_none() && seen) || !wins {
        return Ok((false, false));
    }
    let parent = if s.parent.is_empty() {
        0
    } else {
        match store::attach::find_by_hash(conn, &s.parent)?.filter(|p| p.uid == uid && p.is_dir) {
            Some(p) => p.id,
            // Its folder was deleted here (which wins) or never came: the entry goes with it.
            None => return Ok((false, false)),
        }
    };
    // Two locations that made entries of one name in one folder while cut off: the later
    // arrival keeps its public id and gets a distinguishing name.
    let mut name = s.name.clone();
    if store::attach::find_named(conn, uid, parent, &name)?
        .is_some_and(|other| other.hash != s.hash)
    {
        name = format!("{} ({})", s.name, &s.hash[..s.hash.len().min(8)]);
    }
    let edited = parse_time(&s.edited, now);
    let acl = perms::file_columns_of_carried(&s.acl);
    let needs_content = match existing {
        Some(e) => {
            if e.is_dir != s.is_dir {
                return Err(malformed());
            }
            if parent != e.parent && e.is_dir && inside(conn, uid, parent, e.id)? {
                return Ok((false, false));
            }
            store::attach::update_place(conn, e.id, parent, &name, edited)?;
            let changed = e.blob != s.blob;
            if !s.is_dir {
                store::attach::update_content(conn, e.id, &s.blob, s.size, &s.mimetype, edited)?;
            }
            store::attach::update_acl(conn, e.id, &acl, edited)?;
            changed
        }
        None => {
            let created = parse_time(&s.created, now);
            let id = store::attach::insert(
                conn,
                &store::attach::NewAttach {
                    uid,
                    hash: &s.hash,
                    parent,
                    name: &name,
                    is_dir: s.is_dir,
                    blob: &s.blob,
                    size: s.size,
                    mimetype: &s.mimetype,
                    created,
                    edited,
                },
            )?;
            store::attach::update_acl(conn, id, &acl, edited)?;
            true
        }
    };
    Ok((true, needs_content && !s.is_dir))
}

/// What a fetch job carries (`outq_msg`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FetchJob {
    /// The file's public id (Hubzilla's `resource`).
    resource: String,
    /// The content hash it must have.
    blob: String,
    /// Its announced size.
    size: i64,
}

/// Queues a fetch of a file's content from the location at `base`.
fn queue_fetch(
    conn: &mut AnyConnection,
    channel: &Channel,
    s: &FileState,
    base: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let job = FetchJob {
        resource: s.hash.clone(),
        blob: s.blob.clone(),
        size: s.size,
    };
    let msg = serde_json::to_string(&job)
        .map_err(|e| Error::internal(anyhow::anyhow!("fetch job: {e}")))?;
    let dest = Uris::getfile_at(base);
    store::outq::enqueue(conn, &dest, channel.channel_id, &msg, false, "", now)?;
    // The location just spoke to us (or we are importing from it): try it now.
    store::outq::revive(conn, &dest, now)?;
    Ok(())
}

/// The entries a change to `obj` may free the content of (itself and, for a folder, what is in
/// it), read before the change is applied: their blobs are checked afterwards
/// ([`forget_unused`]).
pub(crate) fn blobs_under(conn: &mut AnyConnection, uid: i64, obj: &str) -> Result<Vec<String>> {
    let Some(row) = store::attach::find_by_hash(conn, obj)?.filter(|r| r.uid == uid) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut stack = vec![row];
    while let Some(r) = stack.pop() {
        if r.is_dir {
            if out.len() + stack.len() < 100_000 {
                stack.extend(store::attach::children(conn, uid, r.id)?);
            }
        } else if !r.blob.is_empty() {
            out.push(r.blob);
        }
    }
    Ok(out)
}

/// Removes the blobs no file uses any more (after a transaction that deleted or replaced
/// files).
pub(crate) async fn forget_unused(ctx: &Ctx, blobs: Vec<String>) {
    for b in blobs {
        let b2 = b.clone();
        let unused = ctx
            .db
            .run(move |conn| Ok(!store::attach::blob_in_use(conn, &b2)?))
            .await
            .unwrap_or(false);
        if unused {
            ctx.blobs.remove(&b).await;
        }
    }
}

/// Replays the `file` changes of an imported change log (in clock order, as they happened),
/// so the new location holds the files the exporting one held; their content is fetched from
/// the exporting location (`from`, its base URL). Runs in the import's transaction, before the
/// log itself is stored. Returns how many entries it holds afterwards.
pub(crate) fn restore_from_log(
    conn: &mut AnyConnection,
    channel: &Channel,
    log: &[zot::export::LogEntry],
    from: &str,
    now: NaiveDateTime,
) -> Result<usize> {
    let mut changes: Vec<&zot::export::LogEntry> = log.iter().filter(|c| c.kind == KIND).collect();
    changes.sort_by(|a, b| (a.hlc, &a.origin, a.seq).cmp(&(b.hlc, &b.origin, b.seq)));
    let mut deleted = std::collections::HashSet::new();
    for c in &changes {
        let Ok(body) = serde_json::from_str::<serde_json::Value>(&c.body) else {
            continue;
        };
        let change = Change {
            origin: c.origin.clone(),
            seq: c.seq,
            kind: c.kind.clone(),
            obj: c.obj.clone(),
            hlc: c.hlc,
            body,
        };
        let Ok(s) = parse(&change) else { continue };
        if s.deleted {
            deleted.insert(s.hash.clone());
        }
        if deleted.contains(&s.hash) && !s.deleted {
            continue;
        }
        // In clock order every later state wins; fetches only for what survives.
        apply_state(conn, channel, &s, false, true, now)?;
    }
    let mut held = 0;
    for obj in changes
        .iter()
        .map(|c| c.obj.as_str())
        .collect::<std::collections::BTreeSet<_>>()
    {
        if let Some(row) =
            store::attach::find_by_hash(conn, obj)?.filter(|r| r.uid == channel.channel_id)
        {
            held += 1;
            if !row.is_dir && !row.blob.is_empty() {
                let s = state_of(conn, &row)?;
                queue_fetch(conn, channel, &s, from, now)?;
            }
        }
    }
    Ok(held)
}

/// One entry's state in the clone-health digest ("missing" when it is not here).
pub(crate) fn state_text(conn: &mut AnyConnection, uid: i64, obj: &str) -> Result<String> {
    let Some(row) = store::attach::find_by_hash(conn, obj)?.filter(|r| r.uid == uid) else {
        return Ok("missing".into());
    };
    let s = state_of(conn, &row)?;
    Ok(format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        s.parent,
        s.name,
        s.is_dir,
        s.size,
        s.mimetype,
        s.blob,
        perms::file_acl_text(&row)
    ))
}

/// Whether a queued message is a content fetch (for the delivery queue).
pub(crate) fn is_fetch(row: &Outq) -> bool {
    row.outq_dest.ends_with(Uris::GETFILE_PATH)
}

/// What became of a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fetched {
    /// The content is here (fetched, already present, or no longer wanted); what happened.
    Done(String),
    /// It can never succeed; why.
    Dropped(String),
    /// Try again later; why.
    Retry(String),
}

impl Fetched {
    /// A fetch's result as its outcome: a remote failure is tried again, any other is final.
    pub(crate) fn from_result(result: Result<Fetched>) -> Self {
        match result {
            Ok(f) => f,
            Err(e) => match e.kind {
                ErrorKind::Remote(_) => Fetched::Retry(format!("{e}")),
                _ => Fetched::Dropped(format!("{e}")),
            },
        }
    }
}

/// Runs one queued fetch: signs the request with the channel key now, streams the answer into
/// the blob store and keeps it only if its SHA-256 is the announced one. Never inside a
/// transaction.
pub(crate) async fn fetch(ctx: &Ctx, row: &Outq) -> Fetched {
    Fetched::from_result(try_fetch(ctx, row).await)
}

async fn try_fetch(ctx: &Ctx, row: &Outq) -> Result<Fetched> {
    let Ok(job) = serde_json::from_str::<FetchJob>(&row.outq_msg) else {
        return Ok(Fetched::Dropped("malformed fetch job".into()));
    };
    let (uid, resource, blob) = (row.outq_channel, job.resource.clone(), job.blob.clone());
    let found = ctx
        .db
        .run(move |conn| {
            let Some(ch) = store::channel::find(conn, uid)?.filter(|c| !c.channel_removed) else {
                return Ok(None);
            };
            let wanted = store::attach::find_by_hash(conn, &resource)?
                .is_some_and(|r| r.uid == uid && r.blob == blob);
            Ok(Some((ch, wanted)))
        })
        .await?;
    let Some((ch, wanted)) = found else {
        return Ok(Fetched::Dropped("the channel no longer lives here".into()));
    };
    if !wanted {
        return Ok(Fetched::Done("no longer needed".into()));
    }
    if ctx.blobs.blob(&job.blob).is_none() {
        return Ok(Fetched::Dropped("malformed content hash".into()));
    }
    if ctx.blobs.exists(&job.blob).await? {
        return Ok(Fetched::Done("present".into()));
    }
    let key = zot::keys::RsaKeypair::from_private_pem(&ch.channel_prvkey)?;
    // Hubzilla's form (include/import.php sync_files()): the channel, a time and its signature
    // of `hash.time` (Hubzilla's fallback check), the file, revision 0.
    let time = ctx.clock.now().format("%Y-%m-%d %H:%M:%S").to_string();
    let time_sig = zot::sign::simple_sign(&key, format!("{}.{time}", ch.channel_hash).as_bytes())?;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("hash", &ch.channel_hash)
        .append_pair("time", &time)
        .append_pair("resource", &job.resource)
        .append_pair("revision", "0")
        .append_pair(
            "signature",
            time_sig.strip_prefix("sha256.").unwrap_or(&time_sig),
        )
        .finish();
    let key_id = ctx.uris.channel(&ch.channel_address);
    let signer = crate::net::Signer {
        key: &key,
        key_id: &key_id,
        algorithm: zot::httpsig::Algorithm::RsaSha512,
        headers: &["(request-target)", "date", "host", "content-type", "digest"],
        as_authorization: true,
    };
    let prepared = ctx.net.prepare(
        reqwest::Method::POST,
        &row.outq_dest,
        &[
            ("accept", "application/octet-stream".to_string()),
            (
                "content-type",
                "application/x-www-form-urlencoded".to_string(),
            ),
        ],
        Some(form.into_bytes()),
        Some(&signer),
    )?;
    let answer = ctx.net.send_streaming(prepared, FETCH_TIMEOUT).await?;
    match answer.status {
        200 => {}
        408 | 425 | 429 => return Ok(Fetched::Retry(format!("HTTP {}", answer.status))),
        400..=499 => return Ok(Fetched::Dropped(format!("HTTP {}", answer.status))),
        s => return Ok(Fetched::Retry(format!("HTTP {s}"))),
    }
    let limit = u64::try_from(job.size.max(0)).unwrap_or(0);
    let stored = match ctx.blobs.write(answer.body, limit).await {
        Ok(s) => s,
        Err(e) if e.kind == ErrorKind::TooLarge => {
            return Ok(Fetched::Dropped("larger than announced".into()));
        }
        Err(e) => return Ok(Fetched::Retry(format!("{e}"))),
    };
    if stored.hash != job.blob {
        forget_unused(ctx, vec![stored.hash]).await;
        return Ok(Fetched::Dropped(
            "the content does not have the announced SHA-256".into(),
        ));
    }
    Ok(Fetched::Done("fetched".into()))
}

/// A file's content for `/getfile`.
#[derive(Debug, Clone)]
pub struct Served {
    /// The content, in either blob backend.
    pub blob: crate::blobs::Blob,
    /// Its size and time stored.
    pub meta: crate::blobs::BlobMeta,
}

/// Serves `/getfile` (form `hash` = the channel, `resource` = the file): only to a request
/// signed by that channel (one of its locations fetching what it lacks), only for a file of
/// that channel that lives here. `Forbidden` for anyone else, `NotFound` for a file that is not
/// here.
pub async fn serve(ctx: &Ctx, form: &[u8], signer: &SignedBy) -> Result<Served> {
    let mut hash = String::new();
    let mut resource = String::new();
    for (k, v) in url::form_urlencoded::parse(form) {
        match k.as_ref() {
            "hash" => hash = v.into_owned(),
            "resource" => resource = v.into_owned(),
            _ => {}
        }
    }
    if hash.is_empty() || resource.is_empty() {
        return Err(Error::new(ErrorKind::BadRequest(
            "hash and resource are required",
        )));
    }
    // DEVIATION(hubzilla): Hubzilla also accepts, without an HTTP signature, a signature of
    // `hash.time` within ±3 minutes; we require the HTTP signature (every Hubzilla since 4.x
    // sends one).
    if signer.remote.xchan.xchan_hash != hash {
        return Err(Error::new(ErrorKind::Forbidden(
            "only the channel itself may fetch its files",
        )));
    }
    let row = ctx
        .db
        .run(move |conn| {
            let ch = store::channel::find_by_hash(conn, &hash)?
                .filter(|c| !c.channel_removed)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            store::attach::find_by_hash(conn, &resource)?
                .filter(|r| r.uid == ch.channel_id && !r.is_dir)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))
        })
        .await?;
    let blob = ctx
        .blobs
        .blob(&row.blob)
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    // None: a location that has not fetched the content itself yet.
    let meta = blob
        .meta()
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    Ok(Served { blob, meta })
}
