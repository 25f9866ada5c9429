//! `bce-auth`: the `bce-auth-v1` request signer and verifier of Baidu AI Cloud.
#![deny(missing_docs)]
