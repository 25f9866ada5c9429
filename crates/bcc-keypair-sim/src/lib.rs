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
//! # Features
//!
//! * `cli` (default): the `bcc-keypair-sim` binary; turns on `bundled-keys`.
//! * `bundled-keys`: `BundledKeys`, 1,024 pregenerated RSA-2048 **public test keys**
//!   (never for real use) that answer create at HTTP speed
//!   (`SimulatorBuilder::bundled_keys`, `--keys bundled`).
//!
//! # Non-goals
//!
//! Only the key pair API of BCC. No TLS (put a proxy in front if needed), no HTTP/2, no
//! persistence beyond a JSON state file (a snapshot and its change log).
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
pub mod testing;
mod wire;

use std::io;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bce_auth::VerifySettings;
use bytes::Bytes;
use http::{Request, Response};

pub use auth::SessionCredentials;
pub use bcc_keypair_model::Operation;
pub use clock::{Clock, FixedClock, RecordTime, SystemClock};
pub use faults::ConnectionFault;
pub use ids::{IdGenerator, RandomIds, SeededIds, SequentialIds};
pub use journal::DEFAULT_JOURNAL_CAPACITY;
#[cfg(feature = "bundled-keys")]
pub use keys::BundledKeys;
pub use keys::{
    DEFAULT_KEY_POOL_SIZE, FixedKeys, GeneratedKey, KeyFuture, KeySource, RSA_BITS, RsaKeyPool,
    TakenKeys,
};
pub use state::DEFAULT_QUOTA;

use crate::auth::Accounts;
use crate::clock::ClockSettings;
use crate::faults::Faults;
use crate::journal::Journal;
use crate::persist::Store;
use crate::state::State;
use crate::wire::Renderings;

/// The maps looked up on every request (access keys, key pair ids, cached answers) hash with
/// foldhash, hashbrown's default hasher, seeded per map: SipHash, std's default, cost a
/// signed GET about 550 instructions more over its lookups. A simulator's maps hold
/// what its own callers put there, so foldhash's lighter flooding resistance is enough.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

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
/// How long a client token is remembered by default: 24 hours. (Inferred: the service
/// documents no lifetime; a repeated token after it, or after its key pair was deleted, is
/// a new request.)
pub const DEFAULT_CLIENT_TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);
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
    /// Session credentials that cannot be registered: a field is empty, the access key is a
    /// permanent one, or no account has the access key they act for.
    #[error("session credentials: {0}")]
    SessionCredentials(String),
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
    /// Shared with the state file's writer thread, which undoes changes it cannot save.
    pub(crate) state: Arc<RwLock<State>>,
    pub(crate) renderings: Renderings,
    pub(crate) accounts: Accounts,
    pub(crate) default_region: Arc<str>,
    /// Every region served, the default one included, in lower case.
    pub(crate) regions: Vec<Arc<str>>,
    pub(crate) clock: Arc<dyn Clock>,
    /// The record time and the signature time, as `/__sim/clock` set them.
    pub(crate) clock_settings: ClockSettings,
    pub(crate) ids: Arc<dyn IdGenerator>,
    pub(crate) keys: Arc<dyn KeySource>,
    pub(crate) journal: Journal,
    pub(crate) faults: Faults,
    pub(crate) state_file: Option<Store>,
    /// `None`: signatures are not checked (development only).
    pub(crate) verify_settings: Option<VerifySettings>,
    /// The token every control request must present, when one is set.
    pub(crate) control_token: Option<String>,
}

/// Configures a [`Simulator`].
#[must_use]
pub struct SimulatorBuilder {
    accounts: Vec<(String, String, String)>,
    sessions: Vec<SessionCredentials>,
    default_region: String,
    regions: Vec<String>,
    quota: usize,
    clock: Arc<dyn Clock>,
    record_time: RecordTime,
    signature_clock_offset: chrono::Duration,
    ids: Arc<dyn IdGenerator>,
    seed: Option<u64>,
    key_source: Option<Arc<dyn KeySource>>,
    #[cfg(feature = "bundled-keys")]
    bundled_keys: bool,
    key_pool_size: usize,
    key_threads: Option<usize>,
    state_file: Option<PathBuf>,
    client_token_ttl: Duration,
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
            sessions: Vec::new(),
            default_region: DEFAULT_REGION.to_owned(),
            regions: DEFAULT_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            quota: DEFAULT_QUOTA,
            clock: Arc::new(SystemClock),
            record_time: RecordTime::Live,
            signature_clock_offset: chrono::Duration::zero(),
            ids: Arc::new(RandomIds),
            seed: None,
            key_source: None,
            #[cfg(feature = "bundled-keys")]
            bundled_keys: false,
            key_pool_size: DEFAULT_KEY_POOL_SIZE,
            key_threads: None,
            state_file: None,
            client_token_ttl: DEFAULT_CLIENT_TOKEN_TTL,
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

    /// Adds STS session credentials acting for an account configured with
    /// [`SimulatorBuilder::account`] (repeat for several). More can be added at run time
    /// with [`Simulator::add_session_credentials`] or `POST /__sim/credentials`.
    pub fn session_credentials(mut self, credentials: SessionCredentials) -> Self {
        self.sessions.push(credentials);
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

    /// How the times the simulator writes (`createdTime`, journal times) follow the clock
    /// (default [`RecordTime::Live`]). `POST /__sim/clock` changes it at run time.
    pub fn record_time(mut self, record_time: RecordTime) -> Self {
        self.record_time = record_time;
        self
    }

    /// How far ahead of the clock (behind, when negative) the time runs that signatures
    /// are judged by (auth-v1.md §8 step 4; default zero): an offset past the 1,800 s
    /// window makes a freshly signed request `RequestExpired`. `POST /__sim/clock` changes
    /// it at run time.
    pub fn signature_clock_offset(mut self, offset: chrono::Duration) -> Self {
        self.signature_clock_offset = offset;
        self
    }

    /// Draws every random choice from `seed`: key pair ids and request ids (a
    /// [`SeededIds`], unless [`SimulatorBuilder::id_generator`] is called afterwards), the
    /// probabilities of injected faults, and the order of bundled keys.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self.ids = Arc::new(SeededIds::new(seed));
        self
    }

    /// Created key pairs get the crate's bundled public test keys ([`BundledKeys`], in the
    /// order of [`SimulatorBuilder::seed`]) instead of freshly generated ones. Replaces an
    /// earlier [`SimulatorBuilder::key_source`]; a later one replaces it.
    #[cfg(feature = "bundled-keys")]
    pub fn bundled_keys(mut self) -> Self {
        self.bundled_keys = true;
        self.key_source = None;
        self
    }

    /// The id generator (default [`RandomIds`]).
    pub fn id_generator(mut self, ids: Arc<dyn IdGenerator>) -> Self {
        self.ids = ids;
        self
    }

    /// Where created key pairs get their keys (default: an [`RsaKeyPool`]).
    pub fn key_source(mut self, source: Arc<dyn KeySource>) -> Self {
        #[cfg(feature = "bundled-keys")]
        {
            self.bundled_keys = false;
        }
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

    /// Keeps the state in this file (a snapshot, and a change log beside it at `PATH.log`):
    /// loaded at build; every change is on disk before it is acknowledged.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// How long a client token is remembered (default [`DEFAULT_CLIENT_TOKEN_TTL`]),
    /// counted on the simulator's [`Clock`]. A token repeated later is a new request.
    pub fn client_token_ttl(mut self, ttl: Duration) -> Self {
        self.client_token_ttl = ttl;
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
        for session in &self.sessions {
            accounts
                .add_session(session)
                .map_err(SimError::SessionCredentials)?;
        }
        let ttl =
            chrono::TimeDelta::from_std(self.client_token_ttl).unwrap_or(chrono::TimeDelta::MAX);
        let (state, state_file) = match self.state_file {
            None => {
                let mut state = State::new(self.quota);
                state.set_client_token_ttl(ttl);
                (Arc::new(RwLock::new(state)), None)
            }
            Some(path) => {
                let (state, store) = Store::open(path, persist::Settings::new(self.quota, ttl))?;
                (state, Some(store))
            }
        };
        let keys = match self.key_source {
            Some(source) => source,
            #[cfg(feature = "bundled-keys")]
            None if self.bundled_keys => Arc::new(BundledKeys::new(self.seed)),
            None => {
                let threads = self.key_threads.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
                });
                Arc::new(RsaKeyPool::start(self.key_pool_size, threads)?)
            }
        };
        Ok(Simulator {
            inner: Arc::new(Inner {
                state,
                renderings: Renderings::default(),
                accounts,
                regions: served_regions(&self.default_region, &self.regions),
                default_region: Arc::from(self.default_region.to_ascii_lowercase()),
                clock_settings: ClockSettings::new(
                    self.record_time,
                    self.signature_clock_offset,
                    self.clock.now(),
                ),
                clock: self.clock,
                ids: self.ids,
                keys,
                journal: Journal::new(self.journal_capacity),
                faults: Faults::new(self.seed),
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
    /// response. Must run inside a Tokio runtime (injected latency uses Tokio's timer).
    ///
    /// When an injected fault loses the answer or resets the connection, the response
    /// carries a [`ConnectionFault`] in its extensions: a server must close the connection
    /// instead of writing it, as [`server`] does.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        pipeline::handle(&self.inner, request).await
    }

    /// Adds (or renews) STS session credentials while the simulator runs, as
    /// `POST /__sim/credentials` does.
    ///
    /// # Errors
    /// [`SimError::SessionCredentials`] when a field is empty, the access key is a permanent
    /// one, or no account has the access key they act for.
    pub fn add_session_credentials(
        &self,
        credentials: &SessionCredentials,
    ) -> Result<(), SimError> {
        self.inner
            .accounts
            .add_session(credentials)
            .map(drop)
            .map_err(SimError::SessionCredentials)
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
