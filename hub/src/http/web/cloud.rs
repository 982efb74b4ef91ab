//! Cloud files in the browser: `/cloud/{nick}` (folders, upload with a progress bar, new
//! folder, rename, move, delete, who can see each entry, thumbnails of images),
//! `/file/{hash}/thumb` (a file's thumbnail, seen by whoever may see the file) and `/file/{hash}` (the file, with ranges, ETag and Last-Modified;
//! only harmless types inline, everything else, HTML and SVG above all, as a download in a
//! sandbox).

use actix_files::NamedFile;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{form_status, safe_next, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, page_ctx, require_viewer, who};
use crate::http::templates::{CloudPage, FileRow};
use crate::service::perms::Audience;
use crate::service::storage;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/cloud/{nick}", get => get_top);
    resource!(cfg, "/cloud/{nick}/folder/{hash}", get => get_folder);
    resource!(cfg, "/cloud/{nick}/upload", post => post_upload);
    resource!(cfg, "/cloud/{nick}/mkdir", post => post_mkdir);
    resource!(cfg, "/cloud/{nick}/rename", post => post_rename);
    resource!(cfg, "/cloud/{nick}/delete", post => post_delete);
    resource!(cfg, "/cloud/{nick}/access", post => post_access);
    resource!(cfg, "/cloud/{nick}/move", post => post_move);
    resource!(cfg, "/file/{hash}", get => get_file);
    resource!(cfg, "/file/{hash}/thumb", get => get_thumb);
}

/// A thumbnail's size on the listing: fitted in 64×64, never enlarged.
fn shown_size(w: i64, h: i64) -> (i64, i64) {
    const BOX: i64 = 64;
    let (w, h) = (w.max(1), h.max(1));
    if w <= BOX && h <= BOX {
        (w, h)
    } else if w >= h {
        (BOX, (h * BOX / w).max(1))
    } else {
        ((w * BOX / h).max(1), BOX)
    }
}

/// Bytes for people.
fn readable(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

async fn page(
    ctx: &Ctx,
    session: &Session,
    nick: &str,
    folder: Option<&str>,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse> {
    let w = who(ctx, session).await?;
    let f = storage::folder(ctx, nick, folder, &w.observer()).await?;
    let mut choices = vec![
        (
            "public".to_string(),
            "Everyone who may see my files".to_string(),
        ),
        ("connections".to_string(), "My connections".to_string()),
    ];
    if f.may_write {
        for g in crate::service::connection::groups(ctx, &f.channel).await? {
            choices.push((format!("group:{}", g.name), format!("Group {}", g.name)));
        }
    }
    let back = match folder {
        Some(h) => format!("/cloud/{nick}/folder/{h}"),
        None => format!("/cloud/{nick}"),
    };
    let folders = match (&w.account, f.may_write) {
        (Some(a), true) => storage::folders(ctx, a.account_id, nick).await?,
        _ => Vec::new(),
    };
    let thumbs = f.thumbs;
    let p = CloudPage {
        page: {
            let mut page = page_ctx(ctx, session, "", w.account.as_ref()).await;
            page.title = page.ta("cloud-title", "name", &f.channel.channel_name);
            page
        },
        nick: nick.to_string(),
        channel_name: f.channel.channel_name.clone(),
        folder: folder.unwrap_or("").to_string(),
        back,
        path: f.path,
        audience: f.audience,
        entries: f
            .entries
            .into_iter()
            .map(|(e, words)| FileRow {
                size: if e.is_dir {
                    String::new()
                } else {
                    readable(e.size)
                },
                edited: e.edited.format("%Y-%m-%d %H:%M").to_string(),
                name: e.name,
                is_dir: e.is_dir,
                restricted: e.restricted,
                audience: words,
                thumb: thumbs.get(&e.hash).map(|t| {
                    let (w, h) = shown_size(t.width, t.height);
                    (format!("/file/{}/thumb?v={}", e.hash, t.version), w, h)
                }),
                hash: e.hash,
            })
            .collect(),
        may_write: f.may_write,
        usage: f.usage.map(|(u, q)| (readable(u), readable(q))),
        choices,
        folders,
        message,
        error,
    };
    Ok(render(status, &p))
}

fn notice(done: &str) -> Option<String> {
    match done {
        "uploaded" => Some("The file is uploaded.".into()),
        "folder" => Some("The folder is made.".into()),
        "renamed" => Some("Renamed.".into()),
        "deleted" => Some("Deleted.".into()),
        "access" => Some("Who can see it is changed.".into()),
        "moved" => Some("Moved.".into()),
        _ => None,
    }
}

/// GET /cloud/{nick}
async fn get_top(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    page(
        &ctx,
        &session,
        &nick,
        None,
        notice(&q.done),
        None,
        StatusCode::OK,
    )
    .await
}

/// GET /cloud/{nick}/folder/{hash}
async fn get_folder(
    ctx: web::Data<Ctx>,
    session: Session,
    path: web::Path<(String, String)>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let (nick, hash) = path.into_inner();
    page(
        &ctx,
        &session,
        &nick,
        Some(&hash),
        notice(&q.done),
        None,
        StatusCode::OK,
    )
    .await
}

/// Where a form goes back to: the page it came from on this channel's files, else the top.
fn back_to(nick: &str, back: &str, done: &str) -> HttpResponse {
    let prefix = format!("/cloud/{nick}");
    let to = safe_next(back)
        .filter(|b| *b == prefix || b.starts_with(&format!("{prefix}/folder/")))
        .unwrap_or(&prefix)
        .to_string();
    see_other(&format!("{to}?done={done}"))
}

/// A form error shown on the folder it came from.
async fn form_failed(
    ctx: &Ctx,
    session: &Session,
    nick: &str,
    folder: Option<&str>,
    e: Error,
) -> Result<HttpResponse> {
    if e.kind.field().is_none() && e.kind != ErrorKind::TooLarge {
        return Err(e);
    }
    let status = form_status(&e);
    let folder = folder.filter(|f| !f.is_empty());
    page(
        ctx,
        session,
        nick,
        folder,
        None,
        Some(e.kind.safe_message()),
        status,
    )
    .await
}

/// POST /cloud/{nick}/upload (multipart: `csrf` first, then `folder`, then `file`).
async fn post_upload(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    nick: web::Path<String>,
    mut form: actix_multipart::Multipart,
) -> Result<HttpResponse> {
    let account = require_viewer(&ctx, &session).await?;
    let bad = || Error::new(ErrorKind::BadRequest("The upload form could not be read."));
    let mut csrf_ok = false;
    let mut folder = String::new();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        // The other fields and the multipart framing take a little of it.
        .map(|n| n.saturating_sub(16 * 1024));
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| bad())?;
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            // Nothing is stored before the form has proved it comes from our page.
            if !csrf_ok {
                return Err(Error::new(ErrorKind::Forbidden(
                    "This form has expired. Please reload the page and try again.",
                )));
            }
            let filename = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or("")
                .to_string();
            let body = field.map(|c| {
                c.map_err(|_| Error::new(ErrorKind::BadRequest("The upload was cut off.")))
            });
            let folder_ref = (!folder.is_empty()).then_some(folder.as_str());
            return match storage::upload(
                &ctx,
                account.account_id,
                &nick,
                folder_ref,
                &filename,
                declared,
                body,
            )
            .await
            {
                Ok(_) => Ok(back_to(&nick, &back_of(&nick, &folder), "uploaded")),
                Err(e) => form_failed(&ctx, &session, &nick, folder_ref, e).await,
            };
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| bad())?;
            if value.len() + chunk.len() > 1024 {
                return Err(bad());
            }
            value.extend_from_slice(&chunk);
        }
        let value = String::from_utf8(value).map_err(|_| bad())?;
        match name.as_str() {
            "csrf" => {
                check_csrf(&session, &value)?;
                csrf_ok = true;
            }
            "folder" => folder = value,
            _ => {}
        }
    }
    Err(Error::invalid("file", "Choose a file to upload."))
}

fn back_of(nick: &str, folder: &str) -> String {
    if folder.is_empty() {
        format!("/cloud/{nick}")
    } else {
        format!("/cloud/{nick}/folder/{folder}")
    }
}

#[derive(Debug, Deserialize)]
pub struct MkdirForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    folder: String,
    #[serde(default)]
    name: String,
}

/// POST /cloud/{nick}/mkdir
async fn post_mkdir(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<MkdirForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let folder = (!form.folder.is_empty()).then_some(form.folder.as_str());
    match storage::mkdir(&ctx, account.account_id, &nick, folder, &form.name).await {
        Ok(_) => Ok(back_to(&nick, &back_of(&nick, &form.folder), "folder")),
        Err(e) => form_failed(&ctx, &session, &nick, folder, e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hash: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    back: String,
}

fn folder_of_back<'a>(nick: &str, back: &'a str) -> Option<&'a str> {
    back.strip_prefix(&format!("/cloud/{nick}/folder/"))
}

/// POST /cloud/{nick}/rename
async fn post_rename(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    match storage::rename(
        &ctx,
        account.account_id,
        &nick,
        &form.hash,
        &form.name,
        None,
    )
    .await
    {
        Ok(()) => Ok(back_to(&nick, &form.back, "renamed")),
        Err(e) => form_failed(&ctx, &session, &nick, folder_of_back(&nick, &form.back), e).await,
    }
}

/// POST /cloud/{nick}/delete
async fn post_delete(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    storage::delete(&ctx, account.account_id, &nick, &form.hash).await?;
    Ok(back_to(&nick, &form.back, "deleted"))
}

/// POST /cloud/{nick}/access
async fn post_access(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let audience = Audience::parse(&form.audience)
        .ok_or_else(|| Error::invalid("audience", "Choose who can see it."))?;
    match storage::set_audience(&ctx, account.account_id, &nick, &form.hash, audience).await {
        Ok(()) => Ok(back_to(&nick, &form.back, "access")),
        Err(e) => form_failed(&ctx, &session, &nick, folder_of_back(&nick, &form.back), e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hash: String,
    /// The folder's hash, `top` for the top.
    #[serde(default)]
    to: String,
    #[serde(default)]
    back: String,
}

/// POST /cloud/{nick}/move
async fn post_move(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse> {
    check_csrf(&session, &form.csrf)?;
    let account = require_viewer(&ctx, &session).await?;
    let to = match form.to.as_str() {
        "" => {
            let e = Error::invalid("folder", "Choose a folder to move it into.");
            return form_failed(&ctx, &session, &nick, folder_of_back(&nick, &form.back), e).await;
        }
        "top" => "",
        h => h,
    };
    match storage::move_entry(&ctx, account.account_id, &nick, &form.hash, to).await {
        Ok(()) => Ok(back_to(&nick, &form.back, "moved")),
        Err(e) => form_failed(&ctx, &session, &nick, folder_of_back(&nick, &form.back), e).await,
    }
}

/// GET /file/{hash}/thumb: the thumbnail, for whoever may see the file (anyone else: 404).
async fn get_thumb(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    hash: web::Path<String>,
) -> Result<HttpResponse> {
    let w = who(&ctx, &session).await?;
    let t = storage::thumbnail(&ctx, &hash, &w.observer()).await?;
    // blobs: local read
    let file = NamedFile::open_async(&t.path)
        .await
        .map_err(|_| Error::new(ErrorKind::NotFound))?;
    let mime: mime_guess::mime::Mime = t.mimetype.parse().unwrap_or(mime_guess::mime::IMAGE_JPEG);
    let mut resp = file
        .set_content_type(mime)
        .disable_content_disposition()
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    // Links carry the thumbnail's version, so a browser may keep it; only for this viewer.
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(resp)
}

/// GET /file/{hash}
async fn get_file(
    ctx: web::Data<Ctx>,
    session: Session,
    req: HttpRequest,
    hash: web::Path<String>,
) -> Result<HttpResponse> {
    let w = who(&ctx, &session).await?;
    let d = storage::download(&ctx, &hash, &w.observer()).await?;
    let mime: mime_guess::mime::Mime = if d.inline {
        d.mimetype
            .parse()
            .unwrap_or(mime_guess::mime::APPLICATION_OCTET_STREAM)
    } else {
        mime_guess::mime::APPLICATION_OCTET_STREAM
    };
    let ascii: String = d
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let disposition = ContentDisposition {
        disposition: if d.inline {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: d.name.clone().into_bytes(),
            }),
        ],
    };
    let mut resp = match d.blob.local_path() {
        Some(path) => NamedFile::open_async(&path)
            .await
            .map_err(|_| Error::new(ErrorKind::NotFound))?
            .set_content_type(mime)
            .set_content_disposition(disposition)
            .use_etag(true)
            .use_last_modified(true)
            .into_response(&req),
        None => {
            // Not stored (yet) here: a clone still fetching it.
            let meta = d
                .blob
                .meta()
                .await?
                .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
            crate::http::getfile::blob_response(
                &req,
                d.blob,
                meta,
                &crate::http::getfile::BlobReply {
                    content_type: mime,
                    disposition: Some(disposition),
                    validators: true,
                },
            )
        }
    };
    let h = resp.headers_mut();
    // Whatever a file holds, it runs nothing from the hub's origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; media-src 'self'",
        ),
    );
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-cache"),
    );
    Ok(resp)
}
