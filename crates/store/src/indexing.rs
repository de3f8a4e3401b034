//! What the search index needs to know about each searchable thing, read in
//! one query per thing: its text, its space, and whether it still exists.
//! The indexer (in `core`) calls these for everything an event touched, so
//! replaying events from any point rebuilds the same index.

use sqlx::AnyConnection;

use crate::Result;

/// A searchable thing as the index sees it. `body` is Markdown source.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Searchable {
    pub id: String,
    pub space_id: String,
    pub space_slug: String,
    pub space_name: String,
    pub title: String,
    pub body: String,
    /// Space-separated tags (library items); empty otherwise.
    pub tags: String,
    pub updated_at: i64,
    /// For a post: its thread and number.
    pub thread_id: Option<String>,
    pub number: Option<i64>,
    /// For a wiki page: its address.
    pub slug: Option<String>,
    /// Set when the thing was deleted (it is then removed from the index).
    pub deleted_at: Option<i64>,
}

/// A thread with its opening post's text. A scheduled prompt, a thread
/// merged into another or hidden by a moderator reads as deleted.
pub async fn thread(conn: &mut AnyConnection, id: &str) -> Result<Option<Searchable>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.space_id, s.slug AS space_slug, s.name AS space_name, t.title,
                COALESCE(CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL THEN p.body END, '') AS body, '' AS tags,
                t.last_activity_at AS updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number,
                CAST(NULL AS TEXT) AS slug,
                CASE WHEN t.opens_at IS NOT NULL OR t.merged_into IS NOT NULL OR t.hidden_at IS NOT NULL THEN 0 END
                    AS deleted_at
         FROM threads t
         JOIN spaces s ON s.id = t.space_id
         LEFT JOIN posts p ON p.thread_id = t.id AND p.number = 1
         WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// A post with its thread's title. Replies in a post-first thread read as
/// deleted: search must not show them to someone who has not posted yet; so
/// does a post a moderator hid, and every post of a hidden thread.
pub async fn post(conn: &mut AnyConnection, id: &str) -> Result<Option<Searchable>> {
    Ok(sqlx::query_as(
        "SELECT p.id, t.space_id, s.slug AS space_slug, s.name AS space_name, t.title, p.body, '' AS tags,
                COALESCE(p.edited_at, p.created_at) AS updated_at, p.thread_id, p.number,
                CAST(NULL AS TEXT) AS slug,
                COALESCE(p.deleted_at, p.hidden_at, t.hidden_at,
                         CASE WHEN t.opens_at IS NOT NULL OR t.post_first = 1 THEN 0 END) AS deleted_at
         FROM posts p
         JOIN threads t ON t.id = p.thread_id
         JOIN spaces s ON s.id = t.space_id
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The ids of a thread's posts after the opening one.
pub async fn replies_of(conn: &mut AnyConnection, thread_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM posts WHERE thread_id = $1 AND number > 1 ORDER BY number")
        .bind(thread_id)
        .fetch_all(conn)
        .await?)
}

pub async fn wiki_page(conn: &mut AnyConnection, id: &str) -> Result<Option<Searchable>> {
    Ok(sqlx::query_as(
        "SELECT w.id, w.space_id, s.slug AS space_slug, s.name AS space_name, w.title, w.body, '' AS tags,
                w.updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number, w.slug,
                CAST(NULL AS BIGINT) AS deleted_at
         FROM wiki_pages w JOIN spaces s ON s.id = w.space_id
         WHERE w.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn library_item(conn: &mut AnyConnection, id: &str) -> Result<Option<Searchable>> {
    Ok(sqlx::query_as(
        "SELECT i.id, i.space_id, s.slug AS space_slug, s.name AS space_name, i.title,
                CASE WHEN i.url IS NULL THEN i.body ELSE i.url || ' ' || i.body END AS body, i.tags,
                i.updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number,
                CAST(NULL AS TEXT) AS slug, i.deleted_at
         FROM library_items i JOIN spaces s ON s.id = i.space_id
         WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn collection(conn: &mut AnyConnection, id: &str) -> Result<Option<Searchable>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.space_id, s.slug AS space_slug, s.name AS space_name, c.title, c.body, '' AS tags,
                c.updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number,
                CAST(NULL AS TEXT) AS slug, c.deleted_at
         FROM collections c JOIN spaces s ON s.id = c.space_id
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Everything searchable in a space, as `(kind, id)` with kind one of
/// `thread`, `post`, `wiki`, `library`, `collection`; for re-indexing a
/// space whose name changed.
pub async fn things_in_space(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT 'thread' AS kind, id FROM threads WHERE space_id = $1
         UNION ALL SELECT 'post', p.id FROM posts p JOIN threads t ON t.id = p.thread_id
                   WHERE t.space_id = $1 AND p.number > 1 AND p.deleted_at IS NULL
         UNION ALL SELECT 'wiki', id FROM wiki_pages WHERE space_id = $1
         UNION ALL SELECT 'library', id FROM library_items WHERE space_id = $1 AND deleted_at IS NULL
         UNION ALL SELECT 'collection', id FROM collections WHERE space_id = $1 AND deleted_at IS NULL",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}
