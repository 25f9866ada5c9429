//! Transports and a sleeper for tests (feature `test-util`).
//!
//! * [`CaptureTransport`] wraps another transport and records every request it passes on.
//! * [`ReplayTransport`] answers from a script of canned responses and transport errors, and
//!   records the requests.
//! * [`FnTransport`] answers with a closure.
//! * [`RecordingSleep`] records the waits between attempts and returns at once.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;

use crate::retry::{Sleep, SleepFuture};
use crate::transport::{Transport, TransportError, TransportErrorKind};

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the recorded data from the others.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Passes requests to an inner transport and keeps a copy of each.
#[derive(Debug)]
pub struct CaptureTransport<T> {
    inner: T,
    requests: Mutex<Vec<http::Request<Bytes>>>,
}

impl<T> CaptureTransport<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            requests: Mutex::new(Vec::new()),
        }
    }

    /// Copies of the requests sent so far, oldest first.
    #[must_use]
    pub fn requests(&self) -> Vec<http::Request<Bytes>> {
        lock(&self.requests).iter().map(copy_request).collect()
    }

    /// The number of requests sent so far.
    #[must_use]
    pub fn len(&self) -> usize {
        lock(&self.requests).len()
    }

    /// Whether no request was sent.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: Transport> Transport for CaptureTransport<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        lock(&self.requests).push(copy_request(&request));
        self.inner.send(request).await
    }
}

/// One scripted outcome of a [`ReplayTransport`].
#[derive(Debug)]
pub enum Scripted {
    /// Answer with this response.
    Respond(http::Response<Bytes>),
    /// Fail with this transport error.
    Fail(TransportError),
    /// Pass the request to the fallback transport, then fail with this error: the request
    /// was delivered and acted on, but its response was lost.
    DeliverThenFail(TransportError),
}

/// Answers requests from a script, in order, and records them.
///
/// When the script runs out, requests go to the fallback transport given to
/// [`with_fallback`](Self::with_fallback), or fail with [`TransportErrorKind::Other`].
#[derive(Debug)]
pub struct ReplayTransport<F = NoFallback> {
    script: Mutex<VecDeque<Scripted>>,
    requests: Mutex<Vec<http::Request<Bytes>>>,
    fallback: F,
}

/// The fallback of a [`ReplayTransport`] without one: every request fails.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFallback;

impl Transport for NoFallback {
    async fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        Err(TransportError::new(
            TransportErrorKind::Other,
            "the replay script is exhausted",
        ))
    }
}

impl ReplayTransport<NoFallback> {
    /// A transport that plays `script`, then fails.
    pub fn new(script: impl IntoIterator<Item = Scripted>) -> Self {
        Self::with_fallback(script, NoFallback)
    }
}

impl<F> ReplayTransport<F> {
    /// A transport that plays `script`, then sends to `fallback` (also used by
    /// [`Scripted::DeliverThenFail`]).
    pub fn with_fallback(script: impl IntoIterator<Item = Scripted>, fallback: F) -> Self {
        Self {
            script: Mutex::new(script.into_iter().collect()),
            requests: Mutex::new(Vec::new()),
            fallback,
        }
    }

    /// Copies of the requests received so far, oldest first.
    #[must_use]
    pub fn requests(&self) -> Vec<http::Request<Bytes>> {
        lock(&self.requests).iter().map(copy_request).collect()
    }

    /// How many scripted outcomes are left.
    #[must_use]
    pub fn remaining(&self) -> usize {
        lock(&self.script).len()
    }
}

impl<F: Transport> Transport for ReplayTransport<F> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        lock(&self.requests).push(copy_request(&request));
        let next = lock(&self.script).pop_front();
        match next {
            Some(Scripted::Respond(response)) => Ok(response),
            Some(Scripted::Fail(error)) => Err(error),
            Some(Scripted::DeliverThenFail(error)) => {
                // The response (or the fallback's error) is dropped: it never arrives.
                let _lost = self.fallback.send(request).await;
                Err(error)
            }
            None => self.fallback.send(request).await,
        }
    }
}

/// A transport made of a closure from request to a future of the outcome.
pub struct FnTransport<F>(F);

impl<F> FnTransport<F> {
    /// Wraps `f`.
    pub fn new(f: F) -> Self {
        Self(f)
    }
}

impl<F> std::fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnTransport")
    }
}

impl<F, Fut> Transport for FnTransport<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<http::Response<Bytes>, TransportError>> + Send,
{
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        (self.0)(request)
    }
}

/// Records each requested wait and completes at once.
#[derive(Clone, Debug, Default)]
pub struct RecordingSleep {
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleep {
    /// A sleeper with no waits recorded.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The waits requested so far, in order.
    #[must_use]
    pub fn waits(&self) -> Vec<Duration> {
        lock(&self.waits).clone()
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        lock(&self.waits).push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A response with `status`, a JSON content type, an `x-bce-request-id` and `body`.
#[must_use]
pub fn json_response(status: u16, request_id: &str, body: &str) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::copy_from_slice(body.as_bytes()));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    if let Ok(value) = http::HeaderValue::from_str(request_id) {
        headers.insert(crate::operation::REQUEST_ID_HEADER, value);
    }
    response
}

fn copy_request(request: &http::Request<Bytes>) -> http::Request<Bytes> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}
