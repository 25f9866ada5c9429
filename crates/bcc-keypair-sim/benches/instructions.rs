//! Instruction counts of `Simulator::handle`, for `cargo xtask bench --instructions`.
//!
//! Run under callgrind, `instructions <case> <iterations>` repeats one case inside
//! [`measured`], and callgrind counts only what runs inside it
//! (`--collect-atstart=no --toggle-collect=*measured*`). Requests are signed before the
//! measured part; the clock is fixed and the keys are the bundled test keys, so nothing
//! random or time-dependent changes the count between runs.
//!
//! Run directly (as `cargo bench` does) it runs every case once and checks the results.

use std::hint::black_box;
use std::sync::Arc;

use bcc_keypair_sim::{FixedClock, FixedKeys, Simulator};
use bce_auth::{Credentials, SigningSettings, http_adapter};
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use http::{Method, Request, StatusCode};
use tokio::runtime::Runtime;

const CASES: [&str; 3] = ["get", "create", "list_1000"];

/// Runs `step` `iterations` times; the only function callgrind counts.
#[inline(never)]
fn measured(iterations: u64, step: &mut dyn FnMut(u64)) {
    for i in 0..iterations {
        step(i);
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("valid time")
}

fn signed(method: Method, target: &str, body: String) -> Request<Bytes> {
    let mut request = Request::builder()
        .method(method)
        .uri(target)
        .header("host", "127.0.0.1:8480")
        .body(Bytes::from(body))
        .expect("valid request");
    http_adapter::sign_http_request(
        &mut request,
        &Credentials::new("ak", "sk"),
        now(),
        &SigningSettings::default(),
    )
    .expect("signable");
    request
}

fn create_request(name: &str) -> Request<Bytes> {
    signed(
        Method::POST,
        "/v2/keypair?create",
        format!(r#"{{"name":"{name}","description":"bench"}}"#),
    )
}

fn simulator(quota: usize) -> Simulator {
    Simulator::builder()
        .account("ak", "sk")
        .quota(quota)
        .clock(Arc::new(FixedClock::new(now())))
        .key_source(Arc::new(
            FixedKeys::bundled_test_keys().expect("bundled keys"),
        ))
        .build()
        .expect("simulator")
}

fn handle(runtime: &Runtime, sim: &Simulator, request: Request<Bytes>) -> Bytes {
    let response = runtime.block_on(sim.handle(request));
    assert_eq!(response.status(), StatusCode::OK, "{response:?}");
    response.into_body()
}

fn run(case: &str, iterations: u64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    match case {
        "get" => {
            let sim = simulator(10);
            let created = handle(&runtime, &sim, create_request("bench"));
            let created: serde_json::Value = serde_json::from_slice(&created).expect("json");
            let id = created["keypair"]["keypairId"].as_str().expect("id");
            let request = signed(Method::GET, &format!("/v2/keypair/{id}"), String::new());
            measured(iterations, &mut |_| {
                black_box(handle(&runtime, &sim, request.clone()));
            });
        }
        "create" => {
            let sim = simulator(iterations as usize + 1);
            let mut requests: Vec<_> = (0..iterations)
                .map(|i| Some(create_request(&format!("kp{i}"))))
                .collect();
            measured(iterations, &mut |i| {
                let request = requests[i as usize].take().expect("one use each");
                black_box(handle(&runtime, &sim, request));
            });
        }
        "list_1000" => {
            let sim = simulator(1000);
            for i in 0..1000 {
                handle(&runtime, &sim, create_request(&format!("kp{i}")));
            }
            let request = signed(Method::GET, "/v2/keypair?maxKeys=1000", String::new());
            measured(iterations, &mut |_| {
                let body = handle(&runtime, &sim, request.clone());
                assert!(body.len() > 1000 * 100, "a page of 1,000 key pairs");
                black_box(body);
            });
        }
        other => panic!("unknown case {other:?}; the cases are {CASES:?}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [case, iterations] => run(case, iterations.parse().expect("iterations: a number")),
        // `cargo bench` passes `--bench`: check that every case runs.
        _ => {
            for case in CASES {
                run(case, 1);
            }
            println!(
                "instruction cases ran once each; count them with `cargo xtask bench --instructions`"
            );
        }
    }
}
