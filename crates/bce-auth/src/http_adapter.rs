//! A thin adapter between `http` types and the sans-IO signer and verifier: signs an
//! `http::Request` in place, and verifies a received one exactly as it arrived.

use crate::credentials::{CredentialStore, Credentials};
use crate::error::{SigningError, VerifyError};
use crate::key_cache::SigningKeyCache;
use crate::query::Query;
use crate::signer::{PathEncoding, SignableRequest, SigningOutput, SigningSettings, sign};
use crate::verifier::{Received, ReceivedHeaders, Verified, VerifySettings, verify_received};
use chrono::{DateTime, Utc};
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};
use percent_encoding::percent_decode_str;
use std::borrow::Cow;

/// Signs `request` in place: adds the headers of [`crate::SigningOutput::headers`]
/// and sets `Authorization`, replacing an earlier one.
///
/// * Path: `request.uri().path()` percent-decoded once (under
///   [`PathEncoding::Verbatim`] the path exactly as in the URI).
/// * Query: parsed by [`Query::parse`]: split on `&`, each item at the first
///   `=`, decoded once (`+` stays `+`); an item without `=` is a flag
///   parameter.
/// * Host: the `Host` header when present, else the URI authority (with its
///   port, as written), which is then inserted so that what is signed is
///   what is sent.
/// * Repeated header values are joined with `,`.
///
/// ```
/// use bce_auth::{Credentials, SigningSettings, http_adapter::sign_http_request};
/// use chrono::{TimeZone, Utc};
///
/// let mut request = http::Request::put("http://bcc.bj.baidubce.com/v2/keypair/k-abc123?attach")
///     .header("content-type", "application/json")
///     .body(())?;
/// let time = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
/// sign_http_request(&mut request, &Credentials::new("ak", "sk"), time, &SigningSettings::default())?;
/// assert_eq!(request.headers()["host"], "bcc.bj.baidubce.com");
/// assert_eq!(request.headers()["x-bce-date"], "2026-11-24T10:00:00Z");
/// let authorization = request.headers()["authorization"].to_str()?;
/// assert!(authorization.starts_with("bce-auth-v1/ak/2026-11-24T10:00:00Z/1800/content-type;host;x-bce-date/"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SigningError`] from [`sign`], or when the URI decodes to bytes that are
/// not UTF-8, a header value is not UTF-8, or a computed value is not a valid
/// header value.
pub fn sign_http_request<B>(
    request: &mut Request<B>,
    credentials: &Credentials,
    time: DateTime<Utc>,
    settings: &SigningSettings,
) -> Result<(), SigningError> {
    insert_missing_host(request)?;
    let uri = request.uri();
    let path: Cow<'_, str> = match settings.path_encoding {
        PathEncoding::Verbatim => Cow::Borrowed(uri.path()),
        PathEncoding::Encode => percent_decode_str(uri.path())
            .decode_utf8()
            .map_err(|_| not_utf8("path"))?,
    };
    let parsed_query = Query::parse(uri.query());
    let query = decoded_query(&parsed_query)?;
    let merged = merged_headers(request.headers())?;
    let headers: Vec<(&str, &str)> = merged.iter().map(|(n, v)| (*n, v.as_ref())).collect();
    let output = sign(
        &SignableRequest {
            method: request.method().as_str(),
            path: &path,
            query: &query,
            headers: &headers,
        },
        credentials,
        time,
        settings,
    )?;
    apply(&output, request.headers_mut())
}

/// Inserts `Host` from the URI authority when the request has none, so that
/// what is signed is what is sent.
fn insert_missing_host<B>(request: &mut Request<B>) -> Result<(), SigningError> {
    if !request.headers().contains_key(HOST)
        && let Some(authority) = request.uri().authority()
    {
        let value = header_value(HOST.as_str(), authority.as_str())?;
        request.headers_mut().insert(HOST, value);
    }
    Ok(())
}

/// The query parameters as text, each decoded once.
fn decoded_query<'q>(
    query: &'q Query<'_>,
) -> Result<Vec<(&'q str, Option<&'q str>)>, SigningError> {
    query
        .params()
        .iter()
        .map(|param| Ok((param.name_utf8()?, param.value_utf8()?)))
        .collect::<Result<_, std::str::Utf8Error>>()
        .map_err(|_| not_utf8("query"))
}

fn not_utf8(part: &str) -> SigningError {
    SigningError::InvalidUri {
        reason: format!("the {part} percent-decodes to bytes that are not UTF-8"),
    }
}

/// One entry per header name, repeated values joined with `,`.
fn merged_headers(headers: &HeaderMap) -> Result<Vec<(&str, Cow<'_, str>)>, SigningError> {
    let mut merged = Vec::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let mut values = headers.get_all(name).iter().map(|value| {
            std::str::from_utf8(value.as_bytes()).map_err(|_| SigningError::InvalidHeaderValue {
                name: name.to_string(),
            })
        });
        let Some(first) = values.next() else {
            continue;
        };
        let mut value = Cow::Borrowed(first?);
        for next in values {
            let joined = value.to_mut();
            joined.push(',');
            joined.push_str(next?);
        }
        merged.push((name.as_str(), value));
    }
    Ok(merged)
}

/// Adds the signer's headers and sets `Authorization`, replacing an earlier one.
fn apply(output: &SigningOutput, map: &mut HeaderMap) -> Result<(), SigningError> {
    for (name, value) in output.headers() {
        map.insert(HeaderName::from_static(name), header_value(name, value)?);
    }
    let authorization = header_value(AUTHORIZATION.as_str(), output.authorization())?;
    map.insert(AUTHORIZATION, authorization);
    Ok(())
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, SigningError> {
    HeaderValue::from_str(value).map_err(|_| SigningError::InvalidHeaderValue {
        name: name.to_owned(),
    })
}

/// Verifies a received `http::Request` as it arrived: the raw path and query of its URI
/// and its headers as sent, `Host` included (auth-v1.md §8 step 5: nothing is
/// synthesised). With `keys`, signing keys are reused as in [`crate::verify_cached`].
///
/// Header values that are not UTF-8 are left out: no SDK signs such a value, so a request
/// that claims to have signed one fails with `SignatureDoesNotMatch`.
///
/// ```
/// use bce_auth::{Credentials, SigningSettings, VerifySettings};
/// use bce_auth::http_adapter::{sign_http_request, verify_http_request};
/// use chrono::{TimeZone, Utc};
/// use std::collections::HashMap;
///
/// let time = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
/// let mut request = http::Request::get("http://bcc.bj.baidubce.com/v2/keypair?maxKeys=10").body(())?;
/// sign_http_request(&mut request, &Credentials::new("ak", "sk"), time, &SigningSettings::default())?;
/// let store = HashMap::from([("ak".to_owned(), Credentials::new("ak", "sk"))]);
/// let verified = verify_http_request(&request, &store, time, &VerifySettings::default(), None)?;
/// assert_eq!(verified.access_key_id(), "ak");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`crate::verify`].
pub fn verify_http_request<B, S: CredentialStore + ?Sized>(
    request: &Request<B>,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
    keys: Option<&mut SigningKeyCache>,
) -> Result<Verified, VerifyError> {
    let head = (request.method(), request.uri(), request.headers());
    verify_head(head, store, now, settings, keys)
}

/// [`verify_http_request`] for a request already split into parts.
///
/// # Errors
/// As [`crate::verify`].
pub fn verify_http_parts<S: CredentialStore + ?Sized>(
    parts: &http::request::Parts,
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
    keys: Option<&mut SigningKeyCache>,
) -> Result<Verified, VerifyError> {
    let head = (&parts.method, &parts.uri, &parts.headers);
    verify_head(head, store, now, settings, keys)
}

fn verify_head<S: CredentialStore + ?Sized>(
    (method, uri, received): (&Method, &Uri, &HeaderMap),
    store: &S,
    now: DateTime<Utc>,
    settings: &VerifySettings,
    keys: Option<&mut SigningKeyCache>,
) -> Result<Verified, VerifyError> {
    let request = Received {
        method: method.as_str(),
        raw_path: uri.path(),
        raw_query: uri.query(),
        headers: received_headers(received)?,
    };
    verify_received(&request, store, now, settings, keys)
}

/// The header values, merged per name with `,` in order of appearance.
/// A `HeaderMap` holds each (lower-case) name once and yields its values one
/// after the other, so a value joins the previous entry or starts a new one.
///
/// A value that is not UTF-8 takes part like any other, with U+FFFD for its
/// bad bytes: an `x-bce-*` header the client did not sign then still fails the
/// signature when the default set applies, as on the service. No SDK signs
/// such a value (their header values are strings). An `Authorization` header
/// that is not UTF-8 cannot hold an auth string: `InvalidHTTPAuthHeader`.
fn received_headers(map: &HeaderMap) -> Result<ReceivedHeaders<'_>, VerifyError> {
    let mut merged: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(map.keys_len());
    for (name, value) in map {
        // `from_utf8` first: its ASCII fast path costs a third of what the lossy
        // conversion does on valid text (about 950 of a 30,000-instruction GET).
        let value = match std::str::from_utf8(value.as_bytes()) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) if name == AUTHORIZATION => {
                return Err(VerifyError::malformed(
                    "the Authorization header is not UTF-8",
                ));
            }
            Err(_) => String::from_utf8_lossy(value.as_bytes()),
        };
        match merged.last_mut() {
            Some((previous, joined)) if *previous == name.as_str() => {
                let joined = joined.to_mut();
                joined.push(',');
                joined.push_str(&value);
            }
            _ => merged.push((name.as_str(), value)),
        }
    }
    Ok(ReceivedHeaders::from_merged(merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn received_headers_merge_repeated_names_and_keep_non_utf8_values_as_replacement_characters() {
        let mut map = HeaderMap::new();
        map.append("x-bce-a", HeaderValue::from_static("1"));
        map.append(HOST, HeaderValue::from_static("h"));
        map.append("x-bce-a", HeaderValue::from_static("2"));
        for not_utf8 in [&b"\xff"[..], b"\xfe"] {
            let value = HeaderValue::from_bytes(not_utf8).expect("obs-text is a valid value");
            map.append("x-bce-b", value.clone());
            map.append("x-bce-a", value);
        }
        map.append("x-bce-a", HeaderValue::from_static("3"));
        let headers = received_headers(&map).expect("no Authorization header");
        assert_eq!(headers.get("x-bce-a"), Some("1,2,\u{fffd},\u{fffd},3"));
        assert_eq!(headers.get("host"), Some("h"));
        assert_eq!(headers.get("x-bce-b"), Some("\u{fffd},\u{fffd}"));
    }

    #[test]
    fn an_authorization_header_that_is_not_utf8_is_a_malformed_auth_header() {
        let mut map = HeaderMap::new();
        let value =
            HeaderValue::from_bytes(b"bce-auth-v1/\xff").expect("obs-text is a valid value");
        map.append(AUTHORIZATION, value);
        let error = received_headers(&map).err().expect("refused");
        assert_eq!(error.code(), "InvalidHTTPAuthHeader");
    }
}
