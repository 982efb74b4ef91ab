//! Bounded password hashing: every argon2id hash and verification of the hub (login,
//! registration, reset, password change, CLI) goes through one [`PasswordHasher`], whose
//! semaphore admits as many at once as there are cores. Further requests queue instead of each
//! allocating argon2's 19 MiB, so a flood of password forms cannot multiply the hub's memory.
//! WebDAV clients send the password with every request: [`PasswordHasher::remember`]
//! keeps a successful check of that password against that stored hash for a few minutes, so
//! a sync of a thousand files costs one argon2 run, and a changed password is never remembered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::{Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::{Error, Result, ResultExt};

/// A verified-against hash for accounts that do not exist, so a login for an unknown address
/// costs the same time as one for a known address.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                          6J0a0VgqyqSLFMGSmNM9o5Fq1Sx3hkQ3eN4mNcmU0bE";

/// Hashes and verifies passwords on the blocking pool, at most `permits` at a time.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    permits: Semaphore,
    limit: usize,
    running: AtomicUsize,
    most_running: AtomicUsize,
    done: AtomicU64,
    /// SHA-256 of (stored hash, password) of recent successful checks, with when they were made.
    remembered: Mutex<HashMap<[u8; 32], Instant>>,
}

/// Most remembered checks at once (the map is cleared when full).
const MAX_REMEMBERED: usize = 4096;

/// What the hasher has done so far (for tests and the admin page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HasherStats {
    /// Concurrent hashes allowed.
    pub limit: usize,
    /// Hashes and verifications finished.
    pub done: u64,
    /// The most that ever ran at the same time.
    pub most_running: usize,
}

impl PasswordHasher {
    /// A hasher admitting `permits` concurrent hashes (at least one).
    pub fn new(permits: usize) -> Self {
        let limit = permits.max(1);
        Self {
            inner: Arc::new(Inner {
                permits: Semaphore::new(limit),
                limit,
                running: AtomicUsize::new(0),
                most_running: AtomicUsize::new(0),
                done: AtomicU64::new(0),
                remembered: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A hasher sized to the machine's cores.
    pub fn for_this_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from))
    }

    /// Counters.
    pub fn stats(&self) -> HasherStats {
        HasherStats {
            limit: self.inner.limit,
            done: self.inner.done.load(Ordering::SeqCst),
            most_running: self.inner.most_running.load(Ordering::SeqCst),
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .context("password hasher closed")?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let now = inner.running.fetch_add(1, Ordering::SeqCst) + 1;
            inner.most_running.fetch_max(now, Ordering::SeqCst);
            let out = work();
            inner.running.fetch_sub(1, Ordering::SeqCst);
            inner.done.fetch_add(1, Ordering::SeqCst);
            out
        })
        .await
        .context("password hashing task")
    }

    /// The argon2id PHC string of a password.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let pw = password.to_string();
        self.run(move || {
            Argon2::default()
                .hash_password(pw.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| Error::internal(anyhow::anyhow!("argon2: {e}")))
        })
        .await?
    }

    /// Whether the password matches the PHC string; `None` checks against a dummy hash (same
    /// cost, always false) so unknown accounts are not told apart by timing.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool> {
        let pw = password.to_string();
        let known = phc.is_some();
        let phc = phc.unwrap_or(DUMMY_HASH).to_string();
        let ok = self
            .run(move || match PasswordHash::new(&phc) {
                Ok(hash) => Argon2::default()
                    .verify_password(pw.as_bytes(), &hash)
                    .is_ok(),
                Err(_) => false,
            })
            .await?;
        Ok(ok && known)
    }

    fn memo_key(password: &str, phc: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut d = Sha256::new();
        d.update(phc.as_bytes());
        d.update([0u8]);
        d.update(password.as_bytes());
        d.finalize().into()
    }

    /// Whether this password was verified against this stored hash within `keep` (see
    /// [`Self::remember`]). Only successes are kept, by a digest of both: a new password (a
    /// new hash) or a wrong one is never answered from memory.
    pub fn remembered(&self, password: &str, phc: &str, keep: Duration) -> bool {
        let key = Self::memo_key(password, phc);
        self.inner
            .remembered
            .lock()
            .is_ok_and(|map| map.get(&key).is_some_and(|at| at.elapsed() < keep))
    }

    /// Remembers that this password matched this stored hash just now.
    pub fn remember(&self, password: &str, phc: &str, keep: Duration) {
        let key = Self::memo_key(password, phc);
        if let Ok(mut map) = self.inner.remembered.lock() {
            if map.len() >= MAX_REMEMBERED {
                map.retain(|_, at| at.elapsed() < keep);
                if map.len() >= MAX_REMEMBERED {
                    map.clear();
                }
            }
            map.insert(key, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_hashes_queue_behind_the_limit() {
        let hasher = PasswordHasher::new(1);
        let tasks: Vec<_> = (0..4)
            .map(|i| {
                let h = hasher.clone();
                tokio::spawn(async move { h.hash(&format!("Correct-Horse-{i}")).await })
            })
            .collect();
        let mut hashes = Vec::new();
        for t in tasks {
            hashes.push(t.await.unwrap().unwrap());
        }
        let stats = hasher.stats();
        assert_eq!(stats.done, 4);
        assert_eq!(stats.most_running, 1, "{stats:?}");
        assert!(
            hasher
                .verify("Correct-Horse-2", Some(&hashes[2]))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("wrong", Some(&hashes[2])).await.unwrap());
        assert!(!hasher.verify("anything", None).await.unwrap());
    }
}
