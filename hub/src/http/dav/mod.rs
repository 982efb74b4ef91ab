//! WebDAV at `/dav/{nick}/` (class 1 and 2), answered by the dav-server crate over the channel's
//! cloud files ([`fs`], through `service::dav` and the decider) and database-backed locks
//! ([`locks`]). Sign-in is HTTP Basic with the account's email or a channel nickname and an app
//! password or the account password; without it, the browser session (an account or an
//! OpenWebAuth visitor) or nobody reads what the decider allows, and writes are asked to sign in.
//! Every file goes out with `nosniff` and a sandbox; only harmless types are shown inline.

mod fs;
mod locks;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use base64::Engine;
use dav_server::DavHandler;
use dav_server::actix::DavRequest;

use crate::ctx::Ctx;
use crate::error::{ErrorKind, Result};
use crate::http::session::who;
use crate::service::{app_password, dav, perms::Observer, storage};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/dav/{nick}").route(web::route().to(serve)));
    cfg.service(web::resource("/dav/{nick}/{tail:.*}").route(web::route().to(serve)));
}

const REALM: &str = "Basic realm=\"Caravan files\", charset=\"UTF-8\"";

fn plain(status: StatusCode, text: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(format!("{text}\n"))
}

fn challenge(text: &str) -> HttpResponse {
    let mut r = plain(StatusCode::UNAUTHORIZED, text);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(REALM));
    r
}

/// The user and password of a Basic `Authorization` header.
fn basic_credentials(req: &HttpRequest) -> Option<std::result::Result<(String, String), ()>> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    Some(
        decoded
            .and_then(|d| {
                d.split_once(':')
                    .map(|(u, p)| (u.to_string(), p.to_string()))
            })
            .ok_or(()),
    )
}

/// Methods that change something.
fn writes(method: &http::Method) -> bool {
    !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "PROPFIND")
}

async fn serve(
    req: HttpRequest,
    dav_req: DavRequest,
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<(String,)>,
) -> HttpResponse {
    match answer(&req, dav_req, &ctx, &session, &nick.0).await {
        Ok(r) => r,
        Err(e) => match e.kind {
            ErrorKind::NotFound => plain(StatusCode::NOT_FOUND, "Not found."),
            ErrorKind::RateLimited => plain(StatusCode::TOO_MANY_REQUESTS, "Too many attempts."),
            ErrorKind::Unauthorized(why) => challenge(why),
            _ => {
                tracing::warn!(error = %e, "webdav request failed");
                plain(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.")
            }
        },
    }
}

async fn answer(
    req: &HttpRequest,
    mut dav_req: DavRequest,
    ctx: &Ctx,
    session: &Session,
    nick: &str,
) -> Result<HttpResponse> {
    let method = dav_req.request.method().clone();
    let signed_in = match basic_credentials(req) {
        Some(Ok((user, password))) => {
            let ip = crate::http::client::client_ip(req, &ctx.config.trusted_proxies);
            Some(app_password::basic(ctx, &user, &password, ip).await?)
        }
        Some(Err(())) => return Ok(challenge("Malformed credentials.")),
        None => None,
    };
    if signed_in.is_none() && writes(&method) && method != http::Method::OPTIONS {
        return Ok(challenge("Sign in to change files."));
    }
    let observer = match &signed_in {
        Some(a) => Observer::Account(a.account_id),
        None => who(ctx, session).await?.observer(),
    };
    let scope = dav::Scope {
        nick: nick.to_string(),
        observer,
        account: signed_in.as_ref().map(|a| a.account_id),
    };
    // The channel's top must be visible at all; a stranger is asked to sign in.
    let top = dav::resolve(ctx, &scope, &[]).await;
    if let Err(e) = &top
        && e.kind == ErrorKind::NotFound
    {
        if signed_in.is_none() && dav::channel_id(ctx, nick).await.is_ok() {
            return Ok(challenge("Sign in to see these files."));
        }
        return Ok(plain(StatusCode::NOT_FOUND, "No such channel."));
    }
    top?;
    let uid = dav::channel_id(ctx, nick).await?;
    let owner = match &signed_in {
        Some(a) => storage::owns(ctx, a.account_id, nick).await?,
        None => false,
    };
    if writes(&method) && !owner {
        return Ok(plain(
            StatusCode::FORBIDDEN,
            "Only the channel's owner changes its files here.",
        ));
    }
    let prefix = crate::uris::Uris::dav_path(nick);
    // COPY and MOVE stay inside this channel's files and never replace its top (dav-server
    // would panic on a destination that is the top itself).
    if matches!(method.as_str(), "COPY" | "MOVE") {
        let dest = dav_req
            .request
            .headers()
            .get("destination")
            .and_then(|v| v.to_str().ok())
            .map(|d| match url::Url::parse(d) {
                Ok(u) => u.path().to_string(),
                Err(_) => d.to_string(),
            });
        match dest.as_deref().map(|d| fs::segments_of_uri(d, &prefix)) {
            None => {
                return Ok(plain(
                    StatusCode::BAD_REQUEST,
                    "A Destination header is needed.",
                ));
            }
            Some(None) => {
                return Ok(plain(
                    StatusCode::BAD_GATEWAY,
                    "The destination is not in this channel's files.",
                ));
            }
            Some(Some(segs)) if segs.is_empty() => {
                return Ok(plain(
                    StatusCode::FORBIDDEN,
                    "The top folder cannot be replaced.",
                ));
            }
            Some(Some(_)) => {}
        }
    }
    // An upload that cannot fit is refused before its body is read.
    if method == http::Method::PUT
        && let Some(len) = dav_req
            .request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
    {
        let segs = fs::segments_of_uri(dav_req.request.uri().path(), &prefix);
        if let Some(segs) = segs {
            let room = dav::room(ctx, &scope, &segs).await?;
            if len > room {
                return Ok(plain(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "This file does not fit in the storage quota or the size limit.",
                ));
            }
        }
    }
    let scope_copy = scope.clone();
    let mut config = DavHandler::builder()
        .strip_prefix(prefix.clone())
        .filesystem(Box::new(fs::ChannelFs::new(ctx.clone(), scope.clone())))
        .locksystem(Box::new(locks::DbLocks::new(
            ctx.clone(),
            uid,
            prefix.clone(),
        )))
        .autoindex(true)
        .read_buf_size(64 * 1024);
    if let Some(a) = &signed_in {
        config = config.principal(a.account_id.to_string());
    }
    // dav-server lets a litmus run ask for Depth: infinity PROPFINDs; nobody else may, so the
    // test header is dropped and an unbounded walk of a large tree is refused for everyone.
    dav_req.request.headers_mut().remove("x-litmus");
    let folder_page = matches!(method.as_str(), "GET" | "HEAD")
        && match fs::segments_of_uri(dav_req.request.uri().path(), &prefix) {
            Some(segs) => dav::resolve(ctx, &scope_copy, &segs)
                .await
                .is_ok_and(|n| n.is_dir),
            None => false,
        };
    // dav-server parses what clients send; should it ever panic on some input, that request
    // fails alone, the worker lives on.
    let handler = config.build_handler();
    let handling = std::panic::AssertUnwindSafe(handler.handle(dav_req.request));
    let Ok(response) = futures_util::FutureExt::catch_unwind(handling).await else {
        tracing::error!(method = %method, "the webdav handler panicked");
        return Ok(plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong.",
        ));
    };
    let mut res = dav_server::actix::DavResponse::from(response).respond_to(req);
    harden(&method, folder_page, &mut res);
    Ok(res)
}

/// Files never run from the hub's origin: `nosniff` and a sandbox always, and anything but a
/// harmless type is a download.
fn harden(method: &http::Method, folder_page: bool, res: &mut HttpResponse) {
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; style-src 'unsafe-inline'"),
    );
    if !matches!(method.as_str(), "GET" | "HEAD") || !res.status().is_success() {
        return;
    }
    let h = res.headers_mut();
    let ct = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // A folder's index is dav-server's own page, with names escaped.
    if !folder_page && !storage::inline_safe(&ct) {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
}
