//! Inline mode's claim: take the lease of a delivery's record, or learn that a copy was
//! handled or is running.

use std::time::Duration;

use crate::store::{Claim, Lease, NewDelivery, Store, StoreError};

/// What the claim came to.
pub(crate) enum Claimed {
    /// This attempt holds the lease.
    Lease(Lease),
    /// A copy was handled.
    Done,
    /// A copy is still running after `wait_limit`.
    InProgress,
    /// The store could not be reached.
    Unavailable(StoreError),
}

/// The first wait for a running copy; each wait after it is twice as long, up to a second.
const FIRST_WAIT: Duration = Duration::from_millis(25);
const LONGEST_WAIT: Duration = Duration::from_secs(1);

/// Claims `delivery`; while a copy runs, waits for it (woken when it ends, or backing off)
/// for at most `wait_limit`, so that success is never reported before it happened.
pub(crate) async fn claim(
    store: &dyn Store,
    delivery: NewDelivery<'_>,
    lease: Duration,
    wait_limit: Duration,
) -> Claimed {
    let deadline = tokio::time::Instant::now() + wait_limit;
    let mut wait = FIRST_WAIT;
    loop {
        match store.claim(delivery, lease).await {
            Ok(Claim::Claimed(lease)) => return Claimed::Lease(lease),
            Ok(Claim::Done) => return Claimed::Done,
            Ok(Claim::InProgress) => {
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    return Claimed::InProgress;
                }
                store.wait(delivery.key, wait.min(deadline - now)).await;
                wait = (wait * 2).min(LONGEST_WAIT);
            }
            Err(err) => return Claimed::Unavailable(err),
        }
    }
}
