//! A write-only resource: Post with a processor, no provider and no identifier.

use std::borrow::Cow;

use glue_core::{ApiResource, ErrorSource, Processor, Resource};
use glue_core::resource::{WriteInput, WriteMode};
use serde_json::value::RawValue;

struct Inbox;

impl Processor<ContactMessage> for Inbox {}

impl ::glue_core::CreateProcessor<ContactMessage> for Inbox {
    async fn create(&self, _: &::glue_core::Context<ContactMessage>, item: ContactMessage) -> ::core::result::Result<ContactMessage, ::glue_core::GlueError> {
        ::core::result::Result::Ok(item)
    }
}


#[derive(ApiResource, Clone)]
#[api(operations(Post), processor = Inbox)]
struct ContactMessage {
    #[api(required)]
    email: String,
    #[api(required, readable = false)]
    message: String,
    #[api(default = "website")]
    channel: String,
}

fn write_only<R: Resource<Provider = (), Processor = Inbox>>() {}

fn main() {
    write_only::<ContactMessage>();
    let meta = ContactMessage::meta();
    assert_eq!(meta.short_name, "contact-messages");
    assert!(meta.identifier().is_none());
    assert!(meta.uri_variables.is_empty());
    let names: Vec<&str> = meta.properties.iter().map(|p| p.name).collect();
    assert_eq!(names, ["email", "message", "channel"]);
    assert!(meta.property("email").unwrap().required);
    assert!(!meta.property("message").unwrap().readable);
    assert_eq!(
        meta.property("channel").unwrap().default,
        Some("\"website\"")
    );

    // A Post without a required property records an error for it.
    let email = RawValue::from_string(r#""jane@example.com""#.to_owned()).unwrap();
    let mut input = WriteInput::new(
        WriteMode::Create,
        vec![(Cow::Borrowed("email"), &*email)],
        None,
        &[],
    );
    let _ = ContactMessage::from_input(&mut input, None);
    let errors = input.into_errors();
    assert_eq!(errors.len(), 1);
    assert!(matches!(&errors[0].source, Some(ErrorSource::Property(name)) if name == "message"));

    let message = ContactMessage {
        email: "jane@example.com".to_owned(),
        message: "Hello".to_owned(),
        channel: "website".to_owned(),
    };
    assert_eq!(message.id(), "");
    assert_eq!(message.message, "Hello");
}
