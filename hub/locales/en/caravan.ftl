# Caravan's web app, English (complete; every other language falls back to it).
# Ids: <area>-<what>. Arguments in { $braces }; numbers pick plural forms.

## Layout
skip-to-content = Skip to content
nav-main = Main
nav-my-channels = My channels
nav-network = Network
nav-settings = Settings
nav-admin = Admin
nav-log-out = Log out
nav-log-in = Log in
nav-register = Register
nav-sign-in-hub = Sign in with your hub
nav-notifications = Notifications
unread-notifications = { $count ->
    [0] No unread notifications
    [one] One unread notification
   *[other] { $count } unread notifications
}
visiting-as = Visiting as { $address }
visiting-leave = Leave
switch-channel = Switch channel
switch-channel-current = { $name } (current)
footer-powered = Powered by Caravan, a nomadic-identity hub for the Zot network.
footer-language = Language
footer-language-apply = Apply
flash-dismiss = Dismiss

## Home
home-welcome = Welcome to { $site }
home-intro = This hub hosts channels: pages, posts and conversations of people and groups, connected across the Zot network. Your channel is yours: it can be cloned to another hub and move with its connections and content intact.
home-go-channels = Go to my channels

## Log in, register, reset
login-title = Log in
login-email = Email address
login-password = Password
login-submit = Log in
login-forgot = Forgot your password?
login-create = Create an account
register-title = Create an account
register-submit = Register
logged-out = You are logged out. See you soon.
logged-out-everywhere = You are logged out on every device.

## Channels
channels-title = My channels
channels-none = You have no channel yet. A channel is your identity on the network: your page, your posts, your connections.
channels-create = Create a channel
channels-or-import = or <a href="/import">import one from another hub</a> (move or clone it here).

## Notifications
notifications-title = { $name }: notifications
notifications-none = No notifications.
notify-request = wants to connect with you:
notify-review = review
notify-comment = commented on your post:
notify-like = liked your post:
notify-mention = mentioned you:
notify-open = open

## Channel navigation
subnav-channel = Channel page
subnav-network = Network
subnav-connections = Connections
subnav-notifications = Notifications
subnav-permissions = Permissions
subnav-locations = Locations
subnav-files = Files
subnav-profile = Edit profile

## Posts
post-restricted = Restricted
post-edited = edited
post-edit = Edit
post-delete = Delete
post-likes = { $count ->
    [one] one like
   *[other] { $count } likes
}
post-like = Like
post-comment = Comment
post-history = History

## Errors
error-not-found = Not found
error-not-found-help = There is nothing at this address. It may have been deleted, or it is shared with some people only.
error-forbidden = Not allowed
error-forbidden-help = You are not allowed to do this here.
error-other = Something went wrong
error-next = What you can do next
error-go-home = Go to the home page
error-log-in = Log in, if you have an account here
error-sign-in-hub = Sign in with your hub, if your channel lives elsewhere
error-go-back = Go back to the page you came from
error-my-channels = Go to your channels

## Settings
settings-title = Settings
settings-language = Language and time zone
settings-language-label = Language of the pages
settings-timezone-label = Time zone
settings-timezone-hint = Times on the pages are shown in this zone, for example Europe/Berlin or America/New_York.
settings-save = Save
settings-saved = Your settings are saved.
settings-password-changed = Your password is changed. Every other session was logged out.

## Admin look
admin-look = Site name, logo and colour
admin-site-name = Site name
admin-logo = Logo address (an image on this hub, for example /static/img/caravan.svg; empty for none)
admin-accent = Accent colour (#rrggbb)
admin-look-saved = The site's look is saved.

## Photos
photo-heading = Profile photo
photo-current = Your current profile photo
photo-file = Image file (PNG, JPEG, GIF or WebP, up to { $mib } MiB)
photo-crop = Square to keep, in pixels of the image (optional: empty keeps the centre)
photo-crop-x = From the left edge
photo-crop-y = From the top edge
photo-crop-size = Side of the square
photo-save = Upload the photo
cover-heading = Cover image
cover-current = Your current cover image
cover-file = Image file (cut to a 3:1 band of at most 1500 × 500 pixels; up to { $mib } MiB)
cover-save = Upload the cover image

## Composer and editing
flash-posted = Your post is published.
flash-post-updated = Your changes are saved.
flash-post-deleted = The post is deleted. Hubs that received it are told to remove it too.
flash-comment-deleted = The comment is deleted.
compose-preview = Preview
compose-preview-heading = Preview (not published yet)
compose-help = Formatting help
compose-help-intro = Posts are written in Markdown:
help-bold = **bold**
help-italic = *italic*
help-link = [a link](https://example.org)
help-heading = # Heading
help-quote = > a quote
help-code = `code` or a block indented by four spaces
help-list = - a list item
help-table = | a | b |, then |---|---|, then rows
help-urls = Addresses starting with https:// become links by themselves.
edit-title = Edit post
edit-comment-title = Edit comment
edit-text = Text (Markdown)
edit-save = Save changes
edit-cancel = Cancel
edit-note = Everyone who received it gets the new version; the old one stays in its history.
history-title = History of a post
history-current = Current version
history-written = Written { $when }
history-none = This post was never changed.
delete-title = Delete this post?
delete-comment-title = Delete this comment?
delete-explain = It disappears from this hub, and every hub that received it is asked to remove it. This cannot be undone.
delete-confirm = Delete it
delete-keep = Keep it
stream-new-posts = { $count ->
    [one] One new post: show it
   *[other] { $count } new posts: show them
}
