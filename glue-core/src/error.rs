//! Errors that leave as error documents.
//!
//! Every failure in the request flow, from routing to a panic in user code, becomes a
//! [`GlueError`]: one or more [`ErrorObject`]s, the HTTP status they share, extra response
//! headers (`Allow`, `WWW-Authenticate`...) and, for the log only, the underlying cause. The
//! negotiated convention renders it (SPEC §1.4, §3.8, §4.4).

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

/// Where in the request an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorSource {
    /// A JSON pointer into the request document (`/data/type`).
    Pointer(String),
    /// A query parameter (`page[limit]`).
    Parameter(String),
    /// A request header (`Content-Type`).
    Header(String),
    /// A property of the resource, as a path of wire names (`email`, `address.city`,
    /// `lines[1].sku`). JSON:API renders it as `/data/attributes/...`, plain JSON as a key of
    /// its `errors` map.
    Property(String),
    /// The resource identifier (`/data/id` in JSON:API); carries the property name.
    Identifier(String),
}

/// One error of an error document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorObject {
    /// The HTTP status of this error.
    pub status: StatusCode,
    /// A short machine-readable code (`validation`, `not_found`).
    pub code: Cow<'static, str>,
    /// A short human-readable summary that does not change between occurrences.
    pub title: Cow<'static, str>,
    /// What went wrong this time. For [`ErrorSource::Property`] errors, the message about
    /// the property alone (`must be a valid email address`).
    pub detail: Option<String>,
    /// Where the error was found.
    pub source: Option<ErrorSource>,
}

impl ErrorObject {
    /// An error with the status's default code and title.
    #[must_use]
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code: Cow::Borrowed(default_code(status)),
            title: Cow::Borrowed(status.canonical_reason().unwrap_or("Error")),
            detail: Some(detail.into()),
            source: None,
        }
    }

    /// The `status` member as JSON:API writes it: a string of digits.
    #[must_use]
    pub fn status_str(&self) -> &str {
        self.status.as_str()
    }
}

/// An invalid property value, for 422 answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The property path by wire names (`email`, `address.city`).
    pub property: String,
    /// The message, without the property name (`must be a valid email address`).
    pub message: String,
}

impl FieldError {
    /// An error about one property.
    #[must_use]
    pub fn new(property: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            property: property.into(),
            message: message.into(),
        }
    }
}

impl From<FieldError> for ErrorObject {
    fn from(error: FieldError) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: Cow::Borrowed("validation"),
            title: Cow::Borrowed("Invalid attribute"),
            detail: Some(error.message),
            source: Some(ErrorSource::Property(error.property)),
        }
    }
}

/// A failed request: the errors to report, their status, headers to add and the cause to log.
///
/// ```
/// use glue_core::{FieldError, GlueError};
/// use glue_core::http::StatusCode;
///
/// let error = GlueError::not_found("Customer DE--99 not found.");
/// assert_eq!(error.status(), StatusCode::NOT_FOUND);
///
/// let error = GlueError::validation([
///     FieldError::new("email", "must be a valid email address"),
///     FieldError::new("firstName", "is required"),
/// ]);
/// assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
/// assert_eq!(error.errors().len(), 2);
/// ```
pub struct GlueError {
    inner: Box<Inner>,
}

/// The most errors one document lists (SPEC §13.1); the rest are counted, not kept.
pub const MAX_ERRORS: usize = 100;

struct Inner {
    status: StatusCode,
    errors: Vec<ErrorObject>,
    /// Errors found beyond [`MAX_ERRORS`].
    omitted: usize,
    headers: HeaderMap,
    cause: Option<Box<dyn StdError + Send + Sync>>,
}

impl GlueError {
    /// An error document with the given errors; the status is their common one, else the
    /// most general (400 for mixed client errors, 500 when any is a server error).
    ///
    /// # Panics
    ///
    /// Panics when `errors` is empty: an error document has at least one error.
    #[must_use]
    #[track_caller]
    pub fn from_errors(mut errors: Vec<ErrorObject>) -> Self {
        assert!(
            !errors.is_empty(),
            "an error document needs at least one error"
        );
        let status = common_status(&errors);
        let omitted = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        Self {
            inner: Box::new(Inner {
                status,
                errors,
                omitted,
                headers: HeaderMap::new(),
                cause: None,
            }),
        }
    }

    /// How many errors were found beyond the [`MAX_ERRORS`] listed (documents say so in
    /// `meta.truncated`).
    #[must_use]
    pub fn omitted(&self) -> usize {
        self.inner.omitted
    }

    /// One error with the status's default code and title.
    #[must_use]
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::from_errors(vec![ErrorObject::new(status, detail)])
    }

    /// 400 Bad Request.
    #[must_use]
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 400 Bad Request about a query parameter (`source.parameter`).
    #[must_use]
    pub fn invalid_parameter(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut object = ErrorObject::new(StatusCode::BAD_REQUEST, detail);
        object.code = Cow::Borrowed("invalid_parameter");
        object.title = Cow::Borrowed("Invalid query parameter");
        object.source = Some(ErrorSource::Parameter(parameter.into()));
        Self::from_errors(vec![object])
    }

    /// 400 Bad Request about a place in the request document (`source.pointer`).
    #[must_use]
    pub fn invalid_document(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut object = ErrorObject::new(StatusCode::BAD_REQUEST, detail);
        object.code = Cow::Borrowed("invalid_document");
        object.title = Cow::Borrowed("Invalid request document");
        object.source = Some(ErrorSource::Pointer(pointer.into()));
        Self::from_errors(vec![object])
    }

    /// 401 Unauthorized.
    #[must_use]
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 403 Forbidden.
    #[must_use]
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    /// 404 Not Found.
    #[must_use]
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 409 Conflict.
    #[must_use]
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    /// 409 Conflict about a place in the request document.
    #[must_use]
    pub fn conflict_at(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut object = ErrorObject::new(StatusCode::CONFLICT, detail);
        object.source = Some(ErrorSource::Pointer(pointer.into()));
        Self::from_errors(vec![object])
    }

    /// 422 Unprocessable Content listing every invalid property.
    ///
    /// # Panics
    ///
    /// Panics when `errors` is empty.
    #[must_use]
    #[track_caller]
    pub fn validation(errors: impl IntoIterator<Item = FieldError>) -> Self {
        Self::from_errors(errors.into_iter().map(ErrorObject::from).collect())
    }

    /// 500 Internal Server Error. The cause goes to the log, never to the client.
    #[must_use]
    pub fn internal(cause: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not complete the request.",
        )
        .with_cause(cause)
    }

    /// Attaches the underlying cause, for the log.
    #[must_use]
    pub fn with_cause(mut self, cause: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.inner.cause = Some(cause.into());
        self
    }

    /// Adds a response header (`Allow`, `WWW-Authenticate`...).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.inner.headers.insert(name, value);
        self
    }

    /// Adds a value to a response header that may repeat (each `WWW-Authenticate`
    /// challenge); a value already there is not added twice.
    #[must_use]
    pub fn with_appended_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        if !self
            .inner
            .headers
            .get_all(&name)
            .iter()
            .any(|v| *v == value)
        {
            self.inner.headers.append(name, value);
        }
        self
    }

    /// Replaces the code of every error.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<Cow<'static, str>>) -> Self {
        let code = code.into();
        for error in &mut self.inner.errors {
            error.code = code.clone();
        }
        self
    }

    /// Replaces the title of every error.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<Cow<'static, str>>) -> Self {
        let title = title.into();
        for error in &mut self.inner.errors {
            error.title = title.clone();
        }
        self
    }

    /// Sets where the error was found, on every error.
    #[must_use]
    pub fn with_source(mut self, source: ErrorSource) -> Self {
        if let Some((last, rest)) = self.inner.errors.split_last_mut() {
            for error in rest {
                error.source = Some(source.clone());
            }
            last.source = Some(source);
        }
        self
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The errors to report.
    #[must_use]
    pub fn errors(&self) -> &[ErrorObject] {
        &self.inner.errors
    }

    /// The same errors, pointing into operation `index` of an atomic request (SPEC §12.3):
    /// `/atomic:operations/2/data/attributes/email`; an error without a place points at the
    /// operation.
    #[must_use]
    pub fn in_operation(mut self, index: usize) -> Self {
        let prefix = format!("/atomic:operations/{index}");
        for error in &mut self.inner.errors {
            let pointer = match error.source.take() {
                Some(ErrorSource::Pointer(pointer)) => format!("{prefix}{pointer}"),
                Some(ErrorSource::Property(path)) => {
                    property_pointer(&format!("{prefix}/data/attributes"), &path)
                }
                Some(ErrorSource::Identifier(_)) => format!("{prefix}/data/id"),
                Some(other @ (ErrorSource::Parameter(_) | ErrorSource::Header(_))) => {
                    error.source = Some(other);
                    continue;
                }
                None => prefix.clone(),
            };
            error.source = Some(ErrorSource::Pointer(pointer));
        }
        self
    }

    /// Headers to add to the answer.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// Whether the answer is a 422 whose every error is about a property value.
    #[must_use]
    pub fn is_validation(&self) -> bool {
        self.inner.status == StatusCode::UNPROCESSABLE_ENTITY
            && self.inner.errors.iter().all(|error| {
                matches!(
                    error.source,
                    Some(ErrorSource::Property(_) | ErrorSource::Identifier(_))
                )
            })
    }

    /// Appends the errors of another error; the status becomes their common one.
    #[must_use]
    pub fn merge(mut self, other: Self) -> Self {
        let other = *other.inner;
        let room = MAX_ERRORS.saturating_sub(self.inner.errors.len());
        self.inner.omitted += other.omitted + other.errors.len().saturating_sub(room);
        self.inner
            .errors
            .extend(other.errors.into_iter().take(room));
        // Challenges add up (every scheme the client may use); another header takes the
        // later error's values, all of them.
        let mut name = None;
        for (key, value) in other.headers {
            let first = key.is_some();
            if let Some(key) = key {
                name = Some(key);
            }
            let Some(key) = name.clone() else { continue };
            if key == http::header::WWW_AUTHENTICATE {
                self = self.with_appended_header(key, value);
            } else if first {
                self.inner.headers.insert(key, value);
            } else {
                self.inner.headers.append(key, value);
            }
        }
        self.inner.status = common_status(&self.inner.errors);
        if self.inner.cause.is_none() {
            self.inner.cause = other.cause;
        }
        self
    }
}

impl fmt::Debug for GlueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GlueError")
            .field("status", &self.inner.status)
            .field("errors", &self.inner.errors)
            .field("cause", &self.inner.cause)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for GlueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.inner.status)?;
        for error in &self.inner.errors {
            match &error.detail {
                Some(detail) => write!(f, "; {detail}")?,
                None => write!(f, "; {}", error.title)?,
            }
        }
        Ok(())
    }
}

impl StdError for GlueError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .cause
            .as_deref()
            .map(|cause| cause as &(dyn StdError + 'static))
    }
}

fn common_status(errors: &[ErrorObject]) -> StatusCode {
    let first = errors[0].status;
    if errors.iter().all(|error| error.status == first) {
        first
    } else if errors.iter().any(|error| error.status.is_server_error()) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    }
}

/// The machine-readable code for a status, used when an error does not name its own.
#[must_use]
pub(crate) fn default_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        416 => "range_not_satisfiable",
        422 => "validation",
        500 => "internal_error",
        _ if status.is_server_error() => "server_error",
        _ => "client_error",
    }
}

/// Writes a property path (`address.city`, `lines[1].sku`) as JSON pointer segments
/// (`/address/city`, `/lines/1/sku`), escaping `~` and `/` in names.
#[must_use]
pub fn property_pointer(prefix: &str, path: &str) -> String {
    let mut pointer = String::with_capacity(prefix.len() + path.len() + 1);
    pointer.push_str(prefix);
    if path.is_empty() {
        return pointer;
    }
    pointer.push('/');
    for ch in path.chars() {
        match ch {
            '.' | '[' => pointer.push('/'),
            ']' => {}
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            _ => pointer.push(ch),
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_the_common_one_else_the_most_general() {
        let same = GlueError::validation([FieldError::new("a", "x"), FieldError::new("b", "y")]);
        assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let mixed = GlueError::conflict("taken").merge(GlueError::not_found("gone"));
        assert_eq!(mixed.status(), StatusCode::BAD_REQUEST);

        let server = GlueError::conflict("taken").merge(GlueError::internal("boom"));
        assert_eq!(server.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn property_paths_become_pointers() {
        assert_eq!(
            property_pointer("/data/attributes", "email"),
            "/data/attributes/email"
        );
        assert_eq!(
            property_pointer("/data/attributes", "lines[1].sku"),
            "/data/attributes/lines/1/sku"
        );
        assert_eq!(property_pointer("", "a/b~c"), "/a~1b~0c");
    }

    #[test]
    fn internal_errors_hide_their_cause_from_the_client() {
        let error = GlueError::internal("database password is hunter2");
        let detail = error.errors()[0].detail.as_deref().unwrap();
        assert!(!detail.contains("hunter2"));
        assert!(error.source().unwrap().to_string().contains("hunter2"));
    }
}
