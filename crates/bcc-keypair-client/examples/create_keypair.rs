//! Create a key pair: the service generates it and returns the private key once.
//!
//! Run against the simulator:
//!
//! ```text
//! cargo run -p bcc-keypair-sim -- --listen 127.0.0.1:8480      # in another terminal
//! cargo run -p bcc-keypair-client --example create_keypair
//! ```
//!
//! `BCC_ENDPOINT` overrides the endpoint (e.g. `https://bcc.bj.baidubce.com`);
//! `BCE_ACCESS_KEY_ID` / `BCE_SECRET_ACCESS_KEY` override the simulator's dev credentials.

mod common;

use bcc_keypair_model::{KeypairDescription, KeypairName};

#[tokio::main]
async fn main() -> Result<(), common::BoxError> {
    let client = common::client()?;
    let keypair = client
        .create_keypair(KeypairName::new("my-keypair")?)
        .description(KeypairDescription::new("created from Rust")?)
        .send()
        .await?;
    println!("created {} ({})", keypair.keypair_id, keypair.finger_print);
    // Keep the private key now: it cannot be fetched again.
    let pem = keypair.private_key.unwrap_or_default();
    println!("private key: {} bytes of PEM", pem.len());
    Ok(())
}
