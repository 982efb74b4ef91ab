//! Identity images of channels, local and remote alike, by portable id: the profile photo as
//! Hubzilla's three squares (`l` 300, `m` 80, `s` 48 pixels) and a cover image (3:1, at most
//! 1500×500), decoded and scaled on the blocking pool with `service::thumbnail`'s bounded
//! decoder and stored in the blob store (`photo` table). Channels without a photo get a
//! generated avatar: an SVG with the name's initial on a colour derived from the portable id,
//! always dark enough for white text (WCAG AA). For remote channels it records the photo their
//! channel info advertises (`xchan_photo`) and fetches a changed one through the delivery queue
//! (one destination per server, the queue's backoff and leases, the one outbound client), keeping
//! our own resized copy; a failed fetch leaves the generated avatar. Never decodes in a web
//! worker, never fetches from a page.

use std::collections::HashMap;
use std::io::Cursor;

use bytes::Bytes;
use chrono::NaiveDateTime;
use futures_util::StreamExt;
use image::DynamicImage;
use image::imageops::FilterType;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::service::channel::Channel;
use crate::service::file_sync::Fetched;
use crate::service::thumbnail::{self, Rendered};
use crate::store::{self, AnyConnection, outq::Outq, photo::Photo};
use crate::uris::Uris;

/// Hubzilla's profile photo sizes (`PHOTO_RES_PROFILE_300/80/48`): kind and side in pixels.
pub const SIZES: [(&str, u32); 3] = [("l", 300), ("m", 80), ("s", 48)];
/// The kind of the cover image.
pub const COVER: &str = "cover";
/// Largest cover, pixels (3:1).
const COVER_WIDTH: u32 = 1500;
const COVER_HEIGHT: u32 = 500;
/// Largest uploaded image file, bytes (checked while the upload is read).
pub const MAX_UPLOAD_BYTES: u64 = 8 * 1024 * 1024;
/// Largest remote photo fetched, bytes (Hubzilla's 300px photos are far smaller).
const MAX_REMOTE_BYTES: usize = 4 * 1024 * 1024;
/// An encoded size is never larger.
const MAX_ENCODED_BYTES: u64 = 4 * 1024 * 1024;
/// The same advertisement is fetched again after a failure at most this often.
const RETRY_HOURS: i64 = 24;
/// The generated avatar's type.
pub const SVG: &str = "image/svg+xml";

/// A square to crop, in source pixels (after the EXIF orientation is applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Crop {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Side (0: the largest centred square).
    pub size: u32,
}

/// An image to serve.
#[derive(Debug, Clone)]
pub struct Image {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Its media type.
    pub mimetype: String,
    /// Its version (`rev` in links); `None` for the generated avatar.
    pub rev: Option<i64>,
    /// Its blob (an entity tag); empty for the generated avatar.
    pub blob: String,
}

/// The version of an image as links carry it (`?rev=`).
pub fn rev_of(updated: NaiveDateTime) -> i64 {
    updated.and_utc().timestamp_micros()
}

fn is_square_kind(kind: &str) -> bool {
    SIZES.iter().any(|(k, _)| *k == kind)
}

fn side_of(kind: &str) -> u32 {
    SIZES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(300, |(_, s)| *s)
}

/// What people are told about an image that is refused.
fn refused(field: &'static str, e: &image::ImageError) -> Error {
    match e {
        image::ImageError::Unsupported(_) => {
            Error::invalid(field, "Choose a PNG, JPEG, GIF or WebP image.")
        }
        image::ImageError::Limits(_) => Error::invalid(
            field,
            "This image is too large: at most 16384 pixels each way and about 40 megapixels.",
        ),
        _ => Error::invalid(
            field,
            "This image could not be read: it may be damaged or incomplete.",
        ),
    }
}

fn decode_oriented(bytes: &[u8]) -> std::result::Result<DynamicImage, image::ImageError> {
    let (mut img, orientation) = thumbnail::decode_bounded(Cursor::new(bytes))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

/// The square to cut from a `w`×`h` image: the one asked for, moved and shrunk into the image,
/// or the largest centred one.
fn square_in(w: u32, h: u32, crop: Option<Crop>) -> (u32, u32, u32) {
    let side = w.min(h).max(1);
    match crop {
        Some(c) if c.size > 0 => {
            let size = c.size.min(side);
            (
                c.x.min(w.saturating_sub(size)),
                c.y.min(h.saturating_sub(size)),
                size,
            )
        }
        _ => ((w - w.min(h)) / 2, (h - w.min(h)) / 2, side),
    }
}

/// Decodes an uploaded photo and makes its three squares. Blocking and CPU-bound.
fn render_squares(
    bytes: &[u8],
    crop: Option<Crop>,
) -> std::result::Result<Vec<(&'static str, Rendered)>, image::ImageError> {
    let img = decode_oriented(bytes)?;
    let (x, y, size) = square_in(img.width(), img.height(), crop);
    let square = img.crop_imm(x, y, size, size);
    drop(img);
    let mut out = Vec::new();
    for (kind, side) in SIZES {
        let scaled = square.resize_exact(side, side, FilterType::Lanczos3);
        let (bytes, mimetype) = thumbnail::encode(&scaled)?;
        out.push((
            kind,
            Rendered {
                bytes,
                mimetype,
                width: side,
                height: side,
            },
        ));
    }
    Ok(out)
}

/// Decodes a cover image, cuts the largest centred 3:1 band and fits it in 1500×500.
fn render_cover(bytes: &[u8]) -> std::result::Result<Rendered, image::ImageError> {
    let img = decode_oriented(bytes)?;
    let (w, h) = (img.width(), img.height());
    let (cw, ch) = if w >= h.saturating_mul(3) {
        (h.saturating_mul(3), h)
    } else {
        (w, (w / 3).max(1))
    };
    let band = img.crop_imm((w - cw) / 2, (h - ch.min(h)) / 2, cw, ch.min(h));
    drop(img);
    let band = if cw > COVER_WIDTH {
        band.resize_exact(COVER_WIDTH, COVER_HEIGHT, FilterType::Lanczos3)
    } else {
        band
    };
    let (bytes, mimetype) = thumbnail::encode(&band)?;
    Ok(Rendered {
        bytes,
        mimetype,
        width: band.width(),
        height: band.height(),
    })
}

/// Runs a decoder off the web workers; a panic in it ends only its task.
async fn off_workers<T, F>(field: &'static str, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> std::result::Result<T, image::ImageError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| {
            Error::invalid(
                field,
                "This image could not be read: it may be damaged or incomplete.",
            )
        })?
        .map_err(|e| refused(field, &e))
}

/// Stores encoded images as the `hash` identity's, replacing the ones of the same kinds, in
/// one transaction (with `also` in it); frees the blobs they replace. Returns the version.
async fn store_images<F>(
    ctx: &Ctx,
    hash: &str,
    images: Vec<(&'static str, Rendered)>,
    also: F,
) -> Result<NaiveDateTime>
where
    F: FnOnce(&mut AnyConnection, NaiveDateTime) -> Result<()> + Send + 'static,
{
    let mut stored = Vec::new();
    for (kind, r) in images {
        let body = futures_util::stream::iter([Ok(Bytes::from(r.bytes))]);
        let s = ctx.blobs.write(body, MAX_ENCODED_BYTES).await?;
        stored.push((kind, s.hash, r.mimetype, r.width, r.height));
    }
    let now = ctx.clock.now_db();
    let h = hash.to_string();
    let (updated, old) = ctx
        .db
        .tx(move |conn| {
            // A version is never reused, even within one second (it busts caches and tells
            // other hubs to fetch again).
            let mut updated = now;
            for (kind, ..) in &stored {
                if let Some(p) = store::photo::find(conn, &h, kind)?
                    && p.updated >= updated
                {
                    updated = p.updated + chrono::Duration::seconds(1);
                }
            }
            let mut old = Vec::new();
            for (kind, blob, mimetype, w, hgt) in &stored {
                let row = Photo {
                    xchan_hash: h.clone(),
                    kind: (*kind).to_string(),
                    blob: blob.clone(),
                    mimetype: (*mimetype).to_string(),
                    width: i64::from(*w),
                    height: i64::from(*hgt),
                    updated,
                };
                old.extend(store::photo::replace(conn, &row)?);
            }
            also(conn, updated)?;
            Ok((updated, old))
        })
        .await?;
    forget_unused(ctx, old).await;
    Ok(updated)
}

/// Removes blobs nothing uses any more (a file, a thumbnail or an image).
async fn forget_unused(ctx: &Ctx, blobs: Vec<String>) {
    for b in blobs {
        let b2 = b.clone();
        let unused = ctx
            .db
            .run(move |conn| Ok(!store::attach::blob_in_use(conn, &b2)?))
            .await
            .unwrap_or(false);
        if unused {
            ctx.blobs.remove(&b).await;
        }
    }
}

/// Makes `bytes` (an uploaded image file) the channel's profile photo: cropped to `crop` or
/// centred, scaled to 300, 80 and 48 pixels. Anything but a well-formed PNG, JPEG, GIF or WebP
/// within the limits is refused with the reason and changes nothing. Connections and the
/// channel's other locations are sent a `refresh`, so they read the new photo's `updated`.
pub async fn set_profile_photo(
    ctx: &Ctx,
    channel: &Channel,
    bytes: Vec<u8>,
    crop: Option<Crop>,
) -> Result<()> {
    check_upload("photo", &bytes)?;
    let squares = off_workers("photo", move || render_squares(&bytes, crop)).await?;
    let ch = channel.clone();
    let site_id = ctx.site.site_id.clone();
    store_images(ctx, &channel.channel_hash, squares, move |conn, now| {
        // Hubzilla's peers learn a new photo from channel info (`photo.updated`); a refresh
        // makes them read it now rather than at their next discovery.
        crate::service::locations::announce(conn, &ch, &site_id, now)
    })
    .await?;
    ctx.queue.wake();
    Ok(())
}

/// Makes `bytes` the channel's cover image (a centred 3:1 band, at most 1500×500).
pub async fn set_cover(ctx: &Ctx, channel: &Channel, bytes: Vec<u8>) -> Result<()> {
    check_upload("cover", &bytes)?;
    let cover = off_workers("cover", move || render_cover(&bytes)).await?;
    store_images(ctx, &channel.channel_hash, vec![(COVER, cover)], |_, _| {
        Ok(())
    })
    .await?;
    Ok(())
}

fn check_upload(field: &'static str, bytes: &[u8]) -> Result<()> {
    if bytes.is_empty() {
        return Err(Error::invalid(field, "Choose an image file."));
    }
    if bytes.len() as u64 > MAX_UPLOAD_BYTES {
        return Err(too_large(field));
    }
    Ok(())
}

/// The error for an image file over [`MAX_UPLOAD_BYTES`].
pub fn too_large(field: &'static str) -> Error {
    Error::invalid(
        field,
        format!(
            "This file is too large: images of up to {} MiB are accepted.",
            MAX_UPLOAD_BYTES / 1024 / 1024
        ),
    )
}

/// The image `kind` (`l`, `m`, `s` or `cover`) of the identity `hash`, local or remote. A
/// square of an identity without a photo (or not known at all) is the generated avatar; a
/// missing cover is `NotFound`.
pub async fn image(ctx: &Ctx, hash: &str, kind: &str) -> Result<Image> {
    if !is_square_kind(kind) && kind != COVER {
        return Err(Error::new(ErrorKind::NotFound));
    }
    let (h, k) = (hash.to_string(), kind.to_string());
    let (row, name) = ctx
        .db
        .run(move |conn| {
            let row = store::photo::find(conn, &h, &k)?;
            let name = match &row {
                Some(_) => String::new(),
                None => store::xchan::find(conn, &h)?
                    .map(|x| x.xchan_name)
                    .unwrap_or_default(),
            };
            Ok((row, name))
        })
        .await?;
    if let Some(r) = row {
        match read_blob(ctx, &r.blob).await {
            Ok(bytes) => {
                return Ok(Image {
                    bytes,
                    mimetype: r.mimetype,
                    rev: Some(rev_of(r.updated)),
                    blob: r.blob,
                });
            }
            // A store that lost it: the generated avatar rather than a broken image.
            Err(e) => tracing::warn!(hash, kind, error = %e, "photo blob unreadable"),
        }
    }
    if kind == COVER {
        return Err(Error::new(ErrorKind::NotFound));
    }
    Ok(Image {
        bytes: generated_avatar(hash, &name, side_of(kind)).into_bytes(),
        mimetype: SVG.into(),
        rev: None,
        blob: String::new(),
    })
}

async fn read_blob(ctx: &Ctx, blob: &str) -> Result<Vec<u8>> {
    let b = ctx
        .blobs
        .blob(blob)
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let mut stream = b.read(0..MAX_ENCODED_BYTES).await?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// The versions of identities' photos, for links to them.
#[derive(Debug, Clone, Default)]
pub struct Avatars {
    revs: HashMap<String, i64>,
}

impl Avatars {
    /// The path of `hash`'s `kind` square (`l`, `m` or `s`), with its version.
    pub fn link(&self, hash: &str, kind: &str) -> String {
        Uris::photo_link(hash, kind, self.revs.get(hash).copied())
    }
}

/// The versions of these identities' photos (one query).
pub async fn avatars(ctx: &Ctx, hashes: Vec<String>) -> Result<Avatars> {
    let mut hashes = hashes;
    hashes.sort();
    hashes.dedup();
    if hashes.is_empty() {
        return Ok(Avatars::default());
    }
    let rows = ctx
        .db
        .run(move |conn| {
            let mut out = Vec::new();
            for chunk in hashes.chunks(500) {
                out.extend(store::photo::updated_of(conn, chunk, "m")?);
            }
            Ok(out)
        })
        .await?;
    Ok(Avatars {
        revs: rows.into_iter().map(|(h, u)| (h, rev_of(u))).collect(),
    })
}

/// The cover image's path of `hash`, with its version, if it has one.
pub async fn cover_link(ctx: &Ctx, hash: &str) -> Result<Option<String>> {
    let h = hash.to_string();
    let row = ctx
        .db
        .run(move |conn| store::photo::find(conn, &h, COVER))
        .await?;
    Ok(row.map(|r| Uris::photo_link(hash, COVER, Some(rev_of(r.updated)))))
}

/// Channel info's `photo` for a local channel (zot6.md §2.3, Hubzilla's `xchan_photo_l`,
/// `xchan_photo_mimetype`, `xchan_photo_date` in `Y-m-d H:i:s`): the 300px photo, or the
/// generated avatar dated from the channel's creation.
pub(crate) fn advertised(
    conn: &mut AnyConnection,
    uris: &Uris,
    hash: &str,
    created: NaiveDateTime,
) -> Result<serde_json::Value> {
    let (mimetype, updated) = match store::photo::find(conn, hash, "l")? {
        Some(p) => (p.mimetype, p.updated),
        None => (SVG.to_string(), created),
    };
    Ok(serde_json::json!({
        "url": uris.photo(hash, "l"),
        "type": mimetype,
        "updated": updated.format("%Y-%m-%d %H:%M:%S").to_string(),
    }))
}

/// The 300px photo of a channel for its export (Hubzilla's `photo {type, data}`), if it has one.
pub(crate) async fn export_photo(
    ctx: &Ctx,
    hash: &str,
) -> Result<Option<zot::export::ExportPhoto>> {
    let h = hash.to_string();
    let Some(row) = ctx
        .db
        .run(move |conn| store::photo::find(conn, &h, "l"))
        .await?
    else {
        return Ok(None);
    };
    let bytes = read_blob(ctx, &row.blob).await?;
    Ok(Some(zot::export::ExportPhoto::new(&row.mimetype, &bytes)))
}

/// Takes an imported channel's photo (made into the three squares like an upload). A photo
/// that is refused is logged and left out: an import never fails because of it.
pub(crate) async fn import_photo(ctx: &Ctx, channel: &Channel, photo: &zot::export::ExportPhoto) {
    let result = match photo.bytes() {
        Ok(bytes) => match check_upload("photo", &bytes) {
            Ok(()) => match off_workers("photo", move || render_squares(&bytes, None)).await {
                Ok(squares) => store_images(ctx, &channel.channel_hash, squares, |_, _| Ok(()))
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        Err(e) => Err(e.into()),
    };
    if let Err(e) = result {
        tracing::warn!(nick = %channel.channel_address, error = %e, "imported photo left out");
    }
}

/// A queued fetch of a remote photo.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FetchJob {
    /// Whose.
    xchan: String,
    /// Where.
    url: String,
    /// The advertisement's `updated`.
    updated: String,
}

/// Records the `photo` of a verified remote channel info and queues a fetch when it names a
/// photo our copy was not made from (in the transaction that stores the xchan).
pub(crate) fn record_advertised(
    conn: &mut AnyConnection,
    hash: &str,
    photo: Option<&serde_json::Value>,
    now: NaiveDateTime,
) -> Result<()> {
    let field = |k: &str| {
        photo
            .and_then(|p| p.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .chars()
            .take(2000)
            .collect::<String>()
    };
    let (url, mimetype, updated) = (field("url"), field("type"), field("updated"));
    let Some(dest) = Uris::photo_fetch_dest(&url) else {
        return Ok(());
    };
    let before = store::photo::find_advertised(conn, hash)?;
    store::photo::upsert_advertised(
        conn,
        &store::photo::XchanPhoto {
            xchan_hash: hash.to_string(),
            url: url.clone(),
            mimetype: mimetype.clone(),
            advertised: updated.clone(),
            fetched: String::new(),
            checked: now,
        },
    )?;
    // A generated avatar is generated here as well.
    if mimetype == SVG {
        return Ok(());
    }
    let wanted = match &before {
        None => true,
        Some(b) if b.fetched == updated && b.url == url => false,
        Some(b) => {
            b.advertised != updated
                || b.url != url
                || b.checked + chrono::Duration::hours(RETRY_HOURS) <= now
        }
    };
    if wanted {
        let job = FetchJob {
            xchan: hash.to_string(),
            url,
            updated,
        };
        let msg = serde_json::to_string(&job)
            .map_err(|e| Error::internal(anyhow::anyhow!("photo job: {e}")))?;
        store::outq::enqueue(conn, &dest, 0, &msg, false, "", now)?;
    }
    Ok(())
}

/// Whether a queued row is a photo fetch (its destination is a server's [`Uris::PHOTO_PATH`]).
pub(crate) fn is_fetch(row: &Outq) -> bool {
    row.outq_dest.ends_with(Uris::PHOTO_PATH)
}

/// Runs one queued photo fetch: GET through the one outbound client (its address guard, at most
/// 4 MiB), the three squares made on the blocking pool and stored as the identity's. Never
/// inside a transaction.
pub(crate) async fn fetch(ctx: &Ctx, row: &Outq) -> Fetched {
    Fetched::from_result(try_fetch(ctx, row).await)
}

async fn try_fetch(ctx: &Ctx, row: &Outq) -> Result<Fetched> {
    let Ok(job) = serde_json::from_str::<FetchJob>(&row.outq_msg) else {
        return Ok(Fetched::Dropped("malformed photo job".into()));
    };
    let h = job.xchan.clone();
    let current = ctx
        .db
        .run(move |conn| store::photo::find_advertised(conn, &h))
        .await?;
    match current {
        Some(c) if c.url == job.url && c.advertised == job.updated => {
            if c.fetched == job.updated {
                return Ok(Fetched::Done("present".into()));
            }
        }
        _ => return Ok(Fetched::Done("superseded".into())),
    }
    let answer = ctx
        .net
        .get_large(
            &job.url,
            &[(
                "accept",
                "image/png, image/jpeg, image/gif, image/webp".to_string(),
            )],
            MAX_REMOTE_BYTES,
        )
        .await?;
    match answer.status {
        200 => {}
        408 | 425 | 429 => return Ok(Fetched::Retry(format!("HTTP {}", answer.status))),
        400..=499 => return Ok(Fetched::Dropped(format!("HTTP {}", answer.status))),
        s => return Ok(Fetched::Retry(format!("HTTP {s}"))),
    }
    let body = answer.body;
    let squares = match off_workers("photo", move || render_squares(&body, None)).await {
        Ok(s) => s,
        Err(e) => return Ok(Fetched::Dropped(e.kind.safe_message())),
    };
    let updated = job.updated.clone();
    let h = job.xchan.clone();
    store_images(ctx, &job.xchan, squares, move |conn, _| {
        store::photo::set_fetched(conn, &h, &updated)
    })
    .await?;
    Ok(Fetched::Done("fetched".into()))
}

/// The generated avatar of an identity without a photo: its name's initial in white on a
/// colour derived from its portable id, `side` pixels square. Deterministic; no fonts or
/// requests beyond the browser's own sans-serif.
pub fn generated_avatar(hash: &str, name: &str, side: u32) -> String {
    let initial: String = name
        .trim()
        .chars()
        .find(|c| c.is_alphanumeric())
        .map_or_else(|| "?".to_string(), |c| c.to_uppercase().collect());
    let initial = escape(&initial);
    let (r, g, b) = background_of(hash);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" \
         viewBox=\"0 0 100 100\" role=\"img\" aria-hidden=\"true\">\
         <rect width=\"100\" height=\"100\" fill=\"#{r:02x}{g:02x}{b:02x}\"/>\
         <text x=\"50\" y=\"50\" dy=\"0.35em\" text-anchor=\"middle\" \
         font-family=\"sans-serif\" font-size=\"50\" font-weight=\"bold\" \
         fill=\"#ffffff\">{initial}</text></svg>"
    )
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The background of a generated avatar: a hue from the SHA-256 of the portable id, darkened
/// until white text on it has a contrast of at least 4.5:1 (WCAG 2.1 AA for normal text).
fn background_of(hash: &str) -> (u8, u8, u8) {
    let d = Sha256::digest(hash.as_bytes());
    let hue = f64::from(u16::from_be_bytes([d[0], d[1]]) % 360);
    let saturation = 0.45 + f64::from(d[2] % 20) / 100.0;
    let mut lightness = 0.42;
    loop {
        let rgb = hsl_to_rgb(hue, saturation, lightness);
        if contrast_with_white(rgb) >= 4.6 || lightness <= 0.05 {
            return rgb;
        }
        lightness -= 0.02;
    }
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> (u8, u8, u8) {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    (to(r), to(g), to(b))
}

/// WCAG 2.1 relative luminance.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |v: u8| {
        let c = f64::from(v) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// Contrast ratio of white against `rgb`.
fn contrast_with_white(rgb: (u8, u8, u8)) -> f64 {
    1.05 / (luminance(rgb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                image::Rgb([255, 0, 0])
            } else {
                image::Rgb([0, 0, 255])
            }
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn every_generated_background_passes_wcag_aa_with_white_text() {
        for i in 0..2000 {
            let rgb = background_of(&format!("hash-{i}"));
            let c = contrast_with_white(rgb);
            assert!(c >= 4.5, "{rgb:?}: {c}");
        }
    }

    #[test]
    fn the_generated_avatar_is_deterministic_and_escaped() {
        let a = generated_avatar("abc", "alice", 80);
        assert_eq!(a, generated_avatar("abc", "alice", 80));
        assert!(a.contains(">A</text>") && a.contains("width=\"80\""));
        assert_ne!(
            a,
            generated_avatar("abd", "alice", 80),
            "colour from the id"
        );
        let odd = generated_avatar("abc", "<&>", 48);
        assert!(odd.contains(">?</text>") && !odd.contains("<&"));
    }

    #[test]
    fn squares_are_centred_or_where_asked_inside_the_image() {
        assert_eq!(square_in(400, 200, None), (100, 0, 200));
        assert_eq!(square_in(200, 400, None), (0, 100, 200));
        let ask = Crop {
            x: 10,
            y: 20,
            size: 50,
        };
        assert_eq!(square_in(400, 200, Some(ask)), (10, 20, 50));
        let outside = Crop {
            x: 390,
            y: 190,
            size: 500,
        };
        assert_eq!(square_in(400, 200, Some(outside)), (200, 0, 200));
    }

    #[test]
    fn a_photo_becomes_three_squares_and_a_cover_a_3_to_1_band() {
        let sq = render_squares(&png(640, 480), None).unwrap();
        let sides: Vec<_> = sq.iter().map(|(k, r)| (*k, r.width, r.height)).collect();
        assert_eq!(sides, [("l", 300, 300), ("m", 80, 80), ("s", 48, 48)]);
        let back = image::load_from_memory(&sq[1].1.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (80, 80));
        let c = render_cover(&png(3000, 2000)).unwrap();
        assert_eq!((c.width, c.height), (1500, 500));
        let small = render_cover(&png(600, 600)).unwrap();
        assert_eq!((small.width, small.height), (600, 200));
    }
}
