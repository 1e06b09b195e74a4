//! Deserializers for the shapes the platforms' own documents disagree on, as this crate's
//! event types read them; use them in event types of your own
//! (`#[webhook_handler(event = "...")]`) so that they take every shape a real delivery
//! may have:
//!
//! ```
//! use serde::Deserialize;
//! use webhook_core::lenient;
//!
//! #[derive(Debug, Clone, Deserialize)]
//! struct PostCreated {
//!     // `null` or `""` instead of an object
//!     #[serde(default, deserialize_with = "lenient::empty_as_default")]
//!     data: PostData,
//! }
//!
//! #[derive(Debug, Clone, Default, Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct PostData {
//!     // one post instead of a list, or `null`
//!     #[serde(default, deserialize_with = "lenient::one_or_many")]
//!     posts: Vec<serde_json::Value>,
//!     // `"3"` or `3.0` for `3`
//!     #[serde(default, deserialize_with = "lenient::int")]
//!     member_count: Option<i64>,
//! }
//!
//! let ev: PostCreated = serde_json::from_str(r#"{"data":{"posts":{"postId":"p"},"memberCount":"3"}}"#)?;
//! assert_eq!((ev.data.posts.len(), ev.data.member_count), (1, Some(3)));
//! let ev: PostCreated = serde_json::from_str(r#"{"data":null}"#)?;
//! assert!(ev.data.posts.is_empty());
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Each goes with `#[serde(default)]`, so that an absent field reads as a present empty
//! one. None of them buffers the input: each decides from the first JSON token.
//!
//! - A field the platform spells two ways (`hashFlag` and `hashflag`) is read by this
//!   crate's types under either spelling; when a body carries both, **the first one in
//!   the body wins** and the other is skipped unread (with serde's `alias`, your own type
//!   would refuse such a body as a duplicate field).
//! - An integer field also accepts a string holding an integer (`"memberCount": "3"`) and a
//!   whole float (`3.0`); any other string is an error naming the field ([`int`]). A
//!   `number` field likewise accepts a string holding a number ([`number`]).
//! - An optional object that arrives as `null`, `""` or `{}` reads as absent
//!   ([`empty_object_as_none`]); an event's `data` sent as `null` or `""` reads as empty
//!   ([`empty_as_default`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};

/// `null` reads as the type's default, as an absent field does with `#[serde(default)]`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An optional object that may also arrive as `null`, `""` or `{}`: all read as `None`,
/// as an absent field does with `#[serde(default)]`. Any other value is read as `T`, with
/// `T`'s own error when it is not one.
pub fn empty_object_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    Ok(null_or_empty_as_none::<D, T>(deserializer)?.filter(|value| *value != T::default()))
}

/// An object that may also arrive as `null` or `""`: both read as the type's default, as
/// an absent field does with `#[serde(default)]`. Any other value is read as `T`, with
/// `T`'s own error when it is not one.
pub fn empty_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(null_or_empty_as_none::<D, T>(deserializer)?.unwrap_or_default())
}

/// `null` and `""` read as `None`; any other value is read as `T`.
fn null_or_empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct EmptyAsNone<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for EmptyAsNone<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, null or an empty string")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
            T::deserialize(SeqAccessDeserializer::new(seq)).map(Some)
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Option<T>, E> {
            if value.is_empty() {
                Ok(None)
            } else {
                T::deserialize(value.into_deserializer()).map(Some)
            }
        }

        fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<T>, E> {
            T::deserialize(value.into_deserializer()).map(Some)
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<T>, E> {
            T::deserialize(value.into_deserializer()).map(Some)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<T>, E> {
            T::deserialize(value.into_deserializer()).map(Some)
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<T>, E> {
            T::deserialize(value.into_deserializer()).map(Some)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, inner: D2) -> Result<Option<T>, D2::Error> {
            inner.deserialize_any(self)
        }
    }

    deserializer.deserialize_any(EmptyAsNone(PhantomData))
}

/// An integer that may also arrive as a string holding one (`"3"`) or as a whole float
/// (`3.0`, as some encoders write integers); `null` reads as `None`. A string that does not
/// hold an integer is an error, so a wrong value is reported rather than dropped.
pub fn int<'de, D>(deserializer: D) -> Result<Option<i64>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Int;

    impl<'de> Visitor<'de> for Int {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("i64, or a string holding one")
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<i64>, E> {
            Ok(Some(value))
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<i64>, E> {
            i64::try_from(value)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<i64>, E> {
            whole(value)
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &self))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Option<i64>, E> {
            let text = value.trim();
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(whole))
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, inner: D2) -> Result<Option<i64>, D2::Error> {
            inner.deserialize_any(self)
        }
    }

    deserializer.deserialize_any(Int)
}

/// `value` as an `i64` when it is a whole number within range.
fn whole(value: f64) -> Option<i64> {
    // 2^63 as f64; every whole float strictly inside the range converts exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
        #[allow(clippy::cast_possible_truncation)]
        Some(value as i64)
    } else {
        None
    }
}

/// A number (integer or fraction) that may also arrive as a string holding one (`"2.5"`);
/// `null` reads as `None`. A string that does not hold a number is an error.
pub fn number<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Number;

    impl<'de> Visitor<'de> for Number {
        type Value = Option<f64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, or a string holding one")
        }

        #[allow(clippy::cast_precision_loss)]
        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<f64>, E> {
            Ok(Some(value as f64))
        }

        #[allow(clippy::cast_precision_loss)]
        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<f64>, E> {
            Ok(Some(value as f64))
        }

        fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<f64>, E> {
            Ok(Some(value))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Option<f64>, E> {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .map(Some)
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, inner: D2) -> Result<Option<f64>, D2::Error> {
            inner.deserialize_any(self)
        }
    }

    deserializer.deserialize_any(Number)
}

/// A JSON object read as a map; `null` and an empty array `[]` (how some encoders write
/// an empty map) read as an empty map.
pub fn map_or_empty_array<'de, D, K, V>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    struct MapOrEmptyArray<K, V>(PhantomData<(K, V)>);

    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for MapOrEmptyArray<K, V> {
        type Value = std::collections::BTreeMap<K, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, or an empty array")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Self::Value::deserialize(MapAccessDeserializer::new(map))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(Self::Value::new()),
                Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Self::Value::new())
        }
    }

    deserializer.deserialize_any(MapOrEmptyArray(PhantomData))
}

/// One value or an array of values; `null` reads as an empty list.
pub fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("one value or an array of values")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
            Vec::deserialize(SeqAccessDeserializer::new(seq))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(|one| vec![one])
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Vec<T>, E> {
            T::deserialize(value.into_deserializer()).map(|one| vec![one])
        }

        fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Vec<T>, E> {
            T::deserialize(value.into_deserializer()).map(|one| vec![one])
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<Vec<T>, E> {
            T::deserialize(value.into_deserializer()).map(|one| vec![one])
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<Vec<T>, E> {
            T::deserialize(value.into_deserializer()).map(|one| vec![one])
        }

        fn visit_bool<E: de::Error>(self, value: bool) -> Result<Vec<T>, E> {
            T::deserialize(value.into_deserializer()).map(|one| vec![one])
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }

    deserializer.deserialize_any(OneOrMany(PhantomData))
}

/// The spellings of the fields a platform spells more than one way, as
/// `(spelling the struct declares, other spelling)` pairs.
pub(crate) type Spellings = &'static [(&'static str, &'static str)];

/// A deserializer that reads a struct whose fields the platform spells more than one way:
/// each other spelling is read as the declared one, and when a body carries two spellings
/// of one field, the first one in the body wins and the later one is skipped unread.
///
/// serde's own `alias` rejects a body carrying both spellings as a duplicate field, which
/// would refuse a real delivery. This adapter wraps the deserializer handed to a struct's
/// derived code, so it costs one key comparison per field and buffers nothing.
pub(crate) struct FirstSpelling<D> {
    inner: D,
    spellings: Spellings,
}

impl<D> FirstSpelling<D> {
    /// Wraps `inner`, reading the other spellings in `spellings` as the declared ones.
    pub(crate) fn new(inner: D, spellings: Spellings) -> Self {
        Self { inner, spellings }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for FirstSpelling<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(SpellingVisitor {
            inner: visitor,
            spellings: self.spellings,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_struct(
            name,
            fields,
            SpellingVisitor {
                inner: visitor,
                spellings: self.spellings,
            },
        )
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Hands the struct's visitor a map that reads every spelling as the declared one.
struct SpellingVisitor<V> {
    inner: V,
    spellings: Spellings,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for SpellingVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(SpellingMap {
            inner: map,
            spellings: self.spellings,
            seen: 0,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }
}

/// A map whose keys are read through [`Spellings`]; `seen` has one bit per pair.
struct SpellingMap<A> {
    inner: A,
    spellings: Spellings,
    seen: u64,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for SpellingMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(KeyName(key)) = self.inner.next_key::<KeyName<'de>>()? else {
                return Ok(None);
            };
            let pair = self
                .spellings
                .iter()
                .take(64)
                .position(|(declared, other)| *declared == key || *other == key);
            let Some(index) = pair else {
                return match key {
                    Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
                    Cow::Owned(key) => seed.deserialize(key.into_deserializer()),
                }
                .map(Some);
            };
            let bit = 1_u64 << index;
            if self.seen & bit == 0 {
                self.seen |= bit;
                let declared = self.spellings[index].0;
                return seed
                    .deserialize(BorrowedStrDeserializer::new(declared))
                    .map(Some);
            }
            // A later spelling of a field already read: the first one won.
            self.inner.next_value::<IgnoredAny>()?;
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A map key, borrowed from the body when it has no escapes.
struct KeyName<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for KeyName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyName<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<KeyName<'de>, E> {
                Ok(KeyName(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<KeyName<'de>, E> {
                Ok(KeyName(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<KeyName<'de>, E> {
                Ok(KeyName(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Declares a struct whose fields the platform spells more than one way: it derives
/// `Serialize` (under the declared spellings) and reads through [`FirstSpelling`] with
/// the given `(declared, other)` spelling pairs. A private copy of the field list carries
/// the derived reading, so the struct shows no methods beyond its traits.
macro_rules! first_spelling_wins {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($path:literal) spells [$(($declared:literal, $other:literal)),+ $(,)?] {
            $($body:tt)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($body)* }

        const _: () = {
            /// The derived reading of the struct, fed through `FirstSpelling`.
            #[derive(::serde::Deserialize)]
            #[serde(remote = $path, rename_all = "camelCase")]
            #[allow(dead_code, unreachable_pub)]
            struct Declared { $($body)* }

            impl<'de> ::serde::Deserialize<'de> for $name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    Declared::deserialize($crate::lenient::FirstSpelling::new(
                        deserializer,
                        &[$(($declared, $other)),+],
                    ))
                }
            }
        };
    };
}
pub(crate) use first_spelling_wins;

/// Implements `Deserialize`/`Serialize` for a string enum that keeps unknown values in an
/// `Other(String)` variant, so a value the platform adds tomorrow is never an error.
macro_rules! open_string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this crate does not know yet, kept as sent.
            Other(String),
        }

        impl $name {
            /// The value as the platform spells it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(&*text))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use open_string_enum;

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Ids {
        #[serde(default, deserialize_with = "super::one_or_many")]
        ids: Vec<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Count {
        #[serde(default, deserialize_with = "super::int")]
        n: Option<i64>,
    }

    #[test]
    fn int_reads_numbers_whole_floats_and_numeric_strings() {
        let read = |json: &str| serde_json::from_str::<Count>(json).map(|count| count.n);
        for (json, expected) in [
            (r#"{"n":7}"#, Some(7)),
            (r#"{"n":-7}"#, Some(-7)),
            (r#"{"n":7.0}"#, Some(7)),
            (r#"{"n":"7"}"#, Some(7)),
            (r#"{"n":" -7 "}"#, Some(-7)),
            (r#"{"n":"7e2"}"#, Some(700)),
            (r#"{"n":null}"#, None),
            (r"{}", None),
        ] {
            assert_eq!(read(json).ok(), Some(expected), "{json}");
        }
        for json in [
            r#"{"n":7.5}"#,
            r#"{"n":"7.5"}"#,
            r#"{"n":"seven"}"#,
            r#"{"n":""}"#,
            r#"{"n":18446744073709551615}"#,
            r#"{"n":"1e30"}"#,
            r#"{"n":true}"#,
        ] {
            let err = read(json).expect_err(json);
            assert!(err.to_string().contains("expected i64"), "{json}: {err}");
        }
    }

    #[test]
    fn one_or_many_accepts_every_shape() {
        let read = |json: &str| serde_json::from_str::<Ids>(json).map(|ids| ids.ids);
        assert_eq!(read(r#"{"ids":"a"}"#).ok(), Some(vec!["a".to_owned()]));
        assert_eq!(
            read(r#"{"ids":["a","b"]}"#).ok(),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(read(r#"{"ids":null}"#).ok(), Some(vec![]));
        assert_eq!(read(r"{}").ok(), Some(vec![]));
        let err = read(r#"{"ids":{"x":1}}"#).expect_err("an object is not an id");
        assert!(err.to_string().contains("expected a string"), "{err}");
    }
}
