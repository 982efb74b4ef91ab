//! Turning errors into responses: one `ResponseError` impl for the hub's `Error` (HTML error
//! page with a safe message; the cause is logged here, once), plus the handlers for malformed or
//! oversized bodies and unknown URLs.

use actix_web::error::{JsonPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::error::{Error, ErrorKind};
use crate::templates::{ErrorPage, PageCtx};

/// Renders a page with a status; a template failure becomes a plain 500.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Internal error.")
        }
    }
}

fn title_of(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "Not found",
        ErrorKind::NotLoggedIn => "Please log in",
        ErrorKind::Forbidden(_) => "Not allowed",
        ErrorKind::Invalid { .. } => "Please check your input",
        ErrorKind::Conflict { .. } => "Already taken",
        ErrorKind::TooLarge => "Too large",
        ErrorKind::RateLimited => "Too many attempts",
        _ => "Something went wrong",
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        match self.kind {
            ErrorKind::Internal => tracing::error!(error = %self, "request failed"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        if self.kind == ErrorKind::NotLoggedIn {
            return HttpResponse::SeeOther()
                .insert_header(("Location", "/login"))
                .finish();
        }
        let page = ErrorPage {
            page: PageCtx {
                site_name: "Caravan".into(),
                title: title_of(&self.kind).into(),
                viewer: None,
                csrf: String::new(),
            },
            status: self.kind.status(),
            message: self.kind.safe_message(),
        };
        let mut resp = render(self.status_code(), &page);
        if self.kind == ErrorKind::RateLimited {
            resp.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static("60"),
            );
        }
        resp
    }
}

/// Form bodies that are too large get 413; malformed ones 400.
pub fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    let kind = match err {
        UrlencodedError::Overflow { .. } | UrlencodedError::Payload(_) => ErrorKind::TooLarge,
        _ => ErrorKind::Invalid {
            field: "form",
            reason: "The form could not be read.".into(),
        },
    };
    let mut e = Error::new(kind);
    e.source = Some(anyhow::anyhow!("{err}"));
    e.into()
}

/// JSON bodies that are too large get 413; malformed ones 422.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let kind = match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ErrorKind::TooLarge
        }
        _ => ErrorKind::Invalid {
            field: "body",
            reason: "The JSON body could not be read.".into(),
        },
    };
    let mut e = Error::new(kind);
    e.source = Some(anyhow::anyhow!("{err}"));
    e.into()
}

/// The 404 page.
pub fn not_found_response() -> HttpResponse {
    Error::new(ErrorKind::NotFound).error_response()
}

/// Default service: anything unrouted is 404.
pub async fn not_found() -> HttpResponse {
    not_found_response()
}
