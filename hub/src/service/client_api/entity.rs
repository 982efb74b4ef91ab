//! The JSON shapes of Mastodon's client API (accounts, statuses, notifications, relationships,
//! instance), as the hub hands them to apps. Every field Mastodon documents as always present
//! is present (clients such as toot build strict data classes from them).

use serde::Serialize;

/// `Account`.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    /// The channel's portable id.
    pub id: String,
    /// The nickname.
    pub username: String,
    /// `nick` for channels of this hub, `nick@host` for others.
    pub acct: String,
    /// The channel page.
    pub url: String,
    /// Same as `url` (ActivityPub id in Mastodon).
    pub uri: String,
    /// Channel name.
    pub display_name: String,
    /// The profile's "about", as HTML.
    pub note: String,
    /// Avatar URL.
    pub avatar: String,
    /// Avatar URL (static).
    pub avatar_static: String,
    /// Header image URL.
    pub header: String,
    /// Header image URL (static).
    pub header_static: String,
    /// Connections need approval.
    pub locked: bool,
    /// Profile fields.
    pub fields: Vec<Field>,
    /// Custom emojis (none).
    pub emojis: Vec<serde_json::Value>,
    /// A bot (never said here).
    pub bot: bool,
    /// A group channel.
    pub group: bool,
    /// Listed in directories.
    pub discoverable: bool,
    /// Indexable by search engines.
    pub indexable: bool,
    /// Hidden follower counts.
    pub hide_collections: bool,
    /// When the channel was made (or first seen).
    pub created_at: String,
    /// Day of the last status (`YYYY-MM-DD`), if any.
    pub last_status_at: Option<String>,
    /// Top posts on the channel's wall.
    pub statuses_count: i64,
    /// Connections.
    pub followers_count: i64,
    /// Connections.
    pub following_count: i64,
    /// Roles (none).
    pub roles: Vec<serde_json::Value>,
    /// Only on `verify_credentials` / `update_credentials`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// A profile field.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Label.
    pub name: String,
    /// Value (HTML).
    pub value: String,
    /// Verification time (never).
    pub verified_at: Option<String>,
}

/// `Account.source`: what the owner edits.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The about text as written.
    pub note: String,
    /// Fields as written.
    pub fields: Vec<Field>,
    /// Default visibility.
    pub privacy: String,
    /// Default sensitivity.
    pub sensitive: bool,
    /// Default language.
    pub language: String,
    /// Pending connection requests.
    pub follow_requests_count: i64,
}

/// `Status`.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The viewer's row of the item.
    pub id: String,
    /// The message id.
    pub uri: String,
    /// The item's page.
    pub url: Option<String>,
    /// Author.
    pub account: Account,
    /// Sanitised HTML.
    pub content: String,
    /// The text as written (only in answers to its author's create/edit/source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Last edit, if edited.
    pub edited_at: Option<String>,
    /// `public`, `unlisted`, `private` or `direct`.
    pub visibility: String,
    /// Sensitive.
    pub sensitive: bool,
    /// Content warning.
    pub spoiler_text: String,
    /// Media (arrives with cloud files).
    pub media_attachments: Vec<serde_json::Value>,
    /// The app that posted it.
    pub application: Option<Application>,
    /// Mentions.
    pub mentions: Vec<Mention>,
    /// Hashtags.
    pub tags: Vec<Tag>,
    /// Custom emojis (none).
    pub emojis: Vec<serde_json::Value>,
    /// Boosts (not offered).
    pub reblogs_count: i64,
    /// Likes.
    pub favourites_count: i64,
    /// Comments.
    pub replies_count: i64,
    /// The parent, as the viewer holds it.
    pub in_reply_to_id: Option<String>,
    /// The parent's author.
    pub in_reply_to_account_id: Option<String>,
    /// Boosted status (never).
    pub reblog: Option<Box<Status>>,
    /// Poll (none).
    pub poll: Option<serde_json::Value>,
    /// Preview card (none).
    pub card: Option<serde_json::Value>,
    /// Language.
    pub language: Option<String>,
    /// Liked by the viewer.
    pub favourited: bool,
    /// Boosted by the viewer (never).
    pub reblogged: bool,
    /// Thread muted (never).
    pub muted: bool,
    /// Bookmarked by the viewer.
    pub bookmarked: bool,
    /// Pinned (never).
    pub pinned: bool,
    /// Filter results (none).
    pub filtered: Vec<serde_json::Value>,
}

/// `Status.application`.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// Name.
    pub name: String,
    /// Website.
    pub website: Option<String>,
}

/// `Status.mentions[]`.
#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    /// Account id.
    pub id: String,
    /// Nick.
    pub username: String,
    /// Address.
    pub acct: String,
    /// Channel URL.
    pub url: String,
}

/// `Status.tags[]`.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    /// Lowercased name without `#`.
    pub name: String,
    /// The tag's timeline page.
    pub url: String,
}

/// `StatusEdit` (history).
#[derive(Debug, Clone, Serialize)]
pub struct StatusEdit {
    /// HTML then.
    pub content: String,
    /// Content warning.
    pub spoiler_text: String,
    /// Sensitive.
    pub sensitive: bool,
    /// When that version was written.
    pub created_at: String,
    /// Author.
    pub account: Account,
    /// Media (none).
    pub media_attachments: Vec<serde_json::Value>,
    /// Emojis (none).
    pub emojis: Vec<serde_json::Value>,
}

/// `Context`.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// Parents, oldest first.
    pub ancestors: Vec<Status>,
    /// Replies, oldest first.
    pub descendants: Vec<Status>,
}

/// `Notification`.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    /// Row id.
    pub id: String,
    /// `mention`, `favourite`, `follow`, `follow_request`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When.
    pub created_at: String,
    /// Who.
    pub account: Account,
    /// The status it is about.
    pub status: Option<Status>,
    /// Grouping key.
    pub group_key: String,
}

/// `Relationship`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Relationship {
    /// The other account.
    pub id: String,
    /// A connection the viewer made (approved).
    pub following: bool,
    /// Boosts shown.
    pub showing_reblogs: bool,
    /// Notified of posts.
    pub notifying: bool,
    /// The other side grants the viewer permissions.
    pub followed_by: bool,
    /// Blocked by the viewer.
    pub blocking: bool,
    /// Blocks the viewer (unknown: false).
    pub blocked_by: bool,
    /// Ignored (muted) by the viewer.
    pub muting: bool,
    /// Notifications muted.
    pub muting_notifications: bool,
    /// The viewer asked and waits.
    pub requested: bool,
    /// The other side asked the viewer and waits.
    pub requested_by: bool,
    /// Domain blocked.
    pub domain_blocking: bool,
    /// Featured.
    pub endorsed: bool,
    /// Private note.
    pub note: String,
    /// Languages filter.
    pub languages: Option<Vec<String>>,
}

/// `Marker`.
#[derive(Debug, Clone, Serialize)]
pub struct Marker {
    /// Last read id.
    pub last_read_id: String,
    /// Version.
    pub version: i64,
    /// When set.
    pub updated_at: String,
}

/// Mastodon's time format: RFC 3339 with milliseconds, UTC.
pub fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
