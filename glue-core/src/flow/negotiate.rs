//! Negotiate: which variant of the operation answers (code bucket, then version), in which
//! convention, and which convention reads the body (SPEC §2.2 to §2.4, §7.3): 406 when no
//! acceptable convention or version is offered, 415 when the body's is not.

use std::sync::{Arc, PoisonError, RwLock};

use http::header::{self, HeaderValue};
use http::request::Parts;
use http::{HeaderMap, StatusCode};

use super::route::Matched;
use super::scope::Scope;
use crate::convention::Convention;
use crate::error::{ErrorSource, GlueError};
use crate::model::{ApiModel, OperationModel, newest};
use crate::negotiate::{
    Accepted, Accepts, MediaRange, Preferences, accept_header, content_type_version,
    negotiate_content_type,
};

impl Accepts for Arc<dyn Convention> {
    fn accepts_media(&self, media: &MediaRange<'_>) -> bool {
        self.accepts(media)
    }
}

impl Accepted {
    /// The convention that answers, else the default one (for errors, when negotiation
    /// itself failed).
    pub(crate) fn unwrap_or_default(self, model: &ApiModel) -> usize {
        match self {
            Self::Index(index) => index,
            Self::None => model.default_convention,
        }
    }
}

/// The convention `Accept` picks, before the route is known.
pub(crate) fn accepted(model: &ApiModel, cache: &AcceptCache, headers: &HeaderMap) -> Accepted {
    let header = accept_header(headers);
    let negotiate = || {
        crate::negotiate::negotiate_accept(
            header.as_deref(),
            model.conventions(),
            model.default_convention,
        )
    };
    match header.as_deref() {
        Some(text) => cache.get_or(text, negotiate),
        None => negotiate(),
    }
}

/// The outcomes of the `Accept` headers an application sees most, so that the one or two a
/// deployment's clients send are parsed once: the outcome depends on the header's text and
/// the application alone. Bounded in entries and in length; other headers are negotiated
/// on every request.
#[derive(Debug, Default)]
pub(crate) struct AcceptCache {
    entries: RwLock<Vec<(Box<str>, Accepted)>>,
}

/// The most `Accept` headers an [`AcceptCache`] remembers.
const CACHED_ACCEPTS: usize = 16;
/// The longest `Accept` header an [`AcceptCache`] remembers.
const CACHED_ACCEPT_LEN: usize = 256;

impl AcceptCache {
    /// The outcome for `text`, from the cache or from `negotiate` (then remembered while
    /// there is room).
    fn get_or(&self, text: &str, negotiate: impl FnOnce() -> Accepted) -> Accepted {
        if text.len() > CACHED_ACCEPT_LEN {
            return negotiate();
        }
        let found = self
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(known, _)| **known == *text)
            .map(|(_, accepted)| *accepted);
        if let Some(accepted) = found {
            return accepted;
        }
        let accepted = negotiate();
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() < CACHED_ACCEPTS && !entries.iter().any(|(known, _)| **known == *text) {
            entries.push((text.into(), accepted));
        }
        accepted
    }
}

/// What answers a request: the variant of the operation, the convention of the answer and
/// the one that reads the body.
pub(crate) struct Chosen<'a> {
    pub(crate) operation: &'a OperationModel,
    pub(crate) convention: &'a Arc<dyn Convention>,
    pub(crate) reader: Option<&'a dyn Convention>,
}

/// The variant that answers (SPEC §2.4, §7.3): the request's code bucket, else the base;
/// then the version `Content-Type` or `Accept` asks for, else the newest; with the
/// convention that answers and the one that reads the body.
pub(crate) fn negotiate<'a>(
    model: &'a ApiModel,
    parts: &Parts,
    matched: &Matched<'a, ()>,
    accepted: Accepted,
    scope: &Scope,
) -> Result<Chosen<'a>, GlueError> {
    let variants = matched
        .route
        .variants(&matched.method, scope.code_bucket.as_deref());
    let Some(first) = variants.first().copied() else {
        return Err(GlueError::not_found(format!(
            "No resource is found at {} for this code bucket.",
            matched.path
        )));
    };
    let reader = if first.operation.kind.has_body() {
        let index =
            negotiate_content_type(parts.headers.get(header::CONTENT_TYPE), model.conventions())
                .ok_or_else(|| unsupported_media_type(model, parts))?;
        Some(&*model.conventions[index])
    } else {
        None
    };
    let chosen = |operation: &'a OperationModel, index: usize| Chosen {
        operation,
        convention: &model.conventions[index],
        reader,
    };
    let accept = accept_header(&parts.headers);
    let body_version = reader
        .is_some()
        .then(|| content_type_version(parts.headers.get(header::CONTENT_TYPE)))
        .flatten();
    let versioned = variants.iter().any(|op| op.version.is_some());
    if !versioned
        && body_version.is_none()
        && !accept
            .as_deref()
            .is_some_and(|text| text.contains("version"))
    {
        let Accepted::Index(index) = accepted else {
            return Err(not_acceptable(model));
        };
        return Ok(chosen(first, index));
    }
    let by_version = |wanted: &str| {
        variants
            .iter()
            .copied()
            .find(|op| op.version == Some(wanted))
    };
    let from_body = match &body_version {
        Some(version) => Some(by_version(version).ok_or_else(|| {
            GlueError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Version {version} is not offered: {}", declared(&variants)),
            )
            .with_source(ErrorSource::Header("Content-Type".to_owned()))
        })?),
        None => None,
    };
    let newest = newest(&variants).unwrap_or(first);
    let preferences = Preferences::parse(accept.as_deref());
    for (index, version) in preferences.conventions(model.conventions(), model.default_convention) {
        let operation = match (version, from_body) {
            (None, Some(op)) => op,
            (None, None) => newest,
            (Some(version), Some(op)) if op.version == Some(version.as_ref()) => op,
            (Some(_), Some(_)) => continue,
            (Some(version), None) => match by_version(&version) {
                Some(op) => op,
                None => continue,
            },
        };
        return Ok(chosen(operation, index));
    }
    Err(GlueError::new(
        StatusCode::NOT_ACCEPTABLE,
        format!("No version in Accept is offered: {}", declared(&variants)),
    )
    .with_source(ErrorSource::Header("Accept".to_owned())))
}

/// "customers offers version 1.0, 2.0."
fn declared(variants: &[&OperationModel]) -> String {
    let name = variants.first().map_or("", |op| op.resource.short_name);
    let versions: Vec<&str> = variants.iter().filter_map(|op| op.version).collect();
    if versions.is_empty() {
        format!("{name} declares no versions.")
    } else {
        format!("{name} offers version {}.", versions.join(", "))
    }
}

/// 406: nothing in `Accept` is offered.
pub(crate) fn not_acceptable(model: &ApiModel) -> GlueError {
    GlueError::new(
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "None of the media types in Accept is offered; this API offers {}.",
            offered(model)
        ),
    )
    .with_source(ErrorSource::Header("Accept".to_owned()))
}

/// 415: the body's `Content-Type` is missing or not offered.
fn unsupported_media_type(model: &ApiModel, parts: &Parts) -> GlueError {
    let detail = match parts.headers.get(header::CONTENT_TYPE) {
        None => format!(
            "The request has a body but no Content-Type; send one of {}.",
            offered(model)
        ),
        Some(value) => format!(
            "The Content-Type \"{}\" is not supported; send one of {}.",
            value.to_str().unwrap_or("?"),
            offered(model)
        ),
    };
    GlueError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail)
        .with_source(ErrorSource::Header("Content-Type".to_owned()))
}

/// The offered media types, `application/vnd.api+json, application/json`.
fn offered(model: &ApiModel) -> String {
    let offered: Vec<&str> = model.conventions().iter().map(|c| c.media_type()).collect();
    offered.join(", ")
}

/// The `Content-Type` of an answer in a version: the media type with its `version`.
pub(crate) fn versioned_media_type(
    convention: &dyn Convention,
    version: &str,
) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("{}; version={version}", convention.media_type())).ok()
}

#[cfg(test)]
mod cache_tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn an_accept_header_is_negotiated_once_and_the_cache_stays_bounded() {
        let cache = AcceptCache::default();
        let runs = Cell::new(0);
        let negotiate = |answer| {
            runs.set(runs.get() + 1);
            answer
        };
        assert_eq!(
            cache.get_or("application/json", || negotiate(Accepted::Index(1))),
            Accepted::Index(1)
        );
        assert_eq!(
            cache.get_or("application/json", || negotiate(Accepted::None)),
            Accepted::Index(1)
        );
        assert_eq!(runs.get(), 1);
        // Past the bound, headers are negotiated every time.
        for n in 0..40 {
            let text = format!("application/x-{n}");
            cache.get_or(&text, || negotiate(Accepted::None));
            cache.get_or(&text, || negotiate(Accepted::None));
        }
        let entries = cache.entries.read().unwrap().len();
        assert_eq!(entries, CACHED_ACCEPTS);
        assert_eq!(
            runs.get(),
            1 + (CACHED_ACCEPTS - 1) + 2 * (40 - (CACHED_ACCEPTS - 1))
        );
        let long = "a".repeat(CACHED_ACCEPT_LEN + 1);
        cache.get_or(&long, || negotiate(Accepted::None));
        cache.get_or(&long, || negotiate(Accepted::None));
        assert_eq!(cache.entries.read().unwrap().len(), CACHED_ACCEPTS);
    }
}
