//! The exported `strategies` keep their promises: every valid value is accepted, every
//! invalid one is refused with the code it names, and every malformation is reachable.

use bcc_keypair_model::strategies::{
    self, ACCEPTED_ALGORITHMS, KeyMalformation, invalid_description, invalid_instance_id,
    invalid_keypair_id, invalid_name, invalid_public_key, malformed_public_key,
};
use bcc_keypair_model::{
    ErrorCode, InstanceId, InvalidPublicKeyReason, KeypairDescription, KeypairId, KeypairName,
    ModelError, PublicKey,
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn valid_values_are_accepted(
        name in strategies::valid_name(),
        description in strategies::valid_description(),
        keypair_id in strategies::valid_keypair_id(),
        instance_id in strategies::valid_instance_id(),
        public_key in strategies::valid_public_key(),
    ) {
        prop_assert!(KeypairName::new(name).is_ok());
        prop_assert!(KeypairDescription::new(description).is_ok());
        prop_assert!(KeypairId::new(keypair_id).is_ok());
        prop_assert!(InstanceId::new(instance_id).is_ok());
        let key = PublicKey::parse(&public_key).map_err(|e| TestCaseError::fail(format!("{public_key:?}: {e}")))?;
        prop_assert!(ACCEPTED_ALGORITHMS.contains(&key.algorithm()));
    }

    #[test]
    fn invalid_names_and_descriptions_get_their_codes(name in invalid_name(), description in invalid_description()) {
        prop_assert_eq!(name.expected_code(), &ErrorCode::KeypairNameInvalid);
        prop_assert_eq!(&KeypairName::new(name.value()).unwrap_err().code(), name.expected_code());
        prop_assert_eq!(description.expected_code(), &ErrorCode::KeypairDescriptionInvalid);
        prop_assert_eq!(
            &KeypairDescription::new(description.value()).unwrap_err().code(),
            description.expected_code()
        );
    }

    #[test]
    fn invalid_ids_get_their_codes(keypair in invalid_keypair_id(), instance in invalid_instance_id()) {
        prop_assert_eq!(keypair.expected_code(), &ErrorCode::KeypairNotExist);
        prop_assert_eq!(&KeypairId::new(keypair.value()).unwrap_err().code(), keypair.expected_code());
        prop_assert_eq!(instance.expected_code(), &ErrorCode::InstanceNotExist);
        prop_assert_eq!(&InstanceId::new(instance.value()).unwrap_err().code(), instance.expected_code());
    }

    #[test]
    fn invalid_public_keys_get_their_code(key in invalid_public_key()) {
        prop_assert_eq!(key.expected_code(), &ErrorCode::PublicKeyFormatInvalid);
        match PublicKey::parse(key.value()) {
            Err(error) => prop_assert_eq!(&error.code(), key.expected_code()),
            Ok(parsed) => prop_assert!(false, "{:?} was accepted as {:?}", key.value(), parsed),
        }
    }
}

/// The reason each malformation must produce.
fn reason_matches(malformation: KeyMalformation, reason: &InvalidPublicKeyReason) -> bool {
    use InvalidPublicKeyReason as R;
    match malformation {
        KeyMalformation::Empty => *reason == R::Empty,
        KeyMalformation::NotOneLine => *reason == R::NotOneLine,
        KeyMalformation::MissingKeyData => *reason == R::MissingKeyData,
        KeyMalformation::UnsupportedKeyType => matches!(reason, R::UnsupportedKeyType { .. }),
        KeyMalformation::Ed25519 => *reason == R::Ed25519NotAccepted,
        KeyMalformation::BadBase64Character | KeyMalformation::DroppedBase64Character => {
            matches!(reason, R::InvalidBase64 { .. })
        }
        KeyMalformation::TruncatedBlob | KeyMalformation::TrailingBytes => {
            matches!(reason, R::MalformedKeyData { .. })
        }
        KeyMalformation::AlgorithmMismatch => matches!(reason, R::AlgorithmMismatch { .. }),
        KeyMalformation::EvenRsaModulus => matches!(reason, R::UnusableRsaKey { .. }),
        _ => false,
    }
}

#[test]
fn each_malformation_produces_its_own_reason() {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    for malformation in KeyMalformation::ALL {
        let strategy = malformed_public_key(malformation);
        for _ in 0..32 {
            let key = strategy.new_tree(&mut runner).expect("a value").current();
            match PublicKey::parse(key.value()) {
                Err(ModelError::InvalidPublicKey(reason)) => assert!(
                    reason_matches(malformation, &reason),
                    "{malformation:?}: {:?} gave {reason:?}",
                    key.value()
                ),
                other => panic!("{malformation:?}: {:?} gave {other:?}", key.value()),
            }
        }
    }
}
