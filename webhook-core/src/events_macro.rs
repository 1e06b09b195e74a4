//! The table that declares a provider's events: one row per event gives its name, its
//! struct, its `Event` impl and its variant in the provider's enum, so the four can never
//! disagree.

macro_rules! define_events {
    (
        provider = $provider:ty;
        $(#[$enum_meta:meta])*
        enum $enum_name:ident;
        $(
            $(#[$meta:meta])*
            $name:literal => $ty:ident { $($body:tt)* }
            $(occurred_at($event:ident) = $occurred_at:expr;)?
        )*
    ) => {
        $(
            $(#[$meta])*
            #[doc = concat!("\n\nEvent name: `", $name, "`.")]
            #[derive(Debug, Clone, PartialEq, Default, ::serde::Deserialize, ::serde::Serialize)]
            #[serde(rename_all = "camelCase")]
            pub struct $ty { $($body)* }

            impl $ty {
                /// The event name as the platform spells it.
                pub const NAME: &'static str = $name;

                /// Parses a verified body into this event.
                ///
                /// # Errors
                /// [`PayloadError::InvalidShape`]($crate::PayloadError::InvalidShape)
                /// naming the JSON path and expected type.
                pub fn parse(body: &str) -> Result<Self, $crate::PayloadError> {
                    $crate::payload::parse_body($name, body)
                }
            }

            impl $crate::Event for $ty {
                type Provider = $provider;
                const ROUTE: $crate::event::Route = $crate::event::Route::Named($name);

                fn from_body(_name: &str, body: &str) -> Result<Self, $crate::PayloadError> {
                    $crate::payload::parse_body($name, body)
                }

                $(
                    fn occurred_at(&self) -> Option<::std::time::SystemTime> {
                        let $event = self;
                        $occurred_at
                    }
                )?
            }

            impl From<$ty> for $enum_name {
                fn from(event: $ty) -> Self {
                    Self::$ty(event)
                }
            }
        )*

        $(#[$enum_meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $enum_name {
            $(
                #[doc = concat!("`", $name, "`")]
                $ty($ty),
            )*
            /// An event this crate has no type for, kept with its name and whole body.
            Unknown($crate::UnknownEvent<$provider>),
        }

        impl $enum_name {
            /// Parses a verified body whose event is `name`; an unknown name is not an
            /// error but [`Self::Unknown`].
            ///
            /// # Errors
            /// [`PayloadError`]($crate::PayloadError) when a known event does not have
            /// its documented shape.
            pub fn parse(name: &str, body: &str) -> Result<Self, $crate::PayloadError> {
                <Self as $crate::Event>::from_body(name, body)
            }

            /// The event name as the platform spells it.
            #[must_use]
            pub fn name(&self) -> &str {
                match self {
                    $(Self::$ty(_) => $name,)*
                    Self::Unknown(unknown) => &unknown.name,
                }
            }
        }

        impl $crate::Event for $enum_name {
            type Provider = $provider;
            const ROUTE: $crate::event::Route = $crate::event::Route::Every;

            fn from_body(name: &str, body: &str) -> Result<Self, $crate::PayloadError> {
                match name {
                    $($name => <$ty as $crate::Event>::from_body(name, body).map(Self::$ty),)*
                    _ => $crate::UnknownEvent::parse(name, body).map(Self::Unknown),
                }
            }

            fn occurred_at(&self) -> Option<::std::time::SystemTime> {
                match self {
                    $(Self::$ty(event) => $crate::Event::occurred_at(event),)*
                    Self::Unknown(_) => None,
                }
            }
        }

        /// Serializes as the event's own struct does (an unknown event as its body), without
        /// the event's name.
        impl ::serde::Serialize for $enum_name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$ty(event) => ::serde::Serialize::serialize(event, serializer),)*
                    Self::Unknown(unknown) => ::serde::Serialize::serialize(&unknown.raw, serializer),
                }
            }
        }

        /// Every event name this crate has a type for, as the platform spells it.
        pub const EVENT_NAMES: &[&str] = &[$($name),*];

        #[cfg(feature = "testing")]
        impl $enum_name {
            /// A body for the event `name` built from its type's default value, for
            /// events without a documented sample; `None` for an unknown name.
            #[must_use]
            pub fn default_body(name: &str) -> Option<String> {
                match name {
                    $($name => $crate::testing::body_of(&<$ty>::default()).ok(),)*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use define_events;
