//! Walking a paginated list: [`Request::items`] and [`Request::pages`] (and
//! their blocking twins) send the first request as `.await` would, then one
//! request per further page, each a copy of the first with only its paging
//! inputs changed (parameters, headers, server, timeouts, retries and hooks
//! all carry over). Copied only into crates with a paginated operation.

use std::collections::HashSet;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream};
use reqwest::Url;

use super::error::Error;
pub(crate) use super::error::PaginationError;
use super::request::{send_prepared, CallOptions, Operation, Request};
use super::transport::ClientCore;

/// A list operation whose results continue on further pages, as its
/// `x-speakeasy-pagination` declares. Implemented by this crate's
/// operation types only.
pub trait Paginated: Operation + Clone {
    /// One element of a page's results.
    type Item: Send + 'static;
    /// How the next page is asked for.
    #[doc(hidden)]
    const PAGING: Paging;
    /// What a page says about the next one.
    #[doc(hidden)]
    fn page_info(output: &Self::Output) -> PageInfo;
    /// The page's results, taken out of it.
    #[doc(hidden)]
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
    /// The page size the request asks for, when it sets one.
    #[doc(hidden)]
    fn limit(&self) -> Option<i64> {
        None
    }
    /// The offset (or page number) the request asks for, when it sets one.
    #[doc(hidden)]
    fn offset(&self) -> Option<i64> {
        None
    }
    /// Asks for another offset (or page number).
    #[doc(hidden)]
    fn set_offset(&mut self, _offset: i64) -> Result<(), Error> {
        Ok(())
    }
    /// Asks for the page after `cursor`.
    #[doc(hidden)]
    fn set_cursor(&mut self, _cursor: String) {}
}

/// How the next page of a [`Paginated`] operation is asked for.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// The offset advances by the number of results.
    Offset,
    /// The page number advances by one, from 1.
    Page,
    /// The response's next cursor goes into the cursor input.
    Cursor,
    /// The response names the next page's URL.
    Url,
}

/// What a page says about the next one.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct PageInfo {
    /// How many results the page holds.
    pub results: usize,
    /// The next cursor or next-page URL, when the response has one.
    pub next: Option<String>,
    /// The number of pages, when the response says.
    pub num_pages: Option<i64>,
}

/// Where the walk stands.
enum Next {
    /// The first page, as the request asks for it.
    First,
    /// A later page: the operation carries its paging inputs.
    Offset(i64),
    Cursor(String),
    Url(Url),
    /// An error to report before ending.
    Fail(Error),
    Done,
}

/// The state of a walk: sends one page per [`Pager::next_page`].
pub(crate) struct Pager<O: Paginated> {
    core: Arc<ClientCore>,
    operation: O,
    options: CallOptions,
    next: Next,
    fetched: u64,
    /// Cursors or URLs already followed.
    seen: HashSet<String>,
    /// The URL of the last page, which a relative next-page URL is read
    /// against.
    last_url: Option<Url>,
}

impl<O: Paginated> Pager<O> {
    pub(crate) fn new(request: Request<O>) -> Self {
        let (core, operation, options) = request.into_parts();
        Self {
            core,
            operation,
            options,
            next: Next::First,
            fetched: 0,
            seen: HashSet::new(),
            last_url: None,
        }
    }

    /// The next page; `None` once the walk is over. An error is returned
    /// once, and ends the walk.
    pub(crate) async fn next_page(&mut self) -> Option<Result<O::Output, Error>> {
        if self
            .options
            .max_pages
            .is_some_and(|max| self.fetched >= max)
        {
            self.next = Next::Done;
        }
        let mut options = self.options.clone();
        match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return None,
            Next::Fail(error) => return Some(Err(error)),
            Next::First => {}
            Next::Offset(offset) => {
                if let Err(error) = self.operation.set_offset(offset) {
                    return Some(Err(error));
                }
            }
            Next::Cursor(cursor) => self.operation.set_cursor(cursor),
            Next::Url(url) => options.page_url = Some(url),
        }
        let validate = !(options.skip_validation || self.core.skips_validation());
        let prepared = self.operation.prepare(validate);
        if O::PAGING == Paging::Url {
            if let Ok(prepared) = &prepared {
                self.last_url = self.core.call_url(prepared, &options).ok();
            }
        }
        let page = send_prepared::<O>(&self.core, prepared, options).await;
        self.fetched = self.fetched.saturating_add(1);
        if let Ok(output) = &page {
            self.next = self.after(O::page_info(output));
        }
        Some(page)
    }

    /// Where to go after a page that said `info`.
    fn after(&mut self, info: PageInfo) -> Next {
        if info.results == 0 {
            return Next::Done;
        }
        let count = i64::try_from(info.results).unwrap_or(i64::MAX);
        let short = self.operation.limit().is_some_and(|limit| count < limit);
        match O::PAGING {
            Paging::Offset | Paging::Page if short => Next::Done,
            Paging::Offset => {
                let offset = self.operation.offset().unwrap_or(0);
                match offset.checked_add(count) {
                    Some(next) => Next::Offset(next),
                    None => Next::Fail(Error::Pagination(PaginationError::OffsetOverflow)),
                }
            }
            Paging::Page => {
                let page = self.operation.offset().unwrap_or(1);
                match page.checked_add(1) {
                    Some(next) if info.num_pages.is_some_and(|pages| next > pages) => Next::Done,
                    Some(next) => Next::Offset(next),
                    None => Next::Fail(Error::Pagination(PaginationError::OffsetOverflow)),
                }
            }
            Paging::Cursor => match info.next.filter(|cursor| !cursor.is_empty()) {
                None => Next::Done,
                Some(cursor) if !self.seen.insert(cursor.clone()) => {
                    Next::Fail(Error::Pagination(PaginationError::RepeatedCursor(cursor)))
                }
                Some(cursor) => Next::Cursor(cursor),
            },
            Paging::Url => match info.next.filter(|url| !url.is_empty()) {
                None => Next::Done,
                Some(next) => self.follow(next),
            },
        }
    }

    /// The next-page URL `next`, read against the last page's URL, if it is
    /// on the same origin and new.
    fn follow(&mut self, next: String) -> Next {
        let resolved = match &self.last_url {
            Some(base) => base.join(&next),
            None => Url::parse(&next),
        };
        let Ok(url) = resolved else {
            return Next::Fail(Error::Pagination(PaginationError::InvalidUrl(next)));
        };
        let same_origin = self
            .last_url
            .as_ref()
            .is_some_and(|base| base.origin() == url.origin());
        if !same_origin {
            return Next::Fail(Error::Pagination(PaginationError::ForeignUrl(
                url.to_string(),
            )));
        }
        if !self.seen.insert(url.to_string()) {
            return Next::Fail(Error::Pagination(PaginationError::RepeatedUrl(
                url.to_string(),
            )));
        }
        Next::Url(url)
    }
}

impl<O: Paginated> Request<O> {
    /// Walks the list: a stream of the items of every page, in order.
    ///
    /// Nothing is sent until the stream is first polled, and each further
    /// page only when its items are wanted; dropping the stream stops the
    /// walk. Every page request is this request with only its paging inputs
    /// changed. An error (on any page) is yielded once, and ends the stream.
    pub fn items(self) -> impl Stream<Item = Result<O::Item, Error>> + Send + Unpin {
        Items::<O> {
            pages: Box::pin(self.pages()),
            buffer: Vec::new().into_iter(),
        }
    }

    /// Walks the list page by page: a stream of whole responses, so that
    /// the fields beside the results (a total count...) stay at hand. Lazy,
    /// and ended by an error, as [`items`](Self::items).
    pub fn pages(self) -> impl Stream<Item = Result<O::Output, Error>> + Send + Unpin {
        Box::pin(stream::unfold(Pager::new(self), |mut pages| async move {
            let page = pages.next_page().await?;
            Some((page, pages))
        }))
    }

    /// Fetches at most `pages` pages when walking the list with
    /// [`items`](Self::items) or [`pages`](Self::pages); awaiting the
    /// request fetches one page whatever this says.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.options_mut().max_pages = Some(pages);
        self
    }
}

/// The items of a walk: served from the current page without a future per
/// item (a page's items are most of the polls).
struct Items<O: Paginated> {
    pages: Pin<Box<dyn Stream<Item = Result<O::Output, Error>> + Send>>,
    buffer: std::vec::IntoIter<O::Item>,
}

// No field is ever pinned in place: the page stream is boxed, and items
// are moved out of the buffer.
impl<O: Paginated> Unpin for Items<O> {}

impl<O: Paginated> Stream for Items<O> {
    type Item = Result<O::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => self.buffer = O::into_items(page).into_iter(),
            }
        }
    }
}

#[cfg(feature = "blocking")]
mod blocking {
    use std::sync::Arc;

    use super::{Pager, Paginated};
    use crate::runtime::blocking::{BlockingRuntime, Request};
    use crate::runtime::error::Error;

    /// The pages of a list, fetched on the blocking runtime one at a time.
    struct BlockingPages<O: Paginated> {
        pager: Option<Pager<O>>,
        runtime: Arc<BlockingRuntime>,
    }

    impl<O: Paginated> Iterator for BlockingPages<O> {
        type Item = Result<O::Output, Error>;

        fn next(&mut self) -> Option<Self::Item> {
            let mut pager = self.pager.take()?;
            let fetched = self.runtime.run(async move {
                let page = pager.next_page().await;
                Ok((pager, page))
            });
            match fetched {
                Ok((pager, page)) => {
                    self.pager = Some(pager);
                    page
                }
                // The runtime is gone, and the pager with it: report it once.
                Err(error) => Some(Err(error)),
            }
        }
    }

    impl<O: Paginated> Request<O> {
        /// Walks the list: the items of every page, in order, fetching each
        /// page when its items are wanted; see the async `Request::items`.
        pub fn items(self) -> impl Iterator<Item = Result<O::Item, Error>> + Send {
            let mut items = Vec::new().into_iter();
            let mut pages = self.pages();
            std::iter::from_fn(move || loop {
                if let Some(item) = items.next() {
                    return Some(Ok(item));
                }
                match pages.next()? {
                    Ok(page) => items = O::into_items(page).into_iter(),
                    Err(error) => return Some(Err(error)),
                }
            })
        }

        /// Walks the list page by page; see the async `Request::pages`.
        pub fn pages(self) -> impl Iterator<Item = Result<O::Output, Error>> + Send {
            let (inner, runtime) = self.into_parts();
            BlockingPages {
                pager: Some(Pager::new(inner)),
                runtime,
            }
        }

        /// Fetches at most `pages` pages when walking the list; see the
        /// async `Request::max_pages`.
        pub fn max_pages(self, pages: u64) -> Self {
            let (inner, runtime) = self.into_parts();
            Request::new(inner.max_pages(pages), runtime)
        }
    }
}
