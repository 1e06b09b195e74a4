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
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

use crate::log_limit::{Refusal, refused};

/// Default for [`ConnectionLimits::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// How much of the server one client can hold: time to send headers, open connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time a connection has to send a request's headers (hyper's header read timeout),
    /// and the longest it may stay idle between requests.
    pub read_timeout: Duration,
    /// Connections served at once. At the limit no more are accepted until one ends: new
    /// ones wait in the listener's backlog, not refused, so a burst of real deliveries is
    /// served late rather than lost. Each open connection can hold a body buffer up to
    /// its route's body limit, so this bounds that memory too (with
    /// [`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT), 1 GiB at the default 1024).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            read_timeout: crate::DEFAULT_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `router` with [`serve_with_limits`], at most [`DEFAULT_MAX_CONNECTIONS`]
/// connections at once.
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
    let limits = ConnectionLimits {
        read_timeout,
        ..ConnectionLimits::default()
    };
    serve_with_limits(listener, router, limits, shutdown).await;
}

/// Serves `router` over HTTP/1 on `listener` until `shutdown` completes, then stops
/// accepting and waits for open connections to finish the requests they are in.
///
/// Each connection has `limits.read_timeout` to send a request's headers (hyper's header read
/// timeout); one that sends nothing, stops halfway through its headers, or stays idle
/// that long between requests is closed without an answer. The webhook routes bound the
/// body the same way ([`Webhook::read_timeout`](crate::Webhook::read_timeout)), so a
/// client that stops sending holds its connection for a bounded time and no handler
/// runs. Each connection is served on its own task, so stalled ones never hold up real
/// deliveries, and at most `limits.max_connections` are open at once, so a flood of
/// connections cannot take all of the process's memory or file descriptors.
///
/// Requests carry the peer's address as axum's `ConnectInfo<SocketAddr>`, as with
/// `axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())`.
/// HTTP/2 is not served (platforms deliver webhooks over HTTP/1.1).
///
/// A connection cut off for not sending its first request's headers in time, and the
/// limit of connections being reached, are logged at WARN, at most one line a second
/// each (the next counts those left out), since anyone can cause them in bulk; other
/// ended connections at DEBUG.
///
/// ```no_run
/// # async fn run(app: axum::Router) -> std::io::Result<()> {
/// use webhook_axum::ConnectionLimits;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let stop = async { let _ = tokio::signal::ctrl_c().await; };
/// let limits = ConnectionLimits { max_connections: 256, ..ConnectionLimits::default() };
/// webhook_axum::serve_with_limits(listener, app, limits, stop).await;
/// # Ok(())
/// # }
/// ```
pub async fn serve_with_limits(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let ConnectionLimits {
        read_timeout,
        max_connections,
    } = limits;
    let mut listener = listener;
    // Zero would never accept; one is the least that serves.
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
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
        if slots.available_permits() == 0 {
            refused!(
                Refusal::TooManyConnections,
                warn,
                max_connections,
                "connection limit reached: new connections wait until one ends"
            );
        }
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else {
            break;
        };
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
            // Held while the connection is open.
            let _slot = slot;
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
