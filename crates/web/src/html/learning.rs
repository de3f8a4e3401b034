//! Pages for the facilitator's learning activities: community health (with
//! its CSV), team sets, assignments with submissions and peer review, and
//! research quests.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::assignments::{
    self, AssignmentChanges, AssignmentList, AssignmentPage, Criterion, NewAssignment, Score,
};
use stoa_core::health::{self, Health};
use stoa_core::quests::{self, NewQuest, QuestList, QuestPage, SourceInput};
use stoa_core::spaces::{self, SpaceDetail};
use stoa_core::teams::{self, NewTeamSet, TeamSets};
use stoa_core::{CoreError, FieldError};

use super::{
    Form, FormErrors, PageCtx, charts, csv_response, errors, local_time, page, participation_csv, redirect_with, render,
};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/health", get(health_page))
        .route("/s/{slug}/health.csv", get(health_csv))
        .route("/s/{slug}/teams", get(team_sets).post(create_team_set))
        .route("/s/{slug}/scopes", post(scope))
        .route("/team-sets/{id}/choose", post(choose_team))
        .route("/s/{slug}/assignments", get(assignment_list).post(create_assignment))
        .route("/assignments/{id}", get(assignment_page))
        .route("/assignments/{id}/submit", post(submit_work))
        .route("/assignments/{id}/edit", post(edit_assignment))
        .route("/assignments/{id}/allocate", post(allocate))
        .route("/reviews/{id}", post(submit_review))
        .route("/reviews/{id}/reassign", post(reassign))
        .route("/submissions/{id}/feedback", post(feedback))
        .route("/s/{slug}/quests", get(quest_list).post(create_quest))
        .route("/quests/{id}", get(quest_page))
        .route("/quests/{id}/sources", post(add_source))
        .route("/quests/{id}/findings", post(post_finding))
        .route("/quests/{id}/distill", post(distill))
        .route("/quest-sources/{id}/claim", post(claim))
}

/// The space frame (header and tabs) for a page of `slug`.
async fn frame(state: &AppState, ctx: &PageCtx, slug: &str) -> Result<SpaceDetail, CoreError> {
    spaces::space(&state.app, &ctx.actor(), slug).await
}

fn status_of(e: &CoreError) -> StatusCode {
    if matches!(e, CoreError::Invalid(_)) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }
}

// ---------------------------------------------------------------- health

#[derive(Template)]
#[template(path = "space_health.html")]
struct HealthPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    h: Health,
    network_svg: String,
    activity_svg: String,
}

async fn health_page(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    let h = match health::health(&state.app, &ctx.actor(), &slug).await {
        Ok(h) => h,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let detail = match frame(&state, &ctx, &slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let labels: Vec<String> = (0..h.activity.len())
        .map(|i| {
            let weeks_ago = (h.activity.len() - 1 - i) as i64;
            ctx.short_date(&(h.now - weeks_ago * health::WEEK_MS))
        })
        .collect();
    let network_svg = charts::network(&h.network, &ctx.t("health-network"));
    let activity_svg = charts::activity(&h.activity, &labels, &ctx.t("health-activity"));
    page(&HealthPage { ctx, detail, tab: "facilitate", h, network_svg, activity_svg })
}

async fn health_csv(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    match health::health(&state.app, &ctx.actor(), &slug).await {
        Ok(h) => csv_response(&format!("{slug}-participation.csv"), &participation_csv(&h)),
        Err(e) => errors::for_get(&ctx, e),
    }
}

// ---------------------------------------------------------------- team sets

#[derive(Template)]
#[template(path = "team_sets.html")]
struct TeamSetsPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    sets: TeamSets,
    form: TeamSetForm,
    /// The scope form as typed: username and team addresses.
    scope: (String, String),
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
struct TeamSetForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    teams: String,
}

async fn team_sets_again(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    (form, scope): (TeamSetForm, (String, String)),
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let actor = ctx.actor();
    let (detail, sets) = match (frame(state, &ctx, slug).await, teams::sets(&state.app, &actor, slug).await) {
        (Ok(d), Ok(s)) => (d, s),
        (Err(e), _) | (_, Err(e)) => return errors::for_get(&ctx, e),
    };
    render(status, &TeamSetsPage { ctx, detail, tab: "teams", sets, form, scope, errors })
}

async fn team_sets(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    let form = TeamSetForm { mode: "auto".into(), size: "4".into(), teams: "4".into(), ..Default::default() };
    team_sets_again(&state, ctx, &slug, (form, Default::default()), FormErrors::default(), StatusCode::OK).await
}

async fn create_team_set(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<TeamSetForm>,
) -> Response {
    let input = NewTeamSet {
        name: form.name.clone(),
        mode: form.mode.clone(),
        size: form.size.trim().parse().unwrap_or(0),
        teams: form.teams.trim().parse().unwrap_or(0),
    };
    match teams::create_set(&state.app, &ctx.actor(), &slug, input).await {
        Ok(_) => redirect_with(&format!("/s/{slug}/teams"), "flash-team-set-created"),
        Err(e @ CoreError::Invalid(_)) => {
            let errors = FormErrors::from_fields(
                &ctx.lang,
                match &e {
                    CoreError::Invalid(f) => f,
                    _ => &[],
                },
            );
            team_sets_again(&state, ctx, &slug, (form, Default::default()), errors, status_of(&e)).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct ChooseForm {
    #[serde(default)]
    team: String,
    #[serde(default)]
    back: String,
}

async fn choose_team(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ChooseForm>,
) -> Response {
    match teams::choose(&state.app, &ctx.actor(), &id, &form.team).await {
        Ok(()) => redirect_with(&safe_back(&form.back), "flash-team-chosen"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

/// A same-site path to go back to, or the home page.
fn safe_back(back: &str) -> String {
    super::home::safe_next(back).to_owned()
}

#[derive(Deserialize)]
struct ScopeForm {
    #[serde(default)]
    username: String,
    /// Team addresses separated by commas or spaces.
    #[serde(default)]
    teams: String,
}

async fn scope(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<ScopeForm>,
) -> Response {
    let teams_list: Vec<String> =
        form.teams.split([',', ' ', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    match teams::scope_facilitator(&state.app, &ctx.actor(), &slug, &form.username, &teams_list).await {
        Ok(()) => redirect_with(&format!("/s/{slug}/teams"), "flash-scope-saved"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::general(
                fields.iter().map(|f| super::field_error_text(&ctx.lang, f)).collect::<Vec<_>>().join(" "),
            );
            let new_set =
                TeamSetForm { mode: "auto".into(), size: "4".into(), teams: "4".into(), ..Default::default() };
            let kept = (new_set, (form.username.clone(), form.teams.clone()));
            team_sets_again(&state, ctx, &slug, kept, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

// ---------------------------------------------------------------- assignments

#[derive(Deserialize, Default, Clone)]
struct AssignmentForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    due_at: String,
    /// Minutes behind UTC of the browser's zone at each date (JavaScript's
    /// `getTimezoneOffset`); empty without JavaScript, meaning UTC.
    #[serde(default)]
    opens_tz: String,
    #[serde(default)]
    due_tz: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    people: String,
    #[serde(default)]
    team_set: String,
    #[serde(default)]
    per_team: Option<String>,
    #[serde(default)]
    reviewers: String,
    #[serde(default)]
    anonymous_reviews: Option<String>,
    /// One criterion per line: `Name: level | level | level`.
    #[serde(default)]
    rubric: String,
}

/// Reads rubric lines, `Name: lowest | ... | highest`.
fn parse_rubric(text: &str) -> Vec<Criterion> {
    text.lines()
        .filter_map(|line| {
            let (name, levels) = line.split_once(':')?;
            Some(Criterion {
                name: name.trim().to_owned(),
                levels: levels.split('|').map(|l| l.trim().to_owned()).collect(),
            })
        })
        .filter(|c| !c.name.is_empty())
        .collect()
}

#[derive(Template)]
#[template(path = "assignments.html")]
struct AssignmentsPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    list: AssignmentList,
    team_sets: Vec<(String, String)>,
    form: AssignmentForm,
    errors: FormErrors,
}

async fn assignments_again(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    form: AssignmentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let actor = ctx.actor();
    let detail = match frame(state, &ctx, slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let list = match assignments::list(&state.app, &actor, slug).await {
        Ok(l) => l,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let team_sets = if list.may.facilitate {
        teams::sets(&state.app, &actor, slug)
            .await
            .map(|s| s.sets.into_iter().map(|s| (s.id, s.name)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    render(status, &AssignmentsPage { ctx, detail, tab: "assignments", list, team_sets, form, errors })
}

async fn assignment_list(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    let form = AssignmentForm {
        audience: "space".into(),
        reviewers: "0".into(),
        rubric: "Clarity: Unclear | Mostly clear | Clear\nEvidence: None | Some | Strong".into(),
        ..Default::default()
    };
    assignments_again(&state, ctx, &slug, form, FormErrors::default(), StatusCode::OK).await
}

async fn create_assignment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<AssignmentForm>,
) -> Response {
    let opens = local_time(&form.opens_at, &form.opens_tz);
    let due = local_time(&form.due_at, &form.due_tz);
    let mut bad = Vec::new();
    if opens.is_err() {
        bad.push(FieldError::new("opens_at", "invalid-datetime"));
    }
    if due.is_err() {
        bad.push(FieldError::new("due_at", "invalid-datetime"));
    }
    let input = NewAssignment {
        title: form.title.clone(),
        body: form.body.clone(),
        opens_at: opens.unwrap_or(None),
        due_at: due.unwrap_or(None),
        audience: form.audience.clone(),
        people: form.people.split([',', ' ', '\n']).map(str::to_owned).collect(),
        team_set: Some(form.team_set.clone()),
        per_team: form.per_team.is_some(),
        reviewers: form.reviewers.trim().parse().unwrap_or(-1),
        anonymous_reviews: form.anonymous_reviews.is_some(),
        rubric: parse_rubric(&form.rubric),
    };
    let result = if bad.is_empty() {
        assignments::create(&state.app, &ctx.actor(), &slug, input).await
    } else {
        Err(CoreError::Invalid(bad))
    };
    match result {
        Ok(id) => redirect_with(&format!("/assignments/{id}"), "flash-assignment-created"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            assignments_again(&state, ctx, &slug, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Template)]
#[template(path = "assignment.html")]
struct AssignmentView {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    a: AssignmentPage,
    /// The reviews of the viewer's work, line by line.
    reviews_read: Vec<ReviewRead>,
    /// For each review the viewer writes (by id), its rubric form.
    review_forms: std::collections::HashMap<String, Vec<CriterionForm>>,
    /// The submission being written, when a save was refused.
    draft: Option<String>,
    /// The review whose save was refused, which `errors.general` is about.
    refused_review: Option<String>,
    /// The facilitator's edit form: the assignment as it is, or as typed
    /// into a refused edit (then shown open).
    edit: AssignmentForm,
    edit_refused: bool,
    errors: FormErrors,
}

/// A UTC time as a `datetime-local` value ("2026-12-01T09:30").
fn utc_local(at_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .map(|t| format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute()))
        .unwrap_or_default()
}

/// The edit form filled from the assignment as it is (times in UTC; the
/// page's script shows them in the browser's zone).
fn edit_form(a: &AssignmentPage) -> AssignmentForm {
    AssignmentForm {
        title: a.title.clone(),
        body: a.body.clone(),
        opens_at: utc_local(a.opens_at),
        due_at: utc_local(a.due_at),
        opens_tz: "0".into(),
        due_tz: "0".into(),
        reviewers: a.reviewers.to_string(),
        anonymous_reviews: a.anonymous_reviews.then(|| "1".to_owned()),
        rubric: a.rubric.iter().map(|c| format!("{}: {}", c.name, c.levels.join(" | "))).collect::<Vec<_>>().join("\n"),
        ..Default::default()
    }
}

/// A received review: who (empty when anonymous), each criterion's name,
/// chosen level and note, and the general comment.
struct ReviewRead {
    reviewer: String,
    lines: Vec<(String, String, String)>,
    comment: String,
}

/// One criterion of a review form: its levels as `(value, label, chosen)`.
struct CriterionForm {
    index: usize,
    name: String,
    levels: Vec<(usize, String, bool)>,
    note: String,
}

fn review_views(a: &AssignmentPage) -> (Vec<ReviewRead>, std::collections::HashMap<String, Vec<CriterionForm>>) {
    let read = a
        .reviews_of_mine
        .iter()
        .map(|r| ReviewRead {
            reviewer: r.reviewer_display_name.clone(),
            lines: a
                .rubric
                .iter()
                .zip(&r.scores)
                .map(|(c, s)| (c.name.clone(), c.levels.get(s.level).cloned().unwrap_or_default(), s.comment.clone()))
                .collect(),
            comment: r.comment.clone(),
        })
        .collect();
    let forms = a
        .to_review
        .iter()
        .map(|t| {
            let criteria = a
                .rubric
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let chosen = t.review.scores.get(i);
                    CriterionForm {
                        index: i,
                        name: c.name.clone(),
                        levels: c
                            .levels
                            .iter()
                            .enumerate()
                            .map(|(v, l)| (v, l.clone(), chosen.is_some_and(|s| s.level == v)))
                            .collect(),
                        note: chosen.map(|s| s.comment.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            (t.review.id.clone(), criteria)
        })
        .collect();
    (read, forms)
}

async fn assignment_again(
    state: &AppState,
    ctx: PageCtx,
    id: &str,
    draft: Option<String>,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    assignment_again_with(state, ctx, id, (draft, None), errors, status, (None, |_| {})).await
}

/// The assignment page, with `keep` putting back what a refused form held.
async fn assignment_again_with(
    state: &AppState,
    ctx: PageCtx,
    id: &str,
    (draft, edit): (Option<String>, Option<AssignmentForm>),
    errors: FormErrors,
    status: StatusCode,
    (refused, keep): (Option<&str>, impl FnOnce(&mut AssignmentPage)),
) -> Response {
    let mut a = match assignments::page(&state.app, &ctx.actor(), id).await {
        Ok(a) => a,
        Err(e) => return errors::for_get(&ctx, e),
    };
    keep(&mut a);
    let detail = match frame(state, &ctx, &a.space.slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let refused_review =
        a.to_review.iter().find(|t| Some(t.review.id.as_str()) == refused).map(|t| t.review.id.clone());
    let (reviews_read, review_forms) = review_views(&a);
    let edit_refused = edit.is_some();
    let edit = edit.unwrap_or_else(|| edit_form(&a));
    render(
        status,
        &AssignmentView {
            ctx,
            detail,
            tab: "assignments",
            a,
            reviews_read,
            review_forms,
            draft,
            refused_review,
            edit,
            edit_refused,
            errors,
        },
    )
}

async fn assignment_page(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    assignment_again(&state, ctx, &id, None, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct BodyForm {
    #[serde(default)]
    body: String,
}

async fn submit_work(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<BodyForm>,
) -> Response {
    match assignments::submit(&state.app, &ctx.actor(), &id, &form.body).await {
        Ok(_) => redirect_with(&format!("/assignments/{id}#mine"), "flash-submitted"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            assignment_again(&state, ctx, &id, Some(form.body), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn edit_assignment(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<AssignmentForm>,
) -> Response {
    let opens = local_time(&form.opens_at, &form.opens_tz);
    let due = local_time(&form.due_at, &form.due_tz);
    let result = match (opens, due) {
        (Ok(opens_at), Ok(due_at)) => {
            let changes = AssignmentChanges {
                title: Some(form.title.clone()),
                body: Some(form.body.clone()),
                opens_at,
                due_at,
                reviewers: Some(form.reviewers.trim().parse().unwrap_or(-1)),
                anonymous_reviews: Some(form.anonymous_reviews.is_some()),
                rubric: Some(parse_rubric(&form.rubric)),
            };
            assignments::update(&state.app, &ctx.actor(), &id, changes).await
        }
        (opens, _) => {
            let field = if opens.is_err() { "opens_at" } else { "due_at" };
            Err(CoreError::field(field, "invalid-datetime"))
        }
    };
    match result {
        Ok(()) => redirect_with(&format!("/assignments/{id}"), "flash-assignment-updated"),
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict(_))) => {
            let errors = match &e {
                CoreError::Invalid(fields) => FormErrors::from_fields(&ctx.lang, fields),
                CoreError::Conflict(id) => FormErrors::general(ctx.t(id).to_string()),
                _ => FormErrors::default(),
            };
            let status = if matches!(e, CoreError::Invalid(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            assignment_again_with(&state, ctx, &id, (None, Some(form)), errors, status, (None, |_| {})).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn allocate(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match assignments::allocate_reviews(&state.app, &ctx.actor(), &id).await {
        Ok(_) => redirect_with(&format!("/assignments/{id}#board"), "flash-reviews-allocated"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

/// A review form: `level_0`, `note_0`, `level_1`, ... and `comment`.
async fn submit_review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut scores = Vec::new();
    for i in 0.. {
        let Some(level) = get(&format!("level_{i}")) else { break };
        scores.push(Score {
            level: level.trim().parse().unwrap_or(usize::MAX),
            comment: get(&format!("note_{i}")).unwrap_or_default(),
        });
        if i > 50 {
            break;
        }
    }
    let comment = get("comment").unwrap_or_default();
    let back = get("back").map(|b| safe_back(&b)).unwrap_or_else(|| "/".into());
    match assignments::submit_review(&state.app, &ctx.actor(), &id, scores.clone(), &comment).await {
        Ok(()) => redirect_with(&back, "flash-review-submitted"),
        Err(e @ CoreError::Invalid(_)) => {
            // The form again, with what this reviewer chose and wrote.
            let assignment = get("assignment").unwrap_or_default();
            let errors = super::threads::form_errors(&ctx, &e);
            let message =
                FormErrors::general(errors.get("scores").or(errors.get("comment")).unwrap_or_default().to_owned());
            let keep = |a: &mut AssignmentPage| {
                if let Some(task) = a.to_review.iter_mut().find(|t| t.review.id == id) {
                    task.review.scores = scores;
                    task.review.comment = comment;
                }
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let kept = (None, None);
            assignment_again_with(&state, ctx, &assignment, kept, message, status, (Some(id.as_str()), keep)).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(comment)),
    }
}

#[derive(Deserialize)]
struct ReassignForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    back: String,
}

async fn reassign(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ReassignForm>,
) -> Response {
    match assignments::reassign(&state.app, &ctx.actor(), &id, &form.username).await {
        Ok(()) => redirect_with(&safe_back(&form.back), "flash-review-reassigned"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct FeedbackForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    back: String,
}

async fn feedback(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<FeedbackForm>,
) -> Response {
    match assignments::comment(&state.app, &ctx.actor(), &id, &form.body).await {
        Ok(()) => redirect_with(&safe_back(&form.back), "flash-feedback-sent"),
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

// ---------------------------------------------------------------- quests

#[derive(Deserialize, Default, Clone)]
struct QuestForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    body: String,
    /// One per line: a URL, or `Title | URL`.
    #[serde(default)]
    links: String,
    /// One per line.
    #[serde(default)]
    angles: String,
}

#[derive(Template)]
#[template(path = "quests.html")]
struct QuestsPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    list: QuestList,
    form: QuestForm,
    library: Vec<(String, String)>,
    errors: FormErrors,
}

async fn quests_again(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    form: QuestForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let actor = ctx.actor();
    let detail = match frame(state, &ctx, slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let list = match quests::list(&state.app, &actor, slug).await {
        Ok(l) => l,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let library = if list.may.facilitate {
        stoa_core::library::library(&state.app, &actor, slug, None, 1)
            .await
            .map(|l| l.items.into_iter().map(|i| (i.id, i.title)).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    render(status, &QuestsPage { ctx, detail, tab: "quests", list, form, library, errors })
}

async fn quest_list(State(state): State<AppState>, ctx: PageCtx, Path(slug): Path<String>) -> Response {
    quests_again(&state, ctx, &slug, QuestForm::default(), FormErrors::default(), StatusCode::OK).await
}

async fn create_quest(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let form = QuestForm { question: get("question"), body: get("body"), links: get("links"), angles: get("angles") };
    let mut sources: Vec<SourceInput> = fields
        .iter()
        .filter(|(k, _)| k == "library_item")
        .map(|(_, id)| SourceInput { kind: "library".into(), library_item: Some(id.clone()), ..Default::default() })
        .collect();
    for line in form.links.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (title, url) = match line.rsplit_once('|') {
            Some((t, u)) => (t.trim().to_owned(), u.trim().to_owned()),
            None => (String::new(), line.to_owned()),
        };
        sources.push(SourceInput { kind: "link".into(), url: Some(url), title, ..Default::default() });
    }
    for line in form.angles.lines().map(str::trim).filter(|l| !l.is_empty()) {
        sources.push(SourceInput { kind: "angle".into(), title: line.to_owned(), ..Default::default() });
    }
    let input = NewQuest { question: form.question.clone(), body: form.body.clone(), sources };
    match quests::create(&state.app, &ctx.actor(), &slug, input).await {
        Ok(id) => redirect_with(&format!("/quests/{id}"), "flash-quest-created"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            quests_again(&state, ctx, &slug, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Template)]
#[template(path = "quest.html")]
struct QuestView {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    q: QuestPage,
    /// A finding, and an angle, as typed into a refused form.
    draft: String,
    angle: String,
    errors: FormErrors,
}

async fn quest_again(
    state: &AppState,
    ctx: PageCtx,
    id: &str,
    (draft, angle): (String, String),
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let q = match quests::page(&state.app, &ctx.actor(), id).await {
        Ok(q) => q,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let detail = match frame(state, &ctx, &q.space.slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    render(status, &QuestView { ctx, detail, tab: "quests", q, draft, angle, errors })
}

async fn quest_page(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    quest_again(&state, ctx, &id, Default::default(), FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct SourceForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

async fn add_source(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<SourceForm>,
) -> Response {
    let input = SourceInput {
        kind: form.kind,
        title: form.title.clone(),
        url: Some(form.url).filter(|u| !u.trim().is_empty()),
        ..Default::default()
    };
    match quests::add_source(&state.app, &ctx.actor(), &id, input).await {
        Ok(_) => redirect_with(&format!("/quests/{id}#board"), "flash-source-added"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            let kept = (String::new(), form.title);
            quest_again(&state, ctx, &id, kept, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct FindingForm {
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    body: String,
}

async fn post_finding(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<FindingForm>,
) -> Response {
    let source = Some(form.source_id.as_str()).filter(|s| !s.is_empty());
    match quests::post_finding(&state.app, &ctx.actor(), &id, source, &form.body).await {
        Ok(finding) => redirect_with(&format!("/quests/{id}#finding-{finding}"), "flash-finding-posted"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            quest_again(&state, ctx, &id, (form.body, String::new()), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Deserialize)]
struct DistillForm {
    #[serde(default)]
    title: String,
}

async fn distill(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<DistillForm>,
) -> Response {
    match quests::distill(&state.app, &ctx.actor(), &id, &form.title).await {
        Ok(slug) => match quests::page(&state.app, &ctx.actor(), &id).await {
            Ok(q) => redirect_with(
                &format!("/s/{}/wiki/{}", q.space.slug, stoa_domain::markdown::percent_encode_path(&slug)),
                "flash-distilled",
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            quest_again(&state, ctx, &id, Default::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct ClaimForm {
    #[serde(default)]
    claimed: String,
    #[serde(default)]
    back: String,
}

async fn claim(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<ClaimForm>,
) -> Response {
    let claimed = form.claimed != "false";
    match quests::claim(&state.app, &ctx.actor(), &id, claimed).await {
        Ok(()) => Redirect::to(&safe_back(&form.back)).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}
