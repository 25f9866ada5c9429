//! The simulator's `fingerPrint` is the model's [`fingerprint`] of the returned public key,
//! which is MD5 over the key blob in colon hex (keypair-api.md §4), for created and imported
//! key pairs alike.

use std::sync::Arc;

use bcc_keypair_model::{KeypairResponse, PublicKey, fingerprint};
use bcc_keypair_sim::{FixedKeys, Simulator};
use bcc_keypair_tests::embedded::EmbeddedSimulator;
use bcc_keypair_tests::keys::{key_blob, random_rsa_public_key};
use md5::{Digest as _, Md5};

/// MD5 colon hex written out independently of the model.
fn md5_colon_hex(blob: &[u8]) -> String {
    Md5::digest(blob)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

async fn start() -> EmbeddedSimulator {
    let keys = FixedKeys::bundled_test_keys().unwrap();
    EmbeddedSimulator::start_with(Simulator::builder().key_source(Arc::new(keys)))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_keypair_fingerprint_matches_its_public_key() {
    let simulator = start().await;
    let raw = simulator.target().raw();
    for index in 0..3 {
        let response = raw
            .post("/v2/keypair")
            .json(&serde_json::json!({ "name": format!("fp{index}") }))
            .send()
            .await
            .unwrap();
        let body: KeypairResponse = serde_json::from_slice(&response.body).unwrap();
        let keypair = body.keypair;
        let parsed = PublicKey::parse(&keypair.public_key).unwrap();
        assert_eq!(keypair.finger_print, fingerprint(parsed.blob()));
        assert_eq!(
            keypair.finger_print,
            md5_colon_hex(&key_blob(&keypair.public_key).unwrap())
        );
        assert_eq!(keypair.finger_print.len(), 47);
    }
    simulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_keypair_fingerprint_matches_the_sent_key() {
    let simulator = start().await;
    let raw = simulator.target().raw();
    let line = random_rsa_public_key("fp@test");
    let response = raw
        .put("/v2/keypair")
        .flag("import")
        .json(&serde_json::json!({ "name": "imported", "publicKey": line }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let keypair = serde_json::from_slice::<KeypairResponse>(&response.body)
        .unwrap()
        .keypair;
    let blob = key_blob(&line).unwrap();
    assert_eq!(keypair.finger_print, md5_colon_hex(&blob));
    assert_eq!(
        keypair.finger_print,
        PublicKey::parse(&line).unwrap().fingerprint()
    );
    simulator.shutdown().await;
}
