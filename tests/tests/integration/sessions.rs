//! The project's client with STS session credentials: it reads the token with the access
//! key (`BCE_SESSION_TOKEN`) and sends it signed; the simulator serves it as the account the
//! session acts for.

use std::ffi::OsString;

use bcc_keypair_client::{Client, Config, HyperTransport, ListKeypairs};
use bcc_keypair_model::KeypairName;
use bcc_keypair_sim::SessionCredentials;
use bcc_keypair_sim::testing::TestSimulator;

const STS_AK: &str = "sts-access-key";
const STS_SK: &str = "sts-secret-key";
const TOKEN: &str = "sts-session-token";

fn client(config: Config) -> Client<HyperTransport> {
    let transport = HyperTransport::new(&config.timeouts());
    Client::new(config, transport)
}

/// A configuration read from `variables` the way `Config::from_env` reads the environment.
fn config_from(variables: &[(&'static str, String)]) -> Config {
    Config::from_lookup(|name| {
        variables
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| OsString::from(value))
    })
    .expect("a configuration")
}

#[tokio::test]
async fn the_project_client_uses_session_credentials() {
    let sim = TestSimulator::start().await.expect("simulator");
    let grant = SessionCredentials::new(STS_AK, STS_SK, TOKEN);
    sim.control()
        .add_session_credentials(&grant)
        .await
        .expect("session credentials");
    let owner = client(config_from(&sim.env()));
    let name = KeypairName::new("owned").expect("name");
    let id = owner
        .create_keypair(name)
        .send()
        .await
        .expect("created")
        .keypair_id;

    let session = [
        ("BCE_ACCESS_KEY_ID", STS_AK.to_owned()),
        ("BCE_SECRET_ACCESS_KEY", STS_SK.to_owned()),
        ("BCE_SESSION_TOKEN", TOKEN.to_owned()),
        ("BCC_ENDPOINT", sim.url()),
    ];
    let listed = client(config_from(&session))
        .list_keypairs(&ListKeypairs::default())
        .await
        .expect("listed");
    assert_eq!(listed.keypairs.len(), 1);
    assert_eq!(listed.keypairs[0].keypair_id, id);
    let journal = sim.control().journal().await.expect("journal");
    let entry = journal.last().expect("an entry");
    assert_eq!(entry.access_key_id.as_deref(), Some(STS_AK));
    let signed = entry.signed_headers.clone().unwrap_or_default();
    assert!(
        signed.iter().any(|name| name == "x-bce-security-token"),
        "{entry:?}"
    );

    // Without the token the same client is refused.
    let without_token: Vec<_> = session
        .iter()
        .filter(|(name, _)| *name != "BCE_SESSION_TOKEN")
        .cloned()
        .collect();
    let refused = client(config_from(&without_token).with_max_attempts(1))
        .list_keypairs(&ListKeypairs::default())
        .await
        .expect_err("refused");
    assert!(
        refused.to_string().contains("InvalidAccessKeyId"),
        "{refused}"
    );
    sim.stop().await;
}
