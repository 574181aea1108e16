//! Redirects stay within the origin a request was built for.
//!
//! reqwest's own policy drops only `Authorization` and `Cookie` when a
//! redirect changes host or port: an API key in a custom header would reach
//! the other origin, and so would every credential after an `https` to
//! `http` downgrade. Every client this crate builds uses [`policy`] instead:
//! a redirect to the same origin (scheme, host and port) is followed, any
//! other is not, and its response is handed back as `Error::Redirect`.

use reqwest::redirect::Policy;
use reqwest::Url;

/// The most redirects one request follows, as reqwest's default policy.
const MAX_REDIRECTS: usize = 10;

/// The redirect policy of every client this crate builds.
pub(crate) fn policy() -> Policy {
    Policy::custom(|attempt| {
        // The first URL is the one the request was built for; every hop
        // must stay at its origin.
        let stays = attempt
            .previous()
            .first()
            .is_some_and(|origin| same_origin(origin, attempt.url()));
        if !stays {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// Whether `to` has the scheme, host and port of `from`: an `http` URL is
/// never the origin of an `https` one, either way.
pub(crate) fn same_origin(from: &Url, to: &Url) -> bool {
    from.scheme() == to.scheme()
        && from.host() == to.host()
        && from.port_or_known_default() == to.port_or_known_default()
}

/// Whether `status` is one reqwest follows when the policy allows it: such a
/// status reaching the caller is a redirect the policy stopped.
pub(crate) fn is_followed_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{
        ApiConfig, ApiKeyLocation, ClientBuilder, ClientCore, Credential, Error, Prepared,
        RetryConfig, SecurityScheme,
    };
    use reqwest::Method;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// Every place a credential can go, one scheme each.
    static SCHEMES: [SecurityScheme; 5] = [
        SecurityScheme::HttpBearer,
        SecurityScheme::ApiKey {
            location: ApiKeyLocation::Header,
            name: "X-Api-Key",
        },
        SecurityScheme::ApiKey {
            location: ApiKeyLocation::Query,
            name: "api_key",
        },
        SecurityScheme::ApiKey {
            location: ApiKeyLocation::Cookie,
            name: "session",
        },
        SecurityScheme::HttpBasic,
    ];

    static API: ApiConfig = ApiConfig {
        user_agent: "redirect-test",
        default_server: "http://127.0.0.1:9",
        security_schemes: &SCHEMES,
        default_security: &[],
        retries: RetryConfig::none(),
        requires_credential: None,
    };

    const SECRET: &str = "s3cr3t-credential";

    fn credential(scheme: usize) -> Credential {
        match SCHEMES.get(scheme) {
            Some(SecurityScheme::HttpBasic) => Credential::basic("user", SECRET),
            _ => Credential::api_key(SECRET),
        }
    }

    /// A client at `server` holding the credential of `scheme`, built by the
    /// SDK or from a user's builder with reqwest's default policy.
    fn core(server: &MockServer, scheme: usize, users_builder: bool) -> ClientCore {
        let mut builder = ClientBuilder::<()>::new(&API)
            .server_url(server.uri())
            .credential(scheme, credential(scheme));
        if users_builder {
            builder = builder.http_client(reqwest::Client::builder());
        }
        ClientCore::new(builder).expect("a valid configuration")
    }

    /// `GET /start` with scheme `scheme` required, mapped as generated code
    /// maps an undocumented status.
    async fn start(core: &ClientCore, scheme: usize) -> Result<String, Error> {
        static SECURITY: [&[usize]; 5] = [&[0], &[1], &[2], &[3], &[4]];
        let mut prepared = Prepared::new("Start", Method::GET, "/start");
        prepared.security = SECURITY.get(scheme..=scheme).expect("a scheme");
        let response = core.execute(prepared, Default::default()).await?;
        match response.status().as_u16() {
            200 => Ok(String::from_utf8_lossy(response.body()).into_owned()),
            _ => Err(response.unexpected()),
        }
    }

    async fn redirecting_to(server: &MockServer, location: &str) {
        Mock::given(method("GET"))
            .and(path("/start"))
            .respond_with(ResponseTemplate::new(302).insert_header("location", location))
            .mount(server)
            .await;
    }

    /// Whether any part of `request` carries the secret (basic auth carries
    /// it base64-encoded).
    fn carries_secret(request: &wiremock::Request) -> bool {
        let basic = "dXNlcjpzM2NyM3QtY3JlZGVudGlhbA==";
        let in_headers = request.headers.values().any(|value| {
            let value = String::from_utf8_lossy(value.as_bytes());
            value.contains(SECRET) || value.contains(basic)
        });
        in_headers || request.url.as_str().contains(SECRET)
    }

    #[tokio::test]
    async fn a_redirect_to_another_origin_is_not_followed_whatever_the_credential() {
        let other = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_string("elsewhere"))
            .mount(&other)
            .await;
        let origin = MockServer::start().await;
        // Same host, other port: another origin, which reqwest's own
        // policy treats as the same host for custom headers.
        redirecting_to(&origin, &format!("{}/landing?x=1", other.uri())).await;
        for users_builder in [false, true] {
            for scheme in 0..SCHEMES.len() {
                let core = core(&origin, scheme, users_builder);
                let error = start(&core, scheme).await.expect_err("not followed");
                let Error::Redirect(response) = &error else {
                    panic!("scheme {scheme}: {error:?}");
                };
                assert_eq!(response.status.as_u16(), 302);
                assert_eq!(
                    error.to_string(),
                    format!(
                        "redirect (HTTP 302 Found) to {} not followed: it leaves the origin \
                         the request was built for",
                        other.uri()
                    )
                );
                // The first request did carry it: the test would catch a
                // scheme that sends nothing.
                let sent = origin.received_requests().await.expect("recording on");
                assert!(sent.last().is_some_and(carries_secret), "scheme {scheme}");
            }
        }
        let reached = other.received_requests().await.expect("recording on");
        assert!(reached.is_empty(), "{reached:?}");
    }

    #[tokio::test]
    async fn a_redirect_to_another_scheme_is_not_followed() {
        let origin = MockServer::start().await;
        // `https` on the origin's own host and port: were it followed, the
        // TLS handshake would fail as a transport error instead.
        let upgraded = origin.uri().replacen("http://", "https://", 1);
        redirecting_to(&origin, &format!("{upgraded}/landing")).await;
        for scheme in 0..SCHEMES.len() {
            let error = start(&core(&origin, scheme, false), scheme)
                .await
                .expect_err("not followed");
            assert!(matches!(error, Error::Redirect(_)), "{error:?}");
        }
        assert_eq!(origin.received_requests().await.map(|r| r.len()), Some(5));
    }

    #[tokio::test]
    async fn a_redirect_within_the_origin_is_followed_with_its_credentials() {
        let origin = MockServer::start().await;
        redirecting_to(&origin, "/landing").await;
        Mock::given(method("GET"))
            .and(path("/landing"))
            .respond_with(ResponseTemplate::new(200).set_body_string("landed"))
            .mount(&origin)
            .await;
        // Query keys stay in the URL they were sent with: the redirect's
        // target is the server's, so only header and cookie credentials
        // travel with it.
        for scheme in [0, 1, 3, 4] {
            let body = start(&core(&origin, scheme, true), scheme).await;
            assert_eq!(body.ok().as_deref(), Some("landed"), "scheme {scheme}");
            let sent = origin.received_requests().await.expect("recording on");
            let landing = sent.last().expect("the redirect was followed");
            assert_eq!(landing.url.path(), "/landing");
            assert!(carries_secret(landing), "scheme {scheme}");
            assert!(!landing.headers.contains_key("referer"), "{landing:?}");
        }
    }

    #[tokio::test]
    async fn a_redirect_loop_within_the_origin_ends() {
        let origin = MockServer::start().await;
        redirecting_to(&origin, "/start").await;
        let error = start(&core(&origin, 0, false), 0).await.expect_err("a loop");
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        let sent = origin.received_requests().await.map(|r| r.len());
        assert_eq!(sent, Some(MAX_REDIRECTS + 1));
    }

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a valid URL")
    }

    #[test]
    fn only_the_same_scheme_host_and_port_are_one_origin() {
        let api = url("https://api.example.com/v1/things");
        for (target, same) in [
            ("https://api.example.com/v2/other?x=1", true),
            ("https://api.example.com:443/v1", true),
            ("https://API.example.com/v1", true),
            // A downgrade, even to the same host, is another origin.
            ("http://api.example.com/v1/things", false),
            ("https://api.example.com:8443/v1", false),
            ("https://evil.example.com/v1", false),
            ("https://example.com/v1", false),
        ] {
            assert_eq!(same_origin(&api, &url(target)), same, "{target}");
        }
        // An upgrade is another origin too: the policy stops it as well.
        assert!(!same_origin(&url("http://h/"), &url("https://h/")));
        assert!(same_origin(&url("http://h/"), &url("http://h:80/x")));
    }
}
