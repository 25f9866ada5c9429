//! The two error types of the crate: one for signing, one for verifying.

/// Why a request could not be signed.
///
/// Signing fails only on input that could not produce a well-formed
/// `Authorization` header (or, in the `http` adapter, a valid header value).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The access key id is empty or contains `/` or a control character; it
    /// would make the `Authorization` value unparseable (auth-v1.md §1).
    #[error("access key id must be non-empty text without '/' or control characters")]
    InvalidAccessKeyId,
    /// The HTTP method is not an RFC 9110 token.
    #[error("HTTP method {method:?} is not a valid token")]
    InvalidMethod {
        /// The method as given.
        method: String,
    },
    /// A header chosen for signing has a name that is not an RFC 9110 token
    /// (after trimming); it could not appear in the `signedHeaders` field.
    #[error("header name {name:?} is not a valid token and cannot be signed")]
    InvalidHeaderName {
        /// The header name as given.
        name: String,
    },
    /// A header value is not UTF-8, or a computed header value cannot be
    /// written into an `http::HeaderValue`.
    #[error("header {name:?} has a value that cannot be signed or sent")]
    InvalidHeaderValue {
        /// The header name.
        name: String,
    },
    /// The expiration period is zero; verifiers require a positive integer
    /// (auth-v1.md §8 step 2).
    #[error("expiration period must be at least one second")]
    InvalidExpiration,
    /// The signing time cannot be written as `YYYY-MM-DDThh:mm:ssZ`.
    #[error("signing time year {year} is outside 0000..=9999")]
    TimestampOutOfRange {
        /// The year of the rejected time.
        year: i32,
    },
    /// The request URI cannot be turned into a signable path and query
    /// (for example, it percent-decodes to bytes that are not UTF-8).
    #[error("request URI cannot be signed: {reason}")]
    InvalidUri {
        /// What is wrong with the URI.
        reason: String,
    },
}

/// Why a request failed verification. Each variant names the BCE error code a
/// server answers with ([`VerifyError::code`]); see errors.md §2 and §4.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Neither an `Authorization` header nor an `authorization` query
    /// parameter is present. Code `AccessDenied` (errors.md §4 row 1).
    #[error("the request carries no Authorization header")]
    MissingAuthorization,
    /// The auth string is not `bce-auth-v1/{ak}/{timestamp}/{expiration}/{signedHeaders}/{signature}`.
    /// Code `InvalidHTTPAuthHeader` (errors.md §4 row 2).
    #[error("malformed Authorization header: {reason}")]
    MalformedAuthorization {
        /// Which rule the header broke.
        reason: String,
    },
    /// The access key is unknown, or the session token is missing, unknown or
    /// belongs to other credentials. Code `InvalidAccessKeyId` (errors.md §4 row 3).
    #[error("access key id {access_key_id:?} (or its session token) is not known")]
    UnknownAccessKey {
        /// The access key id from the auth string.
        access_key_id: String,
    },
    /// The request is outside its validity window. Code `RequestExpired`
    /// (errors.md §4 row 4).
    #[error("request has expired; timestamp date is {timestamp}")]
    Expired {
        /// The date shown in the `RequestExpired` message (errors.md §2): the
        /// request's `x-bce-date`, else its `Date` converted to
        /// `YYYY-MM-DDThh:mm:ssZ`, else the auth-string timestamp.
        timestamp: String,
    },
    /// No candidate canonical request (auth-v1.md §8 step 5) reproduces the
    /// signature. Code `SignatureDoesNotMatch` (errors.md §4 row 5).
    #[error("the request signature does not match")]
    SignatureMismatch {
        /// The primary canonical request the verifier computed, for
        /// diagnostics; a session token in it reads `**redacted**`.
        canonical_request: String,
    },
}

impl VerifyError {
    /// The BCE wire error code for this failure (errors.md §2).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthorization => "AccessDenied",
            Self::MalformedAuthorization { .. } => "InvalidHTTPAuthHeader",
            Self::UnknownAccessKey { .. } => "InvalidAccessKeyId",
            Self::Expired { .. } => "RequestExpired",
            Self::SignatureMismatch { .. } => "SignatureDoesNotMatch",
        }
    }

    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        Self::MalformedAuthorization {
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_names_its_wire_code() {
        let cases = [
            (VerifyError::MissingAuthorization, "AccessDenied"),
            (VerifyError::malformed("x"), "InvalidHTTPAuthHeader"),
            (
                VerifyError::UnknownAccessKey {
                    access_key_id: "ak".to_owned(),
                },
                "InvalidAccessKeyId",
            ),
            (
                VerifyError::Expired {
                    timestamp: "2026-11-24T10:00:00Z".to_owned(),
                },
                "RequestExpired",
            ),
            (
                VerifyError::SignatureMismatch {
                    canonical_request: String::new(),
                },
                "SignatureDoesNotMatch",
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code, "{error}");
        }
        let expired = VerifyError::Expired {
            timestamp: "2026-11-24T10:00:00Z".to_owned(),
        };
        assert_eq!(
            expired.to_string(),
            "request has expired; timestamp date is 2026-11-24T10:00:00Z"
        );
    }
}
