//! The typical key-pair request both benches measure (`PUT /v2/keypair/k-abc123?attach`),
//! and the two-HMAC floor of its signature: the work no signer can skip.

use std::collections::HashMap;

use bce_auth::{Credentials, SignableRequest, SigningOutput, VerifiableRequest};
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) const HEADERS: [(&str, &str); 4] = [
    ("Host", "bcc.bj.baidubce.com"),
    ("Content-Type", "application/json;charset=utf-8"),
    ("Content-Length", "45"),
    ("x-bce-date", "2026-11-24T10:00:00Z"),
];

pub(crate) fn request() -> SignableRequest<'static> {
    SignableRequest {
        method: "PUT",
        path: "/v2/keypair/k-abc123",
        query: &[("attach", None)],
        headers: &HEADERS,
    }
}

pub(crate) fn credentials() -> Credentials {
    Credentials::new(
        "0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210",
    )
}

pub(crate) fn time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("valid time")
}

/// The headers a server receives for the signed request.
pub(crate) fn received(signed: &SigningOutput) -> [(&str, &str); 5] {
    let [host, content_type, length, date] = HEADERS;
    [
        host,
        content_type,
        length,
        date,
        ("Authorization", signed.authorization()),
    ]
}

/// The received request, as a verifier sees it.
pub(crate) fn verifiable<'a>(received: &'a [(&'a str, &'a str)]) -> VerifiableRequest<'a> {
    VerifiableRequest {
        method: "PUT",
        raw_path: "/v2/keypair/k-abc123",
        raw_query: Some("attach"),
        headers: received,
    }
}

/// The verifier's credential store, holding `credentials()`.
pub(crate) fn store() -> HashMap<String, Credentials> {
    let credentials = credentials();
    HashMap::from([(credentials.access_key_id().to_owned(), credentials)])
}

/// The inputs of the floor: secret, auth-string prefix and canonical request.
pub(crate) struct Floor {
    secret: String,
    prefix: String,
    canonical: String,
}

impl Floor {
    pub(crate) fn of(signed: &SigningOutput) -> Self {
        Self {
            secret: credentials().secret_access_key().expose().to_owned(),
            prefix: signed.auth_string_prefix().to_owned(),
            canonical: signed.canonical_request().to_owned(),
        }
    }

    /// The two HMAC-SHA256 steps, each keyed from scratch and hex-encoded.
    pub(crate) fn run(&self) -> [u8; 64] {
        let key = hmac_hex(
            std::hint::black_box(self.secret.as_bytes()),
            std::hint::black_box(self.prefix.as_bytes()),
        );
        hmac_hex(&key, std::hint::black_box(self.canonical.as_bytes()))
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
