//! Integration tests of bcc-keypair-model, one module per area.

mod bodies;
mod error_codes;
mod key_numbers;
mod keypair_model;
mod list_query;
mod parse_body;
mod public_keys;
// The property tests build on the `proptest` feature's strategies: on in the workspace
// through the self dev-dependency, and with `--all-features` in the published crate.
#[cfg(feature = "proptest")]
mod strategy_props;
#[cfg(feature = "proptest")]
mod validation_props;
