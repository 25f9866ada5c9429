//! STS session credentials (auth-v1.md §8 step 3; errors.md §4 row 3): from the builder and
//! `POST /__sim/credentials`, the token as a header or a query parameter, signed as the Go
//! SDK signs it or sent unsigned as the Java SDK sends it, and the journal's reason for each
//! refusal.

use std::sync::Arc;

use bcc_keypair_sim::{FixedClock, SessionCredentials, SimError};
use bce_auth::{Credentials, HeadersToSign, SigningSettings, http_adapter::sign_http_request};
use bytes::Bytes;
use chrono::Duration;
use http::{Method, Request};
use serde_json::Value;

use crate::support::*;

const STS_AK: &str = "sts-temporary-ak";
const STS_SK: &str = "sts-temporary-sk";
const TOKEN: &str = "sts-session-token-0123456789";

fn session() -> SessionCredentials {
    SessionCredentials::new(STS_AK, STS_SK, TOKEN)
}

fn list_request() -> Request<Bytes> {
    Request::get("/v2/keypair")
        .header("host", HOST)
        .body(Bytes::new())
        .unwrap()
}

/// Signed as the Go SDK signs: the token header is added before signing, so it is signed.
fn go_signed(credentials: &Credentials) -> Request<Bytes> {
    let mut request = list_request();
    sign_http_request(&mut request, credentials, now(), &SigningSettings::go_sdk()).unwrap();
    request
}

/// Sent as the Java SDK sends it: signed without the token (host and x-bce-date listed), the
/// token header added afterwards.
fn java_signed(token: Option<&str>) -> Request<Bytes> {
    let mut request = list_request();
    let settings = SigningSettings {
        headers_to_sign: HeadersToSign::Only(vec!["host".to_owned(), "x-bce-date".to_owned()]),
        ..SigningSettings::default()
    };
    sign_http_request(
        &mut request,
        &Credentials::new(STS_AK, STS_SK),
        now(),
        &settings,
    )
    .unwrap();
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("x-bce-security-token", token.parse().unwrap());
    }
    request
}

/// The token as a query parameter, signed with the rest of the query.
fn query_signed(token: &str) -> Request<Bytes> {
    let mut request = Request::get(format!("/v2/keypair?x-bce-security-token={token}"))
        .header("host", HOST)
        .body(Bytes::new())
        .unwrap();
    sign_http_request(
        &mut request,
        &Credentials::new(STS_AK, STS_SK),
        now(),
        &SigningSettings::default(),
    )
    .unwrap();
    request
}

async fn last_entry(h: &Harness) -> Value {
    let journal = h
        .control(Method::GET, "/__sim/requests?limit=1", "")
        .await
        .ok();
    journal.json["requests"][0].clone()
}

#[tokio::test]
async fn builder_sessions_act_for_their_account_whichever_way_the_token_travels() {
    let sim = builder()
        .session_credentials(session().acting_for(OTHER_AK))
        .build()
        .unwrap();
    let other = Harness::new(sim.clone()).with_credentials(OTHER_AK, OTHER_SK);
    let id = other.create("other-account-key").await;
    let h = Harness::new(sim);
    let sts = Credentials::new(STS_AK, STS_SK).with_session_token(TOKEN);
    for request in [
        go_signed(&sts),
        java_signed(Some(TOKEN)),
        query_signed(TOKEN),
    ] {
        let reply = h.send(request).await.ok();
        assert_eq!(reply.json["keypairs"][0]["keypairId"], id.as_str());
        let entry = last_entry(&h).await;
        assert_eq!(entry["accessKeyId"], STS_AK);
        assert_eq!(entry["status"], 200);
        assert!(entry["reason"].is_null(), "{entry}");
        // The canonical request that matched is kept, its token redacted.
        let canonical = entry["canonicalRequest"].as_str().unwrap();
        assert!(canonical.starts_with("GET\n/v2/keypair\n"), "{canonical}");
        assert!(!canonical.contains(TOKEN), "{canonical}");
    }
}

#[tokio::test]
async fn a_missing_wrong_or_expired_token_is_invalid_access_key_id_with_its_reason() {
    let clock = Arc::new(FixedClock::new(now()));
    let sim = builder()
        .clock(clock.clone())
        .session_credentials(session().expires_at(now() + Duration::minutes(10)))
        .build()
        .unwrap();
    let h = Harness::new(sim);
    let cases = [
        (
            go_signed(&Credentials::new(STS_AK, STS_SK)),
            "session token missing",
        ),
        (java_signed(None), "session token missing"),
        (
            java_signed(Some("another-token")),
            "session token does not match",
        ),
        (
            query_signed("another-token"),
            "session token does not match",
        ),
        (
            go_signed(&Credentials::new(STS_AK, STS_SK).with_session_token("x")),
            "session token does not match",
        ),
        (
            go_signed(&Credentials::new(AK, SK).with_session_token(TOKEN)),
            "which is a permanent access key",
        ),
    ];
    for (request, reason) in cases {
        h.send(request).await.error(403, "InvalidAccessKeyId");
        let entry = last_entry(&h).await;
        assert!(
            entry["reason"].as_str().unwrap().contains(reason),
            "{entry}"
        );
        assert_eq!(entry["errorCode"], "InvalidAccessKeyId");
        assert!(entry["accessKeyId"].is_string(), "{entry}");
    }
    // Expiry is judged by the simulator's clock; the request is signed at that time too.
    let sts = Credentials::new(STS_AK, STS_SK).with_session_token(TOKEN);
    h.send(go_signed(&sts)).await.ok();
    clock.set(now() + Duration::minutes(10));
    let mut late = list_request();
    sign_http_request(
        &mut late,
        &sts,
        clock_now(&clock),
        &SigningSettings::go_sdk(),
    )
    .unwrap();
    h.send(late).await.error(403, "InvalidAccessKeyId");
    let entry = last_entry(&h).await;
    assert_eq!(
        entry["reason"],
        format!(
            "session token expired: the session credentials {STS_AK} expired at 2026-11-24T10:10:00Z"
        )
    );
    // The token never appears in the journal.
    let journal = h.control(Method::GET, "/__sim/requests", "").await.ok();
    assert!(!String::from_utf8_lossy(&journal.body).contains(TOKEN));
}

fn clock_now(clock: &FixedClock) -> chrono::DateTime<chrono::Utc> {
    use bcc_keypair_sim::Clock as _;
    clock.now()
}

#[tokio::test]
async fn sessions_added_at_run_time_are_listed_without_secrets_and_can_be_removed() {
    let h = harness();
    let sts = Credentials::new(STS_AK, STS_SK).with_session_token(TOKEN);
    h.send(go_signed(&sts))
        .await
        .error(403, "InvalidAccessKeyId");
    let body = serde_json::json!({
        "accessKeyId": STS_AK,
        "secretAccessKey": STS_SK,
        "sessionToken": TOKEN,
        "account": OTHER_AK,
        "expiresAt": "2026-11-24T11:00:00+01:00",
    });
    let added = h
        .control(Method::POST, "/__sim/credentials", &body.to_string())
        .await
        .ok();
    assert_eq!(added.json["account"], OTHER_AK);
    assert_eq!(added.json["expiresAt"], "2026-11-24T10:00:00Z");
    // Expired at the pinned time of the harness: exactly at expiry it is refused.
    h.send(go_signed(&sts))
        .await
        .error(403, "InvalidAccessKeyId");
    let renewed = serde_json::json!({
        "accessKeyId": STS_AK, "secretAccessKey": STS_SK, "sessionToken": TOKEN,
    });
    let added = h
        .control(Method::POST, "/__sim/credentials", &renewed.to_string())
        .await
        .ok();
    assert_eq!(added.json["account"], AK, "the first account by default");
    h.send(go_signed(&sts)).await.ok();
    let listed = h.control(Method::GET, "/__sim/credentials", "").await.ok();
    assert_eq!(listed.json["credentials"][0]["accessKeyId"], STS_AK);
    assert_eq!(listed.json["credentials"][0]["expired"], false);
    let text = String::from_utf8_lossy(&listed.body);
    assert!(!text.contains(STS_SK) && !text.contains(TOKEN), "{text}");
    h.control(
        Method::DELETE,
        &format!("/__sim/credentials?accessKeyId={STS_AK}"),
        "",
    )
    .await
    .ok();
    h.send(go_signed(&sts))
        .await
        .error(403, "InvalidAccessKeyId");
    h.control(Method::DELETE, "/__sim/credentials?accessKeyId=nobody", "")
        .await
        .error(403, "InvalidAccessKeyId");
}

#[tokio::test]
async fn bad_session_credentials_are_refused_with_typed_errors() {
    let h = harness();
    let post = |body: Value| {
        let h = &h;
        async move {
            h.control(Method::POST, "/__sim/credentials", &body.to_string())
                .await
        }
    };
    post(serde_json::json!({"accessKeyId": STS_AK, "secretAccessKey": STS_SK}))
        .await
        .error(400, "InappropriateJSON");
    post(serde_json::json!({
        "accessKeyId": STS_AK, "secretAccessKey": STS_SK, "sessionToken": TOKEN,
        "expiresAt": "tomorrow",
    }))
    .await
    .error(400, "InappropriateJSON");
    post(serde_json::json!({
        "accessKeyId": STS_AK, "secretAccessKey": STS_SK, "sessionToken": TOKEN,
        "account": "no-such-ak",
    }))
    .await
    .error(403, "InvalidAccessKeyId");
    post(serde_json::json!({
        "accessKeyId": AK, "secretAccessKey": STS_SK, "sessionToken": TOKEN,
    }))
    .await
    .error(400, "InvalidHTTPRequest");
    post(serde_json::json!({
        "accessKeyId": STS_AK, "secretAccessKey": STS_SK, "sessionToken": "",
    }))
    .await
    .error(400, "InvalidHTTPRequest");
    // The library's run-time call refuses the same way, and accepts good credentials.
    assert!(matches!(
        h.sim
            .add_session_credentials(&SessionCredentials::new(OTHER_AK, "sk", "token")),
        Err(SimError::SessionCredentials(message)) if message.contains("permanent")
    ));
    h.sim.add_session_credentials(&session()).unwrap();
    let sts = Credentials::new(STS_AK, STS_SK).with_session_token(TOKEN);
    h.send(go_signed(&sts)).await.ok();
    let unknown_account = builder()
        .session_credentials(session().acting_for("no-such-ak"))
        .build();
    assert!(matches!(
        unknown_account,
        Err(SimError::SessionCredentials(message)) if message.contains("no-such-ak")
    ));
}
