//! dav-server's file system over one channel's cloud files: each call goes to `service::dav`
//! as the viewer (a path of names; a hidden entry does not exist). Reads stream from the blob
//! store (a file on disk, or ranged reads from S3); a PUT streams through a bounded channel into
//! `service::dav::upload`, which stores nothing unless the whole body arrived (a dropped or
//! short upload is cut off, never kept).

use std::io::SeekFrom;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Buf, Bytes};
use dav_server::davpath::DavPath;
use dav_server::fs::{
    DavDirEntry, DavFile, DavFileSystem, DavMetaData, DavProp, FsError, FsFuture, FsResult,
    FsStream, OpenOptions, ReadDirMeta,
};
use futures_util::{FutureExt, StreamExt};
use http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::blobs::{Blob, ByteStream};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind};
use crate::service::dav::{self, Node, Scope};

/// Chunks in flight between the request body and the blob writer.
const UPLOAD_QUEUE: usize = 8;

/// One channel's files as one viewer may see and change them.
#[derive(Clone)]
pub(crate) struct ChannelFs {
    ctx: Ctx,
    scope: Scope,
}

impl ChannelFs {
    pub(crate) fn new(ctx: Ctx, scope: Scope) -> Self {
        Self { ctx, scope }
    }
}

/// Our errors as dav-server's (it turns them into statuses).
fn fs_error(e: &Error) -> FsError {
    match &e.kind {
        ErrorKind::NotFound => FsError::NotFound,
        // A missing folder above: dav-server answers 409.
        ErrorKind::Conflict { field: "path", .. } => FsError::NotFound,
        ErrorKind::Conflict { .. } => FsError::Exists,
        ErrorKind::Invalid { field: "file", .. } => FsError::InsufficientStorage,
        ErrorKind::TooLarge => FsError::TooLarge,
        ErrorKind::Invalid { .. } | ErrorKind::Forbidden(_) | ErrorKind::BadRequest(_) => {
            FsError::Forbidden
        }
        _ => {
            tracing::warn!(error = %e, "webdav file system call failed");
            FsError::GeneralFailure
        }
    }
}

/// The names of a path inside the channel's DAV root (not UTF-8: nothing by that name).
fn segments(path: &DavPath) -> FsResult<Vec<String>> {
    path.as_bytes()
        .split(|b| *b == b'/')
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8(s.to_vec()).map_err(|_| FsError::NotFound))
        .collect()
}

/// The names of a request path under `prefix` (`None`: not a valid path there).
pub(crate) fn segments_of_uri(uri_path: &str, prefix: &str) -> Option<Vec<String>> {
    let mut p = DavPath::new(uri_path).ok()?;
    p.set_prefix(prefix).ok()?;
    segments(&p).ok()
}

fn system_time(t: chrono::NaiveDateTime) -> SystemTime {
    let micros = t.and_utc().timestamp_micros();
    UNIX_EPOCH + Duration::from_micros(u64::try_from(micros).unwrap_or(0))
}

#[derive(Debug, Clone)]
struct Meta {
    len: u64,
    dir: bool,
    modified: SystemTime,
    created: SystemTime,
    etag: Option<String>,
}

impl Meta {
    fn of(n: &Node) -> Self {
        let modified = system_time(n.edited);
        Self {
            len: n.size,
            dir: n.is_dir,
            modified,
            created: system_time(n.created),
            // A file's tag is its content's hash: equal bytes, equal tag.
            etag: (!n.is_dir && n.sha256.len() >= 32).then(|| n.sha256[..32].to_string()),
        }
    }
}

impl DavMetaData for Meta {
    fn len(&self) -> u64 {
        self.len
    }
    fn modified(&self) -> FsResult<SystemTime> {
        Ok(self.modified)
    }
    fn created(&self) -> FsResult<SystemTime> {
        Ok(self.created)
    }
    fn is_dir(&self) -> bool {
        self.dir
    }
    fn etag(&self) -> Option<String> {
        if self.etag.is_some() {
            return self.etag.clone();
        }
        let t = self.modified.duration_since(UNIX_EPOCH).ok()?;
        Some(format!("{:x}", t.as_micros()))
    }
}

struct Entry(Node);

impl DavDirEntry for Entry {
    fn name(&self) -> Vec<u8> {
        self.0.name.clone().into_bytes()
    }
    fn metadata(&self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let m: Box<dyn DavMetaData> = Box::new(Meta::of(&self.0));
        Box::pin(std::future::ready(Ok(m)))
    }
}

/// A file being read: a local blob as a file, a blob in S3 as one ranged GET from the
/// position on, streamed, and opened again after a seek.
#[derive(Debug)]
struct ReadFile {
    meta: Meta,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Local(tokio::fs::File),
    Remote(Remote),
}

struct Remote {
    blob: Blob,
    size: u64,
    pos: u64,
    /// The ranged read from `pos` (a `Mutex` only to be `Sync`; reached through `get_mut`).
    stream: std::sync::Mutex<Option<ByteStream>>,
    /// Bytes received and not yet handed out (they start at `pos`).
    pending: Bytes,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("blob", &self.blob.hash())
            .field("pos", &self.pos)
            .finish()
    }
}

impl Remote {
    async fn read(&mut self, count: usize) -> FsResult<Bytes> {
        let count = count.min(1024 * 1024);
        let mut out = bytes::BytesMut::new();
        let slot = self.stream.get_mut().map_err(|_| FsError::GeneralFailure)?;
        while out.len() < count && self.pos < self.size {
            if self.pending.is_empty() {
                if slot.is_none() {
                    let s = self
                        .blob
                        .read(self.pos..self.size)
                        .await
                        .map_err(|e| fs_error(&e))?;
                    *slot = Some(s);
                }
                let Some(stream) = slot.as_mut() else {
                    break;
                };
                match stream.next().await {
                    Some(Ok(chunk)) => self.pending = chunk,
                    Some(Err(_)) => return Err(FsError::GeneralFailure),
                    None => break,
                }
                continue;
            }
            let take = (count - out.len()).min(self.pending.len());
            out.extend_from_slice(&self.pending.split_to(take));
            self.pos += take as u64;
        }
        Ok(out.freeze())
    }

    fn seek(&mut self, pos: SeekFrom) -> FsResult<u64> {
        let to = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
        }
        .ok_or(FsError::GeneralFailure)?;
        if to != self.pos {
            self.pos = to;
            self.pending = Bytes::new();
            *self.stream.get_mut().map_err(|_| FsError::GeneralFailure)? = None;
        }
        Ok(to)
    }
}

impl DavFile for ReadFile {
    fn metadata(&mut self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let m: Box<dyn DavMetaData> = Box::new(self.meta.clone());
        Box::pin(std::future::ready(Ok(m)))
    }
    fn write_buf(&mut self, _: Box<dyn Buf + Send>) -> FsFuture<'_, ()> {
        Box::pin(std::future::ready(Err(FsError::Forbidden)))
    }
    fn write_bytes(&mut self, _: Bytes) -> FsFuture<'_, ()> {
        Box::pin(std::future::ready(Err(FsError::Forbidden)))
    }
    fn read_bytes(&mut self, count: usize) -> FsFuture<'_, Bytes> {
        async move {
            let file = match &mut self.source {
                Source::Local(file) => file,
                Source::Remote(remote) => return remote.read(count).await,
            };
            let mut buf = vec![0u8; count.min(1024 * 1024)];
            let mut filled = 0;
            while filled < buf.len() {
                let n = file
                    .read(&mut buf[filled..])
                    .await
                    .map_err(|_| FsError::GeneralFailure)?;
                if n == 0 {
                    break;
                }
                filled += n;
            }
            buf.truncate(filled);
            Ok(Bytes::from(buf))
        }
        .boxed()
    }
    fn seek(&mut self, pos: SeekFrom) -> FsFuture<'_, u64> {
        async move {
            match &mut self.source {
                Source::Local(file) => file.seek(pos).await.map_err(|_| FsError::GeneralFailure),
                Source::Remote(remote) => remote.seek(pos),
            }
        }
        .boxed()
    }
    fn flush(&mut self) -> FsFuture<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }
}

type Chunk = crate::error::Result<Bytes>;

/// A file being uploaded: chunks go to the upload task; `flush` ends the body and waits for the
/// file to be recorded. Dropped before `flush`, the body ends with an error and nothing is kept.
struct WriteFile {
    tx: Option<tokio::sync::mpsc::Sender<Chunk>>,
    task: Option<tokio::task::JoinHandle<crate::error::Result<Node>>>,
    complete: Arc<AtomicBool>,
    written: u64,
    declared: Option<u64>,
    done: Option<Meta>,
}

impl std::fmt::Debug for WriteFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteFile")
            .field("written", &self.written)
            .finish()
    }
}

impl WriteFile {
    fn start(ctx: Ctx, scope: Scope, segs: Vec<String>, declared: Option<u64>) -> Self {
        let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(UPLOAD_QUEUE);
        let complete = Arc::new(AtomicBool::new(false));
        let flag = complete.clone();
        let body = futures_util::stream::unfold(Some(rx), move |state| {
            let flag = flag.clone();
            async move {
                let mut rx = state?;
                match rx.recv().await {
                    Some(chunk) => Some((chunk, Some(rx))),
                    None if flag.load(Ordering::SeqCst) => None,
                    None => Some((
                        Err(Error::new(ErrorKind::BadRequest("The upload was cut off."))),
                        None,
                    )),
                }
            }
        });
        let task = tokio::spawn(async move {
            dav::upload(&ctx, &scope, &segs, declared, Box::pin(body)).await
        });
        Self {
            tx: Some(tx),
            task: Some(task),
            complete,
            written: 0,
            declared,
            done: None,
        }
    }

    async fn failure(&mut self) -> FsError {
        self.tx = None;
        match self.task.take() {
            Some(t) => match t.await {
                Ok(Err(e)) => fs_error(&e),
                _ => FsError::GeneralFailure,
            },
            None => FsError::GeneralFailure,
        }
    }

    async fn send(&mut self, b: Bytes) -> FsResult<()> {
        self.written += b.len() as u64;
        let Some(tx) = &self.tx else {
            return Err(FsError::GeneralFailure);
        };
        if tx.send(Ok(b)).await.is_err() {
            return Err(self.failure().await);
        }
        Ok(())
    }
}

impl DavFile for WriteFile {
    fn metadata(&mut self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let m: Box<dyn DavMetaData> = Box::new(self.done.clone().unwrap_or(Meta {
            len: self.written,
            dir: false,
            modified: SystemTime::now(),
            created: SystemTime::now(),
            etag: None,
        }));
        Box::pin(std::future::ready(Ok(m)))
    }
    fn write_buf(&mut self, mut buf: Box<dyn Buf + Send>) -> FsFuture<'_, ()> {
        let b = buf.copy_to_bytes(buf.remaining());
        self.send(b).boxed()
    }
    fn write_bytes(&mut self, buf: Bytes) -> FsFuture<'_, ()> {
        self.send(buf).boxed()
    }
    fn read_bytes(&mut self, _: usize) -> FsFuture<'_, Bytes> {
        Box::pin(std::future::ready(Err(FsError::Forbidden)))
    }
    fn seek(&mut self, pos: SeekFrom) -> FsFuture<'_, u64> {
        // Uploads are whole files: no partial writes.
        let r = match pos {
            SeekFrom::Start(0) if self.written == 0 => Ok(0),
            _ => Err(FsError::NotImplemented),
        };
        Box::pin(std::future::ready(r))
    }
    fn flush(&mut self) -> FsFuture<'_, ()> {
        async move {
            if self.done.is_some() {
                return Ok(());
            }
            if self.declared.is_some_and(|d| d != self.written) {
                // Short or long against Content-Length: keep nothing.
                self.tx = None;
                if let Some(t) = self.task.take() {
                    let _ = t.await;
                }
                return Err(FsError::GeneralFailure);
            }
            self.complete.store(true, Ordering::SeqCst);
            self.tx = None;
            let Some(task) = self.task.take() else {
                return Err(FsError::GeneralFailure);
            };
            match task.await {
                Ok(Ok(node)) => {
                    self.done = Some(Meta::of(&node));
                    Ok(())
                }
                Ok(Err(e)) => Err(fs_error(&e)),
                Err(_) => Err(FsError::GeneralFailure),
            }
        }
        .boxed()
    }
}

impl ChannelFs {
    async fn open_file(&self, path: &DavPath, options: OpenOptions) -> FsResult<Box<dyn DavFile>> {
        let segs = segments(path)?;
        let existing = match dav::resolve(&self.ctx, &self.scope, &segs).await {
            Ok(n) => Some(n),
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => return Err(fs_error(&e)),
        };
        if options.write {
            if existing.as_ref().is_some_and(|n| n.is_dir) {
                return Err(FsError::Forbidden);
            }
            if options.create_new && existing.is_some() {
                return Err(FsError::Exists);
            }
            if !options.create && existing.is_none() {
                return Err(FsError::NotFound);
            }
            if options.append || !options.truncate && existing.is_some() {
                return Err(FsError::NotImplemented);
            }
            // A missing folder above is refused before the body (dav-server answers 409).
            let above = segs.split_last().map_or(&[][..], |(_, up)| up);
            match dav::resolve(&self.ctx, &self.scope, above).await {
                Ok(n) if n.is_dir => {}
                Ok(_) => return Err(FsError::NotFound),
                Err(e) => return Err(fs_error(&e)),
            }
            if let Some(size) = options.size {
                let room = dav::room(&self.ctx, &self.scope, &segs)
                    .await
                    .map_err(|e| fs_error(&e))?;
                if size > room {
                    return Err(FsError::InsufficientStorage);
                }
            }
            return Ok(Box::new(WriteFile::start(
                self.ctx.clone(),
                self.scope.clone(),
                segs,
                options.size,
            )));
        }
        let node = existing.ok_or(FsError::NotFound)?;
        if node.is_dir {
            return Err(FsError::Forbidden);
        }
        let blob = node.blob.clone().ok_or(FsError::NotFound)?;
        let source = match blob.local_path() {
            Some(path) => Source::Local(
                tokio::fs::File::open(path)
                    .await
                    .map_err(|_| FsError::NotFound)?,
            ),
            None => {
                // Absent (a clone still fetching it) is not found, as on disk.
                let meta = blob
                    .meta()
                    .await
                    .map_err(|e| fs_error(&e))?
                    .ok_or(FsError::NotFound)?;
                Source::Remote(Remote {
                    blob,
                    size: meta.size,
                    pos: 0,
                    stream: std::sync::Mutex::new(None),
                    pending: Bytes::new(),
                })
            }
        };
        Ok(Box::new(ReadFile {
            meta: Meta::of(&node),
            source,
        }))
    }

    async fn call<T>(
        &self,
        f: impl std::future::Future<Output = crate::error::Result<T>>,
    ) -> FsResult<T> {
        f.await.map_err(|e| fs_error(&e))
    }
}

fn prop_of(p: dav::Prop, with_content: bool) -> DavProp {
    DavProp {
        name: p.name,
        prefix: None,
        namespace: (!p.namespace.is_empty()).then_some(p.namespace),
        xml: with_content.then(|| p.xml.into_bytes()),
    }
}

impl DavFileSystem for ChannelFs {
    fn open<'a>(
        &'a self,
        path: &'a DavPath,
        options: OpenOptions,
    ) -> FsFuture<'a, Box<dyn DavFile>> {
        self.open_file(path, options).boxed()
    }

    fn read_dir<'a>(
        &'a self,
        path: &'a DavPath,
        _meta: ReadDirMeta,
    ) -> FsFuture<'a, FsStream<Box<dyn DavDirEntry>>> {
        async move {
            let segs = segments(path)?;
            let nodes = self.call(dav::list(&self.ctx, &self.scope, &segs)).await?;
            let entries: Vec<FsResult<Box<dyn DavDirEntry>>> = nodes
                .into_iter()
                .map(|n| Ok(Box::new(Entry(n)) as Box<dyn DavDirEntry>))
                .collect();
            let s: FsStream<Box<dyn DavDirEntry>> = Box::pin(futures_util::stream::iter(entries));
            Ok(s)
        }
        .boxed()
    }

    fn metadata<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, Box<dyn DavMetaData>> {
        async move {
            let segs = segments(path)?;
            let n = self
                .call(dav::resolve(&self.ctx, &self.scope, &segs))
                .await?;
            Ok(Box::new(Meta::of(&n)) as Box<dyn DavMetaData>)
        }
        .boxed()
    }

    fn create_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            let segs = segments(path)?;
            self.call(dav::mkcol(&self.ctx, &self.scope, &segs)).await
        }
        .boxed()
    }

    fn remove_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        self.remove_file(path)
    }

    fn remove_file<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            let segs = segments(path)?;
            self.call(dav::remove(&self.ctx, &self.scope, &segs)).await
        }
        .boxed()
    }

    fn rename<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            let (a, b) = (segments(from)?, segments(to)?);
            self.call(dav::rename(&self.ctx, &self.scope, &a, &b)).await
        }
        .boxed()
    }

    fn copy<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        async move {
            let (a, b) = (segments(from)?, segments(to)?);
            self.call(dav::copy_file(&self.ctx, &self.scope, &a, &b))
                .await
        }
        .boxed()
    }

    fn have_props<'a>(
        &'a self,
        _path: &'a DavPath,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
        Box::pin(std::future::ready(true))
    }

    fn patch_props<'a>(
        &'a self,
        path: &'a DavPath,
        patch: Vec<(bool, DavProp)>,
    ) -> FsFuture<'a, Vec<(StatusCode, DavProp)>> {
        async move {
            let segs = segments(path)?;
            let mut ops = Vec::with_capacity(patch.len());
            for (set, p) in &patch {
                let xml = String::from_utf8(p.xml.clone().unwrap_or_default())
                    .map_err(|_| FsError::Forbidden)?;
                ops.push((
                    dav::Prop {
                        namespace: p.namespace.clone().unwrap_or_default(),
                        name: p.name.clone(),
                        xml,
                    },
                    *set,
                ));
            }
            let status = match dav::patch_props(&self.ctx, &self.scope, &segs, ops).await {
                Ok(()) => StatusCode::OK,
                Err(e) if e.kind == ErrorKind::NotFound => return Err(FsError::NotFound),
                Err(e)
                    if matches!(
                        e.kind,
                        ErrorKind::Invalid {
                            field: "property",
                            ..
                        }
                    ) =>
                {
                    StatusCode::INSUFFICIENT_STORAGE
                }
                Err(_) => StatusCode::FORBIDDEN,
            };
            Ok(patch
                .into_iter()
                .map(|(_, p)| (status, DavProp { xml: None, ..p }))
                .collect())
        }
        .boxed()
    }

    fn get_props<'a>(&'a self, path: &'a DavPath, do_content: bool) -> FsFuture<'a, Vec<DavProp>> {
        async move {
            let segs = segments(path)?;
            let props = self.call(dav::props(&self.ctx, &self.scope, &segs)).await?;
            Ok(props.into_iter().map(|p| prop_of(p, do_content)).collect())
        }
        .boxed()
    }

    fn get_prop<'a>(&'a self, path: &'a DavPath, prop: DavProp) -> FsFuture<'a, Vec<u8>> {
        async move {
            let segs = segments(path)?;
            let props = self.call(dav::props(&self.ctx, &self.scope, &segs)).await?;
            let ns = prop.namespace.unwrap_or_default();
            props
                .into_iter()
                .find(|p| p.name == prop.name && p.namespace == ns)
                .map(|p| p.xml.into_bytes())
                .ok_or(FsError::NotFound)
        }
        .boxed()
    }

    fn get_quota(&self) -> FsFuture<'_, (u64, Option<u64>)> {
        async move {
            // Told to those who may write here only.
            let account = self.scope.account.ok_or(FsError::NotImplemented)?;
            let writes = crate::service::storage::owns(&self.ctx, account, &self.scope.nick);
            if !self.call(writes).await? {
                return Err(FsError::NotImplemented);
            }
            let (used, quota) = self.call(dav::usage(&self.ctx, &self.scope)).await?;
            Ok((
                u64::try_from(used).unwrap_or(0),
                Some(u64::try_from(quota).unwrap_or(0)),
            ))
        }
        .boxed()
    }
}
