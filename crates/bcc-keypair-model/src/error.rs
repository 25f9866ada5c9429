//! [`ModelError`]: why a value or a body was refused, and which wire code that maps to.

use thiserror::Error;

use crate::error_code::ErrorCode;

/// A value or request body that breaks the wire contract.
///
/// Every variant knows the code the service returns for it ([`ModelError::code`]), so a
/// server can answer with `code().status()` and `code().default_message()` directly.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A key-pair name breaks `keypair-api.md` §5.
    #[error("invalid key pair name: {0}")]
    InvalidName(InvalidNameReason),
    /// A description breaks `keypair-api.md` §5.
    #[error("invalid key pair description: {0}")]
    InvalidDescription(InvalidDescriptionReason),
    /// A key-pair or instance id is not even shaped like an id.
    #[error("invalid {kind}: {reason}")]
    InvalidId {
        /// Which kind of id was refused.
        kind: IdKind,
        /// Why it was refused.
        reason: InvalidIdReason,
    },
    /// A public key is not a supported OpenSSH one-line public key.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(InvalidPublicKeyReason),
    /// The request body is not UTF-8 (`errors.md` §4 row 10).
    #[error("request body is not valid UTF-8 (first invalid byte at offset {valid_up_to})")]
    BodyNotUtf8 {
        /// Length of the longest valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// The request body is empty, not JSON, or not a JSON object (`errors.md` §4 row 11).
    #[error("malformed JSON body: {detail}")]
    MalformedJson {
        /// What is wrong with the body.
        detail: String,
    },
    /// The body is a JSON object but a required field is missing, null or of the wrong type
    /// (`errors.md` §4 row 12).
    #[error("inappropriate JSON body: {detail}")]
    InappropriateJson {
        /// Which field is wrong and how.
        detail: String,
    },
    /// The `maxKeys` query parameter is not an integer (`errors.md` §4 row 9).
    #[error("maxKeys must be an integer, got {value:?}")]
    InvalidMaxKeys {
        /// The value received.
        value: String,
    },
}

impl ModelError {
    /// The error code the service answers with for this failure.
    ///
    /// Malformed ids map to "does not exist": an id that cannot be valid names no key pair
    /// or instance, and the service has no code for a badly shaped id.
    pub fn code(&self) -> ErrorCode {
        match self {
            ModelError::InvalidName(_) => ErrorCode::KeypairNameInvalid,
            ModelError::InvalidDescription(_) => ErrorCode::KeypairDescriptionInvalid,
            ModelError::InvalidId {
                kind: IdKind::Keypair,
                ..
            } => ErrorCode::KeypairNotExist,
            ModelError::InvalidId {
                kind: IdKind::Instance,
                ..
            } => ErrorCode::InstanceNotExist,
            ModelError::InvalidPublicKey(_) => ErrorCode::PublicKeyFormatInvalid,
            ModelError::BodyNotUtf8 { .. } => ErrorCode::InvalidHttpRequest,
            ModelError::MalformedJson { .. } => ErrorCode::MalformedJson,
            ModelError::InappropriateJson { .. } => ErrorCode::InappropriateJson,
            ModelError::InvalidMaxKeys { .. } => ErrorCode::InvalidHttpRequest,
        }
    }
}

/// Why a key-pair name was refused (`keypair-api.md` §5).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InvalidNameReason {
    /// The name is empty.
    #[error("the name is empty")]
    Empty,
    /// The name has more than 65 characters.
    #[error("the name has {chars} characters, at most {max} are allowed", max = crate::name::KeypairName::MAX_CHARS)]
    TooLong {
        /// Number of characters (Unicode scalar values) in the name.
        chars: usize,
    },
    /// The first character is not an ASCII letter.
    #[error("the name must start with an ASCII letter, not {first:?}")]
    BadFirstCharacter {
        /// The offending first character.
        first: char,
    },
    /// A character outside letters, digits, Chinese characters and `- _ / .`.
    #[error(
        "character {character:?} at position {position} is not allowed (only ASCII letters, digits, Chinese characters and - _ / . are)"
    )]
    ForbiddenCharacter {
        /// The offending character.
        character: char,
        /// Its zero-based position, counted in characters.
        position: usize,
    },
}

/// Why a description was refused (`keypair-api.md` §5).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InvalidDescriptionReason {
    /// The description has more than 140 characters.
    #[error("the description has {chars} characters, at most {max} are allowed", max = crate::description::KeypairDescription::MAX_CHARS)]
    TooLong {
        /// Number of characters (Unicode scalar values).
        chars: usize,
    },
}

/// The kind of identifier in [`ModelError::InvalidId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// A key-pair id (`k-…`).
    Keypair,
    /// An instance id (`i-…`).
    Instance,
}

impl std::fmt::Display for IdKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IdKind::Keypair => "key pair id",
            IdKind::Instance => "instance id",
        })
    }
}

/// Why an id was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InvalidIdReason {
    /// The id is empty.
    #[error("the id is empty")]
    Empty,
    /// The id has more than 128 characters.
    #[error("the id has {chars} characters, at most {max} are allowed", max = crate::id::MAX_ID_CHARS)]
    TooLong {
        /// Number of characters.
        chars: usize,
    },
    /// The id contains a control character.
    #[error("the id contains the control character {character:?} at position {position}")]
    ControlCharacter {
        /// The offending character.
        character: char,
        /// Its zero-based position, counted in characters.
        position: usize,
    },
}

/// Why a public key was refused (`keypair-api.md` §5, `errors.md` §4 row 16).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InvalidPublicKeyReason {
    /// The text is empty or only whitespace.
    #[error("the public key is empty")]
    Empty,
    /// The text spans several lines; only the OpenSSH one-line form is accepted.
    #[error("the public key must be a single line `<type> <base64> [comment]`")]
    NotOneLine,
    /// The text has a type but no base64 key data after it.
    #[error("the public key has no base64 key data after its type")]
    MissingKeyData,
    /// `ssh-ed25519` is a valid OpenSSH key type, but not one the service documents.
    #[error(
        "ssh-ed25519 keys are not accepted: the service documents only rsa, dsa and ecdsa keys"
    )]
    Ed25519NotAccepted,
    /// The key type is not one of `ssh-rsa`, `ssh-dss`, `ecdsa-sha2-nistp256/384/521`.
    #[error(
        "key type {key_type:?} is not supported (ssh-rsa, ssh-dss, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384 and ecdsa-sha2-nistp521 are)"
    )]
    UnsupportedKeyType {
        /// The type word as given.
        key_type: String,
    },
    /// The key data is not valid base64.
    #[error("the key data is not valid base64: {detail}")]
    InvalidBase64 {
        /// What the base64 decoder reported.
        detail: String,
    },
    /// The decoded key blob is not a well-formed SSH public key (truncated, trailing bytes, …).
    #[error("the key data is not a well-formed SSH public key: {detail}")]
    MalformedKeyData {
        /// What the SSH key decoder reported.
        detail: String,
    },
    /// The algorithm inside the key blob differs from the type word in front of it.
    #[error("the key type says {declared:?} but the key data holds a {embedded:?} key")]
    AlgorithmMismatch {
        /// The type word of the text.
        declared: String,
        /// The algorithm name inside the blob.
        embedded: String,
    },
    /// An `ssh-rsa` key whose numbers cannot belong to a working RSA key: a modulus outside
    /// 1,024 to 16,384 bits or even, or an exponent below 3, even, or not below the modulus.
    #[error("the RSA key is unusable: {detail}")]
    UnusableRsaKey {
        /// Which number is wrong, and how.
        detail: String,
    },
    /// An `ecdsa-sha2-*` key whose point is not on its curve (or is the point at infinity):
    /// no private key belongs to it, and using it invites invalid-curve attacks.
    #[error("the ECDSA key's point is not on the {curve} curve")]
    PointNotOnCurve {
        /// The curve the key names, e.g. `nistp256`.
        curve: &'static str,
    },
    /// An `ssh-dss` key whose numbers cannot belong to a working DSA key: sizes outside
    /// FIPS 186-4's, a generator or public value out of range, or a `q` that does not
    /// divide `p - 1`.
    #[error("the DSA key is unusable: {detail}")]
    UnusableDsaKey {
        /// Which number is wrong, and how.
        detail: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_names_its_code_and_reads_clearly() {
        let cases: Vec<(ModelError, ErrorCode, &str)> = vec![
            (
                ModelError::InvalidName(InvalidNameReason::ForbiddenCharacter {
                    character: ' ',
                    position: 2,
                }),
                ErrorCode::KeypairNameInvalid,
                "invalid key pair name: character ' ' at position 2 is not allowed (only ASCII letters, digits, Chinese characters and - _ / . are)",
            ),
            (
                ModelError::InvalidName(InvalidNameReason::TooLong { chars: 66 }),
                ErrorCode::KeypairNameInvalid,
                "invalid key pair name: the name has 66 characters, at most 65 are allowed",
            ),
            (
                ModelError::InvalidDescription(InvalidDescriptionReason::TooLong { chars: 141 }),
                ErrorCode::KeypairDescriptionInvalid,
                "invalid key pair description: the description has 141 characters, at most 140 are allowed",
            ),
            (
                ModelError::InvalidId {
                    kind: IdKind::Keypair,
                    reason: InvalidIdReason::Empty,
                },
                ErrorCode::KeypairNotExist,
                "invalid key pair id: the id is empty",
            ),
            (
                ModelError::InvalidId {
                    kind: IdKind::Instance,
                    reason: InvalidIdReason::TooLong { chars: 129 },
                },
                ErrorCode::InstanceNotExist,
                "invalid instance id: the id has 129 characters, at most 128 are allowed",
            ),
            (
                ModelError::InvalidPublicKey(InvalidPublicKeyReason::UnsupportedKeyType {
                    key_type: "ssh-foo".to_owned(),
                }),
                ErrorCode::PublicKeyFormatInvalid,
                "invalid public key: key type \"ssh-foo\" is not supported (ssh-rsa, ssh-dss, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384 and ecdsa-sha2-nistp521 are)",
            ),
            (
                ModelError::BodyNotUtf8 { valid_up_to: 3 },
                ErrorCode::InvalidHttpRequest,
                "request body is not valid UTF-8 (first invalid byte at offset 3)",
            ),
            (
                ModelError::MalformedJson {
                    detail: "the body is empty".to_owned(),
                },
                ErrorCode::MalformedJson,
                "malformed JSON body: the body is empty",
            ),
            (
                ModelError::InappropriateJson {
                    detail: "missing field `name`".to_owned(),
                },
                ErrorCode::InappropriateJson,
                "inappropriate JSON body: missing field `name`",
            ),
            (
                ModelError::InvalidMaxKeys {
                    value: "x".to_owned(),
                },
                ErrorCode::InvalidHttpRequest,
                "maxKeys must be an integer, got \"x\"",
            ),
        ];
        for (error, code, display) in cases {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.to_string(), display);
        }
    }
}
