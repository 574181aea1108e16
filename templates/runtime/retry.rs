//! Retry policy: which outcomes are retried and how long to wait.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use super::error::Error;

/// A status code, or a class of them, that triggers a retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusMatch {
    /// Exactly this status, e.g. `Exact(429)`.
    Exact(u16),
    /// Every status of a class: `Range(5)` is `5XX`.
    Range(u8),
}

impl StatusMatch {
    /// Whether `status` matches.
    pub fn matches(self, status: StatusCode) -> bool {
        let code = status.as_u16();
        match self {
            StatusMatch::Exact(exact) => code == exact,
            StatusMatch::Range(class) => code / 100 == u16::from(class),
        }
    }
}

/// Exponential backoff parameters, built with named setters:
///
/// ```ignore
/// Backoff::new()
///     .initial_interval(Duration::from_millis(100))
///     .max_elapsed_time(Duration::from_secs(30))
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Backoff {
    /// Wait before the first retry.
    pub initial_interval: Duration,
    /// Upper bound of a single wait.
    pub max_interval: Duration,
    /// No retry starts once this much time has passed since the first
    /// attempt, and no wait that would end later is started.
    pub max_elapsed_time: Duration,
    /// Growth factor of the wait between retries.
    pub exponent: f64,
    /// The most attempts one call makes, the first included; `None`: as
    /// many as `max_elapsed_time` allows.
    pub max_attempts: Option<u32>,
    /// The longest `Retry-After` the client waits for: a response asking
    /// for a longer wait is returned at once. `None`: `max_interval`.
    pub max_retry_after: Option<Duration>,
}

impl Backoff {
    /// First wait 500 ms, growing x1.5 per retry, each wait capped at 60 s
    /// (a `Retry-After` too), no retry past 1 h, no cap on attempts; change
    /// each with its setter.
    pub const fn new() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            max_elapsed_time: Duration::from_secs(3600),
            exponent: 1.5,
            max_attempts: None,
            max_retry_after: None,
        }
    }

    /// Sets the most attempts one call makes, the first included (`1`: no
    /// retry).
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// Sets the longest `Retry-After` the client waits for (default:
    /// `max_interval`); a response asking for longer is returned at once.
    pub const fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = Some(wait);
        self
    }

    /// Sets the wait before the first retry.
    pub const fn initial_interval(mut self, wait: Duration) -> Self {
        self.initial_interval = wait;
        self
    }

    /// Sets the upper bound of a single wait.
    pub const fn max_interval(mut self, wait: Duration) -> Self {
        self.max_interval = wait;
        self
    }

    /// Sets the time after which no retry starts (measured from the first attempt).
    pub const fn max_elapsed_time(mut self, budget: Duration) -> Self {
        self.max_elapsed_time = budget;
        self
    }

    /// Sets the growth factor of the wait between retries.
    pub const fn exponent(mut self, factor: f64) -> Self {
        self.exponent = factor;
        self
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether to retry at all.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryStrategy {
    /// A single attempt.
    None,
    /// Retry with exponential backoff and jitter.
    Backoff(Backoff),
}

/// Retry configuration.
///
/// Precedence, highest first: per call (`.retries(..)`), client
/// (`ClientBuilder::retry_config`), the operation's spec override, the
/// spec's global default. The retried statuses and whether connection
/// errors are retried are taken from the first of these levels that sets
/// them: [`RetryConfig::backoff`] changes only the waits, and keeps the
/// spec's statuses unless [`status_codes`](Self::status_codes) replaces
/// them. When no level sets them: 5XX and connection errors.
///
/// A `Retry-After` response header (seconds or HTTP date) replaces the
/// computed wait; when it asks for more than [`Backoff::max_retry_after`],
/// or the wait would end past `max_elapsed_time` (or the call's total
/// timeout), the last response or error is returned at once.
///
/// Which failures are retried depends on the method. GET, PUT, DELETE,
/// HEAD and OPTIONS are retried after any connection error or timeout. A
/// POST or PATCH may have been acted on once it was sent, so it is retried
/// only after a failure to connect (it never reached the server), unless it
/// carries the idempotency key its operation declares or the call says
/// `assume_idempotent()`. Every method is retried on the listed statuses.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    strategy: RetryStrategy,
    status_codes: Option<Cow<'static, [StatusMatch]>>,
    retry_connection_errors: Option<bool>,
}

/// Statuses retried when no level of the configuration names any: 5XX.
const FALLBACK_STATUS_CODES: &[StatusMatch] = &[StatusMatch::Range(5)];

/// A retry configuration with every level applied.
#[derive(Debug)]
pub(crate) struct Policy<'a> {
    pub(crate) strategy: RetryStrategy,
    pub(crate) status_codes: &'a [StatusMatch],
    pub(crate) retry_connection_errors: bool,
}

impl RetryConfig {
    /// A single attempt, never retried.
    pub const fn none() -> Self {
        Self {
            strategy: RetryStrategy::None,
            status_codes: None,
            retry_connection_errors: None,
        }
    }

    /// Exponential backoff; the retried statuses and connection errors stay
    /// those of the spec (see the type's documentation).
    pub const fn backoff(backoff: Backoff) -> Self {
        Self {
            strategy: RetryStrategy::Backoff(backoff),
            status_codes: None,
            retry_connection_errors: None,
        }
    }

    /// The spec's policy: `backoff`, retrying `status_codes`, and connection
    /// errors when `connection_errors` (used by generated code).
    pub(crate) const fn from_spec(
        backoff: Backoff,
        status_codes: &'static [StatusMatch],
        connection_errors: bool,
    ) -> Self {
        Self {
            strategy: RetryStrategy::Backoff(backoff),
            status_codes: Some(Cow::Borrowed(status_codes)),
            retry_connection_errors: Some(connection_errors),
        }
    }

    /// Replaces the retried statuses, e.g. `&[StatusMatch::Exact(429)][..]`.
    pub fn status_codes(mut self, codes: impl Into<Cow<'static, [StatusMatch]>>) -> Self {
        self.status_codes = Some(codes.into());
        self
    }

    /// Sets whether connection failures and timeouts are retried.
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.retry_connection_errors = Some(retry);
        self
    }

    /// The strategy.
    pub fn strategy(&self) -> RetryStrategy {
        self.strategy
    }

    /// This configuration, its unset fields taken from the first of
    /// `fallbacks` that sets them.
    pub(crate) fn resolve<'a>(
        &'a self,
        fallbacks: impl Iterator<Item = &'a RetryConfig> + Clone,
    ) -> Policy<'a> {
        let mut levels = std::iter::once(self).chain(fallbacks);
        let status_codes = levels
            .clone()
            .find_map(|level| level.status_codes.as_deref())
            .unwrap_or(FALLBACK_STATUS_CODES);
        let retry_connection_errors = levels
            .find_map(|level| level.retry_connection_errors)
            .unwrap_or(true);
        Policy {
            strategy: self.strategy,
            status_codes,
            retry_connection_errors,
        }
    }
}

impl Policy<'_> {
    /// Whether a failed attempt is retried: any connection error or timeout
    /// of a `repeatable` call, only a failure to connect of another.
    pub(crate) fn retries_error(&self, error: &Error, repeatable: bool) -> bool {
        self.retry_connection_errors
            && if repeatable {
                error.is_connection_error()
            } else {
                error.never_sent()
            }
    }

    /// Whether a response with `status` is retried.
    pub(crate) fn retries_status(&self, status: StatusCode) -> bool {
        self.status_codes.iter().any(|m| m.matches(status))
    }

    /// The wait before retry number `retry` (0-based), or `None` to stop:
    /// no strategy, or the wait would end past `max_elapsed_time`.
    pub(crate) fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
    ) -> Option<Duration> {
        let RetryStrategy::Backoff(backoff) = self.strategy else {
            return None;
        };
        // `retry` retries follow the first attempt.
        if backoff
            .max_attempts
            .is_some_and(|max| retry.saturating_add(1) >= max)
        {
            return None;
        }
        let longest_wait = backoff.max_retry_after.unwrap_or(backoff.max_interval);
        if retry_after.is_some_and(|wait| wait > longest_wait) {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| {
            let exponent = i32::try_from(retry).unwrap_or(i32::MAX);
            let grown = backoff.initial_interval.as_secs_f64() * backoff.exponent.powi(exponent);
            let capped = grown.min(backoff.max_interval.as_secs_f64());
            // Jitter: wait between 75% and 100% of the computed interval.
            let jittered = capped * (1.0 - 0.25 * fastrand::f64());
            Duration::try_from_secs_f64(jittered).unwrap_or(backoff.max_interval)
        });
        // An end too far to represent is past any budget.
        let end = elapsed.checked_add(delay)?;
        (end <= backoff.max_elapsed_time).then_some(delay)
    }
}

/// Whether sending `request` twice is harmless: its method is idempotent
/// (RFC 9110), it carries the operation's `idempotency_key` header, or the
/// caller said so.
pub(crate) fn is_repeatable(
    request: &reqwest::Request,
    idempotency_key: Option<&str>,
    assumed: bool,
) -> bool {
    assumed
        || !matches!(*request.method(), Method::POST | Method::PATCH)
        || idempotency_key.is_some_and(|name| request.headers().contains_key(name))
}

/// Parses `Retry-After` (delay in seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().expect("valid"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        headers.insert(RETRY_AFTER, later.parse().expect("valid"));
        let wait = retry_after(&headers).expect("a date");
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, "soon".parse().expect("valid"));
        assert_eq!(retry_after(&headers), None);
    }

    fn policy(config: &RetryConfig) -> Policy<'_> {
        config.resolve(std::iter::empty())
    }

    #[test]
    fn delays_grow_are_capped_and_bounded_by_elapsed_time() {
        let second = Duration::from_secs(1);
        let config = RetryConfig::backoff(
            Backoff::new()
                .initial_interval(second)
                .max_interval(4 * second)
                .max_elapsed_time(60 * second)
                .exponent(2.0),
        );
        let config = policy(&config);
        for (retry, high) in [(0, 1.0), (1, 2.0), (2, 4.0), (9, 4.0), (u32::MAX, 4.0)] {
            let delay = config
                .delay(retry, None, Duration::ZERO)
                .expect("within budget");
            assert!(
                delay.as_secs_f64() <= high && delay.as_secs_f64() >= high * 0.75,
                "{delay:?}"
            );
        }
        assert_eq!(config.delay(0, None, 60 * second), None);
        assert_eq!(config.delay(0, Some(61 * second), Duration::ZERO), None);
        assert_eq!(policy(&RetryConfig::none()).delay(0, None, Duration::ZERO), None);
        assert!(StatusMatch::Range(5).matches(StatusCode::BAD_GATEWAY));
        assert!(!StatusMatch::Range(5).matches(StatusCode::TOO_MANY_REQUESTS));
    }

    #[test]
    fn a_retry_after_too_far_to_represent_ends_the_loop() {
        let config = RetryConfig::backoff(Backoff::new());
        let config = policy(&config);
        let forever = Some(Duration::MAX);
        let u64_seconds = Some(Duration::from_secs(u64::MAX));
        for elapsed in [Duration::ZERO, Duration::from_secs(2), Duration::MAX] {
            assert_eq!(config.delay(3, forever, elapsed), None);
            assert_eq!(config.delay(3, u64_seconds, elapsed), None);
        }
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "18446744073709551615".parse().expect("valid"));
        assert_eq!(retry_after(&headers), u64_seconds);
        headers.insert(RETRY_AFTER, "Fri, 31 Dec 9999 23:59:59 GMT".parse().expect("valid"));
        let far = retry_after(&headers);
        assert!(far.is_some_and(|wait| wait > Duration::from_secs(100 * 365 * 86_400)));
        assert_eq!(config.delay(0, far, Duration::from_secs(2)), None);
    }

    #[test]
    fn only_idempotent_methods_keyed_or_vouched_for_calls_repeat() {
        let request = |method: Method, key: Option<&'static str>| {
            let mut request =
                reqwest::Request::new(method, "http://h/x".parse().expect("a URL"));
            if let Some(key) = key {
                request
                    .headers_mut()
                    .insert(key, "k-1".parse().expect("a header value"));
            }
            request
        };
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD, Method::OPTIONS] {
            assert!(is_repeatable(&request(method, None), None, false));
        }
        for method in [Method::POST, Method::PATCH] {
            assert!(!is_repeatable(&request(method.clone(), None), None, false));
            // The declared key, sent: repeatable. Declared but not sent, or
            // sent under another name: not.
            let declared = Some("idempotency-key");
            assert!(is_repeatable(&request(method.clone(), Some("idempotency-key")), declared, false));
            assert!(!is_repeatable(&request(method.clone(), None), declared, false));
            assert!(!is_repeatable(&request(method.clone(), Some("x-request-id")), declared, false));
            assert!(!is_repeatable(&request(method.clone(), Some("idempotency-key")), None, false));
            assert!(is_repeatable(&request(method, None), None, true));
        }
    }

    #[test]
    fn timeouts_are_retried_only_for_repeatable_calls() {
        let config = RetryConfig::backoff(Backoff::new());
        let policy = policy(&config);
        let timeout = Error::Timeout(Duration::from_secs(1));
        assert!(policy.retries_error(&timeout, true));
        assert!(!policy.retries_error(&timeout, false));
        let off = RetryConfig::backoff(Backoff::new()).retry_connection_errors(false);
        assert!(!off.resolve(std::iter::empty()).retries_error(&timeout, true));
    }

    #[test]
    fn attempts_and_retry_after_waits_are_capped() {
        let second = Duration::from_secs(1);
        let capped = RetryConfig::backoff(Backoff::new().max_attempts(3));
        let capped = policy(&capped);
        assert!(capped.delay(0, None, Duration::ZERO).is_some());
        assert!(capped.delay(1, None, Duration::ZERO).is_some());
        // Three attempts made: no fourth.
        assert_eq!(capped.delay(2, None, Duration::ZERO), None);
        let once = RetryConfig::backoff(Backoff::new().max_attempts(1));
        assert_eq!(policy(&once).delay(0, None, Duration::ZERO), None);
        // `Retry-After` is capped at `max_interval` (60 s) by default.
        let plain = RetryConfig::backoff(Backoff::new());
        let plain = policy(&plain);
        assert_eq!(plain.delay(0, Some(60 * second), Duration::ZERO), Some(60 * second));
        assert_eq!(plain.delay(0, Some(61 * second), Duration::ZERO), None);
        let raised = RetryConfig::backoff(Backoff::new().max_retry_after(600 * second));
        let raised = policy(&raised);
        assert_eq!(raised.delay(0, Some(61 * second), Duration::ZERO), Some(61 * second));
    }

    #[test]
    fn backoff_keeps_the_statuses_of_the_next_level() {
        let spec = RetryConfig::from_spec(Backoff::new(), &[StatusMatch::Range(5)], false);
        let user = RetryConfig::backoff(Backoff::new().exponent(2.0));
        let resolved = user.resolve([&spec].into_iter());
        assert!(resolved.retries_status(StatusCode::BAD_GATEWAY));
        assert!(!resolved.retries_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!resolved.retry_connection_errors);
        let own = user.clone().status_codes(&[StatusMatch::Exact(429)][..]);
        let resolved = own.resolve([&spec].into_iter());
        assert!(resolved.retries_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!resolved.retries_status(StatusCode::BAD_GATEWAY));
        // Nothing sets them: 5XX and connection errors.
        let none = RetryConfig::none();
        let resolved = user.resolve([&none].into_iter());
        assert!(resolved.retries_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(!resolved.retries_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(resolved.retry_connection_errors);
    }
}
