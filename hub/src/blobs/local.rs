//! The local-disk backend of the blob store: `<data_dir>/blobs/ab/cd/<sha256>`, a synced
//! temporary file renamed into place (atomic on one file system).

use std::ops::Range;
use std::path::Path;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{BlobMeta, ByteStream};
use crate::error::{Error, ErrorKind, Result, ResultExt};

/// Chunk size of streamed reads.
const READ_CHUNK: usize = 64 * 1024;

/// Moves the complete, synced temporary file `tmp` to `key` under `root`, unless that content
/// is stored already.
pub(super) async fn install(root: &Path, tmp: &Path, key: &str) -> Result<()> {
    let dest = root.join(key);
    if tokio::fs::try_exists(&dest).await.unwrap_or(false) {
        // Stored already: equal content is kept once (the caller removes `tmp`).
        return Ok(());
    }
    if let Some(dir) = dest.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .context("creating a blob folder")?;
    }
    tokio::fs::rename(tmp, &dest)
        .await
        .context("moving a blob into place")
}

pub(super) async fn meta(path: &Path) -> Result<Option<BlobMeta>> {
    match tokio::fs::metadata(path).await {
        Ok(m) => Ok(Some(BlobMeta {
            size: m.len(),
            modified: m.modified().unwrap_or(std::time::UNIX_EPOCH),
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::internal(e)),
    }
}

pub(super) async fn read(path: &Path, range: Range<u64>) -> Result<ByteStream> {
    let mut file = match tokio::fs::File::open(path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::new(ErrorKind::NotFound));
        }
        Err(e) => return Err(Error::internal(e)),
    };
    file.seek(std::io::SeekFrom::Start(range.start))
        .await
        .context("seeking in a blob")?;
    let left = range.end.saturating_sub(range.start);
    let stream = futures_util::stream::unfold((file, left), |(mut file, left)| async move {
        if left == 0 {
            return None;
        }
        let want = usize::try_from(left).unwrap_or(READ_CHUNK).min(READ_CHUNK);
        let mut buf = vec![0u8; want];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), (file, left - n as u64)))
            }
            Err(e) => Some((Err(Error::internal(e)), (file, 0))),
        }
    });
    Ok(stream.boxed())
}

/// Every file under `root` but the temporary ones, as relative names.
pub(super) fn list(root: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
        for e in std::fs::read_dir(dir)?.flatten() {
            let p = e.path();
            if p.is_dir() {
                if dir == root && e.file_name() == "tmp" {
                    continue;
                }
                walk(root, &p, out)?;
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, root, &mut out).context("listing the blob store")?;
    Ok(out)
}
