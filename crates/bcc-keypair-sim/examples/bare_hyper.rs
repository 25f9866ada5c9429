//! The baseline of `cargo xtask bench`: a bare hyper 1 server (same runtime, same HTTP/1.1
//! settings as the simulator's server) answering every request with fixed bytes.
//!
//! `bare_hyper [--listen ADDR] [--body-file PATH]` prints `listening on http://ADDR` first,
//! then answers `200` with `Content-Type: application/json;charset=UTF-8`, an
//! `x-bce-request-id` and the body read from `--body-file` (default `{}`).

use std::convert::Infallible;
use std::io::Write as _;

use bytes::Bytes;
use http::{HeaderValue, Response};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

fn main() -> anyhow::Result<()> {
    let mut listen = "127.0.0.1:0".to_owned();
    let mut body = Bytes::from_static(b"{}");
    let mut workers = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().unwrap_or(listen),
            "--workers" => {
                let n = args
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("--workers needs a number"))?;
                workers = Some(n.parse::<usize>()?);
            }
            "--body-file" => {
                let path = args
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("--body-file needs a path"))?;
                body = Bytes::from(std::fs::read(path)?);
            }
            other => anyhow::bail!("unknown argument {other:?}"),
        }
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = workers {
        runtime.worker_threads(workers.max(1));
    }
    runtime.enable_all().build()?.block_on(serve(listen, body))
}

async fn serve(listen: String, body: Bytes) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        let service = service_fn(move |_request| {
            let mut response = Response::new(Full::new(body.clone()));
            let headers = response.headers_mut();
            headers.insert(
                "content-type",
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
            headers.insert(
                "x-bce-request-id",
                HeaderValue::from_static("1214cca7-4ad5-451d-9215-71cb844c0a50"),
            );
            async move { Ok::<_, Infallible>(response) }
        });
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
