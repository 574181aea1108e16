//! The headers credentials make: `Authorization` values and API keys,
//! always marked sensitive.

use reqwest::header::HeaderValue;

use super::builder::{ApiKeyLocation, Credential, SecurityScheme};
use super::error::Error;

/// The header value a credential makes for `scheme`: `None` when it goes
/// elsewhere (query, cookie); an error when it has the wrong kind or is not
/// a valid header value, so that `build()` reports it.
pub(crate) fn auth_header(
    scheme: &SecurityScheme,
    credential: &Credential,
) -> Result<Option<HeaderValue>, Error> {
    match (scheme, credential) {
        (SecurityScheme::HttpBearer, Credential::Token(token)) => {
            sensitive(&format!("Bearer {}", token.expose())).map(Some)
        }
        (SecurityScheme::HttpBasic, Credential::Basic { username, password }) => {
            basic_auth(username, password.expose()).map(Some)
        }
        (
            SecurityScheme::ApiKey {
                location: ApiKeyLocation::Header,
                name,
            },
            Credential::Token(key),
        ) => {
            reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::Config(format!("API key header: {e}")))?;
            sensitive(key.expose()).map(Some)
        }
        (SecurityScheme::ApiKey { .. }, Credential::Token(_)) => Ok(None),
        _ => Err(Error::Config(
            "a credential has the wrong kind for its security scheme".to_owned(),
        )),
    }
}

/// A header value marked sensitive (hidden from `Debug`, never logged).
pub(crate) fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::Config("credential is not a valid header value".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// `Basic base64(username:password)`.
pub(crate) fn basic_auth(username: &str, password: &str) -> Result<HeaderValue, Error> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{username}:{password}");
    let mut out = String::from("Basic ");
    for chunk in input.as_bytes().chunks(3) {
        let byte = |i: usize| chunk.get(i).copied().unwrap_or(0);
        let n = u32::from_be_bytes([0, byte(0), byte(1), byte(2)]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            let sextet = n.checked_shr(shift).unwrap_or(0) & 63;
            match ALPHABET.get(sextet as usize) {
                Some(&letter) if i <= chunk.len() => out.push(char::from(letter)),
                _ => out.push('='),
            }
        }
    }
    sensitive(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64_and_sensitive() {
        let value = basic_auth("Aladdin", "open sesame").expect("valid");
        assert_eq!(
            value.to_str().ok(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        assert!(value.is_sensitive());
        let value = basic_auth("a", "").expect("valid");
        assert_eq!(value.to_str().ok(), Some("Basic YTo="));
        let value = basic_auth("ab", "").expect("valid");
        assert_eq!(value.to_str().ok(), Some("Basic YWI6"));
    }
}
