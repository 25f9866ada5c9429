//! Integration tests of bcc-keypair-model, one module per area.

mod bodies;
mod error_codes;
mod key_numbers;
mod keypair_model;
mod list_query;
mod parse_body;
mod public_keys;
mod validation_props;
