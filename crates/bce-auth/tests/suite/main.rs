//! Integration tests of `bce-auth`, one module per area.

mod http_adapter;
mod properties;
mod vectors;
mod verify_errors;
