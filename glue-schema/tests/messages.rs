//! Every rule of the schema format, each message pinned with the file, line and key it
//! names; and a broken resource never stops the others.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use glue_schema::{Layer, Layout, Run, run};

/// A project directory with files in two layers, `core/` and `project/`.
struct Project {
    root: PathBuf,
}

impl Project {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "glue-schema-messages-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Self { root }
    }

    fn file(self, path: &str, text: &str) -> Self {
        let path = self.root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn run(&self) -> Run {
        let layout = Layout::new(
            &self.root,
            vec![
                Layer::new("core", "core/*/api/{type}"),
                Layer::new("project", "project/api/{type}"),
            ],
        );
        run(&layout, "backend")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Each finding as `file:line key: message`.
fn findings(run: &Run) -> Vec<String> {
    run.failures()
        .iter()
        .map(|(_, d)| {
            format!(
                "{}:{} {}: {}",
                d.file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
                d.at.line,
                d.key,
                d.message
            )
        })
        .collect()
}

const GOOD: &str = "resource:
  name: Notes
  shortName: notes
  operations:
    - type: Get
  properties:
    id:
      type: string
      identifier: true
";

fn one(text: &str) -> Vec<String> {
    let project = Project::new().file("core/m/api/backend/customers.resource.yml", text);
    findings(&project.run())
}

#[test]
fn the_seed_messages() {
    assert_eq!(
        one("resource:\n  shortName: customers\n"),
        [
            "core/m/api/backend/customers.resource.yml:2 resource.name: Resource \"customers\" is missing required field \"name\""
        ]
    );
    assert_eq!(
        one("resource:
  name: Customers
  shortName: customers
  operations:
    - type: INVALID
  properties:
    age:
      type: int
"),
        [
            "core/m/api/backend/customers.resource.yml:8 resource.properties.age.type: Property \"age\" has invalid type \"int\". Must be one of: string, integer, number, boolean, array, object",
            "core/m/api/backend/customers.resource.yml:5 resource.operations[INVALID].type: Invalid operation type \"INVALID\". Must be one of: Get, Post, Put, Patch, Delete, GetCollection",
        ]
    );
}

#[test]
fn required_fields() {
    assert_eq!(
        one("resource:\n  name: Customers\n"),
        [
            "core/m/api/backend/customers.resource.yml:2 resource: Resource \"Customers\" is missing required field \"shortName\"",
            "core/m/api/backend/customers.resource.yml:2 resource: Resource \"Customers\" must declare at least one property",
            "core/m/api/backend/customers.resource.yml:2 resource: Resource \"Customers\" must declare at least one operation",
        ]
    );
    assert_eq!(
        one(
            "resource:\n  name: C\n  shortName: c\n  operations: []\n  properties:\n    a: {description: x}\n"
        ),
        [
            "core/m/api/backend/customers.resource.yml:6 resource.properties.a: Property \"a\" is missing required field \"type\"",
            "core/m/api/backend/customers.resource.yml:4 resource.operations: Resource \"C\" must declare at least one operation",
        ]
    );
}

#[test]
fn misspelled_keys_get_a_suggestion() {
    let text = "resource:
  name: Notes
  shortname: notes
  operations:
    - type: Gte
      uriTemplat: /notes/{id}
  properties:
    id:
      type: string
      identifer: true
      openapiContext:
        exmaple: x
";
    assert_eq!(
        one(text),
        [
            "core/m/api/backend/customers.resource.yml:3 resource.shortname: Unknown key \"shortname\" in resource (did you mean \"shortName\"?)",
            "core/m/api/backend/customers.resource.yml:2 resource: Resource \"Notes\" is missing required field \"shortName\"",
            "core/m/api/backend/customers.resource.yml:10 resource.properties.id.identifer: Unknown key \"identifer\" in a property (did you mean \"identifier\"?)",
            "core/m/api/backend/customers.resource.yml:12 resource.properties.id.openapiContext.exmaple: Unknown key \"exmaple\" in openapiContext (did you mean \"example\"?)",
            "core/m/api/backend/customers.resource.yml:6 resource.operations[Gte].uriTemplat: Unknown key \"uriTemplat\" in an operation (did you mean \"uriTemplate\"?)",
            "core/m/api/backend/customers.resource.yml:5 resource.operations[Gte].type: Invalid operation type \"Gte\". Must be one of: Get, Post, Put, Patch, Delete, GetCollection (did you mean \"Get\"?)",
        ]
    );
}

#[test]
fn rules_of_a_resource() {
    let text = "resource:
  name: Notes
  shortName: notes
  provider: 'Pyz\\Glue\\Notes\\MissingProvider'
  paginationItemsPerPage: 50
  paginationMaximumItemsPerPage: 10
  security: \"is_granted('ROLE_ADMIN'\"
  operations:
    - type: Get
    - type: Get
  properties:
    a:
      type: string
      identifier: true
    b:
      type: integer
      identifier: true
      default: nope
";
    assert_eq!(
        one(text),
        [
            "core/m/api/backend/customers.resource.yml:4 resource.provider: Provider \"Pyz\\Glue\\Notes\\MissingProvider\" is not a valid Rust path (such as \"crate::customers::CustomerStore\")",
            "core/m/api/backend/customers.resource.yml:6 resource.paginationMaximumItemsPerPage: \"paginationMaximumItemsPerPage\" (10) is below \"paginationItemsPerPage\" (50)",
            "core/m/api/backend/customers.resource.yml:18 resource.properties.b.default: Property \"b\" has a default of the wrong type: \"nope\" is not of type integer",
            "core/m/api/backend/customers.resource.yml:7 resource.security: Invalid security expression in \"security\": unclosed parenthesis\nis_granted('ROLE_ADMIN'\n          ^",
            "core/m/api/backend/customers.resource.yml:10 resource.operations[Get].type: Operation \"Get\" is declared twice",
            "core/m/api/backend/customers.resource.yml:17 resource.properties.b.identifier: Resource \"Notes\" has two identifiers: \"a\" and \"b\"",
        ]
    );
    assert_eq!(
        one(
            "resource:\n  name: Notes\n  shortName: notes\n  operations:\n    - type: Patch\n  properties:\n    a: {type: string}\n"
        ),
        [
            "core/m/api/backend/customers.resource.yml:6 resource.properties: Resource \"Notes\" declares item operations (Patch) but no property with \"identifier: true\""
        ]
    );
}

#[test]
fn rules_of_routes() {
    let text = "resource:
  name: Addresses
  shortName: customers-addresses
  operations:
    - type: GetCollection
      uriTemplate: /customers/{customerReference}/addresses
      uriVariables:
        customerReference:
          toProperty: customer
          fromClass: CustomerBackendResource
        other: ~
  properties:
    id:
      type: string
      identifier: true
    customerReference:
      type: string
";
    assert_eq!(
        one(text),
        [
            "core/m/api/backend/customers.resource.yml:9 resource.operations[GetCollection].uriVariables.customerReference.toProperty: \"toProperty\" \"customer\" is not a property of \"Addresses\"",
            "core/m/api/backend/customers.resource.yml:11 resource.operations[GetCollection].uriVariables.other: uri variable \"other\" does not appear in \"uriTemplate\" \"/customers/{customerReference}/addresses\"",
        ]
    );
}

#[test]
fn from_class_names_a_generated_resource() {
    let text = "resource:
  name: Addresses
  shortName: customers-addresses
  operations:
    - type: GetCollection
      uriTemplate: /customers/{customerReference}/addresses
      uriVariables:
        customerReference:
          toProperty: customerReference
          fromClass: CustomerBackendResource
  properties:
    id:
      type: string
      identifier: true
    customerReference:
      type: string
";
    assert_eq!(
        one(text),
        [
            "core/m/api/backend/customers.resource.yml:10 resource.operations[GetCollection].uriVariables.customerReference.fromClass: \"fromClass\" \"CustomerBackendResource\" is not a generated backend resource (did you mean \"AddressesBackendResource\"?)"
        ]
    );
}

#[test]
fn includes_and_includable_in_must_match() {
    let project = Project::new()
        .file(
            "core/a/api/backend/customers.resource.yml",
            "resource:
  name: Customers
  shortName: customers
  operations: [{type: Get}]
  properties:
    ref: {type: string, identifier: true}
  includes:
    - relationshipName: addresses
      targetResource: Addresses
      uriVariableMappings: {ref: ref}
    - relationshipName: orders
      targetResource: Orderz
      uriVariableMappings: {ref: ref}
",
        )
        .file(
            "core/b/api/backend/addresses.resource.yml",
            "resource:
  name: Addresses
  shortName: addresses
  operations: [{type: GetCollection}]
  properties:
    ref: {type: string}
  includableIn:
    - resource: Carts
      relationshipName: addresses
",
        );
    assert_eq!(
        findings(&project.run()),
        [
            "core/a/api/backend/customers.resource.yml:8 resource.includes[addresses]: Include \"addresses\" of \"Customers\" has no matching \"includableIn\" in \"Addresses\" (resource: Customers, relationshipName: addresses)",
            "core/a/api/backend/customers.resource.yml:12 resource.includes[orders].targetResource: Include \"orders\" targets \"Orderz\", which is not a valid backend resource",
            "core/b/api/backend/addresses.resource.yml:8 resource.includableIn[Carts.addresses]: \"Addresses\" is includable in \"Carts\" as \"addresses\", but \"Carts\" has no such include",
        ]
    );
}

#[test]
fn validation_schemas() {
    let project = Project::new()
        .file(
            "core/a/api/backend/notes.resource.yml",
            "resource:
  name: Notes
  shortName: notes
  operations: [{type: Get}, {type: Post}]
  properties:
    id: {type: string, identifier: true}
    stars: {type: integer}
",
        )
        .file(
            "project/api/backend/notes.validation.yml",
            "validation:
  name: Notes
  create:
    id:
      lenght: {min: 1}
      email: true
    title:
      notBlank: true
    stars:
      email: true
      range: {min: 0.5}
  update:
    id:
      email: false
  delete: {}
",
        )
        .file(
            "project/api/backend/orphans.validation.yml",
            "validation:\n  name: Orphans\n",
        );
    assert_eq!(
        findings(&project.run()),
        [
            "project/api/backend/orphans.validation.yml:2 validation.name: Validation schema \"Orphans\" names no resource: no resource file declares \"name: Orphans\"",
            "project/api/backend/notes.validation.yml:15 validation.delete: Unknown key \"delete\" in a validation schema",
            "project/api/backend/notes.validation.yml:5 validation.create.id.lenght: Unknown key \"lenght\" in validation rules (did you mean \"length\"?)",
            "project/api/backend/notes.validation.yml:7 validation.create.title: Validation rules for \"title\", which is not a property of \"Notes\"",
            "project/api/backend/notes.validation.yml:10 validation.create.stars.email: Rule \"email\" does not apply to \"stars\", a property of type integer",
            "project/api/backend/notes.validation.yml:11 validation.create.stars.range: \"range\" of \"stars\" needs whole bounds: it is an integer",
            "project/api/backend/notes.validation.yml:12 validation.update: Validation group \"update\" has rules, but \"Notes\" declares no Patch operation",
        ]
    );
}

#[test]
fn a_layer_cannot_change_the_kind_of_a_value() {
    let project = Project::new()
        .file("core/a/api/backend/notes.resource.yml", GOOD)
        .file(
            "project/api/backend/notes.resource.yml",
            "resource:\n  name: Notes\n  properties:\n    id: string\n",
        );
    assert_eq!(
        findings(&project.run()),
        [
            "project/api/backend/notes.resource.yml:4 resource.properties.id: Key \"resource.properties.id\" is a mapping in a lower layer but a text here; a layer can override a value, not change what kind of value it is"
        ]
    );
}

#[test]
fn broken_files_and_resources_do_not_stop_the_others() {
    let project = Project::new()
        .file("core/a/api/backend/notes.resource.yml", GOOD)
        .file("core/b/api/backend/broken.resource.yml", "resource:\n  name: [\n")
        .file(
            "core/c/api/backend/bad.resource.yml",
            "resource:\n  name: Bad\n  shortName: bad\n  operations: [{type: GetCollection}]\n  properties:\n    x: {type: int}\n",
        );
    let run = project.run();
    let found = findings(&run);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("core/b/api/backend/broken.resource.yml:"),
        "{found:?}"
    );
    assert!(found[0].contains("is not valid YAML"), "{found:?}");
    assert!(found[1].contains("Property \"x\" has invalid type \"int\""));
    assert!(!run.is_ok());
    let valid: Vec<&str> = run
        .validated
        .resources
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(valid, ["Notes"]);
    assert!(run.code(None).contains("pub struct NotesBackendResource"));
    assert_eq!(run.validated.failures.len(), 1);
    assert_eq!(run.validated.failures[0].0, "Bad");
    assert_eq!(run.parsed.failed_files().len(), 1);
}

/// A resource with one mistake, and the one finding it gives (`line key: message`).
const MISTAKES: &[(&str, &str)] = &[
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: Get}], properties: {id: {type: string, identifier: true}}, description: [x]}",
        "1 resource.description: \"description\" must be a text, not a list",
    ),
    (
        "resource: {name: Nt, shortName: nt, paginationEnabled: yes please, operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.paginationEnabled: \"paginationEnabled\" must be true or false, not a text",
    ),
    (
        "resource: {name: Nt, shortName: nt, paginationItemsPerPage: -3, operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.paginationItemsPerPage: \"paginationItemsPerPage\" must be a whole number of at least 0, not -3",
    ),
    (
        "resource: {name: Nt, shortName: nt, paginationItemsPerPage: 0, operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.paginationItemsPerPage: \"paginationItemsPerPage\" must be at least 1",
    ),
    (
        "resource: {name: Nt, shortName: nt, paginationForm: 'two words', operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.paginationForm: \"paginationForm\" names a pagination strategy, such as \"offset\" or \"page\"",
    ),
    (
        "resource: {name: Nt, shortName: nt, table: 'drop table', operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.table: \"table\" names a SQL table: letters, digits and \"_\", optionally after a schema and \".\"",
    ),
    (
        "resource: {name: Nt, shortName: nt, version: two, operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.version: \"version\" \"two\" is not a version such as \"2.0\"",
    ),
    (
        "resource: {name: Nt, shortName: 'n n', operations: [{type: GetCollection}], properties: {a: {type: string}}}",
        "1 resource.shortName: Resource \"Nt\" has an invalid \"shortName\" \"n n\": use letters, digits and \"-\" (\"customers-addresses\", or \"Customer\" for /customers)",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: {type: Get}, properties: {a: {type: string}}}",
        "1 resource.operations: \"operations\" must be a list, not a mapping",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{uriTemplate: /n}], properties: {a: {type: string}}}",
        "1 resource.operations[0]: Operation is missing required field \"type\"",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection, uriTemplate: n}], properties: {a: {type: string}}}",
        "1 resource.operations[GetCollection].uriTemplate: \"uriTemplate\" \"n\" must start with \"/\"",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection, status: 700}], properties: {a: {type: string}}}",
        "1 resource.operations[GetCollection].status: \"status\" 700 is not an HTTP status",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection, uriVariables: [a]}], properties: {a: {type: string}}}",
        "1 resource.operations[GetCollection].uriVariables: \"uriVariables\" must be a mapping, not a list",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection, uriVariables: {a: ~}}], properties: {a: {type: string}}}",
        "1 resource.operations[GetCollection].uriVariables.a: uri variable \"a\" needs a \"uriTemplate\" on its operation",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection, uriTemplate: '/x/{a}', uriVariables: {a: b}}], properties: {a: {type: string}}}",
        "1 resource.operations[GetCollection].uriVariables.a: uri variable \"a\" must be a mapping with \"fromClass\" and \"toProperty\", not a text",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: [a]}",
        "1 resource.properties: \"properties\" must be a mapping, not a list",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {first-name: {type: string}}}",
        "1 resource.properties.first-name: Property \"first-name\" cannot name a field: use letters and digits, starting with a letter (\"firstName\")",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, required: true, nullable: true}}}",
        "1 resource.properties.a.nullable: Property \"a\" cannot be nullable: it is required or the identifier",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: array, default: 1}}}",
        "1 resource.properties.a.default: Property \"a\" cannot have a default: defaults are for strings, numbers and booleans",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, readable: false, writable: false}}}",
        "1 resource.properties.a: Property \"a\" is neither readable nor writable",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: Get}], properties: {a: {type: boolean, identifier: true}}}",
        "1 resource.properties.a.identifier: Property \"a\" cannot be the identifier: an identifier is a string or an integer",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, items: string}}}",
        "1 resource.properties.a.items: Property \"a\" has \"items\" but is not an array",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: array, items: object}}}",
        "1 resource.properties.a.items: Property \"a\" has invalid item type \"object\". Must be one of: string, integer, number, boolean",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, openapiContext: {format: int64}}}}",
        "1 resource.properties.a.openapiContext.format: Property \"a\" has the number format \"int64\" but is a string",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, openapiContext: {minLength: 5, maxLength: 2}}}}",
        "1 resource.properties.a.openapiContext.maxLength: \"maxLength\" (2) is below \"minLength\" (5)",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, openapiContext: {enum: x}}}}",
        "1 resource.properties.a.openapiContext.enum: \"enum\" must be a list of texts, not a text",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string, openapiContext: {schema: {enum: [1]}}}}}",
        "1 resource.properties.a.openapiContext.schema.enum: \"enum\" values must be texts, not an integer",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string}}, includes: {a: b}}",
        "1 resource.includes: \"includes\" must be a list, not a mapping",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string}}, includes: [{relationshipName: r}]}",
        "1 resource.includes[r]: An include needs \"relationshipName\" and \"targetResource\"",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string}}, includableIn: [{resource: Mt}]}",
        "1 resource.includableIn[0]: An includableIn entry needs \"resource\" and \"relationshipName\"",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection}], properties: {a: {type: string}}, includableIn: {a: b}}",
        "1 resource.includableIn: \"includableIn\" must be a list, not a mapping",
    ),
    (
        "resource: {name: Nt, shortName: nt, operations: [{type: GetCollection, security: \"is_granted(\"}], properties: {a: {type: string}}}",
        "1 resource.operations[GetCollection].security: Invalid security expression in \"security\": unclosed parenthesis\nis_granted(\n          ^",
    ),
];

#[test]
fn every_other_rule_has_its_message() {
    for (text, expected) in MISTAKES {
        let found: Vec<String> = one(text)
            .into_iter()
            .map(|finding| {
                finding
                    .trim_start_matches("core/m/api/backend/customers.resource.yml:")
                    .to_owned()
            })
            .collect();
        assert!(
            found.iter().any(|finding| finding == expected),
            "{text}\n expected: {expected}\n found: {found:#?}"
        );
    }
}

#[test]
fn includes_need_their_mappings_and_known_properties() {
    let project = Project::new()
        .file(
            "core/a/api/backend/customers.resource.yml",
            "resource:
  name: Customers
  shortName: customers
  operations: [{type: Get}]
  properties:
    ref: {type: string, identifier: true}
  includes:
    - relationshipName: addresses
      targetResource: Addresses
    - relationshipName: orders
      targetResource: Addresses
      uriVariableMappings: {reference: ref, ref: [x]}
",
        )
        .file(
            "core/b/api/backend/addresses.resource.yml",
            "resource:
  name: Addresses
  shortName: addresses
  operations: [{type: GetCollection}]
  properties:
    ref: {type: string}
  includableIn:
    - {resource: Customers, relationshipName: addresses}
    - {resource: Customers, relationshipName: orders, uriVariableMappings: {ref: ref}}
",
        );
    let found = findings(&project.run());
    for expected in [
        "core/a/api/backend/customers.resource.yml:8 resource.includes[addresses]: Include \"addresses\" needs \"uriVariableMappings\": which of this resource's properties matches which of \"Addresses\"'s",
        "core/a/api/backend/customers.resource.yml:12 resource.includes[orders].uriVariableMappings.ref: A uri variable mapping names a property of the target",
        "core/a/api/backend/customers.resource.yml:12 resource.includes[orders].uriVariableMappings.reference: \"reference\" in \"uriVariableMappings\" is not a property of \"Customers\"",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected}\n{found:#?}"
        );
    }
}

#[test]
fn extension_keys_reach_the_generated_attributes() {
    let project = Project::new().file(
        "core/a/api/backend/notes.resource.yml",
        "resource:
  name: Notes
  shortName: notes
  version: 2.0
  table: notes
  paginationForm: offset
  operations:
    - type: GetCollection
    - type: Post
      version: '2.1'
      status: 202
  properties:
    text: {type: string, filterable: false, sortable: false, nullable: false}
    tags: {type: array, items: string}
",
    );
    let run = project.run();
    assert!(run.is_ok(), "{:?}", findings(&run));
    let code = run.code(None);
    for expected in [
        "    version = \"2.0\",\n",
        "    table = \"notes\",\n",
        "    pagination(form = \"offset\"),\n",
        "Post(status = 202, version = \"2.1\")",
        "    #[api(filterable = false, sortable = false)]\n    pub text: String,\n",
        "    pub tags: Option<Vec<String>>,\n",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
}
