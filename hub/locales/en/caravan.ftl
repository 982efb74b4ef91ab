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
home-title = Home


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
register-closed = Registration on this hub is closed.
register-approval = New accounts on this hub are approved by its admin.
register-already = Already registered?
password-hint = At least { $min } characters, letters mixed with digits or symbols.
reset-title = Choose a new password
reset-new-password = New password
reset-logs-out = Setting it logs out every session of your account.
reset-submit = Set password
reset-request-title = Reset your password
reset-request-email = Email address of your account
reset-request-submit = Send me a link
rmagic-intro = Have a channel on another Zot hub (Caravan or Hubzilla)? Give its address: your hub signs you in here, without a password, and you see what that channel is allowed to see.
rmagic-address = Your channel address
rmagic-address-example = nick@hub.example
rmagic-submit = Continue
rmagic-local = Have an account on this hub?
rmagic-local-instead = instead.
reset-request-page-title = Reset password
reset-link-broken = This link does not work


## Channels
channels-title = My channels
channels-none = You have no channel yet. A channel is your identity on the network: your page, your posts, your connections.
channels-create = Create a channel
channels-or = or
channels-import-link = import one from another hub
channels-import-after = (move or clone it here).
channel-new-name = Name
channel-new-nick = Nickname
channel-new-nick-hint = Lowercase letters, digits and _. Your address will be
channel-new-nick-placeholder = nickname
channel-new-role = Kind of channel
channel-new-submit = Create channel

## Import
import-title = Import a channel
import-intro = A channel is its keys, not its server. Bring one here from another hub (Caravan or Hubzilla): it keeps its address book, its permissions and its identity, and everyone it is connected with learns of its new home.
import-clone-before = By default it becomes a
import-clone-word = clone
import-clone-after = : it lives on both hubs and they stay in sync.
import-primary-before = Make it the
import-primary-word = primary
import-primary-after = here to move it.
import-online-heading = From its old hub
import-online-address = The channel's address there
import-online-address-example = name@hub.example.org
import-online-login = Your login there (email or nickname)
import-online-password = Your password there
import-online-password-hint = Sent to that hub only, to fetch the channel; not kept here.
import-online-posts = Bring the channel's posts too
import-make-primary = Make this hub the primary (move the channel here)
import-online-submit = Import from the old hub
import-file-heading = From an export file
import-file-label = Export file (JSON, gzipped or not, up to { $mib } MiB)
import-file-submit = Import the file

## Locations
locations-title = { $name }: locations
locations-intro = Your channel is its keys, not its server: it can live on several hubs at once (clones). Every change made at one of them reaches the others. The primary is where others find you first.
locations-only-here = This channel lives on this hub only. Import its export on another hub to clone it.
locations-in-sync = All locations are in sync ({ $counts }).
locations-out-of-sync = Not all locations are in sync: see below.
locations-location = Location
locations-state = State
locations-primary = primary
locations-export-link = Download this channel's export
locations-export-after = (identity with keys, profile, connections, permissions, posts): keep it safe, it holds the channel's private key. To clone the channel to another hub, import it there, from this file or from this hub with your login.
locations-make-primary-hint = Make this hub the primary, for example when the old primary is gone for good. Your connections are told.
locations-make-primary = Make this hub the primary
locations-leave-heading = Delete the channel at this hub
locations-leave-hint = The channel lives on at its other locations, with everything in it; they are told, and so are your connections. You can import it here again later.
locations-leave-confirm = Yes, delete it at this hub
locations-leave-submit = Delete here

## Permissions
permissions-title = Channel permissions
permissions-intro = Each line says what a permission allows and who may have it. Connections can be given less in their own settings, never more. Posts you already shared with a group or with chosen channels stay with them, whatever you change here.
permissions-what = What it allows
permissions-who = Who may
permissions-who-for = Who may: { $what }


## Notifications
notifications-title = { $name }: notifications
notifications-none = No notifications.
notify-request = wants to connect with you:
notify-review = review
notify-comment = commented on your post:
notify-like = liked your post:
notify-mention = mentioned you:
notify-open = open

## Connections
connections-title = { $name }: connections
connections-connect = Connect
connections-address = Address (name@hub.example) or channel URL
connections-role = What they may do
connections-requests = Requests
connections-wants = wants to connect.
connections-role-for = Role for { $address }
connections-approve = Approve
connections-refuse = Refuse and block
connections-connected = Connected
connections-none = No connections yet.
connections-blocked = blocked
connections-ignored = ignored
connections-archived = archived
connections-visit = visit
connections-they-grant = They grant you: { $perms }
connections-may-do = What { $name } may do
connections-save-perms = Save permissions
groups-title = Privacy groups
groups-hint = Post to a group and only its members receive the post.
groups-new = New group
groups-create = Create group
groups-remove = Remove
groups-add-to = Connection to add to { $group }
groups-add = Add

## Profile
profile-about = About (Markdown)
profile-homepage = Home page
profile-locality = Location
profile-back = Back to the channel

## Channel page
page-profile-hidden = This channel shows its profile to some people only.
page-delete-banner = This channel will be deleted
page-delete-scheduled = It is scheduled for deletion on { $when }: then its posts, files and connections are removed for good. Until then you can change your mind.
page-delete-cancel = Cancel the deletion
page-posts = Posts
page-posts-hidden = This channel shares its posts with some people only.
page-posts-elsewhere = Have a channel elsewhere?
page-no-posts = No posts yet.
page-no-posts-visible = No posts yet that you can see.
page-no-connections = No connections to show.
pager-label = Pages
pager-newer = Newer posts
pager-older = Older posts

## Files
cloud-title = Files of { $name }
cloud-folder = Folder
cloud-folder-audience = Who can see this folder: { $audience }
cloud-usage = Using { $used } of { $quota }.
cloud-empty = Nothing here yet.
cloud-name = Name
cloud-size = Size
cloud-changed = Changed
cloud-audience = Who can see it
cloud-change = Change
cloud-restricted = Restricted:
cloud-audience-of = Who can see { $name }
cloud-audience-choose = Who can see it…
cloud-set = Set
cloud-rename-label = New name for { $name }
cloud-rename = Rename
cloud-move-label = Move { $name } into
cloud-move-choose = Move into…
cloud-move-top = Top (Files)
cloud-move = Move
cloud-add = Add
cloud-upload-label = Upload a file
cloud-upload-hint = New files can be seen by whoever may see your channel's files; restrict them after uploading.
cloud-upload = Upload
cloud-mkdir-label = New folder
cloud-mkdir = Make folder

## Apps
apps-title = Authorised apps
apps-intro = Apps and bots that act as one of your channels through the client API. Revoking one signs it out at once.
apps-none = No app is authorised.
apps-app = App
apps-channel = Channel
apps-may = May
apps-since = Since
apps-last-used = Last used
apps-actions = Actions
apps-token = (token)
apps-revoke = Revoke
apps-bots = Bots and scripts:
apps-bots-after = prints a token once; it is listed here.
apps-passwords = App passwords
apps-passwords-intro = For WebDAV and file sync clients (rclone, davfs, a file manager): sign in with your email address or a channel's nickname and an app password instead of your account password. Revoking one ends it at once.
apps-new-password = Your new app password
apps-new-password-after = is below. Copy it now: it is not shown again.
apps-dav = Your files over WebDAV:
apps-dav-user = user
apps-passwords-none = No app password yet.
apps-made = Made
apps-password-example = laptop sync
apps-password-make = Make an app password

## OAuth
oauth-title = Authorise { $app }
oauth-page-title = Authorise an app
oauth-asks = asks to use one of your channels.
oauth-able = It will be able to:
oauth-no-channel = You have no channel yet.
oauth-create-channel = Create one
oauth-create-channel-first = first.
oauth-act-as = Act as
oauth-revoke-hint = You can revoke this at any time on
oauth-approve = Authorise
oauth-deny = Deny
oauth-code-title = Authorisation code
oauth-code-copy = Copy this code and paste it into
oauth-code-hint = It works once, for the next ten minutes.

## Delivery
status-title = Delivery of your post
status-page-title = Delivery
status-post = The post
status-back = Back to the network
status-none = This post went to no other hub (nobody else is in its audience yet).
status-hub = Hub
status-details = Details


## Channel navigation
subnav-channel = Channel page
subnav-network = Network
subnav-connections = Connections
subnav-notifications = Notifications
subnav-permissions = Permissions
subnav-locations = Locations
subnav-files = Files
subnav-profile = Edit profile
subnav-label = Channel
subnav-settings = Settings


## Posts
post-restricted = Restricted
post-edited = edited
post-edit = Edit
post-delete = Delete
post-likes = { $count ->
    [one] { $count } like
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
settings-logged-in-as = Logged in as { $email }
settings-password = Password
settings-current-password = Current password
settings-new-password = New password
settings-password-hint = At least { $min } characters, letters mixed with digits or symbols. Changing it logs out every other session.
settings-change-password = Change password
settings-email = Email address
settings-email-is = Your address is
settings-email-pending = A change to
settings-email-pending-after = waits for you to open the link mailed there.
settings-new-email = New email address
settings-email-hint = We mail a link to the new address; the change takes effect when you open it. Your current address is told.
settings-change-email = Change email address
settings-email-mailed = We mailed a link to the new address: your address changes when you open it.
settings-email-changed = Your email address is now { $email }.
settings-apps = Apps
settings-apps-intro = Apps and bots that act as your channels:
settings-sessions = Where you are logged in
settings-session-times = since { $created }, last seen { $seen }
settings-session-current = this browser
settings-unknown-browser = Unknown browser
settings-logout-everywhere = Log out everywhere
settings-delete-account = Delete your account
settings-delete-scheduled = Your account and all its channels will be deleted on { $when }.
settings-delete-explain = Deletes every channel of this account (their posts, files and connections) { $count ->
    [one] { $count } day
   *[other] { $count } days
} after you confirm, then the account itself. Until then you can cancel here. Download each channel's export first from its delete page if you want to keep it.
settings-your-password = Your password
settings-delete-submit = { $count ->
    [one] Delete my account in { $count } day
   *[other] Delete my account in { $count } days
}
settings-delete-flash = Your account and all its channels will be deleted on { $when }. You can cancel until then.
settings-delete-cancelled = The deletion is cancelled: your account stays.

## Channel deletion and settings
channel-delete-title = Delete this channel
channel-delete-heading = Delete the channel { $name }
channel-delete-already = This channel is already scheduled for deletion on { $when }. You can cancel it on the
channel-delete-page-link = channel page
channel-delete-what = What happens
channel-delete-what-channel = The channel
channel-delete-what-when = { $count ->
    [one] is deleted { $count } day after you confirm.
   *[other] is deleted { $count } days after you confirm.
} Until then it works as before, and you can cancel the deletion from the channel page.
channel-delete-what-then = Then its posts, comments, files, connections and privacy groups are removed from this hub for good, and the hubs of your connections are told that the channel is gone.
channel-delete-what-clones = A channel that also lives on other hubs (clones) cannot be deleted here: leave this location on the
channel-delete-what-clones-after = page instead.
channel-delete-keep-copy = Keep a copy first
channel-delete-export-hint = The export holds the identity with its keys, profile, connections and posts: you can import it on another hub later. Keep it safe, it contains the channel's private key.
channel-delete-confirm = Confirm
channel-delete-submit = { $count ->
    [one] Delete this channel in { $count } day
   *[other] Delete this channel in { $count } days
}
channel-delete-flash = The channel { $name } will be deleted on { $when }. You can cancel until then.
channel-delete-cancelled = The deletion is cancelled: the channel stays.
channel-settings-title = Channel settings
channel-settings-privacy = Privacy of new posts
channel-settings-legend = Who can read a new post unless you choose otherwise
channel-settings-hint = The composer on the channel page starts with this choice, and so do apps that post without saying who may read. Posts keep the audience they were written for.
channel-settings-saved = Saved: new posts start with this audience.

## Network stream
stream-conversations = Conversations
stream-empty = Nothing here yet. Connect with channels to see their posts.
stream-delivery = delivery
stream-newer = Newer
stream-older = Older

## Visiting other hubs
visit-not-signed-in = Not signed in
visit-refused-heading = You were not signed in there
visit-continue-to = Continue to { $dest } without signing in
visit-expired-heading = You were not signed in
visit-expired = This sign-in link has expired or was already used. Open the link again from your own hub, or continue as a guest.
visit-guest = Continue as a guest

## Admin
admin-title = Administration
admin-heading = Hub administration
admin-overview = Overview
admin-accounts = Accounts
admin-channels = Channels
admin-queue = Queue
admin-registrations = Registrations
admin-registration = Registration
admin-who-may-register = Who may register
admin-policy-open = Anyone (open)
admin-policy-approve = Anyone, after my approval
admin-policy-closed = Nobody (closed)
admin-policy-saved = Registration policy saved.
admin-pending = Accounts waiting for approval
admin-none = None.
admin-registered = registered { $when }
admin-is-admin = admin
admin-waiting = waiting for approval
admin-is-suspended = suspended
admin-lookalike = Check this address: { $why }
admin-approve = Approve
admin-approved = Account approved.
admin-suspend = Suspend
admin-suspended = Account suspended; its sessions were logged out.
admin-reinstate = Reinstate
admin-reinstated = Account reinstated.
admin-refuse = Refuse
admin-refused = Registration refused: the account is deleted.
admin-search-label = Email address contains
admin-search = Search
admin-no-match = No account matches.
admin-no-channel = No channel yet.
admin-col-channel = Channel
admin-col-owner = Owner
admin-col-items = Items
admin-col-created = Created
admin-to-be-deleted = to be deleted { $when }
admin-queue-title = Delivery queue
admin-queue-total = { $count ->
    [one] { $count } message waiting.
   *[other] { $count } messages waiting.
}
admin-queue-none = No hub was ever sent anything.
admin-col-hub = Hub
admin-col-waiting = Waiting
admin-col-oldest = Oldest
admin-col-failures = Failures
admin-col-last-error = Last error
admin-col-next = Next attempt
admin-col-action = Action
admin-given-up = given up
admin-retry = Retry now
admin-retry-for = Retry now: { $hub }
admin-retried = Delivery to this hub is tried again now.
admin-policy-is = Who may register:
admin-policy-anyone = anyone
admin-policy-anyone-approval = anyone, after approval
admin-policy-nobody = nobody
admin-policy-change = (change it on the
admin-policy-overview = overview
admin-waiting-heading = Waiting for approval

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
photo-saved = Your photo was saved.
cover-saved = Your cover image was saved.

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
compose-heading = New post
compose-attach = Attach files from
compose-attach-files = your files
compose-attach-hint = (images show in the post; attached files take the post's audience)
compose-attach-none = To attach files or images,
compose-attach-upload = upload them to your files
compose-attach-first = first.
compose-audience = Who can read it
compose-audience-to = Only these channels
compose-audience-to-hint = Only you and the channels you name can see it.
compose-audience-to-label = Channel addresses, comma separated
compose-audience-to-example = nick@hub.example, …
compose-audience-keeps = A post keeps the audience it was written for, whatever you change later.
compose-post = Post
