//! [`KeypairId`] and [`InstanceId`]: leniently checked identifiers.
//!
//! Ids are deliberately not checked against the `k-XXXXXXXX` / `i-XXXXXXXX` shape of the
//! documentation examples: the service answers a well-formed request for an id that does
//! not exist with `Keypair.KeypairNotExist` / `Keypair.InstanceNotExist`, and ids such as
//! `k-a:b~c*d` or `测试` reach it through the SDKs (`keypair-api.md` Appendix A.3). Only
//! values that cannot be an id at all are refused: empty, longer than 128 characters, or
//! containing control characters.

use crate::error::{IdKind, InvalidIdReason, ModelError};
use crate::string_type::validated_string_traits;

/// Maximum id length in characters. Real ids have 10; the bound only keeps garbage out.
pub const MAX_ID_CHARS: usize = 128;

fn check(id: &str, kind: IdKind) -> Result<(), ModelError> {
    let invalid = |reason| ModelError::InvalidId { kind, reason };
    if id.is_empty() {
        return Err(invalid(InvalidIdReason::Empty));
    }
    let chars = id.chars().count();
    if chars > MAX_ID_CHARS {
        return Err(invalid(InvalidIdReason::TooLong { chars }));
    }
    if let Some((position, character)) = id.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(invalid(InvalidIdReason::ControlCharacter {
            character,
            position,
        }));
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $type:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $type(String);

        impl $type {
            /// Checks `id` (non-empty, at most [`MAX_ID_CHARS`] characters, no control
            /// characters); fails with [`ModelError::InvalidId`].
            pub fn new(id: impl Into<String>) -> Result<Self, ModelError> {
                let id = id.into();
                check(&id, $kind)?;
                Ok($type(id))
            }

            /// The id.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id, by value.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        validated_string_traits!($type, $type::new);
    };
}

id_type!(
    /// A key-pair id such as `k-IyWRtII7`. An invalid one maps to `Keypair.KeypairNotExist`.
    ///
    /// ```
    /// use bcc_keypair_model::KeypairId;
    ///
    /// assert!(KeypairId::new("k-IyWRtII7").is_ok());
    /// assert!(KeypairId::new("k-a:b~c*d").is_ok()); // valid, merely nonexistent
    /// assert!(KeypairId::new("").is_err());
    /// ```
    KeypairId,
    IdKind::Keypair
);

id_type!(
    /// An instance id such as `i-ZeVPsPzv`. An invalid one maps to `Keypair.InstanceNotExist`.
    InstanceId,
    IdKind::Instance
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn lenient_ids_are_accepted() {
        for id in [
            "k-IyWRtII7",
            "k-y7VWq",
            "k-a:b~c*d",
            "测试",
            "a b",
            "a%2Fb",
            "i-ZeVPsPzv",
        ] {
            assert_eq!(
                KeypairId::new(id).map(KeypairId::into_string).as_deref(),
                Ok(id)
            );
            assert_eq!(
                InstanceId::new(id).map(|i| i.to_string()).as_deref(),
                Ok(id)
            );
        }
        assert!(KeypairId::new("k".repeat(MAX_ID_CHARS)).is_ok());
    }

    #[test]
    fn impossible_ids_are_refused_with_not_exist_codes() {
        let cases = [
            (String::new(), InvalidIdReason::Empty),
            ("k".repeat(129), InvalidIdReason::TooLong { chars: 129 }),
            (
                "k-\n1".to_owned(),
                InvalidIdReason::ControlCharacter {
                    character: '\n',
                    position: 2,
                },
            ),
            (
                "\u{7f}".to_owned(),
                InvalidIdReason::ControlCharacter {
                    character: '\u{7f}',
                    position: 0,
                },
            ),
        ];
        for (id, reason) in cases {
            let err = KeypairId::new(id.clone()).unwrap_err();
            assert_eq!(
                err,
                ModelError::InvalidId {
                    kind: IdKind::Keypair,
                    reason: reason.clone()
                }
            );
            assert_eq!(err.code(), ErrorCode::KeypairNotExist);
            let err = InstanceId::new(id).unwrap_err();
            assert_eq!(
                err,
                ModelError::InvalidId {
                    kind: IdKind::Instance,
                    reason
                }
            );
            assert_eq!(err.code(), ErrorCode::InstanceNotExist);
        }
    }
}
