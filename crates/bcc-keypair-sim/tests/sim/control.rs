//! The control API under `/__sim/` (crate README).

use http::Method;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn health_needs_no_signature() {
    let h = harness();
    let reply = h.control(Method::GET, "/__sim/health", "").await.ok();
    assert_eq!(reply.json["status"], "ok");
    let head = h.control(Method::HEAD, "/__sim/health", "").await.ok();
    assert!(head.body.is_empty());
    h.control(Method::GET, "/__sim/nope", "")
        .await
        .error(400, "InvalidURI");
}

#[tokio::test]
async fn reset_empties_everything_or_one_account_or_region() {
    let h = harness();
    let other = Harness::new(h.sim.clone()).with_credentials(OTHER_AK, OTHER_SK);
    let gz = Harness::new(h.sim.clone()).with_host("bcc.gz.baidubce.com");
    let mine = h.create("a").await;
    let theirs = other.create("b").await;
    let south = gz.create("c").await;
    h.control(
        Method::POST,
        "/__sim/reset",
        &format!(r#"{{"accessKeyId":"{OTHER_AK}"}}"#),
    )
    .await
    .ok();
    other
        .get(&theirs)
        .await
        .error(404, "Keypair.KeypairNotExist");
    h.get(&mine).await.ok();
    h.control(Method::POST, "/__sim/reset", r#"{"region":"gz"}"#)
        .await
        .ok();
    gz.get(&south).await.error(404, "Keypair.KeypairNotExist");
    h.get(&mine).await.ok();
    h.control(
        Method::POST,
        "/__sim/reset",
        &format!(r#"{{"accessKeyId":"{AK}","region":"bj"}}"#),
    )
    .await
    .ok();
    h.get(&mine).await.error(404, "Keypair.KeypairNotExist");
    h.create("d").await;
    h.seed_instances(json!([{"instanceId":"i-1"}])).await;
    h.control(Method::POST, "/__sim/quota", r#"{"quota":1}"#)
        .await
        .ok();
    let reply = h.control(Method::POST, "/__sim/reset", "").await.ok();
    assert_eq!(reply.json, json!({}));
    let list = h.call(Method::GET, "/v2/keypair", "").await.ok();
    assert_eq!(list.json["keypairs"], json!([]));
    assert_eq!(
        h.control(Method::GET, "/__sim/instances", "").await.json,
        json!({"instances": []})
    );
    assert_eq!(
        h.control(Method::GET, "/__sim/quota", "").await.json["quota"],
        500
    );
    h.control(Method::POST, "/__sim/reset", r#"{"accessKeyId":"nobody"}"#)
        .await
        .error(403, "InvalidAccessKeyId");
}

#[tokio::test]
async fn instances_are_created_replaced_and_listed_with_their_binding() {
    let h = harness();
    let reply = h
        .control(
            Method::POST,
            "/__sim/instances",
            &json!({"instances": [
                {"instanceId": "i-ZeVPsPzv", "osType": "linux", "status": "Running"},
                {"instanceId": "i-win", "osType": "windows", "status": "Stopped", "region": "gz", "accessKeyId": OTHER_AK},
                {"instanceId": "i-defaults"},
            ]})
            .to_string(),
        )
        .await
        .ok();
    assert_eq!(reply.json["instances"].as_array().unwrap().len(), 3);
    let id = h.create("kp").await;
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{id}?attach"),
        r#"{"instanceIds":["i-ZeVPsPzv","i-defaults"]}"#,
    )
    .await
    .ok();
    let all = h.control(Method::GET, "/__sim/instances", "").await.ok();
    let all = all.json["instances"].as_array().unwrap().clone();
    assert!(all.contains(&json!({"instanceId":"i-ZeVPsPzv","osType":"linux","status":"Running","region":"bj","accessKeyId":AK,"keypairId":id})));
    assert!(all.contains(&json!({"instanceId":"i-defaults","osType":"linux","status":"Running","region":"bj","accessKeyId":AK,"keypairId":id})));
    assert!(all.contains(&json!({"instanceId":"i-win","osType":"windows","status":"Stopped","region":"gz","accessKeyId":OTHER_AK,"keypairId":null})));
    let filtered = h
        .control(
            Method::GET,
            &format!("/__sim/instances?accessKeyId={OTHER_AK}"),
            "",
        )
        .await
        .ok();
    assert_eq!(filtered.json["instances"].as_array().unwrap().len(), 1);
    let filtered = h
        .control(Method::GET, "/__sim/instances?region=bj", "")
        .await
        .ok();
    assert_eq!(filtered.json["instances"].as_array().unwrap().len(), 2);
    // Bad bodies are refused as a whole.
    h.control(
        Method::POST,
        "/__sim/instances",
        r#"{"instances":[{"instanceId":"i-ok"},{"instanceId":""}]}"#,
    )
    .await
    .error(400, "InappropriateJSON");
    h.control(
        Method::POST,
        "/__sim/instances",
        r#"{"instances":[{"instanceId":"i-ok","accessKeyId":"nobody"}]}"#,
    )
    .await
    .error(403, "InvalidAccessKeyId");
    h.control(Method::POST, "/__sim/instances", r#"{"instances":5}"#)
        .await
        .error(400, "InappropriateJSON");
    h.control(Method::POST, "/__sim/instances", "nope")
        .await
        .error(400, "MalformedJSON");
    let all = h.control(Method::GET, "/__sim/instances", "").await.ok();
    assert_eq!(all.json["instances"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_journal_records_requests_without_secrets() {
    let h = harness();
    h.create("kp").await;
    h.get("k-nope").await;
    let bad = Harness::new(h.sim.clone()).with_credentials(AK, "wrong-secret");
    let rejected = bad.request(Method::GET, "/v2/keypair?maxKeys=5", "");
    let signature = rejected.headers()["authorization"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    bad.send(rejected).await.error(400, "SignatureDoesNotMatch");
    h.control(Method::GET, "/__sim/health", "").await.ok();

    let journal = h.control(Method::GET, "/__sim/requests", "").await.ok();
    let text = String::from_utf8(journal.body.to_vec()).unwrap();
    assert!(
        !text.contains(SK) && !text.contains("wrong-secret") && !text.contains(&signature),
        "{text}"
    );
    let entries = journal.json["requests"].as_array().unwrap();
    assert_eq!(
        entries.len(),
        3,
        "control requests are not journaled: {text}"
    );
    let created = &entries[0];
    assert_eq!(created["method"], "POST");
    assert_eq!(created["path"], "/v2/keypair");
    assert_eq!(created["operation"], "create");
    assert_eq!(created["status"], 200);
    assert_eq!(created["errorCode"], serde_json::Value::Null);
    assert_eq!(created["accessKeyId"], AK);
    assert_eq!(created["region"], "bj");
    assert_eq!(created["time"], "2026-11-24T10:00:00.000Z");
    assert!(created["durationMicros"].is_u64());
    assert!(created["requestId"].is_string());
    assert_eq!(
        (&entries[1]["status"], &entries[1]["errorCode"]),
        (&json!(404), &json!("Keypair.KeypairNotExist"))
    );
    let mismatch = &entries[2];
    assert_eq!(mismatch["errorCode"], "SignatureDoesNotMatch");
    assert_eq!(mismatch["query"], "maxKeys=5");
    let canonical = mismatch["canonicalRequest"].as_str().unwrap();
    assert!(
        canonical.starts_with("GET\n/v2/keypair\nmaxKeys=5\n"),
        "{canonical}"
    );
    let limited = h
        .control(Method::GET, "/__sim/requests?limit=1", "")
        .await
        .ok();
    assert_eq!(limited.json["requests"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_journal_redacts_credentials_in_the_query() {
    let h = harness();
    let request = http::Request::builder()
        .uri("/v2/keypair?authorization=bce-auth-v1%2Fak%2Fsecretsig&x=1")
        .header("host", HOST)
        .body(bytes::Bytes::new())
        .unwrap();
    h.send(request).await;
    let journal = h.control(Method::GET, "/__sim/requests", "").await.ok();
    let text = String::from_utf8(journal.body.to_vec()).unwrap();
    assert!(!text.contains("secretsig"), "{text}");
    assert!(text.contains("authorization=**redacted**&x=1"), "{text}");
}

#[tokio::test]
async fn faults_fail_the_next_n_requests_of_an_operation() {
    let h = harness();
    let id = h.create("kp").await;
    let reply = h
        .control(
            Method::POST,
            "/__sim/faults",
            r#"{"operation":"get","count":2,"status":503,"code":"InternalError"}"#,
        )
        .await
        .ok();
    assert_eq!(reply.json["faults"][0]["remaining"], 2);
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    h.get(&id).await.error(503, "InternalError");
    let second = h.get(&id).await;
    second.error(503, "InternalError");
    assert_eq!(
        second.json["message"],
        "We encountered an internal error. Please try again."
    );
    h.get(&id).await.ok();
    // A code alone takes its documented status; a custom message is kept.
    h.control(Method::POST, "/__sim/faults", r#"{"operation":"create","code":"RequestExpired","message":"Request has expired. Timestamp date is x."}"#).await.ok();
    let reply = h
        .call(Method::POST, "/v2/keypair", r#"{"name":"kp"}"#)
        .await;
    reply.error(400, "RequestExpired");
    assert_eq!(
        reply.json["message"],
        "Request has expired. Timestamp date is x."
    );
    // Wildcard rules, listed and cleared.
    h.control(Method::POST, "/__sim/faults", r#"{"count":5,"status":500}"#)
        .await
        .ok();
    assert_eq!(
        h.control(Method::GET, "/__sim/faults", "").await.json["faults"][0]["operation"],
        "*"
    );
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(500, "InternalError");
    h.control(Method::DELETE, "/__sim/faults", "").await.ok();
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    // Faults only apply to authenticated, routed requests.
    h.control(
        Method::POST,
        "/__sim/faults",
        r#"{"operation":"list","status":503}"#,
    )
    .await
    .ok();
    Harness::new(h.sim.clone())
        .with_credentials(AK, "bad")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(400, "SignatureDoesNotMatch");
    h.call(Method::GET, "/v2/keypair", "")
        .await
        .error(503, "InternalError");
    // Bad rules.
    for body in [
        r#"{"operation":"nope","status":500}"#,
        r#"{"operation":"get"}"#,
        r#"{"status":200}"#,
    ] {
        h.control(Method::POST, "/__sim/faults", body)
            .await
            .error(400, "InvalidHTTPRequest");
    }
}

#[tokio::test(start_paused = true)]
async fn faults_can_add_latency() {
    let h = harness();
    h.control(
        Method::POST,
        "/__sim/faults",
        r#"{"operation":"list","latencyMs":1500}"#,
    )
    .await
    .ok();
    let before = tokio::time::Instant::now();
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    assert!(before.elapsed() >= std::time::Duration::from_millis(1500));
    let before = tokio::time::Instant::now();
    h.call(Method::GET, "/v2/keypair", "").await.ok();
    assert!(before.elapsed() < std::time::Duration::from_millis(1500));
}

#[tokio::test]
async fn quota_can_be_set_at_runtime_per_account_and_region() {
    let h = harness();
    let other = Harness::new(h.sim.clone()).with_credentials(OTHER_AK, OTHER_SK);
    h.control(
        Method::POST,
        "/__sim/quota",
        &format!(r#"{{"quota":1,"accessKeyId":"{AK}","region":"bj"}}"#),
    )
    .await
    .ok();
    h.create("a").await;
    h.call(Method::POST, "/v2/keypair", r#"{"name":"b"}"#)
        .await
        .error(413, "Keypair.KeypairQuotaExceedLimit");
    other.create("a").await;
    other.create("b").await;
    h.control(Method::POST, "/__sim/quota", r#"{"quota":0,"region":"gz"}"#)
        .await
        .ok();
    Harness::new(h.sim.clone())
        .with_host("bcc.gz.baidubce.com")
        .call(Method::POST, "/v2/keypair", r#"{"name":"c"}"#)
        .await
        .error(413, "Keypair.KeypairQuotaExceedLimit");
    assert_eq!(
        h.control(
            Method::GET,
            &format!("/__sim/quota?accessKeyId={OTHER_AK}&region=gz"),
            ""
        )
        .await
        .json["quota"],
        0
    );
    assert_eq!(
        h.control(
            Method::GET,
            &format!("/__sim/quota?accessKeyId={OTHER_AK}"),
            ""
        )
        .await
        .json["quota"],
        500
    );
    h.control(Method::POST, "/__sim/quota", r#"{"quota":"many"}"#)
        .await
        .error(400, "InappropriateJSON");
}

/// A control request with the given `Host` and `Origin` headers.
async fn control_from(h: &Harness, host: &str, origin: Option<&str>) -> Reply {
    let mut request = http::Request::post("/__sim/faults").header("host", host);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let request = request
        .body(bytes::Bytes::from_static(
            br#"{"operation":"list","latencyMs":1}"#,
        ))
        .unwrap();
    Reply::new(h.sim.handle(request).await)
}

#[tokio::test]
async fn pages_from_other_origins_and_rebound_host_names_cannot_reach_the_control_api() {
    let h = harness();
    // A browser's cross-origin "simple" POST (text/plain needs no preflight).
    control_from(&h, "127.0.0.1:8480", Some("http://evil.example"))
        .await
        .error(403, "AccessDenied");
    // DNS rebinding: the page's own name, now pointing at 127.0.0.1.
    control_from(&h, "evil.example:8480", None)
        .await
        .error(403, "AccessDenied");
    control_from(&h, "evil.example:8480", Some("http://evil.example:8480"))
        .await
        .error(403, "AccessDenied");
    assert_eq!(
        h.control(Method::GET, "/__sim/faults", "").await.ok().json,
        json!({"faults": []}),
        "nothing refused was applied"
    );
    // Local pages, tools without Origin, IP addresses, container names and the service's
    // own host names are served.
    for (host, origin) in [
        ("127.0.0.1:8480", Some("http://127.0.0.1:8480")),
        ("localhost:8480", Some("http://localhost:8480")),
        ("[::1]:8480", None),
        ("192.168.1.20:8480", None),
        ("sim:8480", None),
        ("bcc.bj.baidubce.com", None),
    ] {
        control_from(&h, host, origin).await.ok();
    }
}
