//! The delivery queue's rows: `outq` (one message for one destination hub, in order, kept after
//! delivery as its report until pruned) and `dest` (the state of each destination: failures,
//! next attempt, last error, dead, and the lease of the process delivering to it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{dest, outq};
use crate::error::Result;

/// A queued message.
#[derive(Debug, Clone, Queryable)]
pub struct Outq {
    /// Row id (the order of delivery per destination).
    pub outq_id: i64,
    /// Destination: the hub's Zot endpoint (`<url>/zot`).
    pub outq_dest: String,
    /// The sending channel (signs the request).
    pub outq_channel: i64,
    /// The envelope, JSON, unsigned and unencrypted.
    pub outq_msg: String,
    /// Encrypt for the destination's site key at send time.
    pub outq_encrypt: bool,
    /// The item it carries (for the author's delivery status), or empty.
    pub outq_mid: String,
    /// Queued at.
    pub outq_created: NaiveDateTime,
    /// Delivered or given up at.
    pub outq_done: Option<NaiveDateTime>,
    /// `queued`, `delivered`, `failed`, or the receiver's report status.
    pub outq_status: String,
    /// Why it failed, or the receiver's report.
    pub outq_detail: String,
}

/// A destination's delivery state.
#[derive(Debug, Clone, Queryable)]
pub struct Dest {
    /// The Zot endpoint.
    pub dest_url: String,
    /// Failures in a row.
    pub dest_failures: i32,
    /// Not tried before this time.
    pub dest_next: NaiveDateTime,
    /// When the current run of failures began.
    pub dest_first_failure: Option<NaiveDateTime>,
    /// The last failure.
    pub dest_last_error: String,
    /// The last success.
    pub dest_last_success: Option<NaiveDateTime>,
    /// Not tried until it contacts us.
    pub dest_dead: bool,
    /// The worker holding it.
    pub dest_lease_owner: String,
    /// Until when.
    pub dest_lease_until: Option<NaiveDateTime>,
}

/// Queues a message for a destination and makes sure the destination has a state row.
pub fn enqueue(
    conn: &mut AnyConnection,
    dest_url: &str,
    channel_id: i64,
    msg: &str,
    encrypt: bool,
    mid: &str,
    now: NaiveDateTime,
) -> Result<i64> {
    let id = diesel::insert_into(outq::table)
        .values((
            outq::outq_dest.eq(dest_url),
            outq::outq_channel.eq(channel_id),
            outq::outq_msg.eq(msg),
            outq::outq_encrypt.eq(encrypt),
            outq::outq_mid.eq(mid),
            outq::outq_created.eq(now),
        ))
        .returning(outq::outq_id)
        .get_result(conn)?;
    let exists: i64 = dest::table
        .filter(dest::dest_url.eq(dest_url))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(dest::table)
            .values((dest::dest_url.eq(dest_url), dest::dest_next.eq(now)))
            .execute(conn)?;
    }
    Ok(id)
}

/// Destinations with undelivered messages that are due, not dead and not leased by a live
/// worker, soonest first.
pub fn due_destinations(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>> {
    let pending = outq::table
        .filter(outq::outq_done.is_null())
        .select(outq::outq_dest);
    Ok(dest::table
        .filter(dest::dest_next.le(now))
        .filter(dest::dest_dead.eq(false))
        .filter(
            dest::dest_lease_until
                .is_null()
                .or(dest::dest_lease_until.lt(now)),
        )
        .filter(dest::dest_url.eq_any(pending))
        .order(dest::dest_next.asc())
        .limit(limit)
        .select(dest::dest_url)
        .load::<String>(conn)?)
}

/// Takes the lease of a destination if nobody holds a live one; true when taken. One atomic
/// conditional update, so two processes on one database never both win.
pub fn take_lease(
    conn: &mut AnyConnection,
    dest_url: &str,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<bool> {
    let n = diesel::update(
        dest::table.filter(dest::dest_url.eq(dest_url)).filter(
            dest::dest_lease_until
                .is_null()
                .or(dest::dest_lease_until.lt(now)),
        ),
    )
    .set((
        dest::dest_lease_owner.eq(owner),
        dest::dest_lease_until.eq(Some(until)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives a lease back.
pub fn release_lease(conn: &mut AnyConnection, dest_url: &str, owner: &str) -> Result<()> {
    diesel::update(
        dest::table
            .filter(dest::dest_url.eq(dest_url))
            .filter(dest::dest_lease_owner.eq(owner)),
    )
    .set((
        dest::dest_lease_owner.eq(""),
        dest::dest_lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// The oldest undelivered message for a destination.
pub fn next_for(conn: &mut AnyConnection, dest_url: &str) -> Result<Option<Outq>> {
    Ok(outq::table
        .filter(outq::outq_dest.eq(dest_url))
        .filter(outq::outq_done.is_null())
        .order(outq::outq_id.asc())
        .first::<Outq>(conn)
        .optional()?)
}

/// Records the outcome of a message (delivered, or dropped for good).
pub fn finish(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    detail: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(outq::table.find(id))
        .set((
            outq::outq_done.eq(Some(at)),
            outq::outq_status.eq(status),
            outq::outq_detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The state of a destination.
pub fn find_dest(conn: &mut AnyConnection, dest_url: &str) -> Result<Option<Dest>> {
    Ok(dest::table.find(dest_url).first::<Dest>(conn).optional()?)
}

/// Records a success: failures cleared.
pub fn dest_succeeded(conn: &mut AnyConnection, dest_url: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(dest::table.find(dest_url))
        .set((
            dest::dest_failures.eq(0),
            dest::dest_first_failure.eq(None::<NaiveDateTime>),
            dest::dest_last_error.eq(""),
            dest::dest_last_success.eq(Some(at)),
            dest::dest_next.eq(at),
            dest::dest_dead.eq(false),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failure and the next attempt; `dead` stops attempts until the hub contacts us.
pub fn dest_failed(
    conn: &mut AnyConnection,
    d: &Dest,
    error: &str,
    next: NaiveDateTime,
    now: NaiveDateTime,
    dead: bool,
) -> Result<()> {
    diesel::update(dest::table.find(&d.dest_url))
        .set((
            dest::dest_failures.eq(d.dest_failures.saturating_add(1)),
            dest::dest_first_failure.eq(Some(d.dest_first_failure.unwrap_or(now))),
            dest::dest_last_error.eq(error),
            dest::dest_next.eq(next),
            dest::dest_dead.eq(dead),
        ))
        .execute(conn)?;
    Ok(())
}

/// A hub we had given up on contacted us: try it again now.
pub fn revive(conn: &mut AnyConnection, dest_url: &str, now: NaiveDateTime) -> Result<usize> {
    Ok(diesel::update(dest::table.find(dest_url))
        .set((
            dest::dest_dead.eq(false),
            dest::dest_failures.eq(0),
            dest::dest_first_failure.eq(None::<NaiveDateTime>),
            dest::dest_next.eq(now),
        ))
        .execute(conn)?)
}

/// Every destination with its undelivered count and oldest undelivered time (queue status).
pub fn status(conn: &mut AnyConnection) -> Result<Vec<(Dest, i64, Option<NaiveDateTime>)>> {
    let dests = dest::table.order(dest::dest_url.asc()).load::<Dest>(conn)?;
    let mut out = Vec::with_capacity(dests.len());
    for d in dests {
        let depth: i64 = outq::table
            .filter(outq::outq_dest.eq(&d.dest_url))
            .filter(outq::outq_done.is_null())
            .count()
            .get_result(conn)?;
        let oldest: Option<NaiveDateTime> = outq::table
            .filter(outq::outq_dest.eq(&d.dest_url))
            .filter(outq::outq_done.is_null())
            .select(diesel::dsl::min(outq::outq_created))
            .first(conn)?;
        out.push((d, depth, oldest));
    }
    Ok(out)
}

/// The queue rows of an item (its delivery status), oldest first.
pub fn find_by_mid(conn: &mut AnyConnection, mid: &str) -> Result<Vec<Outq>> {
    Ok(outq::table
        .filter(outq::outq_mid.eq(mid))
        .order(outq::outq_id.asc())
        .load::<Outq>(conn)?)
}

/// Deletes finished rows older than `before`; returns how many.
pub fn prune(conn: &mut AnyConnection, before: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(outq::table.filter(outq::outq_done.lt(before))).execute(conn)?)
}

/// Undelivered messages for a destination.
pub fn depth_of(conn: &mut AnyConnection, dest_url: &str) -> Result<i64> {
    Ok(outq::table
        .filter(outq::outq_dest.eq(dest_url))
        .filter(outq::outq_done.is_null())
        .count()
        .get_result(conn)?)
}

/// Undelivered messages in total.
pub fn depth(conn: &mut AnyConnection) -> Result<i64> {
    Ok(outq::table
        .filter(outq::outq_done.is_null())
        .count()
        .get_result(conn)?)
}

/// Every message for a destination, done or not, in order.
pub fn find_by_dest_all(conn: &mut AnyConnection, dest_url: &str) -> Result<Vec<Outq>> {
    Ok(outq::table
        .filter(outq::outq_dest.eq(dest_url))
        .order(outq::outq_id.asc())
        .load::<Outq>(conn)?)
}

/// Deletes every queued message of a channel (it is being purged).
pub fn delete_of_channel(conn: &mut AnyConnection, channel_id: i64) -> Result<usize> {
    Ok(diesel::delete(outq::table.filter(outq::outq_channel.eq(channel_id))).execute(conn)?)
}
