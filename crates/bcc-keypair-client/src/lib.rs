//! An async client for the BCC key-pair API over a pluggable transport.
#![deny(missing_docs)]
