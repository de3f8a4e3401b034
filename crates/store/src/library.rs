//! The library of a space: items (links, files, articles) with tags, and
//! collections (ordered reading lists of items).

use serde::Serialize;
use sqlx::AnyConnection;

use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct ItemRow {
    pub id: String,
    pub space_id: String,
    pub kind: String,
    pub title: String,
    pub url: Option<String>,
    pub file_id: Option<String>,
    pub file_name: Option<String>,
    pub file_content_type: Option<String>,
    pub file_size: Option<i64>,
    pub body: String,
    pub body_html: String,
    /// Space-separated.
    pub tags: String,
    pub suggested: i64,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const ITEM_SELECT: &str = "SELECT i.id, i.space_id, i.kind, i.title, i.url, i.file_id, f.name AS file_name,
            f.content_type AS file_content_type, f.size AS file_size, i.body, i.body_html, i.tags, i.suggested,
            i.author_id, u.username AS author_username, u.display_name AS author_display_name, i.created_at, i.updated_at
     FROM library_items i
     JOIN users u ON u.id = i.author_id
     LEFT JOIN files f ON f.id = i.file_id";

/// A new or changed item's fields.
#[derive(Debug, Clone)]
pub struct ItemFields<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub tags: &'a [String],
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_item(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    kind: &str,
    file_id: Option<&str>,
    fields: &ItemFields<'_>,
    author_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO library_items (id, space_id, kind, title, url, file_id, body, body_html, tags, author_id,
                                    created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(id)
    .bind(space_id)
    .bind(kind)
    .bind(fields.title)
    .bind(fields.url)
    .bind(file_id)
    .bind(fields.body)
    .bind(fields.body_html)
    .bind(fields.tags.join(" "))
    .bind(author_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    set_tags(conn, id, space_id, fields.tags).await
}

pub async fn update_item(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    fields: &ItemFields<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE library_items SET title = $2, url = $3, body = $4, body_html = $5, tags = $6, updated_at = $7
         WHERE id = $1",
    )
    .bind(id)
    .bind(fields.title)
    .bind(fields.url)
    .bind(fields.body)
    .bind(fields.body_html)
    .bind(fields.tags.join(" "))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    set_tags(conn, id, space_id, fields.tags).await
}

async fn set_tags(conn: &mut AnyConnection, item_id: &str, space_id: &str, tags: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM library_tags WHERE item_id = $1").bind(item_id).execute(&mut *conn).await?;
    for tag in tags {
        sqlx::query("INSERT INTO library_tags (item_id, space_id, tag) VALUES ($1, $2, $3)")
            .bind(item_id)
            .bind(space_id)
            .bind(tag)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn set_item_suggested(conn: &mut AnyConnection, id: &str, suggested: bool) -> Result<()> {
    sqlx::query("UPDATE library_items SET suggested = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(suggested))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes an item from view and from every collection.
pub async fn delete_item(conn: &mut AnyConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE library_items SET deleted_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM library_tags WHERE item_id = $1").bind(id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM collection_items WHERE item_id = $1").bind(id).execute(conn).await?;
    Ok(())
}

pub async fn item(conn: &mut AnyConnection, id: &str) -> Result<Option<ItemRow>> {
    let sql = format!("{ITEM_SELECT} WHERE i.id = $1 AND i.deleted_at IS NULL");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// A space's items, suggested first, then newest; optionally only those with `tag`.
pub async fn items_in_space(
    conn: &mut AnyConnection,
    space_id: &str,
    tag: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<ItemRow>> {
    let sql = format!(
        "{ITEM_SELECT} WHERE i.space_id = $1 AND i.deleted_at IS NULL
           AND ($2 = '' OR EXISTS (SELECT 1 FROM library_tags t WHERE t.item_id = i.id AND t.tag = $2))
         ORDER BY i.suggested DESC, i.updated_at DESC, i.id LIMIT $3 OFFSET $4"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(space_id)
        .bind(tag.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// The tags used in a space's library with how many items carry each.
pub async fn tags_in_space(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT tag, COUNT(*) AS n FROM library_tags WHERE space_id = $1 GROUP BY tag ORDER BY n DESC, tag LIMIT 50",
    )
    .bind(space_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct CollectionRow {
    pub id: String,
    pub space_id: String,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub suggested: i64,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub item_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLLECTION_SELECT: &str = "SELECT c.id, c.space_id, c.title, c.body, c.body_html, c.suggested, c.author_id,
            u.username AS author_username, u.display_name AS author_display_name,
            (SELECT COUNT(*) FROM collection_items ci WHERE ci.collection_id = c.id) AS item_count,
            c.created_at, c.updated_at
     FROM collections c JOIN users u ON u.id = c.author_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_collection(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    title: &str,
    body: &str,
    body_html: &str,
    author_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO collections (id, space_id, title, body, body_html, author_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id)
    .bind(space_id)
    .bind(title)
    .bind(body)
    .bind(body_html)
    .bind(author_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_collection(
    conn: &mut AnyConnection,
    id: &str,
    title: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE collections SET title = $2, body = $3, body_html = $4, updated_at = $5 WHERE id = $1")
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(body_html)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_collection_suggested(conn: &mut AnyConnection, id: &str, suggested: bool) -> Result<()> {
    sqlx::query("UPDATE collections SET suggested = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(suggested))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_collection(conn: &mut AnyConnection, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE collections SET deleted_at = $2 WHERE id = $1").bind(id).bind(now).execute(conn).await?;
    Ok(())
}

pub async fn collection(conn: &mut AnyConnection, id: &str) -> Result<Option<CollectionRow>> {
    let sql = format!("{COLLECTION_SELECT} WHERE c.id = $1 AND c.deleted_at IS NULL");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// A space's collections, suggested first, then newest.
pub async fn collections_in_space(conn: &mut AnyConnection, space_id: &str) -> Result<Vec<CollectionRow>> {
    let sql = format!(
        "{COLLECTION_SELECT} WHERE c.space_id = $1 AND c.deleted_at IS NULL
         ORDER BY c.suggested DESC, c.updated_at DESC, c.id LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).fetch_all(conn).await?)
}

/// A collection's items in reading order.
pub async fn collection_items(conn: &mut AnyConnection, collection_id: &str) -> Result<Vec<ItemRow>> {
    let sql = format!(
        "{ITEM_SELECT} JOIN collection_items ci ON ci.item_id = i.id
         WHERE ci.collection_id = $1 AND i.deleted_at IS NULL ORDER BY ci.position"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(collection_id).fetch_all(conn).await?)
}

/// Replaces a collection's items with `item_ids`, in that order.
pub async fn set_collection_items(conn: &mut AnyConnection, collection_id: &str, item_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM collection_items WHERE collection_id = $1")
        .bind(collection_id)
        .execute(&mut *conn)
        .await?;
    for (position, item_id) in item_ids.iter().enumerate() {
        sqlx::query("INSERT INTO collection_items (collection_id, item_id, position) VALUES ($1, $2, $3)")
            .bind(collection_id)
            .bind(item_id)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
