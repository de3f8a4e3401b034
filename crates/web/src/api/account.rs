//! `/me`, `/users`, `/activity` and `/admin`.

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::accounts::{self, ProfileInput, SignUpInput};
use stoa_core::admin::{self, Authority};
use stoa_core::{activity, spaces};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::ctx::RequestContext;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(get_me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(put_avatar, delete_avatar))
        .routes(routes!(start_blog))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(my_invites))
        .routes(routes!(accept_invite))
        .routes(routes!(decline_invite))
        .routes(routes!(my_spaces))
        .routes(routes!(get_user))
        .routes(routes!(list_people))
        .routes(routes!(set_expertise))
        .routes(routes!(recent_activity))
        .routes(routes!(admin_users, admin_create_user))
        .routes(routes!(admin_update_user))
        .routes(routes!(admin_settings, admin_update_settings))
}

/// A picture's bytes, as the body of a request.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PictureBytes(#[allow(dead_code)] Vec<u8>);

/// Sets your picture: the request body is the picture itself (PNG, JPEG,
/// GIF or WebP, up to 1 MB). Everyone sees it at `/u/{username}/avatar`.
#[utoipa::path(put, path = "/me/avatar", tag = "me",
    request_body(content((PictureBytes = "image/png"), (PictureBytes = "image/jpeg"), (PictureBytes = "image/gif"), (PictureBytes = "image/webp"))),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_avatar(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    body: axum::body::Body,
) -> ApiResult<StatusCode> {
    crate::avatars::receive(&s, &actor, body.into_data_stream()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes your picture: one is drawn from your name again.
#[utoipa::path(delete, path = "/me/avatar", tag = "me",
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn delete_avatar(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<StatusCode> {
    accounts::remove_avatar(&s.app, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts your own blog (or finds the one you have): a public community you
/// own, whose blog is yours. Write in it through `/spaces/{slug}/blog`.
#[utoipa::path(post, path = "/me/blog", tag = "blogs", request_body = StartBlogBody,
    responses((status = 200, body = BlogSpaceDto), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_blog(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<StartBlogBody>,
) -> ApiResult<ApiJson<BlogSpaceDto>> {
    let me = actor.require()?;
    let name = body.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| format!("{}'s blog", me.display_name));
    Ok(ApiJson(BlogSpaceDto { slug: stoa_core::blogs::start_personal(&s.app, &actor, &name).await? }))
}

/// Your account.
#[utoipa::path(get, path = "/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn get_me(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<ApiJson<Me>> {
    Ok(ApiJson(accounts::account(&s.app, &actor).await?.into()))
}

/// Changes your profile.
#[utoipa::path(patch, path = "/me", tag = "me", request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_me(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<UpdateMe>,
) -> ApiResult<ApiJson<Me>> {
    let input = ProfileInput {
        username: body.username,
        display_name: body.display_name,
        email: body.email,
        bio: body.bio,
        locale: body.locale,
    };
    Ok(ApiJson(accounts::update_profile(&s.app, &actor, input).await?.into()))
}

/// Changes your password; every other session of yours ends.
#[utoipa::path(post, path = "/me/password", tag = "me", request_body = ChangePassword,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_password(
    State(s): State<AppState>,
    rc: RequestContext,
    ApiJson(body): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    accounts::change_password(&s.app, &rc.actor, &body.current_password, &body.new_password, rc.session.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your API tokens.
#[utoipa::path(get, path = "/me/tokens", tag = "me",
    responses((status = 200, body = Vec<TokenDto>), (status = 401, body = ErrorBody)))]
async fn list_tokens(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<ApiJson<Vec<TokenDto>>> {
    Ok(ApiJson(accounts::tokens(&s.app, &actor).await?.into_iter().map(TokenDto::from).collect()))
}

/// Creates an API token. The secret is in this response only.
#[utoipa::path(post, path = "/me/tokens", tag = "me", request_body = CreateToken,
    responses((status = 201, body = CreatedTokenDto), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_token(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateToken>,
) -> ApiResult<(StatusCode, ApiJson<CreatedTokenDto>)> {
    let created = accounts::create_token(&s.app, &actor, &body.name).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedTokenDto { token: created.token.into(), secret: created.secret })))
}

/// Revokes one of your tokens.
#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "me", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    accounts::revoke_token(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Invitations waiting for your answer.
#[utoipa::path(get, path = "/me/invites", tag = "me",
    responses((status = 200, body = Vec<InviteDto>), (status = 401, body = ErrorBody)))]
async fn my_invites(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<ApiJson<Vec<InviteDto>>> {
    Ok(ApiJson(spaces::my_invites(&s.app, &actor).await?.into_iter().map(InviteDto::from).collect()))
}

/// Accepts an invitation: you join the space.
#[utoipa::path(post, path = "/me/invites/{id}/accept", tag = "me", params(("id" = String, Path)),
    responses((status = 200, body = SpaceDto), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn accept_invite(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<SpaceDto>> {
    Ok(ApiJson(spaces::answer_invite(&s.app, &actor, &id, true).await?.into()))
}

/// Declines an invitation.
#[utoipa::path(post, path = "/me/invites/{id}/decline", tag = "me", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody)))]
async fn decline_invite(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    spaces::answer_invite(&s.app, &actor, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The spaces you belong to, most recently active first.
#[utoipa::path(get, path = "/me/spaces", tag = "me",
    responses((status = 200, body = Vec<SpaceDto>), (status = 401, body = ErrorBody)))]
async fn my_spaces(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<ApiJson<Vec<SpaceDto>>> {
    actor.require()?;
    Ok(ApiJson(spaces::my_spaces(&s.app, &actor).await?.into_iter().map(SpaceDto::from).collect()))
}

/// A person's profile.
#[utoipa::path(get, path = "/users/{username}", tag = "users", params(("username" = String, Path)),
    responses((status = 200, body = ProfileDto), (status = 404, body = ErrorBody)))]
async fn get_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<ApiJson<ProfileDto>> {
    Ok(ApiJson(accounts::profile(&s.app, &actor, &username).await?.into()))
}

/// Recent activity in your spaces (public spaces when not signed in).
#[utoipa::path(get, path = "/activity", tag = "spaces", params(ListParams),
    responses((status = 200, body = Vec<ActivityDto>)))]
async fn recent_activity(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<ApiJson<Vec<ActivityDto>>> {
    let items = activity::recent(&s.app, &actor, q.limit.unwrap_or(30)).await?;
    Ok(ApiJson(items.into_iter().map(ActivityDto::from).collect()))
}

/// Accounts, filtered and paged (admins only).
#[utoipa::path(get, path = "/admin/users", tag = "admin", params(UserListParams),
    responses((status = 200, body = Vec<AdminUserDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn admin_users(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<UserListParams>,
) -> ApiResult<ApiJson<Vec<AdminUserDto>>> {
    let users = admin::users(&s.app, &actor, q.q.as_deref(), q.page.unwrap_or(1)).await?;
    Ok(ApiJson(users.into_iter().map(AdminUserDto::from).collect()))
}

/// Creates an account (admins only).
#[utoipa::path(post, path = "/admin/users", tag = "admin", request_body = CreateUser,
    responses((status = 201, body = Me), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn admin_create_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, ApiJson<AdminUserDto>)> {
    let input = SignUpInput {
        username: body.username,
        display_name: body.display_name.unwrap_or_default(),
        email: body.email.unwrap_or_default(),
        password: body.password,
        ..Default::default()
    };
    let user = accounts::create_user(&s.app, &actor, Authority::Request, input, body.admin).await?;
    let listed = admin::users(&s.app, &actor, Some(&user.username), 1).await?;
    let found = listed.into_iter().find(|u| u.id == user.id).ok_or(stoa_core::CoreError::NotFound)?;
    Ok((StatusCode::CREATED, ApiJson(found.into())))
}

/// Grants or removes admin rights, suspends or reinstates an account (admins only).
#[utoipa::path(patch, path = "/admin/users/{username}", tag = "admin", params(("username" = String, Path)), request_body = UpdateUser,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn admin_update_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(username): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> ApiResult<StatusCode> {
    if let Some(is_admin) = body.is_admin {
        admin::set_admin(&s.app, &actor, &username, is_admin).await?;
    }
    if let Some(suspended) = body.suspended {
        admin::set_suspended(&s.app, &actor, &username, suspended).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Instance settings (admins only).
#[utoipa::path(get, path = "/admin/settings", tag = "admin",
    responses((status = 200, body = InstanceSettingsDto), (status = 403, body = ErrorBody)))]
async fn admin_settings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<ApiJson<InstanceSettingsDto>> {
    Ok(ApiJson(admin::settings(&s.app, &actor).await?.into()))
}

/// Changes instance settings (admins only).
#[utoipa::path(patch, path = "/admin/settings", tag = "admin", request_body = UpdateSettings,
    responses((status = 200, body = InstanceSettingsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn admin_update_settings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<UpdateSettings>,
) -> ApiResult<ApiJson<InstanceSettingsDto>> {
    let settings =
        admin::update_settings(&s.app, &actor, body.registration.as_deref(), body.instance_name.as_deref()).await?;
    s.forget_instance_name();
    Ok(ApiJson(settings.into()))
}

/// The people directory (signed in): filter by a skill, an interest or a name.
#[utoipa::path(get, path = "/people", tag = "users", params(PeopleParams),
    responses((status = 200, body = PeopleDto), (status = 401, body = ErrorBody)))]
async fn list_people(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PeopleParams>,
) -> ApiResult<ApiJson<PeopleDto>> {
    let filter = stoa_core::accounts::PeopleFilter { skill: q.skill, interest: q.interest, text: q.q };
    let (people, has_more) = stoa_core::accounts::people(&s.app, &actor, &filter, q.page.unwrap_or(1)).await?;
    Ok(ApiJson(PeopleDto {
        people: people
            .into_iter()
            .map(|p| PersonDto {
                username: p.username,
                display_name: p.display_name,
                headline: p.headline,
                skills: p.skills,
                interests: p.interests,
            })
            .collect(),
        has_more,
    }))
}

/// Sets your skills and interests (each replaces the list).
#[utoipa::path(put, path = "/me/expertise", tag = "me", request_body = ExpertiseBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_expertise(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<ExpertiseBody>,
) -> ApiResult<StatusCode> {
    stoa_core::accounts::set_expertise(&s.app, &actor, &body.skills.join(" "), &body.interests.join(" ")).await?;
    Ok(StatusCode::NO_CONTENT)
}
