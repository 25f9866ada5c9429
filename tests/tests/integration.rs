//! The one integration-test binary of `bcc-keypair-tests`: the conformance suite against an
//! embedded simulator (one `#[test]` per scenario) and cross-crate tests, one module per area.

mod integration {
    pub(crate) mod client_hyper;
    pub(crate) mod conformance;
    pub(crate) mod fingerprint;
    pub(crate) mod lost_responses;
    pub(crate) mod sessions;
    pub(crate) mod signing;
    pub(crate) mod tidy;
}
