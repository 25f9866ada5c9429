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

fn names(list: &Reply) -> Vec<String> {
    list.json["keypairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn list(h: &Harness) -> Reply {
    h.call(Method::GET, "/v2/keypair", "").await.ok()
}

#[tokio::test]
async fn a_write_that_cannot_be_saved_is_answered_500_and_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().join("state");
    std::fs::create_dir(&state_dir).unwrap();
    let h = Harness::new(
        builder()
            .state_file(state_dir.join("state.json"))
            .build()
            .unwrap(),
    );
    h.create("kept").await;
    std::fs::remove_dir_all(&state_dir).unwrap();

    let refused = h
        .call(Method::POST, "/v2/keypair", r#"{"name":"lost"}"#)
        .await;
    refused.error(500, "InternalError");
    assert_eq!(names(&list(&h).await), ["kept"]);
    let journal = h.control(Method::GET, "/__sim/requests", "").await.ok();
    let create = journal.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["requestId"] == refused.request_id())
        .unwrap()
        .clone();
    assert_eq!(create["status"], 500);
    assert_eq!(create["errorCode"], "InternalError");
    assert_eq!(create["operation"], "create");
    let reason = create["reason"].as_str().unwrap();
    assert!(reason.contains("could not be saved"), "{reason}");
    assert!(reason.contains("state.json"), "{reason}");

    // A change of another kind is refused and undone the same way.
    let id = names(&list(&h).await).len();
    assert_eq!(id, 1);
    let kept = list(&h).await.json["keypairs"][0]["keypairId"]
        .as_str()
        .unwrap()
        .to_owned();
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{kept}?rename"),
        r#"{"name":"renamed"}"#,
    )
    .await
    .error(500, "InternalError");
    assert_eq!(names(&list(&h).await), ["kept"]);

    // Once the directory is back, writes succeed again and the whole state is saved.
    std::fs::create_dir(&state_dir).unwrap();
    h.create("after").await;
    let h = Harness::new(
        builder()
            .state_file(state_dir.join("state.json"))
            .build()
            .unwrap(),
    );
    assert_eq!(names(&list(&h).await), ["kept", "after"]);
}

#[tokio::test]
async fn a_failed_control_change_is_undone_too() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().join("state");
    std::fs::create_dir(&state_dir).unwrap();
    let h = Harness::new(
        builder()
            .state_file(state_dir.join("state.json"))
            .build()
            .unwrap(),
    );
    h.seed_instances(json!([{"instanceId":"i-1"}])).await;
    std::fs::remove_dir_all(&state_dir).unwrap();
    h.control(
        Method::POST,
        "/__sim/instances",
        r#"{"instances":[{"instanceId":"i-2"}]}"#,
    )
    .await
    .error(500, "InternalError");
    h.control(Method::POST, "/__sim/reset", "")
        .await
        .error(500, "InternalError");
    let instances = h.control(Method::GET, "/__sim/instances", "").await.ok();
    let ids: Vec<&str> = instances.json["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["instanceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["i-1"]);
}

#[tokio::test]
async fn every_change_is_replayed_from_the_change_log_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (renamed, deleted) = {
        let h = Harness::new(builder().state_file(&path).build().unwrap());
        let renamed = h.create("a").await;
        let deleted = h.create("b").await;
        h.create("c").await;
        h.call(
            Method::PUT,
            &format!("/v2/keypair/{renamed}?rename"),
            r#"{"name":"a2"}"#,
        )
        .await
        .ok();
        h.call(Method::DELETE, &format!("/v2/keypair/{deleted}"), "")
            .await
            .ok();
        h.control(Method::POST, "/__sim/quota", r#"{"quota":7,"region":"gz"}"#)
            .await
            .ok();
        (renamed, deleted)
    };
    let log = std::fs::read_to_string(dir.path().join("state.json.log")).unwrap();
    assert!(log.lines().count() >= 4, "{log}");
    // A crash in the middle of an append leaves a torn last line.
    let mut torn = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("state.json.log"))
        .unwrap();
    std::io::Write::write_all(&mut torn, b"{\"lsn\":99,\"changes\":[{\"keyp").unwrap();
    drop(torn);

    let h = Harness::new(builder().state_file(&path).build().unwrap());
    assert_eq!(names(&list(&h).await), ["a2", "c"]);
    assert_eq!(h.get(&renamed).await.ok().json["keypair"]["name"], "a2");
    h.get(&deleted).await.error(404, "Keypair.KeypairNotExist");
    let quota = h
        .control(Method::GET, "/__sim/quota?region=gz", "")
        .await
        .ok();
    assert_eq!(quota.json["quota"], 7);
    // The torn line was cut off, so the next write starts a clean line.
    h.create("d").await;
    let h = Harness::new(builder().state_file(&path).build().unwrap());
    assert_eq!(names(&list(&h).await), ["a2", "c", "d"]);
}

#[tokio::test]
async fn a_state_file_from_before_the_change_log_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    // The single-file format: the whole state, no log beside it.
    let old = json!({
        "version": 1, "nextSeq": 2, "configuredQuota": 500,
        "quotas": {"default": 500, "overrides": []},
        "accounts": {AK: {"bj": {
            "keypairs": {"1": {
                "seq": 1, "id": "k-old", "name": "old", "description": "",
                "publicKey": ECDSA_KEY, "blob": "AQI=", "fingerprint": "aa:bb",
                "createdTime": "2026-11-20T10:00:00Z"
            }},
            "instances": {},
            "clientTokens": {}
        }}}
    });
    std::fs::write(&path, old.to_string()).unwrap();
    let h = Harness::new(builder().state_file(&path).build().unwrap());
    assert_eq!(h.get("k-old").await.ok().json["keypair"]["name"], "old");
    h.create("new").await;
    let h = Harness::new(builder().state_file(&path).build().unwrap());
    assert_eq!(names(&list(&h).await), ["old", "new"]);
}

#[tokio::test]
async fn concurrent_writes_are_all_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    {
        let h = std::sync::Arc::new(Harness::new(builder().state_file(&path).build().unwrap()));
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..64 {
            let h = std::sync::Arc::clone(&h);
            tasks.spawn(async move { h.create(&format!("kp{n}")).await });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    }
    let h = Harness::new(builder().state_file(&path).build().unwrap());
    assert_eq!(names(&list(&h).await).len(), 64);
}

#[cfg(unix)]
#[tokio::test]
async fn both_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let h = Harness::new(builder().state_file(&path).build().unwrap());
    h.create("a").await;
    h.create("b").await;
    for file in ["state.json", "state.json.log"] {
        let mode = std::fs::metadata(dir.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
    }
}

/// A create with a client token, unsigned (the clock moves beyond any signature window).
async fn create_with_token(h: &Harness, token: &str) -> Reply {
    let request = http::Request::post(format!("/v2/keypair?clientToken={token}"))
        .header("host", HOST)
        .body(bytes::Bytes::from_static(br#"{"name":"tok"}"#))
        .unwrap();
    h.send(request).await.ok()
}

#[tokio::test]
async fn a_client_token_expires_after_its_lifetime() {
    let clock = std::sync::Arc::new(bcc_keypair_sim::FixedClock::new(now()));
    let h = Harness::new(
        builder()
            .clock(clock.clone())
            .verify_signatures(false)
            .client_token_ttl(std::time::Duration::from_secs(3600))
            .build()
            .unwrap(),
    );
    let first = create_with_token(&h, "tok").await.json["keypair"].clone();
    clock.advance(chrono::TimeDelta::seconds(3599));
    let repeated = create_with_token(&h, "tok").await.json["keypair"].clone();
    assert_eq!(repeated, first);
    clock.advance(chrono::TimeDelta::seconds(1));
    let after = create_with_token(&h, "tok").await.json["keypair"].clone();
    assert_ne!(after["keypairId"], first["keypairId"]);
    assert_ne!(after["privateKey"], first["privateKey"]);
    // The new answer is the one a repeat now gets.
    let again = create_with_token(&h, "tok").await.json["keypair"].clone();
    assert_eq!(again, after);
}

#[tokio::test]
async fn a_client_token_is_remembered_for_24_hours_by_default() {
    let clock = std::sync::Arc::new(bcc_keypair_sim::FixedClock::new(now()));
    let h = Harness::new(
        builder()
            .clock(clock.clone())
            .verify_signatures(false)
            .build()
            .unwrap(),
    );
    let first = create_with_token(&h, "tok").await.json["keypair"]["keypairId"].clone();
    clock.advance(chrono::TimeDelta::hours(24) - chrono::TimeDelta::seconds(1));
    let repeated = create_with_token(&h, "tok").await;
    assert_eq!(repeated.json["keypair"]["keypairId"], first);
    clock.advance(chrono::TimeDelta::seconds(1));
    let after = create_with_token(&h, "tok").await;
    assert_ne!(after.json["keypair"]["keypairId"], first);
}

#[test]
fn the_binary_takes_the_client_token_lifetime_from_a_flag_or_the_environment() {
    let binary = env!("CARGO_BIN_EXE_bcc-keypair-sim");
    let help = std::process::Command::new(binary)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("--client-token-ttl <SECONDS>"), "{help}");
    assert!(help.contains("BCC_SIM_CLIENT_TOKEN_TTL"), "{help}");
    assert!(help.contains("[default: 86400]"), "{help}");
    assert!(help.contains("BCC_SIM_STATE_FILE"), "{help}");
    // No lifetime of zero: a token must be remembered for some time.
    for (flag, env) in [(Some("0"), None), (None, Some("0")), (None, Some("soon"))] {
        let mut command = std::process::Command::new(binary);
        command.args(["--listen", "127.0.0.1:0"]);
        if let Some(value) = flag {
            command.args(["--client-token-ttl", value]);
        }
        if let Some(value) = env {
            command.env("BCC_SIM_CLIENT_TOKEN_TTL", value);
        }
        let refused = command.output().unwrap();
        assert_eq!(refused.status.code(), Some(2), "{flag:?} {env:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("--client-token-ttl"), "{stderr}");
    }
}
