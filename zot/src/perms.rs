//! Permissions (zot6.md §5): the permission names, the channel-wide limits, the role presets,
//! item access lists, and the pure decisions: [`allowed`] (does a viewer hold a permission on a
//! channel) and [`may_see_item`] (may a viewer see one item of it).

use std::collections::{BTreeMap, BTreeSet};

/// A permission (Hubzilla `Zotlabs/Access/Permissions.php`, version 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// See my stream and posts.
    ViewStream,
    /// Send me their stream.
    SendStream,
    /// See my profile.
    ViewProfile,
    /// See my connections.
    ViewContacts,
    /// See my files and photos.
    ViewStorage,
    /// Change my files.
    WriteStorage,
    /// See my web pages.
    ViewPages,
    /// See my wikis.
    ViewWiki,
    /// Change my web pages.
    WritePages,
    /// Change my wikis.
    WriteWiki,
    /// Post on my wall.
    PostWall,
    /// Comment on or like my posts.
    PostComments,
    /// Send me direct messages.
    PostMail,
    /// Like my profile and things.
    PostLike,
    /// Chat with me.
    Chat,
    /// Republish my public posts.
    Republish,
    /// Administer my channel.
    Delegate,
}

impl Permission {
    /// Every permission, in Hubzilla's order.
    pub const ALL: [Permission; 17] = [
        Self::ViewStream,
        Self::SendStream,
        Self::ViewProfile,
        Self::ViewContacts,
        Self::ViewStorage,
        Self::WriteStorage,
        Self::ViewPages,
        Self::ViewWiki,
        Self::WritePages,
        Self::WriteWiki,
        Self::PostWall,
        Self::PostComments,
        Self::PostMail,
        Self::PostLike,
        Self::Chat,
        Self::Republish,
        Self::Delegate,
    ];

    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ViewStream => "view_stream",
            Self::SendStream => "send_stream",
            Self::ViewProfile => "view_profile",
            Self::ViewContacts => "view_contacts",
            Self::ViewStorage => "view_storage",
            Self::WriteStorage => "write_storage",
            Self::ViewPages => "view_pages",
            Self::ViewWiki => "view_wiki",
            Self::WritePages => "write_pages",
            Self::WriteWiki => "write_wiki",
            Self::PostWall => "post_wall",
            Self::PostComments => "post_comments",
            Self::PostMail => "post_mail",
            Self::PostLike => "post_like",
            Self::Chat => "chat",
            Self::Republish => "republish",
            Self::Delegate => "delegate",
        }
    }

    /// Reads a wire name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }

    /// Whether this is one of the `view_*` permissions (public by default).
    pub fn is_view(self) -> bool {
        self.name().starts_with("view_")
    }
}

/// Limit bits (HZ10 `boot.php`). `0` means "only me".
pub mod limit {
    /// Only the channel itself.
    pub const SELF: u32 = 0;
    /// Anybody, including anonymous visitors.
    pub const PUBLIC: u32 = 0x0001;
    /// Anybody on the Zot network.
    pub const NETWORK: u32 = 0x0002;
    /// Anybody on this hub.
    pub const SITE: u32 = 0x0004;
    /// Approved connections.
    pub const CONTACTS: u32 = 0x0008;
    /// Decided per connection (its `my_perms`).
    pub const SPECIFIC: u32 = 0x0080;
    /// Any authenticated identity.
    pub const AUTHED: u32 = 0x0100;
    /// Connections, including ones not yet approved.
    pub const PENDING: u32 = 0x0200;
    /// Every limit, "only me" first.
    pub const ALL: [u32; 8] = [
        SELF, PUBLIC, NETWORK, SITE, CONTACTS, SPECIFIC, AUTHED, PENDING,
    ];
}

/// A channel's limits: the ceiling for each permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits(pub BTreeMap<Permission, u32>);

impl Default for Limits {
    /// Hubzilla's standard limits: every `view_*` public, everything else per connection.
    fn default() -> Self {
        Self(
            Permission::ALL
                .into_iter()
                .map(|p| {
                    (
                        p,
                        if p.is_view() {
                            limit::PUBLIC
                        } else {
                            limit::SPECIFIC
                        },
                    )
                })
                .collect(),
        )
    }
}

impl Limits {
    /// The limit of one permission (`SELF` when unset).
    pub fn of(&self, p: Permission) -> u32 {
        self.0.get(&p).copied().unwrap_or(limit::SELF)
    }
}

/// A connection between the channel and the viewer, as the channel sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// Approved (not pending).
    pub approved: bool,
    /// Blocked: gets nothing.
    pub blocked: bool,
    /// Ignored: keeps only what is public.
    pub ignored: bool,
    /// What the channel grants this connection (`abconfig my_perms`).
    pub my_perms: BTreeSet<Permission>,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// The channel itself (or its account).
    Owner,
    /// Nobody known.
    Anonymous,
    /// A known identity (local, or a remote visitor recognised by OpenWebAuth or a signature).
    Identity {
        /// The viewer's portable id.
        id: String,
        /// The channel's privacy groups (their ids) the viewer is a member of.
        groups: BTreeSet<String>,
        /// The viewer is on the Zot network (xchan network `zot6`).
        zot: bool,
        /// The viewer is a channel on this hub.
        same_site: bool,
        /// The connection, if there is one.
        connection: Option<Connection>,
    },
}

/// Whether `viewer` holds `perm` on a channel with `limits` (HZ8 `get_all_perms()` order).
pub fn allowed(perm: Permission, limits: &Limits, viewer: &Viewer) -> bool {
    let limit = limits.of(perm);
    let (zot, same_site, connection) = match viewer {
        Viewer::Owner => return true,
        Viewer::Anonymous => return limit & limit::PUBLIC != 0,
        Viewer::Identity {
            zot,
            same_site,
            connection,
            ..
        } => (*zot, *same_site, connection.as_ref()),
    };
    if let Some(c) = connection {
        if c.blocked {
            return false;
        }
        if c.ignored {
            return limit & limit::PUBLIC != 0;
        }
    }
    if limit & (limit::PUBLIC | limit::AUTHED) != 0 {
        return true;
    }
    if limit & limit::NETWORK != 0 && zot {
        return true;
    }
    if limit & limit::SITE != 0 && same_site {
        return true;
    }
    let Some(c) = connection else {
        return false;
    };
    if limit & limit::PENDING != 0 {
        return true;
    }
    if !c.approved {
        return false;
    }
    if limit & limit::CONTACTS != 0 {
        return true;
    }
    limit & limit::SPECIFIC != 0 && c.my_perms.contains(&perm)
}

/// An item's access list (Hubzilla's `allow_cid`, `allow_gid`, `deny_cid`, `deny_gid`):
/// portable ids and privacy-group ids. It is fixed when the item is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessList {
    /// Identities allowed.
    pub allow_cid: BTreeSet<String>,
    /// Privacy groups allowed.
    pub allow_gid: BTreeSet<String>,
    /// Identities refused (even if allowed by a group).
    pub deny_cid: BTreeSet<String>,
    /// Privacy groups refused.
    pub deny_gid: BTreeSet<String>,
}

impl AccessList {
    /// No list at all: the item is for whoever may see the channel's stream.
    pub fn is_empty(&self) -> bool {
        self.allow_cid.is_empty()
            && self.allow_gid.is_empty()
            && self.deny_cid.is_empty()
            && self.deny_gid.is_empty()
    }

    /// Reads the four columns in Hubzilla's form (`<id><id>…`; commas are accepted too).
    pub fn from_columns(allow_cid: &str, allow_gid: &str, deny_cid: &str, deny_gid: &str) -> Self {
        Self {
            allow_cid: tokens(allow_cid),
            allow_gid: tokens(allow_gid),
            deny_cid: tokens(deny_cid),
            deny_gid: tokens(deny_gid),
        }
    }

    /// One column in Hubzilla's form (`<a><b>`, sorted; empty for none).
    pub fn column(set: &BTreeSet<String>) -> String {
        set.iter().map(|t| format!("<{t}>")).collect()
    }
}

/// The ids of an access-list column (`<a><b>` or `a,b`).
pub fn tokens(column: &str) -> BTreeSet<String> {
    column
        .split(['<', '>', ','])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `viewer` may see an item of a channel with `limits`: the owner always; anyone else
/// needs `view_stream`, and for a restricted item (`private`, or one with an access list) to be
/// named in it (directly or through a group) and not denied. A limit therefore narrows who
/// sees an item but never widens its list (Hubzilla issue #998).
pub fn may_see_item(limits: &Limits, viewer: &Viewer, private: bool, acl: &AccessList) -> bool {
    if *viewer == Viewer::Owner {
        return true;
    }
    if !allowed(Permission::ViewStream, limits, viewer) {
        return false;
    }
    if !private && acl.is_empty() {
        return true;
    }
    let Viewer::Identity { id, groups, .. } = viewer else {
        return false;
    };
    if acl.deny_cid.contains(id) || groups.iter().any(|g| acl.deny_gid.contains(g)) {
        return false;
    }
    acl.allow_cid.contains(id) || groups.iter().any(|g| acl.allow_gid.contains(g))
}

/// Every permission the viewer holds.
pub fn all_allowed(limits: &Limits, viewer: &Viewer) -> BTreeSet<Permission> {
    Permission::ALL
        .into_iter()
        .filter(|p| allowed(*p, limits, viewer))
        .collect()
}

/// The comma list of zot-info `permissions` (`connected` is not a permission and is skipped).
pub fn parse_list(s: &str) -> BTreeSet<Permission> {
    s.split(',')
        .filter_map(|p| Permission::from_name(p.trim()))
        .collect()
}

/// Formats permissions as the zot-info comma list, in Hubzilla's order.
pub fn format_list(perms: &BTreeSet<Permission>) -> String {
    Permission::ALL
        .into_iter()
        .filter(|p| perms.contains(p))
        .map(Permission::name)
        .collect::<Vec<_>>()
        .join(",")
}

/// A role preset (HZ8 `Zotlabs/Access/PermissionRoles.php`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Role name (`personal`, `public`, `group`, `custom`).
    pub name: &'static str,
    /// What a new connection is granted.
    pub perms_connect: BTreeSet<Permission>,
    /// The channel's limits.
    pub limits: Limits,
    /// The channel is a group (forum).
    pub group: bool,
}

/// The role presets in use in Hubzilla 8 and 10.
pub fn role(name: &str) -> Option<Role> {
    use Permission::*;
    let views = || Permission::ALL.into_iter().filter(|p| p.is_view());
    let with = |extra: &[Permission]| -> BTreeSet<Permission> {
        views().chain(extra.iter().copied()).collect()
    };
    let mut limits = Limits::default();
    let (perms_connect, group) = match name {
        "public" => {
            for p in [PostComments, PostMail, PostLike, Chat] {
                limits.0.insert(p, limit::AUTHED);
            }
            (
                with(&[
                    SendStream,
                    PostComments,
                    PostMail,
                    PostWall,
                    Chat,
                    PostLike,
                    Republish,
                ]),
                false,
            )
        }
        "personal" | "custom" => {
            limits.0.insert(ViewContacts, limit::SPECIFIC);
            (
                with(&[SendStream, PostComments, PostMail, Chat, PostLike]),
                false,
            )
        }
        "group" => (
            with(&[PostWall, PostComments, PostMail, PostLike, Chat]),
            true,
        ),
        _ => return None,
    };
    let name = match name {
        "public" => "public",
        "personal" => "personal",
        "custom" => "custom",
        _ => "group",
    };
    Some(Role {
        name,
        perms_connect,
        limits,
        group,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    fn friend(perms: &[Permission]) -> Viewer {
        Viewer::Identity {
            id: "friend".into(),
            groups: BTreeSet::new(),
            zot: true,
            same_site: false,
            connection: Some(Connection {
                approved: true,
                my_perms: perms.iter().copied().collect(),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn each_branch_of_the_evaluation() {
        let std = Limits::default();
        let stranger = Viewer::Identity {
            id: "stranger".into(),
            groups: BTreeSet::new(),
            zot: true,
            same_site: false,
            connection: None,
        };
        assert!(allowed(Delegate, &std, &Viewer::Owner));
        assert!(allowed(ViewStream, &std, &Viewer::Anonymous), "public");
        assert!(!allowed(PostComments, &std, &Viewer::Anonymous));
        assert!(
            !allowed(PostComments, &std, &stranger),
            "specific needs a connection"
        );
        assert!(allowed(PostComments, &std, &friend(&[PostComments])));
        assert!(!allowed(PostMail, &std, &friend(&[PostComments])));

        let mut blocked = friend(&[PostComments]);
        if let Viewer::Identity {
            connection: Some(c),
            ..
        } = &mut blocked
        {
            c.blocked = true;
        }
        assert!(!allowed(ViewStream, &std, &blocked), "blocked gets nothing");
        let mut ignored = friend(&[PostComments]);
        if let Viewer::Identity {
            connection: Some(c),
            ..
        } = &mut ignored
        {
            c.ignored = true;
        }
        assert!(allowed(ViewStream, &std, &ignored) && !allowed(PostComments, &std, &ignored));

        let mut l = Limits::default();
        l.0.insert(PostComments, limit::AUTHED);
        assert!(
            allowed(PostComments, &l, &stranger) && !allowed(PostComments, &l, &Viewer::Anonymous)
        );
        l.0.insert(PostComments, limit::NETWORK);
        let web = Viewer::Identity {
            id: "web".into(),
            groups: BTreeSet::new(),
            zot: false,
            same_site: false,
            connection: None,
        };
        assert!(allowed(PostComments, &l, &stranger) && !allowed(PostComments, &l, &web));
        l.0.insert(PostComments, limit::SITE);
        let local = Viewer::Identity {
            id: "local".into(),
            groups: BTreeSet::new(),
            zot: true,
            same_site: true,
            connection: None,
        };
        assert!(allowed(PostComments, &l, &local) && !allowed(PostComments, &l, &stranger));
        l.0.insert(PostComments, limit::CONTACTS);
        let mut pending = friend(&[]);
        if let Viewer::Identity {
            connection: Some(c),
            ..
        } = &mut pending
        {
            c.approved = false;
        }
        assert!(allowed(PostComments, &l, &friend(&[])) && !allowed(PostComments, &l, &pending));
        l.0.insert(PostComments, limit::PENDING);
        assert!(allowed(PostComments, &l, &pending));
        l.0.insert(PostComments, limit::SELF);
        assert!(!allowed(PostComments, &l, &friend(&[PostComments])));
    }

    #[test]
    fn items_follow_their_access_list() {
        let std = Limits::default();
        let acl = AccessList::from_columns("<friend>", "<family>", "", "");
        assert_eq!(AccessList::column(&acl.allow_cid), "<friend>");
        assert!(may_see_item(&std, &friend(&[]), true, &acl), "named");
        assert!(!may_see_item(&std, &Viewer::Anonymous, true, &acl));
        let mut cousin = friend(&[]);
        if let Viewer::Identity { id, groups, .. } = &mut cousin {
            *id = "cousin".into();
            groups.insert("family".into());
        }
        assert!(may_see_item(&std, &cousin, true, &acl), "through a group");
        let denied = AccessList::from_columns("<friend>", "<family>", "<cousin>", "");
        assert!(!may_see_item(&std, &cousin, true, &denied), "deny wins");
        assert!(may_see_item(&std, &Viewer::Owner, true, &denied));
        // A private item without a list is for the owner alone.
        assert!(!may_see_item(
            &std,
            &friend(&[]),
            true,
            &AccessList::default()
        ));
        assert!(may_see_item(
            &std,
            &Viewer::Anonymous,
            false,
            &AccessList::default()
        ));
        // #998: however the limits change, a non-member never sees a group post.
        let mut open = Limits::default();
        for p in Permission::ALL {
            open.0.insert(p, limit::PUBLIC);
        }
        let family_only = AccessList::from_columns("", "<family>", "", "");
        assert!(!may_see_item(&open, &friend(&[]), true, &family_only));
        assert_eq!(tokens("a,b"), tokens("<b><a>"));
    }

    #[test]
    fn lists_and_roles() {
        let set = parse_list("view_stream,view_profile,connected,bogus");
        assert_eq!(format_list(&set), "view_stream,view_profile");
        let personal = role("personal").unwrap();
        assert!(
            personal.perms_connect.contains(&PostComments)
                && !personal.perms_connect.contains(&PostWall)
        );
        assert_eq!(personal.limits.of(ViewContacts), limit::SPECIFIC);
        let public = role("public").unwrap();
        assert_eq!(public.limits.of(PostComments), limit::AUTHED);
        assert!(role("group").unwrap().group);
        assert!(role("overlord").is_none());
        // Hubzilla's answer to an anonymous zot-info fetch of alice (role personal), from
        // tests/fixtures/hubzilla/a/zotinfo_alice_unsigned_get.json.
        let anon = all_allowed(&personal.limits, &Viewer::Anonymous);
        assert_eq!(
            format_list(&anon),
            "view_stream,view_profile,view_storage,view_pages,view_wiki"
        );
    }
}
