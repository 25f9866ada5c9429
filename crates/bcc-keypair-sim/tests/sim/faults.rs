//! Faults that real networks make: a lost response (applied, then no answer), a reset
//! (no answer, nothing applied), probabilities drawn from the seed, and rules that match
//! one account or region. Connection faults are checked over raw HTTP.

use std::net::SocketAddr;
use std::time::Duration;

use bcc_keypair_sim::ConnectionFault;
use bcc_keypair_sim::server::spawn_local;
use bytes::Bytes;
use http::{Method, Request};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::support::*;

/// `request` as HTTP/1.1 bytes.
fn wire_bytes(request: &Request<Bytes>) -> Vec<u8> {
    let mut bytes = format!("{} {} HTTP/1.1\r\n", request.method(), request.uri()).into_bytes();
    for (name, value) in request.headers() {
        bytes.extend_from_slice(name.as_str().as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(request.body());
    bytes
}

/// Sends `request` on a fresh connection and reads until the server closes it.
async fn everything_received(addr: SocketAddr, request: &Request<Bytes>) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&wire_bytes(request)).await.unwrap();
    let mut received = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    received.extend_from_slice(&chunk[..n]);
                    // A full answer ends the wait: the connection is kept alive.
                    if received.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    });
    read.await.expect("the server neither answered nor closed");
    received
}

async fn keypair_count(h: &Harness) -> usize {
    h.call(Method::GET, "/v2/keypair", "").await.ok().json["keypairs"]
        .as_array()
        .unwrap()
        .len()
}

async fn add_fault(h: &Harness, rule: &str) -> Reply {
    h.control(Method::POST, "/__sim/faults", rule).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_response_applies_the_create_and_closes_the_connection_without_a_byte() {
    let h = harness();
    let server = spawn_local(h.sim.clone()).await.unwrap();
    let listed = add_fault(&h, r#"{"operation":"create","lostResponse":true}"#)
        .await
        .ok();
    assert_eq!(listed.json["faults"][0]["lostResponse"], true);
    assert_eq!(listed.json["faults"][0]["remaining"], 1);
    let create = h.request(
        Method::POST,
        "/v2/keypair?clientToken=t-1",
        r#"{"name":"lost"}"#,
    );
    let received = everything_received(server.addr(), &create).await;
    assert_eq!(String::from_utf8_lossy(&received), "", "no answer at all");
    assert_eq!(keypair_count(&h).await, 1, "the create was applied");
    // The retry with the same client token gets the same key pair, not a second one.
    let received = everything_received(server.addr(), &create).await;
    assert!(received.starts_with(b"HTTP/1.1 200"), "{received:?}");
    assert_eq!(keypair_count(&h).await, 1);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_closes_the_connection_before_the_operation_runs() {
    let h = harness();
    let server = spawn_local(h.sim.clone()).await.unwrap();
    add_fault(&h, r#"{"operation":"create","reset":true,"count":2}"#)
        .await
        .ok();
    let create = h.request(Method::POST, "/v2/keypair", r#"{"name":"reset"}"#);
    for _ in 0..2 {
        let received = everything_received(server.addr(), &create).await;
        assert!(
            received.is_empty(),
            "{}",
            String::from_utf8_lossy(&received)
        );
    }
    assert_eq!(keypair_count(&h).await, 0, "nothing was created");
    let received = everything_received(server.addr(), &create).await;
    assert!(received.starts_with(b"HTTP/1.1 200"), "the rule is used up");
    assert_eq!(keypair_count(&h).await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn in_process_the_response_carries_the_connection_fault() {
    let h = harness();
    add_fault(&h, r#"{"operation":"list","reset":true}"#)
        .await
        .ok();
    add_fault(&h, r#"{"operation":"list","lostResponse":true}"#)
        .await
        .ok();
    let fault_of =
        |response: http::Response<Bytes>| response.extensions().get::<ConnectionFault>().copied();
    let list = || h.request(Method::GET, "/v2/keypair", "");
    assert_eq!(
        fault_of(h.sim.handle(list()).await),
        Some(ConnectionFault::Reset)
    );
    let lost = h.sim.handle(list()).await;
    assert_eq!(lost.status(), 200);
    assert_eq!(fault_of(lost), Some(ConnectionFault::LostResponse));
    assert_eq!(fault_of(h.sim.handle(list()).await), None);
}

#[tokio::test]
async fn rules_match_one_account_and_one_region() {
    let h = harness();
    add_fault(
        &h,
        &format!(r#"{{"account":"{OTHER_AK}","region":"GZ","status":503,"count":5}}"#),
    )
    .await
    .ok();
    let listed = h.control(Method::GET, "/__sim/faults", "").await.ok();
    assert_eq!(listed.json["faults"][0]["account"], OTHER_AK);
    assert_eq!(listed.json["faults"][0]["region"], "gz");
    let mine_in_gz = Harness::new(h.sim.clone()).with_host("bcc.gz.baidubce.com");
    mine_in_gz.call(Method::GET, "/v2/keypair", "").await.ok();
    let other = Harness::new(h.sim.clone()).with_credentials(OTHER_AK, OTHER_SK);
    other.call(Method::GET, "/v2/keypair", "").await.ok();
    other
        .with_host("bcc.gz.baidubce.com")
        .call(Method::GET, "/v2/keypair", "")
        .await
        .error(503, "InternalError");
    // Unknown accounts and regions are refused.
    add_fault(&h, r#"{"account":"nobody","status":500}"#)
        .await
        .error(403, "InvalidAccessKeyId");
    add_fault(&h, r#"{"region":"mars","status":500}"#)
        .await
        .error(400, "InvalidHTTPRequest");
}

#[tokio::test]
async fn a_probability_hits_its_share_and_the_same_seed_hits_the_same_requests() {
    let hits = |seed: u64| async move {
        let h = Harness::new(builder().seed(seed).build().unwrap());
        let listed = add_fault(&h, r#"{"operation":"list","probability":0.3,"status":503}"#)
            .await
            .ok();
        assert_eq!(
            listed.json["faults"][0]["remaining"],
            serde_json::Value::Null
        );
        let mut pattern = Vec::new();
        for _ in 0..200 {
            pattern.push(h.call(Method::GET, "/v2/keypair", "").await.status == 503);
        }
        pattern
    };
    let first = hits(5).await;
    assert_eq!(hits(5).await, first);
    assert_ne!(hits(6).await, first);
    let count = first.iter().filter(|hit| **hit).count();
    assert!((35..=85).contains(&count), "{count} of 200 at 30 %");
}

#[tokio::test]
async fn bad_rules_are_refused() {
    let h = harness();
    for body in [
        r#"{"lostResponse":true,"reset":true}"#,
        r#"{"lostResponse":true,"status":500}"#,
        r#"{"reset":true,"probability":1.5}"#,
        r#"{"reset":true,"probability":-0.1}"#,
        r#"{"probability":0.5}"#,
    ] {
        add_fault(&h, body).await.error(400, "InvalidHTTPRequest");
    }
    assert_eq!(
        h.control(Method::GET, "/__sim/faults", "").await.json["faults"],
        serde_json::json!([])
    );
}
