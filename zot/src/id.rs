//! Identifiers (zot6.md §1.2, §1.4, §1.5): the channel guid, the portable id (xchan hash) and
//! the site id, all base64url(whirlpool(…)) without padding.

use whirlpool::{Digest, Whirlpool};

use crate::encoding::b64url;

fn whirlpool_b64url(parts: &[&[u8]]) -> String {
    let mut h = Whirlpool::new();
    for p in parts {
        h.update(p);
    }
    b64url(&h.finalize())
}

/// The portable id of a channel: base64url(whirlpool(guid . public key PEM)). The PEM must be
/// the exact text published (line breaks and trailing newline included); receivers always
/// recompute it (Hubzilla `Libzot::make_xchan_hash()`).
pub fn portable_id(guid: &str, public_key_pem: &str) -> String {
    whirlpool_b64url(&[guid.as_bytes(), public_key_pem.as_bytes()])
}

/// The site id of a hub: base64url(whirlpool(site URL . site public key PEM)).
pub fn site_id(site_url: &str, site_pubkey_pem: &str) -> String {
    whirlpool_b64url(&[site_url.as_bytes(), site_pubkey_pem.as_bytes()])
}

/// A new channel guid: base64url(whirlpool(base URL "/" nick "." random)). Only a claim; never
/// changes afterwards, even when the channel moves.
pub fn new_guid(base_url: &str, nickname: &str) -> String {
    let mut random = [0u8; 16];
    // A failure of the system RNG leaves zeros; the nickname and URL still make it distinct.
    let _ = aws_lc_rs::rand::fill(&mut random);
    let tail = u128::from_le_bytes(random).to_string();
    whirlpool_b64url(&[
        base_url.as_bytes(),
        b"/",
        nickname.as_bytes(),
        b".",
        tail.as_bytes(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_86_chars_and_unique() {
        let a = new_guid("https://hub.example", "alice");
        let b = new_guid("https://hub.example", "alice");
        assert_eq!(a.len(), 86);
        assert_ne!(a, b);
    }

    #[test]
    fn ids_depend_on_every_byte_of_the_pem() {
        let pem = "-----BEGIN PUBLIC KEY-----\nAQID\n-----END PUBLIC KEY-----\n";
        let id = portable_id("g", pem);
        assert_ne!(id, portable_id("g", pem.trim_end()));
        assert_eq!(id, portable_id("g", pem));
        assert_eq!(site_id("https://a", pem).len(), 86);
    }
}
