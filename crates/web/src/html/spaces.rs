//! Space pages: the directory, creating a space, a space's threads, members,
//! settings, requests to join and invitations.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::discussions::{self, Filter, ThreadList};
use stoa_core::rows::{JoinRequestRow, MemberRow};
use stoa_core::spaces::{
    self, DirectoryFilter, InvitePreview, InviteSummary, NewSpaceInput, SpaceDetail, SpaceSettingsInput, SpaceSummary,
};
use stoa_domain::{Role, SpaceKind};

use super::{Form, FormErrors, PageCtx, PageResult, Query, errors, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/spaces", get(directory).post(create))
        .route("/spaces/new", get(new_form))
        .route("/s/{slug}", get(space))
        .route("/s/{slug}/members", get(members))
        .route("/s/{slug}/members/{username}/role", post(change_role))
        .route("/s/{slug}/members/{username}/remove", post(remove_member))
        .route("/s/{slug}/join", post(join))
        .route("/s/{slug}/leave", post(leave))
        .route("/s/{slug}/request", get(request_form).post(request))
        .route("/s/{slug}/request/withdraw", post(withdraw))
        .route("/s/{slug}/settings", get(settings_form).post(settings))
        .route("/s/{slug}/requests", get(requests))
        .route("/s/{slug}/requests/{id}/approve", post(approve))
        .route("/s/{slug}/requests/{id}/deny", post(deny))
        .route("/s/{slug}/invites", get(invites).post(invite_person))
        .route("/s/{slug}/invite-links", post(create_link))
        .route("/s/{slug}/invites/{id}/revoke", post(revoke))
        .route("/invites/{id}/accept", post(accept_invite))
        .route("/invites/{id}/decline", post(decline_invite))
        .route("/join/{token}", get(link_preview).post(accept_link))
}

#[derive(Deserialize, Default)]
struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    ctx: PageCtx,
    spaces: Vec<SpaceSummary>,
    query: String,
    kind: String,
}

async fn directory(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<DirectoryQuery>) -> PageResult {
    let filter = DirectoryFilter { query: Some(q.q.clone()), kind: SpaceKind::parse(&q.kind).ok() };
    let spaces = spaces::directory(&state.app, &ctx.actor(), &filter).await.map_err(|e| ctx.fail(e))?;
    Ok(page(&DirectoryPage { ctx, spaces, query: q.q, kind: q.kind }))
}

#[derive(Template)]
#[template(path = "space_new.html")]
struct NewSpacePage {
    ctx: PageCtx,
    parents: Vec<SpaceSummary>,
    kind: String,
    parent: String,
    name: String,
    slug: String,
    description: String,
    visibility: String,
    join_policy: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct NewSpaceQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
}

/// Communities in which the actor may create teams.
async fn team_parents(state: &AppState, ctx: &PageCtx) -> Vec<SpaceSummary> {
    let actor = ctx.actor();
    let mine = spaces::my_spaces(&state.app, &actor).await.unwrap_or_default();
    mine.into_iter()
        .filter(|s| s.kind == SpaceKind::Community && s.viewer_role.is_some_and(|r| r.at_least(Role::Facilitator)))
        .collect()
}

async fn new_form(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<NewSpaceQuery>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    let parents = team_parents(&state, &ctx).await;
    let kind = if q.kind == "team" { "team" } else { "community" };
    page(&NewSpacePage {
        ctx,
        parents,
        kind: kind.into(),
        parent: q.parent,
        name: String::new(),
        slug: String::new(),
        description: String::new(),
        visibility: "members".into(),
        join_policy: "request".into(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct NewSpaceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    join_policy: String,
}

async fn create(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<NewSpaceForm>) -> Response {
    let input = NewSpaceInput {
        kind: form.kind.clone(),
        name: form.name.clone(),
        slug: form.slug.clone(),
        description: form.description.clone(),
        visibility: form.visibility.clone(),
        join_policy: form.join_policy.clone(),
        parent: if form.kind == "team" { form.parent.clone() } else { String::new() },
    };
    match spaces::create_space(&state.app, &ctx.actor(), input).await {
        Ok(space) => redirect_with(&format!("/s/{}", space.slug), "flash-space-created"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            let parents = team_parents(&state, &ctx).await;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewSpacePage {
                    ctx,
                    parents,
                    kind: form.kind,
                    parent: form.parent,
                    name: form.name,
                    slug: form.slug,
                    description: form.description,
                    visibility: form.visibility,
                    join_policy: form.join_policy,
                    errors,
                },
            )
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "space.html")]
struct SpacePage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    /// `None` when the viewer may not read the threads.
    threads: Option<ThreadList>,
    filters: [Filter; 4],
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Deserialize, Default)]
struct ThreadsQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    filter: Option<String>,
}

async fn space(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<ThreadsQuery>,
) -> Response {
    let actor = ctx.actor();
    let detail = match spaces::space(&state.app, &actor, &slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    // An unknown filter shows everything rather than an error page.
    let filter = Filter::ALL.into_iter().find(|f| Some(f.as_str()) == q.filter.as_deref()).unwrap_or_default();
    let threads = if detail.may.read {
        match discussions::threads(&state.app, &actor, &slug, filter, q.page.unwrap_or(1)).await {
            Ok(list) => Some(list),
            Err(e) => return errors::for_get(&ctx, e),
        }
    } else {
        None
    };
    page(&SpacePage { ctx, detail, tab: "threads", threads, filters: Filter::ALL })
}

#[derive(Template)]
#[template(path = "space_members.html")]
struct MembersPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    members: Vec<MemberRow>,
    page: i64,
    has_more: bool,
}

const MEMBERS_PER_PAGE: i64 = 60;

async fn members(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let actor = ctx.actor();
    let page_no = q.page.unwrap_or(1).max(1);
    let detail = match spaces::space(&state.app, &actor, &slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let mut members = match spaces::members(
        &state.app,
        &actor,
        &slug,
        MEMBERS_PER_PAGE + 1,
        (page_no - 1).saturating_mul(MEMBERS_PER_PAGE),
    )
    .await
    {
        Ok(m) => m,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let has_more = members.len() as i64 > MEMBERS_PER_PAGE;
    members.truncate(MEMBERS_PER_PAGE as usize);
    page(&MembersPage { ctx, detail, tab: "members", members, page: page_no, has_more })
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, username)): Path<(String, String)>,
    Form(form): Form<RoleForm>,
) -> PageResult {
    let role = Role::parse(&form.role).map_err(|_| ctx.fail(CoreError::field("role", "invalid-option")))?;
    spaces::change_role(&state.app, &ctx.actor(), &slug, &username, role).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}/members"), "flash-role-changed"))
}

async fn remove_member(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, username)): Path<(String, String)>,
    Form(_): Form<super::Empty>,
) -> PageResult {
    spaces::remove_member(&state.app, &ctx.actor(), &slug, &username).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}/members"), "flash-member-removed"))
}

#[derive(Deserialize, Default)]
struct JoinForm {
    /// Where to go afterwards: a page inside this space (a thread the person was reading).
    #[serde(default)]
    next: String,
}

async fn join(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<JoinForm>,
) -> PageResult {
    let space = spaces::join(&state.app, &ctx.actor(), &slug).await.map_err(|e| ctx.fail(e))?;
    let home = format!("/s/{}", space.slug);
    let inside = form.next.starts_with(&format!("{home}/"));
    let back = if inside { super::home::safe_next(&form.next) } else { home.as_str() };
    Ok(redirect_with(back, "flash-joined"))
}

async fn leave(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> PageResult {
    spaces::leave(&state.app, &ctx.actor(), &slug).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with("/", "flash-left"))
}

#[derive(Template)]
#[template(path = "space_request.html")]
struct RequestPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
}

async fn request_form(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    match spaces::space(&state.app, &ctx.actor(), &slug).await {
        Ok(detail) if detail.may.request_to_join => page(&RequestPage { ctx, detail, tab: "request" }),
        Ok(detail) => Redirect::to(&format!("/s/{}", detail.space.slug)).into_response(),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    message: String,
}

async fn request(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<RequestForm>,
) -> PageResult {
    spaces::request_to_join(&state.app, &ctx.actor(), &slug, &form.message).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}"), "flash-request-sent"))
}

async fn withdraw(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> PageResult {
    spaces::withdraw_request(&state.app, &ctx.actor(), &slug).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}"), "flash-request-withdrawn"))
}

#[derive(Template)]
#[template(path = "space_settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    name: String,
    description: String,
    visibility: String,
    join_policy: String,
    errors: FormErrors,
}

async fn settings_form(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    let detail = match spaces::space(&state.app, &ctx.actor(), &slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    if !detail.may.edit_settings {
        return errors::for_get(
            &ctx,
            if ctx.user.is_some() { CoreError::Forbidden } else { CoreError::SignInRequired },
        );
    }
    let s = &detail.space;
    let (name, description, visibility, join_policy) =
        (s.name.clone(), s.description.clone(), s.visibility.as_str().to_owned(), s.join_policy.as_str().to_owned());
    page(&SettingsPage {
        ctx,
        detail,
        tab: "settings",
        name,
        description,
        visibility,
        join_policy,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    join_policy: String,
}

async fn settings(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Response {
    let actor = ctx.actor();
    let input = SpaceSettingsInput {
        name: Some(form.name.clone()),
        description: Some(form.description.clone()),
        visibility: Some(form.visibility.clone()),
        join_policy: Some(form.join_policy.clone()),
    };
    match spaces::update_space(&state.app, &actor, &slug, input).await {
        Ok(space) => redirect_with(&format!("/s/{}/settings", space.slug), "flash-settings-saved"),
        Err(CoreError::Invalid(fields)) => {
            let detail = match spaces::space(&state.app, &actor, &slug).await {
                Ok(d) => d,
                Err(e) => return errors::render_error(&ctx, e),
            };
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SettingsPage {
                    ctx,
                    detail,
                    tab: "settings",
                    name: form.name,
                    description: form.description,
                    visibility: form.visibility,
                    join_policy: form.join_policy,
                    errors,
                },
            )
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "space_requests.html")]
struct RequestsPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    requests: Vec<JoinRequestRow>,
}

async fn requests(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    let actor = ctx.actor();
    let requests = match spaces::join_requests(&state.app, &actor, &slug).await {
        Ok(r) => r,
        Err(e) => return errors::for_get(&ctx, e),
    };
    match spaces::space(&state.app, &actor, &slug).await {
        Ok(detail) => page(&RequestsPage { ctx, detail, tab: "requests", requests }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn approve(State(state): State<AppState>, ctx: PageCtx, Path((slug, id)): Path<(String, String)>) -> PageResult {
    spaces::decide_request(&state.app, &ctx.actor(), &slug, &id, true).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}/requests"), "flash-request-approved"))
}

async fn deny(State(state): State<AppState>, ctx: PageCtx, Path((slug, id)): Path<(String, String)>) -> PageResult {
    spaces::decide_request(&state.app, &ctx.actor(), &slug, &id, false).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}/requests"), "flash-request-denied"))
}

#[derive(Template)]
#[template(path = "space_invites.html")]
struct InvitesPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    invites: Vec<InviteSummary>,
    created_link: Option<String>,
    username: String,
    errors: FormErrors,
}

async fn invites_page(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    status: StatusCode,
    created_link: Option<String>,
    username: String,
    errors: FormErrors,
) -> Response {
    let actor = ctx.actor();
    let invites = match spaces::invites(&state.app, &actor, slug).await {
        Ok(i) => i,
        Err(e) => return errors::for_get(&ctx, e),
    };
    match spaces::space(&state.app, &actor, slug).await {
        Ok(detail) => {
            render(status, &InvitesPage { ctx, detail, tab: "invites", invites, created_link, username, errors })
        }
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn invites(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    invites_page(&state, ctx, &slug, StatusCode::OK, None, String::new(), FormErrors::default()).await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
}

async fn invite_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<InviteForm>,
) -> Response {
    let role = Role::parse(&form.role).unwrap_or(Role::Member);
    match spaces::invite_person(&state.app, &ctx.actor(), &slug, &form.username, role).await {
        Ok(_) => redirect_with(&format!("/s/{slug}/invites"), "flash-invite-sent"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            invites_page(&state, ctx, &slug, StatusCode::UNPROCESSABLE_ENTITY, None, form.username, errors).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct LinkForm {
    #[serde(default)]
    expires_in_days: String,
    #[serde(default)]
    max_uses: String,
}

async fn create_link(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<LinkForm>,
) -> Response {
    let days = form.expires_in_days.trim().parse().unwrap_or(0);
    let max_uses = match form.max_uses.trim() {
        "" => None,
        n => match n.parse() {
            Ok(n) => Some(n),
            Err(_) => Some(0),
        },
    };
    match spaces::create_invite_link(&state.app, &ctx.actor(), &slug, days, max_uses, Role::Member).await {
        Ok(created) => {
            let base = state.config.public_url.clone().unwrap_or_default();
            let link = format!("{}/join/{}", base.trim_end_matches('/'), created.token);
            invites_page(&state, ctx, &slug, StatusCode::OK, Some(link), String::new(), FormErrors::default()).await
        }
        Err(CoreError::Invalid(fields)) => {
            let errors =
                FormErrors::general(fields.first().map(|f| super::field_error_text(&ctx.lang, f)).unwrap_or_default());
            invites_page(&state, ctx, &slug, StatusCode::UNPROCESSABLE_ENTITY, None, String::new(), errors).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn revoke(State(state): State<AppState>, ctx: PageCtx, Path((slug, id)): Path<(String, String)>) -> PageResult {
    spaces::revoke_invite(&state.app, &ctx.actor(), &slug, &id).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{slug}/invites"), "flash-invite-revoked"))
}

async fn accept_invite(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> PageResult {
    let space = spaces::answer_invite(&state.app, &ctx.actor(), &id, true).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{}", space.slug), "flash-invite-accepted"))
}

async fn decline_invite(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> PageResult {
    spaces::answer_invite(&state.app, &ctx.actor(), &id, false).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with("/", "flash-invite-declined"))
}

#[derive(Template)]
#[template(path = "invite_link.html")]
struct InviteLinkPage {
    ctx: PageCtx,
    preview: InvitePreview,
    token: String,
}

async fn link_preview(State(state): State<AppState>, ctx: PageCtx, Path(token): Path<String>) -> Response {
    match spaces::preview_invite_link(&state.app, &token).await {
        Ok(preview) => page(&InviteLinkPage { ctx, preview, token }),
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn accept_link(State(state): State<AppState>, ctx: PageCtx, Path(token): Path<String>) -> PageResult {
    let space = spaces::accept_invite_link(&state.app, &ctx.actor(), &token).await.map_err(|e| ctx.fail(e))?;
    Ok(redirect_with(&format!("/s/{}", space.slug), "flash-invite-accepted"))
}
