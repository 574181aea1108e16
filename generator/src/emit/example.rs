//! Example values for docs: Rust expressions that compile and pass the
//! field's own constraints, taken from the spec's `example` when it fits.

use serde_json::Value;

use crate::ir::{Api, Constraints, Field, NamedType, Presence, Primitive, TypeKind, TypeRef};

/// The longest string literal an example spells out.
const MAX_LITERAL_LENGTH: u64 = 64;

/// How deep examples go into nested required fields before giving up (a
/// type that requires itself cannot be built at all).
const MAX_DEPTH: usize = 6;

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
    value(api, ty, c, example, lib).map(|e| {
        e.strip_suffix(".to_owned()")
            .map(str::to_owned)
            .unwrap_or(e)
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
        TypeRef::Named(name) => named(api, find(api, name)?, c, example, lib, depth)?,
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
        TypeKind::Map(_) | TypeKind::List(_) | TypeKind::FreeForm => {
            Some("Default::default()".to_owned())
        }
    }
}

/// The constructor argument for a required field.
fn field_argument(api: &Api, f: &Field, lib: &str, depth: usize) -> Option<String> {
    if f.presence == Presence::Nullable {
        return Some("None".to_owned());
    }
    let value = expr(
        api,
        &f.ty,
        &f.constraints,
        f.example.as_ref(),
        lib,
        depth + 1,
    )?;
    Some(match value.strip_suffix(".to_owned()") {
        Some(literal) if f.ty == TypeRef::Primitive(Primitive::String) => literal.to_owned(),
        _ => value,
    })
}

fn find<'a>(api: &'a Api, name: &str) -> Option<&'a NamedType> {
    api.types
        .binary_search_by(|t| t.name.as_str().cmp(name))
        .ok()
        .map(|i| &api.types[i])
}

/// The spec's example when it satisfies the length limits, else a
/// placeholder cut or padded to fit them.
fn string_example(c: &Constraints, example: Option<&Value>) -> String {
    let fits = |s: &str| {
        let n = s.chars().count() as u64;
        c.min_length.is_none_or(|min| n >= min) && c.max_length.is_none_or(|max| n <= max)
    };
    if let Some(Value::String(s)) = example {
        if fits(s) {
            return s.clone();
        }
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
    match (low, high) {
        (Some(l), Some(h)) if h >= l => l + (h - l) / 2,
        (Some(l), _) => l.max(1),
        (None, Some(h)) => h.min(1),
        (None, None) => 1,
    }
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
