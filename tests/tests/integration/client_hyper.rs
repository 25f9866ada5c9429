//! The client over the hyper transport against the simulator over a socket: every operation,
//! and service errors decoded into typed codes.

use std::sync::Arc;

use bcc_keypair_client::{Client, Config, Endpoint, Error, HyperTransport, ListKeypairs};
use bcc_keypair_model::{ErrorCode, InstanceId, KeypairDescription, KeypairId, KeypairName};
use bcc_keypair_sim::{DEV_ACCESS_KEY, DEV_SECRET_KEY, FixedKeys, Simulator};
use bcc_keypair_tests::embedded::EmbeddedSimulator;
use bcc_keypair_tests::target::Instance;
use bce_auth::Credentials;

async fn start() -> (EmbeddedSimulator, Client<HyperTransport>) {
    let keys = FixedKeys::bundled_test_keys().unwrap();
    let simulator = EmbeddedSimulator::start_with(Simulator::builder().key_source(Arc::new(keys)))
        .await
        .unwrap();
    let config = Config::new(
        Endpoint::url(&simulator.base_url()).unwrap(),
        Credentials::new(DEV_ACCESS_KEY, DEV_SECRET_KEY),
    );
    let transport = HyperTransport::new(&config.timeouts());
    (simulator, Client::new(config, transport))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_over_hyper() {
    let (simulator, client) = start().await;
    let control = simulator.target().control().unwrap();
    control
        .seed_instances(&[Instance::new("i-hyper001")])
        .await
        .unwrap();

    let created = client
        .create_keypair(KeypairName::new("hyper-kp").unwrap())
        .send()
        .await
        .unwrap();
    assert!(created.private_key.is_some());
    let id = KeypairId::new(created.keypair_id.clone()).unwrap();
    let instances = [InstanceId::new("i-hyper001").unwrap()];

    client.attach_keypair(&id, &instances).await.unwrap();
    assert_eq!(client.get_keypair(&id).await.unwrap().instance_count, 1);
    client.detach_keypair(&id, &instances).await.unwrap();
    client
        .rename_keypair(&id, KeypairName::new("hyper-renamed").unwrap())
        .await
        .unwrap();
    client
        .update_keypair_description(&id, KeypairDescription::new("over hyper").unwrap())
        .await
        .unwrap();
    let got = client.get_keypair(&id).await.unwrap();
    assert_eq!(
        (got.name.as_str(), got.description.as_str()),
        ("hyper-renamed", "over hyper")
    );
    let page = client
        .list_keypairs(&ListKeypairs::new().max_keys(10).name("hyper-renamed"))
        .await
        .unwrap();
    assert_eq!(page.keypairs.len(), 1);
    client.delete_keypair(&id).await.unwrap();

    match client.get_keypair(&id).await {
        Err(Error::Service(service)) => {
            assert_eq!(service.code, ErrorCode::KeypairNotExist);
            assert_eq!(service.status, 404);
            assert!(service.request_id.is_some_and(|id| !id.is_empty()));
        }
        other => panic!("expected KeypairNotExist, got {other:?}"),
    }
    simulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_is_a_typed_service_error() {
    let (simulator, _) = start().await;
    let config = Config::new(
        Endpoint::url(&simulator.base_url()).unwrap(),
        Credentials::new(DEV_ACCESS_KEY, "not-the-secret"),
    );
    let transport = HyperTransport::new(&config.timeouts());
    let client = Client::new(config, transport);
    let error = client
        .list_keypairs(&ListKeypairs::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::SignatureDoesNotMatch));
    simulator.shutdown().await;
}
