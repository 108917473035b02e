//! Pagination request forms for Glue (SPEC §5).
//!
//! Every paginated collection of an application accepts each registered form, and its links
//! are written in the form the client used:
//!
//! | form | request | strategy |
//! |---|---|---|
//! | offset (Glue storefront) | `page[offset]=20&page[limit]=10` | [`OffsetPagination`] |
//! | page number (API Platform) | `page=3&itemsPerPage=10` (`limit` is a synonym) | [`PageNumberPagination`] |
//! | cursor | `page[size]=10&page[after]=<cursor>`, `page[before]=<cursor>` | [`CursorPagination`] |
//! | header | `Range: customers=0-9` (206, `Content-Range`, 416) | [`RangePagination`] |
//!
//! Sizes above the maximum are clamped; non-numeric, negative or zero sizes and pages are
//! answered with 400 naming the parameter; a size the client may not choose is ignored.
//!
//! # Example
//!
//! ```
//! use glue_core::{Application, PlainJson};
//! use glue_pagination::PaginationExt;
//!
//! let router = Application::backend()
//!     .convention(PlainJson::new())
//!     .standard_pagination()
//!     .build();
//! # let _ = router;
//! ```
//!
//! Providers receive the page as `ctx.page()` and answer with [`Paginated`]: with the total
//! ([`Paginated::new`]), without it ([`Paginated::partial`]), or the whole list for the
//! framework to page (`Vec<R>` converts).

use std::borrow::Cow;

use glue_core::convention::schema::parameter;
use glue_core::http::header::{ACCEPT_RANGES, CONTENT_RANGE, HeaderValue, RANGE};
use glue_core::http::{HeaderMap, StatusCode};
use glue_core::pagination::PaginationSettings;
use glue_core::pagination::{
    Cursor, Direction, PageInput, PageOutcome, PaginationStrategy, parse_non_negative,
    parse_positive,
};
use glue_core::{Application, GlueError, PageRequest};
use serde_json::{Value, json};

pub use glue_core::Paginated;
pub use glue_core::pagination::PaginationSettings as Settings;
pub use glue_core::pagination::Total;

/// `page[offset]=20&page[limit]=10`: either may be sent alone; the offset defaults to 0 and
/// the limit to the resource's page size.
#[derive(Debug, Clone, Copy, Default)]
pub struct OffsetPagination;

/// A page size parameter: at least 1, larger sizes clamped to the maximum.
fn size_parameter(name: &str, settings: &PaginationSettings) -> Value {
    let description = if settings.client_items_per_page {
        format!(
            "Items per page: {} unless asked, at most {} (larger sizes are clamped).",
            settings.items_per_page, settings.maximum_items_per_page
        )
    } else {
        format!(
            "Items per page: always {}; a size sent is ignored.",
            settings.items_per_page
        )
    };
    // A size the client may not choose is ignored whatever it is (SPEC §5.1): any value.
    let schema = if settings.client_items_per_page {
        json!({"type": "integer", "minimum": 1})
    } else {
        json!({})
    };
    parameter(name, "query", &description, schema)
}

/// The offset parameter.
pub const OFFSET: &str = "page[offset]";
/// The limit parameter.
pub const LIMIT: &str = "page[limit]";

impl PaginationStrategy for OffsetPagination {
    fn name(&self) -> &'static str {
        "offset"
    }

    fn parse(
        &self,
        input: &PageInput<'_>,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError> {
        let offset = input.query.get(OFFSET);
        let limit = input.query.get(LIMIT);
        if offset.is_none() && limit.is_none() {
            return Ok(None);
        }
        let limit = settings.page_size(limit, LIMIT)?;
        let offset = offset
            .map(|raw| parse_non_negative(raw, OFFSET))
            .transpose()?
            .unwrap_or(0);
        Ok(Some(PageRequest::new(offset, limit)))
    }

    fn owns(&self, key: &str) -> bool {
        key == OFFSET || key == LIMIT
    }

    fn parameters(&self, settings: &PaginationSettings, _resource_type: &str) -> Vec<Value> {
        vec![
            parameter(
                OFFSET,
                "query",
                "How many items to skip (offset pages).",
                json!({"type": "integer", "minimum": 0}),
            ),
            size_parameter(LIMIT, settings),
        ]
    }

    fn link_params(
        &self,
        target: &PageRequest,
        _input: &PageInput<'_>,
        out: &mut Vec<(Cow<'static, str>, String)>,
    ) {
        out.push((Cow::Borrowed(OFFSET), target.offset.to_string()));
        out.push((Cow::Borrowed(LIMIT), target.limit.to_string()));
    }
}

/// `page=3&itemsPerPage=10` (or `limit=10`): 1-based pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageNumberPagination;

/// The page parameter.
pub const PAGE: &str = "page";
/// The page size parameter.
pub const ITEMS_PER_PAGE: &str = "itemsPerPage";
/// The synonym of [`ITEMS_PER_PAGE`].
pub const PAGE_SIZE_SYNONYM: &str = "limit";

impl PaginationStrategy for PageNumberPagination {
    fn name(&self) -> &'static str {
        "page"
    }

    fn parse(
        &self,
        input: &PageInput<'_>,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError> {
        let page = input.query.get(PAGE);
        let size = match input.query.get(ITEMS_PER_PAGE) {
            Some(raw) => Some((raw, ITEMS_PER_PAGE)),
            None => input
                .query
                .get(PAGE_SIZE_SYNONYM)
                .map(|raw| (raw, PAGE_SIZE_SYNONYM)),
        };
        if page.is_none() && size.is_none() {
            return Ok(None);
        }
        let size = match size {
            Some((raw, name)) => settings.page_size(Some(raw), name)?,
            None => settings.items_per_page,
        };
        let page = page
            .map(|raw| parse_positive(raw, PAGE))
            .transpose()?
            .unwrap_or(1);
        Ok(Some(PageRequest::page(page, size)))
    }

    fn owns(&self, key: &str) -> bool {
        key == PAGE || key == ITEMS_PER_PAGE || key == PAGE_SIZE_SYNONYM
    }

    fn parameters(&self, settings: &PaginationSettings, _resource_type: &str) -> Vec<Value> {
        vec![
            parameter(
                PAGE,
                "query",
                "The page number, from 1 (numbered pages).",
                json!({"type": "integer", "minimum": 1}),
            ),
            size_parameter(ITEMS_PER_PAGE, settings),
            size_parameter(PAGE_SIZE_SYNONYM, settings),
        ]
    }

    /// `page=N`, and the size in effect under the name the client used (none when the
    /// client chose no size).
    fn link_params(
        &self,
        target: &PageRequest,
        input: &PageInput<'_>,
        out: &mut Vec<(Cow<'static, str>, String)>,
    ) {
        out.push((Cow::Borrowed(PAGE), target.page_number().to_string()));
        let size_name = if input.query.contains(ITEMS_PER_PAGE) {
            Some(ITEMS_PER_PAGE)
        } else if input.query.contains(PAGE_SIZE_SYNONYM) {
            Some(PAGE_SIZE_SYNONYM)
        } else {
            None
        };
        if let Some(name) = size_name {
            out.push((Cow::Borrowed(name), target.limit.to_string()));
        }
    }
}

/// `Range: customers=0-9` (0-based, inclusive, any start): answered with 206 and
/// `Content-Range: customers 0-9/55` (and `Accept-Ranges: customers`) when the page is not the
/// whole collection, 200 when it is, 416 with `Content-Range: customers */55` when it starts
/// at or past the end. A malformed range, or one in another unit, is ignored (RFC 9110). Links
/// cannot carry a header: they use the resource's configured form.
#[derive(Debug, Clone, Copy, Default)]
pub struct RangePagination;

impl RangePagination {
    /// `<unit>=<first>-<last>` for this resource type; `None` when malformed or in another
    /// unit.
    fn read(headers: &HeaderMap, resource_type: &str) -> Option<(u64, u64)> {
        let text = headers.get(RANGE)?.to_str().ok()?;
        let (unit, range) = text.trim().split_once('=')?;
        if !unit.trim().eq_ignore_ascii_case(resource_type) {
            return None;
        }
        let (first, last) = range.trim().split_once('-')?;
        // Bounds beyond 2^53 make the header malformed: ignored (SPEC §13.1).
        let digits = |text: &str| {
            let text = text.trim();
            (!text.starts_with('+'))
                .then(|| glue_core::pagination::parse_digits(text))
                .flatten()
        };
        let (first, last) = (digits(first)?, digits(last)?);
        (first <= last).then_some((first, last))
    }
}

impl PaginationStrategy for RangePagination {
    fn name(&self) -> &'static str {
        "range"
    }

    fn partial_content(&self) -> bool {
        true
    }

    fn parse(
        &self,
        input: &PageInput<'_>,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError> {
        let Some((first, last)) = Self::read(input.headers, input.resource_type) else {
            return Ok(None);
        };
        let size = (last - first).saturating_add(1);
        let size = if settings.client_items_per_page {
            size.min(settings.maximum_items_per_page)
        } else {
            settings.items_per_page
        };
        Ok(Some(PageRequest::new(first, size)))
    }

    fn owns(&self, _key: &str) -> bool {
        false
    }

    fn parameters(&self, _settings: &PaginationSettings, resource_type: &str) -> Vec<Value> {
        vec![parameter(
            "Range",
            "header",
            &format!(
                "Items by position, 0-based and inclusive: `{resource_type}=0-9` (206 Partial \
                 Content); a malformed range is ignored."
            ),
            json!({"type": "string"}),
        )]
    }

    fn in_links(&self) -> bool {
        false
    }

    fn link_params(
        &self,
        _target: &PageRequest,
        _input: &PageInput<'_>,
        _out: &mut Vec<(Cow<'static, str>, String)>,
    ) {
    }

    fn finish(
        &self,
        outcome: &PageOutcome<'_>,
        headers: &mut HeaderMap,
    ) -> Result<Option<StatusCode>, GlueError> {
        let unit = outcome.resource_type;
        let total = outcome
            .total
            .map_or_else(|| "*".to_owned(), |total| total.to_string());
        let value = |text: String| HeaderValue::from_str(&text).ok();
        let offset = outcome.request.offset;
        if outcome.total.is_some_and(|total| offset >= total) {
            let mut error = GlueError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                format!("The range starts at {offset}, past the {total} {unit}."),
            )
            .with_source(glue_core::ErrorSource::Header("Range".to_owned()));
            if let Some(range) = value(format!("{unit} */{total}")) {
                error = error.with_header(CONTENT_RANGE, range);
            }
            return Err(error);
        }
        if let Some(accept) = value(unit.to_owned()) {
            headers.insert(ACCEPT_RANGES, accept);
        }
        let whole = offset == 0 && outcome.total == Some(outcome.records);
        if whole {
            return Ok(None);
        }
        let last = offset + outcome.records.saturating_sub(1);
        if let Some(range) = value(format!("{unit} {offset}-{last}/{total}")) {
            headers.insert(CONTENT_RANGE, range);
        }
        Ok(Some(StatusCode::PARTIAL_CONTENT))
    }
}

/// `page[size]=10&page[after]=<cursor>` / `page[before]=<cursor>`: keyset pagination, stable
/// under inserts. Cursors are opaque tokens holding the position (the values of the sort keys
/// and the tie-breaker) under the sort they were made for. There is no total: links offer the
/// first page, and the next and previous pages when they exist.
#[derive(Debug, Clone, Copy, Default)]
pub struct CursorPagination;

/// The cursor page size parameter.
pub const SIZE: &str = "page[size]";
/// The parameter of the page after a cursor.
pub const AFTER: &str = "page[after]";
/// The parameter of the page before a cursor.
pub const BEFORE: &str = "page[before]";

impl PaginationStrategy for CursorPagination {
    fn name(&self) -> &'static str {
        "cursor"
    }

    fn parse(
        &self,
        input: &PageInput<'_>,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError> {
        let size = input.query.get(SIZE);
        let after = input.query.get(AFTER);
        let before = input.query.get(BEFORE);
        if size.is_none() && after.is_none() && before.is_none() {
            return Ok(None);
        }
        let size = settings.page_size(size, SIZE)?;
        let sort = input.query.get("sort").unwrap_or_default().trim();
        let cursor = match (after, before) {
            (Some(_), Some(_)) => {
                return Err(GlueError::invalid_parameter(
                    BEFORE,
                    "page[after] and page[before] cannot be combined.",
                ));
            }
            (Some(token), None) => Some((token, Direction::After, AFTER)),
            (None, Some(token)) => Some((token, Direction::Before, BEFORE)),
            (None, None) => None,
        };
        let cursor = match cursor {
            Some((token, direction, parameter)) => {
                Some(Cursor::decode(token, direction, sort).map_err(|message| {
                    GlueError::invalid_parameter(parameter, format!("{parameter} {message}."))
                })?)
            }
            None => None,
        };
        Ok(Some(PageRequest::keyset(size, cursor)))
    }

    fn owns(&self, key: &str) -> bool {
        key == SIZE || key == AFTER || key == BEFORE
    }

    fn parameters(&self, settings: &PaginationSettings, _resource_type: &str) -> Vec<Value> {
        // Cursors are opaque to clients, but never empty and always base64url.
        let cursor = |name: &str, description: &str| {
            parameter(
                name,
                "query",
                description,
                json!({"type": "string", "minLength": 1, "pattern": "^[A-Za-z0-9_-]+$"}),
            )
        };
        vec![
            size_parameter(SIZE, settings),
            cursor(AFTER, "The page after this cursor (from `links.next`)."),
            cursor(BEFORE, "The page before this cursor (from `links.prev`)."),
        ]
    }

    fn link_params(
        &self,
        target: &PageRequest,
        input: &PageInput<'_>,
        out: &mut Vec<(Cow<'static, str>, String)>,
    ) {
        out.push((Cow::Borrowed(SIZE), target.limit.to_string()));
        if let Some(cursor) = target.cursor() {
            let sort = input.query.get("sort").unwrap_or_default().trim();
            let parameter = match cursor.direction() {
                Direction::After => AFTER,
                Direction::Before => BEFORE,
            };
            out.push((
                Cow::Borrowed(parameter),
                Cursor::encode(cursor.values(), sort),
            ));
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for glue_core::Application {}
}

/// Registers this crate's strategies on an application.
pub trait PaginationExt: sealed::Sealed + Sized {
    /// Accepts every form: offset, page number, cursor and the `Range` header (query forms
    /// first: a request that uses one and also sends `Range` is paged by the query).
    #[must_use]
    fn standard_pagination(self) -> Self;
}

impl PaginationExt for Application {
    fn standard_pagination(self) -> Self {
        self.pagination_strategy(OffsetPagination)
            .pagination_strategy(PageNumberPagination)
            .pagination_strategy(CursorPagination)
            .pagination_strategy(RangePagination)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glue_core::http::{HeaderMap, StatusCode};
    use glue_core::query::QueryParams;

    fn parse(
        strategy: &dyn PaginationStrategy,
        query: &str,
        settings: &PaginationSettings,
    ) -> Result<Option<PageRequest>, GlueError> {
        let query = QueryParams::parse(query);
        let headers = HeaderMap::new();
        strategy.parse(
            &PageInput {
                query: &query,
                headers: &headers,
                resource_type: "customers",
            },
            settings,
        )
    }

    fn parameter(error: &GlueError) -> Option<String> {
        match &error.errors()[0].source {
            Some(glue_core::ErrorSource::Parameter(name)) => Some(name.clone()),
            _ => None,
        }
    }

    #[test]
    fn offset_form_reads_either_parameter() {
        let settings = PaginationSettings::default();
        assert_eq!(parse(&OffsetPagination, "sort=x", &settings).unwrap(), None);
        assert_eq!(
            parse(
                &OffsetPagination,
                "page[offset]=20&page[limit]=10",
                &settings
            )
            .unwrap(),
            Some(PageRequest::new(20, 10))
        );
        assert_eq!(
            parse(&OffsetPagination, "page[offset]=20", &settings).unwrap(),
            Some(PageRequest::new(20, 20))
        );
        assert_eq!(
            parse(&OffsetPagination, "page%5Blimit%5D=500", &settings).unwrap(),
            Some(PageRequest::new(0, 100))
        );
    }

    #[test]
    fn offset_form_refuses_bad_numbers() {
        let settings = PaginationSettings::default();
        for (query, name) in [
            ("page[offset]=-1", OFFSET),
            ("page[offset]=x", OFFSET),
            ("page[limit]=0", LIMIT),
            ("page[limit]=-5", LIMIT),
            ("page[limit]=ten", LIMIT),
        ] {
            let error = parse(&OffsetPagination, query, &settings).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{query}");
            assert_eq!(parameter(&error).as_deref(), Some(name), "{query}");
        }
    }

    #[test]
    fn page_number_form_accepts_both_size_names() {
        let settings = PaginationSettings::default();
        assert_eq!(
            parse(&PageNumberPagination, "page=3&itemsPerPage=10", &settings).unwrap(),
            Some(PageRequest::new(20, 10))
        );
        assert_eq!(
            parse(&PageNumberPagination, "page=2&limit=5", &settings).unwrap(),
            Some(PageRequest::new(5, 5))
        );
        assert_eq!(
            parse(&PageNumberPagination, "limit=5", &settings).unwrap(),
            Some(PageRequest::new(0, 5))
        );
        for (query, name) in [
            ("page=0", PAGE),
            ("page=-2", PAGE),
            ("page=abc", PAGE),
            ("itemsPerPage=0", ITEMS_PER_PAGE),
            ("limit=x", PAGE_SIZE_SYNONYM),
        ] {
            let error = parse(&PageNumberPagination, query, &settings).unwrap_err();
            assert_eq!(parameter(&error).as_deref(), Some(name), "{query}");
        }
    }

    #[test]
    fn sizes_the_client_may_not_choose_are_ignored() {
        let settings = PaginationSettings {
            client_items_per_page: false,
            items_per_page: 12,
            ..PaginationSettings::default()
        };
        assert_eq!(
            parse(
                &OffsetPagination,
                "page[limit]=5&page[offset]=12",
                &settings
            )
            .unwrap(),
            Some(PageRequest::new(12, 12))
        );
    }

    #[test]
    fn links_are_written_in_each_form() {
        let headers = HeaderMap::new();
        let none = QueryParams::default();
        let input = |query| PageInput {
            query,
            headers: &headers,
            resource_type: "customers",
        };
        let mut out = Vec::new();
        OffsetPagination.link_params(&PageRequest::new(20, 10), &input(&none), &mut out);
        assert_eq!(
            out,
            [
                (Cow::Borrowed("page[offset]"), "20".to_owned()),
                (Cow::Borrowed("page[limit]"), "10".to_owned())
            ]
        );
        out.clear();
        PageNumberPagination.link_params(&PageRequest::new(20, 10), &input(&none), &mut out);
        assert_eq!(out, [(Cow::Borrowed("page"), "3".to_owned())]);
        // The clamped size, under the name the client used.
        out.clear();
        let asked = QueryParams::parse("limit=500&page=2");
        PageNumberPagination.link_params(&PageRequest::page(3, 100), &input(&asked), &mut out);
        assert_eq!(
            out,
            [
                (Cow::Borrowed("page"), "3".to_owned()),
                (Cow::Borrowed("limit"), "100".to_owned())
            ]
        );
        assert!(OffsetPagination.owns("page[limit]"));
        assert!(PageNumberPagination.owns("itemsPerPage"));
    }
}
