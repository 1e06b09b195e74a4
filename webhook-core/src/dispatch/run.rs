//! Running a delivery's handlers: one after another, within the time budget, panics
//! caught, the lease renewed while they run.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;
use std::time::Duration;

use futures_util::FutureExt as _;

use super::outcome::{Failure, HandlerFailure};
use super::routing::Calls;
use crate::store::{Lease, Store};

/// Runs `calls` one after another; a failing or panicking handler does not stop the ones
/// after it. Returns the failures, in order.
pub(crate) async fn run_calls(
    provider: &'static str,
    calls: Calls,
    budget: Option<Duration>,
) -> Vec<HandlerFailure> {
    // Most handlers finish on their first poll: the clock is read, and a timer set, only
    // once one has to wait, so the budget counts from there.
    let mut deadline = None;
    let mut failures = Vec::new();
    for (handler, future) in calls {
        let started = crate::metrics::times_handlers().then(std::time::Instant::now);
        let mut guarded = AssertUnwindSafe(future).catch_unwind();
        let first = std::future::poll_fn(|cx| Poll::Ready(guarded.poll_unpin(cx))).await;
        let result = match (first, budget) {
            (Poll::Ready(result), _) => Some(result),
            (Poll::Pending, Some(budget)) => {
                let deadline =
                    *deadline.get_or_insert_with(|| tokio::time::Instant::now() + budget);
                // Boxed: only a handler that waits gets here, and the timer would
                // otherwise make every delivery's future larger.
                Box::pin(tokio::time::timeout_at(deadline, guarded))
                    .await
                    .ok()
            }
            (Poll::Pending, None) => Some(guarded.await),
        };
        if let Some(started) = started {
            let ok = matches!(result, Some(Ok(Ok(()))));
            crate::metrics::handler(provider, handler, started.elapsed(), ok);
        }
        let failure = match result {
            Some(Ok(Ok(()))) => continue,
            Some(Ok(Err(message))) => Failure::Error(message),
            Some(Err(panic)) => Failure::Panic(panic_message(panic.as_ref())),
            None => Failure::TimedOut,
        };
        failures.push(HandlerFailure { handler, failure });
    }
    failures
}

/// Runs `work` while renewing `lease` every third of `duration`, so the lease outlives a
/// slow handler. Returns the work's output and whether the lease was still held at the
/// last renewal (when it was not, another attempt may have taken the delivery over).
pub(crate) async fn renewing<F: Future>(
    store: &dyn Store,
    lease: &Lease,
    duration: Duration,
    work: F,
) -> (F::Output, bool) {
    let period = (duration / 3).max(Duration::from_millis(10));
    let renew = async {
        loop {
            tokio::time::sleep(period).await;
            match store.renew(lease, duration).await {
                Ok(true) => {}
                Ok(false) => return,
                // A store that cannot be reached now may answer at the next renewal.
                Err(err) => tracing::warn!(error = %err, "could not renew a delivery's lease"),
            }
        }
    };
    tokio::pin!(work);
    tokio::select! {
        // The work first: a handler done at its first poll never starts the renewal timer.
        biased;
        output = &mut work => (output, true),
        () = renew => {
            tracing::error!(
                record = lease.id,
                "lost the lease of a running delivery: another attempt may run it too"
            );
            (work.await, false)
        }
    }
}

pub(crate) fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}
