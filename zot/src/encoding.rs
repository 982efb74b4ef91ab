//! Base64 variants as Hubzilla uses them (zot6.md §1.8): base64url without padding for ids and
//! simple signatures, decoded leniently (padded or not, like PHP), and standard base64.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

use crate::error::{Error, Result};

/// base64url without padding.
pub fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Decodes base64url, with or without padding; also accepts the standard alphabet, as PHP's
/// translate-then-decode does.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    STANDARD_NO_PAD
        .decode(cleaned.as_bytes())
        .map_err(|e| Error::malformed("base64url", e.to_string()))
}

/// Standard base64 with padding.
pub fn b64(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// Decodes standard base64 (padding optional, surrounding whitespace ignored).
pub fn b64_decode(text: &str) -> Result<Vec<u8>> {
    STANDARD_NO_PAD
        .decode(text.trim().trim_end_matches('=').as_bytes())
        .map_err(|e| Error::malformed("base64", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variant_round_trips_and_decodes_leniently() {
        let data = [0xfbu8, 0xff, 0xfe, 0x00, 0x10];
        let enc = b64url(&data);
        assert!(!enc.contains('=') && !enc.contains('+') && !enc.contains('/'));
        assert_eq!(b64url_decode(&enc).unwrap(), data);
        assert_eq!(b64url_decode(&format!("{enc}==")).unwrap(), data);
        assert_eq!(b64url_decode(&b64(&data)).unwrap(), data);
        assert!(b64url_decode("a").is_err());
        assert!(b64url_decode("@@@@").is_err());
    }
}
