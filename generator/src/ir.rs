//! The intermediate model: everything the emitters need to know about an API,
//! as plain data.
//!
//! Lowering ([`crate::lower`]) builds it from a parsed document; every `$ref`
//! is resolved, every inline schema has a name, and every Rust identifier is
//! already chosen and unique. Emitters read only this model, never the
//! document. It is serialisable so that snapshot tests can pin it, and
//! deserialisable so that tests can build variants of it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

// The model of what comes beyond one request and one JSON answer, each in
// its own file: pages, streamed responses, webhook events.
mod pagination;
mod stream;
mod webhooks;

pub use pagination::{PageInput, PageInputRole, Pagination, PaginationKind, PathStep, ValuePath};
pub use stream::{StreamBody, StreamFraming, StreamItemForm};
pub use webhooks::{EventTag, TagRule, WebhookEvent};

/// The whole API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`, the API's version (not the crate's).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `servers`, in document order; the first is the default.
    pub servers: Vec<Server>,
    /// `components.securitySchemes` that the generated client supports.
    pub security_schemes: Vec<SecurityScheme>,
    /// The root `security`: alternatives, each a set of schemes (by index
    /// into [`Api::security_schemes`]) that must all be applied.
    pub security: Vec<Vec<usize>>,
    /// The default retry policy, from the root `x-speakeasy-retries`.
    pub retries: Option<RetryPolicy>,
    /// Operation groups, sorted by module name.
    pub groups: Vec<OperationGroup>,
    /// Named types, sorted by Rust name.
    pub types: Vec<NamedType>,
    /// The schemas that documented error responses decode into, by type
    /// name, sorted; each becomes a variant of the generated `ErrorBody`.
    pub error_types: Vec<String>,
    /// The webhook events the API sends (`webhooks`, `x-webhooks`), in
    /// document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<WebhookEvent>,
}

impl Api {
    /// Every named type reachable from `roots` through fields, items, map
    /// values, aliases and alternatives, the roots included.
    pub fn reachable(
        &self,
        roots: impl IntoIterator<Item = String>,
    ) -> std::collections::BTreeSet<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo: Vec<String> = roots.into_iter().collect();
        while let Some(name) = todo.pop() {
            if seen.contains(&name) {
                continue;
            }
            if let Some(ty) = self.find_type(&name) {
                ty.kind.push_named(&mut todo);
            }
            seen.insert(name);
        }
        seen
    }

    /// Whether every operation (or, without operations, the root
    /// requirement) needs a credential and none offers an anonymous
    /// alternative: the client's `build()` then insists on one.
    pub fn requires_credential(&self) -> bool {
        let needs = |security: &[Vec<usize>]| {
            !security.is_empty() && security.iter().all(|alternative| !alternative.is_empty())
        };
        let mut operations = self.groups.iter().flat_map(|g| &g.operations).peekable();
        let required = match operations.peek() {
            None => needs(&self.security),
            Some(_) => operations.all(|op| needs(&op.security)),
        };
        required && !self.security_schemes.is_empty()
    }

    /// The named type called `name` (types are sorted by name).
    pub fn find_type(&self, name: &str) -> Option<&NamedType> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|index| &self.types[index])
    }

    /// `ty` with named aliases followed to the type they stand for (alias
    /// cycles were refused when lowering; the bound is a second guard).
    pub fn resolve_alias<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        let mut current = ty;
        for _ in 0..self.types.len() {
            match current {
                TypeRef::Named(name) => match self.find_type(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => current = target,
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// The item type of `ty` when it is a list, inline or named, aliases
    /// followed.
    pub fn list_item<'a>(&'a self, ty: &'a TypeRef) -> Option<&'a TypeRef> {
        match self.resolve_alias(ty) {
            TypeRef::List(item) => Some(item),
            TypeRef::Named(name) => match &self.find_type(name)?.kind {
                TypeKind::List(item) => Some(item),
                _ => None,
            },
            _ => None,
        }
    }
}

/// One entry of `servers`, its variables replaced by their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// The base URL, without a trailing slash.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
}

/// A way of authenticating that the client can be given credentials for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`, e.g. `bearerAuth`.
    pub key: String,
    /// The client builder's method that sets it, e.g. `bearer_auth`.
    pub setter: String,
    /// How the credential travels.
    pub kind: SecurityKind,
    /// `description`.
    pub description: Option<String>,
}

/// How a credential is put on a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>` (http bearer, oauth2, openIdConnect).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ParamLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// A retry policy (`x-speakeasy-retries`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// `None` when the strategy is `none`: no retries at all.
    pub backoff: Option<Backoff>,
    /// The statuses that are retried.
    pub status_codes: Vec<StatusMatch>,
    /// Whether connection failures are retried.
    pub retry_connection_errors: bool,
}

/// Exponential backoff parameters, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backoff {
    /// The first wait.
    pub initial_interval_ms: u64,
    /// The longest single wait.
    pub max_interval_ms: u64,
    /// The total time after which no new attempt starts.
    pub max_elapsed_time_ms: u64,
    /// The factor between consecutive waits.
    pub exponent: f64,
}

/// Which response statuses a response entry or retry rule covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatusMatch {
    /// One status, e.g. `404`.
    Exact(u16),
    /// A class, e.g. `5` for `5XX`.
    Range(u8),
    /// `default`: every status not listed otherwise.
    Default,
}

impl StatusMatch {
    /// Reads a response key or retry rule: `404`, `4XX` (any case) or
    /// `default`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("default") {
            return Some(Self::Default);
        }
        let bytes = text.as_bytes();
        if bytes.len() == 3
            && bytes[1..].eq_ignore_ascii_case(b"xx")
            && (b'1'..=b'5').contains(&bytes[0])
        {
            return Some(Self::Range(bytes[0] - b'0'));
        }
        match text.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Some(Self::Exact(code)),
            _ => None,
        }
    }
}

/// Operations that share a Rust accessor, e.g. `clerk.machine_tokens()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperationGroup {
    /// The group as the document names it (`x-speakeasy-group` or tag).
    pub name: String,
    /// Module, file and accessor name, e.g. `machine_tokens`.
    pub module: String,
    /// The group type's name, e.g. `MachineTokens`.
    pub type_name: String,
    /// The matching tag's description, if any.
    pub description: Option<String>,
    /// Operations in document order.
    pub operations: Vec<Operation>,
}

/// One HTTP operation: it becomes a method on its group, an operation type
/// holding its inputs, and a decode function for its responses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// `operationId` as written, e.g. `CreateMachineToken`.
    pub id: String,
    /// The group method, e.g. `create`.
    pub method_name: String,
    /// The operation type, e.g. `CreateMachineToken`.
    pub type_name: String,
    /// JSON pointer of the operation, for docs and diagnostics.
    pub pointer: String,
    /// The HTTP method.
    pub http_method: HttpMethod,
    /// The path template, e.g. `/users/{user_id}`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Why it is deprecated and what to use instead: the
    /// `x-speakeasy-deprecation-message` extension, when it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_note: Option<String>,
    /// Path-level and operation-level parameters, merged, in order.
    pub parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// Documented responses, exact statuses first, then ranges, then default.
    pub responses: Vec<Response>,
    /// The operation's own `security`, or the API's when it has none;
    /// an empty list means no authentication.
    pub security: Vec<Vec<usize>>,
    /// The operation's `x-speakeasy-retries`, overriding the API default.
    pub retries: Option<RetryPolicy>,
    /// How its results continue on further pages (`x-speakeasy-pagination`),
    /// when the document declares it and the declaration is usable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// The streamed success body (server-sent events, JSON Lines), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamBody>,
}

/// HTTP methods OpenAPI can describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

/// An operation input outside the body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust argument or setter name, unique within the operation.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// How it is serialised.
    pub style: ParamStyle,
    /// `explode`.
    pub explode: bool,
    /// Required parameters are method arguments; optional ones are setters.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// Checks made before sending.
    pub constraints: Constraints,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Why it is deprecated and what to use instead: the
    /// `x-speakeasy-deprecation-message` extension, when it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_note: Option<String>,
    /// `example`, or the schema's.
    pub example: Option<Value>,
}

/// Where a parameter or API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParamLocation {
    /// Substituted into the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// OpenAPI parameter serialisation styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParamStyle {
    /// `simple` (path and header default): `a,b,c`.
    Simple,
    /// `label`: `.a.b.c`.
    Label,
    /// `matrix`: `;x=a,b`.
    Matrix,
    /// `form` (query and cookie default): `x=a&x=b` or `x=a,b`.
    Form,
    /// `spaceDelimited`: `x=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `x=a|b`.
    PipeDelimited,
    /// `deepObject`: `x[key]=value`.
    DeepObject,
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    /// The media type sent, e.g. `application/json`.
    pub content_type: String,
    /// How the value is encoded into that media type.
    pub encoding: BodyEncoding,
    /// The body's type.
    pub ty: TypeRef,
    /// Checks of the body itself when its schema is inline (an array's
    /// `minItems`, `maxItems`, `uniqueItems`...); a named type checks its
    /// own.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Whether the operation requires it.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
}

/// How values are written to or read from a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BodyEncoding {
    /// JSON (`application/json` and `+json` types).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes (`application/octet-stream`, images, anything else).
    Binary,
    /// Text (`text/*`).
    Text,
}

/// One documented response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Which statuses it covers.
    pub status: StatusMatch,
    /// `description`.
    pub description: String,
    /// The body, when the response documents one.
    pub body: Option<ResponseBody>,
}

/// A response body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseBody {
    /// The media type, e.g. `application/json`.
    pub content_type: String,
    /// How it is decoded.
    pub encoding: BodyEncoding,
    /// The decoded type.
    pub ty: TypeRef,
}

/// How a field, parameter or body refers to a type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TypeRef {
    /// A type in [`Api::types`], by Rust name.
    Named(String),
    /// A scalar.
    Primitive(Primitive),
    /// A JSON array.
    List(Box<TypeRef>),
    /// A JSON object with arbitrary keys and values of one type.
    Map(Box<TypeRef>),
    /// A value that may be `null` inside a list, map or alternative.
    Nullable(Box<TypeRef>),
    /// Any JSON value.
    Any,
}

impl TypeKind {
    /// Pushes the names of the named types a value of this kind holds
    /// directly: field, alternative, item, value or alias types.
    pub fn push_named(&self, into: &mut Vec<String>) {
        match self {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| f.ty.push_named(into)),
            TypeKind::OneOf(o) => o.variants.iter().for_each(|v| v.ty.push_named(into)),
            TypeKind::Map(t) | TypeKind::List(t) | TypeKind::Alias(t) => t.push_named(into),
            TypeKind::Enum(_) | TypeKind::FreeForm => {}
        }
    }
}

impl TypeRef {
    /// Pushes the names of the named types this reference mentions.
    pub fn push_named(&self, into: &mut Vec<String>) {
        match self {
            TypeRef::Named(name) => into.push(name.clone()),
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.push_named(into)
            }
            TypeRef::Primitive(_) | TypeRef::Any => {}
        }
    }
}

/// Scalars and their Rust representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Primitive {
    /// `string` (also `date`, `date-time`, `uuid` and other formats, kept
    /// as text so that no value is rejected or reformatted).
    String,
    /// `string` with format `binary`: raw bytes.
    Binary,
    /// `integer` with format `int32`.
    I32,
    /// `integer` (default, and `int64`).
    I64,
    /// `number` with format `float`.
    F32,
    /// `number` (default, and `double`).
    F64,
    /// `boolean`.
    Bool,
}

/// A type with a name: a schema from `components.schemas`, or an inline
/// schema that lowering named after where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedType {
    /// The Rust name, unique, e.g. `CreateMachineTokenRequestBody`.
    pub name: String,
    /// The file/module name, e.g. `create_machine_token_request_body`.
    pub module: String,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// `title` or `description`; for a schema with neither, a sentence
    /// made up by lowering (see [`NamedType::description_derived`]).
    pub description: Option<String>,
    /// Whether `description` was made up by lowering rather than written by
    /// the document ("The `object` field of [`Parent`]."). Such text names
    /// the type's parent, so it changes when the parent is renamed though
    /// the document did not: the change report compares only written text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub description_derived: bool,
    /// `example`.
    pub example: Option<Value>,
    /// `deprecated`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Why it is deprecated and what to use instead: the
    /// `x-speakeasy-deprecation-message` extension, when it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_note: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

impl NamedType {
    /// The description as the document wrote it, without made-up text.
    pub fn written_description(&self) -> Option<&str> {
        self.description
            .as_deref()
            .filter(|_| !self.description_derived)
    }
}

/// The shapes a named type can take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A closed set of string or integer values (open on decoding).
    Enum(Enum),
    /// An object with arbitrary keys and values of one type.
    Map(TypeRef),
    /// An array.
    List(TypeRef),
    /// An object with no schema for its properties: kept as JSON.
    FreeForm,
    /// Another name for a type (a scalar, or a `$ref`).
    Alias(TypeRef),
    /// Exactly one of several schemas (`oneOf`, `anyOf`).
    OneOf(OneOf),
}

/// An object with known properties.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    /// Properties in document order.
    pub fields: Vec<Field>,
}

/// One property of a struct.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The Rust field name, unique within the struct.
    pub rust_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it may be absent and whether it may be `null`.
    pub presence: Presence,
    /// Whether the type must be boxed to break a cycle.
    pub boxed: bool,
    /// Checks made before sending.
    pub constraints: Constraints,
    /// `default`, for docs only: the server applies it.
    pub default: Option<Value>,
    /// `description`.
    pub description: Option<String>,
    /// `example`.
    pub example: Option<Value>,
    /// `readOnly`: only in responses.
    pub read_only: bool,
    /// `format: password`: the value is shown as `***` in `Debug` output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// `writeOnly`: only in requests.
    pub write_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// Why it is deprecated and what to use instead: the
    /// `x-speakeasy-deprecation-message` extension, when it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_note: Option<String>,
}

/// Whether a value may be absent and whether it may be `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// May be absent, never null: `Option<T>`, omitted when `None`.
    Optional,
    /// Always present, may be null: `Option<T>`, `None` sent as `null`.
    Nullable,
    /// Absent, null and a value are all distinct: `Option<Nullable<T>>`.
    OptionalNullable,
}

/// Validation keywords of a schema. Empty when the schema has none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern`, a regular expression the value must match somewhere.
    pub pattern: Option<String>,
    /// `minimum` with `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum` with `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// Constraints on each item of an array.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A numeric limit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

/// A closed set of values, decoded openly: values the document does not
/// list are kept in a catch-all variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    /// The listed values.
    pub variants: Vec<EnumVariant>,
    /// The catch-all variant's name (`Unknown` unless a value took it).
    pub unknown_variant: String,
    /// Whether the values are strings or integers.
    pub repr: EnumRepr,
}

/// The wire type of an enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnumRepr {
    /// String values.
    String,
    /// Integer values.
    Integer,
}

/// One value of an enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumVariant {
    /// The Rust variant name, unique within the enum.
    pub rust_name: String,
    /// The value on the wire.
    pub value: EnumValue,
}

/// An enum value on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnumValue {
    /// A string value.
    String(String),
    /// An integer value.
    Integer(i64),
}

/// Exactly one of several schemas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneOf {
    /// The alternatives, in document order.
    pub variants: Vec<Variant>,
    /// The property that names the alternative, when the schema says.
    pub discriminator: Option<String>,
    /// The catch-all variant that keeps a value matching no alternative.
    pub unknown_variant: String,
}

/// One alternative of a [`OneOf`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The discriminator values that select it (empty when untagged).
    pub tags: Vec<String>,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the type must be boxed to break a cycle.
    pub boxed: bool,
}
