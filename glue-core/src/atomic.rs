//! The JSON:API Atomic Operations extension (SPEC §12.3): the shared transaction of one
//! `POST /operations` request, which stores join.
//!
//! The router runs each operation as the request of its own route would run (security,
//! validation, processor), with a [`Transactions`] in the request's extensions. A store
//! that can join ([`Processor::joins_transactions`](crate::Processor::joins_transactions))
//! takes its transaction from there instead of opening one, and puts it back; after the last
//! operation the router commits every transaction, or rolls every one back when an
//! operation failed.

use std::any::Any;
use std::sync::Mutex;

use http::{Method, Response};
use serde_json::json;

use crate::body::{Body, BoxFuture};
use crate::endpoint::{Endpoint, EndpointRequest};
use crate::error::GlueError;

/// The URI of the extension, as `ext` names it in media types.
pub const ATOMIC_EXTENSION: &str = "https://jsonapi.org/ext/atomic";

/// A transaction a store opened for an atomic request, committed or rolled back by the
/// router when the request ends.
pub trait Participant: Any + Send {
    /// Makes the transaction's writes permanent.
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), GlueError>>;
    /// Undoes them.
    fn rollback(self: Box<Self>) -> BoxFuture<'static, ()>;
    /// The transaction as `Any`, for the store that opened it to take it back.
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;
}

/// The transactions of one atomic request, one per store's database (by a key the store
/// chooses: two stores over one pool share one).
#[derive(Default)]
pub struct Transactions {
    open: Mutex<Vec<(usize, Box<dyn Participant>)>>,
}

impl std::fmt::Debug for Transactions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<usize> = self
            .open
            .lock()
            .map(|open| open.iter().map(|(key, _)| *key).collect())
            .unwrap_or_default();
        f.debug_struct("Transactions").field("open", &keys).finish()
    }
}

impl Transactions {
    /// Takes the transaction of `key` out for a statement (`None` when none is open yet: open
    /// one and [`put`](Self::put) it back afterwards).
    pub fn take(&self, key: usize) -> Option<Box<dyn Participant>> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let index = open.iter().position(|(k, _)| *k == key)?;
        Some(open.swap_remove(index).1)
    }

    /// Puts a transaction back after a statement.
    pub fn put(&self, key: usize, transaction: Box<dyn Participant>) {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.push((key, transaction));
    }

    fn drain(&self) -> Vec<Box<dyn Participant>> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.drain(..).map(|(_, transaction)| transaction).collect()
    }

    /// Commits every transaction; the first failure rolls back the ones not yet committed.
    pub(crate) async fn commit(&self) -> Result<(), GlueError> {
        let mut transactions = self.drain().into_iter();
        while let Some(transaction) = transactions.next() {
            if let Err(error) = transaction.commit().await {
                for rest in transactions {
                    rest.rollback().await;
                }
                return Err(error);
            }
        }
        Ok(())
    }

    /// Rolls every transaction back.
    pub(crate) async fn rollback(&self) {
        for transaction in self.drain() {
            transaction.rollback().await;
        }
    }
}

/// The route of atomic operations in the application's routes and documents; the flow serves
/// it itself (it runs the other routes), so `call` is never reached.
pub(crate) struct AtomicOperations;

impl Endpoint for AtomicOperations {
    async fn call(&self, _request: EndpointRequest) -> Result<Response<Body>, GlueError> {
        Err(GlueError::internal(
            "atomic operations are served by the router, not as an endpoint",
        ))
    }

    fn describe(&self, method: &Method) -> Option<serde_json::Value> {
        if method != Method::POST {
            return None;
        }
        let media = format!("application/vnd.api+json; ext=\"{ATOMIC_EXTENSION}\"");
        let reference = json!({
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"type": "string"},
                "id": {"type": "string"},
                "lid": {"type": "string"},
            },
        });
        let operation = json!({
            "type": "object",
            "required": ["op"],
            "properties": {
                "op": {"enum": ["add", "update", "remove"]},
                "ref": reference,
                "href": {"type": "string"},
                "data": {"type": "object"},
                "meta": {"type": "object"},
            },
            "additionalProperties": false,
        });
        let request = json!({
            "type": "object",
            "required": ["atomic:operations"],
            "properties": {
                "atomic:operations": {"type": "array", "minItems": 1, "maxItems": 500, "items": operation},
                "jsonapi": {"type": "object"},
                "meta": {"type": "object"},
            },
            "additionalProperties": false,
        });
        let results = json!({
            "type": "object",
            "required": ["atomic:results"],
            "properties": {
                "jsonapi": {"type": "object"},
                "atomic:results": {"type": "array", "items": {"type": "object"}},
            },
        });
        let error = |description: &str| {
            json!({
                "description": description,
                "content": {"application/vnd.api+json": {"schema": {"type": "object", "required": ["errors"]}}},
            })
        };
        Some(json!({
            "tags": ["operations"],
            "operationId": "operations.post",
            "summary": "Runs several writes in one transaction (JSON:API Atomic Operations)",
            "description": "`add`, `update` and `remove` on the application's resources, in order, all or nothing (SPEC §12.3). Each operation is checked as its own route would check it; an error points into the operation that failed (`/atomic:operations/2/data/attributes/email`). `lid` names an item created by an earlier operation.",
            "requestBody": {"required": true, "content": {media.clone(): {"schema": request}}},
            "responses": {
                "200": {"description": "Every operation succeeded: their results, in order.", "content": {media: {"schema": results}}},
                "204": {"description": "Every operation succeeded and none has a result."},
                "400": error("The document is malformed, or names what the application does not serve."),
                "401": error("Credentials are missing or not valid."),
                "403": error("An operation is not allowed."),
                "404": error("An operation names an item that does not exist."),
                "406": error("Accept does not allow the extension."),
                "409": error("An operation conflicts with stored data."),
                "412": error("An operation's If-Match names a version that is no longer stored."),
                "413": error("The body is too large."),
                "415": error("The Content-Type is not the extension's."),
                "422": error("An operation's data does not validate."),
                "503": error("The database is busy; try again."),
            },
        }))
    }
}
