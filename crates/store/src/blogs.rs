//! Blog posts of spaces.

use sqlx::AnyConnection;

use crate::Result;

/// A blog post as stored, with what its pages and feeds show of its files
/// and author.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BlogPostRow {
    pub id: String,
    pub space_id: String,
    pub author_id: String,
    pub author_display_name: String,
    pub slug: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub cover_file_id: Option<String>,
    pub audio_file_id: Option<String>,
    pub audio_type: Option<String>,
    pub audio_size: Option<i64>,
    pub audio_name: Option<String>,
    pub published_at: Option<i64>,
    pub comments_thread_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SELECT: &str = "SELECT b.id, b.space_id, b.author_id, u.display_name AS author_display_name, b.slug, b.title,
        b.body, b.body_html, b.cover_file_id, b.audio_file_id, f.content_type AS audio_type, f.size AS audio_size,
        f.name AS audio_name, b.published_at, b.comments_thread_id, b.created_at, b.updated_at
     FROM blog_posts b JOIN users u ON u.id = b.author_id LEFT JOIN files f ON f.id = b.audio_file_id";

/// What a post is made of when it is written.
#[derive(Debug, Clone)]
pub struct BlogPostWrite<'a> {
    pub id: &'a str,
    pub space_id: &'a str,
    pub author_id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub cover_file_id: Option<&'a str>,
    pub audio_file_id: Option<&'a str>,
    pub published_at: Option<i64>,
    pub now: i64,
}

pub async fn insert(conn: &mut AnyConnection, p: &BlogPostWrite<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO blog_posts (id, space_id, author_id, slug, title, body, body_html, cover_file_id, audio_file_id,
                                 published_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(p.id)
    .bind(p.space_id)
    .bind(p.author_id)
    .bind(p.slug)
    .bind(p.title)
    .bind(p.body)
    .bind(p.body_html)
    .bind(p.cover_file_id)
    .bind(p.audio_file_id)
    .bind(p.published_at)
    .bind(p.now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rewrites a post's words, files and publication (its address and author stay).
pub async fn update(conn: &mut AnyConnection, p: &BlogPostWrite<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE blog_posts SET title = $2, body = $3, body_html = $4, cover_file_id = $5, audio_file_id = $6,
                published_at = $7, updated_at = $8
         WHERE id = $1",
    )
    .bind(p.id)
    .bind(p.title)
    .bind(p.body)
    .bind(p.body_html)
    .bind(p.cover_file_id)
    .bind(p.audio_file_id)
    .bind(p.published_at)
    .bind(p.now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_comments_thread(conn: &mut AnyConnection, id: &str, thread_id: &str) -> Result<()> {
    sqlx::query("UPDATE blog_posts SET comments_thread_id = $2 WHERE id = $1")
        .bind(id)
        .bind(thread_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_slug(conn: &mut AnyConnection, space_id: &str, slug: &str) -> Result<Option<BlogPostRow>> {
    let sql = format!("{SELECT} WHERE b.space_id = $1 AND b.slug = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).bind(slug).fetch_optional(conn).await?)
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<BlogPostRow>> {
    let sql = format!("{SELECT} WHERE b.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// A space's posts, newest first: published ones, and drafts too when asked.
pub async fn of_space(
    conn: &mut AnyConnection,
    space_id: &str,
    with_drafts: bool,
    limit: i64,
) -> Result<Vec<BlogPostRow>> {
    let sql = format!(
        "{SELECT} WHERE b.space_id = $1 AND ($2 = 1 OR b.published_at IS NOT NULL)
         ORDER BY COALESCE(b.published_at, b.updated_at) DESC, b.id DESC LIMIT $3"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(space_id)
        .bind(i64::from(with_drafts))
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Whether a thread is the comments thread of a blog post.
pub async fn is_comments_thread(conn: &mut AnyConnection, thread_id: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM blog_posts WHERE comments_thread_id = $1")
        .bind(thread_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}
