//! An async client for the BCC (Baidu Cloud Compute) key-pair API over a pluggable
//! transport.
//!
//! ```no_run
//! use bcc_keypair_client::{Client, Config};
//! use bcc_keypair_model::KeypairName;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // The endpoint from BCC_ENDPOINT or BCC_REGION, the credentials from
//! // BCE_ACCESS_KEY_ID / BCE_SECRET_ACCESS_KEY (/ BCE_SESSION_TOKEN).
//! let config = Config::from_env()?;
//! let client = Client::with_reqwest(config)?;
//! let keypair = client.create_keypair(KeypairName::new("deploy-key")?).send().await?;
//! println!("{} {}", keypair.keypair_id, keypair.finger_print);
//! # Ok(())
//! # }
//! ```
//!
//! A failed call says what a caller needs to decide what next:
//! [`Error::is_retryable`], [`Error::status`], [`Error::code`], [`Error::request_id`], and
//! for create and import the [`Error::client_token`] to repeat the call with safely.
//!
//! # Layers
//!
//! * [`operation`]: plain functions that build each operation's unsigned request and read
//!   its response; no IO, nothing generic.
//! * [`request`]: signs a request for one attempt with `bce-auth`.
//! * [`Transport`]: one async method from `http::Request<Bytes>` to `http::Response<Bytes>`.
//!   Any status is a response; a [`TransportError`] means no response and says whether a
//!   retry is safe.
//! * [`Client`]: one method per operation; only its send step is generic over the
//!   transport. It signs every attempt afresh and retries transport failures, 500/502/503/504
//!   and `RequestExpired` with full-jitter exponential backoff ([`RetryPolicy`]), never
//!   sooner than a `Retry-After`, within a [`RetryBudget`] shared by the clients of one
//!   configuration and an optional deadline for the whole operation
//!   ([`Timeouts::operation`]). Create and import are builders
//!   ([`CreateKeypairBuilder`]) that send one `clientToken` per call, reused by its
//!   retries. [`DynClient`] erases the transport type.
//!
//! # Features
//!
//! * `reqwest` (default): `ReqwestTransport`, HTTPS with rustls.
//! * `hyper`: `HyperTransport`, the `hyper-util` legacy client, plain HTTP only.
//! * `test-util`: `test_util` — transports that capture requests, replay scripted
//!   outcomes or call a closure, and a sleeper that records instead of waiting.
//!
//! # Non-goals
//!
//! No request validation beyond the model's types, no signing code (both live in
//! `bcc-keypair-model` and `bce-auth`), no blocking API.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod clock;
pub mod config;
pub mod error;
pub mod operation;
pub mod request;
pub mod retry;
pub mod transport;

mod builder;
mod client;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

/// The model crate, re-exported so that one dependency is enough: validated inputs
/// ([`model::KeypairName`], [`model::KeypairId`], …), [`model::KeypairModel`] and
/// [`model::ErrorCode`].
pub use bcc_keypair_model as model;

pub use bce_auth::Credentials;
pub use builder::{Create, CreateKeypairBuilder, Import, ImportKeypairBuilder, KeypairBuilder};
pub use client::{Client, DynClient};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{Config, ConfigError, Endpoint, Timeouts};
pub use error::{DecodeError, Error, ServiceError};
pub use operation::{ClientToken, ListKeypairs, Operation};
pub use retry::{RetryBudget, RetryPolicy, Sleep, TokioSleep};
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use transport::hyper::HyperTransport;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use transport::reqwest::ReqwestTransport;
pub use transport::{BoxTransport, DynTransport, Transport, TransportError, TransportErrorKind};
