//! Single sign-on across hubs: OpenWebAuth (zot6.md §7) both ways. As the target site this
//! hub answers a signed `GET /owa` with a one-time token encrypted to the visitor's channel key
//! (stored hashed, single use, 3 minutes), and turns a returned `owt` into a visitor session; a
//! `zid` names a visitor whose home hub is asked to sign them in. As the visitor's home hub,
//! `/magic` signs towards the destination, decrypts its token and sends the browser there with
//! `owt`. Nothing here logs a token.

use chrono::Duration;
use url::Url;

use zot::owa::{self, OwaResponse};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::net::Signer;
use crate::service::account::Account;
use crate::service::credentials::{new_token, token_hash};
use crate::service::discovery;
use crate::service::signatures::{self, Request};
use crate::store;

/// A visitor session lasts this long without a request.
const VISITOR_IDLE_HOURS: i64 = 12;
/// And at most this long.
const VISITOR_MAX_HOURS: i64 = 48;

/// A visitor from another hub, recognised by OpenWebAuth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    /// Portable id.
    pub hash: String,
    /// `nick@host`.
    pub address: String,
    /// Display name.
    pub name: String,
    /// Their home hub (where "leave" can send them back).
    pub home: String,
}

/// Counts a single sign-on request (`/owa`, `/rmagic`: each may make this hub fetch another
/// hub's documents) against the client's allowance per minute.
pub fn limit(ctx: &Ctx, client: std::net::IpAddr) -> Result<()> {
    ctx.limiter.hit(
        "sso",
        client,
        ctx.config.limits.sso_per_minute,
        Duration::minutes(1),
        ctx.clock.now(),
    )
}

/// As the target site: verifies a signed `GET /owa` from `client` and issues a token for its
/// signer. Every refusal is an answer of Hubzilla's shape (`success: false` and a message),
/// logged once.
pub async fn issue(ctx: &Ctx, req: &Request, client: std::net::IpAddr) -> OwaResponse {
    let attempt = match limit(ctx, client) {
        Ok(()) => try_issue(ctx, req).await,
        Err(e) => Err(e),
    };
    match attempt {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = %e, "OpenWebAuth request refused");
            OwaResponse {
                success: false,
                encrypted_token: None,
                message: Some(e.kind.safe_message()),
            }
        }
    }
}

async fn try_issue(ctx: &Ctx, req: &Request) -> Result<OwaResponse> {
    if !signatures::is_signed(req) {
        return Err(Error::new(ErrorKind::Unauthorized(
            "the request is not signed",
        )));
    }
    let signer = signatures::verify(ctx, req).await?;
    let token = owa::new_token()?;
    let key = zot::keys::PublicKey::from_pem(&signer.remote.xchan.xchan_pubkey)?;
    let answer = owa::encrypt_token(&token, &key)?;
    let hash = token_hash(&token);
    let who = signer.remote.xchan.xchan_hash.clone();
    let now = ctx.clock.now_db();
    ctx.db
        .tx(move |conn| {
            store::owa::delete_tokens_before(
                conn,
                now - Duration::seconds(owa::TOKEN_LIFETIME_SECS),
            )?;
            store::owa::insert_token(conn, &hash, &who, now)
        })
        .await?;
    tracing::info!(visitor = %signer.remote.xchan.xchan_addr, "OpenWebAuth token issued");
    Ok(answer)
}

/// As the target site: takes an `owt` token (single use, within its lifetime) and starts a
/// visitor session for the identity it was issued to. Returns the session's cookie token and
/// the visitor; `None` for an unknown, used, expired or malformed token (logged once).
pub async fn consume(ctx: &Ctx, token: &str) -> Result<Option<(String, Visitor)>> {
    if !owa::is_token(token) {
        tracing::info!("OpenWebAuth: a malformed token was refused");
        return Ok(None);
    }
    let hash = token_hash(token);
    let now = ctx.clock.now_db();
    let oldest = now - Duration::seconds(owa::TOKEN_LIFETIME_SECS);
    let (session, session_hash) = new_token();
    let found = ctx
        .db
        .tx(move |conn| {
            let Some((xchan, created)) = store::owa::take_token(conn, &hash)? else {
                return Ok(Err("unknown or already used"));
            };
            if created < oldest {
                return Ok(Err("expired"));
            }
            store::owa::delete_expired_visitors(
                conn,
                now - Duration::hours(VISITOR_IDLE_HOURS),
                now - Duration::hours(VISITOR_MAX_HOURS),
            )?;
            store::owa::insert_visitor(conn, &session_hash, &xchan, now)?;
            Ok(Ok(xchan))
        })
        .await?;
    let xchan = match found {
        Ok(x) => x,
        Err(why) => {
            tracing::info!(why, "OpenWebAuth: a token was refused");
            return Ok(None);
        }
    };
    let Some(visitor) = describe(ctx, &xchan).await? else {
        return Ok(None);
    };
    tracing::info!(visitor = %visitor.address, "OpenWebAuth: visitor signed in");
    Ok(Some((session, visitor)))
}

async fn describe(ctx: &Ctx, hash: &str) -> Result<Option<Visitor>> {
    Ok(discovery::known(ctx, hash).await?.map(|r| Visitor {
        home: r
            .primary()
            .map(|h| h.hubloc_url.clone())
            .unwrap_or_default(),
        hash: r.xchan.xchan_hash,
        address: r.xchan.xchan_addr,
        name: r.xchan.xchan_name,
    }))
}

/// The visitor a session token belongs to, while the session lasts.
pub async fn visitor(ctx: &Ctx, token: &str) -> Result<Option<Visitor>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let now = ctx.clock.now_db();
    let xchan = ctx
        .db
        .run(move |conn| {
            let Some(v) = store::owa::find_visitor(conn, &hash)? else {
                return Ok(None);
            };
            if v.visitor_seen + Duration::hours(VISITOR_IDLE_HOURS) <= now
                || v.visitor_created + Duration::hours(VISITOR_MAX_HOURS) <= now
            {
                store::owa::delete_visitor(conn, v.visitor_id)?;
                return Ok(None);
            }
            if v.visitor_seen + Duration::minutes(5) <= now {
                store::owa::touch_visitor(conn, v.visitor_id, now)?;
            }
            Ok(Some(v.visitor_xchan))
        })
        .await?;
    match xchan {
        Some(x) => describe(ctx, &x).await,
        None => Ok(None),
    }
}

/// Ends a visitor session.
pub async fn leave(ctx: &Ctx, token: &str) -> Result<()> {
    let hash = token_hash(token);
    ctx.db
        .run(move |conn| {
            if let Some(v) = store::owa::find_visitor(conn, &hash)? {
                store::owa::delete_visitor(conn, v.visitor_id)?;
            }
            Ok(())
        })
        .await
}

/// As the target site, for `?zid=nick@host` on a page: where to send an unrecognised visitor
/// so their home hub signs them in (`<home>/magic?…&bdest=<hex of the page>`). `None` when the
/// address is ours, unknown, or its hub cannot be found.
pub async fn zid_redirect(ctx: &Ctx, zid: &str, page: &str) -> Option<String> {
    let zid = zid.trim().trim_start_matches("acct:");
    if zid.len() > 255 || !zid.contains('@') {
        return None;
    }
    if zid
        .rsplit_once('@')
        .is_some_and(|(_, host)| host.eq_ignore_ascii_case(ctx.uris.authority()))
    {
        return None;
    }
    let remote = match discovery::resolve(ctx, zid).await {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = %e, "zid: the visitor's hub could not be found");
            return None;
        }
    };
    let home = remote.primary()?.hubloc_url.clone();
    if home == ctx.uris.base() {
        return None;
    }
    Some(format!(
        "{home}/magic?f=&rev=1&owa=1&bdest={}",
        hex::encode(page.as_bytes())
    ))
}

/// What `/magic` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Magic {
    /// Send the browser here.
    Redirect(String),
    /// Do not redirect: show why, with the destination as a plain link (`None` if unusable).
    Refused {
        /// Why, for the person.
        reason: &'static str,
        /// The destination, if it is a web address.
        dest: Option<String>,
    },
}

/// The destination of `/magic`: `bdest` (hex) or `dest`, without `zid` and `f`.
pub fn destination(bdest: Option<&str>, dest: Option<&str>) -> Option<Url> {
    let raw = match (bdest, dest) {
        (Some(b), _) if !b.is_empty() => String::from_utf8(hex::decode(b).ok()?).ok()?,
        (_, Some(d)) if !d.is_empty() => d.to_string(),
        _ => return None,
    };
    let mut url = Url::parse(&raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "zid" && k != "f" && k != "owt")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_fragment(None);
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url)
}

/// As the visitor's home hub: signs the logged-in account's channel in at the destination's
/// hub and sends the browser there with the token. A destination on this hub needs nothing. A
/// destination whose hub does not answer OpenWebAuth with a token for us is not redirected to
/// (no open redirect): the person gets a page with the link instead.
pub async fn magic(ctx: &Ctx, account: Option<&Account>, dest: Option<Url>) -> Result<Magic> {
    let Some(dest) = dest else {
        return Ok(Magic::Refused {
            reason: "This sign-in link has no valid destination.",
            dest: None,
        });
    };
    let origin = dest.origin().ascii_serialization();
    if origin == ctx.uris.base() {
        return Ok(Magic::Redirect(dest.to_string()));
    }
    let Some(account) = account else {
        return Ok(Magic::Refused {
            reason: "You are not logged in on this hub, so it cannot sign you in elsewhere.",
            dest: Some(dest.to_string()),
        });
    };
    let channel = crate::service::channel::of_account(ctx, account.account_id)
        .await?
        .into_iter()
        .next();
    let Some(channel) = channel else {
        return Ok(Magic::Refused {
            reason: "Create a channel first: it is the identity other hubs recognise.",
            dest: Some(dest.to_string()),
        });
    };
    match fetch_token(ctx, &channel, &origin).await {
        Ok(token) => {
            let mut to = dest.clone();
            to.query_pairs_mut().append_pair("owt", &token);
            tracing::info!(site = %origin, "OpenWebAuth: signed in elsewhere");
            Ok(Magic::Redirect(to.to_string()))
        }
        Err(e) => {
            tracing::info!(error = %e, site = %origin, "OpenWebAuth: the destination did not sign us in");
            Ok(Magic::Refused {
                reason: "The other site did not recognise you (it may not be a Zot hub).",
                dest: Some(dest.to_string()),
            })
        }
    }
}

async fn fetch_token(
    ctx: &Ctx,
    channel: &crate::service::channel::Channel,
    origin: &str,
) -> Result<String> {
    let id = channel.channel_id;
    let key = ctx
        .db
        .run(move |conn| crate::service::channel::keypair(conn, id))
        .await?;
    let key_id = ctx.uris.channel(&channel.channel_address);
    let nonce: [u8; 32] = rand::random();
    let signer = Signer {
        key: &key,
        key_id: &key_id,
        algorithm: zot::httpsig::Algorithm::RsaSha512,
        headers: owa::SIGNED_HEADERS,
        // Hubzilla's /owa reads only `Authorization: Signature …`.
        as_authorization: true,
    };
    let answer = ctx
        .net
        .send(
            reqwest::Method::GET,
            &format!("{origin}/owa"),
            &[
                ("accept", discovery::ZOT_JSON.to_string()),
                ("content-type", discovery::ZOT_JSON.to_string()),
                ("x-open-web-auth", hex::encode(nonce)),
            ],
            None,
            Some(&signer),
        )
        .await?;
    if !(200..300).contains(&answer.status) {
        return Err(Error::new(ErrorKind::Remote("the other site refused")));
    }
    let parsed: OwaResponse = serde_json::from_slice(&answer.body)
        .map_err(|_| Error::new(ErrorKind::Remote("the other site answered nonsense")))?;
    let token = owa::decrypt_token(&parsed, &key)?;
    if !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::new(ErrorKind::Remote("the token is not URL-safe")));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::destination;

    #[test]
    fn destinations_lose_zid_f_and_fragments() {
        let hex = hex::encode("https://a.example/channel/x?zid=b@c&f=&page=2#top");
        assert_eq!(
            destination(Some(&hex), None).unwrap().as_str(),
            "https://a.example/channel/x?page=2"
        );
        assert_eq!(
            destination(None, Some("https://a.example/"))
                .unwrap()
                .as_str(),
            "https://a.example/"
        );
        for bad in [
            "zz",
            &hex::encode("javascript:alert(1)"),
            &hex::encode("/relative"),
        ] {
            assert!(destination(Some(bad), None).is_none(), "{bad}");
        }
        assert!(destination(None, None).is_none());
    }
}
