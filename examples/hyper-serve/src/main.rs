//! Serving a Glue application with hyper: the router is a tower service, so `hyper_util`'s
//! adapter is all it takes; `glue_server` drives hyper with the timeouts and the connection
//! cap a public server needs (SPEC §13.3). Run with
//!
//! ```not_rust
//! cargo run -p example-hyper-serve
//! ```
//!
//! then `curl -s localhost:3001/greetings/en`.

use std::net::SocketAddr;

use glue_core::{
    ApiResource, Application, CollectionProvider, Context, GlueError, ItemProvider, Paginated,
    Router,
};
use glue_jsonapi::JsonApi;
use tokio::net::TcpListener;

/// A greeting in one language.
#[derive(ApiResource, Clone, Debug)]
#[api(operations(Get, GetCollection), provider = Greetings)]
pub struct Greeting {
    /// The language code.
    #[api(identifier)]
    pub language: String,
    /// The greeting.
    pub text: String,
}

/// A fixed set of greetings.
#[derive(Debug, Clone, Copy)]
pub struct Greetings;

const GREETINGS: [(&str, &str); 3] = [("de", "Hallo"), ("en", "Hello"), ("fr", "Bonjour")];

fn greeting((language, text): (&str, &str)) -> Greeting {
    Greeting {
        language: language.to_owned(),
        text: text.to_owned(),
    }
}

impl ItemProvider<Greeting> for Greetings {
    async fn item(&self, ctx: &Context<Greeting>) -> Result<Option<Greeting>, GlueError> {
        Ok(GREETINGS
            .into_iter()
            .find(|(language, _)| ctx.id().is_some_and(|id| id == language))
            .map(greeting))
    }
}

impl CollectionProvider<Greeting> for Greetings {
    async fn collection(&self, _ctx: &Context<Greeting>) -> Result<Paginated<Greeting>, GlueError> {
        Ok(GREETINGS
            .into_iter()
            .map(greeting)
            .collect::<Vec<_>>()
            .into())
    }
}

/// The Glue application.
pub fn router() -> Router {
    Application::new("greetings")
        .convention(JsonApi::new())
        .resource::<Greeting>(Greetings, ())
        .build()
}

/// Serves the router forever with hyper's HTTP/1 connection driver, through `glue_server`:
/// the bounds a public server needs (header-read and idle timeouts, a connection cap).
///
/// # Errors
///
/// When the listener fails.
pub async fn serve(listener: TcpListener, router: Router) -> std::io::Result<()> {
    glue_server::Server::new()
        .serve(listener, router, std::future::pending())
        .await
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 3001))).await?;
    println!("listening on http://{}", listener.local_addr()?);
    serve(listener, router()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, router()));
        address
    }

    #[tokio::test]
    async fn hyper_serves_the_router_over_a_real_socket() {
        let address = start().await;
        let response = reqwest::get(format!("http://{address}/greetings/fr"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.api+json"
        );
        let document: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(document["data"]["attributes"]["text"], "Bonjour");
        assert_eq!(
            document["data"]["links"]["self"],
            format!("http://{address}/greetings/fr")
        );
    }

    #[tokio::test]
    async fn errors_leave_as_documents_over_the_socket() {
        let address = start().await;
        let client = reqwest::Client::new();
        let response = client
            .delete(format!("http://{address}/greetings/fr"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "GET");
        let document: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(document["errors"][0]["status"], "405");
    }
}
