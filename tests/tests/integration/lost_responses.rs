//! The client against a simulator that loses 30 % of create answers after applying them:
//! every create succeeds through retries with one `clientToken`, and no key pair is made
//! twice. The simulator comes from `bcc_keypair_sim::testing`, and the client is configured
//! from the environment it hands out.

use std::collections::HashSet;
use std::ffi::OsString;

use bcc_keypair_client::{Client, Config, HyperTransport, ListKeypairs, RetryPolicy};
use bcc_keypair_model::KeypairName;
use bcc_keypair_sim::Operation;
use bcc_keypair_sim::testing::{Fault, TestSimulator};

const CREATES: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_30_percent_lost_create_answers_retried_creates_make_no_duplicates() {
    let sim = TestSimulator::start_with(|builder| builder.seed(30).bundled_keys())
        .await
        .unwrap();
    let lost = Fault::lost_response(Operation::CreateKeypair).probability(0.3);
    sim.control().add_fault(&lost).await.unwrap();
    let env = sim.env();
    let config = Config::from_lookup(|name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| OsString::from(value))
    })
    .unwrap()
    .with_retry_policy(RetryPolicy::default().with_max_attempts(10).without_delay());
    let client = Client::new(config.clone(), HyperTransport::new(&config.timeouts()));

    for n in 0..CREATES {
        let name = KeypairName::new(format!("lossy-{n}")).unwrap();
        let created = client.create_keypair(name).send().await.unwrap();
        assert_eq!(created.name.as_str(), format!("lossy-{n}"));
    }

    let page = client
        .list_keypairs(&ListKeypairs::new().max_keys(1000))
        .await
        .unwrap();
    assert_eq!(page.keypairs.len(), CREATES, "one key pair per create");
    let names: HashSet<_> = page.keypairs.iter().map(|k| k.name.as_str()).collect();
    let fingerprints: HashSet<_> = page
        .keypairs
        .iter()
        .map(|k| k.finger_print.clone())
        .collect();
    assert_eq!((names.len(), fingerprints.len()), (CREATES, CREATES));
    // Answers were lost: the simulator saw more create requests than key pairs.
    let journal = sim.control().journal().await.unwrap();
    let attempts = journal
        .iter()
        .filter(|entry| entry.operation.as_deref() == Some("create"))
        .count();
    assert!(
        (CREATES + 4..CREATES * 2).contains(&attempts),
        "{attempts} create requests for {CREATES} key pairs"
    );
    sim.stop().await;
}
