//! The simulator's request path without a socket: routing (host to region, method, path
//! and action word), the operations' query and body parsing, and the state behind them.
//! Signatures are not checked, so every input reaches the router.
//!
//! Whatever arrives, the answer is never a 5xx (no faults are injected), always carries an
//! `x-bce-request-id`, and an error answer is the JSON envelope with a code the model knows.
//! The control API (`/__sim/`) is left out: it resets state and injects faults on purpose.
#![no_main]

use std::sync::{Arc, OnceLock};

use arbitrary::Arbitrary;
use bcc_keypair_model::{ErrorBody, ErrorCode};
use bcc_keypair_sim::{FixedClock, FixedKeys, SequentialIds, Simulator};
use bytes::Bytes;
use chrono::DateTime;
use libfuzzer_sys::fuzz_target;

/// Methods the routing table knows, then ones it must refuse.
const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];
/// Hosts of served regions, of an unknown region, and of no region.
const HOSTS: &[&str] = &[
    "bcc.bj.baidubce.com",
    "BCC.GZ.baidubce.com:443",
    "bcc.xx.baidubce.com",
    "127.0.0.1:8080",
    "",
];

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    host: u8,
    /// The request target: path and query as on the request line.
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

fn simulator() -> &'static (tokio::runtime::Runtime, Simulator) {
    static SIMULATOR: OnceLock<(tokio::runtime::Runtime, Simulator)> = OnceLock::new();
    SIMULATOR.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime");
        let now = DateTime::from_timestamp(1_795_000_000, 0).expect("a time");
        let sim = Simulator::builder()
            .clock(Arc::new(FixedClock::new(now)))
            .id_generator(Arc::new(SequentialIds::default()))
            .key_source(Arc::new(
                FixedKeys::bundled_test_keys().expect("bundled keys"),
            ))
            .verify_signatures(false)
            .build()
            .expect("a simulator");
        (runtime, sim)
    })
}

fn request(input: &Input) -> Option<http::Request<Bytes>> {
    let target = if input.target.starts_with('/') {
        input.target.clone()
    } else {
        format!("/v2/keypair{}", input.target)
    };
    let mut builder = http::Request::builder()
        .method(METHODS[usize::from(input.method) % METHODS.len()])
        .uri(target);
    let host = HOSTS[usize::from(input.host) % HOSTS.len()];
    if !host.is_empty() {
        builder = builder.header("host", host);
    }
    for (name, value) in &input.headers {
        builder = builder.header(name.as_str(), value.as_slice());
    }
    let request = builder.body(Bytes::from(input.body.clone())).ok()?;
    (!request.uri().path().starts_with("/__sim")).then_some(request)
}

fuzz_target!(|input: Input| {
    let Some(request) = request(&input) else {
        return;
    };
    let head = request.method() == http::Method::HEAD;
    let (runtime, sim) = simulator();
    let response = runtime.block_on(sim.handle(request));
    let status = response.status().as_u16();
    assert!(status < 500, "{status} for {input:?}");
    assert!(response.headers().contains_key("x-bce-request-id"));
    if status >= 400 && !head {
        let body: ErrorBody = serde_json::from_slice(response.body()).expect("an error envelope");
        let code = body.error_code();
        assert!(code.is_known(), "unknown code {code:?}");
        assert_eq!(code.status(), status, "{code:?} for {input:?}");
    }
});
