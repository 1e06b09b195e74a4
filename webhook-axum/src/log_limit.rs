//! At most one log line per second for each kind of refusal that anyone can cause in
//! bulk (unsigned, oversized, slow or replayed requests, connections that never send
//! their headers, wrong tokens on the inbox page)
//! or that overload or an outage causes (the 503s of a full inbox, `/readyz` while the
//! store is down): such a flood must not become a flood of log lines that costs
//! more than the requests. The lines left out are counted and the count is carried by
//! the next line written; each refusal is still logged at DEBUG, and counted by the
//! metrics. Refusals of verified deliveries (a bad shape, a failed handler) are not
//! limited: only the platform sends those, and each one is worth its line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The kinds of refusal, each limited on its own.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refusal {
    TooLarge,
    TimedOut,
    Unreadable,
    Unauthorized,
    Stale,
    NotNow,
    /// A wrong token on the inbox page's sign-in form.
    #[cfg_attr(not(feature = "inbox-page"), allow(dead_code))]
    WrongToken,
    /// `/readyz` answering not ready, which a load balancer asks every few seconds.
    NotReady,
    /// A connection closed by [`crate::serve`] before its first request's headers came.
    NoHeaders,
    /// A store that `/readyz` found unreachable, with the reason its reply leaves out.
    StoreUnreachable,
    /// [`crate::serve`] holding new connections back at its limit of open ones.
    TooManyConnections,
}

impl Refusal {
    const COUNT: usize = 11;

    fn index(self) -> usize {
        self as usize
    }
}

struct Window {
    /// The second (since the Unix epoch) the last line was written in.
    second: AtomicU64,
    /// Refusals left out since that line.
    left_out: AtomicU64,
}

static WINDOWS: [Window; Refusal::COUNT] = [const {
    Window {
        second: AtomicU64::new(0),
        left_out: AtomicU64::new(0),
    }
}; Refusal::COUNT];

/// Whether a refusal of `kind` gets its own line now: `Some(n)` with the number left out
/// since the last line, `None` when a line of this kind was written this second.
pub(crate) fn admit(kind: Refusal) -> Option<u64> {
    admit_at(&WINDOWS[kind.index()], now_second())
}

fn admit_at(window: &Window, second: u64) -> Option<u64> {
    let last = window.second.load(Ordering::Relaxed);
    if last != second
        && window
            .second
            .compare_exchange(last, second, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        Some(window.left_out.swap(0, Ordering::Relaxed))
    } else {
        window.left_out.fetch_add(1, Ordering::Relaxed);
        None
    }
}

fn now_second() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Logs a refusal at `$level` when [`admit`] lets it through, else at DEBUG.
macro_rules! refused {
    ($kind:expr, $level:ident, $($field:tt)+) => {
        match $crate::log_limit::admit($kind) {
            ::core::option::Option::Some(left_out) => {
                ::tracing::$level!(left_out_since_last_line = left_out, $($field)+)
            }
            ::core::option::Option::None => ::tracing::debug!($($field)+),
        }
    };
}
pub(crate) use refused;

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> Window {
        Window {
            second: AtomicU64::new(0),
            left_out: AtomicU64::new(0),
        }
    }

    #[test]
    fn one_line_per_second_and_the_next_line_counts_the_rest() {
        let window = window();
        assert_eq!(admit_at(&window, 100), Some(0));
        for _ in 0..999 {
            assert_eq!(admit_at(&window, 100), None);
        }
        assert_eq!(admit_at(&window, 101), Some(999));
        assert_eq!(admit_at(&window, 101), None);
        assert_eq!(admit_at(&window, 105), Some(1));
    }

    #[test]
    fn each_kind_has_its_own_window() {
        let second = now_second() + 1_000;
        let unauthorized = &WINDOWS[Refusal::Unauthorized.index()];
        let not_now = &WINDOWS[Refusal::NotNow.index()];
        assert!(admit_at(unauthorized, second).is_some());
        assert!(admit_at(not_now, second).is_some());
        assert!(admit_at(unauthorized, second).is_none());
    }
}
