//! `UriEncode` of auth-v1.md §2.1, on top of the `percent-encoding` crate.

use percent_encoding::{
    AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode, percent_encode_byte,
};
use std::borrow::Cow;
use std::sync::LazyLock;

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
    push_encoded_str(&mut out, input);
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
    push_with(&mut out, input, &KEEP.except_slash, false);
    out
}

/// Which bytes each set keeps, looked up once per byte on the hot path.
/// Derived from the `percent-encoding` sets themselves (a byte is kept when
/// the crate writes it unescaped), so the `AsciiSet`s above stay the single
/// definition.
struct KeepTables {
    uri_encode: [bool; 256],
    except_slash: [bool; 256],
}

static KEEP: LazyLock<KeepTables> = LazyLock::new(|| {
    let table = |set: &'static AsciiSet| {
        let mut keep = [false; 256];
        for (byte, slot) in (0..=u8::MAX).zip(keep.iter_mut()) {
            *slot = percent_encode(&[byte], set)
                .next()
                .is_some_and(|chunk| !chunk.starts_with('%'));
        }
        keep
    };
    KeepTables {
        uri_encode: table(URI_ENCODE),
        except_slash: table(URI_ENCODE_EXCEPT_SLASH),
    }
});

/// Appends `input` encoded under `keep` to `out`: runs of kept bytes are
/// copied in one go, every other byte becomes the crate's `%XX`.
fn push_with(out: &mut String, input: &str, keep: &[bool; 256], lowercase: bool) {
    let mut run_start = 0;
    for (index, byte) in input.bytes().enumerate() {
        if !keep[usize::from(byte)] {
            push_run(out, input, run_start, index, lowercase);
            out.push_str(percent_encode_byte(byte));
            run_start = index + 1;
        }
    }
    push_run(out, input, run_start, input.len(), lowercase);
}

/// Copies `input[start..end]`, a run of kept (ASCII) bytes. A non-empty run
/// starts after an escaped byte and ends before one, and kept bytes are
/// ASCII, so both ends are character boundaries.
fn push_run(out: &mut String, input: &str, start: usize, end: usize, lowercase: bool) {
    if start < end
        && let Some(run) = input.get(start..end)
    {
        let at = out.len();
        out.push_str(run);
        if lowercase && let Some(written) = out.get_mut(at..) {
            written.make_ascii_lowercase();
        }
    }
}

/// The bytes of `UriEncode(input)` (of its ASCII lower-case form when
/// `lowercase`), produced lazily so lines can be ordered by their encoded
/// form (auth-v1.md §2.2) without being written out first. Yields exactly
/// what [`push_encoded_str`] / [`push_encoded_lowercase`] write.
pub(crate) fn encoded_bytes(input: &str, lowercase: bool) -> impl Iterator<Item = u8> + '_ {
    let keep = &KEEP.uri_encode;
    input.bytes().flat_map(move |byte| {
        let byte = if lowercase {
            byte.to_ascii_lowercase()
        } else {
            byte
        };
        let (kept, escaped): (Option<u8>, &'static [u8]) = if keep[usize::from(byte)] {
            (Some(byte), &[])
        } else {
            (None, percent_encode_byte(byte).as_bytes())
        };
        kept.into_iter().chain(escaped.iter().copied())
    })
}

/// Appends `UriEncode(input)` to `out` (bytes that may not be UTF-8, as a
/// verifier decodes them).
pub(crate) fn push_encoded(out: &mut String, input: &[u8]) {
    match std::str::from_utf8(input) {
        Ok(text) => push_encoded_str(out, text),
        Err(_) => out.extend(percent_encode(input, URI_ENCODE)),
    }
}

/// Appends `UriEncode(input)` to `out`.
pub(crate) fn push_encoded_str(out: &mut String, input: &str) {
    push_with(out, input, &KEEP.uri_encode, false);
}

/// Whether every byte is RFC 3986 unreserved.
pub(crate) fn is_unreserved(input: &[u8]) -> bool {
    let keep = &KEEP.uri_encode;
    input.iter().all(|b| keep[usize::from(*b)])
}

/// Appends `UriEncodeExceptSlash(input)` to `out`.
pub(crate) fn push_encoded_except_slash(out: &mut String, input: &[u8]) {
    match std::str::from_utf8(input) {
        Ok(text) => push_with(out, text, &KEEP.except_slash, false),
        Err(_) => out.extend(percent_encode(input, URI_ENCODE_EXCEPT_SLASH)),
    }
}

/// Appends `UriEncodeExceptSlash(input)` to `out`.
pub(crate) fn push_encoded_except_slash_str(out: &mut String, input: &str) {
    push_with(out, input, &KEEP.except_slash, false);
}

/// Appends `UriEncode(ascii_lowercase(input))` to `out` without a temporary
/// copy: ASCII lower-casing maps kept bytes to kept bytes and leaves every
/// other byte alone, so lower-casing the unescaped runs is the same thing
/// (escapes keep their upper-case hex).
pub(crate) fn push_encoded_lowercase(out: &mut String, input: &str) {
    push_with(out, input, &KEEP.uri_encode, true);
}

/// Percent-decodes once. `+` stays a literal plus (auth-v1.md §8: decoding
/// `+` as space breaks Go and Python requests). Invalid escapes stay as they are.
pub(crate) fn decode_once(input: &str) -> Cow<'_, [u8]> {
    let bytes = input.as_bytes();
    // Most paths and query items hold no escape at all: one vectorised
    // search instead of the decoder's byte-by-byte walk.
    if !bytes.contains(&b'%') {
        return Cow::Borrowed(bytes);
    }
    percent_decode(bytes).into()
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
    fn lowercase_encoding_keeps_escape_case() {
        let mut out = String::new();
        push_encoded_lowercase(&mut out, "X-Bce-Meta:Ä");
        assert_eq!(out, "x-bce-meta%3A%C3%84");
    }

    #[test]
    fn tables_match_the_sets() {
        let kept: Vec<u8> = (0..=u8::MAX)
            .filter(|b| KEEP.uri_encode[usize::from(*b)])
            .collect();
        assert_eq!(
            kept,
            b"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
        );
        assert!(KEEP.except_slash[usize::from(b'/')] && !KEEP.uri_encode[usize::from(b'/')]);
        let mut out = String::new();
        push_encoded(&mut out, b"a\xffb/");
        assert_eq!(out, "a%FFb%2F");
        out.clear();
        push_encoded_except_slash(&mut out, b"/\xe6/");
        assert_eq!(out, "/%E6/");
    }

    #[test]
    fn encoded_bytes_match_the_written_form() {
        for text in ["", "Host", "X-Bce-Meta:Ä", "a b/c~d*e%f", "测试"] {
            let mut written = String::new();
            push_encoded_str(&mut written, text);
            assert_eq!(
                encoded_bytes(text, false).collect::<Vec<u8>>(),
                written.as_bytes()
            );
            written.clear();
            push_encoded_lowercase(&mut written, text);
            assert_eq!(
                encoded_bytes(text, true).collect::<Vec<u8>>(),
                written.as_bytes()
            );
        }
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
