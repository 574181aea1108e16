//! Retry policies as `RetryConfig` expressions usable in a `static`
//! (they need `Backoff`, `Duration`, `RetryConfig` and `StatusMatch` in
//! scope), for example:
//!
//! ```text
//! RetryConfig::from_spec(
//!     Backoff::new()
//!         .initial_interval(Duration::from_millis(500))
//!         .max_interval(Duration::from_millis(60000))
//!         .max_elapsed_time(Duration::from_millis(3600000))
//!         .exponent(1.5),
//!     &[StatusMatch::Range(5)],
//!     true,
//! )
//! ```

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{RetryPolicy, StatusMatch};

/// A `RetryConfig` expression usable in a `static`.
pub fn retry_config(policy: &RetryPolicy) -> TokenStream {
    let statuses = policy.status_codes.iter().map(|status| match status {
        StatusMatch::Exact(code) => {
            let code = Literal::u16_unsuffixed(*code);
            quote!(StatusMatch::Exact(#code))
        }
        StatusMatch::Range(class) => {
            let class = Literal::u8_unsuffixed(*class);
            quote!(StatusMatch::Range(#class))
        }
        // `default` means every status; as a retry rule, every error class.
        StatusMatch::Default => quote!(StatusMatch::Range(4), StatusMatch::Range(5)),
    });
    let connection = policy.retry_connection_errors;
    match &policy.backoff {
        None => quote!(RetryConfig::none()),
        Some(b) => {
            let initial = Literal::u64_unsuffixed(b.initial_interval_ms);
            let max_interval = Literal::u64_unsuffixed(b.max_interval_ms);
            let max_elapsed = Literal::u64_unsuffixed(b.max_elapsed_time_ms);
            let exponent = Literal::f64_unsuffixed(b.exponent);
            quote! {
                RetryConfig::from_spec(
                    Backoff::new()
                        .initial_interval(Duration::from_millis(#initial))
                        .max_interval(Duration::from_millis(#max_interval))
                        .max_elapsed_time(Duration::from_millis(#max_elapsed))
                        .exponent(#exponent),
                    &[#(#statuses),*],
                    #connection,
                )
            }
        }
    }
}
