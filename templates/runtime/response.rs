//! The raw [`Response`] of a call, read whole, and what an attempt opens:
//! that, or (for a streamed answer) a success response whose body is read as
//! it is consumed.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION};
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error, ResponseError};
use super::redirect;
use crate::ErrorBody;

/// A response: status, headers and the whole body.
#[derive(Clone)]
pub struct Response {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
    pub(super) attempts: u32,
    /// Whether the body may hold secrets: errors made from it do not show it.
    pub(super) secret: bool,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// How many attempts the call took (1 without retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Decodes a JSON body; [`Error::Decode`] keeps the raw body on mismatch.
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| self.decode_error(source))
    }

    /// A documented error response: decodes the body with `parse` into an
    /// [`Error::Api`], or an [`Error::Decode`] if it does not match.
    pub(crate) fn api_error(self, parse: fn(&[u8]) -> serde_json::Result<ErrorBody>) -> Error {
        match parse(&self.body) {
            Ok(body) => Error::Api(Box::new(ApiError {
                status: self.status,
                headers: self.headers,
                body,
                raw: self.body,
            })),
            Err(source) => self.decode_error(source),
        }
    }

    /// An undocumented status: [`Error::Redirect`] for a redirect the
    /// redirect policy stopped, else [`Error::UnexpectedStatus`].
    pub(crate) fn unexpected(self) -> Error {
        let stopped_redirect =
            redirect::is_followed_status(self.status) && self.headers.contains_key(LOCATION);
        let error = Box::new(ResponseError {
            status: self.status,
            headers: self.headers,
            body: self.body,
        });
        if stopped_redirect {
            Error::Redirect(error)
        } else {
            Error::UnexpectedStatus(error)
        }
    }

    /// A response without content; the body, if any, is ignored.
    pub(crate) fn empty(self) -> Result<(), Error> {
        Ok(())
    }

    /// The body as text (`text/*` responses).
    pub(crate) fn text(self) -> Result<String, Error> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(text),
            Err(e) => {
                let source = serde::de::Error::custom(format!("invalid UTF-8: {e}"));
                Err(self.decode_error(source))
            }
        }
    }

    /// The body as bytes (binary responses).
    pub(crate) fn bytes(self) -> Result<Bytes, Error> {
        Ok(self.body)
    }

    /// This response as the outcome of a call that took `attempts` attempts.
    pub(super) fn after(self, attempts: u32) -> Self {
        Self { attempts, ..self }
    }

    fn decode_error(self, source: serde_json::Error) -> Error {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers,
            body: self.body,
            source,
            // The secret fields are those of the success response.
            hidden: self.secret && self.status.is_success(),
        }))
    }
}

/// An attempt's outcome: the response read whole, or (for a streamed
/// answer) a success response whose body is still to be read.
pub(crate) enum Opened {
    /// The status, headers and whole body.
    Read(Response),
    /// A success response, its body unread.
    Live(LiveResponse),
}

/// A success response whose body is read as it is consumed.
pub(crate) struct LiveResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: reqwest::Response,
    pub(crate) attempts: u32,
}

impl LiveResponse {
    /// The status and headers as a [`Response`] without body, for hooks.
    pub(crate) fn head(&self) -> Response {
        Response {
            status: self.status,
            headers: self.headers.clone(),
            body: Bytes::new(),
            attempts: self.attempts,
            secret: false,
        }
    }
}

impl Opened {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            Opened::Read(response) => response.status,
            Opened::Live(live) => live.status,
        }
    }

    pub(super) fn headers(&self) -> &HeaderMap {
        match self {
            Opened::Read(response) => &response.headers,
            Opened::Live(live) => &live.headers,
        }
    }

    pub(super) fn after(self, attempts: u32) -> Self {
        match self {
            Opened::Read(response) => Opened::Read(response.after(attempts)),
            Opened::Live(live) => Opened::Live(LiveResponse { attempts, ..live }),
        }
    }

    /// The response read whole. Only a call made with `open` gets a live
    /// body, so `execute` never sees one; were it to, it is an error, not
    /// a panic.
    pub(super) fn read(self) -> Result<Response, Error> {
        match self {
            Opened::Read(response) => Ok(response),
            Opened::Live(_) => Err(Error::Config(
                "a streamed response reached the buffered send path".to_owned(),
            )),
        }
    }
}
