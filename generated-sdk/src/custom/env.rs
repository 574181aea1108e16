//! Hand-written: a client configured from the environment. Declared in
//! `spec/sdk.toml` (`[[modules]]`); the generator never writes this file.

use crate::{Clerk, Error};

/// The environment variable [`Clerk::from_env`] reads the secret key from.
pub const SECRET_KEY_VAR: &str = "CLERK_SECRET_KEY";

/// The optional environment variable [`Clerk::from_env`] reads a server URL
/// from (a proxy, or a test server), as Clerk's own SDKs do.
pub const API_URL_VAR: &str = "CLERK_API_URL";

impl Clerk {
    /// A client authenticated with the secret key in `CLERK_SECRET_KEY`,
    /// calling the server in `CLERK_API_URL` when it is set, every other
    /// setting at its default.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), clerk_backend_api::Error> {
    /// let clerk = clerk_backend_api::Clerk::from_env()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `CLERK_SECRET_KEY` is unset, not Unicode or
    /// empty, when `CLERK_API_URL` is not Unicode, or when either value is
    /// not usable (a key that is not a valid header value, a URL that does
    /// not parse).
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var(SECRET_KEY_VAR)
            .map_err(|err| Error::Config(format!("{SECRET_KEY_VAR}: {err}")))?;
        if key.trim().is_empty() {
            return Err(Error::Config(format!("{SECRET_KEY_VAR} is empty")));
        }
        let builder = Clerk::builder().bearer_auth(key);
        let builder = match std::env::var(API_URL_VAR) {
            Ok(url) => builder.server_url(url),
            Err(std::env::VarError::NotPresent) => builder,
            Err(err) => return Err(Error::Config(format!("{API_URL_VAR}: {err}"))),
        };
        builder.build()
    }
}
