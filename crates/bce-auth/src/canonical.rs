//! Pieces of the canonical request (auth-v1.md §2.2) shared by the signer and
//! the verifier, and the two HMAC steps of §2.3.

use crate::encoding::{push_encoded, push_encoded_except_slash};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::borrow::Cow;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The four headers signed by default besides every `x-bce-*` header
/// (auth-v1.md §2.4).
pub(crate) const DEFAULT_SIGNED_HEADERS: [&str; 4] =
    ["host", "content-length", "content-type", "content-md5"];

/// `x-bce-` prefix test, ASCII case-insensitive.
pub(crate) fn is_bce_header(name: &str) -> bool {
    name.as_bytes()
        .get(..6)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"x-bce-"))
}

/// Whether `name` is one of [`DEFAULT_SIGNED_HEADERS`], ASCII case-insensitive.
pub(crate) fn is_default_named_header(name: &str) -> bool {
    DEFAULT_SIGNED_HEADERS
        .iter()
        .any(|d| name.eq_ignore_ascii_case(d))
}

/// Python `bytes.strip()` whitespace: space, `\t`, `\n`, `\r`, `\x0b`, `\x0c`
/// (auth-v1.md §4 step 3). `str::trim_ascii` misses `\x0b`.
pub(crate) fn trim_ascii_whitespace(text: &str) -> &str {
    // Byte-wise: these are ASCII bytes, which never occur inside a multi-byte
    // UTF-8 sequence, so the cut points are character boundaries.
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |last| last + 1);
    text.get(start..end).unwrap_or_default()
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

/// Appends the canonical URI of an unencoded path: `/` for an empty path, a
/// leading `/` added when missing, then `UriEncodeExceptSlash` (auth-v1.md
/// §2.2). Go strips one leading `/` and prepends one again (§5 step 1), which
/// gives the same bytes.
pub(crate) fn push_encoded_path(out: &mut String, path: &[u8]) {
    if path.first() != Some(&b'/') {
        out.push('/');
    }
    push_encoded_except_slash(out, path);
}

/// [`push_encoded_path`] for a path that is already text.
pub(crate) fn push_encoded_path_str(out: &mut String, path: &str) {
    if !path.starts_with('/') {
        out.push('/');
    }
    crate::encoding::push_encoded_except_slash_str(out, path);
}

/// A short list kept on the stack, moved to the heap only past `N` items:
/// requests carry a handful of headers and query parameters, so the usual
/// signature or verification allocates nothing for them.
pub(crate) struct InlineList<T: Copy + Default, const N: usize = INLINE_ITEMS> {
    inline: [T; N],
    inline_len: usize,
    spilled: Vec<T>,
}

/// Up to this many items, [`sort_small_by`] uses insertion sort.
const SMALL_SORT: usize = 16;

/// How many items an [`InlineList`] holds by default before it spills to the
/// heap.
const INLINE_ITEMS: usize = 8;

impl<T: Copy + Default, const N: usize> InlineList<T, N> {
    pub(crate) fn new() -> Self {
        Self {
            inline: [T::default(); N],
            inline_len: 0,
            spilled: Vec::new(),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.inline_len = 0;
        self.spilled.clear();
    }

    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        if self.spilled.is_empty() && self.inline_len < N {
            self.inline[self.inline_len] = item;
            self.inline_len += 1;
        } else {
            if self.spilled.is_empty() {
                self.spilled
                    .extend_from_slice(&self.inline[..self.inline_len]);
            }
            self.spilled.push(item);
        }
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        if self.spilled.is_empty() {
            &self.inline[..self.inline_len]
        } else {
            &self.spilled
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.spilled.is_empty() {
            &mut self.inline[..self.inline_len]
        } else {
            &mut self.spilled
        }
    }
}

/// Sorts a short slice: insertion sort for the usual handful of items (it
/// beats the general sort's set-up), the standard sort beyond that.
pub(crate) fn sort_small_by<T>(
    items: &mut [T],
    mut compare: impl FnMut(&T, &T) -> std::cmp::Ordering,
) {
    if items.len() > SMALL_SORT {
        items.sort_unstable_by(compare);
        return;
    }
    for unsorted in 1..items.len() {
        let mut index = unsorted;
        while index > 0 && compare(&items[index - 1], &items[index]).is_gt() {
            items.swap(index - 1, index);
            index -= 1;
        }
    }
}

/// Lines written straight into the output, then put in order by their bytes
/// and joined by a separator. Ordering happens on the *encoded* strings
/// (auth-v1.md §2.2: `a-b=` sorts before `a=`), so each line is encoded
/// before it is compared. Lines usually arrive in order already; then nothing
/// is copied or allocated.
pub(crate) struct SortedLines {
    /// Where the first line starts in the output.
    start: usize,
    lines: InlineList<(usize, usize)>,
    separator: char,
}

impl SortedLines {
    pub(crate) fn new() -> Self {
        Self {
            start: 0,
            lines: InlineList::new(),
            separator: '\n',
        }
    }

    /// Starts a group of lines joined by `separator` at the end of `out`.
    pub(crate) fn begin(&mut self, out: &str, separator: char) {
        self.start = out.len();
        self.separator = separator;
        self.lines.clear();
    }

    /// Starts a line (after a separator unless it is the first); write it to
    /// `out`, then call [`Self::end_line`] with the returned start.
    pub(crate) fn begin_line(&self, out: &mut String) -> usize {
        if !self.lines.as_slice().is_empty() {
            out.push(self.separator);
        }
        out.len()
    }

    pub(crate) fn end_line(&mut self, start: usize, out: &str) {
        self.lines.push((start, out.len()));
    }

    /// Puts the lines written since [`Self::begin`] in bytewise order.
    pub(crate) fn finish(&mut self, out: &mut String) {
        let lines = self.lines.as_mut_slice();
        let text = out.as_str();
        let bytes =
            |range: &(usize, usize)| text.as_bytes().get(range.0..range.1).unwrap_or_default();
        if lines
            .windows(2)
            .all(|pair| bytes(&pair[0]) <= bytes(&pair[1]))
        {
            return;
        }
        sort_small_by(lines, |a, b| bytes(a).cmp(bytes(b)));
        // Out of order: the lines move to a buffer of their own and come back sorted.
        let unordered = out.split_off(self.start);
        for (index, range) in lines.iter().enumerate() {
            if index > 0 {
                out.push(self.separator);
            }
            out.push_str(
                unordered
                    .get(range.0 - self.start..range.1 - self.start)
                    .unwrap_or_default(),
            );
        }
    }
}

/// Writes one `UriEncode(key)=UriEncode(value)` query line (a flag parameter
/// without value becomes `key=`, auth-v1.md §2.2).
pub(crate) fn push_query_line(
    lines: &mut SortedLines,
    out: &mut String,
    key: &[u8],
    value: Option<&[u8]>,
) {
    let start = lines.begin_line(out);
    push_encoded(out, key);
    out.push('=');
    if let Some(value) = value {
        push_encoded(out, value);
    }
    lines.end_line(start, out);
}

/// Writes one `UriEncode(lowercase(name)):UriEncode(value)` header line.
pub(crate) fn push_header_line(lines: &mut SortedLines, out: &mut String, name: &str, value: &str) {
    let start = lines.begin_line(out);
    crate::encoding::push_encoded_lowercase(out, name);
    out.push(':');
    crate::encoding::push_encoded_str(out, value);
    lines.end_line(start, out);
}

/// The canonical request with the value of an `x-bce-security-token` header
/// line or query item replaced by `**redacted**`, for `Debug` output and
/// error diagnostics: the token is a credential, the rest is not secret.
pub(crate) fn redact_session_token(canonical_request: &str) -> Cow<'_, str> {
    const NAME: &str = "x-bce-security-token";
    const REDACTED: &str = "**redacted**";
    if !canonical_request.contains(NAME) {
        return Cow::Borrowed(canonical_request);
    }
    let mut out = String::with_capacity(canonical_request.len());
    for (index, line) in canonical_request.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let header_value = line
            .strip_prefix(NAME)
            .and_then(|rest| rest.strip_prefix(':'));
        if index == 2 {
            // The query line: items `key=value` joined by `&`.
            for (item_index, item) in line.split('&').enumerate() {
                if item_index > 0 {
                    out.push('&');
                }
                match item
                    .strip_prefix(NAME)
                    .and_then(|rest| rest.strip_prefix('='))
                {
                    Some(_) => {
                        out.push_str(NAME);
                        out.push('=');
                        out.push_str(REDACTED);
                    }
                    None => out.push_str(item),
                }
            }
        } else if index > 2 && header_value.is_some() {
            out.push_str(NAME);
            out.push(':');
            out.push_str(REDACTED);
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// An HMAC-SHA256 keyed with `key`.
pub(crate) fn keyed_hmac(key: &[u8]) -> HmacSha256 {
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC takes keys of any length (long keys are hashed first).
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    }
}

/// Lower-case hex of a finished HMAC, on the stack.
pub(crate) fn finish_hex(mac: HmacSha256) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = mac.finalize().into_bytes();
    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    hex
}

/// `signingKey = hex(HMAC(SK, authStringPrefix))` (auth-v1.md §2.3).
pub(crate) fn signing_key_hex(secret: &str, auth_string_prefix: &str) -> [u8; 64] {
    let mut mac = keyed_hmac(secret.as_bytes());
    mac.update(auth_string_prefix.as_bytes());
    finish_hex(mac)
}

/// View of ASCII hex as `&str` (hex digits are always valid UTF-8).
pub(crate) fn hex_str(hex: &[u8; 64]) -> &str {
    std::str::from_utf8(hex).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_tokens_are_redacted_from_canonical_requests() {
        let canonical =
            "GET\n/\na=1&x-bce-security-token=c2VjcmV0\nhost:h\nx-bce-security-token:c2VjcmV0";
        assert_eq!(
            redact_session_token(canonical),
            "GET\n/\na=1&x-bce-security-token=**redacted**\nhost:h\nx-bce-security-token:**redacted**"
        );
        let plain = "GET\n/\n\nhost:h";
        assert!(matches!(redact_session_token(plain), Cow::Borrowed(text) if text == plain));
    }

    #[test]
    fn lines_are_ordered_by_their_encoded_bytes_after_what_precedes_them() {
        let write = |lines: &mut SortedLines, out: &mut String, items: &[(&str, &str)]| {
            lines.begin(out, '&');
            for (key, value) in items {
                push_query_line(lines, out, key.as_bytes(), Some(value.as_bytes()));
            }
            lines.finish(out);
        };
        let mut lines = SortedLines::new();
        for (items, expected) in [
            (&[][..], "GET\n/\n"),
            (&[("b", "2")][..], "GET\n/\nb=2"),
            (&[("a", "1"), ("b", "2")][..], "GET\n/\na=1&b=2"),
            (&[("b", "2"), ("a", "1")][..], "GET\n/\na=1&b=2"),
            // `-` (0x2D) sorts before `=` (0x3D) once both are written out.
            (&[("a", "1"), ("a-b", "2")][..], "GET\n/\na-b=2&a=1"),
            (
                &[("c", ""), ("b", " "), ("a", "x")][..],
                "GET\n/\na=x&b=%20&c=",
            ),
        ] {
            let mut out = String::from("GET\n/\n");
            write(&mut lines, &mut out, items);
            assert_eq!(out, expected);
        }
        // More lines than are kept on the stack.
        let keys: Vec<String> = (0..20).rev().map(|n| format!("k{n:02}")).collect();
        let items: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "v")).collect();
        let mut out = String::new();
        write(&mut lines, &mut out, &items);
        let expected: Vec<String> = (0..20).map(|n| format!("k{n:02}=v")).collect();
        assert_eq!(out, expected.join("&"));
    }

    #[test]
    fn tokens_and_trims() {
        assert!(is_token("x-bce-date") && is_token("a!#$%&'*+-.^_`|~9"));
        assert!(!is_token("") && !is_token("a b") && !is_token("a:b") && !is_token("é"));
        assert_eq!(trim_ascii_whitespace("\x0b\t v \r\n\x0c"), "v");
        assert_eq!(trim_ascii_whitespace("\u{a0}v\u{a0}"), "\u{a0}v\u{a0}");
        assert_eq!(trim_unicode_whitespace("\u{a0}\u{3000}v\u{2009}"), "v");
    }
}
