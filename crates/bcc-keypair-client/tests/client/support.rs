//! Shared helpers: fixed time, configurations, an in-process simulator transport.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use bcc_keypair_client::test_util::RecordingSleep;
use bcc_keypair_client::{
    Clock, Config, Credentials, Endpoint, FixedClock, RetryPolicy, Transport, TransportError,
};
use bcc_keypair_sim::Simulator;
use bcc_keypair_sim::testing::TestSimulator;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};

pub(crate) const ACCESS_KEY: &str = "0123456789abcdef0123456789abcdef";
pub(crate) const SECRET_KEY: &str = "fedcba9876543210fedcba9876543210";

/// The time of the Go capture in `keypair-api.md` §6.1.
pub(crate) fn capture_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 19, 55)
        .single()
        .unwrap_or_default()
}

/// A configuration for `endpoint` with the test credentials, a fixed clock and no waits.
pub(crate) fn config(endpoint: &str) -> Config {
    Config::new(
        Endpoint::url(endpoint).expect("test endpoint"),
        Credentials::new(ACCESS_KEY, SECRET_KEY),
    )
    .with_clock(Arc::new(FixedClock::new(capture_time())))
    .with_retry_policy(RetryPolicy::default().without_delay())
    .with_sleep(Arc::new(RecordingSleep::new()))
}

/// A clock that moves one second forward each time it is read.
#[derive(Debug)]
pub(crate) struct SteppingClock {
    start: DateTime<Utc>,
    reads: AtomicI64,
}

impl SteppingClock {
    pub(crate) fn new(start: DateTime<Utc>) -> Self {
        Self {
            start,
            reads: AtomicI64::new(0),
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        let n = self.reads.fetch_add(1, Ordering::SeqCst);
        self.start + chrono::Duration::seconds(n)
    }
}

/// A simulator with the test account, pinned to the capture time, with bundled keys.
pub(crate) fn simulator() -> Simulator {
    TestSimulator::builder()
        .expect("bundled keys")
        .account(ACCESS_KEY, SECRET_KEY)
        .clock(Arc::new(bcc_keypair_sim::FixedClock::new(capture_time())))
        .build()
        .expect("simulator")
}

/// A transport that answers through [`Simulator::handle`], without a socket.
#[derive(Clone, Debug)]
pub(crate) struct InProcess(pub(crate) Simulator);

impl Transport for InProcess {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        Ok(self.0.handle(request).await)
    }
}

/// Calls the simulator's control API (`/__sim/…`, unsigned).
pub(crate) async fn control(
    sim: &Simulator,
    method: http::Method,
    path: &str,
    body: &str,
) -> serde_json::Value {
    let request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("content-type", "application/json")
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("control request");
    let response = sim.handle(request).await;
    assert!(
        response.status().is_success(),
        "control {path}: {}",
        response.status()
    );
    if response.body().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(response.body()).expect("control response JSON")
    }
}

/// A valid OpenSSH RSA public key (1024 bits, made with ssh-keygen).
pub(crate) const RSA_PUBLIC_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCrN5QOcmY9WHNTzSZW8g4Eciwy+SFSPUH5FJXFDbWFzvaS2SmXbEgZHhCy3lCthYTGu3B9/iNJe/Y9WeeNc5PiIpP2Ay8RmEQwCks+FarAkdJRedhxRFZR7XlMeFwUe+2M8pKgBa8dSXZsyqbbpGFoWYZAp/zZyh/DUBj4iw5uqw== test@host";

/// A valid OpenSSH ECDSA P-256 public key (made with ssh-keygen).
pub(crate) const ECDSA_PUBLIC_KEY: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF0DJcujwjUzYWqlejXMXgNdwFbLK6NWjm2kGFtYko1uP0wN/uTDFyhGA9IZUDi6TAnKm2ccQwfmuGL1rPyd15o= ec@host";

/// Each id is valid but names no key pair, and `name` matches none: the service must verify
/// the signature of every request (else `SignatureDoesNotMatch`) and answer
/// `Keypair.KeypairNotExist`, or an empty page.
pub(crate) async fn unknown_ids_are_answered<T: Transport>(
    client: &bcc_keypair_client::Client<T>,
    ids: &[&str],
    name: &str,
) {
    use bcc_keypair_model::{ErrorCode, KeypairId};
    for id in ids {
        let error = client
            .get_keypair(&KeypairId::new(*id).expect("id"))
            .await
            .expect_err("does not exist");
        assert_eq!(
            error.code(),
            Some(&ErrorCode::KeypairNotExist),
            "{id}: {error}"
        );
    }
    let page = client
        .list_keypairs(&bcc_keypair_client::ListKeypairs::new().name(name))
        .await
        .expect("list by an odd name");
    assert!(page.keypairs.is_empty());
}
