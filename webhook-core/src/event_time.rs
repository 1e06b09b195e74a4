//! Reading an event's own timestamp, for [`Dispatcher::max_age`](crate::Dispatcher::max_age).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Below this, an epoch timestamp is in seconds (it would be 1973 in milliseconds); the
/// platforms' documents use both.
const MILLIS_FROM: i64 = 100_000_000_000;

/// An integer timestamp since the Unix epoch, in milliseconds or seconds; `None` for `0`
/// (the platforms' "never") and for what cannot be a time.
pub(crate) fn epoch(value: Option<i64>) -> Option<SystemTime> {
    let value = u64::try_from(value?).ok().filter(|&value| value > 0)?;
    let elapsed = if value < MILLIS_FROM.cast_unsigned() {
        Duration::from_secs(value)
    } else {
        Duration::from_millis(value)
    };
    UNIX_EPOCH.checked_add(elapsed)
}

/// An RFC 3339 time such as `2018-11-30T11:39:20.149Z`; `None` when it is not one.
pub(crate) fn rfc3339(value: Option<&str>) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(value?.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_milliseconds_and_rfc3339() {
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(epoch(Some(1_583_921_400)), Some(at(1_583_921_400)));
        assert_eq!(
            epoch(Some(1_603_184_094_285)),
            Some(at(1_603_184_094) + Duration::from_millis(285))
        );
        assert_eq!(epoch(Some(0)), None);
        assert_eq!(epoch(Some(-5)), None);
        assert_eq!(epoch(None), None);
        assert_eq!(
            rfc3339(Some("2018-11-30T11:39:20.149Z")),
            Some(at(1_543_577_960) + Duration::from_millis(149))
        );
        assert_eq!(rfc3339(Some("yesterday")), None);
    }
}
