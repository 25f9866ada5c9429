//! Created key pairs are real RSA-2048 keys whose parts agree with each other.

use std::sync::Arc;

use bcc_keypair_sim::{KeySource, RsaKeyPool, Simulator};
use http::Method;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;

use crate::support::*;

/// Checks that the PEM private key parses, is RSA-2048 and matches the public key and the
/// fingerprint of the answer.
fn check_key_pair(keypair: &serde_json::Value) {
    let pem = keypair["privateKey"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let private = rsa::RsaPrivateKey::from_pkcs1_pem(pem).unwrap();
    assert_eq!(private.size() * 8, 2048);
    let public = ssh_key::PublicKey::from_openssh(keypair["publicKey"].as_str().unwrap()).unwrap();
    let from_private = ssh_key::public::RsaPublicKey::try_from(private.to_public_key()).unwrap();
    assert_eq!(
        public.key_data(),
        &ssh_key::public::KeyData::Rsa(from_private)
    );
    let blob = public.to_bytes().unwrap();
    assert_eq!(
        keypair["fingerPrint"],
        bcc_keypair_model::fingerprint(&blob)
    );
}

#[tokio::test]
async fn bundled_test_keys_are_consistent() {
    let h = harness();
    for n in 0..9 {
        let reply = h
            .call(
                Method::POST,
                "/v2/keypair",
                &format!(r#"{{"name":"k{n}"}}"#),
            )
            .await
            .ok();
        check_key_pair(&reply.json["keypair"]);
    }
}

#[tokio::test]
async fn the_rsa_pool_hands_out_fresh_distinct_keys() {
    let pool = Arc::new(RsaKeyPool::start(2, 1).unwrap());
    let sim = Simulator::builder()
        .account(AK, SK)
        .clock(Arc::new(bcc_keypair_sim::FixedClock::new(now())))
        .key_source(pool.clone())
        .build()
        .unwrap();
    let h = Harness::new(sim);
    let mut public_keys = Vec::new();
    // More creates than the pool holds: the third waits for generation off the runtime.
    for n in 0..3 {
        let reply = h
            .call(
                Method::POST,
                "/v2/keypair",
                &format!(r#"{{"name":"k{n}"}}"#),
            )
            .await
            .ok();
        check_key_pair(&reply.json["keypair"]);
        public_keys.push(
            reply.json["keypair"]["publicKey"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    public_keys.sort();
    public_keys.dedup();
    assert_eq!(public_keys.len(), 3);
    assert!(pool.ready() <= 2);
}
