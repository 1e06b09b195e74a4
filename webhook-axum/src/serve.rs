//! Serving an app's connections: one task each, as `axum::serve` does, plus a time limit
//! on request headers, which `axum::serve` cannot set (it gives hyper no timer).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

use crate::log_limit::{Refusal, refused};

/// Serves `router` over HTTP/1 on `listener` until `shutdown` completes, then stops
/// accepting and waits for open connections to finish the requests they are in.
///
/// Each connection has `read_timeout` to send a request's headers (hyper's header read
/// timeout); one that sends nothing, stops halfway through its headers, or stays idle
/// that long between requests is closed without an answer. The webhook routes bound the
/// body the same way ([`Webhook::read_timeout`](crate::Webhook::read_timeout)), so a
/// client that stops sending holds its connection for a bounded time and no handler
/// runs. Each connection is served on its own task, so stalled ones never hold up real
/// deliveries.
///
/// Requests carry the peer's address as axum's `ConnectInfo<SocketAddr>`, as with
/// `axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())`.
/// HTTP/2 is not served (platforms deliver webhooks over HTTP/1.1).
///
/// A connection cut off for not sending its first request's headers in time is logged at
/// WARN, at most one line a second (the next counts those left out), since anyone can
/// open them in bulk; other ended connections at DEBUG.
///
/// ```no_run
/// # async fn run(app: axum::Router) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let stop = async { let _ = tokio::signal::ctrl_c().await; };
/// webhook_axum::serve(listener, app, webhook_axum::DEFAULT_READ_TIMEOUT, stop).await;
/// # Ok(())
/// # }
/// ```
pub async fn serve(
    listener: TcpListener,
    router: Router,
    read_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut listener = listener;
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        // A client may close its sending side once its request is out and still wait for
        // the answer; without this, hyper drops such a request unanswered, unhandled.
        .half_close(true);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, remote) = tokio::select! {
            // axum's accept logs and retries failures (such as running out of file
            // descriptors) instead of returning them.
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
            () = &mut shutdown => break,
        };
        // Counts the connection's requests, to tell a client that never sent one from a
        // kept-alive connection left idle.
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&requests);
        let service =
            router
                .clone()
                .map_request(move |mut request: http::Request<hyper::body::Incoming>| {
                    counted.fetch_add(1, Ordering::Relaxed);
                    request.extensions_mut().insert(ConnectInfo(remote));
                    request
                });
        let connection = graceful
            .watch(builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            let Err(err) = connection.await else {
                return;
            };
            let timeout_ms = read_timeout.as_millis();
            match requests.load(Ordering::Relaxed) {
                0 if err.is_timeout() => refused!(
                    Refusal::NoHeaders,
                    warn,
                    %remote,
                    timeout_ms,
                    "connection closed: no complete request headers within the read timeout"
                ),
                _ if err.is_timeout() => tracing::debug!(
                    %remote,
                    timeout_ms,
                    "connection closed: idle for the read timeout"
                ),
                _ => tracing::debug!(%remote, %err, "connection ended with an error"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
