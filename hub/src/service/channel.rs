//! Channels: creation with their Zot identity (RSA-4096 and Ed25519 keys, guid, guid signature,
//! portable id, xchan, primary hubloc, self connection), lookup, and profile editing.

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result, ResultExt};
use crate::service::{lookalike, text};
use crate::store::{self, channel::NewChannel, hubloc::NewHubloc, profile::Profile, xchan::Xchan};

use crate::store::channel::Channel as ChannelRow;

/// A channel as the rest of the hub sees it: its identity and public keys, never its private
/// keys (services that sign load those from the store when they need them).
#[derive(Debug, Clone)]
pub struct Channel {
    /// Row id.
    pub channel_id: i64,
    /// Owning account.
    pub channel_account_id: i64,
    /// Nickname.
    pub channel_address: String,
    /// Display name.
    pub channel_name: String,
    /// Permission role preset.
    pub channel_role: String,
    /// Zot guid.
    pub channel_guid: String,
    /// `sha256.` signature of the guid.
    pub channel_guid_sig: String,
    /// Portable id.
    pub channel_hash: String,
    /// SPKI PEM of the channel key.
    pub channel_pubkey: String,
    /// Creation time.
    pub channel_created: chrono::NaiveDateTime,
    /// Scheduled for deletion after this time (`service::lifecycle`).
    pub channel_delete_after: Option<chrono::NaiveDateTime>,
    /// The owner's default audience for new posts (`Audience::parse` form; empty: the role's).
    pub channel_default_audience: String,
}

impl From<ChannelRow> for Channel {
    fn from(c: ChannelRow) -> Self {
        Self {
            channel_id: c.channel_id,
            channel_account_id: c.channel_account_id,
            channel_address: c.channel_address,
            channel_name: c.channel_name,
            channel_role: c.channel_role,
            channel_guid: c.channel_guid,
            channel_guid_sig: c.channel_guid_sig,
            channel_hash: c.channel_hash,
            channel_pubkey: c.channel_pubkey,
            channel_created: c.channel_created,
            channel_delete_after: c.channel_delete_after,
            channel_default_audience: c.channel_default_audience,
        }
    }
}

impl From<&ChannelRow> for Channel {
    fn from(c: &ChannelRow) -> Self {
        c.clone().into()
    }
}

/// The channel's RSA key pair, read from the store (for signing).
pub(crate) fn keypair(
    conn: &mut crate::store::AnyConnection,
    channel_id: i64,
) -> Result<zot::keys::RsaKeypair> {
    let row =
        store::channel::find(conn, channel_id)?.ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    Ok(zot::keys::RsaKeypair::from_private_pem(
        &row.channel_prvkey,
    )?)
}

/// Nicknames that would collide with the hub's own URL space or mislead visitors.
pub const RESERVED_NICKS: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "channel",
    "channels",
    "cloud",
    "dav",
    "directory",
    "display",
    "hub",
    "hubzilla",
    "item",
    "login",
    "logout",
    "magic",
    "owa",
    "post",
    "profile",
    "register",
    "reset",
    "root",
    "settings",
    "site",
    "static",
    "support",
    "sys",
    "system",
    "verify",
    "webmaster",
    "well-known",
    "zot",
    "caravan",
    "postmaster",
    "abuse",
    "help",
    "search",
    "follow",
    "poco",
    "getfile",
    "import",
    "export",
    "outbox",
    "inbox",
    "hcard",
    "photo",
    "photos",
    "wiki",
    "page",
];

/// Permission role presets a channel can start with (zot6.md §5.3).
pub const ROLES: &[(&str, &str)] = &[
    (
        "personal",
        "Personal: my connections see my posts, I choose who may comment",
    ),
    (
        "public",
        "Public: anyone may see my posts; signed-in people may comment",
    ),
    ("group", "Group: a forum whose members post to each other"),
    ("custom", "Custom: start like personal, adjust later"),
];

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 190;

/// Checks a nickname: 2–64 characters of `a-z 0-9 _`, starting with a letter or digit, not
/// reserved.
pub fn check_nick(nick: &str) -> Result<()> {
    let n = nick.chars().count();
    if !(2..=64).contains(&n) {
        return Err(Error::invalid("nick", "A nickname has 2 to 64 characters."));
    }
    if !nick
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || nick.starts_with('_')
    {
        return Err(Error::invalid(
            "nick",
            "A nickname may use lowercase letters a-z, digits and _ (not first).",
        ));
    }
    if RESERVED_NICKS.contains(&nick) {
        return Err(Error::invalid(
            "nick",
            "This nickname is reserved. Please choose another.",
        ));
    }
    Ok(())
}

/// Checks, trims and normalises (NFC) a display name. Bidi controls and zero-width characters
/// are refused: they let one name pass for another.
pub fn check_name(name: &str) -> Result<String> {
    let name = lookalike::nfc(name.trim());
    let name = name.as_str();
    if name.is_empty() {
        return Err(Error::invalid("name", "Please enter a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            "name",
            format!("A name may be at most {MAX_NAME_CHARS} characters long."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "A name may not contain control characters.",
        ));
    }
    if lookalike::has_invisible(name) {
        return Err(Error::invalid(
            "name",
            "A name may not contain invisible or direction-changing characters.",
        ));
    }
    Ok(name.to_string())
}

/// The keys and ids of a new channel. Generated off the async workers (RSA-4096 takes a while).
struct NewIdentity {
    guid: String,
    guid_sig: String,
    hash: String,
    pubkey: String,
    prvkey: String,
    epubkey: String,
    eprvkey: String,
    emultibase: String,
    url_sig: String,
}

fn generate_identity(site_url: &str, nick: &str) -> Result<NewIdentity> {
    let rsa = zot::keys::RsaKeypair::generate()?;
    let ed = zot::keys::Ed25519Keypair::generate()?;
    let guid = zot::id::new_guid(site_url, nick);
    let pubkey = rsa.public_pem();
    Ok(NewIdentity {
        guid_sig: zot::sign::simple_sign(&rsa, guid.as_bytes())?,
        url_sig: zot::sign::simple_sign(&rsa, site_url.as_bytes())?,
        hash: zot::id::portable_id(&guid, &pubkey),
        guid,
        prvkey: rsa.private_pem(),
        pubkey,
        epubkey: ed.public_b64(),
        eprvkey: ed.private_b64(),
        emultibase: ed.public_multibase(),
    })
}

/// Creates a channel for an account.
pub async fn create(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    name: &str,
    role: &str,
) -> Result<Channel> {
    let nick = nick.trim().to_string();
    check_nick(&nick)?;
    let name = check_name(name)?;
    if !ROLES.iter().any(|(r, _)| *r == role) {
        return Err(Error::invalid(
            "role",
            "Please choose one of the offered roles.",
        ));
    }
    let role = role.to_string();
    let max = i64::from(ctx.config.accounts.max_channels);
    let too_many = move || {
        Error::invalid(
            "nick",
            format!("An account may have at most {max} channels."),
        )
    };
    // Early answers that save generating keys; the transaction below decides.
    let n2 = nick.clone();
    let (taken, owned) = ctx
        .db
        .run(move |conn| {
            Ok((
                store::channel::address_taken(conn, &n2)?,
                store::channel::count_by_account(conn, account_id)?,
            ))
        })
        .await?;
    if taken {
        return Err(nick_taken());
    }
    if owned >= max {
        return Err(too_many());
    }
    let site_url = ctx.uris.base().to_string();
    let n3 = nick.clone();
    let id = tokio::task::spawn_blocking(move || generate_identity(&site_url, &n3))
        .await
        .context("key generation task")??;
    let now = ctx.clock.now_db();
    let uris = ctx.uris.clone();
    let site_id = ctx.site.site_id.clone();
    let sitekey = ctx.site.public_pem.clone();
    let channel_id = ctx
        .db
        .tx(move |conn| {
            // The limit is enforced here, under the account's lock, after the keys exist:
            // concurrent creations queue on the lock and each sees the others' channels.
            store::account::lock(conn, account_id)?;
            if store::channel::count_by_account(conn, account_id)? >= max {
                return Err(too_many());
            }
            let channel_id = store::channel::insert(
                conn,
                &NewChannel {
                    channel_account_id: account_id,
                    channel_address: &nick,
                    channel_name: &name,
                    channel_role: &role,
                    channel_guid: &id.guid,
                    channel_guid_sig: &id.guid_sig,
                    channel_hash: &id.hash,
                    channel_pubkey: &id.pubkey,
                    channel_prvkey: &id.prvkey,
                    channel_epubkey: &id.epubkey,
                    channel_eprvkey: &id.eprvkey,
                    channel_created: now,
                },
            )
            .map_err(|e| {
                if store::caused_by_unique_violation(&e) {
                    nick_taken()
                } else {
                    e
                }
            })?;
            let channel_url = uris.channel(&nick);
            store::xchan::insert(
                conn,
                &Xchan {
                    xchan_hash: id.hash.clone(),
                    xchan_guid: id.guid.clone(),
                    xchan_guid_sig: id.guid_sig.clone(),
                    xchan_pubkey: id.pubkey.clone(),
                    xchan_epubkey: id.emultibase.clone(),
                    xchan_addr: uris.address(&nick),
                    xchan_url: channel_url.clone(),
                    xchan_name: name.clone(),
                    xchan_network: "zot6".into(),
                    xchan_name_date: now,
                    xchan_deleted: false,
                },
            )?;
            store::hubloc::insert(
                conn,
                &NewHubloc {
                    hubloc_guid: id.guid.clone(),
                    hubloc_hash: id.hash.clone(),
                    hubloc_addr: uris.address(&nick),
                    hubloc_id_url: channel_url,
                    hubloc_url: uris.base().to_string(),
                    hubloc_url_sig: id.url_sig.clone(),
                    hubloc_site_id: site_id.clone(),
                    hubloc_host: uris.authority().to_string(),
                    hubloc_callback: uris.zot_endpoint(),
                    hubloc_sitekey: sitekey.clone(),
                    hubloc_primary: true,
                    hubloc_updated: now,
                },
            )?;
            store::profile::insert(conn, channel_id, now)?;
            store::abook::insert(conn, account_id, channel_id, &id.hash, true, now)?;
            store::pconfig::set(conn, channel_id, "system", "permissions_role", &role)?;
            Ok(channel_id)
        })
        .await?;
    let channel: Channel = ctx
        .db
        .run(move |conn| store::channel::find(conn, channel_id))
        .await?
        .ok_or_else(|| Error::new(ErrorKind::Internal))?
        .into();
    tracing::info!(nick = %channel.channel_address, hash = %channel.channel_hash, "channel created");
    Ok(channel)
}

fn nick_taken() -> Error {
    Error::conflict(
        "nick",
        "This nickname is already taken. Please choose another.",
    )
}

/// Finds a live channel by nickname, or `NotFound`.
pub async fn by_nick(ctx: &Ctx, nick: &str) -> Result<Channel> {
    let nick = nick.to_string();
    ctx.db
        .run(move |conn| store::channel::find_by_address(conn, &nick))
        .await?
        .map(Channel::from)
        .ok_or_else(|| Error::new(ErrorKind::NotFound))
}

/// The channels of an account.
pub async fn of_account(ctx: &Ctx, account_id: i64) -> Result<Vec<Channel>> {
    Ok(ctx
        .db
        .run(move |conn| store::channel::find_by_account(conn, account_id))
        .await?
        .into_iter()
        .map(Channel::from)
        .collect())
}

/// A channel's profile as shown on its page.
#[derive(Debug, Clone)]
pub struct ProfileView {
    /// Raw profile row (Markdown about text).
    pub profile: Profile,
    /// Sanitised HTML of the about text.
    pub about_html: String,
}

/// The profile of a channel.
pub async fn profile(ctx: &Ctx, channel_id: i64) -> Result<ProfileView> {
    let profile = ctx
        .db
        .run(move |conn| store::profile::find(conn, channel_id))
        .await?
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let about_html = text::markdown_to_safe_html(&profile.about);
    Ok(ProfileView {
        profile,
        about_html,
    })
}

/// Limits of profile fields, in characters.
pub const MAX_ABOUT_CHARS: usize = 10_000;

/// Edited profile fields.
#[derive(Debug, Clone)]
pub struct ProfileEdit {
    /// Display name.
    pub name: String,
    /// About text (Markdown).
    pub about: String,
    /// Home page URL (http/https) or empty.
    pub homepage: String,
    /// Free-text location.
    pub locality: String,
}

/// Saves a profile edit made by the channel's owner.
pub async fn update_profile(ctx: &Ctx, channel: &Channel, edit: ProfileEdit) -> Result<()> {
    let name = check_name(&edit.name)?;
    if edit.about.chars().count() > MAX_ABOUT_CHARS {
        return Err(Error::invalid(
            "about",
            format!("The about text may be at most {MAX_ABOUT_CHARS} characters long."),
        ));
    }
    let homepage = edit.homepage.trim().to_string();
    if !homepage.is_empty() {
        let ok = url::Url::parse(&homepage)
            .map(|u| u.scheme() == "http" || u.scheme() == "https")
            .unwrap_or(false);
        if !ok || homepage.len() > 2000 {
            return Err(Error::invalid(
                "homepage",
                "Please enter an http:// or https:// address.",
            ));
        }
    }
    let locality = lookalike::nfc(edit.locality.trim());
    if locality.chars().count() > 190 || lookalike::has_invisible(&locality) {
        return Err(Error::invalid(
            "locality",
            "Please enter a shorter location.",
        ));
    }
    if lookalike::has_invisible(&homepage) {
        return Err(Error::invalid(
            "homepage",
            "Please enter an http:// or https:// address.",
        ));
    }
    let edit = ProfileEdit {
        about: lookalike::nfc(&edit.about),
        ..edit
    };
    let uid = channel.channel_id;
    let hash = channel.channel_hash.clone();
    let rename = name != channel.channel_name;
    let now = ctx.clock.now_db();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            store::profile::update(conn, uid, &edit.about, &homepage, &locality, now)?;
            if rename {
                store::channel::update_name(conn, uid, &name)?;
                store::xchan::update_name(conn, &hash, &name, now)?;
            }
            crate::service::sync::record_profile(
                conn,
                &c2,
                uid,
                &hash,
                &crate::service::sync::ProfileState {
                    name: name.clone(),
                    about: edit.about.clone(),
                    homepage: homepage.clone(),
                    locality: locality.clone(),
                },
            )
        })
        .await?;
    ctx.queue.wake();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_follow_the_rules() {
        assert!(check_nick("alice").is_ok());
        assert!(check_nick("bob_2").is_ok());
        for bad in [
            "a", "Alice", "al ice", "_x", "al-ice", "ali.ce", "admin", "dav", "zot", "é",
        ] {
            assert!(check_nick(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_nick(&"a".repeat(65)).is_err());
    }

    #[test]
    fn offered_roles_are_zot_role_presets() {
        for (name, _) in ROLES {
            assert!(zot::perms::role(name).is_some(), "{name}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Alice A. ").unwrap(), "Alice A.");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(191)).is_err());
        assert!(check_name("a\u{0007}b").is_err());
        assert!(check_name("Alice\u{202E}ecilA").is_err());
        assert!(check_name("Ali\u{200B}ce").is_err());
        assert_eq!(check_name("Zoe\u{0308}").unwrap(), "Zo\u{00EB}");
    }
}
