//! The one permission decider. Every surface (channel page, stream, permalinks, comments and
//! likes, profile, connection lists, signed Zot fetches, feeds; later files, pages and the
//! client API) asks [`ChannelAccess`], which loads what a decision needs (the channel's
//! limits, the viewer's connection with its permissions, its group memberships, blocks) and
//! asks the pure functions of `zot::perms`. It is also the only reader of item access lists
//! and of permission columns: an item's list is written here ([`Audience::resolve`]), checked
//! here ([`ChannelAccess::may_see`]), turned into recipients here ([`recipients`]) and put
//! into words here ([`describe`]).

use std::collections::BTreeSet;

use zot::perms::{AccessList, Limits, Permission, Viewer, limit};

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::service::channel::Channel;
use crate::service::outbound;
use crate::store::{self, AnyConnection};

/// Who is asking, as the web or Zot layer knows it, before anything is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observer {
    /// Nobody known.
    Anonymous,
    /// A logged-in account of this hub. It owns its channels; elsewhere it acts as its first
    /// channel (the identity its connections know).
    Account(i64),
    /// An identity on the network (portable id): a visitor recognised by OpenWebAuth, the
    /// signer of a Zot request, or the sender of a delivery.
    Identity(String),
}

/// Who may read a new post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Anyone allowed to see the channel's stream.
    Public,
    /// The channel's connections allowed to see its stream, as they are when it is written.
    Connections,
    /// The members of one of the channel's privacy groups (by name).
    Group(String),
    /// These identities (portable ids) alone.
    Channels(Vec<String>),
}

impl Audience {
    /// Reads the composer's value: `public`, `connections`, `group:NAME`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Self::Public),
            "connections" => Some(Self::Connections),
            g if g.starts_with("group:") && g.len() > "group:".len() => {
                Some(Self::Group(g["group:".len()..].to_string()))
            }
            _ => None,
        }
    }

    /// The audience a channel's posts get unless its owner chooses otherwise: the owner's
    /// default (`/channel/{nick}/settings`) if set, else by role: personal and custom channels
    /// post to their connections (zot6.md §5.3), public and group channels to everyone.
    pub fn default_for(channel: &Channel) -> Self {
        if let Some(chosen) = Self::parse(&channel.channel_default_audience) {
            return chosen;
        }
        match channel.channel_role.as_str() {
            "public" | "group" => Self::Public,
            _ => Self::Connections,
        }
    }

    /// The composer's value of this audience.
    pub fn form_value(&self) -> String {
        match self {
            Self::Public => "public".into(),
            Self::Connections => "connections".into(),
            Self::Group(g) => format!("group:{g}"),
            Self::Channels(_) => "channels".into(),
        }
    }

    /// Fixes the access list of a new item of `channel`: a restricted audience becomes an
    /// explicit list (connections as they are now, the group's id, the named identities), so
    /// changing limits or connections later never widens it.
    pub fn resolve(&self, conn: &mut AnyConnection, channel: &Channel) -> Result<ItemAcl> {
        let mut acl = AccessList::default();
        let private = match self {
            Self::Public => false,
            Self::Connections => {
                acl.allow_cid = stream_audience(conn, channel)?.into_iter().collect();
                true
            }
            Self::Group(name) => {
                let g = store::pgrp::find_by_name(conn, channel.channel_id, name.trim())?
                    .ok_or_else(|| Error::invalid("audience", "No group of that name."))?;
                if store::pgrp::members(conn, g.id)?.is_empty() {
                    return Err(Error::invalid("audience", "This group has no members yet."));
                }
                acl.allow_gid.insert(g.hash);
                true
            }
            Self::Channels(ids) => {
                if ids.is_empty() {
                    return Err(Error::invalid("audience", "Name at least one recipient."));
                }
                acl.allow_cid = ids.iter().cloned().collect();
                true
            }
        };
        Ok(ItemAcl { private, acl })
    }
}

/// An item's audience as stored: restricted or not, and its access list. Opaque outside this
/// module: only the decider reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemAcl {
    private: bool,
    acl: AccessList,
}

impl ItemAcl {
    /// The audience of a stored item.
    pub fn of(item: &store::item::Item) -> Self {
        Self {
            private: item.item_private,
            acl: AccessList::from_columns(
                &item.allow_cid,
                &item.allow_gid,
                &item.deny_cid,
                &item.deny_gid,
            ),
        }
    }

    /// A received restricted item: for the channel holding it alone.
    pub fn received(private: bool, holder: &str) -> Self {
        let mut acl = AccessList::default();
        if private {
            acl.allow_cid.insert(holder.to_string());
        }
        Self { private, acl }
    }

    /// Whether the item is restricted (not for everyone who may see the stream).
    pub fn is_restricted(&self) -> bool {
        self.private || !self.acl.is_empty()
    }

    /// The four columns, in Hubzilla's `<id>` form, and the private flag, for writing.
    pub fn columns(&self) -> store::item::AclRow {
        store::item::AclRow {
            item_private: self.private,
            allow_cid: AccessList::column(&self.acl.allow_cid),
            allow_gid: AccessList::column(&self.acl.allow_gid),
            deny_cid: AccessList::column(&self.acl.deny_cid),
            deny_gid: AccessList::column(&self.acl.deny_gid),
        }
    }
}

/// An item's access list as an export (or sync) carries it, from its row.
pub fn export_acl(row: &store::item::Item, out: &mut zot::export::Item) {
    out.item_private = row.item_private;
    out.allow_cid = row.allow_cid.clone();
    out.allow_gid = row.allow_gid.clone();
    out.deny_cid = row.deny_cid.clone();
    out.deny_gid = row.deny_gid.clone();
}

/// An item's access list from an export (or a sync from another location of the channel),
/// normalised to Hubzilla's `<id>` form.
pub fn imported_acl(it: &zot::export::Item) -> store::item::AclRow {
    ItemAcl {
        private: it.item_private,
        acl: AccessList::from_columns(&it.allow_cid, &it.allow_gid, &it.deny_cid, &it.deny_gid),
    }
    .columns()
}

/// An item's access list in Hubzilla's mirror form (`hz` sync packets, item pages), with the
/// `private` flag and the public scope that go with it.
pub fn hz_acl(from: &zot::export::Item, out: &mut zot::hz::Item) {
    out.allow_cid = from.allow_cid.clone();
    out.allow_gid = from.allow_gid.clone();
    out.deny_cid = from.deny_cid.clone();
    out.deny_gid = from.deny_gid.clone();
    out.public_scope = if from.item_private {
        "contacts".into()
    } else {
        String::new()
    };
    out.set_flags(from.item_private);
}

/// An item's access list from Hubzilla's mirror form, in the export's (stored as
/// [`imported_acl`] normalises it).
pub fn acl_of_hz(from: &zot::hz::Item, out: &mut zot::export::Item) {
    out.item_private = from.is_private();
    out.allow_cid = from.allow_cid.clone();
    out.allow_gid = from.allow_gid.clone();
    out.deny_cid = from.deny_cid.clone();
    out.deny_gid = from.deny_gid.clone();
}

/// The object and body of the `setting` change that carries a channel-wide limit.
pub fn limit_setting(perm: &str, bits: &str) -> (String, serde_json::Value) {
    (
        format!("perm_limits.{perm}"),
        serde_json::json!({ "cat": "perm_limits", "k": perm, "v": bits }),
    )
}

/// The limits in a `hz` sync packet's `config` (Hubzilla keeps them as we do, pconfig
/// `perm_limits.<perm>`), as `setting` changes; other settings and unknown permissions are
/// left out.
pub fn limit_settings_of_hz(
    config: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Vec<(String, serde_json::Value)> {
    let Some(limits) = config
        .and_then(|c| c.get("perm_limits"))
        .and_then(|v| v.as_object())
    else {
        return Vec::new();
    };
    limits
        .iter()
        .filter(|(k, _)| !k.starts_with("pcfgud:") && Permission::from_name(k).is_some())
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            limit_setting(k, &v)
        })
        .collect()
}

/// Restores a channel-wide limit from an export (Hubzilla's `perm_limits` config rows);
/// unknown permissions and values are left out. Returns whether it was taken.
pub fn restore_limit(
    conn: &mut AnyConnection,
    uid: i64,
    cat: &str,
    k: &str,
    v: &str,
) -> Result<bool> {
    if cat != "perm_limits" || Permission::from_name(k).is_none() || v.parse::<u32>().is_err() {
        return Ok(false);
    }
    store::pconfig::set(conn, uid, "perm_limits", k, v)?;
    Ok(true)
}

/// The channel's limits: its role's, with the owner's changes (pconfig `perm_limits.<perm>`,
/// as Hubzilla stores them) on top. An unknown role: only the owner, for everything.
pub fn limits_of(conn: &mut AnyConnection, channel: &Channel) -> Result<Limits> {
    let mut limits = role_limits(&channel.channel_role);
    // One query for all of them: this runs for every page a channel shows.
    let chosen = store::pconfig::category(conn, channel.channel_id, "perm_limits")?;
    for p in Permission::ALL {
        if let Some((_, v)) = chosen.iter().find(|(k, _)| k == p.name())
            && let Ok(bits) = v.parse::<u32>()
        {
            limits.0.insert(p, bits);
        }
    }
    Ok(limits)
}

fn role_limits(role: &str) -> Limits {
    zot::perms::role(role)
        .map(|r| r.limits)
        .unwrap_or_else(|| Limits(Permission::ALL.into_iter().map(|p| (p, 0)).collect()))
}

/// The limits a channel owner can choose from, with their meaning in words.
pub const LIMIT_CHOICES: &[(u32, &str)] = &[
    (limit::PUBLIC, "Anyone, even without logging in"),
    (limit::AUTHED, "Anyone logged in on any hub"),
    (limit::NETWORK, "Anyone on the Zot network"),
    (limit::SITE, "Anyone with a channel on this hub"),
    (
        limit::PENDING,
        "My connections, also ones I have not approved yet",
    ),
    (limit::CONTACTS, "My approved connections"),
    (
        limit::SPECIFIC,
        "Only connections I give this permission to",
    ),
    (limit::SELF, "Only me"),
];

/// Short names of the limits (the command line's), in the order of [`LIMIT_CHOICES`].
pub const LIMIT_NAMES: &[(u32, &str)] = &[
    (limit::PUBLIC, "public"),
    (limit::AUTHED, "authed"),
    (limit::NETWORK, "network"),
    (limit::SITE, "site"),
    (limit::PENDING, "pending"),
    (limit::CONTACTS, "contacts"),
    (limit::SPECIFIC, "specific"),
    (limit::SELF, "self"),
];

/// The short name of a limit (`?` for a combination no choice names).
pub fn limit_name(bits: u32) -> &'static str {
    LIMIT_NAMES
        .iter()
        .find(|(b, _)| *b == bits)
        .map(|(_, n)| *n)
        .unwrap_or("?")
}

/// A limit by its short name.
pub fn parse_limit(name: &str) -> Option<u32> {
    LIMIT_NAMES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
        .map(|(b, _)| *b)
}

/// What a permission lets someone do, in one line.
pub fn explain(p: Permission) -> &'static str {
    match p {
        Permission::ViewStream => "See my posts and conversations",
        Permission::SendStream => "Send their posts to my stream",
        Permission::ViewProfile => "See my profile",
        Permission::ViewContacts => "See the list of my connections",
        Permission::ViewStorage => "See my files and photos",
        Permission::WriteStorage => "Add and change files in my storage",
        Permission::ViewPages => "See my web pages",
        Permission::ViewWiki => "See my wikis",
        Permission::WritePages => "Edit my web pages",
        Permission::WriteWiki => "Edit my wikis",
        Permission::PostWall => "Post on my channel page",
        Permission::PostComments => "Comment on and like my posts",
        Permission::PostMail => "Send me private messages",
        Permission::PostLike => "Like my profile and things",
        Permission::Chat => "Chat with me",
        Permission::Republish => "Republish my public posts",
        Permission::Delegate => "Manage my channel for me",
    }
}

/// Sets one of the channel's limits (the owner's choice; must be one of [`LIMIT_CHOICES`]).
pub async fn set_limit(ctx: &Ctx, channel: &Channel, perm: Permission, bits: u32) -> Result<()> {
    if !LIMIT_CHOICES.iter().any(|(b, _)| *b == bits) {
        return Err(Error::invalid(
            "limit",
            "Choose one of the listed settings.",
        ));
    }
    let id = channel.channel_id;
    let hash = channel.channel_hash.clone();
    let c2 = ctx.clone();
    ctx.db
        .tx(move |conn| {
            store::pconfig::set(conn, id, "perm_limits", perm.name(), &bits.to_string())?;
            // The channel's other locations get the same limit (a `setting` change).
            let (obj, body) = limit_setting(perm.name(), &bits.to_string());
            crate::service::sync::record(conn, &c2, id, &hash, "setting", &obj, body)
        })
        .await
}

/// The channel's limits, for its settings page.
pub async fn limits(ctx: &Ctx, channel: &Channel) -> Result<Limits> {
    let ch = channel.clone();
    ctx.db.run(move |conn| limits_of(conn, &ch)).await
}

/// What a new connection is granted under a role preset (`perms_connect`).
pub fn role_grants(role: &str) -> Option<BTreeSet<Permission>> {
    zot::perms::role(role).map(|r| r.perms_connect)
}

/// The connection of a channel with an identity, as the decider sees it.
pub fn connection_of(
    conn: &mut AnyConnection,
    channel_id: i64,
    xchan: &str,
) -> Result<Option<zot::perms::Connection>> {
    let Some(ab) = store::abook::find(conn, channel_id, xchan)? else {
        return Ok(None);
    };
    let mut my_perms = BTreeSet::new();
    for p in Permission::ALL {
        if store::abook::get_config(conn, channel_id, xchan, "my_perms", p.name())?.as_deref()
            == Some("1")
        {
            my_perms.insert(p);
        }
    }
    Ok(Some(zot::perms::Connection {
        approved: !ab.abook_pending,
        blocked: ab.abook_blocked,
        ignored: ab.abook_ignored,
        my_perms,
    }))
}

/// What one viewer may see and do on one channel.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    viewer: Viewer,
    limits: Limits,
}

impl ChannelAccess {
    /// Loads everything the decision needs, in the caller's connection.
    pub fn load(conn: &mut AnyConnection, channel: &Channel, observer: &Observer) -> Result<Self> {
        let limits = limits_of(conn, channel)?;
        let id = match observer {
            Observer::Anonymous => None,
            Observer::Account(account) => {
                if *account == channel.channel_account_id {
                    return Ok(Self {
                        viewer: Viewer::Owner,
                        limits,
                    });
                }
                store::channel::find_by_account(conn, *account)?
                    .into_iter()
                    .find(|c| !c.channel_removed)
                    .map(|c| c.channel_hash)
            }
            Observer::Identity(h) => Some(h.clone()),
        };
        let Some(id) = id else {
            return Ok(Self {
                viewer: Viewer::Anonymous,
                limits,
            });
        };
        if id == channel.channel_hash {
            return Ok(Self {
                viewer: Viewer::Owner,
                limits,
            });
        }
        let same_site = store::channel::find_by_hash(conn, &id)?.is_some();
        let zot = store::xchan::find(conn, &id)?.is_none_or(|x| x.xchan_network == "zot6");
        let connection = connection_of(conn, channel.channel_id, &id)?;
        let groups = store::pgrp::hashes_with_member(conn, channel.channel_id, &id)?
            .into_iter()
            .collect();
        Ok(Self {
            viewer: Viewer::Identity {
                id,
                groups,
                zot,
                same_site,
                connection,
            },
            limits,
        })
    }

    /// [`ChannelAccess::load`] on its own connection.
    pub async fn of(ctx: &Ctx, channel: &Channel, observer: &Observer) -> Result<Self> {
        let ch = channel.clone();
        let obs = observer.clone();
        ctx.db
            .run(move |conn| ChannelAccess::load(conn, &ch, &obs))
            .await
    }

    /// Every permission the viewer holds.
    pub fn granted(&self) -> BTreeSet<Permission> {
        zot::perms::all_allowed(&self.limits, &self.viewer)
    }

    /// Whether the viewer holds a permission.
    pub fn may(&self, perm: Permission) -> bool {
        zot::perms::allowed(perm, &self.limits, &self.viewer)
    }

    /// Whether the viewer is the channel itself.
    pub fn is_owner(&self) -> bool {
        self.viewer == Viewer::Owner
    }

    /// Whether the viewer has a connection with the channel (blocked ones included).
    pub fn is_connection(&self) -> bool {
        matches!(
            &self.viewer,
            Viewer::Identity {
                connection: Some(_),
                ..
            }
        )
    }

    /// Whether the channel blocked the viewer.
    pub fn is_blocked(&self) -> bool {
        matches!(
            &self.viewer,
            Viewer::Identity {
                connection: Some(c),
                ..
            } if c.blocked
        )
    }

    /// The viewer's portable id, if it is known.
    pub fn viewer_id(&self) -> Option<&str> {
        match &self.viewer {
            Viewer::Identity { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Whether the viewer may see this item of the channel.
    pub fn may_see(&self, item: &store::item::Item) -> bool {
        self.may_see_acl(&ItemAcl::of(item))
    }

    /// Whether the viewer may see an item with this audience.
    pub fn may_see_acl(&self, acl: &ItemAcl) -> bool {
        zot::perms::may_see_item(&self.limits, &self.viewer, acl.private, &acl.acl)
    }

    /// Whether the viewer may comment on or like this item (seeing it, and `post_comments`).
    pub fn may_respond(&self, item: &store::item::Item) -> bool {
        self.may_see(item) && self.may(Permission::PostComments)
    }

    /// [`ChannelAccess::may_respond`] for an item's audience.
    pub fn may_respond_acl(&self, acl: &ItemAcl) -> bool {
        self.may_see_acl(acl) && self.may(Permission::PostComments)
    }

    /// The SQL pre-filter for listing the channel's items to this viewer.
    pub fn prefilter(&self) -> store::item::Prefilter {
        match &self.viewer {
            Viewer::Owner => store::item::Prefilter::All,
            Viewer::Anonymous => store::item::Prefilter::Mentioning(Vec::new()),
            Viewer::Identity { id, groups, .. } => store::item::Prefilter::Mentioning(
                std::iter::once(id.clone())
                    .chain(groups.iter().cloned())
                    .collect(),
            ),
        }
    }
}

/// The connections of `channel` that may see its stream (approved, not blocked or archived).
pub fn stream_audience(conn: &mut AnyConnection, channel: &Channel) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for ab in store::abook::find_by_channel(conn, channel.channel_id)? {
        if ab.abook_pending || ab.abook_blocked || ab.abook_archived {
            continue;
        }
        let access =
            ChannelAccess::load(conn, channel, &Observer::Identity(ab.abook_xchan.clone()))?;
        if access.may(Permission::ViewStream) {
            ids.push(ab.abook_xchan);
        }
    }
    Ok(ids)
}

/// Who a thread of `owner` goes to: for a restricted one, everyone its list names (group
/// members expanded, denied ones removed) who may still see it; otherwise every connection
/// that may see the stream.
pub fn recipients(
    conn: &mut AnyConnection,
    owner: &Channel,
    top: &store::item::Item,
) -> Result<outbound::Audience> {
    let acl = ItemAcl::of(top);
    if !acl.is_restricted() {
        return Ok(outbound::Audience::Public(stream_audience(conn, owner)?));
    }
    Ok(outbound::Audience::Private(listed(conn, owner, &acl)?))
}

/// The identities a restricted list names and that may see it.
fn listed(conn: &mut AnyConnection, owner: &Channel, acl: &ItemAcl) -> Result<Vec<String>> {
    let mut named: BTreeSet<String> = acl.acl.allow_cid.clone();
    for g in &acl.acl.allow_gid {
        if let Some(grp) = store::pgrp::find_by_hash(conn, owner.channel_id, g)? {
            named.extend(store::pgrp::members(conn, grp.id)?);
        }
    }
    let mut out = Vec::new();
    for id in named {
        if id == owner.channel_hash {
            continue;
        }
        let access = ChannelAccess::load(conn, owner, &Observer::Identity(id.clone()))?;
        if access.may_see_acl(acl) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Who can see an item of `owner`, in plain words (shown with each post and in the composer).
pub fn describe(conn: &mut AnyConnection, owner: &Channel, acl: &ItemAcl) -> Result<String> {
    describe_under(conn, owner, acl, Permission::ViewStream)
}

/// [`describe`] for a cloud file or folder: without a list, the channel's storage permission
/// decides.
pub fn describe_file(conn: &mut AnyConnection, owner: &Channel, acl: &ItemAcl) -> Result<String> {
    describe_under(conn, owner, acl, Permission::ViewStorage)
}

fn describe_under(
    conn: &mut AnyConnection,
    owner: &Channel,
    acl: &ItemAcl,
    open: Permission,
) -> Result<String> {
    if !acl.is_restricted() {
        let limits = limits_of(conn, owner)?;
        return Ok(match limits.of(open) {
            l if l & limit::PUBLIC != 0 => "Public: anyone can see this.".into(),
            l if l & (limit::AUTHED | limit::NETWORK) != 0 => {
                "Anyone logged in on a hub can see this.".into()
            }
            l if l & limit::SITE != 0 => "Anyone with a channel on this hub can see this.".into(),
            l if l & (limit::CONTACTS | limit::PENDING | limit::SPECIFIC) != 0 => {
                "Your connections can see this.".into()
            }
            _ => "Only you can see this.".into(),
        });
    }
    let mut parts = Vec::new();
    for g in &acl.acl.allow_gid {
        let name = store::pgrp::find_by_hash(conn, owner.channel_id, g)?
            .map(|g| g.gname)
            .unwrap_or_else(|| "a deleted group".into());
        parts.push(format!("the group “{name}”"));
    }
    let mut people: Vec<String> = Vec::new();
    for c in acl
        .acl
        .allow_cid
        .iter()
        .filter(|c| **c != owner.channel_hash)
    {
        people.push(
            store::xchan::find(conn, c)?
                .map(|x| x.xchan_addr)
                .unwrap_or_else(|| "an unknown channel".into()),
        );
    }
    people.sort();
    match people.len() {
        0 => {}
        1..=3 => parts.push(people.join(", ")),
        n => parts.push(format!("{} and {} others", people[..2].join(", "), n - 2)),
    }
    if parts.is_empty() {
        return Ok("Only you can see this.".into());
    }
    let mut text = format!("Only you and {} can see this.", parts.join(" and "));
    if !acl.acl.deny_cid.is_empty() || !acl.acl.deny_gid.is_empty() {
        text.push_str(" Some people are excluded.");
    }
    Ok(text)
}

/// [`describe`] for a new post to `audience`, before it is written (the composer's preview).
pub async fn describe_audience(
    ctx: &Ctx,
    channel: &Channel,
    audience: &Audience,
) -> Result<String> {
    let ch = channel.clone();
    let a = audience.clone();
    ctx.db
        .run(move |conn| match a.resolve(conn, &ch) {
            Ok(acl) => describe(conn, &ch, &acl),
            Err(e) => Ok(e.kind.safe_message()),
        })
        .await
}

/// The Mastodon visibility of a stored item, read from its access list: `public` without one,
/// else `private`. (Statuses posted through the API keep the visibility their app chose,
/// `unlisted` and `direct` included; this is for the rest.)
pub fn visibility_of(item: &store::item::Item) -> &'static str {
    if ItemAcl::of(item).is_restricted() {
        "private"
    } else {
        "public"
    }
}

/// Whether an item row belongs on the hub's public timelines: without an access list, and,
/// when it is on the wall of a channel of this hub, visible to anybody there.
pub fn public_listing(conn: &mut AnyConnection, item: &store::item::Item) -> Result<bool> {
    if ItemAcl::of(item).is_restricted() {
        return Ok(false);
    }
    match store::channel::find_by_hash(conn, &item.owner_xchan)? {
        Some(owner) if owner.channel_id == item.uid => {
            let ch = Channel::from(owner);
            Ok(ChannelAccess::load(conn, &ch, &Observer::Anonymous)?.may_see(item))
        }
        _ => Ok(true),
    }
}

/// A cloud file's or folder's audience as stored: restricted when it has an access list.
pub fn file_acl(row: &store::attach::Attach) -> ItemAcl {
    let acl =
        AccessList::from_columns(&row.allow_cid, &row.allow_gid, &row.deny_cid, &row.deny_gid);
    ItemAcl {
        private: !acl.is_empty(),
        acl,
    }
}

/// The columns of a file's or folder's access list. A file's restriction lives in its list
/// alone, so a restricted audience that names nobody (connections, when there are none yet)
/// names the owner: restricted stays restricted.
pub fn file_columns(acl: &ItemAcl, owner: &Channel) -> store::item::AclRow {
    let mut acl = acl.clone();
    if acl.is_restricted() && acl.acl.is_empty() {
        acl.acl.allow_cid.insert(owner.channel_hash.clone());
    }
    acl.columns()
}

/// The access list a post gives the files attached to it: the post's own (a restricted post
/// that names nobody leaves them to the owner).
pub fn item_file_columns(item: &store::item::Item, owner: &Channel) -> store::item::AclRow {
    file_columns(&ItemAcl::of(item), owner)
}

/// The owner alone (media uploaded through the client API until a status uses it).
pub fn owner_only_columns(owner: &Channel) -> store::item::AclRow {
    let mut acl = AccessList::default();
    acl.allow_cid.insert(owner.channel_hash.clone());
    ItemAcl { private: true, acl }.columns()
}

impl ChannelAccess {
    /// Whether the viewer may see this file or folder of the channel by itself (its folders
    /// are checked by the caller): the owner always; others need `view_storage` and a place on
    /// its access list.
    pub fn may_see_file(&self, row: &store::attach::Attach) -> bool {
        if self.is_owner() {
            return true;
        }
        let acl = file_acl(row);
        self.may(Permission::ViewStorage)
            && zot::perms::may_see_item(&self.limits, &self.viewer, acl.private, &acl.acl)
    }

    /// Whether the viewer may add, change and remove the channel's files: the owner, and
    /// those the channel grants `write_storage` (who changes who may see an entry is the
    /// owner alone: see `service::storage::set_audience`).
    pub fn may_write_files(&self) -> bool {
        self.is_owner() || self.may(Permission::WriteStorage)
    }
}

/// A file's or folder's access list as a sync change or an export carries it to the channel's
/// other locations. Nothing in it is local to a location: identities are portable ids and
/// groups are the group's public id (synced, with its members, as `group` changes), so the
/// columns travel as they are and are only normalised on arrival.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CarriedAcl {
    /// Identities allowed (`<id><id>`).
    #[serde(default)]
    pub allow_cid: String,
    /// Groups allowed.
    #[serde(default)]
    pub allow_gid: String,
    /// Identities refused.
    #[serde(default)]
    pub deny_cid: String,
    /// Groups refused.
    #[serde(default)]
    pub deny_gid: String,
}

/// The access list of a file or folder row, to carry to another location.
pub fn carried_file_acl(row: &store::attach::Attach) -> CarriedAcl {
    let c = file_acl(row).columns();
    CarriedAcl {
        allow_cid: c.allow_cid,
        allow_gid: c.allow_gid,
        deny_cid: c.deny_cid,
        deny_gid: c.deny_gid,
    }
}

/// The columns to store for a carried access list, normalised to Hubzilla's `<id>` form.
pub fn file_columns_of_carried(acl: &CarriedAcl) -> store::item::AclRow {
    let list =
        AccessList::from_columns(&acl.allow_cid, &acl.allow_gid, &acl.deny_cid, &acl.deny_gid);
    ItemAcl {
        private: !list.is_empty(),
        acl: list,
    }
    .columns()
}

/// A file's access list as one line of text, the same at every location holding the same list
/// (for the clone-health digests).
pub fn file_acl_text(row: &store::attach::Attach) -> String {
    let c = file_acl(row).columns();
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        c.allow_cid, c.allow_gid, c.deny_cid, c.deny_gid
    )
}
