//! Paging: the `Paginated` impl of each paginated operation (how it reads a
//! page and sets its paging inputs), and the parts of the crate that exist
//! only when some operation pages: the runtime's `paginate` module, its
//! dependency, and the crate root's re-export.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::rust::{ident, type_tokens, Scope};
use crate::ir::{
    Api, Operation, OperationGroup, PageInput, PageInputRole, PaginationKind, PathStep, Primitive,
    ValuePath,
};

/// The runtime files of paging: the module that walks pages, and its tests.
pub(crate) const RUNTIME_FILES: [&str; 2] = ["paginate.rs", "paginate_tests.rs"];

/// Whether any operation of `api` pages.
pub(crate) fn any(api: &Api) -> bool {
    api.groups
        .iter()
        .flat_map(|g| &g.operations)
        .any(|op| op.pagination.is_some())
}

/// The lines added to the runtime's `mod.rs` in a crate that pages.
pub(crate) const RUNTIME_MOD: &str = "\n// Walking paginated lists: only in crates with a paginated operation.\npub(crate) mod paginate;\n#[cfg(test)]\nmod paginate_tests;\npub use self::paginate::Paginated;\n";

/// The manifest's paging dependency, in a crate that pages.
pub(crate) const DEPENDENCY: &str = "# Paging: the `Stream` of `Request::items` and `Request::pages`.\nfutures-util = { version = \"0.3\", default-features = false }\n";

/// The crate root's runtime re-exports, `Paginated` among them when the
/// crate `pages` (in rustfmt's order).
pub(crate) fn root_exports(pages: bool, exports: &[&'static str]) -> Vec<&'static str> {
    let mut all = exports.to_vec();
    if pages {
        all.push("Paginated");
        all.sort();
    }
    all
}

/// The `use` line of a group file whose operations page: the module, whose
/// items are named through it (a group or operation type may be called
/// `Paging`, never `paginate`).
pub(crate) fn imports(group: &OperationGroup) -> Option<TokenStream> {
    group
        .operations
        .iter()
        .any(|op| op.pagination.is_some())
        .then(|| {
            quote!(
                use crate::runtime::paginate;
            )
        })
}

/// A sentence for a paginated operation's method docs.
pub(crate) fn method_note(op: &Operation, blocking: bool) -> Option<String> {
    op.pagination.as_ref()?;
    let (kind, path) = if blocking {
        ("iterator", "crate::blocking::Request")
    } else {
        ("stream", "crate::Request")
    };
    Some(format!(
        "\n\nThe results continue on further pages: [`items`]({path}::items) walks them all as \
         one {kind} of items, [`pages`]({path}::pages) page by page, and \
         [`max_pages`]({path}::max_pages) caps how many pages are fetched."
    ))
}

/// The `impl Paginated` of a paginated operation.
pub(crate) fn paginated_impl(op: &Operation) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let op_type = ident(&op.type_name);
    let item = type_tokens(&pagination.item, Scope::Outside);
    let input = |role| pagination.inputs.iter().find(|i| i.role == role);
    let position = input(PageInputRole::Offset).or(input(PageInputRole::Page));
    let paging = match (pagination.kind, position.map(|p| p.role)) {
        (PaginationKind::OffsetLimit, Some(PageInputRole::Page)) => quote!(paginate::Paging::Page),
        (PaginationKind::OffsetLimit, _) => quote!(paginate::Paging::Offset),
        (PaginationKind::Cursor, _) => quote!(paginate::Paging::Cursor),
        (PaginationKind::Url, _) => quote!(paginate::Paging::Url),
    };
    let results = match borrowed(&pagination.results) {
        Chain::Place(place) => quote!(#place.len()),
        Chain::Maybe(maybe) => quote!(#maybe.map_or(0, |list| list.len())),
    };
    let next = match pagination.kind {
        PaginationKind::OffsetLimit => None,
        PaginationKind::Cursor => pagination.next_cursor.as_ref(),
        PaginationKind::Url => pagination.next_url.as_ref(),
    };
    let next = match next.map(borrowed) {
        None => quote!(None),
        Some(Chain::Place(place)) => quote!(Some(#place.to_string())),
        Some(Chain::Maybe(maybe)) => quote!(#maybe.map(ToString::to_string)),
    };
    let num_pages = match pagination.num_pages.as_ref() {
        None => quote!(None),
        Some(path) => {
            let wide = path.ty == crate::ir::TypeRef::Primitive(Primitive::I64);
            match (borrowed(path), wide) {
                (Chain::Place(place), true) => quote!(Some(#place)),
                (Chain::Place(place), false) => quote!(Some(i64::from(#place))),
                (Chain::Maybe(maybe), true) => quote!(#maybe.copied()),
                (Chain::Maybe(maybe), false) => quote!(#maybe.map(|pages| i64::from(*pages))),
            }
        }
    };
    let items = match owned(&pagination.results) {
        Chain::Place(place) => place,
        Chain::Maybe(maybe) => quote!(#maybe.unwrap_or_default()),
    };
    let limit = input(PageInputRole::Limit).map(|limit| {
        let read = read_integer(limit);
        quote! {
            #[inline]
            fn limit(&self) -> Option<i64> {
                #read
            }
        }
    });
    let offset = position.map(|position| {
        let read = read_integer(position);
        let place = input_place(position);
        let value = if position.ty == Primitive::I32 {
            quote!(i32::try_from(offset)
                .map_err(|_| Error::Pagination(paginate::PaginationError::OffsetOverflow))?)
        } else {
            quote!(offset)
        };
        let store = if position.optional {
            quote!(#place = Some(#value);)
        } else {
            quote!(#place = #value;)
        };
        quote! {
            #[inline]
            fn offset(&self) -> Option<i64> {
                #read
            }

            #[inline]
            fn set_offset(&mut self, offset: i64) -> Result<(), Error> {
                #store
                Ok(())
            }
        }
    });
    let cursor = input(PageInputRole::Cursor)
        .filter(|_| pagination.kind == PaginationKind::Cursor)
        .map(|cursor| {
            let place = input_place(cursor);
            let store = if cursor.optional {
                quote!(#place = Some(cursor);)
            } else {
                quote!(#place = cursor;)
            };
            quote! {
                #[inline]
                fn set_cursor(&mut self, cursor: String) {
                    #store
                }
            }
        });
    Some(quote! {
        impl paginate::Paginated for #op_type {
            type Item = #item;
            const PAGING: paginate::Paging = #paging;

            #[inline]
            fn page_info(output: &Self::Output) -> paginate::PageInfo {
                paginate::PageInfo {
                    results: #results,
                    next: #next,
                    num_pages: #num_pages,
                }
            }

            #[inline]
            fn into_items(output: Self::Output) -> Vec<Self::Item> {
                #items
            }

            #limit
            #offset
            #cursor
        }
    })
}

/// Where an input is kept on the operation type.
fn input_place(input: &PageInput) -> TokenStream {
    let name = ident(&input.rust_name);
    if input.in_body {
        quote!(self.body.#name)
    } else {
        quote!(self.#name)
    }
}

/// An integer input read as `Option<i64>`.
fn read_integer(input: &PageInput) -> TokenStream {
    let place = input_place(input);
    match (input.optional, input.ty == Primitive::I32) {
        (true, true) => quote!(#place.map(i64::from)),
        (true, false) => quote!(#place),
        (false, true) => quote!(Some(i64::from(#place))),
        (false, false) => quote!(Some(#place)),
    }
}

/// A value reached from `output`: a place, or an `Option` once a step may
/// find nothing.
enum Chain {
    Place(TokenStream),
    Maybe(TokenStream),
}

/// The steps of `path` from `output: &Output`, by reference.
fn borrowed(path: &ValuePath) -> Chain {
    walk(path, false)
}

/// The steps of `path` from `output: Output`, taking the value out.
fn owned(path: &ValuePath) -> Chain {
    walk(path, true)
}

/// The steps of `path` from `output`, taking each value out (`take`) or
/// borrowing it.
fn walk(path: &ValuePath, take: bool) -> Chain {
    let mut chain = Chain::Place(quote!(output));
    for step in &path.steps {
        chain = match step {
            PathStep::Field {
                rust_name,
                optional,
                nullable,
                boxed,
            } => field(chain, &ident(rust_name), *optional, *nullable, *boxed, take),
            PathStep::Index {
                index,
                nullable_items,
            } => element(chain, *index, *nullable_items, take),
        };
    }
    chain
}

/// The field `name` of the value `chain` reaches.
fn field(
    chain: Chain,
    name: &Ident,
    optional: bool,
    nullable: bool,
    boxed: bool,
    take: bool,
) -> Chain {
    if nullable {
        // `Option<Nullable<T>>`: absent and `null` are both nothing.
        let (field, unwrap) = if take {
            (quote!(value.#name), quote!(into_option))
        } else {
            (quote!(value.#name.as_ref()), quote!(as_option))
        };
        return Chain::Maybe(match chain {
            Chain::Place(place) if take => quote!(#place.#name.and_then(|inner| inner.#unwrap())),
            Chain::Place(place) => {
                quote!(#place.#name.as_ref().and_then(|inner| inner.#unwrap()))
            }
            Chain::Maybe(maybe) => {
                quote!(#maybe.and_then(|value| #field).and_then(|inner| inner.#unwrap()))
            }
        });
    }
    match (chain, take) {
        (Chain::Place(place), false) => match (optional, boxed) {
            (false, _) => Chain::Place(quote!(#place.#name)),
            (true, false) => Chain::Maybe(quote!(#place.#name.as_ref())),
            (true, true) => Chain::Maybe(quote!(#place.#name.as_deref())),
        },
        (Chain::Place(place), true) => match (optional, boxed) {
            (false, false) => Chain::Place(quote!(#place.#name)),
            (false, true) => Chain::Place(quote!((*#place.#name))),
            (true, false) => Chain::Maybe(quote!(#place.#name)),
            (true, true) => Chain::Maybe(quote!(#place.#name.map(|value| *value))),
        },
        (Chain::Maybe(maybe), false) => Chain::Maybe(match (optional, boxed) {
            (false, false) => quote!(#maybe.map(|value| &value.#name)),
            (false, true) => quote!(#maybe.map(|value| &*value.#name)),
            (true, false) => quote!(#maybe.and_then(|value| value.#name.as_ref())),
            (true, true) => quote!(#maybe.and_then(|value| value.#name.as_deref())),
        }),
        (Chain::Maybe(maybe), true) => Chain::Maybe(match (optional, boxed) {
            (false, false) => quote!(#maybe.map(|value| value.#name)),
            (false, true) => quote!(#maybe.map(|value| *value.#name)),
            (true, false) => quote!(#maybe.and_then(|value| value.#name)),
            (true, true) => quote!(#maybe.and_then(|value| value.#name.map(|inner| *inner))),
        }),
    }
}

/// The element at `index` (negative: from the end) of the list `chain`
/// reaches.
fn element(chain: Chain, index: i64, nullable_items: bool, take: bool) -> Chain {
    let at = usize::try_from(index).map(proc_macro2::Literal::usize_unsuffixed);
    let found = if take {
        let take = match at {
            Ok(at) => quote!(list.into_iter().nth(#at)),
            Err(_) => {
                let back = from_end(index);
                quote!(list.len().checked_sub(#back).and_then(|at| list.into_iter().nth(at)))
            }
        };
        match chain {
            Chain::Place(place) => quote!(Some(#place).and_then(|list| #take)),
            Chain::Maybe(maybe) => quote!(#maybe.and_then(|list| #take)),
        }
    } else {
        match (chain, at) {
            (Chain::Place(place), Ok(at)) => quote!(#place.get(#at)),
            (Chain::Maybe(maybe), Ok(at)) => quote!(#maybe.and_then(|list| list.get(#at))),
            (Chain::Place(place), Err(_)) => {
                let back = from_end(index);
                quote!(#place.len().checked_sub(#back).and_then(|at| #place.get(at)))
            }
            (Chain::Maybe(maybe), Err(_)) => {
                let back = from_end(index);
                quote!(#maybe.and_then(|list| list.len().checked_sub(#back).and_then(|at| list.get(at))))
            }
        }
    };
    Chain::Maybe(match (nullable_items, take) {
        (false, _) => found,
        (true, false) => quote!(#found.and_then(Option::as_ref)),
        (true, true) => quote!(#found.flatten()),
    })
}

/// How far from the end a negative index counts (`-1` is 1), as a literal.
fn from_end(index: i64) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(
        usize::try_from(index.unsigned_abs()).unwrap_or(usize::MAX),
    )
}

/// The example program of a paginated operation's docs page: every item,
/// across pages, through `futures::TryStreamExt`.
pub(crate) fn example(
    cx: &super::Context<'_>,
    group: &OperationGroup,
    op: &Operation,
    args: &[String],
) -> String {
    format!(
        "use futures::TryStreamExt;\n{setup}    // Every item, page after page; `.await` instead of `.items()` gives one page.\n    let mut items = client\n        .{group}()\n        .{method}({args})\n        .items();\n    while let Some(item) = items.try_next().await? {{\n        println!(\"{{item:?}}\");\n    }}\n    Ok(())\n}}\n",
        setup = super::markdown::example_setup(cx),
        group = group.module,
        method = op.method_name,
        args = args.join(", "),
    )
}

/// The crate README's `## Pagination` section, when some operation pages.
pub(crate) fn readme_section(cx: &super::Context<'_>) -> String {
    let paged: Vec<(&OperationGroup, &Operation)> = cx
        .api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
        .filter(|(_, o)| o.pagination.is_some())
        .collect();
    let Some((group, op)) = paged.first() else {
        return String::new();
    };
    let lib = &cx.lib_name;
    let listed: Vec<String> = paged
        .iter()
        .map(|(g, o)| format!("`{}().{}()`", g.module, o.method_name))
        .collect();
    let mut out = format!(
        "## Pagination\n\nSome list operations return one page of results and say how to ask for the next: {}. \
         Awaiting their request gives one page, as for any operation; on the request, \
         `.items()` walks every page instead, as a `Stream` of the items (`futures::TryStreamExt` reads it), \
         and `.pages()` as a `Stream` of whole pages, with the fields beside the results. \
         The `blocking` client's requests have the same two methods, as iterators.\n\n",
        listed.join(", ")
    );
    if let Some(args) = super::example::call_arguments(cx.api, op, lib) {
        let program = super::markdown::import_models(cx, &example(cx, group, op, &args));
        out.push_str(&format!("```rust,no_run\n{program}```\n\n"));
    }
    out.push_str(
        "Nothing is sent until the stream is first polled, and each further page only when its items are wanted: \
         dropping the stream stops the walk. Every page request is the first one with only its paging inputs changed \
         (offset, page number or cursor), so parameters, headers, per-call server, timeouts, retries and hooks apply to each page. \
         The walk ends at an empty page, at a page shorter than the `limit` the request sets, when there is no next cursor or URL, \
         or past the number of pages the response gives. An error on any page is yielded once and ends the stream; \
         a server that repeats a cursor or next-page URL ends it with `Error::Pagination` rather than looping, \
         and a next-page URL on another server is not followed (no credential leaves for another origin). \
         `.max_pages(n)` on the request caps how many pages are fetched.\n\n",
    );
    out
}
