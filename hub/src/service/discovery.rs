//! Finding other channels on the network (zot6.md §2): resolve `nick@host` or a channel URL
//! through webfinger and channel info, verify everything Hubzilla verifies (the response's HTTP
//! signature by the channel at exactly the fetched URL, its Digest, `id_sig`, the recomputed
//! portable id, each location's `url_sig`, `site_sig`), refuse documents that claim another
//! hub's location, and store the site, xchan and hublocs. Also the key lookup for incoming
//! signatures (a keyId is a channel URL).

use chrono::{Duration, NaiveDateTime};
use zot::discovery::{Jrd, ZotInfo};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::net::{Fetched, Signer};
use crate::store::{self, AnyConnection, channel::Channel, hubloc::Hubloc, xchan::Xchan};

/// Media type of Zot documents and messages.
pub const ZOT_JSON: &str = "application/x-zot+json";
/// Discovery results younger than this are used without asking again.
const FRESH_HOURS: i64 = 24;

/// A discovered identity: its xchan and live locations (primary first).
#[derive(Debug, Clone)]
pub struct Remote {
    /// The identity.
    pub xchan: Xchan,
    /// Its live locations.
    pub locations: Vec<Hubloc>,
}

impl Remote {
    /// The primary location (or the first).
    pub fn primary(&self) -> Option<&Hubloc> {
        self.locations
            .iter()
            .find(|h| h.hubloc_primary)
            .or(self.locations.first())
    }
}

fn remote_err(why: &'static str, detail: impl std::fmt::Display) -> Error {
    Error {
        kind: ErrorKind::Remote(why),
        source: Some(anyhow::anyhow!("{detail}")),
        at: std::panic::Location::caller(),
    }
}

/// `nick@host` (with an optional `acct:` prefix), or `None` if `target` is not an address.
fn split_address(target: &str) -> Option<(String, String)> {
    let t = target
        .trim()
        .trim_start_matches("acct:")
        .trim_start_matches('@');
    if t.contains('/') {
        return None;
    }
    let (nick, host) = t.rsplit_once('@')?;
    (!nick.is_empty() && !host.is_empty()).then(|| (nick.to_string(), host.to_lowercase()))
}

/// The URLs to try for a host: https, then http when the configuration allows plain http.
fn bases(ctx: &Ctx, host: &str) -> Vec<String> {
    let mut v = vec![format!("https://{host}")];
    if ctx.config.federation.allow_http {
        v.push(format!("http://{host}"));
    }
    v
}

/// Resolves an address or channel URL to the channel URL (its Zot id) via webfinger.
pub(crate) async fn channel_url_of(ctx: &Ctx, target: &str) -> Result<String> {
    if target.starts_with("https://") || target.starts_with("http://") {
        return Ok(target.trim().to_string());
    }
    let (nick, host) = split_address(target).ok_or_else(|| {
        Error::invalid(
            "address",
            "Enter an address like name@hub.example.org or a channel URL.",
        )
    })?;
    let resource = format!("acct:{nick}@{host}");
    let mut last = None;
    for base in bases(ctx, &host) {
        let url = format!(
            "{base}/.well-known/webfinger?f=&resource={}",
            url::form_urlencoded::byte_serialize(resource.as_bytes()).collect::<String>()
        );
        match ctx
            .net
            .get(&url, &[("accept", "application/jrd+json, */*".into())])
            .await
        {
            Ok(f) if f.status == 200 => {
                let jrd = Jrd::from_json(&f.body)?;
                return jrd
                    .zot6_url()
                    .map(str::to_string)
                    .ok_or_else(|| remote_err("that channel does not speak Zot6", &url));
            }
            Ok(f) if f.status == 404 => {
                return Err(Error::new(ErrorKind::NotFound));
            }
            Ok(f) => {
                last = Some(remote_err(
                    "webfinger failed",
                    format!("{url}: {}", f.status),
                ))
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| remote_err("webfinger failed", &resource)))
}

/// Fetches channel info at `url`, anonymously or signed as `as_channel` (then the answer's
/// permissions are the ones granted to that channel, and it may come encrypted for our site).
/// The answer must be signed by the channel at exactly `url`, with a signed, matching Digest.
pub async fn fetch_info(ctx: &Ctx, url: &str, as_channel: Option<&Channel>) -> Result<ZotInfo> {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let body = serde_json::to_vec(&serde_json::json!({ "zot_token": token })).unwrap_or_default();
    let headers = [
        ("accept", ZOT_JSON.to_string()),
        ("content-type", ZOT_JSON.to_string()),
        ("x-zot-token", token.clone()),
    ];
    let key;
    let key_id;
    let signer = match as_channel {
        Some(c) => {
            key = zot::keys::RsaKeypair::from_private_pem(&c.channel_prvkey)?;
            key_id = ctx.uris.channel(&c.channel_address);
            Some(Signer {
                key: &key,
                key_id: &key_id,
                algorithm: zot::httpsig::Algorithm::RsaSha256,
                headers: &[
                    "accept",
                    "content-type",
                    "x-zot-token",
                    "digest",
                    "host",
                    "(request-target)",
                ],
                as_authorization: false,
            })
        }
        None => None,
    };
    let fetched = ctx
        .net
        .send(
            reqwest::Method::POST,
            url,
            &headers,
            Some(body),
            signer.as_ref(),
        )
        .await?;
    if fetched.status == 404 || fetched.status == 410 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    if fetched.status != 200 {
        return Err(remote_err(
            "the other hub did not answer with channel info",
            format!("{url}: HTTP {}", fetched.status),
        ));
    }
    let plain = match zot::crypt::Encrypted::from_json(&fetched.body)? {
        Some(enc) => zot::crypt::decrypt(&enc, &ctx.site.keypair)?,
        None => fetched.body.clone(),
    };
    let info = ZotInfo::from_json(&plain)?;
    verify_response_signature(&fetched, url, "post", &info)?;
    Ok(info)
}

/// Checks the HTTP signature of a channel-info answer: keyId = the fetched URL, signed by the
/// document's own key, Digest signed and matching the raw body.
pub fn verify_response_signature(
    fetched: &Fetched,
    url: &str,
    method: &str,
    info: &ZotInfo,
) -> Result<()> {
    let value = fetched
        .header("signature")
        .ok_or_else(|| Error::new(ErrorKind::Unauthorized("channel info is not signed")))?;
    let header = match zot::httpsig::parse_header(value)? {
        zot::httpsig::ParsedHeader::Plain(h) => h,
        zot::httpsig::ParsedHeader::Encrypted { .. } => {
            return Err(Error::new(ErrorKind::Unauthorized(
                "encrypted response signatures are not accepted",
            )));
        }
    };
    if header.key_id != url {
        return Err(remote_err(
            "channel info signed by another channel",
            format!("keyId {} for {url}", header.key_id),
        ));
    }
    if !header.headers.iter().any(|h| h == "digest") {
        return Err(Error::new(ErrorKind::Unauthorized(
            "channel info signature does not cover its body",
        )));
    }
    let parsed = url::Url::parse(url).map_err(|e| remote_err("bad URL", e))?;
    let target = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_string(),
    };
    let key = zot::keys::PublicKey::from_pem(&info.public_key)?;
    let msg = zot::httpsig::Message {
        method,
        path_and_query: &target,
        headers: &fetched.headers,
    };
    let verified = zot::httpsig::verify(&msg, &header, &key, Some(&fetched.body), i64::MAX / 4)
        .or_else(|_| {
            // Hubzilla signs `(request-target)` with the method it saw; accept GET too.
            let get = zot::httpsig::Message {
                method: "get",
                ..msg
            };
            zot::httpsig::verify(&get, &header, &key, Some(&fetched.body), i64::MAX / 4)
        })?;
    if !verified.body_verified {
        return Err(Error::new(ErrorKind::Unauthorized(
            "channel info digest not verified",
        )));
    }
    Ok(())
}

/// Verifies a channel-info document fetched from `fetched_url` and stores what it says: the
/// site, the xchan and every location whose signature verifies. The document must list the
/// fetched URL as one of its locations, and no location may claim a hub whose key we know to
/// be different.
pub async fn import_info(ctx: &Ctx, info: ZotInfo, fetched_url: &str) -> Result<Remote> {
    let verified = info.verify()?;
    if !verified
        .locations
        .iter()
        .any(|l| l.id_url == fetched_url && !l.is_deleted())
    {
        return Err(remote_err(
            "the channel info does not list the hub it came from",
            fetched_url,
        ));
    }
    let now = ctx.clock.now_db();
    let local_base = ctx.uris.base().to_string();
    let info2 = info.clone();
    ctx.db
        .tx(move |conn| store_verified(conn, &info2, &verified, &local_base, now))
        .await
}

/// Stores the hub that served a verified channel info (its id, key, software).
fn store_site(
    conn: &mut AnyConnection,
    info: &ZotInfo,
    verified: &zot::discovery::zotinfo::VerifiedZotInfo,
    now: NaiveDateTime,
) -> Result<()> {
    if let Some(site) = &info.site
        && verified.site_verified
    {
        store::site::upsert_site(
            conn,
            &store::site::Site {
                site_url: site.url.trim_end_matches('/').to_string(),
                site_id: site.site_id(),
                site_sitekey: site.sitekey.clone(),
                site_crypto: site.encryption.join(","),
                site_project: site
                    .extra
                    .get("project")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                site_version: site
                    .extra
                    .get("version")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                site_dead: false,
                site_update: now,
            },
        )?;
    }
    Ok(())
}

/// Learns the hub of a channel location (its site id, key and software) from the channel info
/// it serves, storing nothing about the channel itself.
pub(crate) async fn learn_site(ctx: &Ctx, id_url: &str) -> Result<()> {
    let info = fetch_info(ctx, id_url, None).await?;
    let verified = info.verify()?;
    let now = ctx.clock.now_db();
    ctx.db
        .run(move |conn| store_site(conn, &info, &verified, now))
        .await
}

fn str_field(info: &ZotInfo, k: &str) -> String {
    info.extra
        .get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn store_verified(
    conn: &mut AnyConnection,
    info: &ZotInfo,
    verified: &zot::discovery::zotinfo::VerifiedZotInfo,
    local_base: &str,
    now: NaiveDateTime,
) -> Result<Remote> {
    let hash = verified.portable_id.clone();
    store_site(conn, info, verified, now)?;
    let mut keep = Vec::new();
    let mut primary_loc = None;
    for loc in verified.locations.iter().filter(|l| !l.is_deleted()) {
        let url = loc.url.trim_end_matches('/').to_string();
        // Our own hub's locations are ours to decide, never a remote document's.
        if url == local_base {
            continue;
        }
        if let Some(known) = store::site::find_site(conn, &url)?
            && known.site_sitekey != loc.sitekey
            && info
                .site
                .as_ref()
                .is_none_or(|s| s.url.trim_end_matches('/') != url)
        {
            tracing::warn!(%hash, location = %url, "location claims a hub whose key differs; skipped");
            continue;
        }
        let site_id = zot::id::site_id(&url, &loc.sitekey);
        let row = store::hubloc::NewHubloc {
            hubloc_guid: info.id.clone(),
            hubloc_hash: hash.clone(),
            hubloc_addr: loc.address.clone(),
            hubloc_id_url: loc.id_url.clone(),
            hubloc_url: url.clone(),
            hubloc_url_sig: loc.url_sig.clone(),
            hubloc_site_id: site_id.clone(),
            hubloc_host: loc.host.clone(),
            hubloc_callback: if loc.callback.is_empty() {
                format!("{url}/zot")
            } else {
                loc.callback.clone()
            },
            hubloc_sitekey: loc.sitekey.clone(),
            hubloc_primary: loc.is_primary(),
            hubloc_updated: now,
        };
        // A re-installed hub (same URL, new key) proves itself here: its old locations go.
        store::hubloc::mark_reinstalled(conn, &url, &site_id)?;
        match store::hubloc::find_by_hash_and_site(conn, &hash, &site_id)? {
            Some(h) => {
                store::hubloc::update(conn, h.hubloc_id, &row)?;
                keep.push(h.hubloc_id);
            }
            None => {
                store::hubloc::insert(conn, &row)?;
                if let Some(h) = store::hubloc::find_by_hash_and_site(conn, &hash, &site_id)? {
                    keep.push(h.hubloc_id);
                }
            }
        }
        if loc.is_primary() || primary_loc.is_none() {
            primary_loc = Some(loc.clone());
        }
    }
    let primary =
        primary_loc.ok_or_else(|| remote_err("the channel info has no usable location", &hash))?;
    let local_ids: Vec<i64> = store::hubloc::find_by_hash(conn, &hash)?
        .into_iter()
        .filter(|h| h.hubloc_url == local_base)
        .map(|h| h.hubloc_id)
        .collect();
    keep.extend(local_ids);
    store::hubloc::mark_deleted_except(conn, &hash, &keep)?;
    let name = match str_field(info, "name") {
        n if n.is_empty() => str_field(info, "username"),
        n => n,
    };
    let xchan = Xchan {
        xchan_hash: hash.clone(),
        xchan_guid: info.id.clone(),
        xchan_guid_sig: info.id_sig.clone(),
        xchan_pubkey: info.public_key.clone(),
        xchan_epubkey: str_field(info, "ed25519_key"),
        xchan_addr: primary.address.clone(),
        xchan_url: primary.id_url.clone(),
        xchan_name: name.chars().take(190).collect(),
        xchan_network: "zot6".into(),
        xchan_name_date: now,
        xchan_deleted: info.extra.get("deleted").and_then(|v| v.as_bool()) == Some(true),
    };
    store::xchan::upsert(conn, &xchan)?;
    crate::service::photo::record_advertised(conn, &hash, info.extra.get("photo"), now)?;
    Ok(Remote {
        xchan,
        locations: store::hubloc::find_by_hash(conn, &hash)?,
    })
}

/// The stored identity of a portable id, if known.
pub async fn known(ctx: &Ctx, hash: &str) -> Result<Option<Remote>> {
    let hash = hash.to_string();
    ctx.db
        .run(move |conn| {
            let Some(xchan) = store::xchan::find(conn, &hash)? else {
                return Ok(None);
            };
            let locations = store::hubloc::find_by_hash(conn, &hash)?;
            Ok(Some(Remote { xchan, locations }))
        })
        .await
}

/// Discovers an address or channel URL (fetching even if known).
pub async fn discover(ctx: &Ctx, target: &str) -> Result<Remote> {
    let url = channel_url_of(ctx, target).await?;
    if let Some(nick) = ctx.uris.nick_of_channel_url(&url) {
        return local(ctx, nick).await;
    }
    let info = fetch_info(ctx, &url, None).await?;
    import_info(ctx, info, &url).await
}

/// A channel of this hub as a `Remote` (connections between channels of one hub).
async fn local(ctx: &Ctx, nick: &str) -> Result<Remote> {
    let nick = nick.to_string();
    let found = ctx
        .db
        .run(move |conn| {
            let Some(c) = store::channel::find_by_address(conn, &nick)? else {
                return Ok(None);
            };
            let Some(xchan) = store::xchan::find(conn, &c.channel_hash)? else {
                return Ok(None);
            };
            let locations = store::hubloc::find_by_hash(conn, &c.channel_hash)?;
            Ok(Some(Remote { xchan, locations }))
        })
        .await?;
    found.ok_or_else(|| Error::new(ErrorKind::NotFound))
}

/// The identity behind an address or URL: stored and fresh, or discovered now.
pub async fn resolve(ctx: &Ctx, target: &str) -> Result<Remote> {
    let t = target.trim().trim_start_matches("acct:").to_string();
    let now = ctx.clock.now_db();
    let cached = ctx
        .db
        .run(move |conn| {
            let h = if t.starts_with("http") {
                store::hubloc::find_by_id_url(conn, &t)?
            } else {
                store::hubloc::find_by_addr(conn, &t)?
            };
            let Some(h) = h else { return Ok(None) };
            let Some(xchan) = store::xchan::find(conn, &h.hubloc_hash)? else {
                return Ok(None);
            };
            let fresh = h.hubloc_updated + Duration::hours(FRESH_HOURS) > now;
            let locations = store::hubloc::find_by_hash(conn, &h.hubloc_hash)?;
            Ok(Some((Remote { xchan, locations }, fresh)))
        })
        .await?;
    match cached {
        Some((r, true)) => Ok(r),
        Some((r, false)) => match discover(ctx, target).await {
            Ok(fresh) => Ok(fresh),
            Err(e) => {
                tracing::info!(error = %e, target, "rediscovery failed; using the stored identity");
                Ok(r)
            }
        },
        None => discover(ctx, target).await,
    }
}

/// The public key of an HTTP signature's keyId (a channel URL), discovering it if unknown.
/// With `refetch`, asks again even if known (a key may have changed after a re-install).
pub async fn key_for(
    ctx: &Ctx,
    key_id: &str,
    refetch: bool,
) -> Result<(Remote, zot::keys::PublicKey)> {
    let key_id = key_id.split('#').next().unwrap_or(key_id).to_string();
    let remote = if refetch {
        discover(ctx, &key_id).await?
    } else {
        resolve(ctx, &key_id).await?
    };
    let key = zot::keys::PublicKey::from_pem(&remote.xchan.xchan_pubkey)?;
    Ok((remote, key))
}

#[cfg(test)]
mod tests {
    use super::split_address;

    #[test]
    fn addresses_split_into_nick_and_host() {
        assert_eq!(
            split_address("acct:alice@Hub.Example:8080"),
            Some(("alice".into(), "hub.example:8080".into()))
        );
        assert_eq!(
            split_address("@bob@hub.example"),
            Some(("bob".into(), "hub.example".into()))
        );
        assert_eq!(split_address("https://hub.example/channel/x"), None);
        assert_eq!(split_address("nobody"), None);
        assert_eq!(split_address("@hub.example"), None);
    }
}
