//! The people directory and the form for one's skills and interests.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::accounts::{self, PeopleFilter, PersonSummary};

use super::{Form, FormErrors, PageCtx, Query, errors, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(directory))
        .route("/settings/expertise", get(expertise_form).post(save_expertise))
        .route("/u/{username}/blog", get(personal_blog))
        .route("/blog/start", axum::routing::post(start_blog))
}

/// A person's own blog, where it lives.
async fn personal_blog(
    State(state): State<AppState>,
    ctx: PageCtx,
    axum::extract::Path(username): axum::extract::Path<String>,
) -> Response {
    match accounts::profile(&state.app, &ctx.actor(), &username).await {
        Ok(p) => match p.blog_slug {
            Some(slug) => {
                axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!("/s/{slug}/blog")))
            }
            None => errors::for_get(&ctx, CoreError::NotFound),
        },
        Err(e) => errors::for_get(&ctx, e),
    }
}

/// Starts one's own blog (or finds it) and opens its form for a first post.
async fn start_blog(State(state): State<AppState>, ctx: PageCtx, Form(_): Form<super::Empty>) -> Response {
    let Some(user) = ctx.user.as_ref() else {
        return errors::sign_in_redirect(&ctx);
    };
    let name = ctx.ts("blog-personal-name", "name", &user.display_name);
    match stoa_core::blogs::start_personal(&state.app, &ctx.actor(), &name).await {
        Ok(slug) => redirect_with(&format!("/s/{slug}/blog/new"), "flash-blog-started"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize, Default)]
struct PeopleQuery {
    #[serde(default)]
    skill: Option<String>,
    #[serde(default)]
    interest: Option<String>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    ctx: PageCtx,
    people: Vec<PersonSummary>,
    skill: String,
    interest: String,
    q: String,
    page: i64,
    has_more: bool,
}

async fn directory(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<PeopleQuery>) -> Response {
    if ctx.user.is_none() {
        return errors::sign_in_redirect(&ctx);
    }
    let filter = PeopleFilter { skill: q.skill.clone(), interest: q.interest.clone(), text: q.q.clone() };
    let page_number = q.page.unwrap_or(1).max(1);
    match accounts::people(&state.app, &ctx.actor(), &filter, page_number).await {
        Ok((people, has_more)) => page(&PeoplePage {
            ctx,
            people,
            skill: q.skill.unwrap_or_default(),
            interest: q.interest.unwrap_or_default(),
            q: q.q.unwrap_or_default(),
            page: page_number,
            has_more,
        }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "expertise.html")]
struct ExpertisePage {
    ctx: PageCtx,
    skills: String,
    interests: String,
    errors: FormErrors,
}

async fn expertise_form(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let Some(user) = ctx.user.clone() else { return errors::sign_in_redirect(&ctx) };
    match accounts::profile(&state.app, &ctx.actor(), &user.username).await {
        Ok(p) => page(&ExpertisePage {
            ctx,
            skills: p.skills.join(" "),
            interests: p.interests.join(" "),
            errors: FormErrors::default(),
        }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct ExpertiseForm {
    #[serde(default)]
    skills: String,
    #[serde(default)]
    interests: String,
}

async fn save_expertise(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<ExpertiseForm>) -> Response {
    match accounts::set_expertise(&state.app, &ctx.actor(), &form.skills, &form.interests).await {
        Ok(()) => {
            let me = ctx.user.as_ref().map(|u| u.username.clone()).unwrap_or_default();
            redirect_with(&format!("/u/{me}"), "flash-expertise-saved")
        }
        Err(CoreError::Invalid(fields)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ExpertisePage {
                errors: FormErrors::from_fields(&ctx.lang, &fields),
                ctx,
                skills: form.skills,
                interests: form.interests,
            },
        ),
        Err(e) => errors::render_error(&ctx, e),
    }
}
