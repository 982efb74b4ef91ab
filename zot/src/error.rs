//! `zot::Error`: everything that can go wrong while parsing, verifying, signing or decrypting.
//! No HTTP status codes here; the hub maps these to responses.

/// A protocol error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input could not be decoded (base64, PEM, JSON, a header); `what` names the part.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// Which part of the input.
        what: &'static str,
        /// Why it was rejected.
        detail: String,
    },
    /// A key was rejected (wrong type, wrong size, corrupt).
    #[error("unusable key: {0}")]
    BadKey(String),
    /// A signature did not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// An algorithm name we do not implement.
    #[error("unsupported algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// A signed date lies too far from now.
    #[error("signature date outside the accepted window")]
    Expired,
    /// Ciphertext did not decrypt (wrong key, truncated or altered data); names the layer.
    #[error("cannot decrypt ({0})")]
    Decrypt(&'static str),
    /// The crypto library failed to produce output (key generation, signing).
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
}

impl Error {
    /// Shorthand for [`Error::Malformed`].
    pub fn malformed(what: &'static str, detail: impl Into<String>) -> Self {
        Self::Malformed {
            what,
            detail: detail.into(),
        }
    }

    /// Whether the input was rejected as an authentication failure (bad signature or key).
    pub fn is_authentication(&self) -> bool {
        matches!(self, Self::BadSignature | Self::BadKey(_))
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
