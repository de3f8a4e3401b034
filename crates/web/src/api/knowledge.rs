//! The knowledge repository over the API: wiki pages (`/spaces/{slug}/wiki`),
//! the library (`/spaces/{slug}/library`, `/library`, `/collections`) and
//! file uploads (`/spaces/{slug}/files`), with their JSON shapes.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use stoa_core::files::FileInfo;
use stoa_core::library::{self, Collection, CollectionInput, Item, ItemInput};
use stoa_core::wiki::{self, PageInput, Saved};
use stoa_domain::wiki::DiffHunk;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::{LiveTextDto, LiveVersion, PageParams};
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::files::{self as uploads, UploadError};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new().routes(routes!(upload_file)).layer(DefaultBodyLimit::disable());
    router
        .routes(routes!(list_pages, create_page))
        .routes(routes!(get_page, save_page))
        .routes(routes!(live_text, save_live_version))
        .routes(routes!(page_revisions))
        .routes(routes!(page_revision))
        .routes(routes!(page_diff))
        .routes(routes!(restore_page))
        .routes(routes!(protect_page))
        .routes(routes!(talk_page))
        .routes(routes!(recent_changes))
        .routes(routes!(get_library, create_item))
        .routes(routes!(get_item, update_item, delete_item))
        .routes(routes!(suggest_item))
        .routes(routes!(create_collection))
        .routes(routes!(get_collection, update_collection, delete_collection))
        .routes(routes!(set_collection_items))
        .routes(routes!(suggest_collection))
        .routes(routes!(get_file))
        .routes(routes!(search))
        .routes(routes!(similar))
        .merge(uploads)
}

// ---------------------------------------------------------------- shapes

/// A wiki page in a space's index.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageSummaryDto {
    pub slug: String,
    pub title: String,
    /// How deep it sits in the tree of pages (0 at the top).
    pub depth: usize,
    pub revision: i64,
    pub protected: bool,
    pub updated_at: i64,
}

/// A wiki page with its newest text.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDto {
    pub id: String,
    pub slug: String,
    pub title: String,
    /// The newest revision: send it back as `base_revision` when saving.
    pub revision: i64,
    /// Markdown source.
    pub body: String,
    /// Rendered and sanitized; links to missing pages carry `class="wiki-missing"`.
    pub body_html: String,
    pub protected: bool,
    /// The thread of the page's talk page, once started.
    pub talk_thread_id: Option<String>,
    /// Parent pages from the top down.
    pub ancestors: Vec<String>,
    pub children: Vec<String>,
    pub updated_at: i64,
    pub updated_by: String,
    /// Whether you may edit it.
    pub can_edit: bool,
    /// Whether you may protect it.
    pub can_protect: bool,
}

/// A new wiki page.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePage {
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub summary: String,
    /// The address of the parent page, if any.
    #[serde(default)]
    pub parent: Option<String>,
}

/// A save of a wiki page.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SavePage {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub summary: String,
    /// The parent page's address; `""` for top level; absent to leave it.
    #[serde(default)]
    pub parent: Option<String>,
    /// The revision your edit started from.
    pub base_revision: i64,
}

/// What a save did: `saved` (possibly `merged` with an edit saved since your
/// base revision), or `conflict` (HTTP 409, nothing written) with both texts.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SaveOutcomeDto {
    Saved {
        slug: String,
        revision: i64,
        merged: bool,
        unchanged: bool,
    },
    Conflict {
        slug: String,
        /// Base your next attempt on this revision.
        current_revision: i64,
        current_title: String,
        current_body: String,
        current_author: String,
        your_title: String,
        your_body: String,
        your_summary: String,
    },
}

fn outcome(saved: Saved) -> Response {
    match saved {
        Saved::Saved { slug, revision, merged, unchanged } => {
            Json(SaveOutcomeDto::Saved { slug, revision, merged, unchanged }).into_response()
        }
        Saved::Conflict(c) => (
            StatusCode::CONFLICT,
            Json(SaveOutcomeDto::Conflict {
                slug: c.slug,
                current_revision: c.current_revision,
                current_title: c.current_title,
                current_body: c.current_body,
                current_author: c.current_author,
                your_title: c.your_title,
                your_body: c.your_body,
                your_summary: c.your_summary,
            }),
        )
            .into_response(),
    }
}

/// A revision in a history or in recent changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummaryDto {
    pub page_slug: String,
    pub page_title: String,
    pub number: i64,
    pub title: String,
    pub summary: String,
    /// Length of the text in bytes.
    pub size: i64,
    pub author_username: String,
    pub created_at: i64,
}

impl From<stoa_core::rows::RevisionListItem> for RevisionSummaryDto {
    fn from(r: stoa_core::rows::RevisionListItem) -> Self {
        Self {
            page_slug: r.page_slug,
            page_title: r.page_title,
            number: r.number,
            title: r.title,
            summary: r.summary,
            size: r.size,
            author_username: r.author_username,
            created_at: r.created_at,
        }
    }
}

/// One revision's full text.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDto {
    pub number: i64,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub summary: String,
    pub author_username: String,
    pub created_at: i64,
}

/// The difference between two revisions, as hunks of lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffDto {
    pub from: i64,
    pub to: i64,
    pub title_changed: bool,
    pub hunks: Vec<HunkDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HunkDto {
    pub old_start: usize,
    pub new_start: usize,
    pub lines: Vec<LineDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineDto {
    /// `equal`, `insert` or `delete`.
    pub tag: String,
    /// The line in pieces; `changed` pieces are the words that differ.
    pub segments: Vec<SegmentDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentDto {
    pub changed: bool,
    pub text: String,
}

fn hunk(h: DiffHunk) -> HunkDto {
    HunkDto {
        old_start: h.old_start,
        new_start: h.new_start,
        lines: h
            .lines
            .into_iter()
            .map(|l| LineDto {
                tag: l.tag.to_owned(),
                segments: l.segments.into_iter().map(|s| SegmentDto { changed: s.changed, text: s.text }).collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RestorePage {
    /// The revision whose text becomes the newest again.
    pub revision: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Protection {
    pub protected: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TalkPost {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadRef {
    pub thread_id: String,
}

/// An uploaded file.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileDto {
    pub id: String,
    pub name: String,
    /// Sniffed from the content.
    pub content_type: String,
    pub size: i64,
    /// Where it is served (with your session or token).
    pub url: String,
    /// Whether browsers show it inline (pictures, sound, video) rather than download it.
    pub inline: bool,
    /// Markdown that embeds or links it.
    pub markdown: String,
}

impl From<FileInfo> for FileDto {
    fn from(f: FileInfo) -> Self {
        Self {
            id: f.id,
            name: f.name,
            content_type: f.content_type,
            size: f.size,
            url: f.url,
            inline: f.inline,
            markdown: f.markdown,
        }
    }
}

/// A library item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    pub id: String,
    /// `link`, `file` or `article`.
    pub kind: String,
    pub title: String,
    pub url: Option<String>,
    pub file: Option<FileDto>,
    pub body: String,
    pub body_html: String,
    pub tags: Vec<String>,
    /// Suggested to the space by a facilitator.
    pub suggested: bool,
    pub author_username: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub can_edit: bool,
}

impl From<Item> for ItemDto {
    fn from(i: Item) -> Self {
        Self {
            id: i.id,
            kind: i.kind.as_str().to_owned(),
            title: i.title,
            url: i.url,
            file: i.file.map(FileDto::from),
            body: i.body,
            body_html: i.body_html,
            tags: i.tags,
            suggested: i.suggested,
            author_username: i.author_username,
            created_at: i.created_at,
            updated_at: i.updated_at,
            can_edit: i.can_edit,
        }
    }
}

/// A collection (reading list).
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectionDto {
    pub id: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub suggested: bool,
    pub item_count: i64,
    pub author_username: String,
    pub updated_at: i64,
    pub can_edit: bool,
    /// Its items in reading order (only when one collection is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ItemDto>>,
}

impl From<Collection> for CollectionDto {
    fn from(c: Collection) -> Self {
        Self {
            id: c.id,
            title: c.title,
            body: c.body,
            body_html: c.body_html,
            suggested: c.suggested,
            item_count: c.item_count,
            author_username: c.author_username,
            updated_at: c.updated_at,
            can_edit: c.can_edit,
            items: None,
        }
    }
}

/// A page of a space's library.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryDto {
    pub items: Vec<ItemDto>,
    pub collections: Vec<CollectionDto>,
    /// Tags in use with their counts.
    pub tags: Vec<TagCount>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LibraryParams {
    pub page: Option<i64>,
    /// Only items with this tag.
    pub tag: Option<String>,
}

/// A new library item, or changes to one (`kind` and `file_id` are fixed once created).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ItemBody {
    #[serde(default)]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub url: String,
    /// An uploaded file of the same space (see `POST /spaces/{slug}/files`), for a `file` item.
    #[serde(default)]
    pub file_id: String,
    #[serde(default)]
    pub body: String,
    /// Separated by spaces or commas.
    #[serde(default)]
    pub tags: String,
}

impl From<ItemBody> for ItemInput {
    fn from(b: ItemBody) -> Self {
        ItemInput { kind: b.kind, title: b.title, url: b.url, file_id: b.file_id, body: b.body, tags: b.tags }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Suggestion {
    pub suggested: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CollectionBody {
    pub title: String,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CollectionItems {
    /// Item ids in reading order; replaces the collection's items.
    pub items: Vec<String>,
}

// ---------------------------------------------------------------- wiki

/// Every page of a space's wiki, as a tree (parents before children).
#[utoipa::path(get, path = "/spaces/{slug}/wiki", tag = "wiki", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<PageSummaryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_pages(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<PageSummaryDto>>> {
    let index = wiki::index(&s.app, &actor, &slug).await?;
    Ok(ApiJson(
        index
            .pages
            .into_iter()
            .map(|p| PageSummaryDto {
                slug: p.slug,
                title: p.title,
                depth: p.depth,
                revision: p.revision,
                protected: p.protected,
                updated_at: p.updated_at,
            })
            .collect(),
    ))
}

/// Creates a page; its address comes from its title.
#[utoipa::path(post, path = "/spaces/{slug}/wiki", tag = "wiki", params(("slug" = String, Path)), request_body = CreatePage,
    responses((status = 201, body = SaveOutcomeDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_page(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreatePage>,
) -> ApiResult<Response> {
    let input = PageInput { title: body.title, body: body.body, summary: body.summary, parent: body.parent };
    let saved = wiki::create(&s.app, &actor, &slug, input).await?;
    let mut response = outcome(saved);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// A page with its newest text.
#[utoipa::path(get, path = "/spaces/{slug}/wiki/{page}", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path)),
    responses((status = 200, body = PageDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_page(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
) -> ApiResult<ApiJson<PageDto>> {
    let view = wiki::page(&s.app, &actor, &slug, &page).await?;
    let p = view.page.ok_or_else(ApiError::not_found)?;
    Ok(ApiJson(PageDto {
        id: p.id,
        slug: p.slug,
        title: p.title,
        revision: p.revision,
        body: p.body,
        body_html: p.body_html,
        protected: p.protected,
        talk_thread_id: p.talk_thread_id,
        ancestors: view.ancestors.into_iter().map(|a| a.slug).collect(),
        children: view.children.into_iter().map(|c| c.slug).collect(),
        updated_at: p.updated_at,
        updated_by: p.updated_by_username,
        can_edit: view.rights.edit,
        can_protect: view.rights.protect,
    }))
}

/// Saves an edit made from `base_revision`. Edits saved since then are
/// merged when they touch other lines; when they overlap, the answer is 409
/// with both texts and nothing is written.
#[utoipa::path(put, path = "/spaces/{slug}/wiki/{page}", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path)), request_body = SavePage,
    responses((status = 200, body = SaveOutcomeDto), (status = 409, body = SaveOutcomeDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_page(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<SavePage>,
) -> ApiResult<Response> {
    let input = PageInput { title: body.title, body: body.body, summary: body.summary, parent: body.parent };
    Ok(outcome(wiki::save(&s.app, &actor, &slug, &page, body.base_revision, input).await?))
}

/// The page's live text, as people are writing it together (`text` is null
/// when nobody has opened it live yet). Editors only.
#[utoipa::path(get, path = "/wiki-pages/{id}/live", tag = "wiki", params(("id" = String, Path)),
    responses((status = 200, body = LiveTextDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn live_text(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<LiveTextDto>> {
    Ok(ApiJson(LiveTextDto { text: stoa_core::coedit::live_text(&s.app, &actor, &id).await? }))
}

/// Saves the live text as a new revision (merged with any revision saved
/// through the form meanwhile; 409 with both texts when they overlap).
#[utoipa::path(post, path = "/wiki-pages/{id}/live", tag = "wiki", params(("id" = String, Path)), request_body = LiveVersion,
    responses((status = 200, body = SaveOutcomeDto), (status = 409, body = SaveOutcomeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn save_live_version(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<LiveVersion>,
) -> ApiResult<Response> {
    Ok(outcome(stoa_core::coedit::save_version(&s.app, &actor, &id, &body.summary).await?))
}

/// A page's revisions, newest first.
#[utoipa::path(get, path = "/spaces/{slug}/wiki/{page}/revisions", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path), PageParams),
    responses((status = 200, body = Vec<RevisionSummaryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn page_revisions(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<ApiJson<Vec<RevisionSummaryDto>>> {
    let h = wiki::history(&s.app, &actor, &slug, &page, q.page.unwrap_or(1)).await?;
    Ok(ApiJson(h.revisions.into_iter().map(Into::into).collect()))
}

/// One revision's text.
#[utoipa::path(get, path = "/spaces/{slug}/wiki/{page}/revisions/{number}", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path), ("number" = i64, Path)),
    responses((status = 200, body = RevisionDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn page_revision(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page, number)): ApiPath<(String, String, i64)>,
) -> ApiResult<ApiJson<RevisionDto>> {
    let r = wiki::revision(&s.app, &actor, &slug, &page, number).await?;
    Ok(ApiJson(RevisionDto {
        number: r.number,
        title: r.title,
        body: r.body,
        body_html: r.body_html,
        summary: r.summary,
        author_username: r.author_username,
        created_at: r.created_at,
    }))
}

/// The difference between two revisions, line by line with changed words marked.
#[utoipa::path(get, path = "/spaces/{slug}/wiki/{page}/diff", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path), DiffParams),
    responses((status = 200, body = DiffDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn page_diff(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<DiffParams>,
) -> ApiResult<ApiJson<DiffDto>> {
    let d = wiki::diff(&s.app, &actor, &slug, &page, q.from, q.to).await?;
    Ok(ApiJson(DiffDto {
        from: d.from.number,
        to: d.to.number,
        title_changed: d.title_changed,
        hunks: d.hunks.into_iter().map(hunk).collect(),
    }))
}

/// Makes an old revision's text the newest again, as a new revision.
#[utoipa::path(post, path = "/spaces/{slug}/wiki/{page}/restore", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path)), request_body = RestorePage,
    responses((status = 200, body = SaveOutcomeDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn restore_page(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<RestorePage>,
) -> ApiResult<Response> {
    Ok(outcome(wiki::restore(&s.app, &actor, &slug, &page, body.revision).await?))
}

/// Protects a page so only facilitators and owners edit it, or lifts that.
#[utoipa::path(put, path = "/spaces/{slug}/wiki/{page}/protection", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path)), request_body = Protection,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn protect_page(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<Protection>,
) -> ApiResult<StatusCode> {
    wiki::set_protected(&s.app, &actor, &slug, &page, body.protected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Posts on the page's talk page, starting it if needed.
#[utoipa::path(post, path = "/spaces/{slug}/wiki/{page}/talk", tag = "wiki", params(("slug" = String, Path), ("page" = String, Path)), request_body = TalkPost,
    responses((status = 201, body = ThreadRef), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn talk_page(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, page)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<TalkPost>,
) -> ApiResult<(StatusCode, ApiJson<ThreadRef>)> {
    let thread_id = wiki::talk(&s.app, &actor, &slug, &page, &body.body).await?;
    Ok((StatusCode::CREATED, ApiJson(ThreadRef { thread_id })))
}

/// The newest edits across a space's wiki.
#[utoipa::path(get, path = "/spaces/{slug}/wiki-changes", tag = "wiki", params(("slug" = String, Path), PageParams),
    responses((status = 200, body = Vec<RevisionSummaryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn recent_changes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<ApiJson<Vec<RevisionSummaryDto>>> {
    let rc = wiki::recent_changes(&s.app, &actor, &slug, q.page.unwrap_or(1)).await?;
    Ok(ApiJson(rc.changes.into_iter().map(Into::into).collect()))
}

// ---------------------------------------------------------------- library

/// A page of a space's library, with its collections and tags.
#[utoipa::path(get, path = "/spaces/{slug}/library", tag = "library", params(("slug" = String, Path), LibraryParams),
    responses((status = 200, body = LibraryDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_library(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<LibraryParams>,
) -> ApiResult<ApiJson<LibraryDto>> {
    let lib = library::library(&s.app, &actor, &slug, q.tag.as_deref(), q.page.unwrap_or(1)).await?;
    Ok(ApiJson(LibraryDto {
        items: lib.items.into_iter().map(Into::into).collect(),
        collections: lib.collections.into_iter().map(Into::into).collect(),
        tags: lib.tags.into_iter().map(|(tag, count)| TagCount { tag, count }).collect(),
        page: lib.page,
        has_more: lib.has_more,
    }))
}

/// Adds a link, a file (uploaded first) or an article to the library.
#[utoipa::path(post, path = "/spaces/{slug}/library", tag = "library", params(("slug" = String, Path)), request_body = ItemBody,
    responses((status = 201, body = ItemDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<ItemBody>,
) -> ApiResult<(StatusCode, ApiJson<ItemDto>)> {
    let item = library::create_item(&s.app, &actor, &slug, body.into()).await?;
    Ok((StatusCode::CREATED, ApiJson(item.into())))
}

/// One library item.
#[utoipa::path(get, path = "/library/{id}", tag = "library", params(("id" = String, Path)),
    responses((status = 200, body = ItemDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<ItemDto>> {
    Ok(ApiJson(library::item(&s.app, &actor, &id).await?.item.into()))
}

/// Changes an item (its author, or a facilitator).
#[utoipa::path(patch, path = "/library/{id}", tag = "library", params(("id" = String, Path)), request_body = ItemBody,
    responses((status = 200, body = ItemDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ItemBody>,
) -> ApiResult<ApiJson<ItemDto>> {
    Ok(ApiJson(library::update_item(&s.app, &actor, &id, body.into()).await?.into()))
}

/// Deletes an item (its author, or a facilitator); it leaves every collection.
#[utoipa::path(delete, path = "/library/{id}", tag = "library", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    library::delete_item(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks an item as suggested to the space (facilitators).
#[utoipa::path(put, path = "/library/{id}/suggested", tag = "library", params(("id" = String, Path)), request_body = Suggestion,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn suggest_item(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Suggestion>,
) -> ApiResult<StatusCode> {
    library::suggest_item(&s.app, &actor, &id, body.suggested).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts a collection (a reading list) in a space.
#[utoipa::path(post, path = "/spaces/{slug}/collections", tag = "library", params(("slug" = String, Path)), request_body = CollectionBody,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_collection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CollectionBody>,
) -> ApiResult<(StatusCode, ApiJson<Created>)> {
    let id = library::create_collection(&s.app, &actor, &slug, CollectionInput { title: body.title, body: body.body })
        .await?;
    Ok((StatusCode::CREATED, ApiJson(Created { id })))
}

/// A collection with its items in reading order.
#[utoipa::path(get, path = "/collections/{id}", tag = "library", params(("id" = String, Path)),
    responses((status = 200, body = CollectionDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_collection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<CollectionDto>> {
    let v = library::collection(&s.app, &actor, &id).await?;
    let mut dto = CollectionDto::from(v.collection);
    dto.items = Some(v.items.into_iter().map(Into::into).collect());
    Ok(ApiJson(dto))
}

/// Renames or redescribes a collection (its author, or a facilitator).
#[utoipa::path(patch, path = "/collections/{id}", tag = "library", params(("id" = String, Path)), request_body = CollectionBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_collection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CollectionBody>,
) -> ApiResult<StatusCode> {
    library::update_collection(&s.app, &actor, &id, CollectionInput { title: body.title, body: body.body }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a collection; its items stay in the library.
#[utoipa::path(delete, path = "/collections/{id}", tag = "library", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_collection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    library::delete_collection(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces a collection's items, in reading order.
#[utoipa::path(put, path = "/collections/{id}/items", tag = "library", params(("id" = String, Path)), request_body = CollectionItems,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_collection_items(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CollectionItems>,
) -> ApiResult<StatusCode> {
    library::set_collection_items(&s.app, &actor, &id, &body.items).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks a collection as suggested to the space (facilitators).
#[utoipa::path(put, path = "/collections/{id}/suggested", tag = "library", params(("id" = String, Path)), request_body = Suggestion,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn suggest_collection(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Suggestion>,
) -> ApiResult<StatusCode> {
    library::suggest_collection(&s.app, &actor, &id, body.suggested).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- files

/// Uploads a file to a space (`multipart/form-data` with a `file` part). The
/// type is sniffed from the content; the size is limited by the instance.
#[utoipa::path(post, path = "/spaces/{slug}/files", tag = "files", params(("slug" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "A `file` part"),
    responses((status = 201, body = FileDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn upload_file(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, ApiJson<FileDto>)> {
    let multipart = multipart.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))?;
    match uploads::receive(&s, &actor, &slug, &headers, multipart, true).await {
        Ok(received) => match received.file {
            Some(file) => Ok((StatusCode::CREATED, ApiJson(file.into()))),
            None => Err(ApiError::new(StatusCode::BAD_REQUEST, "file_missing", "the form has no file part")),
        },
        Err(e) => Err(upload_api_error(e, s.app.config.max_upload_bytes)),
    }
}

fn upload_api_error(e: UploadError, limit: u64) -> ApiError {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!("the file is larger than the upload limit of {limit} bytes"),
        )
    };
    match e {
        UploadError::Core(stoa_core::CoreError::Conflict("file-too-large")) | UploadError::TooLarge => too_large(),
        UploadError::Core(e) => e.into(),
        UploadError::Malformed(message) => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message),
        UploadError::NoFile => ApiError::new(StatusCode::BAD_REQUEST, "file_missing", "the form has no file part"),
    }
}

/// A file's metadata. The bytes are at its `url`.
#[utoipa::path(get, path = "/files/{id}", tag = "files", params(("id" = String, Path)),
    responses((status = 200, body = FileDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_file(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<FileDto>> {
    Ok(ApiJson(stoa_core::files::info(&s.app, &actor, &id).await?.into()))
}

// ---------------------------------------------------------------- search

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, `"phrases"`, `-excluded`, and `tag:`, `space:`, `kind:` filters.
    #[serde(default)]
    pub q: String,
    /// 1-based page number (20 results per page).
    pub page: Option<usize>,
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitDto {
    /// `thread`, `post`, `wiki`, `library` or `collection`.
    pub kind: String,
    pub id: String,
    pub space_slug: String,
    pub space_name: String,
    pub title: String,
    /// The title, HTML-escaped, with matches in `<mark>`.
    pub title_html: String,
    /// A passage of the text, HTML-escaped, with matches in `<mark>`.
    pub snippet_html: String,
    pub url: String,
    pub tags: Vec<String>,
    pub updated_at: i64,
}

impl From<stoa_search::Hit> for HitDto {
    fn from(h: stoa_search::Hit) -> Self {
        Self {
            kind: h.kind.as_str().to_owned(),
            id: h.id,
            space_slug: h.space_slug,
            space_name: h.space_name,
            title: h.title,
            title_html: h.title_html,
            snippet_html: h.snippet_html,
            url: h.url,
            tags: h.tags,
            updated_at: h.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    /// For spaces: the space's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub count: u64,
}

/// A page of search results with counts per kind, space and tag.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchDto {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub hits: Vec<HitDto>,
    pub kinds: Vec<FacetCount>,
    pub spaces: Vec<FacetCount>,
    pub tags: Vec<FacetCount>,
    /// Parts of the query that were not understood and left out.
    pub ignored: Vec<String>,
    /// The search index is being filled (it was lost or is being rebuilt):
    /// these results are some of what there is, not all.
    pub partial: bool,
}

/// Searches threads, posts, wiki pages, library items and collections in
/// every space you may read.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchDto)))]
async fn search(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SearchParams>,
) -> ApiResult<ApiJson<SearchDto>> {
    let sp = stoa_core::search::search(&s.app, &actor, &q.q, q.page.unwrap_or(1)).await?;
    let r = sp.results;
    let count = |(value, count): (String, u64)| FacetCount { value, label: None, count };
    Ok(ApiJson(SearchDto {
        total: r.total,
        page: sp.page,
        pages: sp.pages,
        hits: r.hits.into_iter().map(Into::into).collect(),
        kinds: r.facets.kinds.into_iter().map(count).collect(),
        spaces: r
            .facets
            .spaces
            .into_iter()
            .map(|(value, label, count)| FacetCount { value, label: Some(label), count })
            .collect(),
        tags: r.facets.tags.into_iter().map(count).collect(),
        ignored: r.parsed.ignored,
        partial: sp.partial,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// The draft title of a new thread.
    #[serde(default)]
    pub title: String,
    /// Only look in this space.
    pub space: Option<String>,
}

/// Threads and wiki pages that may already answer a question being written.
#[utoipa::path(get, path = "/search/similar", tag = "search", params(SimilarParams),
    responses((status = 200, body = Vec<HitDto>), (status = 404, body = ErrorBody)))]
async fn similar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SimilarParams>,
) -> ApiResult<ApiJson<Vec<HitDto>>> {
    let hits = stoa_core::search::similar(&s.app, &actor, &q.title, q.space.as_deref()).await?;
    Ok(ApiJson(hits.into_iter().map(Into::into).collect()))
}
