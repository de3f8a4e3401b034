//! Chat rooms: history, writing, editing, deleting, and who is present.
//! What happens next arrives on the `/live` WebSocket (topic `chat:{slug}`).

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::chat;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(chat_history, chat_send))
        .routes(routes!(chat_edit, chat_delete))
        .routes(routes!(chat_presence))
}

/// A page of a space's chat, oldest first: the newest messages, or those
/// before `before`. Members only (and facilitators of a team's community).
#[utoipa::path(get, path = "/spaces/{slug}/chat", tag = "chat", params(("slug" = String, Path), ChatPageParams),
    responses((status = 200, body = ChatDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn chat_history(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<ChatPageParams>,
) -> ApiResult<ApiJson<ChatDto>> {
    Ok(ApiJson(chat::history(&s.app, &actor, &slug, q.before.as_deref()).await?.into()))
}

/// Writes in a space's chat (Markdown, up to 4,000 characters; @mentions notify).
#[utoipa::path(post, path = "/spaces/{slug}/chat", tag = "chat", params(("slug" = String, Path)), request_body = ChatBodyDto,
    responses((status = 201, body = ChatMessageDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn chat_send(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<ChatBodyDto>,
) -> ApiResult<(StatusCode, ApiJson<ChatMessageDto>)> {
    Ok((StatusCode::CREATED, ApiJson(chat::send(&s.app, &actor, &slug, &body.body).await?.into())))
}

/// Changes the words of your own chat message.
#[utoipa::path(patch, path = "/chat/{id}", tag = "chat", params(("id" = String, Path)), request_body = ChatBodyDto,
    responses((status = 200, body = ChatMessageDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn chat_edit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ChatBodyDto>,
) -> ApiResult<ApiJson<ChatMessageDto>> {
    Ok(ApiJson(chat::edit(&s.app, &actor, &id, &body.body).await?.into()))
}

/// Deletes a chat message: your own, or anyone's in a space you moderate.
#[utoipa::path(delete, path = "/chat/{id}", tag = "chat", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn chat_delete(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    chat::delete(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who has a space's chat open now, on any node.
#[utoipa::path(get, path = "/spaces/{slug}/chat/presence", tag = "chat", params(("slug" = String, Path)),
    responses((status = 200, body = PresenceDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn chat_presence(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<PresenceDto>> {
    Ok(ApiJson(chat::presence(&s.app, &actor, &slug).await?.into()))
}
