//! `PublicKey` and `fingerprint` against keys made by `ssh-keygen`.
//!
//! `tests/data/keys/NAME.pub` was generated with `ssh-keygen -t TYPE [-b BITS]` and
//! `NAME.md5` holds the line `ssh-keygen -l -E md5 -f NAME.pub` printed at that time
//! (`BITS MD5:xx:…:xx COMMENT (TYPE)`), so no ssh-keygen is needed to run these tests.

use bcc_keypair_model::{
    ErrorCode, InvalidPublicKeyReason, KeyAlgorithm, KeyPolicy, ModelError, PublicKey, fingerprint,
};

/// A committed key: (name, public key line, ssh-keygen md5 line, expected algorithm).
pub(crate) const KEYS: &[(&str, &str, &str, KeyAlgorithm)] = &[
    (
        "rsa-2048",
        include_str!("../data/keys/rsa-2048.pub"),
        include_str!("../data/keys/rsa-2048.md5"),
        KeyAlgorithm::Rsa,
    ),
    (
        "rsa-3072-no-comment",
        include_str!("../data/keys/rsa-3072-no-comment.pub"),
        include_str!("../data/keys/rsa-3072-no-comment.md5"),
        KeyAlgorithm::Rsa,
    ),
    (
        "rsa-4096",
        include_str!("../data/keys/rsa-4096.pub"),
        include_str!("../data/keys/rsa-4096.md5"),
        KeyAlgorithm::Rsa,
    ),
    (
        "dsa",
        include_str!("../data/keys/dsa.pub"),
        include_str!("../data/keys/dsa.md5"),
        KeyAlgorithm::Dsa,
    ),
    (
        "ecdsa-256",
        include_str!("../data/keys/ecdsa-256.pub"),
        include_str!("../data/keys/ecdsa-256.md5"),
        KeyAlgorithm::EcdsaP256,
    ),
    (
        "ecdsa-384",
        include_str!("../data/keys/ecdsa-384.pub"),
        include_str!("../data/keys/ecdsa-384.md5"),
        KeyAlgorithm::EcdsaP384,
    ),
    (
        "ecdsa-521",
        include_str!("../data/keys/ecdsa-521.pub"),
        include_str!("../data/keys/ecdsa-521.md5"),
        KeyAlgorithm::EcdsaP521,
    ),
];

pub(crate) const ED25519: (&str, &str) = (
    include_str!("../data/keys/ed25519.pub"),
    include_str!("../data/keys/ed25519.md5"),
);

/// The `xx:…:xx` part of an `ssh-keygen -l -E md5` line.
pub(crate) fn md5_of(keygen_line: &str) -> &str {
    keygen_line
        .split_whitespace()
        .find_map(|field| field.strip_prefix("MD5:"))
        .expect("ssh-keygen md5 line has an MD5: field")
}

/// The comment of an `ssh-keygen -l` line: between the fingerprint and the `(TYPE)`.
fn comment_of(keygen_line: &str) -> String {
    let fields: Vec<&str> = keygen_line.split_whitespace().collect();
    fields[2..fields.len() - 1].join(" ")
}

#[test]
fn fingerprints_match_ssh_keygen_for_every_supported_type() {
    for &(name, line, keygen, algorithm) in KEYS {
        let key = PublicKey::parse(line).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(key.algorithm(), algorithm, "{name}");
        assert!(algorithm.is_documented());
        assert_eq!(key.fingerprint(), md5_of(keygen), "{name}");
        assert_eq!(fingerprint(key.blob()), md5_of(keygen), "{name}");
        assert_eq!(key.as_str(), line.trim(), "{name}: text kept, trimmed");
        let comment = key.comment();
        if comment.is_empty() {
            // ssh-keygen prints "no comment" for a key without one.
            assert_eq!(comment_of(keygen), "no comment", "{name}");
        } else {
            assert_eq!(comment, comment_of(keygen), "{name}");
        }
        assert!(line.trim().starts_with(algorithm.as_str()));
    }
}

#[test]
fn ed25519_is_refused_by_default_and_accepted_on_request() {
    let (line, keygen) = ED25519;
    let err = PublicKey::parse(line).unwrap_err();
    assert_eq!(
        err,
        ModelError::InvalidPublicKey(InvalidPublicKeyReason::Ed25519NotAccepted)
    );
    assert_eq!(err.code(), ErrorCode::PublicKeyFormatInvalid);
    assert!(err.to_string().contains("only rsa, dsa and ecdsa"), "{err}");

    let key = PublicKey::parse_with_policy(line, KeyPolicy::AlsoEd25519).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::Ed25519);
    assert!(!key.algorithm().is_documented());
    assert_eq!(key.fingerprint(), md5_of(keygen));
}

#[test]
fn same_key_with_other_comment_or_spacing_has_the_same_blob() {
    let (_, line, _, _) = KEYS[0];
    let mut fields = line.split_whitespace();
    let (kind, data) = (fields.next().unwrap(), fields.next().unwrap());
    let original = PublicKey::parse(line).unwrap();
    for variant in [
        format!("{kind} {data}"),
        format!("  {kind}\t{data}   other comment with spaces \n"),
        format!("{kind}  {data} x@y\r\n"),
    ] {
        let key = PublicKey::parse(&variant).unwrap();
        assert_eq!(key.blob(), original.blob());
        assert_eq!(key.fingerprint(), original.fingerprint());
        assert_eq!(key.as_str(), variant.trim());
    }
    assert_eq!(
        PublicKey::parse(&format!("{kind} {data}   other comment with spaces"))
            .unwrap()
            .comment(),
        "other comment with spaces"
    );
}

#[test]
fn builds_from_ssh_key_values() {
    for &(name, line, keygen, _) in KEYS {
        let parsed = ssh_key::PublicKey::from_openssh(line.trim()).unwrap();
        let key = PublicKey::from_ssh_key(&parsed).unwrap();
        assert_eq!(key.fingerprint(), md5_of(keygen), "{name}");
        assert_eq!(key.as_str(), line.trim(), "{name}");
        let from_data = PublicKey::from_key_data(parsed.key_data().clone(), "").unwrap();
        assert_eq!(from_data.blob(), key.blob(), "{name}");
        assert_eq!(from_data.comment(), "");
    }
    // Types outside the documented list are refused here too.
    let ed25519 = ssh_key::PublicKey::from_openssh(ED25519.0.trim()).unwrap();
    assert_eq!(
        PublicKey::from_ssh_key(&ed25519).unwrap_err(),
        ModelError::InvalidPublicKey(InvalidPublicKeyReason::Ed25519NotAccepted)
    );
}

#[test]
fn builds_from_a_freshly_generated_rsa_key() {
    // The simulator's path (keypair-api.md §6.1): an `rsa` crate key turned into OpenSSH form.
    let mut rng = rand::thread_rng();
    let private = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let ssh_rsa = ssh_key::public::RsaPublicKey::try_from(private.to_public_key()).unwrap();
    let key = PublicKey::from_key_data(ssh_key::public::KeyData::Rsa(ssh_rsa), "").unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::Rsa);
    assert!(key.as_str().starts_with("ssh-rsa AAAAB3NzaC1yc2E"));
    assert_eq!(PublicKey::parse(key.as_str()).unwrap(), key);
    assert_eq!(key.fingerprint().len(), 47);
}

/// Checks that `text` is refused with `reason` and code `Keypair.PublicKeyFormatInvalid`.
fn refused(text: &str, reason: InvalidPublicKeyReason) {
    let err = PublicKey::parse(text).unwrap_err();
    assert_eq!(err, ModelError::InvalidPublicKey(reason), "{text:?}");
    assert_eq!(err.code(), ErrorCode::PublicKeyFormatInvalid);
}

#[test]
fn refusals_name_the_problem() {
    let (_, rsa_line, _, _) = KEYS[0];
    let rsa_data = rsa_line.split_whitespace().nth(1).unwrap();
    let (_, ecdsa_line, _, _) = KEYS[4];
    let ecdsa_data = ecdsa_line.split_whitespace().nth(1).unwrap();

    refused("", InvalidPublicKeyReason::Empty);
    refused(" \n\t", InvalidPublicKeyReason::Empty);
    refused("ssh-rsa", InvalidPublicKeyReason::MissingKeyData);
    refused("ssh-rsa   ", InvalidPublicKeyReason::MissingKeyData);
    refused("your-pulicKey", InvalidPublicKeyReason::MissingKeyData);
    // Fields are separated by spaces or tabs only, as OpenSSH writes them.
    refused(
        &format!("ssh-rsa\u{3000}{rsa_data}"),
        InvalidPublicKeyReason::MissingKeyData,
    );
    assert!(matches!(
        PublicKey::parse(&format!("ssh-rsa {rsa_data}\u{3000}x@y")).unwrap_err(),
        ModelError::InvalidPublicKey(InvalidPublicKeyReason::InvalidBase64 { .. })
    ));
    refused(
        &format!("ssh-rsa {rsa_data}\nssh-rsa {rsa_data}"),
        InvalidPublicKeyReason::NotOneLine,
    );
    for kind in [
        "rsa",
        "dsa",
        "ecdsa",
        "RSA",
        "ssh-ed448",
        "sk-ssh-ed25519@openssh.com",
        "ssh-rsa-cert-v01@openssh.com",
    ] {
        refused(
            &format!("{kind} {rsa_data}"),
            InvalidPublicKeyReason::UnsupportedKeyType {
                key_type: kind.to_owned(),
            },
        );
    }
    refused(
        &format!("ssh-dss {rsa_data}"),
        InvalidPublicKeyReason::AlgorithmMismatch {
            declared: "ssh-dss".to_owned(),
            embedded: "ssh-rsa".to_owned(),
        },
    );
    refused(
        &format!("ecdsa-sha2-nistp384 {ecdsa_data}"),
        InvalidPublicKeyReason::AlgorithmMismatch {
            declared: "ecdsa-sha2-nistp384".to_owned(),
            embedded: "ecdsa-sha2-nistp256".to_owned(),
        },
    );
    assert!(matches!(
        PublicKey::parse("ssh-rsa AAAA*B3Nza").unwrap_err(),
        ModelError::InvalidPublicKey(InvalidPublicKeyReason::InvalidBase64 { .. })
    ));
    // The SDK captures' placeholders: valid base64, but not a key.
    for text in ["ssh-rsa AAAA", "ssh-rsa AAAA x@y"] {
        assert!(matches!(
            PublicKey::parse(text).unwrap_err(),
            ModelError::InvalidPublicKey(InvalidPublicKeyReason::MalformedKeyData { .. })
        ));
    }
    let err = PublicKey::parse("ssh-rsa AAAAB3Nza test@host").unwrap_err();
    assert!(err.to_string().starts_with("invalid public key: "), "{err}");
}

#[test]
fn serde_and_conversions_go_through_parse() {
    let (_, line, _, _) = KEYS[0];
    let key: PublicKey = serde_json::from_value(serde_json::json!(line)).unwrap();
    assert_eq!(
        serde_json::to_value(&key).unwrap(),
        serde_json::json!(line.trim())
    );
    assert_eq!(line.parse::<PublicKey>().unwrap(), key);
    assert_eq!(PublicKey::try_from(line).unwrap().to_string(), line.trim());
    assert!(serde_json::from_str::<PublicKey>("\"ssh-rsa AAAA\"").is_err());
    assert!("ssh-ed25519 x".parse::<PublicKey>().is_err());
}

/// An `ssh-rsa` line with exponent `e` and modulus `n` (big-endian bytes), encoded as
/// OpenSSH encodes keys: length-prefixed type, then the two numbers as `mpint`s.
fn rsa_line(e: &[u8], n: &[u8]) -> String {
    use base64::Engine as _;
    let mut blob = Vec::new();
    let mut put = |bytes: &[u8]| {
        blob.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_be_bytes());
        blob.extend_from_slice(bytes);
    };
    put(b"ssh-rsa");
    for number in [e, n] {
        let first = number.iter().position(|&b| b != 0).unwrap_or(number.len());
        let mut mpint = number[first..].to_vec();
        if mpint.first().is_some_and(|&top| top & 0x80 != 0) {
            mpint.insert(0, 0);
        }
        put(&mpint);
    }
    format!(
        "ssh-rsa {}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

#[test]
fn rsa_keys_whose_numbers_cannot_work_are_refused() {
    let modulus = |bits: usize| {
        // An odd number of exactly `bits` bits.
        let mut n = vec![0xA5u8; bits.div_ceil(8)];
        let top_bits = bits - 8 * (n.len() - 1);
        n[0] = (0xFF >> (8 - top_bits)) & 0xA5 | (1 << (top_bits - 1));
        *n.last_mut().unwrap() |= 1;
        n
    };
    let e = [0x01, 0x00, 0x01];
    let unusable = |line: String, detail: &str| {
        refused(
            &line,
            InvalidPublicKeyReason::UnusableRsaKey {
                detail: detail.to_owned(),
            },
        );
    };
    let size = "the modulus must have 1,024 to 16,384 bits";
    unusable(rsa_line(&e, &[]), size);
    unusable(rsa_line(&e, &[0xC3]), size);
    unusable(rsa_line(&e, &modulus(1023)), size);
    unusable(rsa_line(&e, &modulus(100_000)), size);
    let mut even = modulus(2048);
    *even.last_mut().unwrap() &= 0xFE;
    unusable(rsa_line(&e, &even), "the modulus must be odd");
    let n = modulus(2048);
    unusable(rsa_line(&[1], &n), "the public exponent must be at least 3");
    unusable(rsa_line(&[], &n), "the public exponent must be at least 3");
    unusable(
        rsa_line(&[0x01, 0x00, 0x00], &n),
        "the public exponent must be odd",
    );
    unusable(
        rsa_line(&n, &n),
        "the public exponent must be smaller than the modulus",
    );
    // The limits themselves are fine.
    for bits in [1024, 2048, 16_384] {
        assert!(
            PublicKey::parse(&rsa_line(&e, &modulus(bits))).is_ok(),
            "{bits}"
        );
    }
    assert!(PublicKey::parse(&rsa_line(&[3], &n)).is_ok());
}
