//! `UriEncode` of auth-v1.md §2.1, on top of the `percent-encoding` crate.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use std::borrow::Cow;

/// Every byte except the RFC 3986 unreserved set `A–Z a–z 0–9 - . _ ~` is
/// written as `%XX` with upper-case hex (auth-v1.md §2.1). Non-ASCII bytes are
/// always encoded by `percent-encoding`.
const URI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `UriEncodeExceptSlash`: the same set with `/` kept (canonical URI).
const URI_ENCODE_EXCEPT_SLASH: &AsciiSet = &URI_ENCODE.remove(b'/');

/// `UriEncode(input)`: percent-encodes every byte outside `A–Z a–z 0–9 - . _ ~`.
///
/// ```
/// assert_eq!(bce_auth::uri_encode("a b/c~d*e%f"), "a%20b%2Fc~d%2Ae%25f");
/// assert_eq!(bce_auth::uri_encode("测试"), "%E6%B5%8B%E8%AF%95");
/// ```
#[must_use]
pub fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    push_encoded(&mut out, input.as_bytes());
    out
}

/// `UriEncodeExceptSlash(input)`: like [`uri_encode`] but keeps `/`.
///
/// ```
/// assert_eq!(bce_auth::uri_encode_except_slash("/example/测试"), "/example/%E6%B5%8B%E8%AF%95");
/// ```
#[must_use]
pub fn uri_encode_except_slash(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    push_encoded_except_slash(&mut out, input.as_bytes());
    out
}

/// Appends `UriEncode(input)` to `out`. Takes bytes because a verifier
/// re-encodes what it decoded, which need not be UTF-8.
pub(crate) fn push_encoded(out: &mut String, input: &[u8]) {
    out.extend(percent_encode(input, URI_ENCODE));
}

/// Appends `UriEncode(ascii_lowercase(input))` to `out`. Lower-casing maps
/// kept bytes to kept bytes and leaves escaped ones alone, so each kept run
/// is lower-cased as it is copied and escapes keep their upper-case hex.
pub(crate) fn push_encoded_lowercase(out: &mut String, input: &str) {
    for chunk in percent_encode(input.as_bytes(), URI_ENCODE) {
        // `%` itself is escaped, so only an escape starts with one.
        let start = out.len();
        out.push_str(chunk);
        if !chunk.starts_with('%')
            && let Some(copied) = out.get_mut(start..)
        {
            copied.make_ascii_lowercase();
        }
    }
}

/// Appends `UriEncodeExceptSlash(input)` to `out`.
pub(crate) fn push_encoded_except_slash(out: &mut String, input: &[u8]) {
    out.extend(percent_encode(input, URI_ENCODE_EXCEPT_SLASH));
}

/// Percent-decodes once. `+` stays a literal plus (auth-v1.md §8: decoding
/// `+` as space breaks Go and Python requests). Invalid escapes stay as they
/// are. Text without escapes comes back borrowed.
pub(crate) fn decode_once(input: &str) -> Cow<'_, [u8]> {
    percent_decode(input.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_examples() {
        // auth-v1.md §2.1 and §2.2
        assert_eq!(uri_encode("测试"), "%E6%B5%8B%E8%AF%95");
        assert_eq!(uri_encode(" *~%+=&:/"), "%20%2A~%25%2B%3D%26%3A%2F");
        assert_eq!(
            uri_encode_except_slash("/example/测试"),
            "/example/%E6%B5%8B%E8%AF%95"
        );
        assert_eq!(uri_encode("AZaz09-._~"), "AZaz09-._~");
    }

    #[test]
    fn only_unreserved_bytes_are_kept() {
        let kept: Vec<u8> = (0..=u8::MAX)
            .filter(|b| uri_encode(&char::from(*b).to_string()).len() == 1)
            .collect();
        assert_eq!(
            kept,
            b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
        );
        assert_eq!(uri_encode_except_slash("/"), "/");
        assert_eq!(uri_encode("/"), "%2F");
        let mut out = String::new();
        push_encoded(&mut out, b"a\xffb/");
        assert_eq!(out, "a%FFb%2F");
        out.clear();
        push_encoded_except_slash(&mut out, b"/\xe6/");
        assert_eq!(out, "/%E6/");
    }

    #[test]
    fn lowercase_encoding_keeps_escape_case() {
        let mut out = String::new();
        push_encoded_lowercase(&mut out, "X-Bce-Meta:Ä*");
        assert_eq!(out, "x-bce-meta%3A%C3%84%2A");
    }

    #[test]
    fn decoding_keeps_plus_and_bad_escapes() {
        assert_eq!(&*decode_once("a+b%2Bc%20d%zz%"), b"a+b+c d%zz%");
        // Text without escapes is handed back as it is, without a copy.
        for plain in ["", "/v2/keypair/k-abc123", "a+b", "测试"] {
            assert!(matches!(decode_once(plain), Cow::Borrowed(b) if b == plain.as_bytes()));
        }
    }
}
