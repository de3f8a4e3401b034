//! The event log: an ordered, durable record of what happened.
//!
//! A write that others may care about calls [`append`] inside its own
//! transaction, after its other statements. Consumers (activity feeds today;
//! search, notifications and live updates later) read [`after`] a cursor.
//!
//! `seq` is dense (1, 2, 3, ...) and in commit order: on SQLite because there
//! is one writer, on PostgreSQL because [`append`] takes a transaction-scoped
//! lock before it computes the next `seq` (see [`crate::dialect`]). A consumer
//! that has handled everything up to `seq` N therefore never sees an event
//! below N appear later.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::{Result, dialect, placeholders};

/// The current time in Unix milliseconds, the unit of every time column.
pub fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// Event kinds, spelled the same wherever they are stored or sent.
pub mod kind {
    pub const USER_SIGNED_UP: &str = "user.signed_up";
    pub const USER_UPDATED: &str = "user.updated";
    pub const SPACE_CREATED: &str = "space.created";
    pub const SPACE_UPDATED: &str = "space.updated";
    pub const MEMBER_JOINED: &str = "member.joined";
    pub const MEMBER_LEFT: &str = "member.left";
    pub const MEMBER_REMOVED: &str = "member.removed";
    pub const MEMBER_ROLE_CHANGED: &str = "member.role_changed";
    pub const JOIN_REQUESTED: &str = "join_request.created";
    pub const JOIN_REQUEST_DECIDED: &str = "join_request.decided";
    pub const INVITE_CREATED: &str = "invite.created";
    pub const INVITE_REVOKED: &str = "invite.revoked";
    pub const INVITE_DECLINED: &str = "invite.declined";
    pub const THREAD_CREATED: &str = "thread.created";
    pub const THREAD_RENAMED: &str = "thread.renamed";
    pub const THREAD_SCHEDULED: &str = "thread.scheduled";
    pub const THREAD_STATE_CHANGED: &str = "thread.state_changed";
    pub const THREAD_MOVED: &str = "thread.moved";
    pub const THREAD_SPLIT: &str = "thread.split";
    pub const THREAD_MERGED: &str = "thread.merged";
    pub const ANSWER_ACCEPTED: &str = "answer.accepted";
    pub const POST_CREATED: &str = "post.created";
    pub const POST_VOTED: &str = "post.voted";
    pub const POST_REACTED: &str = "post.reacted";
    pub const POST_ENDORSED: &str = "post.endorsed";
    pub const SPACE_RULES_CHANGED: &str = "space.rules_changed";
    pub const TEAM_SET_CREATED: &str = "team_set.created";
    pub const TEAM_CHOSEN: &str = "team_set.team_chosen";
    pub const FACILITATOR_SCOPED: &str = "space.facilitator_scoped";
    pub const ASSIGNMENT_CREATED: &str = "assignment.created";
    pub const ASSIGNMENT_UPDATED: &str = "assignment.updated";
    pub const SUBMISSION_SAVED: &str = "submission.saved";
    pub const SUBMISSION_COMMENTED: &str = "submission.commented";
    pub const REVIEWS_ALLOCATED: &str = "assignment.reviews_allocated";
    pub const REVIEW_SUBMITTED: &str = "review.submitted";
    pub const REVIEW_REASSIGNED: &str = "review.reassigned";
    pub const BLOG_PUBLISHED: &str = "blog.published";
    pub const MESSAGE_SENT: &str = "message.sent";
    pub const CHAT_POSTED: &str = "chat.posted";
    pub const CHAT_EDITED: &str = "chat.edited";
    pub const CHAT_DELETED: &str = "chat.deleted";
    pub const EVENT_SCHEDULED: &str = "event.scheduled";
    pub const EVENT_UPDATED: &str = "event.updated";
    pub const EVENT_CANCELLED: &str = "event.cancelled";
    pub const EVENT_RSVP: &str = "event.rsvp";
    /// An event starts soon (written by the reminder sweep, no actor).
    pub const EVENT_REMINDED: &str = "event.reminded";
    pub const EVENT_NOTES_PUBLISHED: &str = "event.notes_published";
    pub const QUEST_CREATED: &str = "quest.created";
    pub const QUEST_SOURCE_ADDED: &str = "quest.source_added";
    pub const QUEST_SOURCE_CLAIMED: &str = "quest.source_claimed";
    pub const QUEST_FINDING_POSTED: &str = "quest.finding_posted";
    pub const QUEST_DISTILLED: &str = "quest.distilled";
    pub const POST_EDITED: &str = "post.edited";
    pub const POST_DELETED: &str = "post.deleted";
    pub const POST_FLAGGED: &str = "post.flagged";
    pub const POST_HIDDEN: &str = "post.hidden";
    pub const POST_RESTORED: &str = "post.restored";
    pub const FLAGS_DISMISSED: &str = "post.flags_dismissed";
    pub const AUTHOR_WARNED: &str = "post.author_warned";
    pub const WIKI_PAGE_CREATED: &str = "wiki.page_created";
    pub const WIKI_PAGE_EDITED: &str = "wiki.page_edited";
    pub const WIKI_PAGE_CHANGED: &str = "wiki.page_changed";
    pub const LIBRARY_ITEM_CREATED: &str = "library.item_created";
    pub const LIBRARY_ITEM_UPDATED: &str = "library.item_updated";
    pub const LIBRARY_ITEM_DELETED: &str = "library.item_deleted";
    pub const COLLECTION_CREATED: &str = "collection.created";
    pub const COLLECTION_UPDATED: &str = "collection.updated";
    pub const COLLECTION_DELETED: &str = "collection.deleted";
    pub const FILE_UPLOADED: &str = "file.uploaded";
    pub const ADMIN_USER_CHANGED: &str = "admin.user_changed";
    pub const ADMIN_SETTINGS_CHANGED: &str = "admin.settings_changed";
    /// A moderator hid a whole thread, or showed it again.
    pub const THREAD_HIDDEN: &str = "thread.hidden";
    pub const THREAD_RESTORED: &str = "thread.restored";
    /// An admin discarded a quarantined live document (`coedit`).
    pub const DOC_DISCARDED: &str = "doc.discarded";
}

/// An event about to be appended.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub space_id: Option<&'a str>,
    /// The thing the event is about (a thread, a post, a member).
    pub subject_id: Option<&'a str>,
    /// What a consumer needs beyond the ids, as a JSON object.
    pub data: serde_json::Value,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Event {
    pub seq: i64,
    pub occurred_at: i64,
    pub actor_id: Option<String>,
    pub kind: String,
    pub space_id: Option<String>,
    pub subject_id: Option<String>,
    pub data: String,
}

/// Appends an event and returns its `seq`. Call it last in the transaction.
pub async fn append(conn: &mut AnyConnection, event: NewEvent<'_>, now: i64) -> Result<i64> {
    dialect::lock_event_log(conn).await?;
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO events (seq, occurred_at, actor_id, kind, space_id, subject_id, data)
         SELECT COALESCE(MAX(seq), 0) + 1, $1, $2, $3, $4, $5, $6 FROM events
         RETURNING seq",
    )
    .bind(now)
    .bind(event.actor_id)
    .bind(event.kind)
    .bind(event.space_id)
    .bind(event.subject_id)
    .bind(event.data.to_string())
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

const COLUMNS: &str = "seq, occurred_at, actor_id, kind, space_id, subject_id, data";

/// Up to `limit` events with `seq` greater than `seq`, oldest first.
pub async fn after(conn: &mut AnyConnection, seq: i64, limit: i64) -> Result<Vec<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(seq).bind(limit).fetch_all(conn).await?)
}

/// The newest events of the given kinds in the given spaces, newest first,
/// older than `before_seq` when given (for paging).
pub async fn latest_in_spaces(
    conn: &mut AnyConnection,
    space_ids: &[String],
    kinds: &[&str],
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    newest(conn, None, space_ids, kinds, before_seq, limit).await
}

/// The newest events of the given kinds caused by `actor_id` in the given
/// spaces, newest first.
pub async fn latest_by_actor(
    conn: &mut AnyConnection,
    actor_id: &str,
    space_ids: &[String],
    kinds: &[&str],
    limit: i64,
) -> Result<Vec<Event>> {
    newest(conn, Some(actor_id), space_ids, kinds, None, limit).await
}

/// Up to this many spaces are read each through `events_by_space` and the
/// pages merged; more are read in the log's own order (see [`newest_sql`]).
const FEW_SPACES: usize = 8;

async fn newest(
    conn: &mut AnyConnection,
    actor_id: Option<&str>,
    space_ids: &[String],
    kinds: &[&str],
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    if space_ids.is_empty() || kinds.is_empty() {
        return Ok(Vec::new());
    }
    let backend = dialect::Backend::of(conn);
    let before = before_seq.unwrap_or(i64::MAX);
    if space_ids.len() > FEW_SPACES {
        let sql = newest_sql(backend, actor_id.is_some(), space_ids.len(), kinds.len());
        return newest_page(conn, &sql, before, limit, space_ids, kinds, actor_id).await;
    }
    let sql = newest_sql(backend, actor_id.is_some(), 1, kinds.len());
    let mut merged = Vec::new();
    for space in space_ids {
        merged.extend(newest_page(conn, &sql, before, limit, std::slice::from_ref(space), kinds, actor_id).await?);
    }
    merged.sort_unstable_by_key(|e: &Event| std::cmp::Reverse(e.seq));
    merged.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(merged)
}

async fn newest_page(
    conn: &mut AnyConnection,
    sql: &str,
    before: i64,
    limit: i64,
    space_ids: &[String],
    kinds: &[&str],
    actor_id: Option<&str>,
) -> Result<Vec<Event>> {
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned())).bind(before).bind(limit);
    for id in space_ids {
        query = query.bind(id.as_str());
    }
    for k in kinds {
        query = query.bind(*k);
    }
    if let Some(actor) = actor_id {
        query = query.bind(actor);
    }
    Ok(query.fetch_all(conn).await?)
}

/// The query of [`newest`]: the events before `$1` of the spaces and kinds
/// asked for, newest first, `$2` of them. Of one space it follows
/// `events_by_space` backwards; of many, it reads the log backwards in its
/// own order until `$2` are found, so a page costs what it skips, not what
/// the spaces hold (through `events_by_space` or `events_by_kind`, every
/// event of those spaces would be sorted for every page). SQLite is told
/// so: a unary `+` keeps it from choosing an index on a filtered column.
fn newest_sql(backend: dialect::Backend, by_actor: bool, spaces: usize, kinds: usize) -> String {
    let hint = if spaces > 1 && backend == dialect::Backend::Sqlite { "+" } else { "" };
    let spaces_in = placeholders(3, spaces);
    let kinds_in = placeholders(3 + spaces, kinds);
    let by_actor = if by_actor { format!("AND actor_id = ${}", 3 + spaces + kinds) } else { String::new() };
    format!(
        "SELECT {COLUMNS} FROM events
         WHERE seq < $1 AND {hint}space_id IN ({spaces_in}) AND {hint}kind IN ({kinds_in}) {by_actor}
         ORDER BY seq DESC LIMIT $2"
    )
}

/// How the database would read a page of [`latest_in_spaces`] of these
/// spaces, as it explains its plans (see `dialect::explain`): one plan per
/// space when they are few, else one for them all.
pub async fn explain_latest_in_spaces(
    conn: &mut AnyConnection,
    backend: dialect::Backend,
    space_ids: &[String],
    kinds: &[&str],
) -> Result<Vec<String>> {
    let groups: Vec<&[String]> =
        if space_ids.len() > FEW_SPACES { vec![space_ids] } else { space_ids.chunks(1).collect() };
    let mut plans = Vec::new();
    for spaces in groups {
        let sql = newest_sql(backend, false, spaces.len(), kinds.len());
        let mut params = vec![dialect::Param::Int(i64::MAX), dialect::Param::Int(200)];
        params.extend(spaces.iter().map(|s| dialect::Param::Text(Some(s))));
        params.extend(kinds.iter().map(|k| dialect::Param::Text(Some(k))));
        plans.push(dialect::explain(conn, backend, &sql, &params).await?);
    }
    Ok(plans)
}

/// The highest `seq` in the log, 0 when it is empty.
pub async fn last_seq(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM events").fetch_one(conn).await?)
}

/// Where `consumer` has got to in the log (0 if it has not started).
pub async fn cursor(conn: &mut AnyConnection, consumer: &str) -> Result<i64> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM event_cursors WHERE consumer = $1")
        .bind(consumer)
        .fetch_optional(conn)
        .await?;
    Ok(seq.unwrap_or(0))
}

/// Records that `consumer` has handled everything up to `seq`.
pub async fn set_cursor(conn: &mut AnyConnection, consumer: &str, seq: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO event_cursors (consumer, seq) VALUES ($1, $2)
         ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq",
    )
    .bind(consumer)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves `consumer` from `from` to `to`, only if nobody moved it meanwhile;
/// returns whether it moved. Run it in the transaction that writes what the
/// consumer made of the events, so the work and the cursor commit together
/// and two nodes never both do the same work.
pub async fn advance_cursor(conn: &mut AnyConnection, consumer: &str, from: i64, to: i64) -> Result<bool> {
    let done = if from == 0 {
        sqlx::query("INSERT INTO event_cursors (consumer, seq) VALUES ($1, $2) ON CONFLICT (consumer) DO NOTHING")
            .bind(consumer)
            .bind(to)
            .execute(conn)
            .await?
    } else {
        sqlx::query("UPDATE event_cursors SET seq = $3 WHERE consumer = $1 AND seq = $2")
            .bind(consumer)
            .bind(from)
            .bind(to)
            .execute(conn)
            .await?
    };
    Ok(done.rows_affected() == 1)
}

/// Up to `limit` events in one space after `seq`, oldest first.
pub async fn in_space_after(conn: &mut AnyConnection, space_id: &str, seq: i64, limit: i64) -> Result<Vec<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE space_id = $1 AND seq > $2 ORDER BY seq LIMIT $3");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(space_id).bind(seq).bind(limit).fetch_all(conn).await?)
}

/// Up to `limit` events after `seq`, oldest first, that happened in one of
/// `space_ids` or are of one of `kinds_anywhere` (whatever their space).
pub async fn in_spaces_or_kinds_after(
    conn: &mut AnyConnection,
    space_ids: &[String],
    kinds_anywhere: &[&str],
    seq: i64,
    limit: i64,
) -> Result<Vec<Event>> {
    let spaces = placeholders(3, space_ids.len().max(1));
    let kinds = placeholders(3 + space_ids.len().max(1), kinds_anywhere.len().max(1));
    let sql = format!(
        "SELECT {COLUMNS} FROM events
         WHERE seq > $1 AND (space_id IN ({spaces}) OR kind IN ({kinds})) ORDER BY seq LIMIT $2"
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(seq).bind(limit);
    // An empty list still needs one value in its `IN (...)`; '' matches nothing.
    for id in space_ids.iter().map(String::as_str).chain(space_ids.is_empty().then_some("")) {
        query = query.bind(id);
    }
    for k in kinds_anywhere.iter().copied().chain(kinds_anywhere.is_empty().then_some("")) {
        query = query.bind(k);
    }
    Ok(query.fetch_all(conn).await?)
}
