//! The wiki of a space: pages nested under parents, every save a revision,
//! differences and restores, a talk page per page, recent changes.
//!
//! A save names the revision it started from. When someone else saved in
//! between, the two edits are merged line by line ([`stoa_domain::wiki::merge`]);
//! when they overlap, nothing is written and the person saving gets
//! [`Saved::Conflict`] with both texts, their own intact, to resolve and save
//! again. No save ever overwrites another silently.

use serde::Serialize;
use stoa_domain::wiki::{self as rules, DiffHunk, EditSummary, LongText, Merged};
use stoa_domain::{Action, PostBody, Title, markdown};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::threads::NewThread;
use stoa_store::wiki::{self as store, NewPage, NewRevision, PageListItem, PageRow, RevisionListItem};
use stoa_store::{Conn, dialect, new_id};

use crate::discussions;
use crate::spaces::{self, Permissions, SpaceSummary};
use crate::{Actor, CoreError, FieldError, Result, Stoa, field};

/// Revisions per page of a history or of recent changes.
pub const REVISIONS_PER_PAGE: i64 = 50;
/// How deep pages may nest.
pub const MAX_DEPTH: usize = 8;

/// Where a space's wiki pages live; `[[links]]` are rendered against it.
pub fn base_path(space_slug: &str) -> String {
    format!("/s/{space_slug}/wiki/")
}

/// A page as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub revision: i64,
    pub body: String,
    /// The rendered text, with links to missing pages marked `wiki-missing`.
    pub body_html: String,
    pub protected: bool,
    pub talk_thread_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by_username: String,
    pub updated_by_display_name: String,
}

/// A page in a list or a breadcrumb trail.
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub slug: String,
    pub title: String,
}

impl From<&PageListItem> for PageLink {
    fn from(p: &PageListItem) -> Self {
        Self { slug: p.slug.clone(), title: p.title.clone() }
    }
}

/// What the viewer may do with a page.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PageRights {
    /// Edit, restore, start the talk page.
    pub edit: bool,
    /// Protect and unprotect.
    pub protect: bool,
}

/// A page view: the page if it exists, its place in the tree, and the rights.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub space: SpaceSummary,
    pub may: Permissions,
    /// The address asked for.
    pub slug: String,
    /// `None` when no page has this address yet ("create this page").
    pub page: Option<Page>,
    pub ancestors: Vec<PageLink>,
    pub children: Vec<PageLink>,
    pub rights: PageRights,
}

fn rights(may: &Permissions, protected: bool) -> PageRights {
    PageRights { edit: may.post && (!protected || may.curate), protect: may.curate }
}

/// A space's pages as a tree: each page with its depth, parents before children.
#[derive(Debug, Clone, Serialize)]
pub struct PageIndex {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub pages: Vec<IndexEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    pub slug: String,
    pub title: String,
    pub depth: usize,
    pub revision: i64,
    pub protected: bool,
    pub updated_at: i64,
}

/// Every page of a space, as a tree.
pub async fn index(app: &Stoa, actor: &Actor, space_slug: &str) -> Result<PageIndex> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, space_slug, Action::ReadContent).await?;
    let rows = store::pages_in_space(&mut conn, &view.space.id).await?;
    let mut pages = Vec::with_capacity(rows.len());
    // Roots are pages without a parent, or whose parent is gone.
    let known: std::collections::HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut stack: Vec<(&PageListItem, usize)> = rows
        .iter()
        .filter(|r| r.parent_id.as_deref().is_none_or(|p| !known.contains(p)))
        .rev()
        .map(|r| (r, 0))
        .collect();
    let mut seen = std::collections::HashSet::new();
    while let Some((row, depth)) = stack.pop() {
        if !seen.insert(row.id.as_str()) {
            continue;
        }
        pages.push(IndexEntry {
            slug: row.slug.clone(),
            title: row.title.clone(),
            depth,
            revision: row.revision,
            protected: row.protected != 0,
            updated_at: row.updated_at,
        });
        for child in rows.iter().filter(|c| c.parent_id.as_deref() == Some(row.id.as_str())).rev() {
            stack.push((child, depth + 1));
        }
    }
    Ok(PageIndex { space: SpaceSummary::of(&view), may: Permissions::of(actor, &view), pages })
}

/// A page by its address, or what is needed to offer creating it.
pub async fn page(app: &Stoa, actor: &Actor, space_slug: &str, page_slug: &str) -> Result<PageView> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, space_slug, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let slug = rules::page_slug(page_slug);
    let Some(row) = store::page_by_slug(&mut conn, &view.space.id, &slug).await? else {
        return Ok(PageView {
            space: SpaceSummary::of(&view),
            rights: rights(&may, false),
            may,
            slug,
            page: None,
            ancestors: Vec::new(),
            children: Vec::new(),
        });
    };
    let all = store::pages_in_space(&mut conn, &view.space.id).await?;
    let links: Vec<String> = row.links.lines().map(str::to_owned).collect();
    let existing = store::existing_slugs(&mut conn, &view.space.id, &links).await?;
    drop(conn);
    let missing: Vec<String> = links.into_iter().filter(|l| !existing.contains(l)).collect();
    let body_html = markdown::mark_missing_links(&row.body_html, &base_path(&view.space.slug), &missing);
    let ancestors = ancestors_of(&all, row.parent_id.as_deref());
    let children = all.iter().filter(|p| p.parent_id.as_deref() == Some(row.id.as_str())).map(PageLink::from).collect();
    Ok(PageView {
        space: SpaceSummary::of(&view),
        rights: rights(&may, row.protected != 0),
        may,
        slug,
        ancestors,
        children,
        page: Some(Page { body_html, ..to_page(row) }),
    })
}

fn to_page(row: PageRow) -> Page {
    Page {
        id: row.id,
        slug: row.slug,
        title: row.title,
        revision: row.revision,
        body: row.body,
        body_html: row.body_html,
        protected: row.protected != 0,
        talk_thread_id: row.talk_thread_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
        updated_by_username: row.updated_by_username,
        updated_by_display_name: row.updated_by_display_name,
    }
}

/// The chain of parents from the root down to `parent_id`.
fn ancestors_of(all: &[PageListItem], parent_id: Option<&str>) -> Vec<PageLink> {
    let mut chain = Vec::new();
    let mut next = parent_id;
    while let Some(id) = next {
        let Some(p) = all.iter().find(|p| p.id == id) else { break };
        if chain.len() >= MAX_DEPTH || chain.iter().any(|c: &PageLink| c.slug == p.slug) {
            break;
        }
        chain.push(PageLink::from(p));
        next = p.parent_id.as_deref();
    }
    chain.reverse();
    chain
}

/// A page as typed into the editor.
#[derive(Debug, Clone, Default)]
pub struct PageInput {
    pub title: String,
    pub body: String,
    pub summary: String,
    /// The parent page's address; empty for a top-level page. `None` leaves
    /// an existing page where it is.
    pub parent: Option<String>,
}

/// What a save did.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Saved {
    /// A new revision was written. `merged` when it combined the saver's
    /// edit with someone else's that came first; `unchanged` when the text
    /// was the same as the newest revision's and nothing was written.
    Saved { slug: String, revision: i64, merged: bool, unchanged: bool },
    /// Someone else changed the same lines first: nothing was written. Both
    /// texts come back so the saver can resolve and save again from `current`.
    Conflict(Box<Conflict>),
}

#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub slug: String,
    /// The newest revision, which the saver's next attempt should be based on.
    pub current_revision: i64,
    pub current_title: String,
    pub current_body: String,
    pub current_author: String,
    /// The saver's own text, exactly as sent.
    pub your_title: String,
    pub your_body: String,
    pub your_summary: String,
}

struct Parsed {
    title: Title,
    body: LongText,
    summary: EditSummary,
}

fn parse(input: &PageInput) -> (Vec<FieldError>, Option<Parsed>) {
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", LongText::parse(&input.body));
    let summary = field(&mut errors, "summary", EditSummary::parse(&input.summary));
    match (title, body, summary) {
        (Some(title), Some(body), Some(summary)) => (errors, Some(Parsed { title, body, summary })),
        _ => (errors, None),
    }
}

/// Resolves the parent named in the editor to a page id, refusing unknown
/// pages, pages too deep, and a page that would end up inside itself.
async fn resolve_parent(
    conn: &mut Conn,
    space_id: &str,
    parent: Option<&str>,
    moving: Option<&str>,
) -> Result<Option<String>> {
    let Some(parent) = parent.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let slug = rules::page_slug(parent);
    let Some(row) = store::page_by_slug(conn, space_id, &slug).await? else {
        return Err(CoreError::field("parent", "wiki-parent-unknown"));
    };
    let all = store::pages_in_space(conn, space_id).await?;
    let chain = ancestors_of(&all, Some(&row.id));
    let inside_itself =
        moving.is_some_and(|m| m == row.id || all.iter().any(|p| p.id == m && chain.iter().any(|c| c.slug == p.slug)));
    if inside_itself {
        return Err(CoreError::field("parent", "wiki-parent-cycle"));
    }
    if chain.len() >= MAX_DEPTH {
        return Err(CoreError::field("parent", "wiki-parent-too-deep"));
    }
    Ok(Some(row.id))
}

/// Creates a page; its address comes from its title.
pub async fn create(app: &Stoa, actor: &Actor, space_slug: &str, input: PageInput) -> Result<Saved> {
    let me = actor.require()?;
    let (errors, parsed) = parse(&input);
    // Rendered before the writer is taken (see `save`).
    let early = match &parsed {
        Some(p) => Some(rendered(app, p.body.as_str(), space_slug).await?),
        None => None,
    };
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, space_slug, Action::Post).await?;
    let Some(p) = parsed else { return Err(CoreError::Invalid(errors)) };
    let slug = rules::page_slug(p.title.as_str());
    dialect::lock(&mut tx, &format!("wiki:{}:{slug}", view.space.id)).await?;
    if store::page_by_slug(&mut tx, &view.space.id, &slug).await?.is_some() {
        return Err(CoreError::Invalid(vec![FieldError::taken("title", "wiki-page-exists")]));
    }
    let parent_id = resolve_parent(&mut tx, &view.space.id, input.parent.as_deref(), None).await?;
    let rendered = match early {
        Some(early) if view.space.slug == space_slug => early,
        _ => markdown::render_wiki(p.body.as_str(), &base_path(&view.space.slug)),
    };
    let links = rendered.links.join("\n");
    let now = app.now();
    let page_id = new_id();
    store::insert_page(
        &mut tx,
        &NewPage {
            id: &page_id,
            space_id: &view.space.id,
            slug: &slug,
            title: p.title.as_str(),
            parent_id: parent_id.as_deref(),
            body: p.body.as_str(),
            body_html: &rendered.html,
            links: &links,
            author_id: &me.id,
            created_at: now,
        },
    )
    .await?;
    store::insert_revision(
        &mut tx,
        &NewRevision {
            id: &new_id(),
            page_id: &page_id,
            space_id: &view.space.id,
            number: 1,
            title: p.title.as_str(),
            body: p.body.as_str(),
            body_html: &rendered.html,
            links: &links,
            summary: p.summary.as_str(),
            author_id: &me.id,
            created_at: now,
        },
    )
    .await?;
    stoa_store::social::set_content_tags(&mut tx, "wiki", &page_id, &rendered.tags).await?;
    page_event(&mut tx, kind::WIKI_PAGE_CREATED, &me.id, &view.space.id, &page_id, &slug, 1, now).await?;
    stoa_store::commit(tx).await?;
    Ok(Saved::Saved { slug, revision: 1, merged: false, unchanged: false })
}

#[allow(clippy::too_many_arguments)]
async fn page_event(
    conn: &mut Conn,
    event: &'static str,
    actor_id: &str,
    space_id: &str,
    page_id: &str,
    slug: &str,
    revision: i64,
    now: i64,
) -> Result<()> {
    events::append(
        conn,
        NewEvent {
            kind: event,
            actor_id: Some(actor_id),
            space_id: Some(space_id),
            subject_id: Some(page_id),
            data: serde_json::json!({"slug": slug, "revision": revision}),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Loads a page for a change, checking the space allows `action` and, for a
/// protected page, that the actor may edit protected pages; and takes the
/// page's lock for the rest of the transaction.
async fn load_for_edit(
    conn: &mut Conn,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
) -> Result<(stoa_store::spaces::SpaceView, PageRow)> {
    let view = spaces::load(conn, actor, space_slug, Action::Post).await?;
    let slug = rules::page_slug(page_slug);
    dialect::lock(conn, &format!("wiki:{}:{slug}", view.space.id)).await?;
    let row = store::page_by_slug(conn, &view.space.id, &slug).await?.ok_or(CoreError::NotFound)?;
    editable(actor, view, row)
}

/// [`load_for_edit`] on a reader, without the lock: what a save prepares
/// from, checked again under the writer.
async fn find_for_edit(
    conn: &mut Conn,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
) -> Result<(stoa_store::spaces::SpaceView, PageRow)> {
    let view = spaces::load(conn, actor, space_slug, Action::Post).await?;
    let row =
        store::page_by_slug(conn, &view.space.id, &rules::page_slug(page_slug)).await?.ok_or(CoreError::NotFound)?;
    editable(actor, view, row)
}

fn editable(
    actor: &Actor,
    view: stoa_store::spaces::SpaceView,
    row: PageRow,
) -> Result<(stoa_store::spaces::SpaceView, PageRow)> {
    if row.protected != 0 && !spaces::allowed(actor, &view, Action::Curate) {
        return Err(CoreError::Forbidden);
    }
    Ok((view, row))
}

/// A page's text rendered for the space `space_slug`, off the writer and,
/// when long, off the async workers.
async fn rendered(app: &Stoa, body: &str, space_slug: &str) -> Result<markdown::WikiRendered> {
    let (body, base) = (body.to_owned(), base_path(space_slug));
    crate::render::off_workers(app, body.len(), move || markdown::render_wiki(&body, &base)).await
}

/// How many times a save prepares again when the page was saved by someone
/// else while it prepared.
const SAVE_ATTEMPTS: usize = 4;

/// Saves an edit made from revision `based_on`.
///
/// Merging with what was saved meanwhile and rendering are the long part
/// of a save: they run on a reader, before the writer (which everyone's
/// writes share) is taken, and the page is checked again under it. If
/// someone saved the page in between, the save prepares again.
pub async fn save(
    app: &Stoa,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
    based_on: i64,
    input: PageInput,
) -> Result<Saved> {
    let me = actor.require()?;
    let (errors, parsed) = parse(&input);
    for _ in 0..SAVE_ATTEMPTS {
        let (view, row, base) = {
            let mut conn = app.store.read().await?;
            let (view, row) = find_for_edit(&mut conn, actor, space_slug, page_slug).await?;
            if parsed.is_none() {
                return Err(CoreError::Invalid(errors));
            }
            if based_on < 1 || based_on > row.revision {
                return Err(CoreError::field("revision", "wiki-revision-unknown"));
            }
            let base = if based_on == row.revision {
                None
            } else {
                Some(store::revision(&mut conn, &row.id, based_on).await?.ok_or(CoreError::NotFound)?)
            };
            (view, row, base)
        };
        let Some(p) = &parsed else { return Err(CoreError::Invalid(errors)) };
        // Combine with whatever was saved since the editor was opened.
        let (title, body, merged) = match base {
            None => (p.title.as_str().to_owned(), p.body.as_str().to_owned(), false),
            Some(base) => {
                let mine = p.title.as_str();
                let title = if mine == base.title {
                    Some(row.title.clone())
                } else if row.title == base.title || mine == row.title {
                    Some(mine.to_owned())
                } else {
                    None
                };
                let (theirs, ours) = (row.body.clone(), p.body.as_str().to_owned());
                let size = theirs.len() + ours.len();
                let merged =
                    crate::render::off_workers(app, size, move || rules::merge(&base.body, &ours, &theirs)).await?;
                match (title, merged) {
                    (Some(title), Merged::Clean(body)) => (title, body, true),
                    _ => {
                        return Ok(Saved::Conflict(Box::new(Conflict {
                            slug: row.slug,
                            current_revision: row.revision,
                            current_title: row.title,
                            current_body: row.body,
                            current_author: row.updated_by_display_name,
                            your_title: input.title,
                            your_body: input.body,
                            your_summary: input.summary,
                        })));
                    }
                }
            }
        };
        if title == row.title && body == row.body && input.parent.is_none() {
            return Ok(Saved::Saved { slug: row.slug, revision: row.revision, merged, unchanged: true });
        }
        let html = rendered(app, &body, &view.space.slug).await?;
        let rendered_for = view.space.slug;
        let mut tx = app.store.begin().await?;
        let (view, now_row) = load_for_edit(&mut tx, actor, space_slug, page_slug).await?;
        if now_row.revision != row.revision || view.space.slug != rendered_for {
            // Saved by someone else meanwhile: merge and render again.
            continue;
        }
        let parent_id = match input.parent.as_deref() {
            Some(parent) => resolve_parent(&mut tx, &view.space.id, Some(parent), Some(&row.id)).await?,
            None => row.parent_id.clone(),
        };
        let moved = parent_id != row.parent_id;
        if title == row.title && body == row.body && !moved {
            return Ok(Saved::Saved { slug: row.slug, revision: row.revision, merged, unchanged: true });
        }
        if moved {
            store::set_parent(&mut tx, &row.id, parent_id.as_deref()).await?;
        }
        let number = row.revision + 1;
        write_revision(&mut tx, &view, &row, me, &title, &body, &html, p.summary.as_str(), app.now()).await?;
        stoa_store::commit(tx).await?;
        return Ok(Saved::Saved { slug: row.slug, revision: number, merged, unchanged: false });
    }
    Err(CoreError::Conflict("wiki-changed"))
}

/// Writes the page's next revision with `title` and `body` (rendered as
/// `rendered`).
#[allow(clippy::too_many_arguments)]
async fn write_revision(
    tx: &mut Conn,
    view: &stoa_store::spaces::SpaceView,
    row: &PageRow,
    me: &crate::CurrentUser,
    title: &str,
    body: &str,
    rendered: &markdown::WikiRendered,
    summary: &str,
    now: i64,
) -> Result<()> {
    let links = rendered.links.join("\n");
    let number = row.revision + 1;
    let written = store::advance(
        tx,
        &NewRevision {
            id: &new_id(),
            page_id: &row.id,
            space_id: &view.space.id,
            number,
            title,
            body,
            body_html: &rendered.html,
            links: &links,
            summary,
            author_id: &me.id,
            created_at: now,
        },
        row.revision,
    )
    .await?;
    if !written {
        // The page lock makes this unreachable; refuse rather than guess.
        return Err(CoreError::Conflict("wiki-changed"));
    }
    stoa_store::social::set_content_tags(tx, "wiki", &row.id, &rendered.tags).await?;
    page_event(tx, kind::WIKI_PAGE_EDITED, &me.id, &view.space.id, &row.id, &row.slug, number, now).await
}

/// Makes an old revision's text the newest again, as a new revision.
/// The text is rendered before the writer is taken, as in [`save`].
pub async fn restore(app: &Stoa, actor: &Actor, space_slug: &str, page_slug: &str, number: i64) -> Result<Saved> {
    let me = actor.require()?;
    for _ in 0..SAVE_ATTEMPTS {
        let (view, row, old) = {
            let mut conn = app.store.read().await?;
            let (view, row) = find_for_edit(&mut conn, actor, space_slug, page_slug).await?;
            let old = store::revision(&mut conn, &row.id, number).await?.ok_or(CoreError::NotFound)?;
            (view, row, old)
        };
        if old.title == row.title && old.body == row.body {
            return Ok(Saved::Saved { slug: row.slug, revision: row.revision, merged: false, unchanged: true });
        }
        let html = rendered(app, &old.body, &view.space.slug).await?;
        let rendered_for = view.space.slug;
        let mut tx = app.store.begin().await?;
        let (view, now_row) = load_for_edit(&mut tx, actor, space_slug, page_slug).await?;
        if now_row.revision != row.revision || view.space.slug != rendered_for {
            continue;
        }
        let summary = format!("↺ {number}");
        write_revision(&mut tx, &view, &row, me, &old.title, &old.body, &html, &summary, app.now()).await?;
        stoa_store::commit(tx).await?;
        return Ok(Saved::Saved { slug: row.slug, revision: row.revision + 1, merged: false, unchanged: false });
    }
    Err(CoreError::Conflict("wiki-changed"))
}

/// Protects a page (only facilitators and owners edit it) or lifts that.
pub async fn set_protected(
    app: &Stoa,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
    protected: bool,
) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, space_slug, Action::Curate).await?;
    let row =
        store::page_by_slug(&mut tx, &view.space.id, &rules::page_slug(page_slug)).await?.ok_or(CoreError::NotFound)?;
    if (row.protected != 0) == protected {
        return Ok(());
    }
    store::set_protected(&mut tx, &row.id, protected).await?;
    events::append(
        &mut tx,
        NewEvent {
            kind: kind::WIKI_PAGE_CHANGED,
            actor_id: Some(&me.id),
            space_id: Some(&view.space.id),
            subject_id: Some(&row.id),
            data: serde_json::json!({"slug": row.slug, "protected": protected}),
        },
        app.now(),
    )
    .await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// A page's revisions.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub space: SpaceSummary,
    pub page: PageLink,
    pub current: i64,
    pub revisions: Vec<RevisionListItem>,
    pub page_number: i64,
    pub has_more: bool,
    pub rights: PageRights,
}

async fn readable_page(
    conn: &mut Conn,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
) -> Result<(stoa_store::spaces::SpaceView, PageRow)> {
    let view = spaces::load(conn, actor, space_slug, Action::ReadContent).await?;
    let row =
        store::page_by_slug(conn, &view.space.id, &rules::page_slug(page_slug)).await?.ok_or(CoreError::NotFound)?;
    Ok((view, row))
}

pub async fn history(app: &Stoa, actor: &Actor, space_slug: &str, page_slug: &str, page: i64) -> Result<History> {
    let page = page.max(1);
    let mut conn = app.store.read().await?;
    let (view, row) = readable_page(&mut conn, actor, space_slug, page_slug).await?;
    let offset = crate::offset(page, REVISIONS_PER_PAGE);
    let mut revisions = store::history(&mut conn, &row.id, REVISIONS_PER_PAGE + 1, offset).await?;
    let has_more = revisions.len() as i64 > REVISIONS_PER_PAGE;
    revisions.truncate(REVISIONS_PER_PAGE as usize);
    let may = Permissions::of(actor, &view);
    Ok(History {
        space: SpaceSummary::of(&view),
        page: PageLink { slug: row.slug, title: row.title },
        current: row.revision,
        revisions,
        page_number: page,
        has_more,
        rights: rights(&may, row.protected != 0),
    })
}

/// One revision as it read then.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub space: SpaceSummary,
    pub page: PageLink,
    pub current: i64,
    pub number: i64,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub summary: String,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
    pub rights: PageRights,
}

pub async fn revision(
    app: &Stoa,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
    number: i64,
) -> Result<RevisionView> {
    let mut conn = app.store.read().await?;
    let (view, row) = readable_page(&mut conn, actor, space_slug, page_slug).await?;
    let rev = store::revision(&mut conn, &row.id, number).await?.ok_or(CoreError::NotFound)?;
    let may = Permissions::of(actor, &view);
    Ok(RevisionView {
        space: SpaceSummary::of(&view),
        page: PageLink { slug: row.slug, title: row.title },
        current: row.revision,
        number: rev.number,
        title: rev.title,
        body: rev.body,
        body_html: rev.body_html,
        summary: rev.summary,
        author_username: rev.author_username,
        author_display_name: rev.author_display_name,
        created_at: rev.created_at,
        rights: rights(&may, row.protected != 0),
    })
}

/// The difference between two revisions of a page.
#[derive(Debug, Clone, Serialize)]
pub struct DiffView {
    pub space: SpaceSummary,
    pub page: PageLink,
    pub current: i64,
    pub from: RevisionMeta,
    pub to: RevisionMeta,
    pub title_changed: bool,
    pub hunks: Vec<DiffHunk>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionMeta {
    pub number: i64,
    pub title: String,
    pub summary: String,
    pub author_display_name: String,
    pub created_at: i64,
}

/// Lines of context kept around each change in a difference.
const DIFF_CONTEXT: usize = 3;

pub async fn diff(
    app: &Stoa,
    actor: &Actor,
    space_slug: &str,
    page_slug: &str,
    from: i64,
    to: i64,
) -> Result<DiffView> {
    let mut conn = app.store.read().await?;
    let (view, row) = readable_page(&mut conn, actor, space_slug, page_slug).await?;
    let old = store::revision(&mut conn, &row.id, from).await?.ok_or(CoreError::NotFound)?;
    let new = store::revision(&mut conn, &row.id, to).await?.ok_or(CoreError::NotFound)?;
    drop(conn);
    let meta = |r: &stoa_store::wiki::RevisionRow| RevisionMeta {
        number: r.number,
        title: r.title.clone(),
        summary: r.summary.clone(),
        author_display_name: r.author_display_name.clone(),
        created_at: r.created_at,
    };
    Ok(DiffView {
        space: SpaceSummary::of(&view),
        page: PageLink { slug: row.slug, title: row.title },
        current: row.revision,
        title_changed: old.title != new.title,
        hunks: rules::diff(&old.body, &new.body, DIFF_CONTEXT),
        from: meta(&old),
        to: meta(&new),
    })
}

/// The newest edits across a space's wiki.
#[derive(Debug, Clone, Serialize)]
pub struct RecentChanges {
    pub space: SpaceSummary,
    pub changes: Vec<RevisionListItem>,
    pub page_number: i64,
    pub has_more: bool,
}

pub async fn recent_changes(app: &Stoa, actor: &Actor, space_slug: &str, page: i64) -> Result<RecentChanges> {
    let page = page.max(1);
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, space_slug, Action::ReadContent).await?;
    let offset = crate::offset(page, REVISIONS_PER_PAGE);
    let mut changes = store::recent_changes(&mut conn, &view.space.id, REVISIONS_PER_PAGE + 1, offset).await?;
    let has_more = changes.len() as i64 > REVISIONS_PER_PAGE;
    changes.truncate(REVISIONS_PER_PAGE as usize);
    Ok(RecentChanges { space: SpaceSummary::of(&view), changes, page_number: page, has_more })
}

/// Posts on a page's talk page, starting it (a thread of its own) on the
/// first post. Returns the thread's id.
pub async fn talk(app: &Stoa, actor: &Actor, space_slug: &str, page_slug: &str, body: &str) -> Result<String> {
    let me = actor.require()?;
    let body = PostBody::parse(body);
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, space_slug, Action::Post).await?;
    let slug = rules::page_slug(page_slug);
    dialect::lock(&mut tx, &format!("wiki:{}:{slug}", view.space.id)).await?;
    let row = store::page_by_slug(&mut tx, &view.space.id, &slug).await?.ok_or(CoreError::NotFound)?;
    let body = body.map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let now = app.now();
    let body_html = markdown::render(body.as_str());
    let (thread_id, number) = match &row.talk_thread_id {
        Some(thread_id) => {
            // An existing talk page is a thread like any other: its replies
            // meet the same rules (locks, slow mode).
            drop(tx);
            let input = discussions::ReplyInput { body: body.into_inner(), ..Default::default() };
            return Ok(discussions::reply(app, actor, thread_id, input).await?.thread_id);
        }
        None => {
            let title: String = format!("Talk: {}", row.title).chars().take(Title::MAX).collect();
            let thread = NewThread {
                id: &new_id(),
                space_id: &view.space.id,
                author_id: &me.id,
                kind: "talk",
                title: &title,
                created_at: now,
                anonymous: false,
                post_first: false,
                opens_at: None,
            };
            let (thread_id, _) = discussions::write_thread(&mut tx, &thread, body.as_str(), &body_html).await?;
            store::set_talk_thread(&mut tx, &row.id, &thread_id).await?;
            (thread_id, 1)
        }
    };
    stoa_store::commit(tx).await?;
    app.visits.record(&me.id, &thread_id, number, now);
    Ok(thread_id)
}
