//! Scope: what a request is scoped to before it is routed, its locale (SPEC §2.5) and code
//! bucket (SPEC §7.3).

use std::sync::Arc;

use http::header;
use http::request::Parts;

use super::app::Buckets;
use crate::links::request_authority;
use crate::model::ApiModel;
use crate::negotiate::negotiate_language;

/// The locale and code bucket of a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub(crate) locale: Option<Arc<str>>,
    pub(crate) code_bucket: Option<Arc<str>>,
}

/// The locale `Accept-Language` picks among the application's, and the code bucket: the
/// application's fixed one, else the one a label of the request's host names.
pub(crate) fn scope(model: &ApiModel, buckets: &Buckets, parts: &Parts) -> Scope {
    let locale = negotiate_language(
        parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
        model.locales(),
    )
    .map(|index| Arc::clone(&model.locales()[index]));
    let code_bucket = buckets.fixed.clone().or_else(|| {
        if buckets.known.is_empty() {
            return None;
        }
        let authority = request_authority(&parts.uri, &parts.headers)?;
        authority.host().split('.').find_map(|label| {
            buckets
                .known
                .iter()
                .find(|bucket| bucket.eq_ignore_ascii_case(label))
                .cloned()
        })
    });
    Scope {
        locale,
        code_bucket,
    }
}
