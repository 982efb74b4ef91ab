//! The account lifecycle: changing the account's email address (applied only when the link
//! mailed to the new address is followed; the old address is told), deleting a channel or the
//! whole account after a grace period (`accounts.delete_grace_days`, cancellable until then),
//! the periodic job that carries deletions out ([`run_due`]), and a channel's default audience.
//!
//! Deleting a channel happens in two steps, both in [`run_due`]: when its time has come the
//! channel is *removed* (its posts, files, connections, groups and notifications deleted, its
//! identity marked deleted, every connection sent a `refresh` whose channel info says
//! `deleted: true`, as Hubzilla does); once the queue has sent what it holds for the channel
//! (or after [`PURGE_AFTER_DAYS`] for destinations that never answer) the row itself, kept
//! until then because queued messages are signed with its key, is purged and its location
//! marked deleted. DEVIATION(hubzilla): until the purge the channel info still lists this
//! location as live (Hubzilla marks it `deleted`), because receivers accept channel info only
//! from a hub it lists as a live location; the top-level `deleted: true` is what counts. An account's
//! deletion removes each of its channels, ends its sessions, and deletes the account row once
//! no channel row is left. A channel that also lives at other locations (clones) cannot be
//! deleted here: its owner leaves this location instead (`service::locations::leave_here`) or
//! deletes the clones first, so deleting never silently ends an identity elsewhere.

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::mail::Mail;
use crate::service::account::{Account, limit_mail_requests};
use crate::service::channel::Channel;
use crate::service::credentials::{MAX_PASSWORD_CHARS, new_token, normalize_email, token_hash};
use crate::service::perms::Audience;
use crate::store::{self, AnyConnection};

/// A removed channel whose messages could not all be sent is purged this long after it was due.
pub const PURGE_AFTER_DAYS: i64 = 30;

/// Hours the link of an email change stays valid.
const EMAIL_CHANGE_HOURS: i64 = 24;

/// Checks the account's current password (the confirmation of every lifecycle form).
async fn check_current_password(ctx: &Ctx, account_id: i64, password: &str) -> Result<()> {
    let wrong = || Error::invalid("password", "This is not your current password.");
    if password.is_empty() || password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(wrong());
    }
    let stored = ctx
        .db
        .run(move |conn| store::account::find(conn, account_id))
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    if ctx
        .hasher
        .verify(password, Some(&stored.account_password))
        .await?
    {
        Ok(())
    } else {
        Err(wrong())
    }
}

/// Asks to change the account's email address: checks the address (valid, not this account's,
/// not another account's) and the current password, then mails a confirmation link to the new
/// address and a notice to the old one. Nothing changes until the link is followed. Counted
/// against the client's mail-sending allowance like registration and password reset.
pub async fn request_email_change(
    ctx: &Ctx,
    account: &Account,
    new_email: &str,
    password: &str,
    client: IpAddr,
) -> Result<()> {
    limit_mail_requests(ctx, client)?;
    let email = normalize_email(new_email)?;
    if email == account.account_email {
        return Err(Error::invalid(
            "email",
            "This is already your email address.",
        ));
    }
    let e2 = email.clone();
    let taken = ctx
        .db
        .run(move |conn| store::account::find_by_email(conn, &e2))
        .await?
        .is_some();
    if taken {
        return Err(Error::conflict(
            "email",
            "Another account already uses this email address.",
        ));
    }
    check_current_password(ctx, account.account_id, password).await?;
    let (token, hash) = new_token();
    let now = ctx.clock.now_db();
    let expires = now + Duration::hours(EMAIL_CHANGE_HOURS);
    let (id, e2) = (account.account_id, email.clone());
    ctx.db
        .tx(move |conn| store::lifecycle::insert_email_change(conn, id, &e2, &hash, expires, now))
        .await?;
    let link = ctx.uris.page(&format!("/settings/email/confirm/{token}"));
    let name = &ctx.config.site_name;
    let confirm = Mail {
        to: email.clone(),
        subject: format!("Confirm your new email address for {name}"),
        body: format!(
            "Somebody, perhaps you, asked to use this address for their account on {name}.\n\n\
             To confirm, open this link:\n\n{link}\n\n\
             The link is valid for {EMAIL_CHANGE_HOURS} hours and can be used once.\n\
             If it was not you, ignore this mail: nothing changes.\n"
        ),
    };
    let notice = Mail {
        to: account.account_email.clone(),
        subject: format!("Your email address on {name} is about to change"),
        body: format!(
            "Somebody logged in to your account on {name} asked to change its email address \
             to {email}.\n\nThe change takes effect only when the link mailed to the new \
             address is followed.\nIf it was not you, log in at {login}, change your password \
             and log out everywhere.\n",
            login = ctx.uris.page("/login"),
        ),
    };
    for mail in [confirm, notice] {
        if let Err(e) = ctx.mailer.send(mail).await {
            tracing::error!(error = %e, "could not send an email change mail");
        }
    }
    tracing::info!(account = account.account_id, "email change requested");
    Ok(())
}

/// Applies the email change a mailed link names; returns the account's new address.
pub async fn confirm_email_change(ctx: &Ctx, token: &str) -> Result<String> {
    let invalid = |why: &str| Error::invalid("token", why.to_string());
    if token.is_empty() || token.len() > 128 {
        return Err(invalid("This link is not valid."));
    }
    let hash = token_hash(token);
    let now = ctx.clock.now_db();
    let outcome = ctx
        .db
        .tx(move |conn| {
            let change = store::lifecycle::find_email_change(conn, &hash)?
                .ok_or_else(|| invalid("This link is not valid (or was already used)."))?;
            if change.expires <= now {
                store::lifecycle::delete_email_changes(conn, change.account_id)?;
                return Err(invalid(
                    "This link has expired. Ask for the change again on your settings page.",
                ));
            }
            store::lifecycle::update_email(conn, change.account_id, &change.new_email)?;
            store::account::update_verified(conn, change.account_id)?;
            store::lifecycle::delete_email_changes(conn, change.account_id)?;
            Ok((change.account_id, change.new_email))
        })
        .await;
    match outcome {
        Ok((id, email)) => {
            tracing::info!(account = id, "email address changed");
            Ok(email)
        }
        Err(e) if store::caused_by_unique_violation(&e) => Err(Error::conflict(
            "email",
            "Another account took this email address in the meantime.",
        )),
        Err(e) => Err(e),
    }
}

/// The address an account asked to change to and has not confirmed yet.
pub async fn pending_email(ctx: &Ctx, account_id: i64) -> Result<Option<String>> {
    let now = ctx.clock.now_db();
    Ok(ctx
        .db
        .run(move |conn| store::lifecycle::find_email_change_of(conn, account_id))
        .await?
        .filter(|c| c.expires > now)
        .map(|c| c.new_email))
}

fn grace(ctx: &Ctx) -> Duration {
    Duration::days(i64::from(ctx.config.accounts.delete_grace_days))
}

/// Refuses to delete a channel that lives at other locations too.
fn check_only_location(conn: &mut AnyConnection, ctx: &Ctx, hash: &str) -> Result<()> {
    let others = store::hubloc::find_by_hash(conn, hash)?
        .into_iter()
        .any(|h| h.hubloc_site_id != ctx.site.site_id);
    if others {
        return Err(Error::invalid(
            "password",
            "This channel also lives at other locations (clones). Delete it there first, or leave this location on the Locations page.",
        ));
    }
    Ok(())
}

/// Schedules the deletion of a channel the account owns after checking its password; returns
/// when it will happen.
pub async fn schedule_channel_deletion(
    ctx: &Ctx,
    account: &Account,
    channel: &Channel,
    password: &str,
) -> Result<NaiveDateTime> {
    if channel.channel_account_id != account.account_id {
        return Err(Error::new(ErrorKind::Forbidden(
            "Only the owner of this channel can do this.",
        )));
    }
    check_current_password(ctx, account.account_id, password).await?;
    let at = ctx.clock.now_db() + grace(ctx);
    let (id, hash, c2) = (
        channel.channel_id,
        channel.channel_hash.clone(),
        ctx.clone(),
    );
    ctx.db
        .tx(move |conn| {
            check_only_location(conn, &c2, &hash)?;
            store::lifecycle::update_channel_delete_after(conn, id, Some(at))
        })
        .await?;
    tracing::info!(nick = %channel.channel_address, %at, "channel deletion scheduled");
    Ok(at)
}

/// Cancels a channel's scheduled deletion (while it has not happened). The channels of an
/// account scheduled for deletion go with it: cancel the account's deletion for those.
pub async fn cancel_channel_deletion(ctx: &Ctx, channel: &Channel) -> Result<()> {
    let id = channel.channel_id;
    let n = ctx
        .db
        .tx(move |conn| store::lifecycle::update_channel_delete_after(conn, id, None))
        .await?;
    if n == 0 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    tracing::info!(nick = %channel.channel_address, "channel deletion cancelled");
    Ok(())
}

/// Schedules the deletion of the whole account (every channel) after checking its password.
pub async fn schedule_account_deletion(
    ctx: &Ctx,
    account: &Account,
    password: &str,
) -> Result<NaiveDateTime> {
    check_current_password(ctx, account.account_id, password).await?;
    let at = ctx.clock.now_db() + grace(ctx);
    let (id, c2) = (account.account_id, ctx.clone());
    ctx.db
        .tx(move |conn| {
            for ch in store::channel::find_by_account(conn, id)? {
                check_only_location(conn, &c2, &ch.channel_hash)?;
            }
            store::lifecycle::update_account_delete_after(conn, id, Some(at))
        })
        .await?;
    tracing::info!(account = account.account_id, %at, "account deletion scheduled");
    Ok(at)
}

/// Cancels the account's scheduled deletion.
pub async fn cancel_account_deletion(ctx: &Ctx, account: &Account) -> Result<()> {
    let id = account.account_id;
    ctx.db
        .tx(move |conn| store::lifecycle::update_account_delete_after(conn, id, None))
        .await?;
    tracing::info!(account = id, "account deletion cancelled");
    Ok(())
}

/// What one run of the lifecycle job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// Channels removed (content deleted, connections told).
    pub channels_removed: usize,
    /// Channel rows purged.
    pub channels_purged: usize,
    /// Accounts deleted.
    pub accounts_deleted: usize,
}

/// The periodic job: removes channels and accounts whose grace period is over, purges removed
/// channels whose last messages are sent, and deletes accounts left without channels. Run by
/// the queue worker every minute (`queue::spawn`); tests call it after moving the clock.
pub async fn run_due(ctx: &Ctx) -> Result<Done> {
    let now = ctx.clock.now_db();
    let mut done = Done::default();
    let accounts = ctx
        .db
        .run(move |conn| store::lifecycle::find_accounts_due(conn, now))
        .await?;
    for a in &accounts {
        let id = a.account_id;
        // The account's channels become due now; its sessions end and it can no longer log in.
        ctx.db
            .tx(move |conn| {
                for ch in store::channel::find_by_account(conn, id)? {
                    if ch.channel_delete_after.is_none_or(|t| t > now) {
                        store::lifecycle::update_channel_delete_after(
                            conn,
                            ch.channel_id,
                            Some(now),
                        )?;
                    }
                }
                store::session::delete_by_account(conn, id)?;
                store::account::update_suspended(conn, id, true)?;
                Ok(())
            })
            .await?;
    }
    let channels = ctx
        .db
        .run(move |conn| store::lifecycle::find_channels_due(conn, now))
        .await?;
    for row in channels {
        remove_channel(ctx, row, now).await?;
        done.channels_removed += 1;
    }
    let removed = ctx.db.run(store::lifecycle::find_removed_scheduled).await?;
    for row in removed {
        let (id, due) = (row.channel_id, row.channel_delete_after.unwrap_or(now));
        let (hash, site_id) = (row.channel_hash.clone(), ctx.site.site_id.clone());
        let purged = ctx
            .db
            .tx(move |conn| {
                let waiting = store::lifecycle::undelivered_of_channel(conn, id)?;
                if waiting > 0 && due + Duration::days(PURGE_AFTER_DAYS) > now {
                    return Ok(false);
                }
                store::hubloc::mark_deleted_at(conn, &hash, &site_id)?;
                store::channel::purge(conn, id)?;
                Ok(true)
            })
            .await?;
        if purged {
            tracing::info!(nick = %row.channel_address, "deleted channel purged");
            done.channels_purged += 1;
        }
    }
    for a in accounts {
        let id = a.account_id;
        let deleted = ctx
            .db
            .tx(move |conn| {
                if store::lifecycle::count_channel_rows(conn, id)? > 0 {
                    return Ok(false);
                }
                Ok(store::lifecycle::delete_account(conn, id)? > 0)
            })
            .await?;
        if deleted {
            tracing::info!(account = id, "account deleted");
            done.accounts_deleted += 1;
        }
    }
    Ok(done)
}

/// Removes one channel whose time has come (the first step; see the module docs).
async fn remove_channel(ctx: &Ctx, row: store::channel::Channel, now: NaiveDateTime) -> Result<()> {
    let channel = Channel::from(&row);
    let site_id = ctx.site.site_id.clone();
    let items = ctx
        .db
        .tx(move |conn| {
            // Told before the connections are deleted: the refresh goes to each of them, and
            // the channel info they read back says the channel is deleted.
            crate::service::locations::announce(conn, &channel, &site_id, now)?;
            let items = store::lifecycle::delete_channel_content(conn, channel.channel_id)?;
            store::lifecycle::mark_xchan_deleted(conn, &channel.channel_hash)?;
            store::channel::set_removed(conn, channel.channel_id)?;
            Ok(items)
        })
        .await?;
    ctx.queue.wake();
    tracing::info!(nick = %row.channel_address, items, "channel deleted");
    Ok(())
}

/// Sets the default audience of the channel's new posts: `public`, `connections` or
/// `group:NAME` of one of its groups.
pub async fn set_default_audience(ctx: &Ctx, channel: &Channel, value: &str) -> Result<()> {
    let audience = Audience::parse(value)
        .ok_or_else(|| Error::invalid("audience", "Choose who reads new posts by default."))?;
    if let Audience::Group(name) = &audience {
        let known = crate::service::connection::groups(ctx, channel)
            .await?
            .iter()
            .any(|g| &g.name == name);
        if !known {
            return Err(Error::invalid(
                "audience",
                "This channel has no such group.",
            ));
        }
    }
    let (id, v) = (channel.channel_id, audience.form_value());
    ctx.db
        .tx(move |conn| store::lifecycle::update_default_audience(conn, id, &v))
        .await
}

/// A channel as the admin sees it in a list.
#[derive(Debug, Clone)]
pub struct ChannelSummary {
    /// Nickname.
    pub nick: String,
    /// Display name.
    pub name: String,
    /// The owner's email address.
    pub owner: String,
    /// Items it holds here (its posts and those it received).
    pub items: i64,
    /// Creation time.
    pub created: NaiveDateTime,
    /// Scheduled for deletion at.
    pub delete_after: Option<NaiveDateTime>,
}

/// The hub's live channels, oldest first, at most `limit` (admin).
pub async fn all_channels(ctx: &Ctx, limit: i64) -> Result<Vec<ChannelSummary>> {
    ctx.db
        .run(move |conn| {
            let counts: std::collections::HashMap<i64, i64> =
                store::lifecycle::item_counts(conn)?.into_iter().collect();
            let mut owners = std::collections::HashMap::new();
            let mut out = Vec::new();
            for c in store::lifecycle::find_all_channels(conn, limit)? {
                let owner = match owners.get(&c.channel_account_id) {
                    Some(o) => String::clone(o),
                    None => {
                        let o = store::account::find(conn, c.channel_account_id)?
                            .map(|a| a.account_email)
                            .unwrap_or_default();
                        owners.insert(c.channel_account_id, o.clone());
                        o
                    }
                };
                out.push(ChannelSummary {
                    items: counts.get(&c.channel_id).copied().unwrap_or(0),
                    nick: c.channel_address,
                    name: c.channel_name,
                    owner,
                    created: c.channel_created,
                    delete_after: c.channel_delete_after,
                });
            }
            Ok(out)
        })
        .await
}

/// One destination hub of the delivery queue, as the admin sees it.
#[derive(Debug, Clone)]
pub struct DestSummary {
    /// The hub's Zot endpoint.
    pub url: String,
    /// Messages waiting.
    pub depth: i64,
    /// When the oldest waiting message was queued.
    pub oldest: Option<NaiveDateTime>,
    /// Failures in a row.
    pub failures: i32,
    /// The last failure's reason.
    pub last_error: String,
    /// The next attempt.
    pub next: NaiveDateTime,
    /// Left alone until it contacts us.
    pub dead: bool,
}

/// The delivery queue per destination hub, those with waiting messages or failures first
/// (admin).
pub async fn queue_status(ctx: &Ctx) -> Result<Vec<DestSummary>> {
    let mut rows: Vec<DestSummary> = ctx
        .db
        .run(store::outq::status)
        .await?
        .into_iter()
        .map(|(d, depth, oldest)| DestSummary {
            url: d.dest_url,
            depth,
            oldest,
            failures: d.dest_failures,
            last_error: d.dest_last_error,
            next: d.dest_next,
            dead: d.dest_dead,
        })
        .collect();
    rows.sort_by_key(|r| (r.depth == 0 && r.failures == 0, r.url.clone()));
    Ok(rows)
}

/// Makes a destination due now, dead or backing off (the admin's "retry now"), and wakes the
/// worker.
pub async fn retry_now(ctx: &Ctx, dest_url: &str) -> Result<()> {
    let (d, now) = (dest_url.to_string(), ctx.clock.now_db());
    let n = ctx
        .db
        .tx(move |conn| store::outq::revive(conn, &d, now))
        .await?;
    if n == 0 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    ctx.queue.wake();
    tracing::info!(dest = dest_url, "delivery retry asked by an admin");
    Ok(())
}

/// Refuses a registration waiting for approval: the account (which has no channel yet, since
/// it could not log in) is deleted (admin).
pub async fn deny_registration(ctx: &Ctx, account_id: i64) -> Result<()> {
    let n = ctx
        .db
        .tx(move |conn| {
            let Some(a) = store::account::find(conn, account_id)? else {
                return Ok(0);
            };
            if a.account_approved || store::lifecycle::count_channel_rows(conn, account_id)? > 0 {
                return Err(Error::invalid(
                    "account",
                    "Only registrations waiting for approval can be refused.",
                ));
            }
            store::lifecycle::delete_account(conn, account_id)
        })
        .await?;
    if n == 0 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    tracing::info!(account = account_id, "registration refused");
    Ok(())
}
