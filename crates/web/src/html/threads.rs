//! Thread pages: starting a thread, reading and replying, editing, deleting
//! and the history of a post.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::discussions::{self, NewThreadInput, POSTS_PER_PAGE, Post, ReplyInput, ThreadPage};
use stoa_core::rows::PostVersion;
use stoa_core::spaces::{self, Permissions, SpaceSummary};

use super::{Form, FormErrors, PageCtx, Query, errors, local_time, page, redirect_with, render};
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
    may: Permissions,
    title: String,
    body: String,
    kind: String,
    anonymous: bool,
    /// As typed in the `datetime-local` field.
    opens_at: String,
    tz_offset: String,
    post_first: bool,
    /// Threads and pages that may already answer it.
    similar: Vec<stoa_search::Hit>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct NewThreadQuery {
    /// `question` to start with that kind chosen.
    #[serde(default)]
    kind: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<NewThreadQuery>,
) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match spaces::space(&state.app, &ctx.actor(), &slug).await {
        Ok(detail) if detail.may.post => page(&NewThreadPage {
            ctx,
            post_first: detail.space.rules.post_first,
            space: detail.space,
            may: detail.may,
            title: String::new(),
            body: String::new(),
            kind: q.kind.unwrap_or_default(),
            anonymous: false,
            opens_at: String::new(),
            tz_offset: String::new(),
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
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    anonymous: Option<String>,
    /// Present when the facilitator's options were on the form.
    #[serde(default)]
    facilitator_options: Option<String>,
    #[serde(default)]
    opens_at: String,
    /// Minutes the browser's clock is behind UTC (JavaScript's
    /// `getTimezoneOffset`); empty without JavaScript, meaning UTC.
    #[serde(default)]
    tz_offset: String,
    #[serde(default)]
    post_first: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<NewThreadForm>,
) -> Response {
    let actor = ctx.actor();
    let facilitator = form.facilitator_options.is_some();
    let opens_at = local_time(&form.opens_at, &form.tz_offset);
    let input = NewThreadInput {
        title: form.title.clone(),
        body: form.body.clone(),
        kind: form.kind.clone(),
        anonymous: form.anonymous.is_some(),
        opens_at: opens_at.unwrap_or(None),
        post_first: facilitator.then_some(form.post_first.is_some()),
    };
    let result = match opens_at {
        Ok(_) => discussions::create_thread(&state.app, &actor, &slug, input).await,
        Err(()) => Err(CoreError::field("opens_at", "invalid-datetime")),
    };
    match result {
        Ok(written) => Redirect::to(&format!("/s/{}/t/{}", written.space_slug, written.thread_id)).into_response(),
        Err(e @ (CoreError::Invalid(_) | CoreError::SlowMode { .. })) => match spaces::space(&state.app, &actor, &slug)
            .await
        {
            Ok(detail) => {
                let errors = form_errors(&ctx, &e);
                let similar =
                    stoa_core::search::similar(&state.app, &actor, &form.title, Some(&slug)).await.unwrap_or_default();
                render(
                    if matches!(e, CoreError::SlowMode { .. }) {
                        StatusCode::TOO_MANY_REQUESTS
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    },
                    &NewThreadPage {
                        ctx,
                        space: detail.space,
                        may: detail.may,
                        title: form.title,
                        body: form.body,
                        kind: form.kind.unwrap_or_default(),
                        anonymous: form.anonymous.is_some(),
                        opens_at: form.opens_at,
                        tz_offset: form.tz_offset,
                        post_first: form.post_first.is_some(),
                        similar,
                        errors,
                    },
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

/// Field errors for a form that slow mode or validation refused.
pub(super) fn form_errors(ctx: &PageCtx, e: &CoreError) -> FormErrors {
    match e {
        CoreError::Invalid(fields) => FormErrors::from_fields(&ctx.lang, fields),
        CoreError::SlowMode { retry_after_secs } => {
            let wait = ctx.interval(&i64::try_from(*retry_after_secs).unwrap_or(i64::MAX));
            FormErrors::general(ctx.ts("slow-mode-wait", "interval", &wait))
        }
        _ => FormErrors::default(),
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
    reply_anonymous: bool,
    errors: FormErrors,
    /// For facilitators: the slow-mode intervals offered, where the thread
    /// can move, and what they typed into a refused form.
    slow_mode_choices: &'static [i64],
    move_targets: Vec<SpaceSummary>,
    close_reason: String,
    split_title: String,
    merge_into: String,
    /// The HTML of each of `tp.posts` ([`super::fragments`]).
    posts_html: Vec<Arc<str>>,
}

/// What a thread page shows besides the thread: the reply being written and
/// the answer to a refused form.
#[derive(Default)]
pub(super) struct ThreadExtras {
    pub reply_to: Option<String>,
    pub reply_body: String,
    pub reply_anonymous: bool,
    pub errors: FormErrors,
    pub close_reason: String,
    pub split_title: String,
    pub merge_into: String,
}

/// The slow-mode intervals offered, in seconds (0: off).
pub(super) const SLOW_MODE_CHOICES: &[i64] = &[0, 30, 60, 300, 900, 3600, 86_400];

/// A thread page is its posts and some 16 KB around them.
fn render_thread(status: StatusCode, view: &ThreadView) -> Response {
    let posts: usize = view.posts_html.iter().map(|p| p.len()).sum();
    super::render_sized(status, view, 16 * 1024 + posts)
}

async fn thread_view(state: &AppState, ctx: PageCtx, tp: ThreadPage, extras: ThreadExtras) -> ThreadView {
    let move_targets = if tp.may.facilitate {
        spaces::facilitated(&state.app, &ctx.actor())
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.id != tp.space.id)
            .collect()
    } else {
        Vec::new()
    };
    ThreadView {
        posts_html: state.fragments.posts(&ctx, &tp),
        new_link: new_link(&tp),
        ctx,
        tp,
        reply_to: extras.reply_to,
        reply_body: extras.reply_body,
        reply_anonymous: extras.reply_anonymous,
        errors: extras.errors,
        slow_mode_choices: SLOW_MODE_CHOICES,
        move_targets,
        close_reason: extras.close_reason,
        split_title: extras.split_title,
        merge_into: extras.merge_into,
    }
}

/// The thread page again with a refused form's message and input (`status`
/// 422, or 429 for slow mode), or the error page if the thread cannot be read.
pub(super) async fn thread_again(
    state: &AppState,
    ctx: PageCtx,
    thread_id: &str,
    error: CoreError,
    mut extras: ThreadExtras,
) -> Response {
    let status = match &error {
        CoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::SlowMode { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => return errors::render_error_keeping(&ctx, error, Some(extras.reply_body)),
    };
    match discussions::thread_page(&state.app, &ctx.actor(), thread_id, None).await {
        Ok(tp) => {
            extras.errors = form_errors(&ctx, &error);
            render_thread(status, &thread_view(state, ctx, tp, extras).await)
        }
        Err(e) => errors::render_error(&ctx, e),
    }
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
fn quote(ctx: &PageCtx, post: &Post) -> String {
    let mut out = if post.author_hidden {
        format!("> **{}** wrote:\n", ctx.t("anonymous"))
    } else {
        format!("> **@{}** wrote:\n", post.author_username)
    };
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
            // A hidden post's words cannot be quoted by those who may not read them.
            Ok(p) if p.thread_id == tp.thread.id && !p.deleted && !p.body.is_empty() => {
                (Some(p.id.clone()), quote(&ctx, &p))
            }
            _ => (None, String::new()),
        },
        None => (None, String::new()),
    };
    let extras = ThreadExtras { reply_to, reply_body, ..ThreadExtras::default() };
    render_thread(StatusCode::OK, &thread_view(&state, ctx, tp, extras).await)
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
    #[serde(default)]
    anonymous: Option<String>,
}

async fn reply(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let actor = ctx.actor();
    let input =
        ReplyInput { body: form.body.clone(), reply_to: form.reply_to.clone(), anonymous: form.anonymous.is_some() };
    match discussions::reply(&state.app, &actor, &id, input).await {
        Ok(written) => {
            Redirect::to(&post_url(&written.space_slug, &written.thread_id, written.post.number)).into_response()
        }
        Err(e) => {
            let extras = ThreadExtras {
                reply_to: form.reply_to,
                reply_body: form.body,
                reply_anonymous: form.anonymous.is_some(),
                ..ThreadExtras::default()
            };
            thread_again(&state, ctx, &id, e, extras).await
        }
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
            let errors = FormErrors::general(ctx.t("edit-conflict").to_string());
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
