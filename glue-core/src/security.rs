//! Security rules at their three points of evaluation (SPEC §6.6): compiled once when the
//! application is built, evaluated per request.

use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;

use glue_security::{
    Environment, Expression, Members, Principal, Property, Root, Schema, Subject, SubjectRef, Voter,
};
use http::Method;
use http::header::{self, HeaderValue};

use crate::context::RequestContext;
use crate::error::GlueError;
use crate::meta::{OperationKind, OperationMeta, ResourceMeta, SecurityRule};
use crate::query::Scalar;
use crate::resource::Resource;

/// Where a rule is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Point {
    Security,
    PostDenormalize,
    PostValidation,
}

impl Point {
    fn attribute(self) -> &'static str {
        match self {
            Self::Security => "security",
            Self::PostDenormalize => "security_post_denormalize",
            Self::PostValidation => "security_post_validation",
        }
    }
}

/// One compiled rule.
#[derive(Debug)]
pub(crate) struct Rule {
    expression: Expression,
    message: Option<&'static str>,
    /// Whether the rule reads `object` or `previous_object` (and so waits for the item).
    reads_object: bool,
}

impl Rule {
    pub(crate) fn reads_object(&self) -> bool {
        self.reads_object
    }
}

/// The rules of one operation.
#[derive(Debug, Default)]
pub(crate) struct OperationSecurity {
    pub(crate) security: Option<Rule>,
    pub(crate) post_denormalize: Option<Rule>,
    pub(crate) post_validation: Option<Rule>,
}

/// Who may see items of a resource included in another's document (SPEC §3.3, §6.6): the
/// rule of its `Get` (else `GetCollection`) operation.
#[derive(Debug)]
pub(crate) enum ReadRule {
    /// No rule: everyone.
    Open,
    /// A rule that reads no item: checked once; denied refuses the request.
    Early(Rule),
    /// A rule that reads the item: items it refuses are left out, linkage included.
    PerItem(Rule),
    /// The resource declares no read operation: it cannot be included.
    Unreadable,
}

impl ReadRule {
    pub(crate) fn compile(meta: &'static ResourceMeta) -> Result<Self, (OperationKind, RuleError)> {
        let Some(operation) = meta
            .operation(OperationKind::Get)
            .or_else(|| meta.operation(OperationKind::GetCollection))
        else {
            return Ok(Self::Unreadable);
        };
        let compiled =
            OperationSecurity::compile(meta, operation).map_err(|error| (operation.kind, error))?;
        Ok(match compiled.security {
            None => Self::Open,
            Some(rule) if rule.reads_object => Self::PerItem(rule),
            Some(rule) => Self::Early(rule),
        })
    }
}

/// Why a declared rule cannot be used.
#[derive(Debug)]
pub(crate) struct RuleError {
    pub(crate) attribute: &'static str,
    pub(crate) error: glue_security::ExpressionError,
}

impl OperationSecurity {
    /// Parses and checks the rules in force for an operation.
    pub(crate) fn compile(
        meta: &'static ResourceMeta,
        operation: &OperationMeta,
    ) -> Result<Self, RuleError> {
        let rules = meta.security_of(operation);
        let mut names: Vec<&str> = Vec::with_capacity(meta.properties.len() * 2);
        for property in meta.properties {
            names.push(property.name);
            if property.field != property.name && !property.field.is_empty() {
                names.push(property.field);
            }
        }
        let kind = operation.kind;
        let security_schema = if kind.is_item() {
            Schema::with_object(&names)
        } else {
            Schema::without_object()
        };
        let write_schema = Schema::with_previous(&names);
        let writes = kind.has_body();
        Ok(Self {
            security: compile(rules.security, Point::Security, &security_schema)?,
            post_denormalize: if writes {
                compile(
                    rules.post_denormalize,
                    Point::PostDenormalize,
                    &write_schema,
                )?
            } else {
                None
            },
            post_validation: if writes {
                compile(rules.post_validation, Point::PostValidation, &write_schema)?
            } else {
                None
            },
        })
    }

    /// Whether the operation has no rule at all (open to everyone).
    pub(crate) fn is_empty(&self) -> bool {
        self.security.is_none() && self.post_denormalize.is_none() && self.post_validation.is_none()
    }

    /// Whether `security` can run before the provider: it does not read the item, or the
    /// operation has none to read.
    pub(crate) fn security_is_early(&self, kind: OperationKind) -> bool {
        self.security
            .as_ref()
            .is_some_and(|rule| !rule.reads_object || !kind.is_item())
    }
}

fn compile(
    rule: Option<SecurityRule>,
    point: Point,
    schema: &Schema<'_>,
) -> Result<Option<Rule>, RuleError> {
    let Some(rule) = rule else {
        return Ok(None);
    };
    let attribute = point.attribute();
    let expression =
        Expression::parse(rule.expression).map_err(|error| RuleError { attribute, error })?;
    expression
        .check(schema)
        .map_err(|error| RuleError { attribute, error })?;
    let reads_object = expression.uses(Root::Object) || expression.uses(Root::PreviousObject);
    Ok(Some(Rule {
        expression,
        message: rule.message,
        reads_object,
    }))
}

/// What a rule may read of the request: who calls, how and where.
#[derive(Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub(crate) principal: Option<&'a Principal>,
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) application: &'a str,
    pub(crate) variables: &'a [(String, String)],
    pub(crate) locale: Option<&'a str>,
    pub(crate) code_bucket: Option<&'a str>,
    pub(crate) version: Option<&'a str>,
}

impl RequestContext {
    /// What security rules read of this request.
    pub(crate) fn facts(&self) -> Facts<'_> {
        Facts {
            principal: self.principal(),
            method: &self.parts.method,
            path: self.parts.uri.path(),
            application: &self.application,
            variables: &self.uri_variables,
            locale: self.locale.as_deref(),
            code_bucket: self.code_bucket.as_deref(),
            version: self.version(),
        }
    }
}

/// What a check needs from the application.
#[derive(Clone, Copy)]
pub(crate) struct Guard<'a> {
    pub(crate) voters: &'a [Arc<dyn Voter>],
    pub(crate) challenges: &'a [HeaderValue],
}

impl Guard<'_> {
    /// Evaluates a rule; denied is 401 without a principal, 403 with one.
    pub(crate) fn check<R: Item>(
        &self,
        rule: &Rule,
        facts: &Facts<'_>,
        object: Option<&R>,
        previous: Option<&R>,
    ) -> Result<(), GlueError> {
        let env = Env {
            facts,
            voters: self.voters,
            object,
            previous,
            variables: Variables(facts.variables),
        };
        if rule.expression.evaluate(&env) {
            return Ok(());
        }
        Err(self.denied(facts.principal.is_some(), rule.message))
    }

    /// Evaluates a rule that reads no item.
    pub(crate) fn check_early(&self, rule: &Rule, facts: &Facts<'_>) -> Result<(), GlueError> {
        self.check::<NoItem>(rule, facts, None, None)
    }

    /// Whether a rule grants access to an item (for items that are dropped, not refused).
    pub(crate) fn allows<R: Item>(&self, rule: &Rule, facts: &Facts<'_>, item: &R) -> bool {
        let env = Env {
            facts,
            voters: self.voters,
            object: Some(item),
            previous: None,
            variables: Variables(facts.variables),
        };
        rule.expression.evaluate(&env)
    }

    fn denied(&self, authenticated: bool, message: Option<&'static str>) -> GlueError {
        let detail = message.unwrap_or("Access Denied.");
        if authenticated {
            return GlueError::forbidden(detail);
        }
        let mut error = GlueError::unauthorized(if message.is_some() {
            detail
        } else {
            "Full authentication is required to access this resource."
        });
        if self.challenges.is_empty() {
            error = error.with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        // Every scheme the application takes reaches the client (RFC 9110 §11.6.1).
        for challenge in self.challenges {
            error = error.with_appended_header(header::WWW_AUTHENTICATE, challenge.clone());
        }
        error
    }
}

/// A stand-in item type for checks that read none.
#[derive(Debug, Clone)]
enum NoItem {}

/// The environment of one evaluation.
struct Env<'a, R> {
    facts: &'a Facts<'a>,
    voters: &'a [Arc<dyn Voter>],
    object: Option<&'a R>,
    previous: Option<&'a R>,
    variables: Variables<'a>,
}

/// `request.variables`, read member by member.
#[derive(Debug)]
struct Variables<'a>(&'a [(String, String)]);

impl Members for Variables<'_> {
    fn member(&self, name: &str) -> Option<Property<'_>> {
        self.0
            .iter()
            .find(|(variable, _)| variable == name)
            .map(|(_, value)| Property::Scalar(Scalar::String(Cow::Borrowed(value))))
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.0
                .iter()
                .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
                .collect(),
        )
    }
}

/// An item a rule can read: a resource, or none.
pub(crate) trait Item: Send + Sync + 'static {
    fn property(&self, name: &str) -> Option<Property<'_>>;
    fn type_name(&self) -> &'static str;
}

impl<R: Resource> Item for R {
    /// A property by its wire or Rust name: typed, or as JSON for arrays and objects.
    fn property(&self, name: &str) -> Option<Property<'_>> {
        let wire = R::meta()
            .properties
            .iter()
            .find(|property| property.name == name || property.field == name)?
            .name;
        match self.property_value(wire)? {
            Scalar::Composite => self
                .property_json(wire)
                .map(|value| Property::Json(Cow::Owned(value))),
            value => Some(Property::Scalar(value)),
        }
    }

    fn type_name(&self) -> &'static str {
        R::meta().short_name
    }
}

impl Item for NoItem {
    fn property(&self, _: &str) -> Option<Property<'_>> {
        match *self {}
    }

    fn type_name(&self) -> &'static str {
        match *self {}
    }
}

impl<R: Item> Env<'_, R> {
    fn item(&self, root: Root) -> Option<&R> {
        match root {
            Root::Object => self.object,
            Root::PreviousObject => self.previous,
            Root::User | Root::Request => None,
        }
    }
}

impl<R: Item> Environment for Env<'_, R> {
    fn user(&self) -> Option<&Principal> {
        self.facts.principal
    }

    fn has_object(&self, root: Root) -> bool {
        self.item(root).is_some()
    }

    fn object_property(&self, root: Root, name: &str) -> Option<Property<'_>> {
        self.item(root)?.property(name)
    }

    fn request_attribute(&self, name: &str) -> Option<Property<'_>> {
        fn text(value: &str) -> Option<Property<'_>> {
            Some(Property::Scalar(Scalar::String(Cow::Borrowed(value))))
        }
        match name {
            "method" => text(self.facts.method.as_str()),
            "path" => text(self.facts.path),
            "application" => text(self.facts.application),
            "locale" => self.facts.locale.and_then(text),
            "code_bucket" => self.facts.code_bucket.and_then(text),
            "version" => self.facts.version.and_then(text),
            "variables" => Some(Property::Members(&self.variables)),
            _ => None,
        }
    }

    fn vote(&self, attribute: &str, subject: SubjectRef<'_>) -> bool {
        let user = self.facts.principal;
        let subject = match subject {
            SubjectRef::None => Subject::none(),
            SubjectRef::Root(Root::User) => Subject::user(),
            SubjectRef::Root(root @ (Root::Object | Root::PreviousObject)) => {
                match self.item(root) {
                    Some(item) => {
                        Subject::resource(item as &(dyn Any + Send + Sync), item.type_name())
                    }
                    None => Subject::none(),
                }
            }
            SubjectRef::Root(Root::Request) => Subject::none(),
            SubjectRef::Value(value) => Subject::value(value),
        };
        glue_security::decide(self.voters, attribute, &subject, user)
    }
}
