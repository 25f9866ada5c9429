//! List key pairs one page at a time with `max_keys` and `marker`, then all at once.
//!
//! Run against the simulator:
//!
//! ```text
//! cargo run -p bcc-keypair-sim -- --listen 127.0.0.1:8480      # in another terminal
//! cargo run -p bcc-keypair-client --example list_keypairs
//! ```
//!
//! `BCC_ENDPOINT` overrides the endpoint (e.g. `https://bcc.bj.baidubce.com`);
//! `BCE_ACCESS_KEY_ID` / `BCE_SECRET_ACCESS_KEY` override the simulator's dev credentials.

mod common;

use bcc_keypair_client::ListKeypairs;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), common::BoxError> {
    let client = common::client()?;
    let mut list = ListKeypairs::new().max_keys(10);
    loop {
        let page = client.list_keypairs(&list).await?;
        for keypair in &page.keypairs {
            println!("{}  {}", keypair.keypair_id, keypair.name);
        }
        match page.next_marker.filter(|_| page.is_truncated) {
            Some(marker) => list = list.marker(marker),
            None => break,
        }
    }
    // Or let the client follow the markers:
    let all: Vec<_> = client.list_all_keypairs(None).try_collect().await?;
    println!("{} key pairs in all", all.len());
    Ok(())
}
