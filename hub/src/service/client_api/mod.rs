//! The Mastodon-compatible client API over channels: accounts are channels (and the identities
//! they know), statuses are items, follows are connections, favourites are likes. This module
//! renders rows as the API's entities and finds what a caller may see; its submodules are the
//! operations, one per API section. Every visibility question goes to `service::perms`.

pub mod accounts;
pub mod entity;
pub mod instance;
pub mod statuses;
pub mod timelines;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::perms::{self, ChannelAccess, Observer};
use crate::store::{self, AnyConnection};

pub use entity::{Account, Notification, Relationship, Status};

/// Largest page an API list returns.
pub const MAX_LIMIT: i64 = 40;
/// Default page size.
pub const DEFAULT_LIMIT: i64 = 20;

/// Paging parameters of a list (`max_id`, `since_id`, `min_id`, `limit`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Paging {
    /// Older than this id.
    pub max_id: Option<i64>,
    /// Newer than this id (newest first).
    pub since_id: Option<i64>,
    /// Newer than this id (oldest first: the page just after it).
    pub min_id: Option<i64>,
    /// Page size (default 20, at most 40).
    pub limit: Option<i64>,
}

impl Paging {
    /// Reads the string parameters; ids must be positive integers, `limit` 1 to 40 (larger
    /// is lowered to 40, as Mastodon does).
    pub fn parse(
        max_id: Option<&str>,
        since_id: Option<&str>,
        min_id: Option<&str>,
        limit: Option<&str>,
    ) -> Result<Self> {
        let id = |v: Option<&str>| -> Result<Option<i64>> {
            match v.map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .map(Some)
                    .ok_or_else(|| Error::new(ErrorKind::BadRequest("Invalid pagination id."))),
            }
        };
        let limit = match limit.map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| Error::new(ErrorKind::BadRequest("Invalid limit.")))?
                    .min(MAX_LIMIT),
            ),
        };
        Ok(Self {
            max_id: id(max_id)?,
            since_id: id(since_id)?,
            min_id: id(min_id)?,
            limit,
        })
    }

    fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    fn bounds(&self) -> store::api::Bounds {
        match self.min_id {
            Some(min) => store::api::Bounds {
                since: min,
                max: self.max_id.unwrap_or(0),
                oldest_first: true,
            },
            None => store::api::Bounds {
                since: self.since_id.unwrap_or(0),
                max: self.max_id.unwrap_or(0),
                oldest_first: false,
            },
        }
    }
}

/// One page of a list, newest first, with the ids the `Link` header points on from.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The entries.
    pub items: Vec<T>,
    /// `max_id` of the next (older) page, when there may be one.
    pub next_max_id: Option<i64>,
    /// `min_id` of the previous (newer) page.
    pub prev_min_id: Option<i64>,
}

impl<T> Page<T> {
    fn of(mut rows: Vec<(i64, T)>, paging: &Paging, more: bool) -> Self {
        if paging.min_id.is_some() {
            rows.reverse();
        }
        let newest = rows.first().map(|r| r.0);
        let oldest = rows.last().map(|r| r.0);
        Self {
            next_max_id: if more || paging.min_id.is_some() {
                oldest
            } else {
                None
            },
            prev_min_id: newest,
            items: rows.into_iter().map(|r| r.1).collect(),
        }
    }
}

/// One page of the rows a viewer may see: rows come from `fetch` in batches (the bounds move
/// past each batch), `keep` decides on each, so pages stay full however many rows are
/// hidden; at most ten batches. Returns the rows and whether there are more.
pub(crate) fn fill_page(
    conn: &mut AnyConnection,
    paging: &Paging,
    mut fetch: impl FnMut(&mut AnyConnection, store::api::Bounds, i64) -> Result<Vec<store::item::Item>>,
    mut keep: impl FnMut(&mut AnyConnection, &store::item::Item) -> Result<bool>,
) -> Result<(Vec<store::item::Item>, bool)> {
    let limit = paging.limit();
    let mut bounds = paging.bounds();
    let mut rows = Vec::new();
    for _ in 0..10 {
        let batch = fetch(conn, bounds, limit * 2)?;
        let n = batch.len() as i64;
        for r in batch {
            if bounds.oldest_first {
                bounds.since = r.id;
            } else {
                bounds.max = r.id;
            }
            if keep(conn, &r)? {
                if rows.len() as i64 == limit {
                    return Ok((rows, true));
                }
                rows.push(r);
            }
        }
        if n < limit * 2 {
            break;
        }
    }
    Ok((rows, false))
}

/// The caller's channel, as seen by the decider.
fn observer(viewer: Option<&Channel>) -> Observer {
    match viewer {
        Some(c) => Observer::Identity(c.channel_hash.clone()),
        None => Observer::Anonymous,
    }
}

fn nick_of(addr: &str) -> &str {
    addr.split('@').next().unwrap_or(addr)
}

/// The account entity of an identity (a channel here or one known from elsewhere).
pub(crate) fn account_of(conn: &mut AnyConnection, ctx: &Ctx, hash: &str) -> Result<Account> {
    let x = store::xchan::find(conn, hash)?;
    let local = store::channel::find_by_hash(conn, hash)?;
    let (addr, url, name, created) = match (&x, &local) {
        (Some(x), _) => (
            x.xchan_addr.clone(),
            x.xchan_url.clone(),
            x.xchan_name.clone(),
            x.xchan_name_date,
        ),
        (None, Some(c)) => (
            ctx.uris.address(&c.channel_address),
            ctx.uris.channel(&c.channel_address),
            c.channel_name.clone(),
            c.channel_created,
        ),
        (None, None) => (
            String::new(),
            String::new(),
            String::new(),
            ctx.clock.now_db(),
        ),
    };
    let username = nick_of(&addr).to_string();
    let header = if store::photo::find(conn, hash, crate::service::photo::COVER)?.is_some() {
        ctx.uris.photo(hash, crate::service::photo::COVER)
    } else {
        ctx.uris.page("/static/img/header.svg")
    };
    let mut account = Account {
        id: hash.to_string(),
        acct: addr.clone(),
        username,
        uri: url.clone(),
        url,
        display_name: name,
        note: String::new(),
        // The 300px photo (or the generated avatar), served for local and remote alike.
        avatar: ctx.uris.photo(hash, "l"),
        avatar_static: ctx.uris.photo(hash, "l"),
        header: header.clone(),
        header_static: header,
        locked: false,
        fields: Vec::new(),
        emojis: Vec::new(),
        bot: false,
        group: false,
        discoverable: false,
        indexable: false,
        hide_collections: false,
        created_at: entity::time(created),
        last_status_at: None,
        statuses_count: 0,
        followers_count: 0,
        following_count: 0,
        roles: Vec::new(),
        source: None,
    };
    if let Some(c) = local {
        let ch = Channel::from(c);
        account.acct = ch.channel_address.clone();
        account.username = ch.channel_address.clone();
        account.created_at = entity::time(ch.channel_created);
        account.group = ch.channel_role == "group";
        account.locked = ch.channel_role != "public" && ch.channel_role != "group";
        account.discoverable = ch.channel_role == "public";
        if let Some(p) = store::profile::find(conn, ch.channel_id)? {
            account.note = crate::service::text::markdown_to_safe_html(&p.about);
            account.fields = fields_of(&p.homepage, &p.locality);
        }
        let (connections, _) = crate::service::connection::counts(conn, ch.channel_id)?;
        account.followers_count = connections;
        account.following_count = connections;
        let (count, last) = store::api::wall_summary(conn, ch.channel_id, &ch.channel_hash)?;
        account.statuses_count = count;
        account.last_status_at = last.map(|t| t.format("%Y-%m-%d").to_string());
    }
    Ok(account)
}

fn fields_of(homepage: &str, locality: &str) -> Vec<entity::Field> {
    let mut out = Vec::new();
    for (name, value) in [("Homepage", homepage), ("Location", locality)] {
        if !value.is_empty() {
            out.push(entity::Field {
                name: name.into(),
                value: html_escape::encode_text(value).into_owned(),
                verified_at: None,
            });
        }
    }
    out
}

/// The hashtags of a text, lowercased, without `#`.
pub(crate) fn hashtags(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i] == '#' && (i == 0 || chars[i - 1].is_whitespace());
        if starts {
            let tag: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            let tag = tag.to_lowercase();
            if !tag.is_empty() && tag.len() <= 100 && !out.contains(&tag) {
                out.push(tag);
            }
        }
        i += 1;
    }
    out
}

/// A media attachment as Mastodon describes it: a local file by its public id, a remote one by
/// a digest of its URL.
pub fn media_json(a: &crate::service::attachment::Attached) -> serde_json::Value {
    use sha2::Digest;
    let id = match &a.local {
        Some(h) => h.clone(),
        None => hex::encode(&sha2::Sha256::digest(a.url.as_bytes())[..12]),
    };
    serde_json::json!({
        "id": id,
        "type": a.kind(),
        "url": a.url,
        "preview_url": a.url,
        "remote_url": if a.local.is_some() { serde_json::Value::Null } else { a.url.clone().into() },
        "text_url": null,
        "meta": {},
        "description": if a.description.is_empty() { serde_json::Value::Null } else { a.description.clone().into() },
        "blurhash": null,
    })
}

/// The status entity of an item row as `viewer` sees it (what it liked and bookmarked, its own
/// row of the parent). The caller has checked that the viewer may see the row.
pub(crate) fn status_of(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    viewer: Option<&Channel>,
    row: &store::item::Item,
) -> Result<Status> {
    let account = account_of(conn, ctx, &row.author_xchan)?;
    let meta = store::api::find_status_meta(conn, row.id)?;
    let visibility = match &meta {
        Some(m) => m.visibility.clone(),
        None => perms::visibility_of(row).to_string(),
    };
    let children = store::api::responses(conn, row.uid, &row.mid)?;
    let favourites = children.iter().filter(|c| c.verb == "Like").count() as i64;
    let replies = children.iter().filter(|c| c.verb == "Create").count() as i64;
    let (favourited, bookmarked) = match viewer {
        Some(v) => (
            children
                .iter()
                .any(|c| c.verb == "Like" && c.author_xchan == v.channel_hash),
            store::api::is_bookmarked(conn, v.channel_id, row.id)?,
        ),
        None => (false, false),
    };
    let (in_reply_to_id, in_reply_to_account_id) = if row.thr_parent.is_empty() {
        (None, None)
    } else {
        match store::item::find_by_uid_mid(conn, row.uid, &row.thr_parent)? {
            Some(p) => (Some(p.id.to_string()), Some(p.author_xchan)),
            None => (None, None),
        }
    };
    let tags = hashtags(&row.body)
        .into_iter()
        .map(|t| entity::Tag {
            url: ctx.uris.page(&format!("/api/v1/timelines/tag/{t}")),
            name: t,
        })
        .collect();
    // Edited here (a version in the history), or by its author elsewhere.
    let edited = row.edited > row.created + chrono::Duration::seconds(1)
        || !store::api::edits(conn, row.id)?.is_empty();
    let local_page = row.item_origin.then(|| ctx.uris.item(&row.uuid));
    Ok(Status {
        id: row.id.to_string(),
        uri: row.mid.clone(),
        url: Some(local_page.unwrap_or_else(|| row.mid.clone())),
        account,
        content: row.html.clone(),
        text: None,
        created_at: entity::time(row.created),
        edited_at: edited.then(|| entity::time(row.edited)),
        visibility,
        sensitive: meta.as_ref().is_some_and(|m| m.sensitive),
        spoiler_text: meta
            .as_ref()
            .map(|m| m.spoiler_text.clone())
            .unwrap_or_default(),
        media_attachments: crate::service::attachment::of_items(conn, &[row.id])?
            .remove(&row.id)
            .unwrap_or_default()
            .iter()
            .map(media_json)
            .collect(),
        application: None,
        mentions: Vec::new(),
        tags,
        emojis: Vec::new(),
        reblogs_count: 0,
        favourites_count: favourites,
        replies_count: replies,
        in_reply_to_id,
        in_reply_to_account_id,
        reblog: None,
        poll: None,
        card: None,
        language: meta
            .as_ref()
            .map(|m| m.language.clone())
            .filter(|l| !l.is_empty()),
        favourited,
        reblogged: false,
        muted: false,
        bookmarked,
        pinned: false,
        filtered: Vec::new(),
    })
}

/// The row a caller asks for by id, as it may see it: its own row; its own copy of the same
/// message; or the row itself when the decider lets the caller see it on the channel holding
/// it. Anything else is "not found" (never "forbidden": ids of hidden statuses do not leak).
pub(crate) fn visible_row(
    conn: &mut AnyConnection,
    viewer: Option<&Channel>,
    id: &str,
) -> Result<store::item::Item> {
    let not_found = || Error::new(ErrorKind::NotFound);
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    let row = store::item::find_by_id(conn, id)?
        .filter(|r| !r.item_deleted)
        .ok_or_else(not_found)?;
    if let Some(v) = viewer {
        if row.uid == v.channel_id {
            return Ok(row);
        }
        if let Some(own) =
            store::item::find_by_uid_mid(conn, v.channel_id, &row.mid)?.filter(|r| !r.item_deleted)
        {
            return Ok(own);
        }
    }
    let holder = store::channel::find(conn, row.uid)?.ok_or_else(not_found)?;
    let holder = Channel::from(holder);
    let access = ChannelAccess::load(conn, &holder, &observer(viewer))?;
    if access.may_see(&row) {
        Ok(row)
    } else {
        Err(not_found())
    }
}

/// Rows of a public timeline the caller may list: the hub's first row of each message, on
/// the public timelines by the decider, and not `unlisted` by its app.
pub(crate) fn publicly_listed(conn: &mut AnyConnection, row: &store::item::Item) -> Result<bool> {
    if store::api::first_copy(conn, &row.mid)? != Some(row.id) {
        return Ok(false);
    }
    if store::api::find_status_meta(conn, row.id)?.is_some_and(|m| m.visibility == "unlisted") {
        return Ok(false);
    }
    perms::public_listing(conn, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_words_after_a_hash_at_a_word_start() {
        assert_eq!(
            hashtags("#Rust and #caravan_hub, not a#b or # alone; #rust again"),
            vec!["rust".to_string(), "caravan_hub".to_string()]
        );
    }

    #[test]
    fn paging_refuses_bad_ids_and_caps_the_limit() {
        assert!(Paging::parse(Some("x"), None, None, None).is_err());
        assert!(Paging::parse(None, Some("-3"), None, None).is_err());
        assert!(Paging::parse(None, None, None, Some("0")).is_err());
        assert_eq!(
            Paging::parse(None, None, None, Some("500")).unwrap().limit,
            Some(MAX_LIMIT)
        );
    }
}
