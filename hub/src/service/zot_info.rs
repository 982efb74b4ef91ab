//! What this hub says about itself and its channels (zot6.md §2): the webfinger JRD, the
//! signed channel info (with the permissions granted to a signed requester, encrypted for its
//! hub when we know its key), the signed site info, and nodeinfo. Signing the answer needs the
//! request line, which the caller passes in.

use zot::discovery::{Jrd, Location, SiteInfo, ZotInfo};
use zot::perms::Permission;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::discovery::ZOT_JSON;
use crate::service::perms::{ChannelAccess, Observer};
use crate::service::signatures::SignedBy;
use crate::store::{self, channel::Channel};

/// A JSON answer with its Digest and HTTP signature.
#[derive(Debug, Clone)]
pub struct SignedJson {
    /// The body as sent (possibly an encrypted envelope).
    pub body: Vec<u8>,
    /// `Digest` header value.
    pub digest: String,
    /// `Signature` header value.
    pub signature: String,
}

/// Signs `body` as an answer to `method target` with `key` (keyId `key_id`), over
/// `content-type digest (request-target)` like Hubzilla.
fn sign_answer(
    body: Vec<u8>,
    key: &zot::keys::RsaKeypair,
    key_id: &str,
    method: &str,
    target: &str,
) -> Result<SignedJson> {
    let digest = zot::httpsig::digest_header(&body);
    let headers = vec![
        ("content-type".to_string(), ZOT_JSON.to_string()),
        ("digest".to_string(), digest.clone()),
    ];
    let method = method.to_ascii_lowercase();
    let msg = zot::httpsig::Message {
        method: &method,
        path_and_query: target,
        headers: &headers,
    };
    let signature = zot::httpsig::sign(
        &msg,
        key,
        key_id,
        zot::httpsig::Algorithm::RsaSha256,
        &["content-type", "digest", "(request-target)"],
    )?;
    Ok(SignedJson {
        body,
        digest,
        signature,
    })
}

/// The site block of this hub.
pub async fn site_block(ctx: &Ctx) -> Result<SiteInfo> {
    let policy = crate::service::site::current_register_policy(ctx).await?;
    let mut extra = serde_json::Map::new();
    extra.insert("directory_mode".into(), "normal".into());
    extra.insert("register_policy".into(), policy.as_str().into());
    extra.insert("access_policy".into(), "free".into());
    extra.insert("sitename".into(), ctx.config.site_name.clone().into());
    extra.insert("realm".into(), "RED_GLOBAL".into());
    extra.insert("project".into(), "caravan".into());
    extra.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    Ok(SiteInfo::build(ctx.uris.base(), &ctx.site.keypair, extra)?)
}

/// The signed site info (`GET /` with the Zot media type), keyId = the site URL.
pub async fn site_info(ctx: &Ctx, method: &str, target: &str) -> Result<SignedJson> {
    let site = site_block(ctx).await?;
    let body = serde_json::to_vec(&site).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    sign_answer(body, &ctx.site.keypair, ctx.uris.base(), method, target)
}

/// The signed channel info of `nick`, for an anonymous or a signed requester.
pub async fn channel_info(
    ctx: &Ctx,
    nick: &str,
    requester: Option<&SignedBy>,
    method: &str,
    target: &str,
) -> Result<SignedJson> {
    let nick = nick.to_string();
    let who = requester.map(|r| r.remote.xchan.xchan_hash.clone());
    let (channel, locations, access, requester_site) = ctx
        .db
        .run(move |conn| {
            // A deleted channel still answers (saying so) until the lifecycle job purges it.
            let channel = match store::channel::find_by_address(conn, &nick)? {
                Some(c) => c,
                None => store::lifecycle::find_deleted_by_address(conn, &nick)?
                    .ok_or_else(|| Error::new(ErrorKind::NotFound))?,
            };
            let locations = store::hubloc::find_by_hash(conn, &channel.channel_hash)?;
            let view = crate::service::channel::Channel::from(&channel);
            let (observer, site) = match &who {
                Some(h) => {
                    let site = store::hubloc::find_by_hash(conn, h)?
                        .into_iter()
                        .next()
                        .and_then(|l| store::site::find_site(conn, &l.hubloc_url).ok().flatten());
                    (Observer::Identity(h.clone()), site)
                }
                None => (Observer::Anonymous, None),
            };
            let access = ChannelAccess::load(conn, &view, &observer)?;
            Ok((channel, locations, access, site))
        })
        .await?;
    let mut perms = zot::perms::format_list(&access.granted());
    if requester.is_some() && access.is_connection() {
        perms = if perms.is_empty() {
            "connected".into()
        } else {
            format!("{perms},connected")
        };
    }
    let doc = build_info(ctx, &channel, &locations, perms, requester).await?;
    let mut body = serde_json::to_vec(&doc).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    if let Some(site) = requester_site {
        let offers: Vec<String> = site.site_crypto.split(',').map(str::to_string).collect();
        if zot::crypt::best_algorithm(&offers).is_some() {
            let to = zot::keys::PublicKey::from_pem(&site.site_sitekey)?;
            body = serde_json::to_vec(&zot::crypt::encrypt(&body, &to)?)
                .map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
        }
    }
    let key = zot::keys::RsaKeypair::from_private_pem(&channel.channel_prvkey)?;
    sign_answer(
        body,
        &key,
        &ctx.uris.channel(&channel.channel_address),
        method,
        target,
    )
}

async fn build_info(
    ctx: &Ctx,
    channel: &Channel,
    locations: &[store::hubloc::Hubloc],
    permissions: String,
    requester: Option<&SignedBy>,
) -> Result<ZotInfo> {
    let key = zot::keys::RsaKeypair::from_private_pem(&channel.channel_prvkey)?;
    let nick = &channel.channel_address;
    let locs: Vec<Location> = locations
        .iter()
        .map(|h| {
            let mut extra = serde_json::Map::new();
            extra.insert("deleted".into(), false.into());
            Location {
                host: h.hubloc_host.clone(),
                address: h.hubloc_addr.clone(),
                id_url: h.hubloc_id_url.clone(),
                primary: h.hubloc_primary.into(),
                url: h.hubloc_url.clone(),
                url_sig: h.hubloc_url_sig.clone(),
                site_id: h.hubloc_site_id.clone(),
                callback: h.hubloc_callback.clone(),
                sitekey: h.hubloc_sitekey.clone(),
                extra,
            }
        })
        .collect();
    let primary = locations
        .iter()
        .find(|h| h.hubloc_primary)
        .or(locations.first());
    let ed = zot::keys::Ed25519Keypair::from_private_b64(&channel.channel_eprvkey)
        .map(|k| k.public_multibase())
        .unwrap_or_default();
    let view = crate::service::channel::Channel::from(channel);
    let access = ctx
        .db
        .run(move |conn| ChannelAccess::load(conn, &view, &Observer::Anonymous))
        .await?;
    let scope = |p: Permission| {
        if access.may(p) { "public" } else { "contacts" }
    };
    let mut extra = serde_json::Map::new();
    extra.insert(
        "primary_location".into(),
        serde_json::json!({
            "address": primary.map(|p| p.hubloc_addr.clone()).unwrap_or_else(|| ctx.uris.address(nick)),
            "url": primary.map(|p| p.hubloc_id_url.clone()).unwrap_or_else(|| ctx.uris.channel(nick)),
            "connections_url": ctx.uris.poco(nick),
            "follow_url": ctx.uris.follow_template(),
        }),
    );
    extra.insert("ed25519_key".into(), ed.into());
    extra.insert("signing_algorithm".into(), "rsa-sha256".into());
    extra.insert("username".into(), nick.clone().into());
    extra.insert("name".into(), channel.channel_name.clone().into());
    extra.insert(
        "name_updated".into(),
        channel
            .channel_created
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
            .into(),
    );
    let (uris, hash, created) = (
        ctx.uris.clone(),
        channel.channel_hash.clone(),
        channel.channel_created,
    );
    let photo = ctx
        .db
        .run(move |conn| crate::service::photo::advertised(conn, &uris, &hash, created))
        .await?;
    extra.insert("photo".into(), photo);
    extra.insert("channel_role".into(), channel.channel_role.clone().into());
    extra.insert(
        "channel_type".into(),
        if channel.channel_role == "group" {
            "group"
        } else {
            "normal"
        }
        .into(),
    );
    extra.insert("protocols".into(), serde_json::json!(["zot6"]));
    extra.insert("searchable".into(), true.into());
    extra.insert("adult_content".into(), false.into());
    extra.insert(
        "public_forum".into(),
        (channel.channel_role == "group").into(),
    );
    extra.insert("comments".into(), scope(Permission::PostComments).into());
    extra.insert("mail".into(), scope(Permission::PostMail).into());
    // Hubzilla: Libzot::zotinfo() — a removed channel says so (zot6.md §6.7); we only delete
    // channels that live nowhere else, so the identity is gone everywhere.
    extra.insert("deleted".into(), channel.channel_removed.into());
    extra.insert("deleted_locally".into(), channel.channel_removed.into());
    extra.insert("follow_url".into(), ctx.uris.follow_template().into());
    extra.insert("permissions".into(), permissions.into());
    extra.insert(
        "permissions_for".into(),
        requester
            .map(|r| r.key_id.clone())
            .unwrap_or_default()
            .into(),
    );
    let site = site_block(ctx).await?;
    Ok(ZotInfo::build(
        &channel.channel_guid,
        &key,
        locs,
        site,
        extra,
    )?)
}

/// The webfinger answer for `resource` (`acct:nick@host`, a channel URL, or the site URL).
pub async fn webfinger(ctx: &Ctx, resource: &str) -> Result<Jrd> {
    let base = ctx.uris.base();
    let resource = resource.trim();
    if resource.trim_end_matches('/') == base {
        let mut props = serde_json::Map::new();
        props.insert(
            zot::discovery::webfinger::PROP_PUBLIC_KEY.into(),
            ctx.site.public_pem.clone().into(),
        );
        return Ok(Jrd {
            subject: resource.to_string(),
            aliases: Vec::new(),
            properties: props,
            links: vec![zot::discovery::webfinger::Link {
                rel: zot::discovery::webfinger::REL_OWA.into(),
                media_type: Some(ZOT_JSON.into()),
                href: Some(ctx.uris.owa()),
                extra: serde_json::Map::new(),
            }],
            extra: serde_json::Map::new(),
        });
    }
    let nick = if let Some(acct) = resource.strip_prefix("acct:") {
        let (nick, host) = acct
            .trim_start_matches('@')
            .rsplit_once('@')
            .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
        if !host.eq_ignore_ascii_case(ctx.uris.authority()) {
            return Err(Error::new(ErrorKind::NotFound));
        }
        nick.to_string()
    } else if let Some(n) = ctx.uris.nick_of_channel_url(resource) {
        n.to_string()
    } else {
        return Err(Error::new(ErrorKind::NotFound));
    };
    let channel = crate::service::channel::by_nick(ctx, &nick).await?;
    Ok(Jrd::for_channel(
        resource,
        base,
        &channel.channel_address,
        ctx.uris.authority(),
        &channel.channel_name,
        &channel.channel_pubkey,
    ))
}

/// A channel as an ActivityStreams `Person` (or `Group`), the shape Hubzilla fetches to
/// resolve the `actor` of an activity: id, names, and the public key.
pub async fn actor(ctx: &Ctx, nick: &str) -> Result<serde_json::Value> {
    let channel = crate::service::channel::by_nick(ctx, nick).await?;
    let url = ctx.uris.channel(&channel.channel_address);
    Ok(serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1"
        ],
        "type": if channel.channel_role == "group" { "Group" } else { "Person" },
        "id": url,
        "preferredUsername": channel.channel_address,
        "name": channel.channel_name,
        "url": url,
        "manuallyApprovesFollowers": true,
        "publicKey": {
            "id": url,
            "owner": url,
            "signatureAlgorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "publicKeyPem": channel.channel_pubkey,
        },
    }))
}

/// The conversation an item belongs to, for a hub fetching it (`GET`/`POST /item/{uuid}` with
/// the Zot media type): an `OrderedCollection` of the thread's activities, each in the signed
/// form its author gave it, limited to what the requester (a signer, or nobody) may see, and
/// signed by the channel holding it. `NotFound` when the requester may not see the item.
pub async fn conversation(
    ctx: &Ctx,
    uuid: &str,
    requester: Option<&SignedBy>,
    method: &str,
    target: &str,
) -> Result<SignedJson> {
    let uuid = uuid.to_string();
    let who = requester.map(|r| r.remote.xchan.xchan_hash.clone());
    let (channel, thread, access) = ctx
        .db
        .run(move |conn| {
            let item = store::item::find_by_uuid(conn, &uuid)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let channel = store::channel::find(conn, item.uid)?
                .filter(|c| !c.channel_removed)
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            let thread = store::item::find_thread(conn, item.uid, &item.parent_mid)?;
            let observer = match &who {
                Some(h) => Observer::Identity(h.clone()),
                None => Observer::Anonymous,
            };
            let view = crate::service::channel::Channel::from(&channel);
            let access = ChannelAccess::load(conn, &view, &observer)?;
            Ok((channel, thread, access))
        })
        .await?;
    let top = thread
        .first()
        .filter(|t| access.may_see(t))
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let items: Vec<serde_json::Value> = thread
        .iter()
        .filter(|i| !i.signed_data.is_empty())
        .filter_map(|i| serde_json::from_str(&i.signed_data).ok())
        .collect();
    let doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "OrderedCollection",
        "id": top.mid,
        "totalItems": items.len(),
        "orderedItems": items,
    });
    let body = serde_json::to_vec(&doc).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    let key = zot::keys::RsaKeypair::from_private_pem(&channel.channel_prvkey)?;
    sign_answer(
        body,
        &key,
        &ctx.uris.channel(&channel.channel_address),
        method,
        target,
    )
}

/// The nodeinfo 2.1 document.
pub async fn nodeinfo(ctx: &Ctx) -> Result<serde_json::Value> {
    let (accounts, posts) = crate::service::site::usage(ctx).await?;
    let policy = crate::service::site::current_register_policy(ctx).await?;
    Ok(serde_json::json!({
        "version": "2.1",
        "software": {
            "name": "caravan",
            "version": env!("CARGO_PKG_VERSION"),
            "homepage": "https://caravan.invalid/"
        },
        "protocols": ["zot"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": policy != crate::config::RegisterPolicy::Closed,
        "usage": {"users": {"total": accounts}, "localPosts": posts},
        "metadata": {"nodeName": ctx.config.site_name}
    }))
}
