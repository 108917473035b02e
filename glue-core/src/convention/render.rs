//! What a convention writes documents with: the request's links, query and included
//! resources, and the pagination of a collection.

use std::sync::Arc;

use crate::include::{Included, Linkage};
use crate::links::{Links, Related};
use crate::query::Query;
use crate::resource::{PropertyWriter, ResourceObject};

/// What a convention needs besides the items: absolute URLs, the request's query (sparse
/// fieldsets) and the included resources.
#[derive(Debug)]
pub struct RenderContext<'a> {
    pub(crate) links: &'a Links,
    pub(crate) document_url: &'a str,
    pub(crate) query: &'a Query,
    pub(crate) included: Option<&'a Included>,
}

/// One relationship of an item, as a document shows it.
#[derive(Debug)]
pub struct RelationshipView<'r> {
    /// The relationship name.
    pub name: &'static str,
    /// The link to the related resources, when the target has a route for them.
    pub related: Option<Related<'r>>,
    /// The linkage, when the relationship was included.
    pub linkage: Option<&'r Linkage>,
}

impl RenderContext<'_> {
    /// The absolute URL of the document (`links.self`).
    #[must_use]
    pub fn document_url(&self) -> &str {
        self.document_url
    }

    /// The absolute URL of an item, when its resource declares a Get operation.
    #[must_use]
    pub fn item_url(&self, item: &dyn ResourceObject) -> Option<String> {
        self.links.item_url(item)
    }

    /// Writes the absolute URL of an item as a JSON string, straight into `out`; writes
    /// nothing and answers `false` when its resource declares no Get operation.
    pub fn write_item_url(&self, item: &dyn ResourceObject, out: &mut Vec<u8>) -> bool {
        self.links.write_item_url_json(item, out)
    }

    /// Writes an item's readable properties as members of an open JSON object, with or
    /// without the identifier among them.
    ///
    /// # Errors
    ///
    /// Fails when a property cannot be serialized.
    pub fn write_properties(
        &self,
        out: &mut Vec<u8>,
        item: &dyn ResourceObject,
        with_identifier: bool,
    ) -> Result<usize, serde_json::Error> {
        let fields = self.query.fields(item.resource_meta().short_name);
        let mut writer = PropertyWriter::new(out, with_identifier, fields);
        item.write_resource_properties(&mut writer)?;
        Ok(writer.written())
    }

    /// The relationships of an item that the document shows: those in its type's sparse
    /// fieldset (all when there is none) that have a related link or were included.
    pub fn relationships<'r>(
        &'r self,
        item: &'r dyn ResourceObject,
    ) -> impl Iterator<Item = RelationshipView<'r>> + 'r {
        let meta = item.resource_meta();
        let fields = if meta.relationships.is_empty() {
            None
        } else {
            self.query.fields(meta.short_name)
        };
        meta.relationships
            .iter()
            .enumerate()
            .filter(move |(_, relationship)| {
                fields.is_none_or(|fields| fields.iter().any(|f| f == relationship.name))
            })
            .filter_map(move |(index, relationship)| {
                let related = self.links.related(item, index);
                let linkage = self
                    .included
                    .and_then(|included| included.linkage(item, relationship.name));
                (related.is_some() || linkage.is_some()).then_some(RelationshipView {
                    name: relationship.name,
                    related,
                    linkage,
                })
            })
    }

    /// The included resources (compound documents), each once.
    #[must_use]
    pub fn included(&self) -> &[Arc<dyn ResourceObject>] {
        self.included.map_or(&[], Included::items)
    }
}

/// Pagination of a collection document: links and meta (SPEC §3.2, §4.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageInfo {
    /// Whether the collection was paginated; when not, only `records` (and `self`) apply.
    pub paginated: bool,
    /// The 1-based page number; `None` for cursor pages.
    pub page: Option<u64>,
    /// How many pages there are, when the total is known.
    pub pages: Option<u64>,
    /// How many items this page holds.
    pub records: u64,
    /// The page size.
    pub records_per_page: u64,
    /// The size of the whole collection, when known.
    pub records_total: Option<u64>,
    /// The first page.
    pub first: Option<String>,
    /// The previous page; absent on the first.
    pub prev: Option<String>,
    /// The next page; absent on the last.
    pub next: Option<String>,
    /// The last page, when the total is known.
    pub last: Option<String>,
}

impl PageInfo {
    /// A collection answered whole (not paginated), of `records` items.
    #[must_use]
    pub fn whole(records: u64) -> Self {
        Self {
            paginated: false,
            page: Some(1),
            pages: Some(1),
            records,
            records_per_page: records,
            records_total: Some(records),
            ..Self::default()
        }
    }
}
