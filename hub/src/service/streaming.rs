//! The streaming API's engine: each `hub serve` process polls the shared feed table
//! (`api_event`, written in the same transaction as every item and notification, whichever
//! process or federation path wrote it) a few times a second while anybody is connected, works
//! out once per event what the public streams need, and broadcasts it to its own connections.
//! A connection ([`Subscription`]) filters by its streams (`user`, `user:notification`,
//! `public`, `public:local`, `hashtag`, `hashtag:local`) and renders statuses for its caller
//! through the client API (and so the permission decider). Idle connections cost a broadcast
//! receiver and nothing else.
//!
//! Feed ids come from a sequence; on PostgreSQL a later id can commit before an earlier one, so
//! the poller keeps waiting for skipped ids for a few seconds before it gives up on them
//! (a rolled-back insert never arrives).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::client_api::{self, timelines};
use crate::service::oauth::Caller;
use crate::store;

/// How long a skipped feed id is waited for.
const GAP_WAIT: Duration = Duration::from_secs(10);
/// Events read per poll.
const BATCH: i64 = 500;
/// Events a slow connection may fall behind before it misses some.
const BACKLOG: usize = 4096;

/// What the public streams need of one event, worked out once by the poller.
#[derive(Debug, Clone)]
struct Public {
    /// Written here (for the `:local` streams).
    local: bool,
    /// Its hashtags.
    tags: Vec<String>,
    /// The status as anybody sees it (for `update` / `status.update`).
    payload: String,
}

/// One feed entry, as broadcast to the connections of this process.
#[derive(Debug, Clone)]
struct Event {
    uid: i64,
    kind: String,
    object: i64,
    public: Option<Public>,
}

/// The per-hub broadcaster (one per `Ctx`; the poller runs only while somebody listens).
#[derive(Debug)]
pub struct Streams {
    tx: broadcast::Sender<Arc<Event>>,
    running: AtomicBool,
    every: Duration,
}

impl Streams {
    /// A broadcaster polling every `every`.
    pub fn new(every: Duration) -> Self {
        let (tx, _) = broadcast::channel(BACKLOG);
        Self {
            tx,
            running: AtomicBool::new(false),
            every,
        }
    }

    /// Connections open in this process.
    pub fn connections(&self) -> usize {
        self.tx.receiver_count()
    }
}

/// A stream a connection listens to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stream {
    /// The caller's home timeline and notifications.
    User,
    /// The caller's notifications only.
    UserNotification,
    /// Public statuses; `local` only this hub's.
    Public {
        /// Only this hub's.
        local: bool,
    },
    /// Public statuses with a hashtag.
    Hashtag {
        /// The tag (lowercase, without `#`).
        tag: String,
        /// Only this hub's.
        local: bool,
    },
}

impl Stream {
    /// Reads a stream name (`user`, `public:local`, `hashtag` with `tag`, …).
    pub fn parse(name: &str, tag: Option<&str>) -> Result<Self> {
        let tag = || -> Result<String> {
            let t = tag
                .unwrap_or("")
                .trim()
                .trim_start_matches('#')
                .to_lowercase();
            if t.is_empty() || t.len() > 100 || !t.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                return Err(Error::new(ErrorKind::BadRequest(
                    "Missing or bad tag parameter.",
                )));
            }
            Ok(t)
        };
        Ok(match name {
            "user" => Self::User,
            "user:notification" => Self::UserNotification,
            "public" => Self::Public { local: false },
            "public:local" => Self::Public { local: true },
            "hashtag" => Self::Hashtag {
                tag: tag()?,
                local: false,
            },
            "hashtag:local" => Self::Hashtag {
                tag: tag()?,
                local: true,
            },
            _ => return Err(Error::new(ErrorKind::BadRequest("Unknown stream type."))),
        })
    }

    /// The `stream` array of its messages.
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::User => vec!["user".into()],
            Self::UserNotification => vec!["user:notification".into()],
            Self::Public { local: false } => vec!["public".into()],
            Self::Public { local: true } => vec!["public:local".into()],
            Self::Hashtag { tag, local } => vec![
                if *local { "hashtag:local" } else { "hashtag" }.to_string(),
                tag.clone(),
            ],
        }
    }

    fn needs_user(&self) -> bool {
        matches!(self, Self::User | Self::UserNotification)
    }
}

/// A message for a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The stream it belongs to.
    pub stream: Vec<String>,
    /// `update`, `status.update`, `delete` or `notification`.
    pub event: String,
    /// JSON of the entity (for `delete`, the status id).
    pub payload: String,
}

/// One connection's subscriptions.
pub struct Subscription {
    ctx: Ctx,
    channel: Option<Channel>,
    caller: Option<Caller>,
    streams: Vec<Stream>,
    rx: broadcast::Receiver<Arc<Event>>,
    ready: VecDeque<Message>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("streams", &self.streams)
            .finish_non_exhaustive()
    }
}

/// Opens a connection's subscription (no streams yet; see [`Subscription::add`]).
pub fn open(ctx: &Ctx, caller: Option<Caller>) -> Subscription {
    let rx = ctx.streams.tx.subscribe();
    ensure_poller(ctx);
    Subscription {
        ctx: ctx.clone(),
        channel: caller.as_ref().and_then(|c| c.channel.clone()),
        caller,
        streams: Vec::new(),
        rx,
        ready: VecDeque::new(),
    }
}

impl Subscription {
    /// Adds a stream: `user` streams need a token acting as a channel with `read:statuses`
    /// (or `read:notifications`), the public ones `read:statuses` when a token is given.
    pub fn add(&mut self, s: Stream) -> Result<()> {
        match (&self.caller, s.needs_user()) {
            (None, true) => {
                return Err(Error::new(ErrorKind::Unauthorized(
                    "This stream requires an authenticated user",
                )));
            }
            (Some(c), true) => {
                let scope = if s == Stream::UserNotification {
                    "read:notifications"
                } else {
                    "read:statuses"
                };
                c.need(scope)?;
            }
            (Some(c), false) => c.need_scope("read:statuses")?,
            (None, false) => {}
        }
        if !self.streams.contains(&s) {
            self.streams.push(s);
        }
        Ok(())
    }

    /// Removes a stream.
    pub fn remove(&mut self, s: &Stream) {
        self.streams.retain(|x| x != s);
    }

    /// The next message for this connection; `None` once the hub's broadcaster is gone.
    pub async fn next(&mut self) -> Option<Message> {
        loop {
            if let Some(m) = self.ready.pop_front() {
                return Some(m);
            }
            let ev = match self.rx.recv().await {
                Ok(ev) => ev,
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "a streaming connection fell behind");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            match self.messages_for(&ev).await {
                Ok(ms) => self.ready.extend(ms),
                Err(e) => tracing::warn!(error = %e, "streaming event not rendered"),
            }
        }
    }

    async fn messages_for(&self, ev: &Event) -> Result<Vec<Message>> {
        let mut out = Vec::new();
        let own = self.channel.as_ref().filter(|c| c.channel_id == ev.uid);
        for s in &self.streams {
            match s {
                Stream::User | Stream::UserNotification => {
                    let Some(ch) = own else { continue };
                    if ev.kind == store::api::EVENT_NOTIFICATION {
                        if let Some(m) = notification(&self.ctx, ch, ev.object).await? {
                            out.push(Message {
                                stream: s.names(),
                                event: "notification".into(),
                                payload: m,
                            });
                        }
                    } else if *s == Stream::User
                        && let Some((event, payload)) = home_event(&self.ctx, ch, ev).await?
                    {
                        out.push(Message {
                            stream: s.names(),
                            event,
                            payload,
                        });
                    }
                }
                Stream::Public { local } | Stream::Hashtag { local, .. } => {
                    let Some(p) = &ev.public else { continue };
                    if *local && !p.local {
                        continue;
                    }
                    if let Stream::Hashtag { tag, .. } = s
                        && !p.tags.contains(tag)
                    {
                        continue;
                    }
                    let (event, payload) = match ev.kind.as_str() {
                        store::api::EVENT_NEW => ("update", p.payload.clone()),
                        store::api::EVENT_EDITED => ("status.update", p.payload.clone()),
                        store::api::EVENT_DELETED => ("delete", ev.object.to_string()),
                        _ => continue,
                    };
                    out.push(Message {
                        stream: s.names(),
                        event: event.into(),
                        payload,
                    });
                }
            }
        }
        Ok(out)
    }
}

async fn notification(ctx: &Ctx, ch: &Channel, id: i64) -> Result<Option<String>> {
    let (c2, ch) = (ctx.clone(), ch.clone());
    ctx.db
        .run(
            move |conn| match store::notify::find(conn, ch.channel_id, id)? {
                Some(n) => {
                    let n = timelines::notification_of(conn, &c2, &ch, n)?;
                    Ok(Some(serde_json::to_string(&n).map_err(Error::internal)?))
                }
                None => Ok(None),
            },
        )
        .await
}

async fn home_event(ctx: &Ctx, ch: &Channel, ev: &Event) -> Result<Option<(String, String)>> {
    if ev.kind == store::api::EVENT_DELETED {
        return Ok(Some(("delete".into(), ev.object.to_string())));
    }
    let (c2, ch, id, kind) = (ctx.clone(), ch.clone(), ev.object, ev.kind.clone());
    ctx.db
        .run(move |conn| {
            let Some(row) = store::item::find_by_id(conn, id)?.filter(|r| !r.item_deleted) else {
                return Ok(None);
            };
            if row.verb != "Create" {
                return Ok(None);
            }
            let s = client_api::status_of(conn, &c2, Some(&ch), &row)?;
            let event = if kind == store::api::EVENT_EDITED {
                "status.update"
            } else {
                "update"
            };
            Ok(Some((
                event.to_string(),
                serde_json::to_string(&s).map_err(Error::internal)?,
            )))
        })
        .await
}

fn ensure_poller(ctx: &Ctx) {
    if ctx.streams.running.swap(true, Ordering::SeqCst) {
        return;
    }
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let mut poller = Poller {
            cursor: None,
            missing: HashMap::new(),
        };
        let mut tick = tokio::time::interval(ctx.streams.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if ctx.streams.tx.receiver_count() == 0 {
                ctx.streams.running.store(false, Ordering::SeqCst);
                // Somebody may have subscribed between the count and the store.
                if ctx.streams.tx.receiver_count() == 0
                    || ctx.streams.running.swap(true, Ordering::SeqCst)
                {
                    return;
                }
            }
            if let Err(e) = poller.round(&ctx).await {
                tracing::warn!(error = %e, "streaming feed poll failed");
            }
        }
    });
}

struct Poller {
    cursor: Option<i64>,
    missing: HashMap<i64, Instant>,
}

impl Poller {
    async fn round(&mut self, ctx: &Ctx) -> Result<()> {
        let cursor = match self.cursor {
            Some(c) => c,
            None => {
                let last = ctx.db.run(store::api::last_event).await?;
                self.cursor = Some(last);
                last
            }
        };
        let wanted: Vec<i64> = self.missing.keys().copied().collect();
        let c2 = ctx.clone();
        let (events, fresh_ids) = ctx
            .db
            .run(move |conn| {
                let fresh = store::api::events_after(conn, cursor, BATCH)?;
                let late = if wanted.is_empty() {
                    Vec::new()
                } else {
                    store::api::events_in(conn, &wanted)?
                };
                let mut out = Vec::new();
                for e in late.iter().chain(fresh.iter()) {
                    out.push((e.id, publicise(conn, &c2, e)?));
                }
                Ok((out, fresh.iter().map(|e| e.id).collect::<Vec<_>>()))
            })
            .await?;
        // Ids skipped over are waited for: they may belong to transactions still committing.
        let mut expected = cursor + 1;
        for id in &fresh_ids {
            // (A jump of thousands is a sequence reset, not transactions in flight.)
            for gap in expected..(*id).min(expected + 1000) {
                self.missing.entry(gap).or_insert_with(Instant::now);
            }
            expected = id + 1;
        }
        if let Some(max) = fresh_ids.last() {
            self.cursor = Some(*max);
        }
        for (id, ev) in events {
            self.missing.remove(&id);
            let _ = ctx.streams.tx.send(Arc::new(ev));
        }
        self.missing.retain(|_, since| since.elapsed() < GAP_WAIT);
        if self.missing.len() > 10_000 {
            self.missing.clear();
        }
        Ok(())
    }
}

/// The broadcast form of a feed entry: for items on the public timelines, the status as
/// anybody sees it.
fn publicise(conn: &mut store::AnyConnection, ctx: &Ctx, e: &store::api::Event) -> Result<Event> {
    let mut public = None;
    if e.kind != store::api::EVENT_NOTIFICATION
        && let Some(row) = store::item::find_by_id(conn, e.object)?
        && row.verb == "Create"
        && row.thr_parent.is_empty()
        && client_api::publicly_listed(conn, &row)?
    {
        let payload = if e.kind == store::api::EVENT_DELETED {
            String::new()
        } else {
            serde_json::to_string(&client_api::status_of(conn, ctx, None, &row)?)
                .map_err(Error::internal)?
        };
        public = Some(Public {
            local: row.item_origin,
            tags: client_api::hashtags(&row.body),
            payload,
        });
    }
    Ok(Event {
        uid: e.uid,
        kind: e.kind.clone(),
        object: e.object,
        public,
    })
}
