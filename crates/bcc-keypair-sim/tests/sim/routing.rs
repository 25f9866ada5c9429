//! Routing of every request variant the SDKs send, and the codes of unrouted requests
//! (keypair-api.md §2, §3 rules 1–10, §7; errors.md §4 rows 7–8).

use http::Method;

use crate::support::*;

#[tokio::test]
async fn action_words_route_with_or_without_equals_in_any_position() {
    let h = harness();
    h.seed_instances(serde_json::json!([{"instanceId":"i-1"}]))
        .await;
    let id = h.create("kp").await;
    let cases = [
        (
            Method::PUT,
            format!("/v2/keypair/{id}?attach"),
            r#"{"instanceIds":["i-1"]}"#,
        ),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?x=1&detach="),
            r#"{"instanceIds":["i-1"]}"#,
        ),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?attach=&x=1"),
            r#"{"instanceIds":["i-1"]}"#,
        ),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?detach"),
            r#"{"instanceIds":["i-1"]}"#,
        ),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?rename="),
            r#"{"name":"n"}"#,
        ),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?a=b&updateDesc"),
            r#"{"description":"d"}"#,
        ),
        (Method::GET, format!("/v2/keypair/{id}?unknown=param"), ""),
        (
            Method::GET,
            "/v2/keypair?maxKeys=1000&unknown".to_owned(),
            "",
        ),
    ];
    for (method, target, body) in cases {
        h.call(method, &target, body).await.ok();
    }
}

#[tokio::test]
async fn unrouted_requests_get_invalid_uri_or_invalid_version() {
    let h = harness();
    let id = h.create("kp").await;
    let cases = [
        (Method::GET, "/v2/foo".to_owned(), 400, "InvalidURI"),
        (Method::GET, "/".to_owned(), 400, "InvalidURI"),
        (Method::GET, "/v1/keypair".to_owned(), 404, "InvalidVersion"),
        (
            Method::GET,
            "/v3/keypair/k-1".to_owned(),
            404,
            "InvalidVersion",
        ),
        (Method::PUT, format!("/v2/keypair/{id}"), 400, "InvalidURI"),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?bogus"),
            400,
            "InvalidURI",
        ),
        (
            Method::PUT,
            format!("/v2/keypair/{id}?attach&detach"),
            400,
            "InvalidURI",
        ),
        (Method::POST, format!("/v2/keypair/{id}"), 400, "InvalidURI"),
        (
            Method::GET,
            "/v2/keypair?import".to_owned(),
            400,
            "InvalidURI",
        ),
        (Method::DELETE, "/v2/keypair".to_owned(), 400, "InvalidURI"),
        (
            Method::PATCH,
            format!("/v2/keypair/{id}"),
            400,
            "InvalidURI",
        ),
        (
            Method::GET,
            format!("/v2/keypair/{id}/extra"),
            400,
            "InvalidURI",
        ),
    ];
    for (method, target, status, code) in cases {
        h.call(method, &target, r#"{"name":"x"}"#)
            .await
            .error(status, code);
    }
}

#[tokio::test]
async fn ids_in_the_path_are_decoded_once() {
    let ids = super::support::ScriptedIds::new(&["k-a:b~c*d", "测试", "a b", "a%2Fb"]);
    let h = Harness::new(
        builder()
            .id_generator(std::sync::Arc::new(ids))
            .build()
            .unwrap(),
    );
    for _ in 0..4 {
        h.create("kp").await;
    }
    // Raw (Python) and percent-encoded (Go) forms of the same ids (Appendix A.3).
    for target in [
        "/v2/keypair/k-a:b~c*d",
        "/v2/keypair/k-a:b~c%2Ad",
        "/v2/keypair/k-a%3Ab~c%2Ad",
        "/v2/keypair/%E6%B5%8B%E8%AF%95",
        "/v2/keypair/a%20b",
        "/v2/keypair/a%252Fb",
    ] {
        let reply = h.call(Method::GET, target, "").await.ok();
        assert!(reply.json["keypair"]["keypairId"].is_string(), "{target}");
    }
}

#[tokio::test]
async fn a_host_naming_a_region_not_served_is_refused_and_region_names_ignore_case() {
    let h = harness();
    let made_up = Harness::new(h.sim.clone()).with_host("bcc.made-up.baidubce.com");
    made_up
        .call(Method::POST, "/v2/keypair", r#"{"name":"kp"}"#)
        .await
        .error(400, "InvalidURI");
    // The journal says which host was refused.
    let journal = h.control(Method::GET, "/__sim/requests", "").await.json;
    let reason = journal["requests"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("bcc.made-up.baidubce.com"), "{reason}");
    assert!(reason.contains("does not serve"), "{reason}");
    let upper = Harness::new(h.sim.clone()).with_host("bcc.BJ.baidubce.com");
    let id = upper.create("shouted").await;
    let bj = Harness::new(h.sim.clone()).with_host("bcc.bj.baidubce.com");
    let reply = bj.get(&id).await.ok();
    assert_eq!(reply.json["keypair"]["regionId"], "bj");
}
