//! A raw request sender: builds exactly the bytes a scenario wants, signs them with `bce-auth`
//! the way a chosen official SDK does, and sends them over real HTTP.
//!
//! The typed client cannot produce malformed requests, other SDKs' request shapes or a
//! foreign `Host` header; this can.

use bcc_keypair_model::ErrorCode;
use bce_auth::{
    Compat, Credentials, HeadersToSign, PathEncoding, SignableRequest, SignedHeadersField,
    SigningSettings,
};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::failure::{Context, Failure};

/// RFC 3986 unreserved characters stay, everything else is escaped (auth-v1.md §2.1).
const URI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// The same, keeping `/` (path segments).
const URI_ENCODE_EXCEPT_SLASH: &AsciiSet = &URI_ENCODE.remove(b'/');

/// Which official SDK's request shape to imitate (keypair-api.md §3, auth-v1.md §4-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SdkStyle {
    /// `bce-python-sdk`: flag params as `attach=`, no `Content-Type`, `Content-Length` always,
    /// empty `signedHeaders` (default set).
    Python,
    /// `bce-sdk-go`: flag params as `attach`, `Content-Type` always, `Content-Md5` with a body,
    /// an explicit sorted `signedHeaders` list, an unsigned `x-bce-request-id`.
    Go,
    /// `bce-sdk-java`: flag params as `attach`, `Content-Type` with a space, signs `host` only.
    Java,
}

/// Where the `Authorization` header comes from.
#[derive(Clone, Debug)]
enum Authorization {
    /// Signed with these credentials (the target's unless overridden).
    // Boxed: credentials carry precomputed HMAC state and dwarf the other variants.
    Signed(Option<Box<Credentials>>),
    /// No `Authorization` header at all.
    Absent,
    /// This exact header value, unsigned.
    Literal(String),
}

/// Sends raw, signed requests to one endpoint.
#[derive(Clone, Debug)]
pub struct RawSender {
    http: reqwest::Client,
    /// `scheme://authority` of the endpoint, no trailing slash.
    base_url: String,
    /// The endpoint's `host[:port]`: the `Host` header unless a request overrides it.
    authority: String,
    credentials: Credentials,
    /// For real cloud endpoints: connect to the host named in an overridden `Host` header
    /// instead of the configured endpoint (a region is a different server there).
    connect_to_host_override: bool,
}

impl RawSender {
    /// A sender for `base_url` (`http://127.0.0.1:8480` or `https://bcc.bj.baidubce.com`).
    pub fn new(base_url: &str, credentials: Credentials) -> Result<Self, Failure> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let authority = base_url
            .split_once("://")
            .map(|(_, rest)| rest)
            .context(format!("endpoint {base_url} has no scheme"))?
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let host_name = authority.split(':').next().unwrap_or_default();
        let connect_to_host_override = host_name.ends_with(".baidubce.com");
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            base_url,
            authority,
            credentials,
            connect_to_host_override,
        })
    }

    /// The credentials requests are signed with by default.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The `Host` header sent when a request does not override it.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// Starts a request: `path` is the unencoded path, e.g. `/v2/keypair/k-abc`.
    pub fn request(&self, method: Method, path: &str) -> RawRequest<'_> {
        RawRequest {
            sender: self,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            raw_query: None,
            headers: Vec::new(),
            body: None,
            host: None,
            style: SdkStyle::Python,
            authorization: Authorization::Signed(None),
            time_offset: Duration::zero(),
            verbatim_path: false,
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> RawRequest<'_> {
        self.request(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(&self, path: &str) -> RawRequest<'_> {
        self.request(Method::POST, path)
    }

    /// `PUT path`.
    pub fn put(&self, path: &str) -> RawRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> RawRequest<'_> {
        self.request(Method::DELETE, path)
    }
}

/// One request being built; finish with [`RawRequest::send`].
#[must_use = "a request does nothing until sent"]
pub struct RawRequest<'a> {
    sender: &'a RawSender,
    method: Method,
    path: String,
    query: Vec<(String, Option<String>)>,
    raw_query: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Bytes>,
    host: Option<String>,
    style: SdkStyle,
    authorization: Authorization,
    time_offset: Duration,
    verbatim_path: bool,
}

impl RawRequest<'_> {
    /// Sends the path exactly as given (no percent-encoding) and signs it byte for byte, as
    /// the Python SDK does with ids that contain reserved characters (auth-v1.md §4 step 1).
    pub fn verbatim_path(mut self) -> Self {
        self.verbatim_path = true;
        self
    }

    /// A query parameter without a value (an action word such as `attach`).
    pub fn flag(mut self, key: &str) -> Self {
        self.query.push((key.to_owned(), None));
        self
    }

    /// A query parameter with a value.
    pub fn param(mut self, key: &str, value: &str) -> Self {
        self.query.push((key.to_owned(), Some(value.to_owned())));
        self
    }

    /// The query string exactly as it goes on the wire (replacing `flag`/`param`); the signer
    /// gets it parsed the way a server parses it (split on `&`, decoded once, `+` literal).
    pub fn raw_query(mut self, query: &str) -> Self {
        self.raw_query = Some(query.to_owned());
        self
    }

    /// An extra header (signed if the style's header selection includes it).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A JSON body.
    pub fn json(self, value: &serde_json::Value) -> Self {
        self.body(value.to_string())
    }

    /// A body of these exact bytes.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Overrides the `Host` header (e.g. `bcc.gz.baidubce.com` selects region `gz`).
    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_owned());
        self
    }

    /// Imitates this SDK's request shape.
    pub fn style(mut self, style: SdkStyle) -> Self {
        self.style = style;
        self
    }

    /// Signs with other credentials (e.g. a wrong secret or an unknown access key).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.authorization = Authorization::Signed(Some(Box::new(credentials)));
        self
    }

    /// Sends no `Authorization` header.
    pub fn unsigned(mut self) -> Self {
        self.authorization = Authorization::Absent;
        self
    }

    /// Sends this literal `Authorization` header instead of a signature.
    pub fn authorization(mut self, value: &str) -> Self {
        self.authorization = Authorization::Literal(value.to_owned());
        self
    }

    /// Signs as if the clock were `offset` away from now (negative = in the past); the
    /// `x-bce-date` header moves with it.
    pub fn signed_at_offset(mut self, offset: Duration) -> Self {
        self.time_offset = offset;
        self
    }

    /// Signs, sends and reads the whole response.
    pub async fn send(self) -> Result<RawResponse, Failure> {
        let what = format!("{} {}", self.method, self.path);
        self.send_inner()
            .await
            .map_err(|failure| failure.within(what))
    }

    async fn send_inner(self) -> Result<RawResponse, Failure> {
        let sender = self.sender;
        let host = self
            .host
            .clone()
            .unwrap_or_else(|| sender.authority.clone());
        let body = self.body.clone().unwrap_or_default();
        let time = signing_clock() + self.time_offset;

        let mut headers = sdk_headers(self.style, host, &body, time);
        headers.extend(self.headers.iter().cloned());
        self.authorize(&mut headers, time)?;
        if self.style == SdkStyle::Go {
            // Go sends a request id it does not sign (auth-v1.md §5 step 3).
            headers.push((
                "x-bce-request-id".into(),
                uuid::Uuid::new_v4().hyphenated().to_string(),
            ));
        }

        let url = self.url();
        let mut builder = sender.http.request(self.method.clone(), &url);
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = builder
            .body(body)
            .send()
            .await
            .context(format!("sending to {url}"))?;
        let status = response.status().as_u16();
        let response_headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .await
            .context("reading the response body")?;
        Ok(RawResponse {
            status,
            headers: response_headers,
            body,
        })
    }

    /// Adds the `Authorization` header (and what signing adds) the request asks for.
    fn authorize(
        &self,
        headers: &mut Vec<(String, String)>,
        time: DateTime<Utc>,
    ) -> Result<(), Failure> {
        match &self.authorization {
            Authorization::Signed(credentials) => {
                let credentials = credentials.as_deref().unwrap_or(&self.sender.credentials);
                let query = match &self.raw_query {
                    Some(raw) => parse_query(raw),
                    None => self.query.clone(),
                };
                let query_refs: Vec<(&str, Option<&str>)> = query
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.as_deref()))
                    .collect();
                let header_refs: Vec<(&str, &str)> = headers
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect();
                let signable = SignableRequest {
                    method: self.method.as_str(),
                    path: &self.path,
                    query: &query_refs,
                    headers: &header_refs,
                };
                let mut settings = settings(self.style);
                if self.verbatim_path {
                    settings.path_encoding = PathEncoding::Verbatim;
                }
                let output =
                    bce_auth::sign(&signable, credentials, time, &settings).context("signing")?;
                let added: Vec<(String, String)> = output
                    .headers()
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), value.clone()))
                    .collect();
                headers.extend(added);
                headers.push(("authorization".into(), output.authorization().to_owned()));
            }
            Authorization::Absent => {
                headers.push(("x-bce-date".into(), format_timestamp(time)));
            }
            Authorization::Literal(value) => {
                headers.push(("x-bce-date".into(), format_timestamp(time)));
                headers.push(("authorization".into(), value.clone()));
            }
        }
        Ok(())
    }

    /// The URL the request goes to: the path encoded unless sent verbatim, the query as given
    /// or encoded in the SDK's style.
    fn url(&self) -> String {
        let base = match (&self.host, self.sender.connect_to_host_override) {
            (Some(host), true) => {
                let scheme = self.sender.base_url.split("://").next().unwrap_or("https");
                format!("{scheme}://{host}")
            }
            _ => self.sender.base_url.clone(),
        };
        let mut url = if self.verbatim_path {
            format!("{base}{}", self.path)
        } else {
            format!(
                "{base}{}",
                utf8_percent_encode(&self.path, URI_ENCODE_EXCEPT_SLASH)
            )
        };
        let wire_query = match &self.raw_query {
            Some(raw) => raw.clone(),
            None => encode_query(&self.query, self.style),
        };
        if !wire_query.is_empty() {
            url.push('?');
            url.push_str(&wire_query);
        }
        url
    }
}

/// The headers an official SDK of `style` sends before signing (keypair-api.md §3).
fn sdk_headers(
    style: SdkStyle,
    host: String,
    body: &[u8],
    time: DateTime<Utc>,
) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = vec![("host".into(), host)];
    match style {
        SdkStyle::Python => {
            headers.push(("content-length".into(), body.len().to_string()));
        }
        SdkStyle::Go => {
            headers.push((
                "content-type".into(),
                "application/json;charset=utf-8".into(),
            ));
            if !body.is_empty() {
                headers.push(("content-length".into(), body.len().to_string()));
                headers.push(("content-md5".into(), content_md5(body)));
            }
        }
        SdkStyle::Java => {
            // Java sends `Date` (RFC 1123) instead of `x-bce-date`.
            headers.push((
                "date".into(),
                time.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            ));
            headers.push((
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            ));
            if !body.is_empty() {
                headers.push(("content-length".into(), body.len().to_string()));
            }
        }
    }
    headers
}

/// A whole response.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Bytes,
}

impl RawResponse {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, Failure> {
        serde_json::from_slice(&self.body).map_err(|error| {
            Failure::new(format!(
                "response body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            ))
        })
    }

    /// Fails unless the status is 200; returns the JSON body (`null` when empty).
    pub fn expect_ok(&self) -> Result<serde_json::Value, Failure> {
        if self.status != 200 {
            return Err(Failure::new(format!(
                "expected 200, got {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )));
        }
        if self.body.is_empty() {
            Ok(serde_json::Value::Null)
        } else {
            self.json()
        }
    }

    /// Fails unless this is the BCE error `code` with its documented status and a complete
    /// error body (errors.md §1: `requestId`, `code`, `message`, all strings).
    pub fn expect_error(&self, code: &ErrorCode) -> Result<(), Failure> {
        let body = String::from_utf8_lossy(&self.body);
        if self.status != code.status() {
            return Err(Failure::new(format!(
                "expected {} {}, got status {}: {body}",
                code.status(),
                code.as_str(),
                self.status
            )));
        }
        let json = self.json()?;
        let field = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
        if field("code") != Some(code.as_str()) {
            return Err(Failure::new(format!(
                "expected code {}, got body {body}",
                code.as_str()
            )));
        }
        if field("message").is_none_or(str::is_empty) {
            return Err(Failure::new(format!("error body without message: {body}")));
        }
        if field("requestId").is_none_or(str::is_empty) {
            return Err(Failure::new(format!(
                "error body without requestId: {body}"
            )));
        }
        Ok(())
    }
}

impl SdkStyle {
    /// The signing settings this SDK uses (auth-v1.md §4-6).
    pub fn signing_settings(self) -> SigningSettings {
        settings(self)
    }
}

/// Signing settings of each SDK (auth-v1.md §4-6).
fn settings(style: SdkStyle) -> SigningSettings {
    match style {
        // Empty signedHeaders = the default set, Python's own header rules.
        SdkStyle::Python => SigningSettings {
            headers_to_sign: HeadersToSign::Default,
            signed_headers_field: SignedHeadersField::Empty,
            compat: Compat::Python,
            ..SigningSettings::default()
        },
        // The BCC client's DEFAULT_HEADERS_TO_SIGN, written out sorted.
        SdkStyle::Go => SigningSettings {
            headers_to_sign: HeadersToSign::Only(
                ["host", "content-length", "content-type", "content-md5"]
                    .map(String::from)
                    .to_vec(),
            ),
            signed_headers_field: SignedHeadersField::Listed,
            compat: Compat::Go,
            ..SigningSettings::default()
        },
        // BccClient signs {host, x-bce-date} but sends `Date`, not `x-bce-date`: only `host`
        // ends up signed (auth-v1.md §6).
        SdkStyle::Java => SigningSettings {
            headers_to_sign: HeadersToSign::Only(["host", "x-bce-date"].map(String::from).to_vec()),
            signed_headers_field: SignedHeadersField::Listed,
            add_date_header: false,
            ..SigningSettings::default()
        },
    }
}

/// The wire query: Python writes `key=` for flags, Go and Java write `key` (keypair-api.md §2).
fn encode_query(query: &[(String, Option<String>)], style: SdkStyle) -> String {
    query
        .iter()
        .map(|(key, value)| {
            let key = utf8_percent_encode(key, URI_ENCODE).to_string();
            match (value, style) {
                (Some(value), _) => format!("{key}={}", utf8_percent_encode(value, URI_ENCODE)),
                (None, SdkStyle::Python) => format!("{key}="),
                (None, _) => key,
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Splits a raw query into pairs for the signer (values percent-decoded once, `+` literal).
/// A raw query as decoded pairs to sign, with `bce-auth`'s parser (auth-v1.md §8).
fn parse_query(raw: &str) -> Vec<(String, Option<String>)> {
    bce_auth::query::Query::parse(Some(raw))
        .params()
        .iter()
        .map(|param| {
            let value = param.value().map(|_| param.value_lossy().into_owned());
            (param.name_lossy().into_owned(), value)
        })
        .collect()
}

fn content_md5(body: &[u8]) -> String {
    use base64::Engine as _;
    use md5::{Digest, Md5};
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}

/// The current time as an auth-string timestamp, `YYYY-MM-DDThh:mm:ssZ` (auth-v1.md §1).
pub fn current_timestamp() -> String {
    timestamp_at_offset(Duration::zero())
}

/// Now plus `offset`, formatted like [`current_timestamp`].
pub fn timestamp_at_offset(offset: Duration) -> String {
    format_timestamp(signing_clock() + offset)
}

fn format_timestamp(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The one place the suite reads the wall clock: a request is signed for "now", like an SDK.
#[allow(clippy::disallowed_methods)] // signing edge: the signature must carry the current time
fn signing_clock() -> DateTime<Utc> {
    Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_flags_follow_each_sdk() {
        let query = vec![
            ("attach".to_owned(), None),
            ("name".to_owned(), Some("测 试+x".to_owned())),
        ];
        assert_eq!(
            encode_query(&query, SdkStyle::Python),
            "attach=&name=%E6%B5%8B%20%E8%AF%95%2Bx"
        );
        assert_eq!(
            encode_query(&query, SdkStyle::Go),
            "attach&name=%E6%B5%8B%20%E8%AF%95%2Bx"
        );
    }

    #[test]
    fn raw_query_is_parsed_for_the_signer() {
        assert_eq!(
            parse_query("maxKeys=abc&&attach&name=a%20b+c"),
            vec![
                ("maxKeys".to_owned(), Some("abc".to_owned())),
                ("attach".to_owned(), None),
                ("name".to_owned(), Some("a b+c".to_owned())),
            ]
        );
    }

    #[test]
    fn content_md5_matches_the_go_capture() {
        // keypair-api.md Appendix A.2: delete body and its Content-Md5.
        assert_eq!(
            content_md5(br#"{"keypairId":"k-abc12345"}"#),
            "7rxBF0sy+2B9yQf0Svr/tg=="
        );
    }
}
