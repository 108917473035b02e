//! The configuration page (SPEC §9.5): `GET /data-exchange` and its script and style sheet,
//! compiled into the binary, answered with a strict Content-Security-Policy (nothing but the
//! application's own origin, no inline script or style) and an `ETag`. The page itself is
//! open, like the docs page: every call it makes goes to the API, which asks for credentials.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use glue_core::http::header::{self, HeaderValue};
use glue_core::http::{Response, StatusCode};
use glue_core::{Body, EndpointRequest, GlueError};

/// Only the page's own origin, for everything; no framing, no plugins, no inline code.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

/// A file of the page.
struct Asset {
    body: &'static str,
    content_type: &'static str,
    etag: HeaderValue,
}

impl Asset {
    fn new(body: &'static str, content_type: &'static str) -> Self {
        let mut hasher = DefaultHasher::new();
        body.hash(&mut hasher);
        let etag = HeaderValue::from_str(&format!("\"{:016x}\"", hasher.finish()))
            .unwrap_or_else(|_| HeaderValue::from_static("\"page\""));
        Self {
            body,
            content_type,
            etag,
        }
    }

    /// The file, or `304` when the request names its tag.
    fn answer(&self, request: &EndpointRequest) -> Response<Body> {
        let fresh = request
            .headers()
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|tag| tag.trim().trim_start_matches("W/") == self.etag.to_str().unwrap_or(""));
        let mut response = if fresh {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut response = Response::new(Body::from(self.body));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(POLICY),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        response
    }
}

static PAGE: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../assets/index.html"),
        "text/html; charset=utf-8",
    )
});
static SCRIPT: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../assets/app.js"),
        "text/javascript; charset=utf-8",
    )
});
static STYLE: LazyLock<Asset> =
    LazyLock::new(|| Asset::new(include_str!("../assets/app.css"), "text/css; charset=utf-8"));

/// `GET /data-exchange`.
pub(crate) struct Page;

impl glue_core::Endpoint for Page {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        Ok(PAGE.answer(&request))
    }
}

/// `GET /data-exchange/app.js` and `/data-exchange/app.css`.
pub(crate) struct Files;

impl glue_core::Endpoint for Files {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        match request.param("file") {
            Some("app.js") => Ok(SCRIPT.answer(&request)),
            Some("app.css") => Ok(STYLE.answer(&request)),
            _ => Err(GlueError::not_found("The page has no such file.")),
        }
    }
}
