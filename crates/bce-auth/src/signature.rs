//! The two HMAC-SHA256 steps of auth-v1.md §2.3 and the signing key they
//! share.

use crate::credentials::SecretKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 keyed with `key`.
pub(crate) fn keyed_hmac(key: &[u8]) -> HmacSha256 {
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length (long keys are hashed first).
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    }
}

/// Lower-case hex of a finished HMAC.
pub(crate) fn finish_hex(mac: HmacSha256) -> [u8; 64] {
    let mut hex = [0u8; 64];
    // 32 digest bytes always fill exactly 64 hex digits.
    let _ = hex::encode_to_slice(mac.finalize().into_bytes(), &mut hex);
    hex
}

/// View of ASCII hex as `&str` (hex digits are always valid UTF-8).
pub(crate) fn hex_str(hex: &[u8; 64]) -> &str {
    std::str::from_utf8(hex).unwrap_or_default()
}

/// The signing key of one auth-string prefix (auth-v1.md §2.3). `Debug`
/// redacts it: whoever holds it can sign requests for that period.
#[derive(Clone)]
pub struct SigningKey {
    hex: [u8; 64],
}

impl SigningKey {
    /// `hex(HMAC-SHA256(SK, authStringPrefix))`.
    #[must_use]
    pub fn derive(secret: &SecretKey, auth_string_prefix: &str) -> Self {
        let mut mac = keyed_hmac(secret.expose().as_bytes());
        mac.update(auth_string_prefix.as_bytes());
        Self::from_hex(finish_hex(mac))
    }

    pub(crate) fn from_hex(hex: [u8; 64]) -> Self {
        Self { hex }
    }

    /// The key as 64 lower-case hex digits (what keys the second HMAC).
    #[must_use]
    pub fn expose_hex(&self) -> &str {
        hex_str(&self.hex)
    }

    /// `hex(HMAC-SHA256(signingKeyHex, canonicalRequest))`.
    #[must_use]
    pub fn sign(&self, canonical_request: &str) -> String {
        hex_str(&self.sign_hex(canonical_request)).to_owned()
    }

    pub(crate) fn sign_hex(&self, canonical_request: &str) -> [u8; 64] {
        let mut mac = self.keyed_hmac();
        mac.update(canonical_request.as_bytes());
        finish_hex(mac)
    }

    /// An HMAC keyed with this key, ready for a canonical request.
    pub(crate) fn keyed_hmac(&self) -> HmacSha256 {
        keyed_hmac(&self.hex)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(**redacted**)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_signing_key_and_debug_redaction() {
        // auth-v1.md §3: the worked example's signing key.
        let secret = crate::Credentials::new("a".repeat(32), "b".repeat(32));
        let key = SigningKey::derive(
            secret.secret_access_key(),
            "bce-auth-v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/2015-04-27T08:23:49Z/1800",
        );
        assert_eq!(key.expose_hex().len(), 64);
        assert!(
            key.expose_hex()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(key.sign("m"), hex_str(&key.sign_hex("m")));
        assert_eq!(format!("{key:?}"), "SigningKey(**redacted**)");
    }
}
