//! A local simulator of the BCC key-pair API (Baidu AI Cloud), for tests and development.
//!
//! The simulator answers the nine key pair operations exactly as the official SDKs send them
//! (`keypair-api.md` §2, §3), verifies every request's `bce-auth-v1` signature, keeps key
//! pairs and instances per account and region, and exposes a control API under `/__sim/`
//! for seeding instances, resetting state, injecting faults and reading a request journal.
//!
//! It is a library first: a [`Simulator`] is a value whose [`Simulator::handle`] answers one
//! `http::Request<Bytes>` without any socket. [`server`] puts it on a TCP listener, and the
//! `bcc-keypair-sim` binary wraps that in a command line.
//!
//! # Example: in-process use
//!
//! ```
//! use bce_auth::{Credentials, SigningSettings, http_adapter::sign_http_request};
//! use bcc_keypair_sim::{FixedClock, FixedKeys, Simulator};
//! use bytes::Bytes;
//! use chrono::{TimeZone, Utc};
//! use std::sync::Arc;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
//! let sim = Simulator::builder()
//!     .account("my-ak", "my-sk")
//!     .clock(Arc::new(FixedClock::new(now)))
//!     // Pre-generated keys keep tests fast; the default is a pool of fresh RSA-2048 keys.
//!     .key_source(Arc::new(FixedKeys::bundled_test_keys()?))
//!     .build()?;
//!
//! let mut request = http::Request::post("/v2/keypair?create")
//!     .header("host", "bcc.bj.baidubce.com")
//!     .body(Bytes::from_static(br#"{"name":"kp01","description":"demo"}"#))?;
//! sign_http_request(&mut request, &Credentials::new("my-ak", "my-sk"), now, &SigningSettings::default())?;
//!
//! let response = sim.handle(request).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.headers().contains_key("x-bce-request-id"));
//! let body: serde_json::Value = serde_json::from_slice(response.body())?;
//! assert_eq!(body["keypair"]["name"], "kp01");
//! assert_eq!(body["keypair"]["regionId"], "bj");
//! assert!(body["keypair"]["privateKey"].as_str().unwrap().starts_with("-----BEGIN RSA PRIVATE KEY-----"));
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//!
//! Split the way moto splits a service (STYLE.md habit 9). `pipeline` takes every request
//! through its steps in one direction: `auth` (verification before routing), `routes`
//! (host to region, and the table of method, path and action word), `faults`, `wire` (each
//! operation parses, calls the state and renders), `persist` (the state file) and
//! `journal` (recent requests). `state` is the simulated cloud: plain methods, no HTTP.
//! `control` is the `/__sim/` API and [`server`] puts the simulator on sockets with
//! graceful shutdown. Time and ids come from a [`Clock`] and an [`IdGenerator`]; key
//! material from a [`KeySource`].
//!
//! # Non-goals
//!
//! Only the key pair API of BCC. No TLS (put a proxy in front if needed), no HTTP/2, no
//! persistence beyond a single JSON state file.
#![deny(missing_docs)]

mod auth;
mod clock;
mod control;
mod faults;
mod ids;
mod journal;
mod keys;
mod lock;
mod persist;
mod pipeline;
mod routes;
pub mod server;
mod state;
mod wire;

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use bce_auth::VerifySettings;
use bytes::Bytes;
use http::{Request, Response};

pub use bcc_keypair_model::Operation;
pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{IdGenerator, RandomIds, SeededIds, SequentialIds};
pub use journal::DEFAULT_JOURNAL_CAPACITY;
pub use keys::{
    DEFAULT_KEY_POOL_SIZE, FixedKeys, GeneratedKey, KeyFuture, KeySource, RSA_BITS, RsaKeyPool,
};
pub use state::DEFAULT_QUOTA;

use crate::auth::Accounts;
use crate::faults::Faults;
use crate::journal::Journal;
use crate::persist::StateFile;
use crate::state::State;
use crate::wire::Renderings;

/// Access key used when no account is configured (development only).
pub const DEV_ACCESS_KEY: &str = "bcc-sim-dev-access-key";
/// Secret key belonging to [`DEV_ACCESS_KEY`].
pub const DEV_SECRET_KEY: &str = "bcc-sim-dev-secret-key";
/// Region used when the `Host` header is not `bcc.{region}.baidubce.com`.
pub const DEFAULT_REGION: &str = "bj";
/// The regions served by default: BCC's public regions (Beijing, Guangzhou, Suzhou, Hong
/// Kong, Wuhan, Baoding, Shanghai, Nanjing, Chengdu, Yangquan, Singapore). A `Host` naming
/// another region is refused, so a mistyped endpoint fails as it would against the cloud
/// instead of opening a new, empty region with its own quota. (The list is the project's
/// own choice: Baidu documents no region set for this API.)
pub const DEFAULT_REGIONS: &[&str] = &[
    "bj", "gz", "su", "hkg", "fwh", "bd", "fsh", "nj", "cd", "yq", "sin",
];
/// Largest accepted request body. Larger bodies get `400 InvalidHTTPRequest` (errors.md
/// §4 row 10: the body is not acceptable); the server refuses them before reading them.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why the simulator could not be built or started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Key material could not be generated or parsed.
    #[error("key material: {0}")]
    Key(String),
    /// The state file could not be read.
    #[error("state file {path}: {source}")]
    StateFile {
        /// The state file.
        path: PathBuf,
        /// The IO failure.
        source: io::Error,
    },
    /// The state file does not hold a simulator state.
    #[error("state file {path} is not a simulator state: {detail}")]
    StateFormat {
        /// The state file.
        path: PathBuf,
        /// What the parser reported.
        detail: String,
    },
    /// Another IO failure (starting threads, binding sockets).
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The simulator. Cheap to clone: clones share one simulated cloud.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("default_region", &self.inner.default_region)
            .field(
                "state_file",
                &self.inner.state_file.as_ref().map(|f| f.path()),
            )
            .finish_non_exhaustive()
    }
}

/// Everything the simulator keeps; the pipeline and the control API read it.
pub(crate) struct Inner {
    pub(crate) state: RwLock<State>,
    pub(crate) renderings: Renderings,
    pub(crate) accounts: Accounts,
    pub(crate) default_region: Arc<str>,
    /// Every region served, the default one included, in lower case.
    pub(crate) regions: Vec<Arc<str>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
    pub(crate) keys: Arc<dyn KeySource>,
    pub(crate) journal: Journal,
    pub(crate) faults: Faults,
    pub(crate) state_file: Option<Arc<StateFile>>,
    /// `None`: signatures are not checked (development only).
    pub(crate) verify_settings: Option<VerifySettings>,
    /// The token every control request must present, when one is set.
    pub(crate) control_token: Option<String>,
}

/// Configures a [`Simulator`].
#[must_use]
pub struct SimulatorBuilder {
    accounts: Vec<(String, String, String)>,
    default_region: String,
    regions: Vec<String>,
    quota: usize,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    key_source: Option<Arc<dyn KeySource>>,
    key_pool_size: usize,
    key_threads: Option<usize>,
    state_file: Option<PathBuf>,
    journal_capacity: usize,
    verify_settings: VerifySettings,
    verify_signatures: bool,
    control_token: Option<String>,
}

impl std::fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorBuilder")
            .field("default_region", &self.default_region)
            .field("quota", &self.quota)
            .field("key_pool_size", &self.key_pool_size)
            .field("state_file", &self.state_file)
            .finish_non_exhaustive()
    }
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            accounts: Vec::new(),
            default_region: DEFAULT_REGION.to_owned(),
            regions: DEFAULT_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            quota: DEFAULT_QUOTA,
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
            key_source: None,
            key_pool_size: DEFAULT_KEY_POOL_SIZE,
            key_threads: None,
            state_file: None,
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            verify_settings: VerifySettings::default(),
            verify_signatures: true,
            control_token: None,
        }
    }
}

impl SimulatorBuilder {
    /// Adds an account with one access key; the account is named after that key. Repeat for
    /// several accounts. Without any, [`DEV_ACCESS_KEY`]/[`DEV_SECRET_KEY`] are configured.
    pub fn account(mut self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        let access_key = access_key.into();
        self.accounts
            .push((access_key.clone(), access_key, secret_key.into()));
        self
    }

    /// Adds another access key to the account named `account` (an earlier
    /// [`SimulatorBuilder::account`] access key); both keys then see the same key pairs.
    pub fn access_key(
        mut self,
        account: impl Into<String>,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.accounts
            .push((account.into(), access_key.into(), secret_key.into()));
        self
    }

    /// Region used when the `Host` header names none (default [`DEFAULT_REGION`]).
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.default_region = region.into();
        self
    }

    /// The regions a `Host` header may name (default [`DEFAULT_REGIONS`]); the default region
    /// is always served. Names are compared without regard to case, as host names are.
    pub fn regions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, regions: I) -> Self {
        self.regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// Key pairs allowed per account and region (default [`DEFAULT_QUOTA`]).
    pub fn quota(mut self, quota: usize) -> Self {
        self.quota = quota;
        self
    }

    /// The clock (default [`SystemClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The id generator (default [`RandomIds`]).
    pub fn id_generator(mut self, ids: Arc<dyn IdGenerator>) -> Self {
        self.ids = ids;
        self
    }

    /// Where created key pairs get their keys (default: an [`RsaKeyPool`]).
    pub fn key_source(mut self, source: Arc<dyn KeySource>) -> Self {
        self.key_source = Some(source);
        self
    }

    /// Keys the default [`RsaKeyPool`] keeps ready (default [`DEFAULT_KEY_POOL_SIZE`]).
    pub fn key_pool_size(mut self, size: usize) -> Self {
        self.key_pool_size = size;
        self
    }

    /// Generator threads of the default [`RsaKeyPool`] (default: available parallelism).
    pub fn key_generator_threads(mut self, threads: usize) -> Self {
        self.key_threads = Some(threads);
        self
    }

    /// Keeps the state in this file: loaded at build, rewritten atomically after each change.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Entries kept by the request journal (default [`DEFAULT_JOURNAL_CAPACITY`]).
    pub fn journal_capacity(mut self, capacity: usize) -> Self {
        self.journal_capacity = capacity;
        self
    }

    /// Clock-skew limits of signature verification.
    pub fn verify_settings(mut self, settings: VerifySettings) -> Self {
        self.verify_settings = settings;
        self
    }

    /// Whether to verify signatures (default `true`). With `false` any request is accepted
    /// (development only): the access key of a well-formed `Authorization` header picks the
    /// account when it is configured, otherwise the first configured access key is used.
    pub fn verify_signatures(mut self, verify: bool) -> Self {
        self.verify_signatures = verify;
        self
    }

    /// Makes every control request (`/__sim/…`) present `token`, in the
    /// `x-sim-control-token` header or as `Authorization: Bearer <token>`; without it the
    /// answer is 403 `AccessDenied`. Default: no token (the control API is open to
    /// whoever reaches the port, which is loopback unless told otherwise).
    pub fn control_token(mut self, token: impl Into<String>) -> Self {
        self.control_token = Some(token.into());
        self
    }

    /// Builds the simulator: loads the state file if any and starts the key pool.
    pub fn build(self) -> Result<Simulator, SimError> {
        let mut accounts = Accounts::default();
        for (account, access_key, secret_key) in &self.accounts {
            accounts.add(account, access_key, secret_key);
        }
        if accounts.is_empty() {
            accounts.add(DEV_ACCESS_KEY, DEV_ACCESS_KEY, DEV_SECRET_KEY);
        }
        let state_file = self.state_file.map(|p| Arc::new(StateFile::new(p)));
        let state = match &state_file {
            None => State::new(self.quota),
            Some(file) => match file.load() {
                Ok(None) => State::new(self.quota),
                Ok(Some(bytes)) => {
                    State::from_json(&bytes, self.quota).map_err(|e| SimError::StateFormat {
                        path: file.path().to_path_buf(),
                        detail: e.to_string(),
                    })?
                }
                Err(source) => {
                    return Err(SimError::StateFile {
                        path: file.path().to_path_buf(),
                        source,
                    });
                }
            },
        };
        let keys = match self.key_source {
            Some(source) => source,
            None => {
                let threads = self.key_threads.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
                });
                Arc::new(RsaKeyPool::start(self.key_pool_size, threads)?)
            }
        };
        Ok(Simulator {
            inner: Arc::new(Inner {
                state: RwLock::new(state),
                renderings: Renderings::default(),
                accounts,
                regions: served_regions(&self.default_region, &self.regions),
                default_region: Arc::from(self.default_region.to_ascii_lowercase()),
                clock: self.clock,
                ids: self.ids,
                keys,
                journal: Journal::new(self.journal_capacity),
                faults: Faults::default(),
                state_file,
                verify_settings: self.verify_signatures.then_some(self.verify_settings),
                control_token: self.control_token,
            }),
        })
    }
}

impl Simulator {
    /// A builder with the defaults: development credentials, region `bj`, quota 500, system
    /// clock, random ids, an RSA key pool of 8.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// Answers one request without a socket. Never panics; bad input gets a BCE error
    /// response. Must run inside a Tokio runtime (the state file is written on a blocking
    /// thread and injected latency uses Tokio's timer).
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        pipeline::handle(&self.inner, request).await
    }
}

/// The default region first, then the others, lower-cased and without repeats.
fn served_regions(default: &str, others: &[String]) -> Vec<Arc<str>> {
    let mut regions: Vec<Arc<str>> = Vec::with_capacity(others.len() + 1);
    for region in std::iter::once(default).chain(others.iter().map(String::as_str)) {
        let region = region.to_ascii_lowercase();
        if !regions.iter().any(|known| **known == *region) {
            regions.push(Arc::from(region));
        }
    }
    regions
}
