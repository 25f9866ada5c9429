//! Answers for requests hyper refuses before the simulator sees them.
//!
//! hyper parses each request head itself, and when it cannot (a request line that is not
//! `METHOD target HTTP/1.x`, a header line without a colon, a `Content-Length` that is not
//! a number, a head larger than its read buffer (hyper's default, 8 KiB + 100 × 4 KiB) or
//! more than 100 header fields) it writes a bare `400`, `414` or `431` with no body
//! and closes the connection; hyper 1 has no hook to shape that answer. Clients of this API
//! expect every error to carry the JSON envelope and an `x-bce-request-id` (errors.md §1),
//! so [`Refusals`] sits between hyper and the socket and replaces that one answer.
//!
//! It recognises hyper's answer by what the simulator never writes: a `4xx` head without
//! `x-bce-request-id`. Writes are not vectored (see [`Refusals::is_write_vectored`]), so a
//! head always starts a write of its own and is recognised whole.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bcc_keypair_model::ErrorCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::Simulator;
use crate::wire::{JSON_CONTENT_TYPE, REQUEST_ID_HEADER, error_body};

/// A socket whose writes pass through, except hyper's own error answer.
pub(super) struct Refusals<S> {
    inner: S,
    sim: Simulator,
    /// The replacement answer still to be written, and how much of it has been.
    pending: Vec<u8>,
    written: usize,
}

impl<S> Refusals<S> {
    pub(super) fn new(inner: S, sim: Simulator) -> Self {
        Self {
            inner,
            sim,
            pending: Vec::new(),
            written: 0,
        }
    }
}

/// Whether `bytes` starts with a whole `4xx` response head that has no request id: only
/// hyper writes such a head. Returns its status.
fn hyper_refusal(bytes: &[u8]) -> Option<u16> {
    let rest = bytes.strip_prefix(b"HTTP/1.1 4")?;
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let names_request_id = bytes[..end]
        .windows(REQUEST_ID_HEADER.len())
        .any(|window| window.eq_ignore_ascii_case(REQUEST_ID_HEADER.as_bytes()));
    if names_request_id {
        return None;
    }
    let digits = rest.get(..2)?;
    let tail = std::str::from_utf8(digits).ok()?.parse::<u16>().ok()?;
    Some(400 + tail)
}

/// The envelope answer to a request hyper refused with `status`. (Inferred: every refusal
/// becomes 400 `InvalidHTTPRequest`, the documented answer for a request the service
/// cannot read, errors.md §4 row 10; the message keeps what hyper's status said.)
fn envelope(sim: &Simulator, status: u16) -> Vec<u8> {
    let reason = match status {
        414 => "the request target is too long",
        431 => "the request head is too large or has too many header fields",
        _ => "the request line or a header line is malformed",
    };
    let request_id = sim.inner.ids.request_id();
    let code = ErrorCode::InvalidHttpRequest;
    tracing::debug!(status, %request_id, "refused a request hyper could not parse");
    let body = error_body(&request_id, &code, Some(reason));
    let mut answer = format!(
        "HTTP/1.1 {} Bad Request\r\ncontent-type: {JSON_CONTENT_TYPE}\r\n\
         {REQUEST_ID_HEADER}: {request_id}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        code.status(),
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

impl<S: AsyncWrite + Unpin> Refusals<S> {
    /// Writes what is left of the replacement answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Refusals<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Refusals<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(status) = hyper_refusal(buf) {
            self.pending = envelope(&self.sim, status);
            self.written = 0;
            // hyper's bytes count as written: the replacement goes out in their place.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    /// Not vectored: hyper then copies each response into one buffer, so a response head
    /// arrives in one write and [`hyper_refusal`] sees it whole. The copy costs little
    /// next to the rest of a request (bodies here are a few kilobytes).
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::hyper_refusal;

    #[test]
    fn recognises_only_heads_without_a_request_id() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_refusal(bare), Some(431));
        let ours = b"HTTP/1.1 404 Not Found\r\nx-bce-request-id: 1\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(hyper_refusal(ours), None);
        assert_eq!(hyper_refusal(b"HTTP/1.1 200 OK\r\n\r\n"), None);
        assert_eq!(hyper_refusal(b"HTTP/1.1 400 Bad"), None);
        assert_eq!(hyper_refusal(b"{\"code\":\"x\"}"), None);
    }
}
