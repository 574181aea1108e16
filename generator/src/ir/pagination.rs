//! Paged lists: how an operation's results continue (`x-speakeasy-pagination`).

use serde::{Deserialize, Serialize};

use super::{Primitive, TypeRef};

/// How a list operation's results continue on further pages, from its
/// `x-speakeasy-pagination` extension, checked against the operation's
/// inputs and success response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// How the next page is asked for.
    pub kind: PaginationKind,
    /// The inputs that select a page, each at most once per role.
    pub inputs: Vec<PageInput>,
    /// Where the page's items are in the response (`outputs.results`).
    pub results: ValuePath,
    /// The type of one item of `results`.
    pub item: TypeRef,
    /// The number of pages (`outputs.numPages`), for page-numbered paging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_pages: Option<ValuePath>,
    /// The cursor of the next page (`outputs.nextCursor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<ValuePath>,
    /// The URL of the next page (`outputs.nextUrl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_url: Option<ValuePath>,
}

/// The `type` of an `x-speakeasy-pagination` declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaginationKind {
    /// `offsetLimit`: an offset (or page number) input advanced page by page.
    OffsetLimit,
    /// `cursor`: the response's next cursor goes into the cursor input.
    Cursor,
    /// `url`: the response names the next page's URL.
    Url,
}

/// One input that selects a page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageInput {
    /// What it means.
    pub role: PageInputRole,
    /// The parameter or body field as the document names it.
    pub wire_name: String,
    /// The Rust name of the parameter, or of the body field.
    pub rust_name: String,
    /// Whether it is a field of the request body rather than a parameter.
    pub in_body: bool,
    /// Whether it is optional (an `Option` on the operation or body).
    pub optional: bool,
    /// Its type: an integer (offset, limit, page) or a string or integer
    /// (cursor).
    pub ty: Primitive,
}

/// What a [`PageInput`] carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageInputRole {
    /// The page number, from 1.
    Page,
    /// The number of items to skip.
    Offset,
    /// The page size.
    Limit,
    /// The cursor of the page to fetch.
    Cursor,
}

/// A JSONPath of a response value, resolved against the response's type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValuePath {
    /// The expression as the document wrote it, e.g. `$.data[-1].id`.
    pub expression: String,
    /// The steps from the response to the value.
    pub steps: Vec<PathStep>,
    /// The type of the value reached (a list for `results`).
    pub ty: TypeRef,
}

/// One step of a [`ValuePath`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PathStep {
    /// A struct field.
    Field {
        /// The Rust field name.
        rust_name: String,
        /// Whether the field is an `Option`.
        optional: bool,
        /// Whether the field may also be `null` inside that `Option`
        /// (`Option<Nullable<T>>`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        nullable: bool,
        /// Whether the field is boxed.
        boxed: bool,
    },
    /// A list element; negative counts from the end (`-1` is the last).
    Index {
        /// The index.
        index: i64,
        /// Whether the list's elements are nullable (`Option`).
        nullable_items: bool,
    },
}
