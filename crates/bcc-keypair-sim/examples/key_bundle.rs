//! Writes the bundle of public test keys that `--keys bundled` serves
//! (`testdata/bundled-keys.txt`): `key_bundle [COUNT] > testdata/bundled-keys.txt`.
//!
//! Each line after the header is one RSA-2048 private key, PKCS#1 DER in standard base64
//! (about 1.6 KB a key; 1,024 keys make a 1.6 MB file, well under crates.io's 10 MB limit).
//! Keys are generated on every CPU; a key whose public key repeats an earlier one (never
//! seen, but cheap to rule out) is dropped.

use std::collections::HashSet;
use std::io::Write as _;
use std::sync::mpsc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bcc_keypair_sim::GeneratedKey;

/// Keys written when no count is given.
const DEFAULT_COUNT: usize = 1024;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count = match std::env::args().nth(1) {
        Some(n) => n.parse::<usize>()?,
        None => DEFAULT_COUNT,
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let (tx, rx) = mpsc::sync_channel::<GeneratedKey>(threads * 2);
    for _ in 0..threads {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(key) = GeneratedKey::generate() {
                if tx.send(key).is_err() {
                    return;
                }
            }
        });
    }
    drop(tx);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# PUBLIC TEST KEYS: anyone can read these private keys. Never use them for anything real."
    )?;
    writeln!(
        out,
        "# One RSA-2048 private key a line, PKCS#1 DER in base64. Written by `cargo run -p bcc-keypair-sim --example key_bundle -- {count}`."
    )?;
    let mut seen = HashSet::new();
    while seen.len() < count {
        let key = rx.recv()?;
        if !seen.insert(key.blob().to_vec()) {
            continue;
        }
        let (_, der) = pem_rfc7468::decode_vec(key.private_key_pem().as_bytes())
            .map_err(|e| format!("own PEM: {e}"))?;
        writeln!(out, "{}", STANDARD.encode(der))?;
        if seen.len() % 100 == 0 {
            eprintln!("{} keys", seen.len());
        }
    }
    out.flush()?;
    Ok(())
}
