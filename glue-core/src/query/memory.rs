//! Applying a [`Query`] to items in memory: for small or computed collections, and for
//! providers that return a plain list (the framework applies the query for them).
//!
//! The semantics are those of the SQL helpers, so both paths answer the same: comparisons
//! with null are false (only `is_null` and `is_not_null` see it); strings compare by code
//! point and `contains`/`starts_with`/`ends_with` are case-sensitive; in a sort, null comes
//! before every value; ties are broken by the identifier.
//!
//! ```
//! use glue_core::{ApiResource, Paginated};
//! use glue_core::query::memory;
//! # #[derive(ApiResource, Clone)]
//! # #[api(operations(GetCollection), provider = Books)]
//! # struct Book { #[api(identifier)] isbn: String, pages: u32 }
//! # struct Books;
//! # impl glue_core::Provider<Book> for Books {}
//! # let query = glue_core::Query::default();
//! let books = vec![Book { isbn: "b".into(), pages: 10 }, Book { isbn: "a".into(), pages: 20 }];
//! let page: Paginated<Book> = memory::apply(books, &query);
//! assert_eq!(page.items()[0].isbn, "a");
//! ```

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

use super::filter::{Condition, Filter, FilterValue, Operand, Operator, ValueKind, parse_decimal};
use super::{Query, SortKey};
use crate::date::parse_date_time;
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
    let position = |item: &R| compare_with_cursor(item, keys, cursor.values());
    match cursor.direction() {
        Direction::After => {
            items.retain(|item| position(item) == Ordering::Greater);
            let has_more = items.len() > limit;
            items.truncate(limit);
            Total::Partial { has_more }
        }
        Direction::Before => {
            items.retain(|item| position(item) == Ordering::Less);
            let has_more = items.len() > limit;
            let start = items.len().saturating_sub(limit);
            items.drain(..start);
            Total::Partial { has_more }
        }
    }
}

/// Where an item stands relative to a cursor position (the values of the sort keys, then of
/// the tie-breaker).
fn compare_with_cursor<R: Resource>(item: &R, keys: &[SortKey], position: &[Value]) -> Ordering {
    let meta = R::meta();
    let mut values = position.iter();
    for key in keys {
        let kind = ValueKind::of(key.property);
        let order = compare_values(
            kind,
            item.property_value(key.property.name).as_ref(),
            values.next(),
        );
        let order = if key.descending {
            order.reverse()
        } else {
            order
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    match meta.order_key() {
        Some(tie_breaker) if !keys.iter().any(|key| key.property.name == tie_breaker.name) => {
            compare_values(
                ValueKind::of(tie_breaker),
                item.property_value(tie_breaker.name).as_ref(),
                values.next(),
            )
        }
        _ => Ordering::Equal,
    }
}

/// Sorts items by the keys, then by the tie-breaker.
pub fn sort<R: Resource>(items: &mut [R], keys: &[SortKey]) {
    if keys.is_empty() && R::meta().order_key().is_none() {
        return;
    }
    items.sort_by(|a, b| compare(a, b, keys));
}

/// The order of two items under the sort keys, ties broken by the tie-breaker.
pub fn compare(a: &dyn ResourceObject, b: &dyn ResourceObject, keys: &[SortKey]) -> Ordering {
    for key in keys {
        let kind = ValueKind::of(key.property);
        let left = a.resource_property(key.property.name);
        let right = b.resource_property(key.property.name);
        let order = compare_values(kind, left.as_ref(), right.as_ref());
        let order = if key.descending {
            order.reverse()
        } else {
            order
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    match a.resource_meta().order_key() {
        Some(tie_breaker) => compare_values(
            ValueKind::of(tie_breaker),
            a.resource_property(tie_breaker.name).as_ref(),
            b.resource_property(tie_breaker.name).as_ref(),
        ),
        None => Ordering::Equal,
    }
}

/// Null first, then values in their type's order.
fn compare_values(kind: ValueKind, left: Option<&Value>, right: Option<&Value>) -> Ordering {
    let left = left.and_then(|value| typed(kind, value));
    let right = right.and_then(|value| typed(kind, value));
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(left), Some(right)) => order(&left, &right).unwrap_or(Ordering::Equal),
    }
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
    let raw = item.resource_property(condition.property.name);
    let kind = ValueKind::of(condition.property);
    let value = raw.as_ref().and_then(|raw| typed(kind, raw));
    let Some(value) = value else {
        // Null (or a value that is not of the property's type) passes only null checks.
        return condition.operator == Operator::IsNull;
    };
    let single = |compare: fn(Ordering) -> bool| match &condition.operand {
        Operand::One(operand) => order(&value, operand).is_some_and(compare),
        _ => false,
    };
    let text = match &value {
        FilterValue::String(text) => Some(text.as_str()),
        _ => None,
    };
    let pattern = match &condition.operand {
        Operand::One(FilterValue::String(pattern)) => Some(pattern.as_str()),
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
                    .any(|candidate| order(&value, candidate) == Some(Ordering::Equal)),
                _ => false,
            };
            found == (condition.operator == Operator::In)
        }
        Operator::Between | Operator::NotBetween => {
            let inside = match &condition.operand {
                Operand::Range(low, high) => {
                    order(&value, low).is_some_and(Ordering::is_ge)
                        && order(&value, high).is_some_and(Ordering::is_le)
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

/// A property value as the filter's typed value; `None` for null.
fn typed(kind: ValueKind, value: &Value) -> Option<FilterValue> {
    match (kind, value) {
        (_, Value::Null) => None,
        (ValueKind::String, Value::String(text)) => Some(FilterValue::String(text.clone())),
        (ValueKind::Integer, Value::Number(number)) => number
            .as_i64()
            .map(FilterValue::Integer)
            .or_else(|| number.as_u64().map(|_| FilterValue::Integer(i64::MAX))),
        (ValueKind::Number, Value::Number(number)) => {
            parse_decimal(&number.to_string()).map(FilterValue::Number)
        }
        (ValueKind::Boolean, Value::Bool(flag)) => Some(FilterValue::Boolean(*flag)),
        (ValueKind::DateTime, Value::String(text)) => {
            parse_date_time(text).ok().map(FilterValue::DateTime)
        }
        (ValueKind::Date, Value::String(text)) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(FilterValue::Date),
        _ => None,
    }
}

/// The order of two values of one type; `None` across types.
fn order(left: &FilterValue, right: &FilterValue) -> Option<Ordering> {
    Some(match (left, right) {
        (FilterValue::String(a), FilterValue::String(b)) => a.as_str().cmp(b.as_str()),
        (FilterValue::Integer(a), FilterValue::Integer(b)) => a.cmp(b),
        (FilterValue::Number(a), FilterValue::Number(b)) => a.cmp(b),
        (FilterValue::Integer(a), FilterValue::Number(b)) => Decimal::from(*a).cmp(b),
        (FilterValue::Number(a), FilterValue::Integer(b)) => a.cmp(&Decimal::from(*b)),
        (FilterValue::Boolean(a), FilterValue::Boolean(b)) => a.cmp(b),
        (FilterValue::DateTime(a), FilterValue::DateTime(b)) => a.cmp(b),
        (FilterValue::Date(a), FilterValue::Date(b)) => a.cmp(b),
        _ => return None,
    })
}
