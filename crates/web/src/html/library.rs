//! The library pages: items (links, files, articles), collections, and the
//! plain upload form that attaches files to wiki pages and posts.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::files::FileInfo;
use stoa_core::library::{self, Collection, CollectionInput, CollectionView, ItemInput, ItemView, Library};
use stoa_core::spaces::SpaceSummary;

use super::{Form, FormErrors, PageCtx, Query, errors, page, redirect_with, render};
use crate::AppState;
use crate::files::{self as uploads, UploadError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/library", get(index).post(create_item).layer(DefaultBodyLimit::disable()))
        .route("/s/{slug}/library/new", get(new_item_form))
        .route("/s/{slug}/files", post(upload).layer(DefaultBodyLimit::disable()))
        .route("/library/{id}", get(item))
        .route("/library/{id}/edit", get(edit_item_form).post(edit_item))
        .route("/library/{id}/delete", post(delete_item))
        .route("/library/{id}/suggest", post(suggest_item))
        .route("/library/{id}/collect", post(collect))
        .route("/s/{slug}/collections", post(create_collection))
        .route("/s/{slug}/collections/new", get(new_collection_form))
        .route("/collections/{id}", get(collection))
        .route("/collections/{id}/edit", get(edit_collection_form).post(edit_collection))
        .route("/collections/{id}/delete", post(delete_collection))
        .route("/collections/{id}/suggest", post(suggest_collection))
        .route("/collections/{id}/items", post(collection_items))
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    ctx: PageCtx,
    lib: Library,
}

#[derive(Deserialize, Default)]
struct LibraryQuery {
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<LibraryQuery>,
) -> Response {
    match library::library(&state.app, &ctx.actor(), &slug, q.tag.as_deref(), q.page.unwrap_or(1)).await {
        Ok(lib) => page(&LibraryPage { ctx, lib }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "library_item_form.html")]
struct ItemForm {
    ctx: PageCtx,
    space: SpaceSummary,
    /// `None` when adding a new item.
    item_id: Option<String>,
    kind: String,
    title: String,
    url: String,
    body: String,
    tags: String,
    errors: FormErrors,
}

async fn new_item_form(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match library::library(&state.app, &ctx.actor(), &slug, None, 1).await {
        Ok(lib) if lib.may.post => page(&ItemForm {
            ctx,
            space: lib.space,
            item_id: None,
            kind: "link".into(),
            title: String::new(),
            url: String::new(),
            body: String::new(),
            tags: String::new(),
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

pub(super) fn upload_error(ctx: &PageCtx, e: UploadError) -> Response {
    match e {
        UploadError::Core(e) => errors::render_error(ctx, e),
        UploadError::TooLarge => {
            let mut r = errors::render_error(ctx, CoreError::Conflict("file-too-large"));
            *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            r
        }
        UploadError::Malformed(_) | UploadError::NoFile => {
            let mut r = errors::render_error(ctx, CoreError::Conflict("file-missing"));
            *r.status_mut() = StatusCode::BAD_REQUEST;
            r
        }
    }
}

async fn create_item(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let actor = ctx.actor();
    let received = match uploads::receive(&state, &actor, &slug, &headers, multipart, false).await {
        Ok(r) => r,
        Err(e) => return upload_error(&ctx, e),
    };
    let field = |name: &str| received.fields.get(name).cloned().unwrap_or_default();
    let input = ItemInput {
        kind: field("kind"),
        title: field("title"),
        url: field("url"),
        file_id: received.file.as_ref().map(|f| f.id.clone()).unwrap_or_default(),
        body: field("body"),
        tags: field("tags"),
    };
    match library::create_item(&state.app, &actor, &slug, input.clone()).await {
        Ok(item) => Redirect::to(&format!("/library/{}", item.id)).into_response(),
        Err(CoreError::Invalid(fields)) => match library::library(&state.app, &actor, &slug, None, 1).await {
            Ok(lib) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ItemForm {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    space: lib.space,
                    item_id: None,
                    kind: input.kind,
                    title: input.title,
                    url: input.url,
                    body: input.body,
                    tags: input.tags,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(input.body)),
    }
}

#[derive(Template)]
#[template(path = "library_item.html")]
struct ItemPage {
    ctx: PageCtx,
    v: ItemView,
    collections: Vec<Collection>,
}

async fn item(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    let actor = ctx.actor();
    let v = match library::item(&state.app, &actor, &id).await {
        Ok(v) => v,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let collections = if v.may.post {
        library::collections(&state.app, &actor, &v.space.slug)
            .await
            .map(|all| all.into_iter().filter(|c| c.can_edit).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    page(&ItemPage { ctx, v, collections })
}

async fn edit_item_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match library::item(&state.app, &ctx.actor(), &id).await {
        Ok(v) if v.item.can_edit => page(&ItemForm {
            ctx,
            space: v.space,
            item_id: Some(v.item.id),
            kind: v.item.kind.as_str().to_owned(),
            title: v.item.title,
            url: v.item.url.unwrap_or_default(),
            body: v.item.body,
            tags: v.item.tags.join(" "),
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize, Default, Clone)]
struct ItemEditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tags: String,
}

async fn edit_item(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ItemEditForm>,
) -> Response {
    let actor = ctx.actor();
    let input = ItemInput {
        kind: String::new(),
        title: form.title.clone(),
        url: form.url.clone(),
        file_id: String::new(),
        body: form.body.clone(),
        tags: form.tags.clone(),
    };
    match library::update_item(&state.app, &actor, &id, input).await {
        Ok(item) => Redirect::to(&format!("/library/{}", item.id)).into_response(),
        Err(CoreError::Invalid(fields)) => match library::item(&state.app, &actor, &id).await {
            Ok(v) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ItemForm {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    space: v.space,
                    item_id: Some(v.item.id),
                    kind: v.item.kind.as_str().to_owned(),
                    title: form.title,
                    url: form.url,
                    body: form.body,
                    tags: form.tags,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn delete_item(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match library::delete_item(&state.app, &ctx.actor(), &id).await {
        Ok(slug) => redirect_with(&format!("/s/{slug}/library"), "flash-item-deleted"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct SuggestForm {
    #[serde(default)]
    suggested: String,
}

async fn suggest_item(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<SuggestForm>,
) -> Response {
    match library::suggest_item(&state.app, &ctx.actor(), &id, form.suggested == "1").await {
        Ok(()) => Redirect::to(&format!("/library/{id}")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct CollectForm {
    #[serde(default)]
    collection: String,
}

async fn collect(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<CollectForm>,
) -> Response {
    match library::toggle_collection_item(&state.app, &ctx.actor(), &form.collection, &id, true).await {
        Ok(()) => Redirect::to(&format!("/collections/{}", form.collection)).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "collection_form.html")]
struct CollectionForm {
    ctx: PageCtx,
    space: SpaceSummary,
    collection_id: Option<String>,
    title: String,
    body: String,
    errors: FormErrors,
}

async fn new_collection_form(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match library::library(&state.app, &ctx.actor(), &slug, None, 1).await {
        Ok(lib) if lib.may.post => page(&CollectionForm {
            ctx,
            space: lib.space,
            collection_id: None,
            title: String::new(),
            body: String::new(),
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct CollectionFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn create_collection(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<CollectionFields>,
) -> Response {
    let actor = ctx.actor();
    let input = CollectionInput { title: form.title.clone(), body: form.body.clone() };
    match library::create_collection(&state.app, &actor, &slug, input).await {
        Ok(id) => Redirect::to(&format!("/collections/{id}")).into_response(),
        Err(CoreError::Invalid(fields)) => match library::library(&state.app, &actor, &slug, None, 1).await {
            Ok(lib) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CollectionForm {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    space: lib.space,
                    collection_id: None,
                    title: form.title,
                    body: form.body,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Template)]
#[template(path = "collection.html")]
struct CollectionPage {
    ctx: PageCtx,
    v: CollectionView,
}

async fn collection(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match library::collection(&state.app, &ctx.actor(), &id).await {
        Ok(v) => page(&CollectionPage { ctx, v }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn edit_collection_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match library::collection(&state.app, &ctx.actor(), &id).await {
        Ok(v) if v.collection.can_edit => page(&CollectionForm {
            ctx,
            space: v.space,
            collection_id: Some(v.collection.id),
            title: v.collection.title,
            body: v.collection.body,
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn edit_collection(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<CollectionFields>,
) -> Response {
    let actor = ctx.actor();
    let input = CollectionInput { title: form.title.clone(), body: form.body.clone() };
    match library::update_collection(&state.app, &actor, &id, input).await {
        Ok(()) => Redirect::to(&format!("/collections/{id}")).into_response(),
        Err(CoreError::Invalid(fields)) => match library::collection(&state.app, &actor, &id).await {
            Ok(v) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CollectionForm {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    space: v.space,
                    collection_id: Some(id),
                    title: form.title,
                    body: form.body,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn delete_collection(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match library::delete_collection(&state.app, &ctx.actor(), &id).await {
        Ok(slug) => redirect_with(&format!("/s/{slug}/library"), "flash-collection-deleted"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn suggest_collection(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<SuggestForm>,
) -> Response {
    match library::suggest_collection(&state.app, &ctx.actor(), &id, form.suggested == "1").await {
        Ok(()) => Redirect::to(&format!("/collections/{id}")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct ItemOp {
    #[serde(default)]
    item: String,
    /// `remove`, `up` or `down`.
    #[serde(default)]
    op: String,
}

async fn collection_items(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ItemOp>,
) -> Response {
    let actor = ctx.actor();
    let done = match form.op.as_str() {
        "remove" => library::toggle_collection_item(&state.app, &actor, &id, &form.item, false).await,
        "up" => library::move_collection_item(&state.app, &actor, &id, &form.item, -1).await,
        "down" => library::move_collection_item(&state.app, &actor, &id, &form.item, 1).await,
        _ => Err(CoreError::field("op", "invalid-option")),
    };
    match done {
        Ok(()) => Redirect::to(&format!("/collections/{id}")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "upload_done.html")]
struct UploadDone {
    ctx: PageCtx,
    file: FileInfo,
    back: String,
}

/// The plain upload form (without JavaScript): stores the file and shows the
/// Markdown to paste. With JavaScript, the page uploads through the API and
/// inserts the Markdown itself.
async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    match uploads::receive(&state, &ctx.actor(), &slug, &headers, multipart, true).await {
        Ok(received) => match received.file {
            Some(file) => {
                let back = headers
                    .get(axum::http::header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| url::Url::parse(r).ok())
                    .map(|u| u.path().to_owned())
                    .filter(|p| p.starts_with('/') && !p.starts_with("//"))
                    .unwrap_or_else(|| format!("/s/{slug}"));
                page(&UploadDone { ctx, file, back })
            }
            None => upload_error(&ctx, UploadError::NoFile),
        },
        Err(e) => upload_error(&ctx, e),
    }
}
