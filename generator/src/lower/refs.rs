//! `$ref` resolution for the component kinds operations use.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::ReferenceOr;

use super::Lowerer;
use crate::diagnostics::{child, Error};

impl<'a> Lowerer<'a> {
    /// The component key a local `$ref` of `kind` (e.g. `schemas`) names.
    /// Every reference of the document comes through here, so the common
    /// case (a key with nothing escaped) borrows it and builds nothing.
    pub(crate) fn ref_key<'r>(
        &self,
        reference: &'r str,
        kind: &str,
        pointer: &str,
    ) -> Result<Cow<'r, str>, Error> {
        let Some(local) = reference.strip_prefix('#') else {
            return Err(self.invalid(
                &child(pointer, "$ref"),
                format!("`{reference}` points into another file; only references within the document (`#/components/...`) are supported, so bundle the spec first"),
            ));
        };
        let escaped = local
            .strip_prefix("/components/")
            .and_then(|rest| rest.strip_prefix(kind))
            .and_then(|rest| rest.strip_prefix('/'));
        let Some(escaped) = escaped else {
            return Err(self.invalid(
                &child(pointer, "$ref"),
                format!("`{reference}` does not point at `#/components/{kind}/...`"),
            ));
        };
        Ok(if escaped.contains('~') {
            Cow::Owned(escaped.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(escaped)
        })
    }

    /// Follows `item` through any chain of references into `components`,
    /// returning the target and its JSON pointer.
    pub(crate) fn resolve<'x, T>(
        &self,
        item: &'x ReferenceOr<T>,
        components: Option<&'x IndexMap<String, ReferenceOr<T>>>,
        kind: &str,
        pointer: &str,
    ) -> Result<(&'x T, String), Error> {
        let mut current = item;
        let mut current_pointer = pointer.to_owned();
        // A chain longer than the number of components must revisit one.
        let limit = components.map_or(0, IndexMap::len) + 1;
        for _ in 0..=limit {
            match current {
                ReferenceOr::Item(target) => return Ok((target, current_pointer)),
                ReferenceOr::Reference { reference } => {
                    let key = self.ref_key(reference, kind, &current_pointer)?;
                    let target = components
                        .and_then(|c| c.get(key.as_ref()))
                        .ok_or_else(|| {
                            self.invalid(
                                &child(&current_pointer, "$ref"),
                                format!("`{reference}` points at a component that does not exist"),
                            )
                        })?;
                    current_pointer = child(&format!("#/components/{kind}"), &key);
                    current = target;
                }
            }
        }
        Err(self.invalid(
            pointer,
            format!("the references starting here form a cycle among `components/{kind}`"),
        ))
    }
}
