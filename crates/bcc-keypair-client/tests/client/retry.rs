//! Retries, backoff, fresh signatures per attempt and the clientToken of create/import.

use std::sync::Arc;
use std::time::Duration;

use bcc_keypair_client::test_util::{RecordingSleep, ReplayTransport, Scripted, json_response};
use bcc_keypair_client::{
    Client, Error, ListKeypairs, Operation, RetryPolicy, TransportError, TransportErrorKind,
};
use bcc_keypair_model::{ErrorCode, InstanceId, KeypairId, KeypairName};
use bytes::Bytes;

use crate::support::{InProcess, SteppingClock, capture_time, config, simulator};

const GET_OK: &str = r#"{"keypair":{"keypairId":"k-1","name":"kp","instanceCount":0}}"#;
const INTERNAL_ERROR: &str = r#"{"requestId":"r5","code":"InternalError","message":"We encountered an internal error. Please try again."}"#;

fn failure(kind: TransportErrorKind) -> Scripted {
    Scripted::Fail(TransportError::new(kind, "scripted"))
}

fn status(code: u16) -> Scripted {
    Scripted::Respond(json_response(code, "r", INTERNAL_ERROR))
}

fn ok(body: &str) -> Scripted {
    Scripted::Respond(json_response(200, "r-ok", body))
}

fn header(request: &http::Request<Bytes>, name: &str) -> String {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn key_id() -> KeypairId {
    KeypairId::new("k-1").expect("id")
}

#[test]
fn backoff_is_exponential_capped_and_fully_jittered() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts(), 3);
    let ceilings: Vec<Duration> = (1..=8).map(|retry| policy.backoff_ceiling(retry)).collect();
    let expected_ms = [100, 200, 400, 800, 1600, 3200, 5000, 5000];
    assert_eq!(ceilings, expected_ms.map(Duration::from_millis).to_vec());
    // Full jitter: anywhere in [0, ceiling].
    assert_eq!(policy.backoff_delay(3, 0.0), Duration::ZERO);
    assert_eq!(policy.backoff_delay(3, 0.5), Duration::from_millis(200));
    assert_eq!(policy.backoff_delay(3, 1.0), Duration::from_millis(400));
    assert_eq!(
        policy.backoff_delay(3, 7.0),
        Duration::from_millis(400),
        "clamped"
    );
    assert_eq!(policy.backoff_delay(3, f64::NAN), Duration::ZERO);
    assert_eq!(
        policy.backoff_ceiling(u32::MAX),
        Duration::from_secs(5),
        "no overflow"
    );
    assert_eq!(
        RetryPolicy::new(0, Duration::ZERO, Duration::ZERO).max_attempts(),
        1
    );
}

#[tokio::test]
async fn retryable_statuses_are_retried_and_each_attempt_is_signed_afresh() {
    for code in [500, 502, 503, 504] {
        let transport = ReplayTransport::new([status(code), status(code), ok(GET_OK)]);
        let sleep = RecordingSleep::new();
        let config = config("http://127.0.0.1:9")
            .with_clock(Arc::new(SteppingClock::new(capture_time())))
            .with_retry_policy(RetryPolicy::default())
            .with_sleep(Arc::new(sleep.clone()));
        let keypair = Client::new(config, &transport)
            .get_keypair(&key_id())
            .await
            .expect("third attempt");
        assert_eq!(keypair.keypair_id, "k-1");
        let requests = transport.requests();
        assert_eq!(requests.len(), 3, "status {code}");
        let dates: Vec<String> = requests.iter().map(|r| header(r, "x-bce-date")).collect();
        assert_eq!(
            dates,
            [
                "2026-11-24T10:19:55Z",
                "2026-11-24T10:19:56Z",
                "2026-11-24T10:19:57Z"
            ]
        );
        let signatures: Vec<String> = requests
            .iter()
            .map(|r| header(r, "authorization"))
            .collect();
        assert!(
            signatures[0] != signatures[1] && signatures[1] != signatures[2],
            "each attempt has its own signature"
        );
        // Waits within the full-jitter bounds of retry 1 and 2.
        let waits = sleep.waits();
        assert_eq!(waits.len(), 2);
        assert!(
            waits[0] <= Duration::from_millis(100) && waits[1] <= Duration::from_millis(200),
            "{waits:?}"
        );
    }
}

#[tokio::test]
async fn request_expired_is_retried_with_a_new_timestamp() {
    let expired = r#"{"requestId":"r","code":"RequestExpired","message":"Request has expired. Timestamp date is 2026-11-24T10:19:55Z."}"#;
    let transport = ReplayTransport::new([
        Scripted::Respond(json_response(400, "r", expired)),
        ok(GET_OK),
    ]);
    let config =
        config("http://127.0.0.1:9").with_clock(Arc::new(SteppingClock::new(capture_time())));
    Client::new(config, &transport)
        .get_keypair(&key_id())
        .await
        .expect("second attempt");
    let requests = transport.requests();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        header(&requests[0], "x-bce-date"),
        header(&requests[1], "x-bce-date")
    );
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_returned() {
    let transport = ReplayTransport::new([status(503), status(503), status(503), ok(GET_OK)]);
    let error = Client::new(config("http://127.0.0.1:9"), &transport)
        .get_keypair(&key_id())
        .await
        .expect_err("gives up");
    assert_eq!(transport.requests().len(), 3, "default: 3 attempts in all");
    assert_eq!(error.as_service().map(|e| e.status), Some(503));

    let transport = ReplayTransport::new([
        status(503),
        status(503),
        status(503),
        status(503),
        status(503),
    ]);
    let five = config("http://127.0.0.1:9").with_max_attempts(5);
    let _ = Client::new(five, &transport).get_keypair(&key_id()).await;
    assert_eq!(transport.requests().len(), 5, "configurable");

    let transport = ReplayTransport::new([status(503), ok(GET_OK)]);
    let once = config("http://127.0.0.1:9").with_retry_policy(RetryPolicy::no_retries());
    assert!(
        Client::new(once, &transport)
            .get_keypair(&key_id())
            .await
            .is_err()
    );
    assert_eq!(transport.requests().len(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let not_found =
        r#"{"requestId":"r","code":"Keypair.KeypairNotExist","message":"Keypair not exist."}"#;
    let bad_signature = r#"{"requestId":"r","code":"SignatureDoesNotMatch","message":"no"}"#;
    for (code, body) in [(404, not_found), (400, bad_signature), (403, ""), (413, "")] {
        let transport = ReplayTransport::new([
            Scripted::Respond(json_response(code, "r", body)),
            ok(GET_OK),
        ]);
        let error = Client::new(config("http://127.0.0.1:9"), &transport)
            .get_keypair(&key_id())
            .await
            .expect_err("error");
        assert_eq!(transport.requests().len(), 1, "status {code}");
        assert!(matches!(error, Error::Service(_)));
    }
}

#[tokio::test]
async fn transport_errors_are_retried_only_when_a_repeat_is_harmless() {
    use TransportErrorKind::{Connect, Interrupted, InvalidRequest, Timeout};
    // (operation under test, first failure, expected number of requests)
    let cases = [
        (Operation::GetKeypair, Connect, 2),
        (Operation::GetKeypair, Timeout, 2),
        (Operation::GetKeypair, Interrupted, 2),
        (Operation::GetKeypair, InvalidRequest, 1),
        (Operation::DeleteKeypair, Connect, 2),
        (Operation::DeleteKeypair, Timeout, 1),
        (Operation::DeleteKeypair, Interrupted, 1),
        (Operation::AttachKeypair, Connect, 2),
        (Operation::AttachKeypair, Timeout, 1),
        (Operation::DetachKeypair, Timeout, 2),
        (Operation::RenameKeypair, Timeout, 2),
        (Operation::CreateKeypair, Timeout, 2),
        (Operation::CreateKeypair, Interrupted, 2),
        (Operation::ListKeypairs, Timeout, 2),
    ];
    for (operation, kind, expected) in cases {
        let success = match operation {
            Operation::GetKeypair | Operation::CreateKeypair => GET_OK,
            Operation::ListKeypairs => r#"{"keypairs":[]}"#,
            _ => "{}",
        };
        let transport = ReplayTransport::new([failure(kind), ok(success)]);
        let client = Client::new(config("http://127.0.0.1:9"), &transport);
        let id = key_id();
        let instances = [InstanceId::new("i-1").expect("instance")];
        let name = || KeypairName::new("kp").expect("name");
        let result = match operation {
            Operation::GetKeypair => client.get_keypair(&id).await.map(drop),
            Operation::DeleteKeypair => client.delete_keypair(&id).await,
            Operation::AttachKeypair => client.attach_keypair(&id, &instances).await,
            Operation::DetachKeypair => client.detach_keypair(&id, &instances).await,
            Operation::RenameKeypair => client.rename_keypair(&id, name()).await,
            Operation::CreateKeypair => client.create_keypair(name()).send().await.map(drop),
            Operation::ListKeypairs => client.list_keypairs(&ListKeypairs::new()).await.map(drop),
            _ => unreachable!("not in the table"),
        };
        assert_eq!(
            transport.requests().len(),
            expected,
            "{operation} after {kind:?}"
        );
        match result {
            Ok(()) => assert_eq!(expected, 2),
            Err(Error::Transport(error)) => {
                assert_eq!(expected, 1);
                assert_eq!(error.kind(), kind);
            }
            Err(other) => panic!("{operation} after {kind:?}: {other}"),
        }
    }
}

#[tokio::test]
async fn create_retries_reuse_one_client_token_and_calls_do_not_share_it() {
    let transport = ReplayTransport::new([
        failure(TransportErrorKind::Timeout),
        status(503),
        ok(GET_OK),
        ok(GET_OK),
    ]);
    let client = Client::new(config("http://127.0.0.1:9"), &transport);
    client
        .create_keypair(KeypairName::new("kp").expect("name"))
        .send()
        .await
        .expect("third attempt");
    client
        .create_keypair(KeypairName::new("kp").expect("name"))
        .send()
        .await
        .expect("second call");
    let tokens: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| {
            let query = r.uri().query().unwrap_or_default();
            query
                .strip_prefix("clientToken=")
                .expect("clientToken parameter")
                .to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), 4);
    assert!(
        tokens[0] == tokens[1] && tokens[1] == tokens[2],
        "one token per call: {tokens:?}"
    );
    assert_ne!(tokens[2], tokens[3], "a new call has a new token");
    let parsed = uuid_v4(&tokens[0]);
    assert!(parsed, "{} is a UUID v4", tokens[0]);
}

#[tokio::test]
async fn import_retries_reuse_one_client_token() {
    use bcc_keypair_model::PublicKey;
    let transport = ReplayTransport::new([failure(TransportErrorKind::Interrupted), ok(GET_OK)]);
    let client = Client::new(config("http://127.0.0.1:9"), &transport);
    let key = PublicKey::parse(crate::support::RSA_PUBLIC_KEY).expect("key");
    client
        .import_keypair(KeypairName::new("kp").expect("name"), key)
        .send()
        .await
        .expect("second attempt");
    let queries: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.uri().query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0], queries[1]);
    let token = queries[0]
        .strip_prefix("import&clientToken=")
        .expect("import flag, then the token");
    assert!(uuid_v4(token), "{token}");
}

fn uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        && groups[2].starts_with('4')
}

#[tokio::test]
async fn a_lost_create_response_does_not_make_a_second_keypair() {
    // The first attempt reaches the simulator, which creates the key pair, but its response
    // is lost (a timeout after sending). The retry carries the same clientToken, and the
    // simulator answers with the key pair it already made.
    let sim = simulator();
    let transport = ReplayTransport::with_fallback(
        [Scripted::DeliverThenFail(TransportError::new(
            TransportErrorKind::Timeout,
            "response lost",
        ))],
        InProcess(sim.clone()),
    );
    let client = Client::new(config("http://127.0.0.1:9"), &transport);
    let created = client
        .create_keypair(KeypairName::new("once").expect("name"))
        .send()
        .await
        .expect("retry succeeds");

    let requests = transport.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].uri().query(),
        requests[1].uri().query(),
        "same clientToken"
    );

    let listing = Client::new(config("http://127.0.0.1:9"), InProcess(sim))
        .list_keypairs(&ListKeypairs::new())
        .await
        .expect("list");
    let ids: Vec<&str> = listing
        .keypairs
        .iter()
        .map(|k| k.keypair_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [created.keypair_id.as_str()],
        "exactly one key pair exists"
    );
}

#[tokio::test]
async fn a_lost_delete_response_is_reported_not_replayed() {
    let transport = ReplayTransport::new([failure(TransportErrorKind::Interrupted), ok("{}")]);
    let error = Client::new(config("http://127.0.0.1:9"), &transport)
        .delete_keypair(&key_id())
        .await
        .expect_err("uncertain outcome is reported");
    assert!(matches!(&error, Error::Transport(e) if e.may_have_been_delivered()));
    assert_eq!(error.code(), None::<&ErrorCode>);
    assert_eq!(transport.requests().len(), 1);
}
