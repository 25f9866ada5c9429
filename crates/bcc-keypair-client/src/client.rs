//! [`Client`]: the nine operations over any [`Transport`], with signing and retries.

use std::time::Duration;

use bcc_keypair_model::{
    InstanceId, KeypairDescription, KeypairId, KeypairModel, KeypairName, ListKeypairsResponse,
    PublicKey,
};
use bytes::Bytes;
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use tracing::{Instrument, field};

use crate::builder::{CreateKeypairBuilder, ImportKeypairBuilder};
use crate::config::Config;
use crate::error::{DecodeError, Error};
use crate::operation::{self, ClientToken, ListKeypairs, Operation, OperationRequest};
use crate::request::signed_request;
use crate::transport::{BoxTransport, Transport, TransportError, TransportErrorKind};

/// A client of the BCC key-pair API.
///
/// Every method validates nothing itself: its inputs are the model's validated types
/// ([`KeypairName`], [`KeypairDescription`], [`PublicKey`], [`KeypairId`], [`InstanceId`]), so
/// an invalid input cannot be built and nothing is sent for it. Each attempt is signed afresh
/// with the configured clock; retries follow the configured [`RetryPolicy`](crate::RetryPolicy).
///
/// Only [`send`](Self::send) depends on the transport; building requests and reading
/// responses are the plain functions of [`operation`](crate::operation).
#[derive(Clone, Debug)]
pub struct Client<T> {
    config: Config,
    transport: T,
}

impl<T> Client<T> {
    /// A client sending through `transport`.
    #[must_use]
    pub fn new(config: Config, transport: T) -> Self {
        Self { config, transport }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The transport.
    #[must_use]
    pub fn transport(&self) -> &T {
        &self.transport
    }
}

/// A client whose transport type is erased, for structs that keep a client without naming
/// its transport.
pub type DynClient = Client<BoxTransport>;

impl<T: Transport + 'static> Client<T> {
    /// The same client with its transport type erased.
    #[must_use]
    pub fn into_dyn(self) -> DynClient {
        Client::new(self.config, BoxTransport::new(self.transport))
    }
}

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
impl Client<crate::transport::reqwest::ReqwestTransport> {
    /// A client over a new [`ReqwestTransport`](crate::ReqwestTransport) with the
    /// configuration's timeouts.
    ///
    /// # Errors
    ///
    /// [`Error::Transport`] if the HTTP client cannot be set up.
    pub fn with_reqwest(config: Config) -> Result<Self, Error> {
        let transport = crate::transport::reqwest::ReqwestTransport::new(&config.timeouts())?;
        Ok(Self::new(config, transport))
    }
}

#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
impl Client<crate::transport::hyper::HyperTransport> {
    /// A client over a new [`HyperTransport`](crate::HyperTransport) (plain HTTP) with the
    /// configuration's timeouts.
    #[must_use]
    pub fn with_hyper(config: Config) -> Self {
        let transport = crate::transport::hyper::HyperTransport::new(&config.timeouts());
        Self::new(config, transport)
    }
}

impl<T: Transport> Client<T> {
    /// Creates a key pair named `name`: set the optional description and idempotency
    /// token on the returned builder, then [`send`](CreateKeypairBuilder::send) it
    /// (`keypair-api.md` §6.1).
    ///
    /// ```no_run
    /// # async fn run(client: bcc_keypair_client::DynClient) -> Result<(), bcc_keypair_client::Error> {
    /// use bcc_keypair_client::model::{KeypairDescription, KeypairName};
    /// let keypair = client
    ///     .create_keypair(KeypairName::new("deploy")?)
    ///     .description(KeypairDescription::new("CI deploy key")?)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// One `clientToken` is sent with every attempt of the call, so a retry after a lost
    /// response cannot make a second key pair.
    pub fn create_keypair(&self, name: KeypairName) -> CreateKeypairBuilder<'_, T> {
        CreateKeypairBuilder::new(self, name)
    }

    /// Imports `public_key` as a key pair named `name`: set the optional parts on the
    /// returned builder, then [`send`](ImportKeypairBuilder::send) it (`keypair-api.md`
    /// §6.2). Retries reuse one `clientToken`, like create.
    pub fn import_keypair(
        &self,
        name: KeypairName,
        public_key: PublicKey,
    ) -> ImportKeypairBuilder<'_, T> {
        ImportKeypairBuilder::new(self, name, public_key)
    }

    /// One page of key pairs (`keypair-api.md` §6.3).
    ///
    /// # Errors
    ///
    /// [`Error::Service`], [`Error::Transport`], [`Error::Decode`].
    pub async fn list_keypairs(&self, list: &ListKeypairs) -> Result<ListKeypairsResponse, Error> {
        let request = operation::list_keypairs_request(list);
        let response = self.send(&request).await?;
        operation::decode_list(&response)
    }

    /// Every key pair (optionally only those named `name`), page after page, following
    /// `nextMarker` until a page is not truncated.
    ///
    /// The stream ends after the first error. A truncated page without a new `nextMarker`
    /// ends it with [`Error::Decode`] rather than asking for the same page forever.
    pub fn list_all_keypairs(
        &self,
        name: Option<String>,
    ) -> impl Stream<Item = Result<KeypairModel, Error>> + Send + '_ {
        self.list_all_keypairs_from(ListKeypairs {
            name,
            ..ListKeypairs::default()
        })
    }

    /// Like [`list_all_keypairs`](Self::list_all_keypairs), starting from `list` (its
    /// marker, page size and name filter).
    pub fn list_all_keypairs_from(
        &self,
        list: ListKeypairs,
    ) -> impl Stream<Item = Result<KeypairModel, Error>> + Send + '_ {
        stream::try_unfold(Some(list), move |next| async move {
            let Some(list) = next else {
                return Ok(None);
            };
            let page = self.list_keypairs(&list).await?;
            let next = if page.is_truncated {
                match page.next_marker.as_deref() {
                    Some(marker)
                        if !marker.is_empty() && list.marker.as_deref() != Some(marker) =>
                    {
                        Some(ListKeypairs {
                            marker: Some(marker.to_owned()),
                            ..list
                        })
                    }
                    _ => {
                        return Err(Error::Decode(DecodeError::new(
                            Operation::ListKeypairs.name(),
                            200,
                            None,
                            "a truncated page has no new nextMarker",
                        )));
                    }
                }
            } else {
                None
            };
            Ok(Some((page.keypairs, next)))
        })
        .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    /// One key pair (`keypair-api.md` §6.4); no private key.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] (e.g. `Keypair.KeypairNotExist`), [`Error::Transport`],
    /// [`Error::Decode`].
    pub async fn get_keypair(&self, id: &KeypairId) -> Result<KeypairModel, Error> {
        let request = operation::get_keypair_request(id);
        let response = self.send(&request).await?;
        operation::decode_keypair(Operation::GetKeypair, &response)
    }

    /// Binds the key pair to instances, replacing any key pair they hold
    /// (`keypair-api.md` §6.5). Not retried after an uncertain delivery (see
    /// [`Operation::is_retry_safe`]).
    ///
    /// # Errors
    ///
    /// [`Error::Service`] (e.g. `Keypair.InstanceNotExist`), [`Error::Transport`].
    pub async fn attach_keypair(
        &self,
        id: &KeypairId,
        instance_ids: &[InstanceId],
    ) -> Result<(), Error> {
        let request = operation::attach_keypair_request(id, instance_ids)?;
        let response = self.send(&request).await?;
        operation::decode_empty(&response)
    }

    /// Unbinds the key pair from instances (`keypair-api.md` §6.6).
    ///
    /// # Errors
    ///
    /// [`Error::Service`], [`Error::Transport`].
    pub async fn detach_keypair(
        &self,
        id: &KeypairId,
        instance_ids: &[InstanceId],
    ) -> Result<(), Error> {
        let request = operation::detach_keypair_request(id, instance_ids)?;
        let response = self.send(&request).await?;
        operation::decode_empty(&response)
    }

    /// Deletes the key pair (`keypair-api.md` §6.7). Not retried after an uncertain
    /// delivery.
    ///
    /// # Errors
    ///
    /// [`Error::Service`] (e.g. `Keypair.DeleteKeypairInUse`), [`Error::Transport`].
    pub async fn delete_keypair(&self, id: &KeypairId) -> Result<(), Error> {
        let request = operation::delete_keypair_request(id);
        let response = self.send(&request).await?;
        operation::decode_empty(&response)
    }

    /// Renames the key pair (`keypair-api.md` §6.8).
    ///
    /// # Errors
    ///
    /// [`Error::Service`], [`Error::Transport`].
    pub async fn rename_keypair(&self, id: &KeypairId, name: KeypairName) -> Result<(), Error> {
        let request = operation::rename_keypair_request(id, &name)?;
        let response = self.send(&request).await?;
        operation::decode_empty(&response)
    }

    /// Replaces the description; an empty one clears it (`keypair-api.md` §6.9).
    ///
    /// # Errors
    ///
    /// [`Error::Service`], [`Error::Transport`].
    pub async fn update_keypair_description(
        &self,
        id: &KeypairId,
        description: KeypairDescription,
    ) -> Result<(), Error> {
        let request = operation::update_keypair_description_request(id, &description)?;
        let response = self.send(&request).await?;
        operation::decode_empty(&response)
    }

    /// Signs and sends `request`, retrying as the policy, the retry budget and the
    /// operation deadline allow, and returns the first success response.
    ///
    /// # Errors
    ///
    /// The last attempt's [`Error::Service`] or [`Error::Transport`] (a [`Timeout`] one when
    /// the operation deadline passes during an attempt), carrying the request's
    /// `clientToken` if it has one; [`Error::Signing`] if the request cannot be signed (not
    /// retried).
    ///
    /// [`Timeout`]: TransportErrorKind::Timeout
    pub async fn send(&self, request: &OperationRequest) -> Result<http::Response<Bytes>, Error> {
        let operation = request.operation();
        let span = tracing::info_span!("bcc_keypair", operation = operation.name());
        let token = request.client_token().map(ClientToken::new);
        let result = match self.config.timeouts().operation() {
            None => self.send_with_retries(request, None).instrument(span).await,
            Some(limit) => {
                let attempts = std::pin::pin!(
                    self.send_with_retries(request, Some(limit))
                        .instrument(span.clone())
                );
                let deadline = self.config.sleeper().sleep(limit);
                match futures_util::future::select(attempts, deadline).await {
                    futures_util::future::Either::Left((result, _)) => result,
                    futures_util::future::Either::Right(((), _)) => {
                        span.in_scope(|| tracing::debug!(?limit, "operation deadline passed"));
                        Err(Error::Transport(TransportError::new(
                            TransportErrorKind::Timeout,
                            format!("the operation did not finish within {limit:?}"),
                        )))
                    }
                }
            }
        };
        result.map_err(|error| error.in_call(operation, token.as_ref()))
    }

    /// The attempts of one call. `deadline` is the operation's time limit: a retry whose
    /// wait would end after it is not made.
    async fn send_with_retries(
        &self,
        request: &OperationRequest,
        deadline: Option<Duration>,
    ) -> Result<http::Response<Bytes>, Error> {
        let operation = request.operation();
        let policy = self.config.retry_policy();
        let budget = self.config.retry_budget();
        // Read the clock only with a deadline: tests pin the signing times the clock gives.
        let started = deadline.map(|_| self.config.clock().now());
        let mut attempt: u32 = 1;
        loop {
            let attempt_span = tracing::debug_span!(
                "attempt",
                attempt,
                status = field::Empty,
                request_id = field::Empty,
            );
            let error = match self.attempt(request).instrument(attempt_span).await {
                Ok(response) => {
                    budget.refill();
                    return Ok(response);
                }
                Err(error) => error,
            };
            if attempt >= policy.max_attempts() || !should_retry(operation, &error) {
                tracing::debug!(attempt, error = %error, "giving up");
                return Err(error);
            }
            let Some(delay) = retry_delay(&policy, attempt, &error) else {
                tracing::debug!(attempt, error = %error, "Retry-After is past the backoff cap; giving up");
                return Err(error);
            };
            if let (Some(limit), Some(started)) = (deadline, started)
                && (self.config.clock().now() - started)
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    + delay
                    >= limit
            {
                tracing::debug!(attempt, error = %error, "the next attempt would start after the deadline; giving up");
                return Err(error);
            }
            if !budget.try_spend(is_timeout(&error)) {
                tracing::info!(attempt, available = budget.available(), error = %error, "retry budget spent; giving up");
                return Err(error);
            }
            tracing::info!(
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error = %error,
                "retrying"
            );
            self.config.sleeper().sleep(delay).await;
            attempt += 1;
        }
    }

    /// One signed attempt: a 2xx response, or the error it amounts to.
    async fn attempt(&self, request: &OperationRequest) -> Result<http::Response<Bytes>, Error> {
        let time = self.config.clock().now();
        let http_request = signed_request(request, &self.config, time)?;
        tracing::debug!(
            method = %http_request.method(),
            path = %request.path_and_query(),
            "sending request"
        );
        let response = self.transport.send(http_request).await.map_err(|error| {
            tracing::debug!(error = %error, retry_safe = error.is_retry_safe(), "no response");
            Error::Transport(error)
        })?;
        let span = tracing::Span::current();
        span.record("status", response.status().as_u16());
        if let Some(request_id) = operation::header_request_id(&response) {
            span.record("request_id", request_id.as_str());
        }
        tracing::debug!(status = response.status().as_u16(), "response");
        if response.status().is_success() {
            Ok(response)
        } else {
            let mut error = operation::service_error(&response);
            error.retry_after = operation::retry_after(&response, time);
            Err(Error::Service(error))
        }
    }
}

/// The wait before the retry that follows `attempt`: the policy's jittered backoff, but
/// never less than a `Retry-After` the service sent; `None` when that `Retry-After` is
/// longer than the policy's cap (see the [`retry`](crate::retry) module).
fn retry_delay(
    policy: &crate::retry::RetryPolicy,
    attempt: u32,
    error: &Error,
) -> Option<Duration> {
    let backoff = policy.backoff_delay(attempt, rand::random::<f64>());
    match error.as_service().and_then(|service| service.retry_after) {
        None => Some(backoff),
        Some(asked) if asked > policy.max_delay() => None,
        Some(asked) => Some(asked.max(backoff)),
    }
}

/// Whether `error` is a timeout, whose retry costs the budget more.
fn is_timeout(error: &Error) -> bool {
    matches!(error, Error::Transport(transport) if transport.kind() == TransportErrorKind::Timeout)
}

/// Whether another attempt may follow `error` (see the [`retry`](crate::retry) module).
fn should_retry(operation: Operation, error: &Error) -> bool {
    match error {
        Error::Service(service) => operation::is_retryable_service_error(service),
        Error::Transport(transport) => transport_error_is_retryable(operation, transport),
        _ => false,
    }
}

/// A connect failure is always retried; a failure after the request may have arrived only
/// for an operation that is harmless to repeat; a request the transport cannot send never.
fn transport_error_is_retryable(operation: Operation, error: &TransportError) -> bool {
    error.is_retry_safe()
        || (error.kind() != TransportErrorKind::InvalidRequest && operation.is_retry_safe())
}
