//! The query string, decoded, and the query model providers receive.

mod filter;
pub mod memory;
mod operator;
mod value;

pub use filter::{Condition, Filter, MAX_FILTER_DEPTH, MAX_FILTER_RULES, Operand};
pub use operator::{Arity, Operator};
pub use value::{
    AsScalar, FilterValue, Scalar, ScalarError, ValueKind, decimal_from_f64, parse_decimal,
    scalar_of, typed_value,
};

use crate::error::GlueError;

/// Parameters that take one value: given twice, the request is refused (400).
const SINGLE_VALUED: [&str; 11] = [
    "sort",
    "include",
    "page",
    "page[offset]",
    "page[limit]",
    "page[size]",
    "page[after]",
    "page[before]",
    "itemsPerPage",
    "limit",
    "pagination",
];

/// The most keys of `sort` (SPEC §13.1).
pub const MAX_SORT_KEYS: usize = 10;
use crate::meta::{PropertyMeta, ResourceMeta};
use crate::pagination::PageRequest;
pub use crate::params::QueryParams;
use filter::{parse_bracket, parse_query_builder};

/// One key of a sort: a property, ascending or descending.
#[derive(Debug, Clone, Copy)]
pub struct SortKey {
    /// The property sorted by.
    pub property: &'static PropertyMeta,
    /// Whether larger values come first (`-createdAt`).
    pub descending: bool,
}

/// The sort keys, then the resource's tie-breaker (ascending) unless a key is on it already:
/// the order that makes every order total, for sorting, keyset positions and cursors.
pub fn with_tie_breaker<'k>(
    meta: &ResourceMeta,
    keys: &'k [SortKey],
) -> impl Iterator<Item = SortKey> + 'k {
    let tie_breaker = meta
        .order_key()
        .filter(|tie_breaker| !keys.iter().any(|key| key.property.name == tie_breaker.name))
        .map(|property| SortKey {
            property,
            descending: false,
        });
    keys.iter().copied().chain(tie_breaker)
}

/// Keys are equal when they name the same property (the same metadata) the same way.
impl PartialEq for SortKey {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.property, other.property) && self.descending == other.descending
    }
}

impl Eq for SortKey {}

/// A path of relationships to include (`addresses.country` is `["addresses", "country"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludePath(pub Vec<String>);

impl IncludePath {
    /// The relationship names, outermost first.
    #[must_use]
    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

/// The parsed query of a request, as providers see it: filter, sort, sparse fieldsets,
/// includes and page, all checked against the resource's metadata (SPEC §3.4 to §3.6).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub(crate) filter: Option<Filter>,
    pub(crate) sort: Vec<SortKey>,
    pub(crate) fields: Vec<(String, Vec<String>)>,
    pub(crate) include: Vec<IncludePath>,
    pub(crate) page: Option<PageRequest>,
}

impl Query {
    /// The filter, when the request has one.
    #[must_use]
    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    /// The sort keys, most significant first; empty when the request asks for none (the
    /// provider's natural order, by identifier where it has no other).
    #[must_use]
    pub fn sort(&self) -> &[SortKey] {
        &self.sort
    }

    /// The requested properties of a resource type (`fields[customers]=email,firstName`), or
    /// `None` for all of them.
    #[must_use]
    pub fn fields(&self, resource_type: &str) -> Option<&[String]> {
        self.fields
            .iter()
            .find(|(name, _)| name == resource_type)
            .map(|(_, fields)| fields.as_slice())
    }

    /// The relationship paths to include.
    #[must_use]
    pub fn include(&self) -> &[IncludePath] {
        &self.include
    }

    /// The page to return; `None` when the collection is not paginated (pagination disabled or
    /// turned off by the client), in which case every item is expected.
    #[must_use]
    pub fn page(&self) -> Option<&PageRequest> {
        self.page.as_ref()
    }

    /// Parses the query parameters of a request for `meta` (SPEC §3.4 to §3.6, §4.2);
    /// `resource_type` finds the other resource types of the application, for `fields[type]`.
    /// Every mistake is reported, each with its `source.parameter`.
    pub(crate) fn parse(
        meta: &'static ResourceMeta,
        params: &QueryParams,
        collection: bool,
        resource_type: &dyn Fn(&str) -> Option<&'static ResourceMeta>,
    ) -> Result<Self, GlueError> {
        let mut query = Self::default();
        let mut errors: Option<GlueError> = None;
        let mut fail = |error: GlueError| {
            errors = Some(match errors.take() {
                Some(earlier) => earlier.merge(error),
                None => error,
            });
        };
        // A parameter that takes one value, given twice, is ambiguous: which one counts?
        let mut seen = [0usize; SINGLE_VALUED.len()];
        for (key, _) in params.iter() {
            if let Some(slot) = SINGLE_VALUED.iter().position(|name| *name == key) {
                seen[slot] += 1;
                if seen[slot] == 2 {
                    fail(GlueError::invalid_parameter(
                        key,
                        format!("{key} is given more than once."),
                    ));
                }
            }
        }
        for (key, value) in params.iter() {
            let parsed = if key == "filter" && collection {
                parse_query_builder(meta, value).map(|filter| query.add_filter(filter))
            } else if key.starts_with("filter[") && collection {
                parse_bracket(meta, key, value).map(|filter| query.add_filter(filter))
            } else if key == "sort" && collection {
                parse_sort(meta, value).map(|sort| query.sort = sort)
            } else if key == "fields" {
                parse_fields(meta, key, value).map(|fields| query.set_fields(meta, fields))
            } else if let Some(name) = key
                .strip_prefix("fields[")
                .and_then(|rest| rest.strip_suffix(']'))
            {
                match resource_type(name) {
                    Some(target) => parse_fields(target, key, value)
                        .map(|fields| query.set_fields(target, fields)),
                    None => Err(GlueError::invalid_parameter(
                        key,
                        format!("This API has no resource type {name:?}."),
                    )),
                }
            } else if key == "include" {
                parse_include(meta, value).map(|include| query.include = include)
            } else {
                Ok(())
            };
            if let Err(error) = parsed {
                fail(error);
            }
        }
        // SPEC §13.1: the bracket form and rule trees together.
        let conditions = query.filter.as_ref().map_or(0, |f| f.conditions().count());
        if conditions > MAX_FILTER_RULES {
            fail(GlueError::invalid_parameter(
                "filter",
                format!(
                    "A request has at most {MAX_FILTER_RULES} filter conditions, not {conditions}."
                ),
            ));
        }
        match errors {
            Some(errors) => Err(errors),
            None => Ok(query),
        }
    }

    fn add_filter(&mut self, filter: Filter) {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(filter),
            None => filter,
        });
    }

    fn set_fields(&mut self, meta: &ResourceMeta, fields: Vec<String>) {
        self.fields.retain(|(name, _)| name != meta.short_name);
        self.fields.push((meta.short_name.to_owned(), fields));
    }
}

/// `sort=-createdAt,email`.
fn parse_sort(meta: &'static ResourceMeta, value: &str) -> Result<Vec<SortKey>, GlueError> {
    let mut keys: Vec<SortKey> = Vec::new();
    let items = value.split(',').count();
    if items > MAX_SORT_KEYS {
        return Err(GlueError::invalid_parameter(
            "sort",
            format!("sort has at most {MAX_SORT_KEYS} keys, not {items}."),
        ));
    }
    for item in value.split(',') {
        let item = item.trim();
        let (name, descending) = match item.strip_prefix('-') {
            Some(name) => (name, true),
            None => (item.strip_prefix('+').unwrap_or(item), false),
        };
        let property = match meta.property(name) {
            Some(property) if property.readable && property.sortable => property,
            Some(property) if property.readable => {
                return Err(GlueError::invalid_parameter(
                    "sort",
                    format!("{} cannot be sorted by {}.", meta.short_name, property.name),
                ));
            }
            _ => {
                return Err(GlueError::invalid_parameter(
                    "sort",
                    format!("{} has no property {name:?} to sort by.", meta.short_name),
                ));
            }
        };
        if ValueKind::of(property) == ValueKind::Structured {
            return Err(GlueError::invalid_parameter(
                "sort",
                format!("{} cannot be sorted by {}.", meta.short_name, property.name),
            ));
        }
        // A second key on the same property can never break a tie the first left: it is
        // dropped, so that `sort=a,-a` orders as `sort=a`.
        if keys.iter().any(|key| key.property.name == property.name) {
            continue;
        }
        keys.push(SortKey {
            property,
            descending,
        });
    }
    Ok(keys)
}

/// `fields[customers]=email,firstName` (or `fields=` for the primary type): readable
/// properties only; an empty value asks for none.
fn parse_fields(meta: &ResourceMeta, key: &str, value: &str) -> Result<Vec<String>, GlueError> {
    let mut fields: Vec<String> = Vec::new();
    for name in value
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        let known = meta
            .property(name)
            .is_some_and(|property| property.readable)
            || meta.relationship(name).is_some();
        if !known {
            return Err(GlueError::invalid_parameter(
                key,
                format!("{} has no field {name:?}.", meta.short_name),
            ));
        }
        if !fields.iter().any(|field| field == name) {
            fields.push(name.to_owned());
        }
    }
    Ok(fields)
}

/// `include=addresses,addresses.country`: every segment a relationship of the resource
/// reached so far (SPEC §3.3).
fn parse_include(meta: &'static ResourceMeta, value: &str) -> Result<Vec<IncludePath>, GlueError> {
    let mut paths: Vec<IncludePath> = Vec::new();
    let items = || {
        value
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
    };
    // SPEC §13.1: bounded before any relationship is looked up.
    let (limit, depth) = (meta.include_paths, meta.include_depth);
    if items().count() > limit {
        return Err(GlueError::invalid_parameter(
            "include",
            format!("include names at most {limit} paths."),
        ));
    }
    if let Some(deep) = items().find(|item| item.split('.').count() > depth) {
        return Err(GlueError::invalid_parameter(
            "include",
            format!("An include path is at most {depth} relationships deep, not {deep:?}."),
        ));
    }
    for item in items() {
        let segments: Vec<String> = item.split('.').map(str::to_owned).collect();
        let mut current = meta;
        for segment in &segments {
            match current.relationship(segment) {
                Some(relationship) => current = (relationship.target)(),
                None => {
                    return Err(GlueError::invalid_parameter(
                        "include",
                        format!(
                            "{} has no relationship {segment:?} (in {item:?}).",
                            current.short_name
                        ),
                    ));
                }
            }
        }
        let path = IncludePath(segments);
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    Ok(paths)
}
