//! Which fields hold secrets: those the document marks `format: password`
//! (directly or through a `$ref`). A string field whose name says it holds
//! a credential but is not marked gets a located warning, so that the
//! maintainer marks it (an overlay can) or decides it is not one.

use openapiv3::{SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::{Lowerer, SchemaRef};
use crate::ir::{Primitive, TypeRef};

impl<'a> Lowerer<'a> {
    /// Whether the property `wire_name` (at `pointer`, of type `ty`) is
    /// secret; warns when it is not marked but its name (`snake`, as the
    /// field is named) says it should be.
    pub(super) fn secret_field(
        &mut self,
        (wire_name, snake): (&str, &str),
        schema: SchemaRef<'a>,
        ty: &TypeRef,
        pointer: &str,
    ) -> bool {
        if self.is_password(schema) {
            return true;
        }
        if matches!(ty, TypeRef::Primitive(Primitive::String)) && names_a_credential(snake) {
            self.advise(
                pointer,
                format!(
                    "`{wire_name}` sounds like a credential but is not marked secret: \
                     `Debug` and errors would show it; mark it `format: password` \
                     (an overlay can) to hide it"
                ),
            );
        }
        false
    }

    /// Whether `schema`, or the component it refers to, is a `format:
    /// password` string.
    fn is_password(&self, schema: SchemaRef<'a>) -> bool {
        let target = match schema {
            SchemaRef::Inline(schema) => schema,
            SchemaRef::Ref(reference) => match self.schema_target(reference, "#") {
                Ok((schema, _)) => schema,
                // A broken reference is reported where the type is lowered.
                Err(_) => return false,
            },
        };
        matches!(
            &target.schema_kind,
            SchemaKind::Type(Type::String(s))
                if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password))
        )
    }
}

/// Whether a property name, in snake case, says its value is a
/// credential: `token`, `secret`, `jwt`, `password` or a `*_key`, alone or
/// as the last word (`access_token`, `client_secret`, `api_key`). Words
/// that say the value is public or a pointer to one (`public_key`,
/// `publishable_key`, `next_page_token`, `token_type`) are not, nor is a
/// key that names an entry (`role_set_key`, `idempotency_key`, `sort_key`).
fn names_a_credential(snake: &str) -> bool {
    let words: Vec<&str> = snake.split('_').filter(|word| !word.is_empty()).collect();
    let Some(&last) = words.last() else {
        return false;
    };
    let public = words
        .iter()
        .any(|word| matches!(*word, "public" | "publishable" | "page" | "cursor"));
    let credential = match last {
        "token" | "secret" | "jwt" | "password" | "passwd" => true,
        "key" => {
            words.len() > 1
                && !matches!(
                    words[words.len() - 2],
                    "set" | "idempotency" | "sort" | "partition"
                )
        }
        _ => false,
    };
    credential && !public
}

#[cfg(test)]
mod tests {
    use super::names_a_credential as snake_names_a_credential;

    /// The check on a name as the document writes it.
    fn names_a_credential(name: &str) -> bool {
        snake_names_a_credential(&crate::names::snake(name).unwrap_or_default())
    }

    #[test]
    fn credential_names_are_the_last_word() {
        for name in [
            "token",
            "jwt",
            "secret",
            "password",
            "api_key",
            "secretKey",
            "access_token",
            "client_secret",
            "refreshToken",
            "PRIVATE_KEY",
        ] {
            assert!(names_a_credential(name), "{name}");
        }
        for name in [
            "key",
            "token_type",
            "token_id",
            "public_key",
            "publishable_key",
            "next_page_token",
            "cursor_token",
            "secret_count",
            "keys",
            "tokens",
            "role_set_key",
            "idempotencyKey",
            "sort_key",
            "",
        ] {
            assert!(!names_a_credential(name), "{name}");
        }
    }
}
