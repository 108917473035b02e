//! Black-box tests of Glue: through the router as a tower service, and over real sockets
//! against the demo shop. One binary, modules per area.

mod common;
mod fixtures;

// The code generated from schema files names its providers from the crate root.
use schema_files::{
    AddressBackendProvider, CustomerBackendProcessor, CustomerBackendProvider, StoreBackendProvider,
};

mod atomic;
mod auth;
mod building;
mod concurrency;
mod data_exchange;
mod data_exchange_page;
mod data_exchange_queries;
mod includes;
mod jsonapi;
mod limits;
mod negotiation;
mod openapi;
mod pages;
mod pagination;
mod plain;
mod postgres;
mod querying;
mod routing;
mod schema_files;
mod security;
mod shop;
mod socket;
mod store;
mod variants;
mod writes;
