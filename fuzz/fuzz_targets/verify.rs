//! Canonicalization with verification (auth-v1.md §2, §8), two ways:
//!
//! * round trip: a request the `http` adapter signs, with any of the three SDK presets,
//!   verifies at the signing time; a refusal is a bug in one of the two sides;
//! * hostile: any method, raw path, raw query and header list, with an `Authorization`
//!   whose `signedHeaders` field is fuzzed, is answered with a typed error, never a panic
//!   (the signature is zeros, so every canonical-request candidate gets built).
#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use bce_auth::http_adapter::{sign_http_request, verify_http_request};
use bce_auth::query::Query;
use bce_auth::{
    Credentials, SigningSettings, VerifiableRequest, VerifySettings, X_BCE_DATE,
    X_BCE_SECURITY_TOKEN, verify,
};
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD"];

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    preset: u8,
    /// Path and query as on the request line.
    target: String,
    headers: Vec<(String, String)>,
    signed_headers: String,
}

fn time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 0).expect("a time")
}

fn store() -> HashMap<String, Credentials> {
    HashMap::from([("ak".to_owned(), Credentials::new("ak", "sk"))])
}

/// Whether the request is one the round trip leaves out, as built (the `http` crate may
/// have normalised the fuzzed parts):
///
/// * it presents an STS session token, in a header or the query (auth-v1.md §5 step 5):
///   the verifier rightly asks the credential store for that token, and these credentials
///   have none, so `InvalidAccessKeyId` is the correct answer (the first crash found);
/// * it brings its own `x-bce-date`: the verifier checks that date against the server time
///   (auth-v1.md §8 step 4) and answers `RequestExpired` for one that is not a real time,
///   so a fuzzed date is no valid request (the second crash); the signer adds a correct
///   one when there is none.
fn left_out(request: &http::Request<()>) -> bool {
    let token_in_query = Query::parse(request.uri().query())
        .params()
        .iter()
        .any(|param| {
            param
                .name()
                .eq_ignore_ascii_case(X_BCE_SECURITY_TOKEN.as_bytes())
        });
    let headers = request.headers();
    token_in_query || headers.contains_key(X_BCE_SECURITY_TOKEN) || headers.contains_key(X_BCE_DATE)
}

fn round_trip(input: &Input) {
    let settings = match input.preset % 3 {
        0 => SigningSettings::default(),
        1 => SigningSettings::go_sdk(),
        _ => SigningSettings::python_sdk(),
    };
    let mut builder = http::Request::builder()
        .method(METHODS[usize::from(input.method) % METHODS.len()])
        .uri(format!("/{}", input.target.trim_start_matches('/')));
    for (name, value) in &input.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let Ok(mut request) = builder.body(()) else {
        return;
    };
    if left_out(&request) {
        return;
    }
    let credentials = Credentials::new("ak", "sk");
    if sign_http_request(&mut request, &credentials, time(), &settings).is_err() {
        return;
    }
    let verified =
        verify_http_request(&request, &store(), time(), &VerifySettings::default(), None);
    if let Err(error) = verified {
        panic!("a signed request was refused: {error}\n{request:?}\n{settings:?}");
    }
}

fn hostile(input: &Input) {
    let authorization = format!(
        "bce-auth-v1/ak/2026-11-18T11:06:40Z/1800/{}/{}",
        input.signed_headers,
        "0".repeat(64)
    );
    let mut headers: Vec<(&str, &str)> = input
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    headers.push(("authorization", &authorization));
    let (raw_path, raw_query) = match input.target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (input.target.as_str(), None),
    };
    let request = VerifiableRequest {
        method: METHODS[usize::from(input.method) % METHODS.len()],
        raw_path,
        raw_query,
        headers: &headers,
    };
    let result = verify(&request, &store(), time(), &VerifySettings::default());
    assert!(result.is_err(), "a zero signature verified: {request:?}");
}

fuzz_target!(|input: Input| {
    round_trip(&input);
    hostile(&input);
});
