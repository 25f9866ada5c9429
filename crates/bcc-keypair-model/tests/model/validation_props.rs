//! Property tests of name, description and public-key validation (`keypair-api.md` §5).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bcc_keypair_model::strategies;
use bcc_keypair_model::{
    ErrorCode, InvalidDescriptionReason, InvalidNameReason, InvalidPublicKeyReason, KeyAlgorithm,
    KeypairDescription, KeypairName, ModelError, PublicKey,
};
use proptest::prelude::*;
use proptest::sample::select;

use super::public_keys::{ED25519, KEYS};

fn name_char() -> impl Strategy<Value = char> {
    strategies::name_char()
}

fn first_char() -> impl Strategy<Value = char> {
    strategies::name_first_char()
}

fn valid_name() -> impl Strategy<Value = String> {
    strategies::valid_name()
}

/// One strategy per class of forbidden character.
fn forbidden_char() -> impl Strategy<Value = char> {
    strategies::forbidden_name_char()
}

fn name_reason(name: &str) -> InvalidNameReason {
    match KeypairName::new(name) {
        Err(err @ ModelError::InvalidName(_)) => {
            assert_eq!(err.code(), ErrorCode::KeypairNameInvalid);
            match err {
                ModelError::InvalidName(reason) => reason,
                _ => unreachable!(),
            }
        }
        other => panic!("{name:?} should be refused, got {other:?}"),
    }
}

proptest! {
    #[test]
    fn valid_names_are_accepted(name in valid_name()) {
        let parsed = KeypairName::new(name.clone());
        prop_assert_eq!(parsed.map(KeypairName::into_string), Ok(name));
    }

    #[test]
    fn long_names_are_refused(first in first_char(), rest in proptest::collection::vec(name_char(), 65..200)) {
        let name: String = std::iter::once(first).chain(rest).collect();
        let chars = name.chars().count();
        prop_assert_eq!(name_reason(&name), InvalidNameReason::TooLong { chars });
    }

    #[test]
    fn names_not_starting_with_an_ascii_letter_are_refused(
        first in prop_oneof![
            proptest::char::ranges(vec!['0'..='9', '\u{4E00}'..='\u{9FFF}'].into()),
            select(vec!['-', '_', '/', '.']),
            forbidden_char(),
        ],
        rest in proptest::collection::vec(name_char(), 0..=64),
    ) {
        let name: String = std::iter::once(first).chain(rest).collect();
        prop_assert_eq!(name_reason(&name), InvalidNameReason::BadFirstCharacter { first });
    }

    #[test]
    fn names_with_a_forbidden_character_are_refused(
        name in valid_name(),
        bad in forbidden_char(),
        at in any::<prop::sample::Index>(),
    ) {
        let mut chars: Vec<char> = name.chars().collect();
        chars.truncate(64);
        let position = 1 + at.index(chars.len());
        chars.insert(position, bad);
        let name: String = chars.into_iter().collect();
        prop_assert_eq!(
            name_reason(&name),
            InvalidNameReason::ForbiddenCharacter { character: bad, position }
        );
    }

    #[test]
    fn descriptions_up_to_140_characters_are_accepted(chars in proptest::collection::vec(any::<char>(), 0..=140)) {
        let text: String = chars.into_iter().collect();
        prop_assert_eq!(KeypairDescription::new(text.clone()).map(KeypairDescription::into_string), Ok(text));
    }

    #[test]
    fn longer_descriptions_are_refused(chars in proptest::collection::vec(any::<char>(), 141..400)) {
        let count = chars.len();
        let text: String = chars.into_iter().collect();
        let err = KeypairDescription::new(text).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::KeypairDescriptionInvalid);
        prop_assert_eq!(err, ModelError::InvalidDescription(InvalidDescriptionReason::TooLong { chars: count }));
    }
}

/// A committed key split into (algorithm, base64 data, decoded blob).
fn key_parts(index: usize) -> (KeyAlgorithm, &'static str, Vec<u8>) {
    let (_, line, _, algorithm) = KEYS[index];
    let data = line.split_whitespace().nth(1).expect("key data");
    (
        algorithm,
        data,
        STANDARD.decode(data).expect("committed keys are base64"),
    )
}

fn key_index() -> impl Strategy<Value = usize> {
    0..KEYS.len()
}

fn comment() -> impl Strategy<Value = String> {
    strategies::key_comment()
}

fn key_reason(text: &str) -> InvalidPublicKeyReason {
    match PublicKey::parse(text) {
        Err(err) => {
            assert_eq!(err.code(), ErrorCode::PublicKeyFormatInvalid, "{text:?}");
            match err {
                ModelError::InvalidPublicKey(reason) => reason,
                other => panic!("{text:?}: unexpected error {other:?}"),
            }
        }
        Ok(key) => panic!("{text:?} should be refused, got {key:?}"),
    }
}

proptest! {
    #[test]
    fn valid_keys_with_any_comment_and_spacing_are_accepted(
        index in key_index(),
        comment in comment(),
        lead in "[ \t]{0,3}",
        gap in "[ \t]{1,3}",
        tail in "[ \t]{0,3}\n?",
    ) {
        let (algorithm, data, blob) = key_parts(index);
        let text = format!("{lead}{}{gap}{data} {comment}{tail}", algorithm.as_str());
        let key = PublicKey::parse(&text).map_err(|err| TestCaseError::fail(format!("{text:?}: {err}")))?;
        prop_assert_eq!(key.algorithm(), algorithm);
        prop_assert_eq!(key.blob(), &blob[..]);
        prop_assert_eq!(key.comment(), comment.trim());
        prop_assert_eq!(key.as_str(), text.trim());
    }

    #[test]
    fn bad_base64_is_refused(
        index in key_index(),
        bad in select("!*$%&?<>[]{}~\\\"'é".chars().collect::<Vec<_>>()),
        at in any::<prop::sample::Index>(),
    ) {
        let (algorithm, data, _) = key_parts(index);
        let mut data = data.to_owned();
        let position = at.index(data.len());
        let position = (0..=position).rev().find(|&p| data.is_char_boundary(p)).unwrap_or(0);
        data.insert(position, bad);
        let reason = key_reason(&format!("{} {data}", algorithm.as_str()));
        prop_assert!(matches!(reason, InvalidPublicKeyReason::InvalidBase64 { .. }), "{reason:?}");
    }

    #[test]
    fn base64_with_a_dropped_character_is_refused(index in key_index(), at in any::<prop::sample::Index>()) {
        let (algorithm, data, _) = key_parts(index);
        let mut data = data.to_owned();
        data.remove(at.index(data.len()));
        let reason = key_reason(&format!("{} {data}", algorithm.as_str()));
        prop_assert!(matches!(reason, InvalidPublicKeyReason::InvalidBase64 { .. }), "{reason:?}");
    }

    #[test]
    fn truncated_blobs_are_refused(index in key_index(), at in any::<prop::sample::Index>()) {
        let (algorithm, _, blob) = key_parts(index);
        let cut = 1 + at.index(blob.len() - 1);
        let data = STANDARD.encode(&blob[..cut]);
        let reason = key_reason(&format!("{} {data} x@y", algorithm.as_str()));
        prop_assert!(matches!(reason, InvalidPublicKeyReason::MalformedKeyData { .. }), "{reason:?}");
    }

    #[test]
    fn blobs_with_trailing_bytes_are_refused(
        index in key_index(),
        extra in proptest::collection::vec(any::<u8>(), 1..32),
    ) {
        let (algorithm, _, mut blob) = key_parts(index);
        blob.extend_from_slice(&extra);
        let reason = key_reason(&format!("{} {}", algorithm.as_str(), STANDARD.encode(&blob)));
        prop_assert!(matches!(reason, InvalidPublicKeyReason::MalformedKeyData { .. }), "{reason:?}");
    }

    #[test]
    fn mismatched_algorithms_are_refused(
        index in key_index(),
        declared in select(vec![
            KeyAlgorithm::Rsa,
            KeyAlgorithm::Dsa,
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::EcdsaP521,
        ]),
    ) {
        let (algorithm, data, _) = key_parts(index);
        prop_assume!(declared != algorithm);
        prop_assert_eq!(
            key_reason(&format!("{declared} {data}")),
            InvalidPublicKeyReason::AlgorithmMismatch {
                declared: declared.as_str().to_owned(),
                embedded: algorithm.as_str().to_owned(),
            }
        );
    }

    #[test]
    fn key_types_outside_the_list_are_refused(
        index in key_index(),
        key_type in "[a-zA-Z0-9@._-]{1,40}",
    ) {
        prop_assume!(KeyAlgorithm::from_type_word(&key_type).is_none());
        let (_, data, _) = key_parts(index);
        prop_assert_eq!(
            key_reason(&format!("{key_type} {data}")),
            InvalidPublicKeyReason::UnsupportedKeyType { key_type }
        );
    }

    #[test]
    fn ed25519_keys_are_refused_whatever_the_comment(comment in comment()) {
        let data = ED25519.0.split_whitespace().nth(1).unwrap();
        prop_assert_eq!(
            key_reason(&format!("ssh-ed25519 {data} {comment}")),
            InvalidPublicKeyReason::Ed25519NotAccepted
        );
    }
}
