//! [`Nullable`]: a value that may be explicitly `null` on the wire.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that can be explicitly `null`.
///
/// Optional nullable fields are generated as `Option<Nullable<T>>`:
///
/// - `None`: the field is absent and not sent;
/// - `Some(Nullable::Null)`: the field is sent as `null`;
/// - `Some(Nullable::Value(v))`: the field is sent with the value `v`.
///
/// Setters accept `impl Into<Nullable<T>>`, so `set(3600)` and
/// `set(Nullable::Null)` both work; use [`Nullable::from_option`] to convert
/// an `Option<T>` (`None` becoming `null`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// An explicit `null`.
    Null,
    /// A present value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `None` becomes [`Nullable::Null`], `Some(v)` becomes [`Nullable::Value`].
    pub fn from_option(value: Option<T>) -> Self {
        match value {
            Some(value) => Self::Value(value),
            None => Self::Null,
        }
    }

    /// Converts into an `Option`, `null` becoming `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Null => None,
        }
    }

    /// Borrows the value, `null` becoming `None`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Null => None,
        }
    }

    /// Whether this is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_none(),
            Self::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from_option)
    }
}

/// `deserialize_with` helper for `Option<Nullable<T>>` fields: a present
/// field (even `null`) becomes `Some`; with `#[serde(default)]` an absent
/// field stays `None`.
pub(crate) fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}
