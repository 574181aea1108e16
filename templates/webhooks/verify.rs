//! Standard Webhooks signature verification (<https://www.standardwebhooks.com>),
//! the scheme Svix delivers with: the signed content is
//! `{id}.{timestamp}.{body}`, signed with HMAC-SHA256 under a secret given
//! as `whsec_` and base64. Signatures are checked before the body is read
//! as JSON, and compared in constant time.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

// `http::HeaderMap`, as the parent module imports it (reqwest re-exports it).
use super::HeaderMap;

/// The headers of a delivery, in both spellings: the standard one first.
const ID: [&str; 2] = ["webhook-id", "svix-id"];
const TIMESTAMP: [&str; 2] = ["webhook-timestamp", "svix-timestamp"];
const SIGNATURE: [&str; 2] = ["webhook-signature", "svix-signature"];

/// How far a delivery's timestamp may be from the clock, either way, by
/// default: five minutes, as the Standard Webhooks libraries allow.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Verifies webhook deliveries with one signing secret.
///
/// `Debug` never shows the secret.
#[derive(Clone)]
pub struct Webhook {
    /// The HMAC keyed once with the secret's key; each delivery clones it.
    mac: Hmac<Sha256>,
    tolerance: Duration,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("key", &"***")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Webhook {
    /// A verifier for the signing secret `secret`: `whsec_` followed by the
    /// key in base64, as the dashboard shows it (the bare base64 key is
    /// accepted too).
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] when the secret is empty or its key
    /// is not base64.
    pub fn new(secret: impl AsRef<str>) -> Result<Self, WebhookError> {
        let secret = secret.as_ref().trim();
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        if encoded.is_empty() {
            return Err(WebhookError::InvalidSecret {
                reason: "the secret is empty",
            });
        }
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret {
                reason: "the secret after `whsec_` is not base64",
            })?;
        // HMAC takes keys of any length, so this cannot fail.
        let mac = Hmac::<Sha256>::new_from_slice(&key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Ok(Webhook {
            mac,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// The same verifier, accepting timestamps up to `tolerance` away from
    /// the clock (default [`DEFAULT_TOLERANCE`]).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a delivery's signature against the clock.
    ///
    /// # Errors
    ///
    /// A missing or malformed header, a timestamp out of the tolerance, or
    /// no signature that matches: see [`WebhookError`].
    pub fn verify_signature(&self, body: &[u8], headers: &HeaderMap) -> Result<(), WebhookError> {
        self.verify_signature_at(body, headers, SystemTime::now())
    }

    /// [`Self::verify_signature`] as if the clock read `now` (for tests,
    /// and for deliveries verified later than they arrived).
    ///
    /// # Errors
    ///
    /// As [`Self::verify_signature`].
    pub fn verify_signature_at(
        &self,
        body: &[u8],
        headers: &HeaderMap,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let id = header(headers, ID)?;
        let timestamp_text = header(headers, TIMESTAMP)?;
        let signatures = header(headers, SIGNATURE)?;
        let timestamp: i64 =
            timestamp_text
                .trim()
                .parse()
                .map_err(|_| WebhookError::MalformedHeader {
                    name: TIMESTAMP[0],
                    reason: "not a whole number of seconds since the Unix epoch",
                })?;
        let now = unix_seconds(now);
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if timestamp < now.saturating_sub(tolerance) {
            return Err(WebhookError::TimestampTooOld { timestamp, now });
        }
        if timestamp > now.saturating_add(tolerance) {
            return Err(WebhookError::TimestampTooNew { timestamp, now });
        }
        let mac = self.mac(id, timestamp, body);
        // Any listed signature may match: a secret being rotated signs
        // with the old key and the new one for a while.
        let matched = signatures
            .split(' ')
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|signature| STANDARD.decode(signature).ok())
            .any(|signature| mac.clone().verify_slice(&signature).is_ok());
        if matched {
            Ok(())
        } else {
            Err(WebhookError::NoMatchingSignature)
        }
    }

    /// The `webhook-signature` header value for a delivery (`v1,` and the
    /// base64 signature), to test handlers with.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let signature = self.mac(id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", STANDARD.encode(signature))
    }

    /// The MAC of the signed content `{id}.{timestamp}.{body}`.
    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

/// The value of the first spelling of a header that is present.
fn header<'h>(headers: &'h HeaderMap, names: [&'static str; 2]) -> Result<&'h str, WebhookError> {
    let value = names
        .iter()
        .find_map(|name| headers.get(*name))
        .ok_or(WebhookError::MissingHeader { name: names[0] })?;
    value
        .to_str()
        .ok()
        .filter(|text| !text.trim().is_empty())
        .ok_or(WebhookError::MalformedHeader {
            name: names[0],
            reason: "empty, or not visible ASCII",
        })
}

/// Seconds since the Unix epoch (negative before it).
fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// Why a webhook delivery was refused. No variant holds the secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret given to [`Webhook::new`] is not usable.
    InvalidSecret {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A header of the delivery is missing (in both spellings).
    MissingHeader {
        /// The header's standard name, e.g. `webhook-id` (`svix-id` is
        /// accepted too).
        name: &'static str,
    },
    /// A header of the delivery cannot be read.
    MalformedHeader {
        /// The header's standard name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The delivery was signed longer ago than the tolerance allows: it may
    /// be replayed.
    TimestampTooOld {
        /// The delivery's timestamp, in seconds since the Unix epoch.
        timestamp: i64,
        /// The clock when it was checked.
        now: i64,
    },
    /// The delivery claims to be signed further in the future than the
    /// tolerance allows.
    TimestampTooNew {
        /// The delivery's timestamp, in seconds since the Unix epoch.
        timestamp: i64,
        /// The clock when it was checked.
        now: i64,
    },
    /// No signature of the delivery matches its content under the secret:
    /// it was not sent with this secret, or was changed on the way.
    NoMatchingSignature,
    /// The payload is not JSON, or not valid for its event's type.
    InvalidPayload {
        /// The event the payload names, when it names one.
        event: Option<String>,
        /// Why it could not be decoded.
        source: serde_json::Error,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::InvalidSecret { reason } => {
                write!(f, "invalid webhook signing secret: {reason}")
            }
            WebhookError::MissingHeader { name } => write!(f, "the `{name}` header is missing"),
            WebhookError::MalformedHeader { name, reason } => {
                write!(f, "the `{name}` header is malformed: {reason}")
            }
            WebhookError::TimestampTooOld { timestamp, now } => write!(
                f,
                "the webhook timestamp {timestamp} is too old (now {now})"
            ),
            WebhookError::TimestampTooNew { timestamp, now } => write!(
                f,
                "the webhook timestamp {timestamp} is too far in the future (now {now})"
            ),
            WebhookError::NoMatchingSignature => {
                f.write_str("no webhook signature matches the payload")
            }
            WebhookError::InvalidPayload {
                event: Some(event),
                source,
            } => write!(
                f,
                "invalid payload for the `{event}` webhook event: {source}"
            ),
            WebhookError::InvalidPayload {
                event: None,
                source,
            } => write!(f, "invalid webhook payload: {source}"),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::InvalidPayload { source, .. } => Some(source),
            _ => None,
        }
    }
}
