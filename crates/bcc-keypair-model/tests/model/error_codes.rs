//! `ErrorCode` against the tables of `errors.md` §2 and §3.

use bcc_keypair_model::{ErrorBody, ErrorCode};

/// (wire code, HTTP status, message) transcribed from `errors.md` §2 (corrected wording)
/// and §3, in document order.
const TABLE: &[(&str, u16, &str)] = &[
    ("AccessDenied", 403, "Access denied."),
    (
        "InappropriateJSON",
        400,
        "The JSON you provided was well-formed and valid, but not appropriate for this operation.",
    ),
    (
        "InternalError",
        500,
        "We encountered an internal error. Please try again.",
    ),
    (
        "InvalidAccessKeyId",
        403,
        "The Access Key ID you provided does not exist in our records.",
    ),
    (
        "InvalidHTTPAuthHeader",
        400,
        "The HTTP authorization header is invalid. Consult the service documentation for details.",
    ),
    (
        "InvalidHTTPRequest",
        400,
        "There was an error in the body of your HTTP request.",
    ),
    ("InvalidURI", 400, "Could not parse the specified URI."),
    (
        "MalformedJSON",
        400,
        "The JSON you provided was not well-formed.",
    ),
    (
        "InvalidVersion",
        404,
        "The API version specified was invalid.",
    ),
    (
        "OptInRequired",
        403,
        "A subscription for the service is required.",
    ),
    (
        "PreconditionFailed",
        412,
        "The specified If-Match header doesn't match the ETag header.",
    ),
    (
        "RequestExpired",
        400,
        "Request has expired. Timestamp date is <date>.",
    ),
    (
        "IdempotentParameterMismatch",
        403,
        "The request uses the same client token as a previous, but non-identical request.",
    ),
    (
        "SignatureDoesNotMatch",
        400,
        "The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method. Consult the service documentation for details.",
    ),
    ("QualifyNotPass", 403, "The User has not pass qualify."),
    (
        "Keypair.KeypairNameInvalid",
        400,
        "Keypair name is invalid.",
    ),
    (
        "Keypair.KeypairDescriptionInvalid",
        400,
        "Keypair description is invalid.",
    ),
    (
        "Keypair.KeypairQuotaExceedLimit",
        413,
        "Keypair number exceeds the limit.",
    ),
    (
        "Keypair.KeypairPublicKeyExist",
        400,
        "Keypair already exist.",
    ),
    (
        "Keypair.PublicKeyFormatInvalid",
        400,
        "Public key format is invalid.",
    ),
    ("Keypair.KeypairNotExist", 404, "Keypair not exist."),
    ("Keypair.DeleteKeypairInUse", 403, "Keypair is in use."),
    (
        "Keypair.UnsupportOsType",
        403,
        "Unsupported os type, only linux supported.",
    ),
    (
        "Keypair.InstanceStatusForbidden",
        409,
        "Instance not in running or stopped status.",
    ),
    (
        "Keypair.AttachAttachedKeypair",
        400,
        "Can not attach to an attached keypair.",
    ),
    ("Keypair.InstanceNotExist", 404, "Instance not exist."),
];

#[test]
fn status_and_message_match_errors_md() {
    assert_eq!(
        ErrorCode::ALL.len(),
        TABLE.len(),
        "one ErrorCode per documented code"
    );
    for (code, &(wire, status, message)) in ErrorCode::ALL.iter().zip(TABLE) {
        assert_eq!(code.as_str(), wire);
        assert_eq!(code.status(), status, "status of {wire}");
        assert_eq!(code.default_message(), message, "message of {wire}");
    }
}

#[test]
fn every_known_code_round_trips() {
    for code in ErrorCode::ALL {
        assert!(code.is_known());
        assert_eq!(&ErrorCode::from_wire(code.as_str()), code);
        assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code.clone()));
        let json = serde_json::to_string(code).unwrap();
        assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
    }
}

#[test]
fn unknown_codes_survive_parsing() {
    for wire in ["NoSuchKey", "", "Keypair.SomethingNew", "Http400"] {
        let code = ErrorCode::from_wire(wire);
        assert_eq!(code, ErrorCode::Unknown(wire.to_owned()));
        assert_eq!(code.as_str(), wire);
        assert!(!code.is_known());
    }
}

#[test]
fn request_expired_message_has_the_date() {
    assert_eq!(
        ErrorCode::request_expired_message("2015-08-11T04:17:29Z"),
        "Request has expired. Timestamp date is 2015-08-11T04:17:29Z."
    );
}

#[test]
fn error_body_reads_the_doc_example_and_writes_all_three_keys() {
    // errors.md §1.
    let doc = r#"{
        "requestId" : "ae2225f7-1c2e-427a-a1ad-5413b762957d",
        "code" : "NoSuchKey",
        "message" : "The resource you requested does not exist"
    }"#;
    let body: ErrorBody = serde_json::from_str(doc).unwrap();
    assert_eq!(body.request_id, "ae2225f7-1c2e-427a-a1ad-5413b762957d");
    assert_eq!(
        body.error_code(),
        ErrorCode::Unknown("NoSuchKey".to_owned())
    );
    assert_eq!(body.message, "The resource you requested does not exist");

    let written = serde_json::to_value(ErrorBody::new("r-1", &ErrorCode::KeypairNotExist)).unwrap();
    assert_eq!(
        written,
        serde_json::json!({"requestId": "r-1", "code": "Keypair.KeypairNotExist", "message": "Keypair not exist."})
    );
    let expired = ErrorBody::with_message(
        "r-2",
        &ErrorCode::RequestExpired,
        ErrorCode::request_expired_message("2026-11-24T10:00:00Z"),
    );
    assert_eq!(
        expired.message,
        "Request has expired. Timestamp date is 2026-11-24T10:00:00Z."
    );

    // Lenient reading: missing keys become empty rather than failing the client.
    let partial: ErrorBody = serde_json::from_str(r#"{"code":"InternalError"}"#).unwrap();
    assert_eq!(partial.error_code(), ErrorCode::InternalError);
    assert_eq!(partial.request_id, "");
}
