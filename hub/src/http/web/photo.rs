//! Identity images on the web: `/photo/{hash}/{l|m|s|cover}` serves local and remote channels
//! alike (a year's caching when the link's `rev` names the current version, revalidation
//! otherwise; the generated avatar for a square nobody uploaded), and the profile editor's
//! photo and cover forms (`POST /channel/{nick}/photo` and `/cover`: multipart, the form token,
//! post/redirect/get, a refusal re-shown on the editor). Decoding and storing are
//! `service::photo`'s.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{form_status, see_other};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::errors::render;
use crate::http::routes::resource;
use crate::http::session::{check_csrf, flash, page_ctx, page_text};
use crate::http::templates::{PhotoForms, ProfileEditPage};
use crate::service;
use crate::service::account::Account;
use crate::service::channel::Channel;
use crate::service::photo::{self, Crop, MAX_UPLOAD_BYTES};
use crate::uris::Uris;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/photo/{hash}/{kind}", get => get_photo);
    resource!(cfg, "/channel/{nick}/photo", post => post_photo);
    resource!(cfg, "/channel/{nick}/cover", post => post_cover);
}

/// `?rev=` of an image link.
#[derive(Debug, Deserialize)]
pub struct RevQuery {
    rev: Option<String>,
}

/// GET /photo/{hash}/{kind}
async fn get_photo(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<RevQuery>,
) -> Result<HttpResponse> {
    let (hash, kind) = path.into_inner();
    if hash.len() > 200 {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let img = photo::image(&ctx, &hash, &kind).await?;
    let etag = match img.rev {
        Some(r) => format!("\"{}-{r}\"", img.blob),
        None => format!("\"g-{:x}\"", {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            img.bytes.hash(&mut h);
            h.finish()
        }),
    };
    let current = img
        .rev
        .is_some_and(|r| query.rev.as_deref() == Some(r.to_string().as_str()));
    // A link naming the current version never changes; any other is checked every time
    // (cheaply, by its tag), so a new photo shows at once.
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut resp = if matches {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().body(img.bytes)
    };
    let h = resp.headers_mut();
    if !matches {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&img.mimetype)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // An SVG opened on its own runs nothing and loads nothing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

/// The profile editor's photo and cover forms for `channel`.
pub async fn forms(
    ctx: &Ctx,
    channel: &Channel,
    photo_error: Option<String>,
    cover_error: Option<String>,
) -> Result<PhotoForms> {
    let hash = &channel.channel_hash;
    let avatars = photo::avatars(ctx, vec![hash.clone()]).await?;
    Ok(PhotoForms {
        photo: avatars.link(hash, "l"),
        cover: photo::cover_link(ctx, hash).await?,
        photo_error,
        cover_error,
        max_mib: MAX_UPLOAD_BYTES / 1024 / 1024,
    })
}

/// What the photo and cover forms send.
#[derive(Debug, Default)]
struct Upload {
    csrf: String,
    bytes: Vec<u8>,
    /// A file was sent.
    file: bool,
    /// It was over [`MAX_UPLOAD_BYTES`] (and was read and dropped).
    too_large: bool,
    x: String,
    y: String,
    size: String,
}

/// Beyond this much an oversized upload is no longer read to its end (the connection closes).
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// Reads the form whose file field is `file_field`, holding at most [`MAX_UPLOAD_BYTES`] of
/// it; an oversized file is read to its end and dropped, so the answer can say why.
async fn read_upload(mut form: actix_multipart::Multipart, file_field: &str) -> Result<Upload> {
    let bad = || Error::new(ErrorKind::BadRequest("The upload form could not be read."));
    let mut up = Upload::default();
    let mut drained = 0u64;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| bad())?;
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            up.file = true;
            while let Some(chunk) = field.next().await {
                let chunk = chunk
                    .map_err(|_| Error::new(ErrorKind::BadRequest("The upload was cut off.")))?;
                if up.too_large {
                    drained += chunk.len() as u64;
                    if drained > DRAIN_LIMIT {
                        return Err(Error::new(ErrorKind::TooLarge));
                    }
                } else if (up.bytes.len() + chunk.len()) as u64 > MAX_UPLOAD_BYTES {
                    up.too_large = true;
                    up.bytes = Vec::new();
                } else {
                    up.bytes.extend_from_slice(&chunk);
                }
            }
            continue;
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
            "csrf" => up.csrf = value,
            "x" => up.x = value,
            "y" => up.y = value,
            "size" => up.size = value,
            _ => {}
        }
    }
    Ok(up)
}

/// The square asked for (`x`, `y`, `size` in source pixels; no `size`: centred).
fn crop_of(up: &Upload) -> Result<Option<Crop>> {
    let num = |s: &str| -> Result<u32> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(0);
        }
        // A crop tool may send fractions; whole pixels are meant.
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0 && *v <= f64::from(u32::MAX))
            .map(|v| v.round() as u32)
            .ok_or_else(|| {
                Error::invalid(
                    "photo",
                    "The square to keep must be given in whole pixels from the top left.",
                )
            })
    };
    let (x, y, size) = (num(&up.x)?, num(&up.y)?, num(&up.size)?);
    Ok((size > 0).then_some(Crop { x, y, size }))
}

/// POST /channel/{nick}/photo (multipart: `csrf`, `photo`, optional `x`, `y`, `size`).
async fn post_photo(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: actix_multipart::Multipart,
) -> Result<HttpResponse> {
    let (account, channel) = super::channel::owned_channel(&ctx, &session, &nick).await?;
    let up = read_upload(form, "photo").await?;
    check_csrf(&session, &up.csrf)?;
    let result = match crop_of(&up) {
        _ if up.too_large => Err(photo::too_large("photo")),
        _ if !up.file || up.bytes.is_empty() => {
            Err(Error::invalid("photo", "Choose an image file."))
        }
        Ok(crop) => photo::set_profile_photo(&ctx, &channel, up.bytes, crop).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&session, page_text(&ctx, &session, "photo-saved"));
            Ok(see_other(&format!(
                "/channel/{}/profile",
                channel.channel_address
            )))
        }
        Err(e) if e.kind.field().is_some() => {
            refused(&ctx, &session, &account, &channel, Some(e), None).await
        }
        Err(e) => Err(e),
    }
}

/// POST /channel/{nick}/cover (multipart: `csrf`, `cover`).
async fn post_cover(
    ctx: web::Data<Ctx>,
    session: Session,
    nick: web::Path<String>,
    form: actix_multipart::Multipart,
) -> Result<HttpResponse> {
    let (account, channel) = super::channel::owned_channel(&ctx, &session, &nick).await?;
    let up = read_upload(form, "cover").await?;
    check_csrf(&session, &up.csrf)?;
    let result = if up.too_large {
        Err(photo::too_large("cover"))
    } else if !up.file || up.bytes.is_empty() {
        Err(Error::invalid("cover", "Choose an image file."))
    } else {
        photo::set_cover(&ctx, &channel, up.bytes).await
    };
    match result {
        Ok(()) => {
            flash(&session, page_text(&ctx, &session, "cover-saved"));
            Ok(see_other(&format!(
                "/channel/{}/profile",
                channel.channel_address
            )))
        }
        Err(e) if e.kind.field().is_some() => {
            refused(&ctx, &session, &account, &channel, None, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

/// The profile editor again, saying why an image was refused.
async fn refused(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    channel: &Channel,
    photo_error: Option<Error>,
    cover_error: Option<Error>,
) -> Result<HttpResponse> {
    let status = photo_error
        .as_ref()
        .or(cover_error.as_ref())
        .map_or(StatusCode::UNPROCESSABLE_ENTITY, form_status);
    let message = |e: Option<Error>| e.map(|e| e.kind.safe_message());
    let profile = service::channel::profile(ctx, channel.channel_id)
        .await?
        .profile;
    let page = ProfileEditPage {
        page: page_ctx(ctx, session, "", Some(account))
            .await
            .titled("subnav-profile"),
        nick: channel.channel_address.clone(),
        name: channel.channel_name.clone(),
        about: profile.about,
        homepage: profile.homepage,
        locality: profile.locality,
        error: None,
        photos: forms(ctx, channel, message(photo_error), message(cover_error)).await?,
    };
    Ok(render(status, &page))
}

/// The path of an identity's 80px photo without a version (where none is at hand).
pub fn unversioned_avatar(hash: &str) -> String {
    Uris::photo_link(hash, "m", None)
}
