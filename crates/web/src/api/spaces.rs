//! `/spaces`: the directory, settings, membership, requests and invitations.

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::CoreError;
use stoa_core::spaces::{self, DirectoryFilter, NewSpaceInput, SpaceSettingsInput};
use stoa_domain::{Role, SpaceKind};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_spaces, create_space))
        .routes(routes!(get_space, update_space))
        .routes(routes!(list_members))
        .routes(routes!(change_role, remove_member))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(list_requests, request_to_join))
        .routes(routes!(withdraw_request))
        .routes(routes!(approve_request))
        .routes(routes!(deny_request))
        .routes(routes!(list_invites, create_invite))
        .routes(routes!(revoke_invite))
        .routes(routes!(preview_link))
        .routes(routes!(accept_link))
}

fn role(raw: Option<&str>) -> Result<Role, CoreError> {
    match raw {
        None => Ok(Role::Member),
        Some(r) => Role::parse(r).map_err(|_| CoreError::field("role", "invalid-option")),
    }
}

/// The spaces you may know about, most recently active first.
#[utoipa::path(get, path = "/spaces", tag = "spaces", params(DirectoryParams),
    responses((status = 200, body = Vec<SpaceDto>)))]
async fn list_spaces(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DirectoryParams>,
) -> ApiResult<ApiJson<Vec<SpaceDto>>> {
    let filter = DirectoryFilter { query: q.q, kind: q.kind.as_deref().and_then(|k| SpaceKind::parse(k).ok()) };
    Ok(ApiJson(spaces::directory(&s.app, &actor, &filter).await?.into_iter().map(SpaceDto::from).collect()))
}

/// Creates a community or a team; you become its owner.
#[utoipa::path(post, path = "/spaces", tag = "spaces", request_body = CreateSpace,
    responses((status = 201, body = SpaceDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_space(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateSpace>,
) -> ApiResult<(StatusCode, ApiJson<SpaceDto>)> {
    let input = NewSpaceInput {
        kind: body.kind,
        name: body.name,
        slug: body.slug.unwrap_or_default(),
        description: body.description.unwrap_or_default(),
        visibility: body.visibility,
        join_policy: body.join_policy,
        parent: body.parent.unwrap_or_default(),
    };
    Ok((StatusCode::CREATED, ApiJson(spaces::create_space(&s.app, &actor, input).await?.into())))
}

/// A space, what you may do in it, its teams, and your pending request or invitation.
#[utoipa::path(get, path = "/spaces/{slug}", tag = "spaces", params(("slug" = String, Path)),
    responses((status = 200, body = SpaceDetailDto), (status = 404, body = ErrorBody)))]
async fn get_space(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<SpaceDetailDto>> {
    Ok(ApiJson(spaces::space(&s.app, &actor, &slug).await?.into()))
}

/// Changes a space's settings (owners).
#[utoipa::path(patch, path = "/spaces/{slug}", tag = "spaces", params(("slug" = String, Path)), request_body = UpdateSpace,
    responses((status = 200, body = SpaceDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_space(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateSpace>,
) -> ApiResult<ApiJson<SpaceDto>> {
    let input = SpaceSettingsInput {
        name: body.name,
        description: body.description,
        visibility: body.visibility,
        join_policy: body.join_policy,
    };
    Ok(ApiJson(spaces::update_space(&s.app, &actor, &slug, input).await?.into()))
}

/// Members: owners first, then facilitators, then members.
#[utoipa::path(get, path = "/spaces/{slug}/members", tag = "members", params(("slug" = String, Path), ListParams),
    responses((status = 200, body = Vec<MemberDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_members(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<ApiJson<Vec<MemberDto>>> {
    let members = spaces::members(&s.app, &actor, &slug, q.limit.unwrap_or(100), q.offset.unwrap_or(0)).await?;
    Ok(ApiJson(members.into_iter().map(MemberDto::from).collect()))
}

/// Changes a member's role (owners).
#[utoipa::path(patch, path = "/spaces/{slug}/members/{username}", tag = "members", params(("slug" = String, Path), ("username" = String, Path)), request_body = ChangeRole,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn change_role(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, username)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ChangeRole>,
) -> ApiResult<StatusCode> {
    let role = Role::parse(&body.role).map_err(|_| CoreError::field("role", "invalid-option"))?;
    spaces::change_role(&s.app, &actor, &slug, &username, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (owners); they also leave the community's teams.
#[utoipa::path(delete, path = "/spaces/{slug}/members/{username}", tag = "members", params(("slug" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remove_member(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, username)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    spaces::remove_member(&s.app, &actor, &slug, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Joins a space whose join policy is `open`.
#[utoipa::path(post, path = "/spaces/{slug}/join", tag = "members", params(("slug" = String, Path)),
    responses((status = 200, body = SpaceDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn join(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<SpaceDto>> {
    Ok(ApiJson(spaces::join(&s.app, &actor, &slug).await?.into()))
}

/// Leaves a space (and the teams inside it).
#[utoipa::path(post, path = "/spaces/{slug}/leave", tag = "members", params(("slug" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn leave(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<StatusCode> {
    spaces::leave(&s.app, &actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pending requests to join (owners and facilitators).
#[utoipa::path(get, path = "/spaces/{slug}/join-requests", tag = "members", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<JoinRequestDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_requests(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<JoinRequestDto>>> {
    Ok(ApiJson(spaces::join_requests(&s.app, &actor, &slug).await?.into_iter().map(JoinRequestDto::from).collect()))
}

/// Asks to join a space whose join policy is `request`.
#[utoipa::path(post, path = "/spaces/{slug}/join-requests", tag = "members", params(("slug" = String, Path)), request_body = JoinRequestBody,
    responses((status = 202), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn request_to_join(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    // The body is optional: an empty one asks without a message.
    let message = if body.iter().all(u8::is_ascii_whitespace) {
        String::new()
    } else {
        let parsed: JoinRequestBody = serde_json::from_slice(&body)
            .map_err(|e| crate::error::ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.to_string()))?;
        parsed.message.unwrap_or_default()
    };
    spaces::request_to_join(&s.app, &actor, &slug, &message).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Withdraws your pending request.
#[utoipa::path(delete, path = "/spaces/{slug}/join-requests/mine", tag = "members", params(("slug" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn withdraw_request(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<StatusCode> {
    spaces::withdraw_request(&s.app, &actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approves a request: the person becomes a member.
#[utoipa::path(post, path = "/spaces/{slug}/join-requests/{id}/approve", tag = "members", params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve_request(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    spaces::decide_request(&s.app, &actor, &slug, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Denies a request.
#[utoipa::path(post, path = "/spaces/{slug}/join-requests/{id}/deny", tag = "members", params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn deny_request(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    spaces::decide_request(&s.app, &actor, &slug, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pending invitations and live invite links (owners and facilitators).
#[utoipa::path(get, path = "/spaces/{slug}/invites", tag = "members", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<InviteDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_invites(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
) -> ApiResult<ApiJson<Vec<InviteDto>>> {
    Ok(ApiJson(spaces::invites(&s.app, &actor, &slug).await?.into_iter().map(InviteDto::from).collect()))
}

/// Invites a person by username, or creates an invite link.
#[utoipa::path(post, path = "/spaces/{slug}/invites", tag = "members", params(("slug" = String, Path)), request_body = CreateInvite,
    responses((status = 201, body = CreatedInviteLinkDto, description = "An invite link (or, for a person, the invitation in `invite` with an empty token)"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_invite(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateInvite>,
) -> ApiResult<(StatusCode, ApiJson<CreatedInviteLinkDto>)> {
    let role = role(body.role.as_deref())?;
    if body.link {
        let created =
            spaces::create_invite_link(&s.app, &actor, &slug, body.expires_in_days.unwrap_or(7), body.max_uses, role)
                .await?;
        let path = format!("/join/{}", created.token);
        return Ok((
            StatusCode::CREATED,
            ApiJson(CreatedInviteLinkDto { invite: created.invite.into(), token: created.token, path }),
        ));
    }
    let username = body.username.ok_or_else(|| CoreError::field("username", "invalid-empty"))?;
    let invite = spaces::invite_person(&s.app, &actor, &slug, &username, role).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedInviteLinkDto { invite: invite.into(), token: String::new(), path: String::new() }),
    ))
}

/// Revokes an invitation or link.
#[utoipa::path(delete, path = "/spaces/{slug}/invites/{id}", tag = "members", params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn revoke_invite(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((slug, id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    spaces::revoke_invite(&s.app, &actor, &slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invite link leads to.
#[utoipa::path(get, path = "/invite-links/{token}", tag = "members", params(("token" = String, Path)),
    responses((status = 200, body = InvitePreviewDto), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn preview_link(
    State(s): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<ApiJson<InvitePreviewDto>> {
    Ok(ApiJson(spaces::preview_invite_link(&s.app, &token).await?.into()))
}

/// Joins through an invite link.
#[utoipa::path(post, path = "/invite-links/{token}/accept", tag = "members", params(("token" = String, Path)),
    responses((status = 200, body = SpaceDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn accept_link(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<ApiJson<SpaceDto>> {
    Ok(ApiJson(spaces::accept_invite_link(&s.app, &actor, &token).await?.into()))
}
