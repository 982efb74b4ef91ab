//! The blob store of cloud files, content-addressed: each blob is named by the SHA-256 of its
//! content (`ab/cd/<sha256>`), so equal files are stored once. Two backends behind one set of
//! calls, chosen by `storage.backend`: local disk under `<data_dir>/blobs` (`local`) and an
//! S3-compatible bucket (`s3`). Writes always stream into a private temporary file under
//! `blobs/tmp` while hashing, are synced, and only then go under their content name: renamed
//! into place on disk, or uploaded to the final key in bounded parts (a multipart upload is
//! invisible until completed). A crash or a cut-off upload leaves no partial blob under a content
//! name (temporary files are swept at start). Reads go through [`Blob`]: metadata and byte
//! ranges as a stream for both backends, and the file's path for the local one.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::config::BlobBackend;
use crate::error::{Error, ErrorKind, Result, ResultExt};

mod local;
mod s3;

/// The blob store of one hub.
#[derive(Debug, Clone)]
pub struct Blobs {
    /// `<data_dir>/blobs`: temporary files under `tmp`, and the blobs themselves when local.
    root: PathBuf,
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Local,
    S3(s3::S3),
}

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// SHA-256 hex of the content.
    pub hash: String,
    /// Bytes.
    pub size: u64,
}

/// What the store knows about one blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobMeta {
    /// Bytes.
    pub size: u64,
    /// When it was stored.
    pub modified: SystemTime,
}

/// A blob's bytes, in chunks.
pub type ByteStream = BoxStream<'static, Result<Bytes>>;

/// One blob by content hash, to read (it may be absent: a clone still fetching it).
#[derive(Debug, Clone)]
pub struct Blob {
    blobs: Blobs,
    hash: String,
}

pub(crate) fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The name of a blob inside the store: `ab/cd/<hash>`.
fn key_of(hash: &str) -> String {
    format!("{}/{}/{hash}", &hash[..2], &hash[2..4])
}

impl Blobs {
    /// Opens (creating, 0700) a local store under `root`, and removes temporary files a crash
    /// left behind.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        Self::prepare(root)?;
        Ok(Self {
            root: root.to_path_buf(),
            backend: Backend::Local,
        })
    }

    /// Opens the store `backend` names, with its temporary files under `root`.
    pub fn build(root: &Path, backend: &BlobBackend) -> Result<Self> {
        match backend {
            BlobBackend::Local => Self::open(root).context("opening the blob store"),
            BlobBackend::S3(cfg) => {
                Self::prepare(root).context("opening the blob store's temporary folder")?;
                Ok(Self {
                    root: root.to_path_buf(),
                    backend: Backend::S3(s3::S3::new(cfg)?),
                })
            }
        }
    }

    fn prepare(root: &Path) -> std::io::Result<()> {
        crate::files::create_private_dir(&root.join("tmp"))?;
        for e in std::fs::read_dir(root.join("tmp"))?.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
        Ok(())
    }

    /// `local` or `s3`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Local => "local",
            Backend::S3(_) => "s3",
        }
    }

    /// Where a blob lives on disk, for a well-formed hash and the local backend only (`None`
    /// for S3: read through [`Blobs::blob`] there).
    pub fn path(&self, hash: &str) -> Option<PathBuf> {
        match self.backend {
            Backend::Local if is_hash(hash) => Some(self.root.join(key_of(hash))),
            _ => None,
        }
    }

    /// A handle to read the blob `hash`, for a well-formed hash.
    pub fn blob(&self, hash: &str) -> Option<Blob> {
        is_hash(hash).then(|| Blob {
            blobs: self.clone(),
            hash: hash.to_string(),
        })
    }

    /// Whether the blob `hash` is stored (false for a malformed hash).
    pub async fn exists(&self, hash: &str) -> Result<bool> {
        match self.blob(hash) {
            Some(b) => Ok(b.meta().await?.is_some()),
            None => Ok(false),
        }
    }

    /// Streams `body` into the store, refusing it (and keeping nothing) once it passes `limit`
    /// bytes or if the stream fails. Content already stored is not stored again.
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
            let key = key_of(&hash);
            match &self.backend {
                Backend::Local => local::install(&self.root, &tmp, &key).await?,
                Backend::S3(s3) => s3.install(&tmp, &key, size).await?,
            }
            Ok(Stored { hash, size })
        }
        .await;
        // Gone already when renamed into place; otherwise (uploaded, or failed) it goes now.
        let _ = tokio::fs::remove_file(&tmp).await;
        result
    }

    /// Removes a blob (once no file uses it).
    pub async fn remove(&self, hash: &str) {
        if !is_hash(hash) {
            return;
        }
        let key = key_of(hash);
        match &self.backend {
            Backend::Local => {
                let _ = tokio::fs::remove_file(self.root.join(key)).await;
            }
            Backend::S3(s3) => s3.remove(&key).await,
        }
    }

    /// Every object the store holds, as its name inside the store (`ab/cd/<hash>` for blobs;
    /// anything else found is listed as well). For checks and tests: it walks the whole store.
    pub async fn list(&self) -> Result<Vec<String>> {
        let mut out = match &self.backend {
            Backend::Local => {
                let root = self.root.clone();
                tokio::task::spawn_blocking(move || local::list(&root))
                    .await
                    .map_err(Error::internal)??
            }
            Backend::S3(s3) => s3.list().await?,
        };
        out.sort();
        Ok(out)
    }

    /// Temporary files present now (uploads in flight; none after a finished or failed one).
    pub fn temporary_files(&self) -> usize {
        std::fs::read_dir(self.root.join("tmp"))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

impl Blob {
    /// The SHA-256 hex of the content.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The file on disk (local backend only).
    pub fn local_path(&self) -> Option<PathBuf> {
        self.blobs.path(&self.hash)
    }

    /// Size and time stored; `None` when the blob is not (or not yet) stored.
    pub async fn meta(&self) -> Result<Option<BlobMeta>> {
        let key = key_of(&self.hash);
        match &self.blobs.backend {
            Backend::Local => local::meta(&self.blobs.root.join(key)).await,
            Backend::S3(s3) => s3.meta(&key).await,
        }
    }

    /// The bytes in `range` (clamped to the blob), as a stream; `NotFound` when absent.
    pub async fn read(&self, range: Range<u64>) -> Result<ByteStream> {
        let key = key_of(&self.hash);
        match &self.blobs.backend {
            Backend::Local => local::read(&self.blobs.root.join(key), range).await,
            Backend::S3(s3) => s3.read(&key, range).await,
        }
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

    async fn collect(s: ByteStream) -> Vec<u8> {
        let parts: Vec<Result<Bytes>> = s.collect().await;
        parts
            .into_iter()
            .flat_map(|p| p.unwrap().to_vec())
            .collect()
    }

    #[tokio::test]
    async fn blobs_are_content_addressed_deduplicated_and_never_partial() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        assert_eq!(blobs.backend(), "local");
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
        assert_eq!(blobs.list().await.unwrap(), vec![key_of(&a.hash)]);
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
        assert_eq!(blobs.list().await.unwrap().len(), 1);
        assert!(blobs.path("../etc/passwd").is_none());
        assert!(blobs.path(&"A".repeat(64)).is_none());
        assert!(blobs.blob("../etc/passwd").is_none());
    }

    #[tokio::test]
    async fn local_reads_give_metadata_and_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
        let s = blobs.write(chunks(&[b"0123456789"]), 100).await.unwrap();
        let blob = blobs.blob(&s.hash).unwrap();
        assert_eq!(blob.meta().await.unwrap().unwrap().size, 10);
        assert!(blobs.exists(&s.hash).await.unwrap());
        assert_eq!(collect(blob.read(2..5).await.unwrap()).await, b"234");
        assert_eq!(collect(blob.read(7..100).await.unwrap()).await, b"789");
        assert_eq!(
            collect(blob.read(0..10).await.unwrap()).await,
            b"0123456789"
        );
        blobs.remove(&s.hash).await;
        assert!(blob.meta().await.unwrap().is_none());
        assert!(!blobs.exists(&s.hash).await.unwrap());
        assert_eq!(
            blob.read(0..1).await.err().map(|e| e.kind),
            Some(ErrorKind::NotFound)
        );
    }
}
