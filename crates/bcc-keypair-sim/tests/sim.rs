//! Integration tests of the simulator: one binary, one module per area (STYLE.md habit 16).

#[path = "sim/support.rs"]
mod support;

// Runs the `bcc-keypair-sim` command, which the `cli` feature builds.
#[cfg(feature = "cli")]
#[path = "sim/access_log.rs"]
mod access_log;
#[path = "sim/auth.rs"]
mod auth;
// Runs the `bcc-keypair-sim` command, which the `cli` feature builds.
#[cfg(feature = "cli")]
#[path = "sim/binary.rs"]
mod binary;
#[cfg(feature = "bundled-keys")]
#[path = "sim/bundled_keys.rs"]
mod bundled_keys;
// Kills and floods the `bcc-keypair-sim` command.
#[cfg(feature = "cli")]
#[path = "sim/chaos.rs"]
mod chaos;
#[path = "sim/clock.rs"]
mod clock;
#[path = "sim/control.rs"]
mod control;
#[path = "sim/dashboard.rs"]
mod dashboard;
#[path = "sim/diagnostics.rs"]
mod diagnostics;
#[cfg(feature = "cli")]
#[path = "sim/environment.rs"]
mod environment;
#[path = "sim/faults.rs"]
mod faults;
#[path = "sim/hostile.rs"]
mod hostile;
#[path = "sim/http_refusals.rs"]
mod http_refusals;
#[path = "sim/keys.rs"]
mod keys;
#[path = "sim/operations.rs"]
mod operations;
#[path = "sim/persistence.rs"]
mod persistence;
#[path = "sim/routing.rs"]
mod routing;
#[path = "sim/sdk_replay.rs"]
mod sdk_replay;
#[path = "sim/server.rs"]
mod server;
#[path = "sim/sessions.rs"]
mod sessions;
#[path = "sim/testing.rs"]
mod testing;
