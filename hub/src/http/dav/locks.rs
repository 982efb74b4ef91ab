//! dav-server's lock system over `service::dav`'s locks in the database, for one channel: paths
//! are kept URL-encoded inside `/dav/{nick}`, so every process of the hub sees the same locks.
//! A database failure refuses the request (as if locked), never grants a lock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dav_server::davpath::DavPath;
use dav_server::ls::{DavLock, DavLockSystem, LsFuture};
use futures_util::FutureExt;
use xmltree::Element;

use crate::ctx::Ctx;
use crate::service::dav::{self, Lock, LockRequest};

/// The locks of one channel.
#[derive(Debug, Clone)]
pub(crate) struct DbLocks {
    ctx: Ctx,
    uid: i64,
    prefix: String,
}

impl DbLocks {
    pub(crate) fn new(ctx: Ctx, uid: i64, prefix: String) -> Self {
        Self { ctx, uid, prefix }
    }

    /// dav-server's form of a lock; `asked` stands in for a stored path that no longer parses.
    fn dav_lock(&self, l: Lock, asked: &DavPath) -> DavLock {
        let path = DavPath::new(&format!("{}/{}", self.prefix, l.path))
            .ok()
            .and_then(|mut p| p.set_prefix(&self.prefix).ok().map(|()| p))
            .unwrap_or_else(|| asked.clone());
        DavLock {
            token: l.token,
            path: Box::new(path),
            principal: l.principal,
            owner: l
                .owner_xml
                .and_then(|x| Element::parse(x.as_bytes()).ok())
                .map(|mut e| {
                    e.prefix = Some("D".to_string());
                    Box::new(e)
                }),
            timeout_at: l.expires.map(|t| {
                UNIX_EPOCH
                    + Duration::from_micros(
                        u64::try_from(t.and_utc().timestamp_micros()).unwrap_or(0),
                    )
            }),
            timeout: l
                .timeout_secs
                .map(|s| Duration::from_secs(u64::try_from(s).unwrap_or(0))),
            shared: l.shared,
            deep: l.deep,
        }
    }

    /// A stand-in for the lock in the way when the database failed.
    fn refusal(&self, path: &DavPath) -> DavLock {
        DavLock {
            token: "urn:uuid:00000000-0000-0000-0000-000000000000".into(),
            path: Box::new(path.clone()),
            principal: None,
            owner: None,
            timeout_at: Some(SystemTime::now()),
            timeout: Some(Duration::ZERO),
            shared: false,
            deep: false,
        }
    }
}

fn key(path: &DavPath) -> String {
    path.as_url_string()
}

fn secs(d: Option<Duration>) -> Option<i64> {
    d.map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The `<owner>` element as XML. dav-server marks it with the `D` prefix of its replies, which
/// is unbound on its own: it is written without, and given back with, that prefix.
fn owner_xml(owner: Option<&Element>) -> Option<String> {
    let mut owner = owner?.clone();
    owner.prefix = None;
    let mut out = Vec::new();
    owner.write(&mut out).ok()?;
    String::from_utf8(out).ok()
}

impl DavLockSystem for DbLocks {
    fn lock(
        &self,
        path: &DavPath,
        principal: Option<&str>,
        owner: Option<&Element>,
        timeout: Option<Duration>,
        shared: bool,
        deep: bool,
    ) -> LsFuture<'_, Result<DavLock, DavLock>> {
        let req = LockRequest {
            path: key(path),
            principal: principal.map(str::to_string),
            owner_xml: owner_xml(owner),
            timeout_secs: secs(timeout),
            shared,
            deep,
        };
        let path = path.clone();
        async move {
            match dav::lock(&self.ctx, self.uid, req).await {
                Ok(Ok(l)) => Ok(self.dav_lock(l, &path)),
                Ok(Err(l)) => Err(self.dav_lock(l, &path)),
                Err(e) => {
                    tracing::warn!(error = %e, "taking a webdav lock failed");
                    Err(self.refusal(&path))
                }
            }
        }
        .boxed()
    }

    fn unlock(&self, path: &DavPath, token: &str) -> LsFuture<'_, Result<(), ()>> {
        let (path, token) = (key(path), token.to_string());
        async move {
            match dav::unlock(&self.ctx, self.uid, &path, &token).await {
                Ok(true) => Ok(()),
                _ => Err(()),
            }
        }
        .boxed()
    }

    fn refresh(
        &self,
        path: &DavPath,
        token: &str,
        timeout: Option<Duration>,
    ) -> LsFuture<'_, Result<DavLock, ()>> {
        let (asked, path, token) = (path.clone(), key(path), token.to_string());
        async move {
            match dav::refresh(&self.ctx, self.uid, &path, &token, secs(timeout)).await {
                Ok(Some(l)) => Ok(self.dav_lock(l, &asked)),
                _ => Err(()),
            }
        }
        .boxed()
    }

    fn check(
        &self,
        path: &DavPath,
        principal: Option<&str>,
        ignore_principal: bool,
        deep: bool,
        submitted_tokens: &[String],
    ) -> LsFuture<'_, Result<(), DavLock>> {
        let who = (
            principal.map(str::to_string),
            ignore_principal,
            submitted_tokens.to_vec(),
        );
        let (k, path) = (key(path), path.clone());
        async move {
            match dav::check(&self.ctx, self.uid, &k, who, deep).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(l)) => Err(self.dav_lock(l, &path)),
                Err(e) => {
                    tracing::warn!(error = %e, "checking webdav locks failed");
                    Err(self.refusal(&path))
                }
            }
        }
        .boxed()
    }

    fn discover(&self, path: &DavPath) -> LsFuture<'_, Vec<DavLock>> {
        let (asked, path) = (path.clone(), key(path));
        async move {
            dav::discover(&self.ctx, self.uid, &path)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|l| self.dav_lock(l, &asked))
                .collect()
        }
        .boxed()
    }

    fn delete(&self, path: &DavPath) -> LsFuture<'_, Result<(), ()>> {
        let path = key(path);
        async move {
            dav::forget(&self.ctx, self.uid, &path)
                .await
                .map_err(|_| ())
        }
        .boxed()
    }
}
