//! The one-method [`Transport`] trait and its error type.
//!
//! A transport moves one plain HTTP request to the service and brings back one plain HTTP
//! response. It knows nothing about signing, retries or the key-pair API: the
//! [`Client`](crate::Client) builds and signs the request, and decides what a response or an
//! error means. Any HTTP status, 4xx and 5xx included, is a *response*; a [`TransportError`]
//! means that no response arrived.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::operation::{ClientToken, Operation};

#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;

/// Sends one HTTP request and returns the response.
///
/// Implementations must send the request exactly as given: the method, URI, every header and
/// the body are covered by (or consistent with) the signature, so a transport must not replace
/// `Host`, `Content-Type` or `Content-Length`, and must not re-encode the path or the query.
/// Adding unsigned headers (`User-Agent`, `Accept`) is harmless.
///
/// Blanket implementations cover `&T`, `Box<T>` and `Arc<T>`, so one transport can be shared
/// by several clients.
pub trait Transport: Send + Sync {
    /// Sends `request` and returns the full response, whatever its status.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        (**self).send(request)
    }
}

/// The boxed response future of a [`DynTransport`].
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

/// The object-safe form of [`Transport`], implemented for every transport. [`Transport`]
/// returns `impl Future`, so `dyn Transport` cannot exist; this trait boxes the future
/// instead, which is what [`BoxTransport`] stores.
pub trait DynTransport: Send + Sync {
    /// [`Transport::send`] with a boxed future.
    fn send_boxed(&self, request: http::Request<Bytes>) -> TransportFuture<'_>;
}

impl<T: Transport> DynTransport for T {
    fn send_boxed(&self, request: http::Request<Bytes>) -> TransportFuture<'_> {
        Box::pin(self.send(request))
    }
}

/// Any transport behind one type, for code that keeps a client in a struct or chooses the
/// transport at run time: `Client<BoxTransport>` (alias [`DynClient`](crate::DynClient))
/// names no transport type. One allocation per attempt for the boxed future; cloning shares
/// the transport.
#[derive(Clone)]
pub struct BoxTransport(Arc<dyn DynTransport>);

impl BoxTransport {
    /// Erases the type of `transport`.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self(Arc::new(transport))
    }
}

impl fmt::Debug for BoxTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoxTransport")
    }
}

impl Transport for BoxTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        self.0.send_boxed(request)
    }
}

/// What went wrong when no response arrived.
///
/// Each kind says whether the request may have reached the service, which decides whether
/// sending it again is safe (see [`TransportError::is_retry_safe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (DNS, refused, connect timeout, TLS handshake). The
    /// request was never sent, so a retry is always safe.
    Connect,
    /// The request timed out after it may have been sent. The service may have acted on it;
    /// a retry is safe only for an operation whose repetition is harmless.
    Timeout,
    /// The connection broke after the request may have been sent (reset, closed early,
    /// truncated response). Same retry rule as [`Timeout`](Self::Timeout).
    Interrupted,
    /// The transport could not turn the request into bytes on the wire (for example an
    /// unsupported URI scheme). Nothing was sent, and sending it again would fail the same
    /// way, so it is never retried.
    InvalidRequest,
    /// Any other failure; treated like [`Interrupted`](Self::Interrupted).
    Other,
}

impl TransportErrorKind {
    /// Whether the request is known not to have reached the service.
    #[must_use]
    pub fn request_not_sent(self) -> bool {
        matches!(self, Self::Connect | Self::InvalidRequest)
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Interrupted => "connection interrupted",
            Self::InvalidRequest => "request could not be sent",
            Self::Other => "transport failure",
        }
    }
}

/// No response arrived for a request.
///
/// Retry safety: [`is_retry_safe`](Self::is_retry_safe) is `true` only when the request is
/// known not to have been delivered (a failed connect). After a [`Timeout`] or an
/// [`Interrupted`] connection the service may already have acted; the client then retries only
/// operations whose repetition is harmless: reads, rename, update description, detach, and
/// create/import, which carry a `clientToken` that makes the service answer a repeated call
/// with the key pair it already made instead of making a second one.
///
/// [`Timeout`]: TransportErrorKind::Timeout
/// [`Interrupted`]: TransportErrorKind::Interrupted
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
    /// The operation of the call that failed, set by the client.
    operation: Option<Operation>,
    /// The `clientToken` that call sent, set by the client for create and import.
    client_token: Option<ClientToken>,
}

impl TransportError {
    /// A new error of `kind` with a short description.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
            operation: None,
            client_token: None,
        }
    }

    /// Attaches the underlying error, reported by [`source`](StdError::source).
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether sending the same request again cannot do anything twice, whatever the
    /// operation: true when the request is known not to have been sent and a retry can
    /// succeed ([`TransportErrorKind::Connect`]).
    #[must_use]
    pub fn is_retry_safe(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the request may have reached the service before the failure.
    #[must_use]
    pub fn may_have_been_delivered(&self) -> bool {
        !self.kind.request_not_sent()
    }

    /// The operation of the call that failed, when the error came out of a
    /// [`Client`](crate::Client) call.
    #[must_use]
    pub fn operation(&self) -> Option<Operation> {
        self.operation
    }

    /// The `clientToken` the failed create or import sent (see
    /// [`Error::client_token`](crate::Error::client_token)).
    #[must_use]
    pub fn client_token(&self) -> Option<&ClientToken> {
        self.client_token.as_ref()
    }

    pub(crate) fn set_call(&mut self, operation: Operation, client_token: Option<ClientToken>) {
        self.operation = Some(operation);
        self.client_token = client_token;
    }

    /// A connect failure can always be repeated; a failure after the request may have
    /// arrived only for an operation that is harmless to repeat; a request the transport
    /// cannot send never.
    pub(crate) fn is_retryable_in_call(&self) -> bool {
        self.is_retry_safe()
            || (self.kind != TransportErrorKind::InvalidRequest
                && self.operation.is_some_and(Operation::is_retry_safe))
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(self.kind.describe())
        } else {
            write!(f, "{}: {}", self.kind.describe(), self.message)
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// The message of the deepest cause, which names the real problem ("connection refused")
/// where the outer layers of an HTTP client say only "error sending request".
#[cfg(any(feature = "reqwest", feature = "hyper"))]
fn innermost_message(error: &(dyn StdError + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
