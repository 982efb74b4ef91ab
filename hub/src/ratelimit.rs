//! Per-client rate limits (login, registration; per token for the client API): fixed windows keyed by action and client
//! address, timed by the hub's clock so tests can move past a window. Hand-written because the
//! rate-limit crates read the system clock, which tests could not control.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, ErrorKind, Result};

/// Who is counted: a client address, or an API token (by row id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    Ip(IpAddr),
    Token(i64),
}

/// Attempts counted so far: (action, who) → (window start, attempts in it).
type Windows = HashMap<(&'static str, Who), (DateTime<Utc>, u32)>;

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
        self.count(action, Who::Ip(client), limit, window, now)
    }

    /// [`RateLimiter::hit`] for an API token (per-token limits of the client API).
    pub fn hit_token(
        &self,
        action: &'static str,
        token_id: i64,
        limit: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.count(action, Who::Token(token_id), limit, window, now)
    }

    fn count(
        &self,
        action: &'static str,
        who: Who,
        limit: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 50_000 {
            map.retain(|_, (start, _)| *start + window > now);
        }
        let entry = map.entry((action, who)).or_insert((now, 0));
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
