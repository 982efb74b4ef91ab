//! Profile photos and cover images: real PNG and JPEG uploads become 300/80/48 squares (centred
//! or where the crop fields say), covers 3:1 bands of at most 1500×500; hostile files get a
//! clear error on the profile editor and leave the previous photo; a channel without a photo
//! (or an unknown id) gets the generated SVG avatar; channel info advertises the 300px photo;
//! a hub that knows a remote channel serves its photo from its own cache and sees a change
//! after a refresh; avatars show beside posts, comments, connections and notifications.

use std::io::Cursor;

use hub::service::perms::Audience;
use hub_tests::browser::csrf_of;
use hub_tests::{Browser, Resp, TestHub, TestNet};

use crate::accounts::PW;
use crate::client_api::with_channels;

const BOUNDARY: &str = "caravanPHOTOboundary51";

/// Three vertical bands, `w`/3 wide each: red, green, blue.
fn bands(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, _| match x * 3 / w {
        0 => image::Rgb([220, 20, 20]),
        1 => image::Rgb([20, 200, 20]),
        _ => image::Rgb([20, 20, 220]),
    })
}

fn encode(img: image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .unwrap();
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    encode(bands(w, h), image::ImageFormat::Png)
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(bands(w, h), image::ImageFormat::Jpeg)
}

fn solid(rgb: [u8; 3]) -> Vec<u8> {
    encode(
        image::RgbImage::from_pixel(120, 90, image::Rgb(rgb)),
        image::ImageFormat::Png,
    )
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

/// A small valid PNG whose header (checksum fixed) declares `w`×`h`.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut p = png(3, 3);
    p[16..20].copy_from_slice(&w.to_be_bytes());
    p[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&p[12..29]);
    p[29..33].copy_from_slice(&crc.to_be_bytes());
    p
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in fields {
        out.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((field, name, bytes)) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// Sends the profile editor's photo (`field` = "photo") or cover form.
async fn send(b: &Browser, field: &str, name: &str, bytes: &[u8], crop: &[(&str, &str)]) -> Resp {
    let page = b.get("/channel/alice/profile").await;
    page.expect_status(200);
    let csrf = csrf_of(&page.body).unwrap();
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(crop);
    let body = multipart(&fields, Some((field, name, bytes)));
    b.post_raw(
        &format!("/channel/alice/{field}"),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        body,
    )
    .await
}

/// GET as bytes, anonymously.
async fn fetch(hub: &TestHub, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let client = reqwest::Client::builder()
        .dns_resolver(hub.resolver.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", hub.base_url.trim_end_matches('/'))
    };
    let r = client.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// The decoded image served at `path`.
async fn served(hub: &TestHub, path: &str) -> image::RgbImage {
    let (status, headers, body) = fetch(hub, path).await;
    assert_eq!(status, 200, "{path}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let ct = headers["content-type"].to_str().unwrap();
    assert!(ct == "image/png" || ct == "image/jpeg", "{path}: {ct}");
    image::load_from_memory(&body)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .to_rgb8()
}

fn close(p: &image::Rgb<u8>, want: [u8; 3]) -> bool {
    p.0.iter().zip(want).all(|(a, b)| a.abs_diff(b) < 40)
}

/// The `src` of the first `class="avatar"` image showing `hash`'s photo, entities decoded.
fn avatar_src(html: &str, hash: &str) -> Option<String> {
    let marker = format!("class=\"avatar\" src=\"/photo/{hash}/m");
    let at = html.find(&marker)? + "class=\"avatar\" src=\"".len();
    let rest = &html[at..];
    Some(
        rest[..rest.find('"')?]
            .replace("&#x3D;", "=")
            .replace("&amp;", "&"),
    )
}

fn is_svg(headers: &reqwest::header::HeaderMap, body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    headers["content-type"] == "image/svg+xml"
        && text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        && text.trim_end().ends_with("</svg>")
}

#[actix_web::test]
async fn uploaded_photos_become_squares_and_hostile_files_change_nothing() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = with_channels(hub, &["alice"]).await.remove(0);
    let hash = alice.channel_hash.clone();
    let b = hub.browser();
    b.login("alice@example.org", PW).await;

    // Before any upload: the generated avatar for every size, for strangers too; no cover.
    for kind in ["l", "m", "s"] {
        let (status, headers, body) = fetch(hub, &format!("/photo/{hash}/{kind}")).await;
        assert_eq!(status, 200);
        assert!(
            is_svg(&headers, &body),
            "{}",
            String::from_utf8_lossy(&body)
        );
        assert!(String::from_utf8_lossy(&body).contains(">A</text>"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
    let (status, headers, body) = fetch(hub, "/photo/nobody-knows-this-id/m").await;
    assert_eq!(status, 200);
    assert!(is_svg(&headers, &body));
    assert_eq!(fetch(hub, &format!("/photo/{hash}/cover")).await.0, 404);
    assert_eq!(fetch(hub, &format!("/photo/{hash}/xl")).await.0, 404);

    let editor = b.get("/channel/alice/profile").await;
    editor.expect_status(200);
    assert!(editor.has("id=\"photo-form\"") && editor.has("id=\"cover-form\""));
    assert!(editor.has("name=\"photo\"") && editor.has("name=\"cover\""));

    // A wide PNG: the centred square (the green middle band) at 300, 80 and 48.
    let r = send(&b, "photo", "me.png", &png(600, 200), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/channel/alice/profile"));
    assert!(
        b.get("/channel/alice/profile")
            .await
            .has("Your photo was saved.")
    );
    for (kind, side) in [("l", 300), ("m", 80), ("s", 48)] {
        let img = served(hub, &format!("/photo/{hash}/{kind}")).await;
        assert_eq!((img.width(), img.height()), (side, side), "{kind}");
        for (x, y) in [(1, 1), (side - 2, side / 2), (side / 2, side - 2)] {
            assert!(
                close(img.get_pixel(x, y), [20, 200, 20]),
                "{kind} cropped, not squashed"
            );
        }
    }

    // The crop fields choose the square: the left band, then the right one.
    let r = send(
        &b,
        "photo",
        "me.png",
        &png(600, 200),
        &[("x", "0"), ("y", "0"), ("size", "200")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let l = served(hub, &format!("/photo/{hash}/l")).await;
    assert!(
        close(l.get_pixel(10, 150), [220, 20, 20]) && close(l.get_pixel(290, 150), [220, 20, 20])
    );
    let r = send(
        &b,
        "photo",
        "me.png",
        &png(600, 200),
        &[("x", "400"), ("y", "0"), ("size", "200")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let l = served(hub, &format!("/photo/{hash}/l")).await;
    assert!(close(l.get_pixel(10, 150), [20, 20, 220]));

    // A tall JPEG.
    let r = send(&b, "photo", "me.jpg", &jpeg(300, 900), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    for (kind, side) in [("l", 300), ("m", 80), ("s", 48)] {
        let img = served(hub, &format!("/photo/{hash}/{kind}")).await;
        assert_eq!((img.width(), img.height()), (side, side), "{kind}");
    }
    let (_, _, before) = fetch(hub, &format!("/photo/{hash}/l")).await;

    // Hostile files: a clear reason on the editor, and the photo stays as it was.
    let mut truncated = png(400, 400);
    truncated.truncate(truncated.len() / 2);
    let oversized = vec![0u8; 9 * 1024 * 1024];
    for (name, bytes, reason) in [
        ("cut.png", truncated, "could not be read"),
        ("bomb.png", png_declaring(100_000, 100_000), "too large"),
        (
            "text.png",
            b"just some text, not an image\n".to_vec(),
            "Choose a PNG, JPEG, GIF or WebP image.",
        ),
        ("huge.png", oversized, "images of up to 8 MiB"),
    ] {
        let r = send(&b, "photo", name, &bytes, &[]).await;
        assert_eq!(r.status, 422, "{name}: {}", r.body);
        assert!(
            r.has("id=\"photo-error\"") && r.has(reason),
            "{name}: {}",
            r.body
        );
        assert!(r.has("id=\"photo-form\""), "the editor is shown again");
        let (_, _, now) = fetch(hub, &format!("/photo/{hash}/l")).await;
        assert_eq!(now, before, "{name} changed the photo");
    }
    // Bad crop fields are refused too; without the form token nothing happens.
    let r = send(&b, "photo", "me.png", &png(60, 60), &[("size", "lots")]).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let body = multipart(
        &[("csrf", "forged")],
        Some(("photo", "me.png", &png(60, 60))),
    );
    let r = b
        .post_raw(
            "/channel/alice/photo",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            body,
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(fetch(hub, &format!("/photo/{hash}/l")).await.2, before);

    // A cover: the centred 3:1 band, fitted in 1500×500.
    let r = send(&b, "cover", "wide.png", &png(3000, 2000), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let cover = served(hub, &format!("/photo/{hash}/cover")).await;
    assert_eq!((cover.width(), cover.height()), (1500, 500));
    let r = send(&b, "cover", "text.png", b"nope", &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.has("id=\"cover-error\""));

    // The channel page: cover and large photo in the header, avatars beside posts; links carry
    // the version and are cached for long, nosniff always.
    hub::service::item::post(hub.ctx(), &alice, "hello with a face", Audience::Public)
        .await
        .unwrap();
    let page = hub.browser().get("/channel/alice").await;
    page.expect_status(200);
    assert!(page.has("class=\"cover\"") && page.has(&format!("src=\"/photo/{hash}/cover?rev")));
    assert!(page.has(&format!("src=\"/photo/{hash}/l?rev")));
    let src = avatar_src(&page.body, &hash).expect("an avatar beside the post");
    assert!(src.contains("?rev="), "{src}");
    let (status, headers, _) = fetch(hub, &src).await;
    assert_eq!(status, 200);
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let (_, headers, _) = fetch(hub, &format!("/photo/{hash}/m?rev=1")).await;
    assert!(
        !headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    // Channel info advertises the 300px photo as Hubzilla does, and its URL serves it.
    let info =
        hub::service::discovery::fetch_info(hub.ctx(), &hub.ctx().uris.channel("alice"), None)
            .await
            .unwrap();
    let photo = &info.extra["photo"];
    let url = photo["url"].as_str().unwrap();
    assert_eq!(url, hub.ctx().uris.photo(&hash, "l"));
    assert_eq!(photo["type"], "image/jpeg");
    let updated = photo["updated"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(updated, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{updated}"
    );
    let img = served(hub, url).await;
    assert_eq!((img.width(), img.height()), (300, 300));

    // Apps see the same photo and the cover.
    let account = hub::service::client_api::accounts::lookup(hub.ctx(), "alice")
        .await
        .unwrap();
    assert_eq!(account.avatar, hub.ctx().uris.photo(&hash, "l"));
    assert_eq!(account.header, hub.ctx().uris.photo(&hash, "cover"));
    net.stop().await;
}

#[actix_web::test]
async fn a_hub_serves_a_remote_channels_photo_from_its_own_cache() {
    let net = TestNet::start(&["alpha", "beta"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = with_channels(a, &["alice"]).await.remove(0);
    let bob = with_channels(b, &["bob"]).await.remove(0);
    let (ah, bh) = (alice.channel_hash.clone(), bob.channel_hash.clone());
    hub::service::photo::set_profile_photo(a.ctx(), &alice, solid([200, 30, 30]), None)
        .await
        .unwrap();

    // bob connects to alice: beta learns her channel info, fetches her photo in the queue and
    // serves its own copy.
    hub::service::connection::connect(b.ctx(), &bob, &a.ctx().uris.address("alice"), "personal")
        .await
        .unwrap();
    net.drain().await;
    let m = served(b, &format!("/photo/{ah}/m")).await;
    assert_eq!((m.width(), m.height()), (80, 80));
    assert!(close(m.get_pixel(40, 40), [200, 30, 30]));
    let s = served(b, &format!("/photo/{ah}/s")).await;
    assert_eq!((s.width(), s.height()), (48, 48));
    // bob has no photo: alpha shows the generated one for him.
    let (status, headers, body) = fetch(a, &format!("/photo/{bh}/m")).await;
    assert_eq!(status, 200);
    assert!(is_svg(&headers, &body) && String::from_utf8_lossy(&body).contains(">B</text>"));

    hub::service::connection::approve(a.ctx(), &alice, &b.ctx().uris.address("bob"), "personal")
        .await
        .unwrap();
    net.drain().await;

    // alice changes her photo: the refresh makes beta fetch the new one.
    hub::service::photo::set_profile_photo(a.ctx(), &alice, solid([30, 30, 200]), None)
        .await
        .unwrap();
    net.drain().await;
    let m = served(b, &format!("/photo/{ah}/m")).await;
    assert!(
        close(m.get_pixel(40, 40), [30, 30, 200]),
        "beta sees the new photo"
    );

    // Avatars beside posts, comments, connections and notifications.
    let post = hub::service::item::post(a.ctx(), &alice, "a post with a face", Audience::Public)
        .await
        .unwrap();
    net.drain().await;
    let bb = b.browser();
    bb.login("bob@example.org", PW).await;
    let stream = bb.get("/channel/bob/stream").await;
    stream.expect_status(200);
    assert!(stream.has("a post with a face"), "{}", stream.body);
    let src = avatar_src(&stream.body, &ah).expect("alice's avatar on bob's stream");
    assert!(src.starts_with(&format!("/photo/{ah}/m?rev=")), "{src}");
    let connections = bb.get("/channel/bob/connections").await;
    assert!(
        avatar_src(&connections.body, &ah).is_some(),
        "{}",
        connections.body
    );

    let ab = a.browser();
    ab.login("alice@example.org", PW).await;
    let notes = ab.get("/channel/alice/notifications").await;
    notes.expect_status(200);
    assert_eq!(
        avatar_src(&notes.body, &bh).as_deref(),
        Some(format!("/photo/{bh}/m").as_str()),
        "bob's request, with his generated avatar: {}",
        notes.body
    );
    let connections = ab.get("/channel/alice/connections").await;
    assert!(avatar_src(&connections.body, &bh).is_some());
    let permalink = a.browser().get(&format!("/item/{}", post.uuid)).await;
    permalink.expect_status(200);
    let src = avatar_src(&permalink.body, &ah).expect("an avatar on the permalink");
    assert!(src.contains("?rev="));
    // bob comments: his avatar shows beside the comment on alice's permalink.
    let uuid = hub::service::item::uuid_of(b.ctx(), &bob, &post.mid)
        .await
        .unwrap();
    let r = bb
        .submit(
            "/channel/bob/stream",
            &format!("/channel/bob/item/{uuid}/comment"),
            &[("body", "nice photo")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    net.drain().await;
    let permalink = a.browser().get(&format!("/item/{}", post.uuid)).await;
    assert!(permalink.has("nice photo"), "{}", permalink.body);
    assert!(
        avatar_src(&permalink.body, &bh).is_some(),
        "{}",
        permalink.body
    );
    net.stop().await;
}

#[actix_web::test]
async fn the_profile_photo_travels_in_the_channel_export() {
    let net = TestNet::start(&["alpha", "beta", "gamma"]).await;
    let (a, b) = (net.hub("alpha"), net.hub("beta"));
    let alice = with_channels(a, &["alice"]).await.remove(0);
    hub::service::photo::set_profile_photo(a.ctx(), &alice, solid([30, 160, 60]), None)
        .await
        .unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    hub::service::export::write(a.ctx(), &alice, file.reopen().unwrap())
        .await
        .unwrap();
    let bytes = std::fs::read(file.path()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // Hubzilla's form: `photo {type, data}`, the 300px image in base64url.
    assert_eq!(json["photo"]["type"], "image/jpeg");
    let data = json["photo"]["data"].as_str().unwrap();
    assert!(!data.contains(['+', '/', '=']), "base64url without padding");
    let export = hub::service::import::parse(&bytes).unwrap();
    let img = image::load_from_memory(&export.photo.as_ref().unwrap().bytes().unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (300, 300));

    // Imported on beta, the clone has the photo in all three sizes.
    let account = b.account("alice@example.org", PW).await;
    let done = hub::service::import::import(b.ctx(), account, export, false)
        .await
        .unwrap();
    let m = served(b, &format!("/photo/{}/m", done.channel.channel_hash)).await;
    assert_eq!((m.width(), m.height()), (80, 80));
    assert!(close(m.get_pixel(40, 40), [30, 160, 60]));

    // An export whose photo is not an image imports all the same, without a photo.
    let mut broken = json.clone();
    broken["photo"]["data"] = "bm90IGFuIGltYWdl".into();
    let again = hub::service::import::parse(&serde_json::to_vec(&broken).unwrap()).unwrap();
    let g = net.hub("gamma");
    let account = g.account("alice@example.org", PW).await;
    let done = hub::service::import::import(g.ctx(), account, again, false)
        .await
        .unwrap();
    let (status, headers, body) =
        fetch(g, &format!("/photo/{}/m", done.channel.channel_hash)).await;
    assert_eq!(status, 200);
    assert!(is_svg(&headers, &body), "the generated avatar");
    net.stop().await;
}
