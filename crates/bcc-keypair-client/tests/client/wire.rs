//! Request building and response decoding of every operation against the wire examples of
//! `keypair-api.md` (§3 Go shapes, §6 doc examples, Appendix A captures).

use std::collections::HashMap;

use bcc_keypair_client::test_util::{ReplayTransport, Scripted, json_response};
use bcc_keypair_client::{Client, ClientToken, ListKeypairs, RetryPolicy};
use bcc_keypair_model::{
    ErrorCode, InstanceId, KeypairDescription, KeypairId, KeypairName, PublicKey,
};
use bce_auth::http_adapter::verify_http_request;
use bce_auth::{Credentials, VerifySettings};
use bytes::Bytes;

use crate::support::{ACCESS_KEY, RSA_PUBLIC_KEY, SECRET_KEY, capture_time, config};

/// One call of the client API.
enum Call {
    Create(&'static str, Option<&'static str>),
    Import(&'static str, Option<&'static str>, &'static str),
    List(ListKeypairs),
    Get(&'static str),
    Attach(&'static str, &'static [&'static str]),
    Detach(&'static str, &'static [&'static str]),
    Delete(&'static str),
    Rename(&'static str, &'static str),
    UpdateDescription(&'static str, &'static str),
}

fn name(text: &str) -> KeypairName {
    KeypairName::new(text).expect("valid name")
}

fn description(text: &str) -> KeypairDescription {
    KeypairDescription::new(text).expect("valid description")
}

fn id(text: &str) -> KeypairId {
    KeypairId::new(text).expect("valid id")
}

fn instances(ids: &[&str]) -> Vec<InstanceId> {
    ids.iter()
        .map(|i| InstanceId::new(*i).expect("valid instance id"))
        .collect()
}

/// Performs `call` against a transport answering `response`, returning the request sent
/// and the call's outcome rendered as text (for errors) or `ok`.
async fn perform(
    call: &Call,
    response: http::Response<Bytes>,
) -> (
    http::Request<Bytes>,
    Result<String, bcc_keypair_client::Error>,
) {
    let transport = ReplayTransport::new([Scripted::Respond(response)]);
    let client = Client::new(
        config("http://127.0.0.1:18084").with_retry_policy(RetryPolicy::no_retries()),
        &transport,
    );
    let token = ClientToken::new("tok-123");
    let outcome = match call {
        Call::Create(n, d) => client
            .create_keypair(name(n))
            .set_description(d.map(description))
            .client_token(token)
            .send()
            .await
            .map(|k| k.keypair_id),
        Call::Import(n, d, key) => client
            .import_keypair(name(n), PublicKey::parse(key).expect("key"))
            .set_description(d.map(description))
            .client_token(token)
            .send()
            .await
            .map(|k| k.keypair_id),
        Call::List(list) => client
            .list_keypairs(list)
            .await
            .map(|page| format!("{} keypairs", page.keypairs.len())),
        Call::Get(k) => client.get_keypair(&id(k)).await.map(|k| k.keypair_id),
        Call::Attach(k, i) => client
            .attach_keypair(&id(k), &instances(i))
            .await
            .map(|()| "ok".to_owned()),
        Call::Detach(k, i) => client
            .detach_keypair(&id(k), &instances(i))
            .await
            .map(|()| "ok".to_owned()),
        Call::Delete(k) => client
            .delete_keypair(&id(k))
            .await
            .map(|()| "ok".to_owned()),
        Call::Rename(k, n) => client
            .rename_keypair(&id(k), name(n))
            .await
            .map(|()| "ok".to_owned()),
        Call::UpdateDescription(k, d) => client
            .update_keypair_description(&id(k), description(d))
            .await
            .map(|()| "ok".to_owned()),
    };
    let mut requests = transport.requests();
    assert_eq!(requests.len(), 1, "exactly one request is sent");
    (requests.remove(0), outcome)
}

fn header<'a>(request: &'a http::Request<Bytes>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Verifies the captured request with the `bce-auth` verifier, as the service would.
fn assert_signature_verifies(request: &http::Request<Bytes>) {
    assert!(
        request.headers().values().all(|v| v.to_str().is_ok()),
        "every header value is text"
    );
    let store: HashMap<String, Credentials> = HashMap::from([(
        ACCESS_KEY.to_owned(),
        Credentials::new(ACCESS_KEY, SECRET_KEY),
    )]);
    if let Err(error) = verify_http_request(
        request,
        &store,
        capture_time(),
        &VerifySettings::default(),
        None,
    ) {
        panic!(
            "signature of {} {} does not verify: {error:?}",
            request.method(),
            request.uri()
        );
    }
}

/// Checks the request line, the body and the signed headers of one call.
async fn check(call: Call, method: &str, target: &str, body: Option<&str>) {
    let (request, outcome) = perform(&call, json_response(200, "req-1", "{}")).await;
    let _ = outcome;
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    assert_eq!(
        (request.method().as_str(), path_and_query),
        (method, target)
    );
    assert_eq!(request.uri().scheme_str(), Some("http"));
    assert_eq!(header(&request, "host"), Some("127.0.0.1:18084"));
    assert_eq!(
        header(&request, "content-type"),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(header(&request, "x-bce-date"), Some("2026-11-24T10:19:55Z"));
    assert_eq!(
        header(&request, "user-agent"),
        Some(concat!("bcc-keypair-rs/", env!("CARGO_PKG_VERSION")))
    );
    let sent_body = std::str::from_utf8(request.body()).expect("UTF-8 body");
    let authorization = header(&request, "authorization").expect("authorization");
    let prefix = format!("bce-auth-v1/{ACCESS_KEY}/2026-11-24T10:19:55Z/1800/");
    let signed = authorization
        .strip_prefix(&prefix)
        .and_then(|rest| rest.rsplit_once('/'))
        .map(|(signed, _)| signed);
    match body {
        Some(expected) => {
            assert_eq!(sent_body, expected, "{target}");
            assert_eq!(
                header(&request, "content-length"),
                Some(expected.len().to_string().as_str())
            );
            // The Go SDK's signed set with a body (keypair-api.md §3): the body's MD5 too.
            assert_eq!(
                signed,
                Some("content-length;content-md5;content-type;host;x-bce-date")
            );
            assert_eq!(
                header(&request, "content-md5"),
                Some(bcc_keypair_client::request::content_md5(expected.as_bytes()).as_str())
            );
        }
        None => {
            assert_eq!(sent_body, "", "{target}");
            assert_eq!(header(&request, "content-length"), None);
            assert_eq!(header(&request, "content-md5"), None);
            assert_eq!(signed, Some("content-type;host;x-bce-date"));
        }
    }
    assert_signature_verifies(&request);
}

#[tokio::test]
async fn every_operation_sends_the_documented_go_shape() {
    for (call, method, target, body) in documented_go_shapes() {
        check(call, method, target, body).await;
    }
    let import_body =
        format!(r#"{{"name":"kp03","description":"d","publicKey":"{RSA_PUBLIC_KEY}"}}"#);
    check(
        Call::Import("kp03", Some("d"), RSA_PUBLIC_KEY),
        "PUT",
        "/v2/keypair?import&clientToken=tok-123",
        Some(&import_body),
    )
    .await;
}

/// (call, method, path and query, body) of every operation but import.
type GoShape = (Call, &'static str, &'static str, Option<&'static str>);

/// Bodies as in Appendix A.2, minus the `keypairId` the Go SDK adds (ignored by the
/// service, §3 rule 5); create/import carry the clientToken (§3).
fn documented_go_shapes() -> Vec<GoShape> {
    vec![
        (
            Call::Create("kp02", None),
            "POST",
            "/v2/keypair?clientToken=tok-123",
            Some(r#"{"name":"kp02","description":""}"#),
        ),
        (
            Call::Create("kp01", Some("desc 描述")),
            "POST",
            "/v2/keypair?clientToken=tok-123",
            Some(r#"{"name":"kp01","description":"desc 描述"}"#),
        ),
        (Call::List(ListKeypairs::new()), "GET", "/v2/keypair", None),
        (
            Call::List(
                ListKeypairs::new()
                    .marker("k-IyWRtII7")
                    .max_keys(10)
                    .name("my kp/1"),
            ),
            "GET",
            "/v2/keypair?marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1",
            None,
        ),
        (
            Call::Get("k-abc12345"),
            "GET",
            "/v2/keypair/k-abc12345",
            None,
        ),
        (
            Call::Attach("k-abc12345", &["i-aaaa1111", "i-bbbb2222"]),
            "PUT",
            "/v2/keypair/k-abc12345?attach",
            Some(r#"{"instanceIds":["i-aaaa1111","i-bbbb2222"]}"#),
        ),
        (
            Call::Detach("k-abc12345", &["i-aaaa1111"]),
            "PUT",
            "/v2/keypair/k-abc12345?detach",
            Some(r#"{"instanceIds":["i-aaaa1111"]}"#),
        ),
        (
            Call::Delete("k-abc12345"),
            "DELETE",
            "/v2/keypair/k-abc12345",
            None,
        ),
        (
            Call::Rename("k-abc12345", "newName"),
            "PUT",
            "/v2/keypair/k-abc12345?rename",
            Some(r#"{"name":"newName"}"#),
        ),
        (
            Call::UpdateDescription("k-abc12345", "new description"),
            "PUT",
            "/v2/keypair/k-abc12345?updateDesc",
            Some(r#"{"description":"new description"}"#),
        ),
        (
            Call::UpdateDescription("k-abc12345", ""),
            "PUT",
            "/v2/keypair/k-abc12345?updateDesc",
            Some(r#"{"description":""}"#),
        ),
    ]
}

#[tokio::test]
async fn ids_and_names_are_encoded_so_the_canonical_path_matches() {
    // Appendix A.3: the signer's UriEncode on the wire; the service decodes once and
    // re-encodes, so the verifier rebuilds the signed canonical path.
    let cases: Vec<(Call, &str)> = vec![
        (Call::Get("k-a:b~c*d"), "/v2/keypair/k-a%3Ab~c%2Ad"),
        (Call::Get("测试"), "/v2/keypair/%E6%B5%8B%E8%AF%95"),
        (Call::Get("a b"), "/v2/keypair/a%20b"),
        (Call::Get("a%2Fb"), "/v2/keypair/a%252Fb"),
        (Call::Get("a/b"), "/v2/keypair/a%2Fb"),
        // A dot segment would be dropped by URL normalisation; encoded, it stays an id.
        (Call::Get(".."), "/v2/keypair/%2E%2E"),
        (
            Call::List(ListKeypairs::new().name("测 试+x")),
            "/v2/keypair?name=%E6%B5%8B%20%E8%AF%95%2Bx",
        ),
        (Call::Delete("k-a:b"), "/v2/keypair/k-a%3Ab"),
    ];
    for (call, target) in cases {
        let method = if matches!(call, Call::Delete(_)) {
            "DELETE"
        } else {
            "GET"
        };
        check(call, method, target, None).await;
    }
}

/// The create response suggested in `keypair-api.md` §6.1, with a private key.
const CREATE_RESPONSE: &str = r#"{"keypair":{"keypairId":"k-y7VWqAb1","name":"keypair01","description":"some description",
 "publicKey":"ssh-rsa AAAAB3Nza test","regionId":"bj","fingerPrint":"3f:00:9a",
 "privateKey":"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n",
 "instanceCount":0,"createdTime":"2026-11-24T10:00:00Z","createTime":"2026-11-24T10:00:00Z"}}"#;

/// The get response example of `keypair-api.md` §6.4 (doc S9): `createTime`, no fingerprint.
const GET_RESPONSE: &str = r#"{"keypair": {"keypairId": "keypairId", "createTime": "2018-01-27T13:23:13Z",
  "name": "keypair-name", "description": "console", "instanceCount": 3,
  "regionId": "bj", "publicKey": "publicKey"}}"#;

/// The list response example of `keypair-api.md` §6.3 (doc S8).
const LIST_RESPONSE: &str = r#"{"nextMarker": "k-xktdeMSf", "marker": "k-IyWRtII7", "maxKeys": 1, "isTruncated": true,
 "keypairs": [{"keypairId": "k-IyWRtII7", "createTime": "2018-01-27T13:23:13Z",
   "name": "instance-j93wzbn1", "regionId": "bj", "instanceCount": 3}]}"#;

fn client_over(response: http::Response<Bytes>) -> (ReplayTransport, bcc_keypair_client::Config) {
    (
        ReplayTransport::new([Scripted::Respond(response)]),
        config("http://127.0.0.1:18084").with_retry_policy(RetryPolicy::no_retries()),
    )
}

#[tokio::test]
async fn create_response_carries_the_private_key() {
    let (transport, config) = client_over(json_response(200, "r", CREATE_RESPONSE));
    let keypair = Client::new(config, &transport)
        .create_keypair(name("keypair01"))
        .send()
        .await
        .expect("create");
    assert_eq!(keypair.keypair_id, "k-y7VWqAb1");
    assert_eq!(keypair.finger_print, "3f:00:9a");
    assert_eq!(keypair.created_time, "2026-11-24T10:00:00Z");
    assert!(
        keypair
            .private_key
            .as_deref()
            .is_some_and(|k| k.starts_with("-----BEGIN RSA PRIVATE KEY-----"))
    );
}

#[tokio::test]
async fn get_reads_the_doc_example_with_create_time() {
    let (transport, config) = client_over(json_response(200, "r", GET_RESPONSE));
    let keypair = Client::new(config, &transport)
        .get_keypair(&id("keypairId"))
        .await
        .expect("get");
    assert_eq!(
        (
            keypair.keypair_id.as_str(),
            keypair.name.as_str(),
            keypair.description.as_str(),
            keypair.instance_count
        ),
        ("keypairId", "keypair-name", "console", 3)
    );
    assert_eq!(keypair.created_time, "2018-01-27T13:23:13Z");
    assert_eq!(keypair.private_key, None);
}

#[tokio::test]
async fn list_reads_the_doc_example_page() {
    let (transport, config) = client_over(json_response(200, "r", LIST_RESPONSE));
    let page = Client::new(config, &transport)
        .list_keypairs(&ListKeypairs::new().marker("k-IyWRtII7").max_keys(1))
        .await
        .expect("list");
    assert!(page.is_truncated);
    assert_eq!(page.next_marker.as_deref(), Some("k-xktdeMSf"));
    assert_eq!((page.marker.as_str(), page.max_keys), ("k-IyWRtII7", 1));
    assert_eq!(page.keypairs.len(), 1);
    assert_eq!(page.keypairs[0].name, "instance-j93wzbn1");
    assert_eq!(page.keypairs[0].instance_count, 3);
}

#[tokio::test]
async fn operations_without_a_result_accept_an_empty_body_or_an_object() {
    for body in ["", "{}", r#"{"requestId":"","failedInstanceIdList":null}"#] {
        let calls = [
            Call::Attach("k-1", &["i-1"]),
            Call::Detach("k-1", &["i-1"]),
            Call::Delete("k-1"),
            Call::Rename("k-1", "n"),
            Call::UpdateDescription("k-1", "d"),
        ];
        for call in calls {
            let (_, outcome) = perform(&call, json_response(200, "r", body)).await;
            assert_eq!(outcome.expect("success").as_str(), "ok", "body {body:?}");
        }
    }
}

#[tokio::test]
async fn a_success_body_that_is_not_a_keypair_is_a_decode_error() {
    for (call, body) in [
        (Call::Get("k-1"), "not json"),
        (Call::Get("k-1"), r#"{"keypair":"k-1"}"#),
        (Call::Create("kp", None), ""),
        (Call::List(ListKeypairs::new()), r#"{"keypairs":{}}"#),
    ] {
        let (_, outcome) = perform(&call, json_response(200, "req-decode", body)).await;
        let error = outcome.expect_err("decode error");
        assert!(
            matches!(error, bcc_keypair_client::Error::Decode(_)),
            "{error:?}"
        );
        assert_eq!(error.request_id(), Some("req-decode"));
        assert_eq!(error.code(), None);
        assert!(
            std::error::Error::source(&error).is_some(),
            "the decoder's error is the source"
        );
    }
}

#[tokio::test]
async fn error_responses_become_service_errors_for_every_operation() {
    let body = r#"{"requestId":"1234-abcd","code":"Keypair.KeypairNotExist","message":"Keypair not exist."}"#;
    for call in [
        Call::Get("k-1"),
        Call::Delete("k-1"),
        Call::Attach("k-1", &["i-1"]),
        Call::Detach("k-1", &["i-1"]),
        Call::Rename("k-1", "n"),
        Call::UpdateDescription("k-1", "d"),
    ] {
        let (_, outcome) = perform(&call, json_response(404, "header-id", body)).await;
        let error = outcome.expect_err("service error");
        assert_eq!(error.code(), Some(&ErrorCode::KeypairNotExist));
        assert_eq!(
            error.to_string(),
            "Keypair.KeypairNotExist (404): Keypair not exist. [request id 1234-abcd]"
        );
    }
}

#[tokio::test]
async fn session_credentials_send_and_sign_the_security_token() {
    let transport =
        ReplayTransport::new([Scripted::Respond(json_response(200, "r", GET_RESPONSE))]);
    let base = config("http://127.0.0.1:18084");
    let sts = Credentials::new(ACCESS_KEY, SECRET_KEY).with_session_token("sts-token-1");
    let config = bcc_keypair_client::Config::new(base.endpoint().clone(), sts.clone()).with_clock(
        std::sync::Arc::new(bcc_keypair_client::FixedClock::new(capture_time())),
    );
    Client::new(config, &transport)
        .get_keypair(&id("keypairId"))
        .await
        .expect("get");
    let request = transport.requests().remove(0);
    assert_eq!(
        header(&request, "x-bce-security-token"),
        Some("sts-token-1")
    );
    let authorization = header(&request, "authorization").expect("authorization");
    assert!(
        authorization.contains("/content-type;host;x-bce-date;x-bce-security-token/"),
        "{authorization}"
    );
    assert!(
        request.headers().values().all(|v| v.to_str().is_ok()),
        "every header value is text"
    );
    assert_eq!(request.method(), http::Method::GET);
    let store: HashMap<String, Credentials> = HashMap::from([(ACCESS_KEY.to_owned(), sts)]);
    let verified = verify_http_request(
        &request,
        &store,
        capture_time(),
        &VerifySettings::default(),
        None,
    )
    .expect("verifies");
    assert_eq!(verified.session_token(), Some("sts-token-1"));
}
