//! Client configuration: endpoint, credentials, user agent, timeouts, retries, clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bce_auth::Credentials;
use thiserror::Error;

use crate::clock::{Clock, SystemClock};
use crate::retry::{RetryPolicy, Sleep, TokioSleep};

/// Environment variable holding the access key id.
pub const ENV_ACCESS_KEY_ID: &str = "BCE_ACCESS_KEY_ID";
/// Environment variable holding the secret access key.
pub const ENV_SECRET_ACCESS_KEY: &str = "BCE_SECRET_ACCESS_KEY";
/// Environment variable holding an optional STS session token.
pub const ENV_SESSION_TOKEN: &str = "BCE_SESSION_TOKEN";

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

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)
    }
}

/// Connect and request timeouts, applied by the transports built from a [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    connect: Duration,
    request: Duration,
}

impl Timeouts {
    /// Connect timeout by default: 10 s.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(10);
    /// Timeout for one attempt (sending the request and reading the whole response) by
    /// default: 30 s.
    pub const DEFAULT_REQUEST: Duration = Duration::from_secs(30);

    /// Timeouts for connecting and for one whole attempt.
    #[must_use]
    pub fn new(connect: Duration, request: Duration) -> Self {
        Self { connect, request }
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
}

impl Default for Timeouts {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CONNECT, Self::DEFAULT_REQUEST)
    }
}

/// Everything a [`Client`](crate::Client) needs besides its transport.
///
/// Defaults: user agent `bcc-keypair-rs/<version>`, [`Timeouts::default`] (10 s connect,
/// 30 s per attempt), [`RetryPolicy::default`] (3 attempts, full-jitter backoff from 100 ms,
/// capped at 5 s), the system clock and the tokio timer.
#[derive(Clone, Debug)]
pub struct Config {
    endpoint: Endpoint,
    credentials: Credentials,
    user_agent: http::HeaderValue,
    timeouts: Timeouts,
    retry: RetryPolicy,
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
            clock: Arc::new(SystemClock),
            sleep: Arc::new(TokioSleep),
        }
    }

    /// A configuration whose credentials come from the environment
    /// (see [`credentials_from_env`]).
    ///
    /// # Errors
    ///
    /// [`ConfigError::MissingEnvVar`] or [`ConfigError::InvalidEnvVar`].
    pub fn from_env(endpoint: Endpoint) -> Result<Self, ConfigError> {
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

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn sleeper(&self) -> &dyn Sleep {
        self.sleep.as_ref()
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
    let mut read = |name: &'static str| -> Result<Option<String>, ConfigError> {
        match lookup(name) {
            None => Ok(None),
            Some(value) => match value.into_string() {
                Ok(value) if value.is_empty() => Ok(None),
                Ok(value) => Ok(Some(value)),
                Err(_) => Err(ConfigError::InvalidEnvVar { name }),
            },
        }
    };
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
