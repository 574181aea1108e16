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
        ("src/error_body.rs".into(), error_body_rs(cx)),
        ("src/models/mod.rs".into(), models_mod(cx)),
        ("src/apis/mod.rs".into(), apis_mod(cx)),
        ("src/blocking.rs".into(), blocking_rs(cx)),
    ]
}

fn lib_rs(cx: &Context<'_>) -> TokenStream {
    let client = ident(&cx.client);
    let builder = ident(&format!("{}Builder", cx.client));
    // One item per line in rustfmt's order, so `cargo fmt` leaves the
    // crate root as generated (the modules are `rustfmt::skip`).
    let runtime_exports = [
        "ApiError",
        "Backoff",
        "BodyError",
        "BodyFailure",
        "ClientBuilder",
        "DecodeError",
        "Error",
        "File",
        "Hook",
        "HookContext",
        "Nullable",
        "Number",
        "Request",
        "Response",
        "ResponseError",
        "RetryConfig",
        "RetryStrategy",
        "Rule",
        "StatusMatch",
        "ValidationError",
    ]
    .map(ident);
    // On docs.rs, each gated item shows the features it needs.
    let doc_cfg = cx
        .features
        .is_some()
        .then(|| quote!(#![cfg_attr(docsrs, feature(doc_cfg))]));
    quote! {
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

        pub use client::{#client, #builder};
        pub use error_body::ErrorBody;
        /// The HTTP client this crate is built on, for `ClientBuilder::http_client` and hooks.
        pub use reqwest;
        #(pub use runtime::#runtime_exports;)*
    }
}

fn client_rs(cx: &Context<'_>) -> TokenStream {
    let api = cx.api;
    let client = ident(&cx.client);
    let builder = ident(&format!("{}Builder", cx.client));
    let user_agent = format!("{}-rust/", cx.options.crate_name);
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
            pub fn #module(&self) -> #ty<'_> {
                #ty::new(&self.core)
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
            use std::borrow::Cow;
            use std::time::Duration;
        )
    });
    let retry_imports = if uses_backoff {
        quote!(Backoff, RetryConfig, RetryStrategy, StatusMatch)
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
            user_agent: concat!(#user_agent, env!("CARGO_PKG_VERSION")),
            default_server: #default_server,
            security_schemes: &[#(#schemes),*],
            default_security: &[#(#security),*],
            retries: #retries,
        };

        #client_docs
        #[derive(Clone, Debug)]
        pub struct #client {
            #unused
            #unread
            core: Arc<ClientCore>,
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

        #setters
    }
}

/// The name of `ErrorBody`'s function decoding the error schema `name`.
pub fn error_decoder(api: &crate::ir::Api, name: &str) -> proc_macro2::Ident {
    let module = api
        .find_type(name)
        .map_or(name, |named| named.module.as_str());
    quote::format_ident!("decode_{}", module.trim_start_matches("r#"))
}

fn error_body_rs(cx: &Context<'_>) -> TokenStream {
    let variants = cx.api.error_types.iter().map(|name| {
        let variant = ident(name);
        let doc = format!("A [`{name}`] body.");
        quote!(#[doc = #doc] #variant(#variant),)
    });
    let display_arms = cx.api.error_types.iter().map(|name| {
        let variant = ident(name);
        quote!(Self::#variant(body) => write_json(f, body),)
    });
    // One non-generic decoding function per error schema, shared by every
    // operation that documents it.
    let decoders = cx.api.error_types.iter().map(|name| {
        let variant = ident(name);
        let function = error_decoder(cx.api, name);
        let doc = format!("Decodes a [`{name}`] body.");
        let gate = cfg::for_groups(cx, &groups_decoding(cx.api, name));
        quote! {
            #[doc = #doc]
            #gate
            pub(crate) fn #function(body: &[u8]) -> serde_json::Result<Self> {
                serde_json::from_slice(body).map(Self::#variant)
            }
        }
    });
    let decoders =
        (!cx.api.error_types.is_empty()).then(|| quote!(impl ErrorBody { #(#decoders)* }));
    let imports = cx.api.error_types.iter().map(|name| ident(name));
    let has_any = !cx.api.error_types.is_empty();
    let helper = has_any.then(|| {
        quote! {
            /// Compact JSON: the server's own words, messages and trace ids included.
            fn write_json(f: &mut fmt::Formatter<'_>, body: &impl serde::Serialize) -> fmt::Result {
                match serde_json::to_string(body) {
                    Ok(text) => f.write_str(&text),
                    Err(_) => f.write_str("(body not representable as JSON)"),
                }
            }
        }
    });
    let display_body = if has_any {
        quote!(match self { #(#display_arms)* })
    } else {
        quote!(match *self {})
    };
    let models_import = has_any.then(|| quote!(use crate::models::{#(#imports),*};));
    // With no variants, `match *self {}` never reads the formatter.
    let formatter = if has_any { quote!(f) } else { quote!(_f) };
    quote! {
        use std::fmt;

        #models_import

        /// The decoded body of an error response the API description documents,
        /// one variant per error schema. It is found in [`crate::ApiError`].
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#variants)*
        }

        impl fmt::Display for ErrorBody {
            fn fmt(&self, #formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                #display_body
            }
        }

        #decoders

        #helper
    }
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
    let mods = cx.api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let page = format!(
            "../../docs/sdks/{}/README.md",
            super::markdown::group_folder(g)
        );
        let gate = cfg::for_group(cx, g);
        quote!(#gate #[doc = include_str!(#page)] pub mod #module;)
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
            pub fn #module(&self) -> #ty<'_> {
                #ty { inner: self.inner.#module(), runtime: &self.runtime }
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
            let docs = doc_attrs(&super::apis::operation_docs(op));
            let (args, names) = super::apis::method_arguments(op);
            quote! {
                #docs
                pub fn #method(&self, #(#args),*) -> Request<'c, apis::#module::#op_type> {
                    Request::new(self.inner.#method(#(#names),*), self.runtime)
                }
            }
        });
        let setters = g.operations.iter().filter_map(|op| {
            let setters = super::apis::optional_setters(op);
            let op_type = ident(&op.type_name);
            (!setters.is_empty()).then(|| {
                quote! {
                    impl Request<'_, apis::#module::#op_type> {
                        #(#setters)*
                    }
                }
            })
        });
        let gate = cfg::for_group(cx, g);
        let setters = setters.map(|setter| quote!(#gate #setter));
        quote! {
            #[doc = #doc]
            #gate
            #[derive(Clone, Copy, Debug)]
            pub struct #ty<'c> {
                inner: apis::#ty<'c>,
                runtime: &'c BlockingRuntime,
            }

            #gate
            impl<'c> #ty<'c> {
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
        //! call ends with `.send()` instead of `.await`. It runs requests on a
        //! Tokio runtime of its own, so it must not be used from async code.

        #map_import
        use std::sync::Arc;

        #apis_import
        use crate::client::API;
        #models_import
        use crate::runtime::blocking::BlockingRuntime;
        use crate::runtime::{ClientBuilder, ClientCore, Error, FromCore};

        pub use crate::runtime::blocking::Request;

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
fn groups_decoding(api: &crate::ir::Api, name: &str) -> Vec<bool> {
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
