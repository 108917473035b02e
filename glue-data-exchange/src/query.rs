//! What a read of a configured entity asks for (SPEC §9.2): filters in every form of SPEC §3.6
//! (`filter[alias.field]=v` with `{"in": [...]}` as the reference writes it, `filter[field]`,
//! `filter[field][op]=v`, and a QueryBuilder rule tree in `filter=`), `sort`, a page in every
//! form of SPEC §5 (offset, page number, `Range` header, cursor) and `include` chains. Every
//! field named is one of the configuration's; every value is typed by its field and bound.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use glue_core::query::{MAX_FILTER_DEPTH, MAX_FILTER_RULES, MAX_SORT_KEYS, Operator};
use glue_sql::sea_query::{Alias, Expr, ExprTrait};
use glue_sql::{Dialect, rows};
use serde_json::Value;

use crate::config::{Configuration, Field, FieldType};
use crate::errors::DxError;

/// The default page size, and the largest a client may ask for.
pub(crate) const DEFAULT_LIMIT: u64 = 20;
pub(crate) const MAX_LIMIT: u64 = 1000;
/// The most `include` paths, and the deepest (SPEC §13.1).
const MAX_INCLUDES: usize = 20;
const MAX_DEPTH: usize = 3;
/// The largest offset (SPEC §13.1: what a double holds exactly).
const MAX_OFFSET: u64 = 1 << 53;
/// The most values of an `in` list.
const MAX_LIST: usize = 1000;

/// A condition on the rows.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    /// One field against its values.
    Rule {
        column: String,
        text: bool,
        operator: Operator,
        values: Vec<Value>,
    },
    /// Every one.
    All(Vec<Self>),
    /// At least one.
    Any(Vec<Self>),
}

impl Filter {
    /// How many field conditions it holds.
    fn rules(&self) -> usize {
        match self {
            Self::Rule { .. } => 1,
            Self::All(filters) | Self::Any(filters) => filters.iter().map(Self::rules).sum(),
        }
    }

    /// The condition as SQL, every value bound.
    pub(crate) fn expr(&self, dialect: Dialect) -> Expr {
        match self {
            Self::All(filters) => filters
                .iter()
                .map(|filter| filter.expr(dialect))
                .reduce(ExprTrait::and)
                .unwrap_or_else(|| Expr::cust("1 = 1")),
            Self::Any(filters) => filters
                .iter()
                .map(|filter| filter.expr(dialect))
                .reduce(ExprTrait::or)
                .unwrap_or_else(|| Expr::cust("1 = 0")),
            Self::Rule {
                column,
                text,
                operator,
                values,
            } => condition(column, *text, *operator, values, dialect),
        }
    }
}

fn condition(
    column: &str,
    text: bool,
    operator: Operator,
    values: &[Value],
    dialect: Dialect,
) -> Expr {
    let plain = Expr::col(Alias::new(column));
    let ordered = || glue_sql::sortable(column, text, dialect);
    let bound: Vec<Expr> = values.iter().map(bind).collect();
    let first = || bound.first().cloned().unwrap_or_else(|| Expr::cust("NULL"));
    let second = || bound.get(1).cloned().unwrap_or_else(|| Expr::cust("NULL"));
    match operator {
        Operator::Eq => plain.eq(first()),
        Operator::Ne => plain.clone().is_null().or(plain.ne(first())),
        Operator::Lt => ordered().lt(first()),
        Operator::Lte => ordered().lte(first()),
        Operator::Gt => ordered().gt(first()),
        Operator::Gte => ordered().gte(first()),
        Operator::In => plain.is_in(bound),
        Operator::NotIn => plain.clone().is_null().or(plain.is_not_in(bound)),
        Operator::Between => ordered().between(first(), second()),
        Operator::NotBetween => ordered().not_between(first(), second()),
        Operator::Contains
        | Operator::NotContains
        | Operator::StartsWith
        | Operator::NotStartsWith
        | Operator::EndsWith
        | Operator::NotEndsWith => {
            let pattern = values.first().and_then(Value::as_str).unwrap_or_default();
            glue_sql::textual(plain, operator, pattern, dialect)
        }
        Operator::IsNull => plain.is_null(),
        Operator::IsNotNull => plain.is_not_null(),
        Operator::IsEmpty => plain.eq(""),
        Operator::IsNotEmpty => plain.ne(""),
    }
}

/// A value as a bound parameter.
pub(crate) fn bind(value: &Value) -> Expr {
    rows::value(value, false)
}

/// Which page, in the form the client asked for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Page {
    /// `page[offset]`/`page[limit]` (either alone), or neither.
    Offset { offset: u64, limit: u64 },
    /// `page=N` with `itemsPerPage` (or `limit`).
    Number { number: u64, size: u64 },
    /// `Range: {alias}=first-last`.
    Range { first: u64, last: u64 },
    /// `page[size]` with `page[after]` or `page[before]` (or neither: the first page).
    Cursor {
        size: u64,
        after: Option<Value>,
        before: Option<Value>,
    },
}

impl Page {
    /// The rows skipped and taken.
    pub(crate) fn window(&self) -> (u64, u64) {
        match self {
            Self::Offset { offset, limit } => (*offset, *limit),
            Self::Number { number, size } => ((number - 1).saturating_mul(*size), *size),
            Self::Range { first, last } => (*first, Ord::min(last - first + 1, MAX_LIMIT)),
            Self::Cursor { size, .. } => (0, *size),
        }
    }
}

/// What a collection request asks for.
#[derive(Debug)]
pub(crate) struct Request {
    /// Every one must hold.
    pub(crate) filters: Vec<Filter>,
    /// Column, descending, compared as text.
    pub(crate) sort: Vec<(String, bool, bool)>,
    pub(crate) page: Page,
    /// Chains of relation names.
    pub(crate) include: Vec<Vec<String>>,
}

impl Request {
    /// The filters as one condition (for a read, or a delete by filter).
    pub(crate) fn conditions(&self, dialect: Dialect) -> Vec<Expr> {
        self.filters
            .iter()
            .map(|filter| filter.expr(dialect))
            .collect()
    }
}

/// A cursor: the identifier of the row it stands after (or before), opaque to clients.
pub(crate) fn cursor(key: &Value) -> String {
    URL_SAFE_NO_PAD.encode(key.to_string())
}

fn uncursor(field: &Field, text: &str) -> Result<Value, DxError> {
    let wrong = || DxError::bad_parameter("The page cursor is not one this API wrote.");
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| wrong())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| wrong())?;
    typed(field, &value).ok_or_else(wrong)
}

/// Reads the query parameters (and the `Range` header) of a request on `configuration`.
pub(crate) fn parse(
    configuration: &Configuration,
    query: Option<&str>,
    range: Option<&str>,
) -> Result<Request, DxError> {
    let mut filters = Vec::new();
    let mut sort = Vec::new();
    let mut include = Vec::new();
    let mut paging: Vec<(String, String)> = Vec::new();
    let pairs = form_urlencoded::parse(query.unwrap_or_default().as_bytes());
    for (key, value) in pairs {
        if key == "filter" {
            let tree: Value = serde_json::from_str(&value).map_err(|_| {
                DxError::bad_parameter("filter is a QueryBuilder rule set in JSON.")
            })?;
            let mut rules = 0;
            filters.push(query_builder(configuration, &tree, 1, &mut rules)?);
        } else if let Some(rest) = key.strip_prefix("filter[") {
            filters.push(bracket(configuration, rest, &value)?);
        } else if key == "sort" {
            sort = sorting(configuration, &value)?;
        } else if key == "include" {
            include = includes(&value)?;
        } else if key.starts_with("page") || key == "itemsPerPage" || key == "limit" {
            paging.push((key.into_owned(), value.into_owned()));
        }
    }
    // SPEC §13.1: 100 conditions across every filter form, at most 10 sort keys.
    let conditions: usize = filters.iter().map(Filter::rules).sum();
    if conditions > MAX_FILTER_RULES {
        return Err(DxError::bad_parameter(format!(
            "A request has at most {MAX_FILTER_RULES} filter conditions, not {conditions}."
        )));
    }
    if sort.len() > MAX_SORT_KEYS {
        return Err(DxError::bad_parameter(format!(
            "sort has at most {MAX_SORT_KEYS} keys."
        )));
    }
    let page = page(configuration, &paging, range)?;
    if matches!(page, Page::Cursor { .. }) && !sort.is_empty() {
        return Err(DxError::bad_parameter(
            "A cursor page follows the identifier's order: send no sort with it.",
        ));
    }
    Ok(Request {
        filters,
        sort,
        page,
        include,
    })
}

fn includes(value: &str) -> Result<Vec<Vec<String>>, DxError> {
    let chains: Vec<Vec<String>> = value
        .split(',')
        .filter(|chain| !chain.is_empty())
        .map(|chain| chain.split('.').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    // SPEC §13.1: at most 20 paths, each at most 3 relations deep.
    if chains.len() > MAX_INCLUDES || chains.iter().any(|chain| chain.len() > MAX_DEPTH) {
        return Err(DxError::bad_parameter(format!(
            "include names at most {MAX_INCLUDES} paths, each at most {MAX_DEPTH} relations deep."
        )));
    }
    Ok(chains)
}

/// The field a filter or sort names: `alias.field` (the part before the point is ignored,
/// as the reference does) or the field alone.
fn field<'a>(configuration: &'a Configuration, name: &str) -> Result<&'a Field, DxError> {
    let visible = name.split_once('.').map_or(name, |(_, field)| field);
    configuration
        .definition
        .fields
        .iter()
        .find(|field| field.field_visible_name == visible)
        .ok_or_else(|| DxError::unknown_filter(visible, &configuration.table_alias))
}

/// `filter[name]=v`, `filter[name]={"in":[...]}` or `filter[name][op]=v` (`rest` is what
/// follows `filter[`).
fn bracket(configuration: &Configuration, rest: &str, value: &str) -> Result<Filter, DxError> {
    let malformed = || DxError::bad_parameter(format!("filter[{rest} is not a filter."));
    let (name, operator) = match rest.split_once("][") {
        Some((name, op)) => (name, Some(op.strip_suffix(']').ok_or_else(malformed)?)),
        None => (rest.strip_suffix(']').ok_or_else(malformed)?, None),
    };
    let field = field(configuration, name)?;
    let operator = match operator {
        None => None,
        Some("null") => {
            return match value {
                "true" | "1" => Ok(leaf(field, Operator::IsNull, Vec::new())),
                "false" | "0" => Ok(leaf(field, Operator::IsNotNull, Vec::new())),
                _ => Err(DxError::bad_parameter(format!(
                    "filter[{name}][null] is true or false."
                ))),
            };
        }
        Some(op) => Some(Operator::from_bracket(op).ok_or_else(|| {
            let known: Vec<&str> = Operator::bracket_names().collect();
            DxError::bad_parameter(format!(
                "Unknown filter operator `{op}`; one of: {}.",
                known.join(", ")
            ))
        })?),
    };
    let values = match operator {
        // The reference's list: `{"in": [...]}` (or `IN`) as the value.
        None => match listed(value) {
            Some(list) => return rule(field, Operator::In, &list),
            None => vec![Value::String(value.to_owned())],
        },
        Some(Operator::In | Operator::NotIn) => match listed(value) {
            Some(list) => list,
            None => value
                .split(',')
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        },
        Some(_) => vec![Value::String(value.to_owned())],
    };
    rule(field, operator.unwrap_or(Operator::Eq), &values)
}

/// The values of `{"in": [...]}`.
fn listed(text: &str) -> Option<Vec<Value>> {
    let value = serde_json::from_str::<Value>(text).ok()?;
    let object = value.as_object()?;
    if object.len() != 1 {
        return None;
    }
    object
        .get("in")
        .or_else(|| object.get("IN"))?
        .as_array()
        .cloned()
}

fn leaf(field: &Field, operator: Operator, values: Vec<Value>) -> Filter {
    Filter::Rule {
        column: field.field_name.clone(),
        text: field.ty == FieldType::String,
        operator,
        values,
    }
}

/// One field, operator and values, each value typed by the field.
fn rule(field: &Field, operator: Operator, values: &[Value]) -> Result<Filter, DxError> {
    let name = field.field_visible_name.as_str();
    let textual = matches!(
        operator,
        Operator::Contains
            | Operator::NotContains
            | Operator::StartsWith
            | Operator::NotStartsWith
            | Operator::EndsWith
            | Operator::NotEndsWith
            | Operator::IsEmpty
            | Operator::IsNotEmpty
    );
    if textual && field.ty != FieldType::String {
        return Err(DxError::bad_parameter(format!(
            "The filter `{}` applies to text; `{name}` is {}.",
            operator.query_builder_name(),
            field.ty.name()
        )));
    }
    let wanted = match operator {
        Operator::IsNull | Operator::IsNotNull | Operator::IsEmpty | Operator::IsNotEmpty => 0,
        Operator::Between | Operator::NotBetween => 2,
        Operator::In | Operator::NotIn => values.len().clamp(1, MAX_LIST),
        _ => 1,
    };
    if values.len() != wanted {
        return Err(DxError::bad_parameter(format!(
            "The filter `{}` on `{name}` takes {wanted} value(s), not {}.",
            operator.query_builder_name(),
            values.len()
        )));
    }
    let typed: Vec<Value> = values
        .iter()
        .map(|value| typed(field, value).ok_or_else(|| DxError::wrong_type("filter", name)))
        .collect::<Result<_, _>>()?;
    Ok(leaf(field, operator, typed))
}

/// A QueryBuilder rule set (`{"condition": "OR", "rules": [...]}`) or rule (`{"field":
/// "name", "operator": "equal", "value": "x"}`), at most 16 deep and 100 rules in all.
fn query_builder(
    configuration: &Configuration,
    node: &Value,
    depth: usize,
    rules: &mut usize,
) -> Result<Filter, DxError> {
    if depth > MAX_FILTER_DEPTH {
        return Err(DxError::bad_parameter(format!(
            "filter is at most {MAX_FILTER_DEPTH} rule sets deep."
        )));
    }
    let object = node
        .as_object()
        .ok_or_else(|| DxError::bad_parameter("Each rule of filter is a JSON object."))?;
    if let Some(children) = object.get("rules") {
        let children = children
            .as_array()
            .filter(|children| !children.is_empty())
            .ok_or_else(|| DxError::bad_parameter("rules is a list of at least one rule."))?;
        let any = match object.get("condition").and_then(Value::as_str) {
            None => false,
            Some(condition) if condition.eq_ignore_ascii_case("and") => false,
            Some(condition) if condition.eq_ignore_ascii_case("or") => true,
            Some(other) => {
                return Err(DxError::bad_parameter(format!(
                    "condition is AND or OR, not `{other}`."
                )));
            }
        };
        let parsed = children
            .iter()
            .map(|child| query_builder(configuration, child, depth + 1, rules))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(if any {
            Filter::Any(parsed)
        } else {
            Filter::All(parsed)
        });
    }
    *rules += 1;
    if *rules > MAX_FILTER_RULES {
        return Err(DxError::bad_parameter(format!(
            "filter has at most {MAX_FILTER_RULES} rules."
        )));
    }
    let name = object
        .get("field")
        .or_else(|| object.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| DxError::bad_parameter("A rule of filter names its field."))?;
    let field = field(configuration, name)?;
    let op = object
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or("equal");
    let operator = Operator::from_query_builder(op).ok_or_else(|| {
        let known: Vec<&str> = Operator::query_builder_names().collect();
        DxError::bad_parameter(format!(
            "Unknown filter operator `{op}`; one of: {}.",
            known.join(", ")
        ))
    })?;
    let values = match object.get("value") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.clone(),
        Some(one) => vec![one.clone()],
    };
    rule(field, operator, &values)
}

/// `sort=a,-b` by API names.
fn sorting(
    configuration: &Configuration,
    value: &str,
) -> Result<Vec<(String, bool, bool)>, DxError> {
    value
        .split(',')
        .filter(|key| !key.is_empty())
        .map(|key| {
            let (descending, name) = key
                .strip_prefix('-')
                .map_or((false, key), |name| (true, name));
            let field = configuration
                .definition
                .fields
                .iter()
                .find(|field| field.field_visible_name == name)
                .ok_or_else(|| {
                    DxError::bad_parameter(format!(
                        "sort: the entity `{}` has no field `{name}`.",
                        configuration.table_alias
                    ))
                })?;
            Ok((
                field.field_name.clone(),
                descending,
                field.ty == FieldType::String,
            ))
        })
        .collect()
}

fn number(key: &str, value: &str) -> Result<u64, DxError> {
    value
        .parse::<u64>()
        .ok()
        .filter(|number| *number <= MAX_OFFSET)
        .ok_or_else(|| DxError::bad_parameter(format!("{key} is a whole number, not \"{value}\".")))
}

fn size(key: &str, value: &str) -> Result<u64, DxError> {
    let size = number(key, value)?;
    if size == 0 {
        return Err(DxError::bad_parameter(format!("{key} is at least 1.")));
    }
    Ok(Ord::min(size, MAX_LIMIT))
}

/// The page a request names: the query's forms first, then the `Range` header; the first 20
/// rows when it names none.
fn page(
    configuration: &Configuration,
    paging: &[(String, String)],
    range: Option<&str>,
) -> Result<Page, DxError> {
    let get = |name: &str| {
        paging
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if let Some((key, _)) = paging.iter().find(|(key, _)| {
        !matches!(
            key.as_str(),
            "page[offset]"
                | "page[limit]"
                | "page"
                | "itemsPerPage"
                | "limit"
                | "page[size]"
                | "page[after]"
                | "page[before]"
        )
    }) {
        return Err(DxError::bad_parameter(format!(
            "`{key}` is not a page parameter."
        )));
    }
    // Every page parameter sent is checked, whichever form decides the page; each once.
    for (index, (key, value)) in paging.iter().enumerate() {
        if paging[..index].iter().any(|(earlier, _)| earlier == key) {
            return Err(DxError::bad_parameter(format!(
                "{key} is given more than once."
            )));
        }
        match key.as_str() {
            "page[offset]" => {
                number(key, value)?;
            }
            "page" | "page[limit]" | "itemsPerPage" | "limit" | "page[size]" => {
                size(key, value)?;
            }
            _ => {}
        }
    }
    let identifier = configuration.field(&configuration.definition.identifier);
    if let Some(size_text) = get("page[size]").or_else(|| {
        get("page[after]")
            .or_else(|| get("page[before]"))
            .map(|_| "")
    }) {
        let size = if size_text.is_empty() {
            DEFAULT_LIMIT
        } else {
            size("page[size]", size_text)?
        };
        let key = identifier.ok_or_else(|| DxError::bad_parameter("The entity has no key."))?;
        let after = get("page[after]")
            .map(|text| uncursor(key, text))
            .transpose()?;
        let before = get("page[before]")
            .map(|text| uncursor(key, text))
            .transpose()?;
        if after.is_some() && before.is_some() {
            return Err(DxError::bad_parameter(
                "A page is after a cursor or before one, not both.",
            ));
        }
        return Ok(Page::Cursor {
            size,
            after,
            before,
        });
    }
    if let Some(number_text) = get("page") {
        let number = number("page", number_text)?;
        if number == 0 {
            return Err(DxError::bad_parameter("page is at least 1."));
        }
        let size = match get("itemsPerPage")
            .map(|v| ("itemsPerPage", v))
            .or_else(|| get("limit").map(|v| ("limit", v)))
        {
            Some((key, value)) => size(key, value)?,
            None => DEFAULT_LIMIT,
        };
        return Ok(Page::Number { number, size });
    }
    let offset = get("page[offset]")
        .map(|value| number("page[offset]", value))
        .transpose()?;
    let limit = get("page[limit]")
        .or_else(|| get("itemsPerPage"))
        .or_else(|| get("limit"))
        .map(|value| size("page[limit]", value))
        .transpose()?;
    if offset.is_none()
        && limit.is_none()
        && let Some(range) = range.and_then(|range| header_range(configuration, range))
    {
        return Ok(range);
    }
    Ok(Page::Offset {
        offset: offset.unwrap_or(0),
        limit: limit.unwrap_or(DEFAULT_LIMIT),
    })
}

/// `Range: {alias}=first-last`; anything else is ignored (RFC 9110 §14.2).
fn header_range(configuration: &Configuration, text: &str) -> Option<Page> {
    let (unit, span) = text.trim().split_once('=')?;
    if unit.trim() != configuration.table_alias {
        return None;
    }
    let (first, last) = span.trim().split_once('-')?;
    let first: u64 = first.trim().parse().ok()?;
    let last: u64 = last.trim().parse().ok()?;
    (first <= last && last <= MAX_OFFSET).then_some(Page::Range { first, last })
}

/// A value as the field's type (text from a URL, or JSON from a list or rule).
pub(crate) fn typed(field: &Field, value: &Value) -> Option<Value> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Null | Value::Array(_) | Value::Object(_) => return None,
        other => other.to_string(),
    };
    if text.contains('\0') {
        // No column holds it (PostgreSQL refuses even to compare it).
        return None;
    }
    match field.ty {
        FieldType::String => Some(Value::String(text)),
        FieldType::Integer => text.parse::<i64>().ok().map(Value::from),
        FieldType::Boolean => match text.as_str() {
            "true" | "1" => Some(Value::Bool(true)),
            "false" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Decimal => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::from),
    }
}
