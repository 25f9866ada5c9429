//! The server: graceful shutdown with open connections.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bcc_keypair_sim::server::spawn_local;
use bcc_keypair_sim::{FixedKeys, Simulator};
use bytes::Bytes;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Sends `request` and reads one response (headers and a `Content-Length` body); returns
/// the status line.
async fn exchange(stream: &mut TcpStream, request: &str) -> String {
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before a full response");
        received.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&received).into_owned();
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            continue;
        };
        let length: usize = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        if body.len() >= length {
            return head.lines().next().unwrap_or_default().to_owned();
        }
    }
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_request_in_flight_and_closes_idle_connections() {
    let sim = Simulator::builder()
        .verify_signatures(false)
        .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
        .build()
        .unwrap();
    // Every list waits 400 ms, long enough to be in flight when shutdown starts.
    let fault = http::Request::post("/__sim/faults")
        .body(Bytes::from_static(
            br#"{"operation":"list","latencyMs":400}"#,
        ))
        .unwrap();
    assert_eq!(sim.handle(fault).await.status(), 200);
    let server = spawn_local(sim).await.unwrap();
    let addr = server.addr();

    let mut idle = connect(addr).await;
    let health = "GET /__sim/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    assert_eq!(exchange(&mut idle, health).await, "HTTP/1.1 200 OK");

    let busy = tokio::spawn(async move {
        let mut busy = connect(addr).await;
        exchange(
            &mut busy,
            "GET /v2/keypair HTTP/1.1\r\nHost: localhost\r\n\r\n",
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let stopping = tokio::spawn(server.shutdown());

    assert_eq!(busy.await.unwrap(), "HTTP/1.1 200 OK");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(2), idle.read_to_end(&mut rest)).await;
    assert!(
        matches!(closed, Ok(Ok(0))),
        "idle keep-alive connection not closed: {closed:?}"
    );
    stopping.await.unwrap();
    // Well inside the 5 s grace period: nothing waited for it to run out.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}
