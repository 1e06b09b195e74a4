//! Mounts a chat webhook [`Dispatcher`] in an axum server.
//!
//! One line adds webhooks to an existing app; its own routes, state and tower layers stay
//! as they are:
//!
//! ```
//! use axum::Router;
//! use webhook_core::talkplus::{MemberBanned, TalkPlus};
//! use webhook_core::{Dispatcher, Provider, webhook_handler};
//!
//! #[webhook_handler]
//! async fn on_member_banned(ev: MemberBanned) {
//!     tracing::info!(channel = %ev.channel.id, "member banned");
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let talkplus = Dispatcher::new(TalkPlus::verifier(["app-api-key"])?, ()).handler(on_member_banned);
//!
//! #[derive(Clone)]
//! struct AppState;
//! let app: Router = Router::new()
//!     .route("/health", axum::routing::get(|| async { "ok" }))
//!     .route("/webhooks/talkplus", webhook_axum::webhook(talkplus))
//!     .with_state(AppState);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! The route reads the raw body itself (no body extractor is needed, and the content
//! type is not checked), verifies the signature over those bytes, and answers with the
//! status of the delivery's [`Outcome`] ([`Outcome::status`]):
//!
//! | status | when | the platform |
//! |---|---|---|
//! | 200 OK | every handler succeeded | is done |
//! | 200 OK | verified, but no handler wants this event (known or not) | is done: the event is acknowledged on purpose |
//! | 200 OK | a copy of a delivery already handled | is done |
//! | 202 Accepted | inbox mode: verified and durably recorded (or a copy of a delivery still in the inbox); workers run the handlers | is done |
//! | 400 Bad Request | verified, but the body is not UTF-8 JSON, has no string `event` field, or (inline mode) a handled event does not have its documented shape; the reply names the JSON path and expected type; with a store, the delivery is kept as a dead letter. Inbox mode answers 400 only for a body with no readable event name (kept as a dead letter); one of the wrong shape is answered 202 before parsing, and its worker keeps it as a dead letter | should not retry: the same body can never succeed |
//! | 401 Unauthorized | signature header missing, malformed or not matching; nothing was parsed and no handler ran | should not retry |
//! | 405 Method Not Allowed | not `POST` | — |
//! | 408 Request Timeout, `Connection: close` | the body did not arrive in full within the read timeout (10 s by default, [`Webhook::read_timeout`]), counted from the end of the headers; no handler ran and the connection is closed (headers that never finish are the server's to time out, see [`Webhook::read_timeout`]) | — |
//! | 413 Payload Too Large | body over the limit (1 MiB by default, [`Webhook::body_limit`]); with `Expect: 100-continue` the client gets it before sending the body | — |
//! | 422 Unprocessable Content | inline mode: the event is older than the dispatcher's `max_age` (a replay?); inbox mode keeps it as a dead letter instead | should not retry |
//! | 500 Internal Server Error | a handler returned an error, panicked or ran out of the time budget; with a store, the delivery is kept as a dead letter; the server keeps serving | Amity may retry; TalkPlus does not (see below) |
//! | 503 Service Unavailable, `Retry-After: 5` | a copy whose first attempt is still running after the time budget; the store is unreachable and the dispatcher set to reject (inline mode) or, in inbox mode, whatever the setting; a verified body that would be answered 400 but cannot be kept as a dead letter because the store is unreachable (whatever the setting: the platform may send it again); the inbox is full or shutting down | Amity may retry; TalkPlus does not |
//!
//! TalkPlus retries a delivery once, after 5 s, only when it gets no answer at all; a 5xx
//! is final for TalkPlus. A failed delivery is therefore kept as a dead letter (with a
//! store, which dispatchers have by default) and logged at ERROR with the command that
//! replays it; inbox mode ([`Webhook::inbox`]) retries failures itself.
//!
//! Each delivery runs in a `tracing` span `webhook_delivery` with the fields `provider`,
//! `mode` (`inline` or `inbox`), `event`, `delivery_id` (a signature shortened to 12
//! characters), `scheme`, `record` (the inbox id), `outcome` and `duration_ms`. Rejected
//! deliveries are logged at WARN and failed handlers at ERROR, with the reason; replies
//! never contain keys or handler error text. Refusals anyone can send in bulk (bad
//! signature, too large, too slow, too old) and overload's 503s write at most one WARN
//! line per kind per second, whose `left_out_since_last_line` field counts the others
//! (each is still logged at DEBUG): a flood of forged requests cannot flood the logs.

mod health;
#[cfg(feature = "inbox-page")]
mod inbox_page;
mod log_limit;
mod serve;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use tracing::Instrument as _;
use webhook_core::{Dispatcher, Inbox, Outcome, Provider};

use crate::log_limit::Refusal;

pub use health::{Health, Readiness};
#[cfg(feature = "inbox-page")]
pub use inbox_page::{InboxPage, InboxToken, InboxTokenError};
pub use serve::{ConnectionLimits, DEFAULT_MAX_CONNECTIONS, serve, serve_with_limits};

/// Default body limit: far above any real delivery, low enough to bound memory.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default time to receive a whole body: a real delivery of at most
/// [`DEFAULT_BODY_LIMIT`] arrives in well under a second, while a client that stops
/// sending holds its connection and buffer only this long.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A dispatcher ready to be mounted, with its HTTP settings.
pub struct Webhook<P, S> {
    dispatcher: Arc<Dispatcher<P, S>>,
    body_limit: usize,
    read_timeout: Duration,
    inbox: Option<Inbox>,
}

impl<P: Provider, S: Send + Sync + 'static> Webhook<P, S> {
    /// Wraps a dispatcher (or a shared one) with the default settings: inline mode, the
    /// handlers run before the platform is answered.
    #[must_use]
    pub fn new(dispatcher: impl Into<Arc<Dispatcher<P, S>>>) -> Self {
        Self {
            dispatcher: dispatcher.into(),
            body_limit: DEFAULT_BODY_LIMIT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            inbox: None,
        }
    }

    /// Inbox mode: answer 202 as soon as a delivery is verified and durably recorded in
    /// `inbox`, whose workers then run the handlers with retries (see
    /// [`webhook_core::inbox`]). The dispatcher is registered with the inbox.
    #[must_use]
    pub fn inbox(mut self, inbox: &Inbox) -> Self {
        inbox.serve(Arc::clone(&self.dispatcher));
        self.inbox = Some(inbox.clone());
        self
    }

    /// Sets the largest body accepted, in bytes; larger ones get 413.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets how long the whole body may take to arrive, counted from the end of the
    /// headers ([`DEFAULT_READ_TIMEOUT`] unless set). A body still incomplete by then gets
    /// 408 and the connection is closed; no handler runs. Headers that never finish are
    /// the server's to cut off, since this route only runs once they have arrived:
    /// [`serve`] does, with the same kind of limit.
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// The route to mount with `Router::route`: `POST` only, any router state.
    pub fn into_method_router<RouterState>(self) -> MethodRouter<RouterState>
    where
        RouterState: Clone + Send + Sync + 'static,
    {
        let webhook = Arc::new(self);
        post(move |request: Request<Body>| {
            let webhook = Arc::clone(&webhook);
            async move { webhook.receive(request).await }
        })
    }

    async fn receive(self: Arc<Self>, request: Request<Body>) -> Response {
        let started = Instant::now();
        let span = tracing::info_span!(
            "webhook_delivery",
            provider = P::NAME,
            mode = if self.inbox.is_some() {
                "inbox"
            } else {
                "inline"
            },
            event = tracing::field::Empty,
            delivery_id = tracing::field::Empty,
            scheme = tracing::field::Empty,
            record = tracing::field::Empty,
            outcome = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        async move {
            let outcome = self.read_and_dispatch(request).await;
            // Recorded before logging, so the log line carries the duration.
            let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
            tracing::Span::current().record(
                "duration_ms",
                tracing::field::display(format_args!("{elapsed_ms:.3}")),
            );
            match outcome {
                Ok(outcome) => respond(&outcome),
                Err(ReadError::TooLarge) => too_large(P::NAME, self.body_limit),
                Err(ReadError::TimedOut) => timed_out(P::NAME, self.read_timeout),
                Err(ReadError::Broken(reason)) => unreadable(P::NAME, &reason),
            }
        }
        .instrument(span)
        .await
    }

    async fn read_and_dispatch(
        self: &Arc<Self>,
        request: Request<Body>,
    ) -> Result<Outcome, ReadError> {
        let (parts, body) = request.into_parts();
        // Checked before the body is read, so `Expect: 100-continue` clients never send it.
        if declared_length(&parts.headers).is_some_and(|length| length > self.body_limit) {
            return Err(ReadError::TooLarge);
        }
        // Bounded in time as well as size: a client that stops sending midway would
        // otherwise hold this task, its buffer and its connection for as long as it likes.
        let body = tokio::time::timeout(self.read_timeout, read_body(body, self.body_limit))
            .await
            .map_err(|_| ReadError::TimedOut)??;
        let webhook = Arc::clone(self);
        let span = tracing::Span::current();
        let mut work: Pin<Box<dyn Future<Output = Outcome> + Send>> = Box::pin(
            async move {
                match &webhook.inbox {
                    Some(inbox) => inbox.accept(&webhook.dispatcher, parts.headers, body).await,
                    None => webhook.dispatcher.dispatch(parts.headers, body).await,
                }
            }
            .instrument(span),
        );
        // Most deliveries are done at their first poll (no store to wait for, handlers that
        // never wait): they need no task of their own. One that has to wait moves to its
        // own task before this request can next be dropped, so a platform that hangs up
        // mid-delivery cannot cancel a handler (or the store's write) halfway.
        let first = std::future::poll_fn(|cx| {
            Poll::Ready(std::panic::catch_unwind(AssertUnwindSafe(|| {
                work.as_mut().poll(cx)
            })))
        })
        .await;
        match first {
            Ok(Poll::Ready(outcome)) => return Ok(outcome),
            Ok(Poll::Pending) => {}
            Err(panic) => return Ok(dispatch_panicked(&panic_text(panic.as_ref()))),
        }
        // The dispatcher catches handler panics; a join error is a bug of ours and is
        // still answered with a retryable status rather than a dropped connection.
        Ok(tokio::spawn(work)
            .await
            .unwrap_or_else(|err| dispatch_panicked(&err.to_string())))
    }
}

/// Reads a whole body of at most `limit` bytes. A body that comes in one piece (sent with
/// its length) is kept as it came; one in several pieces is copied into one buffer as
/// they arrive, so that a body sent as many tiny chunks costs about its length, not a
/// buffer for each chunk.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ReadError> {
    let mut body = Limited::new(body, limit);
    let mut first: Option<Bytes> = None;
    let mut joined = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| {
            if err.downcast_ref::<LengthLimitError>().is_some() {
                ReadError::TooLarge
            } else {
                ReadError::Broken(err.to_string())
            }
        })?;
        // Trailers carry nothing that is signed.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        if first.is_none() && joined.is_empty() {
            first = Some(data);
            continue;
        }
        if let Some(first) = first.take() {
            joined.extend_from_slice(&first);
        }
        joined.extend_from_slice(&data);
    }
    Ok(first.unwrap_or_else(|| joined.freeze()))
}

/// The outcome of a dispatch that panicked outside the handlers (a bug of ours): 500, so
/// the platform may retry, rather than a dropped connection.
fn dispatch_panicked(reason: &str) -> Outcome {
    Outcome::HandlerFailed {
        event: "".into(),
        handlers: 0,
        failures: vec![webhook_core::HandlerFailure {
            handler: "webhook-axum dispatch",
            failure: webhook_core::Failure::Panic(reason.to_owned()),
        }],
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-text payload".to_owned())
}

/// Mounts `dispatcher` (or a shared one) with the default settings:
/// `.route("/path", webhook(dispatcher))`.
pub fn webhook<P, S, RouterState>(
    dispatcher: impl Into<Arc<Dispatcher<P, S>>>,
) -> MethodRouter<RouterState>
where
    P: Provider,
    S: Send + Sync + 'static,
    RouterState: Clone + Send + Sync + 'static,
{
    Webhook::new(dispatcher).into_method_router()
}

/// Why the body could not be read.
enum ReadError {
    /// Over the limit, as declared or as counted while reading.
    TooLarge,
    /// Not all of it arrived within the read timeout.
    TimedOut,
    /// The connection failed while the body was being sent.
    Broken(String),
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn too_large(provider: &'static str, limit: usize) -> Response {
    tracing::Span::current().record("outcome", "too_large");
    webhook_core::metrics::body_refused(provider, "too_large");
    log_limit::refused!(
        Refusal::TooLarge,
        warn,
        limit,
        "delivery rejected: body over the limit"
    );
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("body over the limit of {limit} bytes\n"),
    )
        .into_response()
}

fn timed_out(provider: &'static str, timeout: Duration) -> Response {
    tracing::Span::current().record("outcome", "timed_out");
    webhook_core::metrics::body_refused(provider, "timed_out");
    let timeout_ms = timeout.as_millis();
    log_limit::refused!(
        Refusal::TimedOut,
        warn,
        timeout_ms,
        "delivery rejected: body not received within the read timeout"
    );
    // The rest of the body may still come: the connection cannot carry another request.
    (
        StatusCode::REQUEST_TIMEOUT,
        [(header::CONNECTION, HeaderValue::from_static("close"))],
        format!("body not received within {timeout_ms} ms\n"),
    )
        .into_response()
}

fn unreadable(provider: &'static str, reason: &str) -> Response {
    tracing::Span::current().record("outcome", "unreadable");
    webhook_core::metrics::body_refused(provider, "unreadable");
    log_limit::refused!(
        Refusal::Unreadable,
        warn,
        reason,
        "delivery rejected: body could not be read"
    );
    (StatusCode::BAD_REQUEST, "body could not be read\n").into_response()
}

/// The answer to the platform: the outcome's status and short reply, with `Retry-After`
/// when it should retry later.
fn respond(outcome: &Outcome) -> Response {
    // Recorded before logging, so the log line carries it.
    tracing::Span::current().record("outcome", outcome.label());
    match outcome {
        Outcome::Handled { .. }
        | Outcome::Ignored { .. }
        | Outcome::Duplicate { .. }
        | Outcome::AlreadyQueued { .. }
        | Outcome::Accepted { .. } => tracing::debug!(%outcome, "delivery acknowledged"),
        Outcome::Unauthorized(err) => log_limit::refused!(
            Refusal::Unauthorized,
            warn,
            reason = %err,
            "delivery rejected: unauthorized"
        ),
        // Verified deliveries: bounded by what the platform sends, and each one matters.
        Outcome::BadPayload(err) => tracing::warn!(reason = %err, "delivery rejected: bad payload"),
        Outcome::Stale { .. } => {
            log_limit::refused!(Refusal::Stale, warn, %outcome, "delivery refused: too old");
        }
        Outcome::HandlerFailed { .. } => {
            // Not "the platform retries": TalkPlus never retries a 5xx.
            tracing::error!(%outcome, "delivery failed: answered 500");
        }
        _ => log_limit::refused!(
            Refusal::NotNow,
            warn,
            %outcome,
            "delivery not processed now: the platform should retry"
        ),
    }
    let mut response = (outcome.status(), outcome.reply()).into_response();
    if let Some(after) = outcome.retry_after() {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(after.as_secs().max(1)),
        );
    }
    response
}
