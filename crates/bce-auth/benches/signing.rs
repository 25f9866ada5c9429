//! Signing and verifying the typical key-pair request, beside a floor that
//! computes only the two HMAC-SHA256 steps of the same signature.
//!
//! `cargo bench -p bce-auth -- --warm-up-time 1 --measurement-time 3`

use bce_auth::{
    Credentials, SignableRequest, SigningKeyCache, SigningSettings, VerifiableRequest,
    VerifySettings, sign, verify, verify_cached,
};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::hint::black_box;

const HEADERS: [(&str, &str); 4] = [
    ("Host", "bcc.bj.baidubce.com"),
    ("Content-Type", "application/json;charset=utf-8"),
    ("Content-Length", "45"),
    ("x-bce-date", "2026-11-24T10:00:00Z"),
];

fn typical() -> SignableRequest<'static> {
    SignableRequest {
        method: "PUT",
        path: "/v2/keypair/k-abc123",
        query: &[("attach", None)],
        headers: &HEADERS,
    }
}

fn hmac_hex(key: &[u8], message: &[u8]) -> [u8; 64] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    let mut hex = [0u8; 64];
    hex::encode_to_slice(mac.finalize().into_bytes(), &mut hex)
        .expect("32 bytes fill 64 hex digits");
    hex
}

fn benches(c: &mut Criterion) {
    let credentials = Credentials::new(
        "0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210",
    );
    let time = Utc
        .with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("valid time");
    let settings = SigningSettings::default();
    let signed = sign(&typical(), &credentials, time, &settings).expect("signable");

    c.bench_function("floor: two HMAC-SHA256 steps", |b| {
        let prefix = signed.auth_string_prefix().to_owned();
        let canonical = signed.canonical_request().to_owned();
        let secret = credentials.secret_access_key().expose().to_owned();
        b.iter(|| {
            let key = hmac_hex(black_box(secret.as_bytes()), black_box(prefix.as_bytes()));
            hmac_hex(&key, black_box(canonical.as_bytes()))
        });
    });

    c.bench_function("sign: PUT /v2/keypair/k-abc123?attach", |b| {
        b.iter(|| {
            sign(
                black_box(&typical()),
                black_box(&credentials),
                black_box(time),
                black_box(&settings),
            )
        });
    });

    let received = [
        HEADERS[0],
        HEADERS[1],
        HEADERS[2],
        HEADERS[3],
        ("Authorization", signed.authorization()),
    ];
    let request = VerifiableRequest {
        method: "PUT",
        raw_path: "/v2/keypair/k-abc123",
        raw_query: Some("attach"),
        headers: &received,
    };
    let store = HashMap::from([(credentials.access_key_id().to_owned(), credentials.clone())]);
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
