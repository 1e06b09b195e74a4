//! What the framework counts, through the [`metrics`](https://docs.rs/metrics) facade:
//! the program installs the recorder (a Prometheus exporter, say) and picks where the
//! figures go. Compiled only with the `metrics` feature; without it every function here
//! is empty and costs nothing.
//!
//! | name | type | labels | what |
//! |---|---|---|---|
//! | `webhook_deliveries_total` | counter | `provider`, `event`, `outcome` | deliveries answered, by [`Outcome::label`], or `too_large`, `timed_out`, `unreadable` for a body the HTTP layer refused ([`body_refused`]); `event` is empty when the delivery was not verified or not read, and `(other)` past the first 200 names the routing table does not know (or any over 100 bytes) |
//! | `webhook_signature_failures_total` | counter | `provider`, `reason` | deliveries refused as unauthorized: `missing`, `malformed` or `mismatch` |
//! | `webhook_verified_total` | counter | `provider`, `scheme` | deliveries verified, by the signature scheme that verified them (`amity-legacy-sha1` is Amity's legacy scheme) |
//! | `webhook_duplicates_total` | counter | `provider` | copies of a recorded delivery, acknowledged without running (a copy of a handled one, or in inbox mode of one still in the inbox) |
//! | `webhook_body_size_bytes` | histogram | `provider` | size of each verified body |
//! | `webhook_handler_duration_seconds` | histogram | `provider`, `handler` | time from a handler's first poll to its end, by its path |
//! | `webhook_handler_failures_total` | counter | `provider`, `handler` | handler calls that failed, panicked or ran out of time |
//! | `webhook_retries_total` | counter | `provider`, `event` | inbox attempts that failed and were scheduled again (`event`: the first 200 names of failed deliveries, then `(other)`) |
//! | `webhook_dead_letters_total` | counter | `provider`, `event` | deliveries kept as dead letters (`event` bounded with the retries' names) |
//! | `webhook_inbox_deliveries` | gauge | `state` | records in the store by state (`pending`, `leased`, `done`, `dead`), every 5 s while an [`Inbox`](crate::Inbox) runs |

use std::time::Duration;

use crate::dispatch::Outcome;
use crate::store::Counts;

#[cfg(feature = "metrics")]
mod recorded {
    use std::borrow::Cow;
    use std::collections::HashSet;
    use std::sync::{LazyLock, Mutex, PoisonError};
    use std::time::Duration;

    use metrics::{counter, gauge, histogram};

    use crate::dispatch::Outcome;
    use crate::store::Counts;
    use crate::verify::VerifyError;

    /// The label `other` stands for event names past these.
    const OTHER: &str = "(other)";
    /// Most distinct event names read from bodies (not known to the routing table) that
    /// become labels: every label value is a series the recorder keeps for good, and a
    /// signed body can name any event. A platform's new events fit well within it.
    const NAMES_KEPT: usize = 200;
    /// Longest event name that becomes a label.
    const NAME_LEN_KEPT: usize = 100;

    /// Event names read from bodies, for [`delivery`].
    static SEEN_DELIVERED: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);
    /// Event names of retried and dead deliveries: a budget of their own, so names that
    /// only came to be ignored do not push these to [`OTHER`].
    static SEEN_FAILED: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

    /// `name` as a label: itself while it is one of the first [`NAMES_KEPT`] names in
    /// `seen`, else [`OTHER`].
    fn bounded(name: &str, seen: &Mutex<HashSet<String>>) -> String {
        if name.len() > NAME_LEN_KEPT {
            return OTHER.to_owned();
        }
        let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.contains(name) {
            return name.to_owned();
        }
        if seen.len() < NAMES_KEPT {
            seen.insert(name.to_owned());
            return name.to_owned();
        }
        OTHER.to_owned()
    }

    pub(crate) fn delivery(provider: &'static str, outcome: &Outcome) {
        // A name the routing table knows is borrowed for good: no copy per delivery.
        let event = match outcome.event_name() {
            Some(Cow::Owned(name)) => Cow::Owned(bounded(name, &SEEN_DELIVERED)),
            Some(known) => known.clone(),
            None => Cow::Borrowed(""),
        };
        counter!(
            "webhook_deliveries_total",
            "provider" => provider,
            "event" => event,
            "outcome" => outcome.label(),
        )
        .increment(1);
        match outcome {
            Outcome::Unauthorized(err) => {
                let reason = match err {
                    VerifyError::Missing { .. } => "missing",
                    VerifyError::Malformed { .. } => "malformed",
                    VerifyError::Mismatch { .. } => "mismatch",
                };
                counter!(
                    "webhook_signature_failures_total",
                    "provider" => provider,
                    "reason" => reason,
                )
                .increment(1);
            }
            Outcome::Duplicate { .. } | Outcome::AlreadyQueued { .. } => {
                counter!("webhook_duplicates_total", "provider" => provider).increment(1);
            }
            _ => {}
        }
    }

    pub(crate) fn verified(provider: &'static str, scheme: &'static str, body_len: usize) {
        counter!("webhook_verified_total", "provider" => provider, "scheme" => scheme).increment(1);
        #[allow(clippy::cast_precision_loss)] // bodies are far below 2^52 bytes
        histogram!("webhook_body_size_bytes", "provider" => provider).record(body_len as f64);
    }

    pub(crate) fn handler(provider: &'static str, handler: &'static str, took: Duration, ok: bool) {
        histogram!(
            "webhook_handler_duration_seconds",
            "provider" => provider,
            "handler" => handler,
        )
        .record(took.as_secs_f64());
        if !ok {
            counter!(
                "webhook_handler_failures_total",
                "provider" => provider,
                "handler" => handler,
            )
            .increment(1);
        }
    }

    pub(crate) fn retry(provider: &str, event: &str) {
        counter!(
            "webhook_retries_total",
            "provider" => provider.to_owned(),
            "event" => bounded(event, &SEEN_FAILED),
        )
        .increment(1);
    }

    pub(crate) fn dead_letter(provider: &str, event: &str) {
        counter!(
            "webhook_dead_letters_total",
            "provider" => provider.to_owned(),
            "event" => bounded(event, &SEEN_FAILED),
        )
        .increment(1);
    }

    pub(crate) fn inbox_depth(counts: &Counts) {
        for (state, count) in [
            ("pending", counts.pending),
            ("leased", counts.leased),
            ("done", counts.done),
            ("dead", counts.dead),
        ] {
            #[allow(clippy::cast_precision_loss)] // counts are far below 2^52
            gauge!("webhook_inbox_deliveries", "state" => state).set(count as f64);
        }
    }
}

/// Counts a request whose body was refused before it could be verified: over the limit
/// (`outcome` `too_large`), not arrived within the read timeout (`timed_out`) or broken
/// off (`unreadable`). For the HTTP adapter that reads the body (`webhook-axum` calls
/// it); counted in `webhook_deliveries_total` with an empty `event`.
#[inline]
pub fn body_refused(provider: &'static str, outcome: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        "webhook_deliveries_total",
        "provider" => provider,
        "event" => "",
        "outcome" => outcome,
    )
    .increment(1);
    let _ = (provider, outcome);
}

/// Counts a delivery answered with `outcome`.
#[inline]
pub(crate) fn delivery(provider: &'static str, outcome: &Outcome) {
    #[cfg(feature = "metrics")]
    recorded::delivery(provider, outcome);
    let _ = (provider, outcome);
}

/// Counts a verified delivery: the scheme that verified it and its body's size.
#[inline]
pub(crate) fn verified(provider: &'static str, scheme: &'static str, body_len: usize) {
    #[cfg(feature = "metrics")]
    recorded::verified(provider, scheme, body_len);
    let _ = (provider, scheme, body_len);
}

/// Whether handler calls are timed: only when the figures go somewhere.
#[inline]
pub(crate) const fn times_handlers() -> bool {
    cfg!(feature = "metrics")
}

/// Records one handler call: how long it took and whether it succeeded.
#[inline]
pub(crate) fn handler(provider: &'static str, handler: &'static str, took: Duration, ok: bool) {
    #[cfg(feature = "metrics")]
    recorded::handler(provider, handler, took, ok);
    let _ = (provider, handler, took, ok);
}

/// Counts an inbox attempt scheduled again after a failure.
#[inline]
pub(crate) fn retry(provider: &str, event: &str) {
    #[cfg(feature = "metrics")]
    recorded::retry(provider, event);
    let _ = (provider, event);
}

/// Counts a delivery kept as a dead letter.
#[inline]
pub(crate) fn dead_letter(provider: &str, event: &str) {
    #[cfg(feature = "metrics")]
    recorded::dead_letter(provider, event);
    let _ = (provider, event);
}

/// Sets the inbox's depth by state.
#[inline]
pub(crate) fn inbox_depth(counts: &Counts) {
    #[cfg(feature = "metrics")]
    recorded::inbox_depth(counts);
    let _ = counts;
}

/// Whether the inbox's depth is worth counting.
#[inline]
pub(crate) const fn counts_inbox() -> bool {
    cfg!(feature = "metrics")
}
