//! Identifiers as URLs carry them.

use std::borrow::Cow;

/// A value that can identify a resource in a URL.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot identify a resource in a URL",
    note = "identifiers and uri variables are strings or integers; implement `glue_core::ResourceId` for other types"
)]
pub trait ResourceId {
    /// The value as it appears in URLs.
    fn to_id(&self) -> Cow<'_, str>;
    /// Parses a value from a URL or a JSON:API `id`.
    fn from_id(id: &str) -> Option<Self>
    where
        Self: Sized;
}

impl ResourceId for String {
    fn to_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }

    fn from_id(id: &str) -> Option<Self> {
        Some(id.to_owned())
    }
}

/// The identifier type of a resource that has none: no value exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoId {}

impl ResourceId for NoId {
    fn to_id(&self) -> Cow<'_, str> {
        match *self {}
    }

    fn from_id(_: &str) -> Option<Self> {
        None
    }
}

impl<T: ResourceId> ResourceId for Option<T> {
    fn to_id(&self) -> Cow<'_, str> {
        self.as_ref().map_or(Cow::Borrowed(""), ResourceId::to_id)
    }

    fn from_id(id: &str) -> Option<Self> {
        T::from_id(id).map(Some)
    }
}

macro_rules! integer_ids {
    ($($ty:ty),*) => {$(
        impl ResourceId for $ty {
            fn to_id(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }

            fn from_id(id: &str) -> Option<Self> {
                id.parse().ok()
            }
        }
    )*};
}

integer_ids!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);
