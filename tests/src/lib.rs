//! The conformance suite of the BCC key-pair toolkit, and what it needs to run anywhere.
//!
//! Each scenario is written once against a [`Target`]: a typed client, a raw signed-request
//! sender (for malformed requests and other SDKs' request shapes) and, when the target is the
//! simulator, its control API. The same scenarios run
//!
//! * in `cargo test` (this package's integration test, one `#[test]` per scenario, each on
//!   its own embedded simulator),
//! * in `cargo xtask conformance` (one embedded simulator on a real socket, or any endpoint
//!   with `--endpoint`, the real BCC service included; scenarios that need the control API
//!   are skipped there).
//!
//! ```no_run
//! # async fn demo() -> Result<(), bcc_keypair_tests::Failure> {
//! use bcc_keypair_tests::{embedded, report, runner, scenarios};
//!
//! let sim = embedded::EmbeddedSimulator::start().await?;
//! let suite = runner::run_suite(sim.target(), &scenarios::all(), &runner::RunOptions::default(),
//!     |index, total, scenario| println!("{}", report::progress_line(index, total, scenario))).await;
//! println!("{}", suite.summary_line());
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Non-goals: load testing (see `cargo xtask bench`), and anything that needs a second account
//! on the real service.
#![deny(missing_docs)]

// First, so the `check!` / `check_eq!` macros are in scope in every module below.
#[macro_use]
pub mod failure;

pub mod context;
pub mod embedded;
pub mod keys;
pub mod raw;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod scenarios;
pub mod target;

pub use context::Ctx;
pub use failure::{Context, Failure, Outcome};
pub use scenario::{Requirement, Scenario};
pub use target::{Target, TargetConfig};

/// The Rust snippets of the top-level README, compiled and run as doctests so the README
/// stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeSnippets;
