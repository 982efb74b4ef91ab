//! Property tests: encode/decode round trips, and parsers that never panic on any input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use proptest::prelude::*;
use zot::httpsig::{self, Algorithm, Message, ParsedHeader};
use zot::keys::RsaKeypair;

/// One key for every case (RSA-4096 generation is slow in debug builds).
fn key() -> &'static RsaKeypair {
    static KEY: OnceLock<RsaKeypair> = OnceLock::new();
    KEY.get_or_init(|| RsaKeypair::generate().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn base64url_round_trips_padded_or_not(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let enc = zot::encoding::b64url(&data);
        prop_assert_eq!(zot::encoding::b64url_decode(&enc).unwrap(), data.clone());
        let padded = format!("{enc}{}", "=".repeat((4 - enc.len() % 4) % 4));
        prop_assert_eq!(zot::encoding::b64url_decode(&padded).unwrap(), data.clone());
        prop_assert_eq!(zot::encoding::b64_decode(&zot::encoding::b64(&data)).unwrap(), data);
    }

    #[test]
    fn pem_round_trips(data in proptest::collection::vec(any::<u8>(), 1..2048)) {
        let pem = zot::keys::pem_encode("PUBLIC KEY", &data);
        prop_assert!(pem.lines().all(|l| l.len() <= 64));
        let (label, der) = zot::keys::pem_decode(&pem).unwrap();
        prop_assert_eq!(label, "PUBLIC KEY");
        prop_assert_eq!(der, data);
    }

    #[test]
    fn header_parsers_never_panic(s in ".{0,600}") {
        let _ = httpsig::parse_params(&s);
        let _ = httpsig::parse_header(&s);
        let _ = httpsig::check_digest(&s, b"body");
        let _ = zot::discovery::ZotInfo::from_json(s.as_bytes());
        let _ = zot::discovery::Jrd::from_json(s.as_bytes());
        let _ = zot::crypt::Encrypted::from_json(s.as_bytes());
    }

    #[test]
    fn simple_signature_strings_never_panic(s in ".{0,300}") {
        let public = key().public_key().unwrap();
        prop_assert!(zot::sign::simple_verify(&public, b"data", &s).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn http_signatures_round_trip_for_any_header_values(
        token in "[ -~]{1,80}",
        ctype in "[ -~]{1,40}",
        path in "/[a-zA-Z0-9/?=&._-]{0,60}",
        body in proptest::collection::vec(any::<u8>(), 0..256),
        sha512 in any::<bool>(),
    ) {
        let headers = vec![
            ("X-Zot-Token".to_string(), token.trim().to_string()),
            ("Content-Type".to_string(), ctype.trim().to_string()),
            ("Digest".to_string(), httpsig::digest_header(&body)),
        ];
        prop_assume!(!headers[0].1.is_empty() && !headers[1].1.is_empty());
        let msg = Message { method: "POST", path_and_query: &path, headers: &headers };
        let alg = if sha512 { Algorithm::RsaSha512 } else { Algorithm::RsaSha256 };
        let value = httpsig::sign(&msg, key(), "https://a.example/channel/x", alg,
            &["x-zot-token", "digest", "content-type", "(request-target)"]).unwrap();
        let ParsedHeader::Plain(h) = httpsig::parse_header(&value).unwrap() else {
            panic!("plain header expected")
        };
        let v = httpsig::verify(&msg, &h, &key().public_key().unwrap(), Some(&body), 0).unwrap();
        prop_assert!(v.body_verified);
        prop_assert_eq!(v.algorithm, alg);
    }

    #[test]
    fn envelopes_round_trip_for_any_payload(payload in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let env = zot::crypt::encrypt(&payload, &key().public_key().unwrap()).unwrap();
        let json = serde_json::to_vec(&env).unwrap();
        let back = zot::crypt::Encrypted::from_json(&json).unwrap().unwrap();
        prop_assert_eq!(zot::crypt::decrypt(&back, key()).unwrap(), payload);
    }

    #[test]
    fn jsalmon_round_trips_for_any_document(text in ".{0,300}", n in any::<i64>()) {
        let doc = serde_json::json!({"type": "Note", "content": text, "n": n});
        let env = zot::salmon::JSalmon::sign(&doc, key(), "https://a.example/channel/x").unwrap();
        prop_assert_eq!(env.verify(&key().public_key().unwrap()).unwrap(), doc);
    }
}
