//! The interactive documentation page of a Glue application (SPEC §10.2).
//!
//! [`DocsExt::docs`] serves, beside the application's `GET /openapi.json`, a Swagger UI page at
//! `GET /docs` that works with no network: the page, its script and its style sheet all come
//! from the application. The Swagger UI files are the ones the `swagger-ui-dist` crate embeds in
//! the binary; this crate reads them once, on the first request for each, and answers them
//! with an `ETag`, so a browser asks again only with `If-None-Match` and gets `304`.
//!
//! ```
//! use glue_core::Application;
//! use glue_docs::{Docs, DocsExt};
//! use glue_jsonapi::JsonApi;
//! use glue_openapi::{ApiInfo, OpenApiExt};
//!
//! let router = Application::backend()
//!     .convention(JsonApi::new())
//!     .openapi(ApiInfo::new("Shop back office", "1.0.0"))
//!     .docs(Docs::new("Shop back office"))
//!     .build();
//! # drop(router);
//! ```
//!
//! The page is open to everyone, like the document it shows: access control belongs to the
//! operations it documents, which ask for credentials when they are tried out.

use std::fmt::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use glue_core::http::header::{self, HeaderMap, HeaderValue};
use glue_core::http::{Method, Request, Response, StatusCode};
use glue_core::{Application, Body, Endpoint, EndpointRequest, GlueError};
use http_body_util::BodyExt as _;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;
use tower::ServiceExt as _;

/// The Swagger UI release whose files the page uses.
pub const SWAGGER_UI_VERSION: &str = "5.34.1";

/// Where the page and its document are, and what the page is called.
#[derive(Debug, Clone)]
pub struct Docs {
    title: String,
    path: String,
    document: String,
}

impl Docs {
    /// A page titled `title` at `/docs`, for the document at `/openapi.json`.
    #[must_use]
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            path: "/docs".to_owned(),
            document: "/openapi.json".to_owned(),
        }
    }

    /// Serves the page at `path` (`/reference`) and its files under `path/`.
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = normalize(&path.into());
        self
    }

    /// The route of the OpenAPI document the page shows, `/openapi.json` by default.
    #[must_use]
    pub fn document(mut self, route: impl Into<String>) -> Self {
        self.document = normalize(&route.into());
        self
    }
}

/// `/docs/` and `docs` are both `/docs`.
fn normalize(route: &str) -> String {
    let trimmed = route.trim_matches('/');
    format!("/{trimmed}")
}

/// Adds the documentation page to an [`Application`].
pub trait DocsExt {
    /// Serves the page `docs` describes: `GET` (and `HEAD`) on its path and on its files.
    #[must_use]
    fn docs(self, docs: Docs) -> Self;
}

impl DocsExt for Application {
    fn docs(self, docs: Docs) -> Self {
        let assets = Arc::new(Assets::default());
        let files = format!("{}/{{file}}", docs.path);
        let page = DocsPage {
            docs: Arc::new(docs.clone()),
        };
        self.route(docs.path, [Method::GET], page)
            .route(files, [Method::GET], DocsFiles { assets })
    }
}

/// Answers the HTML page.
#[derive(Debug, Clone)]
struct DocsPage {
    docs: Arc<Docs>,
}

impl Endpoint for DocsPage {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        // Links of the page start where the application is mounted, like every other link
        // it writes.
        let mount = mount_path(request.base_url());
        let files = format!("{mount}{}/", self.docs.path);
        let document = format!("{mount}{}", self.docs.document);
        let html = page_html(&self.docs.title, &files, &document);
        let mut response = Response::new(Body::from(html));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        Ok(response)
    }
}

/// The page runs only its own files: no inline script, nothing from another origin. Swagger
/// UI sets `style` attributes and shows its icons as `data:` images, hence those two
/// allowances.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The path part of a base URL: `http://host:8080/api` is `/api`, `http://host` is empty.
fn mount_path(base_url: &str) -> &str {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |index| &after_scheme[index..]);
    path.trim_end_matches('/')
}

fn page_html(title: &str, files: &str, document: &str) -> String {
    let title = escape(title);
    let files = escape(files);
    let document = escape(document);
    let mut html = String::with_capacity(1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n\
         <html lang=\"en\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"{files}swagger-ui.css\">\n\
         <link rel=\"stylesheet\" href=\"{files}docs.css\">\n\
         </head>\n\
         <body>\n\
         <noscript>This page needs JavaScript; the document itself is at \
         <a href=\"{document}\">{document}</a>.</noscript>\n\
         <div id=\"swagger-ui\" data-document=\"{document}\"></div>\n\
         <script src=\"{files}swagger-ui-bundle.js\"></script>\n\
         <script src=\"{files}docs.js\"></script>\n\
         </body>\n\
         </html>\n"
    );
    html
}

/// Escapes text for an HTML element or a double-quoted attribute.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Starts Swagger UI on the page's document; a file of its own so that the page needs no
/// inline script.
const START_SCRIPT: &str = r#""use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.document,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    filter: true,
    displayRequestDuration: true,
    showExtensions: true,
    validatorUrl: null,
    withCredentials: false
  });
});
"#;

/// The few rules the base layout needs to sit well on a bare page.
const PAGE_STYLE: &str = "body { margin: 0; background: #fafafa; }\n\
     #swagger-ui { max-width: 1460px; margin: 0 auto; padding: 0 20px 40px; }\n";

/// The files the page loads: `(name, content type, source)`.
const FILES: [(&str, &str, Source); 6] = [
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        Source::Dist,
    ),
    ("swagger-ui.css", "text/css; charset=utf-8", Source::Dist),
    ("swagger-ui-bundle.js.map", "application/json", Source::Dist),
    ("swagger-ui.css.map", "application/json", Source::Dist),
    (
        "docs.js",
        "text/javascript; charset=utf-8",
        Source::Own(START_SCRIPT),
    ),
    (
        "docs.css",
        "text/css; charset=utf-8",
        Source::Own(PAGE_STYLE),
    ),
];

#[derive(Debug, Clone, Copy)]
enum Source {
    /// One of the files `swagger-ui-dist` embeds.
    Dist,
    /// A file of this crate.
    Own(&'static str),
}

/// A file ready to answer: its bytes and their `ETag`.
#[derive(Debug)]
struct Asset {
    bytes: Bytes,
    etag: HeaderValue,
}

/// The files, each read on the first request for it.
#[derive(Debug, Default)]
struct Assets {
    loaded: [OnceCell<Asset>; FILES.len()],
}

impl Assets {
    async fn get(&self, index: usize) -> Result<&Asset, GlueError> {
        let (name, _, source) = FILES[index];
        self.loaded[index]
            .get_or_try_init(|| async move {
                let bytes = match source {
                    Source::Own(text) => Bytes::from_static(text.as_bytes()),
                    Source::Dist => read_dist(name).await?,
                };
                let etag = etag(&bytes)?;
                Ok(Asset { bytes, etag })
            })
            .await
    }
}

/// Reads one of the files `swagger-ui-dist` embeds. The crate offers them only as routes of
/// an axum router, so the router is asked for the file, once.
async fn read_dist(name: &str) -> Result<Bytes, GlueError> {
    let router = swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
        uri_prefix: "/swagger-ui",
        api_definition: swagger_ui_dist::OpenApiSource::Uri("/openapi.json"),
        title: None,
    });
    let request = Request::get(format!("/swagger-ui/{name}"))
        .body(axum::body::Body::empty())
        .map_err(GlueError::internal)?;
    let response = router.oneshot(request).await.map_err(GlueError::internal)?;
    if response.status() != StatusCode::OK {
        return Err(GlueError::internal(format!(
            "swagger-ui-dist answered {} for {name}",
            response.status()
        )));
    }
    let collected = response
        .into_body()
        .collect()
        .await
        .map_err(GlueError::internal)?;
    Ok(collected.to_bytes())
}

/// A strong validator from the content: the first 128 bits of its SHA-256, in hex.
fn etag(bytes: &[u8]) -> Result<HeaderValue, GlueError> {
    let digest = Sha256::digest(bytes);
    let mut tag = String::with_capacity(34);
    tag.push('"');
    for byte in &digest[..16] {
        let _ = write!(tag, "{byte:02x}");
    }
    tag.push('"');
    HeaderValue::from_str(&tag).map_err(GlueError::internal)
}

/// Whether an `If-None-Match` header names `etag` (or is `*`); weak tags compare weakly, as
/// RFC 9110 §13.1.2 asks.
fn matches_none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(ours) = etag.to_str() else {
        return false;
    };
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

/// Answers the page's files.
#[derive(Debug, Clone)]
struct DocsFiles {
    assets: Arc<Assets>,
}

impl Endpoint for DocsFiles {
    async fn call(&self, request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        let name = request.param("file").unwrap_or_default();
        let index = FILES
            .iter()
            .position(|(file, _, _)| *file == name)
            .ok_or_else(|| GlueError::not_found(format!("The docs page has no file {name}.")))?;
        let asset = self.assets.get(index).await?;
        let mut response = if matches_none_match(request.headers(), &asset.etag) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut response = Response::new(Body::from(asset.bytes.clone()));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(FILES[index].1),
            );
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, asset.etag.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mount_path_is_the_path_of_the_base_url() {
        assert_eq!(mount_path("http://127.0.0.1:8081"), "");
        assert_eq!(mount_path("http://127.0.0.1:8081/"), "");
        assert_eq!(mount_path("https://shop.example/api/v1"), "/api/v1");
        assert_eq!(mount_path("/api"), "/api");
    }

    #[test]
    fn routes_are_normalized() {
        assert_eq!(Docs::new("t").path("reference/").path, "/reference");
        assert_eq!(
            Docs::new("t").document("/v1/openapi.json").document,
            "/v1/openapi.json"
        );
    }

    #[test]
    fn the_page_escapes_what_it_is_given() {
        let html = page_html("<Shop> & \"co\"", "/docs/", "/openapi.json?a=1&b=2");
        assert!(html.contains("<title>&lt;Shop&gt; &amp; &quot;co&quot;</title>"));
        assert!(html.contains("data-document=\"/openapi.json?a=1&amp;b=2\""));
        assert!(!html.contains("<script>"), "no inline script");
    }

    #[test]
    fn if_none_match_compares_weakly_and_knows_the_wildcard() {
        let etag = HeaderValue::from_static("\"abc\"");
        let mut headers = HeaderMap::new();
        assert!(!matches_none_match(&headers, &etag));
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"abc\""),
        );
        assert!(matches_none_match(&headers, &etag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"abcd\""));
        assert!(!matches_none_match(&headers, &etag));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches_none_match(&headers, &etag));
    }
}
