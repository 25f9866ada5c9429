//! A simulator for other people's tests: one call starts it on `127.0.0.1:0` and gives back
//! its URL, its credentials and a typed client of its control API (reset, instances,
//! quota, faults, clock, session credentials, journal).
//!
//! ```test_harness
//! use bcc_keypair_sim::testing::{Instance, TestSimulator};
//!
//! #[tokio::test]
//! async fn my_code_sees_the_seeded_instances() -> Result<(), Box<dyn std::error::Error>> {
//!     let sim = TestSimulator::start().await?;
//!     sim.control().put_instances(&[Instance::new("i-web00001")]).await?;
//!
//!     // Point the code under test at the simulator: its URL and credentials, or the
//!     // environment variables the project's client and CLI read.
//!     let (endpoint, access_key_id) = (sim.url(), sim.access_key_id());
//!     assert!(endpoint.starts_with("http://127.0.0.1:"));
//!     assert_eq!(sim.env()[0], ("BCE_ACCESS_KEY_ID", access_key_id.to_owned()));
//!
//!     // Then check what the simulator holds and saw.
//!     assert_eq!(sim.control().instances().await?[0].instance_id, "i-web00001");
//!     assert!(sim.control().journal().await?.is_empty());
//!     sim.stop().await;
//!     Ok(())
//! }
//! ```
//!
//! Control requests go straight to the simulator value, not over the socket, so they are
//! fast and never fail for network reasons; the API requests of the code under test use the
//! socket like any real client.

use std::fmt;

use bce_auth::Credentials;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::server::{RunningServer, spawn_local};
use crate::{DEFAULT_REGION, FixedKeys, SessionCredentials, SimError, Simulator, SimulatorBuilder};

/// The access key of the account a [`TestSimulator`] starts with.
pub const TEST_ACCESS_KEY: &str = "bcc-sim-test-access-key";
/// The secret key of [`TEST_ACCESS_KEY`].
pub const TEST_SECRET_KEY: &str = "bcc-sim-test-secret-key";

/// A simulator served on `127.0.0.1:0` for the length of a test.
///
/// Dropping it stops the server as well; [`TestSimulator::stop`] also waits for open
/// requests to finish.
pub struct TestSimulator {
    sim: Simulator,
    server: RunningServer,
}

impl fmt::Debug for TestSimulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestSimulator")
            .field("url", &self.url())
            .field("access_key_id", &TEST_ACCESS_KEY)
            .finish_non_exhaustive()
    }
}

impl TestSimulator {
    /// Starts a simulator with one account ([`TEST_ACCESS_KEY`]), region `bj`, and the
    /// bundled test keys (creates answer at once instead of generating RSA keys).
    ///
    /// # Errors
    /// [`SimError`] when the bundled keys cannot be read or no port can be bound.
    pub async fn start() -> Result<Self, SimError> {
        Self::start_with(|builder| builder).await
    }

    /// Like [`TestSimulator::start`], with the builder adjusted first (quota, clock, id
    /// generator, more accounts, ...). The test account is always there.
    ///
    /// # Errors
    /// [`SimError`] when the simulator cannot be built or no port can be bound.
    pub async fn start_with(
        configure: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder,
    ) -> Result<Self, SimError> {
        let sim = configure(Self::builder()?).build()?;
        let server = spawn_local(sim.clone()).await?;
        Ok(Self { sim, server })
    }

    /// The builder [`TestSimulator::start`] uses: the test account and the bundled test
    /// keys. For tests that answer requests in-process with [`Simulator::handle`] and need
    /// no socket.
    ///
    /// # Errors
    /// [`SimError`] when the bundled keys cannot be read.
    pub fn builder() -> Result<SimulatorBuilder, SimError> {
        Ok(Simulator::builder()
            .account(TEST_ACCESS_KEY, TEST_SECRET_KEY)
            .key_source(std::sync::Arc::new(FixedKeys::bundled_test_keys()?)))
    }

    /// `http://127.0.0.1:PORT`: the endpoint to give the code under test.
    #[must_use]
    pub fn url(&self) -> String {
        self.server.base_url()
    }

    /// The test account's access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &'static str {
        TEST_ACCESS_KEY
    }

    /// The test account's credentials, for signing requests with `bce-auth`.
    #[must_use]
    pub fn credentials(&self) -> Credentials {
        Credentials::new(TEST_ACCESS_KEY, TEST_SECRET_KEY)
    }

    /// The environment the project's client (`Config::from_env`) and CLI read:
    /// `BCE_ACCESS_KEY_ID`, `BCE_SECRET_ACCESS_KEY`, `BCC_ENDPOINT` and `BCC_REGION`.
    #[must_use]
    pub fn env(&self) -> [(&'static str, String); 4] {
        [
            ("BCE_ACCESS_KEY_ID", TEST_ACCESS_KEY.to_owned()),
            ("BCE_SECRET_ACCESS_KEY", TEST_SECRET_KEY.to_owned()),
            ("BCC_ENDPOINT", self.url()),
            ("BCC_REGION", DEFAULT_REGION.to_owned()),
        ]
    }

    /// The simulator itself, to answer requests in-process with [`Simulator::handle`].
    #[must_use]
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// The typed client of the control API (`/__sim/…`).
    #[must_use]
    pub fn control(&self) -> Control {
        Control {
            sim: self.sim.clone(),
        }
    }

    /// Stops accepting connections, lets open requests finish, and waits for the server.
    pub async fn stop(self) {
        self.server.shutdown().await;
    }
}

/// A typed client of the control API. Every method is one control request.
#[derive(Clone, Debug)]
pub struct Control {
    sim: Simulator,
}

/// A control request the simulator refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("control request refused with {status} {code}: {message}")]
#[non_exhaustive]
pub struct ControlError {
    /// The HTTP status.
    pub status: u16,
    /// The BCE error code of the answer.
    pub code: String,
    /// The error message of the answer.
    pub message: String,
}

/// An instance to seed: Linux and running unless set otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Instance {
    /// The instance id, e.g. `i-web00001`.
    pub instance_id: String,
    /// `linux` or `windows` (only Linux instances can be bound to key pairs).
    pub os_type: String,
    /// `Running`, `Stopped`, ...
    pub status: String,
    /// The region; the default region when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// An access key of the owning account; the first account when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

impl Instance {
    /// A running Linux instance in the default region of the first account.
    #[must_use]
    pub fn new(instance_id: impl Into<String>) -> Self {
        Self {
            instance_id: instance_id.into(),
            os_type: "linux".to_owned(),
            status: "Running".to_owned(),
            region: None,
            access_key_id: None,
        }
    }

    /// The same instance with another OS type.
    #[must_use]
    pub fn os_type(mut self, os_type: impl Into<String>) -> Self {
        self.os_type = os_type.into();
        self
    }

    /// The same instance with another status.
    #[must_use]
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }

    /// The same instance in `region`.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The same instance owned by the account of `access_key_id`.
    #[must_use]
    pub fn account(mut self, access_key_id: impl Into<String>) -> Self {
        self.access_key_id = Some(access_key_id.into());
        self
    }
}

/// An injected fault: the next `count` requests of an operation (all when `None`) fail with
/// a status and code, are delayed, lose their answer or have their connection reset.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Fault {
    /// An operation's short name (`create`, `get`, `updateDesc`, ...), or `None` for all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// How many requests it affects (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// The status of the injected error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The BCE code of the injected error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The message of the injected error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A delay before answering, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// The operation is applied, then the connection closes without an answer.
    pub lost_response: bool,
    /// The connection closes before the operation runs.
    pub reset: bool,
    /// The chance (0 to 1) that a matching request is hit, drawn from the simulator's seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Only requests of this account (an access key or account id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Only requests to this region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Fault {
    /// A rule for the next request of `operation` that does nothing yet: each public
    /// constructor sets the one effect it names.
    fn on(operation: crate::Operation) -> Self {
        Self {
            operation: Some(operation.short_name().to_owned()),
            count: None,
            status: None,
            code: None,
            message: None,
            latency_ms: None,
            lost_response: false,
            reset: false,
            probability: None,
            account: None,
            region: None,
        }
    }

    /// The next request of `operation` fails with `status` and `code`.
    #[must_use]
    pub fn error(operation: crate::Operation, status: u16, code: &str) -> Self {
        Self {
            status: Some(status),
            code: Some(code.to_owned()),
            ..Self::on(operation)
        }
    }

    /// The next request of `operation` is applied, and its answer lost: the connection
    /// closes without one.
    #[must_use]
    pub fn lost_response(operation: crate::Operation) -> Self {
        Self {
            lost_response: true,
            ..Self::on(operation)
        }
    }

    /// The next request of `operation` has its connection reset before it runs.
    #[must_use]
    pub fn reset(operation: crate::Operation) -> Self {
        Self {
            reset: true,
            ..Self::on(operation)
        }
    }

    /// The same fault for each matching request with chance `probability` (0 to 1), until
    /// cleared unless [`Fault::times`] limits it.
    #[must_use]
    pub fn probability(mut self, probability: f64) -> Self {
        self.probability = Some(probability);
        self
    }

    /// The same fault for requests of one account only (an access key or account id).
    #[must_use]
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// The same fault for requests to one region only.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The next request of `operation` is answered after `millis` milliseconds.
    #[must_use]
    pub fn latency(operation: crate::Operation, millis: u64) -> Self {
        Self {
            latency_ms: Some(millis),
            ..Self::on(operation)
        }
    }

    /// The same fault for the next `count` matching requests.
    #[must_use]
    pub fn times(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }
}

/// A change of the simulator's clocks (`POST /__sim/clock`); a field left `None` keeps its
/// setting.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClockChange {
    /// The time written into answers and the journal (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_time: Option<String>,
    /// Whether that time stands still.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frozen: Option<bool>,
    /// Seconds the clock that signatures are judged by runs ahead of the real one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_offset_secs: Option<i64>,
}

impl ClockChange {
    /// Moves the signature clock `seconds` ahead of the real one (behind when negative).
    #[must_use]
    pub fn signature_offset(seconds: i64) -> Self {
        Self {
            signature_offset_secs: Some(seconds),
            ..Self::default()
        }
    }

    /// Stops the record time at `rfc3339`.
    #[must_use]
    pub fn frozen_at(rfc3339: impl Into<String>) -> Self {
        Self {
            record_time: Some(rfc3339.into()),
            frozen: Some(true),
            ..Self::default()
        }
    }
}

/// One request of the journal (`GET /__sim/requests`), as the control API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JournalEntry {
    /// When the request arrived (RFC 3339, milliseconds).
    pub time: String,
    /// The `x-bce-request-id` it was answered with.
    pub request_id: String,
    /// The HTTP method.
    pub method: String,
    /// The path as received.
    pub path: String,
    /// The query as received, secrets redacted.
    #[serde(default)]
    pub query: Option<String>,
    /// The operation's short name, when the request was routed.
    pub operation: Option<String>,
    /// The access key the request was signed with.
    pub access_key_id: Option<String>,
    /// The region, when the request was routed.
    pub region: Option<String>,
    /// The answer's status.
    pub status: u16,
    /// The answer's error code, when it was an error.
    pub error_code: Option<String>,
    /// Why the request was refused, in plain words.
    #[serde(default)]
    pub reason: Option<String>,
    /// The headers the signature covers.
    #[serde(default)]
    pub signed_headers: Option<Vec<String>>,
    /// The names of the headers received (never their values).
    #[serde(default)]
    pub headers: Vec<String>,
}

#[derive(Deserialize)]
struct InstancesAnswer {
    instances: Vec<Instance>,
}

#[derive(Deserialize)]
struct JournalAnswer {
    requests: Vec<JournalEntry>,
}

#[derive(Deserialize)]
struct QuotaAnswer {
    quota: usize,
}

impl Control {
    /// Removes every key pair, instance and client token (`POST /__sim/reset`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn reset(&self) -> Result<(), ControlError> {
        self.post("/__sim/reset", &serde_json::json!({})).await
    }

    /// Creates or replaces instances (`POST /__sim/instances`).
    ///
    /// # Errors
    /// [`ControlError`] for an empty or invalid id or an unknown account.
    pub async fn put_instances(&self, instances: &[Instance]) -> Result<(), ControlError> {
        self.post(
            "/__sim/instances",
            &serde_json::json!({ "instances": instances }),
        )
        .await
    }

    /// Every instance of every account and region (`GET /__sim/instances`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn instances(&self) -> Result<Vec<Instance>, ControlError> {
        let answer: InstancesAnswer = self.get("/__sim/instances").await?;
        Ok(answer.instances)
    }

    /// Sets the key pair quota of every account and region (`POST /__sim/quota`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn set_quota(&self, quota: usize) -> Result<(), ControlError> {
        self.post("/__sim/quota", &serde_json::json!({ "quota": quota }))
            .await
    }

    /// The quota of the first account in the default region (`GET /__sim/quota`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn quota(&self) -> Result<usize, ControlError> {
        let answer: QuotaAnswer = self.get("/__sim/quota").await?;
        Ok(answer.quota)
    }

    /// Adds a fault (`POST /__sim/faults`).
    ///
    /// # Errors
    /// [`ControlError`] for an unknown operation or a status that is not an error.
    pub async fn add_fault(&self, fault: &Fault) -> Result<(), ControlError> {
        self.post("/__sim/faults", fault).await
    }

    /// Removes every fault (`DELETE /__sim/faults`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn clear_faults(&self) -> Result<(), ControlError> {
        self.send(Method::DELETE, "/__sim/faults", Vec::new())
            .await
            .map(drop)
    }

    /// Changes the clocks (`POST /__sim/clock`).
    ///
    /// # Errors
    /// [`ControlError`] for a time that is not RFC 3339 or an offset out of range.
    pub async fn set_clock(&self, change: &ClockChange) -> Result<(), ControlError> {
        self.post("/__sim/clock", change).await
    }

    /// Puts both clocks back on the real one (`DELETE /__sim/clock`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn reset_clock(&self) -> Result<(), ControlError> {
        self.send(Method::DELETE, "/__sim/clock", Vec::new())
            .await
            .map(drop)
    }

    /// Adds (or renews) session credentials (`POST /__sim/credentials`).
    ///
    /// # Errors
    /// [`ControlError`] for an unknown account or a permanent access key.
    pub async fn add_session_credentials(
        &self,
        credentials: &SessionCredentials,
    ) -> Result<(), ControlError> {
        self.post("/__sim/credentials", &credentials.control_body())
            .await
    }

    /// The recent API requests, oldest first (`GET /__sim/requests`).
    ///
    /// # Errors
    /// [`ControlError`] when the simulator refuses the request.
    pub async fn journal(&self) -> Result<Vec<JournalEntry>, ControlError> {
        let answer: JournalAnswer = self.get("/__sim/requests").await?;
        Ok(answer.requests)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ControlError> {
        let body = self.send(Method::GET, path, Vec::new()).await?;
        serde_json::from_slice(&body).map_err(|error| ControlError {
            status: 200,
            code: String::new(),
            message: format!("unexpected answer to GET {path}: {error}"),
        })
    }

    /// `POST`s `body` as JSON; the answer's body is not needed.
    async fn post(&self, path: &str, body: &impl Serialize) -> Result<(), ControlError> {
        let body = serde_json::to_vec(body).map_err(|error| ControlError {
            status: 0,
            code: String::new(),
            message: format!("cannot encode the body of POST {path}: {error}"),
        })?;
        self.send(Method::POST, path, body).await.map(drop)
    }

    async fn send(&self, method: Method, path: &str, body: Vec<u8>) -> Result<Bytes, ControlError> {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, "127.0.0.1")
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Bytes::from(body))
            .map_err(|error| ControlError {
                status: 0,
                code: String::new(),
                message: error.to_string(),
            })?;
        let response = self.sim.handle(request).await;
        let status = response.status();
        let body = response.into_body();
        if status == StatusCode::OK {
            return Ok(body);
        }
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let text = |field: &str| error[field].as_str().unwrap_or_default().to_owned();
        Err(ControlError {
            status: status.as_u16(),
            code: text("code"),
            message: text("message"),
        })
    }
}
