//! Serving a [`Simulator`] over HTTP/1.1 (hyper 1, keep-alive) with graceful shutdown.
//!
//! Requests are handed to [`Simulator::handle`] with their headers untouched: hyper adds no
//! request headers, so the verifier sees exactly what the client signed (auth-v1.md §8).
//!
//! An injected [`ConnectionFault`] closes the connection instead of answering: the service
//! future fails, and hyper drops a connection whose service failed without writing a byte.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body as _;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulConnection, GracefulShutdown};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::{ConnectionFault, MAX_BODY_BYTES, Simulator};

mod connections;
mod refusal;

use connections::Connections;
pub use connections::ServerOptions;
use refusal::Refusals;

/// How long open connections get to finish after shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// The longest wait before `accept` is tried again after it failed with nothing to close.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// Serves `sim` on `listener` with the default [`ServerOptions`] until `shutdown`
/// completes; see [`serve_with`].
pub async fn serve(
    listener: TcpListener,
    sim: Simulator,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    serve_with(listener, sim, &ServerOptions::default(), shutdown).await
}

/// Serves `sim` on `listener` until `shutdown` completes, then stops accepting, lets open
/// requests finish (up to 5 s) and returns. The caller binds the listener and owns the
/// shutdown signal (mini-redis's `run(listener, shutdown)`).
///
/// Connections that stay silent or idle past `options`' timeouts are closed, and when a new
/// connection finds no room (`max_connections`, or no file descriptor left for `accept`)
/// the longest-idle connection is closed for it, so silent clients cannot lock others out.
pub async fn serve_with(
    listener: TcpListener,
    sim: Simulator,
    options: &ServerOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut shutdown = std::pin::pin!(shutdown);
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Connections::default());
    // The connection tasks, so that any still open after the grace period can be aborted.
    let mut tasks = JoinSet::new();
    let mut sweep = tokio::time::interval(options.sweep_interval());
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut backoff = Duration::ZERO;
    loop {
        let room = connections.len() < options.max_connections || connections.close_longest_idle();
        let (stream, peer) = tokio::select! {
            // Shutdown first: once it has begun, no further connection is taken.
            biased;
            () = &mut shutdown => break,
            _ = sweep.tick() => {
                connections.close_expired(Instant::now(), options);
                continue;
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            accepted = listener.accept(), if room => match accepted {
                Ok(accepted) => {
                    backoff = Duration::ZERO;
                    accepted
                }
                Err(error) => {
                    backoff = after_accept_error(&error, &connections, backoff).await;
                    continue;
                }
            },
        };
        let id = connections.add(Instant::now());
        let connection = graceful.watch(http1_connection(stream, &sim, &connections, id));
        let finished = Arc::clone(&connections);
        let abort = tasks.spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
            finished.remove(id);
        });
        connections.set_abort(id, abort);
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open = tasks.len(),
            "connections still open after the shutdown grace period; closing them"
        );
        tasks.shutdown().await;
    }
    Ok(())
}

/// One keep-alive HTTP/1.1 connection answering with `sim`. When shutdown starts, it
/// finishes its request in flight and closes (an idle one closes at once).
fn http1_connection(
    stream: TcpStream,
    sim: &Simulator,
    connections: &Arc<Connections>,
    id: u64,
) -> impl GracefulConnection<Error = hyper::Error> + Send + use<> {
    let _ = stream.set_nodelay(true);
    let sim = sim.clone();
    let sim_for_refusals = sim.clone();
    let connections = Arc::clone(connections);
    let service = service_fn(move |request| {
        let sim = sim.clone();
        let in_flight = connections.start_request(id);
        async move {
            let response = answer(&sim, request).await;
            drop(in_flight);
            response
        }
    });
    hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(
            TokioIo::new(Refusals::new(stream, sim_for_refusals)),
            service,
        )
}

/// Waits as long as an `accept` failure calls for and returns the next backoff. Out of file
/// descriptors (`EMFILE`, `ENFILE`), closing the longest-idle connection frees one at once;
/// otherwise the wait doubles up to [`MAX_ACCEPT_BACKOFF`] instead of spinning.
async fn after_accept_error(
    error: &std::io::Error,
    connections: &Connections,
    backoff: Duration,
) -> Duration {
    const EMFILE: i32 = 24;
    const ENFILE: i32 = 23;
    let out_of_descriptors = matches!(error.raw_os_error(), Some(EMFILE | ENFILE));
    if out_of_descriptors && connections.close_longest_idle() {
        tracing::debug!(%error, "accept failed; closed an idle connection to make room");
        // The closed connection's task releases its socket when it next runs.
        tokio::task::yield_now().await;
        return Duration::ZERO;
    }
    let backoff = (backoff * 2).clamp(Duration::from_millis(5), MAX_ACCEPT_BACKOFF);
    tracing::warn!(%error, retry_in_ms = backoff.as_millis(), "accept failed");
    tokio::time::sleep(backoff).await;
    backoff
}

/// The service error that makes hyper close a connection without an answer.
#[derive(Debug, thiserror::Error)]
#[error("injected fault: {0:?}")]
struct ClosedByFault(ConnectionFault);

/// Reads the body (bounded by [`MAX_BODY_BYTES`]) and lets the simulator answer, or fails
/// when an injected fault closes the connection.
async fn answer(
    sim: &Simulator,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, ClosedByFault> {
    let (parts, body) = request.into_parts();
    let declared_too_large = || {
        parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    };
    let body = if has_undecoded_transfer_coding(&parts.headers) {
        None
    } else if body.is_end_stream() {
        // GET and DELETE without a body: nothing to collect (and no length to check).
        Some(Bytes::new())
    } else if declared_too_large() {
        None
    } else {
        Box::pin(Limited::new(body, MAX_BODY_BYTES).collect())
            .await
            .ok()
            .map(http_body_util::Collected::to_bytes)
    };
    // A body that cannot be used (too large, broken off, or in a transfer coding nobody
    // decodes) is replaced by one just over the limit, so the simulator answers it like any
    // oversized body: 400 InvalidHTTPRequest, with a request id (errors.md §4 row 10).
    let body = body.unwrap_or_else(|| Bytes::from(vec![0; MAX_BODY_BYTES + 1]));
    let response = sim.handle(Request::from_parts(parts, body)).await;
    if let Some(fault) = response.extensions().get::<ConnectionFault>() {
        return Err(ClosedByFault(*fault));
    }
    Ok(response.map(Full::new))
}

/// Whether the body arrives in a coding nobody here decodes: `Transfer-Encoding` naming a
/// coding besides `chunked` (say `gzip, chunked`: hyper removes the chunking only), or a
/// `Content-Encoding` other than `identity` (no SDK compresses request bodies, and the JSON
/// parser would read the compressed bytes).
fn has_undecoded_transfer_coding(headers: &http::HeaderMap) -> bool {
    let codings = |name| {
        headers
            .get_all(name)
            .iter()
            .flat_map(|value| value.as_bytes().split(|&b| b == b','))
            .map(<[u8]>::trim_ascii)
    };
    codings(http::header::TRANSFER_ENCODING).any(|coding| !coding.eq_ignore_ascii_case(b"chunked"))
        || codings(http::header::CONTENT_ENCODING)
            .any(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case(b"identity"))
}

/// A simulator served on `127.0.0.1:0` in a background task.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets open requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "server ended with an error"),
            Err(error) => tracing::warn!(%error, "server task failed"),
        }
    }
}

/// Binds `127.0.0.1:0` and serves `sim` in a spawned task until [`RunningServer::shutdown`]
/// (or until the `RunningServer` is dropped).
pub async fn spawn_local(sim: Simulator) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, sim, async move {
        // A dropped sender also means stop.
        let _ = stopped.await;
    }));
    Ok(RunningServer {
        addr,
        stop: Some(stop),
        task,
    })
}
