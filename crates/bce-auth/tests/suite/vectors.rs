//! Every vector recorded from the official SDKs (tests/data, auth-v1.md §9),
//! signed and verified.

use bce_auth::{
    Compat, Credentials, HeadersToSign, PathEncoding, SignableRequest, SignedHeadersField,
    SigningKey, SigningKeyCache, SigningSettings, VerifiableRequest, Verified, VerifyError,
    VerifySettings, sign, verify, verify_cached,
};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sdk {
    Python,
    Go,
}

/// One vector with its inputs converted to text the way the SDK did.
struct Vector {
    name: String,
    method: String,
    path: String,
    params: Vec<(String, Option<String>)>,
    headers: Vec<(String, String)>,
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
    time: DateTime<Utc>,
    expiration: u32,
    /// `None` = JSON null, `Some(None)` = Go "sdk_default", `Some(Some(list))` = a list.
    headers_to_sign: Option<Option<Vec<String>>>,
    expected: Value,
}

impl Vector {
    fn expected(&self, field: &str) -> &str {
        self.expected[field]
            .as_str()
            .unwrap_or_else(|| panic!("{}: expected.{field} missing", self.name))
    }
}

/// Python `str()` of a JSON scalar: ints in decimal, `true` as `True`.
fn python_str(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(true) => Some("True".to_owned()),
        Value::Bool(false) => Some("False".to_owned()),
        other => Some(other.to_string()),
    }
}

fn pairs(value: &Value) -> Vec<(String, Option<String>)> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|pair| {
                    (
                        pair[0].as_str().unwrap_or_default().to_owned(),
                        python_str(&pair[1]),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn load(sdk: Sdk) -> Vec<Vector> {
    let text = match sdk {
        Sdk::Python => include_str!("../data/auth-v1-python-sdk.json"),
        Sdk::Go => include_str!("../data/auth-v1-go-sdk.json"),
    };
    let file: Value = serde_json::from_str(text).expect("vector file is JSON");
    let vectors = file["vectors"].as_array().expect("vectors array");
    assert_eq!(
        Some(vectors.len() as u64),
        file["count"].as_u64(),
        "count field agrees with the vectors"
    );
    vectors
        .iter()
        .map(|v| {
            let text = |field: &str| v[field].as_str().unwrap_or_default().to_owned();
            let epoch = v["timestamp_epoch"].as_i64().expect("timestamp_epoch");
            Vector {
                name: text("name"),
                method: text("method"),
                path: text("path"),
                params: pairs(&v["params"]),
                headers: pairs(&v["headers"])
                    .into_iter()
                    .map(|(n, value)| (n, value.unwrap_or_default()))
                    .collect(),
                access_key: text("access_key"),
                secret_key: text("secret_key"),
                session_token: v["session_token"].as_str().map(str::to_owned),
                time: Utc.timestamp_opt(epoch, 0).single().expect("valid epoch"),
                expiration: u32::try_from(v["expiration_seconds"].as_u64().expect("expiration"))
                    .expect("u32"),
                headers_to_sign: match &v["headers_to_sign"] {
                    Value::Null => None,
                    Value::String(s) if s == "sdk_default" => Some(None),
                    Value::Array(list) => Some(Some(
                        list.iter()
                            .map(|n| n.as_str().unwrap_or_default().to_owned())
                            .collect(),
                    )),
                    other => panic!("unexpected headers_to_sign {other}"),
                },
                expected: v["expected"].clone(),
            }
        })
        .collect()
}

/// The settings that reproduce the SDK's call, derived from the vector's
/// inputs only (never from its name).
fn settings_for(sdk: Sdk, vector: &Vector) -> SigningSettings {
    let headers_to_sign = match (&vector.headers_to_sign, sdk) {
        // Python: None = its default set.
        (None, Sdk::Python) => HeadersToSign::Default,
        // Go: a nil map holds no names; the Go rules then sign only x-bce-*.
        (None, Sdk::Go) => HeadersToSign::Only(Vec::new()),
        (Some(None), _) => HeadersToSign::Default,
        (Some(Some(list)), _) => HeadersToSign::Only(list.clone()),
    };
    let base = match sdk {
        Sdk::Python => SigningSettings::python_sdk(),
        Sdk::Go => SigningSettings::go_sdk(),
    };
    SigningSettings {
        expiration_secs: vector.expiration,
        headers_to_sign,
        // The vectors give every header the SDK saw; add nothing.
        add_date_header: false,
        ..base
    }
}

fn credentials(vector: &Vector) -> Credentials {
    let creds = Credentials::new(&vector.access_key, &vector.secret_key);
    match &vector.session_token {
        Some(token) => creds.with_session_token(token),
        None => creds,
    }
}

fn check_signing(sdk: Sdk) -> usize {
    let vectors = load(sdk);
    let mut failures = Vec::new();
    for vector in &vectors {
        let query: Vec<(&str, Option<&str>)> = vector
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        let headers: Vec<(&str, &str)> = vector
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = SignableRequest {
            method: &vector.method,
            path: &vector.path,
            query: &query,
            headers: &headers,
        };
        let creds = credentials(vector);
        let out = match sign(&request, &creds, vector.time, &settings_for(sdk, vector)) {
            Ok(out) => out,
            Err(error) => {
                failures.push(format!("{}: sign failed: {error}", vector.name));
                continue;
            }
        };
        let key = SigningKey::derive(creds.secret_access_key(), out.auth_string_prefix());
        // Stage by stage, so a failure names the first stage that differs.
        let stages = [
            ("auth_string_prefix", out.auth_string_prefix().to_owned()),
            ("canonical_request", out.canonical_request().to_owned()),
            ("signing_key_hex", key.expose_hex().to_owned()),
            ("signature_hex", out.signature().to_owned()),
            (
                "signed_headers_field",
                out.signed_headers_field().to_owned(),
            ),
            ("authorization", out.authorization().to_owned()),
        ];
        if let Some((stage, got)) = stages
            .iter()
            .find(|(stage, got)| got != vector.expected(stage))
        {
            failures.push(format!(
                "{}: {stage} differs\n  got:  {got:?}\n  want: {:?}",
                vector.name,
                vector.expected(stage)
            ));
        }
        assert_eq!(
            key.sign(out.canonical_request()),
            out.signature(),
            "{}",
            vector.name
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors differ:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
    vectors.len()
}

#[test]
fn signer_reproduces_every_python_sdk_vector() {
    assert_eq!(check_signing(Sdk::Python), 50);
}

#[test]
fn signer_reproduces_every_go_sdk_vector() {
    assert_eq!(check_signing(Sdk::Go), 36);
}

/// Python vectors the verifier rejects by design (auth-v1.md §9): the Python
/// signer called directly with a `headers_to_sign` no client uses. Listed by
/// name so the list cannot grow silently.
const PYTHON_REJECTED: [&str; 2] = [
    // Field says `Host`, but that entry matched no header: only x-bce-date
    // was signed, which neither the listed set nor listed ∪ x-bce-* gives.
    "hts_uppercase_name_matches_nothing",
    // Signed the *old* Authorization header value; the request now carries
    // the new one, so no server can rebuild that line.
    "hts_includes_authorization",
];

/// The headers the server receives: the vector's own (without a stale
/// `Authorization`), the token header Go adds, and the signed `Authorization`.
fn received_headers(sdk: Sdk, vector: &Vector) -> Vec<(&str, &str)> {
    let mut headers: Vec<(&str, &str)> = vector
        .headers
        .iter()
        .filter(|(name, _)| !name.trim().eq_ignore_ascii_case("authorization"))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    if sdk == Sdk::Go
        && let Some(token) = &vector.session_token
    {
        headers.push(("x-bce-security-token", token));
    }
    headers.push(("Authorization", vector.expected("authorization")));
    headers
}

/// The server's account holds the session token the request presents
/// (header or query parameter), as an STS store would.
fn server_store(vector: &Vector) -> HashMap<String, Credentials> {
    let header_token = vector
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-bce-security-token"))
        .map(|(_, value)| value.clone());
    let param_token = vector
        .params
        .iter()
        .find(|(key, _)| key == "x-bce-security-token")
        .and_then(|(_, value)| value.clone());
    let presented = vector
        .session_token
        .clone()
        .or(header_token)
        .or(param_token);
    let mut creds = Credentials::new(&vector.access_key, &vector.secret_key);
    if let Some(token) = presented {
        creds = creds.with_session_token(token);
    }
    HashMap::from([(vector.access_key.clone(), creds)])
}

fn check_verifying(sdk: Sdk) -> (usize, BTreeSet<String>) {
    let vectors = load(sdk);
    let mut rejected = BTreeSet::new();
    let mut unexpected = Vec::new();
    let mut keys = SigningKeyCache::new(2);
    for vector in &vectors {
        let canonical = vector.expected("canonical_request");
        let mut lines = canonical.split('\n');
        let _method = lines.next();
        let canonical_path = lines.next().unwrap_or_default();
        let canonical_query = lines.next().unwrap_or_default();
        let raw_path = match sdk {
            // What the Python client puts on the wire.
            Sdk::Python => vector.path.as_str(),
            // Go sends the encoded path.
            Sdk::Go => canonical_path,
        };
        let headers = received_headers(sdk, vector);
        let store = server_store(vector);

        let request = VerifiableRequest {
            method: &vector.method,
            raw_path,
            raw_query: (!canonical_query.is_empty()).then_some(canonical_query),
            headers: &headers,
        };
        let settings = VerifySettings::default();
        let plain = verify(&request, &store, vector.time, &settings);
        // One small cache across all vectors: hits, misses and evictions
        // between different secrets must give the same answers.
        let cached = verify_cached(&request, &store, vector.time, &settings, &mut keys);
        assert_eq!(
            cached
                .as_ref()
                .map(Verified::canonical_request)
                .map_err(VerifyError::code),
            plain
                .as_ref()
                .map(Verified::canonical_request)
                .map_err(VerifyError::code),
            "{}: verify_cached disagrees with verify",
            vector.name
        );
        match plain {
            Ok(verified) => assert_eq!(verified.access_key_id(), vector.access_key),
            Err(VerifyError::SignatureMismatch { .. }) => {
                rejected.insert(vector.name.clone());
            }
            Err(other) => unexpected.push(format!("{}: {other} ({})", vector.name, other.code())),
        }
    }
    assert!(
        unexpected.is_empty(),
        "unexpected errors:\n{}",
        unexpected.join("\n")
    );
    (vectors.len(), rejected)
}

#[test]
fn verifier_accepts_every_python_vector_except_the_documented_two() {
    let (count, rejected) = check_verifying(Sdk::Python);
    assert_eq!(count, 50);
    let expected: BTreeSet<String> = PYTHON_REJECTED
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(rejected, expected);
}

#[test]
fn verifier_accepts_every_go_vector() {
    // Including headers_unicode_space_trim, through the Unicode-trim candidate.
    let (count, rejected) = check_verifying(Sdk::Go);
    assert_eq!(count, 36);
    assert_eq!(rejected, BTreeSet::new());
}

#[test]
fn settings_presets_match_the_sdk_clients() {
    let python = SigningSettings::python_sdk();
    assert_eq!(
        (
            python.compat,
            python.path_encoding,
            python.signed_headers_field
        ),
        (
            Compat::Python,
            PathEncoding::Verbatim,
            SignedHeadersField::AsRequested
        )
    );
    let go = SigningSettings::go_sdk();
    assert_eq!(
        (go.compat, go.path_encoding, go.signed_headers_field),
        (Compat::Go, PathEncoding::Encode, SignedHeadersField::Listed)
    );
    let standard = SigningSettings::default();
    assert_eq!(
        (standard.expiration_secs, standard.headers_to_sign),
        (1800, HeadersToSign::Default)
    );
}
