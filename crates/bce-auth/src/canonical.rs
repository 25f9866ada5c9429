//! Pieces of the canonical request (auth-v1.md §2.2) shared by the signer and
//! the verifier, and the two HMAC steps of §2.3.

use crate::encoding::{push_encoded, push_encoded_except_slash};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::ops::Range;

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
    text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'))
}

/// Go `strings.TrimSpace`: Unicode `White_Space`, the same set as Rust's
/// `char::is_whitespace` (includes U+00A0, U+0085, U+3000, ...).
pub(crate) fn trim_unicode_whitespace(text: &str) -> &str {
    text.trim()
}

/// RFC 9110 `token`: the characters a header name or method may contain.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
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

/// Lines written into one buffer, then emitted sorted by their bytes and
/// joined. Sorting happens on the *encoded* strings (auth-v1.md §2.2: `a-b=`
/// sorts before `a=`), so each line is encoded before it is compared.
#[derive(Default)]
pub(crate) struct SortedLines {
    buffer: String,
    lines: Vec<Range<usize>>,
}

impl SortedLines {
    pub(crate) fn with_capacity(bytes: usize, lines: usize) -> Self {
        Self {
            buffer: String::with_capacity(bytes),
            lines: Vec::with_capacity(lines),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.buffer.clear();
        self.lines.clear();
    }

    /// Starts a line; write it with [`Self::buffer`], then call [`Self::end_line`].
    pub(crate) fn begin_line(&self) -> usize {
        self.buffer.len()
    }

    pub(crate) fn buffer(&mut self) -> &mut String {
        &mut self.buffer
    }

    pub(crate) fn end_line(&mut self, start: usize) {
        self.lines.push(start..self.buffer.len());
    }

    /// Sorts the lines bytewise, optionally drops duplicates, and appends
    /// them to `out` separated by `separator`.
    pub(crate) fn push_sorted(&mut self, out: &mut String, separator: char, dedup: bool) {
        let buffer = &self.buffer;
        self.lines
            .sort_unstable_by(|a, b| buffer[a.clone()].cmp(&buffer[b.clone()]));
        if dedup {
            self.lines
                .dedup_by(|a, b| buffer[a.clone()] == buffer[b.clone()]);
        }
        for (index, line) in self.lines.iter().enumerate() {
            if index > 0 {
                out.push(separator);
            }
            out.push_str(&buffer[line.clone()]);
        }
    }
}

/// Writes one `UriEncode(key)=UriEncode(value)` query line (a flag parameter
/// without value becomes `key=`, auth-v1.md §2.2).
pub(crate) fn push_query_line(lines: &mut SortedLines, key: &[u8], value: Option<&[u8]>) {
    let start = lines.begin_line();
    let buffer = lines.buffer();
    push_encoded(buffer, key);
    buffer.push('=');
    if let Some(value) = value {
        push_encoded(buffer, value);
    }
    lines.end_line(start);
}

/// Writes one `UriEncode(lowercase(name)):UriEncode(value)` header line.
pub(crate) fn push_header_line(lines: &mut SortedLines, name: &str, value: &str) {
    let start = lines.begin_line();
    let buffer = lines.buffer();
    crate::encoding::push_encoded_lowercase(buffer, name.as_bytes());
    buffer.push(':');
    push_encoded(buffer, value.as_bytes());
    lines.end_line(start);
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
    let digest = mac.finalize().into_bytes();
    let mut hex = [0u8; 64];
    // 32 bytes always fill 64 hex digits exactly, so this cannot fail.
    if hex::encode_to_slice(digest, &mut hex).is_err() {
        unreachable!("a SHA-256 digest is 32 bytes");
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
