//! Rules that the derive (`glue-macros`, at compile time) and the runtime (`glue-core`) of
//! Glue both need, written once: the operation kinds and JSON types a declaration names, the
//! default names of properties and resource types, how uri templates are read, what a
//! version looks like, the wire form of dates, and property values as the runtime compares
//! them ([`Scalar`]).
//!
//! Users never depend on this crate; `glue-core` re-exports what appears in its API.
//!
//! ```
//! use glue_common::{OperationKind, naming, template};
//!
//! assert_eq!(OperationKind::from_name("GetCollection"), Some(OperationKind::GetCollection));
//! assert_eq!(naming::camel_case("created_at"), "createdAt");
//! assert_eq!(naming::short_name("CustomerAddress"), "customer-addresses");
//! let variables: Vec<&str> = template::variables("/customers/{customerReference}/addresses").collect();
//! assert_eq!(variables, ["customerReference"]);
//! ```

/// `names()`, `from_name()` and `Display` for an enum of named kinds, from its `ALL` and
/// `name()`: `named!(Type, "what the names are", "an example")`.
macro_rules! named {
    ($ty:ident, $what:literal, $example:literal) => {
        impl $ty {
            #[doc = concat!("Every ", $what, " name, in the order of `ALL`.")]
            #[must_use]
            pub const fn names() -> [&'static str; $ty::ALL.len()] {
                let mut names = [""; $ty::ALL.len()];
                let mut index = 0;
                while index < Self::ALL.len() {
                    names[index] = Self::ALL[index].name();
                    index += 1;
                }
                names
            }

            #[doc = concat!("Parses a ", $what, " name (`\"", $example, "\"`).")]
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|kind| kind.name() == name)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub mod date;
pub mod naming;
mod operation;
mod property_type;
mod scalar;
pub mod template;
pub mod version;

pub use operation::OperationKind;
pub use property_type::PropertyType;
pub use scalar::{AsScalar, Scalar, decimal_from_f64};
