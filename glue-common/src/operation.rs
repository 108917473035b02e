//! The six operations a resource can declare (SPEC §1.2).

use http::{Method, StatusCode};

/// The six operations a resource can declare (SPEC §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    /// `GET /{type}/{id}`: one item.
    Get,
    /// `GET /{type}`: the collection.
    GetCollection,
    /// `POST /{type}`: create an item.
    Post,
    /// `PUT /{type}/{id}`: replace an item.
    Put,
    /// `PATCH /{type}/{id}`: change part of an item.
    Patch,
    /// `DELETE /{type}/{id}`: remove an item.
    Delete,
}

impl OperationKind {
    /// Every operation kind, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::Get,
        Self::GetCollection,
        Self::Post,
        Self::Put,
        Self::Patch,
        Self::Delete,
    ];

    /// The HTTP method that invokes the operation.
    #[must_use]
    pub fn method(self) -> Method {
        match self {
            Self::Get | Self::GetCollection => Method::GET,
            Self::Post => Method::POST,
            Self::Put => Method::PUT,
            Self::Patch => Method::PATCH,
            Self::Delete => Method::DELETE,
        }
    }

    /// Whether the operation addresses one item (and so its route carries the identifier).
    #[must_use]
    pub const fn is_item(self) -> bool {
        matches!(self, Self::Get | Self::Put | Self::Patch | Self::Delete)
    }

    /// Whether the operation reads a request body.
    #[must_use]
    pub const fn has_body(self) -> bool {
        matches!(self, Self::Post | Self::Put | Self::Patch)
    }

    /// Whether the operation changes state (and so needs a processor).
    #[must_use]
    pub const fn is_write(self) -> bool {
        matches!(self, Self::Post | Self::Put | Self::Patch | Self::Delete)
    }

    /// Whether the operation reads stored items (and so needs a provider): every one but
    /// `Post`.
    #[must_use]
    pub const fn reads(self) -> bool {
        !matches!(self, Self::Post)
    }

    /// The status a successful call answers with, unless the operation declares another.
    #[must_use]
    pub const fn default_status(self) -> StatusCode {
        match self {
            Self::Post => StatusCode::CREATED,
            Self::Delete => StatusCode::NO_CONTENT,
            _ => StatusCode::OK,
        }
    }

    /// The name used in declarations (`GetCollection`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Get => "Get",
            Self::GetCollection => "GetCollection",
            Self::Post => "Post",
            Self::Put => "Put",
            Self::Patch => "Patch",
            Self::Delete => "Delete",
        }
    }
}

named!(OperationKind, "declaration", "GetCollection");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in OperationKind::ALL {
            assert_eq!(OperationKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(OperationKind::from_name("get"), None);
        assert_eq!(
            OperationKind::names(),
            ["Get", "GetCollection", "Post", "Put", "Patch", "Delete"]
        );
    }

    #[test]
    fn predicates_follow_the_routes() {
        assert!(OperationKind::Get.is_item() && !OperationKind::GetCollection.is_item());
        assert!(OperationKind::Patch.has_body() && !OperationKind::Delete.has_body());
        assert!(OperationKind::Delete.is_write() && !OperationKind::Get.is_write());
        assert!(!OperationKind::Post.reads() && OperationKind::Delete.reads());
        assert_eq!(OperationKind::Post.default_status(), StatusCode::CREATED);
    }
}
