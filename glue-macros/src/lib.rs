//! `#[derive(ApiResource)]` for Glue. Use it through `glue_core::ApiResource`; this crate is
//! an implementation detail of `glue-core`.

mod check;
mod emit;
mod model;
mod parse;
mod types;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Declares a struct as an API resource and implements `glue_core::Resource` for it.
///
/// # Example
///
/// ```
/// use glue_core::ApiResource;
/// # use glue_core::*;
/// # #[derive(Default)] struct Customers;
/// # impl ItemProvider<Customer> for Customers {
/// #     async fn item(&self, _: &Context<Customer>) -> Result<Option<Customer>, GlueError> { Ok(None) }
/// # }
/// # impl CollectionProvider<Customer> for Customers {
/// #     async fn collection(&self, _: &Context<Customer>) -> Result<Paginated<Customer>, GlueError> { Ok(Vec::new().into()) }
/// # }
/// # impl Processor<Customer> for Customers {}
/// # impl CreateProcessor<Customer> for Customers {
/// #     async fn create(&self, _: &Context<Customer>, c: Customer) -> Result<Customer, GlueError> { Ok(c) }
/// # }
/// # impl ReplaceProcessor<Customer> for Customers {
/// #     async fn replace(&self, _: &Context<Customer>, c: Customer, _: Customer) -> Result<Customer, GlueError> { Ok(c) }
/// # }
/// # impl UpdateProcessor<Customer> for Customers {
/// #     async fn update(&self, _: &Context<Customer>, c: Customer, _: Customer) -> Result<Customer, GlueError> { Ok(c) }
/// # }
/// # impl DeleteProcessor<Customer> for Customers {
/// #     async fn delete(&self, _: &Context<Customer>, _: Customer) -> Result<(), GlueError> { Ok(()) }
/// # }
///
/// /// A customer of the shop.
/// #[derive(ApiResource, Clone, validator::Validate)]
/// #[api(
///     short_name = "customers",
///     operations(Get, GetCollection, Post, Put, Patch, Delete),
///     provider = Customers,
///     processor = Customers,
///     pagination(items_per_page = 10, maximum_items_per_page = 100, client_enabled),
/// )]
/// struct Customer {
///     #[api(identifier, writable = false)]
///     customer_reference: String,
///     #[api(required, description = "Login and contact address", example = "jane@example.com")]
///     #[validate(email)]
///     email: String,
///     #[api(readable = false)]
///     #[validate(length(min = 8))]
///     password: Option<String>,
///     #[api(default = true)]
///     is_active: bool,
///     #[api(writable = false)]
///     created_at: chrono::DateTime<chrono::Utc>,
/// }
/// ```
///
/// # On the struct: `#[api(...)]`
///
/// | key | meaning | default |
/// |---|---|---|
/// | `name = "Customers"` | the resource name (schemas, documentation) | plural of the struct name |
/// | `short_name = "customers"` | the type in URLs and documents: plural, kebab-case | plural kebab-case of the struct name |
/// | `label = "Customer"` | one item in messages (`Customer DE--99 not found.`) | the struct name in words |
/// | `description = "..."` | documentation | the doc comment |
/// | `operations(Get, GetCollection, Post, Put, Patch, Delete)` | the operations; each may take `(uri_template = "/customers/{customerReference}/addresses", status = 201, description = "...")` | required |
/// | `provider = Type` | the `Provider` (needed by every operation but Post) | `()` |
/// | `processor = Type` | the `Processor` (needed by Post, Put, Patch, Delete) | `()` |
/// | `pagination(enabled, items_per_page = 10, maximum_items_per_page = 100, client_enabled, client_items_per_page, form = "offset")` | pagination settings (SPEC §5.1); `form` names the strategy links use | the application's |
/// | `uri_variables(customerReference = customer_reference)` | which field holds a template variable | the field of the same name |
/// | `idempotent_delete` | `DELETE` of an unknown id answers 204 | 404 |
/// | `includes(paths = N, depth = M)` | the most `include` paths per request, and relationships per path (SPEC §13.1) | 20 and 3 |
/// | `relationships(addresses(target = Address, many, key = "customerReference"))` | relationships (SPEC §3.3); `keys(own = theirs)` when the property names differ | none |
/// | `tie_breaker = "idCustomer"` | the property that makes every order total (and keys cursors) | the identifier |
/// | `validate_group = path` | a `fn(&Self, WriteMode) -> Result<(), Vec<FieldError>>` with the rules of one operation group (SPEC §7.1: `create` for Post, `replace` for Put, `update` for Patch), checked after the struct's `validator` rules, which apply to every write; `glue_core::validation::Checks` words its failures as `validator` does | none |
/// | `crate = path` | where `glue_core` is | `::glue_core` |
///
/// # On fields: `#[api(...)]`
///
/// | key | meaning | default |
/// |---|---|---|
/// | `identifier` | the value is the resource id (JSON:API `id`, URL) | |
/// | `readable = false` | never shown in responses (passwords) | `true` |
/// | `writable = false` | ignored in requests (ids, timestamps) | `true` |
/// | `required` | `Post` and `Put` must send it | `false` |
/// | `default = expr` | the value when a `Post` or `Put` does not send it | `Default::default()` |
/// | `description = "..."` | documentation | the doc comment |
/// | `example = "..."` | an example value (a literal) | |
/// | `format = "email"` | a format refining the type | from the type (`date-time`, `date`, `uuid`...) |
/// | `enum_values("a", "b")`, `enum_values = CODES` | the allowed values (literals, or a constant array or slice of `&str` the program shares), checked on writes and documented as `enum` | |
/// | `filterable = false`, `sortable = false` | opt out of filtering and sorting | readable properties can |
/// | `rename = "name"` | the name on the wire | the field name in camelCase |
/// | `type = "string"` | the JSON type, when inference from the Rust type is wrong | inferred |
///
/// Validation rules come from `validator`'s `#[validate(...)]` on the same struct; every
/// failed rule is reported in one 422 answer.
///
/// # Compile-time checks
///
/// Each points at the attribute that caused it: no or an unknown operation, a struct without
/// fields, an item operation without identifier, two identifiers, a maximum page size below
/// the default, a uri variable that no field holds, a relationship key that either side lacks
/// (the target's side through a check the compiler evaluates), a property type that JSON
/// cannot represent, an invalid security expression, an operation without the provider or
/// processor it needs. The pagination `form` names a strategy registered on the
/// application, the built-in ones or a user's own; `Application::try_build` refuses a name
/// that none has.
#[proc_macro_derive(ApiResource, attributes(api))]
pub fn derive_api_resource(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let tokens = emit::expand(&input);
    if std::env::var_os("GLUE_MACROS_DEBUG").is_some() {
        eprintln!("{tokens}");
    }
    tokens.into()
}
