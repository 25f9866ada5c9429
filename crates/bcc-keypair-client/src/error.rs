//! The client's error type.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bcc_keypair_model::{ErrorCode, ModelError};
use thiserror::Error;

use crate::config::ConfigError;
use crate::operation::{ClientToken, Operation};
use crate::transport::TransportError;

/// Why an operation failed.
///
/// The kinds are distinct on purpose: [`Service`](Self::Service) means the service answered
/// with an error; [`Transport`](Self::Transport) means no answer arrived; [`Decode`](Self::Decode)
/// means an answer arrived but was not what the API promises; [`Validation`](Self::Validation)
/// means an input was refused before anything was sent.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error(transparent)]
    Service(ServiceError),
    /// No response arrived (after all the attempts the retry policy allows).
    #[error(transparent)]
    Transport(TransportError),
    /// A success response whose body could not be read.
    #[error(transparent)]
    Decode(DecodeError),
    /// An input was refused before anything was sent, with the code the service would have
    /// answered (`keypair-api.md` §5).
    #[error("{code}: {source}")]
    Validation {
        /// The code the service would return for this input.
        code: ErrorCode,
        /// What is wrong with the input.
        #[source]
        source: ModelError,
    },
    /// The request could not be signed.
    #[error("could not sign the request")]
    Signing(#[source] bce_auth::SigningError),
    /// The configuration cannot be used.
    #[error(transparent)]
    Config(ConfigError),
    /// The HTTP request could not be assembled (a body that cannot be serialised, a header
    /// value that cannot be sent). Nothing was sent.
    #[error("could not build the {operation} request")]
    Request {
        /// The operation.
        operation: &'static str,
        /// What failed.
        #[source]
        source: Box<dyn StdError + Send + Sync + 'static>,
    },
}

impl Error {
    /// The wire error code: the service's for [`Error::Service`], the one the service would
    /// return for [`Error::Validation`]; `None` for the other kinds.
    #[must_use]
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Service(error) => Some(&error.code),
            Error::Validation { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status of the response this error came from, if one arrived.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            _ => None,
        }
    }

    /// Whether sending the same call again may succeed and cannot do anything twice.
    ///
    /// True for a service answer of 500, 502, 503, 504 or `RequestExpired` (the next
    /// attempt is signed afresh), for a failed connect, and for a timeout or a broken
    /// connection when the operation is harmless to repeat (reads, rename, update
    /// description, detach, and create or import repeated with the same
    /// [`client_token`](Self::client_token)). The client has already retried such errors as
    /// far as its policy, budget and deadline allowed; this tells a caller whether a later,
    /// second try of its own is safe.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(error) => crate::operation::is_retryable_service_error(error),
            Error::Transport(error) => error.is_retryable_in_call(),
            _ => false,
        }
    }

    /// The `clientToken` a failed create or import sent. Repeating the call with this token
    /// ([`CreateKeypairBuilder::client_token`](crate::CreateKeypairBuilder::client_token))
    /// answers with the key pair the failed call may have made instead of making a second
    /// one. `None` for other operations and for errors raised before anything was sent.
    #[must_use]
    pub fn client_token(&self) -> Option<&ClientToken> {
        match self {
            Error::Service(error) => error.client_token.as_ref(),
            Error::Transport(error) => error.client_token(),
            Error::Decode(error) => error.client_token.as_ref(),
            _ => None,
        }
    }

    /// Records the call this error ended: its operation and the `clientToken` it sent.
    pub(crate) fn in_call(mut self, operation: Operation, token: Option<&ClientToken>) -> Self {
        match &mut self {
            Error::Service(error) => error.client_token = token.cloned(),
            Error::Transport(error) => error.set_call(operation, token.cloned()),
            Error::Decode(error) => error.client_token = token.cloned(),
            _ => {}
        }
        self
    }

    /// The service's error, if the service answered with one.
    #[must_use]
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }

    /// The request id of the response this error came from, if one arrived.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(error) => error.request_id.as_deref(),
            Error::Decode(error) => error.request_id.as_deref(),
            _ => None,
        }
    }
}

impl From<ModelError> for Error {
    fn from(source: ModelError) -> Self {
        Error::Validation {
            code: source.code(),
            source,
        }
    }
}

impl From<ServiceError> for Error {
    fn from(error: ServiceError) -> Self {
        Error::Service(error)
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Error::Transport(error)
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Error::Decode(error)
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

/// An error answered by the service (`errors.md` §1).
///
/// `Display` reads on its own:
/// `Keypair.KeypairNotExist (404): Keypair not exist. [request id 6f1c…]`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The HTTP status of the response.
    pub status: u16,
    /// The error code; a code this crate does not know is kept as
    /// [`ErrorCode::Unknown`] with its text.
    pub code: ErrorCode,
    /// The service's message.
    pub message: String,
    /// The body's `requestId`, else the `x-bce-request-id` response header.
    pub request_id: Option<String>,
    /// How long the service asked the caller to wait, from a `Retry-After` header.
    pub retry_after: Option<Duration>,
    /// The `clientToken` of the create or import call that failed (see
    /// [`Error::client_token`]).
    pub client_token: Option<ClientToken>,
}

impl ServiceError {
    /// An error with every field given.
    #[must_use]
    pub fn new(
        status: u16,
        code: ErrorCode,
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            request_id,
            retry_after: None,
            client_token: None,
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)?;
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        Ok(())
    }
}

impl StdError for ServiceError {}

/// A success response whose body is not what the API promises.
#[derive(Debug)]
pub struct DecodeError {
    operation: &'static str,
    status: u16,
    request_id: Option<String>,
    client_token: Option<ClientToken>,
    source: Box<dyn StdError + Send + Sync + 'static>,
}

impl DecodeError {
    pub(crate) fn new(
        operation: &'static str,
        status: u16,
        request_id: Option<String>,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            operation,
            status,
            request_id,
            client_token: None,
            source: source.into(),
        }
    }

    /// The operation whose response could not be read (e.g. `create_keypair`).
    #[must_use]
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status of the response.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `x-bce-request-id` of the response, if it had one.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `clientToken` of the create or import whose response could not be read: the key
    /// pair was probably made, and repeating the call with this token returns it.
    #[must_use]
    pub fn client_token(&self) -> Option<&ClientToken> {
        self.client_token.as_ref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not read the {} response (status {}): {}",
            self.operation, self.status, self.source
        )?;
        if let Some(request_id) = &self.request_id {
            write!(f, " [request id {request_id}]")?;
        }
        Ok(())
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}
