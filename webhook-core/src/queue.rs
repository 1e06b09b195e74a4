//! Acknowledge-first mode: answer the platform as soon as a delivery is verified and
//! parsed, and run its handlers afterwards on a bounded queue.
//!
//! Use it when handlers are slower than the platform waits (Amity gives up after
//! 1.5 s). What it trades away, plainly:
//!
//! - the platform is told "done" before the handlers ran, so it never retries a delivery
//!   whose handlers then fail; failures are only logged (at ERROR);
//! - if the process crashes or is killed, every delivery in the queue or running at that
//!   moment is lost: up to `capacity + concurrency` deliveries that the platform
//!   believes were delivered. A graceful [`DeliveryQueue::shutdown`] loses none.
//!
//! When the queue is full, a delivery is answered "unavailable" (HTTP 503) so the
//! platform retries it later.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::{Notify, Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::dispatch::{Job, Outcome};

/// A bounded queue of deliveries whose handlers run in the background with bounded
/// concurrency. Cheap to share behind an `Arc`.
pub struct DeliveryQueue {
    sender: mpsc::Sender<Job>,
    accepting: AtomicBool,
    stop: Arc<Notify>,
    pump: tokio::sync::Mutex<Option<JoinHandle<()>>>,
    concurrency: usize,
    running: Arc<Semaphore>,
}

impl DeliveryQueue {
    /// Starts a queue holding at most `capacity` waiting deliveries and running at most
    /// `concurrency` at a time (both at least one). Needs a tokio runtime.
    #[must_use]
    pub fn start(capacity: usize, concurrency: usize) -> Self {
        let concurrency = concurrency.max(1);
        let (sender, receiver) = mpsc::channel::<Job>(capacity.max(1));
        let running = Arc::new(Semaphore::new(concurrency));
        let stop = Arc::new(Notify::new());
        let pump = tokio::spawn(pump(receiver, Arc::clone(&running), Arc::clone(&stop)));
        Self {
            sender,
            accepting: AtomicBool::new(true),
            stop,
            pump: tokio::sync::Mutex::new(Some(pump)),
            concurrency,
            running,
        }
    }

    /// Adds a job, or says the queue is full or shut down.
    pub(crate) fn push(&self, job: Job) -> Outcome {
        let event = job.event().to_owned();
        if !self.accepting.load(Ordering::Acquire) {
            return Outcome::QueueFull { event };
        }
        match self.sender.try_send(job) {
            Ok(()) => Outcome::Queued { event },
            // Dropping the job releases its claim, so the platform's retry runs it.
            Err(_) => Outcome::QueueFull { event },
        }
    }

    /// How many more deliveries the queue accepts now.
    #[must_use]
    pub fn free_capacity(&self) -> usize {
        self.sender.capacity()
    }

    /// Stops accepting deliveries (new ones get [`Outcome::QueueFull`]) and waits until
    /// every queued and running delivery has been handled.
    pub async fn shutdown(&self) {
        self.accepting.store(false, Ordering::Release);
        self.stop.notify_one();
        // The pump closes the channel, starts every job still in it, then ends.
        if let Some(pump) = self.pump.lock().await.take() {
            let _ = pump.await;
        }
        // Every running job holds a permit until it ends.
        let all = u32::try_from(self.concurrency).unwrap_or(u32::MAX);
        let _ = self.running.acquire_many(all).await;
    }
}

/// Takes jobs off the channel and starts each when a concurrency slot is free; on `stop`,
/// closes the channel and starts what is left before ending.
async fn pump(mut receiver: mpsc::Receiver<Job>, slots: Arc<Semaphore>, stop: Arc<Notify>) {
    loop {
        tokio::select! {
            job = receiver.recv() => match job {
                Some(job) => start(job, &slots).await,
                None => return,
            },
            () = stop.notified() => {
                receiver.close();
                while let Some(job) = receiver.recv().await {
                    start(job, &slots).await;
                }
                return;
            }
        }
    }
}

async fn start(job: Job, slots: &Arc<Semaphore>) {
    // The semaphore is never closed, so acquiring only waits.
    let Ok(permit) = Arc::clone(slots).acquire_owned().await else {
        return;
    };
    tokio::spawn(async move {
        let event = job.event().to_owned();
        let outcome = job.run().await;
        if let Outcome::Handled { .. } = outcome {
            tracing::debug!(%outcome, "queued delivery handled");
        } else {
            tracing::error!(event, %outcome, "queued delivery failed; the platform will not retry it");
        }
        drop(permit);
    });
}

impl std::fmt::Debug for DeliveryQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryQueue")
            .field("free_capacity", &self.free_capacity())
            .field("concurrency", &self.concurrency)
            .field("accepting", &self.accepting.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
