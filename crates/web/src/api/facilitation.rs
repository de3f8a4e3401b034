//! Q&A and the facilitator's controls: votes, accepted and endorsed answers,
//! thread state, move, split, merge, and a space's discussion rules.

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::facilitation::{self, ThreadChanges};
use stoa_core::spaces::DiscussionRules;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(vote))
        .routes(routes!(accept))
        .routes(routes!(endorse))
        .routes(routes!(update_state))
        .routes(routes!(move_thread))
        .routes(routes!(split))
        .routes(routes!(merge))
        .routes(routes!(open_now))
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(set_rules))
}

/// Votes an answer up or down, or takes your vote back (one vote per person,
/// changeable; not on your own answer).
#[utoipa::path(put, path = "/posts/{id}/vote", tag = "qa", params(("id" = String, Path)), request_body = VoteBody,
    responses((status = 200, body = VotesDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn vote(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<VoteBody>,
) -> ApiResult<ApiJson<VotesDto>> {
    let votes = facilitation::vote(&s.app, &actor, &id, body.value).await?;
    Ok(ApiJson(VotesDto { score: votes.score, my_vote: votes.my_vote }))
}

/// Accepts an answer to a question (the asker or a facilitator); `null` takes it back.
#[utoipa::path(put, path = "/threads/{id}/accepted", tag = "qa", params(("id" = String, Path)), request_body = AcceptBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn accept(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> ApiResult<StatusCode> {
    facilitation::accept(&s.app, &actor, &id, body.post_id.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Endorses an answer, or takes the endorsement back (facilitators).
#[utoipa::path(put, path = "/posts/{id}/endorsement", tag = "qa", params(("id" = String, Path)), request_body = EndorseBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn endorse(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<EndorseBody>,
) -> ApiResult<StatusCode> {
    facilitation::endorse(&s.app, &actor, &id, body.endorsed).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pins, locks, closes (with a reason) or reopens a thread, and sets its
/// slow mode and post-first mode (facilitators).
#[utoipa::path(patch, path = "/threads/{id}/state", tag = "facilitation", params(("id" = String, Path)), request_body = ThreadStateBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_state(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ThreadStateBody>,
) -> ApiResult<StatusCode> {
    let changes = ThreadChanges {
        pinned: body.pinned,
        locked: body.locked,
        closed: body.closed,
        close_reason: body.close_reason,
        slow_mode_secs: body.slow_mode_secs,
        post_first: body.post_first,
    };
    facilitation::update_thread(&s.app, &actor, &id, changes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves a thread to another space you facilitate.
#[utoipa::path(post, path = "/threads/{id}/move", tag = "facilitation", params(("id" = String, Path)), request_body = MoveBody,
    responses((status = 200, body = MovedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_thread(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<MoveBody>,
) -> ApiResult<ApiJson<MovedDto>> {
    let space_slug = facilitation::move_thread(&s.app, &actor, &id, &body.space).await?;
    Ok(ApiJson(MovedDto { space_slug }))
}

/// Splits replies off into a new thread in the same space.
#[utoipa::path(post, path = "/threads/{id}/split", tag = "facilitation", params(("id" = String, Path)), request_body = SplitBody,
    responses((status = 201, body = SplitDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn split(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SplitBody>,
) -> ApiResult<(StatusCode, ApiJson<SplitDto>)> {
    let thread_id = facilitation::split(&s.app, &actor, &id, &body.post_ids, &body.title).await?;
    Ok((StatusCode::CREATED, ApiJson(SplitDto { thread_id })))
}

/// Merges this thread into another: its posts follow the other's, and links
/// to it lead there.
#[utoipa::path(post, path = "/threads/{id}/merge", tag = "facilitation", params(("id" = String, Path)), request_body = MergeBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn merge(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<StatusCode> {
    facilitation::merge(&s.app, &actor, &id, &body.into).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Opens a scheduled prompt now instead of at its time (facilitators).
#[utoipa::path(post, path = "/threads/{id}/open", tag = "facilitation", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn open_now(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    facilitation::open_now(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reacts to a post: `helpful`, `insightful`, `thanks`, `celebrate` or `curious`.
#[utoipa::path(put, path = "/posts/{id}/reactions/{kind}", tag = "posts", params(("id" = String, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_reaction(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, kind)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    stoa_core::social::react(&s.app, &actor, &id, &kind, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a reaction back.
#[utoipa::path(delete, path = "/posts/{id}/reactions/{kind}", tag = "posts", params(("id" = String, Path), ("kind" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove_reaction(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, kind)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    stoa_core::social::react(&s.app, &actor, &id, &kind, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a space's discussion rules (facilitators).
#[utoipa::path(put, path = "/spaces/{slug}/rules", tag = "facilitation", params(("slug" = String, Path)), request_body = RulesDto,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_rules(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<RulesDto>,
) -> ApiResult<StatusCode> {
    let rules = DiscussionRules {
        allow_anonymous: body.allow_anonymous,
        slow_mode_secs: body.slow_mode_secs,
        post_first: body.post_first,
    };
    facilitation::set_rules(&s.app, &actor, &slug, rules).await?;
    Ok(StatusCode::NO_CONTENT)
}
