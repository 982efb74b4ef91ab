//! Web pages for people using a browser, one file per URL area.

pub mod admin;
pub mod auth;
pub mod channel;
pub mod home;
pub mod item;

use std::net::{IpAddr, Ipv4Addr};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::Error;

/// Registers every web route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    home::configure(cfg);
    auth::configure(cfg);
    channel::configure(cfg);
    item::configure(cfg);
    admin::configure(cfg);
}

/// Redirect after a successful POST.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// The client's address, for rate limits.
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The status a form page is re-shown with after `e`.
pub fn form_status(e: &Error) -> StatusCode {
    StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}
