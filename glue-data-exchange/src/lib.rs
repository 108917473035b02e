//! The Data Exchange API (SPEC §9): tables of the application's database exposed by
//! configuration at run time.
//!
//! This crate holds, so far, what the API stands on:
//!
//! - [`config`]: a configuration (SPEC §9.1) read from JSON, and every rule it must follow
//!   that needs no database, each refusal with a pointer to its key;
//! - [`schema`]: the database's tables and columns, introspected on SQLite and PostgreSQL,
//!   and the check of a configuration against them (a missing table or column, a type the
//!   column cannot hold, a column that needs a value the configuration cannot give);
//! - [`storage`]: the configurations in the application's own database, with a version that
//!   every change moves on, for processes that share the database (SPEC §9.6).

pub mod config;
pub mod schema;
pub mod storage;

pub use config::{Configuration, FieldType, Problem};
pub use storage::Storage;
