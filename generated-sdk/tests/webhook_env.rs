//! The hand-written `Webhook::from_env()` (src/custom/webhook_env.rs): the
//! signing secret comes from `CLERK_WEBHOOK_SIGNING_SECRET`. One test, alone
//! in its binary, because it changes the process's environment.
#![cfg(feature = "webhooks")]

use clerk_backend_api::WEBHOOK_SECRET_VAR;
use clerk_backend_api::webhooks::{Webhook, WebhookError};

fn set(value: Option<&str>) {
    // SAFETY: this binary has one test, and nothing else in it reads or
    // writes the environment while it runs.
    unsafe {
        match value {
            Some(value) => std::env::set_var(WEBHOOK_SECRET_VAR, value),
            None => std::env::remove_var(WEBHOOK_SECRET_VAR),
        }
    }
}

#[test]
fn from_env_reads_the_signing_secret() {
    assert_eq!(WEBHOOK_SECRET_VAR, "CLERK_WEBHOOK_SIGNING_SECRET");
    set(None);
    let err = Webhook::from_env().unwrap_err();
    assert!(
        err.to_string().contains("CLERK_WEBHOOK_SIGNING_SECRET"),
        "{err}"
    );
    set(Some("whsec_"));
    assert!(matches!(
        Webhook::from_env(),
        Err(WebhookError::InvalidSecret { .. })
    ));
    set(Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    let webhook = Webhook::from_env().unwrap();
    assert_eq!(
        webhook.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#
        ),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}
