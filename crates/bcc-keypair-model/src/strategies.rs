//! `proptest` strategies for the values this crate validates, for property tests of code
//! built on it: valid values the service accepts, and invalid ones paired with the
//! [`ErrorCode`] the service answers them with (`keypair-api.md` §5).
//!
//! Every invalid strategy yields an [`Invalid`], whose [`expected_code`](Invalid::expected_code)
//! is what validating its [`value`](Invalid::value) must produce, on the client side through
//! [`ModelError::code`](crate::ModelError::code) and on the wire as the error code.
//!
//! ```
//! use bcc_keypair_model::strategies::{invalid_name, valid_name};
//! use bcc_keypair_model::KeypairName;
//! use proptest::prelude::*;
//!
//! // A caller's own rule: every valid name survives a round trip through its storage.
//! fn store_and_load(name: &KeypairName) -> String {
//!     name.as_str().to_owned()
//! }
//!
//! proptest!(|(name in valid_name())| {
//!     let valid = KeypairName::new(name.clone()).unwrap();
//!     prop_assert_eq!(store_and_load(&valid), name);
//! });
//! proptest!(|(bad in invalid_name())| {
//!     let error = KeypairName::new(bad.value()).unwrap_err();
//!     prop_assert_eq!(&error.code(), bad.expected_code());
//! });
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use proptest::sample::select;

use crate::error_code::ErrorCode;
use crate::id::MAX_ID_CHARS;
use crate::public_key::KeyAlgorithm;

/// An invalid value and the error code the service answers it with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    value: String,
    code: ErrorCode,
}

impl Invalid {
    /// `value`, which the service refuses with `code`.
    pub fn new(value: impl Into<String>, code: ErrorCode) -> Self {
        Self {
            value: value.into(),
            code,
        }
    }

    /// The invalid value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The invalid value, by value.
    pub fn into_value(self) -> String {
        self.value
    }

    /// The code validating the value must produce.
    pub fn expected_code(&self) -> &ErrorCode {
        &self.code
    }
}

// ---- names (keypair-api.md §5: a letter, then letters, digits, CJK, - _ / .; 1-65) ----

/// A first character a name may start with: an ASCII letter.
pub fn name_first_char() -> impl Strategy<Value = char> {
    proptest::char::ranges(vec!['a'..='z', 'A'..='Z'].into())
}

/// A character allowed after the first one: ASCII letters and digits, `-_/.`, and the two
/// CJK blocks documented on [`KeypairName`](crate::KeypairName).
pub fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
        1 => select(vec!['-', '_', '/', '.']),
        2 => proptest::char::ranges(vec!['\u{4E00}'..='\u{9FFF}', '\u{3400}'..='\u{4DBF}'].into()),
    ]
}

/// A character no name may hold anywhere, one class at a time: space, ASCII punctuation
/// other than `-_/.`, control characters, letters outside ASCII, CJK punctuation and
/// compatibility forms, emoji.
pub fn forbidden_name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just(' '),
        select("!\"#$%&'()*+,:;<=>?@[\\]^`{|}~".chars().collect::<Vec<_>>()),
        proptest::char::ranges(vec!['\u{0}'..='\u{1F}', '\u{7F}'..='\u{9F}'].into()),
        proptest::char::ranges(
            vec![
                '\u{C0}'..='\u{FF}',
                '\u{391}'..='\u{3C9}',
                '\u{410}'..='\u{44F}'
            ]
            .into()
        ),
        proptest::char::ranges(
            vec![
                '\u{3000}'..='\u{303F}',
                '\u{F900}'..='\u{FAFF}',
                '\u{FF01}'..='\u{FF5E}',
                '\u{20000}'..='\u{2A6DF}',
            ]
            .into()
        ),
        proptest::char::ranges(vec!['\u{1F300}'..='\u{1F5FF}'].into()),
    ]
}

/// A valid key-pair name of 1 to 65 characters.
pub fn valid_name() -> impl Strategy<Value = String> {
    (
        name_first_char(),
        proptest::collection::vec(name_char(), 0..=64),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

/// An invalid name, each way a name can be wrong: empty, longer than 65 characters, not
/// starting with an ASCII letter, or holding a forbidden character. Code
/// `Keypair.KeypairNameInvalid`.
pub fn invalid_name() -> impl Strategy<Value = Invalid> {
    let too_long = (
        name_first_char(),
        proptest::collection::vec(name_char(), 65..200),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect::<String>());
    let bad_first = (
        prop_oneof![
            proptest::char::ranges(vec!['0'..='9', '\u{4E00}'..='\u{9FFF}'].into()),
            select(vec!['-', '_', '/', '.']),
            forbidden_name_char(),
        ],
        proptest::collection::vec(name_char(), 0..=64),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect::<String>());
    let forbidden = (
        valid_name(),
        forbidden_name_char(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(name, bad, at)| {
            let mut chars: Vec<char> = name.chars().take(64).collect();
            chars.insert(1 + at.index(chars.len()), bad);
            chars.into_iter().collect::<String>()
        });
    prop_oneof![Just(String::new()), too_long, bad_first, forbidden]
        .prop_map(|name| Invalid::new(name, ErrorCode::KeypairNameInvalid))
}

// ---- descriptions (keypair-api.md §5: at most 140 characters of any kind) ----

/// A valid description: 0 to 140 characters of any kind.
pub fn valid_description() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..=140).prop_map(|chars| chars.into_iter().collect())
}

/// A description longer than 140 characters. Code `Keypair.KeypairDescriptionInvalid`.
pub fn invalid_description() -> impl Strategy<Value = Invalid> {
    proptest::collection::vec(any::<char>(), 141..400).prop_map(|chars| {
        Invalid::new(
            chars.into_iter().collect::<String>(),
            ErrorCode::KeypairDescriptionInvalid,
        )
    })
}

// ---- ids (lenient: non-empty, at most 128 characters, no control characters) ----

/// A valid id with `prefix` (`k-` or `i-`): the documented shape most of the time, else
/// any text without control characters.
fn valid_id(prefix: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9]{8}".prop_map(move |tail| format!("{prefix}{tail}")),
        1 => proptest::collection::vec(any::<char>().prop_filter("control", |c| !c.is_control()), 1..=MAX_ID_CHARS)
            .prop_map(|chars| chars.into_iter().collect()),
    ]
}

/// An id that cannot name anything: empty, too long, or holding a control character.
fn invalid_id(code: ErrorCode) -> impl Strategy<Value = Invalid> {
    let too_long = proptest::collection::vec(
        any::<char>().prop_filter("control", |c| !c.is_control()),
        MAX_ID_CHARS + 1..MAX_ID_CHARS + 64,
    )
    .prop_map(|chars| chars.into_iter().collect::<String>());
    let control = (
        "[A-Za-z0-9-]{0,20}",
        any::<char>().prop_filter("a control character", |c| c.is_control()),
        "[A-Za-z0-9-]{0,20}",
    )
        .prop_map(|(head, bad, tail)| format!("{head}{bad}{tail}"));
    prop_oneof![Just(String::new()), too_long, control]
        .prop_map(move |id| Invalid::new(id, code.clone()))
}

/// A valid key-pair id.
pub fn valid_keypair_id() -> impl Strategy<Value = String> {
    valid_id("k-")
}

/// An invalid key-pair id. Code `Keypair.KeypairNotExist`: an id that cannot be valid
/// names no key pair, and the service has no code for a badly shaped id.
pub fn invalid_keypair_id() -> impl Strategy<Value = Invalid> {
    invalid_id(ErrorCode::KeypairNotExist)
}

/// A valid instance id.
pub fn valid_instance_id() -> impl Strategy<Value = String> {
    valid_id("i-")
}

/// An invalid instance id. Code `Keypair.InstanceNotExist`.
pub fn invalid_instance_id() -> impl Strategy<Value = Invalid> {
    invalid_id(ErrorCode::InstanceNotExist)
}

// ---- public keys ----

/// Public keys made by `ssh-keygen`, one or more per accepted algorithm.
const KEY_LINES: &[(KeyAlgorithm, &str)] = &[
    (
        KeyAlgorithm::Rsa,
        include_str!("../tests/data/keys/rsa-2048.pub"),
    ),
    (
        KeyAlgorithm::Rsa,
        include_str!("../tests/data/keys/rsa-3072-no-comment.pub"),
    ),
    (
        KeyAlgorithm::Rsa,
        include_str!("../tests/data/keys/rsa-4096.pub"),
    ),
    (
        KeyAlgorithm::Dsa,
        include_str!("../tests/data/keys/dsa.pub"),
    ),
    (
        KeyAlgorithm::EcdsaP256,
        include_str!("../tests/data/keys/ecdsa-256.pub"),
    ),
    (
        KeyAlgorithm::EcdsaP384,
        include_str!("../tests/data/keys/ecdsa-384.pub"),
    ),
    (
        KeyAlgorithm::EcdsaP521,
        include_str!("../tests/data/keys/ecdsa-521.pub"),
    ),
];

/// An `ssh-keygen` Ed25519 key, valid OpenSSH but not accepted by the service.
const ED25519_LINE: &str = include_str!("../tests/data/keys/ed25519.pub");

/// The algorithms the service accepts.
pub const ACCEPTED_ALGORITHMS: [KeyAlgorithm; 5] = [
    KeyAlgorithm::Rsa,
    KeyAlgorithm::Dsa,
    KeyAlgorithm::EcdsaP256,
    KeyAlgorithm::EcdsaP384,
    KeyAlgorithm::EcdsaP521,
];

/// A real key: its algorithm, its base64 data and the decoded blob.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyMaterial {
    /// The algorithm.
    pub algorithm: KeyAlgorithm,
    /// The base64 key data, the second field of the OpenSSH line.
    pub data: &'static str,
    /// The decoded key blob.
    pub blob: Vec<u8>,
}

fn material(algorithm: KeyAlgorithm, line: &'static str) -> KeyMaterial {
    let data = line.split_whitespace().nth(1).unwrap_or_default();
    KeyMaterial {
        algorithm,
        data,
        // The lines are ssh-keygen's output, valid base64.
        blob: STANDARD.decode(data).unwrap_or_default(),
    }
}

/// One of the bundled keys of every accepted algorithm.
pub fn key_material() -> impl Strategy<Value = KeyMaterial> {
    select(KEY_LINES.to_vec()).prop_map(|(algorithm, line)| material(algorithm, line))
}

/// A comment: printable ASCII, an `user@host`, or Chinese text.
pub fn key_comment() -> impl Strategy<Value = String> {
    "[ -~]{0,40}|[a-z0-9.]{1,12}@[a-z0-9.]{1,12}|[\u{4E00}-\u{9FFF} a-z]{1,10}"
}

/// A valid public key of any accepted algorithm, with any comment, spaces or tabs between
/// the fields, and surrounding whitespace.
pub fn valid_public_key() -> impl Strategy<Value = String> {
    (
        key_material(),
        key_comment(),
        "[ \t]{0,3}",
        "[ \t]{1,3}",
        "[ \t]{0,3}\n?",
    )
        .prop_map(|(key, comment, lead, gap, tail)| {
            format!(
                "{lead}{}{gap}{} {comment}{tail}",
                key.algorithm.as_str(),
                key.data
            )
        })
}

/// Each way a public key can be malformed; every one answers
/// `Keypair.PublicKeyFormatInvalid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyMalformation {
    /// Empty or only whitespace.
    Empty,
    /// Two lines.
    NotOneLine,
    /// A type and no key data.
    MissingKeyData,
    /// A type word outside the accepted list.
    UnsupportedKeyType,
    /// An Ed25519 key.
    Ed25519,
    /// A character that is not base64 inside the key data.
    BadBase64Character,
    /// One base64 character dropped.
    DroppedBase64Character,
    /// The blob cut short.
    TruncatedBlob,
    /// Bytes after the end of the blob.
    TrailingBytes,
    /// The type word of another accepted algorithm than the blob's.
    AlgorithmMismatch,
    /// An `ssh-rsa` blob whose modulus is even.
    EvenRsaModulus,
}

impl KeyMalformation {
    /// Every malformation.
    pub const ALL: [KeyMalformation; 11] = [
        Self::Empty,
        Self::NotOneLine,
        Self::MissingKeyData,
        Self::UnsupportedKeyType,
        Self::Ed25519,
        Self::BadBase64Character,
        Self::DroppedBase64Character,
        Self::TruncatedBlob,
        Self::TrailingBytes,
        Self::AlgorithmMismatch,
        Self::EvenRsaModulus,
    ];
}

/// A public key malformed in one way, any of them.
pub fn invalid_public_key() -> impl Strategy<Value = Invalid> {
    select(KeyMalformation::ALL.to_vec()).prop_flat_map(malformed_public_key)
}

/// A public key malformed the way `malformation` says. Code
/// `Keypair.PublicKeyFormatInvalid`.
pub fn malformed_public_key(malformation: KeyMalformation) -> BoxedStrategy<Invalid> {
    let text: BoxedStrategy<String> = match malformation {
        KeyMalformation::Empty => "[ \t\n]{0,4}".boxed(),
        KeyMalformation::NotOneLine => (key_material(), key_material())
            .prop_map(|(a, b)| format!("{} {}\n{} {}", a.algorithm, a.data, b.algorithm, b.data))
            .boxed(),
        KeyMalformation::MissingKeyData => (select(ACCEPTED_ALGORITHMS.to_vec()), "[ \t]{0,3}")
            .prop_map(|(algorithm, tail)| format!("{algorithm}{tail}"))
            .boxed(),
        KeyMalformation::UnsupportedKeyType => (key_material(), "[a-zA-Z0-9@._-]{1,40}")
            .prop_filter("an accepted type word", |(_, word)| {
                KeyAlgorithm::from_type_word(word).is_none()
            })
            .prop_map(|(key, word)| format!("{word} {}", key.data))
            .boxed(),
        KeyMalformation::Ed25519 => key_comment()
            .prop_map(|comment| {
                let data = ED25519_LINE.split_whitespace().nth(1).unwrap_or_default();
                format!("ssh-ed25519 {data} {comment}")
            })
            .boxed(),
        _ => blob_malformation(malformation),
    };
    text.prop_map(|text| Invalid::new(text, ErrorCode::PublicKeyFormatInvalid))
        .boxed()
}

/// The malformations of the key data itself.
fn blob_malformation(malformation: KeyMalformation) -> BoxedStrategy<String> {
    let line =
        |algorithm: KeyAlgorithm, blob: &[u8]| format!("{algorithm} {}", STANDARD.encode(blob));
    match malformation {
        KeyMalformation::BadBase64Character => (
            key_material(),
            select("!*$%&?<>[]{}~\\\"'é".chars().collect::<Vec<_>>()),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(key, bad, at)| {
                let mut data = key.data.to_owned();
                data.insert(at.index(data.len()), bad);
                format!("{} {data}", key.algorithm)
            })
            .boxed(),
        KeyMalformation::DroppedBase64Character => (key_material(), any::<prop::sample::Index>())
            .prop_map(|(key, at)| {
                let mut data = key.data.to_owned();
                data.remove(at.index(data.len()));
                format!("{} {data}", key.algorithm)
            })
            .boxed(),
        KeyMalformation::TruncatedBlob => (key_material(), any::<prop::sample::Index>())
            .prop_map(move |(key, at)| {
                let cut = 1 + at.index(key.blob.len() - 1);
                format!("{} x@y", line(key.algorithm, &key.blob[..cut]))
            })
            .boxed(),
        KeyMalformation::TrailingBytes => (
            key_material(),
            proptest::collection::vec(any::<u8>(), 1..32),
        )
            .prop_map(move |(key, extra)| {
                let mut blob = key.blob;
                blob.extend_from_slice(&extra);
                line(key.algorithm, &blob)
            })
            .boxed(),
        KeyMalformation::AlgorithmMismatch => {
            (key_material(), select(ACCEPTED_ALGORITHMS.to_vec()))
                .prop_filter("the same algorithm", |(key, declared)| {
                    key.algorithm != *declared
                })
                .prop_map(|(key, declared)| format!("{declared} {}", key.data))
                .boxed()
        }
        _ => proptest::collection::vec(any::<u8>(), 128..=256)
            .prop_map(move |mut modulus| {
                // Top bit set for the full length, low bit clear: even.
                modulus[0] |= 0x80;
                let last = modulus.len() - 1;
                modulus[last] &= 0xFE;
                line(KeyAlgorithm::Rsa, &rsa_blob(&[1, 0, 1], &modulus))
            })
            .boxed(),
    }
}

/// The SSH wire form of an RSA public key (RFC 4253 §6.6): the type, `e`, `n`, each a
/// length-prefixed string, the numbers as positive `mpint`s.
fn rsa_blob(exponent: &[u8], modulus: &[u8]) -> Vec<u8> {
    let mut blob = Vec::new();
    let mut string = |bytes: &[u8]| {
        let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        blob.extend_from_slice(&length.to_be_bytes());
        blob.extend_from_slice(bytes);
    };
    string(b"ssh-rsa");
    string(exponent);
    // A leading zero keeps a number whose top bit is set positive.
    let mut n = vec![0];
    n.extend_from_slice(modulus);
    string(&n);
    blob
}
