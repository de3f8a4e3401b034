//! The home page, signing up, in and out, and profiles.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use stoa_core::accounts::{self, Profile, Registration, SignUpInput};
use stoa_core::activity::{self, ActivityItem};
use stoa_core::spaces::{self, InviteSummary, SpaceSummary};
use stoa_core::{Actor, CoreError};

use super::{Form, FormErrors, PageCtx, PageResult, Query, errors, page, redirect_with, render};
use crate::AppState;
use crate::ctx::{RequestContext, session_cookie};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(sign_in_form).post(sign_in))
        .route("/signup", get(sign_up_form).post(sign_up))
        .route("/signout", axum::routing::post(sign_out))
        .route("/u/{username}", get(profile))
        .route("/people/{id}", get(person_by_id))
}

impl PageCtx {
    /// The actor this page is rendered for.
    pub fn actor(&self) -> Actor {
        Actor { user: self.user.clone() }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    invites: Vec<InviteSummary>,
    activity: Vec<ActivityItem>,
    /// For the signed-in person's feed: where the next, older page starts.
    next_before: Option<i64>,
    spaces: Vec<SpaceSummary>,
}

#[derive(Deserialize, Default)]
struct FeedQuery {
    #[serde(default)]
    before: Option<i64>,
}

/// The home page: for a signed-in person their feed (what they follow and
/// the spaces they belong to), for everyone else recent public activity.
async fn home(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<FeedQuery>) -> PageResult {
    let actor = ctx.actor();
    let app = &state.app;
    let (activity, next_before) = if actor.user.is_some() {
        let page = stoa_core::feed::home(app, &actor, q.before, 30).await.map_err(|e| ctx.fail(e))?;
        (page.items, page.next_before)
    } else {
        (activity::recent(app, &actor, 30).await.map_err(|e| ctx.fail(e))?, None)
    };
    let (spaces, invites) = if actor.user.is_some() {
        let invites = spaces::my_invites(app, &actor).await.map_err(|e| ctx.fail(e))?;
        (spaces::my_spaces(app, &actor).await.map_err(|e| ctx.fail(e))?, invites)
    } else {
        let all = spaces::directory(app, &actor, &Default::default()).await.map_err(|e| ctx.fail(e))?;
        (all.into_iter().filter(|s| s.visibility == stoa_domain::Visibility::Public).take(12).collect(), Vec::new())
    };
    Ok(page(&HomePage { ctx, invites, activity, next_before, spaces }))
}

/// A `next` target that stays on this site: a path of plain URL characters.
/// Anything else (another host, `//`, backslashes, whitespace or control
/// characters that browsers strip before parsing) sends the person home.
pub(crate) fn safe_next(next: &str) -> &str {
    let plain = next.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.~?=&%#+:@!$'()*,;".contains(&b));
    let path = next.starts_with('/') && !next.starts_with("//");
    if plain && path { next } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(safe_next("/s/guild/t/1?page=2#post-3"), "/s/guild/t/1?page=2#post-3");
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example\n",
            "https://evil.example",
            "javascript:alert(1)",
            "",
            "/ /x",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    ctx: PageCtx,
    login: String,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn sign_in_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    if ctx.user.is_some() {
        return Redirect::to(safe_next(&q.next)).into_response();
    }
    let mut errors = FormErrors::default();
    if ctx.session_expired {
        errors.general = Some(ctx.t("error-session-expired-title").to_string());
    }
    page(&SignInPage { ctx, login: String::new(), next: q.next, errors })
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    rc: RequestContext,
    ctx: PageCtx,
    Form(form): Form<SignInForm>,
) -> Response {
    match accounts::sign_in(&state.app, &form.login, &form.password, &rc.address, &rc.user_agent).await {
        Ok(session) => {
            // Cycle the session: the old one (if any) ends, a new id is issued.
            if let Some(old) = &rc.session {
                let _ = accounts::sign_out(&state.app, old).await;
            }
            let mut response = redirect_with(safe_next(&form.next), "flash-signed-in");
            let max_age = (session.expires_at - state.app.now()) / 1000;
            set_cookie(&mut response, session_cookie(Some(session.secret), state.config.secure_cookies(), max_age));
            response
        }
        Err(error) => {
            let (status, message) = match error {
                CoreError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ctx.t("error-rate-limited-body")),
                CoreError::BadCredentials => (StatusCode::UNAUTHORIZED, ctx.t("signin-failed")),
                other => return errors::render_error(&ctx, other),
            };
            render(
                status,
                &SignInPage {
                    errors: FormErrors::general(message.to_string()),
                    login: form.login,
                    next: form.next,
                    ctx,
                },
            )
        }
    }
}

pub(crate) fn set_cookie(response: &mut Response, cookie: axum_extra::extract::cookie::Cookie<'static>) {
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(SET_COOKIE, v);
    }
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpPage {
    ctx: PageCtx,
    invite_only: bool,
    invite: String,
    username: String,
    display_name: String,
    email: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct SignUpQuery {
    #[serde(default)]
    invite: String,
}

async fn sign_up_form(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<SignUpQuery>) -> PageResult {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let invite_only = accounts::registration(&state.app).await.map_err(|e| ctx.fail(e))? == Registration::Invite;
    Ok(page(&SignUpPage {
        ctx,
        invite_only,
        invite: q.invite,
        username: String::new(),
        display_name: String::new(),
        email: String::new(),
        errors: FormErrors::default(),
    }))
}

#[derive(Deserialize)]
struct SignUpForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    invite: String,
}

async fn sign_up(
    State(state): State<AppState>,
    rc: RequestContext,
    ctx: PageCtx,
    Form(form): Form<SignUpForm>,
) -> Response {
    let input = SignUpInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        password: form.password,
        invite_token: Some(form.invite.clone()).filter(|t| !t.trim().is_empty()),
        locale: Some(rc.lang.to_string()),
        address: rc.address.clone(),
    };
    let invite_only = accounts::registration(&state.app).await.map(|r| r == Registration::Invite).unwrap_or(false);
    let again = |ctx: PageCtx, status: StatusCode, errors: FormErrors| {
        render(
            status,
            &SignUpPage {
                ctx,
                invite_only,
                invite: form.invite.clone(),
                username: form.username.clone(),
                display_name: form.display_name.clone(),
                email: form.email.clone(),
                errors,
            },
        )
    };
    match accounts::sign_up(&state.app, input, &rc.user_agent).await {
        Ok(session) => {
            let mut response = redirect_with("/", "flash-welcome");
            let max_age = (session.expires_at - state.app.now()) / 1000;
            set_cookie(&mut response, session_cookie(Some(session.secret), state.config.secure_cookies(), max_age));
            response
        }
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            again(ctx, StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Err(CoreError::Conflict(id) | CoreError::Gone(id)) => {
            let errors = FormErrors::general(ctx.t(id).to_string());
            again(ctx, StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Err(CoreError::NotFound) => {
            let errors = FormErrors::general(ctx.t("invite-no-longer-valid").to_string());
            again(ctx, StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Err(other) => errors::render_error(&ctx, other),
    }
}

async fn sign_out(State(state): State<AppState>, rc: RequestContext) -> Response {
    if let Some(secret) = &rc.session {
        let _ = accounts::sign_out(&state.app, secret).await;
    }
    let mut response = redirect_with("/", "flash-signed-out");
    set_cookie(&mut response, session_cookie(None, state.config.secure_cookies(), 0));
    response
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    ctx: PageCtx,
    profile: Profile,
    is_me: bool,
}

/// Where a mention leads: the person's profile under the name they have
/// now (a name they gave up may be someone else's since).
async fn person_by_id(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match accounts::username_of(&state.app, &id).await {
        Ok(username) => Redirect::to(&format!("/u/{username}")).into_response(),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn profile(State(state): State<AppState>, ctx: PageCtx, Path(username): Path<String>) -> Response {
    match accounts::profile(&state.app, &ctx.actor(), &username).await {
        Ok(profile) => {
            let is_me = ctx.user.as_ref().is_some_and(|u| u.id == profile.id);
            page(&ProfilePage { ctx, profile, is_me })
        }
        Err(e) => errors::for_get(&ctx, e),
    }
}
