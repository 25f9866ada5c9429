//! The BCC key-pair wire contract as Rust types: bodies, validation and error codes.
//!
//! This crate is the shared vocabulary of the client and the simulator. It holds
//!
//! * [`ErrorCode`]: every error code with its HTTP status and message, the single source
//!   of truth for both ends (`errors.md` §2, §3), and [`ErrorBody`], the error response;
//! * [`Operation`]: the nine operations with their method, action word and retry safety,
//!   the names the client and the simulator share (`keypair-api.md` §2);
//! * the request and response bodies of the nine operations ([`CreateKeypairRequest`],
//!   [`KeypairResponse`], [`ListKeypairsResponse`], [`InstanceIdsRequest`], …) and
//!   [`KeypairModel`], with the exact JSON names and lenient readers;
//! * [`parse_body`], which turns request bytes into a body and classifies failures as
//!   `InvalidHTTPRequest`, `MalformedJSON` or `InappropriateJSON` the way the service does;
//! * validated types whose constructors enforce the documented rules, so an invalid value
//!   cannot exist: [`KeypairName`], [`KeypairDescription`], [`KeypairId`], [`InstanceId`]
//!   and [`PublicKey`], plus [`fingerprint`];
//! * [`ModelError`], whose [`code`](ModelError::code) names the error the service returns.
//!
//! # Example: a server handling an import body
//!
//! ```
//! use bcc_keypair_model::{parse_body, ErrorBody, ErrorCode, ImportKeypairRequest, KeypairModel};
//!
//! // What the Go SDK sends (keypair-api.md Appendix A.2, with a real key).
//! let body = br#"{"name":"kp03","description":"d","publicKey":"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKyVF7m6Ev9ekI8xzM+0DAkJc9A2TD2Ofpo/rW65hR1UdbECrG0+VBwY4wM5JkdciSEtRJzehDGv2mX6fOvlF+U= x@y"}"#;
//! let request: ImportKeypairRequest = parse_body(body)?;
//! let valid = request.validate()?;
//! let keypair = KeypairModel {
//!     keypair_id: "k-IyWRtII7".to_owned(),
//!     name: valid.name.into_string(),
//!     description: valid.description.into_string(),
//!     finger_print: valid.public_key.fingerprint(),
//!     public_key: valid.public_key.into_string(),
//!     region_id: "bj".to_owned(),
//!     created_time: "2026-11-24T10:00:00Z".to_owned(),
//!     ..KeypairModel::default()
//! };
//! let json = serde_json::to_value(&keypair).unwrap();
//! assert_eq!(json["createTime"], json["createdTime"]);
//!
//! // A bad name becomes the service's error response.
//! let err = parse_body::<ImportKeypairRequest>(br#"{"name":"1kp","publicKey":"ssh-rsa AAAA"}"#)?
//!     .validate()
//!     .unwrap_err();
//! let code = err.code();
//! assert_eq!((code.as_str(), code.status()), ("Keypair.KeypairNameInvalid", 400));
//! let error_body = ErrorBody::new("ae2225f7-1c2e-427a-a1ad-5413b762957d", &code);
//! assert_eq!(error_body.message, "Keypair name is invalid.");
//! # Ok::<(), bcc_keypair_model::ModelError>(())
//! ```
//!
//! # Property tests
//!
//! With the `proptest` feature, the `strategies` module generates valid names,
//! descriptions, ids and public keys, and invalid ones each paired with the error code the
//! service answers them with, so code built on this crate can state its own properties:
//!
//! ```
//! # #[cfg(feature = "proptest")]
//! # {
//! use bcc_keypair_model::strategies::{invalid_public_key, valid_public_key};
//! use bcc_keypair_model::PublicKey;
//! use proptest::prelude::*;
//!
//! // Every key the service accepts keeps its fingerprint whatever its comment and spacing.
//! proptest!(|(text in valid_public_key())| {
//!     let key = PublicKey::parse(&text).unwrap();
//!     let bare = format!("{} {}", key.algorithm(), text.split_whitespace().nth(1).unwrap());
//!     prop_assert_eq!(PublicKey::parse(&bare).unwrap().fingerprint(), key.fingerprint());
//! });
//! // Every malformed key is refused with the code the service would answer.
//! proptest!(|(bad in invalid_public_key())| {
//!     let error = PublicKey::parse(bad.value()).unwrap_err();
//!     prop_assert_eq!(&error.code(), bad.expected_code());
//! });
//! # }
//! ```
//!
//! # Features
//!
//! * `proptest`: the `strategies` module.
//!
//! # Non-goals
//!
//! No IO of any kind: no HTTP, no files, no clock. Times are plain strings supplied by the
//! caller. Routing, signing (`bce-auth`) and state (the simulator) live elsewhere.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod bodies;
mod body;
mod description;
mod error;
mod error_code;
mod fingerprint;
mod id;
mod keypair;
mod list;
mod name;
mod operation;
mod public_key;
mod string_type;

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

pub use bodies::{
    AttachKeypairRequest, BatchOperationResponse, CreateKeypairRequest, DeleteKeypairRequest,
    DetachKeypairRequest, ErrorBody, ImportKeypairRequest, InstanceIdsRequest, KeypairResponse,
    MAX_INSTANCE_IDS, RenameKeypairRequest, UpdateKeypairDescriptionRequest, ValidImport,
};
pub use body::parse_body;
pub use description::KeypairDescription;
pub use error::{
    IdKind, InvalidDescriptionReason, InvalidIdReason, InvalidNameReason, InvalidPublicKeyReason,
    ModelError,
};
pub use error_code::ErrorCode;
pub use fingerprint::fingerprint;
pub use id::{InstanceId, KeypairId, MAX_ID_CHARS};
pub use keypair::KeypairModel;
pub use list::{ListKeypairsQuery, ListKeypairsResponse, MAX_KEYS_LIMIT, effective_max_keys};
pub use name::KeypairName;
pub use operation::Operation;
pub use public_key::{KeyAlgorithm, KeyPolicy, PublicKey};
