//! The search page and the "may already be answered" suggestions shown
//! while a thread title is typed.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use stoa_core::search::{self, SearchPage};
use stoa_search::Hit;

use super::{PageCtx, Query, errors, page};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search_page)).route("/s/{slug}/similar", get(similar))
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchView {
    ctx: PageCtx,
    sp: SearchPage,
}

async fn search_page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<SearchQuery>) -> Response {
    match search::search(&state.app, &ctx.actor(), &q.q, q.page.unwrap_or(1)).await {
        Ok(sp) => page(&SearchView { ctx, sp }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct SimilarQuery {
    #[serde(default)]
    title: String,
}

#[derive(Template)]
#[template(path = "similar_fragment.html")]
struct SimilarFragment {
    ctx: PageCtx,
    similar: Vec<Hit>,
}

/// An HTML fragment for htmx: nothing at all when nothing matches, or when
/// the space cannot be read (so it tells outsiders nothing).
async fn similar(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<SimilarQuery>,
) -> Response {
    let similar = search::similar(&state.app, &ctx.actor(), &q.title, Some(&slug)).await.unwrap_or_default();
    page(&SimilarFragment { ctx, similar })
}
