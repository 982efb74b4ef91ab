//! Single sign-on pages (OpenWebAuth, zot6.md §7): `/magic` (send a logged-in person to
//! another hub, signed in), `/rmagic` (a visitor names their home hub), leaving a visitor
//! session, and [`visitor_links`], which on any page turns `owt` into a visitor session and
//! `zid` into a trip to the visitor's home hub.

use actix_session::{Session, SessionExt};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::see_other;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{
    check_csrf, end_visit, page_ctx, page_text, page_text_with, start_visit, viewer, who,
};
use crate::http::templates::{NoticePage, RmagicPage};
use crate::service;
use crate::service::owa::Magic;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/magic", get => get_magic);
    resource!(cfg, "/rmagic", get => get_rmagic, post => post_rmagic);
    resource!(cfg, "/visitor/leave", post => post_leave);
}

/// `/magic?f=&owa=1&bdest=<hex>` (or `dest=<url>`).
#[derive(Debug, Deserialize)]
pub struct MagicQuery {
    #[serde(default)]
    bdest: Option<String>,
    #[serde(default)]
    dest: Option<String>,
}

/// GET /magic: as the visitor's home hub, sign the logged-in person in at the destination.
async fn get_magic(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<MagicQuery>,
) -> Result<HttpResponse> {
    let account = viewer(&ctx, &session).await?;
    let dest = service::owa::destination(query.bdest.as_deref(), query.dest.as_deref());
    match service::owa::magic(&ctx, account.as_ref(), dest).await? {
        Magic::Redirect(to) => Ok(HttpResponse::Found()
            .insert_header(("Location", to))
            .insert_header(("Cache-Control", "no-store"))
            .finish()),
        Magic::Refused { reason, dest } => {
            let page = NoticePage {
                page: page_ctx(&ctx, &session, "", account.as_ref())
                    .await
                    .titled("visit-not-signed-in"),
                heading: page_text(&ctx, &session, "visit-refused-heading"),
                message: reason.into(),
                link: dest.map(|d| {
                    let text = page_text_with(
                        &ctx,
                        &session,
                        "visit-continue-to",
                        &[("dest", d.clone().into())],
                    );
                    (d, text)
                }),
            };
            Ok(render(StatusCode::FORBIDDEN, &page))
        }
    }
}

/// `?dest=…` for `/rmagic`.
#[derive(Debug, Deserialize)]
pub struct RmagicQuery {
    #[serde(default)]
    dest: String,
}

/// The `/rmagic` form.
#[derive(Debug, Deserialize)]
pub struct RmagicForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    dest: String,
}

fn local_dest(ctx: &Ctx, dest: &str) -> String {
    match super::safe_next(dest) {
        Some(path) => ctx.uris.page(path),
        None => ctx.uris.page("/"),
    }
}

async fn rmagic_page(
    ctx: &Ctx,
    session: &Session,
    address: &str,
    dest: &str,
    error: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let page = RmagicPage {
        page: page_ctx(ctx, session, "", None)
            .await
            .titled("nav-sign-in-hub"),
        address: address.to_string(),
        dest: dest.to_string(),
        error,
    };
    render(status, &page)
}

/// GET /rmagic: "sign in with your own hub".
async fn get_rmagic(
    ctx: web::Data<Ctx>,
    session: Session,
    query: web::Query<RmagicQuery>,
) -> HttpResponse {
    rmagic_page(&ctx, &session, "", &query.dest, None, StatusCode::OK).await
}

/// POST /rmagic: off to the visitor's home hub, which signs them in here.
async fn post_rmagic(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    session: Session,
    form: web::Form<RmagicForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    service::owa::limit(&ctx, super::client_ip(&ctx, &req))?;
    let dest = local_dest(&ctx, &form.dest);
    match service::owa::zid_redirect(&ctx, &form.address, &dest).await {
        Some(to) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", to))
            .finish()),
        None => {
            let e = Error::invalid(
                "address",
                "We could not find that channel's hub. Check the address (nick@hub.example).",
            );
            Ok(rmagic_page(
                &ctx,
                &session,
                &form.address,
                &form.dest,
                Some(e.kind.safe_message()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await)
        }
    }
}

/// POST /visitor/leave: end the visitor session.
async fn post_leave(
    ctx: web::Data<Ctx>,
    session: Session,
    form: web::Form<crate::http::session::CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    end_visit(&ctx, &session).await?;
    Ok(see_other("/"))
}

/// The page's URL without the single sign-on parameters (`owt`, `zid`, `f`), as a path.
fn clean_path(req: &ServiceRequest) -> String {
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k != "owt" && k != "zid" && k != "f")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let path = req.path().to_string();
    if kept.is_empty() {
        path
    } else {
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish();
        format!("{path}?{q}")
    }
}

fn param(req: &ServiceRequest, name: &str) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// On any GET page: `owt=<token>` (a visitor's home hub sent them back with the token we
/// issued) starts a visitor session and redirects to the page without it; `zid=nick@host`
/// from someone not yet recognised sends them to their home hub's `/magic` to be signed in.
pub async fn visitor_links(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> std::result::Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let wanted = req.method() == actix_web::http::Method::GET
        && (req.query_string().contains("owt=") || req.query_string().contains("zid="));
    let Some(ctx) = req.app_data::<web::Data<Ctx>>().cloned().filter(|_| wanted) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let session = req.get_session();
    if let Some(owt) = param(&req, "owt") {
        let to = clean_path(&req);
        let res = match service::owa::consume(&ctx, &owt).await {
            Ok(Some((token, visitor))) => {
                // A logged-in account stays itself; a visitor session is for browsers without.
                if viewer(&ctx, &session).await.ok().flatten().is_none() {
                    start_visit(&session, &token, &visitor);
                }
                HttpResponse::SeeOther()
                    .insert_header(("Location", to))
                    .insert_header(("Cache-Control", "no-store"))
                    .finish()
            }
            // Used, expired, foreign or malformed (logged once by the service): say so, and
            // offer the page as a guest or another try.
            _ => {
                let page = NoticePage {
                    page: page_ctx(&ctx, &session, "", None)
                        .await
                        .titled("visit-not-signed-in"),
                    heading: page_text(&ctx, &session, "visit-expired-heading"),
                    message: page_text(&ctx, &session, "visit-expired"),
                    link: Some((to, page_text(&ctx, &session, "visit-guest"))),
                };
                render(StatusCode::FORBIDDEN, &page)
            }
        };
        return Ok(req.into_response(res));
    }
    if let Some(zid) = param(&req, "zid") {
        let known = who(&ctx, &session).await.map(|w| w.observer());
        if matches!(known, Ok(service::perms::Observer::Anonymous)) {
            let page = ctx.uris.page(&clean_path(&req));
            if let Some(to) = service::owa::zid_redirect(&ctx, &zid, &page).await {
                let res = HttpResponse::Found()
                    .insert_header(("Location", to))
                    .insert_header(("Cache-Control", "no-store"))
                    .finish();
                return Ok(req.into_response(res));
            }
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
