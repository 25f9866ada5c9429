//! Requests refused before the simulator's own code, at the HTTP layer: each still gets the
//! JSON envelope with a request id (`parse_response` checks both), and the server keeps
//! serving afterwards.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use bcc_keypair_sim::server::{RunningServer, spawn_local};
use bcc_keypair_sim::{FixedKeys, Simulator};

use crate::support::{RawReply, parse_response};

async fn server() -> RunningServer {
    let sim = Simulator::builder()
        .verify_signatures(false)
        .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
        .build()
        .unwrap();
    spawn_local(sim).await.unwrap()
}

/// Writes `bytes` as they are and reads until the server closes.
fn exchange(addr: SocketAddr, bytes: Vec<u8>) -> RawReply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(&bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    parse_response(&answer)
}

/// Requests hyper cannot parse, each answered 400 `InvalidHTTPRequest` in the envelope
/// (hyper's own answers would be a bare 400, 414 or 431).
fn unparsable_requests() -> Vec<(&'static str, Vec<u8>)> {
    let many_headers: String = (0..101).map(|n| format!("x-h{n}: v\r\n")).collect();
    let huge_header = format!("x-big: {}\r\n", "a".repeat(500 * 1024));
    let head = |text: &str| text.as_bytes().to_vec();
    vec![
        ("no request line", head("\r\n\r\n\r\nGARBAGE\r\n\r\n")),
        ("a request line of one word", head("GARBAGE\r\n\r\n")),
        (
            "a method with a space",
            head("G ET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ),
        (
            "a method with a control byte",
            head("G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ),
        (
            "an unknown version",
            head("GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
        ),
        ("no version", head("GET /v2/keypair\r\nHost: x\r\n\r\n")),
        (
            "a target with a space",
            head("GET /v2/key pair HTTP/1.1\r\nHost: x\r\n\r\n"),
        ),
        (
            "a header without a colon",
            head("GET / HTTP/1.1\r\nHost x\r\n\r\n"),
        ),
        (
            "a header name with a space",
            head("GET / HTTP/1.1\r\nHo st: x\r\n\r\n"),
        ),
        (
            "a Content-Length that is not a number",
            head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n"),
        ),
        (
            "two different Content-Lengths",
            head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        ),
        (
            "chunked not last",
            head("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        ),
        (
            "101 header fields",
            format!("GET / HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n").into_bytes(),
        ),
        (
            "a 500 KiB header",
            format!("GET / HTTP/1.1\r\nHost: x\r\n{huge_header}\r\n").into_bytes(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_hyper_cannot_parse_get_the_envelope_and_a_request_id() {
    let server = server().await;
    let addr = server.addr();
    let cases = unparsable_requests();
    let replies = tokio::task::spawn_blocking(move || {
        cases
            .into_iter()
            .map(|(name, bytes)| (name, exchange(addr, bytes)))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for (name, reply) in replies {
        assert_eq!(
            (reply.status, reply.json()["code"].as_str().unwrap_or("")),
            (400, "InvalidHTTPRequest"),
            "{name}"
        );
    }
    // Still serving.
    let health = tokio::task::spawn_blocking(move || {
        exchange(
            addr,
            b"GET /__sim/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".to_vec(),
        )
    })
    .await
    .unwrap();
    assert_eq!(health.status, 200);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_request_body_is_refused_with_a_request_id() {
    let server = server().await;
    let addr = server.addr();
    let reply = tokio::task::spawn_blocking(move || {
        exchange(
            addr,
            b"POST /v2/keypair HTTP/1.1\r\nHost: localhost\r\nContent-Encoding: gzip\r\n\
              Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                .to_vec(),
        )
    })
    .await
    .unwrap();
    reply.error(400, "InvalidHTTPRequest");
    server.shutdown().await;
}

/// A good request and an unparsable one sent together on one connection: the first gets
/// its answer, the second the envelope (hyper flushes the first answer before it reads on,
/// so the refusal starts a write of its own).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_after_a_pipelined_request_still_gets_the_envelope() {
    let server = server().await;
    let addr = server.addr();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .write_all(b"GET /__sim/health HTTP/1.1\r\nHost: localhost\r\n\r\nGARBAGE\r\n\r\n")
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    })
    .await
    .unwrap();
    let second = answer
        .windows(9)
        .rposition(|window| window == b"HTTP/1.1 ")
        .expect("two answers");
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    parse_response(&answer[second..]).error(400, "InvalidHTTPRequest");
    server.shutdown().await;
}
