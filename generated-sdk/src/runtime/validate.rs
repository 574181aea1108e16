//! Client-side validation of request data against the spec's constraints.
//!
//! Generated `validate_at` methods call the check functions below with a
//! [`Loc`] describing where the value sits; the textual path is only built
//! when a check fails.

use std::fmt;

/// Where a value sits inside the validated request, as a linked list on the
/// stack (no allocation unless validation fails).
#[derive(Clone, Copy, Debug)]
pub enum Loc<'a> {
    /// The validated value itself.
    Root,
    /// A named field of the parent.
    Field(&'a Loc<'a>, &'static str),
    /// An array element of the parent.
    Index(&'a Loc<'a>, usize),
    /// A map entry of the parent.
    Key(&'a Loc<'a>, &'a str),
}

impl Loc<'_> {
    /// Renders the path, e.g. `items[3].name` or `labels["env"]`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Loc::Root => {}
            Loc::Field(parent, name) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Loc::Index(parent, index) => {
                parent.write(out);
                out.push_str(&format!("[{index}]"));
            }
            Loc::Key(parent, key) => {
                parent.write(out);
                out.push_str(&format!("[{key:?}]"));
            }
        }
    }
}

/// A numeric bound of a [`Rule`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer bound (integers are compared as `i64`).
    Int(i64),
    /// A floating-point bound (numbers are compared as `f64`).
    Float(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(value) => write!(f, "{value}"),
            Number::Float(value) => write!(f, "{value}"),
        }
    }
}

/// The constraint a value violated.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// `minLength`: at least this many characters.
    MinLength(u64),
    /// `maxLength`: at most this many characters.
    MaxLength(u64),
    /// `pattern`: must match this regular expression.
    Pattern(&'static str),
    /// `minimum` (or `exclusiveMinimum` when `exclusive`).
    Minimum {
        /// The bound.
        limit: Number,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `maximum` (or `exclusiveMaximum` when `exclusive`).
    Maximum {
        /// The bound.
        limit: Number,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `multipleOf`.
    MultipleOf(Number),
    /// `minItems`.
    MinItems(u64),
    /// `maxItems`.
    MaxItems(u64),
    /// `uniqueItems`.
    UniqueItems,
    /// `type: object`: a free-form object field must hold a JSON object.
    Object,
    /// A path parameter must stay one path segment: not empty, `.` or `..`
    /// (which URL parsers resolve to the parent path).
    PathSegment,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::MinLength(n) => write!(f, "must be at least {n} characters long"),
            Rule::MaxLength(n) => write!(f, "must be at most {n} characters long"),
            Rule::Pattern(p) => write!(f, "must match the pattern `{p}`"),
            Rule::Minimum {
                limit,
                exclusive: false,
            } => write!(f, "must be at least {limit}"),
            Rule::Minimum {
                limit,
                exclusive: true,
            } => write!(f, "must be greater than {limit}"),
            Rule::Maximum {
                limit,
                exclusive: false,
            } => write!(f, "must be at most {limit}"),
            Rule::Maximum {
                limit,
                exclusive: true,
            } => write!(f, "must be less than {limit}"),
            Rule::MultipleOf(m) => write!(f, "must be a multiple of {m}"),
            Rule::MinItems(n) => write!(f, "must have at least {n} items"),
            Rule::MaxItems(n) => write!(f, "must have at most {n} items"),
            Rule::UniqueItems => write!(f, "must not contain duplicate items"),
            Rule::Object => write!(f, "must be a JSON object"),
            Rule::PathSegment => write!(f, "must be one path segment (not empty, `.` or `..`)"),
        }
    }
}

/// A request value violates a constraint of the spec; nothing was sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationError {
    /// Path of the offending value, e.g. `machine_id` or `items[3].name`.
    pub path: String,
    /// The violated constraint.
    pub rule: Rule,
    /// The offending value, rendered (strings quoted, long values truncated);
    /// empty for item-count rules.
    pub value: String,
    /// The measured length or item count, for length and item rules.
    measured: Option<usize>,
}

const MAX_VALUE_CHARS: usize = 64;

impl ValidationError {
    /// Builds an error for `rule` at `loc` (the path is rendered here).
    pub(crate) fn new(loc: &Loc<'_>, rule: Rule, value: String, measured: Option<usize>) -> Self {
        Self {
            path: loc.path(),
            rule,
            value,
            measured,
        }
    }

    /// The measured length (characters) or item count, when the rule is about one.
    pub fn measured(&self) -> Option<usize> {
        self.measured
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "value"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.rule)?;
        match self.measured {
            Some(n) if self.value.is_empty() => write!(f, ", got {n}"),
            Some(n) => write!(f, ", got {n} (value: {})", self.value),
            None => write!(f, ", got {}", self.value),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Renders a string value quoted, truncated to a readable size.
fn show_str(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{:?}...", value.get(..cut).unwrap_or(value)),
        None => format!("{value:?}"),
    }
}

/// A length or count as the spec's `u64` limits are (lossless on every
/// target Rust supports; saturating otherwise).
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// `minLength` (counted in characters, not bytes).
pub(crate) fn min_length(loc: &Loc<'_>, value: &str, min: u64) -> Result<(), ValidationError> {
    let len = value.chars().count();
    if count(len) < min {
        return Err(ValidationError::new(
            loc,
            Rule::MinLength(min),
            show_str(value),
            Some(len),
        ));
    }
    Ok(())
}

/// `maxLength` (counted in characters, not bytes).
pub(crate) fn max_length(loc: &Loc<'_>, value: &str, max: u64) -> Result<(), ValidationError> {
    // Cheap pre-check: a string has at most as many characters as bytes.
    if count(value.len()) <= max {
        return Ok(());
    }
    let len = value.chars().count();
    if count(len) > max {
        return Err(ValidationError::new(
            loc,
            Rule::MaxLength(max),
            show_str(value),
            Some(len),
        ));
    }
    Ok(())
}

/// `pattern`: the generated code owns the compiled regex (so the runtime
/// does not depend on `regex`) and passes the match result.
pub(crate) fn pattern(
    loc: &Loc<'_>,
    value: &str,
    is_match: bool,
    pattern: &'static str,
) -> Result<(), ValidationError> {
    if !is_match {
        return Err(ValidationError::new(
            loc,
            Rule::Pattern(pattern),
            show_str(value),
            None,
        ));
    }
    Ok(())
}

/// `minimum` / `exclusiveMinimum` for integers.
pub(crate) fn minimum_int(
    loc: &Loc<'_>,
    value: i64,
    limit: i64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if value < limit || (exclusive && value == limit) {
        let rule = Rule::Minimum {
            limit: Number::Int(limit),
            exclusive,
        };
        return Err(ValidationError::new(loc, rule, value.to_string(), None));
    }
    Ok(())
}

/// `maximum` / `exclusiveMaximum` for integers.
pub(crate) fn maximum_int(
    loc: &Loc<'_>,
    value: i64,
    limit: i64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if value > limit || (exclusive && value == limit) {
        let rule = Rule::Maximum {
            limit: Number::Int(limit),
            exclusive,
        };
        return Err(ValidationError::new(loc, rule, value.to_string(), None));
    }
    Ok(())
}

/// `minimum` / `exclusiveMinimum` for numbers.
pub(crate) fn minimum_number(
    loc: &Loc<'_>,
    value: f64,
    limit: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if value < limit || (exclusive && value == limit) || value.is_nan() {
        let rule = Rule::Minimum {
            limit: Number::Float(limit),
            exclusive,
        };
        return Err(ValidationError::new(loc, rule, value.to_string(), None));
    }
    Ok(())
}

/// `maximum` / `exclusiveMaximum` for numbers.
pub(crate) fn maximum_number(
    loc: &Loc<'_>,
    value: f64,
    limit: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if value > limit || (exclusive && value == limit) || value.is_nan() {
        let rule = Rule::Maximum {
            limit: Number::Float(limit),
            exclusive,
        };
        return Err(ValidationError::new(loc, rule, value.to_string(), None));
    }
    Ok(())
}

/// `multipleOf` for integers (`factor` is non-zero, checked by the generator).
pub(crate) fn multiple_of_int(
    loc: &Loc<'_>,
    value: i64,
    factor: i64,
) -> Result<(), ValidationError> {
    // `checked_rem` is `None` for a zero factor and for `i64::MIN % -1`,
    // whose remainder is zero.
    if value.checked_rem(factor).is_some_and(|rest| rest != 0) {
        let rule = Rule::MultipleOf(Number::Int(factor));
        return Err(ValidationError::new(loc, rule, value.to_string(), None));
    }
    Ok(())
}

/// `multipleOf` for numbers, with a small relative tolerance for binary fractions.
pub(crate) fn multiple_of_number(
    loc: &Loc<'_>,
    value: f64,
    factor: f64,
) -> Result<(), ValidationError> {
    let quotient = value / factor;
    let ok = factor != 0.0 && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0);
    if !ok {
        let rule = Rule::MultipleOf(Number::Float(factor));
        return Err(ValidationError::new(loc, rule, value.to_string(), None));
    }
    Ok(())
}

/// `minItems`.
pub(crate) fn min_items(loc: &Loc<'_>, len: usize, min: u64) -> Result<(), ValidationError> {
    if count(len) < min {
        return Err(ValidationError::new(
            loc,
            Rule::MinItems(min),
            String::new(),
            Some(len),
        ));
    }
    Ok(())
}

/// `maxItems`.
pub(crate) fn max_items(loc: &Loc<'_>, len: usize, max: u64) -> Result<(), ValidationError> {
    if count(len) > max {
        return Err(ValidationError::new(
            loc,
            Rule::MaxItems(max),
            String::new(),
            Some(len),
        ));
    }
    Ok(())
}

/// A free-form object field: the value must be a JSON object.
pub(crate) fn object(loc: &Loc<'_>, value: &serde_json::Value) -> Result<(), ValidationError> {
    if value.is_object() {
        return Ok(());
    }
    let mut shown = value.to_string();
    if let Some((cut, _)) = shown.char_indices().nth(MAX_VALUE_CHARS) {
        shown.truncate(cut);
        shown.push_str("...");
    }
    Err(ValidationError::new(loc, Rule::Object, shown, None))
}

/// `uniqueItems`: reports the path of the first repeated element.
pub(crate) fn unique_items<T: PartialEq + fmt::Debug>(
    loc: &Loc<'_>,
    items: &[T],
) -> Result<(), ValidationError> {
    for (index, item) in items.iter().enumerate() {
        let before = items.get(..index).unwrap_or_default();
        if before.contains(item) {
            let mut value = format!("{item:?}");
            if let Some((cut, _)) = value.char_indices().nth(MAX_VALUE_CHARS) {
                value.truncate(cut);
                value.push_str("...");
            }
            let at = Loc::Index(loc, index);
            return Err(ValidationError::new(&at, Rule::UniqueItems, value, None));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_rendered_on_failure() {
        let items = Loc::Field(&Loc::Root, "items");
        let third = Loc::Index(&items, 3);
        let name = Loc::Field(&third, "name");
        assert_eq!(name.path(), "items[3].name");
        assert_eq!(Loc::Key(&name, "env").path(), "items[3].name[\"env\"]");
        let error = min_length(&name, "ab", 3).expect_err("too short");
        assert_eq!(
            error.to_string(),
            "items[3].name: must be at least 3 characters long, got 2 (value: \"ab\")"
        );
    }

    #[test]
    fn numeric_and_item_rules() {
        let loc = Loc::Root;
        assert!(minimum_int(&loc, 5, 5, false).is_ok());
        assert!(minimum_int(&loc, 5, 5, true).is_err());
        assert!(maximum_number(&loc, 1.5, 1.5, true).is_err());
        assert!(maximum_number(&loc, f64::NAN, 1.0, false).is_err());
        assert!(multiple_of_int(&loc, 10, 5).is_ok());
        assert!(multiple_of_int(&loc, 11, 5).is_err());
        assert!(multiple_of_number(&loc, 0.3, 0.1).is_ok());
        assert!(multiple_of_number(&loc, 0.35, 0.1).is_err());
        assert_eq!(
            max_items(&loc, 5, 3).expect_err("too many").to_string(),
            "value: must have at most 3 items, got 5"
        );
        let error = unique_items(&loc, &["a", "b", "a"]).expect_err("duplicate");
        assert_eq!(
            (error.path.as_str(), error.rule.clone()),
            ("[2]", Rule::UniqueItems)
        );
    }

    #[test]
    fn free_form_objects_must_be_objects() {
        let loc = Loc::Field(&Loc::Root, "claims");
        assert!(object(&loc, &serde_json::json!({ "a": 1 })).is_ok());
        let error = object(&loc, &serde_json::json!([1, 2])).expect_err("an array");
        assert_eq!(error.to_string(), "claims: must be a JSON object, got [1,2]");
        assert_eq!(error.rule, Rule::Object);
    }
}
