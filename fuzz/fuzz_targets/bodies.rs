//! The JSON request bodies (`keypair-api.md` §3, `errors.md` §4 rows 10–13): every body
//! either parses and validates, or fails with one of the documented body or field codes.
//!
//! (An early version also rendered every parsed value and parsed it again; its one crash,
//! kept as `corpus/bodies/seed-long-decimal`, was serde_json's default float parsing
//! rounding a 53-digit decimal differently the second time, which no body field depends
//! on: numbers in bodies are never echoed back.)
#![no_main]

use bcc_keypair_model::{
    CreateKeypairRequest, ErrorCode, ImportKeypairRequest, InstanceIdsRequest, ModelError,
    RenameKeypairRequest, UpdateKeypairDescriptionRequest, parse_body,
};
use libfuzzer_sys::fuzz_target;

/// The codes a body may be refused with: how it is written, then what a field holds.
const BODY_CODES: &[ErrorCode] = &[
    ErrorCode::InvalidHttpRequest,
    ErrorCode::MalformedJson,
    ErrorCode::InappropriateJson,
    ErrorCode::KeypairNameInvalid,
    ErrorCode::KeypairDescriptionInvalid,
    ErrorCode::PublicKeyFormatInvalid,
    ErrorCode::InstanceNotExist,
];

fn check<T>(result: Result<T, ModelError>) {
    if let Err(error) = result {
        let code = error.code();
        assert!(
            BODY_CODES.contains(&code),
            "unexpected {code:?} from {error}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    check(parse_body::<CreateKeypairRequest>(data).and_then(|body| body.validate()));
    check(parse_body::<ImportKeypairRequest>(data).and_then(|body| body.validate()));
    check(parse_body::<InstanceIdsRequest>(data).and_then(|body| body.validate()));
    check(parse_body::<RenameKeypairRequest>(data).and_then(|body| body.validate()));
    check(parse_body::<UpdateKeypairDescriptionRequest>(data).and_then(|body| body.validate()));
});
