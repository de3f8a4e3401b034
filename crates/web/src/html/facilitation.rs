//! The facilitator's forms on thread pages (pin, lock, close, slow mode,
//! post-first, move, split, merge), votes and accepted and endorsed answers,
//! and a space's "Facilitate" page with its discussion rules.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::facilitation::{self, ThreadChanges};
use stoa_core::spaces::{self, DiscussionRules, SpaceDetail};

use super::threads::{SLOW_MODE_CHOICES, ThreadExtras, thread_again};
use super::{Form, FormErrors, PageCtx, errors, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/vote", post(vote))
        .route("/p/{id}/endorse", post(endorse))
        .route("/t/{id}/accept", post(accept))
        .route("/t/{id}/state", post(state))
        .route("/t/{id}/move", post(move_thread))
        .route("/t/{id}/split", post(split))
        .route("/t/{id}/merge", post(merge))
        .route("/t/{id}/open", post(open_now))
        .route("/p/{id}/react", get(react_page).post(react))
        .route("/s/{slug}/facilitate", get(facilitate_page).post(save_rules))
}

fn flag(value: &Option<String>) -> Option<bool> {
    match value.as_deref()?.trim() {
        "true" | "1" | "on" => Some(true),
        "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

#[derive(Deserialize)]
struct VoteForm {
    #[serde(default)]
    value: i64,
}

async fn vote(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<VoteForm>,
) -> Response {
    match facilitation::vote(&state.app, &ctx.actor(), &id, form.value).await {
        Ok(_) => Redirect::to(&format!("/p/{id}")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct EndorseForm {
    #[serde(default)]
    endorsed: Option<String>,
}

async fn endorse(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<EndorseForm>,
) -> Response {
    let endorsed = flag(&form.endorsed).unwrap_or(true);
    match facilitation::endorse(&state.app, &ctx.actor(), &id, endorsed).await {
        Ok(()) => Redirect::to(&format!("/p/{id}")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    post_id: Option<String>,
}

async fn accept(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Response {
    let post_id = form.post_id.filter(|p| !p.trim().is_empty());
    match facilitation::accept(&state.app, &ctx.actor(), &id, post_id.as_deref()).await {
        Ok(()) => match post_id {
            Some(p) => redirect_with(&format!("/p/{p}"), "flash-answer-accepted"),
            None => Redirect::to(&format!("/t/{id}")).into_response(),
        },
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct StateForm {
    #[serde(default)]
    pinned: Option<String>,
    #[serde(default)]
    locked: Option<String>,
    #[serde(default)]
    closed: Option<String>,
    #[serde(default)]
    close_reason: Option<String>,
    #[serde(default)]
    slow_mode_secs: Option<String>,
    #[serde(default)]
    post_first: Option<String>,
}

async fn state(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<StateForm>,
) -> Response {
    let slow_mode_secs = match form.slow_mode_secs.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => match v.parse() {
            Ok(secs) => Some(secs),
            Err(_) => Some(-1),
        },
    };
    let changes = ThreadChanges {
        pinned: flag(&form.pinned),
        locked: flag(&form.locked),
        closed: flag(&form.closed),
        close_reason: form.close_reason.clone(),
        slow_mode_secs,
        post_first: flag(&form.post_first),
    };
    match facilitation::update_thread(&state.app, &ctx.actor(), &id, changes).await {
        Ok(()) => redirect_with(&format!("/t/{id}"), "flash-thread-updated"),
        Err(e) => {
            let extras =
                ThreadExtras { close_reason: form.close_reason.unwrap_or_default(), ..ThreadExtras::default() };
            thread_again(&state, ctx, &id, e, extras).await
        }
    }
}

#[derive(Deserialize)]
struct MoveForm {
    #[serde(default)]
    space: String,
}

async fn move_thread(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Response {
    match facilitation::move_thread(&state.app, &ctx.actor(), &id, &form.space).await {
        Ok(slug) => redirect_with(&format!("/s/{slug}/t/{id}"), "flash-thread-moved"),
        Err(e) => thread_again(&state, ctx, &id, e, ThreadExtras::default()).await,
    }
}

/// The split form's fields: a title and any number of `post_ids`.
async fn split(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let title = fields.iter().find(|(k, _)| k == "title").map(|(_, v)| v.clone()).unwrap_or_default();
    let post_ids: Vec<String> = fields.into_iter().filter(|(k, _)| k == "post_ids").map(|(_, v)| v).collect();
    match facilitation::split(&state.app, &ctx.actor(), &id, &post_ids, &title).await {
        Ok(new_id) => redirect_with(&format!("/t/{new_id}"), "flash-thread-split"),
        Err(e) => {
            thread_again(&state, ctx, &id, e, ThreadExtras { split_title: title, ..ThreadExtras::default() }).await
        }
    }
}

#[derive(Deserialize)]
struct MergeForm {
    #[serde(default)]
    into: String,
}

async fn merge(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<MergeForm>,
) -> Response {
    match facilitation::merge(&state.app, &ctx.actor(), &id, &form.into).await {
        // Links to the merged thread lead to the one that took its posts.
        Ok(()) => redirect_with(&format!("/t/{id}"), "flash-thread-merged"),
        Err(e) => {
            thread_again(&state, ctx, &id, e, ThreadExtras { merge_into: form.into, ..ThreadExtras::default() }).await
        }
    }
}

/// The reactions to choose from, as a page: where the thread page's "+🙂"
/// leads without JavaScript (with it, the same buttons open under the post).
#[derive(Template)]
#[template(path = "react.html")]
struct ReactPage {
    ctx: PageCtx,
    post: stoa_core::discussions::Post,
}

async fn react_page(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match stoa_core::discussions::post(&state.app, &ctx.actor(), &id).await {
        Ok(post) if post.can_react => page(&ReactPage { ctx, post }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

/// A reaction button: the thread page's buttons share one form per post and
/// say `set=kind:on` or `set=kind:off`; `kind` and `on` also work.
#[derive(Deserialize)]
struct ReactForm {
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: Option<String>,
}

async fn react(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ReactForm>,
) -> Response {
    let (kind, on) = match form.set.as_deref().and_then(|s| s.split_once(':')) {
        Some((kind, on)) => (kind, flag(&Some(on.to_owned())).unwrap_or(true)),
        None => (form.kind.as_str(), flag(&form.on).unwrap_or(true)),
    };
    match stoa_core::social::react(&state.app, &ctx.actor(), &id, kind, on).await {
        Ok(()) => Redirect::to(&format!("/p/{id}")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn open_now(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match facilitation::open_now(&state.app, &ctx.actor(), &id).await {
        Ok(()) => redirect_with(&format!("/t/{id}"), "flash-prompt-opened"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "space_facilitate.html")]
struct FacilitatePage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    rules: DiscussionRules,
    slow_mode_choices: &'static [i64],
    errors: FormErrors,
}

async fn facilitate_page(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match spaces::space(&state.app, &ctx.actor(), &slug).await {
        Ok(detail) if detail.may.facilitate => page(&FacilitatePage {
            rules: detail.space.rules,
            ctx,
            detail,
            tab: "facilitate",
            slow_mode_choices: SLOW_MODE_CHOICES,
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Forbidden),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct RulesForm {
    #[serde(default)]
    allow_anonymous: Option<String>,
    #[serde(default)]
    slow_mode_secs: String,
    #[serde(default)]
    post_first: Option<String>,
}

async fn save_rules(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<RulesForm>,
) -> Response {
    let actor = ctx.actor();
    let rules = DiscussionRules {
        allow_anonymous: form.allow_anonymous.is_some(),
        slow_mode_secs: form.slow_mode_secs.trim().parse().unwrap_or(-1),
        post_first: form.post_first.is_some(),
    };
    match facilitation::set_rules(&state.app, &actor, &slug, rules).await {
        Ok(()) => redirect_with(&format!("/s/{slug}/facilitate"), "flash-rules-saved"),
        Err(CoreError::Invalid(fields)) => match spaces::space(&state.app, &actor, &slug).await {
            Ok(detail) => render(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &FacilitatePage {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    detail,
                    tab: "facilitate",
                    rules,
                    slow_mode_choices: SLOW_MODE_CHOICES,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error(&ctx, e),
    }
}
