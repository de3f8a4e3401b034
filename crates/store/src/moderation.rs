//! Flags on posts, hiding posts, and the audit log's reading of the event log.

use sqlx::AnyConnection;

use crate::events::Event;
use crate::{Result, placeholders};

/// A new flag on a post.
#[derive(Debug, Clone)]
pub struct NewFlag<'a> {
    pub id: &'a str,
    pub post_id: &'a str,
    pub flagger_id: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
    pub created_at: i64,
}

/// Records a flag; false when this person already has an open flag on the post.
pub async fn insert_flag(conn: &mut AnyConnection, flag: &NewFlag<'_>) -> Result<bool> {
    let open: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM flags WHERE post_id = $1 AND flagger_id = $2 AND resolved_at IS NULL")
            .bind(flag.post_id)
            .bind(flag.flagger_id)
            .fetch_optional(&mut *conn)
            .await?;
    if open.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO flags (id, post_id, flagger_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(flag.id)
    .bind(flag.post_id)
    .bind(flag.flagger_id)
    .bind(flag.reason)
    .bind(flag.note)
    .bind(flag.created_at)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Closes every open flag on a post with a moderator's decision; returns how
/// many there were.
pub async fn resolve_flags(
    conn: &mut AnyConnection,
    post_id: &str,
    by: &str,
    resolution: &str,
    now: i64,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE flags SET resolved_at = $2, resolved_by = $3, resolution = $4
         WHERE post_id = $1 AND resolved_at IS NULL",
    )
    .bind(post_id)
    .bind(now)
    .bind(by)
    .bind(resolution)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Hides a post; false when it already was hidden.
pub async fn hide_post(conn: &mut AnyConnection, post_id: &str, by: &str, now: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE posts SET hidden_at = $2, hidden_by = $3 WHERE id = $1 AND hidden_at IS NULL")
        .bind(post_id)
        .bind(now)
        .bind(by)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    crate::threads::bump_revision_of_post(conn, post_id).await?;
    Ok(true)
}

/// Shows a hidden post again; false when it was not hidden.
pub async fn restore_post(conn: &mut AnyConnection, post_id: &str) -> Result<bool> {
    let done =
        sqlx::query("UPDATE posts SET hidden_at = NULL, hidden_by = NULL WHERE id = $1 AND hidden_at IS NOT NULL")
            .bind(post_id)
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    crate::threads::bump_revision_of_post(conn, post_id).await?;
    Ok(true)
}

/// Hides a whole thread, title included; false when it already was hidden.
pub async fn hide_thread(conn: &mut AnyConnection, thread_id: &str, by: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE threads SET hidden_at = $2, hidden_by = $3, revision = revision + 1 WHERE id = $1 AND hidden_at IS NULL",
    )
    .bind(thread_id)
    .bind(now)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Shows a hidden thread again; false when it was not hidden.
pub async fn restore_thread(conn: &mut AnyConnection, thread_id: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE threads SET hidden_at = NULL, hidden_by = NULL, revision = revision + 1
         WHERE id = $1 AND hidden_at IS NOT NULL",
    )
    .bind(thread_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A post in the moderation queue or the list of hidden posts, with where
/// it is.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ModeratedPost {
    pub post_id: String,
    pub thread_id: String,
    pub thread_title: String,
    pub space_id: String,
    pub number: i64,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub anonymous: i64,
    pub body: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub hidden_at: Option<i64>,
    pub hidden_by_name: Option<String>,
}

/// An open flag, with who raised it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlagRow {
    pub id: String,
    pub post_id: String,
    pub flagger_id: String,
    pub flagger_username: String,
    pub flagger_display_name: String,
    pub reason: String,
    pub note: String,
    pub created_at: i64,
}

const MODERATED_POST: &str = "SELECT p.id AS post_id, p.thread_id, t.title AS thread_title, t.space_id, p.number,
            p.author_id, u.username AS author_username, u.display_name AS author_display_name, p.anonymous,
            p.body, p.created_at, p.deleted_at, p.hidden_at, h.display_name AS hidden_by_name
     FROM posts p
     JOIN threads t ON t.id = p.thread_id
     JOIN users u ON u.id = p.author_id
     LEFT JOIN users h ON h.id = p.hidden_by";

/// The posts with open flags in `space_ids`, the longest-waiting first.
pub async fn flagged_posts(conn: &mut AnyConnection, space_ids: &[String], limit: i64) -> Result<Vec<ModeratedPost>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let spaces = placeholders(2, space_ids.len());
    let sql = format!(
        "{MODERATED_POST}
         JOIN (SELECT post_id, MIN(created_at) AS first_flag FROM flags WHERE resolved_at IS NULL GROUP BY post_id) f
           ON f.post_id = p.id
         WHERE t.space_id IN ({spaces})
         ORDER BY f.first_flag, p.id LIMIT $1"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit);
    for id in space_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// The open flags on these posts, oldest first.
pub async fn open_flags(conn: &mut AnyConnection, post_ids: &[String]) -> Result<Vec<FlagRow>> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    let posts = placeholders(1, post_ids.len());
    let sql = format!(
        "SELECT f.id, f.post_id, f.flagger_id, u.username AS flagger_username, u.display_name AS flagger_display_name,
                f.reason, f.note, f.created_at
         FROM flags f JOIN users u ON u.id = f.flagger_id
         WHERE f.resolved_at IS NULL AND f.post_id IN ({posts})
         ORDER BY f.created_at, f.id"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in post_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// The posts hidden in `space_ids`, most recently hidden first.
pub async fn hidden_posts(conn: &mut AnyConnection, space_ids: &[String], limit: i64) -> Result<Vec<ModeratedPost>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let spaces = placeholders(2, space_ids.len());
    let sql = format!(
        "{MODERATED_POST}
         WHERE p.hidden_at IS NOT NULL AND p.deleted_at IS NULL AND t.space_id IN ({spaces})
         ORDER BY p.hidden_at DESC, p.id LIMIT $1"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit);
    for id in space_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// The newest events that are moderators' or admins' actions, newest first:
/// events of `kinds`, and deletions of other people's posts and chat messages (`post.deleted`, `chat.deleted`
/// written with `"by_moderator":true`). With `space_ids`, only events in
/// those spaces; without, every event, the instance-wide ones included.
pub async fn audit_events(
    conn: &mut AnyConnection,
    kinds: &[&str],
    space_ids: Option<&[String]>,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    if space_ids.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let kinds_in = placeholders(3, kinds.len());
    let spaces = match space_ids {
        Some(ids) => format!("AND space_id IN ({})", placeholders(3 + kinds.len(), ids.len())),
        None => String::new(),
    };
    // serde_json writes event data compactly, so the flag reads exactly so.
    let sql = format!(
        "SELECT seq, occurred_at, actor_id, kind, space_id, subject_id, data FROM events
         WHERE seq < $1 AND (kind IN ({kinds_in})
               OR (kind IN ('post.deleted', 'chat.deleted') AND data LIKE '%\"by_moderator\":true%')) {spaces}
         ORDER BY seq DESC LIMIT $2"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(before_seq.unwrap_or(i64::MAX)).bind(limit);
    for k in kinds {
        query = query.bind(*k);
    }
    for id in space_ids.unwrap_or_default() {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}
