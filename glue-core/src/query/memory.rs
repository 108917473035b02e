//! Applying a [`Query`] to items in memory: for small or computed collections, and for
//! providers that return a plain list (the framework applies the query for them).
//!
//! The semantics are those of the SQL helpers, so both paths answer the same: comparisons
//! with null are false (only `is_null` and `is_not_null` see it); strings compare by code
//! point and `contains`/`starts_with`/`ends_with` are case-sensitive; in a sort, null comes
//! before every value; ties are broken by the identifier.
//!
//! Items are read through their typed accessor ([`Resource::property_value`]): no value is
//! serialized to be compared, and a sort reads each item's keys once.
//!
//! ```
//! use glue_core::{ApiResource, Paginated};
//! use glue_core::query::memory;
//! # #[derive(ApiResource, Clone)]
//! # #[api(operations(GetCollection), provider = Books)]
//! # struct Book { #[api(identifier)] isbn: String, pages: u32 }
//! # struct Books;
//! # impl glue_core::CollectionProvider<Book> for Books {
//! #     async fn collection(&self, _: &glue_core::Context<Book>) -> Result<Paginated<Book>, glue_core::GlueError> { Ok(Vec::new().into()) }
//! # }
//! # let query = glue_core::query::Query::default();
//! let books = vec![Book { isbn: "b".into(), pages: 10 }, Book { isbn: "a".into(), pages: 20 }];
//! let page: Paginated<Book> = memory::apply(books, &query);
//! assert_eq!(page.items()[0].isbn, "a");
//! ```

use std::cmp::Ordering;

use super::value::{Scalar, ValueKind};
use super::{Condition, Filter, Operand, Operator, Query, SortKey};
use crate::meta::PropertyMeta;
use crate::pagination::{Direction, PageRequest, Paginated, Total};
use crate::resource::{Resource, ResourceObject};

/// Filters, sorts and pages `items` as `query` asks; the total counts every item that
/// passed the filter (cursor pages say only whether more follow).
#[must_use]
pub fn apply<R: Resource>(items: Vec<R>, query: &Query) -> Paginated<R> {
    let mut items: Vec<R> = match query.filter() {
        Some(filter) => items
            .into_iter()
            .filter(|item| matches(item, filter))
            .collect(),
        None => items,
    };
    sort(&mut items, query.sort());
    let total = match query.page() {
        Some(page) => window(&mut items, page, query.sort()),
        None => Total::Known(items.len() as u64),
    };
    match total {
        Total::Partial { has_more } => Paginated::partial(items, has_more),
        Total::Known(total) => Paginated::new(items, total),
        Total::Unpaginated => Paginated::unpaginated(items),
    }
}

/// One key of an order: the sort keys, then the tie-breaker.
#[derive(Debug, Clone, Copy)]
struct OrderKey {
    property: &'static PropertyMeta,
    kind: ValueKind,
    descending: bool,
}

/// The sort keys, then the resource's tie-breaker, each with the kind its values compare as.
fn order_keys(meta: &crate::meta::ResourceMeta, keys: &[SortKey]) -> Vec<OrderKey> {
    super::with_tie_breaker(meta, keys)
        .map(|key| OrderKey {
            property: key.property,
            kind: ValueKind::of(key.property),
            descending: key.descending,
        })
        .collect()
}

/// A property of an item under its kind; `None` for null.
fn value_of<'a>(item: &'a dyn ResourceObject, key: &OrderKey) -> Option<Scalar<'a>> {
    item.resource_property(key.property.name)
        .and_then(|value| key.kind.coerce(value))
}

/// Null first, then values in their type's order.
fn compare_values(left: Option<&Scalar<'_>>, right: Option<&Scalar<'_>>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(left), Some(right)) => left.compare(right).unwrap_or(Ordering::Equal),
    }
}

/// The order of two rows of key values.
fn compare_rows(
    left: &[Option<Scalar<'_>>],
    right: &[Option<Scalar<'_>>],
    order: &[OrderKey],
) -> Ordering {
    left.iter()
        .zip(right)
        .zip(order)
        .map(|((left, right), key)| {
            directed(
                compare_values(left.as_ref(), right.as_ref()),
                key.descending,
            )
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// An ascending order, reversed for a descending key.
fn directed(ordering: Ordering, descending: bool) -> Ordering {
    if descending {
        ordering.reverse()
    } else {
        ordering
    }
}

/// Keeps the page `page` of filtered, sorted items: by offset (the total is known), or next
/// to a cursor (whether more items follow in that direction is known).
pub fn window<R: Resource>(items: &mut Vec<R>, page: &PageRequest, keys: &[SortKey]) -> Total {
    let limit = page.limit_usize();
    if !page.is_keyset() {
        let total = items.len() as u64;
        let start = page.offset_usize().min(items.len());
        let end = start.saturating_add(limit).min(items.len());
        items.truncate(end);
        items.drain(..start);
        return Total::Known(total);
    }
    let Some(cursor) = page.cursor() else {
        let has_more = items.len() > limit;
        items.truncate(limit);
        return Total::Partial { has_more };
    };
    let order = order_keys(R::meta(), keys);
    let position: Vec<Option<Scalar<'_>>> = cursor
        .values()
        .iter()
        .zip(&order)
        .map(|(value, key)| key.kind.coerce(value.reborrow()))
        .collect();
    let side = |item: &R| {
        order
            .iter()
            .zip(&position)
            .map(|(key, position)| {
                let value = value_of(item, key);
                directed(
                    compare_values(value.as_ref(), position.as_ref()),
                    key.descending,
                )
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    match cursor.direction() {
        Direction::After => {
            items.retain(|item| side(item) == Ordering::Greater);
            let has_more = items.len() > limit;
            items.truncate(limit);
            Total::Partial { has_more }
        }
        Direction::Before => {
            items.retain(|item| side(item) == Ordering::Less);
            let has_more = items.len() > limit;
            let start = items.len().saturating_sub(limit);
            items.drain(..start);
            Total::Partial { has_more }
        }
    }
}

/// Sorts items by the keys, then by the tie-breaker; each item's keys are read once.
pub fn sort<R: Resource>(items: &mut Vec<R>, keys: &[SortKey]) {
    let order = order_keys(R::meta(), keys);
    if order.is_empty() || items.len() < 2 {
        return;
    }
    let width = order.len();
    let permutation: Vec<usize> = {
        let values: Vec<Option<Scalar<'_>>> = items
            .iter()
            .flat_map(|item| order.iter().map(move |key| value_of(item, key)))
            .collect();
        let row = |index: usize| &values[index * width..(index + 1) * width];
        let mut permutation: Vec<usize> = (0..items.len()).collect();
        permutation.sort_by(|a, b| compare_rows(row(*a), row(*b), &order));
        permutation
    };
    let mut slots: Vec<Option<R>> = items.drain(..).map(Some).collect();
    items.extend(
        permutation
            .into_iter()
            .filter_map(|index| slots[index].take()),
    );
}

/// The order of two items under the sort keys, ties broken by the tie-breaker.
pub fn compare(a: &dyn ResourceObject, b: &dyn ResourceObject, keys: &[SortKey]) -> Ordering {
    order_keys(a.resource_meta(), keys)
        .iter()
        .map(|key| {
            let ordering = compare_values(value_of(a, key).as_ref(), value_of(b, key).as_ref());
            directed(ordering, key.descending)
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Whether an item passes a filter.
#[must_use]
pub fn matches(item: &dyn ResourceObject, filter: &Filter) -> bool {
    match filter {
        Filter::Condition(condition) => holds(item, condition),
        Filter::All(filters) => filters.iter().all(|filter| matches(item, filter)),
        Filter::Any(filters) => filters.iter().any(|filter| matches(item, filter)),
        Filter::Not(filter) => !matches(item, filter),
    }
}

fn holds(item: &dyn ResourceObject, condition: &Condition) -> bool {
    let kind = ValueKind::of(condition.property);
    let value = item
        .resource_property(condition.property.name)
        .and_then(|value| kind.coerce(value));
    let Some(value) = value else {
        // Null (or a value that is not of the property's kind) passes only null checks.
        return condition.operator == Operator::IsNull;
    };
    let single = |compare: fn(Ordering) -> bool| match &condition.operand {
        Operand::One(operand) => value.compare(operand).is_some_and(compare),
        _ => false,
    };
    let text = value.as_str();
    let pattern = match &condition.operand {
        Operand::One(operand) => operand.as_str(),
        _ => None,
    };
    match condition.operator {
        Operator::Eq => single(Ordering::is_eq),
        Operator::Ne => single(Ordering::is_ne),
        Operator::Lt => single(Ordering::is_lt),
        Operator::Lte => single(Ordering::is_le),
        Operator::Gt => single(Ordering::is_gt),
        Operator::Gte => single(Ordering::is_ge),
        Operator::In | Operator::NotIn => {
            let found = match &condition.operand {
                Operand::List(list) => list
                    .iter()
                    .any(|candidate| value.compare(candidate) == Some(Ordering::Equal)),
                _ => false,
            };
            found == (condition.operator == Operator::In)
        }
        Operator::Between | Operator::NotBetween => {
            let inside = match &condition.operand {
                Operand::Range(low, high) => {
                    value.compare(low).is_some_and(Ordering::is_ge)
                        && value.compare(high).is_some_and(Ordering::is_le)
                }
                _ => false,
            };
            inside == (condition.operator == Operator::Between)
        }
        Operator::Contains => text.zip(pattern).is_some_and(|(t, p)| t.contains(p)),
        Operator::NotContains => text.zip(pattern).is_some_and(|(t, p)| !t.contains(p)),
        Operator::StartsWith => text.zip(pattern).is_some_and(|(t, p)| t.starts_with(p)),
        Operator::NotStartsWith => text.zip(pattern).is_some_and(|(t, p)| !t.starts_with(p)),
        Operator::EndsWith => text.zip(pattern).is_some_and(|(t, p)| t.ends_with(p)),
        Operator::NotEndsWith => text.zip(pattern).is_some_and(|(t, p)| !t.ends_with(p)),
        Operator::IsNull => false,
        Operator::IsNotNull => true,
        Operator::IsEmpty => text.is_some_and(str::is_empty),
        Operator::IsNotEmpty => text.is_some_and(|text| !text.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::ResourceMeta;
    use crate::query::{FilterValue, IncludePath};
    use crate::{ApiResource, CollectionProvider, Context, GlueError};
    use rust_decimal::Decimal;

    #[derive(Debug, Clone, PartialEq, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Tier {
        Gold,
        Silver,
    }

    #[derive(ApiResource, Debug, Clone, PartialEq)]
    #[api(operations(GetCollection), provider = Offers)]
    struct Offer {
        #[api(identifier)]
        code: String,
        price: Decimal,
        #[api(type = "string")]
        tier: Option<Tier>,
        weight: f64,
    }

    struct Offers;

    impl CollectionProvider<Offer> for Offers {
        async fn collection(&self, _: &Context<Offer>) -> Result<Paginated<Offer>, GlueError> {
            Ok(offers().into())
        }
    }

    fn offer(code: &str, price: &str, tier: Option<Tier>, weight: f64) -> Offer {
        Offer {
            code: code.to_owned(),
            price: price.parse().unwrap(),
            tier,
            weight,
        }
    }

    fn offers() -> Vec<Offer> {
        vec![
            offer("c", "10.50", Some(Tier::Gold), 0.30000000000000004),
            offer("a", "9.99", None, 2.5),
            offer("b", "10.5", Some(Tier::Silver), 0.1),
        ]
    }

    fn meta() -> &'static ResourceMeta {
        <Offer as Resource>::meta()
    }

    fn condition(name: &str, operator: Operator, operand: Operand) -> Filter {
        Filter::Condition(Condition {
            property: meta().property(name).unwrap(),
            operator,
            operand,
        })
    }

    fn codes(items: &[Offer]) -> Vec<&str> {
        items.iter().map(|offer| offer.code.as_str()).collect()
    }

    #[test]
    fn decimals_filter_and_sort_by_value() {
        let cheap = condition(
            "price",
            Operator::Lt,
            Operand::One(FilterValue::Decimal(Decimal::new(1050, 2))),
        );
        let found: Vec<Offer> = offers()
            .into_iter()
            .filter(|o| matches(o, &cheap))
            .collect();
        assert_eq!(codes(&found), ["a"]);

        let equal = condition(
            "price",
            Operator::Eq,
            Operand::One(FilterValue::Decimal(Decimal::new(105, 1))),
        );
        let found: Vec<Offer> = offers()
            .into_iter()
            .filter(|o| matches(o, &equal))
            .collect();
        assert_eq!(codes(&found), ["c", "b"], "10.50 and 10.5 are one value");

        let mut items = offers();
        let by_price = [SortKey {
            property: meta().property("price").unwrap(),
            descending: true,
        }];
        sort(&mut items, &by_price);
        assert_eq!(
            codes(&items),
            ["b", "c", "a"],
            "ties broken by the identifier"
        );
    }

    #[test]
    fn serialize_only_values_and_floats_compare_as_the_wire_shows_them() {
        let gold = condition(
            "tier",
            Operator::Eq,
            Operand::One(FilterValue::String("gold".into())),
        );
        let found: Vec<Offer> = offers().into_iter().filter(|o| matches(o, &gold)).collect();
        assert_eq!(codes(&found), ["c"]);
        let none = condition("tier", Operator::IsNull, Operand::None);
        let found: Vec<Offer> = offers().into_iter().filter(|o| matches(o, &none)).collect();
        assert_eq!(codes(&found), ["a"]);

        let exact = condition(
            "weight",
            Operator::Eq,
            Operand::One(FilterValue::Decimal("0.30000000000000004".parse().unwrap())),
        );
        let found: Vec<Offer> = offers()
            .into_iter()
            .filter(|o| matches(o, &exact))
            .collect();
        assert_eq!(codes(&found), ["c"]);

        let mut items = offers();
        let by_tier = [SortKey {
            property: meta().property("tier").unwrap(),
            descending: false,
        }];
        sort(&mut items, &by_tier);
        assert_eq!(codes(&items), ["a", "c", "b"], "null first, then by text");
    }

    #[test]
    fn a_whole_query_pages_the_filtered_sorted_items() {
        let query = Query {
            filter: Some(condition(
                "weight",
                Operator::Gt,
                Operand::One(FilterValue::Integer(0)),
            )),
            sort: vec![SortKey {
                property: meta().property("weight").unwrap(),
                descending: false,
            }],
            fields: Vec::new(),
            include: Vec::<IncludePath>::new(),
            page: Some(PageRequest::new(1, 1)),
        };
        let page = apply(offers(), &query);
        assert_eq!(page.total(), Some(3));
        assert_eq!(codes(page.items()), ["c"]);
    }
}
