//! A thin adapter that signs an `http::Request` in place.

use crate::credentials::Credentials;
use crate::error::SigningError;
use crate::signer::{PathEncoding, SignableRequest, SigningSettings, sign};
use chrono::{DateTime, Utc};
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderName, HeaderValue, Request};
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
