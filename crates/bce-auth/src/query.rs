//! The one query-string parser of the crate, shared by the verifier, the
//! `http` adapter and servers that route on query parameters.
//!
//! The rule is auth-v1.md §8 step 5: split on `&`, skip empty items, split
//! each item at its first `=`, percent-decode name and value once and keep
//! `+` a literal plus. An item without `=` (`?attach`) is a flag: its value is
//! `None`, which canonicalises as `attach=` and which a router may read as an
//! action word.

use crate::encoding::decode_once;
use std::borrow::Cow;
use std::str::Utf8Error;

/// A parsed query string: its parameters in the order received.
///
/// ```
/// use bce_auth::query::Query;
///
/// let query = Query::parse(Some("name=%E6%B5%8B%20x%2By&a+b=c+d&attach&&maxKeys="));
/// assert_eq!(query.get("name").as_deref(), Some("测 x+y"));
/// assert_eq!(query.get("a+b").as_deref(), Some("c+d"));
/// assert_eq!(query.get("attach").as_deref(), Some(""));
/// assert_eq!(query.get("missing"), None);
///
/// let attach = &query.params()[2];
/// assert_eq!((attach.name(), attach.value()), (&b"attach"[..], None));
/// let max_keys = &query.params()[3];
/// assert_eq!((max_keys.raw_name(), max_keys.raw_value()), ("maxKeys", Some("")));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query<'a> {
    params: Vec<QueryParam<'a>>,
}

/// One `name[=value]` item of a query string, both as received and decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryParam<'a> {
    raw_name: &'a str,
    raw_value: Option<&'a str>,
    name: Cow<'a, [u8]>,
    value: Option<Cow<'a, [u8]>>,
}

impl<'a> Query<'a> {
    /// Parses the raw query (without `?`); `None` and `""` give no parameters.
    /// Never fails: bad escapes stay as written, as every SDK's server does.
    #[must_use]
    pub fn parse(raw_query: Option<&'a str>) -> Self {
        let Some(raw_query) = raw_query else {
            return Self::default();
        };
        let params = raw_query
            .split('&')
            .filter(|item| !item.is_empty())
            .map(QueryParam::parse)
            .collect();
        Self { params }
    }

    /// Every parameter, in the order received.
    #[must_use]
    pub fn params(&self) -> &[QueryParam<'a>] {
        &self.params
    }

    /// The decoded value of the first parameter named `name` (compared after
    /// decoding, case-sensitively); `Some("")` for a flag or an empty value.
    /// Bytes that are not UTF-8 become U+FFFD.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        self.params
            .iter()
            .find(|param| param.name() == name.as_bytes())
            .map(QueryParam::value_lossy)
    }

    /// Every `(name, value)` pair decoded as text (U+FFFD for bytes that are
    /// not UTF-8); flags have the value `""`.
    pub fn pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.params
            .iter()
            .map(|param| (param.name_lossy(), param.value_lossy()))
    }
}

impl<'a> QueryParam<'a> {
    fn parse(item: &'a str) -> Self {
        let (raw_name, raw_value) = match item.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (item, None),
        };
        Self {
            raw_name,
            raw_value,
            name: decode_once(raw_name),
            value: raw_value.map(decode_once),
        }
    }

    /// The name as received, still percent-encoded.
    #[must_use]
    pub fn raw_name(&self) -> &'a str {
        self.raw_name
    }

    /// The value as received; `None` for a flag (no `=`).
    #[must_use]
    pub fn raw_value(&self) -> Option<&'a str> {
        self.raw_value
    }

    /// The name decoded once (it need not be UTF-8).
    #[must_use]
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The value decoded once; `None` for a flag.
    #[must_use]
    pub fn value(&self) -> Option<&[u8]> {
        self.value.as_deref()
    }

    /// Whether the decoded name is `name`, ASCII case-insensitively.
    #[must_use]
    pub fn is_named(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }

    /// The decoded name as UTF-8 text.
    ///
    /// # Errors
    /// When the decoded bytes are not UTF-8.
    pub fn name_utf8(&self) -> Result<&str, Utf8Error> {
        std::str::from_utf8(&self.name)
    }

    /// The decoded value as UTF-8 text; `None` for a flag.
    ///
    /// # Errors
    /// When the decoded bytes are not UTF-8.
    pub fn value_utf8(&self) -> Result<Option<&str>, Utf8Error> {
        self.value().map(std::str::from_utf8).transpose()
    }

    /// The decoded name, bytes that are not UTF-8 replaced by U+FFFD.
    #[must_use]
    pub fn name_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.name)
    }

    /// The decoded value as [`Self::name_lossy`] does it; `""` for a flag.
    #[must_use]
    pub fn value_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.value().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: Option<&str>, expected: &[(&[u8], Option<&[u8]>)]) {
        let query = Query::parse(raw);
        let got: Vec<(&[u8], Option<&[u8]>)> = query
            .params()
            .iter()
            .map(|param| (param.name(), param.value()))
            .collect();
        assert_eq!(got, expected, "{raw:?}");
    }

    #[test]
    fn items_split_at_the_first_equals_and_decode_once() {
        check(None, &[]);
        check(Some(""), &[]);
        check(Some("&&"), &[]);
        check(Some("attach"), &[(b"attach", None)]);
        check(Some("a="), &[(b"a", Some(b""))]);
        check(Some("a=b=c"), &[(b"a", Some(b"b=c"))]);
        check(Some("=v"), &[(b"", Some(b"v"))]);
        check(Some("a+b=c%2Bd"), &[(b"a+b", Some(b"c+d"))]);
        check(Some("k=%252F"), &[(b"k", Some(b"%2F"))]);
        check(Some("k=%zz%"), &[(b"k", Some(b"%zz%"))]);
        check(Some("%FF=%E6%B5%8B"), &[(b"\xff", Some("测".as_bytes()))]);
        check(Some("b=2&a=1"), &[(b"b", Some(b"2")), (b"a", Some(b"1"))]);
    }

    #[test]
    fn text_views_are_strict_or_lossy() {
        let query = Query::parse(Some("%FF=1&name=%E6%B5%8B&flag"));
        let [odd, name, flag] = query.params() else {
            panic!("three parameters expected: {query:?}");
        };
        assert!(odd.name_utf8().is_err());
        assert_eq!(odd.name_lossy(), "\u{fffd}");
        assert_eq!(name.value_utf8(), Ok(Some("测")));
        assert_eq!(flag.value_utf8(), Ok(None));
        assert_eq!(flag.value_lossy(), "");
        assert!(flag.is_named("FLAG") && !flag.is_named("fla"));
        let pairs: Vec<(String, String)> = query
            .pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("\u{fffd}".to_owned(), "1".to_owned()),
                ("name".to_owned(), "测".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
        // Undecoded text is borrowed from the raw query, not copied.
        assert!(matches!(query.get("flag"), Some(Cow::Borrowed(""))));
    }
}
