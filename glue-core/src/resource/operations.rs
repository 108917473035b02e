//! How a resource's declared operations are served, as its declaration says: one entry per
//! operation kind, and one for loading it into other resources' documents. The derive fills
//! the table through `glue_core::__private::operations`, whose constructors name the
//! provider or processor trait each operation needs; the entries are erased here, so that a
//! resource knows nothing of how the router serves it, and the router's handler reads them
//! back, typed, once when the resource is registered.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

/// The table of how a resource's operations are served.
pub struct Operations<R> {
    /// `Get`.
    pub get: Option<Op<R>>,
    /// `GetCollection`.
    pub get_collection: Option<Op<R>>,
    /// `Post`.
    pub post: Option<Op<R>>,
    /// `Put`.
    pub put: Option<Op<R>>,
    /// `Patch`.
    pub patch: Option<Op<R>>,
    /// `Delete`.
    pub delete: Option<Op<R>>,
    /// Loading the resource's items into another resource's document (its collection).
    pub related: Option<Op<R>>,
    /// Whether the processor's writes can join an atomic request's transaction.
    pub transactions: Option<Op<R>>,
}

impl<R> Operations<R> {
    /// A table that serves nothing.
    #[must_use]
    pub fn none() -> Self {
        Self {
            get: None,
            get_collection: None,
            post: None,
            put: None,
            patch: None,
            delete: None,
            related: None,
            transactions: None,
        }
    }
}

impl<R> fmt::Debug for Operations<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operations")
            .field("get", &self.get.is_some())
            .field("get_collection", &self.get_collection.is_some())
            .field("post", &self.post.is_some())
            .field("put", &self.put.is_some())
            .field("patch", &self.patch.is_some())
            .field("delete", &self.delete.is_some())
            .field("related", &self.related.is_some())
            .finish()
    }
}

/// How one operation of `R` is served, erased.
pub struct Op<R> {
    server: Box<dyn Any + Send + Sync>,
    resource: PhantomData<fn() -> R>,
}

impl<R> Op<R> {
    /// Erases a server.
    pub(crate) fn erase<S: Any + Send + Sync>(server: S) -> Self {
        Self {
            server: Box::new(server),
            resource: PhantomData,
        }
    }

    /// The server, when it is of type `S`.
    pub(crate) fn typed<S: Any + Copy>(&self) -> Option<S> {
        self.server.downcast_ref::<S>().copied()
    }
}

impl<R> fmt::Debug for Op<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Op")
    }
}
