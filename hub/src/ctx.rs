//! `Ctx`: everything a request or job needs (config, database, clock, mailer, site identity,
//! rate limits, password hasher, outbound HTTP client), owned by one `Hub`. Nothing here is process-wide, so one
//! process can run several hubs.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::hashing::PasswordHasher;
use crate::identity::SiteIdentity;
use crate::mail::Mailer;
use crate::net::Net;
use crate::queue::Queue;
use crate::ratelimit::RateLimiter;
use crate::store::Db;
use crate::uris::Uris;

/// Shared state of one hub. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Ctx(Arc<Inner>);

/// The parts of a `Ctx`.
#[derive(Debug)]
pub struct Inner {
    /// Validated configuration.
    pub config: Config,
    /// Every URL and address the hub hands out (from `config.base_url`).
    pub uris: Uris,
    /// Database pool.
    pub db: Db,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Outgoing mail.
    pub mailer: Arc<dyn Mailer>,
    /// This hub's key and site id.
    pub site: SiteIdentity,
    /// Attempt counters for rate limits.
    pub limiter: RateLimiter,
    /// Bounded argon2 hashing for every password check.
    pub hasher: PasswordHasher,
    /// The delivery queue's worker identity and wake-up bell.
    pub queue: Queue,
    /// The only outbound HTTP client (address guard, size and time caps, signing).
    pub net: Net,
    /// Hubzilla's BBCode renderer (built once).
    pub bbcode: crate::service::text::Bbcode,
    /// The streaming API's broadcaster for this process's connections.
    pub streams: crate::service::streaming::Streams,
    /// Cloud files' content.
    pub blobs: crate::blobs::Blobs,
    /// The web app's text catalogue (parsed once).
    pub i18n: Arc<crate::i18n::Catalogue>,
}

impl Ctx {
    /// Wraps the parts.
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }
}

impl std::ops::Deref for Ctx {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
