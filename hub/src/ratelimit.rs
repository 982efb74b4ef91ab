//! Per-client rate limits (login, registration): fixed windows keyed by action and client
//! address, timed by the hub's clock so tests can move past a window. Hand-written because the
//! rate-limit crates read the system clock, which tests could not control.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, ErrorKind, Result};

/// Attempts counted so far: (action, client) → (window start, attempts in it).
type Windows = HashMap<(&'static str, IpAddr), (DateTime<Utc>, u32)>;

/// Counts attempts per (action, client) in fixed windows.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

impl RateLimiter {
    /// Counts one attempt; fails with `RateLimited` once `limit` attempts were made in the
    /// current window of length `window`.
    pub fn hit(
        &self,
        action: &'static str,
        client: IpAddr,
        limit: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 50_000 {
            map.retain(|_, (start, _)| *start + window > now);
        }
        let entry = map.entry((action, client)).or_insert((now, 0));
        if entry.0 + window <= now {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            return Err(Error::new(ErrorKind::RateLimited));
        }
        entry.1 += 1;
        Ok(())
    }
}
