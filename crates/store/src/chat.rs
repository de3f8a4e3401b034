//! Chat: each space's room (its messages) and presence (who has it open,
//! on which node).

use sqlx::AnyConnection;

use crate::{Result, placeholders};

/// A chat message as stored, with its author's names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub space_id: String,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

const COLUMNS: &str = "m.id, m.space_id, m.author_id, u.username AS author_username,
    u.display_name AS author_display_name, m.body, m.body_html, m.created_at, m.edited_at, m.deleted_at";

pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    author_id: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_messages (id, space_id, author_id, body, body_html, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(space_id)
    .bind(author_id)
    .bind(body)
    .bind(body_html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<MessageRow>> {
    let sql = format!("SELECT {COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.author_id WHERE m.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// The given messages (those that exist), in no particular order.
pub async fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<MessageRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.author_id WHERE m.id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Up to `limit` messages of a space written before the message `before`
/// (or the newest), newest first.
pub async fn page(
    conn: &mut AnyConnection,
    space_id: &str,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<MessageRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.author_id
         WHERE m.space_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
    );
    // Ids are lowercase ULIDs; '~' sorts after every one of them.
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(space_id)
        .bind(before.unwrap_or("~"))
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

pub async fn edit(conn: &mut AnyConnection, id: &str, body: &str, body_html: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE chat_messages SET body = $2, body_html = $3, edited_at = $4 WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(body)
    .bind(body_html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a message's words, keeping its place.
pub async fn delete(conn: &mut AnyConnection, id: &str, by: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE chat_messages SET body = '', body_html = '', deleted_at = $2, deleted_by = $3
         WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that `node_id` is alive until `until`, and sweeps away the
/// presence of nodes that stopped renewing themselves before `now`.
pub async fn renew_node(conn: &mut AnyConnection, node_id: &str, until: i64, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO live_nodes (node_id, alive_until) VALUES ($1, $2)
         ON CONFLICT (node_id) DO UPDATE SET alive_until = excluded.alive_until",
    )
    .bind(node_id)
    .bind(until)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM presence WHERE node_id NOT IN (SELECT node_id FROM live_nodes WHERE alive_until >= $1)")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM live_nodes WHERE alive_until < $1").bind(now).execute(conn).await?;
    Ok(())
}

/// A node going away: its presence goes with it.
pub async fn forget_node(conn: &mut AnyConnection, node_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM presence WHERE node_id = $1").bind(node_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM live_nodes WHERE node_id = $1").bind(node_id).execute(conn).await?;
    Ok(())
}

/// `user_id` has the space's room open on `node_id`.
pub async fn arrive(conn: &mut AnyConnection, space_id: &str, user_id: &str, node_id: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO presence (space_id, user_id, node_id, since) VALUES ($1, $2, $3, $4)
         ON CONFLICT (space_id, user_id, node_id) DO NOTHING",
    )
    .bind(space_id)
    .bind(user_id)
    .bind(node_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn depart(conn: &mut AnyConnection, space_id: &str, user_id: &str, node_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM presence WHERE space_id = $1 AND user_id = $2 AND node_id = $3")
        .bind(space_id)
        .bind(user_id)
        .bind(node_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// `(user id, username, display name)` of who has the room open on a node
/// alive at `now`, longest-present first, at most `limit`; and how many in
/// all. One statement reads both, so the list and the count always agree
/// (two statements could see someone arrive in between).
pub async fn present(
    conn: &mut AnyConnection,
    space_id: &str,
    now: i64,
    limit: i64,
) -> Result<(Vec<(String, String, String)>, i64)> {
    // The window counts the groups (people) before LIMIT keeps the first few.
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, COUNT(*) OVER ()
         FROM presence p JOIN live_nodes n ON n.node_id = p.node_id AND n.alive_until >= $2
         JOIN users u ON u.id = p.user_id WHERE p.space_id = $1
         GROUP BY u.id, u.username, u.display_name ORDER BY MIN(p.since), u.username LIMIT $3",
    )
    .bind(space_id)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let count = rows.first().map_or(0, |r| r.3);
    let people = rows.into_iter().map(|(id, username, name, _)| (id, username, name)).collect();
    Ok((people, count))
}
