//! The canonical request of auth-v1.md §2.2, built in one place for the
//! signer and for every candidate the verifier tries (§8 step 5): encode each
//! line, sort the lines with the standard library, join them.

use crate::encoding::{push_encoded, push_encoded_except_slash};
use std::borrow::Cow;

/// `Method\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders`, kept as
/// its four parts so that a verifier can combine the variants of each part.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CanonicalRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) uri: &'a str,
    pub(crate) query: &'a str,
    pub(crate) headers: &'a str,
}

impl CanonicalRequest<'_> {
    /// The four parts joined by `\n`, the text that is signed.
    pub(crate) fn to_text(self) -> String {
        let parts = [self.method, self.uri, self.query, self.headers];
        parts.join("\n")
    }
}

/// The canonical URI of an unencoded path: a leading `/` added when missing
/// (so an empty path gives `/`), then `UriEncodeExceptSlash` (auth-v1.md
/// §2.2). Go strips one leading `/` and prepends one again (§5 step 1), which
/// gives the same bytes.
pub(crate) fn uri(path: &[u8]) -> String {
    let mut uri = String::with_capacity(path.len() + 1);
    if path.first() != Some(&b'/') {
        uri.push('/');
    }
    push_encoded_except_slash(&mut uri, path);
    uri
}

/// The canonical query string: `UriEncode(name)=UriEncode(value)` per
/// parameter (a flag without value gives `name=`), sorted, joined by `&`.
/// The encoded lines are sorted, not the names: `a-b=` comes before `a=`.
pub(crate) fn query<'q>(params: impl IntoIterator<Item = (&'q [u8], Option<&'q [u8]>)>) -> String {
    let lines = params.into_iter().map(|(name, value)| {
        let value = value.unwrap_or_default();
        let mut line = String::with_capacity(name.len() + value.len() + 1);
        push_encoded(&mut line, name);
        line.push('=');
        push_encoded(&mut line, value);
        line
    });
    sorted_join(lines.collect(), "&")
}

/// The canonical headers: `UriEncode(name):UriEncode(value)` per header,
/// sorted, joined by `\n`. Callers pass names already lower-cased and values
/// already trimmed, and leave out empty values (auth-v1.md §2.2).
pub(crate) fn headers<'h>(headers: impl IntoIterator<Item = (&'h str, &'h str)>) -> String {
    let lines = headers.into_iter().map(|(name, value)| {
        debug_assert!(!name.bytes().any(|b| b.is_ascii_uppercase()), "{name}");
        let mut line = String::with_capacity(name.len() + value.len() + 1);
        push_encoded(&mut line, name.as_bytes());
        line.push(':');
        push_encoded(&mut line, value.as_bytes());
        line
    });
    sorted_join(lines.collect(), "\n")
}

fn sorted_join(mut lines: Vec<String>, separator: &str) -> String {
    lines.sort_unstable();
    lines.join(separator)
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
    let redact = |item: &str, separator: char| match item
        .strip_prefix(NAME)
        .and_then(|rest| rest.strip_prefix(separator))
    {
        Some(_) => format!("{NAME}{separator}{REDACTED}"),
        None => item.to_owned(),
    };
    let lines: Vec<String> = canonical_request
        .split('\n')
        .enumerate()
        .map(|(index, line)| match index {
            // The query line: items `name=value` joined by `&`.
            2 => line
                .split('&')
                .map(|item| redact(item, '='))
                .collect::<Vec<_>>()
                .join("&"),
            0 | 1 => line.to_owned(),
            _ => redact(line, ':'),
        })
        .collect();
    Cow::Owned(lines.join("\n"))
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
    fn lines_are_ordered_by_their_encoded_bytes() {
        for (items, expected) in [
            (&[][..], ""),
            (&[("b", "2")][..], "b=2"),
            (&[("a", "1"), ("b", "2")][..], "a=1&b=2"),
            (&[("b", "2"), ("a", "1")][..], "a=1&b=2"),
            // `-` (0x2D) sorts before `=` (0x3D) once both are written out.
            (&[("a", "1"), ("a-b", "2")][..], "a-b=2&a=1"),
            (&[("c", ""), ("b", " "), ("a", "x")][..], "a=x&b=%20&c="),
        ] {
            let params = items
                .iter()
                .map(|(name, value)| (name.as_bytes(), Some(value.as_bytes())));
            assert_eq!(query(params), expected);
        }
        // Many lines, given in reverse order.
        let names: Vec<String> = (0..20).rev().map(|n| format!("k{n:02}")).collect();
        let params = names.iter().map(|name| (name.as_bytes(), Some(&b"v"[..])));
        let expected: Vec<String> = (0..20).map(|n| format!("k{n:02}=v")).collect();
        assert_eq!(query(params), expected.join("&"));
    }

    #[test]
    fn parts_are_encoded_and_joined() {
        assert_eq!(
            query([(&b"attach"[..], None), (b"k\xff", Some(&b"a b"[..]))]),
            "attach=&k%FF=a%20b"
        );
        assert_eq!(
            headers([("x-bce-meta", "Ä"), ("host", "127.0.0.1:8080")]),
            "host:127.0.0.1%3A8080\nx-bce-meta:%C3%84"
        );
        assert_eq!(uri(b""), "/");
        assert_eq!(uri(b"v2/a b/\xe6"), "/v2/a%20b/%E6");
        let request = CanonicalRequest {
            method: "GET",
            uri: "/",
            query: "",
            headers: "host:h",
        };
        assert_eq!(request.to_text(), "GET\n/\n\nhost:h");
    }
}
