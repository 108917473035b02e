//! Mounting a Glue application into an existing axum `Router`, beside the application's own
//! routes. Run with
//!
//! ```not_rust
//! cargo run -p example-axum-mount
//! ```
//!
//! then `curl -s localhost:3000/api/todos` (Glue) and `curl -s localhost:3000/health` (axum).

use std::sync::{Arc, Mutex, PoisonError};

use axum::routing::get;
use glue_core::{
    ApiResource, Application, CollectionProvider, Context, CreateProcessor, GlueError,
    ItemProvider, Paginated, Processor,
};
use glue_jsonapi::JsonApi;
use glue_pagination::PaginationExt;

/// A thing to do.
#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get, GetCollection, Post), provider = Todos, processor = Todos)]
pub struct Todo {
    /// Assigned on creation.
    #[api(identifier, writable = false)]
    pub id: u64,
    /// What to do.
    #[api(required)]
    pub title: String,
    /// Whether it is done.
    #[api(default = false)]
    pub done: bool,
}

/// The to-do list, in memory.
#[derive(Debug, Clone, Default)]
pub struct Todos {
    items: Arc<Mutex<Vec<Todo>>>,
}

impl Todos {
    fn items(&self) -> std::sync::MutexGuard<'_, Vec<Todo>> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ItemProvider<Todo> for Todos {
    async fn item(&self, ctx: &Context<Todo>) -> Result<Option<Todo>, GlueError> {
        let id = ctx.id().copied();
        Ok(self
            .items()
            .iter()
            .find(|todo| Some(todo.id) == id)
            .cloned())
    }
}

impl CollectionProvider<Todo> for Todos {
    async fn collection(&self, _ctx: &Context<Todo>) -> Result<Paginated<Todo>, GlueError> {
        Ok(self.items().clone().into())
    }
}

impl Processor<Todo> for Todos {}

impl CreateProcessor<Todo> for Todos {
    async fn create(&self, _ctx: &Context<Todo>, mut todo: Todo) -> Result<Todo, GlueError> {
        let mut items = self.items();
        todo.id = items.len() as u64 + 1;
        items.push(todo.clone());
        Ok(todo)
    }
}

/// The user's own axum application with the Glue API nested under `/api`.
pub fn app(todos: Todos) -> axum::Router {
    let api = Application::new("todo-api")
        .convention(JsonApi::new())
        .standard_pagination()
        // Links are built from `Host`; tell Glue where it is mounted so they include `/api`.
        .mount_path("/api")
        .resource::<Todo>(todos.clone(), todos)
        .build();
    axum::Router::new()
        .route("/health", get(|| async { "ok" }))
        .nest_service("/api", api)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(Todos::default())).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, body.to_vec())
    }

    #[tokio::test]
    async fn the_users_own_routes_still_answer() {
        let app = app(Todos::default());
        let (status, body) = send(&app, Request::get("/health").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"ok");
    }

    #[tokio::test]
    async fn the_api_answers_under_its_mount_path_with_links_that_include_it() {
        let app = app(Todos::default());
        let create = Request::post("/api/todos")
            .header(header::HOST, "todo.test")
            .header(header::CONTENT_TYPE, "application/vnd.api+json")
            .body(Body::from(
                r#"{"data":{"type":"todos","attributes":{"title":"Write tests"}}}"#,
            ))
            .unwrap();
        let (status, body) = send(&app, create).await;
        assert_eq!(status, StatusCode::CREATED);
        let created: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(created["data"]["attributes"]["done"], false);
        assert_eq!(
            created["data"]["links"]["self"],
            "http://todo.test/api/todos/1"
        );

        let list = Request::get("/api/todos")
            .header(header::HOST, "todo.test")
            .body(Body::empty())
            .unwrap();
        let (status, body) = send(&app, list).await;
        assert_eq!(status, StatusCode::OK);
        let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(list["data"][0]["id"], "1");
        assert_eq!(list["links"]["self"], "http://todo.test/api/todos");
    }

    #[tokio::test]
    async fn unknown_api_paths_get_glue_error_documents() {
        let app = app(Todos::default());
        let (status, body) = send(
            &app,
            Request::get("/api/nothing").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["errors"][0]["status"], "404");
    }
}
