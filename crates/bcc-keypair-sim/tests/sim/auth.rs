//! Signature verification before routing (auth-v1.md §8; errors.md §4 rows 1–6).

use bcc_keypair_sim::{FixedClock, FixedKeys, Simulator};
use bce_auth::{SignedHeadersField, SigningSettings, http_adapter::sign_http_request};
use bytes::Bytes;
use chrono::Duration;
use http::{Method, Request};
use std::sync::Arc;

use crate::support::*;

fn unsigned(method: Method, target: &str) -> Request<Bytes> {
    Request::builder()
        .method(method)
        .uri(target)
        .header("host", HOST)
        .body(Bytes::new())
        .unwrap()
}

#[tokio::test]
async fn missing_or_malformed_authorization() {
    let h = harness();
    // Auth comes before routing: even an unroutable path is AccessDenied.
    for target in ["/v2/keypair", "/v2/foo", "/v1/keypair", "/favicon.ico"] {
        h.send(unsigned(Method::GET, target))
            .await
            .error(403, "AccessDenied");
    }
    let malformed = [
        "garbage",
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host",
        "bce-auth-v2/0123456789abcdef0123456789abcdef/2026-11-24T10:00:00Z/1800/host/0000000000000000000000000000000000000000000000000000000000000000",
        "bce-auth-v1/0123456789abcdef0123456789abcdef/yesterday/1800/host/0000000000000000000000000000000000000000000000000000000000000000",
        "bce-auth-v1/0123456789abcdef0123456789abcdef/2026-11-24T10:00:00Z/-5/host/0000000000000000000000000000000000000000000000000000000000000000",
        "bce-auth-v1/0123456789abcdef0123456789abcdef/2026-11-24T10:00:00Z/1800/host/nothex",
    ];
    for value in malformed {
        let mut request = unsigned(Method::GET, "/v2/keypair");
        request
            .headers_mut()
            .insert("authorization", value.parse().unwrap());
        h.send(request).await.error(400, "InvalidHTTPAuthHeader");
    }
}

#[tokio::test]
async fn unknown_key_wrong_secret_and_tampering() {
    let h = harness();
    Harness::new(h.sim.clone())
        .with_credentials("unknown-ak", "sk")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(403, "InvalidAccessKeyId");
    Harness::new(h.sim.clone())
        .with_credentials(AK, "wrong-secret")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "SignatureDoesNotMatch");
    // Signed for one path, sent to another.
    let mut request = h.request(Method::GET, "/v2/keypair/k-1", "");
    *request.uri_mut() = "/v2/keypair/k-2".parse().unwrap();
    h.send(request).await.error(400, "SignatureDoesNotMatch");
    // Signed for one host, sent with another.
    let mut request = h.request(Method::GET, "/v2/keypair", "");
    request
        .headers_mut()
        .insert("host", "bcc.gz.baidubce.com".parse().unwrap());
    h.send(request).await.error(400, "SignatureDoesNotMatch");
    // Unsigned headers may be added freely (Go's x-bce-request-id is not signed).
    let mut request = h.request(Method::GET, "/v2/keypair", "");
    request
        .headers_mut()
        .insert("user-agent", "anything".parse().unwrap());
    h.send(request).await.ok();
}

#[tokio::test]
async fn signing_keys_derived_for_one_secret_never_verify_another() {
    // Two simulators on one thread share the thread's signing key cache. The same access
    // key with a different secret must not be served the first one's key.
    let first = harness();
    let rotated = Harness::new(
        Simulator::builder()
            .account(AK, "rotated-secret")
            .clock(Arc::new(FixedClock::new(now())))
            .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
            .build()
            .unwrap(),
    );
    let old_secret = first.request(Method::GET, "/v2/keypair", "");
    for _ in 0..2 {
        first.send(old_secret.clone()).await.ok();
        rotated
            .send(old_secret.clone())
            .await
            .error(400, "SignatureDoesNotMatch");
    }
    let new_secret =
        rotated
            .with_credentials(AK, "rotated-secret")
            .request(Method::GET, "/v2/keypair", "");
    first
        .send(new_secret)
        .await
        .error(400, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn expired_requests_name_their_date() {
    let clock = Arc::new(FixedClock::new(now()));
    let h = Harness::new(builder().clock(clock.clone()).build().unwrap());
    let request = h.request(Method::GET, "/v2/keypair", "");
    clock.advance(Duration::seconds(1801));
    let reply = h.send(request).await;
    reply.error(400, "RequestExpired");
    assert_eq!(
        reply.json["message"],
        "Request has expired. Timestamp date is 2026-11-24T10:00:00Z."
    );
    // Far in the future is refused too.
    clock.set(now() - Duration::hours(1));
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "RequestExpired");
}

#[tokio::test]
async fn python_style_signatures_are_accepted() {
    let h = harness();
    let settings = SigningSettings {
        signed_headers_field: SignedHeadersField::Empty,
        ..SigningSettings::default()
    };
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/v2/keypair?create=")
        .header("host", HOST)
        .header("content-length", "37")
        .body(Bytes::from_static(
            br#"{"name": "kp02", "description": null}"#,
        ))
        .unwrap();
    sign_http_request(&mut request, &h.credentials, now(), &settings).unwrap();
    let auth = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(auth.contains("/1800//"), "{auth}");
    h.send(request).await.ok();
}

#[tokio::test]
async fn unqualified_accounts_get_qualify_not_pass() {
    let h = harness();
    h.control(
        Method::POST,
        "/__sim/qualification",
        &format!(r#"{{"accessKeyId":"{AK}","qualified":false}}"#),
    )
    .await
    .ok();
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(403, "QualifyNotPass");
    Harness::new(h.sim.clone())
        .with_credentials(OTHER_AK, OTHER_SK)
        .call(Method::GET, "/v2/keypair", "")
        .await
        .ok();
    // A bad signature is still reported first.
    Harness::new(h.sim.clone())
        .with_credentials(AK, "wrong")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "SignatureDoesNotMatch");
    h.control(
        Method::POST,
        "/__sim/qualification",
        r#"{"qualified":true}"#,
    )
    .await
    .ok();
    h.call(Method::GET, "/v2/keypair", "").await.ok();
}

#[tokio::test]
async fn several_access_keys_can_share_an_account() {
    let sim = builder()
        .access_key(AK, "second-ak", "second-sk")
        .build()
        .unwrap();
    let first = Harness::new(sim.clone());
    let id = first.create("shared").await;
    let second = Harness::new(sim).with_credentials("second-ak", "second-sk");
    second.get(&id).await.ok();
}

#[tokio::test]
async fn development_credentials_apply_when_no_account_is_configured() {
    let sim = bcc_keypair_sim::Simulator::builder()
        .clock(Arc::new(FixedClock::new(now())))
        .key_source(Arc::new(
            bcc_keypair_sim::FixedKeys::bundled_test_keys().unwrap(),
        ))
        .build()
        .unwrap();
    let h = Harness::new(sim).with_credentials(
        bcc_keypair_sim::DEV_ACCESS_KEY,
        bcc_keypair_sim::DEV_SECRET_KEY,
    );
    h.call(Method::GET, "/v2/keypair", "").await.ok();
}

#[tokio::test]
async fn verification_can_be_switched_off_for_development() {
    let sim = builder().verify_signatures(false).build().unwrap();
    let h = Harness::new(sim.clone());
    // Unsigned: served as the first account.
    let id = h.create("mine").await;
    let unsigned = Request::builder()
        .uri(format!("/v2/keypair/{id}"))
        .header("host", HOST)
        .body(Bytes::new())
        .unwrap();
    h.send(unsigned).await.ok();
    // A wrong secret is not noticed; the access key still picks the account.
    let other = Harness::new(sim).with_credentials(OTHER_AK, "not-the-secret");
    other.get(&id).await.error(404, "Keypair.KeypairNotExist");
    other.create("theirs").await;
    // Routing and validation still apply.
    other
        .call(Method::GET, "/v2/foo", "")
        .await
        .error(400, "InvalidURI");
}

/// A GET signed the Python way (empty `signedHeaders`: the default set, every `x-bce-*`
/// header included), to which a header is added after signing.
fn python_signed_get_with(name: &str, value: &[u8]) -> http::Request<bytes::Bytes> {
    let mut request = http::Request::get("/v2/keypair")
        .header("host", HOST)
        .body(bytes::Bytes::new())
        .unwrap();
    bce_auth::http_adapter::sign_http_request(
        &mut request,
        &bce_auth::Credentials::new(AK, SK),
        now(),
        &bce_auth::SigningSettings::python_sdk(),
    )
    .unwrap();
    let value = http::HeaderValue::from_bytes(value).unwrap();
    request.headers_mut().insert(
        http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
        value,
    );
    request
}

#[tokio::test]
async fn header_values_that_are_not_utf8_are_not_dropped_before_verification() {
    let h = harness();
    // A header outside the signed set: accepted, whatever its bytes.
    h.send(python_signed_get_with("x-other", b"\xff"))
        .await
        .ok();
    // An x-bce-* header the client never signed fails the default set, UTF-8 or not.
    h.send(python_signed_get_with("x-bce-extra", b"\xff"))
        .await
        .error(400, "SignatureDoesNotMatch");
    h.send(python_signed_get_with("x-bce-extra", b"plain"))
        .await
        .error(400, "SignatureDoesNotMatch");
    // An Authorization header that is not UTF-8 is malformed, not missing.
    h.send(python_signed_get_with("authorization", b"bce-auth-v1/\xff"))
        .await
        .error(400, "InvalidHTTPAuthHeader");
}
