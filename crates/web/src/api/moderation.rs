//! Flags, moderators' decisions and warnings, the queue and the audit log.

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::CoreError;
use stoa_core::moderation::{self, Decision};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(flag_post))
        .routes(routes!(decide))
        .routes(routes!(warn_author))
        .routes(routes!(set_thread_hidden))
        .routes(routes!(queue))
        .routes(routes!(audit_log))
}

/// Flags a post for its space's moderators (one open flag per person and post).
#[utoipa::path(post, path = "/posts/{id}/flags", tag = "moderation", params(("id" = String, Path)), request_body = FlagBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn flag_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<FlagBody>,
) -> ApiResult<StatusCode> {
    moderation::flag(&s.app, &actor, &id, &body.reason, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hides or restores a post, or dismisses its flags (moderators of its space).
#[utoipa::path(post, path = "/posts/{id}/moderation", tag = "moderation", params(("id" = String, Path)), request_body = DecisionBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<StatusCode> {
    let decision = match body.decision.as_str() {
        "hide" => Decision::Hide,
        "restore" => Decision::Restore,
        "dismiss" => Decision::Dismiss,
        _ => return Err(CoreError::field("decision", "invalid-option").into()),
    };
    moderation::decide(&s.app, &actor, &id, decision, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hides a whole thread, title included, from every list, feed and search,
/// or shows it again (moderators of its space). Its author and the
/// moderators still find it.
#[utoipa::path(put, path = "/threads/{id}/hidden", tag = "moderation", params(("id" = String, Path)), request_body = ThreadHiddenBody,
    responses((status = 204)))]
async fn set_thread_hidden(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ThreadHiddenBody>,
) -> ApiResult<StatusCode> {
    moderation::set_thread_hidden(&s.app, &actor, &id, body.hidden, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ThreadHiddenBody {
    pub hidden: bool,
    /// For the audit log.
    #[serde(default)]
    pub note: String,
}

/// Warns a post's author (moderators of its space); the post's flags close.
#[utoipa::path(post, path = "/posts/{id}/warnings", tag = "moderation", params(("id" = String, Path)), request_body = WarnBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn warn_author(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<WarnBody>,
) -> ApiResult<StatusCode> {
    moderation::warn(&s.app, &actor, &id, &body.message).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The moderation queue of the spaces you moderate, or of one.
#[utoipa::path(get, path = "/moderation", tag = "moderation", params(QueueParams),
    responses((status = 200, body = QueueDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn queue(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> ApiResult<ApiJson<QueueDto>> {
    let space = q.space.as_deref().filter(|s| !s.is_empty());
    Ok(ApiJson(moderation::queue(&s.app, &actor, space).await?.into()))
}

/// The audit log: every moderator's and admin's action, newest first (admins only).
#[utoipa::path(get, path = "/admin/audit", tag = "admin", params(AuditParams),
    responses((status = 200, body = AuditPageDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> ApiResult<ApiJson<AuditPageDto>> {
    let page = moderation::audit_log(&s.app, &actor, q.before).await?;
    Ok(ApiJson(AuditPageDto {
        entries: page.entries.into_iter().map(AuditEntryDto::from).collect(),
        next_before: page.next_before,
    }))
}
