//! Delete a key pair.
//!
//! Run against the simulator:
//!
//! ```text
//! cargo run -p bcc-keypair-sim -- --listen 127.0.0.1:8480      # in another terminal
//! cargo run -p bcc-keypair-client --example delete_keypair [KEYPAIR_ID]
//! ```
//!
//! `BCC_ENDPOINT` overrides the endpoint (e.g. `https://bcc.bj.baidubce.com`);
//! `BCE_ACCESS_KEY_ID` / `BCE_SECRET_ACCESS_KEY` override the simulator's dev credentials.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::BoxError> {
    let client = common::client()?;
    let id = common::keypair_id_argument(&client).await?;
    client.delete_keypair(&id).await?;
    println!("deleted {id}");
    Ok(())
}
