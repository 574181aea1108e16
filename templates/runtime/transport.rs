//! The one send path shared by all operations.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, USER_AGENT};
use reqwest::Url;
use tokio::time::Instant;

use super::auth::{auth_header, basic_auth, sensitive};
use super::builder::ApiKeyLocation;
use super::builder::{ApiConfig, ClientBuilder, Credential, SecurityScheme};
use super::error::{BodyError, BodyFailure, Error};
use super::hook::{Hook, HookContext};
use super::redirect;
use super::request::{Body, CallOptions, Prepared};
use super::response::{LiveResponse, Opened, Response};
use super::retry::{is_repeatable, retry_after, RetryConfig, RetryStrategy};
use super::tls;

/// How long the default HTTP client waits for a connection to open: past
/// it, an attempt fails as a connection error (a half-open connection would
/// otherwise hang an attempt without a timeout forever).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The state shared by a client and every request it makes.
pub struct ClientCore {
    api: &'static ApiConfig,
    http: reqwest::Client,
    base_url: String,
    credentials: Vec<Option<Credential>>,
    /// Per security scheme, the header value its credential makes, computed
    /// once (`None` when it goes elsewhere or is not a valid header value).
    auth_headers: Vec<Option<HeaderValue>>,
    retries: Option<RetryConfig>,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    /// Sent with every request when the user chose it; otherwise the HTTP
    /// client's default (ours names the SDK) applies.
    user_agent: Option<HeaderValue>,
    hooks: Vec<Arc<dyn Hook>>,
    /// Whether calls skip the spec's constraint checks.
    skip_validation: bool,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("retries", &self.retries)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("user_agent", &self.user_agent)
            .field("hooks", &self.hooks.len())
            .field("skip_validation", &self.skip_validation)
            .finish_non_exhaustive()
    }
}

/// Parses and checks a server URL; the result has no trailing slash.
fn parse_base_url(url: &str) -> Result<String, Error> {
    let trimmed = url.trim_end_matches('/');
    match Url::parse(trimmed) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
            tls::check_scheme(&parsed, url)?;
            Ok(trimmed.to_owned())
        }
        Ok(_) => Err(Error::Config(format!("server URL {url:?} is not http(s)"))),
        Err(e) => Err(Error::Config(format!("invalid server URL {url:?}: {e}"))),
    }
}

impl ClientCore {
    pub(crate) fn new<C>(builder: ClientBuilder<C>) -> Result<Self, Error> {
        let base_url = parse_base_url(
            builder
                .server_url
                .as_deref()
                .unwrap_or(builder.api.default_server),
        )?;
        if let Some(setters) = builder.api.requires_credential {
            if builder.credentials.iter().all(Option::is_none) {
                return Err(Error::Config(format!(
                    "this API requires a credential: set one with {setters} before `build()`"
                )));
            }
        }
        let user_agent = match &builder.user_agent {
            Some(agent) => Some(HeaderValue::from_str(agent).map_err(|_| {
                Error::Config(format!("user agent {agent:?} is not a valid header value"))
            })?),
            None => None,
        };
        let mut http = match builder.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(builder.api.user_agent)
                .connect_timeout(DEFAULT_CONNECT_TIMEOUT),
        };
        if let Some(limit) = builder.connect_timeout {
            http = http.connect_timeout(limit);
        }
        tls::check_provider()?;
        // Whoever built it, the client never takes a credential to another
        // origin, nor names the API's URLs (query keys included) elsewhere.
        let http = http
            .redirect(redirect::policy())
            .referer(false)
            .build()
            .map_err(tls::build_error)?;
        let mut auth_headers = Vec::with_capacity(builder.credentials.len());
        for (scheme, credential) in builder.api.security_schemes.iter().zip(&builder.credentials) {
            auth_headers.push(match credential {
                Some(credential) => auth_header(scheme, credential)?,
                None => None,
            });
        }
        Ok(Self {
            api: builder.api,
            http,
            base_url,
            credentials: builder.credentials,
            auth_headers,
            retries: builder.retries,
            timeout: builder.timeout,
            total_timeout: builder.total_timeout,
            user_agent,
            hooks: builder.hooks,
            skip_validation: builder.skip_validation,
        })
    }

    /// The URL a call of `prepared` with `options` goes to, query included
    /// (the base a relative next-page URL is read against).
    pub(crate) fn call_url(&self, prepared: &Prepared, options: &CallOptions) -> Result<Url, Error> {
        let mut url = match (&options.page_url, &options.server_url) {
            // A next-page URL carries its own path and query.
            (Some(url), _) => return Ok(url.clone()),
            (None, Some(url)) => request_url(&parse_base_url(url)?, &prepared.path)?,
            (None, None) => request_url(&self.base_url, &prepared.path)?,
        };
        if !prepared.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &prepared.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Whether calls skip the spec's constraint checks.
    pub(crate) fn skips_validation(&self) -> bool {
        self.skip_validation
    }

    /// Whether any hook is registered.
    pub(crate) fn has_hooks(&self) -> bool {
        !self.hooks.is_empty()
    }

    pub(crate) fn after_success(&self, ctx: &HookContext, response: &Response) {
        self.hooks
            .iter()
            .for_each(|hook| hook.after_success(ctx, response));
    }

    pub(crate) fn after_error(&self, ctx: &HookContext, error: &Error) {
        self.hooks
            .iter()
            .for_each(|hook| hook.after_error(ctx, error));
    }

    /// Sends `prepared` (with retries) and returns the final response,
    /// whatever its status. Errors are reported to the `after_error` hooks.
    pub(crate) async fn execute(
        &self,
        prepared: Prepared,
        options: CallOptions,
    ) -> Result<Response, Error> {
        let mut ctx = HookContext {
            operation_id: prepared.operation_id,
            attempt: 0,
        };
        let result = self
            .execute_attempts(prepared, options, &mut ctx, false)
            .await
            .and_then(Opened::read);
        if let Err(error) = &result {
            self.after_error(&ctx, error);
        }
        result
    }

    /// Like [`execute`](Self::execute), for a streamed answer: a success
    /// response comes back with its body unread ([`Opened::Live`]); retries
    /// happen only before it.
    pub(crate) async fn execute_open(
        &self,
        prepared: Prepared,
        options: CallOptions,
    ) -> Result<Opened, Error> {
        let mut ctx = HookContext {
            operation_id: prepared.operation_id,
            attempt: 0,
        };
        let result = self
            .execute_attempts(prepared, options, &mut ctx, true)
            .await;
        if let Err(error) = &result {
            self.after_error(&ctx, error);
        }
        result
    }

    async fn execute_attempts(
        &self,
        prepared: Prepared,
        options: CallOptions,
        ctx: &mut HookContext,
        open: bool,
    ) -> Result<Opened, Error> {
        if let Some(message) = options.invalid {
            return Err(Error::Config(message));
        }
        let mut prepared = prepared;
        let retries = options
            .retries
            .as_ref()
            .or(self.retries.as_ref())
            .or(prepared.retries)
            .unwrap_or(&self.api.retries);
        // Fields a chosen policy leaves unset come from the next level:
        // client, then the operation's spec override, then the spec.
        let fallbacks = [
            self.retries.as_ref(),
            prepared.retries,
            Some(&self.api.retries),
        ];
        let policy = retries.resolve(fallbacks.into_iter().flatten());
        // Without a retry strategy there is exactly one attempt, which may
        // take the body instead of sharing it.
        let single_attempt = matches!(policy.strategy, RetryStrategy::None);
        let timeout = options.timeout.or(self.timeout);
        let start = Instant::now();
        // The whole call's bound; a limit too large to represent is none.
        let call_deadline = options
            .total_timeout
            .or(self.total_timeout)
            .and_then(|limit| Some((start.checked_add(limit)?, limit)));
        loop {
            ctx.attempt = ctx.attempt.saturating_add(1);
            // Each attempt builds its request afresh from `prepared` (the
            // same every time; hooks see a new one per attempt).
            let body = if single_attempt {
                prepared.body.take()
            } else {
                prepared.body.clone()
            };
            let (mut request, secret_in_url) = self.build_request(&prepared, body, &options)?;
            for hook in &self.hooks {
                hook.before_request(ctx, &mut request)?;
            }
            let repeatable = is_repeatable(
                &request,
                prepared.idempotency_key,
                options.assume_idempotent,
            );
            let deadline = attempt_deadline(Instant::now(), timeout, call_deadline);
            let outcome = self
                .send_once(
                    request,
                    deadline,
                    secret_in_url,
                    prepared.secret_response,
                    open,
                )
                .await;
            let wait = match &outcome {
                Ok(response) if policy.retries_status(response.status()) => {
                    retry_after(response.headers())
                }
                Err(error) if policy.retries_error(error, repeatable) => None,
                _ => return outcome.map(|response| response.after(ctx.attempt)),
            };
            let delay = policy
                .delay(ctx.attempt.saturating_sub(1), wait, start.elapsed())
                // A wait that ends past the call's deadline is not started.
                .filter(|delay| {
                    call_deadline.is_none_or(|(at, _)| {
                        Instant::now().checked_add(*delay).is_some_and(|end| end < at)
                    })
                });
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => return outcome.map(|response| response.after(ctx.attempt)),
            }
        }
    }

    /// One attempt: send, then read the whole body, by `deadline` (its
    /// instant, and the limit an `Error::Timeout` reports). Once
    /// the status and headers are in, a failure keeps them (`Error::Body`).
    async fn send_once(
        &self,
        request: reqwest::Request,
        deadline: Option<(Instant, Duration)>,
        secret_in_url: bool,
        secret_response: bool,
        open: bool,
    ) -> Result<Opened, Error> {
        // Never leak a query-string credential through the error's URL.
        let scrub = |e: reqwest::Error| if secret_in_url { e.without_url() } else { e };
        let sent = self.http.execute(request);
        let mut response = match deadline {
            Some((at, limit)) => match tokio::time::timeout_at(at, sent).await {
                Ok(result) => result,
                Err(_) => return Err(Error::Timeout(limit)),
            },
            None => sent.await,
        }
        .map_err(|e| Error::Transport(scrub(e)))?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if open && status.is_success() {
            return Ok(Opened::Live(LiveResponse {
                status,
                headers,
                body: response,
                attempts: 0,
            }));
        }
        // A body in one chunk is kept as is; more chunks are gathered.
        let mut first: Option<Bytes> = None;
        let mut body = BytesMut::new();
        let failure = loop {
            let chunk = match deadline {
                Some((at, limit)) => match tokio::time::timeout_at(at, response.chunk()).await {
                    Ok(chunk) => chunk,
                    Err(_) => break BodyFailure::TimedOut(limit),
                },
                None => response.chunk().await,
            };
            match chunk {
                Ok(Some(chunk)) if first.is_none() && body.is_empty() => first = Some(chunk),
                Ok(Some(chunk)) => {
                    if let Some(first) = first.take() {
                        body.extend_from_slice(&first);
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => {
                    return Ok(Opened::Read(Response {
                        status,
                        headers,
                        body: first.unwrap_or_else(|| body.freeze()),
                        attempts: 0,
                        secret: secret_response,
                    }))
                }
                Err(e) => break BodyFailure::Interrupted(scrub(e)),
            }
        };
        Err(Error::Body(Box::new(BodyError {
            status,
            headers,
            received: first.unwrap_or_else(|| body.freeze()),
            failure,
            hidden: secret_response && status.is_success(),
        })))
    }

    /// Builds the request sent by every attempt: URL, auth, headers, body.
    /// Returns whether a credential went into the URL.
    fn build_request(
        &self,
        prepared: &Prepared,
        body: Option<Body>,
        options: &CallOptions,
    ) -> Result<(reqwest::Request, bool), Error> {
        let url = self.call_url(prepared, options)?;
        let mut request = reqwest::Request::new(prepared.method.clone(), url);
        let headers = request.headers_mut();
        if let Some(agent) = &self.user_agent {
            headers.insert(USER_AGENT, agent.clone());
        }
        if let Some(accept) = prepared.accept {
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
        }
        if let Some(body) = &body {
            headers.insert(CONTENT_TYPE, body.content_type.clone());
        }
        for (name, value) in &prepared.headers {
            headers.insert(name.clone(), value.clone());
        }
        let secret_in_url = self.apply_auth(&mut request, prepared.security)?;
        for (name, value) in &options.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        if let Some(body) = body {
            *request.body_mut() = Some(reqwest::Body::from(body.bytes));
        }
        Ok((request, secret_in_url))
    }

    /// Applies the first security alternative whose credentials are all set.
    fn apply_auth(
        &self,
        request: &mut reqwest::Request,
        security: &[&[usize]],
    ) -> Result<bool, Error> {
        let usable = security.iter().find(|alternative| {
            alternative
                .iter()
                .all(|&i| matches!(self.credentials.get(i), Some(Some(_))))
        });
        let Some(alternative) = usable else {
            return Ok(false);
        };
        let mut secret_in_url = false;
        let mut cookies = Vec::new();
        for &index in alternative.iter() {
            let (Some(scheme), Some(Some(credential))) = (
                self.api.security_schemes.get(index),
                self.credentials.get(index),
            ) else {
                continue;
            };
            if let Some(Some(value)) = self.auth_headers.get(index) {
                let name = match scheme {
                    SecurityScheme::ApiKey { name, .. } => {
                        reqwest::header::HeaderName::from_bytes(name.as_bytes())
                            .map_err(|e| Error::Config(format!("API key header: {e}")))?
                    }
                    _ => AUTHORIZATION,
                };
                request.headers_mut().insert(name, value.clone());
                continue;
            }
            match (scheme, credential) {
                (SecurityScheme::HttpBearer, Credential::Token(token)) => {
                    let value = sensitive(&format!("Bearer {}", token.expose()))?;
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                (SecurityScheme::HttpBasic, Credential::Basic { username, password }) => {
                    let value = basic_auth(username, password.expose())?;
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                (SecurityScheme::ApiKey { location, name }, Credential::Token(key)) => {
                    match location {
                        ApiKeyLocation::Header => {
                            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                                .map_err(|e| Error::Config(format!("API key header: {e}")))?;
                            request.headers_mut().insert(name, sensitive(key.expose())?);
                        }
                        ApiKeyLocation::Query => {
                            request
                                .url_mut()
                                .query_pairs_mut()
                                .append_pair(name, key.expose());
                            secret_in_url = true;
                        }
                        ApiKeyLocation::Cookie => cookies.push(format!("{name}={}", key.expose())),
                    }
                }
                _ => {
                    return Err(Error::Config(format!(
                        "credential for security scheme {index} has the wrong kind"
                    )))
                }
            }
        }
        if !cookies.is_empty() {
            request
                .headers_mut()
                .insert(COOKIE, sensitive(&cookies.join("; "))?);
        }
        Ok(secret_in_url)
    }
}

/// When an attempt starting at `now` must end, and the limit an
/// `Error::Timeout` then reports: the earlier of the attempt's `timeout` and
/// the call's deadline. A limit too large to represent is no limit.
fn attempt_deadline(
    now: Instant,
    timeout: Option<Duration>,
    call: Option<(Instant, Duration)>,
) -> Option<(Instant, Duration)> {
    let attempt = timeout.and_then(|limit| Some((now.checked_add(limit)?, limit)));
    match (attempt, call) {
        (Some(attempt), Some(call)) if call.0 < attempt.0 => Some(call),
        (Some(attempt), _) => Some(attempt),
        (None, call) => call,
    }
}

/// Bytes of a request URL joined on the stack.
const STACK_URL: usize = 256;

/// `base` (no trailing slash) joined with `path` (leading slash) and parsed.
/// Short URLs are joined on the stack, so only the `Url` allocates.
fn request_url(base: &str, path: &str) -> Result<Url, Error> {
    let mut buffer = [0u8; STACK_URL];
    let parsed = match join_on_stack(&mut buffer, base, path) {
        Some(joined) => Url::parse(joined),
        None => Url::parse(&format!("{base}{path}")),
    };
    parsed.map_err(|e| Error::Config(format!("invalid request URL: {e}")))
}

/// `base` and `path` end to end in `buffer`, or `None` when they do not fit.
fn join_on_stack<'b>(buffer: &'b mut [u8; STACK_URL], base: &str, path: &str) -> Option<&'b str> {
    let length = base.len().checked_add(path.len())?;
    buffer.get_mut(..base.len())?.copy_from_slice(base.as_bytes());
    buffer.get_mut(base.len()..length)?.copy_from_slice(path.as_bytes());
    // Two `str`s end to end are UTF-8.
    std::str::from_utf8(buffer.get(..length)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            parse_base_url("http://h:1/v1/").ok().as_deref(),
            Some("http://h:1/v1")
        );
        assert!(parse_base_url("ftp://h/").is_err());
        assert!(parse_base_url("no scheme").is_err());
    }
}
