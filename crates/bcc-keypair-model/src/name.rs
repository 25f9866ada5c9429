//! [`KeypairName`]: a key-pair name that satisfies `keypair-api.md` §5.

use crate::error::{InvalidNameReason, ModelError};
use crate::string_type::validated_string_traits;

/// A valid key-pair name (create, import, rename).
///
/// Rules (`keypair-api.md` §5):
/// * 1 to 65 characters, counted as Unicode scalar values (a Chinese character counts 1);
/// * the first character is an ASCII letter `A–Z`/`a–z`;
/// * every character is an ASCII letter, an ASCII digit, a Chinese character, or one of
///   `-` `_` `/` `.`. Space is not allowed.
///
/// "Chinese character" is taken to mean the CJK Unified Ideographs block
/// (U+4E00–U+9FFF) plus CJK Unified Ideographs Extension A (U+3400–U+4DBF): the characters
/// of everyday Chinese text. Other CJK blocks (punctuation, compatibility ideographs, the
/// supplementary-plane extensions) are refused, since the documentation gives no sign the
/// service accepts them.
///
/// ```
/// use bcc_keypair_model::KeypairName;
///
/// let name = KeypairName::new("web/prod-密钥.1")?;
/// assert_eq!(name.as_str(), "web/prod-密钥.1");
/// assert!(KeypairName::new("1st").is_err());
/// assert!(KeypairName::new("my key").is_err());
/// # Ok::<(), bcc_keypair_model::ModelError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeypairName(String);

impl KeypairName {
    /// Maximum length in characters.
    pub const MAX_CHARS: usize = 65;

    /// Validates `name`; fails with a [`ModelError::InvalidName`]
    /// (code `Keypair.KeypairNameInvalid`).
    pub fn new(name: impl Into<String>) -> Result<Self, ModelError> {
        let name = name.into();
        check(&name).map_err(ModelError::InvalidName)?;
        Ok(KeypairName(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// `true` for the characters allowed anywhere in a name.
pub(crate) fn is_name_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.') || is_chinese_character(c)
}

/// CJK Unified Ideographs and Extension A; see [`KeypairName`] for why these ranges.
pub(crate) fn is_chinese_character(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn check(name: &str) -> Result<(), InvalidNameReason> {
    let mut chars = name.chars();
    let first = chars.next().ok_or(InvalidNameReason::Empty)?;
    let count = name.chars().count();
    if count > KeypairName::MAX_CHARS {
        return Err(InvalidNameReason::TooLong { chars: count });
    }
    if !first.is_ascii_alphabetic() {
        return Err(InvalidNameReason::BadFirstCharacter { first });
    }
    if let Some((position, character)) = name
        .chars()
        .enumerate()
        .find(|&(_, c)| !is_name_character(c))
    {
        return Err(InvalidNameReason::ForbiddenCharacter {
            character,
            position,
        });
    }
    Ok(())
}

validated_string_traits!(KeypairName, KeypairName::new);

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(name: &str) -> InvalidNameReason {
        match KeypairName::new(name) {
            Err(ModelError::InvalidName(reason)) => reason,
            other => panic!("{name:?} should be refused as a name, got {other:?}"),
        }
    }

    #[test]
    fn accepts_documented_shapes() {
        for name in [
            "a",
            "keypair01",
            "instance-j93wzbn1",
            "newName",
            "Z_9/x.y-z",
            "k密钥",
            "a\u{3400}\u{4DBF}\u{4E00}\u{9FFF}",
        ] {
            assert_eq!(
                KeypairName::new(name).map(|n| n.to_string()).as_deref(),
                Ok(name)
            );
        }
        let longest: String = "a".repeat(65);
        assert!(KeypairName::new(longest).is_ok());
        let longest_chinese: String = std::iter::once('a')
            .chain(std::iter::repeat_n('密', 64))
            .collect();
        assert!(
            KeypairName::new(longest_chinese).is_ok(),
            "length counts characters, not bytes"
        );
    }

    #[test]
    fn refuses_each_rule() {
        assert_eq!(reason(""), InvalidNameReason::Empty);
        assert_eq!(
            reason(&"a".repeat(66)),
            InvalidNameReason::TooLong { chars: 66 }
        );
        assert_eq!(
            reason("1abc"),
            InvalidNameReason::BadFirstCharacter { first: '1' }
        );
        assert_eq!(
            reason("密钥"),
            InvalidNameReason::BadFirstCharacter { first: '密' }
        );
        assert_eq!(
            reason("-a"),
            InvalidNameReason::BadFirstCharacter { first: '-' }
        );
        assert_eq!(
            reason("my key"),
            InvalidNameReason::ForbiddenCharacter {
                character: ' ',
                position: 2
            }
        );
        for bad in [
            '+',
            '@',
            ':',
            '\t',
            '\n',
            'é',
            '\u{3000}',
            '\u{20000}',
            '\u{F900}',
        ] {
            assert_eq!(
                reason(&format!("ab{bad}")),
                InvalidNameReason::ForbiddenCharacter {
                    character: bad,
                    position: 2
                }
            );
        }
        assert_eq!(
            KeypairName::new("").unwrap_err().code(),
            crate::ErrorCode::KeypairNameInvalid
        );
    }

    #[test]
    fn serde_goes_through_the_constructor() {
        let name: KeypairName = serde_json::from_str("\"kp01\"").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"kp01\"");
        assert!(serde_json::from_str::<KeypairName>("\"1bad\"").is_err());
    }
}
