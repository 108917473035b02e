//! Pagination: the settings of a collection, the page a client asked for, the page a provider
//! returns, and the trait that request forms implement (SPEC §5).
//!
//! The request forms themselves (`page[offset]`/`page[limit]`, `page`/`itemsPerPage`, ...)
//! live in `glue-pagination` and are registered on the application; the core only resolves
//! settings, calls the provider and turns its [`Paginated`] answer into links and meta.

use std::borrow::Cow;
use std::fmt;

use http::HeaderMap;

use crate::error::GlueError;
use crate::meta::PaginationMeta;
use glue_common::Scalar;

use crate::params::QueryParams;

/// Pagination settings of one collection: the resource's declaration over the application's
/// defaults (SPEC §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationSettings {
    /// Whether the collection is paginated.
    pub enabled: bool,
    /// The page size when the client asks for none.
    pub items_per_page: u64,
    /// The largest page size; larger requests are clamped to it.
    pub maximum_items_per_page: u64,
    /// Whether the client may send `pagination=false`.
    pub client_enabled: bool,
    /// Whether the client may choose the page size; when not, its size is ignored.
    pub client_items_per_page: bool,
    /// The request form links use when the client used none (`"offset"`, `"page"`); `None`
    /// lets the convention choose.
    pub form: Option<&'static str>,
}

impl Default for PaginationSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            items_per_page: 20,
            maximum_items_per_page: 100,
            client_enabled: false,
            client_items_per_page: true,
            form: None,
        }
    }
}

impl PaginationSettings {
    /// The settings of a resource: what it declares, else these.
    #[must_use]
    pub fn overridden_by(&self, declared: &PaginationMeta) -> Self {
        let maximum = declared
            .maximum_items_per_page
            .unwrap_or(self.maximum_items_per_page);
        // A declared maximum below the application's default page size lowers the default.
        let items_per_page = declared
            .items_per_page
            .unwrap_or_else(|| self.items_per_page.min(maximum))
            .max(1);
        Self {
            enabled: declared.enabled.unwrap_or(self.enabled),
            items_per_page,
            maximum_items_per_page: maximum.max(items_per_page),
            client_enabled: declared.client_enabled.unwrap_or(self.client_enabled),
            client_items_per_page: declared
                .client_items_per_page
                .unwrap_or(self.client_items_per_page),
            form: declared.form.or(self.form),
        }
    }

    /// The page size for a client's raw size parameter: the default when absent or when the
    /// client may not choose, clamped to the maximum.
    ///
    /// # Errors
    ///
    /// 400 with `source.parameter` when the value is not a positive integer.
    pub fn page_size(&self, raw: Option<&str>, parameter: &str) -> Result<u64, GlueError> {
        match raw {
            Some(raw) if self.client_items_per_page => {
                Ok(parse_positive(raw, parameter)?.min(self.maximum_items_per_page))
            }
            _ => Ok(self.items_per_page),
        }
    }
}

/// The largest page, size, offset or range bound a client may send (SPEC §13.1): what a
/// double holds exactly, so every client computes with it as sent, and every product with
/// a page size stays far from overflow.
pub const MAX_PAGE_NUMBER: u64 = 1 << 53;

/// Reads a run of decimal digits of at most [`MAX_PAGE_NUMBER`].
#[must_use]
pub fn parse_digits(raw: &str) -> Option<u64> {
    let digits = raw.trim();
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()
        .filter(|value| *value <= MAX_PAGE_NUMBER)
}

/// Parses a page number or size: a positive integer.
///
/// # Errors
///
/// 400 with `source.parameter` for anything else (SPEC §5.4).
pub fn parse_positive(raw: &str, parameter: &str) -> Result<u64, GlueError> {
    match parse_digits(raw) {
        Some(value) if value > 0 => Ok(value),
        _ => Err(GlueError::invalid_parameter(
            parameter,
            format!(
                "{parameter} must be a positive integer of at most {MAX_PAGE_NUMBER}, got \"{raw}\"."
            ),
        )),
    }
}

/// Parses an offset: a non-negative integer.
///
/// # Errors
///
/// 400 with `source.parameter` for anything else (SPEC §5.4).
pub fn parse_non_negative(raw: &str, parameter: &str) -> Result<u64, GlueError> {
    parse_digits(raw).ok_or_else(|| {
        GlueError::invalid_parameter(
            parameter,
            format!(
                "{parameter} must be a non-negative integer of at most {MAX_PAGE_NUMBER}, got \"{raw}\"."
            ),
        )
    })
}

/// Which way a cursor points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The items after the cursor (`page[after]`).
    After,
    /// The items before the cursor (`page[before]`).
    Before,
}

/// A position in a sorted collection (SPEC §5.2, cursor form): the values of the sort keys,
/// then of the tie-breaker, of the item next to which the page starts. Clients see it as an
/// opaque token; it holds the sort it was made for, so it cannot be replayed under another.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    direction: Direction,
    values: Vec<Scalar<'static>>,
}

impl Cursor {
    /// A cursor at these key values.
    #[must_use]
    pub fn new(direction: Direction, values: Vec<Scalar<'static>>) -> Self {
        Self { direction, values }
    }

    /// Which way the page goes from the cursor.
    #[must_use]
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The values of the sort keys and the tie-breaker, in order, as the token carried them
    /// (type them with [`ValueKind::coerce`](crate::query::ValueKind::coerce)).
    #[must_use]
    pub fn values(&self) -> &[Scalar<'static>] {
        &self.values
    }

    /// The opaque token of a position under a sort (`sort` as the client wrote it): the
    /// sort and the values as a JSON array, in base64url.
    #[must_use]
    pub fn encode(values: &[Scalar<'_>], sort: &str) -> String {
        use base64::Engine;
        struct Document<'a, 'v> {
            sort: &'a str,
            values: &'a [Scalar<'v>],
        }
        impl serde::Serialize for Document<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut seq = serializer.serialize_seq(Some(self.values.len() + 1))?;
                seq.serialize_element(self.sort)?;
                for value in self.values {
                    seq.serialize_element(value)?;
                }
                seq.end()
            }
        }
        let json = serde_json::to_vec(&Document { sort, values }).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a token made under `sort`.
    ///
    /// # Errors
    ///
    /// When the token is not one or was made under another sort; the message is for a 400.
    pub fn decode(token: &str, direction: Direction, sort: &str) -> Result<Self, String> {
        use base64::Engine;
        let invalid = || "is not a cursor this API gave out".to_owned();
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| invalid())?;
        let mut document: Vec<Scalar<'static>> =
            serde_json::from_slice(&json).map_err(|_| invalid())?;
        if document.is_empty() {
            return Err(invalid());
        }
        let made_for = document.remove(0);
        if made_for.as_str() != Some(sort) {
            return Err("was made for another sort; start again from the first page".to_owned());
        }
        if document.is_empty() {
            return Err(invalid());
        }
        Ok(Self {
            direction,
            values: document,
        })
    }
}

/// How a page is addressed.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// By offset (offset, page-number and `Range` forms).
    Offset,
    /// By position in the sort (cursor form); `None` on the first page.
    Keyset(Option<Cursor>),
}

/// The window of a collection a client asked for: `limit` items from `offset` (page
/// `number` of pages of `limit` items), or `limit` items next to a cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    /// How many items to skip (0 for cursor pages).
    pub offset: u64,
    /// How many items to return at most.
    pub limit: u64,
    number: u64,
    mode: Mode,
}

impl PageRequest {
    /// A window of `limit` items from `offset`.
    #[must_use]
    pub const fn new(offset: u64, limit: u64) -> Self {
        let limit = if limit == 0 { 1 } else { limit };
        Self {
            offset,
            limit,
            number: offset / limit + 1,
            mode: Mode::Offset,
        }
    }

    /// The window of page `number` (1-based) of `size` items. Page numbers whose offset does
    /// not fit in `u64` keep their number (they are past any end).
    #[must_use]
    pub const fn page(number: u64, size: u64) -> Self {
        let size = if size == 0 { 1 } else { size };
        let number = if number == 0 { 1 } else { number };
        Self {
            offset: (number - 1).saturating_mul(size),
            limit: size,
            number,
            mode: Mode::Offset,
        }
    }

    /// A cursor page: `size` items next to `cursor`, or the first `size` items.
    #[must_use]
    pub fn keyset(size: u64, cursor: Option<Cursor>) -> Self {
        Self {
            offset: 0,
            limit: size.max(1),
            number: 1,
            mode: Mode::Keyset(cursor),
        }
    }

    /// Whether the page is addressed by cursor (keyset pagination).
    #[must_use]
    pub fn is_keyset(&self) -> bool {
        matches!(self.mode, Mode::Keyset(_))
    }

    /// The cursor of a keyset page after the first.
    #[must_use]
    pub fn cursor(&self) -> Option<&Cursor> {
        match &self.mode {
            Mode::Keyset(cursor) => cursor.as_ref(),
            Mode::Offset => None,
        }
    }

    /// The 1-based page number this window falls on (1 for cursor pages).
    #[must_use]
    pub const fn page_number(&self) -> u64 {
        self.number
    }

    /// The first page of the same size (and mode).
    #[must_use]
    pub fn first(&self) -> Self {
        match self.mode {
            Mode::Offset => Self::page(1, self.limit),
            Mode::Keyset(_) => Self::keyset(self.limit, None),
        }
    }

    /// The offset window before this one, or `None` on the first page.
    #[must_use]
    pub fn previous(&self) -> Option<Self> {
        if self.offset == 0 || self.is_keyset() {
            return None;
        }
        Some(Self {
            offset: self.offset.saturating_sub(self.limit),
            limit: self.limit,
            number: if self.number > 1 { self.number - 1 } else { 1 },
            mode: Mode::Offset,
        })
    }

    /// The offset window after this one.
    #[must_use]
    pub fn next(&self) -> Self {
        Self {
            offset: self.offset.saturating_add(self.limit),
            limit: self.limit,
            number: self.number.saturating_add(1),
            mode: Mode::Offset,
        }
    }

    /// The offset as `usize`, for slicing in memory.
    #[must_use]
    pub fn offset_usize(&self) -> usize {
        usize::try_from(self.offset).unwrap_or(usize::MAX)
    }

    /// The limit as `usize`, for slicing in memory.
    #[must_use]
    pub fn limit_usize(&self) -> usize {
        usize::try_from(self.limit).unwrap_or(usize::MAX)
    }
}

/// What the provider knows about the size of the whole collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// The collection holds this many items.
    Known(u64),
    /// Counting is too costly; the provider only says whether more items follow.
    Partial {
        /// Whether items follow this page.
        has_more: bool,
    },
    /// The provider ignored pagination and returned every item; the framework pages it.
    Unpaginated,
}

/// The page type providers return (SPEC §5.5): the items and, when known, the total.
///
/// ```
/// use glue_core::Paginated;
///
/// // A provider that counted:
/// let page = Paginated::new(vec!["a", "b"], 55);
/// assert_eq!(page.total(), Some(55));
///
/// // A provider that cannot count cheaply fetched one item more than asked:
/// let page = Paginated::partial(vec!["a", "b"], true);
/// assert_eq!(page.total(), None);
///
/// // A provider that ignores pagination: the framework pages the list in memory.
/// let page: Paginated<&str> = vec!["a", "b", "c"].into();
/// assert_eq!(page.items().len(), 3);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Paginated<R> {
    items: Vec<R>,
    total: Total,
}

impl<R> Paginated<R> {
    /// One page of items out of `total`.
    #[must_use]
    pub fn new(items: Vec<R>, total: u64) -> Self {
        Self {
            items,
            total: Total::Known(total),
        }
    }

    /// One page of items of a collection whose size is not known; `has_more` says whether
    /// another page follows.
    #[must_use]
    pub fn partial(items: Vec<R>, has_more: bool) -> Self {
        Self {
            items,
            total: Total::Partial { has_more },
        }
    }

    /// The whole collection; the framework pages it in memory.
    #[must_use]
    pub fn unpaginated(items: Vec<R>) -> Self {
        Self {
            items,
            total: Total::Unpaginated,
        }
    }

    /// The items.
    #[must_use]
    pub fn items(&self) -> &[R] {
        &self.items
    }

    /// The items, by value.
    #[must_use]
    pub fn into_items(self) -> Vec<R> {
        self.items
    }

    /// The size of the whole collection, when known.
    #[must_use]
    pub fn total(&self) -> Option<u64> {
        match self.total {
            Total::Known(total) => Some(total),
            Total::Partial { .. } => None,
            Total::Unpaginated => u64::try_from(self.items.len()).ok(),
        }
    }

    /// What the provider said about the total.
    #[must_use]
    pub fn total_kind(&self) -> Total {
        self.total
    }

    /// Splits into the items and the total.
    #[must_use]
    pub fn into_parts(self) -> (Vec<R>, Total) {
        (self.items, self.total)
    }
}

impl<R> From<Vec<R>> for Paginated<R> {
    fn from(items: Vec<R>) -> Self {
        Self::unpaginated(items)
    }
}

impl<R> fmt::Debug for Paginated<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginated")
            .field("items", &self.items.len())
            .field("total", &self.total)
            .finish()
    }
}

/// What a pagination strategy sees of the request.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    /// The decoded query parameters.
    pub query: &'a QueryParams,
    /// The request headers (for the `Range` form).
    pub headers: &'a HeaderMap,
    /// The resource type (`customers`).
    pub resource_type: &'a str,
}

/// A page as answered, for [`PaginationStrategy::finish`].
#[derive(Debug, Clone, Copy)]
pub struct PageOutcome<'a> {
    /// The page asked for.
    pub request: &'a PageRequest,
    /// How many items the page holds.
    pub records: u64,
    /// The size of the whole collection, when known.
    pub total: Option<u64>,
    /// The resource type (`customers`).
    pub resource_type: &'a str,
}

/// A request form of pagination (`page[offset]`/`page[limit]`, `page`/`itemsPerPage`...).
///
/// The application asks each registered strategy, in order, whether the request uses its
/// form; the first that recognises it decides the page, and links are written in its form.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pagination strategy",
    note = "the strategies of `glue_pagination` implement this trait"
)]
pub trait PaginationStrategy: Send + Sync + 'static {
    /// The form's name, as resources and applications name it in their settings
    /// (`"offset"`, `"page"`).
    fn name(&self) -> &'static str;

    /// The page the request asks for in this form, or `None` when it does not use the form.
    ///
    /// # Errors
    ///
    /// 400 with `source.parameter` when the request uses the form with invalid values.
    fn parse(
        &self,
        input: &PageInput<'_>,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError>;

    /// Whether a query parameter belongs to this form (it is replaced in links).
    fn owns(&self, key: &str) -> bool;

    /// Whether links can be written in this form; a form carried in a header (`Range`) cannot,
    /// and its links use the resource's configured form.
    fn in_links(&self) -> bool {
        true
    }

    /// Whether this form answers 206 Partial Content (and 416 past the end), as the `Range`
    /// form does, for the OpenAPI document.
    fn partial_content(&self) -> bool {
        false
    }

    /// Adjusts the answer once the page is known (the `Range` form answers 206 with
    /// `Content-Range`), or refuses it (416): returns the status to answer with, if not the
    /// usual one.
    ///
    /// # Errors
    ///
    /// The error to answer with instead of the page.
    fn finish(
        &self,
        outcome: &PageOutcome<'_>,
        headers: &mut HeaderMap,
    ) -> Result<Option<http::StatusCode>, GlueError> {
        let _ = (outcome, headers);
        Ok(None)
    }

    /// The query parameters of a link to `target` in this form; `input` is the request, so a
    /// form can keep the parameter names the client chose.
    fn link_params(
        &self,
        target: &PageRequest,
        input: &PageInput<'_>,
        out: &mut Vec<(Cow<'static, str>, String)>,
    );

    /// The query parameters and headers of this form, as OpenAPI parameter objects, for a
    /// collection of `resource_type` with these settings (SPEC §10.1).
    fn parameters(
        &self,
        settings: &PaginationSettings,
        resource_type: &str,
    ) -> Vec<serde_json::Value> {
        let _ = (settings, resource_type);
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_settings_override_defaults() {
        let declared = PaginationMeta {
            items_per_page: Some(10),
            client_enabled: Some(true),
            ..PaginationMeta::DEFAULT
        };
        let settings = PaginationSettings::default().overridden_by(&declared);
        assert_eq!(settings.items_per_page, 10);
        assert_eq!(settings.maximum_items_per_page, 100);
        assert!(settings.client_enabled);

        let lower = PaginationMeta {
            maximum_items_per_page: Some(5),
            ..PaginationMeta::DEFAULT
        };
        let settings = PaginationSettings::default().overridden_by(&lower);
        assert_eq!(
            (settings.items_per_page, settings.maximum_items_per_page),
            (5, 5)
        );
    }

    #[test]
    fn page_size_is_clamped_and_validated() {
        let settings = PaginationSettings::default();
        assert_eq!(settings.page_size(None, "page[limit]").unwrap(), 20);
        assert_eq!(settings.page_size(Some("5"), "page[limit]").unwrap(), 5);
        assert_eq!(settings.page_size(Some("500"), "page[limit]").unwrap(), 100);
        for bad in ["0", "-1", "abc", ""] {
            let error = settings.page_size(Some(bad), "page[limit]").unwrap_err();
            assert_eq!(error.status(), http::StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn size_is_ignored_when_the_client_may_not_choose() {
        let settings = PaginationSettings {
            client_items_per_page: false,
            ..PaginationSettings::default()
        };
        assert_eq!(settings.page_size(Some("5"), "page[limit]").unwrap(), 20);
        assert_eq!(settings.page_size(Some("abc"), "page[limit]").unwrap(), 20);
    }

    #[test]
    fn page_numbers_map_to_offsets() {
        assert_eq!(PageRequest::page(3, 10), PageRequest::new(20, 10));
        assert_eq!(PageRequest::new(20, 10).page_number(), 3);
        assert_eq!(PageRequest::new(25, 10).page_number(), 3);
        assert_eq!(
            PageRequest::new(25, 10).previous(),
            Some(PageRequest::new(15, 10))
        );
        assert_eq!(PageRequest::new(0, 10).previous(), None);
    }

    #[test]
    fn numbers_beyond_two_to_the_53_are_refused_and_arithmetic_saturates() {
        assert!(parse_positive("100000000000000000000000", "p").is_err());
        assert!(parse_non_negative("18446744073709551615", "p").is_err());
        assert!(parse_non_negative("9007199254740993", "p").is_err());
        assert_eq!(
            parse_non_negative("9007199254740992", "p").unwrap(),
            MAX_PAGE_NUMBER
        );
        assert_eq!(parse_non_negative("+7", "p").unwrap(), 7);
        assert!(parse_positive("-1", "p").is_err());
        assert!(parse_positive("1e3", "p").is_err());
        let last = PageRequest::page(u64::MAX, 10);
        assert_eq!(last.page_number(), u64::MAX);
        assert_eq!(last.previous().unwrap().page_number(), u64::MAX - 1);
        assert_eq!(last.next().page_number(), u64::MAX);
    }
}
