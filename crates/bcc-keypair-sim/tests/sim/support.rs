//! Shared test harness: a simulator with pinned time, predictable ids and bundled keys, and
//! helpers that sign requests and check the response envelope.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use bcc_keypair_sim::{FixedClock, FixedKeys, IdGenerator, Simulator, SimulatorBuilder};
use bce_auth::{Credentials, SigningSettings, http_adapter::sign_http_request};
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use http::{Method, Request, Response};
use serde_json::Value;

pub(crate) const AK: &str = "0123456789abcdef0123456789abcdef";
pub(crate) const SK: &str = "fedcba9876543210fedcba9876543210";
pub(crate) const OTHER_AK: &str = "other-account-ak";
pub(crate) const OTHER_SK: &str = "other-account-sk";
pub(crate) const HOST: &str = "bcc.bj.baidubce.com";

/// A real OpenSSH public key (`ssh-keygen -t ecdsa`, the model's `tests/data/keys/ecdsa-256.pub`
/// with another comment): its point lies on the curve, as import checks.
pub(crate) const ECDSA_KEY: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKyVF7m6Ev9ekI8xzM+0DAkJc9A2TD2Ofpo/rW65hR1UdbECrG0+VBwY4wM5JkdciSEtRJzehDGv2mX6fOvlF+U= demo@host";

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

/// Ids from a script first, then `k-00000001`, … (and sequential request ids).
#[derive(Default)]
pub(crate) struct ScriptedIds {
    script: Mutex<Vec<String>>,
    inner: bcc_keypair_sim::SequentialIds,
}

impl ScriptedIds {
    pub(crate) fn new(ids: &[&str]) -> Self {
        Self {
            script: Mutex::new(ids.iter().rev().map(|s| (*s).to_owned()).collect()),
            inner: bcc_keypair_sim::SequentialIds::new(),
        }
    }
}

impl IdGenerator for ScriptedIds {
    fn keypair_id(&self) -> String {
        self.script
            .lock()
            .unwrap()
            .pop()
            .unwrap_or_else(|| self.inner.keypair_id())
    }
    fn request_id(&self) -> String {
        self.inner.request_id()
    }
}

pub(crate) fn builder() -> SimulatorBuilder {
    Simulator::builder()
        .account(AK, SK)
        .account(OTHER_AK, OTHER_SK)
        .clock(Arc::new(FixedClock::new(now())))
        .id_generator(Arc::new(bcc_keypair_sim::SequentialIds::new()))
        .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
}

pub(crate) struct Harness {
    pub(crate) sim: Simulator,
    pub(crate) credentials: Credentials,
    pub(crate) host: String,
}

pub(crate) fn harness() -> Harness {
    Harness::new(builder().build().unwrap())
}

impl Harness {
    pub(crate) fn new(sim: Simulator) -> Self {
        Self {
            sim,
            credentials: Credentials::new(AK, SK),
            host: HOST.to_owned(),
        }
    }

    pub(crate) fn with_credentials(mut self, ak: &str, sk: &str) -> Self {
        self.credentials = Credentials::new(ak, sk);
        self
    }

    pub(crate) fn with_host(mut self, host: &str) -> Self {
        self.host = host.to_owned();
        self
    }

    /// A signed request (Go-style signing, the default settings) with a JSON body if any.
    pub(crate) fn request(&self, method: Method, target: &str, body: &str) -> Request<Bytes> {
        let mut builder = Request::builder()
            .method(method)
            .uri(target)
            .header("host", &self.host);
        if !body.is_empty() {
            builder = builder
                .header("content-type", "application/json;charset=utf-8")
                .header("content-length", body.len());
        }
        let mut request = builder.body(Bytes::from(body.to_owned())).unwrap();
        let signed = sign_http_request(
            &mut request,
            &self.credentials,
            now(),
            &SigningSettings::default(),
        );
        if signed.is_err() {
            // A path that does not decode to UTF-8 can only be signed verbatim (as Python
            // does); a query that does not decode is sent unsigned.
            let _ = sign_http_request(
                &mut request,
                &self.credentials,
                now(),
                &SigningSettings::python_sdk(),
            );
        }
        request
    }

    pub(crate) async fn call(&self, method: Method, target: &str, body: &str) -> Reply {
        self.send(self.request(method, target, body)).await
    }

    pub(crate) async fn send(&self, request: Request<Bytes>) -> Reply {
        Reply::new(self.sim.handle(request).await)
    }

    /// An unsigned control request.
    pub(crate) async fn control(&self, method: Method, path: &str, body: &str) -> Reply {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Bytes::from(body.to_owned()))
            .unwrap();
        Reply::new(self.sim.handle(request).await)
    }

    pub(crate) async fn create(&self, name: &str) -> String {
        let reply = self
            .call(
                Method::POST,
                "/v2/keypair",
                &format!(r#"{{"name":"{name}"}}"#),
            )
            .await
            .ok();
        reply.json["keypair"]["keypairId"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub(crate) async fn import(&self, name: &str, public_key: &str) -> Reply {
        let body = serde_json::json!({"name": name, "publicKey": public_key}).to_string();
        self.call(Method::PUT, "/v2/keypair?import", &body).await
    }

    pub(crate) async fn seed_instances(&self, instances: Value) {
        let body = serde_json::json!({ "instances": instances }).to_string();
        self.control(Method::POST, "/__sim/instances", &body)
            .await
            .ok();
    }

    /// `PUT /v2/keypair/{id}?attach` (or `?detach`, per `action`) with these instance ids.
    pub(crate) async fn bind(&self, action: &str, id: &str, instance_ids: &[&str]) -> Reply {
        let body = serde_json::json!({ "instanceIds": instance_ids }).to_string();
        self.call(Method::PUT, &format!("/v2/keypair/{id}?{action}"), &body)
            .await
    }

    pub(crate) async fn get(&self, id: &str) -> Reply {
        self.call(Method::GET, &format!("/v2/keypair/{id}"), "")
            .await
    }

    pub(crate) async fn instance_count(&self, id: &str) -> u64 {
        self.get(id).await.ok().json["keypair"]["instanceCount"]
            .as_u64()
            .unwrap()
    }
}

/// A response, with the envelope already checked: JSON content type, a UUIDv4 request id,
/// a JSON body (or none), and for errors exactly `{requestId, code, message}` with
/// `requestId` equal to the header.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) json: Value,
}

impl Reply {
    pub(crate) fn new(response: Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        check_envelope(parts.status.as_u16(), &parts.headers, &body);
        let json = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).unwrap()
        };
        Self {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
            json,
        }
    }

    pub(crate) fn request_id(&self) -> &str {
        self.headers["x-bce-request-id"].to_str().unwrap()
    }

    #[track_caller]
    pub(crate) fn ok(self) -> Self {
        assert_eq!(self.status, 200, "expected 200, got {self:?}");
        self
    }

    #[track_caller]
    pub(crate) fn error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.json["code"].as_str().unwrap_or("")),
            (status, code),
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
    }
}

pub(crate) fn check_envelope(status: u16, headers: &http::HeaderMap, body: &[u8]) {
    assert_eq!(
        headers["content-type"], "application/json;charset=UTF-8",
        "content type"
    );
    let request_id = headers["x-bce-request-id"].to_str().unwrap();
    let uuid = uuid::Uuid::parse_str(request_id).unwrap();
    assert_eq!(uuid.get_version_num(), 4, "request id {request_id}");
    if !body.is_empty() {
        let json: Value = serde_json::from_slice(body).expect("every body is JSON");
        assert!(json.is_object(), "{json}");
        if status >= 400 {
            let object = json.as_object().unwrap();
            let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["code", "message", "requestId"], "{json}");
            assert_eq!(json["requestId"], request_id);
            assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    } else {
        // Only HEAD answers an error without a body, and it still says how long it was.
        let length = headers
            .get("content-length")
            .map_or("0", |v| v.to_str().unwrap());
        assert!(status < 400 || length != "0", "an error without a body");
    }
}

/// A response read off a socket.
#[derive(Debug)]
pub(crate) struct RawReply {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl RawReply {
    pub(crate) fn json(&self) -> Value {
        if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body).unwrap()
        }
    }

    #[track_caller]
    pub(crate) fn error(&self, status: u16, code: &str) {
        let json = self.json();
        assert_eq!(
            (self.status, json["code"].as_str().unwrap_or("")),
            (status, code),
            "{json}"
        );
    }
}

/// Sends `head` (request line and headers, CRLF-separated, without the blank line) and
/// `body` over a fresh connection and reads the whole answer. The bytes go out exactly as
/// given, so tests control every header the server sees.
pub(crate) fn send_raw(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> RawReply {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut bytes = head
        .trim_end()
        .replace('\n', "\r\n")
        .replace("\r\r\n", "\r\n")
        .into_bytes();
    bytes.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    parse_response(&answer)
}

pub(crate) fn parse_response(answer: &[u8]) -> RawReply {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = std::str::from_utf8(&answer[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = http::HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        headers.append(
            http::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            value.trim().parse().unwrap(),
        );
    }
    let body = answer[split + 4..].to_vec();
    check_envelope(status, &headers, &body);
    RawReply {
        status,
        headers,
        body,
    }
}

/// Reads the first line a started `bcc-keypair-sim` prints, `listening on http://ADDR`, and
/// returns the address.
pub(crate) fn listening_address(child: &mut std::process::Child) -> std::net::SocketAddr {
    use std::io::BufRead as _;
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut first)
        .expect("a first line");
    first
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .trim_end()
        .parse()
        .expect("an address")
}

/// The arguments every test that starts the binary passes: a free loopback port, the test
/// account, one key in the pool and one key thread.
pub(crate) const BINARY_ARGS: [&str; 10] = [
    "--listen",
    "127.0.0.1:0",
    "--access-key",
    AK,
    "--secret-key",
    SK,
    "--key-pool-size",
    "1",
    "--key-threads",
    "1",
];

/// Sends the binary SIGTERM and waits, at most 20 s, for it to exit.
pub(crate) fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("did not stop after SIGTERM");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A GET over the socket, signed as the Go SDK signs (a session token header included and
/// signed), with the wall clock the binary uses.
#[allow(clippy::disallowed_methods)] // the binary reads the wall clock, so must the signer
pub(crate) fn wall_clock_signed_get(
    addr: std::net::SocketAddr,
    path: &str,
    credentials: &Credentials,
) -> RawReply {
    let host = addr.to_string();
    let mut headers = vec![("host", host.clone())];
    if let Some(token) = credentials.session_token() {
        headers.push(("x-bce-security-token", token.expose().to_owned()));
    }
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let signed = bce_auth::sign(
        &bce_auth::SignableRequest {
            method: "GET",
            path,
            query: &[],
            headers: &pairs,
        },
        credentials,
        Utc::now(),
        &SigningSettings::go_sdk(),
    )
    .expect("signable");
    let mut head = format!(
        "GET {path} HTTP/1.1\nAuthorization: {}",
        signed.authorization()
    );
    for (name, value) in &headers {
        head.push_str(&format!("\n{name}: {value}"));
    }
    for (name, value) in signed.headers() {
        if !headers.iter().any(|(sent, _)| sent == name) {
            head.push_str(&format!("\n{name}: {value}"));
        }
    }
    send_raw(addr, &head, b"")
}
