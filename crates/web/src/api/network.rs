//! The home feed, tags, follows, blocks, notifications, blogs and private messages.

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::social::{self, FollowTarget};
use stoa_core::{blogs, feed, messages, notifications};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(home_feed))
        .routes(routes!(get_tag))
        .routes(routes!(list_follows))
        .routes(routes!(follow, unfollow))
        .routes(routes!(list_blocks))
        .routes(routes!(block, unblock))
        .routes(routes!(list_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(get_notification_settings, set_notification_settings))
        .routes(routes!(get_blog, create_blog_post))
        .routes(routes!(get_blog_post, update_blog_post))
        .routes(routes!(list_conversations, start_conversation))
        .routes(routes!(get_conversation, send_message))
}

/// Your home feed, newest first: the spaces you belong to or follow, and the
/// threads, tags and people you follow.
#[utoipa::path(get, path = "/feed", tag = "network", params(BeforeParams),
    responses((status = 200, body = FeedDto), (status = 401, body = ErrorBody)))]
async fn home_feed(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BeforeParams>,
) -> ApiResult<ApiJson<FeedDto>> {
    Ok(ApiJson(feed::home(&s.app, &actor, q.before, q.limit.unwrap_or(30)).await?.into()))
}

/// A tag: what carries it that you may read, and who knows about it.
#[utoipa::path(get, path = "/tags/{tag}", tag = "network", params(("tag" = String, Path), TagParams),
    responses((status = 200, body = TagDto), (status = 422, body = ErrorBody)))]
async fn get_tag(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(tag): ApiPath<String>,
    ApiQuery(q): ApiQuery<TagParams>,
) -> ApiResult<ApiJson<TagDto>> {
    Ok(ApiJson(feed::tag(&s.app, &actor, &tag, q.page.unwrap_or(1)).await?.into()))
}

/// What you follow (only what you may still see).
#[utoipa::path(get, path = "/me/follows", tag = "network",
    responses((status = 200, body = Vec<FollowedDto>), (status = 401, body = ErrorBody)))]
async fn list_follows(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<ApiJson<Vec<FollowedDto>>> {
    Ok(ApiJson(social::following(&s.app, &actor).await?.into_iter().map(FollowedDto::from).collect()))
}

/// Follows a person (username), space (slug), thread (id) or tag.
#[utoipa::path(put, path = "/me/follows/{kind}/{target}", tag = "network", params(("kind" = String, Path), ("target" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn follow(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((kind, target)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    social::follow(&s.app, &actor, &FollowTarget::parse(&kind, &target)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following.
#[utoipa::path(delete, path = "/me/follows/{kind}/{target}", tag = "network", params(("kind" = String, Path), ("target" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn unfollow(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((kind, target)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    social::follow(&s.app, &actor, &FollowTarget::parse(&kind, &target)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The people you have blocked.
#[utoipa::path(get, path = "/me/blocks", tag = "network",
    responses((status = 200, body = Vec<PersonRefDto>), (status = 401, body = ErrorBody)))]
async fn list_blocks(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<ApiJson<Vec<PersonRefDto>>> {
    let people = social::blocked(&s.app, &actor).await?;
    Ok(ApiJson(
        people.into_iter().map(|p| PersonRefDto { username: p.username, display_name: p.display_name }).collect(),
    ))
}

/// Blocks a person: their mentions, messages and notifications no longer reach you.
#[utoipa::path(put, path = "/me/blocks/{username}", tag = "network", params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn block(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<StatusCode> {
    social::block(&s.app, &actor, &username, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unblocks a person.
#[utoipa::path(delete, path = "/me/blocks/{username}", tag = "network", params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn unblock(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<StatusCode> {
    social::block(&s.app, &actor, &username, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your notifications, newest first, about what you may still read.
#[utoipa::path(get, path = "/notifications", tag = "network", params(BeforeParams),
    responses((status = 200, body = NotificationsDto), (status = 401, body = ErrorBody)))]
async fn list_notifications(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<BeforeParams>,
) -> ApiResult<ApiJson<NotificationsDto>> {
    Ok(ApiJson(notifications::list(&s.app, &actor, q.before, q.limit.unwrap_or(30)).await?.into()))
}

/// Marks notifications read: the ones given, or all.
#[utoipa::path(post, path = "/notifications/read", tag = "network", request_body = MarkReadBody,
    responses((status = 200, body = MarkedDto), (status = 401, body = ErrorBody)))]
async fn mark_read(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<MarkReadBody>,
) -> ApiResult<ApiJson<MarkedDto>> {
    let marked = notifications::mark_read(&s.app, &actor, body.ids.as_deref()).await?;
    Ok(ApiJson(MarkedDto { marked }))
}

/// How each kind of notification reaches you.
#[utoipa::path(get, path = "/me/notification-settings", tag = "network",
    responses((status = 200, body = NotificationSettingsDto), (status = 401, body = ErrorBody)))]
async fn get_notification_settings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<ApiJson<NotificationSettingsDto>> {
    Ok(ApiJson(notifications::preferences(&s.app, &actor).await?.into()))
}

/// Changes how kinds of notification reach you, and how often the digest comes.
#[utoipa::path(put, path = "/me/notification-settings", tag = "network", request_body = NotificationSettingsDto,
    responses((status = 200, body = NotificationSettingsDto), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_notification_settings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NotificationSettingsDto>,
) -> ApiResult<ApiJson<NotificationSettingsDto>> {
    let kinds: Vec<(String, String)> = body.kinds.into_iter().collect();
    Ok(ApiJson(notifications::set_preferences(&s.app, &actor, &kinds, body.digest.as_deref()).await?.into()))
}

/// A space's blog, newest first (drafts only for its facilitators).
#[utoipa::path(get, path = "/spaces/{slug}/blog", tag = "blogs", params(("slug" = String, Path)),
    responses((status = 200, body = BlogDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_blog(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<BlogDto>> {
    let blog = blogs::blog(&s.app, &actor, &slug).await?;
    Ok(ApiJson(BlogDto { posts: blog.posts.into_iter().map(BlogPostDto::from).collect(), may_write: blog.may_write }))
}

/// Writes a blog post (facilitators and owners).
#[utoipa::path(post, path = "/spaces/{slug}/blog", tag = "blogs", params(("slug" = String, Path)), request_body = BlogPostBody,
    responses((status = 201, body = BlogPostDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_blog_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<BlogPostBody>,
) -> ApiResult<(StatusCode, ApiJson<BlogPostDto>)> {
    Ok((StatusCode::CREATED, ApiJson(blogs::create(&s.app, &actor, &slug, body.into()).await?.into())))
}

/// One blog post (a draft only for the blog's writers).
#[utoipa::path(get, path = "/spaces/{slug}/blog/{post}", tag = "blogs", params(("slug" = String, Path), ("post" = String, Path)),
    responses((status = 200, body = BlogPostDto), (status = 404, body = ErrorBody)))]
async fn get_blog_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, post)): ApiPath<(String, String)>,
) -> ApiResult<ApiJson<BlogPostDto>> {
    Ok(ApiJson(blogs::post(&s.app, &actor, &slug, &post).await?.post.into()))
}

/// Changes a blog post: words, files, published or not.
#[utoipa::path(put, path = "/spaces/{slug}/blog/{post}", tag = "blogs", params(("slug" = String, Path), ("post" = String, Path)), request_body = BlogPostBody,
    responses((status = 200, body = BlogPostDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_blog_post(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, post)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<BlogPostBody>,
) -> ApiResult<ApiJson<BlogPostDto>> {
    Ok(ApiJson(blogs::update(&s.app, &actor, &slug, &post, body.into()).await?.into()))
}

/// Your conversations, most recent first.
#[utoipa::path(get, path = "/messages", tag = "messages",
    responses((status = 200, body = Vec<ConversationSummaryDto>), (status = 401, body = ErrorBody)))]
async fn list_conversations(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<ApiJson<Vec<ConversationSummaryDto>>> {
    Ok(ApiJson(messages::inbox(&s.app, &actor).await?.into_iter().map(ConversationSummaryDto::from).collect()))
}

/// Writes to people: into your conversation with them when it is one
/// person you already talk to, else a new one. Refused (409) across a block.
#[utoipa::path(post, path = "/messages", tag = "messages", request_body = StartConversation,
    responses((status = 201, body = CreatedDto), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_conversation(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<StartConversation>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let id = messages::start(&s.app, &actor, &body.to, &body.body).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id })))
}

/// A conversation you belong to; reading it marks it read.
#[utoipa::path(get, path = "/messages/{id}", tag = "messages", params(("id" = String, Path), OlderParams),
    responses((status = 200, body = ConversationDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_conversation(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<OlderParams>,
) -> ApiResult<ApiJson<ConversationDto>> {
    Ok(ApiJson(messages::conversation(&s.app, &actor, &id, q.before).await?.into()))
}

/// Writes into a conversation you belong to. Refused (409) across a block.
#[utoipa::path(post, path = "/messages/{id}", tag = "messages", params(("id" = String, Path)), request_body = MessageBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn send_message(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<MessageBody>,
) -> ApiResult<StatusCode> {
    messages::send(&s.app, &actor, &id, &body.body).await?;
    Ok(StatusCode::NO_CONTENT)
}
