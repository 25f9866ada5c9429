//! Rename a key pair.
//!
//! Run against the simulator:
//!
//! ```text
//! cargo run -p bcc-keypair-sim -- --listen 127.0.0.1:8480      # in another terminal
//! cargo run -p bcc-keypair-client --example rename_keypair [KEYPAIR_ID]
//! ```
//!
//! `BCC_ENDPOINT` overrides the endpoint (e.g. `https://bcc.bj.baidubce.com`);
//! `BCE_ACCESS_KEY_ID` / `BCE_SECRET_ACCESS_KEY` override the simulator's dev credentials.

mod common;

use bcc_keypair_model::KeypairName;

#[tokio::main]
async fn main() -> Result<(), common::BoxError> {
    let client = common::client()?;
    let id = common::keypair_id_argument(&client).await?;
    client
        .rename_keypair(&id, KeypairName::new("renamed-keypair")?)
        .await?;
    println!("renamed {id}");
    Ok(())
}
