//! The `#[cfg]` attributes of per-group features (see [`crate::features`]):
//! every emitter asks here, so a gate is written one way everywhere.
//! Without a feature plan (fewer than two groups) every function returns
//! `None`, and the crate is emitted as if features did not exist.

use proc_macro2::TokenStream;
use quote::quote;

use super::Context;
use crate::features::Gate;
use crate::ir::OperationGroup;

/// `#[cfg(any(feature = "a", feature = "b"))]` (`feature = "a"` alone for
/// one feature).
pub(crate) fn any_of(features: &[String]) -> TokenStream {
    match features {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// The gate of the named type `name`, if it has one.
pub(crate) fn for_type(cx: &Context<'_>, name: &str) -> Option<TokenStream> {
    let plan = cx.features.as_ref()?;
    Some(match plan.gate(name)? {
        Gate::AnyOf(features) => any_of(features),
        Gate::EveryGroup => {
            // A type nothing reaches may hold one only the webhooks module
            // reaches: it needs that feature too, or it would name a type
            // that is not compiled.
            let webhooks = (!cx.api.webhooks.is_empty()).then_some("webhooks");
            let features = plan.groups.iter().map(String::as_str).chain(webhooks);
            quote!(#[cfg(all(#(feature = #features),*))])
        }
    })
}

/// The gate of `group`'s module, accessors and blocking counterpart.
pub(crate) fn for_group(cx: &Context<'_>, group: &OperationGroup) -> Option<TokenStream> {
    cx.features.as_ref()?;
    Some(any_of(&[crate::features::feature_name(group)]))
}

/// The gate of something only the groups flagged in `uses` (one flag per
/// group, in order) need, such as an import: it must go when none of them
/// is enabled, even when every group needs it.
pub(crate) fn for_groups(cx: &Context<'_>, uses: &[bool]) -> Option<TokenStream> {
    let plan = cx.features.as_ref()?;
    let features: Vec<String> = plan
        .groups
        .iter()
        .zip(uses)
        .filter(|(_, used)| **used)
        .map(|(feature, _)| feature.clone())
        .collect();
    Some(any_of(&features))
}

/// `#[cfg_attr(not(any(<every group>)), allow(dead_code))]`, for the client
/// fields that only the groups' accessors read.
pub(crate) fn unread_without_groups(cx: &Context<'_>) -> Option<TokenStream> {
    let plan = cx.features.as_ref()?;
    let features = &plan.groups;
    Some(quote!(#[cfg_attr(not(any(#(feature = #features),*)), allow(dead_code))]))
}

/// The crate README's `## Features` section; empty without a feature plan.
pub(crate) fn readme_section(cx: &Context<'_>) -> String {
    let Some(plan) = &cx.features else {
        return String::new();
    };
    let example = &plan.groups[0];
    let mut out = format!(
        "## Features\n\nEach operation group is a Cargo feature, and `default` enables them all. To compile only \
         the operations you call, and only the types they need, turn the default features off and name the \
         groups, and the TLS backend (see [TLS and compression](#tls-and-compression)):\n\n```toml\n[dependencies]\n{} = {{ version = \"{}\", default-features = false, features = [\"rustls\", \"{example}\"] }}\n```\n\n\
         A group's feature adds its module in `apis` and its accessor on the client (and on the blocking client \
         with `blocking`, which combines with any groups); a type in `models` is compiled when an enabled group \
         uses it, directly or through other types. `ErrorBody` and the types it holds are always there; \
         a type no operation uses is compiled only when every group is on.\n\n\
         | Feature | Group | Accessor |\n| --- | --- | --- |\n",
        cx.options.crate_name,
        super::readme::requirement(super::crate_version(cx)),
    );
    for (group, feature) in cx.api.groups.iter().zip(&plan.groups) {
        out.push_str(&format!(
            "| `{feature}` | `{}` | `{}::{}()` |\n",
            group.name, cx.client, group.module
        ));
    }
    out.push('\n');
    out
}

/// The line of a group's page in `docs/sdks/` naming its feature; empty
/// without a feature plan.
pub(crate) fn group_page_line(cx: &Context<'_>, group: &OperationGroup) -> String {
    if cx.features.is_none() {
        return String::new();
    }
    format!(
        "Cargo feature: `{}` (on by default; see the crate README's Features section).\n\n",
        crate::features::feature_name(group)
    )
}

/// `page` (a model's page in `docs/models/`) with a line under its title
/// naming the features that compile the type, when it is gated.
pub(crate) fn with_model_line(cx: &Context<'_>, name: &str, mut page: String) -> String {
    let line = match cx.features.as_ref().and_then(|plan| plan.gate(name)) {
        None => return page,
        Some(Gate::AnyOf(features)) => {
            let list: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
            match list.as_slice() {
                [one] => format!("Compiled with the Cargo feature {one}.\n\n"),
                _ => format!(
                    "Compiled with any of the Cargo features {}.\n\n",
                    list.join(", ")
                ),
            }
        }
        Some(Gate::EveryGroup) if !cx.api.webhooks.is_empty() => {
            "No operation or webhook event uses it: compiled only when every group's feature and `webhooks` are on.\n\n"
                .to_owned()
        }
        Some(Gate::EveryGroup) => {
            "No operation uses it: compiled only when every group's feature is on (as by default).\n\n"
                .to_owned()
        }
    };
    let at = page.find("\n\n").map_or(page.len(), |i| i + 2);
    page.insert_str(at, &line);
    page
}
