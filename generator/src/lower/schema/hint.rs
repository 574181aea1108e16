//! How an inline schema is named, should it need a name.

use std::borrow::Cow;

use heck::ToUpperCamelCase;

/// How to name an inline schema that needs a name.
///
/// Every property and parameter carries one, but few of their schemas need
/// a name (most are strings, numbers, or references), so the name and docs
/// of a member are only written out when asked for.
#[derive(Clone, Debug)]
pub(crate) struct Hint<'h>(Kind<'h>);

#[derive(Clone, Debug)]
enum Kind<'h> {
    Given {
        name: String,
        child_prefix: String,
        doc: String,
    },
    /// `{prefix}{Member}`, whose children are named after it.
    Member {
        prefix: &'h str,
        member: &'h str,
        of: Of<'h>,
    },
}

/// What a member belongs to, for its docs.
#[derive(Clone, Copy, Debug)]
enum Of<'h> {
    /// A field of the named struct.
    Struct(&'h str),
    /// A parameter of the named operation.
    Operation(&'h str),
}

impl<'h> Hint<'h> {
    /// A hint whose children are named after it.
    pub fn new(name: String, doc: String) -> Self {
        Hint(Kind::Given {
            child_prefix: name.clone(),
            name,
            doc,
        })
    }

    /// A hint whose children are named after `child_prefix` (the seeds
    /// name a body's children after the operation).
    pub fn with_prefix(name: String, child_prefix: String, doc: String) -> Self {
        Hint(Kind::Given {
            name,
            child_prefix,
            doc,
        })
    }

    /// The property `wire_name` of the struct `parent`, whose members are
    /// named after `prefix`.
    pub fn field(prefix: &'h str, parent: &'h str, wire_name: &'h str) -> Self {
        Hint(Kind::Member {
            prefix,
            member: wire_name,
            of: Of::Struct(parent),
        })
    }

    /// The parameter `name` of the operation type `op_type`.
    pub fn parameter(op_type: &'h str, name: &'h str) -> Self {
        Hint(Kind::Member {
            prefix: op_type,
            member: name,
            of: Of::Operation(op_type),
        })
    }

    /// The name to claim, e.g. `CreateMachineTokenRequestBody`.
    pub fn name(&self) -> Cow<'_, str> {
        match &self.0 {
            Kind::Given { name, .. } => Cow::Borrowed(name),
            Kind::Member { prefix, member, .. } => {
                Cow::Owned(format!("{prefix}{}", member.to_upper_camel_case()))
            }
        }
    }

    /// What its inline children are named after (`{prefix}{Property}`).
    pub fn child_prefix(&self) -> Cow<'_, str> {
        match &self.0 {
            Kind::Given { child_prefix, .. } => Cow::Borrowed(child_prefix),
            Kind::Member { .. } => self.name(),
        }
    }

    /// Its docs when the schema has no description.
    pub fn doc(&self) -> Cow<'_, str> {
        match &self.0 {
            Kind::Given { doc, .. } => Cow::Borrowed(doc),
            Kind::Member {
                member,
                of: Of::Struct(parent),
                ..
            } => Cow::Owned(format!("The `{member}` field of [`{parent}`].")),
            Kind::Member {
                member,
                of: Of::Operation(op_type),
                ..
            } => Cow::Owned(format!("The `{member}` parameter of `{op_type}`.")),
        }
    }

    /// The same hint, named `name` (claimed from what [`Self::name`] gave).
    pub fn renamed(&self, name: String) -> Hint<'static> {
        Hint::with_prefix(
            name,
            self.child_prefix().into_owned(),
            self.doc().into_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_named_as_the_eager_hints_were() {
        let parent = Hint::with_prefix("Parent".into(), "Prefix".into(), "d".into());
        let (prefix, name) = (parent.child_prefix(), parent.name());
        let field = Hint::field(&prefix, &name, "created_at");
        assert_eq!(field.name(), "PrefixCreatedAt");
        assert_eq!(field.child_prefix(), "PrefixCreatedAt");
        assert_eq!(field.doc(), "The `created_at` field of [`Parent`].");
        let parameter = Hint::parameter("ListUsersOp", "order_by");
        assert_eq!(parameter.name(), "ListUsersOpOrderBy");
        assert_eq!(parameter.child_prefix(), "ListUsersOpOrderBy");
        assert_eq!(
            parameter.doc(),
            "The `order_by` parameter of `ListUsersOp`."
        );
    }
}
