//! Parameters: path-level and operation-level ones merged, checked against
//! the path template (a mismatch is repaired with a warning), and named.

use std::collections::BTreeSet;

use openapiv3::{
    Operation as SpecOperation, Parameter as SpecParameter, ParameterSchemaOrContent, PathStyle,
    QueryStyle, ReferenceOr,
};

use super::schema::{Hint, SchemaRef};
use super::Lowerer;
use crate::diagnostics::{child, child_index, Error};
use crate::ir::{ParamLocation, ParamStyle, Parameter, Primitive, TypeRef};
use crate::names::{self, Namespace};

/// Names every operation type must not take: methods and options of the
/// request builder live beside the parameter setters.
const RESERVED_PARAMETER_NAMES: &[&str] = &[
    "assume_idempotent",
    "body",
    "header",
    "into_future",
    "new",
    "operation_mut",
    "retries",
    "send",
    "server_url",
    "skip_validation",
    "timeout",
    "total_timeout",
];

impl<'a> Lowerer<'a> {
    pub(super) fn lower_parameters(
        &mut self,
        op: &'a SpecOperation,
        path_parameters: &'a [ReferenceOr<SpecParameter>],
        path: &str,
        pointer: &str,
        op_type: &str,
    ) -> Result<Vec<Parameter>, Error> {
        let components = self.doc.components.as_ref().map(|c| &c.parameters);
        // Operation parameters override path-level ones with the same name
        // and location.
        let mut resolved: Vec<(&'a SpecParameter, String)> = Vec::new();
        let path_pointer = pointer.rsplit_once('/').map_or(pointer, |(head, _)| head);
        let (path_parameters_pointer, parameters_pointer) = (
            child(path_pointer, "parameters"),
            child(pointer, "parameters"),
        );
        let sources = path_parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, child_index(&path_parameters_pointer, i)))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, child_index(&parameters_pointer, i))),
            );
        for (parameter, parameter_pointer) in sources {
            let (parameter, target_pointer) =
                self.resolve(parameter, components, "parameters", &parameter_pointer)?;
            let key = (
                parameter.parameter_data_ref().name.clone(),
                location_of(parameter),
            );
            resolved.retain(|(p, _)| (p.parameter_data_ref().name.clone(), location_of(p)) != key);
            resolved.push((parameter, target_pointer));
        }

        let template_names = path_template_names(path);
        let mut rust_names =
            Namespace::with_reserved(RESERVED_PARAMETER_NAMES).and_reserved(names::TRAIT_METHODS);
        // A wire name that is already snake case keeps its own spelling in
        // Rust; only the names that had to be converted take a suffix when
        // they collide (`frontend_api` stays `frontend_api`, `frontendApi`
        // becomes `frontend_api2`), so no setter sends another parameter
        // than the one its name says.
        let mut exact: Vec<Option<String>> = Vec::with_capacity(resolved.len());
        for (parameter, _) in &resolved {
            let name: &'a str = &parameter.parameter_data_ref().name;
            let is_snake = self.snake_name(name).as_deref() == Some(name);
            exact.push(is_snake.then(|| rust_names.claim(name)));
        }
        let mut parameters = Vec::with_capacity(resolved.len());
        for (index, (parameter, parameter_pointer)) in resolved.into_iter().enumerate() {
            let data = parameter.parameter_data_ref();
            let location = location_of(parameter);
            if location == ParamLocation::Path && !template_names.contains(data.name.as_str()) {
                self.repair(
                    &parameter_pointer,
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`; it is ignored",
                        data.name
                    ),
                );
                continue;
            }
            let (style, explode_default) = match parameter {
                SpecParameter::Query { style, .. } => match style {
                    QueryStyle::Form => (ParamStyle::Form, true),
                    QueryStyle::SpaceDelimited => (ParamStyle::SpaceDelimited, false),
                    QueryStyle::PipeDelimited => (ParamStyle::PipeDelimited, false),
                    QueryStyle::DeepObject => (ParamStyle::DeepObject, true),
                },
                SpecParameter::Path { style, .. } => match style {
                    PathStyle::Simple => (ParamStyle::Simple, false),
                    PathStyle::Label => (ParamStyle::Label, false),
                    PathStyle::Matrix => (ParamStyle::Matrix, false),
                },
                SpecParameter::Header { .. } => (ParamStyle::Simple, false),
                SpecParameter::Cookie { .. } => (ParamStyle::Form, true),
            };
            let wanted = match self.snake_name(&data.name) {
                Some(name) => name,
                None => names::snake_or_spelled(&data.name, "param", index + 1),
            };
            let hint = Hint::parameter(op_type, &data.name);
            let (shape, schema_example) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let example = match schema {
                        ReferenceOr::Item(s) => s.schema_data.example.clone(),
                        ReferenceOr::Reference { .. } => None,
                    };
                    (
                        self.shape(
                            SchemaRef::from(schema),
                            &hint,
                            &child(&parameter_pointer, "schema"),
                        )?,
                        example,
                    )
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(
                        &child(&parameter_pointer, "content"),
                        "a parameter described by `content` is sent as a JSON string",
                    );
                    (
                        super::schema::Shape {
                            ty: TypeRef::Any,
                            nullable: false,
                            constraints: Default::default(),
                        },
                        None,
                    )
                }
            };
            parameters.push(Parameter {
                wire_name: data.name.clone(),
                rust_name: exact[index]
                    .take()
                    .unwrap_or_else(|| rust_names.claim(&wanted)),
                location,
                style,
                explode: data.explode.unwrap_or(explode_default),
                // Path parameters are always required, whatever the spec says.
                required: data.required || location == ParamLocation::Path,
                ty: shape.ty,
                constraints: shape.constraints,
                description: super::prose(&data.description),
                deprecated: data.deprecated.unwrap_or(false),
                deprecation_note: super::deprecation_note(&data.extensions),
                example: (data.example.clone())
                    .or_else(|| super::first_example(&data.examples))
                    .or(schema_example),
            });
        }
        for name in &template_names {
            if parameters
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire_name == *name)
            {
                continue;
            }
            self.repair(
                pointer,
                format!(
                    "the path `{path}` has a `{{{name}}}` segment but no path parameter `{name}` \
                     is declared; it is taken as a required string parameter"
                ),
            );
            let wanted = names::snake_or_spelled(name, "param", parameters.len() + 1);
            parameters.push(Parameter {
                wire_name: (*name).to_owned(),
                rust_name: rust_names.claim(&wanted),
                location: ParamLocation::Path,
                style: ParamStyle::Simple,
                explode: false,
                required: true,
                ty: TypeRef::Primitive(Primitive::String),
                constraints: Default::default(),
                description: None,
                deprecated: false,
                deprecation_note: None,
                example: None,
            });
        }
        Ok(parameters)
    }
}

fn location_of(parameter: &SpecParameter) -> ParamLocation {
    match parameter {
        SpecParameter::Query { .. } => ParamLocation::Query,
        SpecParameter::Header { .. } => ParamLocation::Header,
        SpecParameter::Path { .. } => ParamLocation::Path,
        SpecParameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// The `{name}` segments of a path template.
fn path_template_names(path: &str) -> BTreeSet<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}
