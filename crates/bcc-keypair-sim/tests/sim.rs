//! Integration tests of the simulator: one binary, one module per area (STYLE.md habit 16).

#[path = "sim/support.rs"]
mod support;

#[path = "sim/auth.rs"]
mod auth;
// Runs the `bcc-keypair-sim` command, which the `cli` feature builds.
#[cfg(feature = "cli")]
#[path = "sim/binary.rs"]
mod binary;
// Kills and floods the `bcc-keypair-sim` command.
#[cfg(feature = "cli")]
#[path = "sim/chaos.rs"]
mod chaos;
#[path = "sim/control.rs"]
mod control;
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
