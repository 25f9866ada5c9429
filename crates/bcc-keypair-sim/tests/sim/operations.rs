//! The nine operations and their rules (keypair-api.md §5, §6; errors.md §4).

use http::Method;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn create_returns_a_complete_key_pair() {
    let h = harness();
    let reply = h
        .call(
            Method::POST,
            "/v2/keypair?create",
            r#"{"name":"kp01","description":"desc 描述"}"#,
        )
        .await
        .ok();
    let kp = &reply.json["keypair"];
    assert_eq!(kp["keypairId"], "k-00000001");
    assert_eq!(kp["name"], "kp01");
    assert_eq!(kp["description"], "desc 描述");
    assert_eq!(kp["regionId"], "bj");
    assert_eq!(kp["instanceCount"], 0);
    assert_eq!(kp["createdTime"], "2026-11-24T10:00:00Z");
    assert_eq!(kp["createTime"], "2026-11-24T10:00:00Z");
    assert!(
        kp["publicKey"]
            .as_str()
            .unwrap()
            .starts_with("ssh-rsa AAAA")
    );
    assert_eq!(kp["fingerPrint"].as_str().unwrap().len(), 47);
    assert!(
        kp["privateKey"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----\n")
    );
    // The private key is shown once: get and list never carry it.
    let got = h.get("k-00000001").await.ok();
    assert!(got.json["keypair"].get("privateKey").is_none());
    assert_eq!(got.json["keypair"]["publicKey"], kp["publicKey"]);
    assert_eq!(got.json["keypair"]["fingerPrint"], kp["fingerPrint"]);
}

#[tokio::test]
async fn create_accepts_every_sdk_shape() {
    let h = harness();
    let cases = [
        (
            "/v2/keypair",
            r#"{"name":"kp01","description":"desc \u003c\u0026\u003e 描述"}"#,
        ),
        ("/v2/keypair?create", r#"{"name":"kp02"}"#),
        (
            "/v2/keypair?create=",
            r#"{"name": "kp02", "description": null}"#,
        ),
        (
            "/v2/keypair?clientToken=tok-1",
            r#"{"name":"kp03","description":""}"#,
        ),
        (
            "/v2/keypair?create&clientToken=tok-2",
            r#"{"name":"kp04","extra":[1,2]}"#,
        ),
    ];
    for (target, body) in cases {
        h.call(Method::POST, target, body).await.ok();
    }
    let list = h.call(Method::GET, "/v2/keypair", "").await.ok();
    assert_eq!(list.json["keypairs"].as_array().unwrap().len(), 5);
    assert_eq!(list.json["keypairs"][0]["description"], "desc <&> 描述");
    assert_eq!(list.json["keypairs"][2]["description"], "");
}

#[tokio::test]
async fn create_validates_name_and_description() {
    let h = harness();
    let long = "x".repeat(141);
    let cases: Vec<(String, u16, &str)> = vec![
        (
            r#"{"name":"1kp"}"#.into(),
            400,
            "Keypair.KeypairNameInvalid",
        ),
        (r#"{"name":""}"#.into(), 400, "Keypair.KeypairNameInvalid"),
        (
            r#"{"name":"a b"}"#.into(),
            400,
            "Keypair.KeypairNameInvalid",
        ),
        (
            format!(r#"{{"name":"{}"}}"#, "a".repeat(66)),
            400,
            "Keypair.KeypairNameInvalid",
        ),
        (
            format!(r#"{{"name":"ok","description":"{long}"}}"#),
            400,
            "Keypair.KeypairDescriptionInvalid",
        ),
        // The name is checked before the description (errors.md §4 rows 14, 15).
        (
            format!(r#"{{"name":"1","description":"{long}"}}"#),
            400,
            "Keypair.KeypairNameInvalid",
        ),
        (r#"{"description":"d"}"#.into(), 400, "InappropriateJSON"),
        (r#"{"name":null}"#.into(), 400, "InappropriateJSON"),
        (r#"{"name":1}"#.into(), 400, "InappropriateJSON"),
        (
            r#"{"name":"kp","description":5}"#.into(),
            400,
            "InappropriateJSON",
        ),
        (r#"["name"]"#.into(), 400, "MalformedJSON"),
        (r#"{"name":"#.into(), 400, "MalformedJSON"),
        (String::new(), 400, "MalformedJSON"),
    ];
    for (body, status, code) in cases {
        h.call(Method::POST, "/v2/keypair", &body)
            .await
            .error(status, code);
    }
    let valid_edge = format!(
        r#"{{"name":"a{}","description":"{}"}}"#,
        "b".repeat(64),
        "描".repeat(140)
    );
    h.call(Method::POST, "/v2/keypair", &valid_edge).await.ok();
    h.call(Method::POST, "/v2/keypair", r#"{"name":"Kp-_/.测试9"}"#)
        .await
        .ok();
}

#[tokio::test]
async fn quota_is_per_account_and_region() {
    let h = Harness::new(builder().quota(2).build().unwrap());
    h.create("a").await;
    h.create("b").await;
    h.call(Method::POST, "/v2/keypair", r#"{"name":"c"}"#)
        .await
        .error(413, "Keypair.KeypairQuotaExceedLimit");
    // Import counts against the same quota (keypair-api.md §5: created + imported together).
    h.import("d", ECDSA_KEY)
        .await
        .error(413, "Keypair.KeypairQuotaExceedLimit");
    // Another region and another account have their own quota.
    let gz = Harness::new(h.sim.clone()).with_host("bcc.gz.baidubce.com");
    gz.create("c").await;
    let other = Harness::new(h.sim.clone()).with_credentials(OTHER_AK, OTHER_SK);
    other.create("c").await;
    // Deleting frees a slot.
    h.call(Method::DELETE, "/v2/keypair/k-00000001", "")
        .await
        .ok();
    h.create("c").await;
}

#[tokio::test]
async fn default_quota_is_500() {
    let h = harness();
    let reply = h.control(Method::GET, "/__sim/quota", "").await.ok();
    assert_eq!(reply.json["quota"], 500);
}

#[tokio::test]
async fn import_accepts_every_sdk_shape_and_never_returns_a_private_key() {
    let h = harness();
    let keys = bundled_public_keys();
    let cases = [
        (
            Method::PUT,
            "/v2/keypair?import",
            json!({"name":"kp03","description":"d","publicKey": keys[0]}),
        ),
        (
            Method::PUT,
            "/v2/keypair?import=",
            json!({"name":"kp04","publicKey": keys[1]}),
        ),
        (
            Method::POST,
            "/v2/keypair?import",
            json!({"name":"kp05","publicKey": keys[2], "x": true}),
        ),
        (
            Method::PUT,
            "/v2/keypair",
            json!({"name":"kp06","publicKey": ECDSA_KEY}),
        ),
    ];
    for (method, target, body) in cases {
        let reply = h.call(method, target, &body.to_string()).await.ok();
        let kp = &reply.json["keypair"];
        assert!(kp.get("privateKey").is_none(), "{kp}");
        let parsed =
            bcc_keypair_model::PublicKey::parse(body["publicKey"].as_str().unwrap()).unwrap();
        assert_eq!(kp["fingerPrint"], parsed.fingerprint());
        assert_eq!(kp["publicKey"], parsed.as_str());
        assert_eq!(
            kp["description"],
            body["description"].as_str().unwrap_or("")
        );
    }
}

/// OpenSSH public keys of the bundled test keys, derived independently with `rsa` + `ssh-key`.
pub(crate) fn bundled_public_keys() -> Vec<String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    (1..=8)
        .map(|n| {
            let path = format!("{}/testdata/rsa2048-{n}.pem", env!("CARGO_MANIFEST_DIR"));
            let pem = std::fs::read_to_string(path).unwrap();
            let key = rsa::RsaPrivateKey::from_pkcs1_pem(&pem).unwrap();
            let public = ssh_key::public::RsaPublicKey::try_from(key.to_public_key()).unwrap();
            ssh_key::PublicKey::new(ssh_key::public::KeyData::Rsa(public), "")
                .to_openssh()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn import_rejects_bad_keys_and_duplicates() {
    let h = harness();
    for key in [
        "ssh-rsa AAAAB3Nza test@host",
        "ssh-rsa AAAA",
        "not a key",
        "",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x",
    ] {
        h.import("kp", key)
            .await
            .error(400, "Keypair.PublicKeyFormatInvalid");
    }
    h.call(Method::PUT, "/v2/keypair?import", r#"{"name":"kp"}"#)
        .await
        .error(400, "InappropriateJSON");
    h.import("1bad", "garbage")
        .await
        .error(400, "Keypair.KeypairNameInvalid");
    h.import("first", ECDSA_KEY).await.ok();
    // Same key blob with another comment and extra spaces is still a duplicate.
    let (kind, rest) = ECDSA_KEY.split_once(' ').unwrap();
    let blob = rest.split(' ').next().unwrap();
    h.import("again", &format!("{kind}   {blob} other-comment\n"))
        .await
        .error(400, "Keypair.KeypairPublicKeyExist");
    // A created key's public key is taken too.
    let created = h
        .call(Method::POST, "/v2/keypair", r#"{"name":"made"}"#)
        .await
        .ok();
    let created_key = created.json["keypair"]["publicKey"]
        .as_str()
        .unwrap()
        .to_owned();
    h.import("copy", &created_key)
        .await
        .error(400, "Keypair.KeypairPublicKeyExist");
    // Duplicates are per account and region.
    Harness::new(h.sim.clone())
        .with_credentials(OTHER_AK, OTHER_SK)
        .import("first", ECDSA_KEY)
        .await
        .ok();
    Harness::new(h.sim.clone())
        .with_host("bcc.gz.baidubce.com")
        .import("first", ECDSA_KEY)
        .await
        .ok();
}

#[tokio::test]
async fn client_token_makes_create_and_import_idempotent() {
    let h = harness();
    let first = h
        .call(
            Method::POST,
            "/v2/keypair?clientToken=tok-123",
            r#"{"name":"kp02","description":""}"#,
        )
        .await
        .ok();
    let again = h
        .call(
            Method::POST,
            "/v2/keypair?clientToken=tok-123",
            r#"{"name":"kp02"}"#,
        )
        .await
        .ok();
    assert_eq!(
        first.json, again.json,
        "the first answer, private key included"
    );
    let list = h.call(Method::GET, "/v2/keypair", "").await.ok();
    assert_eq!(list.json["keypairs"].as_array().unwrap().len(), 1);
    h.call(
        Method::POST,
        "/v2/keypair?clientToken=tok-123",
        r#"{"name":"other"}"#,
    )
    .await
    .error(403, "IdempotentParameterMismatch");
    // A token used by create cannot be reused by import.
    h.call(
        Method::PUT,
        "/v2/keypair?import&clientToken=tok-123",
        &json!({"name":"kp02","publicKey":ECDSA_KEY}).to_string(),
    )
    .await
    .error(403, "IdempotentParameterMismatch");

    let body = json!({"name":"imp","publicKey":ECDSA_KEY}).to_string();
    let first = h
        .call(Method::PUT, "/v2/keypair?import&clientToken=t2", &body)
        .await
        .ok();
    // Not KeypairPublicKeyExist: the repeat answers like the first call.
    let again = h
        .call(Method::PUT, "/v2/keypair?clientToken=t2&import", &body)
        .await
        .ok();
    assert_eq!(first.json, again.json);
    h.call(
        Method::PUT,
        "/v2/keypair?import&clientToken=t2",
        &json!({"name":"imp2","publicKey":ECDSA_KEY}).to_string(),
    )
    .await
    .error(403, "IdempotentParameterMismatch");
    // A repeat is answered even when the quota is now full.
    h.control(Method::POST, "/__sim/quota", r#"{"quota":0}"#)
        .await
        .ok();
    h.call(
        Method::POST,
        "/v2/keypair?clientToken=tok-123",
        r#"{"name":"kp02","description":null}"#,
    )
    .await
    .ok();
    h.call(
        Method::POST,
        "/v2/keypair?clientToken=fresh",
        r#"{"name":"kp02"}"#,
    )
    .await
    .error(413, "Keypair.KeypairQuotaExceedLimit");
}

async fn list(h: &Harness, query: &str) -> serde_json::Value {
    h.call(Method::GET, &format!("/v2/keypair{query}"), "")
        .await
        .ok()
        .json
}

fn ids(page: &serde_json::Value) -> Vec<&str> {
    page["keypairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keypairId"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn list_pages_with_an_inclusive_marker() {
    let h = harness();
    let empty = list(&h, "").await;
    assert_eq!(
        empty,
        json!({"marker":"","isTruncated":false,"maxKeys":1000,"keypairs":[]})
    );
    for name in ["a", "b", "c", "d", "e"] {
        h.create(name).await;
    }
    let page = list(&h, "?maxKeys=2").await;
    assert_eq!(ids(&page), ["k-00000001", "k-00000002"]);
    assert_eq!(page["marker"], "");
    assert_eq!(page["isTruncated"], true);
    assert_eq!(page["nextMarker"], "k-00000003");
    assert_eq!(page["maxKeys"], 2);
    let page = list(&h, "?marker=k-00000003&maxKeys=2").await;
    assert_eq!(ids(&page), ["k-00000003", "k-00000004"]);
    assert_eq!(page["marker"], "k-00000003");
    assert_eq!(page["nextMarker"], "k-00000005");
    let page = list(&h, "?maxKeys=2&marker=k-00000005").await;
    assert_eq!(ids(&page), ["k-00000005"]);
    assert_eq!(page["isTruncated"], false);
    assert!(page.get("nextMarker").is_none());
    // Exactly a full page: not truncated.
    let page = list(&h, "?maxKeys=5").await;
    assert_eq!((ids(&page).len(), &page["isTruncated"]), (5, &json!(false)));
}

#[tokio::test]
async fn list_max_keys_defaults_and_caps() {
    let h = harness();
    h.create("a").await;
    for (query, used) in [
        ("", 1000),
        ("?maxKeys=0", 1000),
        ("?maxKeys=-3", 1000),
        ("?maxKeys=5000", 1000),
        ("?maxKeys=", 1000),
        ("?maxKeys=99999999999999999999", 1000),
        ("?maxKeys=7", 7),
    ] {
        assert_eq!(list(&h, query).await["maxKeys"], used, "{query}");
    }
    for query in ["?maxKeys=ten", "?maxKeys=1.5", "?maxKeys=%20"] {
        h.call(Method::GET, &format!("/v2/keypair{query}"), "")
            .await
            .error(400, "InvalidHTTPRequest");
    }
}

#[tokio::test]
async fn list_filters_by_exact_name_before_paging_and_keeps_creation_order() {
    let h = harness();
    for name in ["web", "db", "web", "webx", "web"] {
        h.create(name).await;
    }
    let page = list(&h, "?name=web&maxKeys=2").await;
    assert_eq!(ids(&page), ["k-00000001", "k-00000003"]);
    assert_eq!(page["nextMarker"], "k-00000005");
    let page = list(&h, "?name=web&marker=k-00000005").await;
    assert_eq!(ids(&page), ["k-00000005"]);
    assert_eq!(ids(&list(&h, "?name=nothing").await), Vec::<&str>::new());
    // Unknown marker: empty page (keypair-api.md §6.3).
    let page = list(&h, "?marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1").await;
    assert_eq!(
        page,
        json!({"marker":"k-IyWRtII7","isTruncated":false,"maxKeys":10,"keypairs":[]})
    );
    // Renaming or deleting does not reorder.
    h.call(
        Method::PUT,
        "/v2/keypair/k-00000001?rename",
        r#"{"name":"zzz"}"#,
    )
    .await
    .ok();
    h.call(Method::DELETE, "/v2/keypair/k-00000002", "")
        .await
        .ok();
    assert_eq!(
        ids(&list(&h, "").await),
        ["k-00000001", "k-00000003", "k-00000004", "k-00000005"]
    );
    // Percent-encoded names (Python `测 试+x`).
    h.create("a测试").await;
    let page = list(&h, "?name=a%E6%B5%8B%E8%AF%95").await;
    assert_eq!(ids(&page), ["k-00000006"]);
}

#[tokio::test]
async fn get_rename_and_update_description() {
    let h = harness();
    let id = h.create("kp").await;
    h.get("k-missing")
        .await
        .error(404, "Keypair.KeypairNotExist");
    let rename = h
        .call(
            Method::PUT,
            &format!("/v2/keypair/{id}?rename"),
            r#"{"name":"newName","keypairId":"k-other"}"#,
        )
        .await
        .ok();
    assert_eq!(rename.json, json!({}));
    let update = h
        .call(
            Method::PUT,
            &format!("/v2/keypair/{id}?updateDesc="),
            r#"{"description":"new description"}"#,
        )
        .await
        .ok();
    assert_eq!(update.json, json!({}));
    let kp = h.get(&id).await.ok().json["keypair"].clone();
    assert_eq!(
        (kp["name"].as_str(), kp["description"].as_str()),
        (Some("newName"), Some("new description"))
    );
    // An empty or null description clears it (keypair-api.md §6.9).
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{id}?updateDesc"),
        r#"{"description":""}"#,
    )
    .await
    .ok();
    assert_eq!(h.get(&id).await.json["keypair"]["description"], "");
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{id}?updateDesc"),
        r#"{"description":"x"}"#,
    )
    .await
    .ok();
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{id}?updateDesc"),
        r#"{}"#,
    )
    .await
    .ok();
    assert_eq!(h.get(&id).await.json["keypair"]["description"], "");
}

#[tokio::test]
async fn rename_and_update_description_check_the_body_before_the_key_pair() {
    let h = harness();
    let id = h.create("kp").await;
    let long = "d".repeat(141);
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{id}?updateDesc"),
        &format!(r#"{{"description":"{long}"}}"#),
    )
    .await
    .error(400, "Keypair.KeypairDescriptionInvalid");
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{id}?rename"),
        r#"{"name":"9"}"#,
    )
    .await
    .error(400, "Keypair.KeypairNameInvalid");
    h.call(Method::PUT, &format!("/v2/keypair/{id}?rename"), r#"{}"#)
        .await
        .error(400, "InappropriateJSON");
    // Body errors come before the missing key pair (errors.md §4 rows 14 < 18).
    h.call(
        Method::PUT,
        "/v2/keypair/k-missing?rename",
        r#"{"name":"9"}"#,
    )
    .await
    .error(400, "Keypair.KeypairNameInvalid");
    h.call(
        Method::PUT,
        "/v2/keypair/k-missing?rename",
        r#"{"name":"ok"}"#,
    )
    .await
    .error(404, "Keypair.KeypairNotExist");
    h.call(
        Method::PUT,
        "/v2/keypair/k-missing?updateDesc",
        r#"{"description":"ok"}"#,
    )
    .await
    .error(404, "Keypair.KeypairNotExist");
}

#[tokio::test]
async fn delete_takes_go_and_documented_forms() {
    let h = harness();
    let id = h.create("kp").await;
    // Go deletes with `?delete` and a JSON body; both forms work.
    let deleted = h
        .call(
            Method::DELETE,
            &format!("/v2/keypair/{id}?delete"),
            &format!(r#"{{"keypairId":"{id}"}}"#),
        )
        .await
        .ok();
    assert_eq!(deleted.json, json!({}));
    h.get(&id).await.error(404, "Keypair.KeypairNotExist");
    h.call(Method::DELETE, &format!("/v2/keypair/{id}"), "")
        .await
        .error(404, "Keypair.KeypairNotExist");
    let id = h.create("kp").await;
    h.call(
        Method::DELETE,
        &format!("/v2/keypair/{id}?delete="),
        "not json at all",
    )
    .await
    .ok();
}

#[tokio::test]
async fn key_pairs_are_private_to_their_account_and_region() {
    let h = harness();
    let id = h.create("mine").await;
    let other = Harness::new(h.sim.clone()).with_credentials(OTHER_AK, OTHER_SK);
    other.get(&id).await.error(404, "Keypair.KeypairNotExist");
    other
        .call(Method::DELETE, &format!("/v2/keypair/{id}"), "")
        .await
        .error(404, "Keypair.KeypairNotExist");
    assert_eq!(ids(&list(&other, "").await), Vec::<&str>::new());
    let gz = Harness::new(h.sim.clone()).with_host("bcc.gz.baidubce.com");
    gz.get(&id).await.error(404, "Keypair.KeypairNotExist");
    let gz_id = gz.create("south").await;
    assert_eq!(gz.get(&gz_id).await.ok().json["keypair"]["regionId"], "gz");
    // Loopback hosts (SDKs pointed at the simulator) use the default region.
    let local = Harness::new(h.sim.clone()).with_host("127.0.0.1:8480");
    local.get(&id).await.ok();
}

async fn seed(h: &Harness) {
    h.seed_instances(json!([
        {"instanceId":"i-run","osType":"linux","status":"Running"},
        {"instanceId":"i-stop","osType":"linux","status":"Stopped"},
        {"instanceId":"i-start","osType":"linux","status":"Starting"},
        {"instanceId":"i-win","osType":"windows","status":"Running"},
        {"instanceId":"i-win-start","osType":"windows","status":"Starting"},
    ]))
    .await;
}

fn attach_body(ids: &[&str]) -> String {
    json!({ "instanceIds": ids }).to_string()
}

#[tokio::test]
async fn attach_binds_and_counts_exactly() {
    let h = harness();
    seed(&h).await;
    let a = h.create("a").await;
    let b = h.create("b").await;
    let reply = h.bind("attach", &a, &["i-run", "i-stop"]).await.ok();
    assert_eq!(reply.body, "{}");
    assert_eq!(h.instance_count(&a).await, 2);
    // Attach replaces: i-run moves from a to b (keypair-api.md §6.5).
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{b}?attach="),
        &attach_body(&["i-run"]),
    )
    .await
    .ok();
    assert_eq!(
        (h.instance_count(&a).await, h.instance_count(&b).await),
        (1, 1)
    );
    let listed = list(&h, "").await;
    let counts: Vec<u64> = listed["keypairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["instanceCount"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 1]);
    // Already bound to this same key pair.
    h.bind("attach", &b, &["i-stop", "i-run"])
        .await
        .error(400, "Keypair.AttachAttachedKeypair");
    // All or nothing: i-stop was not moved by the failed call.
    assert_eq!(h.instance_count(&a).await, 1);
    let instances = h.control(Method::GET, "/__sim/instances", "").await.ok();
    let bound: Vec<(String, serde_json::Value)> = instances.json["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["instanceId"].as_str().unwrap().to_owned(),
                i["keypairId"].clone(),
            )
        })
        .collect();
    assert!(bound.contains(&("i-run".into(), json!(b))));
    assert!(bound.contains(&("i-stop".into(), json!(a))));
    assert!(bound.contains(&("i-win".into(), serde_json::Value::Null)));
    // A bound key pair cannot be deleted.
    h.call(Method::DELETE, &format!("/v2/keypair/{a}"), "")
        .await
        .error(403, "Keypair.DeleteKeypairInUse");
}

#[tokio::test]
async fn attach_errors_follow_the_documented_precedence() {
    let h = harness();
    seed(&h).await;
    let a = h.create("a").await;
    let cases: &[(&str, &[&str], u16, &str)] = &[
        (
            "k-missing",
            &["i-nope", "i-win"],
            404,
            "Keypair.KeypairNotExist",
        ),
        (&a, &["i-win", "i-nope"], 404, "Keypair.InstanceNotExist"),
        (&a, &["i-start", "i-win"], 403, "Keypair.UnsupportOsType"),
        (
            &a,
            &["i-run", "i-win-start"],
            403,
            "Keypair.UnsupportOsType",
        ),
        (
            &a,
            &["i-run", "i-start"],
            409,
            "Keypair.InstanceStatusForbidden",
        ),
        (&a, &["i-run", "i-nope"], 404, "Keypair.InstanceNotExist"),
    ];
    for (id, instances, status, code) in cases {
        h.call(
            Method::PUT,
            &format!("/v2/keypair/{id}?attach"),
            &attach_body(instances),
        )
        .await
        .error(*status, code);
    }
    // None of the failed calls bound anything.
    assert_eq!(h.instance_count(&a).await, 0);
    // A key pair bound elsewhere by the same call is still checked atomically.
    let b = h.create("b").await;
    h.bind("attach", &b, &["i-run"]).await.ok();
    h.bind("attach", &a, &["i-run", "i-start"])
        .await
        .error(409, "Keypair.InstanceStatusForbidden");
    assert_eq!(
        (h.instance_count(&a).await, h.instance_count(&b).await),
        (0, 1)
    );
}

#[tokio::test]
async fn instance_ids_must_be_a_non_empty_array_of_at_most_100_strings() {
    let h = harness();
    seed(&h).await;
    let a = h.create("a").await;
    let too_many: Vec<String> = (0..101).map(|n| format!("i-{n}")).collect();
    let cases = [
        json!({"instanceIds": []}).to_string(),
        json!({"instanceIds": null}).to_string(),
        json!({}).to_string(),
        json!({"instanceIds": "i-run"}).to_string(),
        json!({"instanceIds": ["i-run", 5]}).to_string(),
        json!({"instanceIds": too_many}).to_string(),
    ];
    for action in ["attach", "detach"] {
        for body in &cases {
            h.call(Method::PUT, &format!("/v2/keypair/{a}?{action}"), body)
                .await
                .error(400, "InappropriateJSON");
        }
        h.call(Method::PUT, &format!("/v2/keypair/{a}?{action}"), "")
            .await
            .error(400, "MalformedJSON");
        h.call(
            Method::PUT,
            &format!("/v2/keypair/{a}?{action}"),
            "[\"i-run\"]",
        )
        .await
        .error(400, "MalformedJSON");
        // Ids that cannot exist are simply unknown instances, after the key pair check.
        h.call(
            Method::PUT,
            &format!("/v2/keypair/{a}?{action}"),
            &attach_body(&[""]),
        )
        .await
        .error(404, "Keypair.InstanceNotExist");
        h.call(
            Method::PUT,
            &format!("/v2/keypair/k-missing?{action}"),
            &attach_body(&[""]),
        )
        .await
        .error(404, "Keypair.KeypairNotExist");
    }
    // 100 ids are accepted (and all unknown here).
    let hundred: Vec<String> = (0..100).map(|n| format!("i-{n}")).collect();
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{a}?attach"),
        &json!({"instanceIds": hundred}).to_string(),
    )
    .await
    .error(404, "Keypair.InstanceNotExist");
    // Go's extra keypairId field is ignored, even when it disagrees with the path.
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{a}?attach"),
        r#"{"keypairId":"k-else","instanceIds":["i-run"]}"#,
    )
    .await
    .ok();
    assert_eq!(h.instance_count(&a).await, 1);
}

#[tokio::test]
async fn detach_unbinds_only_this_key_pair() {
    let h = harness();
    seed(&h).await;
    let a = h.create("a").await;
    let b = h.create("b").await;
    h.bind("attach", &a, &["i-run"]).await.ok();
    h.bind("attach", &b, &["i-stop"]).await.ok();
    // i-stop is bound to b and is left alone; i-run is unbound from a.
    let reply = h.bind("detach", &a, &["i-run", "i-stop"]).await.ok();
    assert_eq!(reply.body, "{}");
    assert_eq!(
        (h.instance_count(&a).await, h.instance_count(&b).await),
        (0, 1)
    );
    // Detaching an unbound instance is a no-op.
    h.call(
        Method::PUT,
        &format!("/v2/keypair/{a}?detach="),
        &attach_body(&["i-run"]),
    )
    .await
    .ok();
    h.bind("detach", &a, &["i-win"])
        .await
        .error(403, "Keypair.UnsupportOsType");
    h.bind("detach", &b, &["i-stop", "i-start"])
        .await
        .error(409, "Keypair.InstanceStatusForbidden");
    h.bind("detach", &b, &["i-stop", "i-nope"])
        .await
        .error(404, "Keypair.InstanceNotExist");
    h.call(
        Method::PUT,
        "/v2/keypair/k-missing?detach",
        &attach_body(&["i-stop"]),
    )
    .await
    .error(404, "Keypair.KeypairNotExist");
    assert_eq!(h.instance_count(&b).await, 1);
    h.bind("detach", &b, &["i-stop"]).await.ok();
    // Now unbound, it can be deleted.
    h.call(Method::DELETE, &format!("/v2/keypair/{b}"), "")
        .await
        .ok();
}

#[tokio::test]
async fn an_instance_changing_status_keeps_its_binding() {
    let h = harness();
    seed(&h).await;
    let a = h.create("a").await;
    h.bind("attach", &a, &["i-run"]).await.ok();
    h.seed_instances(json!([{"instanceId":"i-run","osType":"linux","status":"Stopping"}]))
        .await;
    assert_eq!(h.instance_count(&a).await, 1);
    h.bind("detach", &a, &["i-run"])
        .await
        .error(409, "Keypair.InstanceStatusForbidden");
}

#[tokio::test]
async fn head_gets_headers_only() {
    let h = harness();
    let id = h.create("kp").await;
    let get = h.get(&id).await.ok();
    let head = h
        .call(Method::HEAD, &format!("/v2/keypair/{id}"), "")
        .await
        .ok();
    assert!(head.body.is_empty());
    assert_eq!(
        head.headers["content-length"],
        get.body.len().to_string().as_str()
    );
    let missing = h.call(Method::HEAD, "/v2/keypair/k-nope", "").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.is_empty());
}

#[tokio::test]
async fn bodies_are_checked_before_parsing() {
    let h = harness();
    // Over the 64 KiB limit.
    let big = format!(
        r#"{{"name":"kp","description":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    h.call(Method::POST, "/v2/keypair", &big)
        .await
        .error(400, "InvalidHTTPRequest");
    // Not UTF-8.
    let mut request = h.request(Method::POST, "/v2/keypair", "");
    *request.body_mut() = bytes::Bytes::from_static(b"{\"name\":\"\xff\"}");
    h.send(request).await.error(400, "InvalidHTTPRequest");
    // A wrong Content-Md5 (Go sends one with every body).
    let body = r#"{"name":"kp02","description":""}"#;
    let mut request = h.request(Method::POST, "/v2/keypair", body);
    request
        .headers_mut()
        .insert("content-md5", "AAAAAAAAAAAAAAAAAAAAAA==".parse().unwrap());
    h.send(request).await.error(400, "InvalidHTTPRequest");
    let mut request = h.request(Method::POST, "/v2/keypair", body);
    request
        .headers_mut()
        .insert("content-md5", "XscV1Ymmy05egp0kkbrQ9w==".parse().unwrap());
    h.send(request).await.ok();
}

#[tokio::test]
async fn garbage_never_causes_a_server_error() {
    let h = harness();
    seed(&h).await;
    h.create("kp").await;
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::HEAD,
        Method::PATCH,
        Method::OPTIONS,
    ];
    let targets = [
        "/",
        "/v2",
        "/v2/",
        "/v2/keypair",
        "/v2/keypair/",
        "/v2/keypair/k-00000001",
        "/v2/keypair/k-00000001/x",
        "/v2/keypair?create&import",
        "/v2/keypair/%ZZ",
        "/v2/keypair/%E6%B5",
        "/v2/keypair?maxKeys=%FF",
        "/v2/keypair/k-00000001?attach",
        "/v2/keypair/k-00000001?detach=",
        "/v2/keypair/k-00000001?rename",
        "/v2/keypair/k-00000001?updateDesc",
        "/v2/keypair?import",
        "/v9/keypair",
        "/__sim",
        "/__sim/nope",
        "/__sim/faults",
        "/__sim/instances",
        "/__sim/quota",
        "/__sim/reset",
        "/__sim/qualification",
    ];
    let bodies = [
        "",
        "{}",
        "null",
        "[]",
        "{\"name\":",
        "{\"instanceIds\":[null]}",
        "{\"instanceIds\":{}}",
        "{\"name\":\"ok\",\"publicKey\":\"ssh-rsa %%%\"}",
        "{\"quota\":-1}",
        "{\"instances\":[{}]}",
        "{\"instances\":[{\"instanceId\":\"i-x\",\"accessKeyId\":\"nobody\"}]}",
        "{\"operation\":\"get\",\"status\":200}",
        "\u{0}\u{1}",
    ];
    for method in &methods {
        for target in targets {
            for body in bodies {
                let reply = h.call(method.clone(), target, body).await;
                assert!(
                    reply.status < 500,
                    "{method} {target} {body:?} -> {}",
                    reply.status
                );
            }
        }
    }
}

#[tokio::test]
async fn a_client_token_of_a_deleted_keypair_is_forgotten() {
    let h = harness();
    let first = h
        .call(
            Method::POST,
            "/v2/keypair?clientToken=tok-del",
            r#"{"name":"gone"}"#,
        )
        .await
        .ok();
    let id = first.json["keypair"]["keypairId"]
        .as_str()
        .unwrap()
        .to_owned();
    h.call(Method::DELETE, &format!("/v2/keypair/{id}"), "")
        .await
        .ok();
    // Not the deleted key pair and its private key again: a new key pair.
    let again = h
        .call(
            Method::POST,
            "/v2/keypair?clientToken=tok-del",
            r#"{"name":"gone"}"#,
        )
        .await
        .ok();
    assert_ne!(
        again.json["keypair"]["keypairId"],
        first.json["keypair"]["keypairId"]
    );
    assert_ne!(
        again.json["keypair"]["privateKey"],
        first.json["keypair"]["privateKey"]
    );
    let list = h.call(Method::GET, "/v2/keypair", "").await.ok();
    assert_eq!(list.json["keypairs"].as_array().unwrap().len(), 1);
}
