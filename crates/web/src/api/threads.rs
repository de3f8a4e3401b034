//! `/spaces/{slug}/threads`, `/threads` and `/posts`.

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_threads, create_thread))
        .routes(routes!(get_thread, rename_thread))
        .routes(routes!(list_posts, create_post))
        .routes(routes!(get_post, edit_post, delete_post))
        .routes(routes!(post_versions))
}

/// A page of a space's threads: pinned first, then newest activity first.
#[utoipa::path(get, path = "/spaces/{slug}/threads", tag = "threads", params(("slug" = String, Path), ThreadListParams),
    responses((status = 200, body = ThreadListDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_threads(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<ThreadListParams>,
) -> ApiResult<ApiJson<ThreadListDto>> {
    let filter = q.filter.unwrap_or_default();
    Ok(ApiJson(discussions::threads(&s.app, &actor, &slug, filter, q.page.unwrap_or(1)).await?.into()))
}

/// Starts a thread.
#[utoipa::path(post, path = "/spaces/{slug}/threads", tag = "threads", params(("slug" = String, Path)), request_body = CreateThread,
    responses((status = 201, body = WrittenDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_thread(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateThread>,
) -> ApiResult<(StatusCode, ApiJson<WrittenDto>)> {
    let input = NewThreadInput {
        title: body.title,
        body: body.body,
        kind: body.kind,
        anonymous: body.anonymous,
        opens_at: body.opens_at,
        post_first: body.post_first,
    };
    let written = discussions::create_thread(&s.app, &actor, &slug, input).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(WrittenDto { thread_id: written.thread_id, space_slug: written.space_slug, post: written.post.into() }),
    ))
}

/// A thread with a page of its posts (by default where you left off).
#[utoipa::path(get, path = "/threads/{id}", tag = "threads", params(("id" = String, Path), PageParams),
    responses((status = 200, body = ThreadDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_thread(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<ApiJson<ThreadDto>> {
    Ok(ApiJson(discussions::thread_page(&s.app, &actor, &id, q.page).await?.into()))
}

/// Renames a thread (its author, or a moderator).
#[utoipa::path(patch, path = "/threads/{id}", tag = "threads", params(("id" = String, Path)), request_body = UpdateThread,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn rename_thread(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateThread>,
) -> ApiResult<StatusCode> {
    discussions::rename_thread(&s.app, &actor, &id, &body.title).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of a thread's posts.
#[utoipa::path(get, path = "/threads/{id}/posts", tag = "posts", params(("id" = String, Path), PageParams),
    responses((status = 200, body = Vec<PostDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_posts(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<ApiJson<Vec<PostDto>>> {
    let page = discussions::thread_page(&s.app, &actor, &id, Some(q.page.unwrap_or(1))).await?;
    Ok(ApiJson(page.posts.into_iter().map(PostDto::from).collect()))
}

/// Replies in a thread.
#[utoipa::path(post, path = "/threads/{id}/posts", tag = "posts", params(("id" = String, Path)), request_body = CreatePost,
    responses((status = 201, body = WrittenDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<CreatePost>,
) -> ApiResult<(StatusCode, ApiJson<WrittenDto>)> {
    let input = ReplyInput { body: body.body, reply_to: body.reply_to, anonymous: body.anonymous };
    let written = discussions::reply(&s.app, &actor, &id, input).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(WrittenDto { thread_id: written.thread_id, space_slug: written.space_slug, post: written.post.into() }),
    ))
}

/// One post.
#[utoipa::path(get, path = "/posts/{id}", tag = "posts", params(("id" = String, Path)),
    responses((status = 200, body = PostDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<PostDto>> {
    Ok(ApiJson(discussions::post(&s.app, &actor, &id).await?.into()))
}

/// Edits your post; the earlier version is kept.
#[utoipa::path(patch, path = "/posts/{id}", tag = "posts", params(("id" = String, Path)), request_body = UpdatePost,
    responses((status = 200, body = PostDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn edit_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdatePost>,
) -> ApiResult<ApiJson<PostDto>> {
    Ok(ApiJson(discussions::edit_post(&s.app, &actor, &id, &body.body, body.version).await?.into()))
}

/// Deletes a post (yours, or anyone's as a moderator). The thread shows it was deleted.
#[utoipa::path(delete, path = "/posts/{id}", tag = "posts", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    discussions::delete_post(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Earlier versions of an edited post, newest first.
#[utoipa::path(get, path = "/posts/{id}/versions", tag = "posts", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PostVersionDto>), (status = 404, body = ErrorBody)))]
async fn post_versions(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<PostVersionDto>>> {
    Ok(ApiJson(discussions::post_versions(&s.app, &actor, &id).await?.into_iter().map(PostVersionDto::from).collect()))
}
