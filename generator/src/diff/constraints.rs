//! Whether the checks made before sending got stricter or looser.

use super::rules::{self, Rule};
use super::{code, shown, Cx};
use crate::ir::{Bound, Constraints};

/// The change of one value's checks, if any: the rule (tightened when any
/// keyword is stricter, else loosened; response-only when the value is
/// never sent) and what changed.
pub(super) fn compare(
    old: &Constraints,
    new: &Constraints,
    sent: bool,
) -> Option<(&'static Rule, String)> {
    let mut steps = Vec::new();
    keywords(old, new, "", &mut steps);
    if steps.is_empty() {
        return None;
    }
    let stricter = steps.iter().any(|(tighter, _)| *tighter);
    let rule = match (sent, stricter) {
        (false, _) => &rules::CONSTRAINT_RESPONSE_ONLY,
        (true, true) => &rules::CONSTRAINT_TIGHTENED,
        (true, false) => &rules::CONSTRAINT_LOOSENED,
    };
    let text: Vec<String> = steps.into_iter().map(|(_, text)| text).collect();
    Some((rule, format!("checks changed: {}.", text.join("; "))))
}

/// Records a changed value's checks on `cx` for the item `rust`.
pub(super) fn push(
    cx: &mut Cx<'_>,
    old: &Constraints,
    new: &Constraints,
    sent: bool,
    item: (&str, &str, Vec<String>),
) {
    if let Some((rule, message)) = compare(old, new, sent) {
        let (rust, pointer, operations) = item;
        cx.push(rule, rust, pointer, operations, message);
    }
}

type Steps = Vec<(bool, String)>;

fn keywords(old: &Constraints, new: &Constraints, prefix: &str, steps: &mut Steps) {
    let Constraints {
        min_length,
        max_length,
        pattern,
        minimum,
        maximum,
        multiple_of,
        min_items,
        max_items,
        unique_items,
        items,
    } = old;
    lower_limit(steps, prefix, "minLength", *min_length, new.min_length);
    upper_limit(steps, prefix, "maxLength", *max_length, new.max_length);
    if *pattern != new.pattern {
        // A different pattern may reject values the old one accepted.
        steps.push((
            new.pattern.is_some(),
            format!(
                "{prefix}pattern {} → {}",
                shown(pattern.as_deref()),
                shown(new.pattern.as_deref())
            ),
        ));
    }
    bound(steps, prefix, "minimum", *minimum, new.minimum, true);
    bound(steps, prefix, "maximum", *maximum, new.maximum, false);
    if *multiple_of != new.multiple_of {
        // Every multiple of 10 is a multiple of 5: a divisor of the old
        // step accepts more.
        let looser = match (multiple_of, new.multiple_of) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(old), Some(new)) => new != 0.0 && (old / new).fract() == 0.0,
        };
        steps.push((
            !looser,
            format!(
                "{prefix}multipleOf {} → {}",
                shown(*multiple_of),
                shown(new.multiple_of)
            ),
        ));
    }
    lower_limit(steps, prefix, "minItems", *min_items, new.min_items);
    upper_limit(steps, prefix, "maxItems", *max_items, new.max_items);
    if *unique_items != new.unique_items {
        steps.push((
            new.unique_items,
            format!("{prefix}uniqueItems {unique_items} → {}", new.unique_items),
        ));
    }
    let empty = Constraints::default();
    match (items.as_deref(), new.items.as_deref()) {
        (None, None) => {}
        (old, new) => {
            let prefix = format!("{prefix}items' ");
            keywords(old.unwrap_or(&empty), new.unwrap_or(&empty), &prefix, steps);
        }
    }
}

/// A lower limit is stricter when it appears or rises.
fn lower_limit(steps: &mut Steps, prefix: &str, name: &str, old: Option<u64>, new: Option<u64>) {
    if old != new {
        let stricter = new.unwrap_or(0) > old.unwrap_or(0);
        steps.push((
            stricter,
            format!("{prefix}{name} {} → {}", shown(old), shown(new)),
        ));
    }
}

/// An upper limit is stricter when it appears or falls.
fn upper_limit(steps: &mut Steps, prefix: &str, name: &str, old: Option<u64>, new: Option<u64>) {
    if old != new {
        let stricter = new.unwrap_or(u64::MAX) < old.unwrap_or(u64::MAX);
        steps.push((
            stricter,
            format!("{prefix}{name} {} → {}", shown(old), shown(new)),
        ));
    }
}

/// A numeric bound; `lower` for `minimum`.
fn bound(
    steps: &mut Steps,
    prefix: &str,
    name: &str,
    old: Option<Bound>,
    new: Option<Bound>,
    lower: bool,
) {
    if old == new {
        return;
    }
    let stricter = match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(old), Some(new)) => {
            let further_in = if lower {
                new.value > old.value
            } else {
                new.value < old.value
            };
            further_in || (new.value == old.value && new.exclusive && !old.exclusive)
        }
    };
    let show = |b: Option<Bound>| match b {
        None => "none".to_owned(),
        Some(b) if b.exclusive => code(format!("{} (exclusive)", b.value)),
        Some(b) => code(b.value),
    };
    steps.push((
        stricter,
        format!("{prefix}{name} {} → {}", show(old), show(new)),
    ));
}
