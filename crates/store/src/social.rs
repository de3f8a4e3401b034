//! Follows, blocks and the `#tags` written in content.

use sqlx::AnyConnection;

use crate::{Result, placeholders};

/// Starts following; returns whether this is new.
pub async fn follow(conn: &mut AnyConnection, user_id: &str, kind: &str, target: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO follows (user_id, target_kind, target, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, target_kind, target) DO NOTHING",
    )
    .bind(user_id)
    .bind(kind)
    .bind(target)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops following; returns whether there was something to stop.
pub async fn unfollow(conn: &mut AnyConnection, user_id: &str, kind: &str, target: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM follows WHERE user_id = $1 AND target_kind = $2 AND target = $3")
        .bind(user_id)
        .bind(kind)
        .bind(target)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// `(kind, target)` of everything a person follows, newest first.
pub async fn follows_of(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT target_kind, target FROM follows WHERE user_id = $1 ORDER BY created_at DESC, target_kind, target",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Whether `user_id` follows the target.
pub async fn is_following(conn: &mut AnyConnection, user_id: &str, kind: &str, target: &str) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM follows WHERE user_id = $1 AND target_kind = $2 AND target = $3")
            .bind(user_id)
            .bind(kind)
            .bind(target)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// The people who follow any of `targets` of one kind.
pub async fn followers(conn: &mut AnyConnection, kind: &str, targets: &[String]) -> Result<Vec<(String, String)>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id, target FROM follows WHERE target_kind = $1 AND target IN ({}) ORDER BY user_id",
        placeholders(2, targets.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind);
    for t in targets {
        query = query.bind(t.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// How many people follow a target.
pub async fn follower_count(conn: &mut AnyConnection, kind: &str, target: &str) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM follows WHERE target_kind = $1 AND target = $2")
        .bind(kind)
        .bind(target)
        .fetch_one(conn)
        .await?)
}

/// `user_id` blocks `blocked_id`; returns whether this is new.
pub async fn block(conn: &mut AnyConnection, user_id: &str, blocked_id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO blocks (user_id, blocked_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, blocked_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(blocked_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn unblock(conn: &mut AnyConnection, user_id: &str, blocked_id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2")
        .bind(user_id)
        .bind(blocked_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The ids of the people `user_id` has blocked.
pub async fn blocked_by(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT blocked_id FROM blocks WHERE user_id = $1 ORDER BY created_at DESC")
        .bind(user_id)
        .fetch_all(conn)
        .await?)
}

/// Which of `user_ids` have blocked `author_id`.
pub async fn blocking(conn: &mut AnyConnection, author_id: &str, user_ids: &[String]) -> Result<Vec<String>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id FROM blocks WHERE blocked_id = $1 AND user_id IN ({})",
        placeholders(2, user_ids.len())
    );
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(author_id);
    for id in user_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Whether either of the two has blocked the other.
pub async fn blocked_between(conn: &mut AnyConnection, a: &str, b: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM blocks WHERE (user_id = $1 AND blocked_id = $2) OR (user_id = $2 AND blocked_id = $1)",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Replaces the `#tags` of a post (`kind` `post`) or wiki page (`wiki`).
pub async fn set_content_tags(conn: &mut AnyConnection, kind: &str, subject_id: &str, tags: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM content_tags WHERE subject_id = $1").bind(subject_id).execute(&mut *conn).await?;
    add_content_tags(conn, kind, subject_id, tags).await
}

/// Records the tags of something new, which has none yet.
pub async fn add_content_tags(conn: &mut AnyConnection, kind: &str, subject_id: &str, tags: &[String]) -> Result<()> {
    for tag in tags {
        sqlx::query("INSERT INTO content_tags (subject_kind, subject_id, tag) VALUES ($1, $2, $3)")
            .bind(kind)
            .bind(subject_id)
            .bind(tag.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `(subject id, tag)` for the given posts and pages.
pub async fn tags_of_subjects(conn: &mut AnyConnection, subject_ids: &[String]) -> Result<Vec<(String, String)>> {
    if subject_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT subject_id, tag FROM content_tags WHERE subject_id IN ({}) ORDER BY tag",
        placeholders(1, subject_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in subject_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Something carrying a tag, as the tag's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaggedRow {
    /// `post`, `wiki` or `blog`.
    pub kind: String,
    pub id: String,
    pub space_id: String,
    /// The thread's, the page's or the blog post's title.
    pub title: String,
    /// The thread id, or the page's or blog post's address.
    pub locator: String,
    pub number: i64,
    pub author_id: String,
    pub anonymous: i64,
    pub at: i64,
}

/// The posts (not deleted or hidden, in open threads), wiki pages and
/// published blog posts tagged `tag` in `space_ids`, newest first.
pub async fn tagged(
    conn: &mut AnyConnection,
    tag: &str,
    space_ids: &[String],
    limit: i64,
    offset: i64,
) -> Result<Vec<TaggedRow>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let spaces_a = placeholders(4, space_ids.len());
    let spaces_b = placeholders(4 + space_ids.len(), space_ids.len());
    let spaces_c = placeholders(4 + 2 * space_ids.len(), space_ids.len());
    let sql = format!(
        "SELECT * FROM (
           SELECT 'post' AS kind, p.id, t.space_id, t.title, t.id AS locator, p.number, p.author_id,
                  p.anonymous, p.created_at AS at
           FROM content_tags c JOIN posts p ON p.id = c.subject_id JOIN threads t ON t.id = p.thread_id
           WHERE c.tag = $1 AND c.subject_kind = 'post' AND p.deleted_at IS NULL AND p.hidden_at IS NULL
             AND t.opens_at IS NULL AND t.hidden_at IS NULL
             AND t.merged_into IS NULL AND t.space_id IN ({spaces_a})
           UNION ALL
           SELECT 'wiki' AS kind, w.id, w.space_id, w.title, w.slug AS locator, w.revision AS number,
                  w.updated_by AS author_id, 0 AS anonymous, w.updated_at AS at
           FROM content_tags c JOIN wiki_pages w ON w.id = c.subject_id
           WHERE c.tag = $1 AND c.subject_kind = 'wiki' AND w.space_id IN ({spaces_b})
           UNION ALL
           SELECT 'blog' AS kind, b.id, b.space_id, b.title, b.slug AS locator, 0 AS number,
                  b.author_id, 0 AS anonymous, b.published_at AS at
           FROM content_tags c JOIN blog_posts b ON b.id = c.subject_id
           WHERE c.tag = $1 AND c.subject_kind = 'blog' AND b.published_at IS NOT NULL
             AND b.space_id IN ({spaces_c})
         ) tagged ORDER BY at DESC, id LIMIT $2 OFFSET $3"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tag).bind(limit).bind(offset);
    for id in space_ids.iter().chain(space_ids).chain(space_ids) {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// A person's standing on a tag.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpertRow {
    pub user_id: String,
    pub accepted_answers: i64,
    pub wiki_edits: i64,
}

/// The people whose accepted answers (in questions carrying `tag`) and wiki
/// edits (of pages carrying `tag`) in `space_ids` count most. Anonymous
/// answers are not counted: they would name their author.
pub async fn experts(conn: &mut AnyConnection, tag: &str, space_ids: &[String], limit: i64) -> Result<Vec<ExpertRow>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let spaces_a = placeholders(3, space_ids.len());
    let spaces_b = placeholders(3 + space_ids.len(), space_ids.len());
    let sql = format!(
        "SELECT user_id, SUM(answers) AS accepted_answers, SUM(edits) AS wiki_edits FROM (
           SELECT a.author_id AS user_id, 1 AS answers, 0 AS edits
           FROM threads t JOIN posts a ON a.id = t.accepted_post_id
           WHERE t.space_id IN ({spaces_a}) AND t.hidden_at IS NULL AND a.deleted_at IS NULL AND a.hidden_at IS NULL
             AND a.anonymous = 0
             AND EXISTS (SELECT 1 FROM content_tags c JOIN posts p ON p.id = c.subject_id
                         WHERE c.tag = $1 AND c.subject_kind = 'post' AND p.thread_id = t.id)
           UNION ALL
           SELECT r.author_id AS user_id, 0 AS answers, 1 AS edits
           FROM content_tags c JOIN wiki_revisions r ON r.page_id = c.subject_id
           WHERE c.tag = $1 AND c.subject_kind = 'wiki' AND r.space_id IN ({spaces_b})
         ) counted
         GROUP BY user_id
         ORDER BY SUM(answers) * 3 + SUM(edits) DESC, user_id
         LIMIT $2"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(tag).bind(limit);
    for id in space_ids.iter().chain(space_ids) {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}
