//! `x-speakeasy-pagination`: which inputs select a page and where a response
//! says what comes next, checked against the lowered operation and its
//! response type. A declaration that does not fit is a located repair
//! warning (an error under `--strict`), and its operation is generated
//! without paging.

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::diagnostics::{child, child_index, Warning};
use crate::ir::{
    Api, BodyEncoding, PageInput, PageInputRole, Pagination, PaginationKind, ParamLocation,
    PathStep, Presence, Primitive, TypeKind, TypeRef, ValuePath,
};

const EXTENSION: &str = "x-speakeasy-pagination";

/// Request-builder methods paging adds: an optional input with one of these
/// names would have a setter of the same name.
const PAGING_METHODS: [&str; 3] = ["items", "pages", "max_pages"];

/// Sets [`crate::ir::Operation::pagination`] of every operation of `api`
/// whose document operation declares a usable `x-speakeasy-pagination`.
pub(crate) fn attach(doc: &OpenAPI, api: &mut Api, warnings: &mut Vec<Warning>) {
    let mut declared = std::collections::BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            if let Some(value) = op.extensions.get(EXTENSION) {
                let pointer = child(&child("#/paths", path), method);
                declared.insert(pointer, value);
            }
        }
    }
    if declared.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for (g, group) in api.groups.iter().enumerate() {
        for (o, op) in group.operations.iter().enumerate() {
            if let Some(value) = declared.get(&op.pointer) {
                let pointer = child(&op.pointer, EXTENSION);
                match read(api, g, o, value, &pointer) {
                    Ok(pagination) => found.push((g, o, pagination)),
                    Err((at, reason)) => warnings.push(Warning::repair(
                        at,
                        format!("{reason}; the operation is generated without paging"),
                    )),
                }
            }
        }
    }
    for (g, o, pagination) in found {
        api.groups[g].operations[o].pagination = Some(pagination);
    }
}

/// A declared string as a message shows it.
fn shown(value: Option<&str>) -> String {
    match value {
        Some(text) => format!("`{text}`"),
        None => "missing (or not a string)".to_owned(),
    }
}

/// A problem: where, and what.
type Problem = (String, String);

fn read(
    api: &Api,
    g: usize,
    o: usize,
    value: &Value,
    pointer: &str,
) -> Result<Pagination, Problem> {
    let op = &api.groups[g].operations[o];
    let kind = match value.get("type").and_then(Value::as_str) {
        Some("offsetLimit") => PaginationKind::OffsetLimit,
        Some("cursor") => PaginationKind::Cursor,
        Some("url") => PaginationKind::Url,
        other => {
            return Err((
                child(pointer, "type"),
                format!(
                    "`type` is {}: it must be `offsetLimit`, `cursor` or `url`",
                    shown(other)
                ),
            ))
        }
    };
    let mut inputs: Vec<PageInput> = Vec::new();
    let declared_inputs = match value.get("inputs") {
        None => &[][..],
        Some(Value::Array(items)) => items.as_slice(),
        Some(_) => return Err((child(pointer, "inputs"), "`inputs` must be a list".into())),
    };
    for (index, input) in declared_inputs.iter().enumerate() {
        let at = child_index(&child(pointer, "inputs"), index);
        let page_input = read_input(api, op, input, &at)?;
        if inputs.iter().any(|i| i.role == page_input.role) {
            return Err((at, "a second input with the same `type`".into()));
        }
        inputs.push(page_input);
    }
    let has = |role| inputs.iter().any(|i: &PageInput| i.role == role);
    let outputs_at = child(pointer, "outputs");
    let outputs = value
        .get("outputs")
        .filter(|o| o.is_object())
        .ok_or_else(|| (outputs_at.clone(), "`outputs` must be an object".to_owned()))?;
    let root = success_type(op).ok_or_else(|| {
        (
            op.pointer.clone() + "/responses",
            "paging needs one JSON success response body".to_owned(),
        )
    })?;
    let output = |name: &str| -> Result<Option<ValuePath>, Problem> {
        let at = child(&outputs_at, name);
        match outputs.get(name) {
            None => Ok(None),
            Some(Value::String(expression)) => resolve(api, root, expression, &at).map(Some),
            Some(_) => Err((at, "must be a JSONPath string".into())),
        }
    };
    let results = output("results")?.ok_or_else(|| {
        (
            child(&outputs_at, "results"),
            "`outputs.results` is missing: paging needs the results".to_owned(),
        )
    })?;
    let item = match api.list_item(&results.ty) {
        Some(item) => item.clone(),
        None => {
            return Err((
                child(&outputs_at, "results"),
                format!(
                    "`{}` is not a list in the response schema",
                    results.expression
                ),
            ))
        }
    };
    let num_pages = output("numPages")?;
    let next_cursor = output("nextCursor")?;
    let next_url = output("nextUrl")?;
    for (name, path, allowed) in [
        (
            "numPages",
            &num_pages,
            &[Primitive::I32, Primitive::I64][..],
        ),
        (
            "nextCursor",
            &next_cursor,
            &[Primitive::String, Primitive::I32, Primitive::I64][..],
        ),
        ("nextUrl", &next_url, &[Primitive::String][..]),
    ] {
        if let Some(path) = path {
            let scalar = scalar(api, &path.ty);
            if !scalar.is_some_and(|p| allowed.contains(&p)) {
                return Err((
                    child(&outputs_at, name),
                    format!(
                        "`{}` must reach {}",
                        path.expression,
                        if allowed.len() == 1 {
                            "a string"
                        } else if name == "numPages" {
                            "an integer"
                        } else {
                            "a string or an integer"
                        }
                    ),
                ));
            }
        }
    }
    match kind {
        PaginationKind::OffsetLimit if has(PageInputRole::Offset) == has(PageInputRole::Page) => {
            return Err((
                child(pointer, "inputs"),
                "`offsetLimit` needs exactly one input of type `offset` or `page`".into(),
            ))
        }
        PaginationKind::Cursor if !has(PageInputRole::Cursor) => {
            return Err((
                child(pointer, "inputs"),
                "`cursor` needs an input of type `cursor`".into(),
            ))
        }
        PaginationKind::Cursor if next_cursor.is_none() => {
            return Err((outputs_at, "`cursor` needs `outputs.nextCursor`".into()))
        }
        PaginationKind::Url if next_url.is_none() => {
            return Err((outputs_at, "`url` needs `outputs.nextUrl`".into()))
        }
        _ => {}
    }
    if let Some(taken) = op
        .parameters
        .iter()
        .find(|p| !p.required && PAGING_METHODS.contains(&p.rust_name.as_str()))
    {
        return Err((
            op.pointer.clone(),
            format!(
                "the parameter `{}` has the name of a paging method",
                taken.wire_name
            ),
        ));
    }
    Ok(Pagination {
        kind,
        inputs,
        results,
        item,
        num_pages,
        next_cursor,
        next_url,
    })
}

fn read_input(
    api: &Api,
    op: &crate::ir::Operation,
    input: &Value,
    at: &str,
) -> Result<PageInput, Problem> {
    let field = |name: &str| input.get(name).and_then(Value::as_str);
    let role = match field("type") {
        Some("page") => PageInputRole::Page,
        Some("offset") => PageInputRole::Offset,
        Some("limit") => PageInputRole::Limit,
        Some("cursor") => PageInputRole::Cursor,
        other => {
            return Err((
                child(at, "type"),
                format!(
                    "`type` is {}: it must be `page`, `offset`, `limit` or `cursor`",
                    shown(other)
                ),
            ))
        }
    };
    let name = field("name").ok_or_else(|| (child(at, "name"), "`name` is missing".to_owned()))?;
    let (rust_name, optional, ty, in_body) = match field("in") {
        Some("parameters") => {
            let parameter = op
                .parameters
                .iter()
                .find(|p| p.wire_name == name && p.location != ParamLocation::Path)
                .ok_or_else(|| {
                    (
                        child(at, "name"),
                        format!("no query, header or cookie parameter is named `{name}`"),
                    )
                })?;
            (
                parameter.rust_name.clone(),
                !parameter.required,
                &parameter.ty,
                false,
            )
        }
        Some("requestBody") => {
            let body = op
                .body
                .as_ref()
                .filter(|b| b.required && b.encoding == BodyEncoding::Json)
                .ok_or_else(|| {
                    (
                        child(at, "in"),
                        "the operation has no required JSON request body".to_owned(),
                    )
                })?;
            let field = struct_fields(api, &body.ty)
                .and_then(|fields| fields.iter().find(|f| f.wire_name == name))
                .ok_or_else(|| {
                    (
                        child(at, "name"),
                        format!("the request body has no property `{name}`"),
                    )
                })?;
            if matches!(field.presence, Presence::OptionalNullable) || field.boxed {
                return Err((
                    child(at, "name"),
                    format!("the body property `{name}` has a type paging cannot set"),
                ));
            }
            (
                field.rust_name.clone(),
                field.presence != Presence::Required,
                &field.ty,
                true,
            )
        }
        other => {
            return Err((
                child(at, "in"),
                format!(
                    "`in` is {}: it must be `parameters` or `requestBody`",
                    shown(other)
                ),
            ))
        }
    };
    let ty = scalar(api, ty);
    let allowed: &[Primitive] = match role {
        PageInputRole::Cursor => &[Primitive::String],
        _ => &[Primitive::I32, Primitive::I64],
    };
    let Some(ty) = ty.filter(|t| allowed.contains(t)) else {
        return Err((
            child(at, "name"),
            format!(
                "`{name}` must be {}",
                if role == PageInputRole::Cursor {
                    "a string"
                } else {
                    "an integer"
                }
            ),
        ));
    };
    Ok(PageInput {
        role,
        wire_name: name.to_owned(),
        rust_name,
        in_body,
        optional,
        ty,
    })
}

/// The type of every success response body, when they all decode into
/// one JSON type (that is then the operation's output).
fn success_type(op: &crate::ir::Operation) -> Option<&TypeRef> {
    let mut successes = op
        .responses
        .iter()
        .filter(|r| super::operation::is_success(r.status));
    let first = successes.next()?.body.as_ref()?;
    if first.encoding != BodyEncoding::Json {
        return None;
    }
    successes
        .all(|r| {
            r.body
                .as_ref()
                .is_some_and(|b| b.encoding == BodyEncoding::Json && b.ty == first.ty)
        })
        .then_some(&first.ty)
}

fn struct_fields<'t>(api: &'t Api, ty: &'t TypeRef) -> Option<&'t [crate::ir::Field]> {
    match api.resolve_alias(ty) {
        TypeRef::Named(name) => match &api.find_type(name)?.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    }
}

fn scalar(api: &Api, ty: &TypeRef) -> Option<Primitive> {
    match api.resolve_alias(ty) {
        TypeRef::Primitive(p) => Some(*p),
        _ => None,
    }
}

/// The path `expression` takes from a response of type `root`.
fn resolve(api: &Api, root: &TypeRef, expression: &str, at: &str) -> Result<ValuePath, Problem> {
    if let Err(error) = serde_json_path::JsonPath::parse(expression) {
        return Err((
            at.to_owned(),
            format!("`{expression}` is not a JSONPath (RFC 9535): {error}"),
        ));
    }
    let segments = singular_segments(expression).ok_or_else(|| {
        (
            at.to_owned(),
            format!("`{expression}` is not a singular query (names and indexes only): paging needs one value"),
        )
    })?;
    let mut ty = root;
    let mut steps = Vec::new();
    let cannot = |what: String| {
        (
            at.to_owned(),
            format!("`{expression}` cannot match the response schema: {what}"),
        )
    };
    for segment in segments {
        match segment {
            Segment::Name(name) => {
                let fields = struct_fields(api, ty)
                    .ok_or_else(|| cannot(format!("no object with a property `{name}`")))?;
                let field = fields
                    .iter()
                    .find(|f| f.wire_name == name)
                    .ok_or_else(|| cannot(format!("no property `{name}`")))?;
                let nullable = field.presence == Presence::OptionalNullable;
                if nullable && field.boxed {
                    return Err(cannot(format!("`{name}` is a boxed value that may be absent and null, which paging does not read")));
                }
                steps.push(PathStep::Field {
                    rust_name: field.rust_name.clone(),
                    optional: field.presence != Presence::Required,
                    nullable,
                    boxed: field.boxed,
                });
                ty = &field.ty;
            }
            Segment::Index(index) => {
                let item = api
                    .list_item(ty)
                    .ok_or_else(|| cannot(format!("index [{index}] of something not a list")))?;
                let (item, nullable_items) = match item {
                    TypeRef::Nullable(inner) => (inner.as_ref(), true),
                    other => (other, false),
                };
                steps.push(PathStep::Index {
                    index,
                    nullable_items,
                });
                ty = item;
            }
        }
    }
    Ok(ValuePath {
        expression: expression.to_owned(),
        steps,
        ty: ty.clone(),
    })
}

/// One segment of a singular query.
#[derive(Debug, PartialEq)]
enum Segment {
    Name(String),
    Index(i64),
}

/// The segments of an RFC 9535 singular query (`$`, then `.name`,
/// `['name']` or `[index]` segments), or `None` for any other query. The
/// expression was already checked to be valid JSONPath.
fn singular_segments(expression: &str) -> Option<Vec<Segment>> {
    let mut rest = expression.trim().strip_prefix('$')?;
    let mut segments = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some(segments);
        }
        if let Some(after) = rest.strip_prefix('.') {
            if after.starts_with('.') || after.starts_with('*') {
                return None;
            }
            let end = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || !c.is_ascii()))
                .unwrap_or(after.len());
            let (name, tail) = after.split_at(end);
            if name.is_empty() {
                return None;
            }
            segments.push(Segment::Name(name.to_owned()));
            rest = tail;
        } else if let Some(after) = rest.strip_prefix('[') {
            let after = after.trim_start();
            let (segment, tail) = match after.chars().next()? {
                quote @ ('\'' | '"') => quoted(&after[1..], quote)?,
                _ => {
                    let end = after.find(|c: char| !(c.is_ascii_digit() || c == '-'))?;
                    let index = after[..end].parse().ok()?;
                    (Segment::Index(index), &after[end..])
                }
            };
            rest = tail.trim_start().strip_prefix(']')?;
            segments.push(segment);
        } else {
            return None;
        }
    }
}

/// A quoted name up to its closing `quote`, and the text after it.
fn quoted(text: &str, quote: char) -> Option<(Segment, &str)> {
    let mut name = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c == quote => return Some((Segment::Name(name), &text[at + 1..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                name.push(match escaped {
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '/' | '\\' | '\'' | '"' => escaped,
                    // `\u` escapes: rare in property names; not a singular
                    // query this reader knows.
                    _ => return None,
                });
            }
            c => name.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{singular_segments, Segment};

    #[test]
    fn singular_queries_are_read_into_names_and_indexes() {
        assert_eq!(
            singular_segments("$.data[-1].id"),
            Some(vec![
                Segment::Name("data".into()),
                Segment::Index(-1),
                Segment::Name("id".into())
            ])
        );
        assert_eq!(
            singular_segments("$['a b'][\"c\\\"d\"][0]"),
            Some(vec![
                Segment::Name("a b".into()),
                Segment::Name("c\"d".into()),
                Segment::Index(0)
            ])
        );
        assert_eq!(singular_segments("$"), Some(vec![]));
    }

    #[test]
    fn other_queries_are_not_singular() {
        for query in [
            "$.data[*]",
            "$..id",
            "$.data[0:2]",
            "$.data[?@.x]",
            "$['a','b']",
            "$.*",
        ] {
            assert_eq!(singular_segments(query), None, "{query}");
        }
    }
}
