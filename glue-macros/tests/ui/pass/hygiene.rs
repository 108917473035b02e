//! The generated code names everything by absolute path: it compiles without the prelude and
//! next to items that shadow the prelude's names.

#![no_implicit_prelude]

#[allow(dead_code)]
struct Option;
#[allow(dead_code)]
struct Some;
#[allow(dead_code)]
struct None;
#[allow(dead_code)]
struct Result;
#[allow(dead_code)]
struct Ok;
#[allow(dead_code)]
struct Err;
#[allow(dead_code)]
struct Vec;
#[allow(dead_code)]
struct String;
#[allow(dead_code)]
struct Box;
#[allow(dead_code)]
trait Default {}
#[allow(dead_code)]
trait Clone {}
#[allow(dead_code)]
trait Into {}
#[allow(dead_code)]
mod core {}
#[allow(dead_code)]
mod std {}
#[allow(dead_code)]
mod glue_core {}
#[allow(dead_code)]
mod serde {}

struct Store;

impl ::glue_core::Processor<Order> for Store {}

impl ::glue_core::ItemProvider<Order> for Store {
    async fn item(&self, _: &::glue_core::Context<Order>) -> ::core::result::Result<::core::option::Option<Order>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<Order> for Store {
    async fn collection(&self, _: &::glue_core::Context<Order>) -> ::core::result::Result<::glue_core::Paginated<Order>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}

impl ::glue_core::CreateProcessor<Order> for Store {
    async fn create(&self, _: &::glue_core::Context<Order>, item: Order) -> ::core::result::Result<Order, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::ReplaceProcessor<Order> for Store {
    async fn replace(&self, _: &::glue_core::Context<Order>, item: Order, _: Order) -> ::core::result::Result<Order, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::UpdateProcessor<Order> for Store {
    async fn update(&self, _: &::glue_core::Context<Order>, item: Order, _: Order) -> ::core::result::Result<Order, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}

impl ::glue_core::DeleteProcessor<Order> for Store {
    async fn delete(&self, _: &::glue_core::Context<Order>, _: Order) -> ::core::result::Result<(), ::glue_core::GlueError> {
        ::core::result::Result::Ok(())
    }
}

impl ::glue_core::ItemProvider<OrderLine> for Store {
    async fn item(&self, _: &::glue_core::Context<OrderLine>) -> ::core::result::Result<::core::option::Option<OrderLine>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::core::option::Option::None)
    }
}

impl ::glue_core::CollectionProvider<OrderLine> for Store {
    async fn collection(&self, _: &::glue_core::Context<OrderLine>) -> ::core::result::Result<::glue_core::Paginated<OrderLine>, ::glue_core::GlueError> {
        ::core::result::Result::Ok(::glue_core::Paginated::unpaginated(::std::vec::Vec::new()))
    }
}



/// An order.
#[derive(::glue_core::ApiResource, ::core::clone::Clone)]
#[api(
    operations(Get, GetCollection, Post, Put, Patch, Delete),
    provider = Store,
    processor = Store,
    pagination(items_per_page = 20),
)]
struct Order {
    #[api(identifier)]
    number: u64,
    #[api(required)]
    customer: ::std::string::String,
    #[api(default = "open", enum_values("open", "paid"))]
    status: ::std::string::String,
    #[api(default = 1)]
    quantity: u32,
    #[api(default = ::std::option::Option::None)]
    note: ::std::option::Option<::std::string::String>,
    #[api(writable = false)]
    created_at: ::chrono::DateTime<::chrono::Utc>,
    shipped_on: ::std::option::Option<::chrono::NaiveDate>,
    tags: ::std::vec::Vec<::std::string::String>,
    #[api(readable = false)]
    secret: ::std::string::String,
}

#[derive(::glue_core::ApiResource, ::core::clone::Clone)]
#[api(
    operations(
        GetCollection(uri_template = "/orders/{orderNumber}/lines"),
        Get(uri_template = "/orders/{orderNumber}/lines/{position}"),
    ),
    provider = Store,
    uri_variables(orderNumber = order),
)]
struct OrderLine {
    #[api(identifier)]
    position: u32,
    order: u64,
}

fn main() {
    let meta = <Order as ::glue_core::Resource>::meta();
    ::std::assert_eq!(meta.short_name, "orders");
    ::std::assert_eq!(meta.description, ::std::option::Option::Some("An order."));
    ::std::assert_eq!(meta.properties.len(), 9);
    ::std::assert_eq!(meta.properties[0].name, "number");
    ::std::assert!(!meta.properties[5].writable);
    ::std::assert!(!meta.properties[8].readable);
    ::std::assert_eq!(
        meta.properties[2].default,
        ::std::option::Option::Some("\"open\"")
    );
    ::std::assert_eq!(meta.properties[2].enum_values, ["open", "paid"]);

    let lines = <OrderLine as ::glue_core::Resource>::meta();
    ::std::assert_eq!(lines.short_name, "order-lines");
    ::std::assert_eq!(lines.uri_variables.len(), 2);
    ::std::assert_eq!(lines.uri_variables[1].property, "order");
}
