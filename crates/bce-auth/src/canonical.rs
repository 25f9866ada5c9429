//! The canonical request of auth-v1.md §2.2, built in one place for the
//! signer and for every candidate the verifier tries (§8 step 5): encode each
//! line, sort the lines with the standard library, join them.

use crate::encoding::{push_encoded, push_encoded_except_slash, push_encoded_lowercase};
use std::borrow::Cow;

/// `Method\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders`, kept as
/// its parts so that a verifier can combine the variants of each part. The
/// query and header lines are encoded and sorted already ([`query`],
/// [`headers`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CanonicalRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) uri: &'a str,
    pub(crate) query: &'a [String],
    pub(crate) headers: &'a [String],
}

impl CanonicalRequest<'_> {
    /// The text that is signed: the parts joined by `\n`, the query lines by
    /// `&`, the header lines by `\n`.
    pub(crate) fn to_text(self) -> String {
        let lines_len = |lines: &[String]| lines.iter().map(|line| line.len() + 1).sum::<usize>();
        let len =
            self.method.len() + self.uri.len() + lines_len(self.query) + lines_len(self.headers);
        let mut text = String::with_capacity(len + 2);
        text.push_str(self.method);
        text.push('\n');
        text.push_str(self.uri);
        text.push('\n');
        push_joined(&mut text, self.query, '&');
        text.push('\n');
        push_joined(&mut text, self.headers, '\n');
        text
    }
}

fn push_joined(text: &mut String, lines: &[String], separator: char) {
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            text.push(separator);
        }
        text.push_str(line);
    }
}

/// The canonical URI of an unencoded path: a leading `/` added when missing
/// (so an empty path gives `/`), then `UriEncodeExceptSlash` (auth-v1.md
/// §2.2). Go strips one leading `/` and prepends one again (§5 step 1), which
/// gives the same bytes.
pub(crate) fn uri(path: &[u8]) -> String {
    let mut uri = String::with_capacity(encoded_capacity(path.len()));
    if path.first() != Some(&b'/') {
        uri.push('/');
    }
    push_encoded_except_slash(&mut uri, path);
    uri
}

/// The lines of the canonical query string: `UriEncode(name)=UriEncode(value)`
/// per parameter (a flag without value gives `name=`), sorted. The encoded
/// lines are sorted, not the names: `a-b=` comes before `a=`.
pub(crate) fn query<'q>(
    params: impl IntoIterator<Item = (&'q [u8], Option<&'q [u8]>)>,
) -> Vec<String> {
    let lines = params.into_iter().map(|(name, value)| {
        let value = value.unwrap_or_default();
        let mut line = String::with_capacity(encoded_capacity(name.len() + value.len()));
        push_encoded(&mut line, name);
        line.push('=');
        push_encoded(&mut line, value);
        line
    });
    sorted(lines.collect())
}

/// The lines of the canonical headers: `UriEncode(lowercase(name)):UriEncode(value)`
/// per header, sorted. Callers pass values already trimmed and leave out
/// empty ones (auth-v1.md §2.2).
pub(crate) fn headers<'h>(headers: impl IntoIterator<Item = (&'h str, &'h str)>) -> Vec<String> {
    let lines = headers.into_iter().map(|(name, value)| {
        let mut line = String::with_capacity(encoded_capacity(name.len() + value.len()));
        push_encoded_lowercase(&mut line, name);
        line.push(':');
        push_encoded(&mut line, value.as_bytes());
        line
    });
    sorted(lines.collect())
}

/// Room for a line of `unencoded_len` bytes with every byte escaped (`%XX`)
/// and a separator, so that writing it never reallocates.
fn encoded_capacity(unencoded_len: usize) -> usize {
    3 * unencoded_len + 1
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort_unstable();
    lines
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
            assert_eq!(query(params).join("&"), expected);
        }
        // Many lines, given in reverse order.
        let names: Vec<String> = (0..20).rev().map(|n| format!("k{n:02}")).collect();
        let params = names.iter().map(|name| (name.as_bytes(), Some(&b"v"[..])));
        let expected: Vec<String> = (0..20).map(|n| format!("k{n:02}=v")).collect();
        assert_eq!(query(params).join("&"), expected.join("&"));
    }

    #[test]
    fn parts_are_encoded_and_joined() {
        let query = query([(&b"attach"[..], None), (b"k\xff", Some(&b"a b"[..]))]);
        assert_eq!(query, ["attach=", "k%FF=a%20b"]);
        let headers = headers([("X-Bce-Meta", "Ä"), ("host", "127.0.0.1:8080")]);
        assert_eq!(headers, ["host:127.0.0.1%3A8080", "x-bce-meta:%C3%84"]);
        assert_eq!(uri(b""), "/");
        assert_eq!(uri(b"v2/a b/\xe6"), "/v2/a%20b/%E6");
        let request = CanonicalRequest {
            method: "GET",
            uri: "/",
            query: &[],
            headers: &headers,
        };
        assert_eq!(
            request.to_text(),
            "GET\n/\n\nhost:127.0.0.1%3A8080\nx-bce-meta:%C3%84"
        );
        let request = CanonicalRequest {
            query: &query,
            headers: &[],
            ..request
        };
        assert_eq!(request.to_text(), "GET\n/\nattach=&k%FF=a%20b\n");
    }
}
