//! The docs page through the router: the page, the files it loads, revalidation, and the
//! links under a mount path.

use glue_core::http::{HeaderMap, Method, Request, StatusCode, header};
use glue_core::{Application, Router};
use glue_docs::{Docs, DocsExt, SWAGGER_UI_VERSION};
use glue_jsonapi::JsonApi;
use glue_openapi::{ApiInfo, OpenApiExt};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn application() -> Application {
    Application::backend()
        .convention(JsonApi::new())
        .openapi(ApiInfo::new("Books", "1.0.0"))
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &header::HeaderName) -> &str {
        self.headers
            .get(name)
            .map_or("", |value| value.to_str().unwrap())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

async fn call(router: &Router, method: Method, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(String::new()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes().to_vec(),
    }
}

/// The values of `attribute="..."` in `html`.
fn attribute_values<'h>(html: &'h str, attribute: &str) -> Vec<&'h str> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[tokio::test]
async fn the_page_loads_only_files_the_application_serves() {
    let router = application().docs(Docs::new("Books <API>")).build();
    let page = call(&router, Method::GET, "/docs", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header(&header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let csp = page.header(&header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let html = page.text();
    assert!(html.contains("<title>Books &lt;API&gt;</title>"), "{html}");
    assert!(html.contains("data-document=\"/openapi.json\""), "{html}");

    let mut loaded = attribute_values(&html, "src");
    loaded.extend(
        attribute_values(&html, "href")
            .into_iter()
            .filter(|href| !href.starts_with("data:") && *href != "/openapi.json"),
    );
    assert_eq!(loaded.len(), 4, "two scripts, two style sheets: {loaded:?}");
    for file in loaded {
        assert!(file.starts_with("/docs/"), "served here: {file}");
        let answer = call(&router, Method::GET, file, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}");
        let content_type = answer.header(&header::CONTENT_TYPE);
        if file.ends_with(".js") {
            assert_eq!(content_type, "text/javascript; charset=utf-8");
        } else {
            assert_eq!(content_type, "text/css; charset=utf-8");
        }
        assert!(!answer.body.is_empty(), "{file}");
    }

    let bundle = call(&router, Method::GET, "/docs/swagger-ui-bundle.js", &[]).await;
    assert!(bundle.body.len() > 1_000_000, "the whole bundle");
    assert!(bundle.text().contains("SwaggerUIBundle"));
    assert!(
        bundle.text().contains(SWAGGER_UI_VERSION),
        "the release the crate names"
    );
    let start = call(&router, Method::GET, "/docs/docs.js", &[]).await;
    assert!(start.text().contains("root.dataset.document"));

    let document = call(&router, Method::GET, "/openapi.json", &[]).await;
    assert_eq!(document.status, StatusCode::OK);
}

#[tokio::test]
async fn files_are_revalidated_by_their_etag() {
    let router = application().docs(Docs::new("Books")).build();
    let first = call(&router, Method::GET, "/docs/swagger-ui.css", &[]).await;
    let etag = first.header(&header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
    assert_eq!(first.header(&header::CACHE_CONTROL), "public, max-age=3600");

    let again = call(
        &router,
        Method::GET,
        "/docs/swagger-ui.css",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header(&header::ETAG), etag);

    let weak = format!("W/{etag}");
    let weakly = call(
        &router,
        Method::GET,
        "/docs/swagger-ui.css",
        &[("if-none-match", &weak)],
    )
    .await;
    assert_eq!(weakly.status, StatusCode::NOT_MODIFIED);

    let other = call(
        &router,
        Method::GET,
        "/docs/swagger-ui.css",
        &[("if-none-match", "\"0\"")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, first.body);

    let script = call(&router, Method::GET, "/docs/swagger-ui-bundle.js", &[]).await;
    assert_ne!(script.header(&header::ETAG), etag, "each file its own tag");
}

#[tokio::test]
async fn head_unknown_files_and_other_methods() {
    let router = application().docs(Docs::new("Books")).build();
    let head = call(&router, Method::HEAD, "/docs/swagger-ui.css", &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header(&header::CONTENT_TYPE),
        "text/css; charset=utf-8"
    );

    let missing = call(&router, Method::GET, "/docs/secrets.txt", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("secrets.txt"), "{}", missing.text());
    let traversal = call(&router, Method::GET, "/docs/..%2FCargo.toml", &[]).await;
    assert_eq!(traversal.status, StatusCode::NOT_FOUND);

    let post = call(&router, Method::POST, "/docs", &[]).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(post.header(&header::ALLOW).contains("GET"));

    let trailing = call(&router, Method::GET, "/docs/", &[]).await;
    assert_eq!(trailing.status, StatusCode::OK, "the same page");
    assert!(trailing.text().contains("src=\"/docs/docs.js\""));
}

#[tokio::test]
async fn links_follow_the_mount_path_and_the_chosen_routes() {
    let router = application()
        .mount_path("/api")
        .docs(
            Docs::new("Books")
                .path("reference/")
                .document("openapi.json"),
        )
        .build();
    let page = call(
        &router,
        Method::GET,
        "/reference",
        &[("host", "books.test")],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("data-document=\"/api/openapi.json\""),
        "{html}"
    );
    assert!(
        html.contains("src=\"/api/reference/swagger-ui-bundle.js\""),
        "{html}"
    );
    let file = call(&router, Method::GET, "/reference/docs.css", &[]).await;
    assert_eq!(file.status, StatusCode::OK);
    let gone = call(&router, Method::GET, "/docs", &[]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
