//! From a write request's body to an item: the rules that need only metadata, and every
//! error of the request gathered into one answer (SPEC §3.7, §3.8, §4.3).

use std::borrow::Cow;

use http::StatusCode;
use serde_json::value::RawValue;

use super::Tools;
use crate::context::Context;
use crate::convention::{DecodeTarget, WriteDocument};
use crate::error::{ErrorObject, ErrorSource, FieldError, GlueError};
use crate::meta::{PropertyMeta, ResourceMeta};
use crate::provider::Processor;
use crate::resource::{Resource, WriteInput, WriteMode};

type Attributes<'b> = Vec<(Cow<'b, str>, &'b RawValue)>;

/// A request document, decoded and checked against the metadata.
pub(super) struct Decoded<'b> {
    attributes: Attributes<'b>,
    /// The identifier a client chose for a new item (JSON:API `id`).
    id: Option<Cow<'b, str>>,
    /// Undeclared attributes, reported with the other invalid properties.
    unknown: Vec<ErrorObject>,
}

impl Tools<'_> {
    /// Decodes the body of a write with the convention that reads it.
    pub(super) fn decode<R: Resource>(
        &self,
        ctx: &Context<R>,
        mode: WriteMode,
    ) -> Result<Decoded<'_>, GlueError> {
        let (bytes, reader) = self.body.as_ref().ok_or_else(|| {
            GlueError::internal("a write operation reached its handler without a body")
        })?;
        let url_id = ctx.raw_id();
        let document = reader.decode(
            bytes,
            &DecodeTarget {
                resource: R::meta(),
                operation: ctx.operation().kind,
                url_id,
            },
        )?;
        prepare(document, R::meta(), mode, url_id)
    }

    /// Builds the item a write asks for and checks it: decoding errors, the declared rules,
    /// `securityPostDenormalize`, the processor's store checks, then
    /// `securityPostValidation`. Every invalid property is reported in one 422. The context
    /// learns which properties the write sets.
    pub(super) async fn build<R: Resource>(
        &self,
        processor: &R::Processor,
        ctx: &mut Context<R>,
        mode: WriteMode,
        previous: Option<&R>,
    ) -> Result<R, GlueError>
    where
        R::Processor: Processor<R>,
    {
        let decoded = self.decode(ctx, mode)?;
        let meta = R::meta();
        let written: Vec<&'static str> = match mode {
            WriteMode::Update => decoded
                .attributes
                .iter()
                .filter_map(|(name, _)| meta.property(name).map(|property| property.name))
                .collect(),
            WriteMode::Create | WriteMode::Replace => meta
                .properties
                .iter()
                .filter(|property| property.writable)
                .map(|property| property.name)
                .collect(),
        };
        ctx.set_written(written);
        let ctx = &*ctx;
        let mut input = WriteInput::new(mode, decoded.attributes, decoded.id, ctx.uri_variables());
        let item = R::from_input(&mut input, previous.cloned());
        if let Some(item) = &item {
            self.check_write(ctx, self.rules.post_denormalize.as_ref(), item, previous)?;
        }
        let mut errors = input.into_errors();
        if let Some(item) = &item
            && let Err(failed) = item.validate()
        {
            merge_field_errors(&mut errors, failed);
        }
        if let Some(item) = &item
            && let Err(failed) = item.validate_group(mode)
        {
            merge_field_errors(&mut errors, failed);
        }
        errors.extend(decoded.unknown);
        if let Some(item) = &item {
            let failed = processor.validate(ctx, item, previous).await?;
            merge_field_errors(&mut errors, failed);
        }
        let item = finish::<R>(item, errors)?;
        self.check_write(ctx, self.rules.post_validation.as_ref(), &item, previous)?;
        Ok(item)
    }
}

/// Applies the write rules that need only metadata: a client id on Post needs a writable
/// identifier (403), an id that differs from the URL's conflicts (409), read-only attributes
/// are dropped, and undeclared ones become 422 errors.
fn prepare<'b>(
    document: WriteDocument<'b>,
    meta: &ResourceMeta,
    mode: WriteMode,
    url_id: Option<&str>,
) -> Result<Decoded<'b>, GlueError> {
    let identifier = meta.identifier();
    let identifier_name = identifier.map_or("id", |property| property.name);
    let client_ids = identifier.is_some_and(|property| property.writable);
    let mut id = document.id;
    match (&id, mode) {
        (Some(_), WriteMode::Create) if !client_ids => {
            return Err(GlueError::new(
                StatusCode::FORBIDDEN,
                format!("{} does not accept client-generated ids.", meta.short_name),
            )
            .with_code("client_generated_id")
            .with_source(ErrorSource::Identifier(identifier_name.to_owned())));
        }
        (Some(sent), WriteMode::Replace | WriteMode::Update) => {
            if Some(sent.as_ref()) != url_id {
                let source = ErrorSource::Identifier(identifier_name.to_owned());
                return Err(id_conflict(source, sent, url_id));
            }
            id = None;
        }
        _ => {}
    }
    let mut unknown: Vec<ErrorObject> = Vec::new();
    let mut kept = Vec::with_capacity(document.attributes.len());
    for (name, raw) in document.attributes {
        match meta.property(&name) {
            None => unknown.push(
                FieldError::new(
                    name.as_ref(),
                    format!("is not an attribute of {}", meta.short_name),
                )
                .into(),
            ),
            Some(property) if property.identifier => {
                if mode == WriteMode::Create {
                    if property.writable {
                        kept.push((name, raw));
                    }
                    continue;
                }
                let sent = raw_id(raw);
                if property.writable && sent.as_deref() != url_id {
                    let source = ErrorSource::Property(name.into_owned());
                    return Err(id_conflict(source, sent.as_deref().unwrap_or(""), url_id));
                }
            }
            Some(property) if !property.writable => {}
            Some(_) => kept.push((name, raw)),
        }
    }
    Ok(Decoded {
        attributes: kept,
        id,
        unknown,
    })
}

/// 409: the document's identifier is not the URL's.
fn id_conflict(source: ErrorSource, sent: &str, url_id: Option<&str>) -> GlueError {
    GlueError::conflict(format!(
        "The id \"{sent}\" does not match the id \"{}\" of the URL.",
        url_id.unwrap_or_default()
    ))
    .with_source(source)
}

/// An identifier sent as a JSON string or number, as text.
fn raw_id(raw: &RawValue) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(raw.get()).ok()? {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Adds property errors, except for properties that already have one (a property that failed
/// to decode is not validated again).
fn merge_field_errors(errors: &mut Vec<ErrorObject>, failed: Vec<FieldError>) {
    for error in failed {
        let reported = errors.iter().any(|existing| {
            matches!(&existing.source, Some(ErrorSource::Property(p)) if *p == error.property)
        });
        if !reported {
            errors.push(error.into());
        }
    }
}

/// One 422 with every error of the write (SPEC §3.8: all at once), in declaration order, or
/// the item when there is none.
fn finish<R: Resource>(item: Option<R>, mut errors: Vec<ErrorObject>) -> Result<R, GlueError> {
    // The identifier is not an attribute: its errors point at it as such (`/data/id`).
    if let Some(identifier) = R::meta().identifier() {
        for error in &mut errors {
            if matches!(&error.source, Some(ErrorSource::Property(p)) if p == identifier.name) {
                error.source = Some(ErrorSource::Identifier(identifier.name.to_owned()));
            }
        }
    }
    match item {
        Some(item) if errors.is_empty() => Ok(item),
        _ if !errors.is_empty() => {
            let properties = R::meta().properties;
            errors.sort_by_key(|error| declaration_order(properties, error));
            Err(GlueError::from_errors(errors))
        }
        _ => Err(GlueError::internal(
            "the resource could not be built and reported no error",
        )),
    }
}

/// Where an error's property stands in the declaration; undeclared ones come last.
fn declaration_order(properties: &[PropertyMeta], error: &ErrorObject) -> usize {
    let name = match &error.source {
        Some(ErrorSource::Property(path)) => path.split(['.', '[']).next().unwrap_or_default(),
        Some(ErrorSource::Identifier(name)) => name.as_str(),
        _ => return usize::MAX,
    };
    properties
        .iter()
        .position(|property| property.name == name)
        .unwrap_or(usize::MAX - 1)
}
