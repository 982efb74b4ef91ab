//! Online import (zot6.md §6.2): a channel comes over from its old hub, Hubzilla or Caravan,
//! with the owner's login there. First its export, from `/api/z/1.0/channel/export/basic`
//! (imported whole or not at all, as a file is), then, when asked, its posts page by page from
//! `/api/z/1.0/item/export_page`. Each page is stored in its own transaction and posts already
//! here are skipped, so an interrupted pull carries on where it stopped when run again. The
//! login is sent to the old hub over HTTPS (HTTP Basic, as Hubzilla's importer does) and never
//! stored or logged.

use base64::Engine as _;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::import::{self, Imported};
use crate::store;

/// Items asked for per page.
pub const RECORDS_PER_PAGE: u32 = 50;
/// Pages pulled at most (a hub that never ends its pages stops here).
pub const MAX_PAGES: u32 = 20_000;

/// The channel's old home and the owner's login there.
#[derive(Clone)]
pub struct OldHub {
    /// `nick@host` there.
    pub address: String,
    /// Login (email or nickname) there.
    pub login: String,
    /// Password there.
    pub password: String,
}

impl std::fmt::Debug for OldHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OldHub")
            .field("address", &self.address)
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

impl OldHub {
    fn basic(&self) -> String {
        let raw = format!("{}:{}", self.login, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    fn nick(&self) -> &str {
        self.address.split('@').next().unwrap_or_default()
    }
}

fn remote(why: &'static str) -> Error {
    Error::new(ErrorKind::Remote(why))
}

/// The old hub's base URL, from the channel's webfinger.
async fn base_of(ctx: &Ctx, old: &OldHub) -> Result<String> {
    let url = crate::service::discovery::channel_url_of(ctx, &old.address).await?;
    let parsed = url::Url::parse(&url).map_err(|_| remote("the old hub gave a bad channel URL"))?;
    Ok(parsed.origin().ascii_serialization())
}

/// Imports the channel from its old hub for the account `account_id`; with `posts`, pulls its
/// posts too. Returns what was imported and how many posts were pulled.
pub async fn import(
    ctx: &Ctx,
    account_id: i64,
    old: &OldHub,
    primary: bool,
    posts: bool,
) -> Result<(Imported, usize)> {
    let base = base_of(ctx, old).await?;
    let version = ctx
        .net
        .get(&format!("{base}/api/z/1.0/version"), &[])
        .await?;
    if version.status != 200 {
        return Err(remote("the old hub has no Zot API (api/z/1.0)"));
    }
    let url = format!(
        "{base}/api/z/1.0/channel/export/basic?f=&channel={}",
        url::form_urlencoded::byte_serialize(old.nick().as_bytes()).collect::<String>()
    );
    let got = ctx
        .net
        .get_large(
            &url,
            &[
                ("authorization", old.basic()),
                ("accept", "application/json".into()),
            ],
            usize::try_from(import::MAX_EXPORT_BYTES).unwrap_or(usize::MAX),
        )
        .await?;
    match got.status {
        200 => {}
        401 | 403 => {
            return Err(Error::invalid(
                "password",
                "The old hub did not accept that login.",
            ));
        }
        _ => return Err(remote("the old hub did not give the channel's export")),
    }
    // Hubzilla answers a wrong login on some paths with 200 and an empty or false body.
    if !got.body.starts_with(b"{") {
        return Err(Error::invalid(
            "password",
            "The old hub did not accept that login.",
        ));
    }
    let export = import::parse(&got.body)?;
    if export.channel.channel_address != old.nick() && !export.channel.channel_address.is_empty() {
        return Err(Error::invalid(
            "address",
            "That login does not own this channel on the old hub.",
        ));
    }
    let imported = import::import(ctx, account_id, export, primary).await?;
    let pulled = if posts {
        pull_posts(ctx, &imported.channel, old).await?
    } else {
        0
    };
    Ok((imported, pulled))
}

/// Pulls the channel's posts from its old hub, page by page, storing those not here yet.
/// Returns how many were stored.
pub async fn pull_posts(ctx: &Ctx, channel: &Channel, old: &OldHub) -> Result<usize> {
    let base = base_of(ctx, old).await?;
    let mut stored = 0;
    for page in 0..MAX_PAGES {
        let url = format!(
            "{base}/api/z/1.0/item/export_page?f=&since=&until=&records={RECORDS_PER_PAGE}&page={page}"
        );
        let got = ctx
            .net
            .get(
                &url,
                &[
                    ("authorization", old.basic()),
                    ("accept", "application/json".into()),
                ],
            )
            .await?;
        if got.status != 200 {
            return Err(remote("the old hub stopped giving the channel's posts"));
        }
        // An empty range is `[]` or `{}` without items.
        let Ok(p) = serde_json::from_slice::<zot::hz::ItemPage>(&got.body) else {
            if got.body.starts_with(b"[") {
                break;
            }
            return Err(remote("the old hub gave a malformed page of posts"));
        };
        if p.item.is_empty() {
            break;
        }
        let items = crate::service::hz::to_export_items(ctx, channel, &p.item).await?;
        let ch = channel.clone();
        let now = ctx.clock.now_db();
        stored += ctx
            .db
            .tx(move |conn| {
                let mut n = 0;
                // Parents first, so a thread is whole at every step.
                let mut items = items;
                items.sort_by_key(|i| i.mid != i.parent_mid);
                for it in &items {
                    if store::item::find_by_uid_mid(conn, ch.channel_id, &it.mid)?.is_some() {
                        continue;
                    }
                    crate::service::export::insert_item(
                        conn,
                        ch.channel_id,
                        it,
                        it.item_origin,
                        now,
                    )?;
                    n += 1;
                }
                Ok(n)
            })
            .await?;
    }
    tracing::info!(nick = %channel.channel_address, stored, "posts pulled from the old hub");
    Ok(stored)
}
