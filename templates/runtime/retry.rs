//! Retry policy: which outcomes are retried and how long to wait.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

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
}

impl Backoff {
    /// First wait 500 ms, growing x1.5 per retry, each wait capped at 60 s,
    /// no retry past 1 h; change each with its setter.
    pub const fn new() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            max_elapsed_time: Duration::from_secs(3600),
            exponent: 1.5,
        }
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
/// computed wait; when the wait would end past `max_elapsed_time` (or the
/// call's total timeout), the last response or error is returned at once.
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
