//! Thumbnails of image files (PNG, JPEG, GIF, WebP): made once per content blob on the blocking
//! pool, fitted in 320×320, stored as a blob of their own and recorded in `attach_thumb`.
//! Decoding is bounded (declared dimensions, decoded bytes, source size) and any failure, a
//! truncated file or a decompression bomb, simply means no thumbnail.

use std::io::{BufRead, Cursor, Seek};

use bytes::Bytes;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::ctx::Ctx;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{self, attach::Thumb};

/// A thumbnail fits in this many pixels each way.
pub(crate) const MAX_SIDE: u32 = 320;
/// Larger files are not decoded.
const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;
/// Declared dimensions beyond this are refused before anything is decoded.
const MAX_DIMENSION: u32 = 16_384;
/// Decoded pixels may take at most this much memory (about 40 megapixels of RGB).
const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;
/// A thumbnail's own blob is never larger.
const MAX_THUMB_BYTES: u64 = 4 * 1024 * 1024;

/// The content types that get a thumbnail.
pub(crate) fn wanted(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// A made thumbnail: encoded bytes, their type and its size.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// The encoded thumbnail.
    pub bytes: Vec<u8>,
    /// `image/jpeg`, or `image/png` for an image with transparency.
    pub mimetype: &'static str,
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_DIMENSION);
    l.max_image_height = Some(MAX_DIMENSION);
    l.max_alloc = Some(MAX_DECODED_BYTES);
    l
}

/// Decodes an image within the limits (its format read from its first bytes, only the four
/// above): declared dimensions and the decoded size are checked before any pixel is
/// allocated. Hands out the pixels as stored and the EXIF orientation to apply. Blocking and
/// CPU-bound: run it on the blocking pool (`service::photo` does too).
pub(crate) fn decode_bounded<R: BufRead + Seek>(
    source: R,
) -> std::result::Result<(DynamicImage, Option<image::metadata::Orientation>), image::ImageError> {
    let mut reader = ImageReader::new(source).with_guessed_format()?;
    let supported = matches!(
        reader.format(),
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP)
    );
    if !supported {
        return Err(unsupported());
    }
    reader.limits(limits());
    // Checks the declared dimensions against the limits.
    let mut decoder = reader.into_decoder()?;
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(image::ImageError::Limits(
            image::error::LimitError::from_kind(image::error::LimitErrorKind::InsufficientMemory),
        ));
    }
    let orientation = decoder.orientation().ok();
    Ok((DynamicImage::from_decoder(decoder)?, orientation))
}

/// Encodes a small image: PNG when it has transparency, JPEG (quality 80) otherwise.
pub(crate) fn encode(
    img: &DynamicImage,
) -> std::result::Result<(Vec<u8>, &'static str), image::ImageError> {
    let mut bytes = Vec::new();
    if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)?;
        Ok((bytes, "image/png"))
    } else {
        let rgb = img.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80).encode_image(&rgb)?;
        Ok((bytes, "image/jpeg"))
    }
}

/// Decodes an image (its format read from its first bytes, only the four above) and makes its
/// thumbnail. Blocking and CPU-bound: run it on the blocking pool.
pub(crate) fn render<R: BufRead + Seek>(
    source: R,
) -> std::result::Result<Rendered, image::ImageError> {
    let (full, orientation) = decode_bounded(source)?;
    let (w, h) = (full.width(), full.height());
    let mut small = if w <= MAX_SIDE && h <= MAX_SIDE {
        full
    } else {
        let small = full.thumbnail(MAX_SIDE, MAX_SIDE);
        drop(full);
        small
    };
    // Turned after scaling (cheaper; fitting in a square is the same either way).
    if let Some(o) = orientation {
        small.apply_orientation(o);
    }
    let (width, height) = (small.width(), small.height());
    let (bytes, mimetype) = encode(&small)?;
    Ok(Rendered {
        bytes,
        mimetype,
        width,
        height,
    })
}

fn unsupported() -> image::ImageError {
    image::ImageError::Unsupported(image::error::UnsupportedError::from_format_and_kind(
        image::error::ImageFormatHint::Unknown,
        image::error::UnsupportedErrorKind::Format(image::error::ImageFormatHint::Unknown),
    ))
}

/// Makes the thumbnail of a content blob of type `mime` unless it has one, off the web
/// workers; waits for it. A file that is not an image, or not a well-formed one within the
/// limits, gets none: this never fails.
pub(crate) async fn make(ctx: &Ctx, blob: &str, mime: &str) {
    if !wanted(mime) {
        return;
    }
    match try_make(ctx, blob).await {
        Ok(true) => tracing::debug!(blob, "thumbnail made"),
        Ok(false) => {}
        Err(e) => tracing::info!(blob, error = %e, "no thumbnail"),
    }
}

async fn try_make(ctx: &Ctx, blob: &str) -> Result<bool> {
    let b = blob.to_string();
    if ctx
        .db
        .run(move |conn| store::attach::find_thumb(conn, &b))
        .await?
        .is_some()
    {
        return Ok(false);
    }
    // blobs: local read
    let path = ctx
        .blobs
        .path(blob)
        .ok_or_else(|| Error::new(ErrorKind::NotFound))?;
    let rendered = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).map_err(Error::internal)?;
        let len = file.metadata().map_err(Error::internal)?.len();
        if len > MAX_SOURCE_BYTES {
            return Err(Error::new(ErrorKind::TooLarge));
        }
        render(std::io::BufReader::new(file))
            .map_err(|e| Error::invalid("file", format!("not a usable image: {e}")))
    })
    .await
    // A panic in a decoder ends only its task.
    .map_err(Error::internal)??;
    let body = futures_util::stream::iter([Ok(Bytes::from(rendered.bytes))]);
    let stored = ctx.blobs.write(body, MAX_THUMB_BYTES).await?;
    let row = Thumb {
        blob: blob.to_string(),
        thumb: stored.hash.clone(),
        mimetype: rendered.mimetype.to_string(),
        width: i64::from(rendered.width),
        height: i64::from(rendered.height),
    };
    let inserted = ctx
        .db
        .tx(move |conn| match store::attach::insert_thumb(conn, &row) {
            Err(e) if store::caused_by_unique_violation(&e) => Ok(false),
            other => other,
        })
        .await;
    match inserted {
        Ok(true) => Ok(true),
        // Another upload of the same content got there first, or recording failed: keep no
        // orphan.
        other => {
            forget_unused(ctx, &stored.hash).await;
            other
        }
    }
}

/// Removes a blob when no file or thumbnail uses it.
async fn forget_unused(ctx: &Ctx, blob: &str) {
    let b = blob.to_string();
    let unused = ctx
        .db
        .run(move |conn| Ok(!store::attach::blob_in_use(conn, &b)?))
        .await
        .unwrap_or(false);
    if unused {
        ctx.blobs.remove(blob).await;
    }
}

/// Called once content `blob` is gone: its thumbnail goes too.
pub(crate) async fn forget(ctx: &Ctx, blob: &str) {
    let b = blob.to_string();
    let gone = ctx
        .db
        .tx(move |conn| {
            if store::attach::blob_in_use(conn, &b)? {
                return Ok(None);
            }
            store::attach::delete_thumb(conn, &b)
        })
        .await;
    if let Ok(Some(t)) = gone {
        forget_unused(ctx, &t.thumb).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// A PNG whose header declares `w`×`h` (with a correct checksum) and has one pixel of data.
    fn declaring(w: u32, h: u32) -> Vec<u8> {
        let mut p = png(1, 1);
        p[16..20].copy_from_slice(&w.to_be_bytes());
        p[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&p[12..29]);
        p[29..33].copy_from_slice(&crc.to_be_bytes());
        p
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in data {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn a_header_with_a_fixed_checksum_still_reads() {
        let p = declaring(1, 1);
        assert_eq!(p, png(1, 1), "the checksum is recomputed the way PNG does");
    }

    #[test]
    fn a_large_image_fits_in_the_box_keeping_its_shape() {
        let r = render(Cursor::new(png(1000, 500))).unwrap();
        assert_eq!((r.width, r.height), (320, 160));
        assert_eq!(r.mimetype, "image/jpeg");
        let back = image::load_from_memory(&r.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (320, 160));
    }

    #[test]
    fn a_small_image_is_not_enlarged() {
        let r = render(Cursor::new(png(40, 30))).unwrap();
        assert_eq!((r.width, r.height), (40, 30));
    }

    #[test]
    fn hostile_images_get_no_thumbnail() {
        let mut truncated = png(600, 600);
        truncated.truncate(truncated.len() / 2);
        assert!(render(Cursor::new(truncated)).is_err());
        // A header declaring 100000×100000: refused before any pixel is allocated.
        let bomb = render(Cursor::new(declaring(100_000, 100_000))).unwrap_err();
        assert!(matches!(bomb, image::ImageError::Limits(_)), "{bomb}");
        // Within the dimensions, over the decoded size: 16000×16000 RGB is 768 MB.
        let wide = render(Cursor::new(declaring(16_000, 16_000))).unwrap_err();
        assert!(matches!(wide, image::ImageError::Limits(_)), "{wide}");
        for junk in [
            &b""[..],
            b"\x89PNG\r\n\x1a\n",
            b"GIF89a",
            b"RIFF\0\0\0\0WEBPVP8 ",
            b"<svg/>",
        ] {
            assert!(render(Cursor::new(junk.to_vec())).is_err());
        }
    }
}
