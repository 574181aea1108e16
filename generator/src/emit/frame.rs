//! The crate's frame: `lib.rs`, the client, `ErrorBody`, the module lists,
//! and the blocking client.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::doc::{doc_attrs, sanitize};
use super::retry::retry_config;
use super::rust::{ident, mentions};
use super::{cfg, Context};
use crate::ir::{ParamLocation, SecurityKind};

/// The frame's Rust files and their tokens.
pub fn frame_files(cx: &Context<'_>) -> Vec<(String, TokenStream)> {
    vec![
        ("src/lib.rs".into(), lib_rs(cx)),
        ("src/client.rs".into(), client_rs(cx)),
        (
            "src/error_body.rs".into(),
            super::error_body::error_body_rs(cx),
        ),
        ("src/models/mod.rs".into(), models_mod(cx)),
        ("src/apis/mod.rs".into(), apis_mod(cx)),
        ("src/blocking.rs".into(), blocking_rs(cx)),
    ]
    .into_iter()
    .chain(super::webhooks::files(cx))
    .collect()
}

/// The runtime's items re-exported at the crate root, one per line in
/// rustfmt's order, so `cargo fmt` leaves the crate root as generated (the
/// modules are `rustfmt::skip`). The client's name must differ from each.
pub(super) const ROOT_EXPORTS: [&str; 24] = [
    "ApiError",
    "Backoff",
    "BodyError",
    "BodyFailure",
    "ClientBuilder",
    "DEFAULT_CONNECT_TIMEOUT",
    "DecodeError",
    "Error",
    "File",
    "Hook",
    "HookContext",
    "Nullable",
    "Number",
    "Operation",
    "PaginationError",
    "Request",
    "Response",
    "ResponseError",
    "ResponseFuture",
    "RetryConfig",
    "RetryStrategy",
    "Rule",
    "StatusMatch",
    "ValidationError",
];

fn lib_rs(cx: &Context<'_>) -> TokenStream {
    let client = ident(&cx.client);
    let builder = ident(&format!("{}Builder", cx.client));
    let runtime_exports = super::pagination::root_exports(cx.pages, &ROOT_EXPORTS)
        .into_iter()
        .map(ident);
    let stream_exports = cx.streams.then(|| {
        quote!(
            pub use runtime::{
                DEFAULT_MAX_EVENT_SIZE, EventStream, Framing, ItemForm, StreamFormat,
                StreamOperation, StreamRequest,
            };
        )
    });
    let webhooks = super::webhooks::declaration(cx);
    // Hand-written modules, and the crate root's first group of re-exports
    // with theirs, each sorted as rustfmt sorts them.
    let custom = super::custom::declarations(cx);
    let mut first_uses = vec![
        (
            "client".to_owned(),
            quote!(pub use client::{#client, #builder};),
        ),
        (
            "error_body".to_owned(),
            quote!(
                pub use error_body::ErrorBody;
            ),
        ),
    ];
    first_uses.extend(super::custom::export_uses(cx));
    first_uses.sort_by(|a, b| a.0.cmp(&b.0));
    let first_uses = first_uses.into_iter().map(|(_, tokens)| tokens);
    // Intra-doc definitions of the README's links to group pages, read
    // before the README's own (relative) ones.
    let group_links = cx
        .api
        .groups
        .iter()
        .map(|g| format!("[{}]: crate::apis::{}", g.type_name, g.type_name));
    let reqwest_doc = [
        format!(
            " The HTTP client this crate is built on (reqwest {}), for `ClientBuilder::http_client`",
            super::reqwest_version()
        ),
        " and hooks: naming its types through this path needs no reqwest dependency of one's own.".to_owned(),
    ];
    // On docs.rs, each gated item shows the features it needs.
    let doc_cfg =
        super::has_optional_parts(cx).then(|| quote!(#![cfg_attr(docsrs, feature(doc_cfg))]));
    quote! {
        #(#![doc = #group_links])*
        #![doc = include_str!("../README.md")]
        #doc_cfg
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        pub mod apis;
        #[cfg(feature = "blocking")]
        #[rustfmt::skip]
        pub mod blocking;
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        mod error_body;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        mod runtime;
        #webhooks

        #custom

        #(#first_uses)*
        #(#[doc = #reqwest_doc])*
        pub use reqwest;
        #(pub use runtime::#runtime_exports;)*
        #stream_exports
    }
}

fn client_rs(cx: &Context<'_>) -> TokenStream {
    let api = cx.api;
    let client = ident(&cx.client);
    let builder = ident(&format!("{}Builder", cx.client));
    let user_agent = format!("{}-rust/", cx.options.crate_name);
    let api_version = format!(" api/{}", header_token(&api.version));
    let requires_credential = match requires_credential(api) {
        Some(setters) => quote!(Some(#setters)),
        None => quote!(None),
    };
    let default_server = api
        .servers
        .first()
        .map(|s| s.url.clone())
        .unwrap_or_default();
    let schemes = api.security_schemes.iter().map(|s| match &s.kind {
        SecurityKind::Bearer => quote!(SecurityScheme::HttpBearer),
        SecurityKind::Basic => quote!(SecurityScheme::HttpBasic),
        SecurityKind::ApiKey { location, name } => {
            let location = match location {
                ParamLocation::Query => quote!(ApiKeyLocation::Query),
                ParamLocation::Cookie => quote!(ApiKeyLocation::Cookie),
                _ => quote!(ApiKeyLocation::Header),
            };
            quote!(SecurityScheme::ApiKey { location: #location, name: #name })
        }
    });
    let uses_api_key = api
        .security_schemes
        .iter()
        .any(|s| matches!(s.kind, SecurityKind::ApiKey { .. }));
    let security = api.security.iter().map(|alternative| {
        let indices = alternative.iter().map(|i| Literal::usize_unsuffixed(*i));
        quote!(&[#(#indices),*])
    });
    let retries = match &api.retries {
        Some(policy) => retry_config(policy),
        None => quote!(RetryConfig::none()),
    };
    let uses_backoff = api.retries.as_ref().is_some_and(|p| p.backoff.is_some());
    let accessors = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let ty = ident(&g.type_name);
        let doc = format!("Operations of the `{}` group.", g.name);
        let gate = cfg::for_group(cx, g);
        quote! {
            #[doc = #doc]
            #gate
            pub fn #module(&self) -> #ty {
                #ty::new(Arc::clone(&self.core))
            }
        }
    });
    let group_imports = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let ty = ident(&g.type_name);
        let gate = cfg::for_group(cx, g);
        quote!(#gate use crate::apis::#module::#ty;)
    });
    let setters = api.security_schemes.iter().enumerate().map(|(index, s)| {
        let setter = ident(&s.setter);
        let index = Literal::usize_unsuffixed(index);
        let what = match &s.kind {
            SecurityKind::Bearer => "the bearer token sent as `Authorization: Bearer <token>`".to_owned(),
            SecurityKind::Basic => "the user name and password sent as HTTP basic authentication".to_owned(),
            SecurityKind::ApiKey { location, name } => format!("the API key sent as the `{name}` {}", match location {
                ParamLocation::Query => "query parameter",
                ParamLocation::Cookie => "cookie",
                _ => "header",
            }),
        };
        let mut text = format!("Sets {what} (security scheme `{}`).", s.key);
        if let Some(description) = &s.description {
            text.push_str("\n\n");
            text.push_str(&sanitize(description));
        }
        text.push_str("\n\nThe secret never appears in `Debug` output or errors.");
        let docs = doc_attrs(&text);
        match s.kind {
            SecurityKind::Basic => quote! {
                #docs
                pub fn #setter(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    self.credential(#index, Credential::basic(username, password))
                }
            },
            SecurityKind::Bearer => quote! {
                #docs
                pub fn #setter(self, token: impl Into<String>) -> Self {
                    self.credential(#index, Credential::bearer(token))
                }
            },
            SecurityKind::ApiKey { .. } => quote! {
                #docs
                pub fn #setter(self, key: impl Into<String>) -> Self {
                    self.credential(#index, Credential::api_key(key))
                }
            },
        }
    });
    let client_docs = doc_attrs(&format!(
        "A client for the {} (API version {}).\n\nCreate one with [`{}::builder`]. Cloning is cheap: clones share one connection pool.",
        cx.api.title, cx.api.version, cx.client
    ));
    let builder_doc = format!("Builds a [`{}`].", cx.client);
    let api_key_import = uses_api_key.then(|| quote!(ApiKeyLocation,));
    let credential_imports =
        (!api.security_schemes.is_empty()).then(|| quote!(Credential, SecurityScheme,));
    let setters: Vec<TokenStream> = setters.collect();
    let setters = (!setters.is_empty()).then(|| quote!(impl<C> ClientBuilder<C> { #(#setters)* }));
    let unread = cfg::unread_without_groups(cx);
    let unused = unused_without_operations(cx);
    let backoff_import = uses_backoff.then(|| {
        quote!(
            use std::time::Duration;
        )
    });
    let retry_imports = if uses_backoff {
        quote!(Backoff, RetryConfig, StatusMatch)
    } else {
        quote!(RetryConfig)
    };
    quote! {
        use std::sync::Arc;
        #backoff_import

        #(#group_imports)*
        use crate::runtime::{#api_key_import ApiConfig, ClientCore, #credential_imports FromCore};
        use crate::{ClientBuilder, Error};
        use crate::runtime::{#retry_imports};

        /// What the API description says about connecting to the API.
        pub(crate) static API: ApiConfig = ApiConfig {
            user_agent: concat!(#user_agent, env!("CARGO_PKG_VERSION"), #api_version),
            default_server: #default_server,
            security_schemes: &[#(#schemes),*],
            default_security: &[#(#security),*],
            retries: #retries,
            requires_credential: #requires_credential,
        };

        #client_docs
        #[derive(Clone, Debug)]
        pub struct #client {
            #unused
            #unread
            pub(crate) core: Arc<ClientCore>,
        }

        #[doc = #builder_doc]
        pub type #builder = ClientBuilder<#client>;

        impl #client {
            /// Starts building a client; set credentials on the builder.
            pub fn builder() -> #builder {
                ClientBuilder::new(&API)
            }

            #(#accessors)*
        }

        impl FromCore for #client {
            fn from_core(core: ClientCore) -> Result<Self, Error> {
                Ok(Self { core: Arc::new(core) })
            }
        }

        /// Compile-time check: one client can be cloned and shared by every
        /// thread and task.
        const _: fn() = || {
            fn is_shareable<T: Send + Sync + Clone + 'static>() {}
            is_shareable::<#client>();
        };

        #setters
    }
}

/// `text` with every character a `User-Agent` product token cannot hold
/// replaced by `-`.
fn header_token(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// When every operation (or, without operations, the root requirement)
/// needs a credential and none offers an anonymous alternative, the
/// credential setters `build()` names when no credential is set.
fn requires_credential(api: &crate::ir::Api) -> Option<String> {
    let setters: Vec<String> = api
        .security_schemes
        .iter()
        .map(|s| format!("`{}`", s.setter))
        .collect();
    api.requires_credential().then(|| setters.join(" or "))
}

fn models_mod(cx: &Context<'_>) -> TokenStream {
    let mods = cx.api.types.iter().map(|t| {
        let module = ident(&t.module);
        let gate = cfg::for_type(cx, &t.name);
        quote!(#gate mod #module;)
    });
    let uses = cx.api.types.iter().map(|t| {
        let module = ident(&t.module);
        let name = ident(&t.name);
        let gate = cfg::for_type(cx, &t.name);
        quote!(#gate pub use #module::#name;)
    });
    quote! {
        //! The API's data types: request and response bodies and what they hold.

        #(#mods)*

        #(#uses)*
    }
}

fn apis_mod(cx: &Context<'_>) -> TokenStream {
    let mods = cx.api.groups.iter().enumerate().map(|(index, g)| {
        let module = ident(&g.module);
        let page = format!(
            "../../docs/sdks/{}/README.md",
            super::markdown::group_folder(g)
        );
        // Intra-doc definitions of the page's model links, read first.
        let links = super::markdown::group_links(cx, index)
            .iter()
            .map(|name| format!("[{name}]: crate::models::{name}"));
        let gate = cfg::for_group(cx, g);
        quote!(#gate #(#[doc = #links])* #[doc = include_str!(#page)] pub mod #module;)
    });
    let uses = cx.api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let ty = ident(&g.type_name);
        let gate = cfg::for_group(cx, g);
        quote!(#gate pub use #module::#ty;)
    });
    quote! {
        //! The API's operations, one module per group, each documented by its
        //! page of `docs/sdks/`. Reach them through the client's accessors.

        #(#mods)*

        #(#uses)*
    }
}

fn blocking_rs(cx: &Context<'_>) -> TokenStream {
    let stream_exports = cx.streams.then(|| {
        quote!(
            pub use crate::runtime::stream_blocking::{EventStream, StreamRequest};
        )
    });
    let client = ident(&cx.client);
    let builder = ident(&format!("{}Builder", cx.client));
    let accessors = cx.api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let ty = ident(&g.type_name);
        let doc = format!(
            "Operations of the `{}` group; finish each call with `.send()`.",
            g.name
        );
        let gate = cfg::for_group(cx, g);
        quote! {
            #[doc = #doc]
            #gate
            pub fn #module(&self) -> #ty {
                #ty { inner: self.inner.#module(), runtime: Arc::clone(&self.runtime) }
            }
        }
    });
    let groups = cx.api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let ty = ident(&g.type_name);
        let doc = format!(
            "The blocking counterpart of [`crate::apis::{}`].",
            g.type_name
        );
        let methods = g.operations.iter().map(|op| {
            let method = ident(&op.method_name);
            let op_type = ident(&op.type_name);
            let docs = doc_attrs(&super::apis::method_docs(cx.api, op, true));
            let deprecated = super::apis::operation_deprecation(op);
            let (args, names) = super::apis::method_arguments(op);
            let stream = super::stream::method_docs(cx.api, &g.module, op, true)
                .and_then(|text| super::stream::blocking_method(op, &module, &text, &args, &names));
            if op.stream_only() {
                return stream.unwrap_or_default();
            }
            quote! {
                #docs
                #deprecated
                pub fn #method(&self, #(#args),*) -> Request<apis::#module::#op_type> {
                    Request::new(self.inner.#method(#(#names),*), Arc::clone(&self.runtime))
                }

                #stream
            }
        });
        let setters = g.operations.iter().filter_map(|op| {
            let setters = super::apis::optional_setters(op);
            let op_type = ident(&op.type_name);
            let json = !op.stream_only();
            let json = json.then(|| {
                quote! {
                    impl Request<apis::#module::#op_type> {
                        #(#setters)*
                    }
                }
            });
            let stream = op.stream.is_some().then(|| {
                quote! {
                    impl StreamRequest<apis::#module::#op_type> {
                        #(#setters)*
                    }
                }
            });
            (!setters.is_empty()).then(|| quote!(#json #stream))
        });
        let gate = cfg::for_group(cx, g);
        let setters = setters.map(|setter| quote!(#gate #setter));
        quote! {
            #[doc = #doc]
            #gate
            #[derive(Clone, Debug)]
            pub struct #ty {
                inner: apis::#ty,
                runtime: Arc<BlockingRuntime>,
            }

            #gate
            impl #ty {
                #(#methods)*
            }

            #(#setters)*
        }
    });
    let groups: Vec<TokenStream> = groups.collect();
    let each_mentions =
        |word: &str| -> Vec<bool> { groups.iter().map(|g| mentions(g, word)).collect() };
    let code = quote!(#(#groups)*);
    let models_import = mentions(&code, "models").then(|| {
        let gate = cfg::for_groups(cx, &each_mentions("models"));
        quote!(
            #gate
            use crate::models;
        )
    });
    let uses_map = mentions(&code, "BTreeMap");
    let map_import = uses_map.then(|| {
        let gate = cfg::for_groups(cx, &each_mentions("BTreeMap"));
        quote!(
            #gate
            use std::collections::BTreeMap;
        )
    });
    let client_doc = format!(
        "The blocking counterpart of [`crate::{}`]: the same calls, each finished with `.send()`.",
        cx.client
    );
    let builder_doc = format!("Builds a blocking [`{}`].", cx.client);
    let apis_import = (!cx.api.groups.is_empty()).then(|| {
        let gate = cfg::for_groups(cx, &vec![true; cx.api.groups.len()]);
        quote!(
            #gate
            use crate::apis;
        )
    });
    let unused = unused_without_operations(cx);
    let unread = cfg::unread_without_groups(cx);
    quote! {
        //! A synchronous client with the same surface as the async one: each
        //! call ends with `.send()` instead of `.await`. Requests run on a Tokio
        //! runtime on a thread of its own; the calling thread only waits, so any
        //! thread that may block can call it, `spawn_blocking` threads included.

        #map_import
        use std::sync::Arc;

        #apis_import
        use crate::client::API;
        #models_import
        use crate::runtime::blocking::BlockingRuntime;
        use crate::runtime::{ClientBuilder, ClientCore, Error, FromCore};

        pub use crate::runtime::blocking::Request;
        #stream_exports

        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct #client {
            #unused
            #unread
            inner: crate::#client,
            #unused
            #unread
            runtime: Arc<BlockingRuntime>,
        }

        #[doc = #builder_doc]
        pub type #builder = ClientBuilder<#client>;

        impl #client {
            /// Starts building a client; set credentials on the builder.
            pub fn builder() -> #builder {
                ClientBuilder::new(&API)
            }

            #(#accessors)*
        }

        impl FromCore for #client {
            fn from_core(core: ClientCore) -> Result<Self, Error> {
                Ok(Self {
                    inner: crate::#client::from_core(core)?,
                    runtime: Arc::new(BlockingRuntime::new()?),
                })
            }
        }

        #code
    }
}

/// For each group, whether one of its operations decodes error responses
/// into the error schema `name` (and so calls its `ErrorBody` decoder).
pub(super) fn groups_decoding(api: &crate::ir::Api, name: &str) -> Vec<bool> {
    use crate::ir::{BodyEncoding, TypeRef};
    api.groups
        .iter()
        .map(|g| {
            g.operations.iter().flat_map(|op| &op.responses).any(|r| {
                !super::apis::is_success(r.status)
                    && r.body.as_ref().is_some_and(|b| {
                        b.encoding == BodyEncoding::Json
                            && matches!(&b.ty, TypeRef::Named(n) if n == name)
                    })
            })
        })
        .collect()
}

/// The attribute for a client's fields when the API description has no
/// operations: the client can be built, but there is nothing to call.
fn unused_without_operations(cx: &Context<'_>) -> Option<TokenStream> {
    cx.api
        .groups
        .is_empty()
        .then(|| quote!(#[allow(dead_code)]))
}
