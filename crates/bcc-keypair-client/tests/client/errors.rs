//! Service error decoding (`errors.md` §1), the error kinds, `Display` and `source()`.

use std::error::Error as _;

use bcc_keypair_client::operation::service_error;
use bcc_keypair_client::test_util::json_response;
use bcc_keypair_client::{Error, ServiceError, TransportError, TransportErrorKind};
use bcc_keypair_model::{ErrorCode, KeypairDescription, KeypairName, PublicKey};
use bytes::Bytes;

fn response(status: u16, request_id: Option<&str>, body: &str) -> http::Response<Bytes> {
    let mut response = json_response(status, request_id.unwrap_or(""), body);
    if request_id.is_none() {
        response.headers_mut().remove("x-bce-request-id");
    }
    response
}

/// (status, `x-bce-request-id` header, body) → (code, message, request id).
type ErrorCase = (
    u16,
    Option<&'static str>,
    &'static str,
    ErrorCode,
    &'static str,
    Option<&'static str>,
);

#[test]
fn error_bodies_decode_to_status_code_message_and_request_id() {
    for (status, header_id, body, code, message, request_id) in documented_error_bodies()
        .iter()
        .chain(&bodies_without_a_code())
    {
        let error = service_error(&response(*status, *header_id, body));
        assert_eq!(
            error,
            ServiceError::new(
                *status,
                code.clone(),
                *message,
                request_id.map(str::to_owned)
            ),
            "status {status}, body {body:?}"
        );
    }
}

/// The documented three-field bodies.
fn documented_error_bodies() -> Vec<ErrorCase> {
    vec![
        // The documented three-field body; the body's requestId wins over the header.
        (
            404,
            Some("hdr"),
            r#"{"requestId":"1234","code":"Keypair.KeypairNotExist","message":"Keypair not exist."}"#,
            ErrorCode::KeypairNotExist,
            "Keypair not exist.",
            Some("1234"),
        ),
        // errors.md §1 example: a code this crate does not know is kept as text.
        (
            404,
            None,
            r#"{"requestId" : "ae2225f7-1c2e-427a-a1ad-5413b762957d", "code" : "NoSuchKey", "message" : "The resource you requested does not exist"}"#,
            ErrorCode::Unknown("NoSuchKey".to_owned()),
            "The resource you requested does not exist",
            Some("ae2225f7-1c2e-427a-a1ad-5413b762957d"),
        ),
        (
            413,
            Some("q"),
            r#"{"requestId":"","code":"Keypair.KeypairQuotaExceedLimit","message":"Keypair number exceeds the limit."}"#,
            ErrorCode::KeypairQuotaExceedLimit,
            "Keypair number exceeds the limit.",
            Some("q"),
        ),
        (
            400,
            None,
            r#"{"requestId":"r","code":"RequestExpired","message":"Request has expired. Timestamp date is 2026-11-24T10:19:55Z."}"#,
            ErrorCode::RequestExpired,
            "Request has expired. Timestamp date is 2026-11-24T10:19:55Z.",
            Some("r"),
        ),
    ]
}

/// Not the three-field JSON: still a service error, code from the status (Go rule).
fn bodies_without_a_code() -> Vec<ErrorCase> {
    vec![
        (
            400,
            Some("h400"),
            "",
            ErrorCode::InvalidHttpRequest,
            "Bad Request",
            Some("h400"),
        ),
        (403, None, "", ErrorCode::AccessDenied, "Forbidden", None),
        (
            412,
            None,
            "",
            ErrorCode::PreconditionFailed,
            "Precondition Failed",
            None,
        ),
        (
            500,
            Some("h500"),
            r#"{"message":"boom"}"#,
            ErrorCode::InternalError,
            r#"{"message":"boom"}"#,
            Some("h500"),
        ),
        (
            502,
            Some("h502"),
            "<html>\n  <body>Bad Gateway</body>\n</html>",
            ErrorCode::Unknown("BadGateway".to_owned()),
            "<html> <body>Bad Gateway</body> </html>",
            Some("h502"),
        ),
        (
            503,
            None,
            "",
            ErrorCode::Unknown("ServiceUnavailable".to_owned()),
            "Service Unavailable",
            None,
        ),
        (
            404,
            None,
            "[1,2]",
            ErrorCode::Unknown("NotFound".to_owned()),
            "[1,2]",
            None,
        ),
    ]
}

#[test]
fn a_long_unparsable_body_is_cut_in_the_message() {
    let body = "x".repeat(5000);
    let error = service_error(&response(503, None, &body));
    assert!(
        error.message.chars().count() <= 201,
        "{}",
        error.message.len()
    );
    assert!(error.message.ends_with('…'));
}

#[test]
fn service_error_display_reads_on_its_own() {
    let error = ServiceError::new(
        404,
        ErrorCode::KeypairNotExist,
        "Keypair not exist.",
        Some("1234".to_owned()),
    );
    assert_eq!(
        error.to_string(),
        "Keypair.KeypairNotExist (404): Keypair not exist. [request id 1234]"
    );
    let without_id = ServiceError::new(
        503,
        ErrorCode::Unknown("ServiceUnavailable".into()),
        "Service Unavailable",
        None,
    );
    assert_eq!(
        without_id.to_string(),
        "ServiceUnavailable (503): Service Unavailable"
    );
    let wrapped = Error::from(error);
    assert_eq!(
        wrapped.to_string(),
        "Keypair.KeypairNotExist (404): Keypair not exist. [request id 1234]"
    );
    assert_eq!(wrapped.request_id(), Some("1234"));
    assert_eq!(wrapped.code(), Some(&ErrorCode::KeypairNotExist));
}

#[test]
fn invalid_inputs_are_refused_with_the_service_code() {
    // The validated types cannot be built from bad input, so nothing can be sent; the error
    // carries the code the service would answer (keypair-api.md §5, errors.md §3).
    let cases: Vec<(Error, ErrorCode)> = vec![
        (
            KeypairName::new("1starts-with-digit")
                .map(|_| ())
                .expect_err("name")
                .into(),
            ErrorCode::KeypairNameInvalid,
        ),
        (
            KeypairName::new("has space")
                .map(|_| ())
                .expect_err("name")
                .into(),
            ErrorCode::KeypairNameInvalid,
        ),
        (
            KeypairName::new("a".repeat(66))
                .map(|_| ())
                .expect_err("name")
                .into(),
            ErrorCode::KeypairNameInvalid,
        ),
        (
            KeypairDescription::new("d".repeat(141))
                .map(|_| ())
                .expect_err("desc")
                .into(),
            ErrorCode::KeypairDescriptionInvalid,
        ),
        (
            PublicKey::parse("ssh-rsa AAAA")
                .map(|_| ())
                .expect_err("key")
                .into(),
            ErrorCode::PublicKeyFormatInvalid,
        ),
        (
            PublicKey::parse("").map(|_| ()).expect_err("key").into(),
            ErrorCode::PublicKeyFormatInvalid,
        ),
    ];
    for (error, code) in cases {
        assert!(matches!(error, Error::Validation { .. }), "{error:?}");
        assert_eq!(error.code(), Some(&code));
        assert!(error.to_string().starts_with(code.as_str()), "{error}");
        assert!(error.source().is_some(), "the model's reason is the source");
    }
}

#[test]
fn transport_errors_keep_their_cause_and_retry_safety() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
    let error =
        TransportError::new(TransportErrorKind::Connect, "connection refused").with_source(io);
    assert!(error.is_retry_safe());
    assert!(!error.may_have_been_delivered());
    let wrapped = Error::from(error);
    assert_eq!(wrapped.to_string(), "could not connect: connection refused");
    assert_eq!(wrapped.code(), None);
    let source = wrapped.source().expect("io cause");
    assert_eq!(source.to_string(), "connection refused");

    let kinds = [
        (TransportErrorKind::Connect, true, false),
        (TransportErrorKind::Timeout, false, true),
        (TransportErrorKind::Interrupted, false, true),
        (TransportErrorKind::InvalidRequest, false, false),
        (TransportErrorKind::Other, false, true),
    ];
    for (kind, retry_safe, maybe_delivered) in kinds {
        let error = TransportError::new(kind, "");
        assert_eq!(
            (error.is_retry_safe(), error.may_have_been_delivered()),
            (retry_safe, maybe_delivered),
            "{kind:?}"
        );
    }
}
