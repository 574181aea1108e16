//! What the crate's TLS features allow, checked when a client is built and
//! when a call picks its own server, so that a missing backend is a clear
//! `Error::Config` at once rather than a transport error the retry policy
//! would repeat (reqwest reports `https` without TLS as a connect error).

use reqwest::Url;

use super::error::Error;

/// Whether a TLS feature of this crate is on. reqwest may have TLS through
/// another crate's features, but this crate promises `https` only with its
/// own: a build that silently depends on a neighbour's features would
/// break when the neighbour changes.
pub(crate) const HTTPS: bool = cfg!(any(
    feature = "rustls",
    feature = "rustls-no-provider",
    feature = "native-tls"
));

/// `Err` when `url` is `https` and no TLS feature is on.
pub(crate) fn check_scheme(url: &Url, text: &str) -> Result<(), Error> {
    if url.scheme() == "https" && !HTTPS {
        return Err(Error::Config(format!(
            "server URL {text:?} needs TLS, and this crate was built without a TLS feature: \
             enable `rustls` (a default feature) or `native-tls`"
        )));
    }
    Ok(())
}

/// `Err` when the client would use rustls without a crypto provider:
/// reqwest panics then, in `ClientBuilder::build`.
#[cfg(all(
    feature = "rustls-no-provider",
    not(feature = "rustls"),
    not(feature = "native-tls")
))]
pub(crate) fn check_provider() -> Result<(), Error> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(Error::Config(
            "the `rustls-no-provider` feature needs a rustls crypto provider: install one \
             (e.g. `rustls::crypto::ring::default_provider().install_default()`) before `build()`"
                .to_owned(),
        ));
    }
    Ok(())
}

/// With `rustls` or `native-tls`, reqwest always has a provider.
#[cfg(not(all(
    feature = "rustls-no-provider",
    not(feature = "rustls"),
    not(feature = "native-tls")
)))]
pub(crate) fn check_provider() -> Result<(), Error> {
    Ok(())
}

/// The `Error::Config` of a client reqwest cannot build, with the cause:
/// reqwest's own message is only "builder error", and the cause is what
/// the user must fix (no CA certificates on the system, say).
pub(crate) fn build_error(error: reqwest::Error) -> Error {
    let mut message = format!("cannot create the HTTP client: {error}");
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        message.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    Error::Config(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_needs_a_tls_feature_http_never_does() {
        let https = Url::parse("https://h/v1").unwrap();
        assert_eq!(check_scheme(&https, "https://h/v1").is_ok(), HTTPS);
        let http = Url::parse("http://h/v1").unwrap();
        assert!(check_scheme(&http, "http://h/v1").is_ok());
    }

    /// rustls refuses to skip hostname checks with the system's roots.
    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    #[test]
    fn a_build_error_names_its_cause() {
        let error = reqwest::Client::builder()
            .tls_danger_accept_invalid_hostnames(true)
            .build()
            .unwrap_err();
        let Error::Config(message) = build_error(error) else {
            panic!("not a config error");
        };
        assert!(message.contains("builder error: disabling rustls hostname verification"), "{message}");
    }
}
