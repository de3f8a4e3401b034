//! Moderation pages: flagging a post, the moderators' queue (hide, restore,
//! dismiss, warn) and the admins' audit log.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::discussions::{self, Post};
use stoa_core::moderation::{self, AuditEntry, AuditPage, Decision, Queue, REASONS};

use super::home::safe_next;
use super::{Form, FormErrors, PageCtx, Query, errors, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{id}/flag", get(flag_form).post(flag))
        .route("/p/{id}/moderate", post(decide))
        .route("/p/{id}/warn", post(warn))
        .route("/t/{id}/hidden", post(thread_hidden))
        .route("/moderation", get(queue))
        .route("/admin/audit", get(audit))
}

#[derive(Template)]
#[template(path = "flag.html")]
struct FlagPage {
    ctx: PageCtx,
    post: Post,
    reasons: &'static [&'static str],
    reason: String,
    note: String,
    errors: FormErrors,
}

async fn flag_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match discussions::post(&state.app, &ctx.actor(), &id).await {
        Ok(post) if post.can_flag => page(&FlagPage {
            ctx,
            post,
            reasons: &REASONS,
            reason: String::new(),
            note: String::new(),
            errors: FormErrors::default(),
        }),
        Ok(_) => errors::render_error(&ctx, CoreError::Conflict("flag-own-post")),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct FlagForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

async fn flag(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<FlagForm>,
) -> Response {
    let actor = ctx.actor();
    match moderation::flag(&state.app, &actor, &id, &form.reason, &form.note).await {
        Ok(()) => redirect_with(&format!("/p/{id}"), "flash-flagged"),
        Err(CoreError::Invalid(fields)) => match discussions::post(&state.app, &actor, &id).await {
            Ok(post) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FlagPage {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    post,
                    reasons: &REASONS,
                    reason: form.reason,
                    note: form.note,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.note)),
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    /// Where to go afterwards: the queue or the thread.
    #[serde(default)]
    back: String,
}

fn back_or(back: &str, id: &str) -> String {
    match safe_next(back) {
        "/" => format!("/p/{id}"),
        path => path.to_owned(),
    }
}

async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let (decision, flash) = match form.decision.as_str() {
        "hide" => (Decision::Hide, "flash-post-hidden"),
        "restore" => (Decision::Restore, "flash-post-restored"),
        "dismiss" => (Decision::Dismiss, "flash-flags-dismissed"),
        _ => return errors::render_error(&ctx, CoreError::field("decision", "invalid-option")),
    };
    match moderation::decide(&state.app, &ctx.actor(), &id, decision, &form.note).await {
        Ok(()) => redirect_with(&back_or(&form.back, &id), flash),
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.note)),
    }
}

#[derive(Deserialize)]
struct WarnForm {
    #[serde(default)]
    message: String,
    #[serde(default)]
    space: String,
}

async fn warn(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<WarnForm>,
) -> Response {
    let actor = ctx.actor();
    let space = Some(form.space.as_str()).filter(|s| !s.is_empty());
    match moderation::warn(&state.app, &actor, &id, &form.message).await {
        Ok(()) => redirect_with(&queue_path(space), "flash-author-warned"),
        Err(CoreError::Invalid(fields)) => match moderation::queue(&state.app, &actor, space).await {
            Ok(queue) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &QueuePage {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    queue,
                    warn_post: id,
                    warn_message: form.message,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.message)),
    }
}

fn queue_path(space: Option<&str>) -> String {
    match space {
        Some(slug) => format!("/moderation?space={}", urlencoding(slug)),
        None => "/moderation".to_owned(),
    }
}

/// A slug is letters, digits and dashes already; anything else is dropped.
fn urlencoding(slug: &str) -> String {
    slug.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    ctx: PageCtx,
    queue: Queue,
    /// The post whose warning form was refused, with what was typed.
    warn_post: String,
    warn_message: String,
    errors: FormErrors,
}

impl QueuePage {
    /// This page's own address, to come back to after a decision.
    fn here(&self) -> String {
        queue_path(self.queue.space.as_ref().map(|s| s.slug.as_str()))
    }
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    #[serde(default)]
    space: Option<String>,
}

async fn queue(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<QueueQuery>) -> Response {
    let space = q.space.as_deref().filter(|s| !s.is_empty());
    match moderation::queue(&state.app, &ctx.actor(), space).await {
        Ok(queue) => page(&QueuePage {
            ctx,
            queue,
            warn_post: String::new(),
            warn_message: String::new(),
            errors: FormErrors::default(),
        }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditLogPage {
    ctx: PageCtx,
    log: AuditPage,
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    before: Option<i64>,
}

async fn audit(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<AuditQuery>) -> Response {
    match moderation::audit_log(&state.app, &ctx.actor(), q.before).await {
        Ok(log) => page(&AuditLogPage { ctx, log }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

/// "Ana hid a post", in the reader's language.
pub(crate) fn audit_line(ctx: &PageCtx, e: &AuditEntry) -> String {
    let actor = if e.actor_display_name.is_empty() {
        ctx.t("audit-operator").to_string()
    } else {
        e.actor_display_name.clone()
    };
    ctx.ts(&format!("audit-{}", e.action.replace('.', "-")), "actor", &actor)
}

/// An audit entry's detail as shown: a label from the catalog where there
/// is one, and a flag's reason in words.
pub(crate) fn audit_detail(ctx: &PageCtx, key: &str, value: &str) -> (String, String) {
    let label_id = format!("audit-detail-{key}");
    let label = if crate::i18n::has_english(&label_id) { ctx.t(&label_id).to_string() } else { key.replace('_', " ") };
    let reason_id = format!("flag-reason-{value}");
    let value = if key == "reason" && crate::i18n::has_english(&reason_id) {
        ctx.t(&reason_id).to_string()
    } else {
        value.to_owned()
    };
    (label, value)
}

#[derive(Deserialize)]
struct ThreadHiddenForm {
    #[serde(default)]
    hidden: String,
    #[serde(default)]
    note: String,
}

/// Hides a whole thread (title included), or shows it again.
async fn thread_hidden(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ThreadHiddenForm>,
) -> Response {
    let hidden = form.hidden == "1";
    match moderation::set_thread_hidden(&state.app, &ctx.actor(), &id, hidden, &form.note).await {
        Ok(()) => {
            redirect_with(&format!("/t/{id}"), if hidden { "flash-thread-hidden" } else { "flash-thread-restored" })
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.note)),
    }
}
