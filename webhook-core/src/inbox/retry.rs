//! When a failed delivery is tried again.

use std::time::Duration;

/// How often, and how far apart, the inbox tries a failing delivery before it becomes a
/// dead letter.
///
/// The wait before attempt `n + 1` is `first_delay × 2^(n-1)`, capped at `max_delay`, then
/// jittered to between half of it and all of it, so that deliveries that failed together
/// (a database outage) do not all come back at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; after the last failure the delivery is dead.
    pub max_attempts: u32,
    /// The wait after the first failure, before jitter.
    pub first_delay: Duration,
    /// The longest wait between two attempts, before jitter.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// Ten attempts, 2 s after the first failure, doubling to at most 10 minutes: about
    /// 9 to 17 minutes from the first attempt to the dead letter.
    pub const DEFAULT: Self = Self {
        max_attempts: 10,
        first_delay: Duration::from_secs(2),
        max_delay: Duration::from_secs(600),
    };

    /// Whether attempt number `attempt` (from 1) that failed was the last one.
    #[must_use]
    pub fn exhausted(&self, attempt: u32) -> bool {
        attempt >= self.max_attempts.max(1)
    }

    /// The wait after attempt number `attempt` (from 1) failed, before jitter.
    #[must_use]
    pub fn delay(&self, attempt: u32) -> Duration {
        // 2^31 is the largest power of two a `u32` holds.
        let doublings = attempt.saturating_sub(1).min(31);
        self.first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay)
    }

    /// [`Self::delay`] with jitter: between half of it and all of it.
    #[must_use]
    pub fn jittered_delay(&self, attempt: u32) -> Duration {
        self.delay(attempt).mul_f64(rand::random_range(0.5..=1.0))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_jitter_stays_within_half() {
        let policy = RetryPolicy {
            max_attempts: 5,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(5),
        };
        let delays: Vec<u64> = (1..=5).map(|n| policy.delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
        for _ in 0..100 {
            let jittered = policy.jittered_delay(3);
            assert!(jittered >= Duration::from_secs(2) && jittered <= Duration::from_secs(4));
        }
        assert!(!policy.exhausted(4));
        assert!(policy.exhausted(5));
    }

    #[test]
    fn many_attempts_stay_at_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 100,
            ..RetryPolicy::DEFAULT
        };
        for attempt in 10..=100 {
            assert_eq!(policy.delay(attempt), policy.max_delay, "attempt {attempt}");
        }
        assert_eq!(policy.delay(u32::MAX), policy.max_delay);
    }
}
