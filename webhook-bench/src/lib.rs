//! Benchmarks of the chat webhook framework against the code a careful engineer would
//! write by hand. See `BENCHMARKS.md` at the workspace root.
//!
//! This library holds what the benches, the allocation counter, the profiling binary and
//! the HTTP load comparison share:
//!
//! - [`fixtures`]: the signed deliveries (bodies from `webhook-core`'s fixtures);
//! - [`raw`]: the hand-written baseline: HMAC verify with the `hmac` crate's constant-time
//!   `verify_slice`, then `serde_json::from_slice` into the same typed event;
//! - [`framework`]: dispatchers with one no-op `#[webhook_handler]` each;
//! - [`scenarios`]: each measured pair, raw and framework side by side;
//! - [`handwritten`]: the hand-written axum receiver used by the HTTP load comparison;
//! - [`block_on`]: the minimal executor driving `Dispatcher::dispatch`, inside the
//!   context of a current-thread tokio runtime ([`enter_runtime`]).

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

pub mod fixtures;
pub mod framework;
pub mod handwritten;
pub mod raw;
pub mod scenarios;

/// The tokio runtime (current thread, timers on) whose context the dispatcher needs for
/// its handler time budget. Created once, on first use.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime builds")
    })
}

/// Enters [`runtime`]'s context on this thread until the guard is dropped.
///
/// Every binary here holds this guard for its whole run, so that [`block_on`] needs no
/// per-call runtime work: the dispatcher's time budget (`tokio::time::timeout_at`) finds
/// the timer through this context.
pub fn enter_runtime() -> tokio::runtime::EnterGuard<'static> {
    runtime().enter()
}

/// Runs a future to completion: one poll with a no-op waker, then, only if that poll
/// returned `Pending`, [`runtime`]'s `block_on`.
///
/// `Dispatcher::dispatch` with no-op handlers completes on its first poll, so driving it
/// costs one `poll` call: no scheduler, no allocation. Futures that wait on tokio (the
/// axum route, which spawns the dispatch onto its own task) finish on the runtime. Call
/// it inside [`enter_runtime`]'s guard: the dispatcher's time budget needs the context.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    if let Poll::Ready(output) = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        return output;
    }
    runtime().block_on(future)
}
