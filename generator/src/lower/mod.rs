//! Lowering: from the parsed document to the intermediate model.
//!
//! Components are named first (in document order), so a component always
//! keeps its own name and inline schemas yield to it. Then every component
//! schema and every operation is lowered; inline schemas are named after
//! where they stand (`{OperationId}RequestBody`, `{Parent}{Property}`).
//! Last come the whole-model passes: boxing recursive fields and checking
//! that aliases do not loop.

mod dedup;
mod html;
mod layout;
mod operation;
mod pagination;
mod parameters;
mod refs;
mod schema;
mod security;
mod stream;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{child, Error, Warning};
use crate::ir::{Api, NamedType, OperationGroup, Server, TypeKind, TypeRef};
use crate::load::{Document, Patterns};
use crate::names::{self, Namespace};
use crate::Grouping;

/// The model and the warnings met while building it.
#[derive(Debug)]
pub struct Lowered {
    /// The intermediate model.
    pub model: Api,
    /// Constructs represented with a documented fallback.
    pub warnings: Vec<Warning>,
}

/// Builds the intermediate model of `document`, read from `file`.
pub fn lower(document: &Document, file: &Path, grouping: Grouping) -> Result<Lowered, Error> {
    let mut cx = Lowerer::new(&document.openapi, &document.patterns, file);
    cx.group_by_path = match grouping {
        Grouping::Tags => false,
        Grouping::Path => true,
        Grouping::Auto => !operation::tags_any(&document.openapi),
    };
    cx.webhooks = Some(&document.webhooks).filter(|w| !w.events.is_empty());
    cx.warnings.extend(document.warnings.iter().cloned());
    let model = cx.lower_api()?;
    Ok(Lowered {
        model,
        warnings: cx.warnings,
    })
}

/// State shared while lowering one document.
pub(crate) struct Lowerer<'a> {
    doc: &'a OpenAPI,
    file: PathBuf,
    /// Rust type names, components first.
    type_names: Namespace,
    /// Module (file) names of named types.
    module_names: Namespace,
    /// Component schema key to Rust type name.
    component_types: BTreeMap<String, String>,
    /// Named types built so far.
    types: Vec<NamedType>,
    /// Names of types that documented error responses decode into.
    error_types: BTreeSet<String>,
    /// Inline schemas being lowered, with the name each was given: an
    /// inline schema reached again from inside itself (through `allOf` of a
    /// component that holds it) refers back to that type instead of
    /// starting an endless chain of new ones.
    inline_in_progress: Vec<(*const openapiv3::Schema, String)>,
    /// Whether each `pattern` of the document compiles in Rust, as found
    /// while loading it.
    patterns: &'a Patterns,
    /// Verdicts on patterns loading did not see, compiled here.
    more_patterns: HashMap<String, Result<(), String>>,
    /// Snake-case names of document names (properties, parameters): the
    /// same few recur across the whole document, and case conversion is
    /// the costliest step of naming a field.
    snake_names: HashMap<&'a str, Option<String>>,
    /// Whether operations without `x-speakeasy-group` are grouped by their
    /// path's first segment rather than by their first tag.
    group_by_path: bool,
    /// The document's webhook events, when it has any.
    webhooks: Option<&'a crate::load::Webhooks>,
    warnings: Vec<Warning>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a OpenAPI, patterns: &'a Patterns, file: &Path) -> Self {
        Lowerer {
            doc,
            patterns,
            file: file.to_owned(),
            type_names: Namespace::with_reserved(names::RESERVED_TYPE_NAMES),
            // `mod.rs` is the models folder's own file.
            module_names: Namespace::with_reserved(&["mod"]),
            component_types: BTreeMap::new(),
            types: Vec::new(),
            error_types: BTreeSet::new(),
            inline_in_progress: Vec::new(),
            more_patterns: HashMap::new(),
            snake_names: HashMap::new(),
            group_by_path: false,
            webhooks: None,
            warnings: Vec::new(),
        }
    }

    /// An error about the node at `pointer`.
    pub(crate) fn invalid(&self, pointer: &str, reason: impl Into<String>) -> Error {
        Error::Invalid {
            file: self.file.clone(),
            pointer: pointer.to_owned(),
            reason: reason.into(),
        }
    }

    /// [`names::snake`] of a name from the document, worked out once.
    pub(crate) fn snake_name(&mut self, raw: &'a str) -> Option<String> {
        self.snake_names
            .entry(raw)
            .or_insert_with(|| names::snake(raw))
            .clone()
    }

    pub(crate) fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning::fallback(pointer, message));
    }

    /// Notes something valid that the maintainer should probably act on.
    pub(crate) fn advise(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning::advice(pointer, message));
    }

    /// Notes a mistake of the document read in its one sensible way.
    pub(crate) fn repair(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning::repair(pointer, message));
    }

    fn lower_api(&mut self) -> Result<Api, Error> {
        let doc = self.doc;
        self.name_components()?;
        if let Some(components) = &doc.components {
            for (key, schema) in &components.schemas {
                let pointer = child("#/components/schemas", key);
                let name = self.component_types[key].clone();
                self.lower_component(&name, schema, &pointer)?;
            }
        }
        let (security_schemes, security) = self.lower_security()?;
        let retries = match doc.extensions.get("x-speakeasy-retries") {
            Some(value) => Some(self.retry_policy(value, "#/x-speakeasy-retries")?),
            None => None,
        };
        let mut groups = self.lower_operations(&security_schemes, &security)?;
        let components: BTreeSet<&String> = self.component_types.values().collect();
        dedup::merge_identical(
            &mut self.types,
            &mut groups,
            &mut self.error_types,
            &components,
            (&mut self.type_names, &mut self.module_names),
        );
        // After merging, which renames types: the events refer to the
        // names that stay.
        let webhooks = self.lower_webhooks()?;
        self.check_alias_cycles()?;
        self.box_recursive_fields();
        self.name_deep_field_types();
        self.box_large_variants();
        let mut types = std::mem::take(&mut self.types);
        types.sort_by(|a, b| a.name.cmp(&b.name));
        let mut api = Api {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: prose(&doc.info.description),
            servers: doc.servers.iter().map(server).collect(),
            security_schemes,
            security,
            retries,
            groups,
            types,
            error_types: self.error_types.iter().cloned().collect(),
            webhooks,
        };
        pagination::attach(doc, &mut api, &mut self.warnings);
        Ok(api)
    }

    /// Claims a Rust name for every component schema before anything is
    /// lowered, so components keep their names whatever inline schema comes
    /// first. A schema's `x-speakeasy-name-override` is its name: documents
    /// use it to keep a type's name when its key changes.
    fn name_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.doc.components else {
            return Ok(());
        };
        for (index, (key, schema)) in components.schemas.iter().enumerate() {
            let wanted = match schema {
                ReferenceOr::Item(schema) => schema
                    .schema_data
                    .extensions
                    .get("x-speakeasy-name-override")
                    .and_then(|name| name.as_str())
                    .and_then(|name| names::camel(name, "Type")),
                ReferenceOr::Reference { .. } => None,
            }
            .unwrap_or_else(|| names::camel_or_spelled(key, "Type", index + 1));
            let name = self.type_names.claim(&wanted);
            self.component_types.insert(key.clone(), name);
        }
        Ok(())
    }

    /// Adds a named type; its name must come from [`Self::type_names`].
    pub(crate) fn push_type(&mut self, ty: NamedType) {
        self.types.push(ty);
    }

    /// Fails when a chain of aliases leads back to where it started: such a
    /// type would have no representation at all.
    fn check_alias_cycles(&self) -> Result<(), Error> {
        let aliases: BTreeMap<&str, (&str, &str)> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(TypeRef::Named(target)) => {
                    Some((t.name.as_str(), (target.as_str(), t.pointer.as_str())))
                }
                _ => None,
            })
            .collect();
        for (&start, &(_, pointer)) in &aliases {
            let mut chain = vec![start];
            let mut current = start;
            while let Some(&(next, _)) = aliases.get(current) {
                chain.push(next);
                if next == start {
                    return Err(self.invalid(
                        pointer,
                        format!(
                            "these schemas only refer to each other, so none has a shape: {}",
                            chain.join(" -> ")
                        ),
                    ));
                }
                if chain.len() > aliases.len() + 1 {
                    break;
                }
                current = next;
            }
        }
        Ok(())
    }

    /// Marks fields and variants whose type leads back to the type that holds
    /// them without passing through a list or map: those need a `Box`.
    fn box_recursive_fields(&mut self) {
        let edges: BTreeMap<String, Vec<String>> = self
            .types
            .iter()
            .map(|t| (t.name.clone(), direct_children(&t.kind)))
            .collect();
        let reaches = |from: &str, to: &str| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_owned()];
            while let Some(current) = stack.pop() {
                if current == to {
                    return true;
                }
                if seen.insert(current.clone()) {
                    stack.extend(edges.get(&current).into_iter().flatten().cloned());
                }
            }
            false
        };
        for ty in &mut self.types {
            match &mut ty.kind {
                TypeKind::Struct(s) => {
                    for field in &mut s.fields {
                        if let Some(target) = direct_target(&field.ty) {
                            field.boxed = reaches(target, &ty.name);
                        }
                    }
                }
                TypeKind::OneOf(one_of) => {
                    for variant in &mut one_of.variants {
                        if let Some(target) = direct_target(&variant.ty) {
                            variant.boxed = reaches(target, &ty.name);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The named type a value holds inline (not behind a list or map).
fn direct_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Types a type holds inline, so that it cannot be sized without them.
fn direct_children(kind: &TypeKind) -> Vec<String> {
    let named = |ty: &TypeRef| direct_target(ty).map(str::to_owned);
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
        TypeKind::OneOf(o) => o.variants.iter().filter_map(|v| named(&v.ty)).collect(),
        TypeKind::Alias(ty) => named(ty).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A server entry with its variables replaced by their defaults.
fn server(server: &openapiv3::Server) -> Server {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    while url.ends_with('/') {
        url.pop();
    }
    Server {
        url,
        description: prose(&server.description),
    }
}

/// Groups operations were sorted into, in a stable order.
pub(crate) fn sort_groups(mut groups: Vec<OperationGroup>) -> Vec<OperationGroup> {
    groups.sort_by(|a, b| a.module.cmp(&b.module));
    groups
}

/// The first of a parameter's `examples` that gives a value inline.
fn first_example(
    examples: &indexmap::IndexMap<String, openapiv3::ReferenceOr<openapiv3::Example>>,
) -> Option<serde_json::Value> {
    examples.values().find_map(|example| match example {
        openapiv3::ReferenceOr::Item(example) => example.value.clone(),
        openapiv3::ReferenceOr::Reference { .. } => None,
    })
}

/// Spec prose as the model keeps it: blank text (`description: ''`) is no
/// text, so that a generated item never gets an empty doc comment; HTML
/// becomes Markdown.
pub(crate) fn prose(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| html::to_markdown(t))
}

/// The extension that says why an item is deprecated and what replaces it.
pub(crate) const DEPRECATION_NOTE: &str = "x-speakeasy-deprecation-message";

/// The deprecation note among `extensions`, when it is non-blank text.
pub(crate) fn deprecation_note(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
) -> Option<String> {
    extensions
        .get(DEPRECATION_NOTE)
        .and_then(serde_json::Value::as_str)
        .filter(|note| !note.trim().is_empty())
        .map(str::to_owned)
}
