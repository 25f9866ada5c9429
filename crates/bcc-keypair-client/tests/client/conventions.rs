//! The aws-sdk-rust conventions: error accessors and the clientToken of a failed call,
//! builders, the retry budget, `Retry-After`, the operation deadline, the signed
//! `Content-MD5`, the type-erased client and the endpoint from the environment.

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Arc;
use std::time::Duration;

use bcc_keypair_client::test_util::{
    FnTransport, RecordingSleep, ReplayTransport, Scripted, json_response,
};
use bcc_keypair_client::{Client, operation, request};
use bcc_keypair_client::{
    ClientToken, Config, ConfigError, DynClient, Error, ListKeypairs, RetryBudget, RetryPolicy,
    TokioSleep, TransportError, TransportErrorKind,
};
use bcc_keypair_model::{ErrorCode, KeypairDescription, KeypairId, KeypairName};
use bytes::Bytes;

use crate::support::{InProcess, capture_time, config, simulator};

const QUOTA: &str =
    r#"{"requestId":"r-quota","code":"Keypair.KeypairQuotaExceedLimit","message":"quota"}"#;
const UNAVAILABLE: &str = r#"{"requestId":"r-503","code":"ServiceUnavailable","message":"busy"}"#;
const GET_OK: &str = r#"{"keypair":{"keypairId":"k-1","name":"kp","instanceCount":0}}"#;

fn name(text: &str) -> KeypairName {
    KeypairName::new(text).expect("name")
}

fn unavailable(retry_after: Option<&str>) -> Scripted {
    let mut response = json_response(503, "r-503", UNAVAILABLE);
    if let Some(value) = retry_after {
        response.headers_mut().insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_str(value).expect("header"),
        );
    }
    Scripted::Respond(response)
}

fn fail(kind: TransportErrorKind) -> Scripted {
    Scripted::Fail(TransportError::new(kind, "scripted"))
}

#[tokio::test]
async fn a_failed_create_reports_status_code_request_id_and_its_client_token() {
    let transport = ReplayTransport::new([Scripted::Respond(json_response(413, "r", QUOTA))]);
    let client = Client::new(config("http://127.0.0.1:9"), &transport);
    let error = client
        .create_keypair(name("kp"))
        .description(KeypairDescription::new("d").expect("description"))
        .client_token(ClientToken::new("tok-quota"))
        .send()
        .await
        .expect_err("quota");
    assert_eq!(error.status(), Some(413));
    assert_eq!(error.code(), Some(&ErrorCode::KeypairQuotaExceedLimit));
    assert_eq!(error.request_id(), Some("r-quota"));
    assert!(!error.is_retryable());
    assert_eq!(
        error.client_token().map(ClientToken::as_str),
        Some("tok-quota")
    );
    let sent = transport.requests();
    assert_eq!(
        sent[0].uri().query(),
        Some("clientToken=tok-quota"),
        "the token on the wire is the one the error carries"
    );
}

#[tokio::test]
async fn a_lost_response_is_retryable_for_create_and_not_for_delete() {
    let config = config("http://127.0.0.1:9").with_max_attempts(1);
    let transport = ReplayTransport::new([fail(TransportErrorKind::Interrupted)]);
    let client = Client::new(config.clone(), &transport);
    let error = client
        .create_keypair(name("kp"))
        .send()
        .await
        .expect_err("lost");
    assert!(error.is_retryable(), "a repeat with the token is safe");
    assert_eq!(error.status(), None);
    let token = error.client_token().expect("token").clone();
    let query = transport.requests()[0]
        .uri()
        .query()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(query, format!("clientToken={token}"));

    let transport = ReplayTransport::new([fail(TransportErrorKind::Interrupted)]);
    let client = Client::new(config.clone(), &transport);
    let error = client
        .delete_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect_err("lost");
    assert!(!error.is_retryable(), "a delete may have happened");
    assert_eq!(error.client_token(), None);

    let transport = ReplayTransport::new([fail(TransportErrorKind::Connect)]);
    let client = Client::new(config, &transport);
    let error = client
        .delete_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect_err("refused");
    assert!(error.is_retryable(), "nothing was sent");
}

#[tokio::test]
async fn a_spent_retry_budget_stops_the_retries_of_every_client_sharing_it() {
    // 10 tokens, 5 per retry: two retries in all, then none until successes earn some back.
    let budget = Arc::new(RetryBudget::new(10, 5, 10, 1));
    let config = config("http://127.0.0.1:9")
        .with_max_attempts(5)
        .with_retry_budget(budget.clone());
    let transport = ReplayTransport::new((0..4).map(|_| unavailable(None)));
    let first = Client::new(config.clone(), &transport);
    let error = first
        .list_keypairs(&ListKeypairs::new())
        .await
        .expect_err("503");
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        transport.requests().len(),
        3,
        "the first try and two retries"
    );
    assert_eq!(budget.available(), 0);

    let second = Client::new(config.clone(), &transport);
    let _error = second
        .list_keypairs(&ListKeypairs::new())
        .await
        .expect_err("503");
    assert_eq!(
        transport.requests().len(),
        4,
        "no retry left for the second client"
    );

    let transport = ReplayTransport::new([Scripted::Respond(json_response(200, "r", GET_OK))]);
    Client::new(config, &transport)
        .get_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect("success");
    assert_eq!(budget.available(), 1, "a success earns one token back");
}

#[tokio::test]
async fn a_retry_after_a_timeout_costs_more() {
    let budget = Arc::new(RetryBudget::new(10, 5, 10, 1));
    let config = config("http://127.0.0.1:9")
        .with_max_attempts(5)
        .with_retry_budget(budget.clone());
    let transport = ReplayTransport::new((0..5).map(|_| fail(TransportErrorKind::Timeout)));
    let error = Client::new(config, &transport)
        .get_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect_err("timeouts");
    assert!(matches!(&error, Error::Transport(e) if e.kind() == TransportErrorKind::Timeout));
    assert_eq!(transport.requests().len(), 2, "one retry at 10 tokens");
    assert_eq!(budget.available(), 0);
}

#[tokio::test]
async fn retry_after_sets_the_least_wait_and_a_longer_one_than_the_cap_ends_the_retries() {
    // Seconds, and an HTTP date 2 s after the signing time (the fixed clock).
    for (value, wait) in [("3", 3), ("Tue, 24 Nov 2026 10:19:57 GMT", 2)] {
        let sleep = RecordingSleep::new();
        let config = config("http://127.0.0.1:9")
            .with_retry_policy(RetryPolicy::default())
            .with_sleep(Arc::new(sleep.clone()));
        let transport = ReplayTransport::new([
            unavailable(Some(value)),
            Scripted::Respond(json_response(200, "r", GET_OK)),
        ]);
        Client::new(config, &transport)
            .get_keypair(&KeypairId::new("k-1").expect("id"))
            .await
            .expect("second attempt");
        assert_eq!(sleep.waits(), vec![Duration::from_secs(wait)], "{value}");
    }

    let transport = ReplayTransport::new([unavailable(Some("30")), unavailable(None)]);
    let config = config("http://127.0.0.1:9").with_retry_policy(RetryPolicy::default());
    let error = Client::new(config, &transport)
        .get_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect_err("503");
    assert_eq!(transport.requests().len(), 1, "30 s is past the 5 s cap");
    let service = error.as_service().expect("service error");
    assert_eq!(service.retry_after, Some(Duration::from_secs(30)));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn the_operation_deadline_ends_a_hanging_call_with_a_timeout() {
    let config = config("http://127.0.0.1:9")
        .with_sleep(Arc::new(TokioSleep))
        .with_operation_timeout(Duration::from_millis(50));
    let transport = FnTransport::new(|_request| std::future::pending());
    let started = std::time::Instant::now();
    let error = Client::new(config, transport)
        .create_keypair(name("kp"))
        .send()
        .await
        .expect_err("deadline");
    assert!(started.elapsed() < Duration::from_secs(5));
    match &error {
        Error::Transport(transport) => {
            assert_eq!(transport.kind(), TransportErrorKind::Timeout);
            assert!(
                transport.to_string().contains("did not finish within"),
                "{transport}"
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        error.client_token().is_some(),
        "the token survives the deadline"
    );
}

#[tokio::test]
async fn no_retry_is_made_whose_wait_would_end_after_the_deadline() {
    let config = config("http://127.0.0.1:9")
        .with_retry_policy(RetryPolicy::default())
        .with_sleep(Arc::new(TokioSleep))
        .with_operation_timeout(Duration::from_secs(1));
    let transport = ReplayTransport::new([unavailable(Some("2")), unavailable(None)]);
    let error = Client::new(config, &transport)
        .get_keypair(&KeypairId::new("k-1").expect("id"))
        .await
        .expect_err("503");
    assert_eq!(error.status(), Some(503));
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn bodies_carry_a_signed_content_md5_that_the_simulator_checks() {
    let sim = simulator();
    let config = config("http://127.0.0.1:8480");
    let request =
        operation::rename_keypair_request(&KeypairId::new("k-1").expect("id"), &name("abc"))
            .expect("request");
    let signed = request::signed_request(&request, &config, capture_time()).expect("signed");
    let body = signed.body().clone();
    assert_eq!(
        signed.headers()["content-md5"],
        request::content_md5(&body).as_str()
    );
    // The untouched request reaches the key-pair layer: the key pair does not exist.
    let answer = sim.handle(signed.clone()).await;
    assert_eq!(answer.status(), 404, "{:?}", answer.body());
    // The same request with another body of the same length.
    let swapped = Bytes::from(String::from_utf8_lossy(&body).replace("abc", "xyz"));
    assert_eq!(swapped.len(), body.len());
    let (parts, _) = signed.into_parts();
    let answer = sim.handle(http::Request::from_parts(parts, swapped)).await;
    assert_eq!(answer.status(), 400);
    let error = operation::service_error(&answer);
    assert_eq!(error.code, ErrorCode::InvalidHttpRequest);
}

/// A struct that keeps a client without naming its transport.
struct Service {
    client: DynClient,
}

#[tokio::test]
async fn a_dyn_client_works_like_the_typed_one() {
    let service = Service {
        client: Client::new(config("http://127.0.0.1:8480"), InProcess(simulator())).into_dyn(),
    };
    let created = service
        .client
        .create_keypair(name("boxed"))
        .send()
        .await
        .expect("create");
    let id = KeypairId::new(created.keypair_id).expect("id");
    let fetched = service.client.get_keypair(&id).await.expect("get");
    assert_eq!(fetched.name, "boxed");
    assert_eq!(format!("{:?}", service.client.transport()), "BoxTransport");
}

fn lookup(vars: &[(&'static str, &str)]) -> impl FnMut(&'static str) -> Option<OsString> {
    let vars: HashMap<&'static str, OsString> =
        vars.iter().map(|(k, v)| (*k, OsString::from(v))).collect();
    move |name| vars.get(name).cloned()
}

#[test]
fn the_endpoint_comes_from_bcc_endpoint_else_bcc_region() {
    let keys = [("BCE_ACCESS_KEY_ID", "ak"), ("BCE_SECRET_ACCESS_KEY", "sk")];
    let with = |extra: &[(&'static str, &str)]| {
        let vars: Vec<_> = keys.iter().chain(extra).copied().collect();
        Config::from_lookup(lookup(&vars))
    };
    let both = with(&[
        ("BCC_ENDPOINT", "http://127.0.0.1:8480"),
        ("BCC_REGION", "gz"),
    ]);
    assert_eq!(
        both.expect("config").endpoint().base_url(),
        "http://127.0.0.1:8480"
    );
    let region = with(&[("BCC_REGION", "gz")]);
    assert_eq!(
        region.expect("config").endpoint().base_url(),
        "https://bcc.gz.baidubce.com"
    );
    assert_eq!(with(&[]).unwrap_err(), ConfigError::MissingEndpoint);
    assert!(matches!(
        with(&[("BCC_REGION", "Bad Region")]).unwrap_err(),
        ConfigError::InvalidRegion { .. }
    ));
    assert_eq!(
        Config::from_lookup(lookup(&[("BCC_REGION", "bj")])).unwrap_err(),
        ConfigError::MissingEnvVar {
            name: "BCE_ACCESS_KEY_ID"
        }
    );
}
