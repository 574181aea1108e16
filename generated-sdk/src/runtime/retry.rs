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

/// Exponential backoff parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// Wait before the first retry.
    pub initial_interval: Duration,
    /// Upper bound of a single wait.
    pub max_interval: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_elapsed_time: Duration,
    /// Growth factor of the wait between retries.
    pub exponent: f64,
}

impl Backoff {
    /// Backoff with the given intervals and growth factor.
    pub const fn new(
        initial_interval: Duration,
        max_interval: Duration,
        max_elapsed_time: Duration,
        exponent: f64,
    ) -> Self {
        Self {
            initial_interval,
            max_interval,
            max_elapsed_time,
            exponent,
        }
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
/// spec's global default. A `Retry-After` response header (seconds or HTTP
/// date) replaces the computed wait; when the wait would exceed
/// `max_elapsed_time`, the last response or error is returned instead.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    /// The strategy.
    pub strategy: RetryStrategy,
    /// Statuses that are retried.
    pub status_codes: Cow<'static, [StatusMatch]>,
    /// Whether connection failures and timeouts are retried.
    pub retry_connection_errors: bool,
}

/// Statuses [`RetryConfig::backoff`] retries: 429 and 5XX.
const DEFAULT_STATUS_CODES: &[StatusMatch] = &[StatusMatch::Exact(429), StatusMatch::Range(5)];

impl RetryConfig {
    /// A single attempt, never retried.
    pub const fn none() -> Self {
        Self {
            strategy: RetryStrategy::None,
            status_codes: Cow::Borrowed(&[]),
            retry_connection_errors: false,
        }
    }

    /// Exponential backoff retrying 429, 5XX and connection errors.
    pub const fn backoff(backoff: Backoff) -> Self {
        Self {
            strategy: RetryStrategy::Backoff(backoff),
            status_codes: Cow::Borrowed(DEFAULT_STATUS_CODES),
            retry_connection_errors: true,
        }
    }

    /// Replaces the retried statuses.
    pub fn status_codes(mut self, codes: impl Into<Cow<'static, [StatusMatch]>>) -> Self {
        self.status_codes = codes.into();
        self
    }

    /// Sets whether connection failures and timeouts are retried.
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.retry_connection_errors = retry;
        self
    }

    /// Whether a response with `status` is retried.
    pub(crate) fn retries_status(&self, status: StatusCode) -> bool {
        self.status_codes.iter().any(|m| m.matches(status))
    }

    /// The wait before retry number `retry` (0-based), or `None` to stop.
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
        (elapsed + delay <= backoff.max_elapsed_time).then_some(delay)
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::none()
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

    #[test]
    fn delays_grow_are_capped_and_bounded_by_elapsed_time() {
        let second = Duration::from_secs(1);
        let config = RetryConfig::backoff(Backoff::new(second, 4 * second, 60 * second, 2.0));
        for (retry, high) in [(0, 1.0), (1, 2.0), (2, 4.0), (9, 4.0)] {
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
        assert_eq!(RetryConfig::none().delay(0, None, Duration::ZERO), None);
        assert!(StatusMatch::Range(5).matches(StatusCode::BAD_GATEWAY));
        assert!(!StatusMatch::Range(5).matches(StatusCode::TOO_MANY_REQUESTS));
    }
}
