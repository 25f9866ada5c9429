//! Hostile input, in process: one table of requests a careless or malicious client might
//! send, each with the exact status and code it must get (errors.md §4, keypair-api.md §5,
//! §7). A failure names the case.
//!
//! `{id}` in a target is the id of a key pair created before the table runs; `{key}` in a
//! body is replaced by the public key of the case.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderValue, Method};

use crate::support::*;

/// A signed request: method, target, body, then the status and code it must get.
type Signed = (&'static str, &'static str, &'static str, u16, &'static str);

const ROUTING: &[Signed] = &[
    ("GET", "/v2/keypairs", "", 400, "InvalidURI"),
    ("GET", "/v2/KEYPAIR", "", 400, "InvalidURI"),
    ("GET", "/V2/keypair", "", 400, "InvalidURI"),
    ("GET", "/v2//keypair", "", 400, "InvalidURI"),
    ("GET", "/v2/keypair/{id}/", "", 400, "InvalidURI"),
    ("GET", "/v2/keypair/{id}/attach", "", 400, "InvalidURI"),
    ("GET", "/v0/keypair", "", 404, "InvalidVersion"),
    ("GET", "/v22/keypair", "", 404, "InvalidVersion"),
    ("GET", "/v2.0/keypair", "", 400, "InvalidURI"),
    ("GET", "/v2/keypair/..", "", 404, "Keypair.KeypairNotExist"),
    ("GET", "/v2/keypair/%2e%2e/x", "", 400, "InvalidURI"),
    ("POST", "/v2/keypair?delete", "", 400, "InvalidURI"),
    ("POST", "/v2/keypair?attach", "", 400, "InvalidURI"),
    ("POST", "/v2/keypair?create&import", "{}", 400, "InvalidURI"),
    ("PUT", "/v2/keypair?create", "{}", 400, "InvalidURI"),
    ("PUT", "/v2/keypair/{id}?import", "{}", 400, "InvalidURI"),
    (
        "PUT",
        "/v2/keypair/{id}?rename&updateDesc",
        "{}",
        400,
        "InvalidURI",
    ),
    ("PUT", "/v2/keypair/{id}?ATTACH", "{}", 400, "InvalidURI"),
    ("DELETE", "/v2/keypair?delete", "", 400, "InvalidURI"),
    ("OPTIONS", "/v2/keypair", "", 400, "InvalidURI"),
    ("PATCH", "/v2/keypair", "{}", 400, "InvalidURI"),
    ("TRACE", "/v2/keypair", "", 400, "InvalidURI"),
    (
        "GET",
        "/v2/keypair/k-nope",
        "",
        404,
        "Keypair.KeypairNotExist",
    ),
    ("GET", "/v2/keypair/%00", "", 404, "Keypair.KeypairNotExist"),
    (
        "GET",
        "/v2/keypair/%E6%B5",
        "",
        404,
        "Keypair.KeypairNotExist",
    ),
    (
        "DELETE",
        "/v2/keypair/k-nope",
        "",
        404,
        "Keypair.KeypairNotExist",
    ),
    (
        "PUT",
        "/v2/keypair/k-nope?rename",
        r#"{"name":"ok"}"#,
        404,
        "Keypair.KeypairNotExist",
    ),
    (
        "PUT",
        "/v2/keypair/k-nope?updateDesc",
        r#"{"description":"d"}"#,
        404,
        "Keypair.KeypairNotExist",
    ),
];

const BODIES: &[Signed] = &[
    ("POST", "/v2/keypair", "", 400, "MalformedJSON"),
    ("POST", "/v2/keypair", " \n ", 400, "MalformedJSON"),
    ("POST", "/v2/keypair", "null", 400, "MalformedJSON"),
    ("POST", "/v2/keypair", "true", 400, "MalformedJSON"),
    ("POST", "/v2/keypair", "42", 400, "MalformedJSON"),
    ("POST", "/v2/keypair", r#""name""#, 400, "MalformedJSON"),
    ("POST", "/v2/keypair", "[]", 400, "MalformedJSON"),
    (
        "POST",
        "/v2/keypair",
        r#"[{"name":"kp"}]"#,
        400,
        "MalformedJSON",
    ),
    ("POST", "/v2/keypair", "{", 400, "MalformedJSON"),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp""#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp",}"#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{name:"kp"}"#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{'name':'kp'}"#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp"} {}"#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp"}x"#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"\ud800"}"#,
        400,
        "MalformedJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"a\x"}"#,
        400,
        "MalformedJSON",
    ),
    ("POST", "/v2/keypair", "{}", 400, "InappropriateJSON"),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":null}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":1}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":true}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":["kp"]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":{"a":1}}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp","description":1}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp","description":[]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"Name":"kp"}"#,
        400,
        "InappropriateJSON",
    ),
    ("PUT", "/v2/keypair?import", "{}", 400, "InappropriateJSON"),
    (
        "PUT",
        "/v2/keypair?import",
        r#"{"name":"kp"}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair?import",
        r#"{"publicKey":"{key}"}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair?import",
        r#"{"name":"kp","publicKey":null}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair?import",
        r#"{"name":"kp","publicKey":7}"#,
        400,
        "InappropriateJSON",
    ),
    ("PUT", "/v2/keypair?import", "[", 400, "MalformedJSON"),
    (
        "PUT",
        "/v2/keypair/{id}?rename",
        "{}",
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?rename",
        r#"{"name":null}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?rename",
        r#"{"name":0}"#,
        400,
        "InappropriateJSON",
    ),
    ("PUT", "/v2/keypair/{id}?rename", "", 400, "MalformedJSON"),
    ("PUT", "/v2/keypair/{id}?rename", "[]", 400, "MalformedJSON"),
    (
        "PUT",
        "/v2/keypair/{id}?updateDesc",
        r#"{"description":{}}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?updateDesc",
        r#"{"description":5}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?updateDesc",
        "nope",
        400,
        "MalformedJSON",
    ),
    ("PUT", "/v2/keypair/{id}?attach", "", 400, "MalformedJSON"),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        "{}",
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":null}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":"i-1"}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":[]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":[1]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":[null]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":[["i-1"]]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":{"a":"i-1"}}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?detach",
        "{}",
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?detach",
        r#"{"instanceIds":[]}"#,
        400,
        "InappropriateJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?detach",
        "[1]",
        400,
        "MalformedJSON",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":["i-nope"]}"#,
        404,
        "Keypair.InstanceNotExist",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?attach",
        r#"{"instanceIds":[""]}"#,
        404,
        "Keypair.InstanceNotExist",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?detach",
        r#"{"instanceIds":["i-nope"]}"#,
        404,
        "Keypair.InstanceNotExist",
    ),
];

const NAMES_AND_DESCRIPTIONS: &[Signed] = &[
    (
        "POST",
        "/v2/keypair",
        r#"{"name":""}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":" "}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"1kp"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"-kp"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"_kp"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp name"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp\tname"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp\nname"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp\u0000"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp!"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp@host"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp;drop"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"<script>"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kp\u202e"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "POST",
        "/v2/keypair",
        r#"{"name":"kpaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "PUT",
        "/v2/keypair?import",
        r#"{"name":"","publicKey":"{key}"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "PUT",
        "/v2/keypair?import",
        r#"{"name":"9","publicKey":"{key}"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?rename",
        r#"{"name":""}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?rename",
        r#"{"name":"a b"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "PUT",
        "/v2/keypair/{id}?rename",
        r#"{"name":"é"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
    (
        "PUT",
        "/v2/keypair/k-nope?rename",
        r#"{"name":"a b"}"#,
        400,
        "Keypair.KeypairNameInvalid",
    ),
];

/// `maxKeys` that is not an integer; 0, negative and huge ones are valid (keypair-api.md
/// §6.3: they mean 1000).
const QUERIES: &[Signed] = &[
    (
        "GET",
        "/v2/keypair?maxKeys=abc",
        "",
        400,
        "InvalidHTTPRequest",
    ),
    (
        "GET",
        "/v2/keypair?maxKeys=1.5",
        "",
        400,
        "InvalidHTTPRequest",
    ),
    (
        "GET",
        "/v2/keypair?maxKeys=%20",
        "",
        400,
        "InvalidHTTPRequest",
    ),
    (
        "GET",
        "/v2/keypair?maxKeys=0x10",
        "",
        400,
        "InvalidHTTPRequest",
    ),
    (
        "GET",
        "/v2/keypair?maxKeys=1e3",
        "",
        400,
        "InvalidHTTPRequest",
    ),
];

/// Runs a table of signed requests against one simulator, after creating a key pair whose
/// id replaces `{id}` and with `key` in place of `{key}`.
async fn check_signed(h: &Harness, table: &[Signed], id: &str, key: &str) -> usize {
    let mut wrong = Vec::new();
    for &(method, target, body, status, code) in table {
        let target = target.replace("{id}", id);
        let body = body.replace("{key}", key);
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let reply = h.call(method.clone(), &target, &body).await;
        let got = (
            reply.status,
            reply.json["code"].as_str().unwrap_or("").to_owned(),
        );
        if got != (status, code.to_owned()) {
            wrong.push(format!(
                "{method} {target} {body}: got {got:?}, want {status} {code}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    table.len()
}

#[tokio::test]
async fn hostile_signed_requests_get_their_exact_codes() {
    let h = harness();
    h.seed_instances(serde_json::json!([{"instanceId":"i-1"}]))
        .await;
    let id = h.create("kp").await;
    let mut cases = 0;
    for table in [ROUTING, BODIES, NAMES_AND_DESCRIPTIONS, QUERIES] {
        cases += check_signed(&h, table, &id, ECDSA_KEY).await;
    }
    // The description limit: 200 characters (keypair-api.md §5).
    let long = "d".repeat(201);
    for (method, target, body) in [
        (
            "POST",
            "/v2/keypair".to_owned(),
            format!(r#"{{"name":"kp","description":"{long}"}}"#),
        ),
        (
            "PUT",
            format!("/v2/keypair/{id}?updateDesc"),
            format!(r#"{{"description":"{long}"}}"#),
        ),
    ] {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        h.call(method, &target, &body)
            .await
            .error(400, "Keypair.KeypairDescriptionInvalid");
        cases += 1;
    }
    // More than 100 instance ids.
    let many: Vec<String> = (0..101).map(|n| format!("i-{n}")).collect();
    let body = serde_json::json!({ "instanceIds": many }).to_string();
    h.call(Method::PUT, &format!("/v2/keypair/{id}?attach"), &body)
        .await
        .error(400, "InappropriateJSON");
    cases += 1;
    assert!(cases >= 100, "{cases} signed cases");
}

/// A real `ssh-keygen` public key from `testdata/keys` (copies of the model's test keys, so
/// the packaged crate's tests find them too).
fn model_key(name: &str) -> String {
    let path = format!("{}/testdata/keys/{name}.pub", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

/// `line` with its blob decoded, changed by `change`, and encoded again.
fn with_blob(line: &str, change: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut fields = line.split(' ');
    let (kind, blob) = (fields.next().unwrap(), fields.next().unwrap());
    let mut blob = STANDARD.decode(blob).unwrap();
    change(&mut blob);
    format!("{kind} {}", STANDARD.encode(blob))
}

/// An SSH wire blob: each field a 32-bit length and its bytes.
fn ssh_blob(fields: &[&[u8]]) -> String {
    let mut blob = Vec::new();
    for field in fields {
        blob.extend_from_slice(&u32::try_from(field.len()).unwrap().to_be_bytes());
        blob.extend_from_slice(field);
    }
    STANDARD.encode(blob)
}

/// Public keys that must be refused with 400 `Keypair.PublicKeyFormatInvalid`.
fn bad_public_keys() -> Vec<(&'static str, String)> {
    let ecdsa = ECDSA_KEY.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let odd_2048 = [&[0x00, 0xc1][..], &[0x55; 254], &[0x01]].concat();
    let rsa = |e: &[u8], n: &[u8]| format!("ssh-rsa {}", ssh_blob(&[b"ssh-rsa", e, n]));
    let flip_last = |blob: &mut Vec<u8>| *blob.last_mut().unwrap() ^= 1;
    vec![
        ("empty", String::new()),
        ("spaces", "   ".to_owned()),
        ("type only", "ssh-rsa".to_owned()),
        ("bare family word", "rsa AAAA".to_owned()),
        ("ed25519", model_key("ed25519")),
        ("unknown type", "ssh-foo AAAAB3NzaC1yc2E=".to_owned()),
        ("not base64", "ssh-rsa %%%%".to_owned()),
        ("truncated base64", "ssh-rsa AAAAB3NzaC1yc2".to_owned()),
        ("two lines", format!("{ECDSA_KEY}\n{ECDSA_KEY}")),
        (
            "type mismatch",
            ecdsa.replacen("ecdsa-sha2-nistp256", "ssh-rsa", 1),
        ),
        ("curve mismatch", ecdsa.replacen("nistp256", "nistp384", 1)),
        ("trailing byte", with_blob(&ecdsa, |b| b.push(0))),
        (
            "truncated blob",
            with_blob(&ecdsa, |b| b.truncate(b.len() - 1)),
        ),
        ("p256 point off the curve", with_blob(&ecdsa, flip_last)),
        (
            "p384 point off the curve",
            with_blob(&model_key("ecdsa-384"), flip_last),
        ),
        (
            "p521 point off the curve",
            with_blob(&model_key("ecdsa-521"), flip_last),
        ),
        (
            "p256 point all zero",
            with_blob(&ecdsa, |b| {
                let len = b.len();
                b[len - 64..].fill(0);
            }),
        ),
        (
            "dsa with g changed",
            with_blob(&model_key("dsa"), |b| {
                // g is the third number; its last byte is 4 + 128 + 4 + ... into the blob:
                // changing any byte of g breaks g^q = 1 (mod p).
                let g_end = 4 + 7 + 4 + 129 + 4 + 21 + 4 + 128;
                b[g_end] ^= 2;
            }),
        ),
        (
            "dsa with q changed",
            with_blob(&model_key("dsa"), |b| b[4 + 7 + 4 + 129 + 4 + 20] ^= 2),
        ),
        (
            "dsa with p even",
            with_blob(&model_key("dsa"), |b| b[4 + 7 + 4 + 128] ^= 1),
        ),
        ("rsa modulus 0", rsa(&[1, 0, 1], &[])),
        ("rsa modulus 8 bits", rsa(&[1, 0, 1], &[0x00, 0xfb])),
        (
            "rsa modulus even",
            rsa(&[1, 0, 1], &[&odd_2048[..257], &[0x02]].concat()),
        ),
        ("rsa exponent 1", rsa(&[1], &odd_2048)),
        ("rsa exponent even", rsa(&[1, 0, 0], &odd_2048)),
        ("rsa exponent 0", rsa(&[], &odd_2048)),
    ]
}

#[tokio::test]
async fn hostile_public_keys_are_refused_on_import() {
    let h = harness();
    // The model's own test keys import: the checks refuse only broken numbers.
    for (n, name) in ["dsa", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa-2048"]
        .iter()
        .enumerate()
    {
        h.import(&format!("good{n}"), &model_key(name)).await.ok();
    }
    let cases = bad_public_keys();
    for (name, key) in &cases {
        h.import("kp", key)
            .await
            .error(400, "Keypair.PublicKeyFormatInvalid");
        assert!(!name.is_empty());
    }
    assert!(cases.len() >= 25, "{} key cases", cases.len());
}

/// `Authorization` values that must be refused, with their status and code.
const AUTHORIZATIONS: &[(&str, u16, &str)] = &[
    ("", 400, "InvalidHTTPAuthHeader"),
    ("bce-auth-v1", 400, "InvalidHTTPAuthHeader"),
    ("Bearer abc", 400, "InvalidHTTPAuthHeader"),
    (
        "bce-auth-v2/ak/2026-11-24T10:00:00Z/1800//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1//2026-11-24T10:00:00Z/1800//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24/1800//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-13-24T10:00:00Z/1800//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/0//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/-5//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/99999999999//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host;;x//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host/00",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host/ZZ00000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host/00000000000000000000000000000000000000000000000000000000000000000",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/host/0000000000000000000000000000000000000000000000000000000000000000/x",
        400,
        "InvalidHTTPAuthHeader",
    ),
    (
        "bce-auth-v1/nobody/2026-11-24T10:00:00Z/1800/host/0000000000000000000000000000000000000000000000000000000000000000",
        403,
        "InvalidAccessKeyId",
    ),
    (
        "bce-auth-v1/0123456789abcdef0123456789abcdef/2026-11-24T08:00:00Z/1800/host/0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "RequestExpired",
    ),
    (
        "bce-auth-v1/0123456789abcdef0123456789abcdef/2026-11-24T12:00:00Z/1800/host/0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "RequestExpired",
    ),
    (
        "bce-auth-v1/0123456789abcdef0123456789abcdef/2026-11-24T10:00:00Z/1800/host/0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "SignatureDoesNotMatch",
    ),
    (
        "bce-auth-v1/0123456789abcdef0123456789abcdef/2026-11-24T10:00:00Z/1800//0000000000000000000000000000000000000000000000000000000000000000",
        400,
        "SignatureDoesNotMatch",
    ),
];

#[tokio::test]
async fn hostile_authorization_headers_get_their_exact_codes() {
    let h = harness();
    for &(authorization, status, code) in AUTHORIZATIONS {
        let request = http::Request::get("/v2/keypair")
            .header("host", HOST)
            .header("authorization", authorization)
            .body(bytes::Bytes::new())
            .unwrap();
        let reply = h.send(request).await;
        assert_eq!(
            (reply.status, reply.json["code"].as_str().unwrap_or("")),
            (status, code),
            "{authorization}"
        );
    }
    // No Authorization at all.
    let request = http::Request::get("/v2/keypair")
        .header("host", HOST)
        .body(bytes::Bytes::new())
        .unwrap();
    h.send(request).await.error(403, "AccessDenied");
}

/// Changes made to a correctly signed `GET /v2/keypair` after signing.
#[tokio::test]
async fn requests_changed_after_signing_are_refused() {
    let h = harness();
    let tampered: [(&str, &str, u16, &str); 6] = [
        ("host", "bcc.gz.baidubce.com", 400, "SignatureDoesNotMatch"),
        (
            "x-bce-date",
            "2026-11-24T10:00:01Z",
            400,
            "SignatureDoesNotMatch",
        ),
        ("host", "BCC.BJ.baidubce.com", 400, "SignatureDoesNotMatch"),
        ("x-bce-date", "yesterday", 400, "RequestExpired"),
        ("x-bce-date", "2026-11-24T11:00:00Z", 400, "RequestExpired"),
        (
            "host",
            "bcc.nowhere.baidubce.com",
            400,
            "SignatureDoesNotMatch",
        ),
    ];
    for (name, value, status, code) in tampered {
        let mut request = h.request(Method::GET, "/v2/keypair", "");
        request
            .headers_mut()
            .insert(name, HeaderValue::from_str(value).unwrap());
        let reply = h.send(request).await;
        assert_eq!(
            (reply.status, reply.json["code"].as_str().unwrap_or("")),
            (status, code),
            "{name}: {value}"
        );
    }
}

/// Header pairs of a control request.
type Headers = &'static [(&'static str, &'static str)];

/// Control requests a web page or a stranger might send to a simulator whose control token
/// is `s3cret`: path, headers, then the status and code they must get.
const CONTROL_REFUSALS: &[(&str, Headers, u16, &str)] = &[
    ("/__sim/health", &[], 403, "AccessDenied"),
    (
        "/__sim/health",
        &[("x-sim-control-token", "wrong")],
        403,
        "AccessDenied",
    ),
    (
        "/__sim/health",
        &[("x-sim-control-token", "s3cre")],
        403,
        "AccessDenied",
    ),
    (
        "/__sim/health",
        &[("x-sim-control-token", "s3cret!")],
        403,
        "AccessDenied",
    ),
    (
        "/__sim/health",
        &[("authorization", "Bearer wrong")],
        403,
        "AccessDenied",
    ),
    (
        "/__sim/health",
        &[("authorization", "Basic s3cret")],
        403,
        "AccessDenied",
    ),
    (
        "/__sim/health",
        &[("authorization", "s3cret")],
        403,
        "AccessDenied",
    ),
    (
        "/__sim/reset",
        &[
            ("x-sim-control-token", "s3cret"),
            ("content-type", "text/plain"),
        ],
        400,
        "InvalidHTTPRequest",
    ),
    (
        "/__sim/reset",
        &[
            ("x-sim-control-token", "s3cret"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        400,
        "InvalidHTTPRequest",
    ),
    (
        "/__sim/reset",
        &[
            ("x-sim-control-token", "s3cret"),
            ("content-type", "multipart/form-data; boundary=x"),
        ],
        400,
        "InvalidHTTPRequest",
    ),
];

/// What the control API still accepts when a token is set: the token in either form, and
/// JSON or undeclared bodies (method, path, headers, body).
const CONTROL_ACCEPTED: &[(&str, &str, Headers, &str)] = &[
    (
        "GET",
        "/__sim/health",
        &[("x-sim-control-token", "s3cret")],
        "",
    ),
    (
        "GET",
        "/__sim/health",
        &[("authorization", "Bearer s3cret")],
        "",
    ),
    (
        "POST",
        "/__sim/reset",
        &[("x-sim-control-token", "s3cret")],
        "",
    ),
    (
        "POST",
        "/__sim/quota",
        &[
            ("authorization", "Bearer s3cret"),
            ("content-type", "application/json; charset=utf-8"),
        ],
        r#"{"quota":3}"#,
    ),
    (
        "POST",
        "/__sim/quota",
        &[
            ("x-sim-control-token", "s3cret"),
            ("content-type", "Application/JSON"),
        ],
        r#"{"quota":4}"#,
    ),
];

fn control_request(
    method: &str,
    path: &str,
    headers: Headers,
    body: &str,
) -> http::Request<bytes::Bytes> {
    let mut request = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(bytes::Bytes::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn hostile_control_requests_are_refused() {
    let h = Harness::new(builder().control_token("s3cret").build().unwrap());
    for &(path, headers, status, code) in CONTROL_REFUSALS {
        let method = if path.ends_with("reset") {
            "POST"
        } else {
            "GET"
        };
        let reply = h.send(control_request(method, path, headers, "")).await;
        assert_eq!(
            (reply.status, reply.json["code"].as_str().unwrap_or("")),
            (status, code),
            "{path} {headers:?}"
        );
    }
}

#[tokio::test]
async fn the_control_token_and_json_bodies_open_the_control_api() {
    let h = Harness::new(builder().control_token("s3cret").build().unwrap());
    for &(method, path, headers, body) in CONTROL_ACCEPTED {
        let reply = h.send(control_request(method, path, headers, body)).await;
        assert_eq!(reply.status, 200, "{method} {path} {headers:?}");
    }
    // Without a token configured, the API stays open (to loopback clients).
    harness()
        .control(Method::GET, "/__sim/health", "")
        .await
        .ok();
}

#[cfg(feature = "cli")]
#[test]
fn the_binary_takes_the_control_token_from_its_environment() {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_bcc-keypair-sim"));
    command.env("BCC_SIM_CONTROL_TOKEN", "from-env");
    let running = crate::binary::start_command(command, &[]);
    let health = "GET /__sim/health HTTP/1.1\nHost: localhost";
    send_raw(running.addr, health, b"").error(403, "AccessDenied");
    let with_token = format!("{health}\nx-sim-control-token: from-env");
    assert_eq!(send_raw(running.addr, &with_token, b"").status, 200);
}
