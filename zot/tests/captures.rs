//! Conformance against real traffic between two Hubzilla 8.9.3 hubs
//! (tests/fixtures/hubzilla/{wire,a}): every HTTP signature verifies (encrypted Signature headers
//! decrypted with the receiving site's key first), every Digest matches, every encrypted body
//! decrypts to exactly the captured plaintext, and a flipped byte anywhere makes it fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use zot::capture::{self, Head, strip_reading_aids};
use zot::httpsig::{self, Message, ParsedHeader};
use zot::keys::{PublicKey, RsaKeypair};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hubzilla")
}

struct Keys {
    public: HashMap<String, PublicKey>,
    site_private: HashMap<String, RsaKeypair>,
}

fn keys() -> Keys {
    let text = std::fs::read_to_string(dir().join("keys_throwaway_test_hubs.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut public = HashMap::new();
    let mut site_private = HashMap::new();
    for (host, hub) in json.as_object().unwrap() {
        let url = hub["site_url"].as_str().unwrap();
        public.insert(
            url.to_string(),
            PublicKey::from_pem(hub["site_pubkey"].as_str().unwrap()).unwrap(),
        );
        site_private.insert(
            host.trim_end_matches(".test").to_string(),
            RsaKeypair::from_private_pem(hub["site_prvkey"].as_str().unwrap()).unwrap(),
        );
        for ch in hub["channels"].as_array().unwrap() {
            let nick = ch["channel_address"].as_str().unwrap();
            public.insert(
                format!("{url}/channel/{nick}"),
                PublicKey::from_pem(ch["channel_pubkey"].as_str().unwrap()).unwrap(),
            );
        }
    }
    Keys {
        public,
        site_private,
    }
}

/// Request and response heads of a `wire/*.http` file.
fn parse_http(path: &Path) -> (Head, Option<Head>) {
    let raw = std::fs::read(path).unwrap();
    capture::split_http(&String::from_utf8_lossy(&raw)).unwrap()
}

fn read_opt(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

fn stem_files(sub: &str, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir().join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

/// Verifies one signed message; returns the key id.
fn verify_one(
    keys: &Keys,
    receiver: Option<&str>,
    (method, path): (&str, &str),
    head: &Head,
    body: Option<&[u8]>,
) -> Result<String, zot::Error> {
    let value = head.signature().expect("signed");
    let parsed = httpsig::parse_header(value)?;
    let header = match parsed {
        ParsedHeader::Plain(h) => h,
        enc @ ParsedHeader::Encrypted { .. } => {
            let site = keys.site_private.get(receiver.expect("receiver")).unwrap();
            httpsig::decrypt_header(enc, site)?
        }
    };
    let key = keys
        .public
        .get(&header.key_id)
        .unwrap_or_else(|| panic!("no key for {}", header.key_id));
    let msg = Message {
        method,
        path_and_query: path,
        headers: &head.headers,
    };
    // Captured on 2026-11-22; signed dates are checked against that day.
    let v = httpsig::verify(&msg, &header, key, body, 1_795_343_000)?;
    if header.headers.iter().any(|h| h == "digest") && body.is_some() {
        assert!(v.body_verified);
    }
    Ok(v.key_id)
}

#[test]
fn every_captured_signature_verifies() {
    let keys = keys();
    let mut requests = 0;
    let mut encrypted_headers = 0;
    let mut responses = 0;
    for path in stem_files("wire", ".http") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let stem = path.to_string_lossy().trim_end_matches(".http").to_string();
        let receiver = name.split('_').nth(1).unwrap().to_string();
        let (req, resp) = parse_http(&path);
        let (method, target) = req.method_and_target();
        let req_body = read_opt(Path::new(&format!("{stem}.req.body")));
        if let Some(sig) = req.signature() {
            if sig.contains("iv=\"") {
                encrypted_headers += 1;
                // The decrypted header equals the captured plaintext.
                let parsed = httpsig::parse_header(sig).unwrap();
                let h = httpsig::decrypt_header(parsed, &keys.site_private[&receiver]).unwrap();
                let captured =
                    std::fs::read_to_string(format!("{stem}.req.signature-header.decrypted.txt"))
                        .unwrap();
                assert!(captured.contains(&h.key_id), "{name}");
            }
            verify_one(
                &keys,
                Some(&receiver),
                (method, target),
                &req,
                req_body.as_deref(),
            )
            .unwrap_or_else(|e| panic!("{name} request: {e}"));
            requests += 1;
        }
        if let Some(resp) = resp
            && resp.signature().is_some()
        {
            let body = read_opt(Path::new(&format!("{stem}.resp.body")));
            verify_one(&keys, None, (method, target), &resp, body.as_deref())
                .unwrap_or_else(|e| panic!("{name} response: {e}"));
            responses += 1;
        }
    }
    // Direct captures: signed zot-info, site info and activity responses.
    let mut direct = 0;
    for req_path in stem_files("a", ".request.txt") {
        let stem = req_path
            .to_string_lossy()
            .trim_end_matches(".request.txt")
            .to_string();
        let req = Head::parse(&std::fs::read_to_string(&req_path).unwrap());
        let resp = Head::parse(&std::fs::read_to_string(format!("{stem}.response.txt")).unwrap());
        if resp.signature().is_none() {
            continue;
        }
        let body = read_opt(Path::new(&format!("{stem}.body")));
        verify_one(&keys, None, req.method_and_target(), &resp, body.as_deref())
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        direct += 1;
    }
    println!(
        "verified {requests} request signatures ({encrypted_headers} with encrypted headers), \
         {responses} response signatures, {direct} direct-capture response signatures"
    );
    // Every signed exchange in the captures (each failure above panics).
    assert_eq!(
        (requests, encrypted_headers, responses, direct),
        (39, 19, 24, 7)
    );
}

#[test]
fn every_encrypted_body_decrypts_to_the_captured_plaintext() {
    let keys = keys();
    let mut decrypted = 0;
    for path in stem_files("wire", ".http") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let stem = path.to_string_lossy().trim_end_matches(".http").to_string();
        let receiver = name.split('_').nth(1).unwrap().to_string();
        let sender = if receiver == "hubzilla-a" {
            "hubzilla-b"
        } else {
            "hubzilla-a"
        };
        for (side, site) in [("req", receiver.as_str()), ("resp", sender)] {
            let Some(body) = read_opt(Path::new(&format!("{stem}.{side}.body"))) else {
                continue;
            };
            let Ok(Some(env)) = zot::crypt::Encrypted::from_json(&body) else {
                continue;
            };
            let plain = zot::crypt::decrypt(&env, &keys.site_private[site])
                .unwrap_or_else(|e| panic!("{name} {side}: {e}"));
            let got: serde_json::Value = serde_json::from_slice(&plain).unwrap();
            let mut want: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(format!("{stem}.{side}.decrypted.json")).unwrap(),
            )
            .unwrap();
            strip_reading_aids(&mut want);
            assert_eq!(got, want, "{name} {side}");
            decrypted += 1;
        }
    }
    println!("decrypted {decrypted} captured bodies to exactly their plaintext");
    assert_eq!(decrypted, 22, "every encrypted body in the captures");
}

/// Every JSalmon-signed activity: in plain activity bodies and inside decrypted ones.
#[test]
fn every_jsalmon_signature_verifies() {
    let keys = keys();
    let mut verified = 0;
    let mut stack: Vec<serde_json::Value> = Vec::new();
    for path in stem_files("wire", ".json") {
        let name = path.to_string_lossy().to_string();
        if name.ends_with(".resp.json") && !name.contains("decrypted") {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_default();
        stack.push(v);
        while let Some(v) = stack.pop() {
            if v.get("signed") == Some(&serde_json::Value::Bool(true)) && v.get("sigs").is_some() {
                let env: zot::salmon::JSalmon = serde_json::from_value(v.clone()).unwrap();
                let signer = env.signer().unwrap();
                let doc = env
                    .verify(&keys.public[&signer])
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(doc.get("type").is_some(), "{name}");
                verified += 1;
            }
            match v {
                serde_json::Value::Object(m) => stack.extend(m.into_iter().map(|(_, v)| v)),
                serde_json::Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
    }
    println!("verified {verified} JSalmon signatures");
    assert!(verified >= 5, "{verified}");
}

#[test]
fn a_flipped_byte_anywhere_fails_verification() {
    let keys = keys();
    let path = dir().join("wire/009_hubzilla-b_POST_channel_bob.http");
    let stem = path.to_string_lossy().trim_end_matches(".http").to_string();
    let (req, _) = parse_http(&path);
    let body = std::fs::read(format!("{stem}.req.body")).unwrap();
    let target = ("POST", "/channel/bob");
    verify_one(&keys, Some("hubzilla-b"), target, &req, Some(&body)).unwrap();

    let mut bad_body = body.clone();
    bad_body[5] ^= 1;
    let e = verify_one(&keys, Some("hubzilla-b"), target, &req, Some(&bad_body)).unwrap_err();
    assert!(e.is_authentication(), "{e}");

    for victim in ["x-zot-token", "digest", "host", "accept"] {
        let mut head = Head {
            first: req.first.clone(),
            headers: req.headers.clone(),
        };
        for (n, v) in &mut head.headers {
            if n.eq_ignore_ascii_case(victim) {
                v.push('x');
            }
        }
        let e = verify_one(&keys, Some("hubzilla-b"), target, &head, Some(&body)).unwrap_err();
        assert!(
            matches!(e, zot::Error::BadSignature | zot::Error::Malformed { .. }),
            "{victim}: {e}"
        );
    }
    let e = verify_one(
        &keys,
        Some("hubzilla-b"),
        ("POST", "/channel/bobb"),
        &req,
        Some(&body),
    )
    .unwrap_err();
    assert!(matches!(e, zot::Error::BadSignature));

    // A flipped signature byte.
    let sig = req.signature().unwrap().to_string();
    let at = sig.find("signature=\"").unwrap() + 20;
    let mut flipped = sig.clone().into_bytes();
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    let mut head = Head {
        first: req.first.clone(),
        headers: req.headers.clone(),
    };
    for (n, v) in &mut head.headers {
        if n.eq_ignore_ascii_case("signature") {
            *v = String::from_utf8(flipped.clone()).unwrap();
        }
    }
    assert!(verify_one(&keys, Some("hubzilla-b"), target, &head, Some(&body)).is_err());

    // The wrong key.
    let ParsedHeader::Plain(h) = httpsig::parse_header(&sig).unwrap() else {
        panic!()
    };
    let msg = Message {
        method: "POST",
        path_and_query: "/channel/bob",
        headers: &req.headers,
    };
    let wrong = &keys.public["https://hubzilla-b.test/channel/bob"];
    assert!(matches!(
        httpsig::verify(&msg, &h, wrong, Some(&body), 1_795_343_000),
        Err(zot::Error::BadSignature)
    ));

    // A flipped byte in an encrypted body or its wrapped key.
    let env_body = std::fs::read(dir().join("wire/031_hubzilla-a_POST_zot.req.body")).unwrap();
    let env = zot::crypt::Encrypted::from_json(&env_body)
        .unwrap()
        .unwrap();
    let site = &keys.site_private["hubzilla-a"];
    zot::crypt::decrypt(&env, site).unwrap();
    let mut bad = env.clone();
    let mut k = bad.key.into_bytes();
    k[10] = if k[10] == b'A' { b'B' } else { b'A' };
    bad.key = String::from_utf8(k).unwrap();
    assert!(matches!(
        zot::crypt::decrypt(&bad, site),
        Err(zot::Error::Decrypt(_))
    ));
    let wrong_site = &keys.site_private["hubzilla-b"];
    assert!(zot::crypt::decrypt(&env, wrong_site).is_err());
}

/// The OpenWebAuth exchange: bob's hub decrypts the token hubzilla-a encrypted to bob's channel
/// key, and it is exactly the `owt` the browser then presented to hubzilla-a.
#[test]
fn the_captured_openwebauth_token_decrypts_for_the_visitor() {
    let text = std::fs::read_to_string(dir().join("keys_throwaway_test_hubs.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let bob = json["hubzilla-b.test"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel_address"] == "bob")
        .unwrap();
    let bob_key = RsaKeypair::from_private_pem(bob["channel_prvkey"].as_str().unwrap()).unwrap();
    let answer: zot::owa::OwaResponse = serde_json::from_slice(
        &std::fs::read(dir().join("wire/038_hubzilla-a_GET_owa.resp.body")).unwrap(),
    )
    .unwrap();
    let token = zot::owa::decrypt_token(&answer, &bob_key).unwrap();
    let (next, _) = parse_http(&dir().join("wire/039_hubzilla-a_GET_channel_alice.http"));
    assert!(
        next.first.contains(&format!("owt={token}")),
        "{} vs {token}",
        next.first
    );
    // The /owa request itself is signed by bob over Hubzilla's header list.
    let (req, _) = parse_http(&dir().join("wire/038_hubzilla-a_GET_owa.http"));
    let sig = req.signature().unwrap();
    assert!(sig.contains(&format!(
        "headers=\"{}\"",
        zot::owa::SIGNED_HEADERS.join(" ")
    )));
    let other = &keys().site_private["hubzilla-a"];
    assert!(zot::owa::decrypt_token(&answer, other).is_err());
}
