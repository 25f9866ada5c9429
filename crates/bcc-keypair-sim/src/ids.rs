//! Identifiers as a parameter: key pair ids and request ids come from an [`IdGenerator`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

use crate::lock::lock;

/// Source of new identifiers.
pub trait IdGenerator: Send + Sync {
    /// A new key pair id. keypair-api.md §1: `k-` followed by 8 characters of `[A-Za-z0-9]`.
    fn keypair_id(&self) -> String;
    /// A new request id for the `x-bce-request-id` header and the error body: a UUID version 4
    /// in its hyphenated lower-case form (keypair-api.md §1, errors.md §1).
    fn request_id(&self) -> String;
}

impl<T: IdGenerator + ?Sized> IdGenerator for std::sync::Arc<T> {
    fn keypair_id(&self) -> String {
        (**self).keypair_id()
    }
    fn request_id(&self) -> String {
        (**self).request_id()
    }
}

/// Random identifiers from the thread-local CSPRNG.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomIds;

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl IdGenerator for RandomIds {
    fn keypair_id(&self) -> String {
        keypair_id_from(&mut rand::thread_rng())
    }

    fn request_id(&self) -> String {
        // The thread-local generator avoids a getrandom system call per request on the hot path.
        request_id_from(&mut rand::thread_rng())
    }
}

/// Identifiers drawn from one generator seeded with a number (`--seed`): two simulators
/// with the same seed that receive the same requests in the same order hand out the same
/// key pair ids and request ids. Concurrent requests draw in the order they arrive.
#[derive(Debug)]
pub struct SeededIds {
    rng: Mutex<StdRng>,
}

impl SeededIds {
    /// Identifiers drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }
}

impl IdGenerator for SeededIds {
    fn keypair_id(&self) -> String {
        keypair_id_from(&mut *lock(&self.rng))
    }

    fn request_id(&self) -> String {
        request_id_from(&mut *lock(&self.rng))
    }
}

fn keypair_id_from(rng: &mut impl RngCore) -> String {
    let mut id = String::with_capacity(10);
    id.push_str("k-");
    for _ in 0..8 {
        id.push(char::from(ID_ALPHABET[rng.gen_range(0..ID_ALPHABET.len())]));
    }
    id
}

fn request_id_from(rng: &mut impl RngCore) -> String {
    let bytes: [u8; 16] = rng.r#gen();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text)
        .to_owned()
}

/// Predictable identifiers for tests: `k-00000001`, `k-00000002`, … and request ids
/// `00000000-0000-4000-8000-000000000001`, … (still well-formed UUIDv4 strings).
#[derive(Debug, Default)]
pub struct SequentialIds {
    keypairs: AtomicU64,
    requests: AtomicU64,
}

impl SequentialIds {
    /// Counters starting at 1.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdGenerator for SequentialIds {
    fn keypair_id(&self) -> String {
        let n = self.keypairs.fetch_add(1, Ordering::Relaxed) + 1;
        format!("k-{:08}", n % 100_000_000)
    }

    fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        format!("00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keypair_ids_have_the_documented_shape() {
        for _ in 0..100 {
            let id = RandomIds.keypair_id();
            assert_eq!(id.len(), 10);
            assert!(id.starts_with("k-"));
            assert!(id[2..].bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        }
    }

    #[test]
    fn random_request_ids_are_uuid_v4() {
        let id = RandomIds.request_id();
        let parsed = uuid::Uuid::parse_str(&id).expect("uuid");
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(id, parsed.hyphenated().to_string());
    }

    #[test]
    fn sequential_ids_count_from_one() {
        let ids = SequentialIds::new();
        assert_eq!(ids.keypair_id(), "k-00000001");
        assert_eq!(ids.keypair_id(), "k-00000002");
        let first = ids.request_id();
        assert_eq!(first, "00000000-0000-4000-8000-000000000001");
        assert_eq!(
            uuid::Uuid::parse_str(&first)
                .expect("uuid")
                .get_version_num(),
            4
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_ids_and_another_seed_others() {
        let draw = |seed| {
            let ids = SeededIds::new(seed);
            (0..3)
                .flat_map(|_| [ids.keypair_id(), ids.request_id()])
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let ids = draw(7);
        assert!(ids[0].starts_with("k-") && ids[0].len() == 10, "{ids:?}");
        assert_eq!(
            uuid::Uuid::parse_str(&ids[1]).map(|u| u.get_version_num()),
            Ok(4)
        );
    }
}
