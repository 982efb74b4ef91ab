//! Accounts (`/api/v1/accounts`, follow requests, search): channels and the identities they
//! know. Following is connecting (with the `personal` role), unfollowing ends the connection,
//! blocking and muting are the connection's block and ignore, follow requests are pending
//! connection requests.

use super::entity::{Field, Source};
use super::{
    Account, Page, Paging, Relationship, Status, account_of, fill_page, observer, status_of,
};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::{self, Channel, ProfileEdit};
use crate::service::connection::{self, StateChange};
use crate::service::discovery;
use crate::service::perms::ChannelAccess;
use crate::store;
use zot::perms::Permission;

/// The role a follow from an app gives the followed channel.
const FOLLOW_ROLE: &str = "personal";

/// `GET /api/v1/accounts/verify_credentials`: the caller's channel, with its editable source.
pub async fn me(ctx: &Ctx, ch: &Channel) -> Result<Account> {
    let (c2, ch) = (ctx.clone(), ch.clone());
    ctx.db
        .run(move |conn| {
            let mut a = account_of(conn, &c2, &ch.channel_hash)?;
            let profile = store::profile::find(conn, ch.channel_id)?;
            let (_, pending) = connection::counts(conn, ch.channel_id)?;
            let (note, homepage, locality) = profile
                .map(|p| (p.about, p.homepage, p.locality))
                .unwrap_or_default();
            let mut fields = Vec::new();
            for (name, value) in [("Homepage", homepage), ("Location", locality)] {
                if !value.is_empty() {
                    fields.push(Field {
                        name: name.into(),
                        value,
                        verified_at: None,
                    });
                }
            }
            a.source = Some(Source {
                note,
                fields,
                privacy: match crate::service::perms::Audience::default_for(&ch) {
                    crate::service::perms::Audience::Public => "public".into(),
                    _ => "private".into(),
                },
                sensitive: false,
                language: String::new(),
                follow_requests_count: pending,
            });
            Ok(a)
        })
        .await
}

/// What `update_credentials` may change.
#[derive(Debug, Clone, Default)]
pub struct CredentialsEdit {
    /// Channel name.
    pub display_name: Option<String>,
    /// About text.
    pub note: Option<String>,
    /// Fields: `Homepage` and `Location` are kept (the profile's fields); others are refused.
    pub fields: Option<Vec<(String, String)>>,
}

/// `PATCH /api/v1/accounts/update_credentials`.
pub async fn update(ctx: &Ctx, ch: &Channel, edit: CredentialsEdit) -> Result<Account> {
    let current = channel::profile(ctx, ch.channel_id).await?;
    let mut new = ProfileEdit {
        name: ch.channel_name.clone(),
        about: current.profile.about.clone(),
        homepage: current.profile.homepage.clone(),
        locality: current.profile.locality.clone(),
    };
    if let Some(n) = edit.display_name {
        new.name = n;
    }
    if let Some(n) = edit.note {
        new.about = n;
    }
    if let Some(fields) = edit.fields {
        new.homepage.clear();
        new.locality.clear();
        for (name, value) in fields {
            match name.trim().to_lowercase().as_str() {
                "homepage" | "website" => new.homepage = value,
                "location" | "locality" => new.locality = value,
                "" if value.is_empty() => {}
                _ => {
                    return Err(Error::invalid(
                        "fields_attributes",
                        "Profile fields are Homepage and Location.",
                    ));
                }
            }
        }
    }
    channel::update_profile(ctx, ch, new).await?;
    let fresh = channel::by_nick(ctx, &ch.channel_address).await?;
    me(ctx, &fresh).await
}

/// `GET /api/v1/accounts/:id`: any identity the hub knows.
pub async fn get(ctx: &Ctx, id: &str) -> Result<Account> {
    let (c2, id) = (ctx.clone(), id.to_string());
    ctx.db
        .run(move |conn| {
            if store::xchan::find(conn, &id)?.is_none()
                && store::channel::find_by_hash(conn, &id)?.is_none()
            {
                return Err(Error::new(ErrorKind::NotFound));
            }
            account_of(conn, &c2, &id)
        })
        .await
}

/// `GET /api/v1/accounts/lookup?acct=`: `nick` (this hub) or `nick@host` (known, or
/// discovered now).
pub async fn lookup(ctx: &Ctx, acct: &str) -> Result<Account> {
    let acct = acct
        .trim()
        .trim_start_matches('@')
        .trim_start_matches("acct:");
    if acct.is_empty() || acct.len() > 255 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let addr = if acct.contains('@') {
        acct.to_string()
    } else {
        ctx.uris.address(acct)
    };
    let remote = discovery::resolve(ctx, &addr)
        .await
        .map_err(|_| Error::new(ErrorKind::NotFound))?;
    get(ctx, &remote.xchan.xchan_hash).await
}

/// `GET /api/v1/accounts/search` and the accounts of `/api/v2/search`: an address is
/// looked up (discovered when `resolve`); other text matches this hub's channels by nick or
/// name.
pub async fn search(ctx: &Ctx, q: &str, resolve: bool, limit: i64) -> Result<Vec<Account>> {
    let q = q.trim().trim_start_matches('@').to_string();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    if q.contains('@') {
        let (c2, q2) = (ctx.clone(), q.clone());
        let known = ctx
            .db
            .run(move |conn| match store::hubloc::find_by_addr(conn, &q2)? {
                Some(h) => Ok(Some(account_of(conn, &c2, &h.hubloc_hash)?)),
                None => Ok(None),
            })
            .await?;
        if let Some(a) = known {
            return Ok(vec![a]);
        }
        if resolve {
            return Ok(lookup(ctx, &q).await.into_iter().collect());
        }
        return Ok(Vec::new());
    }
    let (c2, needle) = (ctx.clone(), q.to_lowercase());
    ctx.db
        .run(move |conn| {
            let mut out = Vec::new();
            for c in store::api::channels_matching(conn, &needle, limit)? {
                out.push(account_of(conn, &c2, &c.channel_hash)?);
            }
            Ok(out)
        })
        .await
}

/// `GET /api/v1/accounts/:id/statuses`: a channel of this hub's wall as the caller may see it,
/// or what the caller holds from another identity.
pub async fn statuses(
    ctx: &Ctx,
    viewer: Option<&Channel>,
    id: &str,
    paging: Paging,
) -> Result<Page<Status>> {
    let (c2, v, id) = (ctx.clone(), viewer.cloned(), id.to_string());
    ctx.db
        .run(move |conn| {
            let (rows, more) = if let Some(owner) = store::channel::find_by_hash(conn, &id)? {
                let owner = Channel::from(owner);
                let access = ChannelAccess::load(conn, &owner, &observer(v.as_ref()))?;
                fill_page(
                    conn,
                    &paging,
                    |conn, b, n| {
                        store::api::by_author(conn, owner.channel_id, &owner.channel_hash, b, n)
                    },
                    |_, r| Ok(r.thr_parent.is_empty() && access.may_see(r)),
                )?
            } else if let Some(me) = &v {
                // Another hub's identity: what the caller holds from it.
                fill_page(
                    conn,
                    &paging,
                    |conn, b, n| store::api::by_author(conn, me.channel_id, &id, b, n),
                    |_, _| Ok(true),
                )?
            } else {
                (Vec::new(), false)
            };
            let mut out = Vec::new();
            for r in &rows {
                out.push((r.id, status_of(conn, &c2, v.as_ref(), r)?));
            }
            Ok(Page::of(out, &paging, more))
        })
        .await
}

/// The identities a channel of this hub is connected with, when the caller may see them
/// (`view_contacts`); the caller's own always.
pub async fn connections(ctx: &Ctx, viewer: Option<&Channel>, id: &str) -> Result<Vec<Account>> {
    let (c2, v, id) = (ctx.clone(), viewer.cloned(), id.to_string());
    ctx.db
        .run(move |conn| {
            let Some(owner) = store::channel::find_by_hash(conn, &id)? else {
                if store::xchan::find(conn, &id)?.is_some() {
                    return Ok(Vec::new());
                }
                return Err(Error::new(ErrorKind::NotFound));
            };
            let owner = Channel::from(owner);
            let access = ChannelAccess::load(conn, &owner, &observer(v.as_ref()))?;
            if !access.is_owner() && !access.may(Permission::ViewContacts) {
                return Ok(Vec::new());
            }
            let mut out = Vec::new();
            for hash in connection::connected(conn, owner.channel_id)? {
                out.push(account_of(conn, &c2, &hash)?);
            }
            Ok(out)
        })
        .await
}

/// `GET /api/v1/accounts/relationships`: the caller's connection state with each id.
pub async fn relationships(ctx: &Ctx, ch: &Channel, ids: &[String]) -> Result<Vec<Relationship>> {
    let views = connection::list(ctx, ch).await?;
    Ok(ids
        .iter()
        .take(100)
        .map(|id| relationship_of(&views, id))
        .collect())
}

fn relationship_of(views: &[connection::ConnectionView], id: &str) -> Relationship {
    let mut r = Relationship {
        id: id.to_string(),
        ..Relationship::default()
    };
    if let Some(v) = views.iter().find(|v| v.xchan.xchan_hash == id) {
        r.following = !v.state.pending && !v.state.blocked;
        r.requested_by = v.state.pending;
        r.followed_by = !v.their_perms.is_empty();
        r.blocking = v.state.blocked;
        r.muting = v.state.ignored;
        r.showing_reblogs = r.following;
    }
    r
}

async fn address_of(ctx: &Ctx, id: &str) -> Result<String> {
    let id = id.to_string();
    ctx.db
        .run(move |conn| {
            store::xchan::find(conn, &id)?
                .map(|x| x.xchan_addr)
                .filter(|a| !a.is_empty())
                .ok_or_else(|| Error::new(ErrorKind::NotFound))
        })
        .await
}

async fn relationship(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Relationship> {
    let views = connection::list(ctx, ch).await?;
    Ok(relationship_of(&views, id))
}

/// `POST /api/v1/accounts/:id/follow`: connects (a pending request of theirs is approved).
pub async fn follow(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Relationship> {
    let addr = address_of(ctx, id).await?;
    let views = connection::list(ctx, ch).await?;
    match views.iter().find(|v| v.xchan.xchan_hash == id) {
        Some(v) if v.state.pending => connection::approve(ctx, ch, &addr, FOLLOW_ROLE).await?,
        Some(v) if !v.state.blocked => {}
        _ => {
            connection::connect(ctx, ch, &addr, FOLLOW_ROLE).await?;
        }
    }
    relationship(ctx, ch, id).await
}

/// `POST /api/v1/accounts/:id/unfollow`: ends the connection.
pub async fn unfollow(ctx: &Ctx, ch: &Channel, id: &str) -> Result<Relationship> {
    let views = connection::list(ctx, ch).await?;
    if views
        .iter()
        .any(|v| v.xchan.xchan_hash == id && !v.state.blocked)
    {
        connection::disconnect(ctx, ch, id).await?;
    }
    relationship(ctx, ch, id).await
}

/// Block, unblock, mute, unmute.
pub async fn set_state(
    ctx: &Ctx,
    ch: &Channel,
    id: &str,
    change: StateChange,
) -> Result<Relationship> {
    let views = connection::list(ctx, ch).await?;
    if !views.iter().any(|v| v.xchan.xchan_hash == id) {
        if matches!(change, StateChange::Unblock | StateChange::Unignore) {
            return relationship(ctx, ch, id).await;
        }
        // Blocking or muting someone not connected: a connection row that says so.
        let addr = address_of(ctx, id).await?;
        connection::connect(ctx, ch, &addr, FOLLOW_ROLE).await?;
    }
    connection::change_state(ctx, ch, id, change).await?;
    relationship(ctx, ch, id).await
}

/// The caller's connections in a state, as accounts.
async fn connections_where(
    ctx: &Ctx,
    ch: &Channel,
    pick: impl Fn(&connection::ConnectionState) -> bool,
) -> Result<Vec<Account>> {
    let ids: Vec<String> = connection::list(ctx, ch)
        .await?
        .into_iter()
        .filter(|v| pick(&v.state))
        .map(|v| v.xchan.xchan_hash)
        .collect();
    let c2 = ctx.clone();
    ctx.db
        .run(move |conn| ids.iter().map(|id| account_of(conn, &c2, id)).collect())
        .await
}

/// `GET /api/v1/follow_requests`: pending connection requests.
pub async fn follow_requests(ctx: &Ctx, ch: &Channel) -> Result<Vec<Account>> {
    connections_where(ctx, ch, |s| s.pending).await
}

/// `POST /api/v1/follow_requests/:id/authorize` (approve) or `reject` (end it).
pub async fn answer_request(
    ctx: &Ctx,
    ch: &Channel,
    id: &str,
    accept: bool,
) -> Result<Relationship> {
    let views = connection::list(ctx, ch).await?;
    if !views
        .iter()
        .any(|v| v.xchan.xchan_hash == id && v.state.pending)
    {
        return Err(Error::new(ErrorKind::NotFound));
    }
    if accept {
        connection::approve(ctx, ch, id, FOLLOW_ROLE).await?;
    } else {
        connection::disconnect(ctx, ch, id).await?;
    }
    relationship(ctx, ch, id).await
}

/// `GET /api/v1/blocks` and `/api/v1/mutes`.
pub async fn with_state(ctx: &Ctx, ch: &Channel, blocked: bool) -> Result<Vec<Account>> {
    connections_where(ctx, ch, |s| if blocked { s.blocked } else { s.ignored }).await
}
