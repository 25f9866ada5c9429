//! Instruction counts of signing and verifying, for `cargo xtask bench --instructions`.
//!
//! Run under callgrind, `instructions <case> <iterations>` repeats one case inside
//! [`measured`], and callgrind counts only what runs inside it
//! (`--collect-atstart=no --toggle-collect=*measured*`). The same binary and inputs give
//! the same count on any machine load, unlike wall-clock time. The request is the
//! criterion bench's typical one (`signing.rs`).
//!
//! Run directly (as `cargo bench` does) it runs every case once and checks the results.

use std::collections::HashMap;
use std::hint::black_box;

use bce_auth::{
    Credentials, SignableRequest, SigningKeyCache, SigningSettings, VerifiableRequest,
    VerifySettings, sign, verify, verify_cached,
};
use chrono::{TimeZone, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const CASES: [&str; 4] = ["floor", "sign", "verify", "verify_cached"];

const HEADERS: [(&str, &str); 4] = [
    ("Host", "bcc.bj.baidubce.com"),
    ("Content-Type", "application/json;charset=utf-8"),
    ("Content-Length", "45"),
    ("x-bce-date", "2026-11-24T10:00:00Z"),
];

/// Runs `step` `iterations` times; the only function callgrind counts.
#[inline(never)]
fn measured(iterations: u64, step: &mut dyn FnMut()) {
    for _ in 0..iterations {
        step();
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

fn run(case: &str, iterations: u64) {
    let credentials = Credentials::new(
        "0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210",
    );
    let time = Utc
        .with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("valid time");
    let typical = SignableRequest {
        method: "PUT",
        path: "/v2/keypair/k-abc123",
        query: &[("attach", None)],
        headers: &HEADERS,
    };
    let settings = SigningSettings::default();
    let signed = sign(&typical, &credentials, time, &settings).expect("signable");
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
    match case {
        "floor" => {
            // The two HMAC-SHA256 steps every signature needs, and nothing else.
            let prefix = signed.auth_string_prefix().to_owned();
            let canonical = signed.canonical_request().to_owned();
            let secret = credentials.secret_access_key().expose().to_owned();
            measured(iterations, &mut || {
                let key = hmac_hex(black_box(secret.as_bytes()), black_box(prefix.as_bytes()));
                black_box(hmac_hex(&key, black_box(canonical.as_bytes())));
            });
        }
        "sign" => measured(iterations, &mut || {
            let output = sign(
                black_box(&typical),
                black_box(&credentials),
                black_box(time),
                black_box(&settings),
            );
            assert!(black_box(output).is_ok());
        }),
        "verify" => measured(iterations, &mut || {
            let verified = verify(
                black_box(&request),
                black_box(&store),
                black_box(time),
                black_box(&verify_settings),
            );
            assert!(black_box(verified).is_ok());
        }),
        "verify_cached" => {
            let mut keys = SigningKeyCache::default();
            measured(iterations, &mut || {
                let verified = verify_cached(
                    black_box(&request),
                    black_box(&store),
                    black_box(time),
                    black_box(&verify_settings),
                    &mut keys,
                );
                assert!(black_box(verified).is_ok());
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
