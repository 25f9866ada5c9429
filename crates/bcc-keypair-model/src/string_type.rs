//! Shared trait impls for the validated string types.
//!
//! Each validated type keeps its text private and is only built through its constructor;
//! this macro adds the conversions that all of them share, routing every way in (including
//! serde deserialisation) through that constructor.

/// Implements `Display`, `AsRef<str>`, `FromStr`, `TryFrom<String>`, `TryFrom<&str>`,
/// `Serialize` (as a string) and `Deserialize` (through `$constructor`) for `$type`, which
/// must have an `as_str(&self) -> &str` method.
macro_rules! validated_string_traits {
    ($type:ident, $constructor:path) => {
        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for $type {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for $type {
            type Err = $crate::error::ModelError;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                $constructor(text)
            }
        }

        impl ::std::convert::TryFrom<String> for $type {
            type Error = $crate::error::ModelError;

            fn try_from(text: String) -> ::std::result::Result<Self, Self::Error> {
                $constructor(text)
            }
        }

        impl ::std::convert::TryFrom<&str> for $type {
            type Error = $crate::error::ModelError;

            fn try_from(text: &str) -> ::std::result::Result<Self, Self::Error> {
                $constructor(text)
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                $constructor(text).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

pub(crate) use validated_string_traits;
