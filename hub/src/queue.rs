//! The delivery queue's worker (design and diagram: docs/federation.md). Messages wait in
//! `outq` (written in the transaction of the change that caused them); each destination hub has
//! a `dest` row with its failures, next attempt and lease. [`run_due`] takes every due
//! destination whose lease it can get (an atomic conditional update, so several `hub serve`
//! processes on one database never deliver the same destination at once) and delivers its
//! messages oldest first, one request in flight per destination, destinations in parallel.
//! Requests are signed when sent (a fresh Date on every retry); 4xx answers that can never
//! succeed drop the message with the reason, 5xx and network errors back off exponentially with
//! jitter, and a destination failing for `federation.dead_after_days` is left alone until it
//! contacts us. Production runs [`spawn`]; tests call [`run_due`] through `TestNet::drain()`.

use std::sync::Arc;

use chrono::Duration;
use rand::Rng;
use tokio::sync::Notify;
use zot::message::ZotResponse;

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::net::Signer;
use crate::store::{self, outq::Outq};

/// How long a worker holds a destination.
const LEASE_MINUTES: i64 = 10;
/// Messages sent to one destination in one round (then the others get their turn).
const BATCH: usize = 200;
/// Destinations handled in one round.
const DESTINATIONS_PER_ROUND: i64 = 64;
/// The first retry waits this long; each further failure doubles it, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF_SECS: i64 = 30;
const MAX_BACKOFF_SECS: i64 = 3600;

/// The queue of one hub: its worker id (for leases) and the bell that wakes its worker.
#[derive(Debug, Clone)]
pub struct Queue {
    owner: String,
    wake: Arc<Notify>,
}

impl Default for Queue {
    fn default() -> Self {
        Self {
            owner: uuid::Uuid::new_v4().to_string(),
            wake: Arc::new(Notify::new()),
        }
    }
}

impl Queue {
    /// Wakes the worker: something was queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The wait before the next attempt after `failures` failures in a row: 30 s doubling up to
/// an hour, plus up to 20 % jitter so that hubs coming back are not hit all at once.
pub fn backoff(failures: i32) -> Duration {
    let doublings = (failures.max(1) - 1).min(20) as u32;
    let base = (FIRST_BACKOFF_SECS << doublings).min(MAX_BACKOFF_SECS);
    let jitter = rand::rng().random_range(0..=base / 5);
    Duration::seconds(base + jitter)
}

/// What became of one send.
#[derive(Debug)]
enum Outcome {
    /// Accepted; the receiver's report.
    Delivered(String, String),
    /// Refused for good; why.
    Dropped(String),
    /// Try again later; why.
    Retry(String),
}

/// Delivers everything that is due now, once per destination; returns how many messages were
/// attempted (0: nothing was due).
pub async fn run_due(ctx: &Ctx) -> Result<usize> {
    let now = ctx.clock.now_db();
    let due = ctx
        .db
        .run(move |conn| store::outq::due_destinations(conn, now, DESTINATIONS_PER_ROUND))
        .await?;
    let runs = due.into_iter().map(|d| deliver_destination(ctx, d));
    let mut attempted = 0;
    for r in futures_util::future::join_all(runs).await {
        match r {
            Ok(n) => attempted += n,
            Err(e) => tracing::error!(error = %e, "delivery round failed"),
        }
    }
    Ok(attempted)
}

async fn deliver_destination(ctx: &Ctx, dest: String) -> Result<usize> {
    let now = ctx.clock.now_db();
    let owner = ctx.queue.owner.clone();
    let (d, o) = (dest.clone(), owner.clone());
    let until = now + Duration::minutes(LEASE_MINUTES);
    if !ctx
        .db
        .run(move |conn| store::outq::take_lease(conn, &d, &o, now, until))
        .await?
    {
        return Ok(0);
    }
    let result = deliver_leased(ctx, &dest).await;
    let (d, o) = (dest.clone(), owner);
    ctx.db
        .run(move |conn| store::outq::release_lease(conn, &d, &o))
        .await?;
    result
}

async fn deliver_leased(ctx: &Ctx, dest: &str) -> Result<usize> {
    let mut attempted = 0;
    while attempted < BATCH {
        let d = dest.to_string();
        let Some(row) = ctx
            .db
            .run(move |conn| store::outq::next_for(conn, &d))
            .await?
        else {
            break;
        };
        attempted += 1;
        let outcome = send(ctx, &row).await;
        let now = ctx.clock.now_db();
        let id = row.outq_id;
        let d = dest.to_string();
        match outcome {
            Outcome::Delivered(status, detail) => {
                tracing::debug!(dest, message = id, %status, "delivered");
                ctx.db
                    .tx(move |conn| {
                        store::outq::finish(conn, id, &status, &detail, now)?;
                        store::outq::dest_succeeded(conn, &d, now)
                    })
                    .await?;
            }
            Outcome::Dropped(why) => {
                tracing::warn!(dest, message = id, reason = %why, "delivery refused for good; dropped");
                ctx.db
                    .tx(move |conn| {
                        store::outq::finish(conn, id, "failed", &why, now)?;
                        store::outq::dest_succeeded(conn, &d, now)
                    })
                    .await?;
            }
            Outcome::Retry(why) => {
                let dead_after = Duration::days(i64::from(ctx.config.federation.dead_after_days));
                tracing::info!(dest, message = id, reason = %why, "delivery failed; will retry");
                ctx.db
                    .tx(move |conn| {
                        let Some(state) = store::outq::find_dest(conn, &d)? else {
                            return Ok(());
                        };
                        let first = state.dest_first_failure.unwrap_or(now);
                        let dead = first + dead_after <= now;
                        let next = now + backoff(state.dest_failures + 1);
                        store::outq::dest_failed(conn, &state, &why, next, now, dead)?;
                        if dead {
                            tracing::warn!(dest = %d, "destination failing too long: marked dead until it contacts us");
                        }
                        Ok(())
                    })
                    .await?;
                break;
            }
        }
    }
    Ok(attempted)
}

/// Signs (now) and sends one queued message. A row for a location's `/getfile` is a cloud
/// file's content to fetch (`service::file_sync`), one for a server's `/photo` a remote
/// channel's photo (`service::photo`): they get the same order, backoff and leases.
async fn send(ctx: &Ctx, row: &Outq) -> Outcome {
    if crate::service::file_sync::is_fetch(row) || crate::service::photo::is_fetch(row) {
        use crate::service::file_sync::Fetched;
        let fetched = if crate::service::photo::is_fetch(row) {
            crate::service::photo::fetch(ctx, row).await
        } else {
            crate::service::file_sync::fetch(ctx, row).await
        };
        return match fetched {
            Fetched::Done(what) => Outcome::Delivered(what, String::new()),
            Fetched::Dropped(why) => Outcome::Dropped(why),
            Fetched::Retry(why) => Outcome::Retry(why),
        };
    }
    match try_send(ctx, row).await {
        Ok(o) => o,
        Err(e) => match e.kind {
            crate::error::ErrorKind::Remote(_) => Outcome::Retry(format!("{e}")),
            _ => Outcome::Dropped(format!("{e}")),
        },
    }
}

/// A queued message as it would be sent now: signed by its channel, encrypted for the
/// destination's site key when private (the flag says whether it was).
pub async fn prepare(ctx: &Ctx, row: &Outq) -> Result<(crate::net::Prepared, bool)> {
    match build(ctx, row).await? {
        Ok(p) => Ok(p),
        Err(outcome) => Err(Error::internal(anyhow::anyhow!(
            "cannot build: {outcome:?}"
        ))),
    }
}

async fn build(
    ctx: &Ctx,
    row: &Outq,
) -> Result<std::result::Result<(crate::net::Prepared, bool), Outcome>> {
    let channel_id = row.outq_channel;
    let dest = row.outq_dest.clone();
    let site_url = dest.trim_end_matches("/zot").to_string();
    let d2 = dest.clone();
    let (channel, site, location_key) = ctx
        .db
        .run(move |conn| {
            Ok((
                store::channel::find(conn, channel_id)?,
                store::site::find_site(conn, &site_url)?,
                store::hubloc::sitekey_of_callback(conn, &d2)?,
            ))
        })
        .await?;
    let Some(channel) = channel else {
        return Ok(Err(Outcome::Dropped(
            "the sending channel no longer exists".into(),
        )));
    };
    let key = zot::keys::RsaKeypair::from_private_pem(&channel.channel_prvkey)?;
    let mut body = row.outq_msg.clone().into_bytes();
    let mut encrypted = false;
    if row.outq_encrypt {
        // The site's own record, else the key a verified location of it names (a clone's
        // hub we only know through the channel's locations); every Zot6 hub reads aes256ctr.
        let (key, offers) = match (site, location_key) {
            (Some(s), _) => (s.site_sitekey, s.site_crypto),
            (None, Some(k)) => (k, zot::crypt::AES256CTR_OAEP.to_string()),
            (None, None) => {
                return Ok(Err(Outcome::Retry(
                    "the destination's site key is not known yet".into(),
                )));
            }
        };
        let offers: Vec<String> = offers.split(',').map(str::to_string).collect();
        if zot::crypt::best_algorithm(&offers).is_some() {
            let to = zot::keys::PublicKey::from_pem(&key)?;
            let enc = zot::crypt::encrypt(&body, &to)?;
            body = serde_json::to_vec(&enc).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
            encrypted = true;
        }
    }
    let key_id = ctx.uris.channel(&channel.channel_address);
    let signer = Signer {
        key: &key,
        key_id: &key_id,
        algorithm: zot::httpsig::Algorithm::RsaSha512,
        headers: &["x-zot-token", "digest", "content-type", "(request-target)"],
        as_authorization: false,
    };
    let token = uuid::Uuid::new_v4().simple().to_string();
    let headers = [
        ("x-zot-token", token),
        (
            "content-type",
            crate::service::discovery::ZOT_JSON.to_string(),
        ),
        ("accept", crate::service::discovery::ZOT_JSON.to_string()),
    ];
    let prepared = ctx.net.prepare(
        reqwest::Method::POST,
        &dest,
        &headers,
        Some(body),
        Some(&signer),
    )?;
    Ok(Ok((prepared, encrypted)))
}

async fn try_send(ctx: &Ctx, row: &Outq) -> Result<Outcome> {
    let (prepared, encrypted) = match build(ctx, row).await? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    let fetched = ctx.net.send_prepared(prepared).await?;
    Ok(classify(ctx, fetched.status, &fetched.body, encrypted))
}

/// Sorts an answer into delivered, dropped for good, or retry.
fn classify(ctx: &Ctx, status: u16, body: &[u8], encrypted: bool) -> Outcome {
    match status {
        200..=299 => {}
        408 | 425 | 429 => return Outcome::Retry(format!("HTTP {status}")),
        400..=499 => return Outcome::Dropped(format!("HTTP {status}")),
        _ => return Outcome::Retry(format!("HTTP {status}")),
    }
    let plain = match zot::crypt::Encrypted::from_json(body) {
        Ok(Some(enc)) if encrypted || enc.encrypted => {
            match zot::crypt::decrypt(&enc, &ctx.site.keypair) {
                Ok(p) => p,
                Err(e) => {
                    return Outcome::Delivered(
                        "delivered".into(),
                        format!("unreadable report: {e}"),
                    );
                }
            }
        }
        _ => body.to_vec(),
    };
    match ZotResponse::from_json(&plain) {
        Ok(r) if r.success => {
            let statuses: Vec<&str> = r.reports().iter().map(|d| d.status.as_str()).collect();
            let status = if statuses.is_empty() {
                "delivered".to_string()
            } else {
                statuses.join(", ")
            };
            Outcome::Delivered(status, String::new())
        }
        Ok(r) => Outcome::Dropped(format!(
            "refused: {}",
            r.message.as_deref().unwrap_or("no reason given")
        )),
        Err(_) => Outcome::Delivered("delivered".into(), "no readable report".into()),
    }
}

/// Runs the worker until the hub stops: a round whenever something was queued here, and every
/// two seconds for what other processes queued or what became due; prunes old reports hourly.
pub fn spawn(ctx: Ctx) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_prune = ctx.clock.now();
        let mut last_lifecycle = ctx.clock.now();
        loop {
            let n = match run_due(&ctx).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "delivery worker");
                    0
                }
            };
            // Deletions whose grace period is over (service::lifecycle), once a minute.
            if ctx.clock.now() - last_lifecycle > Duration::minutes(1) {
                last_lifecycle = ctx.clock.now();
                if let Err(e) = crate::service::lifecycle::run_due(&ctx).await {
                    tracing::error!(error = %e, "account lifecycle job");
                }
            }
            if ctx.clock.now() - last_prune > Duration::hours(1) {
                last_prune = ctx.clock.now();
                if let Err(e) = prune(&ctx).await {
                    tracing::error!(error = %e, "pruning delivery reports");
                }
            }
            if n == 0 {
                tokio::select! {
                    () = ctx.queue.wake.notified() => {}
                    () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
                }
            }
        }
    })
}

/// Every destination with its undelivered count and oldest undelivered message.
pub async fn status(
    ctx: &Ctx,
) -> Result<Vec<(store::outq::Dest, i64, Option<chrono::NaiveDateTime>)>> {
    ctx.db.run(store::outq::status).await
}

/// Deletes delivery reports older than `federation.report_days`, streaming feed entries and
/// authorisation codes older than an hour.
pub async fn prune(ctx: &Ctx) -> Result<usize> {
    let before = ctx.clock.now_db() - Duration::days(i64::from(ctx.config.federation.report_days));
    let hour_ago = ctx.clock.now_db() - Duration::hours(1);
    ctx.db
        .run(move |conn| {
            // The streaming feed is only read live; codes live ten minutes.
            store::api::prune_events(conn, hour_ago)?;
            store::oauth::prune_codes(conn, hour_ago)?;
            store::outq::prune(conn, before)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        for (failures, base) in [(1, 30), (2, 60), (3, 120), (8, 3600), (40, 3600)] {
            for _ in 0..20 {
                let d = backoff(failures).num_seconds();
                assert!(d >= base && d <= base + base / 5, "{failures}: {d}");
            }
        }
    }
}
