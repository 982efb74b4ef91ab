//! OpenWebAuth token crypto (zot6.md §7): the target site answers a signed `GET /owa` with a
//! one-time token of 32 characters `[a-zA-Z0-9]`, RSA-encrypted (PKCS#1 v1.5, as PHP's default)
//! to the visitor channel's key and base64url-encoded; the visitor's home hub decrypts it and
//! sends the browser back with `owt=<token>`. Tokens are single-use and live 3 minutes.

use serde::{Deserialize, Serialize};

use crate::encoding::{b64url, b64url_decode};
use crate::error::{Error, Result};
use crate::keys::{PublicKey, RsaKeypair};

/// Length of a token.
pub const TOKEN_LEN: usize = 32;
/// Seconds a token stays valid on the target site.
pub const TOKEN_LIFETIME_SECS: i64 = 180;
/// Headers a `/owa` request signs, in Hubzilla's order.
pub const SIGNED_HEADERS: &[&str] = &[
    "accept",
    "content-type",
    "x-open-web-auth",
    "host",
    "(request-target)",
];

/// The `/owa` answer: `{"success":true,"encrypted_token":"…"}` or `{"success":false,…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwaResponse {
    /// Whether the visitor was recognised.
    pub success: bool,
    /// The token, encrypted to the visitor's channel key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_token: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A new random token (`[a-zA-Z0-9]{32}`).
pub fn new_token() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = [0u8; TOKEN_LEN];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Crypto("random token"))?;
    // 62 symbols: the modulo bias (256 % 62) is small and irrelevant for a one-time secret of
    // 190 bits.
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect())
}

/// Whether a string looks like a token (so junk is refused before any lookup).
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The success answer carrying `token` encrypted to the visitor.
pub fn encrypt_token(token: &str, visitor: &PublicKey) -> Result<OwaResponse> {
    Ok(OwaResponse {
        success: true,
        encrypted_token: Some(b64url(&visitor.encrypt_pkcs1v15(token.as_bytes())?)),
        message: None,
    })
}

/// The visitor's hub reads the token out of the answer.
pub fn decrypt_token(response: &OwaResponse, visitor: &RsaKeypair) -> Result<String> {
    if !response.success {
        return Err(Error::malformed(
            "OpenWebAuth response",
            response.message.clone().unwrap_or_else(|| "refused".into()),
        ));
    }
    let sealed = response
        .encrypted_token
        .as_deref()
        .ok_or_else(|| Error::malformed("OpenWebAuth response", "no encrypted_token"))?;
    let plain = visitor.decrypt_pkcs1v15(&b64url_decode(sealed)?)?;
    let token =
        String::from_utf8(plain).map_err(|_| Error::malformed("OpenWebAuth token", "not UTF-8"))?;
    if token.is_empty() || token.len() > 255 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::malformed(
            "OpenWebAuth token",
            "unexpected characters",
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_only_for_the_visitor() {
        let visitor = RsaKeypair::generate().unwrap();
        let token = new_token().unwrap();
        assert!(is_token(&token));
        assert_ne!(token, new_token().unwrap());
        let answer = encrypt_token(&token, &visitor.public_key().unwrap()).unwrap();
        let json = serde_json::to_string(&answer).unwrap();
        let back: OwaResponse = serde_json::from_str(&json).unwrap();
        assert_eq!(decrypt_token(&back, &visitor).unwrap(), token);
        let other = RsaKeypair::generate().unwrap();
        assert!(matches!(
            decrypt_token(&back, &other),
            Err(Error::Decrypt(_))
        ));
        let refused = OwaResponse {
            success: false,
            encrypted_token: None,
            message: Some("no".into()),
        };
        assert!(decrypt_token(&refused, &visitor).is_err());
        assert!(!is_token("short") && !is_token(&"x".repeat(31)) && !is_token(&"é".repeat(16)));
    }
}
