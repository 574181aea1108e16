//! The catalogue of change rules: each has a stable id (the JSON report's
//! `id`), a fixed level, and the Markdown section it is listed under.
//!
//! Each rule has a fixture pair under `generator/tests/diff/`, and a test
//! fails when one has none.

use serde::{Serialize, Serializer};

use super::Level;

/// The Markdown report's sections, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Section {
    /// Changes that need users to change code, or change what a call does.
    Breaking,
    /// New API.
    Added,
    /// Compatible changes of behaviour: looser checks, deprecations.
    Changed,
    /// Documentation only.
    Docs,
}

impl Section {
    /// The section's heading.
    pub fn title(self) -> &'static str {
        match self {
            Section::Breaking => "Breaking",
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Docs => "Docs",
        }
    }
}

/// One kind of change.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable identifier, e.g. `field-added-optional`.
    pub id: &'static str,
    /// The level of every change it finds.
    pub level: Level,
    /// Where the Markdown report lists it.
    pub section: Section,
    /// What it detects, for the README's table.
    pub summary: &'static str,
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id)
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $section:ident, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub static $name: Rule = Rule {
                id: $id,
                level: Level::$level,
                section: Section::$section,
                summary: $summary,
            };
        )*
        /// Every rule, in catalogue order.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    // The client as a whole.
    API_VERSION_CHANGED = "api-version-changed", Patch, Docs,
        "`info.version` changed: the crate's description and docs name the API version.";
    API_DOCS_CHANGED = "api-docs-changed", Patch, Docs,
        "`info.title` or `info.description` changed.";
    SERVER_DEFAULT_CHANGED = "server-default-changed", Major, Breaking,
        "The first server changed: a client built without `server_url` calls another URL.";
    SERVERS_CHANGED = "servers-changed", Patch, Docs,
        "Other servers, or server descriptions, changed: they are only documented.";
    SECURITY_SCHEME_ADDED = "security-scheme-added", Minor, Added,
        "A security scheme is new: the client builder gains a setter.";
    SECURITY_SCHEME_REMOVED = "security-scheme-removed", Major, Breaking,
        "A security scheme is gone: its builder setter is removed.";
    SECURITY_SCHEME_CHANGED = "security-scheme-changed", Major, Breaking,
        "A security scheme sends its credential differently, or its setter is renamed.";
    SECURITY_SCHEME_DOCS_CHANGED = "security-scheme-docs-changed", Patch, Docs,
        "A security scheme's description changed.";
    SECURITY_REQUIREMENT_NARROWED = "security-requirement-narrowed", Major, Breaking,
        "A set of credentials that was accepted no longer is (root or operation `security`).";
    SECURITY_REQUIREMENT_WIDENED = "security-requirement-widened", Patch, Changed,
        "More sets of credentials are accepted; every old one still is.";
    RETRY_NARROWED = "retry-narrowed", Major, Breaking,
        "Fewer failures are retried, or for less time: calls that succeeded on retry now fail.";
    RETRY_WIDENED = "retry-widened", Minor, Changed,
        "More failures are retried, or for longer.";
    RETRY_TIMING_CHANGED = "retry-timing-changed", Patch, Changed,
        "The waits between attempts changed; what is retried did not.";
    PAGINATION_ADDED = "pagination-added", Minor, Added,
        "An operation's results continue on further pages: its request gains `items()`, `pages()` and `max_pages()`.";
    PAGINATION_REMOVED = "pagination-removed", Major, Breaking,
        "An operation no longer pages: `items()`, `pages()` and `max_pages()` are gone from its request.";
    PAGINATION_ITEM_CHANGED = "pagination-item-changed", Major, Breaking,
        "The items a paginated operation's `items()` yields have another type.";
    ERROR_BODY_ADDED = "error-body-added", Minor, Added,
        "A new error schema: `ErrorBody` (non-exhaustive) gains a variant.";
    ERROR_BODY_REMOVED = "error-body-removed", Major, Breaking,
        "An error schema is no longer used: its `ErrorBody` variant is removed.";

    // Operation groups and operations.
    GROUP_ADDED = "group-added", Minor, Added,
        "A new operation group: the client gains an accessor.";
    GROUP_REMOVED = "group-removed", Major, Breaking,
        "An operation group is gone: its accessor is removed.";
    GROUP_RENAMED = "group-renamed", Major, Breaking,
        "A group's accessor or type is renamed (its tag or `x-speakeasy-group` changed for all its operations).";
    GROUP_DOCS_CHANGED = "group-docs-changed", Patch, Docs,
        "A group's tag description changed.";
    OPERATION_ADDED = "operation-added", Minor, Added,
        "A new operation: its group gains a method.";
    OPERATION_REMOVED = "operation-removed", Major, Breaking,
        "An operation is gone: its method and operation type are removed.";
    OPERATION_RENAMED = "operation-renamed", Major, Breaking,
        "The same endpoint's method, operation type or group changed (operationId, name override or group).";
    OPERATION_ID_CHANGED = "operation-id-changed", Patch, Docs,
        "The operationId changed, but no Rust name did.";
    OPERATION_ENDPOINT_CHANGED = "operation-endpoint-changed", Major, Breaking,
        "The method sends another HTTP method or path.";
    OPERATION_DOCS_CHANGED = "operation-docs-changed", Patch, Docs,
        "An operation's summary, description or deprecation note changed.";
    OPERATION_DEPRECATED = "operation-deprecated", Minor, Changed,
        "An operation is newly deprecated.";
    OPERATION_UNDEPRECATED = "operation-undeprecated", Patch, Changed,
        "An operation is no longer deprecated.";

    // Parameters.
    PARAMETER_ADDED_REQUIRED = "parameter-added-required", Major, Breaking,
        "A new required parameter: the method takes one more argument.";
    PARAMETER_ADDED_OPTIONAL = "parameter-added-optional", Minor, Added,
        "A new optional parameter: the request gains a setter.";
    PARAMETER_REMOVED = "parameter-removed", Major, Breaking,
        "A parameter is gone: its argument or setter is removed.";
    PARAMETER_REQUIRED = "parameter-required", Major, Breaking,
        "An optional parameter became required: its setter becomes a method argument.";
    PARAMETER_OPTIONAL = "parameter-optional", Major, Breaking,
        "A required parameter became optional: its method argument becomes a setter.";
    PARAMETER_RENAMED = "parameter-renamed", Major, Breaking,
        "An optional parameter's `Request` setter is renamed.";
    ARGUMENT_RENAMED = "argument-renamed", Patch, Docs,
        "A required parameter's argument is renamed: arguments are positional, so calls do not change.";
    PATH_VARIABLE_RENAMED = "path-variable-renamed", Patch, Docs,
        "A path template's variable and its argument are renamed (`{m2m_token_id}` to `{token_id}`): the URL sent is the same, and arguments are positional.";
    PARAMETER_TYPE_CHANGED = "parameter-type-changed", Major, Breaking,
        "A parameter's Rust type changed.";
    PARAMETER_SERIALIZATION_CHANGED = "parameter-serialization-changed", Major, Breaking,
        "A parameter is sent in another place or style (`in`, `style`, `explode`).";
    PARAMETER_DOCS_CHANGED = "parameter-docs-changed", Patch, Docs,
        "A parameter's description, example or deprecation note changed, or it is no longer deprecated.";
    PARAMETER_DEPRECATED = "parameter-deprecated", Minor, Changed,
        "A parameter is newly deprecated.";

    // Request bodies.
    BODY_ADDED_REQUIRED = "body-added-required", Major, Breaking,
        "A new required request body: the method takes one more argument.";
    BODY_ADDED_OPTIONAL = "body-added-optional", Minor, Added,
        "A new optional request body: the request gains a `body` setter.";
    BODY_REMOVED = "body-removed", Major, Breaking,
        "The request body is gone.";
    BODY_REQUIRED_CHANGED = "body-required-changed", Major, Breaking,
        "The body became required (a setter becomes an argument) or optional (the reverse).";
    BODY_TYPE_CHANGED = "body-type-changed", Major, Breaking,
        "The request body's Rust type changed.";
    BODY_MEDIA_TYPE_CHANGED = "body-media-type-changed", Major, Breaking,
        "The request body is sent as another media type.";
    BODY_DOCS_CHANGED = "body-docs-changed", Patch, Docs,
        "The request body's description changed.";

    // Streamed responses (`diff/streams.rs`).
    STREAM_ADDED = "stream-added", Minor, Added,
        "An operation can now answer with a stream: it gains a method returning an `EventStream`.";
    STREAM_REMOVED = "stream-removed", Major, Breaking,
        "An operation no longer streams: the method returning its `EventStream` is removed.";
    STREAM_EVENT_TYPE_CHANGED = "stream-event-type-changed", Major, Breaking,
        "The items of an operation's `EventStream` changed type, or how events are framed or decoded.";

    // Responses.
    OUTPUT_TYPE_CHANGED = "output-type-changed", Major, Breaking,
        "What a successful call returns changed type.";
    SUCCESS_STATUS_ADDED = "success-status-added", Minor, Changed,
        "A new success status: a response that was an error is now decoded as a success.";
    SUCCESS_STATUS_REMOVED = "success-status-removed", Major, Breaking,
        "A success status is no longer documented: such a response is now an error.";
    ERROR_RESPONSE_ADDED = "error-response-added", Major, Breaking,
        "A newly documented error status: it is now `Error::Api` with a typed body, no longer `Error::UnexpectedStatus`.";
    ERROR_RESPONSE_REMOVED = "error-response-removed", Major, Breaking,
        "An error status is no longer documented: it is now `Error::UnexpectedStatus`.";
    ERROR_RESPONSE_TYPE_CHANGED = "error-response-type-changed", Major, Breaking,
        "A documented error status decodes into another `ErrorBody` variant.";
    RESPONSE_MEDIA_TYPE_CHANGED = "response-media-type-changed", Major, Breaking,
        "A response is read as another media type.";
    RESPONSE_DOCS_CHANGED = "response-docs-changed", Patch, Docs,
        "A response's description changed.";

    // Named types.
    TYPE_ADDED = "type-added", Minor, Added,
        "A new model type.";
    TYPE_REMOVED = "type-removed", Major, Breaking,
        "A model type is gone.";
    TYPE_RENAMED = "type-renamed", Major, Breaking,
        "A model type has a new Rust name (same location, or the only new type of the same shape).";
    TYPE_KIND_CHANGED = "type-kind-changed", Major, Breaking,
        "A model type changed shape (struct, enum, union, map, list, alias), or an enum its wire type.";
    TYPE_TARGET_CHANGED = "type-target-changed", Major, Breaking,
        "What a map, list or alias type holds changed type.";
    TYPE_DOCS_CHANGED = "type-docs-changed", Patch, Docs,
        "A model type's description, example or deprecation note changed, or it is no longer deprecated.";
    TYPE_DEPRECATED = "type-deprecated", Minor, Changed,
        "A model type is newly deprecated.";

    // Struct fields.
    FIELD_ADDED_OPTIONAL = "field-added-optional", Minor, Added,
        "A new optional field: the struct (non-exhaustive) gains a field and a setter.";
    FIELD_ADDED_REQUIRED = "field-added-required", Major, Breaking,
        "A new required field: `new()` takes one more argument.";
    FIELD_REMOVED = "field-removed", Major, Breaking,
        "A field is gone.";
    FIELD_RENAMED = "field-renamed", Major, Breaking,
        "A field's Rust name changed; its wire name did not.";
    FIELD_PRESENCE_CHANGED = "field-presence-changed", Major, Breaking,
        "A field became required, optional or nullable: its Rust type and `new()` change.";
    FIELD_TYPE_CHANGED = "field-type-changed", Major, Breaking,
        "A field's Rust type changed (type or format).";
    FIELD_DEFAULT_CHANGED = "field-default-changed", Patch, Docs,
        "A field's documented default changed (the server applies it).";
    FIELD_DOCS_CHANGED = "field-docs-changed", Patch, Docs,
        "A field's description, example, readOnly, writeOnly, deprecation note or `format: password` (redacted in `Debug`) changed, or it is no longer deprecated.";
    FIELD_DEPRECATED = "field-deprecated", Minor, Changed,
        "A field is newly deprecated.";

    // Enums and unions.
    ENUM_VALUE_ADDED = "enum-value-added", Minor, Added,
        "An enum (non-exhaustive) gains a value: it is no longer decoded into the fallback variant.";
    ENUM_VALUE_REMOVED = "enum-value-removed", Major, Breaking,
        "An enum value is gone: its variant is removed.";
    ENUM_VARIANT_RENAMED = "enum-variant-renamed", Major, Breaking,
        "The same enum value, or an enum's or union's fallback, has a new variant name.";
    UNION_VARIANT_ADDED = "union-variant-added", Minor, Added,
        "A union (non-exhaustive) gains an alternative.";
    UNION_VARIANT_REMOVED = "union-variant-removed", Major, Breaking,
        "A union's alternative is gone.";
    UNION_VARIANT_TYPE_CHANGED = "union-variant-type-changed", Major, Breaking,
        "A union's alternative holds another type.";
    UNION_DISCRIMINATOR_CHANGED = "union-discriminator-changed", Major, Breaking,
        "A union is told apart by another property or other values: the same JSON decodes differently.";

    // Webhook events.
    WEBHOOK_EVENT_ADDED = "webhook-event-added", Minor, Added,
        "A webhook event was added: a new variant of the `#[non_exhaustive]` `WebhookEvent`.";
    WEBHOOK_EVENT_REMOVED = "webhook-event-removed", Major, Breaking,
        "A webhook event was removed: its variant is gone, and its payloads decode as `Unknown`.";
    WEBHOOK_EVENT_CHANGED = "webhook-event-changed", Major, Breaking,
        "A webhook event's payload type, variant or recognising value changed.";

    // Checks made before sending.
    CONSTRAINT_TIGHTENED = "constraint-tightened", Major, Breaking,
        "A request value's check is stricter: calls that passed are rejected before sending.";
    CONSTRAINT_LOOSENED = "constraint-loosened", Patch, Changed,
        "A request value's check is looser.";
    CONSTRAINT_RESPONSE_ONLY = "constraint-response-only", Patch, Docs,
        "A check on a value only ever received changed: it is only documented.";
}
