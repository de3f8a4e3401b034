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
use stoa_store::indexing::{self, Searchable, Table};

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

/// The document a row of `table` is in the index, `None` when it is not
/// searched (deleted, hidden, not open yet; and an opening post, which is
/// searched as part of its thread).
fn document(table: Table, row: Searchable) -> Option<Doc> {
    match table {
        Table::Threads if row.deleted_at.is_none() => {
            let url = format!("/s/{}/t/{}", row.space_slug, row.id);
            Some(doc(Kind::Thread, row, url))
        }
        Table::Posts if row.deleted_at.is_none() && row.number != Some(1) => {
            let url = format!("/p/{}", row.id);
            Some(doc(Kind::Post, row, url))
        }
        Table::WikiPages => {
            let url = format!("/s/{}/wiki/{}", row.space_slug, percent_encode_path(row.slug.as_deref().unwrap_or("")));
            Some(doc(Kind::WikiPage, row, url))
        }
        Table::LibraryItems if row.deleted_at.is_none() => {
            let url = format!("/library/{}", row.id);
            Some(doc(Kind::LibraryItem, row, url))
        }
        Table::Collections if row.deleted_at.is_none() => {
            let url = format!("/collections/{}", row.id);
            Some(doc(Kind::Collection, row, url))
        }
        _ => None,
    }
}

/// The kind of document a row of `table` becomes.
fn kind_of(table: Table) -> Kind {
    match table {
        Table::Threads => Kind::Thread,
        Table::Posts => Kind::Post,
        Table::WikiPages => Kind::WikiPage,
        Table::LibraryItems => Kind::LibraryItem,
        Table::Collections => Kind::Collection,
    }
}

/// The index changes that bring one thing of `table` up to date.
async fn refresh(conn: &mut Conn, table: Table, id: &str, out: &mut Vec<Change>) -> Result<()> {
    let row = indexing::one(conn, table, id).await?;
    // The opening post is searched as part of its thread.
    let opening = table == Table::Posts && row.as_ref().is_some_and(|r| r.number == Some(1));
    let thread = row.as_ref().and_then(|r| r.thread_id.clone());
    match row.and_then(|row| document(table, row)) {
        Some(doc) => out.push(Change::Upsert(doc)),
        None => out.push(Change::Delete { kind: kind_of(table), id: id.to_owned() }),
    }
    if opening && let Some(thread) = thread {
        Box::pin(refresh(conn, Table::Threads, &thread, out)).await?;
    }
    Ok(())
}

/// The index changes that bring one touched thing up to date.
async fn changes_for(conn: &mut Conn, t: &Touched, out: &mut Vec<Change>) -> Result<()> {
    match t {
        Touched::Thread(id) => refresh(conn, Table::Threads, id, out).await?,
        Touched::Post(id) => refresh(conn, Table::Posts, id, out).await?,
        Touched::Replies(thread_id) => {
            refresh(conn, Table::Threads, thread_id, out).await?;
            for post in indexing::replies_of(conn, thread_id).await? {
                refresh(conn, Table::Posts, &post, out).await?;
            }
        }
        Touched::Wiki(id) => refresh(conn, Table::WikiPages, id, out).await?,
        Touched::Item(id) => refresh(conn, Table::LibraryItems, id, out).await?,
        Touched::Collection(id) => refresh(conn, Table::Collections, id, out).await?,
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

/// Brings the index up to the newest event; returns how many events it
/// covered. An index without a cursor (new, lost, cleared or cut short
/// while filling) is first filled from the tables ([`fill`]); then the
/// events after are read. Only one catch-up runs at a time per application.
pub async fn catch_up(app: &Stoa) -> Result<u64> {
    let _one_at_a_time = app.indexing.lock().await;
    let filled = if app.search.cursor().is_none() { fill(app, &|_, _| {}).await? } else { 0 };
    Ok(filled + feed(app, &|_, _| {}).await?)
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

/// Rows read per page while filling the index.
const FILL_PAGE: i64 = 2_000;
/// How often a fill commits what it has, so searches meanwhile find more.
const FILL_COMMIT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Fills an empty index from the tables themselves rather than by
/// replaying the log (one query per thing an event touched): each table is
/// read a page at a time, in id order, while a blocking thread turns the
/// previous page into documents and hands them to the index, which indexes
/// on a thread of its own. The cursor is the log's end as it was before the
/// first page was read, so what changed meanwhile is read again from the
/// log after (changes are idempotent). Until the final commit, searches
/// find part of what there is, and say so ([`SearchPage::partial`]); a fill
/// cut short leaves no cursor and starts again. Reports `(rows read, rows
/// in all)`; returns how many events the index now covers.
async fn fill(app: &Stoa, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<u64> {
    use std::sync::atomic::Ordering;
    struct Filling<'a>(&'a std::sync::atomic::AtomicBool);
    impl Drop for Filling<'_> {
        fn drop(&mut self) {
            self.0.store(false, Ordering::Relaxed);
        }
    }
    app.filling.store(true, Ordering::Relaxed);
    let _filling = Filling(&app.filling);
    let index = app.search.clone();
    let mut conn = app.store.read().await?;
    let last = events::last_seq(&mut conn).await?;
    let total = u64::try_from(indexing::count_all(&mut conn).await?).unwrap_or(0);
    let cleared = index.clone();
    tokio::task::spawn_blocking(move || cleared.clear()).await.map_err(internal)?.map_err(internal)?;

    let (pages, mut incoming) = tokio::sync::mpsc::channel::<(Table, Vec<Searchable>)>(2);
    let adder = index.clone();
    let indexer = tokio::task::spawn_blocking(move || -> std::result::Result<(), stoa_search::SearchError> {
        let mut committed = std::time::Instant::now();
        while let Some((table, rows)) = incoming.blocking_recv() {
            adder.add(rows.into_iter().filter_map(|row| document(table, row)).collect())?;
            if committed.elapsed() >= FILL_COMMIT_EVERY {
                adder.commit(None)?;
                committed = std::time::Instant::now();
            }
        }
        Ok(())
    });
    let read = async {
        let mut done = 0u64;
        for table in Table::ALL {
            let mut after = String::new();
            loop {
                let rows = indexing::page(&mut conn, table, &after, FILL_PAGE).await?;
                let Some(row) = rows.last() else { break };
                after = row.id.clone();
                let full = rows.len() as i64 == FILL_PAGE;
                done += rows.len() as u64;
                // The indexer stopped: its error is the one to report.
                if pages.send((table, rows)).await.is_err() || !full {
                    break;
                }
                progress(done, total.max(done));
            }
        }
        progress(done, total.max(done));
        Ok::<_, CoreError>(())
    };
    let read = read.await;
    drop(pages);
    let indexed = indexer.await.map_err(internal)?;
    let done = match read.and_then(|()| indexed.map_err(internal)) {
        Ok(()) => {
            let index = index.clone();
            tokio::task::spawn_blocking(move || index.commit(Some(last))).await.map_err(internal)?.map_err(internal)
        }
        Err(e) => Err(e),
    };
    if let Err(e) = done {
        tokio::task::spawn_blocking(move || index.rollback()).await.map_err(internal)?;
        return Err(e);
    }
    Ok(u64::try_from(last).unwrap_or(0))
}

/// Empties the index and fills it again from the tables, then reads the
/// events since, reporting `(rows read, rows in all)` as it fills.
/// Searches made meanwhile see a partial index and say so. Returns how
/// many events the index covers.
pub async fn rebuild(app: &Stoa, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<u64> {
    let _one_at_a_time = app.indexing.lock().await;
    let filled = fill(app, progress).await?;
    Ok(filled + feed(app, &|_, _| {}).await?)
}

/// Whether searches now find only part of what there is: the index is
/// being filled, or has not started to be (no cursor yet).
pub fn partial(app: &Stoa) -> bool {
    app.filling.load(std::sync::atomic::Ordering::Relaxed) || app.search.cursor().is_none()
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
    /// The index is being filled (it was lost, or is being rebuilt): these
    /// results are some of what there is, not all.
    pub partial: bool,
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
    Ok(SearchPage { query: text.to_owned(), results, page, pages, partial: partial(app) })
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
