//! Integration tests of the client: wire shapes against the spec's captured examples,
//! response and error decoding, retries, configuration, logging, and the client against the
//! simulator in-process and over real sockets with both transports.

mod support;

mod config;
mod conventions;
mod errors;
mod logging;
mod retry;
mod simulator;
mod socket;
mod wire;
