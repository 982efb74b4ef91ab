//! Thumbnails and moves on the files page: a real PNG or JPEG gets a thumbnail that fits in
//! 320×320, served to exactly those who may see the file (a hidden image's thumbnail is a 404);
//! hostile images (truncated, a header declaring 100000×100000, junk) are kept as files without
//! one and nothing breaks; a thumbnail's blob goes with the last file of its content; entries
//! move between folders, never a folder into itself.

use std::io::Cursor;

use hub_tests::{Browser, TestHub, TestNet};

use crate::accounts::PW;
use crate::client_api::with_channels;
use crate::storage::{blob_files, upload};

/// The public id of the entry called `name` on a files page (a file, with or without a
/// thumbnail before its name, or a folder).
fn hash_of(html: &str, name: &str) -> Option<String> {
    for (end, marker) in [
        (format!(" {name}</a>"), "href=\"/file/"),
        (format!(">{name}</a>"), "href=\"/file/"),
        (format!(">{name}/</a>"), "/folder/"),
    ] {
        if let Some(at) = html.find(&end) {
            let start = html[..at].rfind(marker)? + marker.len();
            let hash = &html[start..];
            return Some(hash[..hash.find('"')?].to_string());
        }
    }
    None
}

/// The thumbnail link shown for the file `hash`, if any.
fn thumb_link(html: &str, hash: &str) -> Option<String> {
    let marker = format!("src=\"/file/{hash}/thumb");
    let at = html.find(&marker)? + "src=\"".len();
    let rest = &html[at..];
    Some(
        rest[..rest.find('"')?]
            .replace("&#x3D;", "=")
            .replace("&amp;", "&"),
    )
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7) as u8 * 30])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x / 3) as u8, (y / 4) as u8, 120]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
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

/// A valid small PNG whose header (with a correct checksum) declares `w`×`h`.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut p = png(2, 2);
    p[16..20].copy_from_slice(&w.to_be_bytes());
    p[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&p[12..29]);
    p[29..33].copy_from_slice(&crc.to_be_bytes());
    p
}

/// GET as bytes, without cookies (an anonymous visitor).
async fn anon_bytes(hub: &TestHub, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let client = reqwest::Client::builder()
        .dns_resolver(hub.resolver.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .get(format!("{}{path}", hub.base_url.trim_end_matches('/')))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

async fn logged_in(hub: &TestHub) -> Browser {
    with_channels(hub, &["alice"]).await;
    let alice = hub.browser();
    alice.login("alice@example.org", PW).await;
    alice
}

#[actix_web::test]
async fn images_get_thumbnails_that_only_those_who_may_see_the_file_get() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = logged_in(hub).await;
    let before = blob_files(hub);

    for (name, bytes) in [
        ("wide.png", png(1200, 800)),
        ("tall.jpg", jpeg(500, 900)),
        ("tiny.png", png(40, 30)),
    ] {
        let r = upload(&alice, "alice", "", name, &bytes).await;
        assert_eq!(r.status, 303, "{name}: {}", r.body);
    }
    upload(&alice, "alice", "", "notes.txt", b"not an image")
        .await
        .expect_status(303);
    // Three images, their three thumbnails, the text.
    assert_eq!(blob_files(hub) - before, 7);

    let page = alice.get("/cloud/alice").await;
    let wide = hash_of(&page.body, "wide.png").expect("wide.png listed");
    let tall = hash_of(&page.body, "tall.jpg").expect("tall.jpg listed");
    let tiny = hash_of(&page.body, "tiny.png").expect("tiny.png listed");
    let notes = hash_of(&page.body, "notes.txt").expect("notes.txt listed");
    let link = thumb_link(&page.body, &wide).expect("the page shows wide.png's thumbnail");
    assert!(link.contains("?v="), "{link}");
    assert!(thumb_link(&page.body, &tall).is_some());
    assert!(
        thumb_link(&page.body, &notes).is_none(),
        "no thumbnail for text"
    );

    for (hash, want) in [(&wide, (320, 213)), (&tall, (178, 320)), (&tiny, (40, 30))] {
        let (status, headers, bytes) = anon_bytes(hub, &format!("/file/{hash}/thumb")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .starts_with("private"),
            "{:?}",
            headers["cache-control"]
        );
        let img = image::load_from_memory(&bytes).expect("the thumbnail decodes");
        assert!(img.width() <= 320 && img.height() <= 320);
        assert_eq!((img.width(), img.height()), want);
    }
    assert_eq!(
        anon_bytes(hub, &format!("/file/{notes}/thumb")).await.0,
        404
    );
    assert_eq!(anon_bytes(hub, "/file/no-such-file/thumb").await.0, 404);

    // Hidden: restricted to alice's connections (she has none).
    alice
        .submit(
            "/cloud/alice",
            "/cloud/alice/access",
            &[
                ("hash", &tall),
                ("audience", "connections"),
                ("back", "/cloud/alice"),
            ],
        )
        .await
        .expect_status(303);
    assert_eq!(anon_bytes(hub, &format!("/file/{tall}/thumb")).await.0, 404);
    assert_eq!(anon_bytes(hub, &format!("/file/{tall}")).await.0, 404);
    assert_eq!(
        alice.get(&format!("/file/{tall}/thumb")).await.status,
        200,
        "the owner still sees it"
    );
    let anon_page = hub.browser().get("/cloud/alice").await;
    assert!(thumb_link(&anon_page.body, &wide).is_some());
    assert!(
        !anon_page.body.contains(&tall),
        "no trace of the hidden image"
    );

    // A copy shares the content and its thumbnail; the thumbnail goes with the last of them.
    upload(&alice, "alice", "", "wide copy.png", &png(1200, 800))
        .await
        .expect_status(303);
    assert_eq!(blob_files(hub) - before, 7, "equal content, one thumbnail");
    let page = alice.get("/cloud/alice").await;
    let copy = hash_of(&page.body, "wide copy.png").unwrap();
    assert!(thumb_link(&page.body, &copy).is_some());
    for h in [&wide, &copy] {
        alice
            .submit(
                "/cloud/alice",
                "/cloud/alice/delete",
                &[("hash", h), ("back", "/cloud/alice")],
            )
            .await
            .expect_status(303);
    }
    assert_eq!(
        blob_files(hub) - before,
        5,
        "the content and its thumbnail are gone"
    );
    // Replacing an image's content replaces its thumbnail.
    upload(&alice, "alice", "", "tiny.png", &png(900, 300))
        .await
        .expect_status(303);
    assert_eq!(blob_files(hub) - before, 5);
    let (_, _, bytes) = anon_bytes(hub, &format!("/file/{tiny}/thumb")).await;
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (320, 107));
    net.stop().await;
}

#[actix_web::test]
async fn hostile_images_are_kept_as_files_without_thumbnails() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = logged_in(hub).await;
    let mut truncated = png(700, 700);
    truncated.truncate(truncated.len() / 3);
    let mut cut_jpeg = jpeg(600, 600);
    cut_jpeg.truncate(400);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.png", truncated),
        ("bomb.png", png_declaring(100_000, 100_000)),
        ("big.png", png_declaring(16_000, 16_000)),
        ("cut.jpg", cut_jpeg),
        (
            "junk.webp",
            b"RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0junk".to_vec(),
        ),
        ("junk.gif", b"GIF89a\xff\xff\xff\xff".to_vec()),
        ("text.png", b"this is not a PNG at all".to_vec()),
        ("empty.jpg", Vec::new()),
    ];
    let before = blob_files(hub);
    for (name, bytes) in &cases {
        let r = upload(&alice, "alice", "", name, bytes).await;
        assert_eq!(r.status, 303, "{name} is accepted as a file: {}", r.body);
    }
    assert_eq!(
        blob_files(hub) - before,
        cases.len(),
        "the files, and no thumbnail"
    );
    let page = alice.get("/cloud/alice").await;
    assert_eq!(page.status, 200);
    for (name, bytes) in &cases {
        let hash = hash_of(&page.body, name).unwrap_or_else(|| panic!("{name} listed"));
        assert!(thumb_link(&page.body, &hash).is_none(), "{name}");
        assert_eq!(
            alice.get(&format!("/file/{hash}/thumb")).await.status,
            404,
            "{name}"
        );
        let (status, _, got) = anon_bytes(hub, &format!("/file/{hash}")).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(&got, bytes, "{name} is kept as it was");
    }
    // The hub goes on making thumbnails.
    upload(&alice, "alice", "", "fine.png", &png(400, 400))
        .await
        .expect_status(303);
    let page = alice.get("/cloud/alice").await;
    let fine = hash_of(&page.body, "fine.png").unwrap();
    assert!(thumb_link(&page.body, &fine).is_some());
    net.stop().await;
}

#[actix_web::test]
async fn entries_move_into_folders_but_never_into_themselves() {
    let net = TestNet::single().await;
    let hub = net.hub("alpha");
    let alice = logged_in(hub).await;
    for name in ["Trips", "Photos"] {
        alice
            .submit(
                "/cloud/alice",
                "/cloud/alice/mkdir",
                &[("folder", ""), ("name", name)],
            )
            .await
            .expect_status(303);
    }
    upload(&alice, "alice", "", "map.txt", b"north is up")
        .await
        .expect_status(303);
    let top = alice.get("/cloud/alice").await;
    let trips = hash_of(&top.body, "Trips").unwrap();
    let photos = hash_of(&top.body, "Photos").unwrap();
    let map = hash_of(&top.body, "map.txt").unwrap();
    assert!(top.has("/cloud/alice/move"), "a move form per entry");
    assert!(top.has(&format!("<option value=\"{trips}\">Trips/</option>")));

    let mv = |hash: String, to: String| {
        let alice = &alice;
        async move {
            alice
                .submit(
                    "/cloud/alice",
                    "/cloud/alice/move",
                    &[("hash", &hash), ("to", &to), ("back", "/cloud/alice")],
                )
                .await
        }
    };
    let r = mv(map.clone(), trips.clone()).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/cloud/alice?done=moved"));
    let top = alice.get("/cloud/alice").await;
    assert!(!top.has(">map.txt</a>"));
    let inside = alice.get(&format!("/cloud/alice/folder/{trips}")).await;
    assert!(inside.has(">map.txt</a>"));

    // Photos into Trips, then Trips into Photos (below itself) and Photos into Photos: refused.
    mv(photos.clone(), trips.clone()).await.expect_status(303);
    let top = alice.get("/cloud/alice").await;
    assert!(
        top.has(&format!(
            "<option value=\"{photos}\">Trips/Photos/</option>"
        )),
        "folders are offered by their path"
    );
    for (what, to) in [(&trips, &photos), (&photos, &photos), (&trips, &trips)] {
        let r = mv(what.clone(), to.clone()).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.has("A folder cannot move into itself."), "{}", r.body);
    }
    let r = mv(map.clone(), String::new()).await;
    assert_eq!(r.status, 422, "no folder chosen");
    assert!(r.has("Choose a folder to move it into."), "{}", r.body);
    // Back to the top.
    mv(map.clone(), "top".into()).await.expect_status(303);
    assert!(alice.get("/cloud/alice").await.has(">map.txt</a>"));
    // Another channel's folder is not a destination.
    with_channels(hub, &["dave"]).await;
    let dave = hub.browser();
    dave.login("dave@example.org", PW).await;
    dave.submit(
        "/cloud/dave",
        "/cloud/dave/mkdir",
        &[("folder", ""), ("name", "Mine")],
    )
    .await
    .expect_status(303);
    let theirs = hash_of(&dave.get("/cloud/dave").await.body, "Mine").unwrap();
    let r = mv(map.clone(), theirs).await;
    assert_eq!(r.status, 404);
    assert!(alice.get("/cloud/alice").await.has(">map.txt</a>"));
    net.stop().await;
}
