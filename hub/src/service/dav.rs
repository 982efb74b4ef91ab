//! Cloud files by path, for WebDAV (`/dav/{nick}/…`): resolving a path of names to an entry as
//! the viewer may see it (a hidden entry, or anything under a hidden folder, does not exist),
//! listing, and the writes DAV needs (make a folder, upload, delete, move, copy), all through
//! `service::storage` and the one decider; dead properties (PROPPATCH) of entries; and locks,
//! kept in the database so every process of a hub sees them, with RFC 4918's rules for
//! exclusive and shared, depth-0 and depth-infinity locks.

use bytes::Bytes;
use futures_util::Stream;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::perms::{ChannelAccess, Observer};
use crate::service::storage;
use crate::store::{self, AnyConnection, attach::Attach};

/// Who is asking, about which channel's files.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The channel's nickname.
    pub nick: String,
    /// The viewer.
    pub observer: Observer,
    /// The account signed in with Basic credentials (writes need it, and the owner).
    pub account: Option<i64>,
}

/// A file or folder, or the top (`id` 0).
#[derive(Debug, Clone)]
pub struct Node {
    /// Row id (0: the top).
    pub id: i64,
    /// Public id ("" for the top).
    pub hash: String,
    /// Name ("" for the top).
    pub name: String,
    /// A folder.
    pub is_dir: bool,
    /// Bytes.
    pub size: u64,
    /// Content type.
    pub mimetype: String,
    /// The content, in either blob backend (files).
    pub blob: Option<crate::blobs::Blob>,
    /// SHA-256 of the content ("" for folders).
    pub sha256: String,
    /// Made.
    pub created: chrono::NaiveDateTime,
    /// Last changed.
    pub edited: chrono::NaiveDateTime,
}

fn not_found() -> Error {
    Error::new(ErrorKind::NotFound)
}

fn node(ctx: &Ctx, a: &Attach) -> Node {
    Node {
        id: a.id,
        hash: a.hash.clone(),
        name: a.name.clone(),
        is_dir: a.is_dir,
        size: u64::try_from(a.size).unwrap_or(0),
        mimetype: a.mimetype.clone(),
        blob: (!a.is_dir).then(|| ctx.blobs.blob(&a.blob)).flatten(),
        sha256: a.blob.clone(),
        created: a.created,
        edited: a.edited,
    }
}

fn top(ch: &Channel) -> Node {
    Node {
        id: 0,
        hash: String::new(),
        name: String::new(),
        is_dir: true,
        size: 0,
        mimetype: String::new(),
        blob: None,
        sha256: String::new(),
        created: ch.channel_created,
        edited: ch.channel_created,
    }
}

/// Loads the channel and what the viewer may do there.
fn place(conn: &mut AnyConnection, scope: &Scope) -> Result<(Channel, ChannelAccess)> {
    let ch = store::channel::find_by_address(conn, &scope.nick)?
        .map(Channel::from)
        .ok_or_else(not_found)?;
    let access = ChannelAccess::load(conn, &ch, &scope.observer)?;
    Ok((ch, access))
}

/// Walks names from the top; every step must be visible. `None`: the top.
fn walk(
    conn: &mut AnyConnection,
    ch: &Channel,
    access: &ChannelAccess,
    segs: &[String],
) -> Result<Option<Attach>> {
    let mut parent = 0;
    let mut here: Option<Attach> = None;
    for s in segs {
        if here.as_ref().is_some_and(|r| !r.is_dir) {
            return Err(not_found());
        }
        let row = store::attach::find_named(conn, ch.channel_id, parent, s)?
            .filter(|r| access.may_see_file(r))
            .ok_or_else(not_found)?;
        parent = row.id;
        here = Some(row);
    }
    Ok(here)
}

/// The entry at a path, as the viewer may see it.
pub async fn resolve(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<Node> {
    let (scope, segs, c) = (scope.clone(), segs.to_vec(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let (ch, access) = place(conn, &scope)?;
            if !access.may(zot::perms::Permission::ViewStorage) && !access.is_owner() {
                return Err(not_found());
            }
            Ok(match walk(conn, &ch, &access, &segs)? {
                Some(a) => node(&c, &a),
                None => top(&ch),
            })
        })
        .await
}

/// The entries of the folder at a path the viewer may see.
pub async fn list(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<Vec<Node>> {
    let (scope, segs, c) = (scope.clone(), segs.to_vec(), ctx.clone());
    ctx.db
        .run(move |conn| {
            let (ch, access) = place(conn, &scope)?;
            if !access.may(zot::perms::Permission::ViewStorage) && !access.is_owner() {
                return Err(not_found());
            }
            let parent = match walk(conn, &ch, &access, &segs)? {
                Some(a) if a.is_dir => a.id,
                Some(_) => return Err(not_found()),
                None => 0,
            };
            Ok(store::attach::children(conn, ch.channel_id, parent)?
                .iter()
                .filter(|r| access.may_see_file(r))
                .map(|r| node(&c, r))
                .collect())
        })
        .await
}

/// The signed-in owner, for a write.
fn writer(scope: &Scope) -> Result<i64> {
    scope.account.ok_or_else(|| {
        Error::new(ErrorKind::Forbidden(
            "Only the channel's owner changes its files.",
        ))
    })
}

/// A name exactly as given, or refused (DAV clients must get back the names they sent).
fn exact_name(name: &str) -> Result<String> {
    let checked = storage::check_name(name)?;
    if checked != name {
        return Err(Error::invalid(
            "name",
            "Names may not start or end with spaces and must be in Unicode NFC.",
        ));
    }
    Ok(checked)
}

/// The parent folder's public id ("" for the top) and the last name of a path.
async fn parent_and_name(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<(String, String)> {
    let (last, up) = segs
        .split_last()
        .ok_or_else(|| Error::new(ErrorKind::Forbidden("The top folder cannot change.")))?;
    let name = exact_name(last)?;
    let parent = resolve(ctx, scope, up).await.map_err(|e| match e.kind {
        // RFC 4918: a missing parent is a conflict.
        ErrorKind::NotFound => Error::new(ErrorKind::Conflict {
            field: "path",
            reason: "The folder above does not exist.".into(),
        }),
        _ => e,
    })?;
    if !parent.is_dir {
        return Err(Error::new(ErrorKind::Conflict {
            field: "path",
            reason: "The entry above is not a folder.".into(),
        }));
    }
    Ok((parent.hash, name))
}

/// Makes a folder.
pub async fn mkcol(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<()> {
    let account = writer(scope)?;
    let (parent, name) = parent_and_name(ctx, scope, segs).await?;
    storage::mkdir(ctx, account, &scope.nick, Some(&parent), &name).await?;
    Ok(())
}

/// Room left for one upload to a path: the quota and the size limit (a file it replaces frees
/// its own size).
pub async fn room(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<u64> {
    writer(scope)?;
    let existing = resolve(ctx, scope, segs).await.ok();
    let usage = usage(ctx, scope).await?;
    let freed = existing.map_or(0, |n| n.size);
    let left = u64::try_from((usage.1 - usage.0).max(0)).unwrap_or(0) + freed;
    let max_file = ctx.config.limits.upload_max_mb.saturating_mul(1024 * 1024);
    Ok(left.min(max_file))
}

/// The bytes the channel's owner uses and may use (uploads count against the channel's
/// account, whoever writes them).
pub async fn usage(ctx: &Ctx, scope: &Scope) -> Result<(i64, i64)> {
    let nick = scope.nick.clone();
    let owner = ctx
        .db
        .run(move |conn| {
            Ok(store::channel::find_by_address(conn, &nick)?
                .ok_or_else(not_found)?
                .channel_account_id)
        })
        .await?;
    storage::usage(ctx, owner).await
}

/// Uploads (or replaces) the file at a path from a stream.
pub async fn upload<S>(
    ctx: &Ctx,
    scope: &Scope,
    segs: &[String],
    declared: Option<u64>,
    body: S,
) -> Result<Node>
where
    S: Stream<Item = Result<Bytes>> + Unpin,
{
    let account = writer(scope)?;
    let (parent, name) = parent_and_name(ctx, scope, segs).await?;
    storage::upload(
        ctx,
        account,
        &scope.nick,
        Some(&parent),
        &name,
        declared,
        body,
    )
    .await?;
    resolve(ctx, scope, segs).await
}

/// Deletes the entry at a path (a folder with everything in it).
pub async fn remove(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<()> {
    let account = writer(scope)?;
    let n = resolve(ctx, scope, segs).await?;
    if n.id == 0 {
        return Err(Error::new(ErrorKind::Forbidden(
            "The top folder cannot be deleted.",
        )));
    }
    storage::delete(ctx, account, &scope.nick, &n.hash).await
}

/// Moves or renames the entry at `from` to `to` (the destination must not exist).
pub async fn rename(ctx: &Ctx, scope: &Scope, from: &[String], to: &[String]) -> Result<()> {
    let account = writer(scope)?;
    let n = resolve(ctx, scope, from).await?;
    if n.id == 0 {
        return Err(Error::new(ErrorKind::Forbidden(
            "The top folder cannot move.",
        )));
    }
    if to.len() >= from.len() && to[..from.len()] == *from {
        return Err(Error::new(ErrorKind::Forbidden(
            "A folder cannot move into itself.",
        )));
    }
    let (parent, name) = parent_and_name(ctx, scope, to).await?;
    storage::rename(ctx, account, &scope.nick, &n.hash, &name, Some(&parent)).await
}

/// Copies the file at `from` to `to` (the destination must not exist): a new entry sharing the
/// content, with the source's access list and dead properties, within the quota.
pub async fn copy_file(ctx: &Ctx, scope: &Scope, from: &[String], to: &[String]) -> Result<()> {
    let account = writer(scope)?;
    let src = resolve(ctx, scope, from).await?;
    if src.is_dir {
        return Err(Error::new(ErrorKind::Forbidden(
            "Folders are copied entry by entry.",
        )));
    }
    let (parent, name) = parent_and_name(ctx, scope, to).await?;
    let quota = storage::quota_bytes(ctx);
    let nick = scope.nick.clone();
    let now = ctx.clock.now_db();
    let c = ctx.clone();
    ctx.db
        .tx(move |conn| {
            let ch = store::channel::find_by_address(conn, &nick)?
                .map(Channel::from)
                .ok_or_else(not_found)?;
            if !ChannelAccess::load(conn, &ch, &Observer::Account(account))?.may_write_files() {
                return Err(not_found());
            }
            let row = store::attach::find(conn, ch.channel_id, src.id)?.ok_or_else(not_found)?;
            let parent_id = match parent.as_str() {
                "" => 0,
                h => {
                    store::attach::find_by_hash(conn, h)?
                        .filter(|d| d.uid == ch.channel_id && d.is_dir)
                        .ok_or_else(not_found)?
                        .id
                }
            };
            if store::attach::find_named(conn, ch.channel_id, parent_id, &name)?.is_some() {
                return Err(Error::new(ErrorKind::Conflict {
                    field: "name",
                    reason: "This folder already has an entry of that name.".into(),
                }));
            }
            if store::attach::used_by_account(conn, account)? + row.size > quota {
                return Err(Error::invalid(
                    "file",
                    "This file does not fit in your storage quota.",
                ));
            }
            let hash = uuid::Uuid::new_v4().to_string();
            let id = store::attach::insert(
                conn,
                &store::attach::NewAttach {
                    uid: ch.channel_id,
                    hash: &hash,
                    parent: parent_id,
                    name: &name,
                    is_dir: false,
                    blob: &row.blob,
                    size: row.size,
                    mimetype: &row.mimetype,
                    created: now,
                    edited: now,
                },
            )?;
            store::attach::copy_acl(conn, row.id, id)?;
            for p in store::dav::props(conn, row.id)? {
                store::dav::set_prop(conn, &store::dav::Prop { attach_id: id, ..p })?;
            }
            // The copy reaches the channel's clones like any new file.
            let copied = store::attach::find(conn, ch.channel_id, id)?.ok_or_else(not_found)?;
            crate::service::file_sync::record_file(conn, &c, &ch, &copied)
        })
        .await
}

/// A dead property: namespace ("" for none), local name, and the whole element as XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    /// Namespace URI.
    pub namespace: String,
    /// Local name.
    pub name: String,
    /// The element.
    pub xml: String,
}

/// Most dead properties per entry, and longest value.
const MAX_PROPS: i64 = 64;
const MAX_PROP_BYTES: usize = 16 * 1024;

/// The dead properties of the entry at a path.
pub async fn props(ctx: &Ctx, scope: &Scope, segs: &[String]) -> Result<Vec<Prop>> {
    let n = resolve(ctx, scope, segs).await?;
    if n.id == 0 {
        return Ok(Vec::new());
    }
    let rows = ctx
        .db
        .run(move |conn| store::dav::props(conn, n.id))
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| Prop {
            namespace: p.namespace,
            name: p.name,
            xml: p.xml,
        })
        .collect())
}

/// Sets (`Some(xml)`) or removes (`None`) dead properties of the entry at a path, all or none.
pub async fn patch_props(
    ctx: &Ctx,
    scope: &Scope,
    segs: &[String],
    ops: Vec<(Prop, bool)>,
) -> Result<()> {
    writer(scope)?;
    let n = resolve(ctx, scope, segs).await?;
    if n.id == 0 {
        return Err(Error::new(ErrorKind::Forbidden(
            "The top folder has no properties.",
        )));
    }
    if ops
        .iter()
        .any(|(p, _)| p.xml.len() > MAX_PROP_BYTES || p.name.is_empty())
    {
        return Err(Error::invalid("property", "A property is at most 16 KiB."));
    }
    ctx.db
        .tx(move |conn| {
            for (p, set) in &ops {
                if *set {
                    store::dav::set_prop(
                        conn,
                        &store::dav::Prop {
                            attach_id: n.id,
                            namespace: p.namespace.clone(),
                            name: p.name.clone(),
                            xml: p.xml.clone(),
                        },
                    )?;
                } else {
                    store::dav::remove_prop(conn, n.id, &p.namespace, &p.name)?;
                }
            }
            if store::dav::count_props(conn, n.id)? > MAX_PROPS {
                return Err(Error::invalid(
                    "property",
                    "An entry has at most 64 properties.",
                ));
            }
            Ok(())
        })
        .await
}

/// A lock on a path (URL-encoded, inside the channel's DAV root, no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// `urn:uuid:…`.
    pub token: String,
    /// The locked path.
    pub path: String,
    /// Who took it.
    pub principal: Option<String>,
    /// The client's `<owner>` element.
    pub owner_xml: Option<String>,
    /// Requested timeout in seconds (none: infinite).
    pub timeout_secs: Option<i64>,
    /// When it lapses.
    pub expires: Option<chrono::NaiveDateTime>,
    /// Shared rather than exclusive.
    pub shared: bool,
    /// Depth infinity.
    pub deep: bool,
}

impl From<store::dav::Lock> for Lock {
    fn from(l: store::dav::Lock) -> Self {
        Self {
            token: l.token,
            path: l.path,
            principal: l.principal,
            owner_xml: l.owner_xml,
            timeout_secs: l.timeout_secs,
            expires: l.expires,
            shared: l.shared,
            deep: l.deep,
        }
    }
}

/// The longest lock a client gets (longer or infinite requests are cut to this).
const MAX_LOCK_SECS: i64 = 7 * 24 * 3600;

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Whether `a` is `b` or above it.
fn covers(a: &str, b: &str) -> bool {
    let (a, b) = (segments(a), segments(b));
    a.len() <= b.len() && a[..] == b[..a.len()]
}

fn normal(path: &str) -> String {
    segments(path).join("/")
}

/// What a request brings to a lock check.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    /// Who asks.
    pub principal: Option<&'a str>,
    /// Any principal may use a submitted token.
    pub ignore_principal: bool,
    /// Lock tokens the request submitted (`If:` header).
    pub tokens: &'a [String],
}

impl Holder<'_> {
    fn holds(&self, l: &Lock) -> bool {
        self.tokens.contains(&l.token)
            && (self.ignore_principal || self.principal == l.principal.as_deref())
    }
}

/// Locks on the path or above it (deep ones above): an exclusive lock not held conflicts; a
/// shared one conflicts unless `shared_ok` or the request holds one of them.
fn check_up(locks: &[Lock], path: &str, who: &Holder<'_>, shared_ok: bool) -> Option<Lock> {
    let depth = segments(path).len();
    let mut holds = false;
    let mut first_shared = None;
    for l in locks.iter().filter(|l| covers(&l.path, path)) {
        if segments(&l.path).len() < depth && !l.deep {
            continue;
        }
        if who.holds(l) {
            holds = true;
        } else if !l.shared {
            return Some(l.clone());
        } else if !shared_ok && first_shared.is_none() {
            first_shared = Some(l.clone());
        }
    }
    if holds { None } else { first_shared }
}

/// Locks on the path or below it that the request does not hold.
fn check_down(locks: &[Lock], path: &str, who: &Holder<'_>, shared_ok: bool) -> Option<Lock> {
    locks
        .iter()
        .filter(|l| covers(path, &l.path))
        .find(|l| (!l.shared || !shared_ok) && !who.holds(l))
        .cloned()
}

async fn with_locks<T: Send + 'static>(
    ctx: &Ctx,
    uid: i64,
    f: impl FnOnce(&mut AnyConnection, Vec<Lock>) -> Result<T> + Send + 'static,
) -> Result<T> {
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            store::dav::serialise_locks(conn, uid)?;
            store::dav::expire_locks(conn, uid, now)?;
            let locks = store::dav::locks(conn, uid, now)?
                .into_iter()
                .map(Lock::from)
                .collect();
            f(conn, locks)
        })
        .await
}

/// The channel id of a nickname (locks are kept per channel).
pub async fn channel_id(ctx: &Ctx, nick: &str) -> Result<i64> {
    let nick = nick.to_string();
    ctx.db
        .run(move |conn| {
            Ok(store::channel::find_by_address(conn, &nick)?
                .ok_or_else(not_found)?
                .channel_id)
        })
        .await
}

/// A new lock request.
#[derive(Debug, Clone)]
pub struct LockRequest {
    /// The path.
    pub path: String,
    /// Who asks.
    pub principal: Option<String>,
    /// The `<owner>` element.
    pub owner_xml: Option<String>,
    /// Requested timeout (none: infinite).
    pub timeout_secs: Option<i64>,
    /// Shared.
    pub shared: bool,
    /// Depth infinity.
    pub deep: bool,
}

/// Takes a lock, or returns the lock in the way.
pub async fn lock(
    ctx: &Ctx,
    uid: i64,
    req: LockRequest,
) -> Result<std::result::Result<Lock, Lock>> {
    let now = ctx.clock.now_db();
    with_locks(ctx, uid, move |conn, locks| {
        let path = normal(&req.path);
        let nobody = Holder {
            principal: None,
            ignore_principal: true,
            tokens: &[],
        };
        if let Some(c) = check_up(&locks, &path, &nobody, req.shared) {
            return Ok(Err(c));
        }
        if req.deep
            && let Some(c) = check_down(&locks, &path, &nobody, req.shared)
        {
            return Ok(Err(c));
        }
        let secs = req
            .timeout_secs
            .unwrap_or(MAX_LOCK_SECS)
            .clamp(1, MAX_LOCK_SECS);
        let lock = store::dav::Lock {
            token: uuid::Uuid::new_v4().urn().to_string(),
            uid,
            path,
            principal: req.principal,
            owner_xml: req.owner_xml,
            timeout_secs: Some(secs),
            expires: Some(now + chrono::Duration::seconds(secs)),
            shared: req.shared,
            deep: req.deep,
        };
        store::dav::insert_lock(conn, &lock)?;
        Ok(Ok(Lock::from(lock)))
    })
    .await
}

/// The lock with this token on the path or above it.
fn find_token(locks: &[Lock], path: &str, token: &str) -> Option<Lock> {
    locks
        .iter()
        .find(|l| l.token == token && covers(&l.path, path))
        .cloned()
}

/// Releases a lock; false when no such lock covers the path.
pub async fn unlock(ctx: &Ctx, uid: i64, path: &str, token: &str) -> Result<bool> {
    let (path, token) = (path.to_string(), token.to_string());
    with_locks(ctx, uid, move |conn, locks| {
        let Some(l) = find_token(&locks, &path, &token) else {
            return Ok(false);
        };
        store::dav::delete_locks(conn, &[l.token])?;
        Ok(true)
    })
    .await
}

/// Renews a lock's timeout.
pub async fn refresh(
    ctx: &Ctx,
    uid: i64,
    path: &str,
    token: &str,
    timeout_secs: Option<i64>,
) -> Result<Option<Lock>> {
    let (path, token) = (path.to_string(), token.to_string());
    let now = ctx.clock.now_db();
    with_locks(ctx, uid, move |conn, locks| {
        let Some(mut l) = find_token(&locks, &path, &token) else {
            return Ok(None);
        };
        let secs = timeout_secs
            .unwrap_or(MAX_LOCK_SECS)
            .clamp(1, MAX_LOCK_SECS);
        l.timeout_secs = Some(secs);
        l.expires = Some(now + chrono::Duration::seconds(secs));
        store::dav::refresh_lock(conn, &l.token, l.timeout_secs, l.expires)?;
        Ok(Some(l))
    })
    .await
}

/// Whether a request may change the path (and, `deep`, everything below it).
pub async fn check(
    ctx: &Ctx,
    uid: i64,
    path: &str,
    who: (Option<String>, bool, Vec<String>),
    deep: bool,
) -> Result<std::result::Result<(), Lock>> {
    let path = normal(path);
    with_locks(ctx, uid, move |_, locks| {
        let holder = Holder {
            principal: who.0.as_deref(),
            ignore_principal: who.1,
            tokens: &who.2,
        };
        if let Some(c) = check_up(&locks, &path, &holder, false) {
            return Ok(Err(c));
        }
        if deep && let Some(c) = check_down(&locks, &path, &holder, false) {
            return Ok(Err(c));
        }
        Ok(Ok(()))
    })
    .await
}

/// Locks on the path and above it.
pub async fn discover(ctx: &Ctx, uid: i64, path: &str) -> Result<Vec<Lock>> {
    let path = normal(path);
    with_locks(ctx, uid, move |_, locks| {
        Ok(locks
            .into_iter()
            .filter(|l| covers(&l.path, &path))
            .collect())
    })
    .await
}

/// Drops the locks on the path and below it (it was deleted or moved away).
pub async fn forget(ctx: &Ctx, uid: i64, path: &str) -> Result<()> {
    let path = normal(path);
    with_locks(ctx, uid, move |conn, locks| {
        let doomed: Vec<String> = locks
            .into_iter()
            .filter(|l| covers(&path, &l.path))
            .map(|l| l.token)
            .collect();
        store::dav::delete_locks(conn, &doomed)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(path: &str, shared: bool, deep: bool, token: &str) -> Lock {
        Lock {
            token: token.into(),
            path: path.into(),
            principal: Some("alice".into()),
            owner_xml: None,
            timeout_secs: None,
            expires: None,
            shared,
            deep,
        }
    }

    #[test]
    fn lock_rules_follow_depth_and_sharing() {
        let nobody = Holder {
            principal: None,
            ignore_principal: true,
            tokens: &[],
        };
        let locks = vec![lock("a", false, true, "t1")];
        // A deep exclusive lock covers everything below it, not its siblings.
        assert!(check_up(&locks, "a/b/c", &nobody, false).is_some());
        assert!(check_up(&locks, "ab", &nobody, false).is_none());
        assert!(check_down(&locks, "", &nobody, true).is_some());
        let tokens = vec!["t1".to_string()];
        let holder = Holder {
            principal: Some("alice"),
            ignore_principal: false,
            tokens: &tokens,
        };
        assert!(check_up(&locks, "a/b", &holder, false).is_none());
        let bob = Holder {
            principal: Some("bob"),
            ..holder
        };
        assert!(check_up(&locks, "a/b", &bob, false).is_some());
        // A shallow lock stops at its own path.
        let shallow = vec![lock("a", false, false, "t2")];
        assert!(check_up(&shallow, "a/b", &nobody, false).is_none());
        assert!(check_up(&shallow, "a", &nobody, false).is_some());
        // Shared locks admit more shared locks, not exclusive ones.
        let shared = vec![lock("f", true, false, "t3")];
        assert!(check_up(&shared, "f", &nobody, true).is_none());
        assert!(check_up(&shared, "f", &nobody, false).is_some());
        assert!(covers("", "x/y") && covers("x", "x") && !covers("x/y", "x"));
    }
}
