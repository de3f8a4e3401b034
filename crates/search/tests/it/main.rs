//! The integration tests of `stoa-search`, in one binary (each extra test
//! binary re-links the crate). Tests go through the public API only.

#![allow(clippy::unwrap_used)]

mod facets;
mod helpers;
mod lifecycle;
mod paging;
mod permissions;
mod query;
mod snippets;
mod suggest;
