//! Emits HTTP messages signed by `zot::httpsig`, as JSON lines, for an independent verifier
//! (scripts/interop/run.sh checks them with Python `httpsig`). Each line: method, path,
//! headers, the signer's public key PEM, and the header that carries the signature.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use zot::httpsig::{self, Algorithm, Message};
use zot::keys::RsaKeypair;

fn main() -> Result<(), zot::Error> {
    let key = RsaKeypair::generate()?;
    let public_pem = key.public_pem();
    let body = br#"{"type":"notify","sender":"x","site_id":"y","version":"6.0"}"#;
    let cases: [(&str, &str, Algorithm, &[&str], &str); 3] = [
        // A /zot delivery exactly as Hubzilla signs it.
        (
            "POST",
            "/zot",
            Algorithm::RsaSha512,
            &["x-zot-token", "digest", "content-type", "(request-target)"],
            "signature",
        ),
        // A signed channel-info fetch (Zotfinger), rsa-sha256 in an Authorization header.
        (
            "POST",
            "/channel/alice?f=&zot=1",
            Algorithm::RsaSha256,
            &[
                "accept",
                "content-type",
                "x-zot-token",
                "digest",
                "host",
                "(request-target)",
            ],
            "authorization",
        ),
        // With a Date, as ActivityPub peers expect.
        (
            "GET",
            "/owa",
            Algorithm::RsaSha256,
            &["(request-target)", "host", "date"],
            "signature",
        ),
    ];
    for (method, path, alg, names, carrier) in cases {
        let headers: Vec<(String, String)> = vec![
            ("Host".into(), "caravan.example".into()),
            ("Date".into(), "Sun, 22 Nov 2026 10:00:00 GMT".into()),
            ("Accept".into(), "application/x-zot+json".into()),
            ("Content-Type".into(), "application/x-zot+json".into()),
            ("X-Zot-Token".into(), "0123456789abcdef".into()),
            ("Digest".into(), httpsig::digest_header(body)),
        ];
        let msg = Message {
            method,
            path_and_query: path,
            headers: &headers,
        };
        let value = httpsig::sign(
            &msg,
            &key,
            "https://caravan.example/channel/alice",
            alg,
            names,
        )?;
        let mut all: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into()))
            .collect();
        let carried = if carrier == "authorization" {
            format!("Signature {value}")
        } else {
            value
        };
        all.insert(
            if carrier == "authorization" {
                "Authorization"
            } else {
                "Signature"
            }
            .into(),
            carried.into(),
        );
        let line = serde_json::json!({
            "method": method,
            "path": path,
            "headers": all,
            "public_key": public_pem,
            "sign_header": carrier,
            "algorithm": alg.label(),
        });
        println!("{line}");
    }
    Ok(())
}
