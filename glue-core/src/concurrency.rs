//! Optimistic concurrency (SPEC §12.1, RFC 9110 §13): the entity tag of an item from its
//! declared version source, and the conditional headers checked against it.
//!
//! The framework checks `If-Match` against the item it loaded before calling the processor;
//! a processor that writes later must make sure, in the statement that writes, that the
//! stored version is still the loaded one ([`Context::is_conditional`]). A SQL store does
//! that with the version in the `WHERE` of its `UPDATE`; an in-memory store under its lock.
//!
//! [`Context::is_conditional`]: crate::Context::is_conditional

use http::StatusCode;
use http::header::{self, HeaderMap, HeaderValue};

use crate::error::GlueError;
use crate::meta::{ResourceMeta, VersionSource};
use crate::resource::Resource;

/// The strong entity tag of an item (`"7"`), when its resource declares a version source.
#[must_use]
pub fn etag<R: Resource>(item: &R) -> Option<String> {
    let concurrency = R::meta().concurrency?;
    let version = match concurrency.source {
        VersionSource::Counter(name) => item.property_value(name)?.to_string(),
        VersionSource::Timestamp(name) => match item.property_value(name)? {
            glue_common::Scalar::DateTime(instant) => version_text(&instant),
            other => other.to_string(),
        },
        VersionSource::Hash => format!("{:016x}", state_hash(R::meta(), item)),
    };
    // Only the characters an entity tag may hold (RFC 9110 §8.8.3): no quote, no space.
    let version: String = version
        .chars()
        .map(|c| {
            if c == '"' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect();
    Some(format!("\"{version}\""))
}

/// The text of a timestamp version, as a store writes it and compares it: microseconds, so
/// that two writes in one second are two versions (`2024-05-01T10:00:00.123456+00:00`).
#[must_use]
pub fn version_text(instant: &chrono::DateTime<chrono::Utc>) -> String {
    instant.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// The timestamp version that follows `previous`: now, or a microsecond later than
/// `previous` when the clock has not moved past it.
#[must_use]
pub fn next_version_time(
    previous: Option<chrono::DateTime<chrono::Utc>>,
) -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    match previous {
        Some(previous) if previous >= now => previous + chrono::Duration::microseconds(1),
        _ => now,
    }
}

/// FNV-1a over the readable properties, in declaration order: stable across processes and
/// builds, so that replicas agree on the tag of the same state.
fn state_hash<R: Resource>(meta: &ResourceMeta, item: &R) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for property in meta.properties.iter().filter(|p| p.readable) {
        feed(property.name.as_bytes());
        feed(b"=");
        match item.property_value(property.name) {
            Some(glue_common::Scalar::Composite) | None => {
                let json = item.property_json(property.name).unwrap_or_default();
                feed(json.to_string().as_bytes());
            }
            Some(value) => {
                // The kind keeps `1` and `"1"` apart.
                feed(&[kind_byte(&value)]);
                feed(value.to_string().as_bytes());
            }
        }
        feed(b"\0");
    }
    hash
}

fn kind_byte(value: &glue_common::Scalar<'_>) -> u8 {
    use glue_common::Scalar;
    match value {
        Scalar::Null => 0,
        Scalar::String(_) => 1,
        Scalar::Integer(_) => 2,
        Scalar::Decimal(_) => 3,
        Scalar::Boolean(_) => 4,
        Scalar::DateTime(_) => 5,
        Scalar::Date(_) => 6,
        Scalar::Composite => 7,
    }
}

/// Whether a list of entity tags (`If-Match`, `If-None-Match`) names `current`; `*` names
/// any. `weak` compares weakly (a `W/` tag matches its strong twin), else a weak tag never
/// matches (RFC 9110 §8.8.3.2).
fn names(headers: &HeaderMap, name: &header::HeaderName, current: &str, weak: bool) -> bool {
    headers.get_all(name).iter().any(|value| {
        value.to_str().is_ok_and(|list| {
            list.split(',').map(str::trim).any(|tag| {
                if tag == "*" {
                    return true;
                }
                match tag.strip_prefix("W/") {
                    Some(tag) => weak && tag == current,
                    None => tag == current,
                }
            })
        })
    })
}

/// Whether the request carries `If-Match` with tags (not `*`): the write must find the
/// stored version unchanged.
pub(crate) fn is_conditional(headers: &HeaderMap) -> bool {
    headers.get_all(header::IF_MATCH).iter().any(|value| {
        value
            .to_str()
            .map_or(true, |list| list.split(',').any(|tag| tag.trim() != "*"))
    })
}

/// The preconditions of a write on the stored item (SPEC §12.1, RFC 9110 §13.1): 428 when
/// the resource requires `If-Match` and the request has none; 412 when `If-Match` names
/// another version (or any version, for an item that has none), or `If-None-Match` names
/// this one (or is `*`: the item exists).
pub(crate) fn check_write<R: Resource>(headers: &HeaderMap, stored: &R) -> Result<(), GlueError> {
    let meta = R::meta();
    let (if_match, if_none_match) = (
        headers.contains_key(header::IF_MATCH),
        headers.contains_key(header::IF_NONE_MATCH),
    );
    if !if_match && !if_none_match {
        return match meta.concurrency {
            Some(concurrency) if concurrency.require_if_match => Err(if_match_required(meta)),
            _ => Ok(()),
        };
    }
    let current = etag(stored).unwrap_or_default();
    if if_match {
        if !names(headers, &header::IF_MATCH, &current, false) {
            return Err(precondition_failed(meta));
        }
    } else if meta.concurrency.is_some_and(|c| c.require_if_match) {
        return Err(if_match_required(meta));
    }
    if if_none_match && names(headers, &header::IF_NONE_MATCH, &current, true) {
        return Err(precondition_failed(meta));
    }
    Ok(())
}

/// 428: the resource requires `If-Match` on writes.
fn if_match_required(meta: &ResourceMeta) -> GlueError {
    GlueError::new(
        StatusCode::PRECONDITION_REQUIRED,
        format!(
            "Changing {} needs an If-Match header with the ETag of the stored item.",
            meta.short_name
        ),
    )
    .with_code("if_match_required")
}

/// 412: the stored item is no longer the version the client read.
#[must_use]
pub fn precondition_failed(meta: &ResourceMeta) -> GlueError {
    GlueError::new(
        StatusCode::PRECONDITION_FAILED,
        format!(
            "The {} was changed since it was read: read it again and retry with its new ETag.",
            meta.label
        ),
    )
    .with_code("precondition_failed")
}

/// Whether a read may answer 304: `If-None-Match` names the current tag (weakly).
pub(crate) fn not_modified(headers: &HeaderMap, current: &str) -> bool {
    names(headers, &header::IF_NONE_MATCH, current, true)
}

/// `ETag: "..."` for the answer, when the item has a version.
pub(crate) fn etag_header<R: Resource>(item: &R) -> Option<HeaderValue> {
    etag(item).and_then(|tag| HeaderValue::from_str(&tag).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn tags_compare_strongly_for_writes_and_weakly_for_reads() {
        let current = "\"3\"";
        let list = headers(header::IF_MATCH, "\"1\", \"3\"");
        assert!(names(&list, &header::IF_MATCH, current, false));
        let weak = headers(header::IF_MATCH, "W/\"3\"");
        assert!(!names(&weak, &header::IF_MATCH, current, false));
        let weak = headers(header::IF_NONE_MATCH, "W/\"3\"");
        assert!(not_modified(&weak, current));
        assert!(!not_modified(
            &headers(header::IF_NONE_MATCH, "\"4\""),
            current
        ));
        assert!(not_modified(&headers(header::IF_NONE_MATCH, "*"), current));
        assert!(!is_conditional(&headers(header::IF_MATCH, "*")));
        assert!(is_conditional(&headers(header::IF_MATCH, "\"2\"")));
        assert!(!is_conditional(&HeaderMap::new()));
    }
}
