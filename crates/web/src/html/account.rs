//! Account settings: profile, language, password and personal API tokens.

use askama::Template;
use axum::Router;
use axum::extract::Multipart;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::accounts::{self, ProfileInput};
use stoa_core::rows::TokenRow;

use super::{Form, FormErrors, PageCtx, errors, redirect_with, render};
use crate::AppState;
use crate::ctx::RequestContext;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(settings))
        .route("/settings/profile", post(save_profile))
        .route("/settings/avatar", post(upload_avatar).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/settings/avatar/remove", post(remove_avatar))
        .route("/settings/password", post(change_password))
        .route("/settings/tokens", get(tokens).post(create_token))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    username: String,
    display_name: String,
    email: String,
    bio: String,
    locale: String,
    languages: Vec<String>,
    errors: FormErrors,
    password_errors: FormErrors,
    has_avatar: bool,
    avatar_errors: FormErrors,
}

async fn settings_page(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    form: Option<ProfileForm>,
    errors: FormErrors,
    password_errors: FormErrors,
) -> Response {
    settings_page_with(state, ctx, status, form, errors, password_errors, FormErrors::default()).await
}

async fn settings_page_with(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    form: Option<ProfileForm>,
    errors: FormErrors,
    password_errors: FormErrors,
    avatar_errors: FormErrors,
) -> Response {
    let account = match accounts::account(&state.app, &ctx.actor()).await {
        Ok(a) => a,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let form = form.unwrap_or(ProfileForm {
        username: account.username,
        display_name: account.display_name,
        email: account.email.unwrap_or_default(),
        bio: account.bio,
        locale: account.locale.unwrap_or_default(),
    });
    render(
        status,
        &SettingsPage {
            ctx,
            username: form.username,
            display_name: form.display_name,
            email: form.email,
            bio: form.bio,
            locale: form.locale,
            languages: crate::i18n::available(),
            errors,
            password_errors,
            has_avatar: account.has_avatar,
            avatar_errors,
        },
    )
}

async fn settings(State(state): State<AppState>, ctx: PageCtx) -> Response {
    settings_page(&state, ctx, StatusCode::OK, None, FormErrors::default(), FormErrors::default()).await
}

/// A new picture, from the settings page's form (its part `avatar`).
async fn upload_avatar(State(state): State<AppState>, ctx: PageCtx, mut multipart: Multipart) -> Response {
    let actor = ctx.actor();
    if actor.id().is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    let mut result = Err(CoreError::field("avatar", "file-empty"));
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) if part.name() == Some("avatar") => {
                result = crate::avatars::receive(&state, &actor, part).await;
                break;
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                result = Err(CoreError::field("avatar", "avatar-upload-broken"));
                break;
            }
        }
    }
    match result {
        Ok(()) => redirect_with("/settings", "flash-avatar-saved"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            settings_page_with(
                &state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                FormErrors::default(),
                FormErrors::default(),
                errors,
            )
            .await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn remove_avatar(State(state): State<AppState>, ctx: PageCtx, Form(_): Form<super::Empty>) -> Response {
    match accounts::remove_avatar(&state.app, &ctx.actor()).await {
        Ok(()) => redirect_with("/settings", "flash-avatar-removed"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    locale: String,
}

async fn save_profile(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<ProfileForm>) -> Response {
    let input = ProfileInput {
        username: Some(form.username.clone()),
        display_name: Some(form.display_name.clone()),
        email: Some(form.email.clone()),
        bio: Some(form.bio.clone()),
        locale: Some(form.locale.clone()),
    };
    match accounts::update_profile(&state.app, &ctx.actor(), input).await {
        Ok(_) => redirect_with("/settings", "flash-profile-saved"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            settings_page(&state, ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(form), errors, FormErrors::default())
                .await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    rc: RequestContext,
    ctx: PageCtx,
    Form(form): Form<PasswordForm>,
) -> Response {
    match accounts::change_password(
        &state.app,
        &ctx.actor(),
        &form.current_password,
        &form.new_password,
        rc.session.as_deref(),
    )
    .await
    {
        Ok(()) => redirect_with("/settings", "flash-password-changed"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            settings_page(&state, ctx, StatusCode::UNPROCESSABLE_ENTITY, None, FormErrors::default(), errors).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    ctx: PageCtx,
    tokens: Vec<TokenRow>,
    created: Option<String>,
    name: String,
    errors: FormErrors,
}

async fn tokens_page(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    created: Option<String>,
    name: String,
    errors: FormErrors,
) -> Response {
    match accounts::tokens(&state.app, &ctx.actor()).await {
        Ok(tokens) => render(status, &TokensPage { ctx, tokens, created, name, errors }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn tokens(State(state): State<AppState>, ctx: PageCtx) -> Response {
    tokens_page(&state, ctx, StatusCode::OK, None, String::new(), FormErrors::default()).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

async fn create_token(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<TokenForm>) -> Response {
    match accounts::create_token(&state.app, &ctx.actor(), &form.name).await {
        Ok(created) => {
            tokens_page(&state, ctx, StatusCode::OK, Some(created.secret), String::new(), FormErrors::default()).await
        }
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            tokens_page(&state, ctx, StatusCode::UNPROCESSABLE_ENTITY, None, form.name, errors).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn revoke_token(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match accounts::revoke_token(&state.app, &ctx.actor(), &id).await {
        Ok(()) => redirect_with("/settings/tokens", "flash-token-revoked"),
        Err(e) => errors::render_error(&ctx, e),
    }
}
