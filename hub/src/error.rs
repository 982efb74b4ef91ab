//! The hub's one error type: a kind that is safe to show to the client, the full cause for the
//! log, and the place it was raised. Rendering to HTTP lives in `http::errors`.

use std::panic::Location;

/// What went wrong, as far as the client may know. Each kind has a status, a stable code and
/// a message that never contains internal details.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The thing asked for does not exist (or the viewer may not know it exists).
    NotFound,
    /// The action needs a logged-in account.
    NotLoggedIn,
    /// The viewer may not do this; the reason is safe to show.
    Forbidden(&'static str),
    /// A field of the input is not acceptable.
    Invalid {
        /// Form field name.
        field: &'static str,
        /// Human-readable reason, safe to show.
        reason: String,
    },
    /// The input collides with existing data (duplicate email or nickname).
    Conflict {
        /// Form field name.
        field: &'static str,
        /// Human-readable reason, safe to show.
        reason: String,
    },
    /// A signature or credential from another server did not verify; the reason is safe to show.
    Unauthorized(&'static str),
    /// Another server answered wrongly or not at all (discovery, delivery); safe to show.
    Remote(&'static str),
    /// The request could not be read (malformed query, path, form or body); the reason is
    /// safe to show.
    BadRequest(&'static str),
    /// The URL exists but not for this method.
    MethodNotAllowed {
        /// The methods it does answer, for the `Allow` header.
        allow: String,
    },
    /// The client took too long to send the request.
    Timeout,
    /// The request body is larger than the hub accepts.
    TooLarge,
    /// Too many attempts from this client; try later.
    RateLimited,
    /// Anything else: a bug or a broken dependency. Details go to the log only.
    Internal,
}

impl ErrorKind {
    /// HTTP status code for this kind.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::NotLoggedIn => 401,
            Self::Forbidden(_) => 403,
            Self::Invalid { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::Unauthorized(_) => 401,
            Self::Remote(_) => 502,
            Self::BadRequest(_) => 400,
            Self::MethodNotAllowed { .. } => 405,
            Self::Timeout => 408,
            Self::TooLarge => 413,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }

    /// Stable snake_case code for JSON clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::NotLoggedIn => "not_logged_in",
            Self::Forbidden(_) => "forbidden",
            Self::Invalid { .. } => "invalid",
            Self::Conflict { .. } => "conflict",
            Self::Unauthorized(_) => "unauthorized",
            Self::Remote(_) => "remote_failed",
            Self::BadRequest(_) => "bad_request",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Timeout => "timeout",
            Self::TooLarge => "too_large",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
        }
    }

    /// A message that is safe to show to anybody.
    pub fn safe_message(&self) -> String {
        match self {
            Self::NotFound => "Not found.".into(),
            Self::NotLoggedIn => "Please log in first.".into(),
            Self::Forbidden(why) => (*why).into(),
            Self::Invalid { reason, .. } | Self::Conflict { reason, .. } => reason.clone(),
            Self::BadRequest(why) | Self::Unauthorized(why) | Self::Remote(why) => (*why).into(),
            Self::MethodNotAllowed { allow } => {
                format!("This address does not answer this method (it answers {allow}).")
            }
            Self::Timeout => "The request took too long to arrive.".into(),
            Self::TooLarge => "The request is too large.".into(),
            Self::RateLimited => "Too many attempts. Please wait a little and try again.".into(),
            Self::Internal => "Something went wrong on our side. It has been logged.".into(),
        }
    }

    /// The form field the error is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } | Self::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// A hub error: kind for the client, cause and location for the log.
#[derive(Debug)]
pub struct Error {
    /// What the client is told.
    pub kind: ErrorKind,
    /// The underlying cause, never shown to the client.
    pub source: Option<anyhow::Error>,
    /// Where the error was raised or converted.
    pub at: &'static Location<'static>,
}

/// Result with the hub's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of the given kind without a cause.
    #[track_caller]
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            source: None,
            at: Location::caller(),
        }
    }

    /// `Invalid` for a field.
    #[track_caller]
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid {
            field,
            reason: reason.into(),
        })
    }

    /// `Conflict` for a field.
    #[track_caller]
    pub fn conflict(field: &'static str, reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict {
            field,
            reason: reason.into(),
        })
    }

    /// An internal error with a cause.
    #[track_caller]
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            kind: ErrorKind::Internal,
            source: Some(cause.into()),
            at: Location::caller(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.kind.code(), self.at)?;
        if let Some(src) = &self.source {
            write!(f, ": {src:#}")?;
        }
        Ok(())
    }
}

impl From<diesel::result::Error> for Error {
    #[track_caller]
    fn from(e: diesel::result::Error) -> Self {
        let kind = match &e {
            diesel::result::Error::NotFound => ErrorKind::NotFound,
            _ => ErrorKind::Internal,
        };
        Self {
            kind,
            source: Some(e.into()),
            at: Location::caller(),
        }
    }
}

impl From<zot::Error> for Error {
    /// Protocol errors are the peer's fault, not ours: a signature that does not verify is
    /// `Unauthorized`, undecodable input `BadRequest`; only a failing crypto library is internal.
    #[track_caller]
    fn from(e: zot::Error) -> Self {
        let kind = match &e {
            zot::Error::BadSignature | zot::Error::BadKey(_) | zot::Error::Expired => {
                ErrorKind::Unauthorized("signature invalid")
            }
            zot::Error::Malformed { .. } => ErrorKind::BadRequest("malformed message"),
            zot::Error::UnsupportedAlgorithm(_) => ErrorKind::BadRequest("unsupported algorithm"),
            zot::Error::Decrypt(_) => ErrorKind::BadRequest("cannot decrypt"),
            _ => ErrorKind::Internal,
        };
        Self {
            kind,
            source: Some(e.into()),
            at: Location::caller(),
        }
    }
}

impl From<anyhow::Error> for Error {
    #[track_caller]
    fn from(e: anyhow::Error) -> Self {
        Self::internal(e)
    }
}

impl From<std::io::Error> for Error {
    #[track_caller]
    fn from(e: std::io::Error) -> Self {
        Self::internal(e)
    }
}

/// Adds `.context()` to results, turning any error into an internal hub error with a note.
pub trait ResultExt<T> {
    /// Wraps the error as `Internal` with a note on what was being done.
    #[track_caller]
    fn context(self, what: &'static str) -> Result<T>;
}

impl<T, E: Into<anyhow::Error>> ResultExt<T> for std::result::Result<T, E> {
    #[track_caller]
    fn context(self, what: &'static str) -> Result<T> {
        let at = Location::caller();
        self.map_err(|e| Error {
            kind: ErrorKind::Internal,
            source: Some(e.into().context(what)),
            at,
        })
    }
}
