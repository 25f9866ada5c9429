//! A burst of creates over HTTP, answered with bundled keys and with generated keys, side
//! by side in one run: `cargo bench -p bcc-keypair-sim --bench create_burst [-- CREATES]`
//! (default 500). Each burst sends its creates over 16 keep-alive connections at once to a
//! simulator on 127.0.0.1 and gives up after 10 minutes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bcc_keypair_sim::server::spawn_local;
use bcc_keypair_sim::{FixedClock, Simulator, SimulatorBuilder};
use bce_auth::{Credentials, SigningSettings, http_adapter};
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const CONNECTIONS: usize = 16;
const LIMIT: Duration = Duration::from_secs(600);

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

/// One signed create as HTTP/1.1 bytes.
fn create_bytes(n: usize) -> Vec<u8> {
    let body = format!(r#"{{"name":"burst-{n}"}}"#);
    let mut request = http::Request::post("/v2/keypair")
        .header("host", "bcc.bj.baidubce.com")
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Bytes::from(body))
        .unwrap();
    http_adapter::sign_http_request(
        &mut request,
        &Credentials::new("ak", "sk"),
        now(),
        &SigningSettings::default(),
    )
    .unwrap();
    let mut bytes = b"POST /v2/keypair HTTP/1.1\r\n".to_vec();
    for (name, value) in request.headers() {
        bytes.extend_from_slice(format!("{name}: ").as_bytes());
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(request.body());
    bytes
}

/// Reads one response and returns its status.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> u16 {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buffer.len() >= end + 4 + length {
                let status = head[9..12].parse().unwrap();
                buffer.drain(..end + 4 + length);
                return status;
            }
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Creates `creates` key pairs over [`CONNECTIONS`] connections; returns creates per second.
async fn burst(builder: SimulatorBuilder, creates: usize) -> f64 {
    let sim = builder
        .account("ak", "sk")
        .clock(Arc::new(FixedClock::new(now())))
        .quota(creates)
        .build()
        .unwrap();
    let server = spawn_local(sim).await.unwrap();
    let addr: SocketAddr = server.addr();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for connection in 0..CONNECTIONS {
        let requests: Vec<Vec<u8>> = (connection..creates)
            .step_by(CONNECTIONS)
            .map(create_bytes)
            .collect();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let mut buffer = Vec::new();
            for request in requests {
                stream.write_all(&request).await.unwrap();
                assert_eq!(read_response(&mut stream, &mut buffer).await, 200);
            }
        }));
    }
    for task in tasks {
        tokio::time::timeout(LIMIT, task)
            .await
            .expect("the burst took over 10 minutes")
            .unwrap();
    }
    let rate = creates as f64 / started.elapsed().as_secs_f64();
    server.shutdown().await;
    rate
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the burst size.
    let creates = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse::<usize>().ok())
        .unwrap_or(500);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let bundled = burst(Simulator::builder().seed(1).bundled_keys(), creates).await;
        let generated = burst(Simulator::builder(), creates).await;
        println!("creates per second, a burst of {creates} over {CONNECTIONS} connections:");
        println!("  bundled keys   {bundled:>10.0}");
        println!("  generated keys {generated:>10.1}");
    });
}
