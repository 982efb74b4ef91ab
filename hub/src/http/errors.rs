//! Turning errors into responses: one `ResponseError` impl for the hub's `Error` (HTML error
//! page with a safe message; the cause is logged here, once), the [`error_pages`] middleware
//! that renders it again with the configured site name and the page the visitor was on, and
//! the handlers that route every extractor failure (query, path, form, JSON) and unknown URLs
//! through the same type.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{
    JsonPayloadError, PathError, PayloadError, QueryPayloadError, UrlencodedError,
};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::templates::{ErrorPage, PageCtx};

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
        ErrorKind::BadRequest(_) => "Bad request",
        ErrorKind::Unauthorized(_) => "Not authorised",
        ErrorKind::Remote(_) => "Another server failed",
        ErrorKind::MethodNotAllowed { .. } => "Method not allowed",
        ErrorKind::Timeout => "Too slow",
        ErrorKind::TooLarge => "Too large",
        ErrorKind::RateLimited => "Too many attempts",
        _ => "Something went wrong",
    }
}

/// The response for an error: a redirect to the login page (back to `return_to` afterwards)
/// for `NotLoggedIn`, otherwise the error page of `site_name` with the kind's status and
/// headers (`Retry-After`, `Allow`).
pub fn error_page(error: &Error, site_name: &str, return_to: Option<&str>) -> HttpResponse {
    error_page_in(
        error,
        PageCtx::bare(site_name, title_of(&error.kind)),
        return_to,
    )
}

/// What a person can do after an error: (href, label) links for the error page.
fn next_steps(kind: &ErrorKind, page: &PageCtx, return_to: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let anonymous = page.viewer.is_none() && page.visiting.is_none();
    if matches!(kind, ErrorKind::NotFound | ErrorKind::Forbidden(_)) && anonymous {
        let next = return_to.unwrap_or("/");
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        out.push((format!("/login?next={}", enc(next)), page.t("error-log-in")));
        out.push((
            format!("/rmagic?dest={}", enc(next)),
            page.t("error-sign-in-hub"),
        ));
    }
    if page.viewer.is_some() {
        out.push(("/channels".into(), page.t("error-my-channels")));
    }
    out.push(("/".into(), page.t("error-go-home")));
    out
}

/// The error page inside a full layout (the viewer's header, language and look).
pub fn error_page_in(error: &Error, mut page: PageCtx, return_to: Option<&str>) -> HttpResponse {
    if error.kind == ErrorKind::NotLoggedIn {
        let location = match return_to {
            Some(next) => format!(
                "/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ),
            None => "/login".to_string(),
        };
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish();
    }
    let (title, help) = match &error.kind {
        ErrorKind::NotFound => (page.t("error-not-found"), page.t("error-not-found-help")),
        ErrorKind::Forbidden(_) => (page.t("error-forbidden"), page.t("error-forbidden-help")),
        k => (title_of(k).to_string(), String::new()),
    };
    page.title = title;
    let next = next_steps(&error.kind, &page, return_to);
    let page = ErrorPage {
        page,
        status: error.kind.status(),
        message: error.kind.safe_message(),
        help,
        next,
    };
    let mut resp = render(error.status_code(), &page);
    let headers = resp.headers_mut();
    match &error.kind {
        ErrorKind::RateLimited => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        ErrorKind::MethodNotAllowed { allow } => {
            if let Ok(v) = HeaderValue::from_str(allow) {
                headers.insert(header::ALLOW, v);
            }
        }
        ErrorKind::Timeout => {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        _ => {}
    }
    resp
}

/// Whether a path belongs to the client API, whose errors are JSON in Mastodon's shape.
pub fn is_client_api(path: &str) -> bool {
    path.starts_with("/api/v1/")
        || path.starts_with("/api/v2/")
        || path == "/api/v1"
        || path == "/oauth/token"
        || path == "/oauth/revoke"
}

/// A client API error: `{"error": …}` with the kind's status (`WWW-Authenticate` on 401,
/// `Retry-After` on 429). "Please log in" is a 401 here, never a redirect.
pub fn api_error(error: &Error) -> HttpResponse {
    let status = match error.kind {
        ErrorKind::NotLoggedIn => StatusCode::UNAUTHORIZED,
        _ => error.status_code(),
    };
    let message = match &error.kind {
        ErrorKind::NotLoggedIn => "The access token is invalid".to_string(),
        ErrorKind::NotFound => "Record not found".to_string(),
        ErrorKind::Invalid { reason, .. } => format!("Validation failed: {reason}"),
        k => k.safe_message(),
    };
    let mut resp = HttpResponse::build(status);
    match &error.kind {
        ErrorKind::Unauthorized(_) | ErrorKind::NotLoggedIn => {
            resp.insert_header((
                header::WWW_AUTHENTICATE,
                "Bearer realm=\"Caravan\", error=\"invalid_token\"",
            ));
        }
        ErrorKind::RateLimited => {
            resp.insert_header((header::RETRY_AFTER, "60"));
        }
        ErrorKind::MethodNotAllowed { allow } => {
            resp.insert_header((header::ALLOW, allow.as_str()));
        }
        _ => {}
    }
    resp.json(serde_json::json!({ "error": message }))
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
        error_page(self, "Caravan", None)
    }
}

/// Middleware: renders the hub's errors again with the configured site name, and sends a
/// visitor who must log in back to the page they asked for afterwards (GET requests only).
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> std::result::Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let rerendered = match res.response().error().and_then(|e| e.as_error::<Error>()) {
        Some(error) if is_client_api(res.request().path()) => Some(api_error(error)),
        Some(error) => {
            let request = res.request();
            let return_to =
                (request.method() == actix_web::http::Method::GET).then(|| {
                    match request.uri().query() {
                        Some(q) => format!("{}?{q}", request.path()),
                        None => request.path().to_string(),
                    }
                });
            let page = match request.app_data::<web::Data<Ctx>>() {
                // A broken body gets the plain frame, built without the database: actix reads a
                // bogus chunk size as a dropped connection, so only an answer that is ready at
                // once still goes out.
                Some(ctx) if error.kind == ErrorKind::BadRequest(BODY_UNREADABLE) => {
                    PageCtx::bare(&ctx.config.site_name, title_of(&error.kind))
                }
                Some(ctx) if error.kind != ErrorKind::NotLoggedIn => {
                    use actix_session::SessionExt;
                    let session = request.get_session();
                    let viewer = crate::http::session::viewer(ctx, &session)
                        .await
                        .ok()
                        .flatten();
                    crate::http::session::page_ctx(
                        ctx,
                        &session,
                        title_of(&error.kind),
                        viewer.as_ref(),
                    )
                    .await
                }
                Some(ctx) => PageCtx::bare(&ctx.config.site_name, title_of(&error.kind)),
                None => PageCtx::bare("Caravan", title_of(&error.kind)),
            };
            Some(error_page_in(error, page, return_to.as_deref()))
        }
        None => None,
    };
    Ok(match rerendered {
        Some(page) => res.into_response(page),
        None => res.map_into_boxed_body(),
    })
}

fn with_cause(kind: ErrorKind, cause: impl std::fmt::Display) -> actix_web::Error {
    let mut e = Error::new(kind);
    e.source = Some(anyhow::anyhow!("{cause}"));
    e.into()
}

/// Why a request whose body broke off or was garbled is refused.
const BODY_UNREADABLE: &str = "The request body could not be read.";

/// The kind for a body that could not be read: too large (413), too slow (408), or broken
/// (400: a bogus `Content-Encoding`, chunk size or connection).
fn payload_kind(err: &PayloadError) -> ErrorKind {
    match err {
        PayloadError::Overflow => ErrorKind::TooLarge,
        PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => ErrorKind::Timeout,
        _ => ErrorKind::BadRequest(BODY_UNREADABLE),
    }
}

/// Form bodies: too large 413, too slow 408, anything malformed 400.
pub fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    let kind = match &err {
        UrlencodedError::Overflow { .. } => ErrorKind::TooLarge,
        UrlencodedError::Payload(p) => payload_kind(p),
        _ => ErrorKind::BadRequest("The form could not be read."),
    };
    with_cause(kind, err)
}

/// JSON bodies: too large 413, too slow 408, anything malformed 400.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let kind = match &err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ErrorKind::TooLarge
        }
        JsonPayloadError::Payload(p) => payload_kind(p),
        _ => ErrorKind::BadRequest("The JSON body could not be read."),
    };
    with_cause(kind, err)
}

/// Query strings that do not fit the handler (`?page=abc`): 400, input not echoed.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    with_cause(
        ErrorKind::BadRequest("The address has a parameter this page cannot read."),
        err,
    )
}

/// Path segments that do not fit the handler: 400, input not echoed.
pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    with_cause(ErrorKind::BadRequest("This address is not valid."), err)
}

/// Default service: anything unrouted is 404.
pub async fn not_found() -> Result<HttpResponse> {
    Err(Error::new(ErrorKind::NotFound))
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
            (ErrorKind::BadRequest("unreadable"), 400),
            (ErrorKind::Timeout, 408),
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
        let back = error_page(&Error::new(ErrorKind::NotLoggedIn), "S", Some("/admin?x=1"));
        assert_eq!(
            back.headers().get("location").unwrap(),
            "/login?next=%2Fadmin%3Fx%3D1"
        );
        let e = Error::new(ErrorKind::MethodNotAllowed {
            allow: "GET, HEAD".into(),
        });
        let resp = error_page(&e, "My Hub", None);
        assert_eq!(resp.status().as_u16(), 405);
        assert_eq!(resp.headers().get("allow").unwrap(), "GET, HEAD");
        assert!(body_of(resp).contains("My Hub"));
    }
}
