//! The admin pages: instance settings and accounts.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::accounts::{self, SignUpInput};
use stoa_core::admin::{self, AdminUser, Authority};
use stoa_core::coedit::{self, Quarantined};

use super::{Form, FormErrors, PageCtx, Query, errors, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/settings", post(save_settings))
        .route("/admin/users", post(create_user))
        .route("/admin/users/{username}/admin", post(set_admin))
        .route("/admin/users/{username}/suspend", post(set_suspended))
        .route("/admin/docs/{id}/discard", post(discard_doc))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    ctx: PageCtx,
    users: Vec<AdminUser>,
    query: String,
    page: i64,
    has_more: bool,
    instance_name: String,
    registration: String,
    settings_errors: FormErrors,
    new_username: String,
    new_email: String,
    create_errors: FormErrors,
    /// Live documents set aside because they could not be loaded.
    quarantined: Vec<Quarantined>,
}

#[derive(Deserialize, Default)]
struct AdminQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
}

struct Extras {
    status: StatusCode,
    settings_errors: FormErrors,
    new_username: String,
    new_email: String,
    create_errors: FormErrors,
    instance_name: Option<String>,
}

impl Default for Extras {
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            settings_errors: FormErrors::default(),
            new_username: String::new(),
            new_email: String::new(),
            create_errors: FormErrors::default(),
            instance_name: None,
        }
    }
}

async fn show(state: &AppState, ctx: PageCtx, q: AdminQuery, extras: Extras) -> Response {
    let actor = ctx.actor();
    let page_no = q.page.unwrap_or(1).max(1);
    let settings = match admin::settings(&state.app, &actor).await {
        Ok(s) => s,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let mut users = match admin::users(&state.app, &actor, Some(&q.q), page_no).await {
        Ok(u) => u,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let quarantined = match coedit::quarantined(&state.app, &actor).await {
        Ok(q) => q,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let has_more = users.len() as i64 >= admin::USERS_PER_PAGE;
    users.truncate(admin::USERS_PER_PAGE as usize);
    render(
        extras.status,
        &AdminPage {
            ctx,
            users,
            query: q.q,
            page: page_no,
            has_more,
            instance_name: extras.instance_name.unwrap_or(settings.instance_name),
            registration: settings.registration.as_str().to_owned(),
            settings_errors: extras.settings_errors,
            new_username: extras.new_username,
            new_email: extras.new_email,
            create_errors: extras.create_errors,
            quarantined,
        },
    )
}

async fn admin_page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<AdminQuery>) -> Response {
    show(&state, ctx, q, Extras::default()).await
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    instance_name: String,
    #[serde(default)]
    registration: String,
}

async fn save_settings(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<SettingsForm>) -> Response {
    match admin::update_settings(&state.app, &ctx.actor(), Some(&form.registration), Some(&form.instance_name)).await {
        Ok(_) => {
            state.forget_instance_name();
            redirect_with("/admin", "flash-settings-saved")
        }
        Err(CoreError::Invalid(fields)) => {
            let settings_errors = FormErrors::from_fields(&ctx.lang, &fields);
            let extras = Extras {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                settings_errors,
                instance_name: Some(form.instance_name),
                ..Extras::default()
            };
            show(&state, ctx, AdminQuery::default(), extras).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct CreateUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    admin: Option<String>,
}

async fn create_user(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<CreateUserForm>) -> Response {
    let input = SignUpInput {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password,
        ..Default::default()
    };
    match accounts::create_user(&state.app, &ctx.actor(), Authority::Request, input, form.admin.is_some()).await {
        Ok(_) => redirect_with("/admin", "flash-user-created"),
        Err(CoreError::Invalid(fields)) => {
            let create_errors = FormErrors::from_fields(&ctx.lang, &fields);
            let extras = Extras {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                create_errors,
                new_username: form.username,
                new_email: form.email,
                ..Extras::default()
            };
            show(&state, ctx, AdminQuery::default(), extras).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct FlagForm {
    #[serde(default)]
    value: String,
}

async fn set_admin(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(username): Path<String>,
    Form(form): Form<FlagForm>,
) -> Response {
    match admin::set_admin(&state.app, &ctx.actor(), &username, form.value == "1").await {
        Ok(()) => redirect_with("/admin", "flash-user-updated"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn set_suspended(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(username): Path<String>,
    Form(form): Form<FlagForm>,
) -> Response {
    match admin::set_suspended(&state.app, &ctx.actor(), &username, form.value == "1").await {
        Ok(()) => redirect_with("/admin", "flash-user-updated"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn discard_doc(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match coedit::discard(&state.app, &ctx.actor(), &id).await {
        Ok(()) => redirect_with("/admin", "flash-doc-discarded"),
        Err(e) => errors::render_error(&ctx, e),
    }
}
