//! Events (scheduled live sessions) in spaces, the answers people give to
//! them (RSVP), and the reminder each event sends once before it starts.
//!
//! The table is `calendar_events`; "event" alone means an entry of the
//! event log elsewhere in this crate.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::{Result, placeholders};

/// An event as stored, with who scheduled it, what its notes became and
/// how many said they come.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct EventRow {
    pub id: String,
    pub space_id: String,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: Option<String>,
    pub link: Option<String>,
    pub created_by: String,
    pub creator_username: String,
    pub creator_display_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub revision: i64,
    pub cancelled_at: Option<i64>,
    pub reminded_at: Option<i64>,
    pub notes_page_id: Option<String>,
    pub notes_page_slug: Option<String>,
    /// People who answered `yes`, and `maybe`.
    pub going: i64,
    pub maybe: i64,
}

const SELECT: &str = "SELECT e.id, e.space_id, e.title, e.description, e.description_html, e.starts_at,
        e.ends_at, e.place, e.link, e.created_by, u.username AS creator_username,
        u.display_name AS creator_display_name, e.created_at, e.updated_at, e.revision, e.cancelled_at,
        e.reminded_at, e.notes_page_id, w.slug AS notes_page_slug,
        (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.answer = 'yes') AS going,
        (SELECT COUNT(*) FROM event_rsvps r WHERE r.event_id = e.id AND r.answer = 'maybe') AS maybe
     FROM calendar_events e JOIN users u ON u.id = e.created_by
     LEFT JOIN wiki_pages w ON w.id = e.notes_page_id";

/// What an event says about itself, as the scheduler wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub description_html: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: Option<&'a str>,
    pub link: Option<&'a str>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    id: &str,
    space_id: &str,
    fields: &EventFields<'_>,
    created_by: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_events (id, space_id, title, description, description_html, starts_at, ends_at,
                                      place, link, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(id)
    .bind(space_id)
    .bind(fields.title)
    .bind(fields.description)
    .bind(fields.description_html)
    .bind(fields.starts_at)
    .bind(fields.ends_at)
    .bind(fields.place)
    .bind(fields.link)
    .bind(created_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rewrites an event and bumps its revision; a new start time clears the
/// reminder, so it is sent again before the new time.
pub async fn update(conn: &mut AnyConnection, id: &str, fields: &EventFields<'_>, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE calendar_events SET title = $2, description = $3, description_html = $4,
                reminded_at = CASE WHEN starts_at = $5 THEN reminded_at ELSE NULL END,
                starts_at = $5, ends_at = $6, place = $7, link = $8, updated_at = $9, revision = revision + 1
         WHERE id = $1",
    )
    .bind(id)
    .bind(fields.title)
    .bind(fields.description)
    .bind(fields.description_html)
    .bind(fields.starts_at)
    .bind(fields.ends_at)
    .bind(fields.place)
    .bind(fields.link)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Cancels an event (it stays, marked cancelled, so calendars learn of
/// it); false when it was cancelled already.
pub async fn cancel(conn: &mut AnyConnection, id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE calendar_events SET cancelled_at = $2, updated_at = $2, revision = revision + 1
         WHERE id = $1 AND cancelled_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<EventRow>> {
    let sql = format!("{SELECT} WHERE e.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// A space's events that have not ended by `now`, soonest first, or (with
/// `past`) those that have, latest first; at most `limit`, after skipping
/// `offset`.
pub async fn in_space(
    conn: &mut AnyConnection,
    space_id: &str,
    now: i64,
    past: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<EventRow>> {
    let (when, order) = if past { ("e.ends_at < $2", "DESC") } else { ("e.ends_at >= $2", "ASC") };
    let sql = format!(
        "{SELECT} WHERE e.space_id = $1 AND {when} ORDER BY e.starts_at {order}, e.id {order} LIMIT $3 OFFSET $4"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(space_id)
        .bind(now)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// Events of the given spaces ending at or after `from`, soonest first, at
/// most `limit` (for calendars).
pub async fn in_spaces(conn: &mut AnyConnection, space_ids: &[String], from: i64, limit: i64) -> Result<Vec<EventRow>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT} WHERE e.ends_at >= $1 AND e.space_id IN ({}) ORDER BY e.starts_at, e.id LIMIT $2",
        placeholders(3, space_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(from).bind(limit);
    for id in space_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Events ending at or after `from` that `user_id` answered `yes` or
/// `maybe` to, soonest first, at most `limit`.
pub async fn answered_by(conn: &mut AnyConnection, user_id: &str, from: i64, limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!(
        "{SELECT} WHERE e.ends_at >= $2 AND e.id IN
             (SELECT event_id FROM event_rsvps WHERE user_id = $1 AND answer IN ('yes', 'maybe'))
         ORDER BY e.starts_at, e.id LIMIT $3"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(from).bind(limit).fetch_all(conn).await?)
}

/// Records a person's answer (`yes`, `maybe` or `no`), replacing an
/// earlier one.
pub async fn answer(conn: &mut AnyConnection, event_id: &str, user_id: &str, answer: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO event_rsvps (event_id, user_id, answer, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id, user_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
    )
    .bind(event_id)
    .bind(user_id)
    .bind(answer)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's answers to the given events, as `(event id, answer)`.
pub async fn answers_of(
    conn: &mut AnyConnection,
    user_id: &str,
    event_ids: &[String],
) -> Result<Vec<(String, String)>> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT event_id, answer FROM event_rsvps WHERE user_id = $1 AND event_id IN ({})",
        placeholders(2, event_ids.len())
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id);
    for id in event_ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}

/// Someone who answered, as listed on the event's page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Attendee {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub answer: String,
}

/// Everyone who answered, `yes` first, then `maybe`, then `no`, each in
/// the order they answered.
pub async fn attendees(conn: &mut AnyConnection, event_id: &str) -> Result<Vec<Attendee>> {
    Ok(sqlx::query_as(
        "SELECT r.user_id, u.username, u.display_name, r.answer FROM event_rsvps r JOIN users u ON u.id = r.user_id
         WHERE r.event_id = $1
         ORDER BY CASE r.answer WHEN 'yes' THEN 0 WHEN 'maybe' THEN 1 ELSE 2 END, r.updated_at, u.username",
    )
    .bind(event_id)
    .fetch_all(conn)
    .await?)
}

/// Events not cancelled and not reminded of that start after `now` and no
/// later than `until`, soonest first, at most `limit`.
pub async fn due_reminders(conn: &mut AnyConnection, now: i64, until: i64, limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!(
        "{SELECT} WHERE e.reminded_at IS NULL AND e.cancelled_at IS NULL AND e.starts_at > $1 AND e.starts_at <= $2
         ORDER BY e.starts_at, e.id LIMIT $3"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now).bind(until).bind(limit).fetch_all(conn).await?)
}

/// Marks an event reminded; false when someone (another node) did first.
pub async fn mark_reminded(conn: &mut AnyConnection, id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE calendar_events SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The notes of an event became this wiki page.
pub async fn set_notes_page(conn: &mut AnyConnection, id: &str, page_id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE calendar_events SET notes_page_id = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(page_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The number a person's calendar address is signed with.
pub async fn calendar_epoch(conn: &mut AnyConnection, user_id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT calendar_epoch FROM users WHERE id = $1").bind(user_id).fetch_optional(conn).await?)
}

/// Makes every calendar address given out before stop working.
pub async fn renew_calendar_epoch(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    sqlx::query("UPDATE users SET calendar_epoch = calendar_epoch + 1 WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
