//! `/dynamic-entity-configurations` (SPEC §9.1): configurations as a Glue resource,
//! administrators only, in JSON:API (`tableAlias` as the id) or plain JSON. A write is
//! checked against every rule of the configuration and against the live schema, each refused
//! key reported at its place (`/data/attributes/definition/fields/1/type`), and a saved one
//! is served at once.

use std::sync::Arc;

use glue_core::{
    ApiResource, CollectionProvider, Context, CreateProcessor, DeleteProcessor, FieldError,
    GlueError, ItemProvider, Paginated, Processor, ReplaceProcessor, UpdateProcessor,
};
use serde::{Deserialize, Serialize};

use crate::DataExchangeInner;
use crate::config::{Configuration, Definition, Problem};
use crate::schema;

/// A Data Exchange configuration: which table an alias exposes, and how.
#[derive(ApiResource, Clone, Debug, Serialize, Deserialize)]
#[api(
    name = "DynamicEntityConfigurations",
    short_name = "dynamic-entity-configurations",
    label = "Configuration",
    operations(Get, GetCollection, Post, Put, Patch, Delete),
    provider = ConfigurationStore,
    processor = ConfigurationStore,
    security = "is_granted('ROLE_ADMIN')",
    security_message = "Only administrators configure the Data Exchange API."
)]
#[serde(rename_all = "camelCase")]
pub struct DynamicEntityConfiguration {
    /// The name in URLs: `/dynamic-entity/{tableAlias}`.
    #[api(identifier, example = "countries")]
    pub table_alias: String,
    /// The table it exposes.
    #[api(required, example = "countries")]
    pub table_name: String,
    /// Whether it is served.
    #[api(default = true)]
    pub is_active: bool,
    /// The identifier, the exposed columns, the relations and who may use them.
    #[api(required)]
    pub definition: Definition,
}

impl From<Configuration> for DynamicEntityConfiguration {
    fn from(configuration: Configuration) -> Self {
        Self {
            table_alias: configuration.table_alias,
            table_name: configuration.table_name,
            is_active: configuration.is_active,
            definition: configuration.definition,
        }
    }
}

impl From<DynamicEntityConfiguration> for Configuration {
    fn from(resource: DynamicEntityConfiguration) -> Self {
        Self {
            table_alias: resource.table_alias,
            table_name: resource.table_name,
            is_active: resource.is_active,
            definition: resource.definition,
        }
    }
}

/// Reads and writes configurations in their storage, and keeps the registry current.
#[derive(Debug, Clone)]
pub struct ConfigurationStore {
    pub(crate) exchange: Arc<DataExchangeInner>,
}

impl ConfigurationStore {
    async fn loaded(&self) -> Result<Arc<crate::registry::Loaded>, GlueError> {
        self.exchange
            .registry
            .current()
            .await
            .map_err(GlueError::internal)
    }

    async fn saved(
        &self,
        configuration: DynamicEntityConfiguration,
    ) -> Result<DynamicEntityConfiguration, GlueError> {
        let stored: Configuration = configuration.clone().into();
        let registry = &self.exchange.registry;
        registry
            .storage()
            .save(&stored)
            .await
            .map_err(GlueError::internal)?;
        registry.reload().await.map_err(GlueError::internal)?;
        Ok(configuration)
    }
}

impl ItemProvider<DynamicEntityConfiguration> for ConfigurationStore {
    async fn item(
        &self,
        ctx: &Context<DynamicEntityConfiguration>,
    ) -> Result<Option<DynamicEntityConfiguration>, GlueError> {
        let loaded = self.loaded().await?;
        Ok(ctx.id().and_then(|alias| {
            loaded
                .all()
                .iter()
                .find(|configuration| &configuration.table_alias == alias)
                .cloned()
                .map(DynamicEntityConfiguration::from)
        }))
    }
}

impl CollectionProvider<DynamicEntityConfiguration> for ConfigurationStore {
    async fn collection(
        &self,
        _ctx: &Context<DynamicEntityConfiguration>,
    ) -> Result<Paginated<DynamicEntityConfiguration>, GlueError> {
        let loaded = self.loaded().await?;
        Ok(loaded
            .all()
            .iter()
            .cloned()
            .map(DynamicEntityConfiguration::from)
            .collect::<Vec<_>>()
            .into())
    }
}

/// `/definition/fields/1/type` as the property path `definition.fields[1].type`.
fn property_path(pointer: &str) -> String {
    let mut path = String::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        if segment.bytes().all(|b| b.is_ascii_digit()) && !segment.is_empty() {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(segment);
        }
    }
    path
}

fn field_errors(problems: Vec<Problem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|problem| FieldError::new(property_path(&problem.pointer), problem.message))
        .collect()
}

impl Processor<DynamicEntityConfiguration> for ConfigurationStore {
    async fn validate(
        &self,
        _ctx: &Context<DynamicEntityConfiguration>,
        item: &DynamicEntityConfiguration,
        _previous: Option<&DynamicEntityConfiguration>,
    ) -> Result<Vec<FieldError>, GlueError> {
        let configuration: Configuration = item.clone().into();
        // Every refused key at once (SPEC §9.5): the rules, then the live schema (names are
        // bound values there, so a malformed one is safe to look up).
        let mut problems = configuration.problems();
        for problem in schema::check(&self.exchange.db, &configuration, &self.exchange.protected)
            .await
            .map_err(GlueError::internal)?
        {
            if !problems
                .iter()
                .any(|known| known.pointer == problem.pointer)
            {
                problems.push(problem);
            }
        }
        let loaded = self.loaded().await?;
        for (index, relation) in configuration.definition.relations.iter().enumerate() {
            let child = if relation.child_alias == configuration.table_alias {
                Some(&configuration)
            } else {
                loaded
                    .all()
                    .iter()
                    .find(|other| other.table_alias == relation.child_alias)
            };
            let Some(child) = child else {
                problems.push(Problem {
                    pointer: format!("/definition/relations/{index}/childAlias"),
                    message: format!(
                        "no configuration has the alias \"{}\"",
                        relation.child_alias
                    ),
                });
                continue;
            };
            let columns = schema::columns(&self.exchange.db, &child.table_name)
                .await
                .map_err(GlueError::internal)?;
            for (pair, mapping) in relation.relation_field_mapping.iter().enumerate() {
                if !columns
                    .iter()
                    .any(|column| column.name == mapping.child_field_name)
                {
                    problems.push(Problem {
                        pointer: format!(
                            "/definition/relations/{index}/relationFieldMapping/{pair}/childFieldName"
                        ),
                        message: format!(
                            "the table \"{}\" has no column \"{}\"",
                            child.table_name, mapping.child_field_name
                        ),
                    });
                }
            }
        }
        Ok(field_errors(problems))
    }
}

impl CreateProcessor<DynamicEntityConfiguration> for ConfigurationStore {
    async fn create(
        &self,
        _ctx: &Context<DynamicEntityConfiguration>,
        item: DynamicEntityConfiguration,
    ) -> Result<DynamicEntityConfiguration, GlueError> {
        let existing = self
            .exchange
            .registry
            .storage()
            .get(&item.table_alias)
            .await
            .map_err(GlueError::internal)?;
        if existing.is_some() {
            return Err(GlueError::conflict(format!(
                "A configuration with the alias \"{}\" exists: change it with PUT or PATCH.",
                item.table_alias
            ))
            .with_source(glue_core::ErrorSource::Identifier("tableAlias".to_owned())));
        }
        self.saved(item).await
    }
}

impl ReplaceProcessor<DynamicEntityConfiguration> for ConfigurationStore {
    async fn replace(
        &self,
        _ctx: &Context<DynamicEntityConfiguration>,
        item: DynamicEntityConfiguration,
        _previous: DynamicEntityConfiguration,
    ) -> Result<DynamicEntityConfiguration, GlueError> {
        self.saved(item).await
    }
}

impl UpdateProcessor<DynamicEntityConfiguration> for ConfigurationStore {
    async fn update(
        &self,
        _ctx: &Context<DynamicEntityConfiguration>,
        item: DynamicEntityConfiguration,
        _previous: DynamicEntityConfiguration,
    ) -> Result<DynamicEntityConfiguration, GlueError> {
        self.saved(item).await
    }
}

impl DeleteProcessor<DynamicEntityConfiguration> for ConfigurationStore {
    async fn delete(
        &self,
        _ctx: &Context<DynamicEntityConfiguration>,
        item: DynamicEntityConfiguration,
    ) -> Result<(), GlueError> {
        let registry = &self.exchange.registry;
        registry
            .storage()
            .delete(&item.table_alias)
            .await
            .map_err(GlueError::internal)?;
        registry.reload().await.map_err(GlueError::internal)
    }
}
