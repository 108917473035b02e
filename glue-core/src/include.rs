//! Compound documents (SPEC §3.3): the resources `include=a,a.b` asks for, loaded level by
//! level with one batched provider call per relationship, and the linkage between them.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use crate::body::BoxFuture;
use crate::context::RequestContext;
use crate::error::GlueError;
use crate::meta::{OperationKind, OperationMeta, RelationshipMeta, ResourceMeta};
use crate::params::QueryParams;
use crate::query::{Condition, Filter, FilterValue, Operand, Operator, Query, Scalar, ValueKind};
use crate::resource::ResourceObject;
use crate::security::{Guard, ReadRule, Rule};

/// The most keys one `include` call to a provider carries.
const INCLUDE_CHUNK: usize = 500;

/// Which resources a relationship of an item refers to (JSON:API resource linkage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linkage {
    /// A to-many relationship: `[{"type":..., "id":...}, ...]`.
    Many(Vec<(&'static str, String)>),
    /// A to-one relationship: `{"type":..., "id":...}` or `null`.
    One(Option<(&'static str, String)>),
}

/// The resources included in a document, each once, and the linkage of every relationship
/// that was loaded.
#[derive(Default)]
pub struct Included {
    items: Vec<Arc<dyn ResourceObject>>,
    linkage: HashMap<(&'static str, String), Vec<(&'static str, Linkage)>>,
}

impl fmt::Debug for Included {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Included")
            .field("items", &self.items.len())
            .field("linkage", &self.linkage)
            .finish()
    }
}

impl Included {
    /// The included resources, de-duplicated, without the primary ones.
    #[must_use]
    pub fn items(&self) -> &[Arc<dyn ResourceObject>] {
        &self.items
    }

    /// The linkage of a relationship of an item, when the relationship was included.
    #[must_use]
    pub fn linkage(&self, item: &dyn ResourceObject, relationship: &str) -> Option<&Linkage> {
        if self.linkage.is_empty() {
            return None;
        }
        let key = (
            item.resource_meta().short_name,
            item.resource_id().into_owned(),
        );
        self.linkage
            .get(&key)?
            .iter()
            .find(|(name, _)| *name == relationship)
            .map(|(_, linkage)| linkage)
    }

    fn link(&mut self, item: &dyn ResourceObject, relationship: &'static str, linkage: Linkage) {
        let links = self
            .linkage
            .entry((
                item.resource_meta().short_name,
                item.resource_id().into_owned(),
            ))
            .or_default();
        match links.iter_mut().find(|(name, _)| *name == relationship) {
            Some(slot) => slot.1 = linkage,
            None => links.push((relationship, linkage)),
        }
    }
}

/// A relationship of the include tree and what is included beyond it.
#[derive(Debug, Default)]
struct Node {
    children: Vec<(String, Self)>,
}

impl Node {
    fn from_paths(query: &Query) -> Self {
        let mut root = Self::default();
        for path in query.include() {
            let mut node = &mut root;
            for segment in path.segments() {
                let position = node
                    .children
                    .iter()
                    .position(|(name, _)| name == segment)
                    .unwrap_or_else(|| {
                        node.children.push((segment.clone(), Self::default()));
                        node.children.len() - 1
                    });
                node = &mut node.children[position].1;
            }
        }
        root
    }
}

/// An item whose relationships are being loaded: a primary item, or one loaded before.
enum Parent<'p> {
    Primary(&'p dyn ResourceObject),
    Loaded(Arc<dyn ResourceObject>),
}

impl Parent<'_> {
    fn object(&self) -> &dyn ResourceObject {
        match self {
            Self::Primary(item) => *item,
            Self::Loaded(item) => item.as_ref(),
        }
    }
}

/// The operation a related load reports when the target declares no collection operation.
static RELATED: OperationMeta = OperationMeta {
    kind: OperationKind::GetCollection,
    ..OperationMeta::DEFAULT
};

/// A resource that relationships load items of.
pub(crate) trait RelatedSource: Send + Sync {
    /// Its metadata.
    fn meta(&self) -> &'static ResourceMeta;
    /// Items to include in another resource's document: its collection for a request whose
    /// filter names the keys wanted, without the items `visible` refuses.
    fn related<'a>(
        &'a self,
        request: RequestContext,
        visible: Option<(&'a Rule, Guard<'a>)>,
    ) -> BoxFuture<'a, Result<Vec<Arc<dyn ResourceObject>>, GlueError>>;
}

/// The resources of an application, as relationships find their targets.
pub(crate) trait Sources: Send + Sync {
    /// The source of a target resource, and its index among the application's resources.
    fn source(&self, target: &'static ResourceMeta) -> Option<(usize, &dyn RelatedSource)>;
}

/// Loads compound documents: the capability the flow hands a handler.
#[derive(Clone, Copy)]
pub(crate) struct Includer<'a> {
    pub(crate) sources: &'a dyn Sources,
    /// Who may see included items, by resource index.
    pub(crate) read_rules: &'a [ReadRule],
    pub(crate) guard: Guard<'a>,
}

impl Includer<'_> {
    /// Loads what `request.query.include()` asks for around `primary`.
    pub(crate) async fn load(
        &self,
        ctx: &RequestContext,
        primary: &[&dyn ResourceObject],
    ) -> Result<Included, GlueError> {
        let mut included = Included::default();
        let tree = Node::from_paths(&ctx.query);
        if tree.children.is_empty() || primary.is_empty() {
            return Ok(included);
        }
        let mut seen: HashSet<(&'static str, String)> = primary
            .iter()
            .map(|item| {
                (
                    item.resource_meta().short_name,
                    item.resource_id().into_owned(),
                )
            })
            .collect();
        let mut queue: Vec<(Vec<Parent<'_>>, &Node)> = vec![(
            primary.iter().map(|item| Parent::Primary(*item)).collect(),
            &tree,
        )];
        while let Some((parents, node)) = queue.pop() {
            let Some(meta) = parents
                .first()
                .map(|parent| parent.object().resource_meta())
            else {
                continue;
            };
            for (name, child) in &node.children {
                let relationship = meta.relationship(name).ok_or_else(|| {
                    GlueError::invalid_parameter(
                        "include",
                        format!("{} has no relationship {name:?}.", meta.short_name),
                    )
                })?;
                let loaded = self
                    .load_relationship(ctx, &parents, relationship, &mut included)
                    .await?;
                for object in &loaded {
                    let key = (
                        object.resource_meta().short_name,
                        object.resource_id().into_owned(),
                    );
                    if seen.insert(key) {
                        included.items.push(Arc::clone(object));
                    }
                }
                if !child.children.is_empty() && !loaded.is_empty() {
                    queue.push((loaded.into_iter().map(Parent::Loaded).collect(), child));
                }
            }
        }
        Ok(included)
    }

    /// One batched call for one relationship of many parents; records their linkage.
    async fn load_relationship(
        &self,
        ctx: &RequestContext,
        parents: &[Parent<'_>],
        relationship: &'static RelationshipMeta,
        included: &mut Included,
    ) -> Result<Vec<Arc<dyn ResourceObject>>, GlueError> {
        let target = (relationship.target)();
        let unavailable = || {
            GlueError::invalid_parameter(
                "include",
                format!(
                    "{} cannot be included here: this API does not serve {}.",
                    relationship.name, target.short_name
                ),
            )
        };
        let (index, source) = self.sources.source(target).ok_or_else(unavailable)?;
        let visible = match &self.read_rules[index] {
            ReadRule::Unreadable => return Err(unavailable()),
            ReadRule::Open => None,
            ReadRule::Early(rule) => {
                self.guard.check_early(rule, &ctx.facts())?;
                None
            }
            ReadRule::PerItem(rule) => Some((rule, self.guard)),
        };
        let (own, theirs) = relationship.keys.first().ok_or_else(unavailable)?;
        let property = target.property(theirs).ok_or_else(unavailable)?;
        // Keys on both sides are typed by the target's property, so that they hash alike.
        let kind = ValueKind::of(property);
        let key_of = |object, name| key_of(kind, object, name);

        let mut wanted: HashSet<Scalar<'_>> = HashSet::new();
        let mut operand: Vec<FilterValue> = Vec::new();
        for parent in parents {
            if let Some(value) = key_of(parent.object(), own)
                && !wanted.contains(&value)
            {
                operand.push(value.clone().into_owned());
                wanted.insert(value);
            }
        }
        // One call per chunk of keys: a provider's bound list stays under every database's
        // limit of parameters (SPEC §13.1), however many parents a page holds.
        let mut loaded = Vec::new();
        for chunk in operand.chunks(INCLUDE_CHUNK) {
            let query = Query {
                filter: Some(Filter::Condition(Condition {
                    property,
                    operator: Operator::In,
                    operand: Operand::List(chunk.to_vec()),
                })),
                sort: Vec::new(),
                fields: ctx.query.fields.clone(),
                include: Vec::new(),
                page: None,
            };
            let related = related_context(ctx, target, query);
            loaded.extend(source.related(related, visible).await?);
        }

        let mut by_key: HashMap<Scalar<'_>, Vec<usize>> = HashMap::new();
        for (index, object) in loaded.iter().enumerate() {
            if let Some(value) = key_of(object.as_ref(), theirs) {
                by_key.entry(value).or_default().push(index);
            }
        }
        for parent in parents {
            let parent = parent.object();
            let matches: Vec<(&'static str, String)> = key_of(parent, own)
                .and_then(|value| by_key.get(&value))
                .map(|indexes| {
                    indexes
                        .iter()
                        .map(|index| {
                            let object = &loaded[*index];
                            (
                                object.resource_meta().short_name,
                                object.resource_id().into_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let linkage = if relationship.many {
                Linkage::Many(matches)
            } else {
                Linkage::One(matches.into_iter().next())
            };
            included.link(parent, relationship.name, linkage);
        }
        Ok(loaded)
    }
}

/// A key of an item, typed by the kind of the property it joins on.
fn key_of<'o>(kind: ValueKind, object: &'o dyn ResourceObject, name: &str) -> Option<Scalar<'o>> {
    object
        .resource_property(name)
        .and_then(|value| kind.coerce(value))
}

/// The request of a related load: the request's head and fieldsets, the target resource, and
/// a filter on the key instead of uri variables.
fn related_context(
    ctx: &RequestContext,
    target: &'static ResourceMeta,
    query: Query,
) -> RequestContext {
    RequestContext {
        parts: ctx.parts.clone(),
        application: Arc::clone(&ctx.application),
        resource: target,
        operation: target
            .operation(OperationKind::GetCollection)
            .unwrap_or(&RELATED),
        uri_variables: Vec::new(),
        id_variable: None,
        params: QueryParams::default(),
        query,
        include: true,
        locale: ctx.locale.clone(),
        code_bucket: ctx.code_bucket.clone(),
    }
}
