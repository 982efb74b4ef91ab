//! `/api/v1/media` and `/api/v2/media`: a client uploads a file (multipart, streamed into the
//! channel's storage) with a description, then names it in a status's `media_ids`; `GET` and
//! `PUT /api/v1/media/{id}` read it and change its description.

use actix_web::{HttpResponse, web};
use futures_util::StreamExt;

use super::{Auth, Input, json};
use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::http::routes::resource;
use crate::service::attachment;
use crate::service::client_api::media_json;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    resource!(cfg, "/api/v1/media", post => post_media);
    resource!(cfg, "/api/v2/media", post => post_media);
    resource!(cfg, "/api/v1/media/{id}", get => get_media, put => put_media);
}

/// Longest text field of the upload form.
const MAX_FIELD: usize = 8 * 1024;

async fn post_media(
    ctx: web::Data<Ctx>,
    auth: Auth,
    mut form: actix_multipart::Multipart,
) -> Result<HttpResponse> {
    let ch = auth.need("write:media")?.clone();
    let bad = || Error::new(ErrorKind::BadRequest("The upload could not be read."));
    let mut description = String::new();
    let mut stored: Option<attachment::Attached> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| bad())?;
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            if stored.is_some() {
                return Err(Error::invalid("file", "Send one file per upload."));
            }
            let filename = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or("")
                .to_string();
            let body = field.map(|c| {
                c.map_err(|_| Error::new(ErrorKind::BadRequest("The upload was cut off.")))
            });
            stored =
                Some(attachment::upload_media(&ctx, &ch, &filename, &description, body).await?);
            continue;
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| bad())?;
            if value.len() + chunk.len() > MAX_FIELD {
                return Err(Error::new(ErrorKind::TooLarge));
            }
            value.extend_from_slice(&chunk);
        }
        if name == "description" {
            description = String::from_utf8(value).map_err(|_| bad())?;
            // A description after the file still counts.
            if let Some(a) = &stored
                && let Some(h) = &a.local
            {
                stored = Some(attachment::describe(&ctx, &ch, h, &description).await?);
            }
        }
    }
    let a = stored.ok_or_else(|| Error::invalid("file", "Send the file in the field `file`."))?;
    Ok(json(&media_json(&a)))
}

async fn get_media(ctx: web::Data<Ctx>, auth: Auth, id: web::Path<String>) -> Result<HttpResponse> {
    let ch = auth.need("write:media")?;
    let mut got = attachment::pick(&ctx, ch, std::slice::from_ref(&*id))
        .await
        .map_err(|_| Error::new(ErrorKind::NotFound))?;
    let a = got.pop().ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    Ok(json(&media_json(&a)))
}

async fn put_media(
    ctx: web::Data<Ctx>,
    auth: Auth,
    id: web::Path<String>,
    input: Input,
) -> Result<HttpResponse> {
    let ch = auth.need("write:media")?;
    let description = input.text("description")?;
    let a = attachment::describe(&ctx, ch, &id, &description).await?;
    Ok(json(&media_json(&a)))
}
