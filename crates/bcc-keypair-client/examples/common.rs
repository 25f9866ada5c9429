//! Setup shared by the examples: a client for `BCC_ENDPOINT` (default the local simulator
//! on `http://127.0.0.1:8480`), with credentials from `BCE_ACCESS_KEY_ID` /
//! `BCE_SECRET_ACCESS_KEY` or, when those are unset, the simulator's development account.

// Each example uses a different part of this module.
#![allow(dead_code)]

use bcc_keypair_client::config::credentials_from_env;
use bcc_keypair_client::{Client, Config, Credentials, Endpoint, ReqwestTransport};
use bcc_keypair_model::{InstanceId, KeypairId, KeypairName};

/// Error type of the examples.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the simulator listens when started as in the examples' instructions.
pub(crate) const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:8480";

/// The endpoint URL: `BCC_ENDPOINT`, else [`DEFAULT_ENDPOINT`].
pub(crate) fn endpoint_url() -> String {
    std::env::var("BCC_ENDPOINT").unwrap_or_else(|_| DEFAULT_ENDPOINT.to_owned())
}

/// A client over reqwest for [`endpoint_url`].
pub(crate) fn client() -> Result<Client<ReqwestTransport>, BoxError> {
    let endpoint = Endpoint::url(&endpoint_url())?;
    let credentials = credentials_from_env().unwrap_or_else(|_| {
        Credentials::new(
            bcc_keypair_sim::DEV_ACCESS_KEY,
            bcc_keypair_sim::DEV_SECRET_KEY,
        )
    });
    Ok(Client::with_reqwest(Config::new(endpoint, credentials))?)
}

/// The key pair id given as the first argument, or a key pair made for the example.
pub(crate) async fn keypair_id_argument(
    client: &Client<ReqwestTransport>,
) -> Result<KeypairId, BoxError> {
    if let Some(id) = std::env::args().nth(1) {
        return Ok(KeypairId::new(id)?);
    }
    let keypair = client
        .create_keypair(KeypairName::new("example-keypair")?)
        .send()
        .await?;
    println!("(no id given: created {} to work on)", keypair.keypair_id);
    Ok(KeypairId::new(keypair.keypair_id)?)
}

/// The instance ids given after the key pair id, or an instance seeded in the simulator
/// through its control API (`POST /__sim/instances`).
pub(crate) async fn instance_id_arguments() -> Result<Vec<InstanceId>, BoxError> {
    let given: Vec<String> = std::env::args().skip(2).collect();
    if !given.is_empty() {
        return Ok(given
            .into_iter()
            .map(InstanceId::new)
            .collect::<Result<_, _>>()?);
    }
    let seed = r#"{"instances":[{"instanceId":"i-example1","osType":"linux","status":"Running"}]}"#;
    reqwest::Client::new()
        .post(format!("{}/__sim/instances", endpoint_url()))
        .header("content-type", "application/json")
        .body(seed)
        .send()
        .await?
        .error_for_status()?;
    println!("(no instance given: seeded i-example1 in the simulator)");
    Ok(vec![InstanceId::new("i-example1")?])
}
