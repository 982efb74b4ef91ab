//! `POST /getfile` (Hubzilla's `Module/Getfile.php`, zot6.md §6.3): another location of a
//! channel fetches the content of one of the channel's files it learnt about through sync.
//! The form names the channel (`hash`) and the file (`resource`); the request must carry an
//! HTTP signature (`Authorization: Signature` or `Signature`) by that very channel. Anyone else
//! gets 403, a file that is not the channel's or not here 404. The content is streamed from
//! the blob store, as an opaque download.

use actix_files::NamedFile;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

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
    let file = NamedFile::open_async(&served.path)
        .await
        .map_err(|_| Error::new(ErrorKind::NotFound))?;
    let mut resp = file
        .set_content_type(mime_guess::mime::APPLICATION_OCTET_STREAM)
        .use_etag(false)
        .use_last_modified(false)
        .disable_content_disposition()
        .into_response(&req);
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}
