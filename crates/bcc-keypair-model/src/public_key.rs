//! [`PublicKey`]: an OpenSSH public key of a type the service accepts.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

mod key_numbers;

use crate::error::{InvalidPublicKeyReason, ModelError};
use crate::fingerprint::fingerprint;
use crate::string_type::validated_string_traits;

/// The public-key algorithms a [`PublicKey`] can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// `ssh-rsa`.
    Rsa,
    /// `ssh-dss`.
    Dsa,
    /// `ecdsa-sha2-nistp256`.
    EcdsaP256,
    /// `ecdsa-sha2-nistp384`.
    EcdsaP384,
    /// `ecdsa-sha2-nistp521`.
    EcdsaP521,
    /// `ssh-ed25519`; only accepted under [`KeyPolicy::AlsoEd25519`].
    Ed25519,
}

impl KeyAlgorithm {
    /// Every algorithm, documented ones first.
    pub const ALL: &'static [KeyAlgorithm] = &[
        KeyAlgorithm::Rsa,
        KeyAlgorithm::Dsa,
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::EcdsaP521,
        KeyAlgorithm::Ed25519,
    ];

    /// The OpenSSH type word, e.g. `"ssh-rsa"`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa => "ssh-rsa",
            KeyAlgorithm::Dsa => "ssh-dss",
            KeyAlgorithm::EcdsaP256 => "ecdsa-sha2-nistp256",
            KeyAlgorithm::EcdsaP384 => "ecdsa-sha2-nistp384",
            KeyAlgorithm::EcdsaP521 => "ecdsa-sha2-nistp521",
            KeyAlgorithm::Ed25519 => "ssh-ed25519",
        }
    }

    /// Parses an OpenSSH type word; `None` for anything else.
    pub fn from_type_word(word: &str) -> Option<KeyAlgorithm> {
        KeyAlgorithm::ALL
            .iter()
            .copied()
            .find(|algorithm| algorithm.as_str() == word)
    }

    /// `true` for the types `keypair-api.md` §5 documents (rsa, dsa, ecdsa).
    pub fn is_documented(self) -> bool {
        match self {
            KeyAlgorithm::Rsa
            | KeyAlgorithm::Dsa
            | KeyAlgorithm::EcdsaP256
            | KeyAlgorithm::EcdsaP384
            | KeyAlgorithm::EcdsaP521 => true,
            KeyAlgorithm::Ed25519 => false,
        }
    }
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which key types [`PublicKey::parse_with_policy`] accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyPolicy {
    /// Only the documented types: `ssh-rsa`, `ssh-dss`, `ecdsa-sha2-nistp256/384/521`.
    #[default]
    Documented,
    /// The documented types plus `ssh-ed25519`, for a server that chooses to be more
    /// permissive than the documentation.
    AlsoEd25519,
}

impl KeyPolicy {
    fn accepts(self, algorithm: KeyAlgorithm) -> bool {
        match self {
            KeyPolicy::Documented => algorithm.is_documented(),
            KeyPolicy::AlsoEd25519 => true,
        }
    }
}

/// A validated OpenSSH public key: `<type> <base64 blob> [comment]` on one line.
///
/// Accepted types are `ssh-rsa`, `ssh-dss` and `ecdsa-sha2-nistp256/384/521` — the rsa,
/// dsa and ecdsa keys `keypair-api.md` §5 documents. `ssh-ed25519` is refused by default:
/// although OpenSSH has generated such keys by default for years, the import page lists
/// only rsa/dsa/ecdsa, and a simulator that accepted more would let clients pass tests the
/// real service fails. [`KeyPolicy::AlsoEd25519`] opts in. The bare words `rsa`, `dsa` and
/// `ecdsa` in the documentation name key families; they are not type words any OpenSSH tool
/// writes, so a line starting with them is refused like any other unknown type.
///
/// The blob must be valid base64, decode as an SSH public key (parsed with the `ssh-key`
/// crate), have no trailing bytes, and name the same algorithm as the type word. A trailing
/// comment is kept as part of the text. Duplicate detection should compare
/// [`PublicKey::blob`], not the text, so that comments and spacing do not matter.
///
/// ```
/// use bcc_keypair_model::{KeyAlgorithm, PublicKey};
///
/// let line = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKyVF7m6Ev9ekI8xzM+0DAkJc9A2TD2Ofpo/rW65hR1UdbECrG0+VBwY4wM5JkdciSEtRJzehDGv2mX6fOvlF+U= demo@host";
/// let key = PublicKey::parse(line)?;
/// assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
/// assert_eq!(key.comment(), "demo@host");
/// assert_eq!(key.fingerprint().len(), 47);
/// assert!(PublicKey::parse("ssh-rsa AAAA").is_err());
/// # Ok::<(), bcc_keypair_model::ModelError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    text: String,
    algorithm: KeyAlgorithm,
    blob: Vec<u8>,
    comment_start: Option<usize>,
}

/// Shows the algorithm and the text; the blob is the text's base64 field decoded.
impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm)
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// Parses an OpenSSH one-line public key of a documented type; fails with
    /// [`ModelError::InvalidPublicKey`] (code `Keypair.PublicKeyFormatInvalid`).
    ///
    /// Leading and trailing whitespace (such as the newline at the end of a `.pub` file) is
    /// trimmed and not part of [`PublicKey::as_str`].
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        Self::parse_with_policy(text, KeyPolicy::Documented)
    }

    /// Like [`PublicKey::parse`], with a choice of accepted key types.
    pub fn parse_with_policy(text: &str, policy: KeyPolicy) -> Result<Self, ModelError> {
        parse(text, policy).map_err(ModelError::InvalidPublicKey)
    }

    /// Builds a [`PublicKey`] from a key held by the `ssh-key` crate, e.g. one a simulator
    /// generated. The key is rendered in OpenSSH form (with its comment) and parsed with
    /// the documented policy, so the same rules apply as to a key that came over the wire.
    pub fn from_ssh_key(key: &ssh_key::PublicKey) -> Result<Self, ModelError> {
        let text = key
            .to_openssh()
            .map_err(|error| ModelError::InvalidPublicKey(malformed(&error)))?;
        Self::parse(&text)
    }

    /// Builds a [`PublicKey`] from `ssh-key` key data and a comment (may be empty).
    pub fn from_key_data(
        key_data: ssh_key::public::KeyData,
        comment: &str,
    ) -> Result<Self, ModelError> {
        Self::from_ssh_key(&ssh_key::PublicKey::new(key_data, comment))
    }

    /// The key as text, trimmed: `<type> <base64> [comment]`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The decoded key blob (what the base64 field encodes). Two keys are the same key
    /// exactly when their blobs are equal.
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    /// The comment after the key data, or `""`.
    pub fn comment(&self) -> &str {
        self.comment_start
            .and_then(|start| self.text.get(start..))
            .unwrap_or("")
    }

    /// The `fingerPrint` of this key: MD5 of [`PublicKey::blob`], colon-separated hex.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.blob)
    }

    /// The key, by value, as text.
    pub fn into_string(self) -> String {
        self.text
    }
}

fn malformed(error: &ssh_key::Error) -> InvalidPublicKeyReason {
    InvalidPublicKeyReason::MalformedKeyData {
        detail: error.to_string(),
    }
}

fn is_separator(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn parse(text: &str, policy: KeyPolicy) -> Result<PublicKey, InvalidPublicKeyReason> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InvalidPublicKeyReason::Empty);
    }
    if text.contains(['\n', '\r']) {
        return Err(InvalidPublicKeyReason::NotOneLine);
    }

    // Split the line into its three fields, separated by spaces or tabs as OpenSSH writes
    // them; the comment is whatever follows the blob and may itself contain spaces.
    let (type_word, rest) = text
        .split_once(is_separator)
        .ok_or(InvalidPublicKeyReason::MissingKeyData)?;
    let rest = rest.trim_start_matches(is_separator);
    let (encoded, comment) = match rest.split_once(is_separator) {
        Some((encoded, comment)) => (encoded, comment.trim_start_matches(is_separator)),
        None => (rest, ""),
    };
    if encoded.is_empty() {
        return Err(InvalidPublicKeyReason::MissingKeyData);
    }

    let algorithm = match KeyAlgorithm::from_type_word(type_word) {
        Some(algorithm) if policy.accepts(algorithm) => algorithm,
        Some(KeyAlgorithm::Ed25519) => return Err(InvalidPublicKeyReason::Ed25519NotAccepted),
        _ => {
            return Err(InvalidPublicKeyReason::UnsupportedKeyType {
                key_type: type_word.to_owned(),
            });
        }
    };

    let blob = STANDARD
        .decode(encoded)
        .map_err(|error| InvalidPublicKeyReason::InvalidBase64 {
            detail: error.to_string(),
        })?;
    // `from_bytes` refuses truncated blobs and trailing bytes.
    let decoded = ssh_key::PublicKey::from_bytes(&blob).map_err(|error| malformed(&error))?;
    let embedded = decoded.algorithm();
    if embedded.as_str() != algorithm.as_str() {
        return Err(InvalidPublicKeyReason::AlgorithmMismatch {
            declared: type_word.to_owned(),
            embedded: embedded.as_str().to_owned(),
        });
    }
    key_numbers::check(decoded.key_data())?;
    // Fingerprints and duplicate detection use the canonical encoding of the key, as
    // ssh-keygen does; for any key ssh-key accepts this equals the bytes sent.
    let blob = decoded.to_bytes().map_err(|error| malformed(&error))?;

    let comment_start = (!comment.is_empty()).then(|| text.len() - comment.len());
    Ok(PublicKey {
        text: text.to_owned(),
        algorithm,
        blob,
        comment_start,
    })
}

/// Every string conversion (`FromStr`, `TryFrom`, serde) applies the documented policy.
fn parse_any<T: AsRef<str>>(text: T) -> Result<PublicKey, ModelError> {
    PublicKey::parse(text.as_ref())
}

validated_string_traits!(PublicKey, parse_any);
