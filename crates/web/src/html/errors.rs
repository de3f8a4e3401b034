//! Error pages: what a person sees when an action is refused or a page is missing.

use askama::Template;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::LanguageIdentifier;
use stoa_core::CoreError;

use super::{PageCtx, render};
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub title: String,
    pub message: String,
    pub show_sign_in: bool,
    /// Text the person wrote that could not be saved, shown so it is not lost.
    pub kept: Option<String>,
}

/// Renders a refusal. A page that needs signing in redirects to the sign-in
/// form and comes back afterwards; for a form that was posted, it answers
/// 401 with a link instead, so the person is told what happened.
pub fn render_error(ctx: &PageCtx, error: CoreError) -> Response {
    render_error_keeping(ctx, error, None)
}

/// Like [`render_error`], but shows `kept` (what the person wrote) so they
/// can copy it, for forms that could not be saved (an expired session, say).
pub fn render_error_keeping(ctx: &PageCtx, error: CoreError, kept: Option<String>) -> Response {
    let (status, title, message) = match &error {
        CoreError::NotFound => (StatusCode::NOT_FOUND, "error-not-found-title", "error-not-found-body"),
        CoreError::SignInRequired => {
            let title = if ctx.session_expired { "error-session-expired-title" } else { "error-sign-in-title" };
            (StatusCode::UNAUTHORIZED, title, "error-sign-in-body")
        }
        CoreError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden-title", "error-forbidden-body"),
        CoreError::Conflict(id) => (StatusCode::CONFLICT, "error-conflict-title", *id),
        CoreError::Gone(id) => (StatusCode::GONE, "error-gone-title", *id),
        CoreError::BadCredentials => (StatusCode::UNAUTHORIZED, "error-sign-in-title", "signin-failed"),
        CoreError::RateLimited { .. } => {
            (StatusCode::TOO_MANY_REQUESTS, "error-rate-limited-title", "error-rate-limited-body")
        }
        CoreError::SlowMode { .. } => (StatusCode::TOO_MANY_REQUESTS, "error-slow-mode-title", "error-slow-mode-body"),
        CoreError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "error-bad-form-title", "error-bad-form-body"),
        CoreError::Quarantined => (StatusCode::CONFLICT, "error-quarantined-title", "error-quarantined-body"),
        CoreError::StorageFull => {
            tracing::error!("a write failed: storage is full");
            (StatusCode::INSUFFICIENT_STORAGE, "error-storage-full-title", "error-storage-full-body")
        }
        CoreError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, "error-internal-title", "error-internal-body")
        }
    };
    render(
        status,
        &ErrorPage {
            ctx: ctx.clone(),
            title: ctx.t(title).to_string(),
            message: ctx.t(message).to_string(),
            show_sign_in: status == StatusCode::UNAUTHORIZED && ctx.user.is_none(),
            kept: kept.filter(|k| !k.trim().is_empty()),
        },
    )
}

/// For GET requests, sends people who must sign in to the sign-in form.
pub fn sign_in_redirect(ctx: &PageCtx) -> Response {
    Redirect::to(&format!("/signin?next={}", ctx.next_param())).into_response()
}

/// Maps an error for a page that was requested with GET.
pub fn for_get(ctx: &PageCtx, error: CoreError) -> Response {
    if matches!(error, CoreError::SignInRequired) && ctx.user.is_none() {
        return sign_in_redirect(ctx);
    }
    render_error(ctx, error)
}

/// A minimal error page for places without a full page context.
pub fn simple_page(lang: &LanguageIdentifier, status: StatusCode, title: &str, message: &str) -> Response {
    let ctx = PageCtx {
        lang: lang.clone(),
        user: None,
        csrf: String::new(),
        instance_name: stoa_core::admin::DEFAULT_INSTANCE_NAME.to_owned(),
        path: "/".into(),
        flash: None,
        session_expired: false,
        unread: 0,
    };
    let page = ErrorPage {
        title: ctx.t(title).to_string(),
        message: ctx.t(message).to_string(),
        ctx,
        show_sign_in: false,
        kept: None,
    };
    render(status, &page)
}

/// The fallback for unknown paths: JSON under `/api`, a page elsewhere.
pub async fn not_found(method: Method, uri: axum::http::Uri, ctx: PageCtx) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no route for {method} {}", uri.path()))
            .into_response();
    }
    render_error(&ctx, CoreError::NotFound)
}
