//! A thin adapter between `http` types and the sans-IO signer and verifier: signs an
//! `http::Request` in place, and verifies a received one exactly as it arrived.

use crate::canonical::InlineList;
use crate::credentials::{CredentialStore, Credentials};
use crate::error::{SigningError, VerifyError};
use crate::key_cache::SigningKeyCache;
use crate::signer::{PathEncoding, SignableRequest, SigningSettings, sign};
use crate::verifier::{VerifiableRequest, Verified, VerifySettings, verify, verify_cached};
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
/// * Query: split on `&`, each item at the first `=`, decoded once (`+`
///   stays `+`); an item without `=` is a flag parameter.
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
    if !request.headers().contains_key(HOST)
        && let Some(authority) = request.uri().authority()
    {
        let value = HeaderValue::from_str(authority.as_str()).map_err(|_| {
            SigningError::InvalidHeaderValue {
                name: HOST.to_string(),
            }
        })?;
        request.headers_mut().insert(HOST, value);
    }

    let uri = request.uri();
    let path: Cow<'_, str> = match settings.path_encoding {
        PathEncoding::Verbatim => Cow::Borrowed(uri.path()),
        PathEncoding::Encode => decode_utf8(uri.path(), "path")?,
    };
    let mut query: Vec<(Cow<'_, str>, Option<Cow<'_, str>>)> = Vec::new();
    for item in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|item| !item.is_empty())
    {
        query.push(match item.split_once('=') {
            Some((key, value)) => (
                decode_utf8(key, "query")?,
                Some(decode_utf8(value, "query")?),
            ),
            None => (decode_utf8(item, "query")?, None),
        });
    }
    let query: Vec<(&str, Option<&str>)> = query
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_deref()))
        .collect();

    let mut headers: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(request.headers().keys_len());
    for name in request.headers().keys() {
        let mut merged: Option<Cow<'_, str>> = None;
        for value in request.headers().get_all(name) {
            let text = std::str::from_utf8(value.as_bytes()).map_err(|_| {
                SigningError::InvalidHeaderValue {
                    name: name.to_string(),
                }
            })?;
            merged = Some(match merged {
                None => Cow::Borrowed(text),
                Some(previous) => Cow::Owned(format!("{previous},{text}")),
            });
        }
        if let Some(value) = merged {
            headers.push((name.as_str(), value));
        }
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_ref())).collect();

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

    let map = request.headers_mut();
    for (name, value) in output.headers() {
        let value = HeaderValue::from_str(value).map_err(|_| SigningError::InvalidHeaderValue {
            name: (*name).to_owned(),
        })?;
        map.insert(HeaderName::from_static(name), value);
    }
    let authorization = HeaderValue::from_str(output.authorization()).map_err(|_| {
        SigningError::InvalidHeaderValue {
            name: AUTHORIZATION.to_string(),
        }
    })?;
    map.insert(AUTHORIZATION, authorization);
    Ok(())
}

fn decode_utf8<'a>(text: &'a str, part: &str) -> Result<Cow<'a, str>, SigningError> {
    percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| SigningError::InvalidUri {
            reason: format!("the {part} percent-decodes to bytes that are not UTF-8"),
        })
}

/// Verifies a received `http::Request` as it arrived: the raw path and query of its URI
/// and its headers as sent, `Host` included (auth-v1.md §8 step 5: nothing is
/// synthesised). With `keys`, signing keys are reused as in [`verify_cached`].
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
/// As [`verify`].
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
/// As [`verify`].
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
    // On the stack for ordinary requests: servers run this for every request.
    let mut headers: InlineList<(&str, &str), 16> = InlineList::new();
    for (name, value) in received {
        if let Ok(value) = std::str::from_utf8(value.as_bytes()) {
            headers.push((name.as_str(), value));
        }
    }
    let request = VerifiableRequest {
        method: method.as_str(),
        raw_path: uri.path(),
        raw_query: uri.query(),
        headers: headers.as_slice(),
    };
    match keys {
        None => verify(&request, store, now, settings),
        Some(keys) => verify_cached(&request, store, now, settings, keys),
    }
}
