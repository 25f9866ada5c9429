//! Property tests: sign-then-verify round trips, tampering, and the URI
//! encoder against an independent RFC 3986 reference.

use bce_auth::{
    Credentials, SignableRequest, SigningKeyCache, SigningSettings, VerifiableRequest, VerifyError,
    VerifySettings, sign, uri_encode, uri_encode_except_slash, verify, verify_cached,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Byte-by-byte reference of auth-v1.md §2.1, written independently of the
/// crate: keep RFC 3986 unreserved bytes, `%XX` (upper-case) for the rest.
fn reference_encode(input: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for byte in input.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        if unreserved || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[derive(Clone, Debug)]
struct Generated {
    method: String,
    path: String,
    query: Vec<(String, Option<String>)>,
    /// Signed by default: host, content-type, x-bce-*; unsigned: user-agent.
    headers: BTreeMap<String, String>,
    epoch: i64,
}

fn generated() -> impl Strategy<Value = Generated> {
    let method = prop_oneof![
        Just("GET".to_owned()),
        Just("PUT".to_owned()),
        Just("POST".to_owned()),
        Just("DELETE".to_owned()),
        Just("HEAD".to_owned()),
        "[A-Z]{1,10}",
    ];
    let path = proptest::collection::vec("[^/\\x00]{0,8}", 0..5)
        .prop_map(|segments| format!("/{}", segments.join("/")));
    // Keys non-empty (an empty flag item is dropped from a wire query);
    // values may be empty, reserved, percent signs, plus signs or non-ASCII.
    let key = "[a-zA-Z0-9 _.~*%+=&/:;?#\\[\\]@!$'(),\u{4e00}-\u{4e10}é-]{1,8}";
    let value =
        proptest::option::of("[a-zA-Z0-9 _.~*%+=&/:;?#\\[\\]@!$'(),\u{4e00}-\u{4e10}é-]{0,8}");
    // Up to 12 items (past the signer's 8 kept on the stack), in shuffled
    // order so the signer's own sorting is exercised.
    let query = proptest::collection::btree_map(key, value, 0..12)
        .prop_map(|map| map.into_iter().collect::<Vec<_>>())
        .prop_shuffle();
    let header_value = "[^\\x00-\\x1f\\x7f]{0,16}";
    let headers = (
        "[a-z0-9.:-]{1,20}",
        header_value,
        proptest::collection::btree_map("x-bce-meta-[a-z0-9]{1,6}", header_value, 0..3),
        header_value,
    )
        .prop_map(|(host, content_type, bce, agent)| {
            let mut headers = bce;
            headers.insert("host".to_owned(), host);
            headers.insert("content-type".to_owned(), content_type);
            headers.insert("user-agent".to_owned(), agent);
            headers
        });
    (method, path, query, headers, 0i64..253_402_300_799).prop_map(
        |(method, path, query, headers, epoch)| Generated {
            method,
            path,
            query,
            headers,
            epoch,
        },
    )
}

fn time_of(epoch: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(epoch, 0).single().expect("in range")
}

/// A received request: the wire form of `generated` plus the signature.
struct Received {
    method: String,
    raw_path: String,
    raw_query: Option<String>,
    headers: Vec<(String, String)>,
}

impl Received {
    fn verify(&self, now: DateTime<Utc>) -> Result<(), VerifyError> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = VerifiableRequest {
            method: &self.method,
            raw_path: &self.raw_path,
            raw_query: self.raw_query.as_deref(),
            headers: &headers,
        };
        let store = HashMap::from([("ak".to_owned(), Credentials::new("ak", "sk"))]);
        let settings = VerifySettings::default();
        let plain = verify(&request, &store, now, &settings).map(|_| ());
        // A cached signing key (miss, then hit) must never change the answer.
        let mut keys = SigningKeyCache::new(1);
        for _ in 0..2 {
            let cached = verify_cached(&request, &store, now, &settings, &mut keys).map(|_| ());
            assert_eq!(cached, plain, "verify_cached disagrees with verify");
        }
        plain
    }

    fn header_mut(&mut self, name: &str) -> &mut String {
        let index = self
            .headers
            .iter()
            .position(|(n, _)| n == name)
            .expect("header present");
        &mut self.headers[index].1
    }
}

fn wire_query(query: &[(String, Option<String>)]) -> Option<String> {
    let items: Vec<String> = query
        .iter()
        .rev() // wire order is irrelevant: the verifier sorts
        .map(|(k, v)| match v {
            Some(v) => format!("{}={}", uri_encode(k), uri_encode(v)),
            None => uri_encode(k),
        })
        .collect();
    (!items.is_empty()).then(|| items.join("&"))
}

fn sign_and_receive(generated: &Generated) -> Received {
    let query: Vec<(&str, Option<&str>)> = generated
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    let headers: Vec<(&str, &str)> = generated
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let out = sign(
        &SignableRequest {
            method: &generated.method,
            path: &generated.path,
            query: &query,
            headers: &headers,
        },
        &Credentials::new("ak", "sk"),
        time_of(generated.epoch),
        &SigningSettings::default(),
    )
    .expect("generated requests are signable");
    let mut received: Vec<(String, String)> = generated
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    received.extend(
        out.headers()
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone())),
    );
    received.push(("Authorization".to_owned(), out.authorization().to_owned()));
    Received {
        method: generated.method.clone(),
        raw_path: uri_encode_except_slash(&generated.path),
        raw_query: wire_query(&generated.query),
        headers: received,
    }
}

#[derive(Clone, Debug)]
enum Tamper {
    Method,
    Path,
    QueryKey(usize),
    QueryValue(usize),
    SignedHeader(usize),
    Timestamp,
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        Just(Tamper::Method),
        Just(Tamper::Path),
        any::<usize>().prop_map(Tamper::QueryKey),
        any::<usize>().prop_map(Tamper::QueryValue),
        any::<usize>().prop_map(Tamper::SignedHeader),
        Just(Tamper::Timestamp),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Field splitting agrees with `str::split('/')`: auth strings assembled
    /// from arbitrary fields parse exactly when there are six, and then give
    /// the fields back.
    #[test]
    fn auth_strings_split_into_exactly_six_fields(
        access_key in "[a-z0-9/]{0,12}",
        extra in proptest::collection::vec("[a-z0-9]{0,4}", 0..3),
        with_headers in any::<bool>(),
    ) {
        let signature = "d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e";
        let headers = if with_headers { "host;x-bce-date" } else { "" };
        let mut text = format!("bce-auth-v1/{access_key}/2026-11-24T10:00:00Z/1800/{headers}/{signature}");
        for field in &extra {
            text.push('/');
            text.push_str(field);
        }
        let fields: Vec<&str> = text.split('/').collect();
        let parsed = bce_auth::AuthString::parse(&text);
        let expected_ok = fields.len() == 6 && !access_key.is_empty();
        prop_assert_eq!(parsed.is_ok(), expected_ok, "{}", text);
        if let Ok(auth) = parsed {
            prop_assert_eq!(auth.access_key_id(), fields[1]);
            prop_assert_eq!(auth.signed_headers_field(), headers);
            prop_assert_eq!(auth.signature_hex(), signature);
            prop_assert_eq!(
                auth.auth_string_prefix(),
                format!("bce-auth-v1/{access_key}/2026-11-24T10:00:00Z/1800")
            );
        }
    }

    #[test]
    fn encoder_agrees_with_the_reference(input in "\\PC{0,24}", raw in proptest::collection::vec(any::<char>(), 0..24)) {
        let raw: String = raw.into_iter().collect();
        for text in [&input, &raw] {
            prop_assert_eq!(uri_encode(text), reference_encode(text, false));
            prop_assert_eq!(uri_encode_except_slash(text), reference_encode(text, true));
        }
    }

    #[test]
    fn signed_requests_verify(generated in generated(), delay in 0i64..=1800) {
        let received = sign_and_receive(&generated);
        let now = time_of(generated.epoch) + TimeDelta::seconds(delay);
        prop_assert_eq!(received.verify(now), Ok(()));
    }

    #[test]
    fn changing_an_unsigned_header_keeps_the_signature(generated in generated(), agent in "[^\\x00-\\x1f\\x7f]{0,16}") {
        let mut received = sign_and_receive(&generated);
        *received.header_mut("user-agent") = agent;
        prop_assert_eq!(received.verify(time_of(generated.epoch)), Ok(()));
    }

    #[test]
    fn changing_a_signed_part_breaks_the_signature(generated in generated(), tamper in tamper()) {
        let mut generated = generated;
        let signed = sign_and_receive(&generated);
        let now = time_of(generated.epoch);
        let received = match tamper {
            Tamper::Method => Received { method: format!("{}X", signed.method), ..signed },
            Tamper::Path => Received { raw_path: format!("{}x", signed.raw_path), ..signed },
            Tamper::QueryKey(index) | Tamper::QueryValue(index) if generated.query.is_empty() => {
                let _ = index;
                Received { raw_query: Some("added=1".to_owned()), ..signed }
            }
            Tamper::QueryKey(index) => {
                let slot = index % generated.query.len();
                generated.query[slot].0.push('x');
                Received { raw_query: wire_query(&generated.query), ..signed }
            }
            Tamper::QueryValue(index) => {
                let slot = index % generated.query.len();
                let value = &mut generated.query[slot].1;
                *value = Some(format!("{}x", value.clone().unwrap_or_default()));
                Received { raw_query: wire_query(&generated.query), ..signed }
            }
            Tamper::SignedHeader(index) => {
                let mut received = signed;
                // Headers with a blank value were not signed (auth-v1.md
                // §2.2 step 3); host never is blank here.
                let signed_names: Vec<String> = received
                    .headers
                    .iter()
                    .filter(|(n, v)| {
                        (n == "host" || n == "content-type" || n.starts_with("x-bce-meta-"))
                            && !v.trim_matches([' ', '\t']).is_empty()
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                let name = &signed_names[index % signed_names.len()];
                received.header_mut(name).push('x');
                received
            }
            Tamper::Timestamp => {
                // A different auth-string timestamp, still inside the window.
                let mut received = signed;
                let authorization = received.header_mut("Authorization");
                let mut fields: Vec<String> = authorization.split('/').map(str::to_owned).collect();
                fields[2] = time_of(generated.epoch - 1).format("%Y-%m-%dT%H:%M:%SZ").to_string();
                *authorization = fields.join("/");
                received
            }
        };
        let result = received.verify(now);
        prop_assert!(matches!(result, Err(VerifyError::SignatureMismatch { .. })), "{:?}", result);
    }
}
