//! Unit tests of HTTP signatures: round trips, tampering, parsing edge cases.

use super::*;

fn headers(body: &[u8]) -> Vec<(String, String)> {
    vec![
        ("X-Zot-Token".into(), "abc".into()),
        ("Digest".into(), digest_header(body)),
        ("Content-Type".into(), "application/x-zot+json".into()),
        ("Date".into(), "Sun, 22 Nov 2026 10:00:00 GMT".into()),
    ]
}

const NOW: i64 = 1_795_341_600; // 2026-11-22T10:00:00Z

#[test]
fn sign_and_verify_each_algorithm_and_reject_tampering() {
    let key = RsaKeypair::generate().unwrap();
    let public = key.public_key().unwrap();
    let body = b"{\"type\":\"notify\"}";
    let hs = headers(body);
    let msg = Message {
        method: "POST",
        path_and_query: "/zot",
        headers: &hs,
    };
    for alg in [
        Algorithm::RsaSha256,
        Algorithm::RsaSha512,
        Algorithm::Hs2019,
    ] {
        let value = sign(
            &msg,
            &key,
            "https://a.example/channel/alice",
            alg,
            &[
                "x-zot-token",
                "digest",
                "content-type",
                "(request-target)",
                "date",
            ],
        )
        .unwrap();
        let ParsedHeader::Plain(h) = parse_header(&value).unwrap() else {
            panic!("plain expected")
        };
        let v = verify(&msg, &h, &public, Some(body), NOW).unwrap();
        assert_eq!(v.algorithm, alg);
        assert!(v.body_verified);
        assert!(verify(&msg, &h, &public, Some(b"{\"type\":\"other\"}"), NOW).is_err());
        let other = Message {
            path_and_query: "/zot?x",
            ..msg
        };
        assert!(matches!(
            verify(&other, &h, &public, Some(body), NOW),
            Err(Error::BadSignature)
        ));
        assert!(matches!(
            verify(&msg, &h, &public, Some(body), NOW + 2 * MAX_DATE_SKEW_SECS),
            Err(Error::Expired)
        ));
        let mut flipped = h.clone();
        flipped.signature[10] ^= 1;
        assert!(verify(&msg, &flipped, &public, Some(body), NOW).is_err());
    }
}

#[test]
fn encrypted_headers_round_trip_for_the_receiving_site() {
    let site = RsaKeypair::generate().unwrap();
    let value = "keyId=\"k\",algorithm=\"rsa-sha512\",headers=\"digest\",signature=\"AAAA\"";
    let enc = encrypt_header(value, &site.public_key().unwrap()).unwrap();
    let parsed = parse_header(&enc).unwrap();
    assert!(matches!(parsed, ParsedHeader::Encrypted { .. }));
    let h = decrypt_header(parsed, &site).unwrap();
    assert_eq!(h.key_id, "k");
    assert_eq!(h.headers, ["digest"]);
}

#[test]
fn malformed_headers_get_typed_errors() {
    for bad in [
        "",
        "keyId",
        "keyId=\"unterminated",
        "signature=\"AAAA\"",
        "keyId=\"k\",signature=\"not base64!!\"",
        "keyId=\"k\" junk,signature=\"AAAA\"",
    ] {
        let r = parse_header(bad);
        assert!(r.is_err() || bad.is_empty(), "{bad:?} accepted: {r:?}");
    }
    assert!(parse_header(&"a".repeat(MAX_HEADER_LEN + 1)).is_err());
    let ok = parse_header("Signature keyId=\"k\",signature=\"AAAA\"").unwrap();
    let ParsedHeader::Plain(h) = ok else { panic!() };
    assert_eq!(h.headers, ["date"], "draft default");
    assert!(matches!(
        Algorithm::from_label("ecdsa"),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    assert!(check_digest("MD5=AAAA", b"x").is_err());
    assert!(check_digest(&digest_header(b"x"), b"y").is_err());
}
