//! Instruction counts of signing and verifying, for `cargo xtask bench --instructions`.
//!
//! Run under callgrind, `instructions <case> <iterations>` repeats one case inside
//! [`measured`], and callgrind counts only what runs inside it
//! (`--collect-atstart=no --toggle-collect=*measured*`). The same binary and inputs give
//! the same count on any machine load, unlike wall-clock time. The request is the
//! criterion bench's typical one (`signing.rs`).
//!
//! Run directly (as `cargo bench` does) it runs every case once and checks the results.

#[path = "support/typical.rs"]
mod typical;

use std::hint::black_box;

use bce_auth::{SigningKeyCache, SigningSettings, VerifySettings, sign, verify, verify_cached};

const CASES: [&str; 4] = ["floor", "sign", "verify", "verify_cached"];

/// Runs `step` `iterations` times; the only function callgrind counts.
#[inline(never)]
fn measured(iterations: u64, step: &mut dyn FnMut()) {
    for _ in 0..iterations {
        step();
    }
}

fn run(case: &str, iterations: u64) {
    let (credentials, time) = (typical::credentials(), typical::time());
    let settings = SigningSettings::default();
    let signed = sign(&typical::request(), &credentials, time, &settings).expect("signable");
    let received = typical::received(&signed);
    let request = typical::verifiable(&received);
    let store = typical::store();
    let verify_settings = VerifySettings::default();
    let mut keys = SigningKeyCache::default();
    let floor = typical::Floor::of(&signed);
    let mut step: Box<dyn FnMut()> = match case {
        "floor" => Box::new(|| {
            black_box(floor.run());
        }),
        "sign" => Box::new(|| {
            let output = sign(
                black_box(&typical::request()),
                black_box(&credentials),
                black_box(time),
                black_box(&settings),
            );
            assert!(black_box(output).is_ok());
        }),
        "verify" => Box::new(|| {
            let verified = verify(black_box(&request), &store, time, &verify_settings);
            assert!(black_box(verified).is_ok());
        }),
        "verify_cached" => Box::new(|| {
            let verified = verify_cached(
                black_box(&request),
                &store,
                time,
                &verify_settings,
                &mut keys,
            );
            assert!(black_box(verified).is_ok());
        }),
        other => panic!("unknown case {other:?}; the cases are {CASES:?}"),
    };
    measured(iterations, &mut step);
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
