//! Example values for docs: Rust expressions that compile and pass the
//! field's own constraints, taken from the spec's `example` when it fits.

use serde_json::Value;

use crate::ir::{
    Api, BodyEncoding, Constraints, Field, NamedType, Operation, Presence, Primitive, TypeKind,
    TypeRef,
};

/// The longest string literal an example spells out.
const MAX_LITERAL_LENGTH: u64 = 64;

/// How deep examples go into nested required fields before giving up (a
/// type that requires itself cannot be built at all).
const MAX_DEPTH: usize = 6;

/// How many optional fields an example request body sets: two show how
/// setters chain (Clerk's seed sets `claims` and `expires_in_seconds`).
const MAX_OPTIONAL_SETTERS: usize = 2;

/// The arguments of an example call of `op`: its required parameters, then
/// its required body, which also sets a few optional scalar fields so the
/// example shows how optional values are given. `None` when some argument
/// cannot be built.
pub fn call_arguments(api: &Api, op: &Operation, lib: &str) -> Option<Vec<String>> {
    let mut args = Vec::new();
    for p in op.parameters.iter().filter(|p| p.required) {
        let hinted = prefix_example(p.description.as_deref());
        let example = p.example.as_ref().or(hinted.as_ref());
        args.push(argument(api, &p.ty, &p.constraints, example, lib)?);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(match body.encoding {
            BodyEncoding::Binary => "bytes::Bytes::from_static(b\"...\")".to_owned(),
            BodyEncoding::Text => "String::from(\"...\")".to_owned(),
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                let value = value(api, &body.ty, &Constraints::default(), None, lib)?;
                value + &optional_setters(api, &body.ty, lib)
            }
        });
    }
    Some(args)
}

/// `.field(value)` calls for the first optional fields of a struct body whose
/// example is a plain value (a number, a string, a flag or an enum value).
fn optional_setters(api: &Api, ty: &TypeRef, lib: &str) -> String {
    let Some(TypeKind::Struct(s)) = named_type(api, ty).map(|t| &t.kind) else {
        return String::new();
    };
    s.fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable))
        .filter(|f| !f.read_only && !f.deprecated && is_plain(api, &f.ty))
        .filter_map(|f| {
            let hinted = prefix_example(f.description.as_deref());
            let example = f.example.as_ref().or(hinted.as_ref());
            let value = argument(api, &f.ty, &f.constraints, example, lib)?;
            Some(format!(".{}({value})", f.rust_name))
        })
        .take(MAX_OPTIONAL_SETTERS)
        .collect()
}

/// Whether an example of `ty` is one short literal or enum value.
fn is_plain(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(p) => *p != Primitive::Binary,
        TypeRef::Named(_) => {
            matches!(
                named_type(api, ty).map(|t| &t.kind),
                Some(TypeKind::Enum(_) | TypeKind::FreeForm)
            )
        }
        TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Nullable(_) | TypeRef::Any => false,
    }
}

fn named_type<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a NamedType> {
    match ty {
        TypeRef::Named(name) => api.find_type(name),
        _ => None,
    }
}

/// A Rust expression of type `ty`, or `None` when none can be built.
pub fn value(
    api: &Api,
    ty: &TypeRef,
    c: &Constraints,
    example: Option<&Value>,
    lib: &str,
) -> Option<String> {
    expr(api, ty, c, example, lib, 0)
}

/// A Rust expression for an argument that takes `impl Into<String>` when
/// the type is a string, or the type itself otherwise.
pub fn argument(
    api: &Api,
    ty: &TypeRef,
    c: &Constraints,
    example: Option<&Value>,
    lib: &str,
) -> Option<String> {
    // Only a plain string is taken as `impl Into<String>` (see
    // `apis::input`); an alias of one is taken as itself.
    let takes_into = *ty == TypeRef::Primitive(Primitive::String);
    value(api, ty, c, example, lib).map(|e| match e.strip_suffix(".to_owned()") {
        Some(literal) if takes_into => literal.to_owned(),
        _ => e,
    })
}

fn expr(
    api: &Api,
    ty: &TypeRef,
    c: &Constraints,
    example: Option<&Value>,
    lib: &str,
    depth: usize,
) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match ty {
        TypeRef::Primitive(Primitive::String) => {
            match c.min_length {
                // A literal that long would swamp the docs (and a huge
                // minLength would never finish): build it instead.
                Some(min) if min > MAX_LITERAL_LENGTH => format!("\"x\".repeat({min})"),
                _ => format!("{:?}.to_owned()", string_example(c, example)),
            }
        }
        TypeRef::Primitive(Primitive::Binary) => {
            format!("{lib}::File::new(b\"...\".to_vec()).file_name(\"file.bin\")")
        }
        TypeRef::Primitive(p @ (Primitive::I32 | Primitive::I64)) => {
            let n = integer_example(c, example);
            if *p == Primitive::I32 {
                (n.clamp(i32::MIN as i64, i32::MAX as i64)).to_string()
            } else {
                n.to_string()
            }
        }
        TypeRef::Primitive(Primitive::F32 | Primitive::F64) => {
            let n = float_example(c, example);
            format!("{n:?}")
        }
        TypeRef::Primitive(Primitive::Bool) => {
            example.and_then(Value::as_bool).unwrap_or(true).to_string()
        }
        TypeRef::List(_) | TypeRef::Map(_) => "Default::default()".to_owned(),
        TypeRef::Nullable(_) => "None".to_owned(),
        TypeRef::Any => "serde_json::Value::Null".to_owned(),
        TypeRef::Named(name) => named(api, api.find_type(name)?, c, example, lib, depth)?,
    })
}

fn named(
    api: &Api,
    ty: &NamedType,
    c: &Constraints,
    example: Option<&Value>,
    lib: &str,
    depth: usize,
) -> Option<String> {
    let path = format!("{lib}::models::{}", ty.name);
    match &ty.kind {
        TypeKind::Struct(s) => {
            let mut args = Vec::new();
            for f in s
                .fields
                .iter()
                .filter(|f| matches!(f.presence, Presence::Required | Presence::Nullable))
            {
                args.push(field_argument(api, f, lib, depth)?);
            }
            Some(format!("{path}::new({})", args.join(", ")))
        }
        TypeKind::Enum(e) => e
            .variants
            .first()
            .map(|v| format!("{path}::{}", v.rust_name)),
        TypeKind::OneOf(o) => {
            let first = o.variants.first()?;
            let inner = expr(
                api,
                &first.ty,
                &Constraints::default(),
                None,
                lib,
                depth + 1,
            )?;
            let inner = if first.boxed {
                format!("Box::new({inner})")
            } else {
                inner
            };
            Some(format!("{path}::{}({inner})", first.rust_name))
        }
        TypeKind::Alias(target) => expr(api, target, c, example, lib, depth + 1),
        // The spec's example object, else an empty one (`Value::default()`
        // is `null`, which validation rejects).
        TypeKind::FreeForm => Some(match example.or(ty.example.as_ref()) {
            Some(object @ Value::Object(_)) => format!("serde_json::json!({object})"),
            _ => "serde_json::json!({})".to_owned(),
        }),
        TypeKind::Map(_) | TypeKind::List(_) => Some("Default::default()".to_owned()),
    }
}

/// The constructor argument for a required field.
fn field_argument(api: &Api, f: &Field, lib: &str, depth: usize) -> Option<String> {
    if f.presence == Presence::Nullable {
        return Some("None".to_owned());
    }
    let hinted = prefix_example(f.description.as_deref());
    let example = f.example.as_ref().or(hinted.as_ref());
    let value = expr(api, &f.ty, &f.constraints, example, lib, depth + 1)?;
    Some(match value.strip_suffix(".to_owned()") {
        Some(literal) if f.ty == TypeRef::Primitive(Primitive::String) => literal.to_owned(),
        _ => value,
    })
}

/// An example for a string whose description names its prefix
/// ("Must be prefixed with `mch_`"): `mch_example`.
fn prefix_example(description: Option<&str>) -> Option<Value> {
    const MARK: &str = "prefixed with `";
    let description = description?;
    // ASCII lowercasing keeps every byte offset.
    let at = description.to_ascii_lowercase().find(MARK)? + MARK.len();
    let rest = description.get(at..)?;
    let prefix = rest.get(..rest.find('`')?)?;
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    (!prefix.is_empty() && prefix.len() <= 16 && prefix.chars().all(plain))
        .then(|| Value::String(format!("{prefix}example")))
}

/// The statement an example runs on a call's `response`: it prints one
/// field that holds no credential (a response may carry a token, which an
/// example must never print), or `None` when no field is safe to show.
pub fn show_response(api: &Api, op: &Operation) -> Option<String> {
    let body = op
        .responses
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                crate::ir::StatusMatch::Exact(200..=299) | crate::ir::StatusMatch::Range(2)
            )
        })
        .find_map(|r| r.body.as_ref())?;
    let named = named_type(api, &body.ty)?;
    // Only when the call returns that struct itself: with a success status
    // that has no body it is an `Option`, with several success types JSON.
    if super::output_type(api, op) != named.name {
        return None;
    }
    let TypeKind::Struct(s) = &named.kind else {
        return None;
    };
    const SECRET: &[&str] = &[
        "token",
        "jwt",
        "secret",
        "password",
        "key",
        "credential",
        "session",
    ];
    let field = s.fields.iter().find(|f| {
        let name = f.wire_name.to_ascii_lowercase();
        f.presence == Presence::Required
            && is_plain(api, &f.ty)
            && !SECRET.iter().any(|word| name.contains(word))
    })?;
    Some(format!(
        "println!(\"{}: {{:?}}\", response.{});",
        field.wire_name, field.rust_name
    ))
}

/// The spec's example when it satisfies the length limits and the
/// pattern, else one built from the pattern, else a placeholder cut or
/// padded to fit the limits: an example must pass the checks the crate
/// runs before sending.
fn string_example(c: &Constraints, example: Option<&Value>) -> String {
    let fits = |s: &str| {
        let n = s.chars().count() as u64;
        c.min_length.is_none_or(|min| n >= min) && c.max_length.is_none_or(|max| n <= max)
    };
    let pattern = c
        .pattern
        .as_deref()
        .and_then(|pattern| regex::Regex::new(pattern).ok());
    let matches = |s: &str| pattern.as_ref().is_none_or(|pattern| pattern.is_match(s));
    if let Some(Value::String(s)) = example {
        if fits(s) && matches(s) {
            return s.clone();
        }
    }
    let built = pattern.as_ref().and_then(super::pattern_example::matching);
    if let Some(built) = built.filter(|s| fits(s)) {
        return built;
    }
    let mut text = String::from("<value>");
    if let Some(max) = c.max_length {
        text = text.chars().take(max as usize).collect();
    }
    if let Some(min) = c.min_length.filter(|min| *min <= MAX_LITERAL_LENGTH) {
        while (text.chars().count() as u64) < min {
            text.push('x');
        }
    }
    text
}

fn integer_example(c: &Constraints, example: Option<&Value>) -> i64 {
    let low = c.minimum.map(|b| {
        if b.exclusive {
            b.value.floor() as i64 + 1
        } else {
            b.value.ceil() as i64
        }
    });
    let high = c.maximum.map(|b| {
        if b.exclusive {
            b.value.ceil() as i64 - 1
        } else {
            b.value.floor() as i64
        }
    });
    let within = |n: i64| low.is_none_or(|l| n >= l) && high.is_none_or(|h| n <= h);
    if let Some(n) = example.and_then(Value::as_i64).filter(|n| within(*n)) {
        return n;
    }
    // A value well inside the range reads more naturally than an edge.
    let n = match (low, high) {
        (Some(l), Some(h)) if h >= l => {
            // The midpoint, in i128 as `h - l` may not fit in an i64.
            let middle = ((i128::from(l) + i128::from(h)) / 2) as i64;
            Some(round(middle)).filter(|n| within(*n)).unwrap_or(middle)
        }
        (Some(l), _) => l.max(1),
        (None, Some(h)) => h.min(1),
        (None, None) => 1,
    };
    // The nearest multiple of `multipleOf` inside the range, when there is one.
    match c
        .multiple_of
        .filter(|m| m.fract() == 0.0 && *m >= 1.0 && *m < 1e15)
    {
        Some(m) => {
            let m = m as i64;
            let below = n - n.rem_euclid(m);
            [below, below.saturating_add(m)]
                .into_iter()
                .filter(|candidate| within(*candidate))
                .min_by_key(|candidate| candidate.abs_diff(n))
                .unwrap_or(n)
        }
        None => n,
    }
}

/// `n` to one significant digit (`157680015` → `200000000`): an example
/// should read as one, not as arithmetic.
fn round(n: i64) -> i64 {
    // In i128, so that no input overflows.
    let wide = i128::from(n);
    let mut scale = 1i128;
    while wide.abs() / scale >= 10 {
        scale *= 10;
    }
    let rounded = (wide + wide.signum() * (scale / 2)) / scale * scale;
    i64::try_from(rounded).unwrap_or(n)
}

fn float_example(c: &Constraints, example: Option<&Value>) -> f64 {
    let low = c.minimum.map(|b| b.value);
    let high = c.maximum.map(|b| b.value);
    let within = |n: f64| {
        low.is_none_or(|l| n > l || (n == l && !c.minimum.is_some_and(|b| b.exclusive)))
            && high.is_none_or(|h| n < h || (n == h && !c.maximum.is_some_and(|b| b.exclusive)))
    };
    if let Some(n) = example.and_then(Value::as_f64).filter(|n| within(*n)) {
        return n;
    }
    match (low, high) {
        (Some(l), Some(h)) => l + (h - l) / 2.0,
        (Some(l), None) => l + 1.0,
        (None, Some(h)) => h - 1.0,
        (None, None) => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Bound;

    fn range(min: Option<f64>, max: Option<f64>, multiple_of: Option<f64>) -> Constraints {
        let bound = |value| Bound {
            value,
            exclusive: false,
        };
        Constraints {
            minimum: min.map(bound),
            maximum: max.map(bound),
            multiple_of,
            ..Constraints::default()
        }
    }

    #[test]
    fn integers_are_round_and_inside_their_range() {
        assert_eq!(
            integer_example(&range(Some(30.0), Some(315360000.0), None), None),
            200000000
        );
        assert_eq!(
            integer_example(&range(Some(0.0), Some(300.0), None), None),
            200
        );
        assert_eq!(integer_example(&range(Some(5.0), Some(7.0), None), None), 6);
        // Rounding would leave the range: the midpoint stays.
        assert_eq!(
            integer_example(&range(Some(151.0), Some(159.0), None), None),
            155
        );
        // The spec's example wins when it fits.
        assert_eq!(
            integer_example(&range(Some(0.0), Some(9.0), None), Some(&Value::from(4))),
            4
        );
    }

    #[test]
    fn a_documented_prefix_makes_the_example() {
        let clerk = "ID of the machine. Must be be prefixed with `mch_`. Lowercase only.";
        assert_eq!(
            prefix_example(Some(clerk)),
            Some(Value::from("mch_example"))
        );
        assert_eq!(
            prefix_example(Some("Prefixed With `usr-`")),
            Some(Value::from("usr-example"))
        );
        // Not a plain prefix, or none at all: no example from the prose.
        assert_eq!(prefix_example(Some("prefixed with `a b`")), None);
        assert_eq!(prefix_example(Some("prefixed with `")), None);
        assert_eq!(prefix_example(Some("An id.")), None);
        assert_eq!(prefix_example(None), None);
        // The prefixed value still has to fit the field's limits.
        let short = Constraints {
            max_length: Some(4),
            ..Constraints::default()
        };
        let hinted = prefix_example(Some(clerk));
        assert_eq!(string_example(&short, hinted.as_ref()), "<val");
    }

    #[test]
    fn integers_honour_multiple_of() {
        let n = integer_example(&range(Some(0.0), Some(15.0), Some(10.0)), None);
        assert_eq!(n, 10);
        let n = integer_example(&range(Some(1.0), Some(1000.0), Some(7.0)), None);
        assert_eq!(n % 7, 0);
        assert!((1..=1000).contains(&n));
    }

    #[test]
    fn extreme_ranges_do_not_overflow() {
        let n = integer_example(&range(Some(-9.3e18), Some(9.3e18), None), None);
        assert_eq!(n, 0);
        assert_eq!(round(i64::MIN), -9_000_000_000_000_000_000);
        assert_eq!(round(i64::MAX), 9_000_000_000_000_000_000);
    }
}
