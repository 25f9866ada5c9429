//! `bce-auth` signing against the simulator's verification, in process (no socket): every
//! official SDK's signing style is accepted for the request shapes that SDK sends, and a
//! signature that does not match is refused (auth-v1.md §4-8).

use std::sync::Arc;

use bcc_keypair_sim::{DEV_ACCESS_KEY, DEV_SECRET_KEY, FixedClock, FixedKeys, Simulator};
use bcc_keypair_tests::raw::SdkStyle;
use bce_auth::http_adapter::sign_http_request;
use bce_auth::{Credentials, SigningSettings};
use bytes::Bytes;
use chrono::{DateTime, TimeZone as _, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 15, 54).unwrap()
}

fn simulator() -> Simulator {
    Simulator::builder()
        .account(DEV_ACCESS_KEY, DEV_SECRET_KEY)
        .clock(Arc::new(FixedClock::new(now())))
        .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
        .build()
        .unwrap()
}

fn credentials() -> Credentials {
    Credentials::new(DEV_ACCESS_KEY, DEV_SECRET_KEY)
}

/// Python: empty `signedHeaders` (default set: host, content-*, every x-bce-*).
fn python() -> SigningSettings {
    SdkStyle::Python.signing_settings()
}

/// Go: the explicit sorted list.
fn go() -> SigningSettings {
    SdkStyle::Go.signing_settings()
}

/// Java's BCC client: `host` (and `x-bce-date`, which it never sends).
fn java() -> SigningSettings {
    SdkStyle::Java.signing_settings()
}

fn request(
    method: &str,
    uri: &str,
    body: &str,
    content_type: Option<&str>,
) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "bcc.bj.baidubce.com");
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    builder = builder.header("content-length", body.len().to_string());
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

async fn send(
    simulator: &Simulator,
    mut request: http::Request<Bytes>,
    settings: &SigningSettings,
) -> (u16, String) {
    sign_http_request(&mut request, &credentials(), now(), settings).unwrap();
    let response = simulator.handle(request).await;
    (
        response.status().as_u16(),
        String::from_utf8_lossy(response.body()).into_owned(),
    )
}

/// (method, uri, body) of requests as the SDKs send them (keypair-api.md Appendix A), each
/// with the status that proves the signature was accepted.
const REQUESTS: &[(&str, &str, &str, u16)] = &[
    ("GET", "/v2/keypair", "", 200),
    ("GET", "/v2/keypair?maxKeys=1000", "", 200),
    (
        "GET",
        "/v2/keypair?marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1",
        "",
        200,
    ),
    ("GET", "/v2/keypair?name=%E6%B5%8B%20%E8%AF%95%2Bx", "", 200),
    ("GET", "/v2/keypair/k-abc12345", "", 404),
    ("GET", "/v2/keypair/%E6%B5%8B%E8%AF%95", "", 404),
    (
        "PUT",
        "/v2/keypair/k-abc12345?attach",
        r#"{"instanceIds":["i-aaaa1111"]}"#,
        404,
    ),
    (
        "PUT",
        "/v2/keypair/k-abc12345?detach=",
        r#"{"instanceIds": ["i-aaaa1111"]}"#,
        404,
    ),
    (
        "PUT",
        "/v2/keypair/k-abc12345?rename",
        r#"{"name":"newName","keypairId":"k-abc12345"}"#,
        404,
    ),
    (
        "DELETE",
        "/v2/keypair/k-abc12345?delete",
        r#"{"keypairId":"k-abc12345"}"#,
        404,
    ),
];

#[tokio::test]
async fn every_sdk_style_is_accepted() {
    let simulator = simulator();
    for (style, settings, content_type) in [
        ("python", python(), None),
        ("go", go(), Some("application/json;charset=utf-8")),
        ("java", java(), Some("application/json; charset=utf-8")),
    ] {
        for (method, uri, body, expected) in REQUESTS {
            let (status, text) = send(
                &simulator,
                request(method, uri, body, content_type),
                &settings,
            )
            .await;
            assert_eq!(status, *expected, "{style} {method} {uri}: {text}");
            if *expected == 404 {
                assert!(
                    text.contains("Keypair.KeypairNotExist"),
                    "{style} {method} {uri}: {text}"
                );
            }
        }
    }
}

#[tokio::test]
async fn create_signed_each_way_then_found() {
    let simulator = simulator();
    for (index, settings) in [python(), go(), java()].iter().enumerate() {
        let body = format!(r#"{{"name": "signed{index}", "description": null}}"#);
        let (status, text) = send(
            &simulator,
            request("POST", "/v2/keypair?create=", &body, None),
            settings,
        )
        .await;
        assert_eq!(status, 200, "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let id = json["keypair"]["keypairId"].as_str().unwrap().to_owned();
        let (status, text) = send(
            &simulator,
            request("GET", &format!("/v2/keypair/{id}"), "", None),
            settings,
        )
        .await;
        assert_eq!(status, 200, "{text}");
    }
}

#[tokio::test]
async fn tampering_after_signing_is_refused() {
    let simulator = simulator();
    // The query is signed: changing it after signing breaks the signature.
    let mut signed = request("GET", "/v2/keypair?maxKeys=1", "", None);
    sign_http_request(&mut signed, &credentials(), now(), &python()).unwrap();
    let (mut parts, body) = signed.into_parts();
    parts.uri = "/v2/keypair?maxKeys=2".parse().unwrap();
    let response = simulator
        .handle(http::Request::from_parts(parts, body))
        .await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(String::from_utf8_lossy(response.body()).contains("SignatureDoesNotMatch"));

    // So is the Host (the region).
    let mut signed = request("GET", "/v2/keypair", "", None);
    sign_http_request(&mut signed, &credentials(), now(), &go()).unwrap();
    signed.headers_mut().insert(
        "host",
        http::HeaderValue::from_static("bcc.gz.baidubce.com"),
    );
    let response = simulator.handle(signed).await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(String::from_utf8_lossy(response.body()).contains("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn signature_older_than_its_expiration_is_refused() {
    let simulator = simulator();
    let mut signed = request("GET", "/v2/keypair", "", None);
    let two_hours_ago = now() - chrono::Duration::hours(2);
    sign_http_request(&mut signed, &credentials(), two_hours_ago, &python()).unwrap();
    let response = simulator.handle(signed).await;
    assert_eq!(response.status().as_u16(), 400);
    assert!(String::from_utf8_lossy(response.body()).contains("RequestExpired"));
}
