//! Reading a verified body's envelope — its event name, and its delivery id when it comes
//! first — in one pass that stops as soon as the name is known.
//!
//! The typed parse that follows reads the whole body anyway; reading it twice to find the
//! name first was most of the framework's cost. Two consequences, both deliberate:
//!
//! - **An event nobody handles is acknowledged without the rest of its body being read.**
//!   It is verified, and nothing would read it; a handled event's body is read in full by
//!   its typed parse, which rejects what is not JSON.
//! - **When `event` appears twice, the first one decides.** The reader stops there. The
//!   body is signed by the platform, so the repetition cannot come from a third party.
//!
//! The shape both platforms send (plain string fields up to the event's) is read by a small
//! scanner; every other shape by `serde_json`, with the same result (the fuzz target
//! checks that the two agree).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::payload::PayloadError;

/// Where a provider's bodies name their event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventNameSource {
    /// The top-level string field that names the event (`"event"`).
    pub field: &'static str,
    /// Another envelope, for bodies without that field.
    pub nested: Option<NestedName>,
}

/// An envelope that names its event in two parts: a top-level type and a name inside an
/// object, as Amity's push notifications do (`{"eventType": "push-notification.created",
/// "data": {"eventName": "channel.created"}}`). The event name is the type up to its first
/// dot, a slash, and the nested name: `push-notification/channel.created`; without the
/// nested name, the type alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NestedName {
    /// The top-level field holding the type (`"eventType"`).
    pub type_field: &'static str,
    /// The top-level object holding the name (`"data"`).
    pub object: &'static str,
    /// The field of that object holding the name (`"eventName"`).
    pub name_field: &'static str,
    /// The top-level field holding the delivery id in this envelope (`"id"`).
    pub delivery_id: Option<&'static str>,
}

/// The envelope fields read from a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The event name, as the platform spells it.
    pub event: Cow<'a, str>,
    /// The body's delivery id field, when the provider has one and it came before the
    /// reader stopped; [`find_string`] looks further.
    pub delivery_id: Option<Cow<'a, str>>,
}

/// Reads the event name of `body` (and a delivery id field met on the way), stopping as
/// soon as the name is known.
///
/// # Errors
/// [`PayloadError::NotJson`] when the body does not start as a JSON object (or is cut
/// short before naming its event), [`PayloadError::MissingEventName`] when it has no
/// string event field.
pub fn read<'a>(
    body: &'a str,
    source: EventNameSource,
    delivery_id: Option<&'static str>,
) -> Result<Envelope<'a>, PayloadError> {
    match read_simple(body, source, delivery_id) {
        Some(envelope) => Ok(envelope),
        None => read_with_parser(body, source, delivery_id),
    }
}

/// Most fields read this way before the parser takes over.
const MAX_SIMPLE_FIELDS: usize = 8;

/// The envelope of the shape both platforms send, read without the parser: the object
/// opens with fields whose values are strings without escapes, the event's among them.
/// Anything else (an escape, another kind of value, a nested envelope's field) gives
/// `None`, and [`read_with_parser`] reads the body, with the same result for this shape
/// (the fuzz target checks that they agree).
fn read_simple<'a>(
    body: &'a str,
    source: EventNameSource,
    delivery_id: Option<&'static str>,
) -> Option<Envelope<'a>> {
    let bytes = body.as_bytes();
    let mut at = skip_whitespace(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    let mut id = None;
    for _ in 0..MAX_SIMPLE_FIELDS {
        let (key, next) = simple_string(body, skip_whitespace(bytes, at + 1))?;
        at = skip_whitespace(bytes, next);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let (value, next) = simple_string(body, skip_whitespace(bytes, at + 1))?;
        if key == source.field {
            return Some(Envelope {
                event: Cow::Borrowed(value),
                delivery_id: id.map(Cow::Borrowed),
            });
        }
        if Some(key) == delivery_id {
            id = Some(value);
        } else if let Some(nested) = source.nested
            && (key == nested.type_field || key == nested.object || Some(key) == nested.delivery_id)
        {
            return None;
        }
        at = skip_whitespace(bytes, next);
        if bytes.get(at) != Some(&b',') {
            return None;
        }
    }
    None
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// The string opening at `at` when it has no escape and no control character: its text
/// and the index after its closing quote.
fn simple_string(body: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = body.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let end = start + memchr::memchr(b'"', bytes.get(start..)?)?;
    // Checked whole, without branching per byte: the compiler vectorises it.
    let plain = bytes[start..end].iter().fold(true, |plain, &byte| {
        plain & (byte != b'\\') & (byte >= 0x20)
    });
    // Both ends are ASCII quotes, so both are character boundaries.
    plain.then(|| (&body[start..end], end + 1))
}

/// [`read`] through the JSON parser alone, for every shape.
///
/// # Errors
/// As [`read`].
#[doc(hidden)]
pub fn read_with_parser<'a>(
    body: &'a str,
    source: EventNameSource,
    delivery_id: Option<&'static str>,
) -> Result<Envelope<'a>, PayloadError> {
    let found = RefCell::new(Found::default());
    let scan = Scan {
        source,
        delivery_id,
        found: &found,
    };
    let mut deserializer = serde_json::Deserializer::from_str(body);
    let result = scan.deserialize(&mut deserializer);
    let found = found.into_inner();
    if !found.complete {
        match result.and_then(|()| deserializer.end()) {
            Ok(()) => {}
            Err(err) => {
                return Err(PayloadError::NotJson {
                    reason: err.to_string(),
                });
            }
        }
    }
    if let Some(event) = found.event {
        return Ok(Envelope {
            event,
            delivery_id: found.delivery_id,
        });
    }
    match (source.nested, found.event_type) {
        (Some(_), Some(event_type)) => Ok(Envelope {
            event: match found.nested_name {
                Some(name) => {
                    let family = event_type.split('.').next().unwrap_or(&event_type);
                    Cow::Owned(format!("{family}/{name}"))
                }
                None => event_type,
            },
            delivery_id: found.nested_delivery_id,
        }),
        _ => Err(PayloadError::MissingEventName {
            field: source.field,
        }),
    }
}

/// The top-level string field `field` of `body`, wherever it is; `None` when the body has
/// none (or is not a JSON object). Stops once found.
#[must_use]
pub fn find_string<'a>(body: &'a str, field: &'static str) -> Option<Cow<'a, str>> {
    read(
        body,
        EventNameSource {
            field,
            nested: None,
        },
        None,
    )
    .ok()
    .map(|envelope| envelope.event)
}

#[derive(Default)]
struct Found<'a> {
    event: Option<Cow<'a, str>>,
    delivery_id: Option<Cow<'a, str>>,
    event_type: Option<Cow<'a, str>>,
    nested_name: Option<Cow<'a, str>>,
    nested_delivery_id: Option<Cow<'a, str>>,
    /// Everything needed was found and the reader stopped on purpose.
    complete: bool,
}

struct Scan<'s, 'a> {
    source: EventNameSource,
    delivery_id: Option<&'static str>,
    found: &'s RefCell<Found<'a>>,
}

/// Ends the parse early: everything needed is known. The visitor returns at once; the
/// parser then fails on the rest of the object, which [`read`] ignores. (Returning without
/// an error of our own saves the three allocations a custom error costs.)
fn stop<E>(found: &RefCell<Found<'_>>) -> Result<(), E> {
    found.borrow_mut().complete = true;
    Ok(())
}

impl<'de> DeserializeSeed<'de> for Scan<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let key = &*key.0;
            if key == self.source.field {
                let value = map.next_value::<MaybeText<'de>>()?.0;
                let mut found = self.found.borrow_mut();
                if found.event.is_none() && value.is_some() {
                    found.event = value;
                    drop(found);
                    return stop(self.found);
                }
            } else if Some(key) == self.delivery_id {
                let value = map.next_value::<MaybeText<'de>>()?.0;
                self.found.borrow_mut().delivery_id = value;
            } else if let Some(nested) = self.source.nested {
                if key == nested.type_field {
                    let value = map.next_value::<MaybeText<'de>>()?.0;
                    let mut found = self.found.borrow_mut();
                    found.event_type = value;
                    if found.event_type.is_some() && found.nested_name.is_some() {
                        drop(found);
                        return stop(self.found);
                    }
                } else if Some(key) == nested.delivery_id {
                    let value = map.next_value::<MaybeText<'de>>()?.0;
                    self.found.borrow_mut().nested_delivery_id = value;
                } else if key == nested.object {
                    map.next_value_seed(NestedScan {
                        name_field: nested.name_field,
                        found: self.found,
                    })?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// Reads the nested name of a [`NestedName`] envelope.
struct NestedScan<'s, 'a> {
    name_field: &'static str,
    found: &'s RefCell<Found<'a>>,
}

impl<'de> DeserializeSeed<'de> for NestedScan<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NestedScan<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if *key.0 == *self.name_field {
                let value = map.next_value::<MaybeText<'de>>()?.0;
                let mut found = self.found.borrow_mut();
                let stop_now = value.is_some() && found.event_type.is_some();
                found.nested_name = value;
                drop(found);
                if stop_now {
                    return stop(self.found);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    // Anything but an object holds no name.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: EventNameSource = EventNameSource {
        field: "event",
        nested: None,
    };
    const AMITY: EventNameSource = EventNameSource {
        field: "event",
        nested: Some(NestedName {
            type_field: "eventType",
            object: "data",
            name_field: "eventName",
            delivery_id: Some("id"),
        }),
    };

    fn scan(body: &str) -> Result<Envelope<'_>, PayloadError> {
        read(body, EVENT, Some("requestId"))
    }

    #[test]
    fn finds_the_event_wherever_it_is_and_the_id_met_on_the_way() {
        let env = scan(r#"{"data":{"event":"inner"},"requestId":"r1","event":"channel.didJoin"}"#)
            .expect("valid");
        assert_eq!(env.event, "channel.didJoin");
        assert_eq!(env.delivery_id.as_deref(), Some("r1"));
        assert!(matches!(env.event, Cow::Borrowed(_)));
        let later = scan(r#"{"event":"channel.didJoin","requestId":"r1"}"#).expect("valid");
        assert_eq!(later.delivery_id, None, "not read past the name");
        assert_eq!(
            find_string(r#"{"event":"x","data":{},"requestId":"r1"}"#, "requestId").as_deref(),
            Some("r1")
        );
        assert_eq!(find_string(r#"{"event":"x"}"#, "requestId"), None);
    }

    #[test]
    fn the_simple_reading_agrees_with_the_parser_or_leaves_the_body_to_it() {
        let bodies = [
            r#"{"event":"message","channel":{}}"#,
            " \r\n\t{ \"requestId\" : \"r1\" ,\t\"webhookId\":\"w\",\"event\":\"m\"}",
            r#"{"requestId":"r1","requestId":"r2","event":"m"}"#,
            r#"{"event":"a","event":"b"}"#,
            r#"{"event":"a", this is not JSON"#,
            r#"{"event":"a\u002eb"}"#,
            r#"{"ev\u0065nt":"a"}"#,
            r#"{"event":null,"event":"late"}"#,
            r#"{"event":42}"#,
            r#"{"other":1,"event":"x"}"#,
            r#"{"eventType":"push-notification.created","data":{"eventName":"x"},"event":"y"}"#,
            r#"{"id":"n1","event":"y"}"#,
            "{\"event\":\"tab\there\"}",
            r#"{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","event":"far"}"#,
            r#"{"event":"ünïcode"}"#,
            r#"{"a":"b""#,
            r#"{"a":"b"}"#,
            r#"{"event""#,
            r#"{"event":"#,
            r#"{"event":"open"#,
            "{",
            "",
            r#"["event","x"]"#,
        ];
        for body in bodies {
            for (source, id) in [
                (EVENT, None),
                (EVENT, Some("requestId")),
                (AMITY, Some("requestId")),
            ] {
                if let Some(simple) = read_simple(body, source, id) {
                    assert_eq!(Ok(simple), read_with_parser(body, source, id), "{body}");
                }
                assert_eq!(
                    read(body, source, id),
                    read_with_parser(body, source, id),
                    "{body}"
                );
            }
        }
        // The platforms' usual bodies take the simple reading.
        let amity = r#"{"requestId":"r1","webhookId":"w1","event":"message.didCreate","data":{}}"#;
        assert_eq!(
            read_simple(amity, AMITY, Some("requestId")),
            Some(Envelope {
                event: Cow::Borrowed("message.didCreate"),
                delivery_id: Some(Cow::Borrowed("r1")),
            })
        );
        assert!(read_simple("{\n  \"event\": \"message\",\n  \"appId\": 1", EVENT, None).is_some());
        // An escape, a value of another kind, or a nested envelope's field: the parser reads it.
        assert_eq!(read_simple(r#"{"event":"a\u002eb"}"#, EVENT, None), None);
        assert_eq!(read_simple(r#"{"other":1,"event":"x"}"#, EVENT, None), None);
        assert_eq!(read_simple(r#"{"id":"n1","event":"y"}"#, AMITY, None), None);
    }

    #[test]
    fn the_two_readings_agree_on_every_envelope_of_up_to_three_fields() {
        let keys = [
            r#""event""#,
            r#""requestId""#,
            r#""webhookId""#,
            r#""id""#,
            r#""eventType""#,
        ];
        let values = [
            r#""a""#,
            r#""b""#,
            r#""x\u0079""#,
            "1",
            r#"{"eventName":"n"}"#,
        ];
        let fields: Vec<String> = keys
            .iter()
            .flat_map(|key| values.iter().map(move |value| format!("{key}:{value}")))
            .collect();
        let mut bodies = vec!["{}".to_owned()];
        for first in &fields {
            bodies.push(format!("{{{first}}}"));
            for second in &fields {
                bodies.push(format!("{{{first},{second}}}"));
                for third in &fields {
                    bodies.push(format!("{{{first},{second},{third}}}"));
                }
            }
        }
        let mut simple = 0;
        for body in &bodies {
            for (source, id) in [(EVENT, None), (AMITY, Some("requestId"))] {
                simple += usize::from(read_simple(body, source, id).is_some());
                assert_eq!(
                    read(body, source, id),
                    read_with_parser(body, source, id),
                    "{body}"
                );
            }
        }
        assert!(
            simple > bodies.len() / 10,
            "the scanner read {simple} of them"
        );
    }

    #[test]
    fn stops_at_the_name_without_reading_the_rest() {
        // What follows the name is not read: neither a repeated name nor broken JSON.
        assert_eq!(
            scan(r#"{"event":"a","event":"b"}"#)
                .expect("first wins")
                .event,
            "a"
        );
        assert_eq!(
            scan(r#"{"event":"a", this is not JSON"#)
                .expect("stopped")
                .event,
            "a"
        );
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
        for not_json in [
            "",
            "[]",
            "\"event\"",
            "{",
            r#"{"data":1} x"#,
            "nul",
            r#"{"data":[1,"#,
        ] {
            assert!(
                matches!(scan(not_json), Err(PayloadError::NotJson { .. })),
                "{not_json:?} gave {:?}",
                scan(not_json)
            );
        }
    }

    #[test]
    fn names_a_push_notification_by_its_type_and_nested_name() {
        let push = r#"{"eventType":"push-notification.created","id":"n1","data":{"title":"t","eventName":"channel.created","rest":[1,2]}}"#;
        let env = read(push, AMITY, Some("requestId")).expect("valid");
        assert_eq!(env.event, "push-notification/channel.created");
        assert_eq!(env.delivery_id.as_deref(), Some("n1"));
        // Object first, type after.
        let data_first =
            r#"{"data":{"eventName":"post.created"},"eventType":"push-notification.created"}"#;
        assert_eq!(
            read(data_first, AMITY, None).expect("valid").event,
            "push-notification/post.created"
        );
        // No nested name: the type alone.
        let bare = r#"{"eventType":"push-notification.created","data":{}}"#;
        assert_eq!(
            read(bare, AMITY, None).expect("valid").event,
            "push-notification.created"
        );
        // `event` still decides when present.
        let both = r#"{"event":"message.didCreate","eventType":"x","data":{"eventName":"y"}}"#;
        assert_eq!(
            read(both, AMITY, None).expect("valid").event,
            "message.didCreate"
        );
    }
}
