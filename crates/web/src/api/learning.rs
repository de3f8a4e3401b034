//! Team sets, assignments and peer review, research quests, and community
//! health.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use stoa_core::assignments::{self, AssignmentChanges, Criterion, NewAssignment, Score};
use stoa_core::quests::{self, NewQuest};
use stoa_core::teams::{self, NewTeamSet};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_team_sets, create_team_set))
        .routes(routes!(choose_team))
        .routes(routes!(scope_facilitator))
        .routes(routes!(list_assignments, create_assignment))
        .routes(routes!(get_assignment, update_assignment))
        .routes(routes!(submit_work))
        .routes(routes!(allocate_reviews))
        .routes(routes!(submit_review))
        .routes(routes!(reassign_review))
        .routes(routes!(give_feedback))
        .routes(routes!(list_quests, create_quest))
        .routes(routes!(get_quest))
        .routes(routes!(add_source))
        .routes(routes!(claim_source))
        .routes(routes!(post_finding))
        .routes(routes!(distill))
        .routes(routes!(health))
        .routes(routes!(health_csv))
}

/// A community's team sets and their teams.
#[utoipa::path(get, path = "/spaces/{slug}/team-sets", tag = "teams", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<TeamSetDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_team_sets(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<TeamSetDto>>> {
    Ok(ApiJson(teams::sets(&s.app, &actor, &slug).await?.sets.into_iter().map(TeamSetDto::from).collect()))
}

/// Creates a team set and its teams (facilitators).
#[utoipa::path(post, path = "/spaces/{slug}/team-sets", tag = "teams", params(("slug" = String, Path)), request_body = CreateTeamSet,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_team_set(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateTeamSet>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let input = NewTeamSet { name: body.name, mode: body.mode, size: body.size, teams: body.teams };
    let set = teams::create_set(&s.app, &actor, &slug, input).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id: set.id })))
}

/// Picks (or switches to) a team of a set members choose from.
#[utoipa::path(post, path = "/team-sets/{id}/choice", tag = "teams", params(("id" = String, Path)), request_body = ChooseTeam,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn choose_team(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ChooseTeam>,
) -> ApiResult<StatusCode> {
    teams::choose(&s.app, &actor, &id, &body.team).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Scopes a community facilitator to some teams (owners); an empty list lifts it.
#[utoipa::path(put, path = "/spaces/{slug}/facilitators/{username}/scope", tag = "teams",
    params(("slug" = String, Path), ("username" = String, Path)), request_body = ScopeBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn scope_facilitator(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, username)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ScopeBody>,
) -> ApiResult<StatusCode> {
    teams::scope_facilitator(&s.app, &actor, &slug, &username, &body.teams).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A space's assignments (facilitators also see those not open yet).
#[utoipa::path(get, path = "/spaces/{slug}/assignments", tag = "assignments", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<AssignmentSummaryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_assignments(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<AssignmentSummaryDto>>> {
    let list = assignments::list(&s.app, &actor, &slug).await?;
    Ok(ApiJson(list.assignments.into_iter().map(AssignmentSummaryDto::from).collect()))
}

/// Assigns work (facilitators).
#[utoipa::path(post, path = "/spaces/{slug}/assignments", tag = "assignments", params(("slug" = String, Path)), request_body = CreateAssignment,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_assignment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateAssignment>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let input = NewAssignment {
        title: body.title,
        body: body.body,
        opens_at: body.opens_at,
        due_at: Some(body.due_at),
        audience: body.audience,
        people: body.people,
        team_set: body.team_set,
        per_team: body.per_team,
        reviewers: body.reviewers,
        anonymous_reviews: body.anonymous_reviews,
        rubric: body.rubric.into_iter().map(|c| Criterion { name: c.name, levels: c.levels }).collect(),
    };
    let id = assignments::create(&s.app, &actor, &slug, input).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id })))
}

/// An assignment as you see it: your work, your reviews, and for facilitators the board.
#[utoipa::path(get, path = "/assignments/{id}", tag = "assignments", params(("id" = String, Path)),
    responses((status = 200, body = AssignmentDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_assignment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<AssignmentDto>> {
    Ok(ApiJson(assignments::page(&s.app, &actor, &id).await?.into()))
}

/// Edits an assignment (facilitators).
#[utoipa::path(patch, path = "/assignments/{id}", tag = "assignments", params(("id" = String, Path)), request_body = UpdateAssignment,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_assignment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateAssignment>,
) -> ApiResult<StatusCode> {
    let changes = AssignmentChanges {
        title: body.title,
        body: body.body,
        opens_at: body.opens_at,
        due_at: body.due_at,
        reviewers: body.reviewers,
        anonymous_reviews: body.anonymous_reviews,
        rubric: body.rubric.map(|r| r.into_iter().map(|c| Criterion { name: c.name, levels: c.levels }).collect()),
    };
    assignments::update(&s.app, &actor, &id, changes).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submits (or resubmits) your work, or your team's.
#[utoipa::path(put, path = "/assignments/{id}/submission", tag = "assignments", params(("id" = String, Path)), request_body = SubmitWork,
    responses((status = 200, body = SubmissionDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit_work(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SubmitWork>,
) -> ApiResult<ApiJson<SubmissionDto>> {
    Ok(ApiJson(assignments::submit(&s.app, &actor, &id, &body.body).await?.into()))
}

/// Allocates peer reviewers after the due date (facilitators).
#[utoipa::path(post, path = "/assignments/{id}/allocation", tag = "assignments", params(("id" = String, Path)),
    responses((status = 200, body = AllocatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn allocate_reviews(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<AllocatedDto>> {
    Ok(ApiJson(AllocatedDto { reviews: assignments::allocate_reviews(&s.app, &actor, &id).await? }))
}

/// Submits (or revises) a review you were given.
#[utoipa::path(put, path = "/reviews/{id}", tag = "assignments", params(("id" = String, Path)), request_body = SubmitReview,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit_review(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SubmitReview>,
) -> ApiResult<StatusCode> {
    let scores = body.scores.into_iter().map(|s| Score { level: s.level, comment: s.comment }).collect();
    assignments::submit_review(&s.app, &actor, &id, scores, &body.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a review to someone else (facilitators).
#[utoipa::path(post, path = "/reviews/{id}/reassign", tag = "assignments", params(("id" = String, Path)), request_body = ReassignReview,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reassign_review(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ReassignReview>,
) -> ApiResult<StatusCode> {
    assignments::reassign(&s.app, &actor, &id, &body.username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leaves feedback on a submission (facilitators).
#[utoipa::path(post, path = "/submissions/{id}/feedback", tag = "assignments", params(("id" = String, Path)), request_body = FeedbackBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn give_feedback(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<FeedbackBody>,
) -> ApiResult<StatusCode> {
    assignments::comment(&s.app, &actor, &id, &body.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A space's research quests.
#[utoipa::path(get, path = "/spaces/{slug}/quests", tag = "quests", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<QuestSummaryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_quests(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<QuestSummaryDto>>> {
    let list = quests::list(&s.app, &actor, &slug).await?;
    Ok(ApiJson(
        list.quests
            .into_iter()
            .map(|q| QuestSummaryDto {
                id: q.id,
                question: q.question,
                created_at: q.created_at,
                source_count: q.source_count,
                finding_count: q.finding_count,
                wiki_slug: q.wiki_slug,
            })
            .collect(),
    ))
}

/// Starts a research quest (facilitators).
#[utoipa::path(post, path = "/spaces/{slug}/quests", tag = "quests", params(("slug" = String, Path)), request_body = CreateQuest,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_quest(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateQuest>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let input = NewQuest {
        question: body.question,
        body: body.body,
        sources: body.sources.into_iter().map(Into::into).collect(),
    };
    let id = quests::create(&s.app, &actor, &slug, input).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id })))
}

/// A quest's board: sources, claims, findings, what is covered.
#[utoipa::path(get, path = "/quests/{id}", tag = "quests", params(("id" = String, Path)),
    responses((status = 200, body = QuestDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_quest(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<QuestDto>> {
    Ok(ApiJson(quests::page(&s.app, &actor, &id).await?.into()))
}

/// Adds a source or an angle to a quest.
#[utoipa::path(post, path = "/quests/{id}/sources", tag = "quests", params(("id" = String, Path)), request_body = SourceBody,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_source(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SourceBody>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let id = quests::add_source(&s.app, &actor, &id, body.into()).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id })))
}

/// Claims a source or angle, or lets it go.
#[utoipa::path(put, path = "/quest-sources/{id}/claim", tag = "quests", params(("id" = String, Path)), request_body = ClaimBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn claim_source(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ClaimBody>,
) -> ApiResult<StatusCode> {
    quests::claim(&s.app, &actor, &id, body.claimed).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Posts a finding.
#[utoipa::path(post, path = "/quests/{id}/findings", tag = "quests", params(("id" = String, Path)), request_body = FindingBody,
    responses((status = 201, body = CreatedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn post_finding(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<FindingBody>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let id = quests::post_finding(&s.app, &actor, &id, body.source_id.as_deref(), &body.body).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id })))
}

/// Distills the findings into a new wiki page that links back to each (facilitators).
#[utoipa::path(post, path = "/quests/{id}/distill", tag = "quests", params(("id" = String, Path)), request_body = DistillBody,
    responses((status = 201, body = PageAddressDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn distill(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DistillBody>,
) -> ApiResult<(StatusCode, ApiJson<PageAddressDto>)> {
    let slug = quests::distill(&s.app, &actor, &id, &body.title).await?;
    Ok((StatusCode::CREATED, ApiJson(PageAddressDto { slug })))
}

/// A space's community health (facilitators).
#[utoipa::path(get, path = "/spaces/{slug}/health", tag = "facilitation", params(("slug" = String, Path)),
    responses((status = 200, body = HealthDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn health(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<HealthDto>> {
    Ok(ApiJson(stoa_core::health::health(&s.app, &actor, &slug).await?.into()))
}

/// The participation table as CSV (facilitators).
#[utoipa::path(get, path = "/spaces/{slug}/health.csv", tag = "facilitation", params(("slug" = String, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn health_csv(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<axum::response::Response> {
    let h = stoa_core::health::health(&s.app, &actor, &slug).await?;
    Ok(crate::html::csv_response(&format!("{slug}-participation.csv"), &crate::html::participation_csv(&h))
        .into_response())
}
