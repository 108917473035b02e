//! Constructors of a resource's [`Operations`] table, for the code the derive writes: each
//! names, in its bounds, the provider or processor trait its operation needs, so that an
//! operation whose method is missing fails to compile, at the operation in
//! `#[api(operations(...))]`, with the trait's message.
//!
//! Support for generated code (through `glue_core::__private::operations`); not a public API.

use std::marker::PhantomData;

use crate::handler::read::{collection, get as read_item, related};
use crate::handler::write::{create, delete as remove, replace, update};
use crate::handler::{LoadRelated, Serve};
use crate::provider::{
    CollectionProvider, CreateProcessor, DeleteProcessor, ItemProvider, Processor,
    ReplaceProcessor, UpdateProcessor,
};
use crate::resource::{Op, Resource};

#[doc(no_inline)]
pub use crate::resource::Operations;

/// `Get`: needs an [`ItemProvider`].
#[must_use]
pub fn get<R: Resource>() -> Op<R>
where
    R::Provider: ItemProvider<R>,
{
    Op::erase(read_item::<R> as Serve<R>)
}

/// `GetCollection`: needs a [`CollectionProvider`].
#[must_use]
pub fn get_collection<R: Resource>() -> Op<R>
where
    R::Provider: CollectionProvider<R>,
{
    Op::erase(collection::<R> as Serve<R>)
}

/// `Post`: needs a [`CreateProcessor`].
#[must_use]
pub fn post<R: Resource>() -> Op<R>
where
    R::Processor: CreateProcessor<R>,
{
    Op::erase(create::<R> as Serve<R>)
}

/// `Put`: needs an [`ItemProvider`] (for the stored item) and a [`ReplaceProcessor`].
#[must_use]
pub fn put<R: Resource>() -> Op<R>
where
    R::Provider: ItemProvider<R>,
    R::Processor: ReplaceProcessor<R>,
{
    Op::erase(replace::<R> as Serve<R>)
}

/// `Patch`: needs an [`ItemProvider`] and an [`UpdateProcessor`].
#[must_use]
pub fn patch<R: Resource>() -> Op<R>
where
    R::Provider: ItemProvider<R>,
    R::Processor: UpdateProcessor<R>,
{
    Op::erase(update::<R> as Serve<R>)
}

/// `Delete`: needs an [`ItemProvider`] and a [`DeleteProcessor`].
#[must_use]
pub fn delete<R: Resource>() -> Op<R>
where
    R::Provider: ItemProvider<R>,
    R::Processor: DeleteProcessor<R>,
{
    Op::erase(remove::<R> as Serve<R>)
}

/// Whether the processor's writes join an atomic request's transaction: for resources that
/// declare a write.
#[must_use]
pub fn transactions<R: Resource>() -> Op<R>
where
    R::Processor: Processor<R>,
{
    Op::erase(joins::<R> as fn(&R::Processor) -> bool)
}

fn joins<R: Resource>(processor: &R::Processor) -> bool
where
    R::Processor: Processor<R>,
{
    processor.joins_transactions()
}

/// Checks, at compile time, that the target of a relationship can be loaded: its provider
/// lists its items.
pub fn listable<R: Resource>()
where
    R::Provider: CollectionProvider<R>,
{
}

/// Finds how relationships load `R` in generated code, for a concrete `R`:
/// `(&&RelatedProbe::<R>::new()).related()` is its provider's collection when the provider
/// has one ([`ViaCollection`]), else nothing ([`NoCollection`]).
#[derive(Debug)]
pub struct RelatedProbe<R>(PhantomData<R>);

impl<R> RelatedProbe<R> {
    /// The probe.
    #[must_use]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<R> Default for RelatedProbe<R> {
    fn default() -> Self {
        Self::new()
    }
}

/// Chosen when the provider lists `R`.
pub trait ViaCollection<R: Resource> {
    /// The loader.
    fn related(&self) -> Option<Op<R>>;
}

impl<R: Resource> ViaCollection<R> for &RelatedProbe<R>
where
    R::Provider: CollectionProvider<R>,
{
    fn related(&self) -> Option<Op<R>> {
        Some(Op::erase(related::<R> as LoadRelated<R>))
    }
}

/// Chosen when it does not.
pub trait NoCollection<R: Resource> {
    /// Nothing.
    fn related(&self) -> Option<Op<R>>;
}

impl<R: Resource> NoCollection<R> for RelatedProbe<R> {
    fn related(&self) -> Option<Op<R>> {
        None
    }
}
