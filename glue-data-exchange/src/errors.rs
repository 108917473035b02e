//! The errors of the Data Exchange API (SPEC §9.3): Spryker's numbered codes, written as the
//! reference writes them in plain JSON (`[{"message":...,"status":404,"code":"007"}]`), or as
//! a JSON:API error document.

use glue_core::Body;
use glue_core::http::{Response, StatusCode, header};
use serde_json::json;

use crate::config::Field;

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

    /// 422 `1305`: a value of the wrong type.
    #[must_use]
    pub fn wrong_type(path: &str, field: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1305",
            format!("Invalid data type `{path}` for field `{field}`"),
        )
    }

    /// 400 `1301`: the body is not `{"data": [...]}` (or `{"data": {...}}` on an item route).
    #[must_use]
    pub fn bad_shape() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1301",
            "Invalid or missing data format. Please ensure that the data is provided in the \
             correct format. Example request body: {'data':[{...},{...},..]}",
        )
    }

    /// 400 `1301`: a body that is not JSON, with where reading stopped.
    #[must_use]
    pub fn malformed(error: &serde_json::Error) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1301",
            format!(
                "The body is not valid JSON: {} at line {}, column {}.",
                match error.classify() {
                    serde_json::error::Category::Eof => "it ends early",
                    serde_json::error::Category::Syntax => "a syntax error",
                    _ => "a value that cannot be read",
                },
                error.line(),
                error.column()
            ),
        )
    }

    /// 409: a JSON:API resource object of another type than the entity's.
    #[must_use]
    pub fn wrong_resource_type(path: &str, alias: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "1301",
            format!("The item `{path}` is not of the type `{alias}`."),
        )
    }

    /// 422 `1311`: a key that is no field's API name.
    #[must_use]
    pub fn unknown_field(path: &str, field: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1311",
            format!("The provided `{path}.{field}` is incorrect or invalid."),
        )
    }

    /// 422 `1304`: a field the write may not set.
    #[must_use]
    pub fn immutable(path: &str, field: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1304",
            format!("Modification of immutable field `{path}.{field}` is prohibited"),
        )
    }

    /// 422 `1306`: a value that breaks its field's rules, which the message lists.
    #[must_use]
    pub fn rule(path: &str, field: &Field) -> Self {
        let rules = &field.validation;
        let mut listed: Vec<String> = Vec::new();
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                listed.push(format!("{name}: {value}"));
            }
        };
        add("min", rules.min.map(|v| v.to_string()));
        add("max", rules.max.map(|v| v.to_string()));
        add("precision", rules.precision.map(|v| v.to_string()));
        add("scale", rules.scale.map(|v| v.to_string()));
        add("maxLength", rules.max_length.map(|v| v.to_string()));
        add("minLength", rules.min_length.map(|v| v.to_string()));
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1306",
            format!(
                "Invalid data value `{path}` for field: `{}`. Field rules: {}",
                field.field_visible_name,
                listed.join(", ")
            ),
        )
    }

    /// 422 `1307`: a required field missing on create.
    #[must_use]
    pub fn required(path: &str, field: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1307",
            format!("The required field must not be empty. Field: `{path}.{field}`"),
        )
    }

    /// 400 `1310`: an item of a collection update without its identifier.
    #[must_use]
    pub fn missing_identifier(path: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1310",
            format!("Incomplete Request - missing identifier for `{path}`."),
        )
    }

    /// 409 `1309`: a unique or foreign key refused the item.
    #[must_use]
    pub fn duplicate(path: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "1309",
            format!(
                "Failed to persist the data for `{path}`. Please verify the provided data and \
                 try again. Entry is duplicated."
            ),
        )
    }

    /// 422 `1306`: the database refused a value (a null, a check).
    #[must_use]
    pub fn refused(path: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1306",
            format!("Invalid data value `{path}`: the database refused it."),
        )
    }

    /// 409 `1317`: rows still refer to the row to delete.
    #[must_use]
    pub fn has_children(alias: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "1317",
            format!(
                "Failed to delete the data for `{alias}`. The entity has a child entity and \
                 can not be deleted."
            ),
        )
    }

    /// 422 `1314`: a write through a relation the configuration keeps read-only.
    #[must_use]
    pub fn relation_not_editable(name: &str) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "1314",
            format!("The relationship `{name}` is not editable by configuration."),
        )
    }

    /// 400 `1308`: a PUT of a row that does not exist, whose identifier may not be given.
    #[must_use]
    pub fn not_creatable(path: &str, identifier: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "1308",
            format!(
                "Entity `{path}.{identifier}` not found by identifier, and new identifier can \
                 not be persisted. Please update the request."
            ),
        )
    }

    /// 405 `1318`: the entity does not allow deletes.
    #[must_use]
    pub fn not_deletable(alias: &str) -> Self {
        Self::method_not_allowed(alias)
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

    /// 406: `Accept` names neither JSON:API nor plain JSON.
    #[must_use]
    pub fn not_acceptable() -> Self {
        Self::new(
            StatusCode::NOT_ACCEPTABLE,
            "006",
            "The Data Exchange API answers application/vnd.api+json or application/json.",
        )
    }

    /// 415: a body that is neither JSON:API nor plain JSON.
    #[must_use]
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "415",
            "The Data Exchange API reads application/json or application/vnd.api+json.",
        )
    }

    /// 416: a `Range` that starts at or past the last row.
    #[must_use]
    pub fn unsatisfiable_range(total: u64) -> Self {
        Self::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "416",
            format!("The range starts past the last of {total} rows."),
        )
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
        // Busy (SQLite's lock, PostgreSQL's serialization failure) or unreachable: try again.
        let status = match glue_sql::Violation::of(error) {
            Some(glue_sql::Violation::Busy | glue_sql::Violation::Unavailable) => {
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

    /// Whether the database was busy (worth another try).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        self.status == StatusCode::SERVICE_UNAVAILABLE
    }

    /// The answer, in plain JSON or as a JSON:API error document.
    #[must_use]
    pub fn response(&self, jsonapi: bool) -> Response<Body> {
        many(std::slice::from_ref(self), jsonapi)
    }
}

/// The most errors one answer lists (SPEC §13.1).
const MAX_ERRORS: usize = glue_core::MAX_ERRORS;

/// Several errors in one answer (every item's), with the status of the last (as the
/// reference answers); at most 100, JSON:API saying in `meta.truncated` when more were found.
#[must_use]
pub fn many(errors: &[DxError], jsonapi: bool) -> Response<Body> {
    let status = errors
        .last()
        .map_or(StatusCode::BAD_REQUEST, |error| error.status);
    let shown = &errors[..errors.len().min(MAX_ERRORS)];
    let body = if jsonapi {
        let listed: Vec<serde_json::Value> = shown
            .iter()
            .map(|e| json!({"status": e.status.as_str(), "code": e.code, "detail": e.message}))
            .collect();
        let mut body = json!({"jsonapi": {"version": "1.1"}, "errors": listed});
        if errors.len() > MAX_ERRORS {
            body["meta"] = json!({"truncated": true, "total": errors.len()});
        }
        body
    } else {
        serde_json::Value::Array(shown.iter().map(DxError::plain).collect())
    };
    let mut response = document(status, &body, jsonapi);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    }
    if status == StatusCode::UNAUTHORIZED {
        // RFC 9110 §11.6.1: a 401 names a scheme (SPEC §6.4 names `Bearer`).
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// A document in the answer's convention.
pub(crate) fn document(
    status: StatusCode,
    body: &serde_json::Value,
    jsonapi: bool,
) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(if jsonapi {
            "application/vnd.api+json"
        } else {
            "application/json"
        }),
    );
    response
}

impl DxError {
    /// The plain JSON object of the error.
    #[must_use]
    pub fn plain(&self) -> serde_json::Value {
        json!({"message": self.message, "status": self.status.as_u16(), "code": self.code})
    }
}
