//! What a channel's new hub asks its old hub for when the owner moves or clones it online
//! (zot6.md §6.2), served here as Hubzilla serves it under `/api/z/1.0`: the owner's login
//! (HTTP Basic, with the account's email or a channel's nickname, under the login rate limits
//! and back-off), the channel's export (`channel/export/basic`, written by `service::export`)
//! and its wall posts page by page in Hubzilla's mirror form (`item/export_page`).

use std::net::IpAddr;

use base64::Engine as _;
use chrono::NaiveDateTime;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::account::{self, Account};
use crate::service::channel::{self, Channel};
use crate::store;

/// Most items per page.
pub const MAX_RECORDS: i64 = 1000;

/// The account whose login an `Authorization: Basic …` header carries.
pub async fn authenticate(
    ctx: &Ctx,
    authorization: Option<&str>,
    client: IpAddr,
) -> Result<Account> {
    let unauthorized = || Error::new(ErrorKind::Unauthorized("a login is needed"));
    let encoded = authorization
        .and_then(|h| {
            h.strip_prefix("Basic ")
                .or_else(|| h.strip_prefix("basic "))
        })
        .ok_or_else(unauthorized)?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| unauthorized())?;
    let raw = String::from_utf8(raw).map_err(|_| unauthorized())?;
    let (login, password) = raw.split_once(':').ok_or_else(unauthorized)?;
    let email = if login.contains('@') {
        login.to_string()
    } else {
        // A nickname: the account that owns that channel.
        let nick = login.to_string();
        let owner = ctx
            .db
            .run(move |conn| {
                let Some(c) = store::channel::find_by_address(conn, &nick)? else {
                    return Ok(None);
                };
                store::account::find(conn, c.channel_account_id)
            })
            .await?;
        owner.map(|a| a.account_email).unwrap_or_default()
    };
    account::login(ctx, &email, password, client)
        .await
        .map_err(|e| match e.kind {
            ErrorKind::RateLimited => e,
            _ => unauthorized(),
        })
}

/// The account's channel `nick`, or its first channel when none is named.
pub async fn channel_of(ctx: &Ctx, account: &Account, nick: Option<&str>) -> Result<Channel> {
    let mine = channel::of_account(ctx, account.account_id).await?;
    let found = match nick.filter(|n| !n.is_empty()) {
        Some(n) => mine.into_iter().find(|c| c.channel_address == n),
        None => mine.into_iter().next(),
    };
    found.ok_or_else(|| Error::new(ErrorKind::NotFound))
}

fn parse_bound(s: Option<&str>, default: NaiveDateTime) -> NaiveDateTime {
    let s = s.map(str::trim).filter(|s| !s.is_empty());
    s.and_then(|s| {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| {
                NaiveDateTime::parse_from_str(&format!("{s} 00:00:00"), "%Y-%m-%d %H:%M:%S")
            })
            .ok()
    })
    .unwrap_or(default)
}

/// One page of the channel's wall posts (and the comments and likes on them), oldest first.
pub async fn item_page(
    ctx: &Ctx,
    channel: &Channel,
    since: Option<&str>,
    until: Option<&str>,
    page: i64,
    records: i64,
) -> Result<zot::hz::ItemPage> {
    let records = if records < 1 {
        10
    } else {
        records.min(MAX_RECORDS)
    };
    let page = page.max(0);
    let since = parse_bound(since, chrono::DateTime::UNIX_EPOCH.naive_utc());
    let until = parse_bound(until, ctx.clock.now_db());
    let ch = channel.clone();
    let base = ctx.uris.base().to_string();
    ctx.db
        .run(move |conn| {
            let row = store::channel::find(conn, ch.channel_id)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let key = zot::keys::RsaKeypair::from_private_pem(&row.channel_prvkey)?;
            let (rows, total) = store::item::wall_page(
                conn,
                ch.channel_id,
                &ch.channel_hash,
                since,
                until,
                page.saturating_mul(records),
                records,
            )?;
            let mut item = Vec::new();
            for r in rows {
                let it = crate::service::export::item_of(r);
                if let Some(h) = crate::service::hz::hz_item_of(conn, &it, &ch.channel_hash, &key)?
                {
                    item.push(h);
                }
            }
            Ok(zot::hz::ItemPage {
                relocate: zot::hz::Relocate {
                    channel_address: ch.channel_address.clone(),
                    url: base,
                },
                items_total: total,
                items_page: records,
                item,
            })
        })
        .await
}
