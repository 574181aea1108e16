//! Static runtime shared by every operation of the generated crate.
//!
//! This directory is copied from the generator's `templates/runtime/`, each
//! file under a "generated" header; it knows nothing about the API it serves. Everything API-specific flows in
//! through [`ApiConfig`], [`Prepared`] and the [`Operation`] trait.

// Not every API uses every helper (query styles, basic auth, number checks...)
// or re-export.
#![allow(dead_code, unused_imports, unused_macros)]
// No panic is reachable from server data or a public argument: arithmetic is
// checked or saturating, slices are read with `get`. Tests may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod auth;
mod builder;
pub(crate) mod de;
mod error;
mod file;
mod hook;
pub(crate) mod nullable;
pub(crate) mod params;
mod redirect;
mod request;
mod response;
mod retry;
pub(crate) mod ser;
mod tls;
mod transport;
pub(crate) mod validate;

#[cfg(feature = "blocking")]
pub(crate) mod blocking;

pub use self::builder::{
    ApiConfig, ApiKeyLocation, ClientBuilder, Credential, FromCore, Secret, SecurityScheme,
};
pub use self::error::{
    ApiError, BodyError, BodyFailure, DecodeError, Error, PaginationError, ResponseError,
};
pub use self::file::File;
pub use self::hook::{Hook, HookContext};
pub use self::nullable::Nullable;
pub use self::request::{Body, CallOptions, Operation, Prepared, Request, ResponseFuture, Sealed};
pub use self::response::Response;
pub use self::retry::{Backoff, RetryConfig, RetryStrategy, StatusMatch};
pub use self::transport::{ClientCore, DEFAULT_CONNECT_TIMEOUT};
pub use self::validate::{Loc, Number, Rule, ValidationError};
