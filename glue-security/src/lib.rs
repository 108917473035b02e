//! The security language of Glue (SPEC §6.6), in a crate of its own so that the derive can
//! check every expression at compile time and the router can evaluate the same expressions
//! at run time, with the same parser.
//!
//! It also holds the two types both sides speak of: the [`Principal`] (who is calling) and the
//! [`Voter`] (who decides object-level attributes such as `EDIT`). `glue-auth` re-exports
//! them; most users depend on that crate, not this one.
//!
//! ```
//! use glue_security::{Expression, Principal, PrincipalKind, Schema};
//!
//! let rule = Expression::parse("is_granted('ROLE_ADMIN') or object.owner == user.id")?;
//! rule.check(&Schema::with_object(&["owner", "title"]))?;
//! assert!(rule.check(&Schema::without_object()).is_err());
//! # Ok::<(), glue_security::ExpressionError>(())
//! ```

mod expression;
mod principal;
mod voter;

pub use expression::{
    Environment, Expression, ExpressionError, FUNCTIONS, Members, Property, REQUEST_ATTRIBUTES,
    Root, Schema, SubjectRef,
};
pub use glue_common::Scalar;
pub use principal::{Principal, PrincipalKind};
pub use voter::{Subject, Vote, Voter, decide};
