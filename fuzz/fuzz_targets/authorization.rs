//! The `Authorization` parser (auth-v1.md §1): any text either parses into an auth string
//! whose fields are slices of it, or is refused with `InvalidHTTPAuthHeader`; never a panic.
#![no_main]

use bcc_keypair_model::ErrorCode;
use bce_auth::AuthString;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match AuthString::parse(text) {
        Ok(parsed) => {
            // Every field is part of the text it came from.
            for field in [
                parsed.access_key_id(),
                parsed.timestamp_text(),
                parsed.auth_string_prefix(),
                parsed.signed_headers_field(),
                parsed.signature_hex(),
            ] {
                assert!(text.contains(field), "{field:?} is not part of {text:?}");
            }
            let _ = (
                parsed.timestamp(),
                parsed.expiration_secs(),
                parsed.signature(),
            );
            assert!(parsed.signed_headers().all(|name| !name.is_empty()));
        }
        Err(error) => assert_eq!(
            error.code(),
            ErrorCode::InvalidHttpAuthHeader.as_str(),
            "{error}"
        ),
    }
});
