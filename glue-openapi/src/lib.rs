//! The OpenAPI 3.1 document of a Glue application (SPEC §10.1), generated from the model the
//! router runs on ([`ApiModel`]): every route and method, path and query parameters (filters,
//! sort, fields, include, each pagination form), request and response bodies in each
//! convention the application offers, error answers, and security schemes.
//!
//! The document is built as JSON: each convention describes its own documents, each
//! pagination strategy its parameters, each authenticator its schemes and each endpoint its
//! operation, through default methods of their traits, so that none of them depends on an
//! OpenAPI crate's types.
//!
//! ```
//! use glue_core::{ApiResource, Application, Context, GlueError, ItemProvider, PlainJson};
//! use glue_openapi::{ApiInfo, OpenApiExt};
//!
//! #[derive(ApiResource, Clone)]
//! #[api(operations(Get), provider = Books)]
//! struct Book {
//!     #[api(identifier)]
//!     isbn: String,
//!     title: String,
//! }
//!
//! struct Books;
//!
//! impl ItemProvider<Book> for Books {
//!     async fn item(&self, _ctx: &Context<Book>) -> Result<Option<Book>, GlueError> {
//!         Ok(None)
//!     }
//! }
//!
//! let info = ApiInfo::new("Library", "1.0.0");
//! let router = Application::backend()
//!     .convention(PlainJson::new())
//!     .resource::<Book>(Books, ())
//!     .openapi(info.clone()) // serves GET /openapi.json
//!     .build();
//! let document = glue_openapi::document(router.model(), &info, "https://api.example.com", None);
//! assert_eq!(document["openapi"], "3.1.0");
//! assert_eq!(document["paths"]["/books/{isbn}"]["get"]["operationId"], "books.get");
//! ```

mod document;
mod filters;
mod naming;
mod operation;
mod parameters;
mod responses;

use glue_core::http::{self, HeaderValue, Response};
use glue_core::model::ApiModel;
use glue_core::{Application, Body, Endpoint, EndpointRequest, GlueError};

/// The title, version and description of an application's API.
#[derive(Debug, Clone)]
pub struct ApiInfo {
    /// The title (`Glue demo shop: backend`).
    pub title: String,
    /// The version of the API (not of OpenAPI), `1.0.0`.
    pub version: String,
    /// A description, in CommonMark.
    pub description: Option<String>,
}

impl ApiInfo {
    /// An API with this title and version.
    #[must_use]
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            version: version.into(),
            description: None,
        }
    }

    /// Adds a description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// The OpenAPI document of an application, as a request from `base_url` in `bucket` sees
/// it: the variants of its code bucket (SPEC §7.3), the newest version of each.
#[must_use]
pub fn document(
    model: &ApiModel,
    info: &ApiInfo,
    base_url: &str,
    bucket: Option<&str>,
) -> serde_json::Value {
    document::document(model, info, base_url, bucket)
}

/// Serves the application's OpenAPI 3.1 document as JSON, for the base URL and code bucket
/// of the request that asks for it.
#[derive(Debug, Clone)]
pub struct OpenApi {
    info: ApiInfo,
}

impl OpenApi {
    /// The document of an API with this title, version and description.
    #[must_use]
    pub fn new(info: ApiInfo) -> Self {
        Self { info }
    }
}

impl Endpoint for OpenApi {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        let model = request.model();
        let mut document = document(model, &self.info, request.base_url(), request.code_bucket());
        for part in model.live_documents() {
            let live = part.describe(model).await;
            document::extend(&mut document, live);
        }
        let body = serde_json::to_vec(&document).map_err(GlueError::internal)?;
        let mut response = Response::new(Body::from(body));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
}

/// Serves the document on an application.
pub trait OpenApiExt: sealed::Sealed {
    /// Serves the application's OpenAPI 3.1 document at `GET /openapi.json` (SPEC §10.1).
    #[must_use]
    fn openapi(self, info: ApiInfo) -> Self;
}

impl OpenApiExt for Application {
    fn openapi(self, info: ApiInfo) -> Self {
        self.route("/openapi.json", [http::Method::GET], OpenApi::new(info))
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for glue_core::Application {}
}
