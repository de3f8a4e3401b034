//! The raw facts behind a space's community health page, each read in one
//! query; `core::health` turns them into figures.

use sqlx::AnyConnection;

use crate::Result;

/// A post in the space, with who it answers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostFact {
    pub id: String,
    pub thread_id: String,
    pub thread_kind: String,
    pub thread_title: String,
    pub thread_author_id: String,
    pub thread_created_at: i64,
    pub accepted_post_id: Option<String>,
    pub number: i64,
    pub author_id: String,
    /// The author of the post it replies to, if it names one.
    pub reply_to_author_id: Option<String>,
    pub created_at: i64,
    pub deleted: i64,
}

/// Every post in the space's open threads (not merged away, not scheduled).
pub async fn posts(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<PostFact>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.thread_id, t.kind AS thread_kind, t.title AS thread_title, t.author_id AS thread_author_id,
                t.created_at AS thread_created_at, t.accepted_post_id, p.number, p.author_id,
                rp.author_id AS reply_to_author_id, p.created_at,
                CASE WHEN p.deleted_at IS NULL THEN 0 ELSE 1 END AS deleted
         FROM posts p
         JOIN threads t ON t.id = p.thread_id
         LEFT JOIN posts rp ON rp.id = p.reply_to_id
         WHERE t.space_id = $1 AND t.merged_into IS NULL AND t.opens_at IS NULL AND t.hidden_at IS NULL
         ORDER BY p.created_at, p.id",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}

/// `(author id, count)` of submissions to the space's assignments.
pub async fn submissions_by_author(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT b.author_id, COUNT(*) FROM submissions b JOIN assignments a ON a.id = b.assignment_id
         WHERE a.space_id = $1 GROUP BY b.author_id",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}

/// `(reviewer id, count)` of reviews submitted in the space's assignments.
pub async fn reviews_by_reviewer(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT r.reviewer_id, COUNT(*) FROM reviews r JOIN assignments a ON a.id = r.assignment_id
         WHERE a.space_id = $1 AND r.submitted_at IS NOT NULL GROUP BY r.reviewer_id",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}
