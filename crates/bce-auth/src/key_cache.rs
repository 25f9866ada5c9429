//! Reuse of derived signing keys across verifications.
//!
//! The signing key depends only on the secret and the auth-string prefix
//! (`bce-auth-v1/{ak}/{timestamp}/{expiration}`, auth-v1.md §2.3). SDKs stamp
//! requests to the second, so a client sending more than one request per
//! second signs them all with the same key. Deriving it costs two HMAC key
//! schedules and one HMAC, about half the hashing of a verification; a
//! server that keeps a [`SigningKeyCache`] per thread derives it once per
//! client and second instead.

use crate::credentials::Credentials;
use crate::signature::HmacSha256;
use std::fmt;

/// A small cache of derived signing keys, owned by the caller of
/// [`crate::verify_cached`] (typically one per server thread, so no lock is
/// shared between threads).
///
/// An entry is found by auth-string prefix *and* secret: credentials
/// replaced under the same access key id never meet an old entry. Entries
/// are replaced round-robin. `Debug` shows only the size: the entries hold
/// secrets and keys.
pub struct SigningKeyCache {
    slots: Vec<Slot>,
    capacity: usize,
    next: usize,
}

struct Slot {
    prefix: String,
    secret: String,
    /// HMAC-SHA256 keyed with the hex signing key: ready for the canonical
    /// request.
    keyed: HmacSha256,
}

impl SigningKeyCache {
    /// A cache of up to `capacity` keys (at least one).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            slots: Vec::new(),
            capacity: capacity.max(1),
            next: 0,
        }
    }

    /// Keys currently held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no key is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The HMAC keyed with the signing key of `credentials` and
    /// `auth_string_prefix`, derived now only when not held.
    pub(crate) fn keyed_hmac(
        &mut self,
        credentials: &Credentials,
        auth_string_prefix: &str,
    ) -> &HmacSha256 {
        let secret = credentials.secret_access_key().expose();
        let found = self
            .slots
            .iter()
            .position(|slot| slot.prefix == auth_string_prefix && slot.secret == secret);
        let index = match found {
            Some(index) => index,
            None => self.insert(Slot {
                prefix: auth_string_prefix.to_owned(),
                secret: secret.to_owned(),
                keyed: credentials.signing_key(auth_string_prefix).keyed_hmac(),
            }),
        };
        &self.slots[index].keyed
    }

    /// Stores `slot` in a free place, else in the next one round-robin.
    fn insert(&mut self, slot: Slot) -> usize {
        if self.slots.len() < self.capacity {
            self.slots.push(slot);
            return self.slots.len() - 1;
        }
        let index = self.next;
        self.next = (self.next + 1) % self.capacity;
        self.slots[index] = slot;
        index
    }
}

impl Default for SigningKeyCache {
    /// Room for 8 keys: several clients or accounts signing in the same second.
    fn default() -> Self {
        Self::new(8)
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyCache")
            .field("len", &self.slots.len())
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac;

    fn signature(mac: &HmacSha256, message: &str) -> Vec<u8> {
        let mut mac = mac.clone();
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn derived(credentials: &Credentials, prefix: &str, message: &str) -> Vec<u8> {
        signature(&credentials.signing_key(prefix).keyed_hmac(), message)
    }

    #[test]
    fn hits_and_misses_give_the_derived_key() {
        let mut cache = SigningKeyCache::new(2);
        let ak = Credentials::new("ak", "sk");
        let prefixes = [
            "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800",
            "bce-auth-v1/ak/2026-11-24T10:00:01Z/1800",
            "bce-auth-v1/ak/2026-11-24T10:00:02Z/1800",
        ];
        // Three prefixes through two slots, twice: every answer, hit or
        // miss, equals a fresh derivation.
        for _ in 0..2 {
            for prefix in prefixes {
                let mac = cache.keyed_hmac(&ak, prefix);
                assert_eq!(
                    signature(mac, "GET\n/\n\n"),
                    derived(&ak, prefix, "GET\n/\n\n")
                );
            }
        }
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_new_secret_under_the_same_access_key_is_not_served_the_old_key() {
        let mut cache = SigningKeyCache::default();
        let prefix = "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800";
        let old = Credentials::new("ak", "old-secret");
        let new = Credentials::new("ak", "new-secret");
        let _ = cache.keyed_hmac(&old, prefix);
        let mac = cache.keyed_hmac(&new, prefix);
        assert_eq!(signature(mac, "m"), derived(&new, prefix, "m"));
        assert_ne!(signature(mac, "m"), derived(&old, prefix, "m"));
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut cache = SigningKeyCache::default();
        let _ = cache.keyed_hmac(
            &Credentials::new("ak", "very-secret"),
            "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800",
        );
        let shown = format!("{cache:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("bce-auth-v1"),
            "{shown}"
        );
    }
}
