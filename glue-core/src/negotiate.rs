//! Content negotiation (SPEC §2.2, §2.3): which convention answers, and which reads the body.

use std::borrow::Cow;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue};
use mediatype::{MediaType, MediaTypeList};

/// One media type of an `Accept` or `Content-Type` header, without its `q` weight.
#[derive(Debug, Clone)]
pub struct MediaRange<'a> {
    inner: MediaType<'a>,
}

impl<'a> MediaRange<'a> {
    /// Parses one media type (`application/vnd.api+json; ext="..."`).
    #[must_use]
    pub fn parse(text: &'a str) -> Option<Self> {
        MediaType::parse(text.trim())
            .ok()
            .map(|inner| Self { inner })
    }

    /// Whether the type, subtype and suffix are these (case-insensitive);
    /// `application/vnd.api+json` is `("application", "vnd.api", Some("json"))`.
    #[must_use]
    pub fn is(&self, ty: &str, subtype: &str, suffix: Option<&str>) -> bool {
        self.inner.ty == ty
            && self.inner.subty == subtype
            && match (&self.inner.suffix, suffix) {
                (None, None) => true,
                (Some(actual), Some(expected)) => *actual == expected,
                _ => false,
            }
    }

    /// The top-level type (`application`).
    #[must_use]
    pub fn ty(&self) -> &str {
        self.inner.ty.as_str()
    }

    /// The subtype (`vnd.api`).
    #[must_use]
    pub fn subtype(&self) -> &str {
        self.inner.subty.as_str()
    }

    /// The parameters, names lower-cased, values unquoted.
    pub fn params(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.inner.params.iter().map(|(name, value)| {
            let name = name.as_str();
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(name)
            };
            (name, value.unquoted_str())
        })
    }

    /// One parameter's value, unquoted.
    #[must_use]
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.inner
            .params
            .iter()
            .find(|(key, _)| key.as_str().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.unquoted_str())
    }
}

/// Something that recognises media types: the router asks each convention in turn.
pub(crate) trait Accepts {
    fn accepts_media(&self, media: &MediaRange<'_>) -> bool;
}

/// The outcome of negotiating `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// This convention answers.
    Index(usize),
    /// Nothing offered is acceptable: 406.
    None,
}

/// What an `Accept` header asks for (SPEC §2.2), parsed once: anything (absent, empty, or
/// nothing in it parses), nothing offered (every entry refused with `q=0`), or media ranges
/// in order of weight, then position.
#[derive(Debug)]
pub(crate) enum Preferences<'a> {
    /// The default convention, any version.
    Any,
    /// Media ranges, most preferred first.
    Ranges(Vec<MediaRange<'a>>),
}

impl<'a> Preferences<'a> {
    /// Parses an `Accept` header.
    pub(crate) fn parse(header: Option<&'a str>) -> Self {
        let Some(text) = header.filter(|text| !text.trim().is_empty()) else {
            return Self::Any;
        };
        let mut ranges: Vec<(f32, MediaRange<'a>)> = Vec::new();
        let mut parsed = false;
        for item in MediaTypeList::new(text) {
            let Ok(media) = item else { continue };
            parsed = true;
            let (weight, media) = split_weight(media);
            if weight > 0.0 {
                ranges.push((weight, MediaRange { inner: media }));
            }
        }
        if !parsed {
            return Self::Any;
        }
        // A stable sort keeps the client's order among equal weights.
        ranges.sort_by(|(a, _), (b, _)| b.total_cmp(a));
        Self::Ranges(ranges.into_iter().map(|(_, range)| range).collect())
    }

    /// The acceptable conventions, most preferred first, each with the version it asks for
    /// (SPEC §2.4): `*/*` and `application/*` stand for the default convention, any version.
    pub(crate) fn conventions<'c, C: Accepts>(
        &'c self,
        conventions: &'c [C],
        default: usize,
    ) -> impl Iterator<Item = (usize, Option<Cow<'c, str>>)> + 'c {
        let (any, ranges): (_, &[MediaRange<'a>]) = match self {
            Self::Any => (Some((default, None)), &[]),
            Self::Ranges(ranges) => (None, ranges),
        };
        any.into_iter()
            .chain(ranges.iter().filter_map(move |range| {
                let ty = range.ty();
                if ty == "*" || (ty.eq_ignore_ascii_case("application") && range.subtype() == "*") {
                    return Some((default, None));
                }
                conventions
                    .iter()
                    .position(|convention| convention.accepts_media(range))
                    .map(|index| (index, range.param("version")))
            }))
    }
}

/// The convention that answers (SPEC §2.2): the most preferred acceptable one; `None` means
/// 406.
pub(crate) fn negotiate_accept<C: Accepts>(
    header: Option<&str>,
    conventions: &[C],
    default: usize,
) -> Accepted {
    let preferences = Preferences::parse(header);
    let first = preferences.conventions(conventions, default).next();
    first.map_or(Accepted::None, |(index, _)| Accepted::Index(index))
}

/// The `version` parameter of a `Content-Type`, if any.
pub(crate) fn content_type_version(header: Option<&HeaderValue>) -> Option<String> {
    let text = header?.to_str().ok()?;
    MediaRange::parse(text)?
        .param("version")
        .map(Cow::into_owned)
}

/// The `Accept` field of a request: several field lines combine into one list (RFC 9110
/// §5.3); lines that are not text are left out.
pub(crate) fn accept_header(headers: &HeaderMap) -> Option<Cow<'_, str>> {
    let mut lines = headers
        .get_all(http::header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok());
    let first = lines.next()?;
    match lines.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut combined = format!("{first}, {second}");
            for line in lines {
                combined.push_str(", ");
                combined.push_str(line);
            }
            Some(Cow::Owned(combined))
        }
    }
}

/// Picks the convention that reads a request body from its `Content-Type` (SPEC §2.3);
/// `None` means 415.
pub(crate) fn negotiate_content_type<C: Accepts>(
    header: Option<&HeaderValue>,
    conventions: &[C],
) -> Option<usize> {
    let text = header?.to_str().ok()?;
    let media = MediaRange::parse(text)?;
    conventions
        .iter()
        .position(|convention| convention.accepts_media(&media))
}

/// Picks the locale of a request (SPEC §2.5) from `Accept-Language`: its language ranges in
/// order of weight, then position; a range names a locale exactly (`de-DE` or `de_DE`, any
/// case) or by language (`de` takes the first `de_*` offered); a range that names a region
/// not offered falls back to its language (`de-AT` takes `de_DE`). `*`, no header, or no
/// match: the first locale, the default. `None` when the application offers no locales.
pub(crate) fn negotiate_language(header: Option<&str>, locales: &[Arc<str>]) -> Option<usize> {
    if locales.is_empty() {
        return None;
    }
    let Some(text) = header else {
        return Some(0);
    };
    let mut ranges: Vec<(f32, &str)> = text
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let range = parts.next()?.trim();
            if range.is_empty() {
                return None;
            }
            let weight = parts
                .find_map(|param| {
                    let (name, value) = param.split_once('=')?;
                    name.trim().eq_ignore_ascii_case("q").then_some(value)
                })
                .map_or(1.0, weight);
            (weight > 0.0).then_some((weight, range))
        })
        .collect();
    ranges.sort_by(|(a, _), (b, _)| b.total_cmp(a));
    let same = |a: &str, b: &str| {
        a.len() == b.len()
            && a.bytes().zip(b.bytes()).all(|(x, y)| {
                let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
                x == y || (x == b'-' && y == b'_') || (x == b'_' && y == b'-')
            })
    };
    let language = |locale: &str| locale.split(['_', '-']).next().unwrap_or(locale).to_owned();
    for (_, range) in ranges {
        if range == "*" {
            return Some(0);
        }
        if let Some(index) = locales.iter().position(|locale| same(range, locale)) {
            return Some(index);
        }
        let wanted = language(range);
        if let Some(index) = locales
            .iter()
            .position(|locale| language(locale).eq_ignore_ascii_case(&wanted))
        {
            return Some(index);
        }
    }
    Some(0)
}

/// A `q` value (RFC 9110 §12.4.2): from 0 to 1; one that is not counts as 1.
fn weight(text: &str) -> f32 {
    text.trim()
        .parse::<f32>()
        .ok()
        .filter(|weight| (0.0..=1.0).contains(weight))
        .unwrap_or(1.0)
}

/// Separates the `q` weight (and any accept-extension after it) from the media type.
/// The media ranges of an `Accept` header that are acceptable at all (weight above 0),
/// without their weights.
pub(crate) fn acceptable_ranges(text: &str) -> impl Iterator<Item = MediaRange<'_>> {
    MediaTypeList::new(text).filter_map(|item| {
        let (weight, media) = split_weight(item.ok()?);
        (weight > 0.0).then_some(MediaRange { inner: media })
    })
}

fn split_weight(media: MediaType<'_>) -> (f32, MediaType<'_>) {
    let Some(position) = media
        .params
        .iter()
        .position(|(name, _)| name.as_str().eq_ignore_ascii_case("q"))
    else {
        return (1.0, media);
    };
    let weight = weight(media.params[position].1.as_str());
    let params = media.params[..position].to_vec();
    (
        weight,
        MediaType {
            ty: media.ty,
            subty: media.subty,
            suffix: media.suffix,
            params: Cow::Owned(params),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales() -> Vec<Arc<str>> {
        vec![Arc::from("de_DE"), Arc::from("en_US"), Arc::from("en_GB")]
    }

    #[test]
    fn languages_are_matched_by_weight_tag_and_language() {
        let offered = locales();
        let pick = |header: Option<&str>| negotiate_language(header, &offered);
        assert_eq!(pick(None), Some(0));
        assert_eq!(pick(Some("en")), Some(1));
        assert_eq!(pick(Some("en-GB")), Some(2));
        assert_eq!(pick(Some("EN_gb")), Some(2));
        assert_eq!(pick(Some("de;q=1, en;q=0.5")), Some(0));
        assert_eq!(pick(Some("de;q=0.5, en;q=0.9")), Some(1));
        assert_eq!(
            pick(Some("fr, en-AU;q=0.8")),
            Some(1),
            "en-AU falls back to en"
        );
        assert_eq!(pick(Some("fr, it")), Some(0), "no match: the default");
        assert_eq!(pick(Some("en;q=0, *")), Some(0));
        assert_eq!(pick(Some("en;q=garbage")), Some(1));
        assert_eq!(pick(Some(" , ;;")), Some(0));
        assert_eq!(negotiate_language(Some("en"), &[]), None);
    }

    struct Exact(
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static [&'static str],
    );

    impl Accepts for Exact {
        fn accepts_media(&self, media: &MediaRange<'_>) -> bool {
            media.is(self.0, self.1, self.2)
                && media
                    .params()
                    .all(|(name, _)| self.3.contains(&name.as_ref()))
        }
    }

    const OFFERED: [Exact; 2] = [
        Exact(
            "application",
            "vnd.api",
            Some("json"),
            &["ext", "profile", "version"],
        ),
        Exact("application", "json", None, &["charset"]),
    ];

    fn accept(text: &str) -> Accepted {
        negotiate_accept(Some(text), &OFFERED, 0)
    }

    #[test]
    fn wildcards_and_absence_choose_the_default() {
        assert_eq!(negotiate_accept(None, &OFFERED, 1), Accepted::Index(1));
        assert_eq!(accept(""), Accepted::Index(0));
        assert_eq!(accept("*/*"), Accepted::Index(0));
        assert_eq!(accept("application/*"), Accepted::Index(0));
        assert_eq!(accept("text/html, */*;q=0.1"), Accepted::Index(0));
    }

    #[test]
    fn weights_decide_before_position() {
        assert_eq!(
            accept("application/vnd.api+json;q=0.5, application/json"),
            Accepted::Index(1)
        );
        assert_eq!(
            accept("application/json;q=0.9, application/vnd.api+json"),
            Accepted::Index(0)
        );
        assert_eq!(accept("application/json;q=0, text/html"), Accepted::None);
    }

    #[test]
    fn unknown_types_and_parameters_are_not_acceptable() {
        assert_eq!(accept("text/html"), Accepted::None);
        assert_eq!(
            accept("application/vnd.api+json; charset=utf-8"),
            Accepted::None
        );
        assert_eq!(
            accept("application/vnd.api+json; charset=utf-8, application/json"),
            Accepted::Index(1)
        );
        assert_eq!(
            accept("application/vnd.api+json; ext=\"https://example.com/ext\""),
            Accepted::Index(0)
        );
        assert_eq!(accept("APPLICATION/VND.API+JSON"), Accepted::Index(0));
    }

    #[test]
    fn accept_lines_combine_into_one_list() {
        let mut headers = HeaderMap::new();
        assert_eq!(accept_header(&headers), None);
        headers.append(http::header::ACCEPT, HeaderValue::from_static("text/html"));
        assert_eq!(accept_header(&headers).as_deref(), Some("text/html"));
        headers.append(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let combined = accept_header(&headers);
        assert_eq!(combined.as_deref(), Some("text/html, application/json"));
        assert_eq!(
            negotiate_accept(combined.as_deref(), &OFFERED, 0),
            Accepted::Index(1)
        );
    }

    #[test]
    fn content_types_pick_the_reading_convention() {
        let header = |text: &str| HeaderValue::from_str(text).unwrap();
        assert_eq!(negotiate_content_type(None, &OFFERED), None);
        assert_eq!(
            negotiate_content_type(Some(&header("application/json; charset=utf-8")), &OFFERED),
            Some(1)
        );
        assert_eq!(
            negotiate_content_type(Some(&header("application/vnd.api+json; foo=bar")), &OFFERED),
            None
        );
        assert_eq!(
            negotiate_content_type(Some(&header("text/plain")), &OFFERED),
            None
        );
    }
}
