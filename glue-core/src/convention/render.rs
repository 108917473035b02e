//! What a convention writes documents with: the request's links, query and included
//! resources, and the pagination of a collection.

use std::cell::RefCell;
use std::sync::Arc;

use crate::include::{Included, Linkage};
use crate::links::{Links, Related, RelatedKey, RelatedRoute};
use crate::meta::{RelationshipMeta, ResourceMeta};
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
    /// Text written once per type and copied after, in documents of many items.
    pub(crate) fragments: Option<RefCell<Fragments>>,
    /// The related links of the type last written, with the convention's text around them.
    pub(crate) link_plan: RefCell<Option<LinkPlan>>,
}

/// How the related links of one resource type are written in one document: for each
/// relationship in the fieldset whose target has a route, the text up to the key (as the
/// first link of an item, and after another) and the text after it (alone, and followed by
/// what closes the links, for the last); and what closes them after another link.
#[derive(Debug)]
pub(crate) struct LinkPlan {
    meta: usize,
    links: Vec<PlannedLink>,
    /// Every text of the plan, one after the other; links name theirs by range.
    text: Vec<u8>,
    end: std::ops::Range<usize>,
}

#[derive(Debug)]
struct PlannedLink {
    /// Where the key comes from.
    key: RelatedKey,
    first: std::ops::Range<usize>,
    later: std::ops::Range<usize>,
    after: Piece<TAIL>,
    /// `after` then `end`: the last link of the plan closes the links with one copy.
    after_end: Piece<TAIL>,
}

/// The most a plan keeps whole of the text after a key (the rest of the route, closing
/// brackets).
const TAIL: usize = 16;

/// A text of a plan: one of at most `N` bytes is kept whole and written with one copy of a
/// known size, which the compiler writes without a call; a longer one is a range of the
/// plan's text.
#[derive(Debug)]
enum Piece<const N: usize> {
    Short { bytes: [u8; N], len: usize },
    Long(std::ops::Range<usize>),
}

impl<const N: usize> Piece<N> {
    fn new(text: &[u8], range: std::ops::Range<usize>) -> Self {
        let mut bytes = [0; N];
        match bytes.get_mut(..range.len()) {
            Some(short) => {
                short.copy_from_slice(&text[range.clone()]);
                Self::Short {
                    bytes,
                    len: range.len(),
                }
            }
            None => Self::Long(range),
        }
    }

    #[inline]
    fn write(&self, out: &mut Vec<u8>, text: &[u8]) {
        match self {
            Self::Short { bytes, len } => {
                // All `N` bytes are copied, then the length is set back to what counts.
                let end = out.len() + len;
                out.extend_from_slice(bytes);
                out.truncate(end);
            }
            Self::Long(range) => out.extend_from_slice(&text[range.clone()]),
        }
    }
}

/// What a convention writes around the related links of an item, for
/// [`RenderContext::write_related_links`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Around {
    /// Before a link (which starts with its opening quote): `first` when it is the item's
    /// first.
    Before {
        /// The relationship name.
        name: &'static str,
        /// Whether no link of the item came before.
        first: bool,
    },
    /// After a link (which ends with its closing quote).
    After {
        /// The relationship name.
        name: &'static str,
    },
    /// After the last link of an item, when there was one.
    End,
}

/// The fragments of one document (a document needs a few, each a line of text), by number.
/// A fragment beyond the first few is written each time instead.
#[derive(Debug)]
pub(crate) struct Fragments {
    kept: [(usize, Box<[u8]>); FRAGMENT_COUNT],
    count: usize,
}

const FRAGMENT_COUNT: usize = 8;

impl Fragments {
    pub(crate) fn new() -> Self {
        Self {
            kept: std::array::from_fn(|_| (0, Box::default())),
            count: 0,
        }
    }

    #[inline]
    fn get(&self, number: usize) -> Option<&[u8]> {
        self.kept[..self.count]
            .iter()
            .find(|(known, _)| *known == number)
            .map(|(_, text)| &**text)
    }

    #[cold]
    fn keep(&mut self, number: usize, fragment: &[u8]) {
        if let Some(slot) = self.kept.get_mut(self.count) {
            *slot = (number, fragment.into());
            self.count += 1;
        }
    }
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
    /// Appends fragment number `number`: text that is the same wherever a document writes
    /// that number, such as a relationship's opening with the start of its related link
    /// (numbered after [`Related::route_number`]). `build` writes it the first time; in a
    /// collection it is then copied instead of written again for each item. The numbers are
    /// the convention's to choose.
    #[inline]
    pub fn write_fragment(
        &self,
        out: &mut Vec<u8>,
        number: usize,
        build: impl FnOnce(&mut Vec<u8>),
    ) {
        let Some(fragments) = &self.fragments else {
            build(out);
            return;
        };
        if let Some(fragment) = fragments.borrow().get(number) {
            out.extend_from_slice(fragment);
            return;
        }
        // Not borrowed while `build` runs: it may write fragments of its own.
        let start = out.len();
        build(out);
        fragments.borrow_mut().keep(number, &out[start..]);
    }

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
    #[inline]
    pub fn relationships<'r>(&'r self, item: &'r dyn ResourceObject) -> Relationships<'r> {
        let meta = item.resource_meta();
        let fields = if meta.relationships.is_empty() {
            None
        } else {
            self.query.fields(meta.short_name)
        };
        Relationships {
            ctx: self,
            item,
            declared: meta.relationships,
            routes: self.links.related_routes(meta),
            fields,
            next: 0,
        }
    }

    /// Whether the document shows linkage (`include` was asked for). When it does not,
    /// every relationship an item shows is a related link, which
    /// [`write_related_links`](Self::write_related_links) writes.
    #[must_use]
    pub fn has_linkage(&self) -> bool {
        self.included.is_some()
    }

    /// Writes the related links of an item (SPEC §3.3) in a document without linkage: one
    /// for each relationship of its type in the sparse fieldset whose target has a route,
    /// when the key has a value, with the convention's text `around` each (see [`Around`]).
    /// The text is asked for once per type in a document; for each item only the keys are
    /// written between the copies. Answers how many links were written, or `None`, writing
    /// nothing, for a document of one item (the text would be asked for once anyway) and
    /// for a type whose related routes take more than the key: then
    /// [`relationships`](Self::relationships) serves.
    #[inline]
    pub fn write_related_links(
        &self,
        out: &mut Vec<u8>,
        item: &dyn ResourceObject,
        around: impl Fn(&mut Vec<u8>, Around),
    ) -> Option<usize> {
        let meta = item.resource_meta();
        if meta.relationships.is_empty() {
            return Some(0);
        }
        // A plan pays for itself over many items; one item takes the general way.
        self.fragments.as_ref()?;
        let address = std::ptr::from_ref(meta) as usize;
        let mut plan = self.link_plan.borrow_mut();
        if plan.as_ref().is_none_or(|plan| plan.meta != address) {
            *plan = Some(self.plan_links(meta, &around)?);
        }
        let plan = plan.as_ref()?;
        let text = plan.text.as_slice();
        if let [link] = plan.links.as_slice() {
            // Most types show one relationship: no bookkeeping between links.
            let mark = out.len();
            out.extend_from_slice(&text[link.first.clone()]);
            if !link.key.write(out, item) {
                out.truncate(mark);
                return Some(0);
            }
            link.after_end.write(out, text);
            return Some(1);
        }
        let last = plan.links.len().wrapping_sub(1);
        let mut written = 0;
        let mut ended = false;
        for (position, link) in plan.links.iter().enumerate() {
            let mark = out.len();
            let before = if written == 0 {
                &link.first
            } else {
                &link.later
            };
            out.extend_from_slice(&text[before.clone()]);
            if !link.key.write(out, item) {
                out.truncate(mark);
                continue;
            }
            ended = position == last;
            let after = if ended { &link.after_end } else { &link.after };
            after.write(out, text);
            written += 1;
        }
        if written > 0 && !ended {
            out.extend_from_slice(&text[plan.end.clone()]);
        }
        Some(written)
    }

    /// The plan of a type's related links, or `None` when a route takes more than the key.
    #[cold]
    fn plan_links(
        &self,
        meta: &ResourceMeta,
        around: &impl Fn(&mut Vec<u8>, Around),
    ) -> Option<LinkPlan> {
        let links = self.links;
        let fields = self.query.fields(meta.short_name);
        let routes = links.related_routes(meta);
        let mut planned = Vec::with_capacity(meta.relationships.len());
        let mut text = Vec::with_capacity(256);
        let add = |text: &mut Vec<u8>, write: &dyn Fn(&mut Vec<u8>)| {
            let start = text.len();
            write(text);
            start..text.len()
        };
        fn piece<const N: usize>(text: &mut Vec<u8>, write: &dyn Fn(&mut Vec<u8>)) -> Piece<N> {
            let start = text.len();
            write(text);
            Piece::new(text, start..text.len())
        }
        for (index, relationship) in meta.relationships.iter().enumerate() {
            if fields.is_some_and(|fields| !fields.iter().any(|field| field == relationship.name)) {
                continue;
            }
            let Some(route) = routes.get(index).and_then(Option::as_ref) else {
                continue;
            };
            let (head, rest) = links.route_text(route)?;
            let name = relationship.name;
            let before = |first: bool| {
                move |text: &mut Vec<u8>| {
                    around(text, Around::Before { name, first });
                    text.push(b'"');
                    text.extend_from_slice(links.base_json().as_bytes());
                    text.extend_from_slice(head.as_bytes());
                }
            };
            let after = |text: &mut Vec<u8>| {
                text.extend_from_slice(rest.as_bytes());
                around(text, Around::After { name });
            };
            planned.push(PlannedLink {
                key: route.key(),
                first: add(&mut text, &before(true)),
                later: add(&mut text, &before(false)),
                after: piece(&mut text, &after),
                after_end: piece(&mut text, &|text: &mut Vec<u8>| {
                    after(text);
                    around(text, Around::End);
                }),
            });
        }
        let end = add(&mut text, &|text: &mut Vec<u8>| around(text, Around::End));
        Some(LinkPlan {
            meta: std::ptr::from_ref(meta) as usize,
            links: planned,
            text,
            end,
        })
    }

    /// The included resources (compound documents), each once.
    #[must_use]
    pub fn included(&self) -> &[Arc<dyn ResourceObject>] {
        self.included.map_or(&[], Included::items)
    }
}

/// The relationships of an item that a document shows, from
/// [`RenderContext::relationships`].
pub struct Relationships<'r> {
    ctx: &'r RenderContext<'r>,
    item: &'r dyn ResourceObject,
    declared: &'static [RelationshipMeta],
    routes: &'r [Option<RelatedRoute>],
    fields: Option<&'r [String]>,
    next: usize,
}

impl std::fmt::Debug for Relationships<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relationships")
            .field("resource", &self.item.resource_meta().short_name)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl<'r> Iterator for Relationships<'r> {
    type Item = RelationshipView<'r>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        while let Some(relationship) = self.declared.get(self.next) {
            let index = self.next;
            self.next += 1;
            if self
                .fields
                .is_some_and(|fields| !fields.iter().any(|field| field == relationship.name))
            {
                continue;
            }
            let related = self
                .routes
                .get(index)
                .and_then(Option::as_ref)
                .and_then(|route| self.ctx.links.related(route, self.item));
            let linkage = self
                .ctx
                .included
                .and_then(|included| included.linkage(self.item, relationship.name));
            if related.is_some() || linkage.is_some() {
                return Some(RelationshipView {
                    name: relationship.name,
                    related,
                    linkage,
                });
            }
        }
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn context<'a>(links: &'a Links, query: &'a Query, repeated: bool) -> RenderContext<'a> {
        RenderContext {
            links,
            document_url: "",
            query,
            included: None,
            fragments: repeated.then(|| RefCell::new(Fragments::new())),
            link_plan: RefCell::default(),
        }
    }

    #[test]
    fn a_fragment_is_built_once_per_document_and_may_hold_others() {
        let links = Links::new("http://h".to_owned(), Arc::default());
        let query = Query::default();
        for (repeated, expected_builds) in [(true, 1), (false, 3)] {
            let ctx = context(&links, &query, repeated);
            let mut builds = 0;
            let mut out = Vec::new();
            for item in 0..3 {
                ctx.write_fragment(&mut out, 7, |out| {
                    builds += 1;
                    out.push(b'<');
                    ctx.write_fragment(out, 8, |out| out.extend_from_slice(b"inner"));
                    out.push(b'>');
                });
                out.extend_from_slice(item.to_string().as_bytes());
            }
            assert_eq!(out, b"<inner>0<inner>1<inner>2");
            assert_eq!(builds, expected_builds, "repeated: {repeated}");
        }
    }

    #[test]
    fn fragments_beyond_the_kept_ones_are_written_each_time() {
        let links = Links::new("http://h".to_owned(), Arc::default());
        let query = Query::default();
        let ctx = context(&links, &query, true);
        let mut builds = [0; FRAGMENT_COUNT + 3];
        let mut out = Vec::new();
        for _ in 0..2 {
            for (number, built) in builds.iter_mut().enumerate() {
                ctx.write_fragment(&mut out, number, |out| {
                    *built += 1;
                    out.extend_from_slice(format!("[{number}]").as_bytes());
                });
            }
        }
        let once: String = (0..FRAGMENT_COUNT + 3).map(|n| format!("[{n}]")).collect();
        assert_eq!(String::from_utf8_lossy(&out), once.repeat(2));
        let (kept, beyond) = builds.split_at(FRAGMENT_COUNT);
        assert!(kept.iter().all(|&count| count == 1), "{builds:?}");
        assert!(beyond.iter().all(|&count| count == 2), "{builds:?}");
    }

    #[test]
    fn pieces_write_their_text_whether_kept_whole_or_as_a_range() {
        let text = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for end in [0, 1, TAIL - 1, TAIL, TAIL + 1, text.len()] {
            let piece = Piece::<TAIL>::new(text, 3..end.max(3));
            assert_eq!(matches!(piece, Piece::Short { .. }), end.max(3) - 3 <= TAIL);
            let mut out = b"before:".to_vec();
            piece.write(&mut out, text);
            let mut expected = b"before:".to_vec();
            expected.extend_from_slice(&text[3..end.max(3)]);
            assert_eq!(out, expected, "up to {end}");
        }
    }
}
