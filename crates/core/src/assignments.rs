//! Assignments ("assign work"): instructions, an opening time and a due
//! date, for the whole space, chosen people, or the teams of a team set.
//! Submissions are written alone or one per team; the facilitator's status
//! board says who submitted, late or not, and who has not; facilitators
//! leave feedback. After the due date a facilitator allocates peer reviewers
//! ([`stoa_domain::review::allocate`]) who score each submission against the
//! assignment's rubric; authors read their reviews (anonymously when the
//! assignment says so) and facilitators read all and can reassign one.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use stoa_domain::review::{self, Reviewer, Work};
use stoa_domain::wiki::LongText;
use stoa_domain::{Action, PostBody, Role, Title, markdown};
use stoa_store::events::kind;
use stoa_store::learning::{self as store, AssignmentRow, CommentRow, ReviewRow, SubmissionRow};
use stoa_store::spaces::SpaceView;
use stoa_store::{Conn, new_id};

use crate::facilitation::event;
use crate::spaces::{self, Permissions, SpaceSummary};
use crate::{Actor, CoreError, FieldError, Result, Stoa, field};

/// The most reviewers a submission may get, and criteria and levels a rubric may have.
pub const MAX_REVIEWERS: i64 = 10;
pub const MAX_CRITERIA: usize = 20;
pub const MAX_LEVELS: usize = 10;

/// One criterion of a rubric: its name and score levels, lowest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub levels: Vec<String>,
}

/// A new assignment as typed.
#[derive(Debug, Clone, Default)]
pub struct NewAssignment {
    pub title: String,
    pub body: String,
    /// Milliseconds since 1970; `None`: now.
    pub opens_at: Option<i64>,
    pub due_at: Option<i64>,
    /// `space`, `people` or `teams`.
    pub audience: String,
    /// For `people`: usernames.
    pub people: Vec<String>,
    /// For `teams`: the team set.
    pub team_set: Option<String>,
    /// For `teams`: one submission per team.
    pub per_team: bool,
    /// Peer reviewers per submission; 0: no peer review.
    pub reviewers: i64,
    pub anonymous_reviews: bool,
    pub rubric: Vec<Criterion>,
}

/// A submission as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Submission {
    pub id: String,
    /// Empty when the viewer reviews anonymously.
    pub author_username: String,
    pub author_display_name: String,
    pub team_name: Option<String>,
    pub body: String,
    pub body_html: String,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub late: bool,
}

/// A review as shown to its reader.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub id: String,
    pub submission_id: String,
    /// Empty when reviews are anonymous and the reader is the author.
    pub reviewer_username: String,
    pub reviewer_display_name: String,
    pub scores: Vec<Score>,
    pub comment: String,
    pub submitted_at: Option<i64>,
}

/// One criterion's score in a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// Index into the criterion's levels.
    pub level: usize,
    #[serde(default)]
    pub comment: String,
}

/// One line of the facilitator's board: a person (or a team) and their work.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    pub name: String,
    pub username: Option<String>,
    /// `submitted`, `late`, `missing` or `pending` (not due yet).
    pub status: &'static str,
    pub submission: Option<Submission>,
    pub reviews: Vec<ReviewView>,
    pub comments: Vec<CommentRow>,
}

/// A review the viewer is to write (or wrote), with the work it is about.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewTask {
    pub review: ReviewView,
    pub submission: Submission,
}

/// An assignment as one person sees it.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentPage {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub id: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub audience: String,
    pub per_team: bool,
    pub reviewers: i64,
    pub anonymous_reviews: bool,
    pub rubric: Vec<Criterion>,
    pub reviews_allocated: bool,
    pub open: bool,
    pub past_due: bool,
    /// Whether the viewer is asked to submit.
    pub assigned: bool,
    /// The viewer's (or their team's) submission.
    pub mine: Option<Submission>,
    pub my_comments: Vec<CommentRow>,
    /// Reviews of the viewer's work.
    pub reviews_of_mine: Vec<ReviewView>,
    /// Reviews the viewer is to write.
    pub to_review: Vec<ReviewTask>,
    /// For facilitators: everyone's status.
    pub board: Vec<BoardRow>,
    pub counts: BoardCounts,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct BoardCounts {
    pub submitted: usize,
    pub late: usize,
    pub missing: usize,
    pub pending: usize,
}

/// An assignment in a list.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentSummary {
    pub id: String,
    pub title: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub open: bool,
    pub assigned: bool,
    /// The viewer's (or their team's) submission time.
    pub submitted_at: Option<i64>,
    pub reviews_to_write: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentList {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub assignments: Vec<AssignmentSummary>,
}

fn rubric_of(row: &AssignmentRow) -> Vec<Criterion> {
    serde_json::from_str(&row.rubric).unwrap_or_default()
}

fn scores_of(row: &ReviewRow) -> Vec<Score> {
    serde_json::from_str(&row.scores).unwrap_or_default()
}

/// Who is asked to submit: `(user id, team id)`, teams only for team sets.
async fn audience(conn: &mut Conn, a: &AssignmentRow) -> Result<Vec<(String, Option<String>)>> {
    Ok(match a.audience.as_str() {
        "people" => store::assignees(conn, &a.id).await?.into_iter().map(|u| (u, None)).collect(),
        "teams" => match &a.team_set_id {
            Some(set) => store::members_of_set(conn, set).await?.into_iter().map(|m| (m.1, Some(m.0))).collect(),
            None => Vec::new(),
        },
        _ => stoa_store::spaces::members(conn, &a.space_id, i64::MAX, 0)
            .await?
            .into_iter()
            .filter(|m| m.role == Role::Member)
            .map(|m| (m.user_id, None))
            .collect(),
    })
}

fn owner_key(a: &AssignmentRow, user: &str, team: Option<&str>) -> String {
    match team {
        Some(t) if a.per_team != 0 => t.to_owned(),
        _ => user.to_owned(),
    }
}

/// Creates an assignment (facilitators).
pub async fn create(app: &Stoa, actor: &Actor, slug: &str, input: NewAssignment) -> Result<String> {
    let me = actor.require()?;
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let body = field(&mut errors, "body", LongText::parse(&input.body));
    let opens_at = input.opens_at.unwrap_or(now);
    let due_at = match input.due_at {
        Some(d) if d > opens_at => d,
        Some(_) => {
            errors.push(FieldError::new("due_at", "due-before-open"));
            opens_at
        }
        None => {
            errors.push(FieldError::new("due_at", "due-required"));
            opens_at
        }
    };
    let audience = input.audience.trim();
    let mut people = Vec::new();
    let mut team_set = None;
    match audience {
        "space" => {}
        "people" => {
            for name in input.people.iter().map(|p| p.trim().trim_start_matches('@')).filter(|p| !p.is_empty()) {
                match stoa_store::users::by_username(&mut tx, name).await? {
                    Some(u) if stoa_store::spaces::role_of(&mut tx, &view.space.id, &u.id).await?.is_some() => {
                        people.push(u.id)
                    }
                    _ => errors.push(FieldError::new("people", "assignee-unknown")),
                }
            }
            if people.is_empty() && !errors.iter().any(|e| e.field == "people") {
                errors.push(FieldError::new("people", "assignees-required"));
            }
        }
        "teams" => match input.team_set.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => match store::team_set(&mut tx, id).await? {
                Some(set) if set.space_id == view.space.id => team_set = Some(set.id),
                _ => errors.push(FieldError::new("team_set", "team-set-unknown")),
            },
            None => errors.push(FieldError::new("team_set", "team-set-unknown")),
        },
        _ => errors.push(FieldError::new("audience", "invalid-option")),
    }
    if !(0..=MAX_REVIEWERS).contains(&input.reviewers) {
        errors.push(FieldError {
            limit: Some(MAX_REVIEWERS as usize),
            ..FieldError::new("reviewers", "reviewers-range")
        });
    }
    let rubric = checked_rubric(&input.rubric).unwrap_or_else(|| {
        errors.push(FieldError::new("rubric", "rubric-invalid"));
        Vec::new()
    });
    if input.reviewers > 0 && rubric.is_empty() {
        errors.push(FieldError::new("rubric", "rubric-required"));
    }
    let (Some(title), Some(body)) = (title, body) else {
        return Err(CoreError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(CoreError::Invalid(errors));
    }
    let row = AssignmentRow {
        id: new_id(),
        space_id: view.space.id.clone(),
        title: title.as_str().to_owned(),
        body_html: markdown::render(body.as_str()),
        body: body.as_str().to_owned(),
        opens_at,
        due_at,
        audience: audience.to_owned(),
        team_set_id: team_set,
        per_team: i64::from(input.per_team && audience == "teams"),
        reviewers: input.reviewers,
        anonymous_reviews: i64::from(input.anonymous_reviews),
        rubric: serde_json::to_string(&rubric).unwrap_or_else(|_| "[]".into()),
        reviews_allocated_at: None,
        created_by: me.id.clone(),
        created_at: now,
    };
    store::insert_assignment(&mut tx, &row).await?;
    for p in &people {
        store::add_assignee(&mut tx, &row.id, p).await?;
    }
    let data = serde_json::json!({"title": row.title, "due_at": due_at, "opens_at": opens_at});
    event(&mut tx, kind::ASSIGNMENT_CREATED, &me.id, &view.space.id, &row.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(row.id)
}

/// Changes to an assignment; what is `None` stays. The audience stays as
/// created; the rubric and reviewers cannot change once reviews began.
#[derive(Debug, Clone, Default)]
pub struct AssignmentChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub opens_at: Option<i64>,
    pub due_at: Option<i64>,
    pub reviewers: Option<i64>,
    pub anonymous_reviews: Option<bool>,
    pub rubric: Option<Vec<Criterion>>,
}

/// Edits an assignment (facilitators): fix the instructions, move the dates.
pub async fn update(app: &Stoa, actor: &Actor, id: &str, changes: AssignmentChanges) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let mut a = store::assignment(&mut tx, id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut tx, actor, &a.space_id, Action::Facilitate).await?;
    let mut errors = Vec::new();
    if let Some(title) = &changes.title
        && let Some(t) = field(&mut errors, "title", Title::parse(title))
    {
        a.title = t.into_inner();
    }
    if let Some(body) = &changes.body
        && let Some(b) = field(&mut errors, "body", LongText::parse(body))
    {
        a.body_html = markdown::render(b.as_str());
        a.body = b.into_inner();
    }
    a.opens_at = changes.opens_at.unwrap_or(a.opens_at);
    a.due_at = changes.due_at.unwrap_or(a.due_at);
    if a.due_at <= a.opens_at {
        errors.push(FieldError::new("due_at", "due-before-open"));
    }
    let review_changes = changes.reviewers.is_some_and(|r| r != a.reviewers)
        || changes.anonymous_reviews.is_some_and(|v| i64::from(v) != a.anonymous_reviews)
        || changes.rubric.as_ref().is_some_and(|r| *r != rubric_of(&a));
    if review_changes && a.reviews_allocated_at.is_some() {
        return Err(CoreError::Conflict("assignment-in-review"));
    }
    if let Some(n) = changes.reviewers {
        if (0..=MAX_REVIEWERS).contains(&n) {
            a.reviewers = n;
        } else {
            errors.push(FieldError {
                limit: Some(MAX_REVIEWERS as usize),
                ..FieldError::new("reviewers", "reviewers-range")
            });
        }
    }
    if let Some(v) = changes.anonymous_reviews {
        a.anonymous_reviews = i64::from(v);
    }
    if let Some(rubric) = changes.rubric {
        match checked_rubric(&rubric) {
            Some(r) => a.rubric = serde_json::to_string(&r).unwrap_or_else(|_| "[]".into()),
            None => errors.push(FieldError::new("rubric", "rubric-invalid")),
        }
    }
    if a.reviewers > 0 && rubric_of(&a).is_empty() {
        errors.push(FieldError::new("rubric", "rubric-required"));
    }
    if !errors.is_empty() {
        return Err(CoreError::Invalid(errors));
    }
    store::update_assignment(&mut tx, &a).await?;
    let data = serde_json::json!({"title": a.title, "due_at": a.due_at, "opens_at": a.opens_at});
    event(&mut tx, kind::ASSIGNMENT_UPDATED, &me.id, &a.space_id, &a.id, data, app.now()).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// A rubric with names and levels trimmed, or `None` when it breaks a limit.
fn checked_rubric(rubric: &[Criterion]) -> Option<Vec<Criterion>> {
    let rubric: Vec<Criterion> = rubric
        .iter()
        .map(|c| Criterion {
            name: c.name.trim().to_owned(),
            levels: c.levels.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect(),
        })
        .filter(|c| !c.name.is_empty())
        .collect();
    let bad = rubric.len() > MAX_CRITERIA
        || rubric.iter().any(|c| c.levels.len() < 2 || c.levels.len() > MAX_LEVELS || c.name.chars().count() > 200);
    (!bad).then_some(rubric)
}

/// The assignments of a space: all of them for facilitators, the open ones
/// for everyone else who may read it.
pub async fn list(app: &Stoa, actor: &Actor, slug: &str) -> Result<AssignmentList> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    let now = app.now();
    let mut out = Vec::new();
    for a in store::assignments(&mut conn, &view.space.id).await? {
        let open = a.opens_at <= now;
        if !open && !may.facilitate {
            continue;
        }
        let people = audience(&mut conn, &a).await?;
        let me = actor.id();
        let mine = people.iter().find(|(u, _)| Some(u.as_str()) == me);
        let submitted_at = match mine {
            Some((u, t)) => {
                store::submission_of(&mut conn, &a.id, &owner_key(&a, u, t.as_deref())).await?.map(|s| s.submitted_at)
            }
            None => None,
        };
        let reviews_to_write = match me {
            Some(me) => store::reviews_of_assignment(&mut conn, &a.id)
                .await?
                .iter()
                .filter(|r| r.reviewer_id == me && r.submitted_at.is_none())
                .count(),
            None => 0,
        };
        out.push(AssignmentSummary {
            id: a.id,
            title: a.title,
            opens_at: a.opens_at,
            due_at: a.due_at,
            open,
            assigned: mine.is_some(),
            submitted_at,
            reviews_to_write,
        });
    }
    Ok(AssignmentList { space: SpaceSummary::of(&view), may, assignments: out })
}

async fn load(conn: &mut Conn, actor: &Actor, id: &str, app: &Stoa) -> Result<(AssignmentRow, SpaceView, Permissions)> {
    let a = store::assignment(conn, id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(conn, actor, &a.space_id, Action::ReadContent).await?;
    let may = Permissions::of(actor, &view);
    if a.opens_at > app.now() && !may.facilitate {
        return Err(CoreError::NotFound);
    }
    Ok((a, view, may))
}

fn submission(row: &SubmissionRow, due_at: i64, hide_author: bool) -> Submission {
    Submission {
        id: row.id.clone(),
        author_username: if hide_author { String::new() } else { row.author_username.clone() },
        author_display_name: if hide_author { String::new() } else { row.author_display_name.clone() },
        team_name: if hide_author { None } else { row.team_name.clone() },
        body: row.body.clone(),
        body_html: row.body_html.clone(),
        submitted_at: row.submitted_at,
        updated_at: row.updated_at,
        // Work changed after the due time is late, however early it began.
        late: row.updated_at > due_at,
    }
}

fn review_view(row: &ReviewRow, hide_reviewer: bool) -> ReviewView {
    ReviewView {
        id: row.id.clone(),
        submission_id: row.submission_id.clone(),
        reviewer_username: if hide_reviewer { String::new() } else { row.reviewer_username.clone() },
        reviewer_display_name: if hide_reviewer { String::new() } else { row.reviewer_display_name.clone() },
        scores: scores_of(row),
        comment: row.comment.clone(),
        submitted_at: row.submitted_at,
    }
}

/// An assignment as `actor` sees it: instructions, their submission, the
/// reviews they receive and write, and for facilitators the board.
pub async fn page(app: &Stoa, actor: &Actor, id: &str) -> Result<AssignmentPage> {
    let mut conn = app.store.read().await?;
    let (a, view, may) = load(&mut conn, actor, id, app).await?;
    let now = app.now();
    let people = audience(&mut conn, &a).await?;
    let submissions = store::submissions(&mut conn, &a.id).await?;
    let reviews = store::reviews_of_assignment(&mut conn, &a.id).await?;
    let anonymous = a.anonymous_reviews != 0;
    let me = actor.id();
    let mine_entry = people.iter().find(|(u, _)| Some(u.as_str()) == me).cloned();
    let mine_row = mine_entry.as_ref().and_then(|(u, t)| {
        let key = owner_key(&a, u, t.as_deref());
        submissions.iter().find(|s| s.owner_key == key)
    });
    let my_comments = match mine_row {
        Some(s) => store::comments(&mut conn, &s.id).await?,
        None => Vec::new(),
    };
    let reviews_of_mine: Vec<ReviewView> = match mine_row {
        Some(s) => reviews
            .iter()
            .filter(|r| r.submission_id == s.id && r.submitted_at.is_some())
            .map(|r| review_view(r, anonymous && !may.facilitate))
            .collect(),
        None => Vec::new(),
    };
    let to_review: Vec<ReviewTask> = reviews
        .iter()
        .filter(|r| Some(r.reviewer_id.as_str()) == me)
        .filter_map(|r| {
            let s = submissions.iter().find(|s| s.id == r.submission_id)?;
            Some(ReviewTask { review: review_view(r, false), submission: submission(s, a.due_at, anonymous) })
        })
        .collect();
    let mut board = Vec::new();
    let mut counts = BoardCounts::default();
    if may.facilitate {
        // A facilitator scoped to some teams sees only their work.
        let scope = crate::teams::scope_of(&mut conn, actor, &view).await?;
        let people: Vec<(String, Option<String>)> = match (&scope, a.audience.as_str()) {
            (Some(teams), "teams") => {
                people.iter().filter(|(_, t)| t.as_ref().is_some_and(|t| teams.contains(t))).cloned().collect()
            }
            _ => people.clone(),
        };
        // One row per person, or per team for team submissions.
        let mut rows: Vec<(String, Option<String>, String)> = Vec::new();
        let mut seen = HashSet::new();
        let names: HashMap<String, (String, String)> = stoa_store::spaces::members(&mut conn, &a.space_id, i64::MAX, 0)
            .await?
            .into_iter()
            .map(|m| (m.user_id, (m.username, m.display_name)))
            .collect();
        let team_names: HashMap<String, String> = match &a.team_set_id {
            Some(set) => store::teams_of_set(&mut conn, set).await?.into_iter().map(|t| (t.id, t.name)).collect(),
            None => HashMap::new(),
        };
        for (user, team) in &people {
            let key = owner_key(&a, user, team.as_deref());
            if !seen.insert(key.clone()) {
                continue;
            }
            if a.per_team != 0 {
                let team = team.clone().unwrap_or_default();
                rows.push((team_names.get(&team).cloned().unwrap_or_default(), None, key));
            } else {
                let (username, display) = names.get(user).cloned().unwrap_or_default();
                rows.push((display, Some(username), key));
            }
        }
        rows.sort_by_key(|x| x.0.to_lowercase());
        for (name, username, key) in rows {
            let row = submissions.iter().find(|s| s.owner_key == key);
            let status = match row {
                Some(s) if s.updated_at > a.due_at => "late",
                Some(_) => "submitted",
                None if now > a.due_at => "missing",
                None => "pending",
            };
            match status {
                "late" => counts.late += 1,
                "submitted" => counts.submitted += 1,
                "missing" => counts.missing += 1,
                _ => counts.pending += 1,
            }
            let (reviews_here, comments) = match row {
                Some(s) => (
                    reviews.iter().filter(|r| r.submission_id == s.id).map(|r| review_view(r, false)).collect(),
                    store::comments(&mut conn, &s.id).await?,
                ),
                None => (Vec::new(), Vec::new()),
            };
            board.push(BoardRow {
                name,
                username,
                status,
                submission: row.map(|s| submission(s, a.due_at, false)),
                reviews: reviews_here,
                comments,
            });
        }
    }
    Ok(AssignmentPage {
        space: SpaceSummary::of(&view),
        rubric: rubric_of(&a),
        id: a.id,
        title: a.title,
        body: a.body,
        body_html: a.body_html,
        opens_at: a.opens_at,
        due_at: a.due_at,
        audience: a.audience,
        per_team: a.per_team != 0,
        reviewers: a.reviewers,
        anonymous_reviews: anonymous,
        reviews_allocated: a.reviews_allocated_at.is_some(),
        open: a.opens_at <= now,
        past_due: now > a.due_at,
        assigned: mine_entry.is_some(),
        mine: mine_row.map(|s| submission(s, a.due_at, false)),
        my_comments,
        reviews_of_mine,
        to_review,
        board,
        counts,
        may,
    })
}

/// Submits (or resubmits) the actor's work, or their team's. Late work is
/// taken and marked late.
pub async fn submit(app: &Stoa, actor: &Actor, id: &str, body: &str) -> Result<Submission> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (a, _view, _may) = load(&mut tx, actor, id, app).await?;
    let people = audience(&mut tx, &a).await?;
    let Some((user, team)) = people.into_iter().find(|(u, _)| *u == me.id) else {
        return Err(CoreError::Forbidden);
    };
    let now = app.now();
    if a.opens_at > now {
        return Err(CoreError::Conflict("assignment-not-open"));
    }
    if a.reviews_allocated_at.is_some() {
        return Err(CoreError::Conflict("assignment-in-review"));
    }
    let body = PostBody::parse(body).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let html = markdown::render(body.as_str());
    let key = owner_key(&a, &user, team.as_deref());
    let team_id = team.as_deref().filter(|_| a.per_team != 0);
    let sid =
        store::save_submission(&mut tx, &new_id(), &a.id, &me.id, team_id, &key, body.as_str(), &html, now).await?;
    let data = serde_json::json!({"assignment_id": a.id, "late": now > a.due_at});
    event(&mut tx, kind::SUBMISSION_SAVED, &me.id, &a.space_id, &sid, data, now).await?;
    stoa_store::commit(tx).await?;
    let mut conn = app.store.read().await?;
    let row = store::submission(&mut conn, &sid).await?.ok_or(CoreError::NotFound)?;
    Ok(submission(&row, a.due_at, false))
}

/// Refuses a facilitator scoped to some teams who acts on the work of a
/// team outside them (for assignments given to a team set).
async fn check_scope(
    conn: &mut Conn,
    actor: &Actor,
    view: &SpaceView,
    a: &AssignmentRow,
    s: &SubmissionRow,
) -> Result<()> {
    if a.audience != "teams" {
        return Ok(());
    }
    let Some(teams) = crate::teams::scope_of(conn, actor, view).await? else { return Ok(()) };
    let team = match &s.team_id {
        Some(t) => Some(t.clone()),
        None => audience(conn, a).await?.into_iter().find(|(u, _)| *u == s.author_id).and_then(|(_, t)| t),
    };
    if team.is_some_and(|t| teams.contains(&t)) { Ok(()) } else { Err(CoreError::Forbidden) }
}

/// Leaves feedback on a submission (facilitators).
pub async fn comment(app: &Stoa, actor: &Actor, submission_id: &str, body: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let s = store::submission(&mut tx, submission_id).await?.ok_or(CoreError::NotFound)?;
    let a = store::assignment(&mut tx, &s.assignment_id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(&mut tx, actor, &a.space_id, Action::Facilitate).await?;
    check_scope(&mut tx, actor, &view, &a, &s).await?;
    let body = PostBody::parse(body).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("body", &e)]))?;
    let now = app.now();
    store::insert_comment(&mut tx, &new_id(), &s.id, &me.id, body.as_str(), &markdown::render(body.as_str()), now)
        .await?;
    let data = serde_json::json!({"assignment_id": a.id, "author_id": s.author_id});
    event(&mut tx, kind::SUBMISSION_COMMENTED, &me.id, &a.space_id, &s.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Allocates peer reviewers after the due date (facilitators): each
/// submission gets the assignment's number of reviewers from among those
/// who submitted (the members of submitting teams, for team work), never
/// its own authors or their team. Returns how many reviews were handed out.
pub async fn allocate_reviews(app: &Stoa, actor: &Actor, id: &str) -> Result<usize> {
    let me = actor.require()?;
    // The draw is worked out from a read, outside the write transaction, so
    // the single writer is not held while it runs.
    let (a, allocation) = {
        let mut conn = app.store.read().await?;
        let a = store::assignment(&mut conn, id).await?.ok_or(CoreError::NotFound)?;
        spaces::load_by_id(&mut conn, actor, &a.space_id, Action::Facilitate).await?;
        if a.reviewers == 0 {
            return Err(CoreError::Conflict("assignment-without-review"));
        }
        if app.now() <= a.due_at {
            return Err(CoreError::Conflict("assignment-not-due"));
        }
        if a.reviews_allocated_at.is_some() {
            return Err(CoreError::Conflict("reviews-already-allocated"));
        }
        let people = audience(&mut conn, &a).await?;
        let submissions = store::submissions(&mut conn, &a.id).await?;
        let allocation = draw(&a, &people, &submissions);
        (a, allocation)
    };
    let now = app.now();
    let mut tx = app.store.begin().await?;
    spaces::load_by_id(&mut tx, actor, &a.space_id, Action::Facilitate).await?;
    if !store::mark_reviews_allocated(&mut tx, &a.id, now).await? {
        return Err(CoreError::Conflict("reviews-already-allocated"));
    }
    for (submission_id, reviewer) in &allocation.pairs {
        store::insert_review(&mut tx, &new_id(), &a.id, submission_id, reviewer, now).await?;
    }
    let data = serde_json::json!({"reviews": allocation.pairs.len(), "short": allocation.short.len()});
    event(&mut tx, kind::REVIEWS_ALLOCATED, &me.id, &a.space_id, &a.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(allocation.pairs.len())
}

/// Who reviews which submission: the pool is everyone who submitted (every
/// member of a submitting team, for team work).
fn draw(a: &AssignmentRow, people: &[(String, Option<String>)], submissions: &[SubmissionRow]) -> review::Allocation {
    let team_of: HashMap<String, Option<String>> = people.iter().cloned().collect();
    let works: Vec<Work> = submissions
        .iter()
        .map(|s| {
            let team = s.team_id.clone().or_else(|| team_of.get(&s.author_id).cloned().flatten());
            let authors = match (&s.team_id, a.per_team != 0) {
                (Some(t), true) => {
                    people.iter().filter(|(_, pt)| pt.as_ref() == Some(t)).map(|(u, _)| u.clone()).collect()
                }
                _ => vec![s.author_id.clone()],
            };
            Work { id: s.id.clone(), authors, team }
        })
        .collect();
    let mut pool: Vec<Reviewer> = Vec::new();
    let mut in_pool = HashSet::new();
    for w in &works {
        for author in &w.authors {
            if in_pool.insert(author.clone()) {
                pool.push(Reviewer { id: author.clone(), team: team_of.get(author).cloned().flatten() });
            }
        }
    }
    review::allocate(&works, &pool, a.reviewers as usize, rand::random())
}

/// Submits (or revises) a review against the rubric: one score per criterion.
pub async fn submit_review(
    app: &Stoa,
    actor: &Actor,
    review_id: &str,
    scores: Vec<Score>,
    comment: &str,
) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let r = store::review(&mut tx, review_id).await?.ok_or(CoreError::NotFound)?;
    let a = store::assignment(&mut tx, &r.assignment_id).await?.ok_or(CoreError::NotFound)?;
    spaces::load_by_id(&mut tx, actor, &a.space_id, Action::ReadContent).await?;
    if r.reviewer_id != me.id {
        return Err(CoreError::Forbidden);
    }
    let rubric = rubric_of(&a);
    if scores.len() != rubric.len() || scores.iter().zip(&rubric).any(|(s, c)| s.level >= c.levels.len()) {
        return Err(CoreError::field("scores", "review-scores-invalid"));
    }
    if scores.iter().any(|s| s.comment.chars().count() > 4_000) || comment.chars().count() > PostBody::MAX {
        return Err(CoreError::field("comment", "invalid-too-long"));
    }
    let now = app.now();
    let json = serde_json::to_string(&scores).unwrap_or_else(|_| "[]".into());
    store::submit_review(&mut tx, &r.id, &json, comment.trim(), now).await?;
    let data = serde_json::json!({"assignment_id": a.id, "submission_id": r.submission_id});
    event(&mut tx, kind::REVIEW_SUBMITTED, &me.id, &a.space_id, &r.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Gives a review to someone else (facilitators), who must be asked to
/// submit and may not review their own or their team's work.
pub async fn reassign(app: &Stoa, actor: &Actor, review_id: &str, username: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let r = store::review(&mut tx, review_id).await?.ok_or(CoreError::NotFound)?;
    let a = store::assignment(&mut tx, &r.assignment_id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(&mut tx, actor, &a.space_id, Action::Facilitate).await?;
    let s = store::submission(&mut tx, &r.submission_id).await?.ok_or(CoreError::NotFound)?;
    check_scope(&mut tx, actor, &view, &a, &s).await?;
    let user = stoa_store::users::by_username(&mut tx, username.trim().trim_start_matches('@'))
        .await?
        .ok_or_else(|| CoreError::field("username", "user-unknown"))?;
    let people = audience(&mut tx, &a).await?;
    let Some((_, team)) = people.iter().find(|(u, _)| *u == user.id) else {
        return Err(CoreError::field("username", "reviewer-not-assigned"));
    };
    let work_team =
        s.team_id.clone().or_else(|| people.iter().find(|(u, _)| *u == s.author_id).and_then(|(_, t)| t.clone()));
    let authors = match (&s.team_id, a.per_team != 0) {
        (Some(t), true) => people.iter().filter(|(_, pt)| pt.as_ref() == Some(t)).map(|(u, _)| u.clone()).collect(),
        _ => vec![s.author_id.clone()],
    };
    let work = Work { id: s.id.clone(), authors, team: work_team };
    if !review::eligible(&work, &Reviewer { id: user.id.clone(), team: team.clone() }) {
        return Err(CoreError::field("username", "reviewer-own-work"));
    }
    let now = app.now();
    if !store::reassign_review(&mut tx, &r.id, &user.id, now).await? {
        return Err(CoreError::field("username", "reviewer-already-on"));
    }
    let data = serde_json::json!({"from": r.reviewer_id, "to": user.id});
    event(&mut tx, kind::REVIEW_REASSIGNED, &me.id, &a.space_id, &r.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}
