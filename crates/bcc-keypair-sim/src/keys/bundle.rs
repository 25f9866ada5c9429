//! `--keys bundled`: RSA-2048 keys pregenerated once and shipped with the crate, so a create
//! costs no prime search. Built only with the `bundled-keys` feature (1.6 MB of key text).
//!
//! PUBLIC TEST KEYS: their private halves are published with the crate. They serve tests
//! that want real RSA keys at HTTP speed, never anything real.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;

use super::{GeneratedKey, KeyFuture, KeySource, TakenKeys};
use crate::SimError;

/// The bundle: `#` header lines, then one PKCS#1 DER private key in base64 a line, written
/// by `cargo run -p bcc-keypair-sim --example key_bundle`.
const BUNDLE: &str = include_str!("../../testdata/bundled-keys.txt");

/// The key lines of [`BUNDLE`].
fn bundle_lines() -> impl Iterator<Item = &'static str> {
    BUNDLE
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Hands out the bundled public test keys (at least 1,000 distinct RSA-2048 key pairs) in
/// an order drawn from a seed, never one whose public key the key pair's account and
/// region already hold. Past the end of the order it starts over; when a scope holds every
/// bundled key, a fresh key is generated on a blocking thread.
///
/// Keys are parsed the first time they are handed out and kept.
#[derive(Debug)]
pub struct BundledKeys {
    lines: Vec<&'static str>,
    /// Indexes into `lines`, shuffled.
    order: Vec<usize>,
    next: AtomicUsize,
    parsed: Vec<OnceLock<GeneratedKey>>,
}

impl BundledKeys {
    /// The bundle in the order `seed` draws (a random order without one): the same seed
    /// hands out the same keys in the same order.
    pub fn new(seed: Option<u64>) -> Self {
        let lines: Vec<&'static str> = bundle_lines().collect();
        let mut order: Vec<usize> = (0..lines.len()).collect();
        let mut rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        order.shuffle(&mut rng);
        let parsed = lines.iter().map(|_| OnceLock::new()).collect();
        Self {
            lines,
            order,
            next: AtomicUsize::new(0),
            parsed,
        }
    }

    /// Keys in the bundle.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the bundle is empty (never, for the bundle shipped with the crate).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The key on line `index` of the bundle.
    fn key(&self, index: usize) -> Result<GeneratedKey, SimError> {
        if let Some(key) = self.parsed[index].get() {
            return Ok(key.clone());
        }
        let der = STANDARD
            .decode(self.lines[index])
            .map_err(|e| SimError::Key(format!("bundled key {index}: {e}")))?;
        let key = GeneratedKey::from_pkcs1_der(&der)?;
        Ok(self.parsed[index].get_or_init(|| key).clone())
    }

    /// The next key of the order.
    fn draw(&self) -> Result<GeneratedKey, SimError> {
        if self.order.is_empty() {
            return Err(SimError::Key("the key bundle is empty".into()));
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed) % self.order.len();
        self.key(self.order[n])
    }
}

impl KeySource for BundledKeys {
    fn next_key(&self) -> KeyFuture<'_> {
        let key = self.draw();
        Box::pin(async move { key })
    }

    fn ready(&self) -> usize {
        self.len()
    }

    fn next_key_avoiding<'a>(&'a self, taken: &'a TakenKeys<'a>) -> KeyFuture<'a> {
        Box::pin(async move {
            for _ in 0..self.order.len() {
                let key = self.draw()?;
                if !taken(key.blob()) {
                    return Ok(key);
                }
            }
            // The scope holds every bundled key: only a fresh one is new to it.
            tokio::task::spawn_blocking(GeneratedKey::generate)
                .await
                .map_err(|e| SimError::Key(format!("key generation stopped: {e}")))?
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_bundle_holds_over_a_thousand_distinct_rsa_2048_keys() {
        let keys = BundledKeys::new(Some(1));
        assert!(keys.len() >= 1000, "{} keys", keys.len());
        let mut blobs = HashSet::new();
        for index in 0..keys.len() {
            let key = keys.key(index).expect("a bundled key parses");
            assert!(key.public_key().starts_with("ssh-rsa "));
            assert!(blobs.insert(key.blob().to_vec()), "key {index} repeats");
        }
        // An RSA-2048 modulus: 256 bytes (257 with the mpint sign byte) in a ~279-byte blob.
        let first = keys.key(0).expect("first key");
        assert!(
            (270..=290).contains(&first.blob().len()),
            "{}",
            first.blob().len()
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_order_and_another_seed_another() {
        let firsts = |seed| {
            let keys = BundledKeys::new(Some(seed));
            (0..5)
                .map(|_| keys.draw().expect("key").fingerprint().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(firsts(7), firsts(7));
        assert_ne!(firsts(7), firsts(8));
    }

    #[tokio::test]
    async fn a_key_the_scope_holds_is_skipped() {
        let keys = BundledKeys::new(Some(3));
        let first = BundledKeys::new(Some(3)).draw().expect("key");
        let held = first.blob().to_vec();
        let taken = move |blob: &[u8]| blob == held.as_slice();
        let key = keys.next_key_avoiding(&taken).await.expect("key");
        assert_ne!(key.fingerprint(), first.fingerprint());
    }
}
