//! Reading a verified body: typed parsing with precise errors.

use serde::de::{self, IgnoredAny};

/// Why a verified body could not be read. Every variant means "will never succeed":
/// retrying the same body cannot help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The body is not UTF-8.
    #[error("body is not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The body is not a JSON object.
    #[error("body is not a JSON object: {reason}")]
    NotJson {
        /// The parser's description, with line and column.
        reason: String,
    },
    /// The body has no top-level string field naming the event.
    #[error("body has no string `{field}` field naming the event")]
    MissingEventName {
        /// The field that was looked for.
        field: &'static str,
    },
    /// The body is JSON but a part of it does not have the event's documented shape.
    #[error("`{event}` payload at `{path}`: {reason}")]
    InvalidShape {
        /// The event being read.
        event: String,
        /// JSON path of the offending value, e.g. `channel.members[0].createdAt`.
        path: String,
        /// What was found and which type was expected.
        reason: String,
    },
}

/// Checks that `body` is UTF-8.
pub(crate) fn utf8(body: &[u8]) -> Result<&str, PayloadError> {
    // SIMD validation where the CPU has it: a few times faster than `std`'s on bodies
    // of a kilobyte. A body it refuses is checked again by `std` for the offset.
    simdutf8::basic::from_utf8(body).or_else(|_| {
        std::str::from_utf8(body).map_err(|err| PayloadError::NotUtf8 {
            offset: err.valid_up_to(),
        })
    })
}

/// Parses `body` into `T`. On failure the body is read a second time to find the JSON
/// path of the problem, so the common case pays nothing for path tracking.
///
/// # Errors
/// [`PayloadError::InvalidShape`] naming the path and expected type, or
/// [`PayloadError::NotJson`] when the body is not JSON at all.
pub fn parse_body<T: de::DeserializeOwned>(event: &str, body: &str) -> Result<T, PayloadError> {
    serde_json::from_str(body).or_else(|first| match lone_surrogates_replaced(body) {
        // A body serialised by JavaScript can escape half of a UTF-16 pair (text cut in
        // the middle of an emoji), which Rust strings cannot hold: read it with U+FFFD
        // there, as a lossy decoding would, instead of refusing the delivery.
        Some(repaired) => parse_body(event, &repaired),
        None => Err(explain::<T>(event, body, &first)),
    })
}

/// Why `body` cannot be read as `T`, which `first` says without the path.
fn explain<T: de::DeserializeOwned>(
    event: &str,
    body: &str,
    first: &serde_json::Error,
) -> PayloadError {
    {
        // A truncated body can fail on a type before the parser reaches the syntax error.
        if let Err(syntax) = serde_json::from_str::<IgnoredAny>(body) {
            return PayloadError::NotJson {
                reason: syntax.to_string(),
            };
        }
        let mut deserializer = serde_json::Deserializer::from_str(body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(err) => PayloadError::InvalidShape {
                event: event.to_owned(),
                path: err.path().to_string(),
                reason: err.into_inner().to_string(),
            },
            // Unreachable in practice: both reads see the same bytes.
            Ok(_) => PayloadError::InvalidShape {
                event: event.to_owned(),
                path: ".".to_owned(),
                reason: first.to_string(),
            },
        }
    }
}

/// `body` with every `\u` escape of an unpaired UTF-16 surrogate (`\ud83d` not followed by
/// a low one, or a low one alone) replaced by `\ufffd`; `None` when it has none. Every
/// backslash in JSON starts an escape inside a string, so escapes are read in pairs from
/// the start and an escaped backslash (`\\ud83d`, text) is never taken for one.
pub(crate) fn lone_surrogates_replaced(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    let unit_at = |at: usize| -> Option<u16> {
        let escape = bytes.get(at..at + 6)?;
        if escape[0] != b'\\' || escape[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
    };
    let mut repaired: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&byte| byte == b'\\'))
    {
        at += offset;
        let Some(unit) = unit_at(at) else {
            // Any other escape, two bytes; a malformed one is the parser's to report.
            at += 2;
            continue;
        };
        let paired = matches!(unit, 0xD800..=0xDBFF)
            && unit_at(at + 6).is_some_and(|low| matches!(low, 0xDC00..=0xDFFF));
        if paired {
            at += 12;
        } else if matches!(unit, 0xD800..=0xDFFF) {
            let text = repaired.get_or_insert_with(|| String::with_capacity(body.len()));
            text.push_str(&body[copied..at]);
            text.push_str("\\ufffd");
            at += 6;
            copied = at;
        } else {
            at += 6;
        }
    }
    repaired.map(|mut text| {
        text.push_str(&body[copied..]);
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpaired_surrogate_escapes_become_the_replacement_character() {
        let cases = [
            (r#"{"t":"hi \ud83d"}"#, Some(r#"{"t":"hi \ufffd"}"#)),
            (
                r#"{"t":"\uDE00 x \ud83d\u0041"}"#,
                Some(r#"{"t":"\ufffd x \ufffd\u0041"}"#),
            ),
            (r#"{"t":"\ud83d\ude00"}"#, None),
            (r#"{"t":"\\ud83d"}"#, None),
            (r#"{"t":"\"\ud83d"}"#, Some(r#"{"t":"\"\ufffd"}"#)),
            (r#"{"t":"end \ud8"#, None),
            ("ends in a backslash \\", None),
        ];
        for (body, expected) in cases {
            assert_eq!(
                lone_surrogates_replaced(body).as_deref(),
                expected,
                "{body}"
            );
        }
        #[derive(serde::Deserialize)]
        struct Text {
            t: String,
        }
        let read: Text = parse_body("e", r#"{"t":"cut \ud83d"}"#).expect("read");
        assert_eq!(read.t, "cut \u{fffd}");
        let read: Text = parse_body("e", r#"{"t":"\ud83d\ude00"}"#).expect("read");
        assert_eq!(read.t, "\u{1f600}");
    }

    #[test]
    fn non_utf8_is_reported_with_offset() {
        assert_eq!(utf8(b"{\"a\xff"), Err(PayloadError::NotUtf8 { offset: 3 }));
    }
}
