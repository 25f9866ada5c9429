//! Signing and verifying the typical key-pair request, beside a floor that
//! computes only the two HMAC-SHA256 steps of the same signature.
//!
//! `cargo bench -p bce-auth --bench signing -- --warm-up-time 1 --measurement-time 3`

#[path = "support/typical.rs"]
mod typical;

use std::hint::black_box;

use bce_auth::{SigningKeyCache, SigningSettings, VerifySettings, sign, verify, verify_cached};
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let (credentials, time) = (typical::credentials(), typical::time());
    let settings = SigningSettings::default();
    let signed = sign(&typical::request(), &credentials, time, &settings).expect("signable");

    let floor = typical::Floor::of(&signed);
    c.bench_function("floor: two HMAC-SHA256 steps", |b| b.iter(|| floor.run()));

    c.bench_function("sign: PUT /v2/keypair/k-abc123?attach", |b| {
        b.iter(|| {
            sign(
                black_box(&typical::request()),
                black_box(&credentials),
                black_box(time),
                black_box(&settings),
            )
        });
    });

    let received = typical::received(&signed);
    let request = typical::verifiable(&received);
    let store = typical::store();
    let verify_settings = VerifySettings::default();
    assert!(verify(&request, &store, time, &verify_settings).is_ok());
    c.bench_function("verify: PUT /v2/keypair/k-abc123?attach", |b| {
        b.iter(|| {
            verify(
                black_box(&request),
                black_box(&store),
                black_box(time),
                black_box(&verify_settings),
            )
        });
    });
    // A client sending several requests in one second: the signing key is derived once.
    let mut keys = SigningKeyCache::default();
    c.bench_function("verify_cached (signing key reused)", |b| {
        b.iter(|| {
            verify_cached(
                black_box(&request),
                black_box(&store),
                black_box(time),
                black_box(&verify_settings),
                &mut keys,
            )
        });
    });
}

criterion_group!(signing, benches);
criterion_main!(signing);
