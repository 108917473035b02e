//! Run: the body is read (once the caller may send it), and the resource's handler answers
//! with the capabilities it needs: its convention and links, the page links, an includer and
//! a guard. A panic in user code becomes a 500 (SPEC §1.4, §13.4) and is logged.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use http_body::Body as HttpBody;

use super::app::App;
use super::authorize::guard;
use super::body::{panic_message, read_body};
use super::negotiate::Chosen;
use super::parse::Parsed;
use crate::body::BoxError;
use crate::error::GlueError;
use crate::handler::{Call, Output, Render, Tools};
use crate::include::Includer;
use crate::paging::Pager;

/// Calls the handler of the chosen operation.
pub(crate) async fn run<B>(
    app: &App,
    parsed: Parsed,
    body: B,
    chosen: &Chosen<'_>,
) -> Result<Output, GlueError>
where
    B: HttpBody + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let Parsed {
        request,
        paging,
        links,
        path,
        document_url,
    } = parsed;
    let body = match chosen.reader {
        Some(reader) => Some((
            read_body(body, app.body_limit, &request.parts).await?,
            reader,
        )),
        None => {
            drop(body);
            None
        }
    };
    let guard = guard(&app.auth);
    let operation = chosen.operation;
    let call = Call {
        request,
        tools: Tools {
            render: Render {
                convention: chosen.convention,
                links,
                path,
                document_url,
            },
            body,
            pager: Pager {
                strategies: app.model.strategies(),
                paging,
            },
            includer: Includer {
                sources: &app.handlers,
                read_rules: &app.read_rules,
                guard,
            },
            guard,
            rules: &operation.security,
        },
    };
    let handler = &app.handlers[operation.handler];
    AssertUnwindSafe(handler.handle(call))
        .catch_unwind()
        .await
        .map_err(|panic| {
            let message = panic_message(&*panic);
            tracing::error!(
                application = %app.model.name(),
                resource = operation.resource.short_name,
                operation = %operation.operation.kind,
                panic = %message,
                "a provider or processor panicked"
            );
            GlueError::internal(format!("panic: {message}"))
        })?
}
