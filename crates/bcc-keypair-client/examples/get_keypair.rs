//! Show one key pair.
//!
//! Run against the simulator:
//!
//! ```text
//! cargo run -p bcc-keypair-sim -- --listen 127.0.0.1:8480      # in another terminal
//! cargo run -p bcc-keypair-client --example get_keypair [KEYPAIR_ID]
//! ```
//!
//! `BCC_ENDPOINT` overrides the endpoint (e.g. `https://bcc.bj.baidubce.com`);
//! `BCE_ACCESS_KEY_ID` / `BCE_SECRET_ACCESS_KEY` override the simulator's dev credentials.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::BoxError> {
    let client = common::client()?;
    let id = common::keypair_id_argument(&client).await?;
    let keypair = client.get_keypair(&id).await?;
    println!(
        "{}  {}  {} instance(s)  created {}",
        keypair.keypair_id, keypair.name, keypair.instance_count, keypair.created_time
    );
    Ok(())
}
