//! Search: feeding the index from the event log, and asking it with the
//! spaces the viewer may read.
//!
//! The index ([`stoa_search`]) keeps the sequence number of the last event it
//! reflects in its own commits. [`catch_up`] reads the events after it,
//! works out which things they touched, reads each of those as it is *now*
//! and replaces it in the index (or removes it), then commits with the new
//! position. Replaying from any point gives the same index, so deleting the
//! index directory, or [`rebuild`], starts again from the first event.
//!
//! What a person may read is decided here, with the permission policy, and
//! handed to the index as a list of space ids; the index never returns,
//! counts or quotes anything outside them.
//!
//! A search is pure CPU work. At most one runs per core; the rest wait their
//! turn. Sharing the cores among all searches at once would stretch every
//! search, the long ones most: a search that takes 6 ms alone would take
//! eight times that with sixteen running together on two cores.

use std::collections::HashSet;

use serde::Serialize;
use stoa_domain::Action;
use stoa_domain::markdown::{self, percent_encode_path};
use stoa_search::{Change, Doc, Hit, Kind, Query, Results};
use stoa_store::Conn;
use stoa_store::events::{self, Event, kind};
use stoa_store::indexing::{self, Searchable};

use crate::spaces::{self, allowed};
use crate::{Actor, CoreError, Result, Stoa};

/// Events read per batch while catching up.
const BATCH: i64 = 2_000;
/// Results per page.
pub const PER_PAGE: usize = 20;
/// The longest text kept per document.
const MAX_BODY_CHARS: usize = 30_000;

fn internal(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("search: {e}"))
}

/// A thing an event touched.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Touched {
    Thread(String),
    Post(String),
    /// Every reply of a thread (after a rename: they carry its title).
    Replies(String),
    Wiki(String),
    Item(String),
    Collection(String),
    /// Everything in a space (after its name changed: documents carry it).
    Space(String),
}

fn touched(event: &Event) -> Vec<Touched> {
    let Some(subject) = event.subject_id.clone() else { return Vec::new() };
    let data = || serde_json::from_str::<serde_json::Value>(&event.data).unwrap_or_default();
    let field = |name: &str| data().get(name).and_then(|v| v.as_str()).map(str::to_owned);
    match event.kind.as_str() {
        kind::THREAD_CREATED => vec![Touched::Thread(subject)],
        kind::THREAD_RENAMED
        | kind::THREAD_MOVED
        | kind::THREAD_STATE_CHANGED
        | kind::THREAD_HIDDEN
        | kind::THREAD_RESTORED => vec![Touched::Replies(subject)],
        // The new thread's opening post was a reply until now.
        kind::THREAD_SPLIT => {
            let mut out = vec![Touched::Replies(subject)];
            out.extend(field("first_post_id").map(Touched::Post));
            out
        }
        kind::THREAD_MERGED => {
            let mut out = vec![Touched::Replies(subject)];
            out.extend(field("from").map(Touched::Thread));
            out
        }
        kind::POST_CREATED | kind::POST_EDITED | kind::POST_DELETED | kind::POST_HIDDEN | kind::POST_RESTORED => {
            vec![Touched::Post(subject)]
        }
        kind::WIKI_PAGE_CREATED | kind::WIKI_PAGE_EDITED => vec![Touched::Wiki(subject)],
        kind::LIBRARY_ITEM_CREATED | kind::LIBRARY_ITEM_UPDATED | kind::LIBRARY_ITEM_DELETED => {
            vec![Touched::Item(subject)]
        }
        kind::COLLECTION_CREATED | kind::COLLECTION_UPDATED | kind::COLLECTION_DELETED => {
            vec![Touched::Collection(subject)]
        }
        kind::SPACE_UPDATED => vec![Touched::Space(subject)],
        _ => Vec::new(),
    }
}

fn doc(kind: Kind, row: Searchable, url: String) -> Doc {
    Doc {
        kind,
        body: markdown::plain_text(&row.body, MAX_BODY_CHARS),
        id: row.id,
        space_id: row.space_id,
        space_slug: row.space_slug,
        space_name: row.space_name,
        title: row.title,
        tags: row.tags.split_whitespace().map(str::to_owned).collect(),
        url,
        updated_at: row.updated_at,
    }
}

/// The index changes that bring one touched thing up to date.
async fn changes_for(conn: &mut Conn, t: &Touched, out: &mut Vec<Change>) -> Result<()> {
    let gone = |kind, id: &str| Change::Delete { kind, id: id.to_owned() };
    match t {
        Touched::Thread(id) => match indexing::thread(conn, id).await? {
            Some(row) if row.deleted_at.is_none() => {
                let url = format!("/s/{}/t/{}", row.space_slug, row.id);
                out.push(Change::Upsert(doc(Kind::Thread, row, url)));
            }
            _ => out.push(gone(Kind::Thread, id)),
        },
        Touched::Post(id) => match indexing::post(conn, id).await? {
            // The opening post is searched as part of its thread.
            Some(row) if row.number == Some(1) => {
                out.push(gone(Kind::Post, id));
                let thread = row.thread_id.clone().unwrap_or_default();
                Box::pin(changes_for(conn, &Touched::Thread(thread), out)).await?;
            }
            Some(row) if row.deleted_at.is_none() => {
                let url = format!("/p/{}", row.id);
                out.push(Change::Upsert(doc(Kind::Post, row, url)));
            }
            _ => out.push(gone(Kind::Post, id)),
        },
        Touched::Replies(thread_id) => {
            Box::pin(changes_for(conn, &Touched::Thread(thread_id.clone()), out)).await?;
            for post in indexing::replies_of(conn, thread_id).await? {
                Box::pin(changes_for(conn, &Touched::Post(post), out)).await?;
            }
        }
        Touched::Wiki(id) => match indexing::wiki_page(conn, id).await? {
            Some(row) => {
                let url =
                    format!("/s/{}/wiki/{}", row.space_slug, percent_encode_path(row.slug.as_deref().unwrap_or("")));
                out.push(Change::Upsert(doc(Kind::WikiPage, row, url)));
            }
            None => out.push(gone(Kind::WikiPage, id)),
        },
        Touched::Item(id) => match indexing::library_item(conn, id).await? {
            Some(row) if row.deleted_at.is_none() => {
                let url = format!("/library/{}", row.id);
                out.push(Change::Upsert(doc(Kind::LibraryItem, row, url)));
            }
            _ => out.push(gone(Kind::LibraryItem, id)),
        },
        Touched::Collection(id) => match indexing::collection(conn, id).await? {
            Some(row) if row.deleted_at.is_none() => {
                let url = format!("/collections/{}", row.id);
                out.push(Change::Upsert(doc(Kind::Collection, row, url)));
            }
            _ => out.push(gone(Kind::Collection, id)),
        },
        Touched::Space(id) => {
            for (kind, thing) in indexing::things_in_space(conn, id).await? {
                let touched = match kind.as_str() {
                    "thread" => Touched::Thread(thing),
                    "post" => Touched::Post(thing),
                    "wiki" => Touched::Wiki(thing),
                    "library" => Touched::Item(thing),
                    _ => Touched::Collection(thing),
                };
                Box::pin(changes_for(conn, &touched, out)).await?;
            }
        }
    }
    Ok(())
}

/// How long the background indexer waits after a catch-up that found
/// something, before it looks again (half a second passes besides).
pub const COMMIT_PAUSE: std::time::Duration = std::time::Duration::from_millis(1500);

/// Brings the index up to the newest event; returns how many events it read.
/// Only one catch-up runs at a time per application.
pub async fn catch_up(app: &Stoa) -> Result<u64> {
    let _one_at_a_time = app.indexing.lock().await;
    feed(app, &|_, _| {}).await
}

async fn feed(app: &Stoa, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<u64> {
    let index = &app.search;
    let mut cursor = index.cursor().unwrap_or(0);
    let mut conn = app.store.read().await?;
    let last = events::last_seq(&mut conn).await?;
    let start = cursor;
    loop {
        let batch = events::after(&mut conn, cursor, BATCH).await?;
        let Some(newest) = batch.last().map(|e| e.seq) else { break };
        let mut seen = HashSet::new();
        let mut changes = Vec::new();
        for t in batch.iter().flat_map(touched) {
            if seen.insert(t.clone()) {
                changes_for(&mut conn, &t, &mut changes).await?;
            }
        }
        let index = index.clone();
        tokio::task::spawn_blocking(move || index.apply(changes, newest)).await.map_err(internal)?.map_err(internal)?;
        cursor = newest;
        progress((cursor - start).max(0) as u64, (last - start).max(0) as u64);
    }
    Ok((cursor - start).max(0) as u64)
}

/// Empties the index and feeds it again from the first event, reporting
/// `(events done, events in all)` as it goes. Searches made meanwhile see a
/// partial index.
pub async fn rebuild(app: &Stoa, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<u64> {
    let _one_at_a_time = app.indexing.lock().await;
    let index = app.search.clone();
    tokio::task::spawn_blocking(move || index.clear()).await.map_err(internal)?.map_err(internal)?;
    feed(app, progress).await
}

/// The ids of every space `actor` may read.
pub async fn readable_spaces(app: &Stoa, actor: &Actor) -> Result<Vec<String>> {
    let mut conn = app.store.read().await?;
    let views = stoa_store::spaces::all_views(&mut conn, actor.id()).await?;
    Ok(views.into_iter().filter(|v| allowed(actor, v, Action::ReadContent)).map(|v| v.space.id).collect())
}

/// A page of search results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    pub query: String,
    pub results: Results,
    pub page: usize,
    pub pages: usize,
}

/// Searches everything `actor` may read. See [`stoa_search::ParsedQuery`]
/// for the query language.
pub async fn search(app: &Stoa, actor: &Actor, text: &str, page: usize) -> Result<SearchPage> {
    let page = page.clamp(1, 500);
    let readable_spaces = readable_spaces(app, actor).await?;
    let query = Query { text: text.to_owned(), readable_spaces, offset: (page - 1) * PER_PAGE, limit: PER_PAGE };
    let index = app.search.clone();
    let results =
        tokio::task::spawn_blocking(move || index.search(&query)).await.map_err(internal)?.map_err(internal)?;
    let pages = results.total.div_ceil(PER_PAGE).max(1);
    Ok(SearchPage { query: text.to_owned(), results, page, pages })
}

/// Threads and wiki pages that may already answer a question being written:
/// the best matches for a draft title, in one space when `space_slug` is
/// given (and readable), else everywhere the actor may read.
pub async fn similar(app: &Stoa, actor: &Actor, draft: &str, space_slug: Option<&str>) -> Result<Vec<Hit>> {
    let draft: String = draft.chars().take(300).collect();
    if draft.split_whitespace().count() == 0 {
        return Ok(Vec::new());
    }
    let readable = match space_slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => {
            let mut conn = app.store.read().await?;
            vec![spaces::load(&mut conn, actor, slug, Action::ReadContent).await?.space.id]
        }
        None => readable_spaces(app, actor).await?,
    };
    let index = app.search.clone();
    let _turn = app.searching.acquire().await.map_err(internal)?;
    tokio::task::spawn_blocking(move || index.suggest(&draft, &readable, &[Kind::Thread, Kind::WikiPage], 5))
        .await
        .map_err(internal)?
        .map_err(internal)
}
