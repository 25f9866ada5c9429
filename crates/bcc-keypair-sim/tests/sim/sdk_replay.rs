//! Replays the requests the official SDKs were captured sending (keypair-api.md Appendix A)
//! over a real socket, with fresh signatures made the way each SDK signs, and checks the
//! answers.

use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use bcc_keypair_sim::server::{RunningServer, spawn_local};
use bce_auth::{Credentials, HeadersToSign, SignableRequest, SigningSettings};
use md5::{Digest, Md5};
use serde_json::json;

use crate::support::*;

/// One captured request: method, path and query exactly as on the wire, body bytes, and
/// the expected status and error code.
struct Captured {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    body: &'static str,
    status: u16,
    code: Option<&'static str>,
}

const fn ok(
    method: &'static str,
    path: &'static str,
    query: &'static str,
    body: &'static str,
) -> Captured {
    Captured {
        method,
        path,
        query,
        body,
        status: 200,
        code: None,
    }
}

const fn err(
    method: &'static str,
    path: &'static str,
    query: &'static str,
    body: &'static str,
    status: u16,
    code: &'static str,
) -> Captured {
    Captured {
        method,
        path,
        query,
        body,
        status,
        code: Some(code),
    }
}

/// A simulator on a socket whose first key pair gets the id the captures use, with the
/// captured instances in place.
async fn server(extra_ids: &[&str]) -> RunningServer {
    let mut ids = vec!["k-abc12345"];
    ids.extend_from_slice(extra_ids);
    let sim = builder()
        .id_generator(Arc::new(ScriptedIds::new(&ids)))
        .build()
        .unwrap();
    let server = spawn_local(sim).await.unwrap();
    let body = json!({"instances":[{"instanceId":"i-aaaa1111"},{"instanceId":"i-bbbb2222","status":"Stopped"}]}).to_string();
    let head = format!(
        "POST /__sim/instances HTTP/1.1\nHost: x\nContent-Length: {}",
        body.len()
    );
    let addr = server.addr();
    let seeded = tokio::task::spawn_blocking(move || send_raw(addr, &head, body.as_bytes()))
        .await
        .unwrap();
    assert_eq!(seeded.status, 200);
    server
}

fn split_query(query: &str) -> Vec<(String, Option<String>)> {
    // The signer takes decoded pairs; flag parameters have no value.
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((k, v)) => (decode(k), Some(decode(v))),
            None => (decode(item), None),
        })
        .collect()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// Signs `headers` (as they go on the wire) with `settings` and renders the request head,
/// `Authorization` inserted after `insert_after` headers.
fn head(
    c: &Captured,
    signing_path: &str,
    headers: &[(&str, &str)],
    insert_after: usize,
    settings: &SigningSettings,
) -> String {
    let query = split_query(c.query);
    let query: Vec<(&str, Option<&str>)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    let signed = bce_auth::sign(
        &SignableRequest {
            method: c.method,
            path: signing_path,
            query: &query,
            headers,
        },
        &Credentials::new(AK, SK),
        now(),
        settings,
    )
    .unwrap();
    assert!(
        signed.headers().is_empty(),
        "the SDKs send x-bce-date themselves"
    );
    let target = if c.query.is_empty() {
        c.path.to_owned()
    } else {
        format!("{}?{}", c.path, c.query)
    };
    let mut head = format!("{} {target} HTTP/1.1", c.method);
    for (n, (name, value)) in headers.iter().enumerate() {
        if n == insert_after {
            head.push_str(&format!("\nAuthorization: {}", signed.authorization()));
        }
        head.push_str(&format!("\n{name}: {value}"));
    }
    head
}

/// Python SDK 0.9.79: `User-Agent`, `Host`, `Content-Length` (also 0), then `Authorization`
/// and `x-bce-date`; no `Content-Type`; empty signedHeaders field (the default header set);
/// the path signed verbatim (auth-v1.md §4).
fn python_request(addr: SocketAddr, c: &Captured) -> (String, Vec<u8>) {
    let host = addr.to_string();
    let length = c.body.len().to_string();
    let headers = [
        (
            "User-Agent",
            "bce-sdk-python/0.9.79/3.11.7 (main, Dec  8 2023, 18:56:58) [GCC 11.4.0]/linux",
        ),
        ("Host", host.as_str()),
        ("Content-Length", length.as_str()),
        ("x-bce-date", "2026-11-24T10:00:00Z"),
    ];
    let settings = SigningSettings {
        add_date_header: false,
        ..SigningSettings::python_sdk()
    };
    let head = head(c, c.path, &headers, 3, &settings);
    assert!(head.contains("/1800//"), "{head}");
    (head, c.body.as_bytes().to_vec())
}

/// Go SDK 0.9.273: `Content-Type` always, `Content-Md5` and `Content-Length` with a body, an
/// unsigned `x-bce-request-id`, `Accept-Encoding: gzip`; the signedHeaders field lists what
/// is signed; the signer gets the decoded path and encodes it (auth-v1.md §5).
fn go_request(addr: SocketAddr, c: &Captured) -> (String, Vec<u8>) {
    let host = addr.to_string();
    let length = c.body.len().to_string();
    let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(c.body.as_bytes()));
    let mut headers = vec![
        ("Host", host.as_str()),
        ("User-Agent", "bce-sdk-go/0.9.273/go1.19.8/linux/amd64"),
    ];
    if !c.body.is_empty() {
        headers.push(("Content-Length", length.as_str()));
        headers.push(("Content-Md5", md5.as_str()));
    }
    headers.extend([
        ("Content-Type", "application/json;charset=utf-8"),
        ("x-bce-date", "2026-11-24T10:00:00Z"),
        ("x-bce-request-id", "a22745c5-f4b3-46d2-a990-406eec45060c"),
        ("Accept-Encoding", "gzip"),
    ]);
    let settings = SigningSettings {
        headers_to_sign: HeadersToSign::Only(
            ["host", "content-length", "content-type", "content-md5"]
                .map(str::to_owned)
                .to_vec(),
        ),
        add_date_header: false,
        ..SigningSettings::go_sdk()
    };
    let after = if c.body.is_empty() { 2 } else { 3 };
    let head = head(c, &decode(c.path), &headers, after, &settings);
    let expected_field = if c.body.is_empty() {
        "/content-type;host;x-bce-date/"
    } else {
        "/content-length;content-md5;content-type;host;x-bce-date/"
    };
    assert!(head.contains(expected_field), "{head}");
    (head, c.body.as_bytes().to_vec())
}

async fn replay(
    server: &RunningServer,
    cases: &[Captured],
    build: fn(SocketAddr, &Captured) -> (String, Vec<u8>),
) -> Vec<RawReply> {
    let mut replies = Vec::new();
    for c in cases {
        let (head, body) = build(server.addr(), c);
        let addr = server.addr();
        let reply = tokio::task::spawn_blocking(move || send_raw(addr, &head, &body))
            .await
            .unwrap();
        match c.code {
            None => assert_eq!(
                reply.status,
                200,
                "{} {}?{}: {}",
                c.method,
                c.path,
                c.query,
                String::from_utf8_lossy(&reply.body)
            ),
            Some(code) => reply.error(c.status, code),
        }
        replies.push(reply);
    }
    replies
}

/// The Python SDK requests of keypair-api.md Appendix A.1, in order.
const PYTHON_APPENDIX_A1: [Captured; 17] = [
    ok(
        "POST",
        "/v2/keypair",
        "create=",
        r#"{"name": "kp01", "description": "desc \u63cf\u8ff0"}"#,
    ),
    ok(
        "POST",
        "/v2/keypair",
        "create=",
        r#"{"name": "kp02", "description": null}"#,
    ),
    // The captured keys are truncated placeholders, so the service refuses them.
    err(
        "PUT",
        "/v2/keypair",
        "import=",
        r#"{"name": "kp03", "publicKey": "ssh-rsa AAAAB3Nza test@host", "description": "d"}"#,
        400,
        "Keypair.PublicKeyFormatInvalid",
    ),
    err(
        "PUT",
        "/v2/keypair",
        "import=",
        r#"{"name": "kp04", "publicKey": "ssh-rsa AAAA"}"#,
        400,
        "Keypair.PublicKeyFormatInvalid",
    ),
    ok("GET", "/v2/keypair", "", ""),
    ok(
        "GET",
        "/v2/keypair",
        "marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1",
        "",
    ),
    ok("GET", "/v2/keypair/k-abc12345", "", ""),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "attach=",
        r#"{"instanceIds": ["i-aaaa1111", "i-bbbb2222"]}"#,
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "detach=",
        r#"{"instanceIds": ["i-aaaa1111"]}"#,
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "detach=",
        r#"{"instanceIds": ["i-aaaa1111"]}"#,
    ),
    err(
        "PUT",
        "/v2/keypair/k-abc12345",
        "detach=",
        r#"{"instanceIds": null}"#,
        400,
        "InappropriateJSON",
    ),
    // i-bbbb2222 is still bound.
    err(
        "DELETE",
        "/v2/keypair/k-abc12345",
        "",
        "",
        403,
        "Keypair.DeleteKeypairInUse",
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "rename=",
        r#"{"name": "newName"}"#,
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "updateDesc=",
        r#"{"description": "new description"}"#,
    ),
    // Escaping (Appendix A.3): the raw id with reserved characters, a percent-encoded name.
    err(
        "GET",
        "/v2/keypair/k-a:b~c*d",
        "",
        "",
        404,
        "Keypair.KeypairNotExist",
    ),
    ok("GET", "/v2/keypair", "name=%E6%B5%8B%20%E8%AF%95%2Bx", ""),
    // And with a real public key, import succeeds.
    ok(
        "PUT",
        "/v2/keypair",
        "import=",
        r#"{"name": "kp05", "publicKey": "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKyVF7m6Ev9ekI8xzM+0DAkJc9A2TD2Ofpo/rW65hR1UdbECrG0+VBwY4wM5JkdciSEtRJzehDGv2mX6fOvlF+U= demo@host"}"#,
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_requests_of_appendix_a1() {
    let server = server(&[]).await;
    let replies = replay(&server, &PYTHON_APPENDIX_A1, python_request).await;
    let created = replies[0].json();
    assert_eq!(created["keypair"]["keypairId"], "k-abc12345");
    assert_eq!(created["keypair"]["description"], "desc 描述");
    assert_eq!(replies[1].json()["keypair"]["description"], "");
    assert_eq!(replies[4].json()["keypairs"].as_array().unwrap().len(), 2);
    assert_eq!(replies[5].json()["keypairs"], json!([]));
    assert_eq!(replies[7].body, b"{}");
    let got = replies[6].json();
    assert_eq!(got["keypair"]["name"], "kp01");
    let renamed = replies[12].json();
    assert_eq!(renamed, json!({}));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_get_of_a_raw_reserved_id_is_signed_verbatim() {
    let server = server(&["k-a:b~c*d"]).await;
    let cases = [
        ok(
            "POST",
            "/v2/keypair",
            "create=",
            r#"{"name": "kp01", "description": null}"#,
        ),
        ok(
            "POST",
            "/v2/keypair",
            "create=",
            r#"{"name": "kp02", "description": null}"#,
        ),
        ok("GET", "/v2/keypair/k-a:b~c*d", "", ""),
        ok("DELETE", "/v2/keypair/k-a:b~c*d", "", ""),
    ];
    replay(&server, &cases, python_request).await;
    server.shutdown().await;
}

/// The Go SDK requests of keypair-api.md Appendix A.2, in order.
const GO_APPENDIX_A2: [Captured; 23] = [
    ok(
        "POST",
        "/v2/keypair",
        "",
        r#"{"name":"kp01","description":"desc \u003c\u0026\u003e 描述"}"#,
    ),
    ok(
        "POST",
        "/v2/keypair",
        "clientToken=tok-123",
        r#"{"name":"kp02","description":""}"#,
    ),
    // Go retries resend the same request: the token returns the first key pair.
    ok(
        "POST",
        "/v2/keypair",
        "clientToken=tok-123",
        r#"{"name":"kp02","description":""}"#,
    ),
    err(
        "PUT",
        "/v2/keypair",
        "import",
        r#"{"name":"kp03","description":"d","publicKey":"ssh-rsa AAAA x@y"}"#,
        400,
        "Keypair.PublicKeyFormatInvalid",
    ),
    ok("GET", "/v2/keypair", "maxKeys=1000", ""),
    ok(
        "GET",
        "/v2/keypair",
        "marker=k-IyWRtII7&maxKeys=10&name=my%20kp%2F1",
        "",
    ),
    ok("GET", "/v2/keypair/k-abc12345", "", ""),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "attach",
        r#"{"keypairId":"k-abc12345","instanceIds":["i-aaaa1111","i-bbbb2222"]}"#,
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "detach",
        r#"{"keypairId":"k-abc12345","instanceIds":["i-aaaa1111"]}"#,
    ),
    err(
        "DELETE",
        "/v2/keypair/k-abc12345",
        "delete",
        r#"{"keypairId":"k-abc12345"}"#,
        403,
        "Keypair.DeleteKeypairInUse",
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "rename",
        r#"{"name":"newName","keypairId":"k-abc12345"}"#,
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "updateDesc",
        r#"{"description":"new description","keypairId":"k-abc12345"}"#,
    ),
    ok(
        "PUT",
        "/v2/keypair/k-abc12345",
        "detach",
        r#"{"keypairId":"k-abc12345","instanceIds":["i-bbbb2222"]}"#,
    ),
    ok(
        "DELETE",
        "/v2/keypair/k-abc12345",
        "delete",
        r#"{"keypairId":"k-abc12345"}"#,
    ),
    // Escaped ids (Appendix A.3), created first so the lookups succeed.
    ok(
        "POST",
        "/v2/keypair",
        "",
        r#"{"name":"e1","description":""}"#,
    ),
    ok(
        "POST",
        "/v2/keypair",
        "",
        r#"{"name":"e2","description":""}"#,
    ),
    ok(
        "POST",
        "/v2/keypair",
        "",
        r#"{"name":"e3","description":""}"#,
    ),
    ok(
        "POST",
        "/v2/keypair",
        "",
        r#"{"name":"e4","description":""}"#,
    ),
    ok("GET", "/v2/keypair/k-a:b~c%2Ad", "", ""),
    ok("GET", "/v2/keypair/%E6%B5%8B%E8%AF%95", "", ""),
    ok("GET", "/v2/keypair/a%20b", "", ""),
    ok("GET", "/v2/keypair/a%252Fb", "", ""),
    ok(
        "GET",
        "/v2/keypair",
        "maxKeys=1000&name=%E6%B5%8B%20%E8%AF%95%2Bx",
        "",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_sdk_requests_of_appendix_a2() {
    let server = server(&["k-00000002", "k-a:b~c*d", "测试", "a b", "a%2Fb"]).await;
    let replies = replay(&server, &GO_APPENDIX_A2, go_request).await;
    assert_eq!(replies[0].json()["keypair"]["description"], "desc <&> 描述");
    assert_eq!(replies[1].json(), replies[2].json());
    // Two key pairs: the retried create did not make a third.
    assert_eq!(replies[4].json()["keypairs"].as_array().unwrap().len(), 2);
    // attach and detach answer a JSON object the Go SDK can decode.
    assert_eq!(replies[7].json(), json!({}));
    assert_eq!(replies[8].json(), json!({}));
    for (reply, id) in replies[18..22]
        .iter()
        .zip(["k-a:b~c*d", "测试", "a b", "a%2Fb"])
    {
        assert_eq!(reply.json()["keypair"]["keypairId"], id);
    }
    server.shutdown().await;
}

#[test]
fn go_content_md5_of_the_capture_matches() {
    // keypair-api.md Appendix A.2 lists the Content-Md5 the Go SDK sent for these bodies.
    for (body, md5) in [
        (
            r#"{"name":"kp02","description":""}"#,
            "XscV1Ymmy05egp0kkbrQ9w==",
        ),
        (r#"{"keypairId":"k-abc12345"}"#, "7rxBF0sy+2B9yQf0Svr/tg=="),
    ] {
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(Md5::digest(body.as_bytes())),
            md5
        );
    }
}
