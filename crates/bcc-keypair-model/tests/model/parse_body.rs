//! `parse_body` classification, `errors.md` §4 rows 10–13.

use bcc_keypair_model::{
    CreateKeypairRequest, ErrorCode, ImportKeypairRequest, InstanceIdsRequest, ModelError,
    RenameKeypairRequest, UpdateKeypairDescriptionRequest, parse_body,
};
use serde::de::DeserializeOwned;

/// Parses `body` as `T` and checks the outcome: `None` = accepted, `Some(code)` = refused.
fn check<T: DeserializeOwned + std::fmt::Debug>(body: &[u8], expected: Option<ErrorCode>) {
    let got = parse_body::<T>(body);
    match (&got, &expected) {
        (Ok(_), None) => {}
        (Err(err), Some(code)) => assert_eq!(
            &err.code(),
            code,
            "body {:?}: {err}",
            String::from_utf8_lossy(body)
        ),
        _ => panic!(
            "body {:?}: got {got:?}, want {expected:?}",
            String::from_utf8_lossy(body)
        ),
    }
}

const MALFORMED: Option<ErrorCode> = Some(ErrorCode::MalformedJson);
const INAPPROPRIATE: Option<ErrorCode> = Some(ErrorCode::InappropriateJson);
const OK: Option<ErrorCode> = None;

#[test]
fn not_utf8_is_invalid_http_request() {
    for body in [
        &b"\xff"[..],
        b"{\"name\":\"\xe6\xb5\"}",
        b"{\"name\":\"a\xc0\xafb\"}",
    ] {
        check::<RenameKeypairRequest>(body, Some(ErrorCode::InvalidHttpRequest));
    }
    let err = parse_body::<RenameKeypairRequest>(b"{\"name\":\"\xff\"}").unwrap_err();
    assert_eq!(err, ModelError::BodyNotUtf8 { valid_up_to: 9 });
}

#[test]
fn empty_non_json_and_non_objects_are_malformed() {
    for body in [
        &b""[..],
        b"   \r\n",
        b"{",
        b"{\"name\":",
        b"{'name':'x'}",
        b"name=x",
        b"{\"name\":\"x\",}",
        b"{\"name\":\"x\"} trailing",
        b"null",
        b"[]",
        b"[{\"name\":\"x\"}]",
        b"\"x\"",
        b"1",
        b"true",
        b"\xef\xbb\xbf{\"name\":\"x\"}",
    ] {
        check::<RenameKeypairRequest>(body, MALFORMED);
    }
}

#[test]
fn missing_null_and_mistyped_fields_are_inappropriate() {
    check::<RenameKeypairRequest>(b"{}", INAPPROPRIATE);
    check::<RenameKeypairRequest>(br#"{"name":null}"#, INAPPROPRIATE);
    check::<RenameKeypairRequest>(br#"{"name":1}"#, INAPPROPRIATE);
    check::<RenameKeypairRequest>(br#"{"name":["x"]}"#, INAPPROPRIATE);
    check::<CreateKeypairRequest>(br#"{"description":"d"}"#, INAPPROPRIATE);
    check::<CreateKeypairRequest>(br#"{"name":"x","description":5}"#, INAPPROPRIATE);
    check::<ImportKeypairRequest>(br#"{"name":"x"}"#, INAPPROPRIATE);
    check::<ImportKeypairRequest>(br#"{"name":"x","publicKey":null}"#, INAPPROPRIATE);
    check::<ImportKeypairRequest>(br#"{"name":"x","publicKey":{}}"#, INAPPROPRIATE);
    check::<InstanceIdsRequest>(b"{}", INAPPROPRIATE);
    check::<InstanceIdsRequest>(br#"{"instanceIds": null}"#, INAPPROPRIATE);
    check::<InstanceIdsRequest>(br#"{"instanceIds":"i-1"}"#, INAPPROPRIATE);
    check::<InstanceIdsRequest>(br#"{"instanceIds":["i-1",2]}"#, INAPPROPRIATE);
    check::<InstanceIdsRequest>(br#"{"instanceIds":["i-1",null]}"#, INAPPROPRIATE);
    check::<UpdateKeypairDescriptionRequest>(br#"{"description":false}"#, INAPPROPRIATE);
}

#[test]
fn unknown_fields_and_optional_nulls_are_accepted() {
    check::<RenameKeypairRequest>(
        br#"{"name":"n","keypairId":"k-abc12345","x":[1,{"y":null}]}"#,
        OK,
    );
    check::<CreateKeypairRequest>(br#"{"name":"n","description":null}"#, OK);
    check::<CreateKeypairRequest>(br#"{"name":"n"}"#, OK);
    check::<UpdateKeypairDescriptionRequest>(b"{}", OK);
    check::<UpdateKeypairDescriptionRequest>(br#"{"description":null}"#, OK);
    check::<InstanceIdsRequest>(br#"{"instanceIds":[]}"#, OK);
    // Wrong-typed unknown fields are still ignored.
    check::<InstanceIdsRequest>(br#"{"keypairId":12,"instanceIds":["i-1"]}"#, OK);
}

#[test]
fn errors_read_clearly() {
    let err = parse_body::<RenameKeypairRequest>(b"").unwrap_err();
    assert_eq!(err.to_string(), "malformed JSON body: the body is empty");
    let err = parse_body::<RenameKeypairRequest>(b"[]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed JSON body: the body is a JSON array, not an object"
    );
    let err = parse_body::<RenameKeypairRequest>(b"{}").unwrap_err();
    assert!(err.to_string().contains("missing field `name`"), "{err}");
    let err = parse_body::<InstanceIdsRequest>(br#"{"instanceIds":"i-1"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("inappropriate JSON body: invalid type"),
        "{err}"
    );
}
