//! `POST /getfile` (Hubzilla's `Module/Getfile.php`, zot6.md §6.3): another location of a
//! channel fetches the content of one of the channel's files it learnt about through sync.
//! The form names the channel (`hash`) and the file (`resource`); the request must carry an
//! HTTP signature (`Authorization: Signature` or `Signature`) by that very channel. Anyone else
//! gets 403, a file that is not the channel's or not here 404. The content is streamed from
//! the blob store, as an opaque download. Also [`blob_response`]: a blob from either backend
//! as an HTTP answer with ranges and validators (actix-files' rules, for blobs with no file).

use std::time::{SystemTime, UNIX_EPOCH};

use actix_files::{HttpRange, NamedFile};
use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, EntityTag, HttpDate};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::{StreamExt, TryStreamExt};

use crate::blobs::{Blob, BlobMeta};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::routes::resource;
use crate::service::{self, signatures::Request};
use crate::uris::Uris;

/// Registers the route of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, Uris::GETFILE_PATH, post => post_getfile);
}

fn forbidden() -> Error {
    Error::new(ErrorKind::Forbidden(
        "only the channel itself may fetch its files",
    ))
}

/// POST /getfile
async fn post_getfile(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let r = Request {
        method: req.method().as_str().to_ascii_lowercase(),
        path_and_query: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| req.path().to_string()),
        headers: req
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        body: body.to_vec(),
    };
    if !service::signatures::is_signed(&r) {
        return Err(forbidden());
    }
    let signer = match service::signatures::verify(&ctx, &r).await {
        Ok(s) => s,
        Err(e) if e.kind == ErrorKind::Internal => return Err(e),
        Err(_) => return Err(forbidden()),
    };
    let served = service::file_sync::serve(&ctx, &body, &signer).await?;
    let mut resp = match served.blob.local_path() {
        Some(path) => NamedFile::open_async(&path)
            .await
            .map_err(|_| Error::new(ErrorKind::NotFound))?
            .set_content_type(mime_guess::mime::APPLICATION_OCTET_STREAM)
            .use_etag(false)
            .use_last_modified(false)
            .disable_content_disposition()
            .into_response(&req),
        None => blob_response(
            &req,
            served.blob,
            served.meta,
            &BlobReply {
                content_type: mime_guess::mime::APPLICATION_OCTET_STREAM,
                disposition: None,
                validators: false,
            },
        ),
    };
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// How [`blob_response`] presents a blob.
pub(crate) struct BlobReply {
    /// Content-Type (text without a charset gets UTF-8, as actix-files does).
    pub(crate) content_type: mime_guess::Mime,
    /// Content-Disposition, if any.
    pub(crate) disposition: Option<ContentDisposition>,
    /// ETag (the content's SHA-256: blobs are content-addressed, so it is strong) and
    /// Last-Modified, with the conditional requests they answer.
    pub(crate) validators: bool,
}

/// A blob as a response, the way actix-files' `NamedFile` answers for a file: `Accept-Ranges`,
/// one range of a `Range` header (206; 416 with `bytes */size` when unsatisfiable; several
/// ranges: the first), `If-Match`/`If-Unmodified-Since` (412), `If-None-Match`/
/// `If-Modified-Since` (304). The body streams from the store only when it is sent.
pub(crate) fn blob_response(
    req: &HttpRequest,
    blob: Blob,
    meta: BlobMeta,
    reply: &BlobReply,
) -> HttpResponse {
    let size = meta.size;
    let etag = reply
        .validators
        .then(|| EntityTag::new_strong(blob.hash().to_string()));
    let modified = reply.validators.then(|| HttpDate::from(meta.modified));
    let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).ok();
    let precondition_failed = match (req.get_header::<header::IfMatch>(), &etag) {
        (None | Some(header::IfMatch::Any), _) => false,
        (Some(header::IfMatch::Items(items)), Some(e)) => !items.iter().any(|i| i.strong_eq(e)),
        (Some(header::IfMatch::Items(_)), None) => true,
    } || match (modified, req.get_header::<header::IfUnmodifiedSince>()) {
        (Some(m), Some(header::IfUnmodifiedSince(since))) => {
            matches!((secs(m.into()), secs(since.into())), (Some(a), Some(b)) if a > b)
        }
        _ => false,
    };
    let not_modified = match (req.get_header::<header::IfNoneMatch>(), &etag) {
        (Some(header::IfNoneMatch::Any), _) => true,
        (Some(header::IfNoneMatch::Items(items)), Some(e)) => items.iter().any(|i| i.weak_eq(e)),
        (Some(header::IfNoneMatch::Items(_)), None) => false,
        (None, _) => match (modified, req.get_header::<header::IfModifiedSince>()) {
            (Some(m), Some(header::IfModifiedSince(since))) => {
                matches!((secs(m.into()), secs(since.into())), (Some(a), Some(b)) if a <= b)
            }
            _ => false,
        },
    };
    let mut res = HttpResponse::build(StatusCode::OK);
    let ct = &reply.content_type;
    if ct.type_() == mime_guess::mime::TEXT && ct.get_param(mime_guess::mime::CHARSET).is_none() {
        res.insert_header((header::CONTENT_TYPE, format!("{ct}; charset=utf-8")));
    } else {
        res.insert_header((header::CONTENT_TYPE, ct.to_string()));
    }
    if let Some(d) = &reply.disposition {
        res.insert_header((header::CONTENT_DISPOSITION, d.to_string()));
    }
    if let Some(m) = modified {
        res.insert_header((header::LAST_MODIFIED, m.to_string()));
    }
    if let Some(e) = &etag {
        res.insert_header((header::ETAG, e.to_string()));
    }
    res.insert_header((header::ACCEPT_RANGES, "bytes"));
    let (mut offset, mut length) = (0, size);
    if let Some(range) = req.headers().get(header::RANGE) {
        let Ok(range) = range.to_str() else {
            return res.status(StatusCode::BAD_REQUEST).finish();
        };
        match HttpRange::parse(range, size)
            .ok()
            .and_then(|r| r.first().copied())
        {
            Some(r) => {
                (offset, length) = (r.start, r.length);
                res.insert_header((
                    header::CONTENT_RANGE,
                    format!("bytes {}-{}/{size}", offset, offset + length - 1),
                ));
            }
            None => {
                res.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
                return res.status(StatusCode::RANGE_NOT_SATISFIABLE).finish();
            }
        }
    }
    if precondition_failed {
        return res.status(StatusCode::PRECONDITION_FAILED).finish();
    }
    if not_modified {
        return res
            .status(StatusCode::NOT_MODIFIED)
            .body(actix_web::body::None::new());
    }
    if offset != 0 || length != size {
        res.status(StatusCode::PARTIAL_CONTENT);
    }
    // Opened when the body is first polled (not for HEAD or a client gone before).
    let body = futures_util::stream::once(async move { blob.read(offset..offset + length).await })
        .try_flatten()
        .map_err(|e| std::io::Error::other(e.to_string()))
        .boxed();
    res.body(SizedStream::new(length, body))
}
