//! What facilitators do to discussions, and the Q&A around answers: votes,
//! accepted and endorsed answers, a thread's state (pinned, locked, closed,
//! slow mode, post-first), moving posts between threads, and scheduled
//! prompts.
//!
//! Post numbers are never reused: posts moved into a thread take the numbers
//! after its last, and a thread that loses posts keeps its count, so reading
//! positions and links to numbers stay right.

use sqlx::AnyConnection;

use crate::threads::{PostView, ThreadState};
use crate::{Result, StoreError};

// ---------------------------------------------------------------- answers

/// A question's answers for one page: the accepted one first, then by votes,
/// then in the order they were written; deleted ones last.
pub async fn answers(
    conn: &mut AnyConnection,
    thread_id: &str,
    accepted_post_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PostView>> {
    let sql = format!(
        "{} WHERE p.thread_id = $1 AND p.number > 1
         ORDER BY CASE WHEN p.deleted_at IS NOT NULL THEN 2 WHEN p.id = $2 THEN 0 ELSE 1 END,
                  p.score DESC, p.number
         LIMIT $3 OFFSET $4",
        crate::threads::POST_SELECT
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(thread_id)
        .bind(accepted_post_id.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// Records `user_id`'s vote on a post (`value` +1 or -1; 0 takes it back)
/// and returns the post's new score, summed again from the votes so that
/// two votes crossing on PostgreSQL cannot count twice.
pub async fn vote(conn: &mut AnyConnection, post_id: &str, user_id: &str, value: i64, now: i64) -> Result<i64> {
    if value == 0 {
        sqlx::query("DELETE FROM post_votes WHERE post_id = $1 AND user_id = $2")
            .bind(post_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO post_votes (post_id, user_id, value, voted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (post_id, user_id) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at",
        )
        .bind(post_id)
        .bind(user_id)
        .bind(value)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    let score: Option<i64> = sqlx::query_scalar(
        "UPDATE posts SET score = (SELECT COALESCE(SUM(value), 0) FROM post_votes WHERE post_id = $1)
         WHERE id = $1 RETURNING score",
    )
    .bind(post_id)
    .fetch_optional(&mut *conn)
    .await?;
    bump_thread_of_post(conn, post_id).await?;
    score.ok_or(StoreError::NotFound)
}

/// `user_id`'s votes in a thread, as `(post_id, value)`.
pub async fn votes_of(conn: &mut AnyConnection, thread_id: &str, user_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT v.post_id, v.value FROM post_votes v JOIN posts p ON p.id = v.post_id
         WHERE p.thread_id = $1 AND v.user_id = $2",
    )
    .bind(thread_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_accepted(conn: &mut AnyConnection, thread_id: &str, post_id: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE threads SET accepted_post_id = $2, revision = revision + 1 WHERE id = $1")
        .bind(thread_id)
        .bind(post_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a post endorsed by `by` (or not, with `None`).
pub async fn set_endorsed(conn: &mut AnyConnection, post_id: &str, by: Option<&str>, now: i64) -> Result<()> {
    sqlx::query("UPDATE posts SET endorsed_by = $2, endorsed_at = $3 WHERE id = $1")
        .bind(post_id)
        .bind(by)
        .bind(by.map(|_| now))
        .execute(&mut *conn)
        .await?;
    bump_thread_of_post(conn, post_id).await
}

async fn bump_thread_of_post(conn: &mut AnyConnection, post_id: &str) -> Result<()> {
    sqlx::query("UPDATE threads SET revision = revision + 1 WHERE id = (SELECT thread_id FROM posts WHERE id = $1)")
        .bind(post_id)
        .execute(conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- reactions

/// Adds (`on`) or takes back a reaction; false when nothing changed.
pub async fn react(
    conn: &mut AnyConnection,
    post_id: &str,
    user_id: &str,
    kind: &str,
    on: bool,
    now: i64,
) -> Result<bool> {
    let done = if on {
        sqlx::query(
            "INSERT INTO post_reactions (post_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (post_id, user_id, kind) DO NOTHING",
        )
        .bind(post_id)
        .bind(user_id)
        .bind(kind)
        .bind(now)
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query("DELETE FROM post_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3")
            .bind(post_id)
            .bind(user_id)
            .bind(kind)
            .execute(&mut *conn)
            .await?
    };
    let changed = done.rows_affected() > 0;
    if changed {
        // Thread pages keep reactions with the posts, per revision.
        bump_thread_of_post(conn, post_id).await?;
    }
    Ok(changed)
}

/// `(post id, kind, who)` of every reaction to a thread's posts, in the
/// order they were given.
pub async fn reactions(conn: &mut AnyConnection, thread_id: &str) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT r.post_id, r.kind, r.user_id
         FROM post_reactions r JOIN posts p ON p.id = r.post_id
         WHERE p.thread_id = $1
         ORDER BY r.created_at, r.post_id, r.kind, r.user_id",
    )
    .bind(thread_id)
    .fetch_all(conn)
    .await?)
}

// ---------------------------------------------------------------- thread state

pub async fn set_state(conn: &mut AnyConnection, thread_id: &str, state: &ThreadState) -> Result<()> {
    sqlx::query(
        "UPDATE threads SET pinned_at = $2, locked_at = $3, closed_at = $4, close_reason = $5, slow_mode_secs = $6,
                            post_first = $7, revision = revision + 1
         WHERE id = $1",
    )
    .bind(thread_id)
    .bind(state.pinned_at)
    .bind(state.locked_at)
    .bind(state.closed_at)
    .bind(state.close_reason.as_deref())
    .bind(state.slow_mode_secs)
    .bind(state.post_first)
    .execute(conn)
    .await?;
    Ok(())
}

/// When `user_id` last posted in the thread.
pub async fn last_post_in_thread(conn: &mut AnyConnection, user_id: &str, thread_id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT MAX(created_at) FROM posts WHERE author_id = $1 AND thread_id = $2")
        .bind(user_id)
        .bind(thread_id)
        .fetch_one(conn)
        .await?)
}

/// When `user_id` last posted anywhere in the space.
pub async fn last_post_in_space(conn: &mut AnyConnection, user_id: &str, space_id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(p.created_at) FROM posts p JOIN threads t ON t.id = p.thread_id
         WHERE p.author_id = $1 AND t.space_id = $2",
    )
    .bind(user_id)
    .bind(space_id)
    .fetch_one(conn)
    .await?)
}

/// Whether `user_id` has a post in the thread that is not deleted, the
/// opening one included.
pub async fn has_posted(conn: &mut AnyConnection, user_id: &str, thread_id: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM posts WHERE author_id = $1 AND thread_id = $2 AND deleted_at IS NULL LIMIT 1",
    )
    .bind(user_id)
    .bind(thread_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

// ---------------------------------------------------------------- move, split, merge

/// Moves a thread to another space; `counted` says whether its spaces count
/// it (a scheduled prompt is not counted until it opens).
pub async fn move_thread(
    conn: &mut AnyConnection,
    thread_id: &str,
    from_space: &str,
    to_space: &str,
    counted: bool,
) -> Result<()> {
    sqlx::query("UPDATE threads SET space_id = $2, revision = revision + 1 WHERE id = $1")
        .bind(thread_id)
        .bind(to_space)
        .execute(&mut *conn)
        .await?;
    if counted {
        sqlx::query("UPDATE spaces SET thread_count = thread_count - 1 WHERE id = $1")
            .bind(from_space)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE spaces SET thread_count = thread_count + 1 WHERE id = $1")
            .bind(to_space)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The ids of a thread's posts in order.
pub async fn post_ids(conn: &mut AnyConnection, thread_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM posts WHERE thread_id = $1 ORDER BY number")
        .bind(thread_id)
        .fetch_all(conn)
        .await?)
}

/// Moves posts, in the order given, to the end of `to_thread`, numbering
/// them after its last post, and tidies both threads: replies that now point
/// into another thread lose their reply-to, an accepted answer that left is
/// no longer accepted, and each thread's newest post and activity are read
/// again.
pub async fn move_posts(
    conn: &mut AnyConnection,
    post_ids: &[String],
    from_thread: &str,
    to_thread: &str,
) -> Result<()> {
    // Take the numbers in one statement, which also holds the thread's row
    // against a reply being numbered at the same moment.
    let count = i64::try_from(post_ids.len()).unwrap_or(i64::MAX);
    let last: i64 =
        sqlx::query_scalar("UPDATE threads SET post_count = post_count + $2 WHERE id = $1 RETURNING post_count")
            .bind(to_thread)
            .bind(count)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
    let mut next = last - count;
    for id in post_ids {
        next += 1;
        sqlx::query("UPDATE posts SET thread_id = $2, number = $3 WHERE id = $1 AND thread_id = $4")
            .bind(id.as_str())
            .bind(to_thread)
            .bind(next)
            .bind(from_thread)
            .execute(&mut *conn)
            .await?;
    }
    for thread in [from_thread, to_thread] {
        tidy(conn, thread).await?;
    }
    Ok(())
}

async fn tidy(conn: &mut AnyConnection, thread_id: &str) -> Result<()> {
    sqlx::query(
        "UPDATE posts SET reply_to_id = NULL
         WHERE thread_id = $1 AND reply_to_id IS NOT NULL
           AND reply_to_id NOT IN (SELECT id FROM posts WHERE thread_id = $1)",
    )
    .bind(thread_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE threads SET accepted_post_id = NULL
         WHERE id = $1 AND accepted_post_id IS NOT NULL
           AND accepted_post_id NOT IN (SELECT id FROM posts WHERE thread_id = $1)",
    )
    .bind(thread_id)
    .execute(&mut *conn)
    .await?;
    let last: Option<(String, String, i64)> =
        sqlx::query_as("SELECT id, author_id, created_at FROM posts WHERE thread_id = $1 ORDER BY number DESC LIMIT 1")
            .bind(thread_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (last_id, last_author, last_at) = match last {
        Some((id, author, at)) => (Some(id), Some(author), Some(at)),
        None => (None, None, None),
    };
    sqlx::query(
        "UPDATE threads SET last_post_id = $2, last_poster_id = $3,
                            last_activity_at = COALESCE($4, last_activity_at), revision = revision + 1
         WHERE id = $1",
    )
    .bind(thread_id)
    .bind(last_id)
    .bind(last_author)
    .bind(last_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks `thread_id` merged into `into`: it leaves its space's lists, and
/// links to it lead to `into`.
pub async fn mark_merged(conn: &mut AnyConnection, thread_id: &str, space_id: &str, into: &str) -> Result<()> {
    sqlx::query("UPDATE threads SET merged_into = $2, pinned_at = NULL, revision = revision + 1 WHERE id = $1")
        .bind(thread_id)
        .bind(into)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE spaces SET thread_count = thread_count - 1 WHERE id = $1").bind(space_id).execute(conn).await?;
    Ok(())
}

// ---------------------------------------------------------------- scheduled prompts

/// A scheduled prompt whose time has come.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DuePrompt {
    pub id: String,
    pub space_id: String,
    pub author_id: String,
    pub title: String,
    pub first_post_id: String,
    pub anonymous: i64,
}

const PROMPT_SELECT: &str = "SELECT t.id, t.space_id, t.author_id, t.title, p.id AS first_post_id, t.anonymous
     FROM threads t JOIN posts p ON p.thread_id = t.id AND p.number = 1";

pub async fn due_prompts(conn: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<DuePrompt>> {
    let sql = format!("{PROMPT_SELECT} WHERE t.opens_at IS NOT NULL AND t.opens_at <= $1 ORDER BY t.opens_at LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).bind(limit).fetch_all(conn).await?)
}

/// A scheduled prompt by id, whenever it is due; `None` once open.
pub async fn scheduled_prompt(conn: &mut AnyConnection, id: &str) -> Result<Option<DuePrompt>> {
    let sql = format!("{PROMPT_SELECT} WHERE t.id = $1 AND t.opens_at IS NOT NULL");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// Opens a scheduled prompt: it starts now, for everyone. False when it was
/// already open (another node got there first).
pub async fn open_prompt(conn: &mut AnyConnection, thread_id: &str, now: i64) -> Result<bool> {
    let space: Option<String> = sqlx::query_scalar(
        "UPDATE threads SET opens_at = NULL, created_at = $2, last_activity_at = $2, revision = revision + 1
         WHERE id = $1 AND opens_at IS NOT NULL RETURNING space_id",
    )
    .bind(thread_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(space) = space else { return Ok(false) };
    sqlx::query("UPDATE posts SET created_at = $2 WHERE thread_id = $1 AND number = 1")
        .bind(thread_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE spaces SET thread_count = thread_count + 1 WHERE id = $1").bind(space).execute(conn).await?;
    Ok(true)
}
