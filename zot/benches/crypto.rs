//! Rates of our crypto wrappers next to the raw aws-lc-rs primitives they use, measured in the
//! same run so machine noise affects both alike. `cargo bench -p zot --bench crypto`.
//! Each row runs for a fixed time after a warm-up; compare ratios, not absolute rates.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use aws_lc_rs::cipher::{AES_256, EncryptingKey, EncryptionContext, UnboundCipherKey};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    KeyPair, OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{
    KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RSA_PKCS1_SHA512,
};
use zot::httpsig::{self, Algorithm, Message, ParsedHeader};
use zot::keys::RsaKeypair;

/// Length of one timed slice.
const SLICE: Duration = Duration::from_millis(400);
/// Slices per side; ours and raw alternate, so load changes hit both alike.
const ROUNDS: usize = 7;

fn slice(f: &mut impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < SLICE {
        f();
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median rates of `ours` and `raw`, measured in alternating slices after a warm-up.
fn compare(mut ours: impl FnMut(), mut raw: impl FnMut()) -> (f64, f64) {
    slice(&mut ours);
    slice(&mut raw);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a.push(slice(&mut ours));
        b.push(slice(&mut raw));
    }
    (median(a), median(b))
}

fn row(name: &str, (ours, raw): (f64, f64)) {
    let overhead = (raw / ours - 1.0) * 100.0;
    println!("| {name:<34} | {ours:>12.1} | {raw:>12.1} | {overhead:>+8.1}% |");
}

fn main() {
    let ours = RsaKeypair::generate().unwrap();
    let raw = KeyPair::from_pkcs8(
        AsDer::<Pkcs8V1Der>::as_der(
            &KeyPair::from_pkcs8(
                zot::keys::pem_decode(&ours.private_pem())
                    .unwrap()
                    .1
                    .as_slice(),
            )
            .unwrap(),
        )
        .unwrap()
        .as_ref(),
    )
    .unwrap();
    let public = ours.public_key().unwrap();
    let spki = AsDer::<PublicKeyX509Der>::as_der(raw.public_key()).unwrap();
    let rng = SystemRandom::new();
    let msg = b"x-zot-token: 0123456789abcdef\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ncontent-type: application/x-zot+json\n(request-target): post /zot";
    let mut sig = vec![0u8; raw.public_modulus_len()];

    println!("RSA-4096, one thread; ops/s (higher is better); overhead = raw/ours - 1");
    println!("| operation                          |  ours ops/s  |  raw ops/s   | overhead |");
    println!("|------------------------------------|--------------|--------------|----------|");

    row(
        "sign rsa-sha256",
        compare(
            || {
                black_box(ours.sign_sha256(black_box(msg)).unwrap());
            },
            || {
                raw.sign(&RSA_PKCS1_SHA256, &rng, black_box(msg), &mut sig)
                    .unwrap();
            },
        ),
    );

    row(
        "sign rsa-sha512",
        compare(
            || {
                black_box(ours.sign_sha512(black_box(msg)).unwrap());
            },
            || {
                raw.sign(&RSA_PKCS1_SHA512, &rng, black_box(msg), &mut sig)
                    .unwrap();
            },
        ),
    );

    raw.sign(&RSA_PKCS1_SHA256, &rng, msg, &mut sig).unwrap();
    let parsed = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki.as_ref()).unwrap();
    row(
        "verify rsa-sha256",
        compare(
            || {
                public
                    .verify_sha256(black_box(msg), black_box(&sig))
                    .unwrap()
            },
            || parsed.verify_sig(black_box(msg), black_box(&sig)).unwrap(),
        ),
    );

    // HTTP signature of a /zot delivery: build the signing string, sign, format; then parse and
    // verify. Compared with signing/verifying the same string directly.
    let body = br#"{"type":"notify"}"#;
    let headers = vec![
        ("X-Zot-Token".to_string(), "0123456789abcdef".to_string()),
        ("Digest".to_string(), httpsig::digest_header(body)),
        (
            "Content-Type".to_string(),
            "application/x-zot+json".to_string(),
        ),
    ];
    let m = Message {
        method: "POST",
        path_and_query: "/zot",
        headers: &headers,
    };
    let names = ["x-zot-token", "digest", "content-type", "(request-target)"];
    row(
        "httpsig sign (4 headers)",
        compare(
            || {
                black_box(
                    httpsig::sign(
                        &m,
                        &ours,
                        "https://a.example/channel/alice",
                        Algorithm::RsaSha512,
                        &names,
                    )
                    .unwrap(),
                );
            },
            || {
                raw.sign(&RSA_PKCS1_SHA512, &rng, black_box(msg), &mut sig)
                    .unwrap();
            },
        ),
    );

    let value = httpsig::sign(
        &m,
        &ours,
        "https://a.example/channel/alice",
        Algorithm::RsaSha256,
        &names,
    )
    .unwrap();
    let ParsedHeader::Plain(h) = httpsig::parse_header(&value).unwrap() else {
        panic!()
    };
    let text = httpsig::signing_string(&m, &h.headers).unwrap();
    row(
        "httpsig parse+verify (+digest)",
        compare(
            || {
                let ParsedHeader::Plain(h) = httpsig::parse_header(black_box(&value)).unwrap()
                else {
                    panic!()
                };
                httpsig::verify(&m, &h, &public, Some(body), 0).unwrap();
            },
            || {
                parsed
                    .verify_sig(black_box(text.as_bytes()), black_box(&h.signature))
                    .unwrap()
            },
        ),
    );

    // Envelope encryption of 4 KiB: two RSA-OAEP wraps + AES-256-CTR + base64url.
    let payload = vec![b'x'; 4096];
    let oaep_pub =
        OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(spki.as_ref()).unwrap())
            .unwrap();
    let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&raw).unwrap();
    let oaep_prv =
        OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref()).unwrap())
            .unwrap();
    let raw_encrypt = || {
        let mut out = vec![0u8; oaep_pub.ciphertext_size()];
        let secret = [7u8; 256];
        let k = oaep_pub
            .encrypt(&OAEP_SHA1_MGF1SHA1, &secret, &mut out, None)
            .unwrap()
            .to_vec();
        let mut out2 = vec![0u8; oaep_pub.ciphertext_size()];
        let i = oaep_pub
            .encrypt(&OAEP_SHA1_MGF1SHA1, &secret, &mut out2, None)
            .unwrap()
            .to_vec();
        let mut data = payload.clone();
        let key =
            EncryptingKey::ctr(UnboundCipherKey::new(&AES_256, &secret[..32]).unwrap()).unwrap();
        let iv: [u8; 16] = secret[..16].try_into().unwrap();
        key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(FixedLength::from(iv)))
            .unwrap();
        black_box((k, i, data));
    };
    row(
        "envelope encrypt 4 KiB",
        compare(
            || {
                black_box(zot::crypt::encrypt(black_box(&payload), &public).unwrap());
            },
            raw_encrypt,
        ),
    );

    let env = zot::crypt::encrypt(&payload, &public).unwrap();
    let wrapped_key = zot::encoding::b64url_decode(&env.key).unwrap();
    let wrapped_iv = zot::encoding::b64url_decode(&env.iv).unwrap();
    row(
        "envelope decrypt 4 KiB",
        compare(
            || {
                black_box(zot::crypt::decrypt(black_box(&env), &ours).unwrap());
            },
            || {
                let mut out = vec![0u8; oaep_prv.min_output_size()];
                let k = oaep_prv
                    .decrypt(&OAEP_SHA1_MGF1SHA1, &wrapped_key, &mut out, None)
                    .unwrap()
                    .to_vec();
                let mut out2 = vec![0u8; oaep_prv.min_output_size()];
                let i = oaep_prv
                    .decrypt(&OAEP_SHA1_MGF1SHA1, &wrapped_iv, &mut out2, None)
                    .unwrap()
                    .to_vec();
                let mut data = payload.clone();
                let key =
                    EncryptingKey::ctr(UnboundCipherKey::new(&AES_256, &k[..32]).unwrap()).unwrap();
                let iv: [u8; 16] = i[..16].try_into().unwrap();
                key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(FixedLength::from(iv)))
                    .unwrap();
                black_box(data);
            },
        ),
    );

    row(
        "simple_sign (url_sig)",
        compare(
            || {
                black_box(
                    zot::sign::simple_sign(&ours, black_box(b"https://hub.example")).unwrap(),
                );
            },
            || {
                raw.sign(
                    &RSA_PKCS1_SHA256,
                    &rng,
                    black_box(b"https://hub.example"),
                    &mut sig,
                )
                .unwrap();
            },
        ),
    );
}
