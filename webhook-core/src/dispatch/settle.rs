//! Ending an attempt in the store: tried again while the store fails, and, for an inline
//! delivery already answered, in the background, counted so a shutdown can wait for it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::store::{Lease, Settlement, Store};

/// Ends an attempt in the store; a lease lost to another attempt is logged, not an error.
/// While the store fails, tries again with backoff for at most `within`: a settle given up
/// leaves the lease to run out, and the delivery then runs again. Keep `within` inside
/// the lease's remaining time (zero: one try, as for a release).
pub(crate) async fn settle(
    store: &dyn Store,
    lease: &Lease,
    settlement: Settlement,
    within: Duration,
) {
    let deadline = tokio::time::Instant::now() + within;
    let mut wait = Duration::from_millis(50);
    loop {
        match store.settle(lease, settlement.clone()).await {
            Ok(true) => return,
            Ok(false) => {
                tracing::warn!(
                    record = lease.id,
                    "this attempt's lease was taken over by another attempt; its result is not recorded"
                );
                return;
            }
            Err(err) if tokio::time::Instant::now() + wait >= deadline => {
                tracing::error!(
                    error = %err,
                    record = lease.id,
                    "could not record the end of an attempt: it runs again once its lease runs out"
                );
                return;
            }
            Err(err) => {
                tracing::warn!(
                    error = %err,
                    record = lease.id,
                    retry_in_ms = wait.as_millis(),
                    "could not record the end of an attempt; trying again"
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// How long a settle may be tried again after an attempt with a lease of `lease`: the
/// lease is renewed every third of it while handlers run, so at least two thirds remain.
pub(crate) fn settle_window(lease: Duration) -> Duration {
    lease / 2
}

/// The settles a dispatcher is still trying after answering their deliveries. A shutdown
/// waits for them: one dropped unfinished leaves a handled delivery to run again once its
/// lease runs out.
#[derive(Debug)]
pub(crate) struct Settling(watch::Sender<usize>);

impl Default for Settling {
    fn default() -> Self {
        Self(watch::channel(0).0)
    }
}

impl Settling {
    /// Runs `work` in a task of its own, counted until it ends or is dropped.
    pub(crate) fn spawn(self: &Arc<Self>, work: impl Future<Output = ()> + Send + 'static) {
        self.0.send_modify(|running| *running += 1);
        let counted = Counted(Arc::clone(self));
        tokio::spawn(async move {
            let _counted = counted;
            work.await;
        });
    }

    /// Ends once nothing is running.
    pub(crate) async fn finished(&self) {
        let mut running = self.0.subscribe();
        let _ = running.wait_for(|running| *running == 0).await;
    }
}

/// Counts a task down when it ends, however it ends.
struct Counted(Arc<Settling>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.0.send_modify(|running| *running -= 1);
    }
}
