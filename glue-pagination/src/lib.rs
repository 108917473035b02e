//! Pagination request forms for Glue (SPEC §5).
//!
//! Every paginated collection of an application accepts each registered form, and its links
//! are written in the form the client used:
//!
//! | form | request | strategy |
//! |---|---|---|
//! | offset (Glue storefront) | `page[offset]=20&page[limit]=10` | [`OffsetPagination`] |
//! | page number (API Platform) | `page=3&itemsPerPage=10` (`limit` is a synonym) | [`PageNumberPagination`] |
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

use glue_core::pagination::{PageInput, PaginationStrategy, parse_non_negative, parse_positive};
use glue_core::{Application, GlueError, PageRequest, PaginationSettings};

pub use glue_core::pagination::Total;
pub use glue_core::{Paginated, PaginationSettings as Settings};

/// `page[offset]=20&page[limit]=10`: either may be sent alone; the offset defaults to 0 and
/// the limit to the resource's page size.
#[derive(Debug, Clone, Copy, Default)]
pub struct OffsetPagination;

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

mod sealed {
    pub trait Sealed {}
    impl Sealed for glue_core::Application {}
}

/// Registers this crate's strategies on an application.
pub trait PaginationExt: sealed::Sealed + Sized {
    /// Accepts the offset form and the page-number form, in that order.
    #[must_use]
    fn standard_pagination(self) -> Self;
}

impl PaginationExt for Application {
    fn standard_pagination(self) -> Self {
        self.pagination_strategy(OffsetPagination)
            .pagination_strategy(PageNumberPagination)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glue_core::QueryParams;
    use glue_core::http::{HeaderMap, StatusCode};

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
