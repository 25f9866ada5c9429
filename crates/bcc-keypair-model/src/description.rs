//! [`KeypairDescription`]: a description that satisfies `keypair-api.md` §5.

use crate::error::{InvalidDescriptionReason, ModelError};
use crate::string_type::validated_string_traits;

/// A valid key-pair description: 0 to 140 characters (Unicode scalar values).
///
/// The documentation gives only the length limit (`keypair-api.md` §5, from the resource
/// template page S18), so any character is accepted. An absent, `null` or empty description
/// all mean "no description"; the empty description is [`KeypairDescription::default`].
///
/// ```
/// use bcc_keypair_model::KeypairDescription;
///
/// assert!(KeypairDescription::new("web servers, 生产环境").is_ok());
/// assert!(KeypairDescription::new("x".repeat(141)).is_err());
/// assert!(KeypairDescription::default().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeypairDescription(String);

impl KeypairDescription {
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 140;

    /// Validates `description`; fails with a [`ModelError::InvalidDescription`]
    /// (code `Keypair.KeypairDescriptionInvalid`).
    pub fn new(description: impl Into<String>) -> Result<Self, ModelError> {
        let description = description.into();
        let chars = description.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(ModelError::InvalidDescription(
                InvalidDescriptionReason::TooLong { chars },
            ));
        }
        Ok(KeypairDescription(description))
    }

    /// Validates an optional description as the wire carries it: `None` (absent or `null`)
    /// becomes the empty description (`keypair-api.md` §3 rule 6, §5).
    pub fn from_optional(description: Option<String>) -> Result<Self, ModelError> {
        description.map_or_else(|| Ok(Self::default()), Self::new)
    }

    /// The description.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` when there is no description.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The description, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

validated_string_traits!(KeypairDescription, KeypairDescription::new);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert!(KeypairDescription::new("").is_ok());
        assert!(KeypairDescription::new("描".repeat(140)).is_ok());
        let err = KeypairDescription::new("描".repeat(141)).unwrap_err();
        assert_eq!(
            err,
            ModelError::InvalidDescription(InvalidDescriptionReason::TooLong { chars: 141 })
        );
        assert_eq!(err.code(), crate::ErrorCode::KeypairDescriptionInvalid);
    }

    #[test]
    fn absent_description_is_empty() {
        assert_eq!(
            KeypairDescription::from_optional(None),
            Ok(KeypairDescription::default())
        );
        assert_eq!(
            KeypairDescription::from_optional(Some("d".to_owned())).map(|d| d.into_string()),
            Ok("d".to_owned())
        );
    }
}
