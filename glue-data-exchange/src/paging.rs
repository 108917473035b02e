//! The links and `meta` of a JSON:API page of rows (SPEC §3.2, §5.2): written in the form the
//! client asked in, every other query parameter kept, percent-encoded.

use serde_json::{Map, Value, json};

use crate::query::{Page, cursor};
use crate::read::Rows;

/// The page asked for and what was found.
pub(crate) struct Paging<'a> {
    pub(crate) base: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) page: &'a Page,
    pub(crate) found: &'a Rows,
}

/// The query parameters that choose a page.
fn is_paging(key: &str) -> bool {
    key.starts_with("page") || key == "itemsPerPage" || key == "limit"
}

impl Paging<'_> {
    /// The URL of another page: the request's other parameters, then `page`'s.
    fn link(&self, page: &[(&str, String)]) -> Value {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in form_urlencoded::parse(self.query.unwrap_or_default().as_bytes()) {
            if !is_paging(&key) {
                query.append_pair(&key, &value);
            }
        }
        for (key, value) in page {
            query.append_pair(key, value);
        }
        let query = query.finish();
        if query.is_empty() {
            Value::String(self.base.to_owned())
        } else {
            Value::String(format!("{}?{query}", self.base))
        }
    }

    /// `self`, `first`, `prev` and `next` where there are such pages, `last` when the total
    /// is known.
    pub(crate) fn links(&self) -> Value {
        let mut links = Map::new();
        let here = match self.query {
            Some(query) if !query.is_empty() => format!("{}?{query}", self.base),
            _ => self.base.to_owned(),
        };
        links.insert("self".into(), here.into());
        let total = self.found.total;
        match self.page {
            Page::Offset { offset, limit } => {
                let at = |offset: u64| {
                    self.link(&[
                        ("page[offset]", offset.to_string()),
                        ("page[limit]", limit.to_string()),
                    ])
                };
                links.insert("first".into(), at(0));
                if *offset > 0 {
                    links.insert("prev".into(), at(offset.saturating_sub(*limit)));
                }
                if let Some(total) = total {
                    if offset + limit < total {
                        links.insert("next".into(), at(offset + limit));
                    }
                    links.insert("last".into(), at((total.max(1) - 1) / limit * limit));
                }
            }
            Page::Number { number, size } => {
                let at = |number: u64| {
                    self.link(&[
                        ("page", number.to_string()),
                        ("itemsPerPage", size.to_string()),
                    ])
                };
                links.insert("first".into(), at(1));
                if *number > 1 {
                    links.insert("prev".into(), at(number - 1));
                }
                if let Some(total) = total {
                    if number.saturating_mul(*size) < total {
                        links.insert("next".into(), at(number + 1));
                    }
                    links.insert("last".into(), at(total.div_ceil(*size).max(1)));
                }
            }
            Page::Cursor {
                size,
                after,
                before,
            } => {
                let at = |key: &str, position: &Value| {
                    self.link(&[("page[size]", size.to_string()), (key, cursor(position))])
                };
                links.insert(
                    "first".into(),
                    self.link(&[("page[size]", size.to_string())]),
                );
                if let Some((first, last)) = &self.found.ends {
                    // Going forward, more rows mean a next page; going back, a previous one.
                    let backwards = before.is_some();
                    if (backwards && self.found.more) || after.is_some() {
                        links.insert("prev".into(), at("page[before]", first));
                    }
                    if backwards || self.found.more {
                        links.insert("next".into(), at("page[after]", last));
                    }
                }
            }
            Page::Range { .. } => {}
        }
        Value::Object(links)
    }

    /// `{"page", "pages", "records", "records_per_page", "records_total"}` when the total is
    /// known.
    pub(crate) fn meta(&self) -> Option<Value> {
        let total = self.found.total?;
        let (offset, limit) = self.page.window();
        let records = self.found.rows.len();
        let page = match self.page {
            Page::Number { number, .. } => *number,
            _ => offset / limit + 1,
        };
        Some(
            json!({"page": page, "pages": total.div_ceil(limit), "records": records,
                    "records_per_page": limit, "records_total": total}),
        )
    }
}
