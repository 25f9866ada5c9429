//! `sign_http_request` on real `http::Request`s, checked by the verifier.

use bce_auth::http_adapter::{sign_http_request, verify_http_request};
use bce_auth::{Credentials, SigningError, SigningSettings, VerifySettings};
use chrono::{DateTime, TimeZone, Utc};
use http::Request;
use std::collections::HashMap;

fn time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn creds() -> Credentials {
    Credentials::new("ak", "sk")
}

/// Verifies an `http::Request` the way a server sees it.
fn verify_http<B>(request: &Request<B>) -> Result<String, bce_auth::VerifyError> {
    let store = HashMap::from([("ak".to_owned(), creds())]);
    verify_http_request(request, &store, time(), &VerifySettings::default(), None)
        .map(|v| v.canonical_request().to_owned())
}

#[test]
fn signs_in_place_and_inserts_host_from_the_authority() {
    let mut request = Request::put("http://127.0.0.1:18081/v2/keypair/k-abc123?attach")
        .header("Content-Type", "application/json")
        .header("Content-Length", "45")
        .body(())
        .expect("valid request");
    sign_http_request(&mut request, &creds(), time(), &SigningSettings::default()).expect("signed");
    assert_eq!(request.headers()["host"], "127.0.0.1:18081");
    assert_eq!(request.headers()["x-bce-date"], "2026-11-24T10:00:00Z");
    let canonical = verify_http(&request).expect("verifies");
    assert_eq!(
        canonical,
        "PUT\n/v2/keypair/k-abc123\nattach=\ncontent-length:45\ncontent-type:application%2Fjson\n\
         host:127.0.0.1%3A18081\nx-bce-date:2026-11-24T10%3A00%3A00Z"
    );
}

#[test]
fn keeps_an_explicit_host_and_replaces_an_old_authorization() {
    let mut request =
        Request::get("http://10.0.0.1/v2/keypair?maxKeys=10&marker=k-1%2B2&name=a%20b")
            .header("Host", "bcc.bj.baidubce.com")
            .header("Authorization", "stale")
            .body(())
            .expect("valid request");
    sign_http_request(&mut request, &creds(), time(), &SigningSettings::default()).expect("signed");
    assert_eq!(request.headers()["host"], "bcc.bj.baidubce.com");
    assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
    let canonical = verify_http(&request).expect("verifies");
    assert!(
        canonical.contains("\nmarker=k-1%2B2&maxKeys=10&name=a%20b\n"),
        "{canonical}"
    );
    // Re-signing an already signed request gives a verifiable request again.
    sign_http_request(&mut request, &creds(), time(), &SigningSettings::default())
        .expect("re-signed");
    assert!(verify_http(&request).is_ok());
}

#[test]
fn encoded_paths_are_decoded_once_before_signing() {
    let mut request = Request::delete("http://h/v2/keypair/%E6%B5%8B%E8%AF%95%20x")
        .body(())
        .expect("valid request");
    sign_http_request(&mut request, &creds(), time(), &SigningSettings::default()).expect("signed");
    let canonical = verify_http(&request).expect("verifies");
    assert!(
        canonical.starts_with("DELETE\n/v2/keypair/%E6%B5%8B%E8%AF%95%20x\n"),
        "{canonical}"
    );
}

#[test]
fn repeated_headers_are_joined_with_commas() {
    let mut request = Request::get("http://h/")
        .header("x-bce-meta-tag", "a")
        .header("x-bce-meta-tag", "b")
        .body(())
        .expect("valid request");
    sign_http_request(&mut request, &creds(), time(), &SigningSettings::default()).expect("signed");
    let canonical = verify_http(&request).expect("verifies");
    assert!(canonical.ends_with("\nx-bce-meta-tag:a%2Cb"), "{canonical}");
}

#[test]
fn requests_with_more_headers_than_fit_on_the_stack_verify() {
    // 24 signed x-bce-* headers plus host, x-bce-date and authorization.
    let mut builder = Request::get("http://h/v2/keypair");
    for n in (0..24).rev() {
        builder = builder.header(format!("x-bce-meta-{n:02}"), format!("v{n}"));
    }
    let mut request = builder.body(()).expect("valid request");
    sign_http_request(&mut request, &creds(), time(), &SigningSettings::default()).expect("signed");
    let canonical = verify_http(&request).expect("verifies");
    let lines: Vec<&str> = canonical.lines().skip(3).collect();
    assert_eq!(lines.len(), 26, "{canonical}");
    assert_eq!(lines[1], "x-bce-date:2026-11-24T10%3A00%3A00Z");
    assert_eq!(lines[2], "x-bce-meta-00:v0");
    assert_eq!(lines[25], "x-bce-meta-23:v23");
}

#[test]
fn python_profile_signs_the_raw_path() {
    // The Python SDK signs the path it sends, unencoded (auth-v1.md §4).
    let mut request = Request::get("http://h/v2/keypair/k-a:b~c*d")
        .body(())
        .expect("valid request");
    sign_http_request(
        &mut request,
        &creds(),
        time(),
        &SigningSettings::python_sdk(),
    )
    .expect("signed");
    let authorization = request.headers()["authorization"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        authorization.contains("/1800//"),
        "Python style empty field: {authorization}"
    );
    let canonical = verify_http(&request).expect("verifies through the raw-path candidate");
    assert!(
        canonical.starts_with("GET\n/v2/keypair/k-a:b~c*d\n"),
        "{canonical}"
    );
}

#[test]
fn go_profile_adds_the_session_token() {
    let sts = Credentials::new("ak", "sk").with_session_token("tok");
    let mut request = Request::get("http://h/v2/keypair")
        .body(())
        .expect("valid request");
    sign_http_request(&mut request, &sts, time(), &SigningSettings::go_sdk()).expect("signed");
    assert_eq!(request.headers()["x-bce-security-token"], "tok");
    let authorization = request.headers()["authorization"].to_str().expect("ascii");
    assert!(
        authorization.contains("/host;x-bce-date;x-bce-security-token/"),
        "{authorization}"
    );
}

#[test]
fn undecodable_uris_and_values_are_typed_errors() {
    let mut bad_path = Request::get("http://h/a%FF")
        .body(())
        .expect("valid request");
    assert!(matches!(
        sign_http_request(&mut bad_path, &creds(), time(), &SigningSettings::default()),
        Err(SigningError::InvalidUri { .. })
    ));
    let mut bad_query = Request::get("http://h/?k=%C3")
        .body(())
        .expect("valid request");
    assert!(matches!(
        sign_http_request(
            &mut bad_query,
            &creds(),
            time(),
            &SigningSettings::default()
        ),
        Err(SigningError::InvalidUri { .. })
    ));
    let mut bad_value = Request::get("http://h/")
        .header(
            "x-bce-meta",
            http::HeaderValue::from_bytes(b"\xff").expect("opaque bytes allowed"),
        )
        .body(())
        .expect("valid request");
    assert!(matches!(
        sign_http_request(
            &mut bad_value,
            &creds(),
            time(),
            &SigningSettings::default()
        ),
        Err(SigningError::InvalidHeaderValue { .. })
    ));
    let token = Credentials::new("ak", "sk").with_session_token("line\nbreak");
    let mut request = Request::get("http://h/").body(()).expect("valid request");
    assert!(matches!(
        sign_http_request(&mut request, &token, time(), &SigningSettings::default()),
        Err(SigningError::InvalidHeaderValue { .. })
    ));
}
