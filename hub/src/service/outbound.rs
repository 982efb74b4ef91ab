//! What this hub sends: envelopes for a change, put in the delivery queue in the same
//! transaction as the change (one row per destination hub, never per recipient), with the
//! envelope's `recipients` cut down to those living at each hub. The queue (`crate::queue`)
//! signs and sends them later.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use zot::message::{Envelope, MessageType};

use crate::error::Result;
use crate::store::{self, AnyConnection};

/// Who a message goes to.
#[derive(Debug, Clone)]
pub enum Audience {
    /// These identities only (a private envelope; encrypted for each hub).
    Private(Vec<String>),
    /// Every hub of these identities (a public envelope: no `recipients`).
    Public(Vec<String>),
}

/// One message to queue.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The sending channel (its id signs; its portable id is `sender`).
    pub channel_id: i64,
    /// Its portable id.
    pub sender: &'a str,
    /// Our site id.
    pub site_id: &'a str,
    /// Message type.
    pub kind: MessageType,
    /// `(encoding, data)`, if the type has a payload.
    pub data: Option<(&'a str, serde_json::Value)>,
    /// The item it carries, for the delivery status.
    pub mid: &'a str,
}

/// The live locations of these identities, grouped by hub (Zot endpoint), each with the
/// identities living there.
pub fn hubs_of(
    conn: &mut AnyConnection,
    identities: &[String],
) -> Result<BTreeMap<String, Vec<String>>> {
    let mut hubs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for hash in identities {
        for h in store::hubloc::find_by_hash(conn, hash)? {
            let entry = hubs.entry(h.hubloc_callback.clone()).or_default();
            if !entry.contains(hash) {
                entry.push(hash.clone());
            }
        }
    }
    Ok(hubs)
}

/// Queues a message for every hub of its audience; returns the number of hubs.
pub fn queue(
    conn: &mut AnyConnection,
    msg: &Outgoing<'_>,
    audience: &Audience,
    now: NaiveDateTime,
) -> Result<usize> {
    let (identities, private) = match audience {
        Audience::Private(ids) => (ids, true),
        Audience::Public(ids) => (ids, false),
    };
    let hubs = hubs_of(conn, identities)?;
    for (callback, here) in &hubs {
        let mut env = Envelope::new(msg.kind.clone(), msg.sender, msg.site_id);
        if let Some((encoding, data)) = &msg.data {
            env = env.with_data(encoding, data.clone());
        }
        if private {
            env = env.with_recipients(here.clone());
        }
        let json = serde_json::to_string(&env)
            .map_err(|e| crate::error::Error::internal(anyhow::anyhow!("envelope: {e}")))?;
        store::outq::enqueue(conn, callback, msg.channel_id, &json, private, msg.mid, now)?;
    }
    Ok(hubs.len())
}

/// Queues a message for the channel `hash`'s other locations (every hub it lives at but this
/// one, `own_callback`). A sync message goes in Caravan's encoding (`msg.data`) to Caravan
/// hubs and as `hz`, when the change has a Hubzilla form, to Hubzilla hubs (which understand
/// nothing else); a message without data (a refresh) goes to all. Returns the number of hubs.
pub fn queue_to_other_locations(
    conn: &mut AnyConnection,
    msg: &Outgoing<'_>,
    hz: Option<&serde_json::Value>,
    hash: &str,
    own_callback: &str,
    now: NaiveDateTime,
) -> Result<usize> {
    let mut n = 0;
    let mut seen = Vec::new();
    for h in store::hubloc::find_by_hash(conn, hash)? {
        let callback = h.hubloc_callback.clone();
        if callback == own_callback || seen.contains(&callback) {
            continue;
        }
        seen.push(callback.clone());
        let hubzilla = store::site::find_site(conn, h.hubloc_url.trim_end_matches('/'))?
            .is_some_and(|s| s.site_project == "hubzilla");
        let data = if hubzilla && msg.data.is_some() {
            match hz {
                Some(v) => Some((zot::hz::ENCODING, v.clone())),
                None => continue,
            }
        } else {
            msg.data.clone()
        };
        let mut env = Envelope::new(msg.kind.clone(), msg.sender, msg.site_id);
        if let Some((encoding, data)) = data {
            env = env.with_data(encoding, data);
        }
        env = env.with_recipients(vec![hash.to_string()]);
        let json = serde_json::to_string(&env)
            .map_err(|e| crate::error::Error::internal(anyhow::anyhow!("envelope: {e}")))?;
        store::outq::enqueue(conn, &callback, msg.channel_id, &json, true, msg.mid, now)?;
        n += 1;
    }
    Ok(n)
}
