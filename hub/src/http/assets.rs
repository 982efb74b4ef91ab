//! Static files under `/static/`: from `paths.static_dir` when set (served by actix-files'
//! `NamedFile`, with ETag, Last-Modified and ranges), falling back to the copies built into the
//! binary. Every request path is confined before either source is asked: it is decoded once,
//! then each segment must be a plain file name (letters, digits, `-`, `_`, `.`, not starting
//! with a dot), so empty segments (`//etc/passwd`), `..`, encoded slashes and backslashes, NUL
//! and drive letters never reach the file system; a file found on disk must also resolve,
//! after symlinks, inside the directory.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};

/// Files under `static/`, built into the binary.
#[derive(RustEmbed)]
#[folder = "../static/"]
struct Assets;

const CACHE: &str = "public, max-age=3600";
/// Longest static path accepted.
const MAX_PATH: usize = 512;

/// The request path below `/static/` as a relative path of plain names, or `None`.
pub fn confine(raw: &str) -> Option<String> {
    if raw.is_empty() || raw.len() > MAX_PATH {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let plain = |seg: &str| {
        !seg.is_empty()
            && !seg.starts_with('.')
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    decoded.split('/').all(plain).then(|| decoded.into_owned())
}

/// A file of the static directory, if it exists and resolves inside it.
fn on_disk(dir: &Path, rel: &str) -> Option<PathBuf> {
    let root = dir.canonicalize().ok()?;
    let found = root.join(rel).canonicalize().ok()?;
    (found.starts_with(&root) && found.is_file()).then_some(found)
}

/// GET /static/{path}
pub async fn get_static(req: HttpRequest, ctx: web::Data<Ctx>) -> Result<HttpResponse> {
    let raw = req.path().strip_prefix("/static/").unwrap_or_default();
    let rel = confine(raw).ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    if let Some(dir) = &ctx.config.static_dir
        && let Some(path) = on_disk(dir, &rel)
    {
        let file = NamedFile::open_async(&path)
            .await
            .map_err(|_| Error::new(ErrorKind::NotFound))?;
        let mut resp = file
            .use_etag(true)
            .use_last_modified(true)
            .into_response(&req);
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(CACHE),
        );
        return Ok(resp);
    }
    match Assets::get(&rel) {
        Some(file) => Ok(HttpResponse::Ok()
            .content_type(file.metadata.mimetype())
            .insert_header((header::CACHE_CONTROL, CACHE))
            .body(file.data.into_owned())),
        None => Err(Error::new(ErrorKind::NotFound)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_pass() {
        assert_eq!(
            confine("css/caravan.css").as_deref(),
            Some("css/caravan.css")
        );
        assert_eq!(
            confine("img/a-b_c.1.svg").as_deref(),
            Some("img/a-b_c.1.svg")
        );
        for bad in [
            "",
            "/etc/passwd",
            "%2fetc%2fpasswd",
            "..%2f..%2fetc/passwd",
            "../../etc/passwd",
            "%5c..%5cetc/passwd",
            "css//x.css",
            "css/.hidden",
            ".env",
            "css/x.css%00",
            "C:%5cwindows",
            "css/%252e%252e/x",
            "css/x y.css",
        ] {
            assert_eq!(confine(bad), None, "{bad:?} passed");
        }
    }
}
