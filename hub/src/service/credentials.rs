//! What an account is identified and proven by: email addresses (normalised, refused when they
//! could not be mailed or hide invisible characters), the password rules, and the one-time
//! tokens of mailed links (only their SHA-256 is stored; valid once and for a limited time).
//! Hashing itself is `crate::hashing`.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::service::lookalike;
use crate::store::{self, AnyConnection};

/// Longest password accepted, in characters (argon2 would take more; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Token kind of email verification links.
pub(crate) const TOKEN_EMAIL: &str = "email";
/// Token kind of password reset links.
pub(crate) const TOKEN_RESET: &str = "reset";

/// Normalises (trim, NFC, lowercase) and checks an email address: it must be one the mailer
/// can deliver to (`mail::recipient`) and contain no invisible or bidi characters.
pub fn normalize_email(raw: &str) -> Result<String> {
    let invalid = || Error::invalid("email", "Please enter a valid email address.");
    let trimmed = raw.trim();
    if lookalike::has_invisible(trimmed) {
        return Err(Error::invalid(
            "email",
            "This email address contains invisible or direction-changing characters.",
        ));
    }
    let email = lookalike::nfc(trimmed).to_lowercase();
    if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
        return Err(invalid());
    }
    if email.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    if crate::mail::recipient(&email).is_none() {
        return Err(invalid());
    }
    Ok(email)
}

/// Checks a new password against the account rules.
pub fn check_password(password: &str, min_len: usize, email: &str) -> Result<()> {
    let n = password.chars().count();
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("Passwords may be at most {MAX_PASSWORD_CHARS} characters long."),
        ));
    }
    if n < min_len {
        return Err(Error::invalid(
            "password",
            format!("Please choose a password of at least {min_len} characters."),
        ));
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_other = password.chars().any(|c| !c.is_alphabetic());
    let distinct = password
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len();
    let lower = password.to_lowercase();
    if !has_letter
        || !has_other
        || distinct < 5
        || lower == email
        || COMMON.contains(&lower.as_str())
    {
        return Err(Error::invalid(
            "password",
            "This password is too easy to guess. Mix letters with digits or symbols.",
        ));
    }
    Ok(())
}

/// A few passwords that pass the length rule but are guessed first.
const COMMON: &[&str] = &[
    "password123",
    "password1234",
    "qwerty12345",
    "1234567890a",
    "iloveyou123",
    "welcome1234",
    "letmein1234",
    "password!23",
];

/// A random URL-safe token and the hash stored for it.
pub(crate) fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Looks up a one-time token without using it: unknown, used and expired tokens are refused
/// with a message that says which.
pub(crate) fn check_token(
    conn: &mut AnyConnection,
    kind: &'static str,
    token: &str,
    now: chrono::NaiveDateTime,
) -> Result<store::account::Token> {
    let invalid = |reason: &str| Error::invalid("token", reason.to_string());
    if token.is_empty() || token.len() > 128 {
        return Err(invalid("This link is not valid."));
    }
    let row = store::account::find_token(conn, kind, &token_hash(token))?
        .ok_or_else(|| invalid("This link is not valid."))?;
    if row.verify_used {
        return Err(invalid("This link was already used."));
    }
    if row.verify_expires <= now {
        return Err(invalid(
            "This link has expired. Ask for a new one (logging in sends a new verification link).",
        ));
    }
    Ok(row)
}

/// Checks and uses up a one-time token; returns its account. A concurrent second use loses.
pub(crate) fn consume_token(
    conn: &mut AnyConnection,
    kind: &'static str,
    token: &str,
    now: chrono::NaiveDateTime,
) -> Result<i64> {
    let row = check_token(conn, kind, token, now)?;
    if !store::account::update_token_used(conn, row.id)? {
        return Err(Error::invalid("token", "This link was already used."));
    }
    Ok(row.verify_account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_malformed_ones_refused() {
        assert_eq!(
            normalize_email(" Alice@Example.ORG ").unwrap(),
            "alice@example.org"
        );
        for bad in [
            "",
            "alice",
            "@example.org",
            "alice@",
            "al ice@example.org",
            "a@b@",
            "a@.x",
            "\"<script>alert(1)</script>\"@example.org",
            "a@[127.0.0.1]",
            "admin@example.org\u{200B}",
            "ad\u{202E}min@example.org",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(normalize_email(&long).is_err());
        assert_eq!(
            normalize_email("Zoe\u{0308}@example.org").unwrap(),
            "zo\u{00EB}@example.org"
        );
    }

    #[test]
    fn weak_and_overlong_passwords_are_refused() {
        assert!(check_password("Correct-Horse-42", 10, "a@b.c").is_ok());
        assert!(check_password("short1!", 10, "a@b.c").is_err());
        assert!(check_password("aaaaaaaaaaaa", 10, "a@b.c").is_err());
        assert!(check_password("abcdefghijkl", 10, "a@b.c").is_err());
        assert!(check_password("password123", 10, "a@b.c").is_err());
        assert!(check_password(&"Ab1".repeat(100), 10, "a@b.c").is_err());
    }

    #[test]
    fn tokens_hash_stably_and_differ() {
        let (t1, h1) = new_token();
        let (t2, _) = new_token();
        assert_ne!(t1, t2);
        assert_eq!(token_hash(&t1), h1);
        assert_eq!(t1.len(), 43);
    }
}
