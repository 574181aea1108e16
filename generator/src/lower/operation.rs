//! Operations: groups, method names, parameters, bodies and responses.

use std::collections::BTreeMap;

use openapiv3::{Operation as SpecOperation, Parameter as SpecParameter, ReferenceOr, StatusCode};

use super::schema::{Hint, SchemaRef};
use super::Lowerer;
use crate::diagnostics::{child, Error};
use crate::ir::{
    BodyEncoding, HttpMethod, NamedType, Operation, OperationGroup, RequestBody, Response,
    ResponseBody, SecurityScheme, StatusMatch, TypeKind, TypeRef,
};
use crate::names::{self, Namespace};

/// The document's security schemes and its default requirement, which an
/// operation's own `security` refers to or falls back on.
struct DocumentSecurity<'s> {
    schemes: &'s [SecurityScheme],
    root: &'s [Vec<usize>],
}

impl<'a> Lowerer<'a> {
    /// Lowers every operation and sorts them into groups.
    pub(crate) fn lower_operations(
        &mut self,
        schemes: &[SecurityScheme],
        root_security: &[Vec<usize>],
    ) -> Result<Vec<OperationGroup>, Error> {
        let doc = self.doc;
        let security = DocumentSecurity {
            schemes,
            root: root_security,
        };
        let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
        // Group and operation types share the `apis` namespace of types.
        // Names the `apis` files import must stay free.
        let mut api_types = Namespace::with_reserved(&[
            "BTreeMap",
            "ClientCore",
            "Error",
            "ErrorBody",
            "Method",
            "Operation",
            "Prepared",
            "Request",
            "Response",
            "Self",
            // Traits the `apis` files derive or name, and prelude types.
            "Box",
            "Clone",
            "Copy",
            "Debug",
            "Err",
            "From",
            "Into",
            "IntoFuture",
            "None",
            "Ok",
            "Option",
            "Send",
            "Some",
            "String",
            "Sync",
            "Vec",
        ]);
        let mut group_modules = Namespace::with_reserved(&["builder", "mod"]);
        let mut groups: BTreeMap<String, OperationGroup> = BTreeMap::new();
        let mut group_methods: BTreeMap<String, Namespace> = BTreeMap::new();

        for (path, item) in doc.paths.iter() {
            let path_pointer = child("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(self.invalid(
                        &path_pointer,
                        "a path item given by `$ref` is not supported",
                    ))
                }
            };
            for (method, op) in item.iter() {
                let pointer = child(&path_pointer, method);
                let id = match &op.operation_id {
                    Some(id) => id.clone(),
                    None => format!("{method} {path}"),
                };
                if let Some(first) = seen_ids.insert(id.clone(), pointer.clone()) {
                    return Err(self.invalid(&child(&pointer, "operationId"), format!("operationId `{id}` is also used by {first}; operationIds must be unique")));
                }
                let group_name = self.group_of(op, path);
                if !groups.contains_key(&group_name) {
                    let wanted = names::snake(&group_name).unwrap_or_else(|| "default".to_owned());
                    let module = group_modules.claim(&wanted);
                    let type_name = api_types.claim(
                        &names::camel(&group_name, "Group").unwrap_or_else(|| "Default".to_owned()),
                    );
                    let description = doc
                        .tags
                        .iter()
                        .find(|t| Some(&t.name) == op.tags.first())
                        .and_then(|t| super::prose(&t.description));
                    groups.insert(
                        group_name.clone(),
                        OperationGroup {
                            name: group_name.clone(),
                            module,
                            type_name,
                            description,
                            operations: Vec::new(),
                        },
                    );
                }
                // The group type's own constructor, beside the trait methods.
                let methods = group_methods.entry(group_name.clone()).or_insert_with(|| {
                    Namespace::with_reserved(&["new"]).and_reserved(names::TRAIT_METHODS)
                });
                let wanted_method = op
                    .extensions
                    .get("x-speakeasy-name-override")
                    .and_then(|v| v.as_str())
                    .and_then(names::snake)
                    .unwrap_or_else(|| names::snake_or_spelled(&id, "operation", 1));
                let method_name = methods.claim(&wanted_method);
                let type_name = api_types
                    .claim(&names::camel(&id, "Op").unwrap_or_else(|| "Operation".to_owned()));
                let http_method = http_method(method);
                let mut operation = self.lower_operation(
                    op,
                    &type_name,
                    &item.parameters,
                    path,
                    &pointer,
                    &security,
                )?;
                operation.id = id;
                if let Some(stream) = &mut operation.stream {
                    stream.method_name = if stream.only {
                        method_name.clone()
                    } else {
                        methods.claim(&format!("{method_name}_stream"))
                    };
                }
                operation.method_name = method_name;
                operation.type_name = type_name;
                operation.http_method = http_method;
                if let Some(group) = groups.get_mut(&group_name) {
                    group.operations.push(operation);
                }
            }
        }
        Ok(super::sort_groups(groups.into_values().collect()))
    }

    /// `x-speakeasy-group`, else the first tag, else `default`.
    fn group_of(&mut self, op: &'a SpecOperation, path: &'a str) -> String {
        let by_tag = || op.tags.first().map(String::as_str);
        let group = op
            .extensions
            .get("x-speakeasy-group")
            .and_then(|v| v.as_str())
            .or_else(|| {
                if self.group_by_path {
                    path_group(path)
                } else {
                    by_tag()
                }
            });
        match group {
            Some(group) if self.snake_name(group).is_some() => group.to_owned(),
            _ => "default".to_owned(),
        }
    }

    fn lower_operation(
        &mut self,
        op: &'a SpecOperation,
        op_type: &str,
        path_parameters: &'a [ReferenceOr<SpecParameter>],
        path: &str,
        pointer: &str,
        document_security: &DocumentSecurity<'_>,
    ) -> Result<Operation, Error> {
        // The id is set by the caller, which knows the fallback for a
        // missing operationId; inline types are named after `op_type`.
        let id = String::new();
        let parameters = self.lower_parameters(op, path_parameters, path, pointer, op_type)?;
        let body = match &op.request_body {
            Some(body) => Some(self.lower_request_body(body, pointer, op_type)?),
            None => None,
        };
        let responses = self.lower_responses(op, pointer, op_type)?;
        let stream = self.lower_stream(op, pointer, op_type, &responses)?;
        let security = match &op.security {
            Some(requirements) => self.requirements(
                requirements,
                document_security.schemes,
                &child(pointer, "security"),
            )?,
            None => document_security.root.to_vec(),
        };
        let retries = match op.extensions.get("x-speakeasy-retries") {
            Some(value) => Some(self.retry_policy(value, &child(pointer, "x-speakeasy-retries"))?),
            None => None,
        };
        Ok(Operation {
            id,
            method_name: String::new(),
            type_name: String::new(),
            pointer: pointer.to_owned(),
            http_method: HttpMethod::Get,
            path: path.to_owned(),
            summary: super::prose(&op.summary),
            description: super::prose(&op.description),
            deprecated: op.deprecated,
            deprecation_note: super::deprecation_note(&op.extensions),
            parameters,
            body,
            responses,
            security,
            retries,
            stream,
            // Set by `pagination::attach` once every type is known.
            pagination: None,
        })
    }

    fn lower_request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        pointer: &str,
        op_type: &str,
    ) -> Result<RequestBody, Error> {
        let components = self.doc.components.as_ref().map(|c| &c.request_bodies);
        let (body, body_pointer) = self.resolve(
            body,
            components,
            "requestBodies",
            &child(pointer, "requestBody"),
        )?;
        let Some((content_type, media)) = preferred_content(&body.content) else {
            return Err(self.invalid(&body_pointer, "the request body lists no content type"));
        };
        let encoding = encoding_of(content_type);
        let media_pointer = child(&child(&body_pointer, "content"), content_type);
        let hint = Hint::with_prefix(
            format!("{op_type}RequestBody"),
            op_type.to_owned(),
            format!("The body of a `{op_type}` request."),
        );
        let (ty, constraints) = match &media.schema {
            Some(schema) => {
                let shape = self.shape(
                    SchemaRef::from(schema),
                    &hint,
                    &child(&media_pointer, "schema"),
                )?;
                (shape.ty, shape.constraints)
            }
            None if matches!(encoding, BodyEncoding::Json) => (TypeRef::Any, Default::default()),
            None => (
                TypeRef::Primitive(crate::ir::Primitive::Binary),
                Default::default(),
            ),
        };
        // A body whose schema requires properties cannot be left out and
        // still be valid, whatever `required` says, so it is an argument.
        let required = body.required
            || media
                .schema
                .as_ref()
                .is_some_and(|s| self.requires_properties(SchemaRef::from(s)));
        Ok(RequestBody {
            content_type: content_type.clone(),
            encoding,
            ty,
            constraints,
            required,
            description: super::prose(&body.description),
        })
    }

    fn lower_responses(
        &mut self,
        op: &'a SpecOperation,
        pointer: &str,
        op_type: &str,
    ) -> Result<Vec<Response>, Error> {
        let components = self.doc.components.as_ref().map(|c| &c.responses);
        let responses_pointer = child(pointer, "responses");
        let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (status, response) in &op.responses.responses {
            let key = match status {
                StatusCode::Code(code) => code.to_string(),
                StatusCode::Range(class) => format!("{class}XX"),
            };
            let status = StatusMatch::parse(&key).ok_or_else(|| {
                self.invalid(
                    &child(&responses_pointer, &key),
                    format!(
                        "`{key}` is not an HTTP status, a status class like `4XX`, or `default`"
                    ),
                )
            })?;
            entries.push((status, response, child(&responses_pointer, &key)));
        }
        if let Some(default) = &op.responses.default {
            entries.push((
                StatusMatch::Default,
                default,
                child(&responses_pointer, "default"),
            ));
        }
        entries.sort_by_key(|(status, _, _)| *status);

        let mut responses = Vec::with_capacity(entries.len());
        for (status, response, entry_pointer) in entries {
            let (response, response_pointer) =
                self.resolve(response, components, "responses", &entry_pointer)?;
            let success = is_success(status);
            let body = match preferred_response_content(&response.content, success) {
                None => None,
                Some((content_type, media)) => {
                    let encoding = encoding_of(content_type);
                    let media_pointer = child(&child(&response_pointer, "content"), content_type);
                    let hint = match status {
                        _ if success => format!("{op_type}ResponseBody"),
                        StatusMatch::Exact(code) => format!("{op_type}{code}ResponseBody"),
                        StatusMatch::Range(class) => format!("{op_type}{class}XXResponseBody"),
                        StatusMatch::Default => format!("{op_type}DefaultResponseBody"),
                    };
                    let ty = match &media.schema {
                        Some(schema) => {
                            let hint = Hint::with_prefix(
                                hint.clone(),
                                op_type.to_owned(),
                                format!(
                                    "The body of a `{op_type}` response ({}).",
                                    status_text(status)
                                ),
                            );
                            self.shape(
                                SchemaRef::from(schema),
                                &hint,
                                &child(&media_pointer, "schema"),
                            )?
                            .ty
                        }
                        None if encoding == BodyEncoding::Json => TypeRef::Any,
                        None => TypeRef::Primitive(crate::ir::Primitive::Binary),
                    };
                    let ty = if !success && encoding == BodyEncoding::Json {
                        self.error_type(ty, &hint, &media_pointer)
                    } else {
                        ty
                    };
                    Some(ResponseBody {
                        content_type: content_type.clone(),
                        encoding,
                        ty,
                    })
                }
            };
            responses.push(Response {
                status,
                description: response.description.clone(),
                body,
            });
        }
        Ok(responses)
    }

    /// Registers a documented error body as a variant of `ErrorBody`. A body
    /// that is not a named type gets a named alias, so the variant has a name.
    fn error_type(&mut self, ty: TypeRef, hint: &str, pointer: &str) -> TypeRef {
        let name = match ty {
            TypeRef::Named(name) => name,
            other => {
                let name = self.type_names.claim(hint);
                let module = names::snake(&name).unwrap_or_else(|| "error_body".to_owned());
                let module = self.module_names.claim(&module);
                self.push_type(NamedType {
                    name: name.clone(),
                    module,
                    pointer: pointer.to_owned(),
                    description: None,
                    description_derived: false,
                    example: None,
                    deprecated: false,
                    deprecation_note: None,
                    kind: TypeKind::Alias(other),
                });
                name
            }
        };
        self.error_types.insert(name.clone());
        TypeRef::Named(name)
    }
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Exact(code) => code.to_string(),
        StatusMatch::Range(class) => format!("{class}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn http_method(method: &str) -> HttpMethod {
    match method {
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => HttpMethod::Get,
    }
}

pub(super) fn is_success(status: StatusMatch) -> bool {
    match status {
        StatusMatch::Exact(code) => (200..300).contains(&code),
        StatusMatch::Range(class) => class == 2,
        StatusMatch::Default => false,
    }
}

/// The media type the client sends or prefers to receive: JSON first, then
/// forms, then bytes, then text, then whatever is listed first.
fn preferred_content(content: &openapiv3::Content) -> Option<(&String, &openapiv3::MediaType)> {
    let rank = |media_type: &str| match encoding_of(media_type) {
        BodyEncoding::Json => 0,
        BodyEncoding::Multipart => 1,
        BodyEncoding::Form => 2,
        BodyEncoding::Binary => 3,
        BodyEncoding::Text => 4,
    };
    content
        .iter()
        .min_by_key(|(media_type, _)| rank(media_type))
}

/// [`preferred_content`] of a response; a success response's streamed
/// media types are left to [`super::stream`], which makes them a stream.
fn preferred_response_content(
    content: &openapiv3::Content,
    success: bool,
) -> Option<(&String, &openapiv3::MediaType)> {
    if !success
        || !content
            .keys()
            .any(|m| super::stream::framing_of(m).is_some())
    {
        return preferred_content(content);
    }
    let rank = |media_type: &str| match encoding_of(media_type) {
        BodyEncoding::Json => 0,
        BodyEncoding::Multipart => 1,
        BodyEncoding::Form => 2,
        BodyEncoding::Binary => 3,
        BodyEncoding::Text => 4,
    };
    content
        .iter()
        .filter(|(media_type, _)| super::stream::framing_of(media_type).is_none())
        .min_by_key(|(media_type, _)| rank(media_type))
}

/// How a media type is encoded.
fn encoding_of(media_type: &str) -> BodyEncoding {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        BodyEncoding::Json
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Binary
    }
}

/// Whether any operation of `doc` has a tag or an `x-speakeasy-group`: the
/// document groups its operations itself.
pub(super) fn tags_any(doc: &openapiv3::OpenAPI) -> bool {
    doc.paths.iter().any(|(_, item)| match item {
        ReferenceOr::Item(item) => item
            .iter()
            .any(|(_, op)| !op.tags.is_empty() || op.extensions.contains_key("x-speakeasy-group")),
        ReferenceOr::Reference { .. } => false,
    })
}

/// The group of an operation at `path` when grouping by path: its first
/// literal segment after any version prefix (`v1`, `v2.1`, `2024-01-01`,
/// `api`), so `/v1/customers/{id}/sources` is in `customers`.
fn path_group(path: &str) -> Option<&str> {
    let is_version = |segment: &str| {
        let number = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
        segment == "api"
            || (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.'))
            || (segment.len() == 10 && segment.chars().all(|c| c.is_ascii_digit() || c == '-'))
    };
    path.split('/')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'))
        .find(|segment| !is_version(segment))
}

#[cfg(test)]
mod path_tests {
    use super::path_group;

    #[test]
    fn the_first_segment_after_a_version_names_the_group() {
        for (path, group) in [
            ("/v1/customers/{id}/sources", Some("customers")),
            ("/customers", Some("customers")),
            ("/api/v2.1/payment_intents", Some("payment_intents")),
            ("/2024-01-01/orders/{order}", Some("orders")),
            ("/{tenant}/users", Some("users")),
            ("/v1", None),
            ("/", None),
        ] {
            assert_eq!(path_group(path), group, "{path}");
        }
    }
}
