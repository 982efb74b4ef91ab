//! Sign-in for apps (OAuth 2, as Mastodon's client API does it): app registration, the
//! authorisation-code grant with PKCE (S256) where the person picks the channel the app acts
//! as, client credentials for app-level calls, revocation, scopes, the bearer tokens every API
//! call presents (stored as SHA-256 only), the account's list of authorised apps, and personal
//! tokens for bots made on the command line.
//!
//! Hand-written on the hub's own sessions, CSRF and store rather than oxide-auth: the grant
//! logic is small, and oxide-auth's actix front-end would bring a second actix actor runtime and
//! keep its own registrar and token state in process memory, which several `hub serve` processes
//! on one database cannot share.

use std::collections::BTreeSet;

use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::credentials::{new_token, token_hash};
use crate::store;

/// How long an authorisation code may be exchanged.
const CODE_MINUTES: i64 = 10;
/// A token's last use is written at most this often.
const TOUCH_MINUTES: i64 = 5;
/// The redirect URI that shows the code to the person instead of redirecting.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
/// Longest app name, website and redirect URI list kept.
const MAX_NAME: usize = 200;
const MAX_URIS: usize = 4000;

/// The scopes the hub grants: Mastodon's top-level scopes and their sub-scopes.
const TOP_SCOPES: &[&str] = &["read", "write", "follow", "push", "profile"];
const SUB_SCOPES: &[&str] = &[
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
];
/// What the legacy `follow` scope stands for.
const FOLLOW_COVERS: &[&str] = &[
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
];

/// A set of granted scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// Reads a space- (or `+`-) separated list; empty means `read`. Unknown scopes are refused.
    pub fn parse(s: &str) -> Result<Self> {
        let mut set = BTreeSet::new();
        for part in s.split([' ', '+', ',']).filter(|p| !p.is_empty()) {
            if !TOP_SCOPES.contains(&part) && !SUB_SCOPES.contains(&part) {
                return Err(Error::new(ErrorKind::BadRequest(
                    "The requested scope is invalid, unknown, or malformed.",
                )));
            }
            set.insert(part.to_string());
        }
        if set.is_empty() {
            set.insert("read".to_string());
        }
        Ok(Self(set))
    }

    /// Whether these scopes allow `needed` (`read:statuses` is allowed by `read` too).
    pub fn allow(&self, needed: &str) -> bool {
        if self.0.contains(needed) {
            return true;
        }
        let top = needed.split(':').next().unwrap_or(needed);
        self.0.contains(top) || (self.0.contains("follow") && FOLLOW_COVERS.contains(&needed))
    }

    /// Whether every scope of `other` is allowed by these.
    pub fn covers(&self, other: &Scopes) -> bool {
        other.0.iter().all(|s| self.allow(s))
    }

    /// The list, space separated.
    pub fn text(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join(" ")
    }

    /// The scopes, one by one.
    pub fn list(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }
}

/// What a scope lets an app do, in words for the authorisation page.
pub fn describe_scope(scope: &str) -> &'static str {
    match scope {
        "read" => "read everything your channel can see: stream, notifications, connections",
        "write" => "post, comment, like, edit and delete as your channel, and change its profile",
        "follow" => "connect, disconnect, block and mute",
        "push" => "receive push notifications",
        "profile" => "read your channel's name and address",
        s if s.starts_with("read:") => "read part of what your channel can see",
        s if s.starts_with("write:") => "change part of your channel's content",
        _ => "",
    }
}

/// A newly registered app, with its secret (shown once).
#[derive(Debug, Clone)]
pub struct RegisteredApp {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Website, or empty.
    pub website: String,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Scopes it may ask for.
    pub scopes: Scopes,
    /// Public client id.
    pub client_id: String,
    /// The client secret (not stored).
    pub client_secret: String,
}

fn check_redirect(uri: &str) -> Result<()> {
    if uri == OOB {
        return Ok(());
    }
    // Any absolute URI without a fragment (apps use their own schemes, `myapp://auth`), but
    // never one a browser would run or read locally.
    let ok = url::Url::parse(uri)
        .map(|u| {
            u.fragment().is_none()
                && !matches!(
                    u.scheme(),
                    "javascript" | "data" | "file" | "vbscript" | "blob"
                )
        })
        .unwrap_or(false);
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "redirect_uris",
            "Redirect URI must be an absolute URI.",
        ))
    }
}

/// `POST /api/v1/apps`: registers an app for `redirect_uris` (one per line or space) and
/// `scopes` (default `read`).
pub async fn register_app(
    ctx: &Ctx,
    name: &str,
    redirect_uris: &str,
    scopes: &str,
    website: &str,
) -> Result<RegisteredApp> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::invalid(
            "client_name",
            "Name the app (up to 200 characters).",
        ));
    }
    if redirect_uris.len() > MAX_URIS {
        return Err(Error::invalid("redirect_uris", "Too many redirect URIs."));
    }
    let uris: Vec<String> = redirect_uris
        .split(['\n', ' ', '\r'])
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect();
    if uris.is_empty() {
        return Err(Error::invalid(
            "redirect_uris",
            "Give at least one redirect URI.",
        ));
    }
    for u in &uris {
        check_redirect(u)?;
    }
    let website = website.trim();
    if website.len() > MAX_NAME
        || (!website.is_empty()
            && !website.starts_with("http://")
            && !website.starts_with("https://"))
    {
        return Err(Error::invalid(
            "website",
            "The website must be an http(s) URL.",
        ));
    }
    let scopes = Scopes::parse(scopes)?;
    let (client_id, _) = new_token();
    let (client_secret, secret_hash) = new_token();
    let now = ctx.clock.now_db();
    let joined = uris.join("\n");
    let (n, w, s, c) = (
        name.to_string(),
        website.to_string(),
        scopes.text(),
        client_id.clone(),
    );
    let id = ctx
        .db
        .tx(move |conn| {
            store::oauth::insert_app(
                conn,
                &store::oauth::NewApp {
                    client_id: &c,
                    secret_hash: &secret_hash,
                    name: &n,
                    website: &w,
                    redirect_uris: &joined,
                    scopes: &s,
                    created: now,
                },
            )
        })
        .await?;
    Ok(RegisteredApp {
        id,
        name: name.to_string(),
        website: website.to_string(),
        redirect_uris: uris,
        scopes,
        client_id,
        client_secret,
    })
}

/// What the authorisation page shows before the person agrees.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// The app's name.
    pub app_name: String,
    /// Its website.
    pub website: String,
    /// The scopes asked for.
    pub scopes: Scopes,
    /// Where the answer goes.
    pub redirect_uri: String,
}

/// A request for a code, as the app sent it to `/oauth/authorize`.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeRequest {
    /// Must be `code`.
    pub response_type: String,
    /// The app.
    pub client_id: String,
    /// One of the app's registered URIs (the only one may be left out).
    pub redirect_uri: String,
    /// Scopes wanted (default `read`), within the app's.
    pub scope: String,
    /// PKCE challenge (S256), optional.
    pub code_challenge: String,
    /// `S256` when a challenge is given.
    pub code_challenge_method: String,
}

fn load_app(conn: &mut store::AnyConnection, client_id: &str) -> Result<store::oauth::App> {
    store::oauth::find_app(conn, client_id)?.ok_or_else(|| {
        Error::new(ErrorKind::BadRequest(
            "Client authentication failed due to unknown client.",
        ))
    })
}

fn check_request(app: &store::oauth::App, r: &AuthorizeRequest) -> Result<Prompt> {
    if r.response_type != "code" {
        return Err(Error::new(ErrorKind::BadRequest(
            "The authorization server does not support this response type.",
        )));
    }
    let registered: Vec<&str> = app.redirect_uris.lines().collect();
    let redirect_uri = if r.redirect_uri.is_empty() && registered.len() == 1 {
        registered[0].to_string()
    } else {
        r.redirect_uri.clone()
    };
    if !registered.contains(&redirect_uri.as_str()) {
        return Err(Error::new(ErrorKind::BadRequest(
            "The redirect uri included is not valid.",
        )));
    }
    let scopes = Scopes::parse(&r.scope)?;
    if !Scopes::parse(&app.scopes)?.covers(&scopes) {
        return Err(Error::new(ErrorKind::BadRequest(
            "The requested scope is invalid, unknown, or malformed.",
        )));
    }
    if !r.code_challenge.is_empty()
        && (r.code_challenge_method != "S256" || r.code_challenge.len() > 128)
    {
        return Err(Error::new(ErrorKind::BadRequest(
            "Only the S256 code challenge method is supported.",
        )));
    }
    Ok(Prompt {
        app_name: app.name.clone(),
        website: app.website.clone(),
        scopes,
        redirect_uri,
    })
}

/// Checks an authorisation request and says what to ask the person.
pub async fn prompt(ctx: &Ctx, req: &AuthorizeRequest) -> Result<Prompt> {
    let req = req.clone();
    ctx.db
        .run(move |conn| {
            let app = load_app(conn, &req.client_id)?;
            check_request(&app, &req)
        })
        .await
}

/// Where the person's browser goes after agreeing: the app's redirect URI with the code (and
/// state), or, for the out-of-band URI, the code to show.
#[derive(Debug, Clone)]
pub enum Granted {
    /// Redirect here.
    Redirect(String),
    /// Show this code.
    ShowCode(String),
}

/// The person (logged in as `account_id`) agreed to let the app act as their channel `nick`:
/// issues a single-use code for 10 minutes.
pub async fn grant(
    ctx: &Ctx,
    account_id: i64,
    nick: &str,
    req: &AuthorizeRequest,
    state: &str,
) -> Result<Granted> {
    let req = req.clone();
    let nick = nick.to_string();
    let now = ctx.clock.now_db();
    let (code, hash) = new_token();
    let prompt = ctx
        .db
        .tx(move |conn| {
            let app = load_app(conn, &req.client_id)?;
            let prompt = check_request(&app, &req)?;
            let channel = store::channel::find_by_address(conn, &nick)?
                .filter(|c| c.channel_account_id == account_id)
                .ok_or_else(|| Error::invalid("channel", "Choose one of your channels."))?;
            store::oauth::prune_codes(conn, now)?;
            store::oauth::insert_code(
                conn,
                &hash,
                app.id,
                channel.channel_id,
                &prompt.redirect_uri,
                &prompt.scopes.text(),
                &req.code_challenge,
                now + Duration::minutes(CODE_MINUTES),
            )?;
            Ok(prompt)
        })
        .await?;
    if prompt.redirect_uri == OOB {
        return Ok(Granted::ShowCode(code));
    }
    let mut url = url::Url::parse(&prompt.redirect_uri).map_err(|_| {
        Error::new(ErrorKind::BadRequest(
            "The redirect uri included is not valid.",
        ))
    })?;
    url.query_pairs_mut().append_pair("code", &code);
    if !state.is_empty() {
        url.query_pairs_mut().append_pair("state", state);
    }
    Ok(Granted::Redirect(url.to_string()))
}

/// Why `/oauth/token` or `/oauth/revoke` refused (RFC 6749 §5.2 codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`,
    /// `invalid_scope` or `server_error`.
    pub code: &'static str,
    /// Safe to show.
    pub description: &'static str,
}

impl OAuthError {
    fn new(code: &'static str, description: &'static str) -> Self {
        Self { code, description }
    }

    /// The HTTP status: 401 for client authentication, 500 for ours, else 400.
    pub fn status(&self) -> u16 {
        match self.code {
            "invalid_client" => 401,
            "server_error" => 500,
            _ => 400,
        }
    }
}

impl From<Error> for OAuthError {
    fn from(e: Error) -> Self {
        match e.kind {
            ErrorKind::Internal => {
                tracing::error!(error = %e, "token request failed");
                Self::new("server_error", "The server failed; try again.")
            }
            ErrorKind::BadRequest(why) => Self::new("invalid_request", why),
            _ => Self::new(
                "invalid_request",
                "The request is missing or has a bad parameter.",
            ),
        }
    }
}

/// A `/oauth/token` request.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// `authorization_code` or `client_credentials`.
    pub grant_type: String,
    /// The code (authorisation-code grant).
    pub code: String,
    /// Must equal the one the code was issued for.
    pub redirect_uri: String,
    /// The app.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// PKCE verifier, when the code had a challenge.
    pub code_verifier: String,
    /// Scopes (client credentials; default `read`).
    pub scope: String,
}

/// An issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The bearer token (not stored).
    pub access_token: String,
    /// Granted scopes.
    pub scopes: Scopes,
    /// Issue time.
    pub created: NaiveDateTime,
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn same(a: &str, b: &str) -> bool {
    // Compare digests: equal length, no early exit on the secret itself.
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// `POST /oauth/token`: exchanges a code (once; a second exchange revokes what the first
/// gave) or the app's credentials for a token.
pub async fn token(ctx: &Ctx, req: TokenRequest) -> std::result::Result<IssuedToken, OAuthError> {
    let now = ctx.clock.now_db();
    let (token, hash) = new_token();
    let result = ctx
        .db
        .tx(move |conn| {
            let app = match store::oauth::find_app(conn, &req.client_id)? {
                Some(a) if same(&a.secret_hash, &token_hash(&req.client_secret)) => a,
                _ => {
                    return Ok(Err(OAuthError::new(
                        "invalid_client",
                        "Client authentication failed due to unknown client, no client \
                         authentication included, or unsupported authentication method.",
                    )));
                }
            };
            match req.grant_type.as_str() {
                "authorization_code" => {
                    let bad_grant = || {
                        OAuthError::new(
                            "invalid_grant",
                            "The provided authorization grant is invalid, expired, revoked, \
                             does not match the redirection URI used in the authorization \
                             request, or was issued to another client.",
                        )
                    };
                    let Some(code) = store::oauth::find_code(conn, &token_hash(&req.code))? else {
                        return Ok(Err(bad_grant()));
                    };
                    if code.used || !store::oauth::mark_code_used(conn, code.id)? {
                        // A replayed code: whoever holds it may have stolen it (RFC 6749 §4.1.2).
                        let n = store::oauth::delete_tokens_of_code(conn, code.id)?;
                        tracing::warn!(app = app.id, revoked = n, "authorization code replayed");
                        return Ok(Err(bad_grant()));
                    }
                    if code.app_id != app.id
                        || code.expires < now
                        || (!req.redirect_uri.is_empty() && req.redirect_uri != code.redirect_uri)
                    {
                        return Ok(Err(bad_grant()));
                    }
                    if !code.challenge.is_empty()
                        && (req.code_verifier.len() < 43
                            || req.code_verifier.len() > 128
                            || !same(&s256(&req.code_verifier), &code.challenge))
                    {
                        return Ok(Err(OAuthError::new(
                            "invalid_grant",
                            "The PKCE code verifier does not match the challenge.",
                        )));
                    }
                    let scopes = Scopes::parse(&code.scopes)?;
                    store::oauth::insert_token(
                        conn,
                        &hash,
                        Some(app.id),
                        Some(code.channel_id),
                        Some(code.id),
                        &app.name,
                        &scopes.text(),
                        now,
                    )?;
                    Ok(Ok(scopes))
                }
                "client_credentials" => {
                    let Ok(scopes) = Scopes::parse(&req.scope) else {
                        return Ok(Err(OAuthError::new(
                            "invalid_scope",
                            "The requested scope is invalid, unknown, or malformed.",
                        )));
                    };
                    if !Scopes::parse(&app.scopes)?.covers(&scopes) {
                        return Ok(Err(OAuthError::new(
                            "invalid_scope",
                            "The requested scope is invalid, unknown, or malformed.",
                        )));
                    }
                    store::oauth::insert_token(
                        conn,
                        &hash,
                        Some(app.id),
                        None,
                        None,
                        &app.name,
                        &scopes.text(),
                        now,
                    )?;
                    Ok(Ok(scopes))
                }
                _ => Ok(Err(OAuthError::new(
                    "unsupported_grant_type",
                    "The authorization grant type is not supported by the authorization server.",
                ))),
            }
        })
        .await
        .map_err(OAuthError::from)?;
    let scopes = result?;
    Ok(IssuedToken {
        access_token: token,
        scopes,
        created: now,
    })
}

/// `POST /oauth/revoke`: the app revokes one of its tokens. Unknown tokens are not an error
/// (RFC 7009); a wrong client is.
pub async fn revoke(
    ctx: &Ctx,
    client_id: &str,
    client_secret: &str,
    token: &str,
) -> std::result::Result<(), OAuthError> {
    let (client_id, secret, hash) = (
        client_id.to_string(),
        token_hash(client_secret),
        token_hash(token),
    );
    ctx.db
        .tx(move |conn| {
            let Some(app) =
                store::oauth::find_app(conn, &client_id)?.filter(|a| same(&a.secret_hash, &secret))
            else {
                return Ok(Err(OAuthError::new(
                    "invalid_client",
                    "Client authentication failed due to unknown client.",
                )));
            };
            if let Some(t) = store::oauth::find_token(conn, &hash)?
                && t.app_id == Some(app.id)
            {
                store::oauth::delete_token(conn, t.id)?;
            }
            Ok(Ok(()))
        })
        .await
        .map_err(OAuthError::from)?
}

/// Who an API call comes from: its token, the channel it acts as (none for an app-level
/// token) and what it may do.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Token row (for per-token rate limits).
    pub token_id: i64,
    /// The app's name (or the token's, for personal tokens).
    pub app_name: String,
    /// The app's website.
    pub app_website: String,
    /// The channel.
    pub channel: Option<Channel>,
    /// Granted scopes.
    pub scopes: Scopes,
}

impl Caller {
    /// The caller's channel, or 401 for an app-level token; and `scope` must be granted (403).
    pub fn need(&self, scope: &str) -> Result<&Channel> {
        let ch = self.channel.as_ref().ok_or_else(|| {
            Error::new(ErrorKind::Unauthorized(
                "This method requires an authenticated user",
            ))
        })?;
        self.need_scope(scope)?;
        Ok(ch)
    }

    /// `scope` must be granted (403).
    pub fn need_scope(&self, scope: &str) -> Result<()> {
        if self.scopes.allow(scope) {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Forbidden(
                "This action is outside the authorized scopes",
            )))
        }
    }
}

/// The caller of a bearer token; 401 when it is unknown, revoked, or its channel's account is
/// suspended.
pub async fn authenticate(ctx: &Ctx, bearer: &str) -> Result<Caller> {
    let invalid = || Error::new(ErrorKind::Unauthorized("The access token is invalid"));
    if bearer.is_empty() || bearer.len() > 200 {
        return Err(invalid());
    }
    let hash = token_hash(bearer);
    let now = ctx.clock.now_db();
    let caller = ctx
        .db
        .run(move |conn| {
            let Some(t) = store::oauth::find_token(conn, &hash)? else {
                return Ok(None);
            };
            let channel = match t.channel_id {
                Some(id) => {
                    let Some(ch) = store::channel::find(conn, id)? else {
                        return Ok(None);
                    };
                    let ok = store::account::find(conn, ch.channel_account_id)?
                        .is_some_and(|a| !a.account_suspended);
                    if !ok {
                        return Ok(None);
                    }
                    Some(Channel::from(ch))
                }
                None => None,
            };
            let (app_name, app_website) = match t.app_id {
                Some(a) => store::oauth::find_app_by_id(conn, a)?
                    .map(|a| (a.name, a.website))
                    .unwrap_or_default(),
                None => (t.name.clone(), String::new()),
            };
            if t.last_used + Duration::minutes(TOUCH_MINUTES) < now {
                store::oauth::touch_token(conn, t.id, now)?;
            }
            Ok(Some(Caller {
                token_id: t.id,
                app_name,
                app_website,
                channel,
                scopes: Scopes::parse(&t.scopes)?,
            }))
        })
        .await?;
    caller.ok_or_else(invalid)
}

/// A token on the authorised-apps page.
#[derive(Debug, Clone)]
pub struct Authorised {
    /// Token row.
    pub id: i64,
    /// The app (or the personal token's name).
    pub name: String,
    /// The channel it acts as.
    pub channel: String,
    /// Granted scopes.
    pub scopes: String,
    /// Issued.
    pub created: NaiveDateTime,
    /// Last used (to within minutes).
    pub last_used: NaiveDateTime,
    /// Made on the command line.
    pub personal: bool,
}

/// The tokens acting as the account's channels.
pub async fn authorised(ctx: &Ctx, account_id: i64) -> Result<Vec<Authorised>> {
    ctx.db
        .run(move |conn| {
            let channels = store::channel::find_by_account(conn, account_id)?;
            let ids: Vec<i64> = channels.iter().map(|c| c.channel_id).collect();
            let mut out = Vec::new();
            for t in store::oauth::tokens_of_channels(conn, &ids)? {
                let channel = channels
                    .iter()
                    .find(|c| Some(c.channel_id) == t.channel_id)
                    .map(|c| c.channel_address.clone())
                    .unwrap_or_default();
                out.push(Authorised {
                    id: t.id,
                    name: t.name,
                    channel,
                    scopes: t.scopes,
                    created: t.created,
                    last_used: t.last_used,
                    personal: t.app_id.is_none(),
                });
            }
            Ok(out)
        })
        .await
}

/// Revokes one of the tokens acting as the account's channels.
pub async fn revoke_authorised(ctx: &Ctx, account_id: i64, token_id: i64) -> Result<()> {
    ctx.db
        .tx(move |conn| {
            let channels = store::channel::find_by_account(conn, account_id)?;
            let ids: Vec<i64> = channels.iter().map(|c| c.channel_id).collect();
            let mine = store::oauth::tokens_of_channels(conn, &ids)?
                .into_iter()
                .any(|t| t.id == token_id);
            if !mine {
                return Err(Error::new(ErrorKind::NotFound));
            }
            store::oauth::delete_token(conn, token_id)?;
            Ok(())
        })
        .await
}

/// A personal token for a bot or script acting as channel `nick` (`hub channel token`):
/// returns the token, shown once.
pub async fn personal_token(ctx: &Ctx, nick: &str, scopes: &str, name: &str) -> Result<String> {
    let scopes = Scopes::parse(scopes)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::invalid(
            "name",
            "Name the token (up to 200 characters).",
        ));
    }
    let nick = nick.to_string();
    let now = ctx.clock.now_db();
    let (token, hash) = new_token();
    ctx.db
        .tx(move |conn| {
            let ch = store::channel::find_by_address(conn, &nick)?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            store::oauth::insert_token(
                conn,
                &hash,
                None,
                Some(ch.channel_id),
                None,
                &name,
                &scopes.text(),
                now,
            )
        })
        .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_cover_their_sub_scopes_and_follow_its_legacy_set() {
        let s = Scopes::parse("read write:statuses follow").unwrap();
        assert!(s.allow("read:notifications"));
        assert!(s.allow("write:statuses"));
        assert!(!s.allow("write:favourites"));
        assert!(s.allow("write:follows"));
        assert!(!s.allow("push"));
        assert!(Scopes::parse("read admin:read").is_err());
        assert_eq!(Scopes::parse("").unwrap().text(), "read");
        assert!(!Scopes::parse("read write").unwrap().covers(&s));
        assert!(Scopes::parse("read write follow").unwrap().covers(&s));
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
