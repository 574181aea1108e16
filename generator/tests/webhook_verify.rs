//! The webhook verifier the generated crates get (`templates/webhooks/verify.rs`),
//! tested on its own: the Standard Webhooks worked example, every error,
//! key rotation, both header spellings, and the tolerance window's edges,
//! with the clock injected.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};

#[path = "../../templates/webhooks/verify.rs"]
mod verify;

use verify::{Webhook, WebhookError, DEFAULT_TOLERANCE};

// The specification's worked example.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: i64 = 1614265330;
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn at(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap())
}

fn headers(prefix: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let set = |headers: &mut HeaderMap, name: &str, value: &str| {
        headers.insert(
            http::HeaderName::from_bytes(format!("{prefix}-{name}").as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    };
    set(&mut headers, "id", ID);
    set(&mut headers, "timestamp", &TIMESTAMP.to_string());
    set(&mut headers, "signature", signature);
    headers
}

fn webhook() -> Webhook {
    Webhook::new(SECRET).unwrap()
}

#[test]
fn the_worked_example_verifies_with_both_header_spellings() {
    for prefix in ["webhook", "svix"] {
        let result =
            webhook().verify_signature_at(BODY, &headers(prefix, SIGNATURE), at(TIMESTAMP));
        assert!(result.is_ok(), "{prefix}: {result:?}");
    }
}

#[test]
fn signing_gives_the_worked_examples_signature() {
    assert_eq!(webhook().sign(ID, TIMESTAMP, BODY), SIGNATURE);
}

#[test]
fn any_listed_signature_may_match() {
    let other = Webhook::new("whsec_c2VjcmV0LXRoYXQtd2FzLXJvdGF0ZWQtYXdheQ==").unwrap();
    let old = other.sign(ID, TIMESTAMP, BODY);
    let rotated = format!("{old} v1a,ignored {SIGNATURE}");
    let headers = headers("webhook", &rotated);
    assert!(webhook()
        .verify_signature_at(BODY, &headers, at(TIMESTAMP))
        .is_ok());
    // The old key alone matches its own signature, not the new one's.
    let only_old = self::headers("webhook", &old);
    assert!(other
        .verify_signature_at(BODY, &only_old, at(TIMESTAMP))
        .is_ok());
    assert!(matches!(
        webhook().verify_signature_at(BODY, &only_old, at(TIMESTAMP)),
        Err(WebhookError::NoMatchingSignature)
    ));
}

#[test]
fn a_body_changed_by_one_byte_fails() {
    let mut body = BODY.to_vec();
    let last_digit = body.len() - 2;
    body[last_digit] ^= 1;
    let result = webhook().verify_signature_at(&body, &headers("svix", SIGNATURE), at(TIMESTAMP));
    assert!(
        matches!(result, Err(WebhookError::NoMatchingSignature)),
        "{result:?}"
    );
}

#[test]
fn signatures_that_are_not_v1_or_not_base64_match_nothing() {
    for signature in [
        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v1,***",
        "g0hM9SsE",
    ] {
        let result =
            webhook().verify_signature_at(BODY, &headers("webhook", signature), at(TIMESTAMP));
        assert!(
            matches!(result, Err(WebhookError::NoMatchingSignature)),
            "{signature}: {result:?}"
        );
    }
}

#[test]
fn timestamps_just_inside_the_window_pass_and_just_outside_fail() {
    let tolerance = i64::try_from(DEFAULT_TOLERANCE.as_secs()).unwrap();
    assert_eq!(tolerance, 300);
    let headers = headers("webhook", SIGNATURE);
    let check = |now: i64| webhook().verify_signature_at(BODY, &headers, at(now));
    assert!(check(TIMESTAMP + tolerance).is_ok());
    assert!(check(TIMESTAMP - tolerance).is_ok());
    assert!(matches!(
        check(TIMESTAMP + tolerance + 1),
        Err(WebhookError::TimestampTooOld { timestamp: TIMESTAMP, now }) if now == TIMESTAMP + tolerance + 1
    ));
    assert!(matches!(
        check(TIMESTAMP - tolerance - 1),
        Err(WebhookError::TimestampTooNew {
            timestamp: TIMESTAMP,
            ..
        })
    ));
}

#[test]
fn the_tolerance_is_configurable() {
    let headers = headers("webhook", SIGNATURE);
    let strict = webhook().with_tolerance(Duration::from_secs(10));
    assert!(strict
        .verify_signature_at(BODY, &headers, at(TIMESTAMP + 10))
        .is_ok());
    assert!(matches!(
        strict.verify_signature_at(BODY, &headers, at(TIMESTAMP + 11)),
        Err(WebhookError::TimestampTooOld { .. })
    ));
}

#[test]
fn a_missing_header_is_named_in_its_standard_spelling() {
    for (name, standard) in [
        ("svix-id", "webhook-id"),
        ("svix-timestamp", "webhook-timestamp"),
        ("svix-signature", "webhook-signature"),
    ] {
        let mut headers = headers("svix", SIGNATURE);
        headers.remove(name);
        let result = webhook().verify_signature_at(BODY, &headers, at(TIMESTAMP));
        assert!(
            matches!(result, Err(WebhookError::MissingHeader { name }) if name == standard),
            "{name}: {result:?}"
        );
    }
}

#[test]
fn malformed_headers_are_reported() {
    let mut not_a_number = headers("webhook", SIGNATURE);
    not_a_number.insert("webhook-timestamp", HeaderValue::from_static("yesterday"));
    let mut not_ascii = headers("webhook", SIGNATURE);
    not_ascii.insert("webhook-id", HeaderValue::from_bytes(b"msg_\xff").unwrap());
    let mut empty = headers("webhook", SIGNATURE);
    empty.insert("webhook-signature", HeaderValue::from_static(""));
    for (headers, header) in [
        (not_a_number, "webhook-timestamp"),
        (not_ascii, "webhook-id"),
        (empty, "webhook-signature"),
    ] {
        let result = webhook().verify_signature_at(BODY, &headers, at(TIMESTAMP));
        assert!(
            matches!(result, Err(WebhookError::MalformedHeader { name, .. }) if name == header),
            "{header}: {result:?}"
        );
    }
}

#[test]
fn unusable_secrets_fail_at_construction() {
    for secret in ["", "   ", "whsec_", "whsec_not base64!"] {
        let result = Webhook::new(secret);
        assert!(
            matches!(result, Err(WebhookError::InvalidSecret { .. })),
            "{secret:?}: {result:?}"
        );
    }
    // The bare base64 key is the same secret.
    let bare = Webhook::new(SECRET.trim_start_matches("whsec_")).unwrap();
    assert_eq!(bare.sign(ID, TIMESTAMP, BODY), SIGNATURE);
}

#[test]
fn no_error_or_debug_output_shows_the_secret() {
    let key = SECRET.trim_start_matches("whsec_");
    let mut shown = vec![format!("{:?}", webhook())];
    let errors = [
        Webhook::new("whsec_not base64!").unwrap_err(),
        webhook()
            .verify_signature_at(b"{}", &headers("webhook", SIGNATURE), at(TIMESTAMP))
            .unwrap_err(),
        webhook()
            .verify_signature_at(BODY, &headers("webhook", SIGNATURE), at(0))
            .unwrap_err(),
        webhook()
            .verify_signature_at(BODY, &HeaderMap::new(), at(TIMESTAMP))
            .unwrap_err(),
    ];
    for error in &errors {
        shown.push(format!("{error} {error:?}"));
    }
    for text in shown {
        assert!(!text.contains(key) && !text.contains(&key[..8]), "{text}");
    }
}

#[test]
fn payload_errors_name_the_event_and_keep_the_cause() {
    let source = serde_json::from_str::<u8>("x").unwrap_err();
    let error = WebhookError::InvalidPayload {
        event: Some("user.created".into()),
        source,
    };
    assert!(error.to_string().contains("`user.created`"), "{error}");
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn without_a_clock_given_the_system_clock_is_read() {
    // The worked example was signed in 2021: long out of the window.
    let result = webhook().verify_signature(BODY, &headers("webhook", SIGNATURE));
    assert!(
        matches!(result, Err(WebhookError::TimestampTooOld { .. })),
        "{result:?}"
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = i64::try_from(now).unwrap();
    let mut fresh = headers("webhook", &webhook().sign(ID, now, BODY));
    fresh.insert(
        "webhook-timestamp",
        HeaderValue::from_str(&now.to_string()).unwrap(),
    );
    assert!(webhook().verify_signature(BODY, &fresh).is_ok());
}
