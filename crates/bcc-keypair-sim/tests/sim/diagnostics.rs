//! Diagnostics that explain: the journal's access key, signed headers, received header names
//! and plain-words reason for each refusal, and its filters (`GET /__sim/requests`).

use std::sync::Arc;

use bcc_keypair_sim::FixedClock;
use bce_auth::{HeadersToSign, SigningSettings, http_adapter::sign_http_request};
use bytes::Bytes;
use chrono::Duration;
use http::{Method, Request};
use serde_json::{Value, json};

use crate::support::*;

async fn last_entry(h: &Harness) -> Value {
    let journal = h
        .control(Method::GET, "/__sim/requests?limit=1", "")
        .await
        .ok();
    journal.json["requests"][0].clone()
}

async fn journal(h: &Harness, query: &str) -> Vec<Value> {
    let reply = h
        .control(Method::GET, &format!("/__sim/requests{query}"), "")
        .await
        .ok();
    reply.json["requests"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_refusal_has_a_reason_and_names_its_access_key() {
    let clock = Arc::new(FixedClock::new(now()));
    let h = Harness::new(builder().clock(clock.clone()).build().unwrap());
    let unsigned = Request::get("/v2/keypair")
        .header("host", HOST)
        .body(Bytes::new())
        .unwrap();
    h.send(unsigned).await.error(403, "AccessDenied");
    let entry = last_entry(&h).await;
    assert_eq!(
        entry["reason"],
        "the request has no Authorization header and no authorization query parameter"
    );
    assert!(entry["accessKeyId"].is_null());

    let mut malformed = h.request(Method::GET, "/v2/keypair", "");
    let text = malformed.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let cut = text.rsplit_once('/').unwrap().0.to_owned();
    malformed
        .headers_mut()
        .insert("authorization", cut.parse().unwrap());
    h.send(malformed).await.error(400, "InvalidHTTPAuthHeader");
    let entry = last_entry(&h).await;
    assert_eq!(entry["accessKeyId"], AK);
    assert!(
        entry["reason"]
            .as_str()
            .unwrap()
            .starts_with("the Authorization header is malformed: "),
        "{entry}"
    );

    Harness::new(h.sim.clone())
        .with_credentials("nobody", "sk")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(403, "InvalidAccessKeyId");
    let entry = last_entry(&h).await;
    assert_eq!(entry["accessKeyId"], "nobody");
    assert_eq!(
        entry["reason"],
        "access key id nobody is not known to the simulator"
    );

    // Signed now, received 2,000 s later: both the expiration and the x-bce-date window.
    let request = h.request(Method::GET, "/v2/keypair", "");
    clock.advance(Duration::seconds(2000));
    h.send(request).await.error(400, "RequestExpired");
    let entry = last_entry(&h).await;
    assert_eq!(entry["accessKeyId"], AK);
    assert_eq!(
        entry["reason"],
        "the auth string was signed 2,000 s ago, beyond its 1,800 s expiration; \
         x-bce-date is 2,000 s older than the 1,800 s window"
    );
    clock.set(now());

    h.control(
        Method::POST,
        "/__sim/qualification",
        r#"{"qualified":false}"#,
    )
    .await
    .ok();
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(403, "QualifyNotPass");
    let entry = last_entry(&h).await;
    assert_eq!(
        entry["reason"],
        format!("the account {AK} is marked not certified (POST /__sim/qualification)")
    );
}

#[tokio::test]
async fn a_signed_header_that_is_not_sent_is_named() {
    let h = harness();
    let body = r#"{"name":"kp01"}"#;
    let mut request = Request::post("/v2/keypair")
        .header("host", HOST)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Bytes::from(body))
        .unwrap();
    sign_http_request(
        &mut request,
        &bce_auth::Credentials::new(AK, SK),
        now(),
        &SigningSettings {
            headers_to_sign: HeadersToSign::Only(
                ["host", "content-type", "content-length", "x-bce-date"]
                    .map(str::to_owned)
                    .to_vec(),
            ),
            ..SigningSettings::default()
        },
    )
    .unwrap();
    request.headers_mut().remove("content-type");
    h.send(request).await.error(400, "SignatureDoesNotMatch");
    let entry = last_entry(&h).await;
    assert_eq!(entry["reason"], "content-type is signed but not sent");
    assert_eq!(
        entry["signedHeaders"],
        json!(["content-length", "content-type", "host", "x-bce-date"])
    );
    let headers: Vec<&str> = entry["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    assert!(headers.contains(&"authorization"), "{headers:?}");
    assert!(!headers.contains(&"content-type"), "{headers:?}");
    assert!(entry["canonicalRequest"].is_string());
    // A wrong secret: nothing is missing, the reason says what else can differ.
    Harness::new(h.sim.clone())
        .with_credentials(AK, "wrong")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "SignatureDoesNotMatch");
    let entry = last_entry(&h).await;
    assert!(
        entry["reason"]
            .as_str()
            .unwrap()
            .starts_with("no canonical request built from what was received"),
        "{entry}"
    );
}

#[tokio::test]
async fn header_names_are_kept_but_never_secret_values() {
    let h = harness();
    let mut request = h.request(Method::GET, "/v2/keypair", "");
    request.headers_mut().insert(
        "x-bce-security-token",
        "secret-token-value".parse().unwrap(),
    );
    h.send(request).await.error(403, "InvalidAccessKeyId");
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    let text = h.control(Method::GET, "/__sim/requests", "").await.ok();
    let shown = String::from_utf8_lossy(&text.body);
    assert!(!shown.contains("secret-token-value"), "{shown}");
    assert!(!shown.contains("bce-auth-v1/"), "{shown}");
    assert!(shown.contains("x-bce-security-token"), "{shown}");
    let entry = last_entry(&h).await;
    assert!(
        entry["reason"].is_null(),
        "a success has no reason: {entry}"
    );
    assert_eq!(entry["signedHeaders"], json!(["host", "x-bce-date"]));
}

#[tokio::test]
async fn refusals_after_authentication_carry_the_wire_message_as_reason() {
    let h = harness();
    h.get("k-missing")
        .await
        .error(404, "Keypair.KeypairNotExist");
    let entry = last_entry(&h).await;
    assert_eq!(entry["accessKeyId"], AK);
    assert!(
        entry["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{entry}"
    );
    h.control(
        Method::POST,
        "/__sim/faults",
        r#"{"operation":"list","status":503,"code":"ServiceUnavailable","message":"planned"}"#,
    )
    .await
    .ok();
    h.call(Method::GET, "/v2/keypair", "").await;
    let entry = last_entry(&h).await;
    assert_eq!(entry["status"], 503);
    assert_eq!(
        entry["reason"],
        "injected by a fault rule (POST /__sim/faults): planned"
    );
}

#[tokio::test]
async fn the_journal_filters_by_operation_status_code_access_key_and_time() {
    let clock = Arc::new(FixedClock::new(now()));
    let sim = builder().clock(clock.clone()).build().unwrap();
    let h = Harness::new(sim.clone());
    let other = Harness::new(sim).with_credentials(OTHER_AK, "not-the-secret");
    h.create("first").await;
    clock.advance(Duration::seconds(60));
    h.get("k-missing")
        .await
        .error(404, "Keypair.KeypairNotExist");
    clock.advance(Duration::seconds(60));
    other
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "SignatureDoesNotMatch");
    let ids = |entries: Vec<Value>| -> Vec<String> {
        entries
            .iter()
            .map(|e| format!("{} {}", e["operation"].as_str().unwrap_or("-"), e["status"]))
            .collect()
    };
    assert_eq!(ids(journal(&h, "?operation=get").await), ["get 404"]);
    assert_eq!(ids(journal(&h, "?status=4xx").await), ["get 404", "- 400"]);
    assert_eq!(ids(journal(&h, "?status=200").await), ["create 200"]);
    assert_eq!(
        ids(journal(&h, "?code=SignatureDoesNotMatch").await),
        ["- 400"]
    );
    assert_eq!(
        ids(journal(&h, &format!("?accessKeyId={OTHER_AK}")).await),
        ["- 400"]
    );
    assert_eq!(
        ids(journal(&h, "?since=2026-11-24T10:01:00Z&until=2026-11-24T10:02:00Z").await),
        ["get 404"]
    );
    assert_eq!(
        ids(journal(&h, &format!("?accessKeyId={AK}&limit=1")).await),
        ["get 404"]
    );
    for bad in [
        "?operation=launch",
        "?status=abc",
        "?since=yesterday",
        "?until=2026-13-01T00:00:00Z",
        "?limit=-1",
    ] {
        h.control(Method::GET, &format!("/__sim/requests{bad}"), "")
            .await
            .error(400, "InvalidHTTPRequest");
    }
}
