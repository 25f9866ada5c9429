//! Client configuration: endpoint, credentials, user agent, timeouts, retries, clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bce_auth::Credentials;
use thiserror::Error;

use crate::clock::{Clock, SystemClock};
use crate::retry::{RetryBudget, RetryPolicy, Sleep, TokioSleep};

/// Environment variable holding the access key id.
pub const ENV_ACCESS_KEY_ID: &str = "BCE_ACCESS_KEY_ID";
/// Environment variable holding the secret access key.
pub const ENV_SECRET_ACCESS_KEY: &str = "BCE_SECRET_ACCESS_KEY";
/// Environment variable holding an optional STS session token.
pub const ENV_SESSION_TOKEN: &str = "BCE_SESSION_TOKEN";
/// Environment variable holding the endpoint URL; it wins over [`ENV_REGION`], as
/// `--endpoint` does in the `bcc-keypair` command.
pub const ENV_ENDPOINT: &str = "BCC_ENDPOINT";
/// Environment variable holding the region (`bj`, `gz`, …), used when [`ENV_ENDPOINT`] is
/// unset.
pub const ENV_REGION: &str = "BCC_REGION";

/// Where the service is: a scheme and a `host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    scheme: http::uri::Scheme,
    /// `host[:port]` exactly as sent in the `Host` header (port only when not the scheme's
    /// default, like the official SDKs, `keypair-api.md` §3).
    host: String,
}

impl Endpoint {
    /// The BCC endpoint of a region: `https://bcc.{region}.baidubce.com` (`keypair-api.md` §1).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidRegion`] unless `region` is non-empty ASCII lower-case letters,
    /// digits and `-`.
    pub fn region(region: &str) -> Result<Self, ConfigError> {
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(ConfigError::InvalidRegion {
                region: region.to_owned(),
            });
        }
        Ok(Self {
            scheme: http::uri::Scheme::HTTPS,
            host: format!("bcc.{region}.baidubce.com"),
        })
    }

    /// An explicit base URL such as `https://bcc.bj.baidubce.com` or `http://127.0.0.1:8480`
    /// (plain HTTP is allowed, for the simulator). A trailing `/` is accepted; any other path,
    /// a query or user info is refused.
    ///
    /// Plain `http://` to a host that is not loopback logs a `tracing` warning: the
    /// signature does not hide the request, so a key pair's private key would cross the
    /// network in clear text.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] saying what is wrong with `url`.
    pub fn url(url: &str) -> Result<Self, ConfigError> {
        let invalid = |reason: &'static str| ConfigError::InvalidEndpoint {
            url: url.to_owned(),
            reason,
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|_| invalid("not a valid absolute URL"))?;
        let scheme = match uri.scheme() {
            Some(s) if *s == http::uri::Scheme::HTTP || *s == http::uri::Scheme::HTTPS => s.clone(),
            Some(_) => return Err(invalid("the scheme must be http or https")),
            None => return Err(invalid("the URL needs a scheme (http:// or https://)")),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| invalid("the URL has no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user info in the URL is not supported"));
        }
        if authority.host().is_empty() {
            return Err(invalid("the URL has no host"));
        }
        if !matches!(uri.path(), "" | "/") {
            return Err(invalid("the URL must not have a path"));
        }
        if uri.query().is_some() {
            return Err(invalid("the URL must not have a query"));
        }
        let default_port = if scheme == http::uri::Scheme::HTTPS {
            443
        } else {
            80
        };
        let host = match authority.port_u16() {
            Some(port) if port != default_port => format!("{}:{port}", authority.host()),
            _ => authority.host().to_owned(),
        };
        if scheme == http::uri::Scheme::HTTP && !is_loopback_host(authority.host()) {
            tracing::warn!(
                endpoint = url,
                "plain http:// to a host that is not loopback: requests and private keys travel unencrypted"
            );
        }
        Ok(Self { scheme, host })
    }

    /// `http` or `https`.
    #[must_use]
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }

    /// The `Host` header value: `host[:port]`, the port only when not the scheme's default.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The base URL without a trailing `/`, e.g. `https://bcc.bj.baidubce.com`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

/// `localhost` or a loopback address (`127.0.0.0/8`, `[::1]`).
fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)
    }
}

/// Connect and request timeouts, applied by the transports built from a [`Config`], and
/// the deadline of a whole operation, applied by the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    connect: Duration,
    request: Duration,
    operation: Option<Duration>,
}

impl Timeouts {
    /// Connect timeout by default: 10 s.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(10);
    /// Timeout for one attempt (sending the request and reading the whole response) by
    /// default: 30 s.
    pub const DEFAULT_REQUEST: Duration = Duration::from_secs(30);

    /// Timeouts for connecting and for one whole attempt, with no deadline for the whole
    /// operation.
    #[must_use]
    pub fn new(connect: Duration, request: Duration) -> Self {
        Self {
            connect,
            request,
            operation: None,
        }
    }

    /// The same, with a deadline for the whole operation: every attempt and every wait
    /// between attempts (see [`operation`](Self::operation)).
    #[must_use]
    pub fn with_operation(mut self, operation: Duration) -> Self {
        self.operation = Some(operation);
        self
    }

    /// How long to wait for a connection.
    #[must_use]
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// How long one attempt may take, from sending the request to the end of the response.
    #[must_use]
    pub fn request(&self) -> Duration {
        self.request
    }

    /// How long one whole operation may take, all its attempts and the waits between
    /// them; `None` (the default) sets no limit beyond the attempts themselves. When it
    /// passes during an attempt the call ends with a [`Timeout`] transport error; a retry
    /// whose wait would end after it is not made, and the call ends with the last error.
    ///
    /// [`Timeout`]: crate::TransportErrorKind::Timeout
    #[must_use]
    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CONNECT, Self::DEFAULT_REQUEST)
    }
}

/// Everything a [`Client`](crate::Client) needs besides its transport.
///
/// Defaults: user agent `bcc-keypair-rs/<version>`, [`Timeouts::default`] (10 s connect,
/// 30 s per attempt, no operation deadline), [`RetryPolicy::default`] (3 attempts,
/// full-jitter backoff from 100 ms, capped at 5 s), a fresh [`RetryBudget::default`] (500
/// tokens), the system clock and the tokio timer.
///
/// Clones share the retry budget, so every client made from one configuration draws on one
/// budget.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    endpoint: Endpoint,
    credentials: Credentials,
    user_agent: http::HeaderValue,
    timeouts: Timeouts,
    retry: RetryPolicy,
    retry_budget: Arc<RetryBudget>,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
}

impl Config {
    /// The default user agent: `bcc-keypair-rs/<crate version>`.
    pub const DEFAULT_USER_AGENT: &'static str =
        concat!("bcc-keypair-rs/", env!("CARGO_PKG_VERSION"));

    /// A configuration with explicit credentials and every other setting at its default.
    #[must_use]
    pub fn new(endpoint: Endpoint, credentials: Credentials) -> Self {
        Self {
            endpoint,
            credentials,
            user_agent: http::HeaderValue::from_static(Self::DEFAULT_USER_AGENT),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            retry_budget: Arc::new(RetryBudget::default()),
            clock: Arc::new(SystemClock),
            sleep: Arc::new(TokioSleep),
        }
    }

    /// A configuration from the environment: the endpoint from `BCC_ENDPOINT`, else the
    /// region from `BCC_REGION` ([`endpoint_from_env`]), and the credentials
    /// ([`credentials_from_env`]). The names are the `bcc-keypair` command's.
    ///
    /// # Errors
    ///
    /// [`ConfigError::MissingEndpoint`], [`ConfigError::InvalidEndpoint`],
    /// [`ConfigError::InvalidRegion`], [`ConfigError::MissingEnvVar`] or
    /// [`ConfigError::InvalidEnvVar`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(std::env::var_os)
    }

    /// Like [`from_env`](Self::from_env), reading the same names through `lookup`.
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup<F>(mut lookup: F) -> Result<Self, ConfigError>
    where
        F: FnMut(&'static str) -> Option<std::ffi::OsString>,
    {
        let endpoint = endpoint_from_lookup(&mut lookup)?;
        Ok(Self::new(endpoint, credentials_from_lookup(lookup)?))
    }

    /// A configuration for `endpoint` whose credentials come from the environment
    /// (see [`credentials_from_env`]).
    ///
    /// # Errors
    ///
    /// [`ConfigError::MissingEnvVar`] or [`ConfigError::InvalidEnvVar`].
    pub fn from_env_with_endpoint(endpoint: Endpoint) -> Result<Self, ConfigError> {
        Ok(Self::new(endpoint, credentials_from_env()?))
    }

    /// Replaces the user agent.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidUserAgent`] if it is not a valid header value (control
    /// characters, line breaks).
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Result<Self, ConfigError> {
        let user_agent = user_agent.into();
        self.user_agent = http::HeaderValue::try_from(user_agent.as_str())
            .map_err(|_| ConfigError::InvalidUserAgent { user_agent })?;
        Ok(self)
    }

    /// Replaces both timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Replaces the connect timeout.
    #[must_use]
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts = Timeouts::new(timeout, self.timeouts.request);
        self
    }

    /// Replaces the timeout of one attempt.
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts = Timeouts::new(self.timeouts.connect, timeout);
        self
    }

    /// Sets the deadline of a whole operation (see [`Timeouts::operation`]).
    #[must_use]
    pub fn with_operation_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts = self.timeouts.with_operation(timeout);
        self
    }

    /// Replaces the retry budget; pass one `Arc` to several configurations to share it.
    #[must_use]
    pub fn with_retry_budget(mut self, budget: Arc<RetryBudget>) -> Self {
        self.retry_budget = budget;
        self
    }

    /// Replaces the retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Keeps the backoff delays and sets the number of attempts in all (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.retry = self.retry.with_max_attempts(max_attempts);
        self
    }

    /// Replaces the clock that timestamps each attempt's signature.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces what waits between attempts.
    #[must_use]
    pub fn with_sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// The endpoint.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The credentials.
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The user agent.
    #[must_use]
    pub fn user_agent(&self) -> &str {
        // Built from a `&str`, so it is valid UTF-8.
        self.user_agent.to_str().unwrap_or(Self::DEFAULT_USER_AGENT)
    }

    pub(crate) fn user_agent_header(&self) -> &http::HeaderValue {
        &self.user_agent
    }

    /// The timeouts for transports built from this configuration.
    #[must_use]
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The retry budget shared by the clients of this configuration.
    #[must_use]
    pub fn retry_budget(&self) -> &Arc<RetryBudget> {
        &self.retry_budget
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn sleeper(&self) -> &dyn Sleep {
        self.sleep.as_ref()
    }
}

/// The endpoint named by `BCC_ENDPOINT` (a URL), else by `BCC_REGION`.
///
/// # Errors
///
/// [`ConfigError::MissingEndpoint`] if both are unset or empty;
/// [`ConfigError::InvalidEndpoint`] or [`ConfigError::InvalidRegion`] for a value that
/// cannot be used; [`ConfigError::InvalidEnvVar`] if a variable is not valid Unicode.
pub fn endpoint_from_env() -> Result<Endpoint, ConfigError> {
    endpoint_from_lookup(std::env::var_os)
}

/// The endpoint read through `lookup` under the names of [`endpoint_from_env`].
///
/// # Errors
///
/// As [`endpoint_from_env`].
pub fn endpoint_from_lookup<F>(mut lookup: F) -> Result<Endpoint, ConfigError>
where
    F: FnMut(&'static str) -> Option<std::ffi::OsString>,
{
    if let Some(url) = read_var(&mut lookup, ENV_ENDPOINT)? {
        return Endpoint::url(&url);
    }
    match read_var(&mut lookup, ENV_REGION)? {
        Some(region) => Endpoint::region(&region),
        None => Err(ConfigError::MissingEndpoint),
    }
}

/// A variable's value; unset and empty are alike.
fn read_var<F>(lookup: &mut F, name: &'static str) -> Result<Option<String>, ConfigError>
where
    F: FnMut(&'static str) -> Option<std::ffi::OsString>,
{
    match lookup(name) {
        None => Ok(None),
        Some(value) => match value.into_string() {
            Ok(value) if value.is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(_) => Err(ConfigError::InvalidEnvVar { name }),
        },
    }
}

/// Credentials from `BCE_ACCESS_KEY_ID`, `BCE_SECRET_ACCESS_KEY` and, if set,
/// `BCE_SESSION_TOKEN`.
///
/// # Errors
///
/// [`ConfigError::MissingEnvVar`] if the key id or the secret is unset or empty;
/// [`ConfigError::InvalidEnvVar`] if a variable is not valid Unicode.
pub fn credentials_from_env() -> Result<Credentials, ConfigError> {
    credentials_from_lookup(std::env::var_os)
}

/// Credentials read through `lookup` under the same names as [`credentials_from_env`], for
/// callers that keep their settings somewhere other than the process environment.
///
/// # Errors
///
/// As [`credentials_from_env`].
pub fn credentials_from_lookup<F>(mut lookup: F) -> Result<Credentials, ConfigError>
where
    F: FnMut(&'static str) -> Option<std::ffi::OsString>,
{
    let mut read = |name: &'static str| read_var(&mut lookup, name);
    let access_key_id = read(ENV_ACCESS_KEY_ID)?.ok_or(ConfigError::MissingEnvVar {
        name: ENV_ACCESS_KEY_ID,
    })?;
    let secret_access_key = read(ENV_SECRET_ACCESS_KEY)?.ok_or(ConfigError::MissingEnvVar {
        name: ENV_SECRET_ACCESS_KEY,
    })?;
    let credentials = Credentials::new(access_key_id, secret_access_key);
    Ok(match read(ENV_SESSION_TOKEN)? {
        Some(token) => credentials.with_session_token(token),
        None => credentials,
    })
}

/// A configuration value that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The endpoint URL cannot be used.
    #[error("invalid endpoint {url:?}: {reason}")]
    InvalidEndpoint {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The region cannot be put into a host name.
    #[error("invalid region {region:?}: use lower-case letters, digits and '-' (e.g. \"bj\")")]
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// Neither `BCC_ENDPOINT` nor `BCC_REGION` is set.
    #[error("no endpoint: set BCC_ENDPOINT (a URL) or BCC_REGION (e.g. bj)")]
    MissingEndpoint,
    /// A required environment variable is unset or empty.
    #[error("environment variable {name} is not set")]
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },
    /// An environment variable is not valid Unicode.
    #[error("environment variable {name} is not valid Unicode")]
    InvalidEnvVar {
        /// The variable's name.
        name: &'static str,
    },
    /// The user agent is not a valid header value.
    #[error("invalid user agent {user_agent:?}: it must be printable text on one line")]
    InvalidUserAgent {
        /// The user agent as given.
        user_agent: String,
    },
}
