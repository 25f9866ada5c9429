//! Serving a [`Simulator`] over HTTP/1.1 (hyper 1, keep-alive) with graceful shutdown.
//!
//! Requests are handed to [`Simulator::handle`] with their headers untouched: hyper adds no
//! request headers, so the verifier sees exactly what the client signed (auth-v1.md §8).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body as _;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::{MAX_BODY_BYTES, Simulator};

/// How long open connections get to finish after shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `sim` on `listener` until `shutdown` completes, then stops accepting, lets open
/// requests finish (up to 5 s) and returns. The caller binds the listener and owns the
/// shutdown signal (mini-redis's `run(listener, shutdown)`).
pub async fn serve(
    listener: TcpListener,
    sim: Simulator,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut shutdown = std::pin::pin!(shutdown);
    let graceful = GracefulShutdown::new();
    // The connection tasks, so that any still open after the grace period can be aborted.
    let mut connections = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Typically EMFILE; back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let sim = sim.clone();
        let service = service_fn(move |request| {
            let sim = sim.clone();
            async move { Ok::<_, Infallible>(answer(&sim, request).await) }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        // When shutdown starts, the connection finishes its request in flight and closes
        // (an idle keep-alive connection closes at once).
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "connections still open after the shutdown grace period; closing them"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Reads the body (bounded by [`MAX_BODY_BYTES`]) and lets the simulator answer.
async fn answer(sim: &Simulator, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let declared_too_large = || {
        parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    };
    let body = if body.is_end_stream() {
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
    // A body that is too large (or broken off) is replaced by one just over the limit, so
    // the simulator answers it like any oversized body: 400 InvalidHTTPRequest.
    let body = body.unwrap_or_else(|| Bytes::from(vec![0; MAX_BODY_BYTES + 1]));
    let response = sim.handle(Request::from_parts(parts, body)).await;
    response.map(Full::new)
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
