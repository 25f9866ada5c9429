//! Header rules shared by the signer and the verifier: the default signed
//! set (auth-v1.md §2.4), the two whitespace trims and the name syntax.

/// The four headers signed by default besides every `x-bce-*` header
/// (auth-v1.md §2.4).
pub(crate) const DEFAULT_SIGNED_HEADERS: [&str; 4] =
    ["host", "content-length", "content-type", "content-md5"];

/// `x-bce-` prefix test, ASCII case-insensitive.
pub(crate) fn is_bce_header(name: &str) -> bool {
    name.get(..6)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-bce-"))
}

/// Whether `name` is one of [`DEFAULT_SIGNED_HEADERS`], ASCII case-insensitive.
pub(crate) fn is_default_named_header(name: &str) -> bool {
    DEFAULT_SIGNED_HEADERS
        .iter()
        .any(|default| name.eq_ignore_ascii_case(default))
}

/// Python `bytes.strip()` whitespace: space, `\t`, `\n`, `\r`, `\x0b`, `\x0c`
/// (auth-v1.md §4 step 3). `str::trim_ascii` misses `\x0b`.
pub(crate) fn trim_ascii_whitespace(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b')
}

/// Go `strings.TrimSpace`: Unicode `White_Space`, the same set as Rust's
/// `char::is_whitespace` (includes U+00A0, U+0085, U+3000, ...).
pub(crate) fn trim_unicode_whitespace(text: &str) -> &str {
    text.trim()
}

/// RFC 9110 `token`: the characters a header name or method may contain.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        ..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_trims() {
        assert!(is_token("x-bce-date") && is_token("a!#$%&'*+-.^_`|~9"));
        assert!(!is_token("") && !is_token("a b") && !is_token("a:b") && !is_token("é"));
        assert_eq!(trim_ascii_whitespace("\x0b\t v \r\n\x0c"), "v");
        assert_eq!(trim_ascii_whitespace("\u{a0}v\u{a0}"), "\u{a0}v\u{a0}");
        assert_eq!(trim_unicode_whitespace("\u{a0}\u{3000}v\u{2009}"), "v");
    }

    #[test]
    fn default_and_bce_names_ignore_case() {
        assert!(is_bce_header("X-Bce-Date") && is_bce_header("x-bce-"));
        assert!(!is_bce_header("x-bce") && !is_bce_header("x-bcé-a"));
        assert!(is_default_named_header("Content-MD5") && !is_default_named_header("date"));
    }
}
