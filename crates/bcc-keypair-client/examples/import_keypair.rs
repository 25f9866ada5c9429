//! Import an existing OpenSSH public key as a key pair.
//!
//! Run against the simulator:
//!
//! ```text
//! cargo run -p bcc-keypair-sim -- --listen 127.0.0.1:8480      # in another terminal
//! cargo run -p bcc-keypair-client --example import_keypair [PUBLIC_KEY_FILE]
//! ```
//!
//! `BCC_ENDPOINT` overrides the endpoint (e.g. `https://bcc.bj.baidubce.com`);
//! `BCE_ACCESS_KEY_ID` / `BCE_SECRET_ACCESS_KEY` override the simulator's dev credentials.

mod common;

use bcc_keypair_model::{KeypairDescription, KeypairName, PublicKey};

/// Used when no public key file is given.
const SAMPLE_KEY: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF0DJcujwjUzYWqlejXMXgNdwFbLK6NWjm2kGFtYko1uP0wN/uTDFyhGA9IZUDi6TAnKm2ccQwfmuGL1rPyd15o= example@host";

#[tokio::main]
async fn main() -> Result<(), common::BoxError> {
    let client = common::client()?;
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE_KEY.to_owned(),
    };
    let keypair = client
        .import_keypair(
            KeypairName::new("imported-keypair")?,
            PublicKey::parse(&text)?,
        )
        .description(KeypairDescription::new("imported from Rust")?)
        .send()
        .await?;
    println!("imported {} ({})", keypair.keypair_id, keypair.finger_print);
    Ok(())
}
