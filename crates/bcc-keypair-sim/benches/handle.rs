//! In-process cost of one signed `GET /v2/keypair/{id}`: the whole `Simulator::handle`
//! path, and the signature verification alone, to see where the time goes.
//! (Socket throughput is measured by `cargo xtask bench`.)

use std::sync::Arc;

use bcc_keypair_sim::{FixedClock, FixedKeys, Simulator};
use bce_auth::{Credentials, SigningKeyCache, SigningSettings, VerifySettings, http_adapter};
use bytes::Bytes;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

fn signed(method: http::Method, target: &str, body: &'static str) -> http::Request<Bytes> {
    signed_at(
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap(),
        method,
        target,
        body,
    )
}

fn signed_at(
    now: DateTime<Utc>,
    method: http::Method,
    target: &str,
    body: &'static str,
) -> http::Request<Bytes> {
    let mut request = http::Request::builder()
        .method(method)
        .uri(target)
        .header("host", "127.0.0.1:8480")
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap();
    http_adapter::sign_http_request(
        &mut request,
        &Credentials::new("ak", "sk"),
        now,
        &SigningSettings::default(),
    )
    .unwrap();
    request
}

fn get(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let sim = Simulator::builder()
        .account("ak", "sk")
        .clock(Arc::new(FixedClock::new(now)))
        .key_source(Arc::new(FixedKeys::bundled_test_keys().unwrap()))
        .build()
        .unwrap();
    let created = runtime.block_on(sim.handle(signed(
        http::Method::POST,
        "/v2/keypair",
        r#"{"name":"bench"}"#,
    )));
    let created: serde_json::Value = serde_json::from_slice(created.body()).unwrap();
    let id = created["keypair"]["keypairId"].as_str().unwrap().to_owned();
    let request = signed(http::Method::GET, &format!("/v2/keypair/{id}"), "");

    c.bench_function("handle signed GET /v2/keypair/{id}", |b| {
        b.iter(|| {
            let response = runtime.block_on(sim.handle(request.clone()));
            assert_eq!(response.status(), 200);
        });
    });

    // Requests stamped one second apart, more of them than the signing key cache holds:
    // every request derives its key (a client sending one request per second).
    let path = format!("/v2/keypair/{id}");
    let stamped: Vec<_> = (0..64)
        .map(|age| signed_at(now - TimeDelta::seconds(age), http::Method::GET, &path, ""))
        .collect();
    let mut next = stamped.iter().cycle();
    c.bench_function("handle signed GET, a new signing key every request", |b| {
        b.iter(|| {
            let request = next.next().unwrap().clone();
            let response = runtime.block_on(sim.handle(request));
            assert_eq!(response.status(), 200);
        });
    });

    c.bench_function("baseline: clone the request, run an empty future", |b| {
        b.iter(|| {
            let request = request.clone();
            runtime.block_on(async { std::hint::black_box(request) })
        });
    });

    // Both verifications start from the received request, as the simulator's `auth` does:
    // collecting its headers is part of the measured work.
    let store = Credentials::new("ak", "sk");
    let settings = VerifySettings::default();
    let verify_received = |keys: Option<&mut SigningKeyCache>| {
        http_adapter::verify_http_request(&request, &store, now, &settings, keys).unwrap()
    };
    c.bench_function("bce_auth::verify of the same request", |b| {
        b.iter(|| verify_received(None));
    });
    let mut keys = SigningKeyCache::default();
    c.bench_function("bce_auth::verify_cached of the same request", |b| {
        b.iter(|| verify_received(Some(&mut keys)));
    });
}

criterion_group!(benches, get);
criterion_main!(benches);
