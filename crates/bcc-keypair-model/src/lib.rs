//! The BCC key-pair wire contract as Rust types: bodies, validation and error codes.
#![deny(missing_docs)]
