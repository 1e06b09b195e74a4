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
    serde_json::from_str(body).map_err(|first| {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_utf8_is_reported_with_offset() {
        assert_eq!(utf8(b"{\"a\xff"), Err(PayloadError::NotUtf8 { offset: 3 }));
    }
}
