//! The channel owner's locations page: where the channel lives (the primary marked), whether
//! every location is in sync with this one, in plain words, "make this hub the primary" and
//! "delete the channel at this hub" (it lives on elsewhere).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::channel::owned_channel;
use super::see_other;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{CsrfOnly, check_csrf, page_ctx};
use crate::http::templates::{LocationRow, LocationsPage};
use crate::service;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/channel/{nick}/locations", get => get_locations);
    resource!(cfg, "/channel/{nick}/locations/primary", post => post_primary);
    resource!(cfg, "/channel/{nick}/locations/leave", post => post_leave);
}

/// GET /channel/{nick}/locations
async fn get_locations(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
) -> Result<HttpResponse> {
    let (account, channel) = owned_channel(&ctx, &session, &nick).await?;
    let locations = service::locations::list(&ctx, &channel).await?;
    let report = service::sync::compare(&ctx, &channel).await?;
    let rows = locations
        .into_iter()
        .map(|l| LocationRow {
            verdict: if l.here {
                "this hub".into()
            } else {
                report
                    .peers
                    .iter()
                    .find(|p| p.location == l.url)
                    .map(|p| p.verdict.join("; "))
                    .unwrap_or_else(|| "not asked".into())
            },
            url: l.url,
            address: l.address,
            primary: l.primary,
            here: l.here,
        })
        .collect();
    let page = LocationsPage {
        page: page_ctx(&ctx, &session, "", Some(&account))
            .await
            .titled("subnav-locations"),
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        in_sync: report.in_sync(),
        rows,
        counts: report
            .here
            .kinds
            .iter()
            .map(|k| format!("{} {}", k.count, k.kind))
            .collect::<Vec<_>>()
            .join(", "),
    };
    Ok(render(StatusCode::OK, &page))
}

/// POST /channel/{nick}/locations/primary: this hub becomes the primary.
async fn post_primary(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned_channel(&ctx, &session, &nick).await?;
    service::locations::make_primary_here(&ctx, &channel).await?;
    Ok(see_other(&format!("/channel/{nick}/locations")))
}

/// The leave form.
#[derive(Debug, serde::Deserialize)]
pub struct LeaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// POST /channel/{nick}/locations/leave: the channel is deleted at this hub only.
async fn post_leave(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<LeaveForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let (_, channel) = owned_channel(&ctx, &session, &nick).await?;
    if form.confirm.is_none() {
        return Err(crate::error::Error::invalid(
            "confirm",
            "Tick the box to confirm: the channel will be gone from this hub.",
        ));
    }
    service::locations::leave_here(&ctx, &channel).await?;
    Ok(see_other("/channels"))
}
