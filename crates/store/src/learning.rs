//! Learning activities: team sets (and facilitators scoped to some teams),
//! assignments with their submissions, feedback and peer reviews, and
//! research quests with sources and findings.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::Result;

// ---------------------------------------------------------------- team sets

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct TeamSetRow {
    pub id: String,
    pub space_id: String,
    pub name: String,
    /// `auto` or `choose`.
    pub mode: String,
    /// `auto`: people per team; `choose`: the most a team takes.
    pub size: i64,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn insert_team_set(conn: &mut AnyConnection, set: &TeamSetRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO team_sets (id, space_id, name, mode, size, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&set.id)
    .bind(&set.space_id)
    .bind(&set.name)
    .bind(&set.mode)
    .bind(set.size)
    .bind(&set.created_by)
    .bind(set.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn team_sets(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<TeamSetRow>> {
    Ok(sqlx::query_as(
        "SELECT id, space_id, name, mode, size, created_by, created_at FROM team_sets
         WHERE space_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}

pub async fn team_set(conn: &mut AnyConnection, id: &str) -> Result<Option<TeamSetRow>> {
    Ok(sqlx::query_as("SELECT id, space_id, name, mode, size, created_by, created_at FROM team_sets WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn mark_team_of_set(conn: &mut AnyConnection, team_id: &str, set_id: &str) -> Result<()> {
    sqlx::query("UPDATE spaces SET team_set_id = $2 WHERE id = $1").bind(team_id).bind(set_id).execute(conn).await?;
    Ok(())
}

/// A team of a set, with its members.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct TeamRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub member_count: i64,
}

pub async fn teams_of_set(conn: &mut AnyConnection, set_id: &str) -> Result<Vec<TeamRow>> {
    Ok(sqlx::query_as(
        "SELECT id, slug, name, member_count FROM spaces WHERE team_set_id = $1 ORDER BY created_at, slug",
    )
    .bind(set_id)
    .fetch_all(conn)
    .await?)
}

/// `(team id, user id, username, display name)` for every member of a set's teams.
pub async fn members_of_set(conn: &mut AnyConnection, set_id: &str) -> Result<Vec<(String, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT m.space_id, u.id, u.username, u.display_name
         FROM memberships m JOIN spaces s ON s.id = m.space_id JOIN users u ON u.id = m.user_id
         WHERE s.team_set_id = $1 ORDER BY u.display_name, u.username",
    )
    .bind(set_id)
    .fetch_all(conn)
    .await?)
}

/// Replaces the teams a community facilitator is scoped to (none: all teams).
pub async fn set_scopes(
    conn: &mut AnyConnection,
    community_id: &str,
    user_id: &str,
    team_ids: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM facilitator_scopes WHERE community_id = $1 AND user_id = $2")
        .bind(community_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for team in team_ids {
        sqlx::query("INSERT INTO facilitator_scopes (community_id, user_id, team_id) VALUES ($1, $2, $3)")
            .bind(community_id)
            .bind(user_id)
            .bind(team.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `(user id, team id)` for every scoped facilitator of a community.
pub async fn scopes(conn: &mut AnyConnection, community_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT user_id, team_id FROM facilitator_scopes WHERE community_id = $1")
        .bind(community_id)
        .fetch_all(conn)
        .await?)
}

// ---------------------------------------------------------------- assignments

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct AssignmentRow {
    pub id: String,
    pub space_id: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub opens_at: i64,
    pub due_at: i64,
    pub audience: String,
    pub team_set_id: Option<String>,
    pub per_team: i64,
    pub reviewers: i64,
    pub anonymous_reviews: i64,
    pub rubric: String,
    pub reviews_allocated_at: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
}

const ASSIGNMENT_COLUMNS: &str = "id, space_id, title, body, body_html, opens_at, due_at, audience, team_set_id, \
     per_team, reviewers, anonymous_reviews, rubric, reviews_allocated_at, created_by, created_at";

pub async fn insert_assignment(conn: &mut AnyConnection, a: &AssignmentRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO assignments (id, space_id, title, body, body_html, opens_at, due_at, audience, team_set_id,
                                  per_team, reviewers, anonymous_reviews, rubric, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&a.id)
    .bind(&a.space_id)
    .bind(&a.title)
    .bind(&a.body)
    .bind(&a.body_html)
    .bind(a.opens_at)
    .bind(a.due_at)
    .bind(&a.audience)
    .bind(a.team_set_id.as_deref())
    .bind(a.per_team)
    .bind(a.reviewers)
    .bind(a.anonymous_reviews)
    .bind(&a.rubric)
    .bind(&a.created_by)
    .bind(a.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes an assignment's editable fields (not its audience).
pub async fn update_assignment(conn: &mut AnyConnection, a: &AssignmentRow) -> Result<()> {
    sqlx::query(
        "UPDATE assignments SET title = $2, body = $3, body_html = $4, opens_at = $5, due_at = $6, reviewers = $7,
                                anonymous_reviews = $8, rubric = $9
         WHERE id = $1",
    )
    .bind(&a.id)
    .bind(&a.title)
    .bind(&a.body)
    .bind(&a.body_html)
    .bind(a.opens_at)
    .bind(a.due_at)
    .bind(a.reviewers)
    .bind(a.anonymous_reviews)
    .bind(&a.rubric)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_assignee(conn: &mut AnyConnection, assignment_id: &str, user_id: &str) -> Result<()> {
    sqlx::query("INSERT INTO assignment_people (assignment_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(assignment_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn assignees(conn: &mut AnyConnection, assignment_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT user_id FROM assignment_people WHERE assignment_id = $1")
        .bind(assignment_id)
        .fetch_all(conn)
        .await?)
}

pub async fn assignment(conn: &mut AnyConnection, id: &str) -> Result<Option<AssignmentRow>> {
    let sql = format!("SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn assignments(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<AssignmentRow>> {
    let sql = format!("SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE space_id = $1 ORDER BY due_at DESC, id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).fetch_all(conn).await?)
}

/// Marks an assignment's reviewers allocated; false when they already were
/// (another facilitator got there first).
pub async fn mark_reviews_allocated(conn: &mut AnyConnection, id: &str, now: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE assignments SET reviews_allocated_at = $2 WHERE id = $1 AND reviews_allocated_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct SubmissionRow {
    pub id: String,
    pub assignment_id: String,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub owner_key: String,
    pub body: String,
    pub body_html: String,
    pub submitted_at: i64,
    pub updated_at: i64,
}

const SUBMISSION_SELECT: &str = "SELECT b.id, b.assignment_id, b.author_id, u.username AS author_username,
            u.display_name AS author_display_name, b.team_id, t.name AS team_name, b.owner_key, b.body, b.body_html,
            b.submitted_at, b.updated_at
     FROM submissions b JOIN users u ON u.id = b.author_id LEFT JOIN spaces t ON t.id = b.team_id";

/// Saves a submission, replacing the body of an earlier one by the same
/// person or team; the first submission time stays.
#[allow(clippy::too_many_arguments)]
pub async fn save_submission(
    conn: &mut AnyConnection,
    id: &str,
    assignment_id: &str,
    author_id: &str,
    team_id: Option<&str>,
    owner_key: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<String> {
    Ok(sqlx::query_scalar(
        "INSERT INTO submissions (id, assignment_id, author_id, team_id, owner_key, body, body_html, submitted_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (assignment_id, owner_key) DO UPDATE
         SET author_id = excluded.author_id, body = excluded.body, body_html = excluded.body_html,
             updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(id)
    .bind(assignment_id)
    .bind(author_id)
    .bind(team_id)
    .bind(owner_key)
    .bind(body)
    .bind(body_html)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn submissions(conn: &mut AnyConnection, assignment_id: &str) -> Result<Vec<SubmissionRow>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE b.assignment_id = $1 ORDER BY b.submitted_at, b.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(assignment_id).fetch_all(conn).await?)
}

pub async fn submission(conn: &mut AnyConnection, id: &str) -> Result<Option<SubmissionRow>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE b.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn submission_of(
    conn: &mut AnyConnection,
    assignment_id: &str,
    owner_key: &str,
) -> Result<Option<SubmissionRow>> {
    let sql = format!("{SUBMISSION_SELECT} WHERE b.assignment_id = $1 AND b.owner_key = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(assignment_id).bind(owner_key).fetch_optional(conn).await?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct CommentRow {
    pub id: String,
    pub submission_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub body_html: String,
    pub created_at: i64,
}

pub async fn insert_comment(
    conn: &mut AnyConnection,
    id: &str,
    submission_id: &str,
    author_id: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO submission_comments (id, submission_id, author_id, body, body_html, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(submission_id)
    .bind(author_id)
    .bind(body)
    .bind(body_html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn comments(conn: &mut AnyConnection, submission_id: &str) -> Result<Vec<CommentRow>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.submission_id, u.username AS author_username, u.display_name AS author_display_name,
                c.body_html, c.created_at
         FROM submission_comments c JOIN users u ON u.id = c.author_id
         WHERE c.submission_id = $1 ORDER BY c.created_at, c.id",
    )
    .bind(submission_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct ReviewRow {
    pub id: String,
    pub assignment_id: String,
    pub submission_id: String,
    pub reviewer_id: String,
    pub reviewer_username: String,
    pub reviewer_display_name: String,
    pub scores: String,
    pub comment: String,
    pub assigned_at: i64,
    pub submitted_at: Option<i64>,
}

const REVIEW_SELECT: &str = "SELECT r.id, r.assignment_id, r.submission_id, r.reviewer_id,
            u.username AS reviewer_username, u.display_name AS reviewer_display_name, r.scores, r.comment,
            r.assigned_at, r.submitted_at
     FROM reviews r JOIN users u ON u.id = r.reviewer_id";

pub async fn insert_review(
    conn: &mut AnyConnection,
    id: &str,
    assignment_id: &str,
    submission_id: &str,
    reviewer_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO reviews (id, assignment_id, submission_id, reviewer_id, assigned_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(assignment_id)
    .bind(submission_id)
    .bind(reviewer_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn reviews_of_assignment(conn: &mut AnyConnection, assignment_id: &str) -> Result<Vec<ReviewRow>> {
    let sql = format!("{REVIEW_SELECT} WHERE r.assignment_id = $1 ORDER BY r.assigned_at, r.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(assignment_id).fetch_all(conn).await?)
}

pub async fn review(conn: &mut AnyConnection, id: &str) -> Result<Option<ReviewRow>> {
    let sql = format!("{REVIEW_SELECT} WHERE r.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn submit_review(conn: &mut AnyConnection, id: &str, scores: &str, comment: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE reviews SET scores = $2, comment = $3, submitted_at = $4 WHERE id = $1")
        .bind(id)
        .bind(scores)
        .bind(comment)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives a review to another reviewer; false when they already review that submission.
pub async fn reassign_review(conn: &mut AnyConnection, id: &str, reviewer_id: &str, now: i64) -> Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM reviews WHERE reviewer_id = $2 AND submission_id = (SELECT submission_id FROM reviews WHERE id = $1)",
    )
    .bind(id)
    .bind(reviewer_id)
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE reviews SET reviewer_id = $2, assigned_at = $3, scores = '[]', comment = '', submitted_at = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(reviewer_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------- research quests

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct QuestRow {
    pub id: String,
    pub space_id: String,
    pub question: String,
    pub body: String,
    pub body_html: String,
    pub wiki_page_id: Option<String>,
    pub wiki_slug: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub source_count: i64,
    pub finding_count: i64,
}

const QUEST_SELECT: &str =
    "SELECT q.id, q.space_id, q.question, q.body, q.body_html, q.wiki_page_id, w.slug AS wiki_slug,
            q.created_by, q.created_at,
            (SELECT COUNT(*) FROM quest_sources s WHERE s.quest_id = q.id) AS source_count,
            (SELECT COUNT(*) FROM quest_findings f WHERE f.quest_id = q.id) AS finding_count
     FROM quests q LEFT JOIN wiki_pages w ON w.id = q.wiki_page_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_quest(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    question: &str,
    body: &str,
    body_html: &str,
    created_by: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quests (id, space_id, question, body, body_html, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(space_id)
    .bind(question)
    .bind(body)
    .bind(body_html)
    .bind(created_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn quests(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<QuestRow>> {
    let sql = format!("{QUEST_SELECT} WHERE q.space_id = $1 ORDER BY q.created_at DESC, q.id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).fetch_all(conn).await?)
}

pub async fn quest(conn: &mut AnyConnection, id: &str) -> Result<Option<QuestRow>> {
    let sql = format!("{QUEST_SELECT} WHERE q.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

pub async fn set_quest_page(conn: &mut AnyConnection, id: &str, page_id: &str) -> Result<()> {
    sqlx::query("UPDATE quests SET wiki_page_id = $2 WHERE id = $1").bind(id).bind(page_id).execute(conn).await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct SourceRow {
    pub id: String,
    pub quest_id: String,
    pub position: i64,
    pub kind: String,
    pub library_item_id: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub claimed_by: Option<String>,
    pub claimed_by_name: Option<String>,
    pub claimed_at: Option<i64>,
    pub finding_count: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_source(
    conn: &mut AnyConnection,
    id: &str,
    quest_id: &str,
    kind: &str,
    library_item_id: Option<&str>,
    url: Option<&str>,
    title: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quest_sources (id, quest_id, position, kind, library_item_id, url, title)
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM quest_sources WHERE quest_id = $2), $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(quest_id)
    .bind(kind)
    .bind(library_item_id)
    .bind(url)
    .bind(title)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn sources(conn: &mut AnyConnection, quest_id: &str) -> Result<Vec<SourceRow>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.quest_id, s.position, s.kind, s.library_item_id, s.url, s.title, s.claimed_by,
                u.display_name AS claimed_by_name, s.claimed_at,
                (SELECT COUNT(*) FROM quest_findings f WHERE f.source_id = s.id) AS finding_count
         FROM quest_sources s LEFT JOIN users u ON u.id = s.claimed_by
         WHERE s.quest_id = $1 ORDER BY s.position",
    )
    .bind(quest_id)
    .fetch_all(conn)
    .await?)
}

/// Claims a source for `user_id` (or releases it with `None`); false when
/// someone else holds it.
pub async fn claim_source(conn: &mut AnyConnection, id: &str, user_id: Option<&str>, now: i64) -> Result<bool> {
    let done = match user_id {
        Some(user) => {
            sqlx::query(
                "UPDATE quest_sources SET claimed_by = $2, claimed_at = $3
                 WHERE id = $1 AND (claimed_by IS NULL OR claimed_by = $2)",
            )
            .bind(id)
            .bind(user)
            .bind(now)
            .execute(conn)
            .await?
        }
        None => {
            sqlx::query("UPDATE quest_sources SET claimed_by = NULL, claimed_at = NULL WHERE id = $1")
                .bind(id)
                .execute(conn)
                .await?
        }
    };
    Ok(done.rows_affected() > 0)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct FindingRow {
    pub id: String,
    pub quest_id: String,
    pub source_id: Option<String>,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_finding(
    conn: &mut AnyConnection,
    id: &str,
    quest_id: &str,
    source_id: Option<&str>,
    author_id: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quest_findings (id, quest_id, source_id, author_id, body, body_html, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(quest_id)
    .bind(source_id)
    .bind(author_id)
    .bind(body)
    .bind(body_html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn findings(conn: &mut AnyConnection, quest_id: &str) -> Result<Vec<FindingRow>> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.quest_id, f.source_id, f.author_id, u.username AS author_username,
                u.display_name AS author_display_name, f.body, f.body_html, f.created_at
         FROM quest_findings f JOIN users u ON u.id = f.author_id
         WHERE f.quest_id = $1 ORDER BY f.created_at, f.id",
    )
    .bind(quest_id)
    .fetch_all(conn)
    .await?)
}

/// The quest a source belongs to.
pub async fn quest_of_source(conn: &mut AnyConnection, source_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT quest_id FROM quest_sources WHERE id = $1")
        .bind(source_id)
        .fetch_optional(conn)
        .await?)
}
