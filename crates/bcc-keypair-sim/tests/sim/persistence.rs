//! `--state-file`: the state survives a restart; writes are atomic.

use http::Method;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (a, imported) = {
        let h = Harness::new(builder().state_file(&path).build().unwrap());
        h.seed_instances(json!([{"instanceId":"i-1"},{"instanceId":"i-2","status":"Stopped"}]))
            .await;
        let a = h.create("a").await;
        let imported = h.import("imp", ECDSA_KEY).await.ok().json["keypair"].clone();
        h.call(
            Method::PUT,
            &format!("/v2/keypair/{a}?attach"),
            r#"{"instanceIds":["i-1"]}"#,
        )
        .await
        .ok();
        h.call(
            Method::POST,
            "/v2/keypair?clientToken=tok",
            r#"{"name":"tok"}"#,
        )
        .await
        .ok();
        (a, imported)
    };
    // A crash after writing a temporary file but before the rename leaves it behind.
    std::fs::write(
        dir.path().join(".state.json.tmp-4242-7"),
        b"{\"version\":1,\"torn",
    )
    .unwrap();

    let h = Harness::new(
        builder()
            .state_file(&path)
            .id_generator(std::sync::Arc::new(super::support::ScriptedIds::new(&[
                "k-after",
            ])))
            .build()
            .unwrap(),
    );
    let got = h.get(&a).await.ok();
    assert_eq!(got.json["keypair"]["instanceCount"], 1);
    let id = imported["keypairId"].as_str().unwrap();
    assert_eq!(h.get(id).await.ok().json["keypair"], imported);
    // Duplicate detection and client tokens survive too.
    h.import("again", ECDSA_KEY)
        .await
        .error(400, "Keypair.KeypairPublicKeyExist");
    h.call(
        Method::POST,
        "/v2/keypair?clientToken=tok",
        r#"{"name":"other"}"#,
    )
    .await
    .error(403, "IdempotentParameterMismatch");
    // Creation order continues after the restored key pairs.
    h.create("later").await;
    let list = h.call(Method::GET, "/v2/keypair", "").await.ok();
    let names: Vec<&str> = list.json["keypairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "imp", "tok", "later"]);
    let instances = h.control(Method::GET, "/__sim/instances", "").await.ok();
    assert_eq!(instances.json["instances"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, b"{ not a state").unwrap();
    let error = builder().state_file(&path).build().unwrap_err();
    assert!(
        matches!(error, bcc_keypair_sim::SimError::StateFormat { .. }),
        "{error}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"{ not a state");
}
