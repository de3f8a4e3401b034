//! Private messages: conversations, their members and messages.

use sqlx::AnyConnection;

use crate::{Result, placeholders};

/// Starts a conversation among `members` (the creator included).
pub async fn create(conn: &mut AnyConnection, id: &str, created_by: &str, members: &[String], now: i64) -> Result<()> {
    sqlx::query("INSERT INTO conversations (id, created_by, created_at, last_message_at) VALUES ($1, $2, $3, $3)")
        .bind(id)
        .bind(created_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    for user in members {
        sqlx::query("INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(user.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The conversation of exactly these two people, if they have one.
pub async fn between_two(conn: &mut AnyConnection, a: &str, b: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT c.id FROM conversations c
         WHERE EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id = $1)
           AND EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id = $2)
           AND (SELECT COUNT(*) FROM conversation_members m WHERE m.conversation_id = c.id) = 2
         ORDER BY c.created_at LIMIT 1",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(conn)
    .await?)
}

/// The ids of a conversation's members (empty when it does not exist).
pub async fn members(conn: &mut AnyConnection, conversation_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT user_id FROM conversation_members WHERE conversation_id = $1 ORDER BY user_id")
        .bind(conversation_id)
        .fetch_all(conn)
        .await?)
}

pub async fn insert_message(
    conn: &mut AnyConnection,
    id: &str,
    conversation_id: &str,
    author_id: &str,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, author_id, body, body_html, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(conversation_id)
    .bind(author_id)
    .bind(body)
    .bind(body_html)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE conversations SET last_message_at = $2 WHERE id = $1")
        .bind(conversation_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    // The author has read what they wrote.
    mark_read(conn, conversation_id, author_id, now).await
}

pub async fn mark_read(conn: &mut AnyConnection, conversation_id: &str, user_id: &str, until: i64) -> Result<()> {
    sqlx::query(
        "UPDATE conversation_members SET read_until = $3
         WHERE conversation_id = $1 AND user_id = $2 AND read_until < $3",
    )
    .bind(conversation_id)
    .bind(user_id)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}

/// A conversation in a person's list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: String,
    pub last_message_at: i64,
    pub read_until: i64,
}

/// A person's conversations, most recent first.
pub async fn of_user(conn: &mut AnyConnection, user_id: &str, limit: i64) -> Result<Vec<ConversationRow>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.last_message_at, m.read_until FROM conversations c
         JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $1
         ORDER BY c.last_message_at DESC, c.id LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// `(conversation id, user id, username, display name)` of the members of
/// the given conversations.
pub async fn members_of(
    conn: &mut AnyConnection,
    conversation_ids: &[String],
) -> Result<Vec<(String, String, String, String)>> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.conversation_id, u.id, u.username, u.display_name FROM conversation_members m
         JOIN users u ON u.id = m.user_id WHERE m.conversation_id IN ({}) ORDER BY u.display_name",
        placeholders(1, conversation_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in conversation_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// A message as shown.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRow {
    pub id: String,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
}

/// The newest `limit` messages of a conversation, oldest first, before
/// `before` when given.
pub async fn messages(
    conn: &mut AnyConnection,
    conversation_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<MessageRow>> {
    let mut rows: Vec<MessageRow> = sqlx::query_as(
        "SELECT m.id, m.author_id, u.username AS author_username, u.display_name AS author_display_name,
                m.body, m.body_html, m.created_at
         FROM messages m JOIN users u ON u.id = m.author_id
         WHERE m.conversation_id = $1 AND m.created_at < $2
         ORDER BY m.created_at DESC, m.id DESC LIMIT $3",
    )
    .bind(conversation_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.reverse();
    Ok(rows)
}

/// The latest message of each of the given conversations: `(conversation id, text)`.
pub async fn last_bodies(conn: &mut AnyConnection, conversation_ids: &[String]) -> Result<Vec<(String, String)>> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.conversation_id, m.body FROM messages m
         WHERE m.conversation_id IN ({})
           AND m.created_at = (SELECT MAX(x.created_at) FROM messages x WHERE x.conversation_id = m.conversation_id)",
        placeholders(1, conversation_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in conversation_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}
