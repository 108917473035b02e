//! The errors of the Data Exchange API (SPEC §9.3): Spryker's numbered codes, written as the
//! reference writes them in plain JSON (`[{"message":...,"status":404,"code":"007"}]`), or as
//! a JSON:API error document.

use glue_core::Body;
use glue_core::http::{Response, StatusCode, header};
use serde_json::json;

/// One error of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DxError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The numbered code (`1303`).
    pub code: &'static str,
    /// The message, with the error path in backquotes.
    pub message: String,
}

impl DxError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 404 `007`: no active configuration has this alias.
    #[must_use]
    pub fn unknown_alias() -> Self {
        Self::new(StatusCode::NOT_FOUND, "007", "Not found")
    }

    /// 404 `1303`: no row has the identifier.
    #[must_use]
    pub fn not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "1303",
            format!("The entity `{path}` could not be found in the database."),
        )
    }

    /// 400 `1313`: an `include` names no relation.
    #[must_use]
    pub fn unknown_relation(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1313",
            format!(
                "Relation `{name}` not found. Please check the requested relation name and try again."
            ),
        )
    }

    /// 400 `1315`: a filter names no field.
    #[must_use]
    pub fn unknown_filter(field: &str, alias: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1315",
            format!("Filter field `{field}` for table alias `{alias}` not found."),
        )
    }

    /// 400 `011`: a filter key is not `alias.field`, or a parameter is malformed.
    #[must_use]
    pub fn bad_parameter(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "011", message)
    }

    /// 400 `1305`: a value of the wrong type.
    #[must_use]
    pub fn wrong_type(path: &str, field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1305",
            format!("Invalid data type `{path}` for field `{field}`"),
        )
    }

    /// 401 or 403: the principal may not use the entity.
    #[must_use]
    pub fn denied(authenticated: bool) -> Self {
        if authenticated {
            Self::new(
                StatusCode::FORBIDDEN,
                "002",
                "Access denied: the entity needs another role.",
            )
        } else {
            Self::new(StatusCode::UNAUTHORIZED, "001", "Missing access token.")
        }
    }

    /// 405 for a method the API does not serve here.
    #[must_use]
    pub fn method_not_allowed(alias: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "1318",
            format!("Method not allowed for the entity `{alias}`."),
        )
    }

    /// A failure of the database, as the router answers it (logged, never shown).
    #[must_use]
    pub fn database(error: &sqlx::Error) -> Self {
        let status = match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        tracing::error!(error = %error, "the Data Exchange API could not read the database");
        Self::new(
            status,
            if status == StatusCode::SERVICE_UNAVAILABLE {
                "503"
            } else {
                "500"
            },
            "The request could not be served; try again later.",
        )
    }

    /// The answer, in plain JSON or as a JSON:API error document.
    #[must_use]
    pub fn response(&self, jsonapi: bool) -> Response<Body> {
        let body = if jsonapi {
            json!({"jsonapi": {"version": "1.1"}, "errors": [{
                "status": self.status.as_str(), "code": self.code, "detail": self.message
            }]})
        } else {
            json!([{"message": self.message, "status": self.status.as_u16(), "code": self.code}])
        };
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static(if jsonapi {
                "application/vnd.api+json"
            } else {
                "application/json"
            }),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        response
    }
}
