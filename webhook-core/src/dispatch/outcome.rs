//! What became of one delivery, and what the platform is told.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::payload::PayloadError;
use crate::verify::VerifyError;

/// An event's name in an [`Outcome`]: borrowed from the dispatcher's routing table when
/// the name is one it knows, so the routine delivery copies no name; owned otherwise.
pub type EventName = Cow<'static, str>;

/// What became of one delivery.
///
/// Each outcome knows the HTTP status the platform gets ([`Outcome::status`]) and a short
/// label for logs and metrics ([`Outcome::label`]), so every adapter answers alike.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The signature did not verify; nothing was parsed and no handler ran.
    Unauthorized(VerifyError),
    /// The signature verified but the body cannot be read; no handler ran. With a store,
    /// the delivery is kept as a dead letter with this error.
    BadPayload(PayloadError),
    /// Verified and parsed, but the event is older than the dispatcher's maximum age:
    /// refused as a possible replay, no handler ran.
    Stale {
        /// The event name.
        event: EventName,
        /// How old the event was.
        age: Duration,
    },
    /// Verified, but no handler wants this event: acknowledged and dropped on purpose.
    Ignored {
        /// The event name.
        event: EventName,
    },
    /// An earlier copy of the same delivery was handled: acknowledged without running the
    /// handlers again.
    Duplicate {
        /// The event name.
        event: EventName,
    },
    /// Inbox mode: an earlier copy of the same delivery is in the inbox and not handled
    /// yet (pending, running, or a dead letter, which this copy puts back to pending):
    /// acknowledged, its workers run it once.
    AlreadyQueued {
        /// The event name.
        event: EventName,
    },
    /// An earlier copy of the same delivery is still running after the time budget; the
    /// handlers were not run again and the platform should retry later.
    InProgress {
        /// The event name.
        event: EventName,
    },
    /// The store could not be reached; the platform should retry later.
    StoreUnavailable {
        /// The event name.
        event: EventName,
        /// The store's error.
        reason: String,
    },
    /// Inbox mode: the delivery is durably recorded; workers run its handlers.
    Accepted {
        /// The event name.
        event: EventName,
    },
    /// Inbox mode: the inbox holds as many unsettled deliveries as it may, or is shutting
    /// down; the platform should retry later.
    InboxFull {
        /// The event name.
        event: EventName,
    },
    /// Every handler succeeded.
    Handled {
        /// The event name.
        event: EventName,
        /// How many handlers ran.
        handlers: usize,
    },
    /// At least one handler failed or panicked; the platform should retry. With a store,
    /// the delivery is kept as a dead letter.
    HandlerFailed {
        /// The event name.
        event: EventName,
        /// How many handlers ran.
        handlers: usize,
        /// The handlers that failed, in the order they ran.
        failures: Vec<HandlerFailure>,
    },
}

impl Outcome {
    /// How long a platform told to retry should wait.
    pub const RETRY_AFTER: Duration = Duration::from_secs(5);

    /// The event name, when the delivery got far enough to have one.
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        self.event_name().map(AsRef::as_ref)
    }

    /// The event name as the dispatcher holds it: borrowed for good when the name is one
    /// its routing table knows.
    #[must_use]
    pub fn event_name(&self) -> Option<&EventName> {
        match self {
            Self::Unauthorized(_) | Self::BadPayload(_) => None,
            Self::Stale { event, .. }
            | Self::Ignored { event }
            | Self::Duplicate { event }
            | Self::AlreadyQueued { event }
            | Self::InProgress { event }
            | Self::StoreUnavailable { event, .. }
            | Self::Accepted { event }
            | Self::InboxFull { event }
            | Self::Handled { event, .. }
            | Self::HandlerFailed { event, .. } => Some(event),
        }
    }

    /// Whether the platform should consider the delivery done: handled, ignored, a
    /// duplicate of a handled one, or recorded in the inbox (now or by an earlier copy).
    #[must_use]
    pub fn is_acknowledged(&self) -> bool {
        self.status().is_success()
    }

    /// The HTTP status the platform gets.
    ///
    /// | status | outcomes |
    /// |---|---|
    /// | 200 | `Handled`, `Ignored`, `Duplicate` |
    /// | 202 | `Accepted`, `AlreadyQueued` |
    /// | 400 | `BadPayload` |
    /// | 401 | `Unauthorized` |
    /// | 422 | `Stale` |
    /// | 500 | `HandlerFailed` |
    /// | 503 (with `Retry-After`) | `InProgress`, `StoreUnavailable`, `InboxFull` |
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Handled { .. } | Self::Ignored { .. } | Self::Duplicate { .. } => StatusCode::OK,
            Self::Accepted { .. } | Self::AlreadyQueued { .. } => StatusCode::ACCEPTED,
            Self::BadPayload(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Stale { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::HandlerFailed { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Self::InProgress { .. } | Self::StoreUnavailable { .. } | Self::InboxFull { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// When the platform is asked to retry later (503), how long to wait.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        (self.status() == StatusCode::SERVICE_UNAVAILABLE).then_some(Self::RETRY_AFTER)
    }

    /// A short name for logs and metrics (`"handled"`, `"bad_payload"`, …).
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "unauthorized",
            Self::BadPayload(_) => "bad_payload",
            Self::Stale { .. } => "stale",
            Self::Ignored { .. } => "ignored",
            Self::Duplicate { .. } => "duplicate",
            Self::AlreadyQueued { .. } => "already_queued",
            Self::InProgress { .. } => "in_progress",
            Self::StoreUnavailable { .. } => "store_unavailable",
            Self::Accepted { .. } => "accepted",
            Self::InboxFull { .. } => "inbox_full",
            Self::Handled { .. } => "handled",
            Self::HandlerFailed { .. } => "handler_failed",
        }
    }

    /// The short reply a platform gets: the outcome without handler error text (which may
    /// hold internal detail) and without keys.
    #[must_use]
    pub fn reply(&self) -> String {
        match self {
            Self::Handled { .. } => "handled\n".to_owned(),
            Self::Ignored { .. } => "acknowledged: no handler for this event\n".to_owned(),
            Self::Duplicate { .. } => "acknowledged: already handled\n".to_owned(),
            Self::Accepted { .. } => "accepted: recorded in the inbox\n".to_owned(),
            Self::AlreadyQueued { .. } => "accepted: already in the inbox\n".to_owned(),
            Self::Unauthorized(err) => format!("unauthorized: {err}\n"),
            Self::BadPayload(err) => format!("bad payload: {err}\n"),
            Self::Stale { .. } => format!("refused: {self}\n"),
            Self::HandlerFailed { .. } => "handler failed; retry later\n".to_owned(),
            Self::InProgress { .. } | Self::StoreUnavailable { .. } | Self::InboxFull { .. } => {
                "unavailable; retry later\n".to_owned()
            }
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthorized(err) => write!(f, "unauthorized: {err}"),
            Self::BadPayload(err) => write!(f, "bad payload: {err}"),
            Self::Stale { event, age } => write!(
                f,
                "`{event}` occurred {}s ago, older than the accepted maximum age",
                age.as_secs()
            ),
            Self::Ignored { event } => write!(f, "ignored `{event}`: no handler"),
            Self::Duplicate { event } => write!(f, "duplicate `{event}`: already handled"),
            Self::InProgress { event } => {
                write!(f, "`{event}`: an earlier attempt is still running")
            }
            Self::StoreUnavailable { event, reason } if event.is_empty() => {
                write!(f, "the store is unavailable: {reason}")
            }
            Self::StoreUnavailable { event, reason } => write!(f, "`{event}`: {reason}"),
            Self::Accepted { event } => write!(f, "accepted `{event}` into the inbox"),
            Self::AlreadyQueued { event } => {
                write!(f, "`{event}` is already in the inbox, not handled yet")
            }
            Self::InboxFull { event } => {
                write!(f, "`{event}`: the inbox is full or shutting down")
            }
            Self::Handled { event, handlers } => {
                write!(f, "handled `{event}` ({handlers} handlers)")
            }
            Self::HandlerFailed {
                event,
                handlers,
                failures,
            } => {
                write!(
                    f,
                    "`{event}`: {} of {handlers} handlers failed",
                    failures.len()
                )?;
                for failure in failures {
                    write!(f, "; {failure}")?;
                }
                Ok(())
            }
        }
    }
}

/// One handler that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerFailure {
    /// The handler's path, e.g. `my_app::on_member_banned`.
    pub handler: &'static str,
    /// What went wrong.
    pub failure: Failure,
}

impl fmt::Display for HandlerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            Failure::Error(message) => write!(f, "{} returned an error: {message}", self.handler),
            Failure::Panic(message) => write!(f, "{} panicked: {message}", self.handler),
            Failure::TimedOut => {
                write!(f, "{} ran out of the delivery's time budget", self.handler)
            }
        }
    }
}

/// How a handler failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It returned `Err`, shown here.
    Error(String),
    /// It panicked with this message.
    Panic(String),
    /// The delivery's time budget ran out before it finished (or started).
    TimedOut,
}
