//! Static API description and the client builder.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use super::error::Error;
use super::hook::Hook;
use super::retry::RetryConfig;
use super::transport::ClientCore;

/// Everything the runtime needs to know about the API, generated from the
/// spec as a `static`.
#[derive(Debug)]
pub struct ApiConfig {
    /// The `User-Agent` of clients this crate creates: the SDK, its version
    /// and the API version.
    pub user_agent: &'static str,
    /// The first server of the spec.
    pub default_server: &'static str,
    /// The spec's security schemes; credentials are stored by index.
    pub security_schemes: &'static [SecurityScheme],
    /// The spec's global security requirement (alternatives of scheme indexes).
    pub default_security: &'static [&'static [usize]],
    /// The spec's default retry configuration.
    pub retries: RetryConfig,
    /// When every operation needs a credential, the builder's credential
    /// setters (for the error message): `build()` then fails without one.
    pub requires_credential: Option<&'static str>,
}

/// A security scheme of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecurityScheme {
    /// `Authorization: Bearer <token>` (also OAuth2 and OpenID Connect).
    HttpBearer,
    /// `Authorization: Basic <base64(username:password)>`.
    HttpBasic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
}

/// Where an API key is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A secret string whose `Debug` output is `***`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A credential for one security scheme.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A bearer token or API key.
    Token(Secret),
    /// HTTP basic credentials.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
}

impl Credential {
    /// A bearer token (or OAuth2 access token).
    pub fn bearer(token: impl Into<String>) -> Self {
        Credential::Token(Secret::new(token))
    }

    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credential::Token(Secret::new(key))
    }

    /// HTTP basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credential::Basic {
            username: username.into(),
            password: Secret::new(password),
        }
    }
}

/// Implemented by generated clients: turns a built [`ClientCore`] into the client.
pub trait FromCore: Sized {
    /// Wraps the core.
    fn from_core(core: ClientCore) -> Result<Self, Error>;
}

/// Builds a client (`C`); obtain one from the client's `builder()`.
///
/// Credential setters (e.g. `bearer_auth`) are generated from the spec's
/// security schemes.
pub struct ClientBuilder<C> {
    pub(crate) api: &'static ApiConfig,
    pub(crate) server_url: Option<String>,
    pub(crate) retries: Option<RetryConfig>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) user_agent: Option<String>,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    pub(crate) http: Option<reqwest::ClientBuilder>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) skip_validation: bool,
    pub(crate) credentials: Vec<Option<Credential>>,
    client: PhantomData<fn() -> C>,
}

impl<C> ClientBuilder<C> {
    /// A builder for the API described by `api`.
    pub(crate) fn new(api: &'static ApiConfig) -> Self {
        Self {
            api,
            server_url: None,
            retries: None,
            timeout: None,
            total_timeout: None,
            user_agent: None,
            hooks: Vec::new(),
            http: None,
            connect_timeout: None,
            skip_validation: false,
            credentials: vec![None; api.security_schemes.len()],
            client: PhantomData,
        }
    }

    /// Sets the credential of security scheme number `scheme` (used by the
    /// generated credential setters).
    pub(crate) fn credential(mut self, scheme: usize, credential: Credential) -> Self {
        if let Some(slot) = self.credentials.get_mut(scheme) {
            *slot = Some(credential);
        }
        self
    }

    /// Overrides the server URL (default: the spec's first server), e.g.
    /// `http://127.0.0.1:8080/v1`.
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.server_url = Some(url.into());
        self
    }

    /// Sets the retry configuration of every call (overridable per call).
    pub fn retry_config(mut self, config: RetryConfig) -> Self {
        self.retries = Some(config);
        self
    }

    /// Sets the timeout of each attempt, from connecting until the response
    /// body is read (overridable per call). Default: none. It bounds one
    /// attempt, not the call: see [`total_timeout`](Self::total_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the bound of a whole call: every attempt and every wait between
    /// retries (overridable per call). Default: none, so only the retry
    /// policy's `max_elapsed_time` ends the retries. When it runs out during
    /// an attempt, the call fails with `Error::Timeout`; a wait between
    /// retries that would end past it is not started, and the last response
    /// or error is returned.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Replaces the `User-Agent` header, which by default names the SDK, its
    /// version and the API version. With [`http_client`](Self::http_client)
    /// and no `user_agent`, the given client's own `User-Agent` is sent.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Skips the checks of the API description's constraints (patterns,
    /// lengths, ranges...) before every call: the server alone decides.
    /// Checks are on by default; turn them off when the API accepts values
    /// that this version of the description refuses (per call:
    /// `Request::skip_validation`). A path parameter is still refused when it
    /// is empty, `.` or `..`, and the models' `validate()` stays callable.
    pub fn skip_validation(mut self) -> Self {
        self.skip_validation = true;
        self
    }

    /// Adds a hook; hooks run in the order they were added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Builds the HTTP client from this reqwest
    /// [`ClientBuilder`](crate::reqwest::ClientBuilder) (proxies,
    /// TLS, connection pool...) instead of the default one. Its own default
    /// headers, `User-Agent` included, are kept (unless
    /// [`user_agent`](Self::user_agent) is set), and so is its connect
    /// timeout (unless [`connect_timeout`](Self::connect_timeout) is set).
    ///
    /// Its redirect policy is replaced by the SDK's, which follows redirects
    /// only within the origin a request was built for, and it sends no
    /// `Referer`: a builder rather than a built client, so that no client
    /// can take a credential to another origin.
    pub fn http_client(mut self, client: reqwest::ClientBuilder) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets how long opening a connection may take before the attempt
    /// fails as a connection error. Default: 10 s
    /// ([`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT))
    /// with the default HTTP client; the given builder's own with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the server URL, the user agent or a credential
    /// is not valid, when the API requires a credential and none is set, or
    /// when the HTTP client cannot be created.
    pub fn build(self) -> Result<C, Error>
    where
        C: FromCore,
    {
        C::from_core(ClientCore::new(self)?)
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "server_url",
                &self
                    .server_url
                    .as_deref()
                    .unwrap_or(self.api.default_server),
            )
            .field("retries", &self.retries)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("skip_validation", &self.skip_validation)
            .field("user_agent", &self.user_agent)
            .field("hooks", &self.hooks.len())
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}
