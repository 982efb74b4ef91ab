//! Apps and sign-in: `POST /api/v1/apps`, `GET /api/v1/apps/verify_credentials`, the
//! `/oauth/authorize` page (log in, pick the channel, agree), `/oauth/token` (authorisation
//! code with optional PKCE, client credentials) and `/oauth/revoke` in RFC 6749's error shape,
//! and the account's authorised-apps page.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{Auth, Input, empty, json};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, page_ctx, require_viewer};
use crate::http::templates::{AppPasswordRow, AppRow, AppsPage, AuthorizePage, CodePage};
use crate::http::web::{client_ip, see_other};
use crate::service;
use crate::service::oauth::{AuthorizeRequest, Granted, OAuthError, TokenRequest};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/apps", post => post_app);
    resource!(cfg, "/api/v1/apps/verify_credentials", get => get_app);
    resource!(cfg, "/oauth/authorize", get => get_authorize, post => post_authorize);
    resource!(cfg, "/oauth/authorize/", get => get_authorize);
    resource!(cfg, "/oauth/token", post => post_token);
    resource!(cfg, "/oauth/revoke", post => post_revoke);
    resource!(cfg, "/settings/apps", get => get_apps);
    resource!(cfg, "/settings/apps/revoke", post => post_revoke_app);
}

fn count_app_request(ctx: &Ctx, req: &HttpRequest) -> Result<()> {
    ctx.limiter.hit(
        "api-apps",
        client_ip(ctx, req),
        ctx.config.limits.api_apps_per_hour,
        chrono::Duration::hours(1),
        ctx.clock.now(),
    )
}

/// POST /api/v1/apps
async fn post_app(ctx: web::Data<Ctx>, req: HttpRequest, input: Input) -> Result<HttpResponse> {
    count_app_request(&ctx, &req)?;
    let uris = input.list("redirect_uris")?.join("\n");
    let scopes = input.text("scopes")?;
    let app = service::oauth::register_app(
        &ctx,
        &input.text("client_name")?,
        &uris,
        &scopes,
        &input.text("website")?,
    )
    .await?;
    Ok(json(&serde_json::json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": if app.website.is_empty() { None } else { Some(app.website) },
        "scopes": app.scopes.list(),
        "redirect_uri": app.redirect_uris.join("\n"),
        "redirect_uris": app.redirect_uris,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "client_secret_expires_at": 0,
        "vapid_key": "",
    })))
}

/// GET /api/v1/apps/verify_credentials
async fn get_app(auth: Auth) -> Result<HttpResponse> {
    let caller = auth
        .0
        .ok_or_else(|| Error::new(ErrorKind::Unauthorized("The access token is invalid")))?;
    Ok(json(&serde_json::json!({
        "name": caller.app_name,
        "website": if caller.app_website.is_empty() { None } else { Some(caller.app_website) },
        "scopes": caller.scopes.list(),
        "vapid_key": "",
    })))
}

/// The query (or form) of an authorisation request.
#[derive(Debug, Deserialize, Default)]
pub struct AuthorizeParams {
    #[serde(default)]
    response_type: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    decision: String,
}

impl AuthorizeParams {
    fn request(&self) -> AuthorizeRequest {
        AuthorizeRequest {
            response_type: self.response_type.clone(),
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            scope: self.scope.clone(),
            code_challenge: self.code_challenge.clone(),
            code_challenge_method: self.code_challenge_method.clone(),
        }
    }

    /// Python clients send `state=None` for no state.
    fn state(&self) -> &str {
        if self.state == "None" {
            ""
        } else {
            &self.state
        }
    }
}

/// GET /oauth/authorize
async fn get_authorize(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<AuthorizeParams>,
) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    // A bad client or redirect URI is shown here, never sent to the app.
    let prompt = service::oauth::prompt(&ctx, &query.request()).await?;
    let channels = service::channel::of_account(&ctx, account.account_id)
        .await?
        .into_iter()
        .map(|c| (c.channel_address, c.channel_name))
        .collect();
    let page = AuthorizePage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("oauth-page-title"),
        app_name: prompt.app_name,
        website: prompt.website,
        scopes: prompt
            .scopes
            .list()
            .into_iter()
            .map(|s| {
                let d = service::oauth::describe_scope(&s);
                (s, d)
            })
            .collect(),
        channels,
        client_id: query.client_id.clone(),
        redirect_uri: prompt.redirect_uri,
        scope: prompt.scopes.text(),
        state: query.state().to_string(),
        code_challenge: query.code_challenge.clone(),
        code_challenge_method: query.code_challenge_method.clone(),
        error: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// POST /oauth/authorize
async fn post_authorize(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<AuthorizeParams>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let prompt = service::oauth::prompt(&ctx, &form.request()).await?;
    if form.decision != "approve" {
        if prompt.redirect_uri == service::oauth::OOB {
            return Ok(see_other("/settings/apps"));
        }
        let mut url = url::Url::parse(&prompt.redirect_uri).map_err(|_| {
            Error::new(ErrorKind::BadRequest(
                "The redirect uri included is not valid.",
            ))
        })?;
        url.query_pairs_mut().append_pair("error", "access_denied");
        if !form.state().is_empty() {
            url.query_pairs_mut().append_pair("state", form.state());
        }
        return Ok(see_other(url.as_str()));
    }
    match service::oauth::grant(
        &ctx,
        account.account_id,
        &form.channel,
        &form.request(),
        form.state(),
    )
    .await?
    {
        Granted::Redirect(to) => Ok(see_other(&to)),
        Granted::ShowCode(code) => Ok(render(
            StatusCode::OK,
            &CodePage {
                page: page_ctx(&ctx, &session, "", Some(&account))
                    .await
                    .titled("oauth-code-title"),
                app_name: prompt.app_name,
                code,
            },
        )),
    }
}

fn oauth_error(e: &OAuthError) -> HttpResponse {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = HttpResponse::build(status);
    if e.code == "invalid_client" {
        resp.insert_header(("WWW-Authenticate", "Basic realm=\"Caravan\""));
    }
    resp.insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "error": e.code,
            "error_description": e.description,
        }))
}

/// Client credentials from the form or HTTP Basic authentication (RFC 6749 §2.3.1).
fn client_credentials(req: &HttpRequest, input: &Input) -> Result<(String, String)> {
    let (mut id, mut secret) = (input.text("client_id")?, input.text("client_secret")?);
    if id.is_empty()
        && let Some(v) = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        && let Some(b64) = v.strip_prefix("Basic ")
    {
        use base64::Engine;
        if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim())
            && let Ok(text) = String::from_utf8(raw)
            && let Some((i, s)) = text.split_once(':')
        {
            id = percent_encoding::percent_decode_str(i)
                .decode_utf8_lossy()
                .into_owned();
            secret = percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned();
        }
    }
    Ok((id, secret))
}

/// POST /oauth/token
async fn post_token(ctx: web::Data<Ctx>, req: HttpRequest, input: Input) -> Result<HttpResponse> {
    count_app_request(&ctx, &req)?;
    let (client_id, client_secret) = client_credentials(&req, &input)?;
    let request = TokenRequest {
        grant_type: input.text("grant_type")?,
        code: input.text("code")?,
        redirect_uri: input.text("redirect_uri")?,
        client_id,
        client_secret,
        code_verifier: input.text("code_verifier")?,
        scope: input.text("scope")?,
    };
    match service::oauth::token(&ctx, request).await {
        Ok(t) => Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({
                "access_token": t.access_token,
                "token_type": "Bearer",
                "scope": t.scopes.text(),
                "created_at": t.created.and_utc().timestamp(),
            }))),
        Err(e) => Ok(oauth_error(&e)),
    }
}

/// POST /oauth/revoke
async fn post_revoke(ctx: web::Data<Ctx>, req: HttpRequest, input: Input) -> Result<HttpResponse> {
    let (client_id, client_secret) = client_credentials(&req, &input)?;
    match service::oauth::revoke(&ctx, &client_id, &client_secret, &input.text("token")?).await {
        Ok(()) => Ok(empty()),
        Err(e) => Ok(oauth_error(&e)),
    }
}

/// `?done=` after revoking.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// GET /settings/apps
async fn get_apps(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    let message = match query.done.as_str() {
        "revoked" => Some("The app is signed out.".to_string()),
        "password-revoked" => Some("The app password no longer works.".to_string()),
        _ => None,
    };
    apps_page(
        &ctx,
        &session,
        &account,
        message,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// The Authorised apps page: API apps and tokens, app passwords and WebDAV addresses.
pub(crate) async fn apps_page(
    ctx: &Ctx,
    session: &Session,
    account: &crate::service::account::Account,
    message: Option<String>,
    error: Option<String>,
    new_password: Option<(String, String)>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let when = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let apps = service::oauth::authorised(ctx, account.account_id)
        .await?
        .into_iter()
        .map(|a| AppRow {
            id: a.id,
            name: a.name,
            channel: a.channel,
            scopes: a.scopes,
            created: when(a.created),
            last_used: when(a.last_used),
            personal: a.personal,
        })
        .collect();
    let passwords = service::app_password::list(ctx, account.account_id)
        .await?
        .into_iter()
        .map(|p| AppPasswordRow {
            id: p.id,
            name: p.name,
            created: when(p.created),
            last_used: p.last_used.map_or_else(|| "never".to_string(), when),
        })
        .collect();
    let dav = service::channel::of_account(ctx, account.account_id)
        .await?
        .into_iter()
        .map(|c| {
            let url = ctx.uris.dav(&c.channel_address);
            (c.channel_address, url)
        })
        .collect();
    let page = AppsPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("apps-title"),
        apps,
        passwords,
        new_password,
        dav,
        message,
        error,
    };
    Ok(render(status, &page))
}

/// The revoke button.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: i64,
}

/// POST /settings/apps/revoke
async fn post_revoke_app(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    service::oauth::revoke_authorised(&ctx, account.account_id, form.id).await?;
    Ok(see_other("/settings/apps?done=revoked"))
}
