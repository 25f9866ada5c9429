//! The server: graceful shutdown with open connections, and connections that stay silent or
//! idle, or come in greater numbers than the server holds.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bcc_keypair_sim::server::{ServerOptions, serve_with, spawn_local};
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

const HEALTH: &str = "GET /__sim/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// Serves a simulator with `options` on `127.0.0.1:0` until the test ends.
async fn serve_with_options(options: ServerOptions) -> SocketAddr {
    let sim = Simulator::builder()
        .verify_signatures(false)
        .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { serve_with(listener, sim, &options, std::future::pending()).await });
    addr
}

/// Whether the server closed `stream` within `within` (reading it to the end).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut rest = Vec::new();
    matches!(
        tokio::time::timeout(within, stream.read_to_end(&mut rest)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_finishes_its_headers_is_closed_after_the_header_timeout() {
    let options = ServerOptions::default().header_read_timeout(Duration::from_millis(200));
    let addr = serve_with_options(options).await;
    let mut slow = connect(addr).await;
    slow.write_all(b"GET /__sim/health HTTP/1.1\r\nHost: loc")
        .await
        .unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut slow, Duration::from_secs(3)).await);
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "closed too early"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let options = ServerOptions::default().idle_timeout(Duration::from_millis(300));
    let addr = serve_with_options(options).await;
    let mut client = connect(addr).await;
    assert_eq!(exchange(&mut client, HEALTH).await, "HTTP/1.1 200 OK");
    // Still open while it is used.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(exchange(&mut client, HEALTH).await, "HTTP/1.1 200 OK");
    assert!(closed_within(&mut client, Duration::from_secs(3)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_beyond_the_limit_do_not_lock_out_a_new_client() {
    let options = ServerOptions::default().max_connections(16);
    let addr = serve_with_options(options).await;
    let mut silent = Vec::new();
    for _ in 0..64 {
        silent.push(connect(addr).await);
    }
    let started = Instant::now();
    let mut fresh = connect(addr).await;
    let status = tokio::time::timeout(Duration::from_secs(1), exchange(&mut fresh, HEALTH)).await;
    assert_eq!(status.as_deref(), Ok("HTTP/1.1 200 OK"));
    assert!(started.elapsed() < Duration::from_secs(1));
    // The oldest silent connections made room and were closed.
    assert!(closed_within(&mut silent[0], Duration::from_secs(1)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_in_a_transfer_coding_other_than_chunked_is_refused_with_a_request_id() {
    let addr = serve_with_options(ServerOptions::default()).await;
    let mut client = connect(addr).await;
    let request = "POST /v2/keypair HTTP/1.1\r\nHost: localhost\r\n\
                   Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    client.write_all(request.as_bytes()).await.unwrap();
    let mut response = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), client.read(&mut response))
        .await
        .unwrap()
        .unwrap();
    let response = String::from_utf8_lossy(&response[..n]).to_ascii_lowercase();
    assert!(response.starts_with("http/1.1 400"), "{response}");
    assert!(response.contains("x-bce-request-id:"), "{response}");
    assert!(response.contains("invalidhttprequest"), "{response}");
}
