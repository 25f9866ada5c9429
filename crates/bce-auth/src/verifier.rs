//! Server-side verification (auth-v1.md §8): accepts what the official
//! Python, Go and Java SDKs send, rejects everything else with a typed error.

use crate::authorization::AuthString;
use crate::canonical::{self, CanonicalRequest};
use crate::credentials::{CredentialStore, Credentials};
use crate::encoding::decode_once;
use crate::error::VerifyError;
use crate::headers::{
    is_bce_header, is_default_named_header, trim_ascii_whitespace, trim_unicode_whitespace,
};
use crate::key_cache::SigningKeyCache;
use crate::query::Query;
use crate::signature::HmacSha256;
use crate::signer::{X_BCE_DATE, X_BCE_SECURITY_TOKEN};
use crate::timestamp;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::Mac;
use std::borrow::Cow;
use std::fmt;
use subtle::ConstantTimeEq;

/// What the server received, raw.
#[derive(Clone, Copy, Debug)]
pub struct VerifiableRequest<'a> {
    /// The method as received.
    pub method: &'a str,
    /// The path exactly as on the request line, still percent-encoded.
    pub raw_path: &'a str,
    /// The query exactly as received, without `?`; `None` when there is none.
    pub raw_query: Option<&'a str>,
    /// The headers as received (any name case). Repeated names are merged
    /// with `,` in order of appearance.
    pub headers: &'a [(&'a str, &'a str)],
}

/// Time limits of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifySettings {
    /// How far the auth-string timestamp may lie in the future (clock skew
    /// allowance); default 900 s (errors.md §4 row 4).
    pub max_future_skew_secs: i64,
    /// How far `x-bce-date`, when present, may be from `now` in either
    /// direction; default 1800 s (auth-v1.md §8 step 4, source A5). An
    /// `x-bce-date` that is not a real `YYYY-MM-DDThh:mm:ssZ` cannot be placed
    /// in the window and is rejected the same way (`RequestExpired`).
    pub max_date_skew_secs: i64,
}

impl Default for VerifySettings {
    fn default() -> Self {
        Self {
            max_future_skew_secs: 900,
            max_date_skew_secs: 1800,
        }
    }
}

/// A request that passed verification.
#[derive(Clone)]
pub struct Verified {
    access_key_id: String,
    session_token: Option<String>,
    timestamp: DateTime<Utc>,
    canonical_request: String,
}

impl Verified {
    /// The access key id that signed the request.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The STS session token the request presented, if any.
    #[must_use]
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// The auth-string timestamp.
    #[must_use]
    pub fn timestamp(&self) -> DateTime<Utc> {
        self.timestamp
    }

    /// The canonical request whose signature matched.
    #[must_use]
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical request whose signature matched, taken without a copy (for a server
    /// that keeps it, say in a request log).
    #[must_use]
    pub fn into_canonical_request(self) -> String {
        self.canonical_request
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("access_key_id", &self.access_key_id)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "**redacted**"),
            )
            .field("timestamp", &self.timestamp)
            .field(
                "canonical_request",
                &canonical::redact_session_token(&self.canonical_request),
            )
            .finish()
    }
}

/// Verifies a received request at server time `now` (auth-v1.md §8).
///
/// Checks, in order: an auth string is present (`AccessDenied`), it parses
/// (`InvalidHTTPAuthHeader`), the access key and session token are known
/// (`InvalidAccessKeyId`), the time window holds (`RequestExpired`), and one
/// candidate canonical request reproduces the signature
/// (`SignatureDoesNotMatch`). The signing key is derived once; the other
/// candidates are built only when the primary one fails, and the first match
/// wins.
///
/// # Errors
/// The first failing check as a [`VerifyError`]; see [`VerifyError::code`].
pub fn verify<S: CredentialStore + ?Sized>(
    request: &VerifiableRequest<'_>,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
) -> Result<Verified, VerifyError> {
    verify_received(&Received::new(request), store, now, settings, None)
}

/// [`verify`], taking the signing key from `keys` when an earlier request
/// used the same secret and auth-string prefix, and leaving it there for the
/// next one. Same checks, same answers.
///
/// ```
/// use bce_auth::{Credentials, SigningKeyCache, VerifiableRequest, VerifySettings, verify_cached};
/// use chrono::{TimeZone, Utc};
/// use std::collections::HashMap;
///
/// let now = Utc.with_ymd_and_hms(2015, 4, 27, 8, 23, 49).unwrap();
/// let store = HashMap::from([("ak".to_owned(), Credentials::new("ak", "sk"))]);
/// let headers = [
///     ("host", "bcc.bj.baidubce.com"),
///     ("authorization", "bce-auth-v1/ak/2015-04-27T08:23:49Z/1800/host/\
///         0000000000000000000000000000000000000000000000000000000000000000"),
/// ];
/// let request = VerifiableRequest { method: "GET", raw_path: "/v2/keypair", raw_query: None, headers: &headers };
/// let mut keys = SigningKeyCache::default();
/// // A wrong signature still fails; the derived key stays for the next request.
/// assert!(verify_cached(&request, &store, now, &VerifySettings::default(), &mut keys).is_err());
/// assert_eq!(keys.len(), 1);
/// ```
///
/// # Errors
/// As [`verify`].
pub fn verify_cached<S: CredentialStore + ?Sized>(
    request: &VerifiableRequest<'_>,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
    keys: &mut SigningKeyCache,
) -> Result<Verified, VerifyError> {
    verify_received(&Received::new(request), store, now, settings, Some(keys))
}

/// A [`VerifiableRequest`] with its headers merged, however they arrived:
/// the `http` adapter merges a `HeaderMap` directly, without a list of pairs
/// in between.
pub(crate) struct Received<'a> {
    pub(crate) method: &'a str,
    pub(crate) raw_path: &'a str,
    pub(crate) raw_query: Option<&'a str>,
    pub(crate) headers: ReceivedHeaders<'a>,
}

impl<'a> Received<'a> {
    fn new(request: &VerifiableRequest<'a>) -> Self {
        Self {
            method: request.method,
            raw_path: request.raw_path,
            raw_query: request.raw_query,
            headers: ReceivedHeaders::new(request.headers),
        }
    }
}

/// [`verify`] and [`verify_cached`] of a received request.
pub(crate) fn verify_received<S: CredentialStore + ?Sized>(
    request: &Received<'_>,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
    keys: Option<&mut SigningKeyCache>,
) -> Result<Verified, VerifyError> {
    let headers = &request.headers;
    let query = Query::parse(request.raw_query);

    // 1. and 2. Find the auth string and parse it strictly.
    let auth_text = find_auth_string(headers, &query)?;
    let auth = AuthString::parse(&auth_text)?;

    // 3. Access key and STS token.
    let credentials = store
        .lookup(auth.access_key_id())
        .ok_or_else(|| unknown_access_key(&auth))?;
    let session_token = check_session_token(&credentials, headers, &query, &auth)?;

    // 4. Time window.
    check_time(&auth, headers, now, settings)?;

    // 5. Candidates, with the signing key derived once (or reused from `keys`).
    let derived;
    let keyed: &HmacSha256 = match keys {
        Some(keys) => keys.keyed_hmac(&credentials, auth.auth_string_prefix()),
        None => {
            derived = credentials
                .signing_key(auth.auth_string_prefix())
                .keyed_hmac();
            &derived
        }
    };
    let signature = auth.signature();
    let canonical_request = Candidates::new(request, &query, &auth)
        .find(|canonical_request| signature_matches(keyed, canonical_request, &signature))?;
    Ok(Verified {
        access_key_id: credentials.access_key_id().to_owned(),
        session_token,
        timestamp: auth.timestamp(),
        canonical_request,
    })
}

/// The auth string: the `Authorization` header, else the URL-signing
/// `authorization` query parameter (auth-v1.md §8 step 1).
fn find_auth_string<'a>(
    headers: &'a ReceivedHeaders<'_>,
    query: &'a Query<'_>,
) -> Result<Cow<'a, str>, VerifyError> {
    if let Some(value) = headers.get("authorization") {
        return Ok(Cow::Borrowed(value));
    }
    let param = query
        .params()
        .iter()
        .find(|param| param.is_named("authorization"))
        .ok_or(VerifyError::MissingAuthorization)?;
    let text = param
        .value_utf8()
        .map_err(|_| VerifyError::malformed("authorization query parameter is not UTF-8"))?;
    Ok(Cow::Borrowed(text.unwrap_or_default()))
}

fn unknown_access_key(auth: &AuthString<'_>) -> VerifyError {
    VerifyError::UnknownAccessKey {
        access_key_id: auth.access_key_id().to_owned(),
    }
}

/// The presented session token must be exactly the stored one, and present
/// only for STS credentials (errors.md §4 row 3).
fn check_session_token(
    credentials: &Credentials,
    headers: &ReceivedHeaders<'_>,
    query: &Query<'_>,
    auth: &AuthString<'_>,
) -> Result<Option<String>, VerifyError> {
    let presented: Option<&[u8]> = match headers.get(X_BCE_SECURITY_TOKEN) {
        Some(value) => Some(trim_ascii_whitespace(value).as_bytes()),
        None => query
            .params()
            .iter()
            .find(|param| param.name() == X_BCE_SECURITY_TOKEN.as_bytes())
            .map(|param| param.value().unwrap_or_default()),
    };
    match (credentials.session_token(), presented) {
        (None, None) => Ok(None),
        (Some(expected), Some(presented))
            if bool::from(expected.expose().as_bytes().ct_eq(presented)) =>
        {
            Ok(Some(expected.expose().to_owned()))
        }
        _ => Err(unknown_access_key(auth)),
    }
}

/// Whether `signature` (decoded from the auth string) is the HMAC of
/// `canonical_request` under the signing key `keyed` holds. `verify_slice`
/// compares in constant time.
fn signature_matches(keyed: &HmacSha256, canonical_request: &str, signature: &[u8; 32]) -> bool {
    let mut mac = keyed.clone();
    mac.update(canonical_request.as_bytes());
    mac.verify_slice(signature).is_ok()
}

/// auth-v1.md §8 step 4.
fn check_time(
    auth: &AuthString<'_>,
    headers: &ReceivedHeaders<'_>,
    now: DateTime<Utc>,
    settings: &VerifySettings,
) -> Result<(), VerifyError> {
    let bce_date = headers.get(X_BCE_DATE).map(trim_ascii_whitespace);
    // How long before `now` the request was signed; negative when after.
    let age = now - auth.timestamp();
    let expired = age > TimeDelta::seconds(i64::from(auth.expiration_secs()));
    let too_early = -age > seconds(settings.max_future_skew_secs);
    // x-bce-date is optional (Java sends only Date) and need not equal the
    // auth timestamp (Python reads the clock twice); when present it must be
    // a real timestamp near server time. One that cannot be read cannot be
    // placed in the window, so it counts as outside it. SDKs usually stamp
    // both from one clock reading: then the auth timestamp's age serves.
    let date_far = bce_date.is_some_and(|text| {
        let date_age = if text == auth.timestamp_text() {
            Some(age)
        } else {
            timestamp::parse(text).map(|date| now - date)
        };
        date_age.is_none_or(|date_age| date_age.num_seconds().abs() > settings.max_date_skew_secs)
    });
    if expired || too_early || date_far {
        return Err(VerifyError::Expired {
            timestamp: expired_message_date(auth, headers, bce_date),
        });
    }
    Ok(())
}

/// `secs` as a [`TimeDelta`], saturating where chrono's range ends (about
/// ±292 million years), so that no setting can make the window panic.
fn seconds(secs: i64) -> TimeDelta {
    TimeDelta::try_seconds(secs).unwrap_or(if secs < 0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    })
}

/// The `<date>` of the `RequestExpired` message (errors.md §2): `x-bce-date`,
/// else `Date` converted to `YYYY-MM-DDThh:mm:ssZ`, else the auth timestamp.
fn expired_message_date(
    auth: &AuthString<'_>,
    headers: &ReceivedHeaders<'_>,
    bce_date: Option<&str>,
) -> String {
    if let Some(date) = bce_date {
        return date.to_owned();
    }
    headers
        .get("date")
        .and_then(|date| DateTime::parse_from_rfc2822(trim_ascii_whitespace(date)).ok())
        .and_then(|date| timestamp::format(&date.with_timezone(&Utc)))
        .unwrap_or_else(|| auth.timestamp_text().to_owned())
}

/// Received headers with ASCII-trimmed names; repeated names (compared
/// ASCII case-insensitively, as every lookup here is) merged with `,` in
/// order of appearance (auth-v1.md §8 step 5).
pub(crate) struct ReceivedHeaders<'a> {
    entries: Vec<(&'a str, Cow<'a, str>)>,
}

impl<'a> ReceivedHeaders<'a> {
    /// Headers whose names are already trimmed and distinct, values merged
    /// (the `http` adapter merges while it reads a `HeaderMap`).
    #[cfg(feature = "http")]
    pub(crate) fn from_merged(entries: Vec<(&'a str, Cow<'a, str>)>) -> Self {
        Self { entries }
    }

    fn new(raw: &'a [(&'a str, &'a str)]) -> Self {
        let mut entries: Vec<(&'a str, Cow<'a, str>)> = Vec::with_capacity(raw.len());
        for (name, value) in raw {
            let name = trim_ascii_whitespace(name);
            let existing = entries
                .iter_mut()
                .find(|(existing, _)| existing.eq_ignore_ascii_case(name));
            match existing {
                Some((_, merged)) => {
                    let merged = merged.to_mut();
                    merged.push(',');
                    merged.push_str(value);
                }
                None => entries.push((name, Cow::Borrowed(value))),
            }
        }
        Self { entries }
    }

    /// `(name, value)` pairs in received order.
    fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(name, value)| (*name, value.as_ref()))
    }

    pub(crate) fn get(&self, wanted: &str) -> Option<&str> {
        self.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum HeaderSet {
    /// The listed names only (or the default set for an empty field).
    Strict,
    /// The listed names plus every `x-bce-*` (Python explicit lists, §4 step 3).
    ListedPlusBce,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trim {
    Ascii,
    Unicode,
}

/// Encoded and sorted canonical query or header lines.
type Lines = Vec<String>;

/// The candidate canonical requests of auth-v1.md §8 step 5.
struct Candidates<'r> {
    request: &'r Received<'r>,
    headers: &'r ReceivedHeaders<'r>,
    query: &'r Query<'r>,
    auth: &'r AuthString<'r>,
    /// Whether the `signedHeaders` field names headers (else the default set).
    listed: bool,
}

impl<'r> Candidates<'r> {
    fn new(request: &'r Received<'r>, query: &'r Query<'r>, auth: &'r AuthString<'r>) -> Self {
        Self {
            request,
            headers: &request.headers,
            query,
            auth,
            listed: auth.signed_headers().next().is_some(),
        }
    }

    /// The first candidate whose signature matches. The primary one (decoded
    /// and re-encoded path, `authorization` dropped from the query, strict
    /// header set, ASCII trimming) is tried alone first: it is what every
    /// SDK's ordinary request matches, so the others are built only when it
    /// fails.
    fn find(&self, matches: impl Fn(&str) -> bool) -> Result<String, VerifyError> {
        let primary = CanonicalRequest {
            method: self.request.method,
            uri: &self.decoded_uri(),
            query: &self.query_lines(true),
            headers: &self.header_lines(HeaderSet::Strict, Trim::Ascii),
        }
        .to_text();
        if matches(&primary) {
            return Ok(primary);
        }
        let (paths, queries, header_sets) = self.variants();
        for uri in &paths {
            for query in &queries {
                for headers in &header_sets {
                    let candidate = CanonicalRequest {
                        method: self.request.method,
                        uri,
                        query,
                        headers,
                    }
                    .to_text();
                    if candidate != primary && matches(&candidate) {
                        return Ok(candidate);
                    }
                }
            }
        }
        Err(VerifyError::SignatureMismatch {
            canonical_request: canonical::redact_session_token(&primary).into_owned(),
        })
    }

    /// Each part's variants, the primary one first; a variant equal to an
    /// earlier one is left out.
    fn variants(&self) -> (Vec<String>, Vec<Lines>, Vec<Lines>) {
        // The raw path: the Python SDK signs the path it sends, unencoded.
        let raw_path = match self.request.raw_path {
            "" => "/",
            raw => raw,
        };
        let paths = distinct([Some(self.decoded_uri()), Some(raw_path.to_owned())]);
        // Only when the request carries an `authorization` parameter: the
        // Python signer signs it (auth-v1.md §4 step 2).
        let signs_authorization = self
            .query
            .params()
            .iter()
            .any(|param| param.is_named("authorization"));
        let queries = distinct([
            Some(self.query_lines(true)),
            signs_authorization.then(|| self.query_lines(false)),
        ]);
        let listed = self.listed;
        let unicode_differs = self
            .headers
            .iter()
            .any(|(_, value)| trim_ascii_whitespace(value) != trim_unicode_whitespace(value));
        let header_sets = distinct(
            [
                (HeaderSet::Strict, Trim::Ascii, true),
                (HeaderSet::ListedPlusBce, Trim::Ascii, listed),
                (HeaderSet::Strict, Trim::Unicode, unicode_differs),
                (
                    HeaderSet::ListedPlusBce,
                    Trim::Unicode,
                    listed && unicode_differs,
                ),
            ]
            .map(|(set, trim, applies)| applies.then(|| self.header_lines(set, trim))),
        );
        (paths, queries, header_sets)
    }

    fn decoded_uri(&self) -> String {
        canonical::uri(&decode_once(self.request.raw_path))
    }

    fn query_lines(&self, drop_authorization: bool) -> Lines {
        let params = self
            .query
            .params()
            .iter()
            .filter(|param| !(drop_authorization && param.is_named("authorization")))
            .map(|param| (param.name(), param.value()));
        canonical::query(params)
    }

    fn header_lines(&self, set: HeaderSet, trim: Trim) -> Lines {
        let is_listed = |name: &str| {
            self.auth
                .signed_headers()
                .any(|listed| listed.eq_ignore_ascii_case(name))
        };
        let selected = self.headers.iter().filter(|(name, _)| {
            // The Authorization header carries the signature itself; no
            // signer can have signed its current value.
            !name.eq_ignore_ascii_case("authorization")
                && if !self.listed {
                    is_default_named_header(name) || is_bce_header(name)
                } else {
                    is_listed(name) || (set == HeaderSet::ListedPlusBce && is_bce_header(name))
                }
        });
        let trimmed = selected.map(|(name, value)| match trim {
            Trim::Ascii => (name, trim_ascii_whitespace(value)),
            Trim::Unicode => (name, trim_unicode_whitespace(value)),
        });
        canonical::headers(trimmed.filter(|(_, value)| !value.is_empty()))
    }
}

/// The given variants in order, without those that do not apply or repeat
/// an earlier one.
fn distinct<T: PartialEq, const N: usize>(variants: [Option<T>; N]) -> Vec<T> {
    let mut kept = Vec::with_capacity(N);
    for variant in variants.into_iter().flatten() {
        if !kept.contains(&variant) {
            kept.push(variant);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::{HmacSha256, ReceivedHeaders, signature_matches};
    use crate::signature::keyed_hmac;
    use hmac::Mac;

    #[test]
    fn received_headers_are_trimmed_lower_cased_and_merged() {
        let plain = [("host", "h"), ("x-bce-date", "d")];
        let headers = ReceivedHeaders::new(&plain);
        assert_eq!(headers.iter().collect::<Vec<_>>(), plain);

        for raw in [
            &[("Host", "h"), ("x-bce-date", "d")][..],
            &[(" host\t", "h"), ("x-bce-date", "d")][..],
            &[("host", "h"), ("x-bce-date", "d"), ("x-bce-date", "e")][..],
        ] {
            let headers = ReceivedHeaders::new(raw);
            assert_eq!(headers.get("host"), Some("h"), "{raw:?}");
            assert!(headers.iter().all(|(name, _)| {
                name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("x-bce-date")
            }));
        }
        let repeated = [("x-bce-a", "1"), ("X-Bce-A", "2")];
        assert_eq!(ReceivedHeaders::new(&repeated).get("x-bce-a"), Some("1,2"));
    }

    #[test]
    fn signatures_differing_anywhere_are_unequal() {
        let keyed: HmacSha256 = keyed_hmac(b"signing key hex");
        let mut mac = keyed.clone();
        mac.update(b"GET\n/\n\nhost:h");
        let computed: [u8; 32] = mac.finalize().into_bytes().into();
        assert!(signature_matches(&keyed, "GET\n/\n\nhost:h", &computed));
        assert!(!signature_matches(&keyed, "GET\n/\n\nhost:i", &computed));
        for index in 0..computed.len() {
            for flipped_bit in [0x01, 0x80] {
                let mut received = computed;
                received[index] ^= flipped_bit;
                assert!(
                    !signature_matches(&keyed, "GET\n/\n\nhost:h", &received),
                    "byte {index}"
                );
            }
        }
    }
}
