//! The blob store of cloud files on local disk: `<data_dir>/blobs/ab/cd/<sha256>`, named by the
//! SHA-256 of the content, so equal files are stored once. Writes stream to a private temporary
//! file under `blobs/tmp`, are synced, and are renamed into place only when complete: a crash or
//! a cut-off upload leaves no partial blob visible (temporary files are swept at start). Reads
//! are plain files (served with ranges by the web layer). An S3-compatible backend will sit
//! behind the same calls.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::{Error, ErrorKind, Result, ResultExt};

/// The local blob store of one hub.
#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
}

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// SHA-256 hex of the content.
    pub hash: String,
    /// Bytes.
    pub size: u64,
}

fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Blobs {
    /// Opens (creating, 0700) the store under `root`, and removes temporary files a crash
    /// left behind.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        crate::files::create_private_dir(&root.join("tmp"))?;
        for e in std::fs::read_dir(root.join("tmp"))?.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// Where a blob lives, for a well-formed hash.
    pub fn path(&self, hash: &str) -> Option<PathBuf> {
        is_hash(hash).then(|| self.root.join(&hash[..2]).join(&hash[2..4]).join(hash))
    }

    /// Streams `body` into the store, refusing it (and keeping nothing) once it passes `limit`
    /// bytes or if the stream fails.
    pub async fn write<S>(&self, mut body: S, limit: u64) -> Result<Stored>
    where
        S: Stream<Item = Result<Bytes>> + Unpin,
    {
        let tmp = self
            .root
            .join("tmp")
            .join(uuid::Uuid::new_v4().simple().to_string());
        let result = async {
            let mut file = open_private(&tmp).await?;
            let mut hasher = Sha256::new();
            let mut size: u64 = 0;
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(Error::new(ErrorKind::TooLarge));
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await.context("writing a blob")?;
            }
            file.sync_all().await.context("syncing a blob")?;
            drop(file);
            let hash = hex::encode(hasher.finalize());
            let dest = self
                .path(&hash)
                .ok_or_else(|| Error::new(ErrorKind::Internal))?;
            if tokio::fs::try_exists(&dest).await.unwrap_or(false) {
                // Stored already: equal content is kept once.
                let _ = tokio::fs::remove_file(&tmp).await;
            } else {
                if let Some(dir) = dest.parent() {
                    tokio::fs::create_dir_all(dir)
                        .await
                        .context("creating a blob folder")?;
                }
                tokio::fs::rename(&tmp, &dest)
                    .await
                    .context("moving a blob into place")?;
            }
            Ok(Stored { hash, size })
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    /// Removes a blob (once no file uses it).
    pub async fn remove(&self, hash: &str) {
        if let Some(p) = self.path(hash) {
            let _ = tokio::fs::remove_file(p).await;
        }
    }

    /// Temporary files present now (uploads in flight; none after a finished or failed one).
    pub fn temporary_files(&self) -> usize {
        std::fs::read_dir(self.root.join("tmp"))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

async fn open_private(path: &Path) -> Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options
        .open(path)
        .await
        .context("creating a temporary blob")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = Result<Bytes>> + Unpin {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn blobs_are_content_addressed_deduplicated_and_never_partial() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let a = blobs
            .write(chunks(&[b"hello ", b"world"]), 100)
            .await
            .unwrap();
        assert_eq!(
            a.hash,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(a.size, 11);
        let b = blobs.write(chunks(&[b"hello world"]), 100).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(
            std::fs::read(blobs.path(&a.hash).unwrap()).unwrap(),
            b"hello world"
        );
        // Too large, or a stream that breaks: nothing kept.
        let big = blobs
            .write(chunks(&[b"0123456789", b"0123456789"]), 15)
            .await;
        assert_eq!(big.unwrap_err().kind, ErrorKind::TooLarge);
        let broken = futures_util::stream::iter(vec![
            Ok(Bytes::from_static(b"partial")),
            Err(Error::new(ErrorKind::BadRequest("cut off"))),
        ]);
        assert!(blobs.write(broken, 100).await.is_err());
        assert_eq!(blobs.temporary_files(), 0);
        assert!(blobs.path("../etc/passwd").is_none());
        assert!(blobs.path(&"A".repeat(64)).is_none());
    }
}
