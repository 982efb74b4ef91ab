//! The one place that decides what a viewer may see or do on a channel. It turns who is asking
//! into a `zot::perms::Viewer`, takes the channel's limits from its role preset, and asks
//! `zot::perms::allowed`; an item's audience is checked here too. Pages, permalinks and every
//! list of posts go through [`ChannelAccess`].

use zot::perms::{Limits, Permission, Viewer};

use crate::service::account::Account;
use crate::service::channel::Channel;
use crate::store::item::Item;

/// Who may read a new post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone allowed to see the channel's stream.
    Public,
    /// Only the channel's connections (Hubzilla's default "Friends" ACL of a personal channel).
    Connections,
}

impl Audience {
    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Connections => "connections",
        }
    }

    /// Parses a form value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Self::Public),
            "connections" => Some(Self::Connections),
            _ => None,
        }
    }

    /// The audience a channel's posts get unless its owner chooses otherwise: personal and
    /// custom channels post to their connections (zot6.md §5.3), public and group channels to
    /// everyone.
    pub fn default_for(channel: &Channel) -> Self {
        match channel.channel_role.as_str() {
            "public" | "group" => Self::Public,
            _ => Self::Connections,
        }
    }
}

/// The channel's limits, from its role (an unknown role: only the owner, for everything).
fn limits_of(channel: &Channel) -> Limits {
    zot::perms::role(&channel.channel_role)
        .map(|r| r.limits)
        .unwrap_or_else(|| Limits(Permission::ALL.into_iter().map(|p| (p, 0)).collect()))
}

/// What a new connection is granted under a role preset (`perms_connect`).
pub fn role_grants(role: &str) -> Option<std::collections::BTreeSet<Permission>> {
    zot::perms::role(role).map(|r| r.perms_connect)
}

/// What one viewer may do on one channel.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    viewer: Viewer,
    limits: Limits,
}

impl ChannelAccess {
    /// The access of `visitor` (a logged-in account, or nobody) to `channel`. The account that
    /// owns the channel is its owner; another local account is a known identity on this hub
    /// without a connection (connections arrive with federation).
    pub fn of(channel: &Channel, visitor: Option<&Account>) -> Self {
        let viewer = match visitor {
            Some(a) if a.account_id == channel.channel_account_id => Viewer::Owner,
            Some(_) => Viewer::Identity {
                zot: true,
                same_site: true,
                connection: None,
            },
            None => Viewer::Anonymous,
        };
        Self {
            viewer,
            limits: limits_of(channel),
        }
    }

    /// The access of an identity on the network (a remote channel, or another channel of this
    /// hub) with its connection to `channel`, if any.
    pub fn of_identity(
        channel: &Channel,
        identity: &str,
        same_site: bool,
        connection: Option<zot::perms::Connection>,
    ) -> Self {
        let viewer = if identity == channel.channel_hash {
            Viewer::Owner
        } else {
            Viewer::Identity {
                zot: true,
                same_site,
                connection,
            }
        };
        Self {
            viewer,
            limits: limits_of(channel),
        }
    }

    /// Every permission the viewer holds.
    pub fn granted(&self) -> std::collections::BTreeSet<Permission> {
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

    /// Whether the viewer may see posts addressed to a restricted audience. Until connections
    /// and access lists exist, only the owner may.
    pub fn sees_restricted(&self) -> bool {
        self.is_owner()
    }

    /// Whether the viewer may see this item of the channel.
    pub fn may_see(&self, item: &Item) -> bool {
        self.may(Permission::ViewStream) && (!item.item_private || self.sees_restricted())
    }
}
