//! Integration tests of `bce-auth`, one module per area.

#[cfg(feature = "http")]
mod http_adapter;
mod properties;
mod vectors;
mod verify_errors;
