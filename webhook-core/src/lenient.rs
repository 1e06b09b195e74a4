//! Deserializers for the shapes the platforms' own documents disagree on.
//!
//! None of them buffers the input: each decides from the first JSON token.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// `null` reads as the type's default, as an absent field does with `#[serde(default)]`.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An optional object that may also arrive as `null` or `{}`; all three read as `None`.
pub(crate) fn empty_object_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default + PartialEq,
{
    Ok(Option::<T>::deserialize(deserializer)?.filter(|value| *value != T::default()))
}

/// A JSON object read as a map; `null` and an empty array `[]` (how some encoders write
/// an empty map) read as an empty map.
pub(crate) fn map_or_empty_array<'de, D, K, V>(
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
pub(crate) fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
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
