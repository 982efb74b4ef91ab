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

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(resp: HttpResponse) -> String {
        let bytes = actix_web::body::to_bytes(resp.into_body());
        let bytes = block_on(bytes).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn every_kind_maps_to_its_status_and_hides_causes() {
        let cases = [
            (ErrorKind::NotFound, 404),
            (ErrorKind::Forbidden("no"), 403),
            (
                ErrorKind::Invalid {
                    field: "f",
                    reason: "bad".into(),
                },
                422,
            ),
            (
                ErrorKind::Conflict {
                    field: "f",
                    reason: "taken".into(),
                },
                409,
            ),
            (ErrorKind::TooLarge, 413),
            (ErrorKind::RateLimited, 429),
            (ErrorKind::Internal, 500),
        ];
        for (kind, status) in cases {
            let mut e = Error::new(kind.clone());
            e.source = Some(anyhow::anyhow!("secret database detail"));
            let resp = e.error_response();
            assert_eq!(resp.status().as_u16(), status, "{kind:?}");
            let body = body_of(resp);
            assert!(
                body.contains(&kind.safe_message().replace('\'', "&#39;")),
                "{body}"
            );
            assert!(
                !body.contains("secret database detail"),
                "{kind:?} leaks its cause"
            );
        }
        let login = Error::new(ErrorKind::NotLoggedIn).error_response();
        assert_eq!(login.status().as_u16(), 303);
        assert_eq!(login.headers().get("location").unwrap(), "/login");
    }
}
