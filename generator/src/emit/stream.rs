//! Streaming operations: the methods that open an `EventStream`, the
//! `StreamOperation` impl, the runtime module and the manifest lines a
//! crate with a streaming operation gets (and one without does not).

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::doc_attrs;
use super::rust::{ident, type_tokens, Scope};
use crate::ir::{
    Api, BodyEncoding, Operation, Primitive, StreamBody, StreamFraming, StreamItemForm, TypeKind,
    TypeRef,
};

/// The dependencies of the runtime's `stream` module, for the manifest.
pub(crate) const DEPENDENCIES: &str =
    "# Streamed responses (`EventStream`): the `Stream` trait, the body read as it\n\
# is polled, and the server-sent events parser.\n\
futures-core = \"0.3\"\n\
http-body = \"1\"\n\
sse-stream = \"0.3\"\n";

/// The lines added to the runtime's `mod.rs` in a crate that streams.
pub(crate) const RUNTIME_MOD: &str = "\npub(crate) mod stream;\n\
pub(crate) mod stream_decode;\n\
#[cfg(feature = \"blocking\")]\n\
pub(crate) mod stream_blocking;\n\
pub use self::stream::{\n    DEFAULT_MAX_EVENT_SIZE, EventStream, Framing, ItemForm, StreamFormat, StreamOperation,\n    StreamRequest,\n};\n";

/// Whether `name` is one of the runtime's stream files, copied only into
/// crates that stream.
pub(crate) fn is_stream_file(name: &str) -> bool {
    matches!(
        name,
        "stream.rs" | "stream_decode.rs" | "stream_blocking.rs"
    )
}

/// Whether any operation of `api` streams.
pub(crate) fn streams(api: &Api) -> bool {
    api.groups
        .iter()
        .flat_map(|g| &g.operations)
        .any(|op| op.stream.is_some())
}

/// The item type of a stream, as the `apis` files name it.
pub(crate) fn item_type(stream: &StreamBody) -> TokenStream {
    type_tokens(&stream.item, Scope::Outside)
}

/// The method that opens `op`'s stream, on the async group type. `args`
/// and `inits` are the operation's required arguments and its fields'
/// initialisers, as the JSON method has them.
pub(crate) fn async_method(
    op: &Operation,
    docs: &str,
    args: &[TokenStream],
    inits: &[TokenStream],
) -> Option<TokenStream> {
    let stream = op.stream.as_ref()?;
    let method = ident(&stream.method_name);
    let op_type = ident(&op.type_name);
    let docs = doc_attrs(docs);
    let deprecated = super::apis::operation_deprecation(op);
    Some(quote! {
        #docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> StreamRequest<#op_type> {
            StreamRequest::new(Request::new(Arc::clone(&self.core), #op_type { #(#inits),* }))
        }
    })
}

/// The blocking counterpart of [`async_method`].
pub(crate) fn blocking_method(
    op: &Operation,
    module: &proc_macro2::Ident,
    docs: &str,
    args: &[TokenStream],
    names: &[proc_macro2::Ident],
) -> Option<TokenStream> {
    let stream = op.stream.as_ref()?;
    let method = ident(&stream.method_name);
    let op_type = ident(&op.type_name);
    let docs = doc_attrs(docs);
    let deprecated = super::apis::operation_deprecation(op);
    Some(quote! {
        #docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> StreamRequest<apis::#module::#op_type> {
            StreamRequest::new(self.inner.#method(#(#names),*), Arc::clone(&self.runtime))
        }
    })
}

/// The docs of the method opening `op`'s stream (an operation of the
/// group with module `group`): the operation's, what the stream yields,
/// and how to read it.
pub(crate) fn method_docs(
    api: &Api,
    group: &str,
    op: &Operation,
    blocking: bool,
) -> Option<String> {
    let stream = op.stream.as_ref()?;
    let mut text = super::apis::operation_docs(op);
    let item = item_type(stream)
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" >", ">");
    let item = match item.strip_prefix("models::") {
        Some(name) if api.find_type(name).is_some() => {
            format!("[`{name}`](crate::models::{name})")
        }
        _ => format!("`{item}`"),
    };
    let framing = framing_name(stream.framing);
    if blocking {
        text.push_str(&format!(
            "\n\nAsks for the answer as a stream (`{}`, {framing}): [`send`](crate::blocking::StreamRequest::send) gives a [`blocking::EventStream`](crate::blocking::EventStream), an iterator of {item} items, once the response head has arrived.",
            stream.content_type
        ));
    } else {
        text.push_str(&format!(
            "\n\nAsks for the answer as a stream (`{}`, {framing}): awaiting the request gives an [`EventStream`](crate::EventStream) of {item} items once the response head has arrived; read it as it comes:\n\n```ignore\nuse futures::TryStreamExt;\n\nlet mut stream = client.{}().{}(..).await?;\nwhile let Some(event) = stream.try_next().await? {{\n    println!(\"{{event:?}}\");\n}}\n```",
            stream.content_type,
            group,
            stream.method_name,
        ));
    }
    if let Some(sentinel) = &stream.sentinel {
        text.push_str(&format!(
            "\n\nThe stream ends at the event whose data is `{sentinel}`, which is not yielded."
        ));
    }
    Some(text)
}

/// How a framing is called in docs.
fn framing_name(framing: StreamFraming) -> &'static str {
    match framing {
        StreamFraming::ServerSentEvents => "server-sent events",
        StreamFraming::JsonLines => "JSON Lines",
        StreamFraming::JsonSeq => "JSON text sequences",
    }
}

/// The name of the request body's boolean `stream` property, when it has
/// one: each method sets it to the answer it decodes.
fn body_flag(api: &Api, op: &Operation) -> Option<String> {
    let body = op
        .body
        .as_ref()
        .filter(|b| b.encoding == BodyEncoding::Json)?;
    let TypeRef::Named(name) = &body.ty else {
        return None;
    };
    let TypeKind::Struct(fields) = &api.find_type(name)?.kind else {
        return None;
    };
    fields
        .fields
        .iter()
        .find(|f| f.wire_name == "stream" && f.ty == TypeRef::Primitive(Primitive::Bool))
        .map(|f| f.wire_name.clone())
}

/// Whether the group's code uses the runtime's `stream` module itself
/// (to set a body flag).
pub(crate) fn sets_body_flags(api: &Api, ops: &[Operation]) -> bool {
    ops.iter()
        .any(|op| op.stream.is_some() && body_flag(api, op).is_some())
}

/// For a streaming operation: the inherent `build_request` holding the
/// request building (`prepare_body`, which asks for the JSON answer), `Operation::prepare`'s body when the
/// operation also answers JSON, and the `StreamOperation` impl.
/// `None` for an operation that does not stream.
pub(crate) fn operation_impls(
    api: &Api,
    op: &Operation,
    prepare_body: &TokenStream,
    validates: bool,
) -> Option<(TokenStream, TokenStream)> {
    let stream = op.stream.as_ref()?;
    let op_type = ident(&op.type_name);
    let validate = if validates {
        quote!(validate)
    } else {
        quote!(_validate)
    };
    let flag = body_flag(api, op);
    let set_flag = |value: bool| {
        flag.as_ref()
            .map(|name| quote!(stream::set_body_flag(&mut prepared, #name, #value)?;))
    };
    let streamed = set_flag(true);
    // `build_request` already asks for the JSON answer (its `Accept` is the
    // first success body's); only the body flag is left to set.
    let json_prepare = match set_flag(false) {
        Some(unstreamed) => quote! {
            let mut prepared = self.build_request(validate)?;
            #unstreamed
            Ok(prepared)
        },
        None => quote!(self.build_request(validate)),
    };
    let media_type = &stream.content_type;
    let item = item_type(stream);
    let framing = match stream.framing {
        StreamFraming::ServerSentEvents => quote!(Framing::ServerSentEvents),
        StreamFraming::JsonLines => quote!(Framing::JsonLines),
        StreamFraming::JsonSeq => quote!(Framing::JsonSeq),
    };
    let form = match stream.form {
        StreamItemForm::Payload => quote!(ItemForm::Payload),
        StreamItemForm::EnvelopeText => quote!(ItemForm::EnvelopeText),
        StreamItemForm::EnvelopeJson => quote!(ItemForm::EnvelopeJson),
    };
    let sentinel = match &stream.sentinel {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    };
    let (error_arms, _) = super::apis::error_arms(api, op);
    let stream_error = if error_arms.is_empty() {
        quote!(response.unexpected())
    } else {
        quote! {
            let error: Result<std::convert::Infallible, Error> = match response.status().as_u16() {
                #error_arms
                _ => Err(response.unexpected()),
            };
            match error {
                Err(error) => error,
                Ok(never) => match never {},
            }
        }
    };
    let op_id = &op.id;
    let impls = quote! {
        impl #op_type {
            /// The spec's `operationId` (one name for `Operation`'s and
            /// `StreamOperation`'s).
            const OPERATION_ID: &'static str = #op_id;

            /// The request, accepting the first success body's type;
            /// `prepare_stream` asks for the stream instead.
            #[inline]
            fn build_request(&self, #validate: bool) -> Result<Prepared, Error> {
                #prepare_body
            }
        }

        impl StreamOperation for #op_type {
            const OPERATION_ID: &'static str = #op_id;
            const FORMAT: StreamFormat = StreamFormat {
                framing: #framing,
                form: #form,
                sentinel: #sentinel,
            };
            type Item = #item;

            #[inline]
            fn prepare_stream(&self, validate: bool) -> Result<Prepared, Error> {
                let mut prepared = self.build_request(validate)?;
                prepared.accept(#media_type);
                #streamed
                Ok(prepared)
            }

            #[inline]
            fn stream_error(response: Response) -> Error {
                #stream_error
            }
        }
    };
    Some((impls, json_prepare))
}

/// A complete program reading `op`'s stream, for its docs page; `None`
/// when its inputs have no finite example.
pub(crate) fn example_program(
    cx: &super::Context<'_>,
    group: &crate::ir::OperationGroup,
    op: &Operation,
) -> Option<String> {
    let stream = op.stream.as_ref()?;
    let args = super::example::call_arguments(cx.api, op, &cx.lib_name)?;
    let setup = super::markdown::example_setup(cx);
    Some(format!(
        "use futures::TryStreamExt;\n{setup}    let mut stream = client\n        .{group}()\n        .{method}({args})\n        .await?;\n    while let Some(event) = stream.try_next().await? {{\n        println!(\"{{event:?}}\");\n    }}\n    Ok(())\n}}\n",
        group = group.module,
        method = stream.method_name,
        args = args.join(", "),
    ))
}

/// The "Streaming" section of an operation's docs page: what the stream
/// method asks for and yields, and `program` reading it.
pub(crate) fn markdown_section(stream: &StreamBody, item: &str, program: Option<&str>) -> String {
    let framing = framing_name(stream.framing);
    let mut out = format!(
        "### Streaming\n\n`{}` asks for the answer as `{}` ({framing}) and gives an `EventStream` of {item} items once the response head has arrived (`blocking`: an iterator). The body is read as the stream is polled; dropping it closes the connection. An event that does not decode is one `Error::Decode` and the stream goes on; a broken connection, a gap longer than `.idle_timeout(..)`, or an event growing past `.max_event_size(..)` (16 MiB by default) before its end, ends it with `Error::Body`.",
        stream.method_name, stream.content_type
    );
    if let Some(sentinel) = &stream.sentinel {
        out.push_str(&format!(
            " The event whose data is `{sentinel}` ends the stream and is not yielded."
        ));
    }
    out.push_str("\n\n");
    if let Some(program) = program {
        out.push_str(&format!("```rust,no_run\n{program}```\n\n"));
    }
    out
}

/// The README's "Streaming" section, in a crate that streams: how to read
/// a stream (a doctest), the options, and the streaming methods.
pub(crate) fn readme_section(cx: &super::Context<'_>) -> String {
    let streaming: Vec<(&crate::ir::OperationGroup, &Operation)> = cx
        .api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .filter(|(_, op)| op.stream.is_some())
        .collect();
    let Some((group, first)) = streaming.first() else {
        return String::new();
    };
    let mut out = String::from("## Streaming\n\n");
    out.push_str("An operation that answers with server-sent events (`text/event-stream`) or JSON Lines (`application/jsonl`, `application/x-ndjson`, `application/json-seq`) returns an `EventStream`: a `futures::Stream` of `Result<Item, Error>`, each item one decoded event. An operation that can answer either JSON or a stream keeps its method for the JSON answer and gains `<method>_stream()`; each sends the matching `Accept` header and, when the request body has a `stream` flag, sets it (whatever the body says). Reading a stream with `try_next` takes the `futures` crate (`futures = \"0.3\"`, for `TryStreamExt`).\n\n");
    if let Some(program) = example_program(cx, group, first) {
        out.push_str(&format!(
            "```rust,no_run\n{}```\n\n",
            super::markdown::import_models(cx, &program)
        ));
    }
    out.push_str("The body is read as the stream is polled (nothing is buffered beyond the event being received, and that up to `.max_event_size(..)`, 16 MiB by default) and dropping the stream closes the connection. Retries happen only before the stream starts; `.timeout(..)` bounds the wait for the response head and `.idle_timeout(..)` the gap between chunks. An event that does not decode yields one `Error::Decode` holding the raw event, and the stream goes on; an event name this version does not know arrives as the item type's `Unknown` variant; a broken connection, an idle timeout or an oversized event yields `Error::Body` and ends the stream. With the `blocking` feature, `send()` gives an iterator.\n\n");
    out.push_str("Streaming methods:\n\n");
    for (group, op) in &streaming {
        if let Some(stream) = &op.stream {
            let _ = std::fmt::Write::write_fmt(
                &mut out,
                format_args!(
                    "* `{}().{}()`: `{}`\n",
                    group.module, stream.method_name, stream.content_type
                ),
            );
        }
    }
    out.push('\n');
    out
}
