//! `bcc_keypair_sim::testing`: a simulator started in one call, used over its socket the way
//! other people's tests use it, and controlled through the typed control client.

use bcc_keypair_model::{ErrorCode, Operation};
use bcc_keypair_sim::SessionCredentials;
use bcc_keypair_sim::testing::{ClockChange, Fault, Instance, TEST_ACCESS_KEY, TestSimulator};
use bce_auth::http_adapter::sign_http_request;
use bce_auth::{Credentials, SigningSettings};
use bytes::Bytes;
use http::Request;

use crate::support::{RawReply, send_raw};

/// Signs `method target` with the test account and sends it over the socket.
async fn call(sim: &TestSimulator, method: &str, target: &str, body: &str) -> RawReply {
    signed_call(sim, &sim.credentials(), method, target, body).await
}

/// Like [`call`], signed with `credentials`, without a body.
async fn call_as(
    sim: &TestSimulator,
    credentials: &Credentials,
    method: &str,
    target: &str,
) -> RawReply {
    signed_call(sim, credentials, method, target, "").await
}

async fn signed_call(
    sim: &TestSimulator,
    credentials: &Credentials,
    method: &str,
    target: &str,
    body: &str,
) -> RawReply {
    let addr: std::net::SocketAddr = sim
        .url()
        .trim_start_matches("http://")
        .parse()
        .expect("an address");
    let mut request = Request::builder()
        .method(method)
        .uri(target)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .expect("a request");
    sign_http_request(
        &mut request,
        credentials,
        bcc_keypair_sim::Clock::now(&bcc_keypair_sim::SystemClock),
        &SigningSettings::default(),
    )
    .expect("signable");
    let mut head = format!("{method} {target} HTTP/1.1");
    for (name, value) in request.headers() {
        head.push_str(&format!("\n{name}: {}", value.to_str().expect("text")));
    }
    head.push_str(&format!("\ncontent-length: {}", body.len()));
    let body = body.as_bytes().to_vec();
    tokio::task::spawn_blocking(move || send_raw(addr, &head, &body))
        .await
        .expect("the request thread")
}

#[tokio::test]
async fn a_started_simulator_answers_signed_requests_on_its_url() {
    let sim = TestSimulator::start().await.expect("started");
    assert!(sim.url().starts_with("http://127.0.0.1:"), "{}", sim.url());
    let created = call(&sim, "POST", "/v2/keypair?create", r#"{"name":"kp1"}"#).await;
    assert_eq!(
        created.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&created.body)
    );
    let listed = call(&sim, "GET", "/v2/keypair", "").await;
    let listed: serde_json::Value = serde_json::from_slice(&listed.body).expect("json");
    assert_eq!(listed["keypairs"][0]["name"], "kp1");

    let journal = sim.control().journal().await.expect("journal");
    let operations: Vec<_> = journal.iter().map(|e| e.operation.as_deref()).collect();
    assert_eq!(operations, [Some("create"), Some("list")]);
    assert!(journal.iter().all(|e| e.status == 200));
    assert!(
        journal
            .iter()
            .all(|e| e.access_key_id.as_deref() == Some(TEST_ACCESS_KEY))
    );
    sim.stop().await;
}

#[tokio::test]
async fn the_control_client_seeds_instances_quota_and_faults() {
    let sim = TestSimulator::start().await.expect("started");
    let control = sim.control();
    control
        .put_instances(&[
            Instance::new("i-web00001"),
            Instance::new("i-win00001")
                .os_type("windows")
                .status("Stopped"),
        ])
        .await
        .expect("seeded");
    let instances = control.instances().await.expect("instances");
    assert_eq!(instances.len(), 2);
    assert_eq!(instances[1].os_type, "windows");
    assert_eq!(instances[1].status, "Stopped");

    control.set_quota(1).await.expect("quota set");
    assert_eq!(control.quota().await.expect("quota"), 1);
    let first = call(&sim, "POST", "/v2/keypair?create", r#"{"name":"a"}"#).await;
    assert_eq!(first.status, 200);
    let second = call(&sim, "POST", "/v2/keypair?create", r#"{"name":"b"}"#).await;
    assert_eq!(second.status, ErrorCode::KeypairQuotaExceedLimit.status());

    let code = ErrorCode::InternalError.as_str();
    let fault = Fault::error(Operation::ListKeypairs, 503, code).times(2);
    control.add_fault(&fault).await.expect("fault added");
    for _ in 0..2 {
        assert_eq!(call(&sim, "GET", "/v2/keypair", "").await.status, 503);
    }
    assert_eq!(call(&sim, "GET", "/v2/keypair", "").await.status, 200);

    control.reset().await.expect("reset");
    assert!(control.instances().await.expect("instances").is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn refused_control_requests_are_typed_errors() {
    let sim = TestSimulator::start().await.expect("started");
    let unknown = Instance::new("i-x").account("no-such-access-key");
    let error = sim
        .control()
        .put_instances(&[unknown])
        .await
        .expect_err("unknown account");
    let expected = ErrorCode::InvalidAccessKeyId;
    assert_eq!(error.status, expected.status(), "{error}");
    assert_eq!(error.code, expected.as_str(), "{error}");
    let fault = Fault::error(Operation::GetKeypair, 200, "NotAnError");
    assert!(sim.control().add_fault(&fault).await.is_err());
}

#[tokio::test]
async fn the_builder_can_be_adjusted_and_the_env_names_the_endpoint() {
    let sim = TestSimulator::start_with(|builder| builder.quota(3))
        .await
        .expect("started");
    assert_eq!(sim.control().quota().await.expect("quota"), 3);
    let env = sim.env();
    assert!(env.contains(&("BCC_ENDPOINT", sim.url())));
    assert!(env.contains(&("BCE_ACCESS_KEY_ID", TEST_ACCESS_KEY.to_owned())));
    assert!(!format!("{sim:?}").contains("secret"));
}

#[tokio::test]
async fn the_control_client_moves_the_clock_grants_sessions_and_aims_faults() {
    let sim = TestSimulator::start().await.expect("started");
    let control = sim.control();

    // A signature clock an hour ahead: a request signed now is past its 1,800 s window.
    control
        .set_clock(&ClockChange::signature_offset(3600))
        .await
        .expect("clock set");
    let expired = call(&sim, "GET", "/v2/keypair", "").await;
    let code = ErrorCode::RequestExpired;
    assert_eq!(expired.status, code.status());
    assert_eq!(expired.json()["code"], code.as_str());
    control.reset_clock().await.expect("clock reset");
    assert_eq!(call(&sim, "GET", "/v2/keypair", "").await.status, 200);

    // A fault for one account only, on every matching request.
    let code = ErrorCode::InternalError.as_str();
    let fault = Fault::error(Operation::ListKeypairs, 503, code)
        .probability(1.0)
        .account(TEST_ACCESS_KEY);
    control.add_fault(&fault).await.expect("fault added");
    for _ in 0..3 {
        assert_eq!(call(&sim, "GET", "/v2/keypair", "").await.status, 503);
    }
    control.clear_faults().await.expect("faults cleared");
    let other_account = Fault::error(Operation::ListKeypairs, 503, code).account("no-such-ak");
    assert!(control.add_fault(&other_account).await.is_err());

    // Session credentials act for the test account.
    let grant = SessionCredentials::new("sts-ak", "sts-sk", "sts-token");
    assert!(!format!("{grant:?}").contains("sts-sk"));
    control
        .add_session_credentials(&grant)
        .await
        .expect("session credentials added");
    let session = Credentials::new("sts-ak", "sts-sk").with_session_token("sts-token");
    let listed = call_as(&sim, &session, "GET", "/v2/keypair").await;
    assert_eq!(
        listed.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&listed.body)
    );
    let wrong = Credentials::new("sts-ak", "sts-sk").with_session_token("other-token");
    let refused = call_as(&sim, &wrong, "GET", "/v2/keypair").await;
    assert_eq!(
        refused.json()["code"],
        ErrorCode::InvalidAccessKeyId.as_str()
    );
    // The account and the expiry travel too: renewed with a past expiry, they are refused.
    let expired = grant
        .acting_for(TEST_ACCESS_KEY)
        .expires_at(chrono::DateTime::UNIX_EPOCH);
    control
        .add_session_credentials(&expired)
        .await
        .expect("session credentials renewed");
    let refused = call_as(&sim, &session, "GET", "/v2/keypair").await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.json()["code"],
        ErrorCode::InvalidAccessKeyId.as_str()
    );
    let unknown_account =
        SessionCredentials::new("sts-ak2", "sts-sk", "t").acting_for("no-such-ak");
    assert!(
        control
            .add_session_credentials(&unknown_account)
            .await
            .is_err()
    );
    sim.stop().await;
}
