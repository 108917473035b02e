//! The page links and meta of a collection answer (SPEC §3.2, §5): the capability the flow
//! hands a collection's handler.

use std::sync::Arc;

use http::{HeaderMap, StatusCode};

use crate::context::RequestContext;
use crate::convention::PageInfo;
use crate::error::GlueError;
use crate::links::Links;
use crate::meta::ResourceMeta;
use crate::pagination::{
    Cursor, Direction, PageInput, PageOutcome, PageRequest, PaginationStrategy, Total,
};
use crate::query::{Query, Scalar};
use crate::resource::ResourceObject;

/// Which pagination strategies serve a request: the one that read the client's page (if
/// any; it finishes the answer), and the one whose form links use. The page itself is
/// `ctx.query().page()`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Paging {
    pub(crate) parsed_by: Option<usize>,
    pub(crate) links: Option<usize>,
}

/// What a collection answer's pagination needs: the application's strategies, and which of
/// them serve this request.
#[derive(Clone, Copy)]
pub(crate) struct Pager<'a> {
    pub(crate) strategies: &'a [Arc<dyn PaginationStrategy>],
    pub(crate) paging: Paging,
}

/// The pagination part of a collection answer.
pub(crate) struct PageAnswer {
    pub(crate) info: PageInfo,
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: HeaderMap,
}

impl From<PageInfo> for PageAnswer {
    fn from(info: PageInfo) -> Self {
        Self {
            info,
            status: None,
            headers: HeaderMap::new(),
        }
    }
}

impl Pager<'_> {
    /// Links and meta of a collection page (SPEC §3.2, §5.4), and what the strategy that read
    /// the page adds to the answer (SPEC §5.2: 206 and `Content-Range`, or 416).
    pub(crate) fn answer(
        &self,
        request: &RequestContext,
        links: &Links,
        path: &str,
        items: &[&dyn ResourceObject],
        total: Total,
    ) -> Result<PageAnswer, GlueError> {
        let records = items.len() as u64;
        let Some(page) = request.query.page() else {
            return Ok(PageAnswer::from(PageInfo::whole(records)));
        };
        let limit = page.limit;
        let known = match total {
            Total::Known(total) => Some(total),
            Total::Partial { .. } | Total::Unpaginated => None,
        };
        let mut answer = PageAnswer::from(PageInfo {
            paginated: true,
            page: (!page.is_keyset()).then(|| page.page_number()),
            pages: known.map(|total| total.div_ceil(limit).max(1)),
            records,
            records_per_page: limit,
            records_total: known,
            ..PageInfo::default()
        });
        let resource_type = request.resource.short_name;
        if let Some(strategy) = self.paging.parsed_by.map(|index| &self.strategies[index]) {
            let outcome = PageOutcome {
                request: page,
                records,
                total: known,
                resource_type,
            };
            answer.status = strategy.finish(&outcome, &mut answer.headers)?;
        }
        let Some(strategy) = self.paging.links.map(|index| &self.strategies[index]) else {
            return Ok(answer);
        };
        let input = PageInput {
            query: &request.params,
            headers: &request.parts.headers,
            resource_type,
        };
        let link = |target: PageRequest| {
            let mut extra = Vec::new();
            strategy.link_params(&target, &input, &mut extra);
            let mut url = links.url(path);
            url.push('?');
            url.push_str(
                &request
                    .params
                    .encode_with(|key| !strategy.owns(key), &extra),
            );
            url
        };
        let info = &mut answer.info;
        info.first = Some(link(page.first()));
        if page.is_keyset() {
            let (prev, next) = keyset_neighbours(request, page, items, total);
            info.prev = prev.map(&link);
            info.next = next.map(&link);
            return Ok(answer);
        }
        info.prev = page.previous().map(&link);
        let has_next = match total {
            Total::Known(total) => page.offset.saturating_add(limit) < total,
            Total::Partial { has_more } => has_more,
            Total::Unpaginated => false,
        };
        if has_next {
            info.next = Some(link(page.next()));
        }
        if let Some(pages) = info.pages {
            info.last = Some(link(PageRequest::page(pages, limit)));
        }
        Ok(answer)
    }
}

/// The cursor pages around a keyset page (SPEC §5.2): the positions of its first and last
/// items under the sort, then the tie-breaker.
fn keyset_neighbours(
    request: &RequestContext,
    page: &PageRequest,
    items: &[&dyn ResourceObject],
    total: Total,
) -> (Option<PageRequest>, Option<PageRequest>) {
    let has_more = matches!(total, Total::Partial { has_more: true });
    let keys = order_keys(request.resource, &request.query);
    let position = |item: &dyn ResourceObject| -> Vec<Scalar<'static>> {
        keys.iter()
            .map(|name| {
                item.resource_property(name)
                    .map_or(Scalar::Null, Scalar::into_owned)
            })
            .collect()
    };
    let at = |direction, item: Option<&&dyn ResourceObject>, fallback: Option<&Cursor>| {
        let values = match (item, fallback) {
            (Some(item), _) => position(*item),
            (None, Some(cursor)) => cursor.values().to_vec(),
            (None, None) => return None,
        };
        Some(PageRequest::keyset(
            page.limit,
            Some(Cursor::new(direction, values)),
        ))
    };
    let cursor = page.cursor();
    let after_last = || {
        has_more
            .then(|| at(Direction::After, items.last(), None))
            .flatten()
    };
    match cursor.map(Cursor::direction) {
        None => (None, after_last()),
        Some(Direction::After) => (at(Direction::Before, items.first(), cursor), after_last()),
        Some(Direction::Before) => (
            has_more
                .then(|| at(Direction::Before, items.first(), None))
                .flatten(),
            at(Direction::After, items.last(), cursor),
        ),
    }
}

/// The properties a keyset position holds: the sort keys, then the tie-breaker.
fn order_keys(meta: &'static ResourceMeta, query: &Query) -> Vec<&'static str> {
    crate::query::with_tie_breaker(meta, query.sort())
        .map(|key| key.property.name)
        .collect()
}
