//! What the search index needs to know about each searchable thing: its
//! text, its space, and whether it still exists. The indexer (in `core`)
//! reads [`one`] for everything an event touched, so replaying events from
//! any point rebuilds the same index; an empty index is filled from the
//! tables themselves a [`page`] at a time, which gives the same documents.

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

/// The tables the index reads, each a kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// A thread with its opening post's text. A scheduled prompt, a thread
    /// merged into another or hidden by a moderator reads as deleted.
    Threads,
    /// A post with its thread's title. Replies in a post-first thread read
    /// as deleted: search must not show them to someone who has not posted
    /// yet; so does a post a moderator hid, and every post of a hidden
    /// thread. (Opening posts are read here too; their text is searched as
    /// part of their thread.)
    Posts,
    WikiPages,
    LibraryItems,
    Collections,
}

impl Table {
    pub const ALL: [Table; 5] =
        [Table::Threads, Table::Posts, Table::WikiPages, Table::LibraryItems, Table::Collections];

    /// The query reading this table's rows as [`Searchable`], to which a
    /// `WHERE` on its id column follows; and that column.
    fn select(self) -> (&'static str, &'static str) {
        match self {
            Table::Threads => (
                "SELECT t.id, t.space_id, s.slug AS space_slug, s.name AS space_name, t.title,
                        COALESCE(CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL THEN p.body END, '') AS body,
                        '' AS tags, t.last_activity_at AS updated_at, CAST(NULL AS TEXT) AS thread_id,
                        CAST(NULL AS BIGINT) AS number, CAST(NULL AS TEXT) AS slug,
                        CASE WHEN t.opens_at IS NOT NULL OR t.merged_into IS NOT NULL OR t.hidden_at IS NOT NULL
                             THEN 0 END AS deleted_at
                 FROM threads t
                 JOIN spaces s ON s.id = t.space_id
                 LEFT JOIN posts p ON p.thread_id = t.id AND p.number = 1",
                "t.id",
            ),
            Table::Posts => (
                "SELECT p.id, t.space_id, s.slug AS space_slug, s.name AS space_name, t.title, p.body, '' AS tags,
                        COALESCE(p.edited_at, p.created_at) AS updated_at, p.thread_id, p.number,
                        CAST(NULL AS TEXT) AS slug,
                        COALESCE(p.deleted_at, p.hidden_at, t.hidden_at,
                                 CASE WHEN t.opens_at IS NOT NULL OR t.post_first = 1 THEN 0 END) AS deleted_at
                 FROM posts p
                 JOIN threads t ON t.id = p.thread_id
                 JOIN spaces s ON s.id = t.space_id",
                "p.id",
            ),
            Table::WikiPages => (
                "SELECT w.id, w.space_id, s.slug AS space_slug, s.name AS space_name, w.title, w.body, '' AS tags,
                        w.updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number, w.slug,
                        CAST(NULL AS BIGINT) AS deleted_at
                 FROM wiki_pages w JOIN spaces s ON s.id = w.space_id",
                "w.id",
            ),
            Table::LibraryItems => (
                "SELECT i.id, i.space_id, s.slug AS space_slug, s.name AS space_name, i.title,
                        CASE WHEN i.url IS NULL THEN i.body ELSE i.url || ' ' || i.body END AS body, i.tags,
                        i.updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number,
                        CAST(NULL AS TEXT) AS slug, i.deleted_at
                 FROM library_items i JOIN spaces s ON s.id = i.space_id",
                "i.id",
            ),
            Table::Collections => (
                "SELECT c.id, c.space_id, s.slug AS space_slug, s.name AS space_name, c.title, c.body, '' AS tags,
                        c.updated_at, CAST(NULL AS TEXT) AS thread_id, CAST(NULL AS BIGINT) AS number,
                        CAST(NULL AS TEXT) AS slug, c.deleted_at
                 FROM collections c JOIN spaces s ON s.id = c.space_id",
                "c.id",
            ),
        }
    }
}

/// One thing of `table` as the index sees it, if it is there.
pub async fn one(conn: &mut AnyConnection, table: Table, id: &str) -> Result<Option<Searchable>> {
    let (select, key) = table.select();
    let sql = format!("{select} WHERE {key} = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// Up to `limit` things of `table` whose ids come after `after`, in id
/// order: for filling an empty index from the tables themselves, a page at
/// a time, without the event log.
pub async fn page(conn: &mut AnyConnection, table: Table, after: &str, limit: i64) -> Result<Vec<Searchable>> {
    let (select, key) = table.select();
    let sql = format!("{select} WHERE {key} > $1 ORDER BY {key} LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(conn).await?)
}

/// How many rows the tables the index reads hold (an upper bound of the
/// documents a fill writes, for its progress).
pub async fn count_all(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM threads) + (SELECT COUNT(*) FROM posts) + (SELECT COUNT(*) FROM wiki_pages)
              + (SELECT COUNT(*) FROM library_items) + (SELECT COUNT(*) FROM collections)",
    )
    .fetch_one(conn)
    .await?)
}

/// The ids of a thread's posts after the opening one.
pub async fn replies_of(conn: &mut AnyConnection, thread_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM posts WHERE thread_id = $1 AND number > 1 ORDER BY number")
        .bind(thread_id)
        .fetch_all(conn)
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
