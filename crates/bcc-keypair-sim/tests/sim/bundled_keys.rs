//! `SimulatorBuilder::bundled_keys`: creates answered from the bundled public test keys in
//! seeded order, never with a public key the account and region already hold.

use bcc_keypair_sim::{BundledKeys, KeySource as _};
use http::Method;

use crate::support::*;

fn bundled(seed: u64) -> Harness {
    Harness::new(builder().seed(seed).bundled_keys().build().unwrap())
}

async fn created_public_key(h: &Harness, name: &str) -> String {
    let body = format!(r#"{{"name":"{name}"}}"#);
    let reply = h.call(Method::POST, "/v2/keypair", &body).await.ok();
    let key = &reply.json["keypair"];
    assert!(
        key["privateKey"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----")
    );
    key["publicKey"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_same_seed_hands_out_the_same_keys_and_another_seed_others() {
    let keys_of = |seed| async move {
        let h = bundled(seed);
        let mut keys = Vec::new();
        for n in 0..3 {
            keys.push(created_public_key(&h, &format!("kp{n}")).await);
        }
        keys
    };
    let first = keys_of(21).await;
    assert_eq!(keys_of(21).await, first);
    assert_ne!(keys_of(22).await, first);
    // The order is the one BundledKeys draws from the same seed.
    let expected = BundledKeys::new(Some(21)).next_key().await.unwrap();
    assert_eq!(first[0], expected.public_key());
}

#[tokio::test]
async fn a_key_the_scope_holds_is_never_handed_out_to_it_again() {
    let next = BundledKeys::new(Some(5)).next_key().await.unwrap();
    let h = bundled(5);
    // The account imports the public key its next create would get.
    h.import("held", next.public_key()).await.ok();
    let created = created_public_key(&h, "fresh").await;
    assert_ne!(created, next.public_key());
    // The held key was skipped for the one after it in the seeded order.
    let second = {
        let keys = BundledKeys::new(Some(5));
        keys.next_key().await.unwrap();
        keys.next_key().await.unwrap()
    };
    assert_eq!(created, second.public_key());
}
