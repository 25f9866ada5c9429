//! The client against a simulator that loses 30 % of create answers after applying them:
//! every create succeeds through retries with one `clientToken`, and no key pair is made
//! twice.

use std::collections::HashSet;

use bcc_keypair_client::{Client, Config, Endpoint, HyperTransport, ListKeypairs, RetryPolicy};
use bcc_keypair_model::KeypairName;
use bcc_keypair_sim::{DEV_ACCESS_KEY, DEV_SECRET_KEY, Simulator, server};
use bce_auth::Credentials;
use bytes::Bytes;

const CREATES: usize = 40;

async fn control(
    sim: &Simulator,
    method: http::Method,
    path: &str,
    body: &str,
) -> serde_json::Value {
    let request = http::Request::builder()
        .method(method)
        .uri(path)
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    let response = sim.handle(request).await;
    assert_eq!(response.status(), 200);
    serde_json::from_slice(response.body()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_30_percent_lost_create_answers_retried_creates_make_no_duplicates() {
    let sim = Simulator::builder()
        .account(DEV_ACCESS_KEY, DEV_SECRET_KEY)
        .seed(30)
        .bundled_keys()
        .build()
        .unwrap();
    control(
        &sim,
        http::Method::POST,
        "/__sim/faults",
        r#"{"operation":"create","lostResponse":true,"probability":0.3}"#,
    )
    .await;
    let server = server::spawn_local(sim.clone()).await.unwrap();
    let config = Config::new(
        Endpoint::url(&server.base_url()).unwrap(),
        Credentials::new(DEV_ACCESS_KEY, DEV_SECRET_KEY),
    )
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
    let journal = control(&sim, http::Method::GET, "/__sim/requests", "").await;
    let attempts = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["operation"] == "create")
        .count();
    assert!(
        (CREATES + 4..CREATES * 2).contains(&attempts),
        "{attempts} create requests for {CREATES} key pairs"
    );
    server.shutdown().await;
}
