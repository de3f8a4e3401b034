//! Notifications, and how people want them delivered.

use sqlx::AnyConnection;

use crate::{Result, placeholders};

/// A notification about to be written.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub event_seq: i64,
    pub kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub space_id: Option<&'a str>,
    pub thread_id: Option<&'a str>,
    pub post_id: Option<&'a str>,
    pub data: &'a str,
    pub created_at: i64,
    pub delivery: &'a str,
}

/// Writes many notifications in few statements, leaving out any a person
/// already has for the same event; returns the ids of those written.
pub async fn insert_many(conn: &mut AnyConnection, rows: &[NewNotification<'_>]) -> Result<Vec<String>> {
    // Eleven parameters a row: a couple of hundred rows stay far below
    // either database's limit on parameters.
    const ROWS_PER_STATEMENT: usize = 200;
    let mut written = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO notifications
               (id, user_id, event_seq, kind, actor_id, space_id, thread_id, post_id, data, created_at, delivery)
             VALUES ",
        );
        let tuples: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", (1..=11).map(|c| format!("${}", i * 11 + c)).collect::<Vec<_>>().join(", ")))
            .collect();
        sql.push_str(&tuples.join(", "));
        sql.push_str(" ON CONFLICT (user_id, event_seq) DO NOTHING RETURNING id");
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for n in chunk {
            query = query
                .bind(n.id)
                .bind(n.user_id)
                .bind(n.event_seq)
                .bind(n.kind)
                .bind(n.actor_id)
                .bind(n.space_id)
                .bind(n.thread_id)
                .bind(n.post_id)
                .bind(n.data)
                .bind(n.created_at)
                .bind(n.delivery);
        }
        written.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(written)
}

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub event_seq: i64,
    pub kind: String,
    pub actor_id: Option<String>,
    pub space_id: Option<String>,
    pub thread_id: Option<String>,
    pub post_id: Option<String>,
    pub data: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    pub delivery: String,
}

const COLUMNS: &str =
    "id, user_id, event_seq, kind, actor_id, space_id, thread_id, post_id, data, created_at, read_at, delivery";

/// A person's notifications, newest first, before `before_seq` when given.
pub async fn of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 AND event_seq < $2
         ORDER BY event_seq DESC LIMIT $3"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(conn)
        .await?)
}

/// Unread notifications of a person, newest first (for counting what may
/// still be shown).
pub async fn unread(conn: &mut AnyConnection, user_id: &str, limit: i64) -> Result<Vec<NotificationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(unread_sql())).bind(user_id).bind(limit).fetch_all(conn).await?)
}

/// The query of [`unread`], through `notifications_unread`: what was read
/// is never visited, however much a person was notified. (`read_at` leads
/// the order, though it is NULL throughout, so that PostgreSQL sees the
/// index's order is the one asked for; SQLite sees it either way.)
fn unread_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 AND read_at IS NULL
         ORDER BY read_at DESC NULLS FIRST, event_seq DESC LIMIT $2"
    )
}

/// How the database would read a person's unread notifications, as it
/// explains its plan (see `dialect::explain`).
pub async fn explain_unread(conn: &mut AnyConnection, backend: crate::Backend, user_id: &str) -> Result<String> {
    let params = [crate::dialect::Param::Text(Some(user_id)), crate::dialect::Param::Int(100)];
    Ok(crate::dialect::explain(conn, backend, &unread_sql(), &params).await?)
}

/// One notification of a person.
pub async fn by_id(conn: &mut AnyConnection, user_id: &str, id: &str) -> Result<Option<NotificationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE user_id = $1 AND id = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(conn).await?)
}

/// Marks the given notifications (or, with `None`, all) of a person read.
pub async fn mark_read(conn: &mut AnyConnection, user_id: &str, ids: Option<&[String]>, now: i64) -> Result<u64> {
    let done = match ids {
        None => {
            sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
                .bind(user_id)
                .bind(now)
                .execute(conn)
                .await?
        }
        Some([]) => return Ok(0),
        Some(ids) => {
            let sql = format!(
                "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL AND id IN ({})",
                placeholders(3, ids.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(now);
            for id in ids {
                query = query.bind(id.as_str());
            }
            query.execute(conn).await?
        }
    };
    Ok(done.rows_affected())
}

/// `(user id, the oldest undigested notification's time)` for the people
/// who have notifications waiting for a digest and want digests at `every`,
/// whose last digest went out before `sent_before`.
pub async fn digest_due(conn: &mut AnyConnection, every: &str, sent_before: i64, limit: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT u.id FROM users u
         WHERE u.digest_every = $1 AND COALESCE(u.digest_sent_at, 0) < $2 AND u.suspended_at IS NULL
           AND u.email IS NOT NULL
           AND EXISTS (SELECT 1 FROM notifications n
                       WHERE n.user_id = u.id AND n.delivery = 'digest' AND n.digested_at IS NULL)
         ORDER BY u.id LIMIT $3",
    )
    .bind(every)
    .bind(sent_before)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// A person's notifications waiting for a digest, oldest first.
pub async fn for_digest(conn: &mut AnyConnection, user_id: &str, limit: i64) -> Result<Vec<NotificationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 AND delivery = 'digest' AND digested_at IS NULL
         ORDER BY event_seq LIMIT $2"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(limit).fetch_all(conn).await?)
}

/// Marks notifications as handled by a digest and records when it went out.
pub async fn mark_digested(conn: &mut AnyConnection, user_id: &str, ids: &[String], now: i64) -> Result<()> {
    if !ids.is_empty() {
        let sql = format!(
            "UPDATE notifications SET digested_at = $2 WHERE user_id = $1 AND id IN ({})",
            placeholders(3, ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(now);
        for id in ids {
            query = query.bind(id.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE users SET digest_sent_at = $2 WHERE id = $1").bind(user_id).bind(now).execute(conn).await?;
    Ok(())
}

/// `(kind, delivery)` a person has chosen; kinds not listed keep their default.
pub async fn prefs(conn: &mut AnyConnection, user_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT kind, delivery FROM notification_prefs WHERE user_id = $1 ORDER BY kind")
        .bind(user_id)
        .fetch_all(conn)
        .await?)
}

/// `(user id, kind, delivery)` chosen by any of `user_ids`.
pub async fn prefs_of(conn: &mut AnyConnection, user_ids: &[String]) -> Result<Vec<(String, String, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT user_id, kind, delivery FROM notification_prefs WHERE user_id IN ({})",
        placeholders(1, user_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in user_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

pub async fn set_pref(conn: &mut AnyConnection, user_id: &str, kind: &str, delivery: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_prefs (user_id, kind, delivery) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, kind) DO UPDATE SET delivery = excluded.delivery",
    )
    .bind(user_id)
    .bind(kind)
    .bind(delivery)
    .execute(conn)
    .await?;
    Ok(())
}

/// How often a person's digest goes out.
pub async fn set_digest_every(conn: &mut AnyConnection, user_id: &str, every: &str) -> Result<()> {
    sqlx::query("UPDATE users SET digest_every = $2 WHERE id = $1").bind(user_id).bind(every).execute(conn).await?;
    Ok(())
}

pub async fn digest_every(conn: &mut AnyConnection, user_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT digest_every FROM users WHERE id = $1").bind(user_id).fetch_optional(conn).await?)
}
