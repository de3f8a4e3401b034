//! Thread pages: starting a thread, reading and replying, editing, deleting
//! and the history of a post.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::discussions::{self, NewThreadInput, POSTS_PER_PAGE, Post, ReplyInput, ThreadPage};
use stoa_core::rows::PostVersion;
use stoa_core::spaces::{self, SpaceSummary};

use super::{Form, FormErrors, PageCtx, errors, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/new", get(new_form))
        .route("/s/{slug}/threads", post(create))
        .route("/s/{slug}/t/{id}", get(thread))
        .route("/t/{id}", get(thread_by_id))
        .route("/t/{id}/reply", post(reply))
        .route("/p/{id}", get(post_link))
        .route("/p/{id}/edit", get(edit_form).post(edit))
        .route("/p/{id}/delete", post(delete))
        .route("/p/{id}/history", get(history))
}

/// Where a post lives: its thread page and anchor.
fn post_url(slug: &str, thread_id: &str, number: i64) -> String {
    let page = (number - 1) / POSTS_PER_PAGE + 1;
    if page > 1 {
        format!("/s/{slug}/t/{thread_id}?page={page}#post-{number}")
    } else {
        format!("/s/{slug}/t/{thread_id}#post-{number}")
    }
}

#[derive(Template)]
#[template(path = "thread_new.html")]
struct NewThreadPage {
    ctx: PageCtx,
    space: SpaceSummary,
    title: String,
    body: String,
    /// Threads and pages that may already answer it.
    similar: Vec<stoa_search::Hit>,
    errors: FormErrors,
}

async fn new_form(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match spaces::space(&state.app, &ctx.actor(), &slug).await {
        Ok(detail) if detail.may.post => page(&NewThreadPage {
            ctx,
            space: detail.space,
            title: String::new(),
            body: String::new(),
            similar: Vec::new(),
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct NewThreadForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<NewThreadForm>,
) -> Response {
    let actor = ctx.actor();
    let input = NewThreadInput { title: form.title.clone(), body: form.body.clone() };
    match discussions::create_thread(&state.app, &actor, &slug, input).await {
        Ok(written) => Redirect::to(&format!("/s/{}/t/{}", written.space_slug, written.thread_id)).into_response(),
        Err(CoreError::Invalid(fields)) => match spaces::space(&state.app, &actor, &slug).await {
            Ok(detail) => {
                let errors = FormErrors::from_fields(&ctx.lang, &fields);
                let similar =
                    stoa_core::search::similar(&state.app, &actor, &form.title, Some(&slug)).await.unwrap_or_default();
                render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &NewThreadPage { ctx, space: detail.space, title: form.title, body: form.body, similar, errors },
                )
            }
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => {
            let kept = format!("{}\n\n{}", form.title, form.body);
            errors::render_error_keeping(&ctx, e, Some(kept))
        }
    }
}

#[derive(Template)]
#[template(path = "thread.html")]
struct ThreadView {
    ctx: PageCtx,
    tp: ThreadPage,
    new_link: String,
    reply_to: Option<String>,
    reply_body: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct ThreadQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    quote: Option<String>,
}

fn new_link(tp: &ThreadPage) -> String {
    match tp.first_new {
        Some(n) => format!("?page={}", (n - 1) / POSTS_PER_PAGE + 1),
        None => String::new(),
    }
}

/// "> quoted text" lines for replying to a post.
fn quote(post: &Post) -> String {
    let mut out = format!("> **@{}** wrote:\n", post.author_username);
    for line in post.body.lines().take(40) {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

async fn thread(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<ThreadQuery>,
) -> Response {
    let actor = ctx.actor();
    let tp = match discussions::thread_page(&state.app, &actor, &id, q.page).await {
        Ok(tp) => tp,
        Err(e) => return errors::for_get(&ctx, e),
    };
    if tp.space.slug != slug {
        return Redirect::permanent(&format!("/s/{}/t/{}", tp.space.slug, tp.thread.id)).into_response();
    }
    let (reply_to, reply_body) = match q.quote.as_deref() {
        Some(post_id) => match discussions::post(&state.app, &actor, post_id).await {
            Ok(p) if p.thread_id == tp.thread.id && !p.deleted => (Some(p.id.clone()), quote(&p)),
            _ => (None, String::new()),
        },
        None => (None, String::new()),
    };
    let new_link = new_link(&tp);
    page(&ThreadView { ctx, tp, new_link, reply_to, reply_body, errors: FormErrors::default() })
}

async fn thread_by_id(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match discussions::thread_page(&state.app, &ctx.actor(), &id, Some(1)).await {
        Ok(tp) => Redirect::to(&format!("/s/{}/t/{}", tp.space.slug, tp.thread.id)).into_response(),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    reply_to: Option<String>,
}

async fn reply(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let actor = ctx.actor();
    let input = ReplyInput { body: form.body.clone(), reply_to: form.reply_to.clone() };
    match discussions::reply(&state.app, &actor, &id, input).await {
        Ok(written) => {
            Redirect::to(&post_url(&written.space_slug, &written.thread_id, written.post.number)).into_response()
        }
        Err(CoreError::Invalid(fields)) => match discussions::thread_page(&state.app, &actor, &id, None).await {
            Ok(tp) => {
                let errors = FormErrors::from_fields(&ctx.lang, &fields);
                let new_link = new_link(&tp);
                render(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &ThreadView { ctx, tp, new_link, reply_to: form.reply_to, reply_body: form.body, errors },
                )
            }
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn post_link(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    let actor = ctx.actor();
    let post = match discussions::post(&state.app, &actor, &id).await {
        Ok(p) => p,
        Err(e) => return errors::for_get(&ctx, e),
    };
    match discussions::thread_page(&state.app, &actor, &post.thread_id, Some(1)).await {
        Ok(tp) => Redirect::to(&post_url(&tp.space.slug, &tp.thread.id, post.number)).into_response(),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "post_edit.html")]
struct EditPage {
    ctx: PageCtx,
    post_id: String,
    version: i64,
    back: String,
    thread_title: String,
    can_rename: bool,
    title: String,
    body: String,
    /// The post as it is now, when someone changed it while this person edited.
    current_body: Option<String>,
    errors: FormErrors,
}

async fn edit_context(state: &AppState, ctx: &PageCtx, id: &str) -> Result<(Post, ThreadPage), CoreError> {
    let actor = ctx.actor();
    let post = discussions::post(&state.app, &actor, id).await?;
    let tp = discussions::thread_page(&state.app, &actor, &post.thread_id, Some(1)).await?;
    Ok((post, tp))
}

async fn edit_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    let (post, tp) = match edit_context(&state, &ctx, &id).await {
        Ok(found) => found,
        Err(e) => return errors::for_get(&ctx, e),
    };
    if !post.can_edit {
        return errors::render_error(&ctx, CoreError::Forbidden);
    }
    page(&EditPage {
        back: post_url(&tp.space.slug, &tp.thread.id, post.number),
        can_rename: post.number == 1 && tp.thread.can_rename,
        title: tp.thread.title.clone(),
        thread_title: tp.thread.title,
        post_id: post.id,
        version: post.version,
        body: post.body.to_string(),
        current_body: None,
        errors: FormErrors::default(),
        ctx,
    })
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> Response {
    let actor = ctx.actor();
    let (post, tp) = match edit_context(&state, &ctx, &id).await {
        Ok(found) => found,
        Err(e) => return errors::render_error_keeping(&ctx, e, Some(form.body)),
    };
    let back = post_url(&tp.space.slug, &tp.thread.id, post.number);
    let can_rename = post.number == 1 && tp.thread.can_rename;
    let again = |ctx: PageCtx, errors: FormErrors, current: Option<String>, version: i64| {
        render(
            if current.is_some() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY },
            &EditPage {
                ctx,
                post_id: post.id.clone(),
                version,
                back: back.clone(),
                thread_title: tp.thread.title.clone(),
                can_rename,
                title: form.title.clone().unwrap_or_else(|| tp.thread.title.clone()),
                body: form.body.clone(),
                current_body: current,
                errors,
            },
        )
    };
    if can_rename
        && let Some(title) = form.title.as_deref()
        && title != tp.thread.title
        && let Err(e) = discussions::rename_thread(&state.app, &actor, &tp.thread.id, title).await
    {
        return match e {
            CoreError::Invalid(fields) => {
                let errors = FormErrors::from_fields(&ctx.lang, &fields);
                again(ctx, errors, None, form.version.unwrap_or(post.version))
            }
            other => errors::render_error_keeping(&ctx, other, Some(form.body.clone())),
        };
    }
    match discussions::edit_post(&state.app, &actor, &id, &form.body, form.version).await {
        Ok(_) => redirect_with(&back, "flash-post-updated"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            again(ctx, errors, None, form.version.unwrap_or(post.version))
        }
        Err(CoreError::Conflict("edit-conflict")) => {
            // Someone (this person in another tab, most likely) saved first:
            // show the current text and keep theirs, and let them save again.
            let errors = FormErrors::general(ctx.t("edit-conflict"));
            again(ctx, errors, Some(post.body.to_string()), post.version)
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body.clone())),
    }
}

async fn delete(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    let actor = ctx.actor();
    let (post, tp) = match edit_context(&state, &ctx, &id).await {
        Ok(found) => found,
        Err(e) => return errors::render_error(&ctx, e),
    };
    match discussions::delete_post(&state.app, &actor, &id).await {
        Ok(()) => redirect_with(&post_url(&tp.space.slug, &tp.thread.id, post.number), "flash-post-deleted"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "post_history.html")]
struct HistoryPage {
    ctx: PageCtx,
    post: Post,
    versions: Vec<PostVersion>,
    back: String,
}

async fn history(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    let (post, tp) = match edit_context(&state, &ctx, &id).await {
        Ok(found) => found,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let versions = match discussions::post_versions(&state.app, &ctx.actor(), &id).await {
        Ok(v) => v,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let back = post_url(&tp.space.slug, &tp.thread.id, post.number);
    page(&HistoryPage { ctx, post, versions, back })
}
