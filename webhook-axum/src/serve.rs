//! Serving an app's connections: one task each, as `axum::serve` does, plus a time limit
//! on request headers, which `axum::serve` cannot set (it gives hyper no timer).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, watch};
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
    /// Connections served at once (at least 1; above 16 777 216, that many). At the limit
    /// a new connection takes the slot of the oldest one with no request in it (one that
    /// never sent a request, or a kept-alive one between requests), which is closed; when
    /// every open connection has a request in it, the new one waits until one ends. Each
    /// open connection can hold a body buffer up to its route's body limit, so this
    /// bounds that memory too (with [`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT),
    /// 1 GiB at the default 1024).
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
/// runs. Each connection is served on its own task, and at most
/// `limits.max_connections` are open at once, so a flood of connections cannot take all
/// of the process's memory or file descriptors. At the limit, connections with no
/// request in them (idle, or still sending a request's headers) give their slots to new
/// ones, so idle connections never keep a real delivery out. A request whose body
/// stalls holds its slot until its route gives up on the body (the webhook routes after
/// their read timeout, with 408; a route of your own that reads a body without a time
/// limit, for as long as the client keeps it open), and shutdown waits for it too.
///
/// Requests carry the peer's address as axum's `ConnectInfo<SocketAddr>`, as with
/// `axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())`.
/// HTTP/2 is not served (platforms deliver webhooks over HTTP/1.1).
///
/// A connection cut off for not sending its first request's headers in time, and the
/// limit of connections being reached with a request on every one, are logged at WARN, at most one line a second
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
    // At least one, or nothing would be served; at most what a semaphore counts.
    let total = max_connections.clamp(1, MAX_CONNECTIONS_COUNTED);
    let slots = Arc::new(Semaphore::new(total));
    let mut open = OpenConnections::default();
    let (stopping, stop) = watch::channel(false);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        // A client may close its sending side once its request is out and still wait for
        // the answer; without this, hyper drops such a request unanswered, unhandled.
        .half_close(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, remote) = tokio::select! {
            // axum's accept logs and retries failures (such as running out of file
            // descriptors) instead of returning them.
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
            () = &mut shutdown => break,
        };
        let slot = match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                // Full: an open connection with no request in it (one that never sent
                // a whole one, or a kept-alive one between requests) gives its slot up,
                // so idle connections cannot keep a delivery out. One whose request
                // begins meanwhile keeps it; then the next one is asked.
                let freed = loop {
                    let asked = open.close_one_idle();
                    if !asked {
                        refused!(
                            Refusal::TooManyConnections,
                            warn,
                            max_connections = total,
                            "connection limit reached with a request on every connection: the next connection waits until one ends"
                        );
                    }
                    let wait = async {
                        if asked {
                            tokio::time::timeout(
                                CLOSE_GRACE * 2,
                                Arc::clone(&slots).acquire_owned(),
                            )
                            .await
                            .ok()
                        } else {
                            Some(Arc::clone(&slots).acquire_owned().await)
                        }
                    };
                    tokio::select! {
                        slot = wait => if let Some(slot) = slot {
                            break slot.ok();
                        },
                        () = &mut shutdown => break None,
                    }
                };
                let Some(slot) = freed else {
                    break;
                };
                slot
            }
        };
        let connection = open.add(total);
        let counted = Arc::clone(&connection);
        let answered = Arc::clone(&connection);
        let service = router
            .clone()
            .map_request(move |mut request: http::Request<hyper::body::Incoming>| {
                counted.requests.fetch_add(1, Ordering::Relaxed);
                counted.in_flight.fetch_add(1, Ordering::AcqRel);
                request.extensions_mut().insert(ConnectInfo(remote));
                request
            })
            .map_response(move |response| {
                answered.in_flight.fetch_sub(1, Ordering::AcqRel);
                response
            });
        let served = builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
        let mut stop = stop.clone();
        tokio::spawn(async move {
            // Held while the connection is open.
            let _slot = slot;
            let mut served = std::pin::pin!(served);
            let result = tokio::select! {
                result = served.as_mut() => result,
                () = async {
                    tokio::select! {
                        () = connection.close.notified() => {}
                        _ = stop.wait_for(|&stopping| stopping) => {}
                    }
                } => {
                    // Closes at once when idle, after the answer when a request is in.
                    served.as_mut().graceful_shutdown();
                    loop {
                        tokio::select! {
                            result = served.as_mut() => break result,
                            () = tokio::time::sleep(CLOSE_GRACE) => {
                                // hyper waits out a request's headers begun and never
                                // finished (its header timeout); no handler runs on
                                // such a connection, so it is dropped.
                                if connection.in_flight.load(Ordering::Acquire) == 0 {
                                    break Ok(());
                                }
                            }
                        }
                    }
                }
            };
            let Err(err) = result else {
                return;
            };
            let timeout_ms = read_timeout.as_millis();
            match connection.requests.load(Ordering::Relaxed) {
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
    let _ = stopping.send(true);
    // Every connection holds a slot until it ends.
    let _ = slots
        .acquire_many(u32::try_from(total).unwrap_or(u32::MAX))
        .await;
}

/// How long a connection asked to close may take to end by itself before, with no
/// request in it, it is dropped.
const CLOSE_GRACE: Duration = Duration::from_millis(100);

/// Most connections [`serve_with_limits`] counts; a larger limit means this one.
const MAX_CONNECTIONS_COUNTED: usize = 1 << 24;

/// One open connection, as [`serve_with_limits`] tracks it.
#[derive(Default)]
struct OpenConnection {
    /// Requests whose headers came, to tell a client that never sent one from a
    /// kept-alive connection left idle.
    requests: AtomicUsize,
    /// Requests read or being answered now.
    in_flight: AtomicUsize,
    /// Asks the connection to close once it has no request in it.
    close: Notify,
}

/// The open connections, oldest first.
#[derive(Default)]
struct OpenConnections(Vec<Weak<OpenConnection>>);

impl OpenConnections {
    /// Tracks a new connection; forgets ended ones now and then, so the list stays
    /// within twice the limit.
    fn add(&mut self, limit: usize) -> Arc<OpenConnection> {
        if self.0.len() >= limit.saturating_mul(2) {
            self.0.retain(|connection| connection.strong_count() > 0);
        }
        let connection = Arc::new(OpenConnection::default());
        self.0.push(Arc::downgrade(&connection));
        connection
    }

    /// Asks the oldest connection with no request in it to close; whether there was one.
    fn close_one_idle(&mut self) -> bool {
        self.0.retain(|connection| connection.strong_count() > 0);
        let idle = self.0.iter().position(|connection| {
            connection
                .upgrade()
                .is_some_and(|open| open.in_flight.load(Ordering::Acquire) == 0)
        });
        let Some(index) = idle else {
            return false;
        };
        let connection = self.0.remove(index);
        if let Some(open) = connection.upgrade() {
            tracing::debug!("connection limit reached: closing the oldest idle connection");
            open.close.notify_one();
        }
        true
    }
}
