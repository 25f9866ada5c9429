//! Server-side verification (auth-v1.md §8): accepts what the official
//! Python, Go and Java SDKs send, rejects everything else with a typed error.

use crate::authorization::AuthString;
use crate::canonical::{
    self, HmacSha256, SortedLines, is_bce_header, is_default_named_header, push_header_line,
    trim_ascii_whitespace, trim_unicode_whitespace,
};
use crate::credentials::CredentialStore;
use crate::encoding::decode_once;
use crate::error::VerifyError;
use crate::key_cache::SigningKeyCache;
use crate::signer::{X_BCE_DATE, X_BCE_SECURITY_TOKEN};
use crate::timestamp;
use chrono::{DateTime, Utc};
use hmac::Mac;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
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
/// (`SignatureDoesNotMatch`). The signing key is derived once; candidates are
/// built only when the primary one fails, and the first match wins.
///
/// # Errors
/// The first failing check as a [`VerifyError`]; see [`VerifyError::code`].
pub fn verify<S: CredentialStore + ?Sized>(
    request: &VerifiableRequest<'_>,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
) -> Result<Verified, VerifyError> {
    verify_with_keys(request, store, now, settings, None)
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
    verify_with_keys(request, store, now, settings, Some(keys))
}

fn verify_with_keys<S: CredentialStore + ?Sized>(
    request: &VerifiableRequest<'_>,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
    keys: Option<&mut SigningKeyCache>,
) -> Result<Verified, VerifyError> {
    let headers = ReceivedHeaders::new(request.headers);
    let query = parse_query(request.raw_query);

    // 1. Find the auth string: header, else the URL-signing query parameter.
    let query_auth;
    let auth_text = match headers.get("authorization") {
        Some(value) => value,
        None => {
            let (_, value) = query
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(b"authorization"))
                .ok_or(VerifyError::MissingAuthorization)?;
            query_auth =
                String::from_utf8(value.as_deref().unwrap_or_default().to_vec()).map_err(|_| {
                    VerifyError::malformed("authorization query parameter is not UTF-8")
                })?;
            query_auth.as_str()
        }
    };

    // 2. Parse strictly.
    let auth = AuthString::parse(auth_text)?;

    // 3. Access key and STS token.
    let unknown = || VerifyError::UnknownAccessKey {
        access_key_id: auth.access_key_id().to_owned(),
    };
    let credentials = store.lookup(auth.access_key_id()).ok_or_else(unknown)?;
    let presented_token: Option<Cow<'_, [u8]>> = match headers.get(X_BCE_SECURITY_TOKEN) {
        Some(value) => Some(Cow::Borrowed(trim_ascii_whitespace(value).as_bytes())),
        None => query
            .iter()
            .find(|(key, _)| key.as_ref() == X_BCE_SECURITY_TOKEN.as_bytes())
            .map(|(_, value)| value.clone().unwrap_or_default()),
    };
    let session_token = match (credentials.session_token(), &presented_token) {
        (None, None) => None,
        (Some(expected), Some(presented))
            if bool::from(expected.expose().as_bytes().ct_eq(presented)) =>
        {
            Some(expected.expose().to_owned())
        }
        // A missing, wrong or unexpected token: errors.md §4 row 3.
        _ => return Err(unknown()),
    };

    // 4. Time window.
    check_time(&auth, &headers, now, settings)?;

    // 5. Candidates.
    let derived;
    let keyed: &HmacSha256 = match keys {
        Some(keys) => keys.keyed_hmac(&credentials, auth.auth_string_prefix()),
        None => {
            derived =
                canonical::keyed_hmac(&credentials.signing_key_hex(auth.auth_string_prefix()));
            &derived
        }
    };
    let signature_matches = |parts: &[&str]| {
        let mut mac: HmacSha256 = keyed.clone();
        for part in parts {
            mac.update(part.as_bytes());
        }
        // Hex against hex: the received signature is never decoded.
        hex_digits_equal(&canonical::finish_hex(mac), auth.signature_hex().as_bytes())
    };
    let accepted = |canonical_request: String| Verified {
        access_key_id: credentials.access_key_id().to_owned(),
        session_token: session_token.clone(),
        timestamp: auth.timestamp(),
        canonical_request,
    };

    let candidates = Candidates::new(request, &headers, &query, &auth);
    if signature_matches(&[&candidates.canonical]) {
        return Ok(accepted(candidates.canonical));
    }
    let alternates = candidates.alternates(request, &headers, &query, &auth);
    for (path_index, path) in alternates.paths.iter().enumerate() {
        for (query_index, query_line) in alternates.queries.iter().enumerate() {
            for (header_index, header_lines) in alternates.headers.iter().enumerate() {
                if path_index + query_index + header_index == 0 {
                    continue; // the primary candidate, already tried
                }
                let parts = [
                    request.method,
                    "\n",
                    path,
                    "\n",
                    query_line,
                    "\n",
                    header_lines,
                ];
                if signature_matches(&parts) {
                    return Ok(accepted(parts.concat()));
                }
            }
        }
    }
    Err(VerifyError::SignatureMismatch {
        canonical_request: canonical::redact_session_token(&candidates.canonical).into_owned(),
    })
}

/// Constant-time equality of a computed signature and a received one, eight
/// bytes at a time (`subtle` compares slices byte by byte, with an
/// optimisation barrier per byte).
fn hex_digits_equal(computed: &[u8; 64], received: &[u8]) -> bool {
    if received.len() != computed.len() {
        return false;
    }
    let words = |bytes: &[u8]| {
        let mut words = [0u64; 8];
        for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(chunk);
            *word = u64::from_ne_bytes(eight);
        }
        words
    };
    let (computed, received) = (words(computed), words(received));
    let mut equal = subtle::Choice::from(1);
    for (a, b) in computed.iter().zip(&received) {
        equal &= a.ct_eq(b);
    }
    bool::from(equal)
}

/// auth-v1.md §8 step 4.
fn check_time(
    auth: &AuthString<'_>,
    headers: &ReceivedHeaders<'_>,
    now: DateTime<Utc>,
    settings: &VerifySettings,
) -> Result<(), VerifyError> {
    let bce_date = headers.get(X_BCE_DATE).map(trim_ascii_whitespace);
    let expired = || VerifyError::Expired {
        timestamp: expired_message_date(auth, headers, bce_date),
    };
    // Whole seconds and nanoseconds since the epoch, compared as integers:
    // every request goes through here, and integer arithmetic cannot
    // overflow into a panic whatever the settings say.
    let now_at = (now.timestamp(), now.timestamp_subsec_nanos());
    let issued = auth.timestamp();
    let issued_at = (issued.timestamp(), issued.timestamp_subsec_nanos());
    let valid_until = (
        issued_at
            .0
            .saturating_add(i64::from(auth.expiration_secs())),
        issued_at.1,
    );
    if now_at > valid_until {
        return Err(expired());
    }
    let latest_accepted = (
        now_at.0.saturating_add(settings.max_future_skew_secs),
        now_at.1,
    );
    if issued_at > latest_accepted {
        return Err(expired());
    }
    if let Some(text) = bce_date {
        // x-bce-date is optional (Java sends only Date) and need not equal the
        // auth timestamp (Python reads the clock twice); when present it must
        // be a real timestamp near server time. One that cannot be read
        // cannot be placed in the window, so it counts as outside it.
        // SDKs usually send the auth-string timestamp itself: no need to parse it twice.
        let date = if text == auth.timestamp_text() {
            Some(issued)
        } else {
            timestamp::parse(text)
        };
        let within = date.is_some_and(|date| {
            whole_seconds_between(now, date).abs() <= i128::from(settings.max_date_skew_secs)
        });
        if !within {
            return Err(expired());
        }
    }
    Ok(())
}

/// `(later - earlier)` in whole seconds, truncated toward zero as
/// `TimeDelta::num_seconds` does.
fn whole_seconds_between(earlier: DateTime<Utc>, later: DateTime<Utc>) -> i128 {
    const NANOS: i128 = 1_000_000_000;
    let nanos = |t: DateTime<Utc>| {
        i128::from(t.timestamp()) * NANOS + i128::from(t.timestamp_subsec_nanos())
    };
    (nanos(later) - nanos(earlier)) / NANOS
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
        .map_or_else(
            || auth.timestamp_text().to_owned(),
            |formatted| String::from_utf8_lossy(&formatted).into_owned(),
        )
}

/// Received headers with ASCII-trimmed, lower-cased names; repeated names
/// merged with `,` (auth-v1.md §8 step 5).
enum ReceivedHeaders<'a> {
    /// The received list itself: its names are trimmed, lower-case and
    /// distinct already, as HTTP stacks hand them over. Servers verify every
    /// request, so this common case copies nothing.
    AsReceived(&'a [(&'a str, &'a str)]),
    Normalized(Vec<NormalizedHeader<'a>>),
}

/// A header name trimmed and lower-cased, with its (possibly merged) value.
type NormalizedHeader<'a> = (Cow<'a, str>, Cow<'a, str>);

impl<'a> ReceivedHeaders<'a> {
    fn new(raw: &'a [(&'a str, &'a str)]) -> Self {
        let normal = raw.iter().enumerate().all(|(index, (name, _))| {
            trim_ascii_whitespace(name).len() == name.len()
                && !name.bytes().any(|b| b.is_ascii_uppercase())
                && raw[..index].iter().all(|(earlier, _)| earlier != name)
        });
        if normal {
            return Self::AsReceived(raw);
        }
        let mut entries: Vec<NormalizedHeader<'a>> = Vec::with_capacity(raw.len());
        for (name, value) in raw {
            let name = trim_ascii_whitespace(name);
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            };
            match entries.iter_mut().find(|(existing, _)| *existing == name) {
                Some((_, merged)) => {
                    let merged = merged.to_mut();
                    merged.push(',');
                    merged.push_str(value);
                }
                None => entries.push((name, Cow::Borrowed(value))),
            }
        }
        Self::Normalized(entries)
    }

    /// `(name, value)` pairs in received order.
    fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let (received, normalized): (&[(&str, &str)], &[NormalizedHeader<'_>]) = match self {
            Self::AsReceived(raw) => (raw, &[]),
            Self::Normalized(entries) => (&[], entries),
        };
        let received = received.iter().map(|(name, value)| (*name, *value));
        let normalized = normalized
            .iter()
            .map(|(name, value)| (name.as_ref(), value.as_ref()));
        received.chain(normalized)
    }

    fn get(&self, lowercase_name: &str) -> Option<&str> {
        self.iter()
            .find(|(name, _)| *name == lowercase_name)
            .map(|(_, value)| value)
    }
}

type QueryItem<'a> = (Cow<'a, [u8]>, Option<Cow<'a, [u8]>>);

/// Splits on `&`, skips empty items, splits each at the first `=`, decodes
/// key and value once with `+` kept literal (auth-v1.md §8 step 5).
fn parse_query(raw: Option<&str>) -> Vec<QueryItem<'_>> {
    raw.unwrap_or_default()
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((key, value)) => (decode_once(key), Some(decode_once(value))),
            None => (decode_once(item), None),
        })
        .collect()
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

/// The primary candidate: decoded and re-encoded path, `authorization`
/// dropped from the query, strict header set, ASCII trimming. The whole
/// canonical request sits in one buffer: it is hashed in one pass and, when it
/// matches, becomes [`Verified::canonical_request`] without another copy.
struct Candidates {
    canonical: String,
    path: Range<usize>,
    query: Range<usize>,
    headers: Range<usize>,
}

/// Every candidate dimension, the primary variant first; variants that equal
/// an earlier one are left out.
struct Alternates {
    paths: Vec<String>,
    queries: Vec<String>,
    headers: Vec<String>,
}

impl Candidates {
    fn new(
        request: &VerifiableRequest<'_>,
        headers: &ReceivedHeaders<'_>,
        query: &[QueryItem<'_>],
        auth: &AuthString<'_>,
    ) -> Self {
        let mut canonical = String::with_capacity(256);
        canonical.push_str(request.method);
        canonical.push('\n');
        let start = canonical.len();
        canonical::push_encoded_path(&mut canonical, &decode_once(request.raw_path));
        let path = start..canonical.len();
        canonical.push('\n');
        let start = canonical.len();
        let mut lines = SortedLines::new();
        push_query_line(&mut lines, query, true, &mut canonical);
        let query_range = start..canonical.len();
        canonical.push('\n');
        let start = canonical.len();
        push_header_lines(
            &mut lines,
            headers,
            auth,
            HeaderSet::Strict,
            Trim::Ascii,
            &mut canonical,
        );
        let headers = start..canonical.len();
        Self {
            canonical,
            path,
            query: query_range,
            headers,
        }
    }

    fn path(&self) -> &str {
        &self.canonical[self.path.clone()]
    }

    fn query(&self) -> &str {
        &self.canonical[self.query.clone()]
    }

    fn headers(&self) -> &str {
        &self.canonical[self.headers.clone()]
    }

    fn alternates(
        &self,
        request: &VerifiableRequest<'_>,
        headers: &ReceivedHeaders<'_>,
        query: &[QueryItem<'_>],
        auth: &AuthString<'_>,
    ) -> Alternates {
        let mut lines = SortedLines::new();
        let mut paths = vec![self.path().to_owned()];
        // The raw path: the Python SDK signs the path it sends, unencoded.
        let raw_path = if request.raw_path.is_empty() {
            "/"
        } else {
            request.raw_path
        };
        push_distinct(&mut paths, raw_path.to_owned());

        let mut queries = vec![self.query().to_owned()];
        // Only when the request carries an `authorization` parameter: the
        // Python signer signs it (auth-v1.md §4 step 2).
        if query
            .iter()
            .any(|(key, _)| key.eq_ignore_ascii_case(b"authorization"))
        {
            let mut line = String::new();
            push_query_line(&mut lines, query, false, &mut line);
            push_distinct(&mut queries, line);
        }

        let mut header_variants = vec![self.headers().to_owned()];
        let listed = !auth.signed_headers_field().is_empty();
        let unicode_differs = headers
            .iter()
            .any(|(_, value)| trim_ascii_whitespace(value) != trim_unicode_whitespace(value));
        for (set, trim) in [
            (HeaderSet::ListedPlusBce, Trim::Ascii),
            (HeaderSet::Strict, Trim::Unicode),
            (HeaderSet::ListedPlusBce, Trim::Unicode),
        ] {
            if (set == HeaderSet::ListedPlusBce && !listed)
                || (trim == Trim::Unicode && !unicode_differs)
            {
                continue;
            }
            let mut variant = String::new();
            push_header_lines(&mut lines, headers, auth, set, trim, &mut variant);
            push_distinct(&mut header_variants, variant);
        }
        Alternates {
            paths,
            queries,
            headers: header_variants,
        }
    }
}

fn push_distinct(variants: &mut Vec<String>, candidate: String) {
    if !variants.contains(&candidate) {
        variants.push(candidate);
    }
}

/// Appends the canonical query line to `out`.
fn push_query_line(
    lines: &mut SortedLines,
    query: &[QueryItem<'_>],
    drop_authorization: bool,
    out: &mut String,
) {
    lines.begin(out, '&');
    for (key, value) in query {
        if drop_authorization && key.eq_ignore_ascii_case(b"authorization") {
            continue;
        }
        canonical::push_query_line(lines, out, key, value.as_deref());
    }
    lines.finish(out);
}

/// Appends the canonical header lines to `out`.
fn push_header_lines(
    lines: &mut SortedLines,
    headers: &ReceivedHeaders<'_>,
    auth: &AuthString<'_>,
    set: HeaderSet,
    trim: Trim,
    out: &mut String,
) {
    lines.begin(out, '\n');
    let listed = !auth.signed_headers_field().is_empty();
    for (name, value) in headers.iter() {
        // The Authorization header carries the signature itself; no signer
        // can have signed its current value.
        if name == "authorization" {
            continue;
        }
        let selected = if listed {
            auth.signs_header(name) || (set == HeaderSet::ListedPlusBce && is_bce_header(name))
        } else {
            is_default_named_header(name) || is_bce_header(name)
        };
        if !selected {
            continue;
        }
        let value = match trim {
            Trim::Ascii => trim_ascii_whitespace(value),
            Trim::Unicode => trim_unicode_whitespace(value),
        };
        if !value.is_empty() {
            push_header_line(lines, out, name, value);
        }
    }
    lines.finish(out);
}

#[cfg(test)]
mod tests {
    use super::{
        AuthString, ReceivedHeaders, VerifySettings, check_time, hex_digits_equal,
        whole_seconds_between,
    };
    use chrono::{DateTime, TimeDelta, TimeZone, Utc};
    use proptest::prelude::*;

    /// The time window as chrono arithmetic states it (auth-v1.md §8 step 4).
    fn window_by_chrono(
        issued: DateTime<Utc>,
        expiration_secs: u32,
        date: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        settings: &VerifySettings,
    ) -> bool {
        now <= issued + TimeDelta::seconds(i64::from(expiration_secs))
            && issued <= now + TimeDelta::seconds(settings.max_future_skew_secs)
            && date
                .is_none_or(|date| (date - now).num_seconds().abs() <= settings.max_date_skew_secs)
    }

    proptest! {
        #[test]
        fn integer_time_window_matches_chrono_arithmetic(
            offset_nanos in -7_200_000_000_000_i64..7_200_000_000_000,
            date_offset_secs in proptest::option::of(-1_200_i64..1_200),
            expiration_secs in 1_u32..4_000,
            future_skew in -10_i64..1_000,
            date_skew in -10_i64..1_000,
        ) {
            let issued = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
            let now = issued + TimeDelta::nanoseconds(offset_nanos);
            let date = date_offset_secs.map(|secs| issued + TimeDelta::seconds(secs));
            let settings = VerifySettings {
                max_future_skew_secs: future_skew,
                max_date_skew_secs: date_skew,
            };
            let auth_text = format!(
                "bce-auth-v1/ak/2026-11-24T10:00:00Z/{expiration_secs}/host/{}",
                "0".repeat(64)
            );
            let auth = AuthString::parse(&auth_text).unwrap();
            let date_text = date.map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            let raw: Vec<(&str, &str)> = date_text.iter().map(|d| ("x-bce-date", d.as_str())).collect();
            let headers = ReceivedHeaders::new(&raw);
            prop_assert_eq!(
                check_time(&auth, &headers, now, &settings).is_ok(),
                window_by_chrono(issued, expiration_secs, date, now, &settings)
            );
        }

        #[test]
        fn whole_seconds_truncate_toward_zero_as_chrono_does(
            a in -4_000_000_000_000_i64..4_000_000_000_000,
            b in -4_000_000_000_000_i64..4_000_000_000_000,
        ) {
            let base = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
            let (earlier, later) = (base + TimeDelta::nanoseconds(a), base + TimeDelta::nanoseconds(b));
            prop_assert_eq!(
                whole_seconds_between(earlier, later),
                i128::from((later - earlier).num_seconds())
            );
        }
    }

    #[test]
    fn received_headers_are_normalised_only_when_they_need_it() {
        let plain = [("host", "h"), ("x-bce-date", "d")];
        let headers = ReceivedHeaders::new(&plain);
        assert!(matches!(headers, ReceivedHeaders::AsReceived(_)));
        assert_eq!(headers.iter().collect::<Vec<_>>(), plain);

        for raw in [
            &[("Host", "h"), ("x-bce-date", "d")][..],
            &[(" host\t", "h"), ("x-bce-date", "d")][..],
            &[("host", "h"), ("x-bce-date", "d"), ("x-bce-date", "e")][..],
        ] {
            let headers = ReceivedHeaders::new(raw);
            assert!(matches!(headers, ReceivedHeaders::Normalized(_)), "{raw:?}");
            assert_eq!(headers.get("host"), Some("h"), "{raw:?}");
            assert!(
                headers
                    .iter()
                    .all(|(name, _)| name == "host" || name == "x-bce-date")
            );
        }
        let repeated = [("x-bce-a", "1"), ("X-Bce-A", "2")];
        assert_eq!(ReceivedHeaders::new(&repeated).get("x-bce-a"), Some("1,2"));
    }

    #[test]
    fn signatures_differing_anywhere_are_unequal() {
        let computed = *b"d74a04362e6a848f5b39b15421cb449427f419c95a480fd6b8cf9fc783e2999e";
        assert!(hex_digits_equal(&computed, &computed));
        for index in 0..computed.len() {
            let mut received = computed;
            received[index] = if received[index] == b'0' { b'1' } else { b'0' };
            assert!(!hex_digits_equal(&computed, &received), "byte {index}");
        }
        assert!(!hex_digits_equal(&computed, &computed[..63]));
        assert!(!hex_digits_equal(&computed, b""));
    }
}
