//! Cross-crate tests and the conformance suite.
