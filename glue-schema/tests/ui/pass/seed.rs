//! The seed's resources, generated, with the providers and processors they name.

use glue_core::{
    CollectionProvider, Context, CreateProcessor, DeleteProcessor, GlueError, ItemProvider,
    Paginated, Processor, ReplaceProcessor, Resource, UpdateProcessor,
};

mod generated {
    include!("../../golden/backend.rs");
}

use generated::*;

/// One store for every generated resource.
pub struct Memory;

pub type CustomerBackendProvider = Memory;
pub type CustomerBackendProcessor = Memory;
pub type AddressBackendProvider = Memory;
pub type StoreBackendProvider = Memory;

macro_rules! reads {
    ($($ty:ty),*) => {$(
        impl ItemProvider<$ty> for Memory {
            async fn item(&self, _ctx: &Context<$ty>) -> Result<Option<$ty>, GlueError> {
                Ok(None)
            }
        }
        impl CollectionProvider<$ty> for Memory {
            async fn collection(&self, _ctx: &Context<$ty>) -> Result<Paginated<$ty>, GlueError> {
                Ok(Vec::new().into())
            }
        }
    )*};
}

reads!(
    CustomersBackendResource,
    CustomersAddressesBackendResource,
    StoresBackendResource,
    StoresEuBackendResource,
    StoresAtBackendResource
);

impl Processor<CustomersBackendResource> for Memory {}

impl CreateProcessor<CustomersBackendResource> for Memory {
    async fn create(
        &self,
        _ctx: &Context<CustomersBackendResource>,
        item: CustomersBackendResource,
    ) -> Result<CustomersBackendResource, GlueError> {
        Ok(item)
    }
}

impl ReplaceProcessor<CustomersBackendResource> for Memory {
    async fn replace(
        &self,
        _ctx: &Context<CustomersBackendResource>,
        item: CustomersBackendResource,
        _previous: CustomersBackendResource,
    ) -> Result<CustomersBackendResource, GlueError> {
        Ok(item)
    }
}

impl UpdateProcessor<CustomersBackendResource> for Memory {
    async fn update(
        &self,
        _ctx: &Context<CustomersBackendResource>,
        item: CustomersBackendResource,
        _previous: CustomersBackendResource,
    ) -> Result<CustomersBackendResource, GlueError> {
        Ok(item)
    }
}

impl DeleteProcessor<CustomersBackendResource> for Memory {
    async fn delete(
        &self,
        _ctx: &Context<CustomersBackendResource>,
        _item: CustomersBackendResource,
    ) -> Result<(), GlueError> {
        Ok(())
    }
}

fn main() {
    let meta = CustomersBackendResource::meta();
    assert_eq!(meta.short_name, "customers");
    assert_eq!(StoresEuBackendResource::meta().code_bucket, Some("EU"));
}
