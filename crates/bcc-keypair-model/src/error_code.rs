//! Every error code the key-pair service can return, with its HTTP status and message.
//!
//! This is the single place a wire code, its status and its default message are written
//! down (`errors.md` §2 for the BCE-wide codes, §3 for the key-pair codes). The simulator
//! renders [`ErrorCode`]s; the client parses them with [`ErrorCode::from_wire`], which never
//! fails: a code this crate does not know is kept as [`ErrorCode::Unknown`].

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A BCE error code as it appears in the `code` field of an error body (`errors.md` §1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `AccessDenied` (403): no permission, or no `Authorization` header at all.
    AccessDenied,
    /// `InappropriateJSON` (400): the JSON parses but a required item is missing or mistyped.
    InappropriateJson,
    /// `InternalError` (500): any failure not covered by a specific code.
    InternalError,
    /// `InvalidAccessKeyId` (403): the access key id is unknown.
    InvalidAccessKeyId,
    /// `InvalidHTTPAuthHeader` (400): the `Authorization` header is malformed.
    InvalidHttpAuthHeader,
    /// `InvalidHTTPRequest` (400): the HTTP request (body encoding, query values) is malformed.
    InvalidHttpRequest,
    /// `InvalidURI` (400): the path or action word cannot be routed.
    InvalidUri,
    /// `MalformedJSON` (400): the body is not a JSON object.
    MalformedJson,
    /// `InvalidVersion` (404): the API version segment of the path is not `v2`.
    InvalidVersion,
    /// `OptInRequired` (403): the service is not activated for the account.
    OptInRequired,
    /// `PreconditionFailed` (412): an `If-Match` precondition failed.
    PreconditionFailed,
    /// `RequestExpired` (400): the signature timestamp is outside the allowed window.
    ///
    /// Its message carries the request date; build it with
    /// [`ErrorCode::request_expired_message`].
    RequestExpired,
    /// `IdempotentParameterMismatch` (403): a client token was reused with other parameters.
    IdempotentParameterMismatch,
    /// `SignatureDoesNotMatch` (400): the signature does not verify.
    SignatureDoesNotMatch,
    /// `QualifyNotPass` (403): the account has not passed real-name certification.
    QualifyNotPass,
    /// `Keypair.KeypairNameInvalid` (400).
    KeypairNameInvalid,
    /// `Keypair.KeypairDescriptionInvalid` (400).
    KeypairDescriptionInvalid,
    /// `Keypair.KeypairQuotaExceedLimit` (413): the region already holds the maximum number.
    KeypairQuotaExceedLimit,
    /// `Keypair.KeypairPublicKeyExist` (400): the imported public key already exists.
    KeypairPublicKeyExist,
    /// `Keypair.PublicKeyFormatInvalid` (400): the public key is unparsable or of an unsupported type.
    PublicKeyFormatInvalid,
    /// `Keypair.KeypairNotExist` (404).
    KeypairNotExist,
    /// `Keypair.DeleteKeypairInUse` (403): the key pair is bound to an instance.
    DeleteKeypairInUse,
    /// `Keypair.UnsupportOsType` (403): an instance is not Linux.
    UnsupportOsType,
    /// `Keypair.InstanceStatusForbidden` (409): an instance is neither running nor stopped.
    InstanceStatusForbidden,
    /// `Keypair.AttachAttachedKeypair` (400): an instance is already bound to this key pair.
    AttachAttachedKeypair,
    /// `Keypair.InstanceNotExist` (404).
    InstanceNotExist,
    /// A code this crate does not know, kept verbatim so that nothing the service says is lost.
    Unknown(String),
}

impl ErrorCode {
    /// Every known code (everything except [`ErrorCode::Unknown`]), in `errors.md` order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::AccessDenied,
        ErrorCode::InappropriateJson,
        ErrorCode::InternalError,
        ErrorCode::InvalidAccessKeyId,
        ErrorCode::InvalidHttpAuthHeader,
        ErrorCode::InvalidHttpRequest,
        ErrorCode::InvalidUri,
        ErrorCode::MalformedJson,
        ErrorCode::InvalidVersion,
        ErrorCode::OptInRequired,
        ErrorCode::PreconditionFailed,
        ErrorCode::RequestExpired,
        ErrorCode::IdempotentParameterMismatch,
        ErrorCode::SignatureDoesNotMatch,
        ErrorCode::QualifyNotPass,
        ErrorCode::KeypairNameInvalid,
        ErrorCode::KeypairDescriptionInvalid,
        ErrorCode::KeypairQuotaExceedLimit,
        ErrorCode::KeypairPublicKeyExist,
        ErrorCode::PublicKeyFormatInvalid,
        ErrorCode::KeypairNotExist,
        ErrorCode::DeleteKeypairInUse,
        ErrorCode::UnsupportOsType,
        ErrorCode::InstanceStatusForbidden,
        ErrorCode::AttachAttachedKeypair,
        ErrorCode::InstanceNotExist,
    ];

    /// The code exactly as it appears on the wire, e.g. `"Keypair.KeypairNotExist"`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::AccessDenied => "AccessDenied",
            ErrorCode::InappropriateJson => "InappropriateJSON",
            ErrorCode::InternalError => "InternalError",
            ErrorCode::InvalidAccessKeyId => "InvalidAccessKeyId",
            ErrorCode::InvalidHttpAuthHeader => "InvalidHTTPAuthHeader",
            ErrorCode::InvalidHttpRequest => "InvalidHTTPRequest",
            ErrorCode::InvalidUri => "InvalidURI",
            ErrorCode::MalformedJson => "MalformedJSON",
            ErrorCode::InvalidVersion => "InvalidVersion",
            ErrorCode::OptInRequired => "OptInRequired",
            ErrorCode::PreconditionFailed => "PreconditionFailed",
            ErrorCode::RequestExpired => "RequestExpired",
            ErrorCode::IdempotentParameterMismatch => "IdempotentParameterMismatch",
            ErrorCode::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            ErrorCode::QualifyNotPass => "QualifyNotPass",
            ErrorCode::KeypairNameInvalid => "Keypair.KeypairNameInvalid",
            ErrorCode::KeypairDescriptionInvalid => "Keypair.KeypairDescriptionInvalid",
            ErrorCode::KeypairQuotaExceedLimit => "Keypair.KeypairQuotaExceedLimit",
            ErrorCode::KeypairPublicKeyExist => "Keypair.KeypairPublicKeyExist",
            ErrorCode::PublicKeyFormatInvalid => "Keypair.PublicKeyFormatInvalid",
            ErrorCode::KeypairNotExist => "Keypair.KeypairNotExist",
            ErrorCode::DeleteKeypairInUse => "Keypair.DeleteKeypairInUse",
            ErrorCode::UnsupportOsType => "Keypair.UnsupportOsType",
            ErrorCode::InstanceStatusForbidden => "Keypair.InstanceStatusForbidden",
            ErrorCode::AttachAttachedKeypair => "Keypair.AttachAttachedKeypair",
            ErrorCode::InstanceNotExist => "Keypair.InstanceNotExist",
            ErrorCode::Unknown(code) => code,
        }
    }

    /// The HTTP status the service answers with for this code (`errors.md` §2, §3).
    ///
    /// An [`ErrorCode::Unknown`] code has no documented status; it reports 500, the status
    /// of `InternalError`, because nothing better is known about it. A client that received
    /// an unknown code should trust the status line it actually got.
    pub fn status(&self) -> u16 {
        match self {
            ErrorCode::AccessDenied => 403,
            ErrorCode::InappropriateJson => 400,
            ErrorCode::InternalError => 500,
            ErrorCode::InvalidAccessKeyId => 403,
            ErrorCode::InvalidHttpAuthHeader => 400,
            ErrorCode::InvalidHttpRequest => 400,
            ErrorCode::InvalidUri => 400,
            ErrorCode::MalformedJson => 400,
            ErrorCode::InvalidVersion => 404,
            ErrorCode::OptInRequired => 403,
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::RequestExpired => 400,
            ErrorCode::IdempotentParameterMismatch => 403,
            ErrorCode::SignatureDoesNotMatch => 400,
            ErrorCode::QualifyNotPass => 403,
            ErrorCode::KeypairNameInvalid => 400,
            ErrorCode::KeypairDescriptionInvalid => 400,
            ErrorCode::KeypairQuotaExceedLimit => 413,
            ErrorCode::KeypairPublicKeyExist => 400,
            ErrorCode::PublicKeyFormatInvalid => 400,
            ErrorCode::KeypairNotExist => 404,
            ErrorCode::DeleteKeypairInUse => 403,
            ErrorCode::UnsupportOsType => 403,
            ErrorCode::InstanceStatusForbidden => 409,
            ErrorCode::AttachAttachedKeypair => 400,
            ErrorCode::InstanceNotExist => 404,
            ErrorCode::Unknown(_) => 500,
        }
    }

    /// The message the service sends with this code (`errors.md` §2 corrected wording, §3).
    ///
    /// For [`ErrorCode::RequestExpired`] this is the template with a literal `<date>`
    /// placeholder, as printed in `errors.md`; a server should send
    /// [`ErrorCode::request_expired_message`] instead. For [`ErrorCode::Unknown`] it is the
    /// `InternalError` message, matching [`ErrorCode::status`].
    pub fn default_message(&self) -> &str {
        match self {
            ErrorCode::AccessDenied => "Access denied.",
            ErrorCode::InappropriateJson => {
                "The JSON you provided was well-formed and valid, but not appropriate for this operation."
            }
            ErrorCode::InternalError => "We encountered an internal error. Please try again.",
            ErrorCode::InvalidAccessKeyId => {
                "The Access Key ID you provided does not exist in our records."
            }
            ErrorCode::InvalidHttpAuthHeader => {
                "The HTTP authorization header is invalid. Consult the service documentation for details."
            }
            ErrorCode::InvalidHttpRequest => "There was an error in the body of your HTTP request.",
            ErrorCode::InvalidUri => "Could not parse the specified URI.",
            ErrorCode::MalformedJson => "The JSON you provided was not well-formed.",
            ErrorCode::InvalidVersion => "The API version specified was invalid.",
            ErrorCode::OptInRequired => "A subscription for the service is required.",
            ErrorCode::PreconditionFailed => {
                "The specified If-Match header doesn't match the ETag header."
            }
            ErrorCode::RequestExpired => "Request has expired. Timestamp date is <date>.",
            ErrorCode::IdempotentParameterMismatch => {
                "The request uses the same client token as a previous, but non-identical request."
            }
            ErrorCode::SignatureDoesNotMatch => {
                "The request signature we calculated does not match the signature you provided. \
                 Check your Secret Access Key and signing method. Consult the service documentation \
                 for details."
            }
            ErrorCode::QualifyNotPass => "The User has not pass qualify.",
            ErrorCode::KeypairNameInvalid => "Keypair name is invalid.",
            ErrorCode::KeypairDescriptionInvalid => "Keypair description is invalid.",
            ErrorCode::KeypairQuotaExceedLimit => "Keypair number exceeds the limit.",
            ErrorCode::KeypairPublicKeyExist => "Keypair already exist.",
            ErrorCode::PublicKeyFormatInvalid => "Public key format is invalid.",
            ErrorCode::KeypairNotExist => "Keypair not exist.",
            ErrorCode::DeleteKeypairInUse => "Keypair is in use.",
            ErrorCode::UnsupportOsType => "Unsupported os type, only linux supported.",
            ErrorCode::InstanceStatusForbidden => "Instance not in running or stopped status.",
            ErrorCode::AttachAttachedKeypair => "Can not attach to an attached keypair.",
            ErrorCode::InstanceNotExist => "Instance not exist.",
            ErrorCode::Unknown(_) => "We encountered an internal error. Please try again.",
        }
    }

    /// The `RequestExpired` message for a request dated `date` (`errors.md` §2):
    /// `Request has expired. Timestamp date is <date>.`
    ///
    /// `date` is the request's `x-bce-date` (or its `Date` header converted to
    /// `YYYY-MM-DDThh:mm:ssZ`); it is inserted as given.
    pub fn request_expired_message(date: &str) -> String {
        format!("Request has expired. Timestamp date is {date}.")
    }

    /// The code a client gives an error response whose body names none: empty, HTML from
    /// a proxy, JSON without `code` (`errors.md` §1, the Go SDK's rule). 400 is
    /// `InvalidHTTPRequest`, 403 `AccessDenied`, 412 `PreconditionFailed`, 500
    /// `InternalError`; any other status becomes [`ErrorCode::Unknown`] holding its reason
    /// phrase without spaces (`Service Unavailable` gives `ServiceUnavailable`), or
    /// `Http<status>` when the status has no reason phrase.
    ///
    /// `reason_phrase` is the status's canonical reason (`http::StatusCode::canonical_reason`);
    /// this crate has no HTTP dependency to look it up itself.
    pub fn for_status(status: u16, reason_phrase: Option<&str>) -> ErrorCode {
        match status {
            400 => ErrorCode::InvalidHttpRequest,
            403 => ErrorCode::AccessDenied,
            412 => ErrorCode::PreconditionFailed,
            500 => ErrorCode::InternalError,
            _ => ErrorCode::Unknown(reason_phrase.map_or_else(
                || format!("Http{status}"),
                |reason| reason.split_whitespace().collect(),
            )),
        }
    }

    /// Parses a wire code. Never fails: an unrecognised code becomes [`ErrorCode::Unknown`].
    ///
    /// Matching is exact (case-sensitive), as the service spells codes one way only.
    pub fn from_wire(code: &str) -> ErrorCode {
        match code {
            "AccessDenied" => ErrorCode::AccessDenied,
            "InappropriateJSON" => ErrorCode::InappropriateJson,
            "InternalError" => ErrorCode::InternalError,
            "InvalidAccessKeyId" => ErrorCode::InvalidAccessKeyId,
            "InvalidHTTPAuthHeader" => ErrorCode::InvalidHttpAuthHeader,
            "InvalidHTTPRequest" => ErrorCode::InvalidHttpRequest,
            "InvalidURI" => ErrorCode::InvalidUri,
            "MalformedJSON" => ErrorCode::MalformedJson,
            "InvalidVersion" => ErrorCode::InvalidVersion,
            "OptInRequired" => ErrorCode::OptInRequired,
            "PreconditionFailed" => ErrorCode::PreconditionFailed,
            "RequestExpired" => ErrorCode::RequestExpired,
            "IdempotentParameterMismatch" => ErrorCode::IdempotentParameterMismatch,
            "SignatureDoesNotMatch" => ErrorCode::SignatureDoesNotMatch,
            "QualifyNotPass" => ErrorCode::QualifyNotPass,
            "Keypair.KeypairNameInvalid" => ErrorCode::KeypairNameInvalid,
            "Keypair.KeypairDescriptionInvalid" => ErrorCode::KeypairDescriptionInvalid,
            "Keypair.KeypairQuotaExceedLimit" => ErrorCode::KeypairQuotaExceedLimit,
            "Keypair.KeypairPublicKeyExist" => ErrorCode::KeypairPublicKeyExist,
            "Keypair.PublicKeyFormatInvalid" => ErrorCode::PublicKeyFormatInvalid,
            "Keypair.KeypairNotExist" => ErrorCode::KeypairNotExist,
            "Keypair.DeleteKeypairInUse" => ErrorCode::DeleteKeypairInUse,
            "Keypair.UnsupportOsType" => ErrorCode::UnsupportOsType,
            "Keypair.InstanceStatusForbidden" => ErrorCode::InstanceStatusForbidden,
            "Keypair.AttachAttachedKeypair" => ErrorCode::AttachAttachedKeypair,
            "Keypair.InstanceNotExist" => ErrorCode::InstanceNotExist,
            other => ErrorCode::Unknown(other.to_owned()),
        }
    }

    /// `true` for every code except [`ErrorCode::Unknown`].
    pub fn is_known(&self) -> bool {
        !matches!(self, ErrorCode::Unknown(_))
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorCode {
    type Err = Infallible;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Ok(ErrorCode::from_wire(code))
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        ErrorCode::from_wire(code)
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(ErrorCode::from_wire(&code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips_through_its_wire_string() {
        for code in ErrorCode::ALL {
            assert!(code.is_known());
            assert_eq!(&ErrorCode::from_wire(code.as_str()), code);
            assert_eq!(code.to_string(), code.as_str());
        }
    }

    #[test]
    fn unknown_codes_are_kept_verbatim() {
        let code = ErrorCode::from_wire("NoSuchKey");
        assert_eq!(code, ErrorCode::Unknown("NoSuchKey".to_owned()));
        assert_eq!(code.as_str(), "NoSuchKey");
        assert!(!code.is_known());
        assert_eq!(code.status(), 500);
        // Matching is exact: a differently cased known code is not that code.
        assert!(!ErrorCode::from_wire("malformedjson").is_known());
    }

    #[test]
    fn a_status_without_a_code_in_the_body_gets_the_go_sdk_code() {
        let check = |status: u16, reason: Option<&str>, expected: ErrorCode| {
            assert_eq!(ErrorCode::for_status(status, reason), expected, "{status}");
        };
        check(400, Some("Bad Request"), ErrorCode::InvalidHttpRequest);
        check(403, Some("Forbidden"), ErrorCode::AccessDenied);
        check(
            412,
            Some("Precondition Failed"),
            ErrorCode::PreconditionFailed,
        );
        check(500, None, ErrorCode::InternalError);
        let unknown = |code: &str| ErrorCode::Unknown(code.to_owned());
        check(404, Some("Not Found"), unknown("NotFound"));
        check(
            503,
            Some("Service Unavailable"),
            unknown("ServiceUnavailable"),
        );
        check(502, Some("Bad Gateway"), unknown("BadGateway"));
        check(599, None, unknown("Http599"));
    }

    #[test]
    fn request_expired_message_inserts_the_date() {
        assert_eq!(
            ErrorCode::request_expired_message("2026-11-24T10:00:00Z"),
            "Request has expired. Timestamp date is 2026-11-24T10:00:00Z."
        );
    }
}
