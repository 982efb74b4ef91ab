//! The S3-compatible backend of the blob store (object_store's `aws` client): one object per
//! blob at `ab/cd/<sha256>` in the configured bucket. A blob is uploaded only once its content
//! is complete, hashed and synced in a local temporary file, straight to its content key: as one
//! PUT up to [`PART`] bytes, else as a multipart upload of [`PART`]-sized parts with at most
//! [`PARTS_IN_FLIGHT`] uploading at once (so an upload holds a few parts in memory, never the
//! file). S3 shows neither a PUT nor a multipart upload under its key before it completes, so
//! no partial object is ever visible; a failed multipart upload is aborted.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    BackoffConfig, ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload,
    RetryConfig, WriteMultipart,
};
use tokio::io::AsyncReadExt;

use super::{BlobMeta, ByteStream};
use crate::config::S3Config;
use crate::error::{Error, ErrorKind, Result, ResultExt};

/// Size of one multipart part, and the largest blob sent as a single PUT (S3 wants parts of at
/// least 5 MiB but the last).
const PART: usize = 8 * 1024 * 1024;

/// Parts of one upload sent at the same time.
const PARTS_IN_FLIGHT: usize = 2;

/// Bytes read from the temporary file at a time.
const READ_CHUNK: usize = 1024 * 1024;

/// A bucket of blobs.
#[derive(Clone)]
pub(super) struct S3 {
    store: Arc<AmazonS3>,
    bucket: String,
}

impl std::fmt::Debug for S3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        f.debug_struct("S3").field("bucket", &self.bucket).finish()
    }
}

fn s3_error(e: object_store::Error) -> Error {
    match e {
        object_store::Error::NotFound { .. } => Error::new(ErrorKind::NotFound),
        e => Error::internal(e),
    }
}

impl S3 {
    pub(super) fn new(cfg: &S3Config) -> Result<Self> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&cfg.bucket)
            .with_region(&cfg.region)
            .with_access_key_id(&cfg.access_key_id)
            .with_secret_access_key(cfg.secret_access_key.expose())
            .with_allow_http(cfg.allow_http)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(cfg.allow_http)
                    .with_connect_timeout(Duration::from_secs(5))
                    // A download to a slow client takes as long as it takes; a stalled
                    // connection does not.
                    .with_timeout_disabled()
                    .with_read_timeout(Duration::from_secs(30)),
            )
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(30),
            });
        if let Some(endpoint) = &cfg.endpoint {
            // Path-style requests (`endpoint/bucket/key`), as MinIO, Garage, Ceph and moto
            // expect by default.
            builder = builder.with_endpoint(endpoint.as_str());
        }
        let store = builder.build().context("configuring the S3 blob store")?;
        Ok(Self {
            store: Arc::new(store),
            bucket: cfg.bucket.clone(),
        })
    }

    /// Uploads the complete temporary file `tmp` (`size` bytes) under `key`, unless an object
    /// is there already (equal content is stored once).
    pub(super) async fn install(&self, tmp: &Path, key: &str, size: u64) -> Result<()> {
        let loc = Key::from(key);
        match self.store.head(&loc).await {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e).context("looking for a blob in S3"),
        }
        if size <= PART as u64 {
            let bytes = tokio::fs::read(tmp).await.context("reading a blob")?;
            self.store
                .put(&loc, PutPayload::from(bytes))
                .await
                .context("uploading a blob to S3")?;
            return Ok(());
        }
        let upload = self
            .store
            .put_multipart(&loc)
            .await
            .context("starting a multipart upload to S3")?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let sent = async {
            let mut file = tokio::fs::File::open(tmp).await.context("reading a blob")?;
            let mut buf = vec![0u8; READ_CHUNK];
            loop {
                let n = file.read(&mut buf).await.context("reading a blob")?;
                if n == 0 {
                    return Ok(());
                }
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .context("uploading a blob part to S3")?;
                writer.write(&buf[..n]);
            }
        }
        .await;
        match sent {
            Ok(()) => {
                writer
                    .finish()
                    .await
                    .context("completing a multipart upload to S3")?;
                Ok(())
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "could not abort a multipart upload");
                }
                Err(e)
            }
        }
    }

    pub(super) async fn meta(&self, key: &str) -> Result<Option<BlobMeta>> {
        match self.store.head(&Key::from(key)).await {
            Ok(m) => Ok(Some(BlobMeta {
                size: m.size,
                modified: m.last_modified.into(),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e).context("looking for a blob in S3"),
        }
    }

    pub(super) async fn read(&self, key: &str, range: Range<u64>) -> Result<ByteStream> {
        let loc = Key::from(key);
        if range.start >= range.end {
            // Nothing to read (an empty file): still a 404 when the object is not there.
            self.store.head(&loc).await.map_err(s3_error)?;
            return Ok(futures_util::stream::empty().boxed());
        }
        let got = self
            .store
            .get_opts(
                &loc,
                GetOptions {
                    range: Some(GetRange::Bounded(range)),
                    ..GetOptions::default()
                },
            )
            .await
            .map_err(s3_error)?;
        Ok(got.into_stream().map_err(s3_error).boxed())
    }

    pub(super) async fn remove(&self, key: &str) {
        match self.store.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(key, error = %e, "could not delete a blob from S3"),
        }
    }

    pub(super) async fn list(&self) -> Result<Vec<String>> {
        self.store
            .list(None)
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .context("listing the S3 blob store")
    }
}
