//! Reading a verified body: the envelope scan and typed parsing with precise errors.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

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
    /// The body names its event more than once, so its meaning is ambiguous.
    #[error("body has more than one `{field}` field")]
    DuplicateEventName {
        /// The repeated field.
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

/// The envelope fields read from a body without parsing it into a typed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The event name, as the platform spells it.
    pub event: Cow<'a, str>,
    /// The body's delivery id field, when the provider has one and the body carries it.
    pub delivery_id: Option<Cow<'a, str>>,
}

/// Checks that `body` is UTF-8.
pub(crate) fn utf8(body: &[u8]) -> Result<&str, PayloadError> {
    std::str::from_utf8(body).map_err(|err| PayloadError::NotUtf8 {
        offset: err.valid_up_to(),
    })
}

/// Reads the event name (and a delivery id field) from a JSON object, skipping everything
/// else without building it. The whole body is still checked to be JSON.
///
/// # Errors
/// [`PayloadError`] when the body is not a JSON object or has no single string event field.
pub fn scan_envelope<'a>(
    body: &'a str,
    event_field: &'static str,
    delivery_id_field: Option<&'static str>,
) -> Result<Envelope<'a>, PayloadError> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let scan = EnvelopeScan {
        event_field,
        delivery_id_field,
    };
    let found = scan
        .deserialize(&mut deserializer)
        .and_then(|found| deserializer.end().map(|()| found))
        .map_err(|err| PayloadError::NotJson {
            reason: err.to_string(),
        })?;
    if found.duplicate_event {
        return Err(PayloadError::DuplicateEventName { field: event_field });
    }
    let event = found
        .event
        .ok_or(PayloadError::MissingEventName { field: event_field })?;
    Ok(Envelope {
        event,
        delivery_id: found.delivery_id,
    })
}

struct EnvelopeScan {
    event_field: &'static str,
    delivery_id_field: Option<&'static str>,
}

struct Found<'a> {
    event: Option<Cow<'a, str>>,
    delivery_id: Option<Cow<'a, str>>,
    duplicate_event: bool,
}

impl<'de> DeserializeSeed<'de> for EnvelopeScan {
    type Value = Found<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeScan {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<'de>, A::Error> {
        let mut found = Found {
            event: None,
            delivery_id: None,
            duplicate_event: false,
        };
        let mut event_seen = false;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if key.0 == self.event_field {
                // A non-string event name reads as "no event name".
                found.duplicate_event |= event_seen;
                event_seen = true;
                found.event = map.next_value::<MaybeText<'de>>()?.0;
            } else if self.delivery_id_field == Some(&*key.0) {
                found.delivery_id = map.next_value::<MaybeText<'de>>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// A string that borrows from the body unless it had escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(value.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// A string, or `None` for any other JSON value (which is still consumed).
struct MaybeText<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for MaybeText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MaybeTextVisitor;
        impl<'de> Visitor<'de> for MaybeTextVisitor {
            type Value = MaybeText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                value: &'de str,
            ) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(Some(Cow::Borrowed(value))))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(Some(Cow::Owned(value.to_owned()))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<MaybeText<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MaybeText<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
        }
        deserializer.deserialize_any(MaybeTextVisitor)
    }
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

    fn scan(body: &str) -> Result<Envelope<'_>, PayloadError> {
        scan_envelope(body, "event", Some("requestId"))
    }

    #[test]
    fn finds_the_event_wherever_it_is() {
        let env = scan(r#"{"data":{"event":"inner"},"requestId":"r1","event":"channel.didJoin"}"#)
            .expect("valid");
        assert_eq!(env.event, "channel.didJoin");
        assert_eq!(env.delivery_id.as_deref(), Some("r1"));
        assert!(matches!(env.event, Cow::Borrowed(_)));
    }

    #[test]
    fn escaped_event_name_is_unescaped() {
        let env = scan(r#"{"event":"a\u002eb"}"#).expect("valid");
        assert_eq!(env.event, "a.b");
    }

    #[test]
    fn rejects_what_is_not_an_envelope() {
        assert_eq!(
            scan(r#"{"data":{}}"#),
            Err(PayloadError::MissingEventName { field: "event" })
        );
        assert_eq!(
            scan(r#"{"event":42}"#),
            Err(PayloadError::MissingEventName { field: "event" })
        );
        assert_eq!(
            scan(r#"{"event":"a","event":"b"}"#),
            Err(PayloadError::DuplicateEventName { field: "event" })
        );
        for not_json in ["", "[]", "\"event\"", "{", r#"{"event":"a"} x"#, "nul"] {
            assert!(
                matches!(scan(not_json), Err(PayloadError::NotJson { .. })),
                "{not_json:?} gave {:?}",
                scan(not_json)
            );
        }
    }

    #[test]
    fn non_utf8_is_reported_with_offset() {
        assert_eq!(utf8(b"{\"a\xff"), Err(PayloadError::NotUtf8 { offset: 3 }));
    }
}
