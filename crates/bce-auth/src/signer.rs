//! The sans-IO signer: a borrowed request description in, the
//! `Authorization` value and the headers to add out (auth-v1.md §2).

use crate::canonical::{self, CanonicalRequest};
use crate::credentials::Credentials;
use crate::error::SigningError;
use crate::headers::{
    is_bce_header, is_default_named_header, is_token, trim_ascii_whitespace,
    trim_unicode_whitespace,
};
use crate::signature::hex_str;
use crate::timestamp;
use chrono::{DateTime, Datelike, Utc};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// Header carrying the request time (auth-v1.md §4 step 6, §5 step 6).
pub const X_BCE_DATE: &str = "x-bce-date";
/// Header carrying an STS session token (auth-v1.md §5 step 5).
pub const X_BCE_SECURITY_TOKEN: &str = "x-bce-security-token";
/// Version tag, the first field of the auth string (auth-v1.md §1).
pub const AUTH_VERSION: &str = "bce-auth-v1";
/// Default validity of a signature in seconds (auth-v1.md §1).
pub const DEFAULT_EXPIRATION_SECS: u32 = 1800;

/// A borrowed description of the request to sign.
#[derive(Clone, Copy, Debug)]
pub struct SignableRequest<'a> {
    /// HTTP method, used as given (BCE methods are upper case).
    pub method: &'a str,
    /// The path, *unencoded* (e.g. `/v2/keypair/k-abc`) under
    /// [`PathEncoding::Encode`]; the exact canonical URI under
    /// [`PathEncoding::Verbatim`].
    pub path: &'a str,
    /// Query parameters, unencoded. `None` is a flag parameter such as
    /// `attach`, canonicalised as `attach=`.
    pub query: &'a [(&'a str, Option<&'a str>)],
    /// Headers as they will be sent. Each pair is one canonical line; pass one
    /// pair per name with repeated values joined by `,` (the verifier merges
    /// repeated headers that way).
    pub headers: &'a [(&'a str, &'a str)],
}

/// Which headers go into the canonical request (auth-v1.md §2.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HeadersToSign {
    /// `host`, `content-length`, `content-type`, `content-md5` and every
    /// `x-bce-*` header (under [`Compat::Go`] without `x-bce-request-id`).
    #[default]
    Default,
    /// Exactly these header names (ASCII case-insensitive) under
    /// [`Compat::Standard`]. An empty list means [`HeadersToSign::Default`],
    /// because an empty `signedHeaders` field means the default set on the
    /// wire. [`Compat::Python`] and [`Compat::Go`] apply their SDK's rules to
    /// the list instead (see [`Compat`]).
    Only(Vec<String>),
}

/// How the `signedHeaders` field of the auth string is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignedHeadersField {
    /// The lower-case names actually signed, sorted, joined by `;` (Go, Java).
    /// The default: the field then says exactly what was signed, so a
    /// verifier never has to guess.
    #[default]
    Listed,
    /// Always empty (`…/1800//sig`), which tells verifiers "the default set"
    /// (the Python SDK with its default header set).
    Empty,
    /// The names of [`HeadersToSign::Only`] exactly as given, unsorted; empty
    /// for the default set. Reproduces the Python SDK byte for byte, even
    /// where its field disagrees with what it signed (auth-v1.md §4 step 4).
    AsRequested,
}

/// How the request path becomes the canonical URI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PathEncoding {
    /// `UriEncodeExceptSlash` of the unencoded path, `/` for an empty path, a
    /// leading `/` added when missing (the documented rule; Go, Java).
    #[default]
    Encode,
    /// The path is the canonical URI as given, byte for byte (the Python SDK,
    /// auth-v1.md §4 step 1). The caller must then send that same path.
    Verbatim,
}

/// Which signer's rules pick, trim and filter headers and query parameters.
///
/// | rule | `Standard` | `Python` (§4) | `Go` (§5) |
/// |------|------------|---------------|-----------|
/// | `authorization` query param | dropped (any case) | signed | dropped (any case) |
/// | explicit header list | exactly the list | list ∪ every `x-bce-*` | list ∪ `x-bce-*` except `x-bce-request-id` |
/// | default set | §2.4 | §2.4 | §2.4 without `x-bce-request-id` |
/// | list entries compared | case-insensitively | as given (`Host` matches nothing) | as given |
/// | empty explicit list | default set | default set | only `x-bce-*` (Go nil map) |
/// | `Authorization` header | never signed | signed if listed | never signed |
/// | header names | ASCII-trimmed | ASCII-trimmed | as given |
/// | header values trimmed | ASCII whitespace | ASCII whitespace | Unicode whitespace |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compat {
    /// auth-v1.md §2: the documented algorithm.
    #[default]
    Standard,
    /// `bce-python-sdk` 0.9.79 `bce_v1_signer.sign`, quirks included.
    Python,
    /// `bce-sdk-go` 0.9.273 `BceV1Signer.Sign`, quirks included.
    Go,
}

/// Options of [`sign`]. Build with struct update syntax:
/// `SigningSettings { expiration_secs: 600, ..SigningSettings::default() }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningSettings {
    /// Validity of the signature from the signing time; default 1800.
    pub expiration_secs: u32,
    /// Which headers to sign; default [`HeadersToSign::Default`].
    pub headers_to_sign: HeadersToSign,
    /// How to write the `signedHeaders` field; default [`SignedHeadersField::Listed`].
    pub signed_headers_field: SignedHeadersField,
    /// How to turn the path into the canonical URI; default [`PathEncoding::Encode`].
    pub path_encoding: PathEncoding,
    /// Whose header and query rules to follow; default [`Compat::Standard`].
    pub compat: Compat,
    /// Add `x-bce-date` (the signing time) when the request has none; default
    /// `true`. Reproducing an SDK call exactly needs `false`.
    pub add_date_header: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            expiration_secs: DEFAULT_EXPIRATION_SECS,
            headers_to_sign: HeadersToSign::Default,
            signed_headers_field: SignedHeadersField::Listed,
            path_encoding: PathEncoding::Encode,
            compat: Compat::Standard,
            add_date_header: true,
        }
    }
}

impl SigningSettings {
    /// Signs as the Python SDK's BCC client does: path verbatim, Python rules,
    /// empty `signedHeaders` field.
    #[must_use]
    pub fn python_sdk() -> Self {
        Self {
            signed_headers_field: SignedHeadersField::AsRequested,
            path_encoding: PathEncoding::Verbatim,
            compat: Compat::Python,
            ..Self::default()
        }
    }

    /// Signs as the Go SDK's BCC client does: encoded path, Go rules, sorted
    /// `signedHeaders` field.
    #[must_use]
    pub fn go_sdk() -> Self {
        Self {
            compat: Compat::Go,
            ..Self::default()
        }
    }
}

/// The result of [`sign`]: what the caller adds to the request.
#[derive(Clone)]
pub struct SigningOutput {
    authorization: String,
    prefix_len: usize,
    headers: Vec<(&'static str, String)>,
    canonical_request: String,
}

impl SigningOutput {
    /// The value of the `Authorization` header.
    #[must_use]
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// Headers the caller must add before sending: `x-bce-date` when the
    /// request had none (and [`SigningSettings::add_date_header`] is set), and
    /// `x-bce-security-token` for session credentials when the request carries
    /// no token. They took part in signing like any other header.
    #[must_use]
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// The canonical request that was signed, for diagnostics (no secrets).
    #[must_use]
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// `bce-auth-v1/{ak}/{timestamp}/{expiration}`.
    #[must_use]
    pub fn auth_string_prefix(&self) -> &str {
        self.authorization
            .get(..self.prefix_len)
            .unwrap_or_default()
    }

    /// The `signedHeaders` field as written.
    #[must_use]
    pub fn signed_headers_field(&self) -> &str {
        let end = self.authorization.len().saturating_sub(65);
        self.authorization
            .get(self.prefix_len + 1..end)
            .unwrap_or_default()
    }

    /// The signature: 64 lower-case hex digits.
    #[must_use]
    pub fn signature(&self) -> &str {
        let start = self.authorization.len().saturating_sub(64);
        self.authorization.get(start..).unwrap_or_default()
    }
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The added headers may hold the session token: show names only,
        // and mask the token in the canonical request.
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("SigningOutput")
            .field("authorization", &self.authorization)
            .field("added_headers", &names)
            .field(
                "canonical_request",
                &canonical::redact_session_token(&self.canonical_request),
            )
            .finish()
    }
}

/// The list of names a header is matched against, after each profile's rule
/// for an empty explicit list.
enum Selection<'s> {
    DefaultSet,
    Listed(&'s [String]),
}

/// Signs `request` at `time`: returns the `Authorization` value and the
/// headers to add. Never reads the clock and performs no IO.
///
/// The steps: check the inputs, choose the headers to add, pick the signed
/// headers, build the canonical request (auth-v1.md §2.2), then write the
/// auth string with its signature (§2.3).
///
/// # Errors
/// [`SigningError`] when the input cannot give a well-formed auth string: an
/// empty access key or one with `/`, a method that is not a token, a signed
/// header name that is not a token, expiration 0, or a year outside 0..=9999.
pub fn sign(
    request: &SignableRequest<'_>,
    credentials: &Credentials,
    time: DateTime<Utc>,
    settings: &SigningSettings,
) -> Result<SigningOutput, SigningError> {
    check_inputs(request, credentials, settings)?;
    let timestamp =
        timestamp::format(&time).ok_or(SigningError::TimestampOutOfRange { year: time.year() })?;
    let added = headers_to_add(request, credentials, &timestamp, settings);
    let sent_headers = request.headers.iter().copied();
    let added_headers = added.iter().map(|(name, value)| (*name, value.as_str()));
    let signed = signed_headers(sent_headers.chain(added_headers), settings)?;
    let canonical_request = canonical_request(request, &signed, settings);

    let mut authorization = auth_string_prefix(credentials, &timestamp, settings);
    let prefix_len = authorization.len();
    let signature = credentials
        .signing_key(&authorization)
        .sign_hex(&canonical_request);
    authorization.push('/');
    push_signed_headers_field(&mut authorization, &signed, settings)?;
    authorization.push('/');
    authorization.push_str(hex_str(&signature));
    Ok(SigningOutput {
        authorization,
        prefix_len,
        headers: added,
        canonical_request,
    })
}

/// `bce-auth-v1/{accessKeyId}/{timestamp}/{expirationPeriodInSeconds}`, in a
/// buffer with room for the rest of the auth string.
fn auth_string_prefix(
    credentials: &Credentials,
    timestamp: &str,
    settings: &SigningSettings,
) -> String {
    // The prefix, a `signedHeaders` field of the default set and the
    // signature fit in about 200 bytes; a longer field grows the buffer.
    let mut prefix = String::with_capacity(256);
    let mut expiration = itoa::Buffer::new();
    let parts = [
        AUTH_VERSION,
        credentials.access_key_id(),
        timestamp,
        expiration.format(settings.expiration_secs),
    ];
    for (index, part) in parts.into_iter().enumerate() {
        if index > 0 {
            prefix.push('/');
        }
        prefix.push_str(part);
    }
    prefix
}

/// The checks that keep the auth string parseable (auth-v1.md §1).
fn check_inputs(
    request: &SignableRequest<'_>,
    credentials: &Credentials,
    settings: &SigningSettings,
) -> Result<(), SigningError> {
    let access_key_id = credentials.access_key_id();
    if access_key_id.is_empty()
        || access_key_id.contains('/')
        || access_key_id.chars().any(char::is_control)
    {
        return Err(SigningError::InvalidAccessKeyId);
    }
    if !is_token(request.method) {
        return Err(SigningError::InvalidMethod {
            method: request.method.to_owned(),
        });
    }
    if settings.expiration_secs == 0 {
        return Err(SigningError::InvalidExpiration);
    }
    Ok(())
}

/// The headers the request lacks and the signer adds (and signs).
fn headers_to_add(
    request: &SignableRequest<'_>,
    credentials: &Credentials,
    timestamp: &str,
    settings: &SigningSettings,
) -> Vec<(&'static str, String)> {
    let mut added = Vec::new();
    if settings.add_date_header && !has_header(request.headers, X_BCE_DATE) {
        added.push((X_BCE_DATE, timestamp.to_owned()));
    }
    let token_in_query = request
        .query
        .iter()
        .any(|(name, _)| *name == X_BCE_SECURITY_TOKEN);
    if let Some(token) = credentials.session_token()
        && !has_header(request.headers, X_BCE_SECURITY_TOKEN)
        && !token_in_query
    {
        // Go adds the token header itself unless a query parameter of that
        // name carries it (auth-v1.md §5 step 5); Java and the Python BOS
        // client do the same before signing.
        added.push((X_BCE_SECURITY_TOKEN, token.expose().to_owned()));
    }
    added
}

/// A header that takes part in signing: its name and its trimmed value.
type SignedHeader<'a> = (&'a str, &'a str);

/// The headers to sign, trimmed and selected by the rules of
/// [`SigningSettings::compat`] (see the table on [`Compat`]); empty values
/// are left out (auth-v1.md §2.2).
fn signed_headers<'a>(
    headers: impl Iterator<Item = (&'a str, &'a str)>,
    settings: &'a SigningSettings,
) -> Result<Vec<SignedHeader<'a>>, SigningError> {
    let compat = settings.compat;
    let selection = match (&settings.headers_to_sign, compat) {
        (HeadersToSign::Only(list), Compat::Go) => Selection::Listed(list),
        (HeadersToSign::Only(list), _) if !list.is_empty() => Selection::Listed(list),
        _ => Selection::DefaultSet,
    };
    let mut signed = Vec::with_capacity(headers.size_hint().0);
    for (raw_name, raw_value) in headers {
        let (name, value) = match compat {
            Compat::Go => (raw_name, trim_unicode_whitespace(raw_value)),
            Compat::Standard | Compat::Python => (
                trim_ascii_whitespace(raw_name),
                trim_ascii_whitespace(raw_value),
            ),
        };
        if value.is_empty() || !is_selected(name, compat, &selection) {
            continue;
        }
        if !is_token(name) {
            return Err(SigningError::InvalidHeaderName {
                name: raw_name.to_owned(),
            });
        }
        signed.push((name, value));
    }
    // The order of the `signedHeaders` field; the canonical lines sort anew.
    signed.sort_unstable_by(|a, b| cmp_ignoring_ascii_case(a.0, b.0));
    Ok(signed)
}

/// `Method\nCanonicalURI\nCanonicalQueryString\nCanonicalHeaders`.
fn canonical_request(
    request: &SignableRequest<'_>,
    signed: &[SignedHeader<'_>],
    settings: &SigningSettings,
) -> String {
    let uri = match settings.path_encoding {
        PathEncoding::Encode => Cow::Owned(canonical::uri(request.path.as_bytes())),
        PathEncoding::Verbatim => Cow::Borrowed(request.path),
    };
    // The Python signer's `authorization` exclusion never fires (it compares
    // the method object `k.lower`), auth-v1.md §4 step 2.
    let keeps_authorization = settings.compat == Compat::Python;
    let params = request
        .query
        .iter()
        .filter(|(name, _)| keeps_authorization || !name.eq_ignore_ascii_case("authorization"))
        .map(|(name, value)| (name.as_bytes(), value.map(str::as_bytes)));
    let query = canonical::query(params);
    let headers = canonical::headers(signed.iter().copied());
    CanonicalRequest {
        method: request.method,
        uri: &uri,
        query: &query,
        headers: &headers,
    }
    .to_text()
}

/// Appends the `signedHeaders` field of the auth string (auth-v1.md §1).
fn push_signed_headers_field(
    authorization: &mut String,
    signed: &[SignedHeader<'_>],
    settings: &SigningSettings,
) -> Result<(), SigningError> {
    match (settings.signed_headers_field, &settings.headers_to_sign) {
        (SignedHeadersField::Listed, _) => {
            // `signed` is sorted by name (`x-bce-a` before `x-bce-a-b`,
            // unlike their lines); Go writes the names sorted, lower-case,
            // de-duplicated.
            let mut previous: Option<&str> = None;
            for (name, _) in signed {
                if previous.is_some_and(|previous| previous.eq_ignore_ascii_case(name)) {
                    continue;
                }
                if previous.is_some() {
                    authorization.push(';');
                }
                push_lowercase(authorization, name);
                previous = Some(name);
            }
        }
        (SignedHeadersField::AsRequested, HeadersToSign::Only(list)) => {
            if let Some(name) = list.iter().find(|name| !is_token(name)) {
                return Err(SigningError::InvalidHeaderName { name: name.clone() });
            }
            authorization.push_str(&list.join(";"));
        }
        (SignedHeadersField::Empty | SignedHeadersField::AsRequested, _) => {}
    }
    Ok(())
}

fn push_lowercase(out: &mut String, text: &str) {
    let start = out.len();
    out.push_str(text);
    if let Some(pushed) = out.get_mut(start..) {
        pushed.make_ascii_lowercase();
    }
}

fn cmp_ignoring_ascii_case(a: &str, b: &str) -> Ordering {
    let a = a.bytes().map(|byte| byte.to_ascii_lowercase());
    a.cmp(b.bytes().map(|byte| byte.to_ascii_lowercase()))
}

fn has_header(headers: &[(&str, &str)], wanted: &str) -> bool {
    headers
        .iter()
        .any(|(name, _)| trim_ascii_whitespace(name).eq_ignore_ascii_case(wanted))
}

/// `lowercase(name) == given`, the comparison both SDKs make against the
/// caller's list (so a capitalised entry matches nothing).
fn lowercase_equals(name: &str, given: &str) -> bool {
    name.len() == given.len()
        && name
            .bytes()
            .zip(given.bytes())
            .all(|(n, g)| n.to_ascii_lowercase() == g)
}

/// Whether a header (name already trimmed per profile) is signed; see the
/// table on [`Compat`].
fn is_selected(name: &str, compat: Compat, selection: &Selection<'_>) -> bool {
    let authorization = name.eq_ignore_ascii_case("authorization");
    match compat {
        Compat::Standard => {
            !authorization
                && match selection {
                    Selection::DefaultSet => is_default_named_header(name) || is_bce_header(name),
                    Selection::Listed(list) => {
                        list.iter().any(|given| name.eq_ignore_ascii_case(given))
                    }
                }
        }
        Compat::Python => match selection {
            Selection::DefaultSet => is_default_named_header(name) || is_bce_header(name),
            Selection::Listed(list) => {
                is_bce_header(name) || list.iter().any(|given| lowercase_equals(name, given))
            }
        },
        Compat::Go => {
            !authorization
                && ((is_bce_header(name) && !name.eq_ignore_ascii_case("x-bce-request-id"))
                    || match selection {
                        Selection::DefaultSet => is_default_named_header(name),
                        Selection::Listed(list) => {
                            list.iter().any(|given| lowercase_equals(name, given))
                        }
                    })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn official_time() -> DateTime<Utc> {
        Utc.timestamp_opt(1_430_123_029, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn official_example_default_headers() {
        // auth-v1.md §3
        let request = SignableRequest {
            method: "PUT",
            path: "/v1/test/myfolder/readme.txt",
            query: &[
                ("partNumber", Some("9")),
                ("uploadId", Some("a44cc9bab11cbd156984767aad637851")),
            ],
            headers: &[
                ("Host", "bj.bcebos.com"),
                ("Date", "Mon, 27 Apr 2015 16:23:49 +0800"),
                ("Content-Type", "text/plain"),
                ("Content-Length", "8"),
                ("Content-Md5", "NFzcPqhviddjRNnSOGo4rw=="),
                ("x-bce-date", "2015-04-27T08:23:49Z"),
            ],
        };
        let creds = Credentials::new("a".repeat(32), "b".repeat(32));
        let settings = SigningSettings {
            signed_headers_field: SignedHeadersField::Empty,
            ..SigningSettings::default()
        };
        let out = sign(&request, &creds, official_time(), &settings);
        let out = out.as_ref().map(SigningOutput::authorization);
        assert_eq!(
            out,
            Ok(
                "bce-auth-v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/2015-04-27T08:23:49Z/1800//d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e"
            )
        );
    }

    #[test]
    fn added_headers_are_signed_and_listed() {
        let request = SignableRequest {
            method: "GET",
            path: "/v2/keypair",
            query: &[],
            headers: &[("Host", "bcc.bj.baidubce.com")],
        };
        let creds = Credentials::new("ak", "sk").with_session_token("tok");
        let out = sign(
            &request,
            &creds,
            official_time(),
            &SigningSettings::default(),
        );
        let Ok(out) = out else {
            panic!("signing failed: {out:?}");
        };
        assert_eq!(
            out.headers(),
            &[
                ("x-bce-date", "2015-04-27T08:23:49Z".to_owned()),
                ("x-bce-security-token", "tok".to_owned())
            ]
        );
        assert_eq!(
            out.signed_headers_field(),
            "host;x-bce-date;x-bce-security-token"
        );
        assert_eq!(
            out.canonical_request(),
            "GET\n/v2/keypair\n\nhost:bcc.bj.baidubce.com\nx-bce-date:2015-04-27T08%3A23%3A49Z\nx-bce-security-token:tok"
        );
        assert_eq!(
            out.auth_string_prefix(),
            "bce-auth-v1/ak/2015-04-27T08:23:49Z/1800"
        );
        assert_eq!(out.signature().len(), 64);
        // Debug lists the added header names, not their values, and masks
        // the token inside the canonical request.
        assert!(!format!("{out:?}").contains(":tok"));
        assert!(
            format!("{out:?}").contains(r#"added_headers: ["x-bce-date", "x-bce-security-token"]"#)
        );
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let request = SignableRequest {
            method: "GET",
            path: "/",
            query: &[],
            headers: &[],
        };
        let time = official_time();
        let settings = SigningSettings::default();
        assert_eq!(
            sign(&request, &Credentials::new("a/b", "s"), time, &settings).err(),
            Some(SigningError::InvalidAccessKeyId)
        );
        assert_eq!(
            sign(&request, &Credentials::new("", "s"), time, &settings).err(),
            Some(SigningError::InvalidAccessKeyId)
        );
        let zero = SigningSettings {
            expiration_secs: 0,
            ..SigningSettings::default()
        };
        assert_eq!(
            sign(&request, &Credentials::new("a", "s"), time, &zero).err(),
            Some(SigningError::InvalidExpiration)
        );
        let bad_method = SignableRequest {
            method: "GE T",
            ..request
        };
        assert!(matches!(
            sign(&bad_method, &Credentials::new("a", "s"), time, &settings),
            Err(SigningError::InvalidMethod { .. })
        ));
        let bad_header = SignableRequest {
            headers: &[("x-bce-a b", "v")],
            ..request
        };
        assert!(matches!(
            sign(&bad_header, &Credentials::new("a", "s"), time, &settings),
            Err(SigningError::InvalidHeaderName { .. })
        ));
        let far = Utc
            .with_ymd_and_hms(10000, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            sign(&request, &Credentials::new("a", "s"), far, &settings).err(),
            Some(SigningError::TimestampOutOfRange { year: 10000 })
        );
    }

    #[test]
    fn listed_field_sorts_names_not_lines() {
        // Lines sort as `x-bce-a-b:` < `x-bce-a:` (auth-v1.md §2.2), names as
        // `x-bce-a` < `x-bce-a-b`; a name with an escaped character takes the
        // slow path and still comes out lower-cased, sorted and de-duplicated.
        let headers = [
            ("x-bce-a-b", "2"),
            ("X-Bce-A", "1"),
            ("x-bce-a", "3"),
            ("Host", "h"),
        ];
        let request = SignableRequest {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
        };
        let creds = Credentials::new("ak", "sk");
        let settings = SigningSettings {
            add_date_header: false,
            ..SigningSettings::default()
        };
        let out = sign(&request, &creds, official_time(), &settings);
        let out = out.as_ref().expect("signable");
        assert_eq!(out.signed_headers_field(), "host;x-bce-a;x-bce-a-b");
        assert_eq!(
            out.canonical_request(),
            "GET\n/\n\nhost:h\nx-bce-a-b:2\nx-bce-a:1\nx-bce-a:3"
        );
        let odd = [("X-Bce-Odd*Name", "v"), ("host", "h")];
        let out = sign(
            &SignableRequest {
                headers: &odd,
                ..request
            },
            &creds,
            official_time(),
            &settings,
        );
        let out = out.as_ref().expect("signable");
        assert_eq!(out.signed_headers_field(), "host;x-bce-odd*name");
        assert!(
            out.canonical_request().ends_with("\nx-bce-odd%2Aname:v"),
            "{out:?}"
        );
    }

    #[test]
    fn many_headers_are_sorted_and_listed() {
        let names: Vec<String> = (0..40)
            .rev()
            .map(|i| format!("x-bce-meta-{i:02}"))
            .collect();
        let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        let request = SignableRequest {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
        };
        let settings = SigningSettings {
            add_date_header: false,
            ..SigningSettings::default()
        };
        let out = sign(
            &request,
            &Credentials::new("ak", "sk"),
            official_time(),
            &settings,
        );
        let out = out.as_ref().expect("signable");
        let expected: Vec<String> = (0..40).map(|i| format!("x-bce-meta-{i:02}")).collect();
        assert_eq!(out.signed_headers_field(), expected.join(";"));
        let lines: Vec<&str> = out.canonical_request().lines().skip(3).collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!(lines.len(), 40);
        assert_eq!(lines, sorted);
    }
}
