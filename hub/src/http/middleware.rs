//! Middleware of the web front: the request log (method, route pattern, status, time — never
//! query strings or the tokens inside mailed links) and the body deadline (a request body must
//! arrive within `http.body_timeout_secs`; a trickled upload gets 408 instead of holding a
//! connection open forever).

use std::time::{Duration, Instant};

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use futures_util::StreamExt;

/// Logs each request at info level once it is answered.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let res = next.call(req).await?;
    // The route pattern (`/reset/{token}`), not the path: paths can carry secrets.
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unrouted)".to_string());
    tracing::info!(
        %method,
        route = %route,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}

/// Whether a path takes file uploads (cloud files, WebDAV), whose bodies may be large.
pub fn takes_uploads(path: &str) -> bool {
    path.starts_with("/dav/") || path.starts_with("/cloud/") && path.ends_with("/upload")
}

/// Wraps the request body so that reading it fails with a timeout once `limit` has passed since
/// the request arrived. For file uploads the limit is on silence instead: each chunk must come
/// within `limit` of the one before, so a large file on a slow link goes through while a stalled
/// sender is still cut off.
pub fn deadline_body(req: &mut ServiceRequest, limit: Duration) {
    let idle = takes_uploads(req.path());
    let start = tokio::time::Instant::now();
    let payload = req.take_payload();
    let stream = futures_util::stream::unfold(Some((payload, start)), move |state| async move {
        let (mut payload, since) = state?;
        let deadline = if idle {
            tokio::time::Instant::now() + limit
        } else {
            since + limit
        };
        match tokio::time::timeout_at(deadline, payload.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some((payload, since)))),
            Ok(None) => None,
            Err(_) => Some((
                Err::<Bytes, _>(PayloadError::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "request body not received in time",
                ))),
                None,
            )),
        }
    });
    // Fused: readers (actix-multipart) may poll again after the end.
    let boxed: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(futures_util::StreamExt::fuse(stream));
    req.set_payload(Payload::from(boxed));
}
