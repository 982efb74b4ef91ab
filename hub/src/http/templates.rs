//! Page templates (askama, files under `templates/`): one struct per page, each carrying a
//! [`PageCtx`] with what the shared layout needs (site name, viewer, CSRF token, title).

use askama::Template;

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// Site name for the header and titles.
    pub site_name: String,
    /// Page title.
    pub title: String,
    /// The logged-in account, if any.
    pub viewer: Option<ViewerInfo>,
    /// A visitor from another hub, by address ("visiting as …").
    pub visiting: Option<String>,
    /// CSRF token for the forms on the page (logout in the header included).
    pub csrf: String,
    /// Shortest password accepted (`accounts.min_password_len`), for hints and `minlength`.
    pub min_password_len: usize,
    /// Language of the page (a shipped tag).
    pub lang: &'static str,
    /// Time zone times are shown in.
    pub tz: chrono_tz::Tz,
    /// The text catalogue.
    pub i18n: std::sync::Arc<crate::i18n::Catalogue>,
    /// Messages about the last action (shown once, then gone).
    pub flash: Vec<String>,
    /// The viewer's channels for the switcher: (nick, name).
    pub channels: Vec<(String, String)>,
    /// The channel the header is about: (nick, name).
    pub current: Option<(String, String)>,
    /// Its unseen notifications.
    pub unread: i64,
    /// Site logo path (empty: none).
    pub logo: String,
    /// Accent colour (`#rrggbb`), for the buttons and links.
    pub accent: String,
    /// The languages offered in the footer: (tag, own name).
    pub languages: Vec<(&'static str, &'static str)>,
}

impl PageCtx {
    /// A bare layout (no session at hand: a template error, a response built outside a request).
    pub fn bare(site_name: &str, title: &str) -> Self {
        Self {
            site_name: site_name.to_string(),
            title: title.to_string(),
            viewer: None,
            visiting: None,
            csrf: String::new(),
            min_password_len: 0,
            lang: crate::i18n::DEFAULT_LANG,
            tz: chrono_tz::UTC,
            i18n: std::sync::Arc::new(crate::i18n::Catalogue::new()),
            flash: Vec::new(),
            channels: Vec::new(),
            current: None,
            unread: 0,
            logo: String::new(),
            accent: crate::service::preferences::DEFAULT_ACCENT.to_string(),
            languages: Vec::new(),
        }
    }

    /// The text of a catalogue message.
    pub fn t(&self, id: &str) -> String {
        self.i18n.text(self.lang, id)
    }

    /// A message with one named text argument.
    pub fn ta(&self, id: &str, name: &str, value: &str) -> String {
        self.i18n.text_with(self.lang, id, &[(name, value.into())])
    }

    /// A message with two named text arguments.
    pub fn ta2(&self, id: &str, name: &str, value: &str, name2: &str, value2: &str) -> String {
        self.i18n.text_with(
            self.lang,
            id,
            &[(name, value.into()), (name2, value2.into())],
        )
    }

    /// This layout with its title set from catalogue message `id` (in the page's language).
    pub fn titled(mut self, id: &str) -> Self {
        self.title = self.t(id);
        self
    }

    /// A message with a count (`$count`, which picks the plural form).
    pub fn tn(&self, id: &str, count: &i64) -> String {
        self.i18n
            .text_with(self.lang, id, &[("count", (*count).into())])
    }

    /// An RFC 3339 time as the viewer reads it: `YYYY-MM-DD HH:MM` in their zone, with the zone.
    pub fn time(&self, iso: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(iso) {
            Ok(t) => t
                .with_timezone(&self.tz)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string(),
            Err(_) => iso.to_string(),
        }
    }

    /// The header's notifications link (the current channel's), if the viewer has a channel.
    pub fn notifications_href(&self) -> Option<String> {
        self.current
            .as_ref()
            .map(|(nick, _)| format!("/channel/{nick}/notifications"))
    }
}

/// The logged-in account as the layout shows it.
#[derive(Debug, Clone)]
pub struct ViewerInfo {
    /// Email address.
    pub email: String,
    /// Hub admin.
    pub admin: bool,
}

/// A channel as listed or shown in headers.
#[derive(Debug, Clone)]
pub struct ChannelView {
    /// Nickname.
    pub nick: String,
    /// Display name.
    pub name: String,
    /// `nick@host`.
    pub address: String,
    /// Portable id.
    pub portable_id: String,
    /// Its 80px photo (`/photo/<id>/m?rev=`).
    pub avatar: String,
    /// Its 300px photo.
    pub photo: String,
}

/// A post as shown.
#[derive(Debug, Clone)]
pub struct PostView {
    /// Not for everyone who may see the channel.
    pub restricted: bool,
    /// Who can see it, in words (empty when the viewer need not know).
    pub seen_by: String,
    /// Permalink uuid.
    pub uuid: String,
    /// Sanitised HTML (safe to insert unescaped).
    pub html: String,
    /// Creation time, `YYYY-MM-DD HH:MM UTC`.
    pub created: String,
    /// Machine-readable creation time (RFC 3339).
    pub created_iso: String,
    /// The author's 80px photo.
    pub avatar: String,
    /// Changed since it was written (its history can be shown).
    pub edited: bool,
}

/// `/`
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    /// Layout.
    pub page: PageCtx,
    /// Registration is possible through the web.
    pub registration_open: bool,
}

/// `/register`
#[derive(Template)]
#[template(path = "auth/register.html")]
pub struct RegisterPage {
    /// Layout.
    pub page: PageCtx,
    /// Email as typed (re-shown after an error).
    pub email: String,
    /// Error message for the form, if any.
    pub error: Option<String>,
    /// Registration is closed.
    pub closed: bool,
    /// Accounts need approval.
    pub approval: bool,
}

/// `/login`
#[derive(Template)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    /// Layout.
    pub page: PageCtx,
    /// Email as typed.
    pub email: String,
    /// Same-origin path to return to after logging in (empty: the channel list).
    pub next: String,
    /// Error message, if any.
    pub error: Option<String>,
}

/// `/rmagic`
#[derive(Template)]
#[template(path = "auth/rmagic.html")]
pub struct RmagicPage {
    /// Layout.
    pub page: PageCtx,
    /// The address as typed.
    pub address: String,
    /// The path to come back to.
    pub dest: String,
    /// Error message, if any.
    pub error: Option<String>,
}

/// A page that tells the user one thing (`#notice`), with an optional link onwards.
#[derive(Template)]
#[template(path = "notice.html")]
pub struct NoticePage {
    /// Layout.
    pub page: PageCtx,
    /// Heading.
    pub heading: String,
    /// Message.
    pub message: String,
    /// Optional link: (href, label).
    pub link: Option<(String, String)>,
}

/// `/reset` (ask for a link)
#[derive(Template)]
#[template(path = "auth/reset_request.html")]
pub struct ResetRequestPage {
    /// Layout.
    pub page: PageCtx,
    /// Error, if any.
    pub error: Option<String>,
}

/// `/reset/{token}` (choose a new password)
#[derive(Template)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    /// Layout.
    pub page: PageCtx,
    /// The token from the link.
    pub token: String,
    /// Error, if any.
    pub error: Option<String>,
}

/// `/channels`
#[derive(Template)]
#[template(path = "channel/list.html")]
pub struct ChannelsPage {
    /// Layout.
    pub page: PageCtx,
    /// The account's channels.
    pub channels: Vec<ChannelView>,
}

/// `/channels/new`
#[derive(Template)]
#[template(path = "channel/new.html")]
pub struct NewChannelPage {
    /// Layout.
    pub page: PageCtx,
    /// Nickname as typed.
    pub nick: String,
    /// Name as typed.
    pub name: String,
    /// Selected role.
    pub role: String,
    /// Offered roles: (value, label).
    pub roles: Vec<(String, String)>,
    /// Error, if any.
    pub error: Option<String>,
    /// Host part of addresses, for the hint.
    pub host: String,
}

/// `/channel/{nick}`
#[derive(Template)]
#[template(path = "channel/page.html")]
pub struct ChannelPage {
    /// Layout.
    pub page: PageCtx,
    /// The channel.
    pub channel: ChannelView,
    /// The viewer may see the profile fields.
    pub profile_visible: bool,
    /// Profile about text (sanitised HTML).
    pub about_html: String,
    /// Home page link.
    pub homepage: String,
    /// Location.
    pub locality: String,
    /// Posts on this page.
    pub posts: Vec<PostView>,
    /// The viewer owns the channel (shows the composer).
    pub is_owner: bool,
    /// The composer's audience choice (`public`, `connections` or `group:NAME`).
    pub audience: String,
    /// The composer's audiences: (form value, label, who can see it in words).
    pub audience_options: Vec<(String, String, String)>,
    /// Files the composer offers to attach: (public id, name).
    pub attachable: Vec<(String, String)>,
    /// The channel's connections (addresses and names), when the viewer may see them.
    pub connections: Option<Vec<(String, String)>>,
    /// The viewer may not see this channel's posts at all.
    pub hidden: bool,
    /// Draft body (re-shown after an error).
    pub draft: String,
    /// The draft as it will show (the composer's preview button).
    pub preview: Option<String>,
    /// Composer error.
    pub error: Option<String>,
    /// Page number.
    pub page_no: i64,
    /// An older page exists.
    pub has_more: bool,
    /// When the channel is to be deleted (scheduled; shown to its owner with a cancel button).
    pub delete_after: Option<String>,
    /// The cover image, if the channel has one.
    pub cover: Option<String>,
}

/// `/channel/{nick}/profile`
#[derive(Template)]
#[template(path = "channel/profile_edit.html")]
pub struct ProfileEditPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// Display name.
    pub name: String,
    /// About (Markdown).
    pub about: String,
    /// Home page.
    pub homepage: String,
    /// Location.
    pub locality: String,
    /// Error, if any.
    pub error: Option<String>,
    /// The photo and cover forms.
    pub photos: PhotoForms,
}

/// The photo and cover forms of the profile editor.
#[derive(Debug, Clone, Default)]
pub struct PhotoForms {
    /// The current 300px photo (or the generated avatar).
    pub photo: String,
    /// The current cover, if any.
    pub cover: Option<String>,
    /// Why the last photo was refused.
    pub photo_error: Option<String>,
    /// Why the last cover was refused.
    pub cover_error: Option<String>,
    /// Largest image file, MiB.
    pub max_mib: u64,
}

/// `/item/{uuid}`
#[derive(Template)]
#[template(path = "item/display.html")]
pub struct ItemPage {
    /// Layout.
    pub page: PageCtx,
    /// Author channel.
    pub channel: ChannelView,
    /// The post.
    pub post: PostView,
    /// Its comments the viewer may see.
    pub comments: Vec<CommentView>,
    /// Likes.
    pub likes: usize,
    /// Likes, as the catalogue's plural argument.
    pub likes_i64: i64,
    /// The viewer may comment and like.
    pub may_respond: bool,
    /// The viewer's channel holds and wrote the post (it can be edited and deleted).
    pub own: bool,
    /// Comment draft (after an error).
    pub draft: String,
    /// Comment error.
    pub error: Option<String>,
}

/// `/admin`
#[derive(Template)]
#[template(path = "admin/index.html")]
pub struct AdminPage {
    /// Layout.
    pub page: PageCtx,
    /// Current registration policy.
    pub policy: String,
    /// Accounts awaiting approval.
    pub pending: Vec<AdminAccountView>,
    /// Every account (the first few hundred).
    pub accounts: Vec<AdminAccountView>,
    /// Message after a change.
    pub message: Option<String>,
    /// Which admin page (for the admin nav).
    pub section: &'static str,
}

/// One login session, as listed on the settings page.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// Login time.
    pub created: String,
    /// Last request.
    pub seen: String,
    /// The browser.
    pub agent: String,
    /// The session viewing the page.
    pub current: bool,
}

/// The account settings page.
#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    /// Layout.
    pub page: PageCtx,
    /// The account's address.
    pub email: String,
    /// Its sessions.
    pub sessions: Vec<SessionView>,
    /// Notice after a successful form.
    pub message: Option<String>,
    /// Form error.
    pub error: Option<String>,
    /// The address a change waits to be confirmed for.
    pub pending_email: Option<String>,
    /// The email form's address as typed (after an error).
    pub email_input: String,
    /// The email form's error.
    pub email_error: Option<String>,
    /// When the account is to be deleted (scheduled), readable.
    pub delete_after: Option<String>,
    /// The delete-account form's error.
    pub delete_error: Option<String>,
    /// `accounts.delete_grace_days`.
    pub grace_days: u32,
}

/// One account in the admin's list.
#[derive(Debug, Clone)]
pub struct AdminAccountView {
    /// Account id.
    pub id: i64,
    /// Address.
    pub email: String,
    /// Registration time.
    pub created: String,
    /// Waiting for approval.
    pub pending: bool,
    /// Suspended.
    pub suspended: bool,
    /// Hub admin.
    pub admin: bool,
    /// Lookalike warning (mixed scripts).
    pub lookalike: Option<String>,
}

/// Error pages (404, 403, 413, 429, 500, …).
#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    /// Layout.
    pub page: PageCtx,
    /// HTTP status.
    pub status: u16,
    /// Safe message.
    pub message: String,
    /// What the page means, in a sentence (empty for most kinds).
    pub help: String,
    /// What to do next: (href, label).
    pub next: Vec<(String, String)>,
}

/// One conversation on the network stream.
#[derive(Debug, Clone)]
pub struct ThreadView {
    /// Top post uuid.
    pub uuid: String,
    /// Author name.
    pub author_name: String,
    /// Author address.
    pub author_addr: String,
    /// Link to the author's channel (carrying `zid` when it is on another hub).
    pub author_link: String,
    /// The author's 80px photo.
    pub avatar: String,
    /// Sanitised HTML.
    pub html: String,
    /// When.
    pub created: String,
    /// When (RFC 3339).
    pub created_iso: String,
    /// Restricted audience.
    pub restricted: bool,
    /// Who can see it, in words.
    pub seen_by: String,
    /// Written by this channel (its delivery status can be shown).
    pub own: bool,
    /// Likes.
    pub likes: usize,
    /// Comments.
    pub comments: Vec<CommentView>,
}

impl ThreadView {
    /// The like count as the catalogue's plural argument.
    pub fn likes_i64(&self) -> i64 {
        i64::try_from(self.likes).unwrap_or(i64::MAX)
    }
}

/// A comment in a conversation.
#[derive(Debug, Clone)]
pub struct CommentView {
    /// Author name.
    pub author_name: String,
    /// Author address.
    pub author_addr: String,
    /// Link to the author's channel (carrying `zid` when it is on another hub).
    pub author_link: String,
    /// The author's 80px photo.
    pub avatar: String,
    /// Sanitised HTML.
    pub html: String,
    /// Its permalink uuid on this hub.
    pub uuid: String,
    /// Written by the viewer's channel here (it can be edited and deleted).
    pub own: bool,
}

/// `/channel/{nick}/stream`
#[derive(Template)]
#[template(path = "channel/stream.html")]
pub struct StreamPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// Channel name.
    pub name: String,
    /// Conversations.
    pub threads: Vec<ThreadView>,
    /// Page number.
    pub page_no: i64,
    /// An older page exists.
    pub has_more: bool,
    /// Form error.
    pub error: Option<String>,
}

/// A connection on the connections page.
#[derive(Debug, Clone)]
pub struct ConnectionRow {
    /// Portable id.
    pub hash: String,
    /// Name.
    pub name: String,
    /// Their channel (carrying `zid` when on another hub).
    pub link: String,
    /// Address.
    pub addr: String,
    /// Their 80px photo.
    pub avatar: String,
    /// What they grant us, as a list.
    pub their: String,
    /// (permission, label, granted by us).
    pub perms: Vec<(String, String, bool)>,
    /// Blocked.
    pub blocked: bool,
    /// Ignored.
    pub ignored: bool,
    /// Archived.
    pub archived: bool,
    /// (change, label) buttons.
    pub actions: Vec<(String, String)>,
}

/// `/channel/{nick}/connections`
#[derive(Template)]
#[template(path = "channel/connections.html")]
pub struct ConnectionsPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// Channel name.
    pub name: String,
    /// Requests waiting for approval.
    pub pending: Vec<ConnectionRow>,
    /// Approved connections.
    pub connected: Vec<ConnectionRow>,
    /// Offered roles: (value, label).
    pub roles: Vec<(String, String)>,
    /// Privacy groups: (name, members as (portable id, address)).
    pub groups: Vec<(String, Vec<(String, String)>)>,
    /// Approved connections to add to a group: (portable id, address).
    pub members_choice: Vec<(String, String)>,
    /// Address as typed.
    pub address: String,
    /// Notice after a successful form.
    pub message: Option<String>,
    /// Form error.
    pub error: Option<String>,
}

/// `/channel/{nick}/notifications`
#[derive(Template)]
#[template(path = "channel/notifications.html")]
pub struct NotificationsPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// Channel name.
    pub name: String,
    /// The notifications.
    pub items: Vec<NotificationRow>,
}

/// One notification.
#[derive(Debug, Clone)]
pub struct NotificationRow {
    /// `request`, `comment`, `like`, `mention`, …
    pub kind: String,
    /// Who caused it.
    pub who: String,
    /// Where it happened.
    pub link: String,
    /// Its text (kinds without their own words).
    pub text: String,
    /// When.
    pub when: String,
    /// Their 80px photo.
    pub avatar: String,
}

/// `/channel/{nick}/item/{uuid}/status`
#[derive(Template)]
#[template(path = "item/status.html")]
pub struct DeliveryPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// The post's uuid.
    pub uuid: String,
    /// (hub, state, details).
    pub rows: Vec<(String, String, String)>,
}

/// `/channel/{nick}/permissions`
#[derive(Template)]
#[template(path = "channel/permissions.html")]
pub struct PermissionsPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// One row per permission.
    pub rows: Vec<LimitRow>,
    /// The settings to choose from: (limit bits, words).
    pub choices: Vec<(u32, String)>,
    /// Error.
    pub error: Option<String>,
}

/// One permission on the permission page.
#[derive(Debug, Clone)]
pub struct LimitRow {
    /// Wire name.
    pub name: String,
    /// What it allows.
    pub explanation: String,
    /// Its current limit.
    pub current: u32,
}

/// `/import`
#[derive(Template)]
#[template(path = "channel/import.html")]
pub struct ImportPage {
    /// Layout.
    pub page: PageCtx,
    /// Old address as typed.
    pub address: String,
    /// Old login as typed.
    pub login: String,
    /// "Bring the posts" checked.
    pub posts: bool,
    /// Error, if any.
    pub error: Option<String>,
    /// Largest file, MiB.
    pub max_mib: u64,
}

/// `/channel/{nick}/locations`
#[derive(Template)]
#[template(path = "channel/locations.html")]
pub struct LocationsPage {
    /// Layout.
    pub page: PageCtx,
    /// Channel nickname.
    pub nick: String,
    /// Channel name.
    pub name: String,
    /// Every other location agrees with this one.
    pub in_sync: bool,
    /// What this location holds, in words.
    pub counts: String,
    /// One row per location.
    pub rows: Vec<LocationRow>,
}

/// One location on the locations page.
#[derive(Debug, Clone)]
pub struct LocationRow {
    /// Hub base URL.
    pub url: String,
    /// The channel's address there.
    pub address: String,
    /// The primary.
    pub primary: bool,
    /// This hub.
    pub here: bool,
    /// Its sync state, in words.
    pub verdict: String,
}

/// `/oauth/authorize`: an app asks to act as one of the person's channels.
#[derive(Template)]
#[template(path = "oauth/authorize.html")]
pub struct AuthorizePage {
    /// Layout.
    pub page: PageCtx,
    /// The app.
    pub app_name: String,
    /// Its website.
    pub website: String,
    /// Scopes asked for, each with what it allows.
    pub scopes: Vec<(String, &'static str)>,
    /// The person's channels: (nick, name).
    pub channels: Vec<(String, String)>,
    /// Echoed request parameters.
    pub client_id: String,
    /// Echoed.
    pub redirect_uri: String,
    /// Echoed.
    pub scope: String,
    /// Echoed.
    pub state: String,
    /// Echoed.
    pub code_challenge: String,
    /// Echoed.
    pub code_challenge_method: String,
    /// Form error.
    pub error: Option<String>,
}

/// The code shown for out-of-band apps.
#[derive(Template)]
#[template(path = "oauth/code.html")]
pub struct CodePage {
    /// Layout.
    pub page: PageCtx,
    /// The app.
    pub app_name: String,
    /// The code.
    pub code: String,
}

/// One authorised app or token.
#[derive(Debug, Clone)]
pub struct AppRow {
    /// Token row id.
    pub id: i64,
    /// App or token name.
    pub name: String,
    /// Channel nick.
    pub channel: String,
    /// Scopes.
    pub scopes: String,
    /// Issued.
    pub created: String,
    /// Last used.
    pub last_used: String,
    /// A personal token.
    pub personal: bool,
}

/// One app password on `/settings/apps`.
#[derive(Debug, Clone)]
pub struct AppPasswordRow {
    /// Row id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Made.
    pub created: String,
    /// Last used ("never").
    pub last_used: String,
}

/// `/settings/apps`.
#[derive(Template)]
#[template(path = "settings_apps.html")]
pub struct AppsPage {
    /// Layout.
    pub page: PageCtx,
    /// The tokens.
    pub apps: Vec<AppRow>,
    /// App passwords.
    pub passwords: Vec<AppPasswordRow>,
    /// A password just made: (name, secret), shown this once.
    pub new_password: Option<(String, String)>,
    /// WebDAV addresses of the account's channels: (nickname, URL).
    pub dav: Vec<(String, String)>,
    /// Notice.
    pub message: Option<String>,
    /// A form error.
    pub error: Option<String>,
}

/// One entry of a files page.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// Public id.
    pub hash: String,
    /// Name.
    pub name: String,
    /// A folder.
    pub is_dir: bool,
    /// Size, readable.
    pub size: String,
    /// Last change.
    pub edited: String,
    /// Has an access list.
    pub restricted: bool,
    /// Who can see it, in words.
    pub audience: String,
    /// Its thumbnail: (link, width, height as shown).
    pub thumb: Option<(String, i64, i64)>,
}

/// `/cloud/{nick}`: a folder of a channel's files.
#[derive(Template)]
#[template(path = "cloud.html")]
pub struct CloudPage {
    /// Layout.
    pub page: PageCtx,
    /// The channel's nick.
    pub nick: String,
    /// Its name.
    pub channel_name: String,
    /// The folder's hash (empty at the top).
    pub folder: String,
    /// This page's path (forms return here).
    pub back: String,
    /// Folders from the top: (hash, name).
    pub path: Vec<(String, String)>,
    /// Who may see the folder.
    pub audience: String,
    /// Entries.
    pub entries: Vec<FileRow>,
    /// The viewer may change files.
    pub may_write: bool,
    /// Used and allowed, readable (owner only).
    pub usage: Option<(String, String)>,
    /// Audience choices: (value, label).
    pub choices: Vec<(String, String)>,
    /// Folders an entry can move into: (hash, path); the top is offered besides (owner only).
    pub folders: Vec<(String, String)>,
    /// Notice.
    pub message: Option<String>,
    /// Error.
    pub error: Option<String>,
}

/// `/item/{uuid}/edit`
#[derive(Template)]
#[template(path = "item/edit.html")]
pub struct EditItemPage {
    /// Layout.
    pub page: PageCtx,
    /// The item.
    pub uuid: String,
    /// The text in the form.
    pub body: String,
    /// The text rendered (the preview button).
    pub preview: Option<String>,
    /// Form error.
    pub error: Option<String>,
    /// A comment rather than a post.
    pub comment: bool,
}

/// One version on the history page.
#[derive(Debug, Clone)]
pub struct VersionView {
    /// Sanitised HTML.
    pub html: String,
    /// When it was written (RFC 3339).
    pub written: String,
}

/// `/item/{uuid}/history`
#[derive(Template)]
#[template(path = "item/history.html")]
pub struct HistoryPage {
    /// Layout.
    pub page: PageCtx,
    /// The item.
    pub uuid: String,
    /// The channel holding it.
    pub channel_name: String,
    /// The version shown today.
    pub current: VersionView,
    /// Earlier versions, newest first.
    pub earlier: Vec<VersionView>,
}

/// `/item/{uuid}/delete`
#[derive(Template)]
#[template(path = "item/delete.html")]
pub struct DeleteItemPage {
    /// Layout.
    pub page: PageCtx,
    /// The item.
    pub uuid: String,
    /// What it says.
    pub html: String,
    /// Where "keep it" leads.
    pub back: String,
}
