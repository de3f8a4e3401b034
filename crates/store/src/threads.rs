//! Discussions: threads, their posts, earlier versions of edited posts, and
//! how far each person has read each thread.
//!
//! A thread's opening post is its post number 1; replies take the next
//! number, handed out by the same statement that bumps the thread's activity,
//! so numbers are unique and gap-free within a thread.

use std::sync::LazyLock;

use serde::Serialize;
use sqlx::AnyConnection;

use crate::dialect::{self, Param};
use crate::direct::{Arg, Columns, FromColumns, Reads, from_row_by_columns};
use crate::{Result, StoreError};

/// A thread as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct ThreadRow {
    pub id: String,
    pub space_id: String,
    pub author_id: String,
    pub kind: String,
    pub title: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub post_count: i64,
    pub last_post_id: Option<String>,
    pub last_poster_id: Option<String>,
    pub revision: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub state: ThreadState,
    /// A scheduled prompt's opening time; `None` once open.
    pub opens_at: Option<i64>,
    /// 1: the opening post is anonymous to peers.
    pub anonymous: i64,
    pub accepted_post_id: Option<String>,
    pub merged_into: Option<String>,
}

/// How a facilitator has set a thread up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThreadState {
    pub pinned_at: Option<i64>,
    pub locked_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub close_reason: Option<String>,
    pub slow_mode_secs: i64,
    pub post_first: i64,
}

impl FromColumns for ThreadState {
    fn from_columns(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            pinned_at: row.opt_int("pinned_at")?,
            locked_at: row.opt_int("locked_at")?,
            closed_at: row.opt_int("closed_at")?,
            close_reason: row.opt_text("close_reason")?,
            slow_mode_secs: row.int("slow_mode_secs")?,
            post_first: row.int("post_first")?,
        })
    }
}
from_row_by_columns!(ThreadState);

const THREAD_COLUMNS: &str = "t.id, t.space_id, t.author_id, t.kind, t.title, t.created_at, t.last_activity_at, \
     t.post_count, t.last_post_id, t.last_poster_id, t.revision, t.pinned_at, t.locked_at, t.closed_at, \
     t.close_reason, t.slow_mode_secs, t.post_first, t.opens_at, t.anonymous, t.accepted_post_id, t.merged_into";

/// A thread as listed in its space, with names and the viewer's reading position.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct ThreadListItem {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub thread: ThreadRow,
    pub author_username: String,
    pub author_display_name: String,
    pub last_poster_display_name: Option<String>,
    /// 1 when the newest post was written anonymously.
    pub last_post_anonymous: Option<i64>,
    /// The highest post number the viewer has seen; `None` if never opened.
    pub viewer_last_read: Option<i64>,
    /// 1 when some reply has not been deleted (for a question: it has an answer).
    pub answered: i64,
}

/// A post with its author's names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct PostView {
    pub id: String,
    pub thread_id: String,
    pub space_id: String,
    pub number: i64,
    pub author_id: String,
    pub author_username: String,
    pub author_display_name: String,
    pub reply_to_id: Option<String>,
    pub reply_to_number: Option<i64>,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    /// Set while a moderator keeps it hidden.
    pub hidden_at: Option<i64>,
    pub version: i64,
    /// 1: written anonymously to peers.
    pub anonymous: i64,
    /// The sum of its votes.
    pub score: i64,
    /// The facilitator who endorsed it, if one did.
    pub endorsed_by_name: Option<String>,
}

pub(crate) const POST_SELECT: &str =
    "SELECT p.id, p.thread_id, t.space_id, p.number, p.author_id, u.username AS author_username,
            u.display_name AS author_display_name, p.reply_to_id, rp.number AS reply_to_number, p.body, p.body_html,
            p.created_at, p.edited_at, p.deleted_at, p.hidden_at, p.version, p.anonymous, p.score,
            e.display_name AS endorsed_by_name
     FROM posts p
     JOIN threads t ON t.id = p.thread_id
     JOIN users u ON u.id = p.author_id
     LEFT JOIN users e ON e.id = p.endorsed_by
     LEFT JOIN posts rp ON rp.id = p.reply_to_id";

/// A new thread; its opening post is inserted with [`insert_post`].
#[derive(Debug, Clone)]
pub struct NewThread<'a> {
    pub id: &'a str,
    pub space_id: &'a str,
    pub author_id: &'a str,
    /// `discussion`, `question`, or `talk` for a wiki page's talk page.
    pub kind: &'a str,
    pub title: &'a str,
    pub created_at: i64,
    pub anonymous: bool,
    pub post_first: bool,
    /// For a scheduled prompt: when it opens. It is not counted in its
    /// space until then.
    pub opens_at: Option<i64>,
}

pub async fn insert_thread(conn: &mut AnyConnection, thread: &NewThread<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO threads (id, space_id, author_id, kind, title, created_at, last_activity_at, anonymous,
                              post_first, opens_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
    )
    .bind(thread.id)
    .bind(thread.space_id)
    .bind(thread.author_id)
    .bind(thread.kind)
    .bind(thread.title)
    .bind(thread.created_at)
    .bind(i64::from(thread.anonymous))
    .bind(i64::from(thread.post_first))
    .bind(thread.opens_at)
    .execute(&mut *conn)
    .await?;
    if thread.opens_at.is_none() {
        count_thread(conn, thread.space_id, 1).await?;
    }
    Ok(())
}

async fn count_thread(conn: &mut AnyConnection, space_id: &str, by: i64) -> Result<()> {
    sqlx::query("UPDATE spaces SET thread_count = thread_count + $2 WHERE id = $1")
        .bind(space_id)
        .bind(by)
        .execute(conn)
        .await?;
    Ok(())
}

/// A new post in an existing thread.
#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub id: &'a str,
    pub thread_id: &'a str,
    pub author_id: &'a str,
    pub reply_to_id: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub created_at: i64,
    pub anonymous: bool,
}

/// Inserts a post, numbering it after the thread's last, and returns its number.
pub async fn insert_post(conn: &mut AnyConnection, post: &NewPost<'_>) -> Result<i64> {
    let number: Option<i64> = sqlx::query_scalar(
        "UPDATE threads SET post_count = post_count + 1, last_activity_at = $2, last_post_id = $3, last_poster_id = $4,
                            revision = revision + 1
         WHERE id = $1 RETURNING post_count",
    )
    .bind(post.thread_id)
    .bind(post.created_at)
    .bind(post.id)
    .bind(post.author_id)
    .fetch_optional(&mut *conn)
    .await?;
    let number = number.ok_or(StoreError::NotFound)?;
    sqlx::query(
        "INSERT INTO posts (id, thread_id, number, author_id, reply_to_id, body, body_html, created_at, anonymous)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(post.id)
    .bind(post.thread_id)
    .bind(number)
    .bind(post.author_id)
    .bind(post.reply_to_id)
    .bind(post.body)
    .bind(post.body_html)
    .bind(post.created_at)
    .bind(i64::from(post.anonymous))
    .execute(conn)
    .await?;
    Ok(number)
}

pub async fn thread(conn: &mut AnyConnection, id: &str) -> Result<Option<ThreadRow>> {
    let sql = format!("SELECT {THREAD_COLUMNS} FROM threads t WHERE t.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// A thread with its space as `viewer_id` sees it and how far they have read:
/// everything a thread page needs before its posts, in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadInSpace {
    pub thread_id: String,
    pub thread_author_id: String,
    pub thread_author_username: String,
    pub thread_title: String,
    pub thread_kind: String,
    pub thread_created_at: i64,
    pub thread_last_activity_at: i64,
    pub thread_post_count: i64,
    pub thread_revision: i64,
    pub thread_anonymous: i64,
    pub thread_opens_at: Option<i64>,
    /// When a moderator hid the thread, if one did.
    pub thread_hidden_at: Option<i64>,
    pub thread_accepted_post_id: Option<String>,
    pub thread_merged_into: Option<String>,
    pub state: ThreadState,
    /// The highest post number the viewer has seen, if any.
    pub viewer_last_read: Option<i64>,
    /// Whether the viewer follows the thread (1) or not (0).
    pub viewer_follows: i64,
    pub space: crate::spaces::SpaceView,
}

impl FromColumns for ThreadInSpace {
    fn from_columns(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(Self {
            thread_id: row.text("thread_id")?,
            thread_author_id: row.text("thread_author_id")?,
            thread_author_username: row.text("thread_author_username")?,
            thread_title: row.text("thread_title")?,
            thread_kind: row.text("thread_kind")?,
            thread_created_at: row.int("thread_created_at")?,
            thread_last_activity_at: row.int("thread_last_activity_at")?,
            thread_post_count: row.int("thread_post_count")?,
            thread_revision: row.int("thread_revision")?,
            thread_anonymous: row.int("thread_anonymous")?,
            thread_opens_at: row.opt_int("thread_opens_at")?,
            thread_hidden_at: row.opt_int("thread_hidden_at")?,
            thread_accepted_post_id: row.opt_text("thread_accepted_post_id")?,
            thread_merged_into: row.opt_text("thread_merged_into")?,
            // Named apart from the space's own `slow_mode_secs` and `post_first`.
            state: ThreadState {
                pinned_at: row.opt_int("thread_pinned_at")?,
                locked_at: row.opt_int("thread_locked_at")?,
                closed_at: row.opt_int("thread_closed_at")?,
                close_reason: row.opt_text("thread_close_reason")?,
                slow_mode_secs: row.int("thread_slow_mode_secs")?,
                post_first: row.int("thread_post_first")?,
            },
            viewer_last_read: row.opt_int("viewer_last_read")?,
            viewer_follows: row.int("viewer_follows")?,
            space: crate::spaces::SpaceView::from_columns(row)?,
        })
    }
}

/// Runs on the reader's own thread when `conn` is a SQLite [`crate::ReadConn`]
/// (see [`crate::direct`]): thread pages, replies and every thread action start here.
pub async fn thread_in_space<C: Reads + ?Sized>(
    conn: &mut C,
    thread_id: &str,
    viewer_id: Option<&str>,
) -> Result<Option<ThreadInSpace>> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        crate::spaces::view_select(
        "JOIN threads t ON t.space_id = s.id
         JOIN users a ON a.id = t.author_id
         LEFT JOIN thread_visits v ON v.thread_id = t.id AND v.user_id = $1
         WHERE t.id = $2",
        "t.id AS thread_id, t.author_id AS thread_author_id, a.username AS thread_author_username, t.title AS thread_title,
         t.kind AS thread_kind, t.created_at AS thread_created_at, t.last_activity_at AS thread_last_activity_at, t.post_count AS thread_post_count,
         t.revision AS thread_revision, t.anonymous AS thread_anonymous, t.opens_at AS thread_opens_at,
         t.hidden_at AS thread_hidden_at,
         t.accepted_post_id AS thread_accepted_post_id, t.merged_into AS thread_merged_into,
         t.pinned_at AS thread_pinned_at, t.locked_at AS thread_locked_at, t.closed_at AS thread_closed_at,
         t.close_reason AS thread_close_reason, t.slow_mode_secs AS thread_slow_mode_secs,
         t.post_first AS thread_post_first,
         v.last_read_number AS viewer_last_read,
         CASE WHEN EXISTS (SELECT 1 FROM follows f WHERE f.user_id = $1 AND f.target_kind = 'thread' AND f.target = t.id)
              THEN 1 ELSE 0 END AS viewer_follows",
    )
    });
    conn.fetch_optional_as(SQL.as_str(), &[Arg::Text(viewer_id), Arg::Text(Some(thread_id))]).await
}

/// Which of a space's threads a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreadFilter {
    #[default]
    All,
    Questions,
    /// Questions without an answer that is still there.
    Unanswered,
    /// Questions without an accepted answer.
    Unaccepted,
    /// Scheduled prompts only (list them with `with_scheduled`).
    Scheduled,
}

impl ThreadFilter {
    fn condition(self) -> &'static str {
        match self {
            ThreadFilter::All => "",
            ThreadFilter::Scheduled => "AND t.opens_at IS NOT NULL",
            ThreadFilter::Questions => "AND t.kind = 'question'",
            ThreadFilter::Unanswered => {
                "AND t.kind = 'question' AND NOT EXISTS
                 (SELECT 1 FROM posts r WHERE r.thread_id = t.id AND r.number > 1 AND r.deleted_at IS NULL)"
            }
            ThreadFilter::Unaccepted => "AND t.kind = 'question' AND t.accepted_post_id IS NULL",
        }
    }
}

/// A page of a space's threads: pinned ones first, then newest activity
/// first. Merged and hidden threads are left out, and so are scheduled
/// prompts unless `with_scheduled`.
///
/// Two queries, each in an index's order so that it reads only the rows it
/// returns however many threads the space has: the pinned threads (a
/// partial index of their own), then the others newest activity first
/// (`threads_by_activity`). One query ordering pinned first would sort the
/// whole space, looking up every thread's last poster and replies.
pub async fn threads_in_space(
    conn: &mut AnyConnection,
    space_id: &str,
    viewer_id: Option<&str>,
    filter: ThreadFilter,
    with_scheduled: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<ThreadListItem>> {
    let (limit, offset) = (limit.max(0), offset.max(0));
    let mut page =
        thread_rows(conn, space_id, viewer_id, filter, with_scheduled, Pinned::Only, limit.saturating_add(offset), 0)
            .await?;
    // Fewer pinned threads than asked for: `page` holds them all.
    let pinned = page.len() as i64;
    let skip = usize::try_from(offset.min(pinned)).unwrap_or(0);
    page.drain(..skip);
    let wanted = limit - page.len() as i64;
    if wanted > 0 {
        let rest_offset = (offset - pinned).max(0);
        let rest =
            thread_rows(conn, space_id, viewer_id, filter, with_scheduled, Pinned::Not, wanted, rest_offset).await?;
        page.extend(rest);
    }
    Ok(page)
}

/// Which threads [`thread_rows`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pinned {
    Only,
    Not,
}

/// The query of [`thread_rows`].
fn thread_list_sql(filter: ThreadFilter, with_scheduled: bool, pinned: Pinned) -> String {
    let scheduled =
        if with_scheduled { "AND t.hidden_at IS NULL" } else { "AND t.opens_at IS NULL AND t.hidden_at IS NULL" };
    let filter = filter.condition();
    let (which, order) = match pinned {
        Pinned::Only => ("AND t.pinned_at IS NOT NULL", "t.pinned_at DESC, t.id DESC"),
        Pinned::Not => ("AND t.pinned_at IS NULL", "t.last_activity_at DESC, t.id DESC"),
    };
    format!(
        "SELECT {THREAD_COLUMNS}, a.username AS author_username, a.display_name AS author_display_name,
                lp.display_name AS last_poster_display_name, lpp.anonymous AS last_post_anonymous,
                v.last_read_number AS viewer_last_read,
                CASE WHEN EXISTS (SELECT 1 FROM posts r WHERE r.thread_id = t.id AND r.number > 1
                                  AND r.deleted_at IS NULL) THEN 1 ELSE 0 END AS answered
         FROM threads t
         JOIN users a ON a.id = t.author_id
         LEFT JOIN users lp ON lp.id = t.last_poster_id
         LEFT JOIN posts lpp ON lpp.id = t.last_post_id
         LEFT JOIN thread_visits v ON v.thread_id = t.id AND v.user_id = $2
         WHERE t.space_id = $1 AND t.merged_into IS NULL {which} {scheduled} {filter}
         ORDER BY {order}
         LIMIT $3 OFFSET $4"
    )
}

#[allow(clippy::too_many_arguments)]
async fn thread_rows(
    conn: &mut AnyConnection,
    space_id: &str,
    viewer_id: Option<&str>,
    filter: ThreadFilter,
    with_scheduled: bool,
    pinned: Pinned,
    limit: i64,
    offset: i64,
) -> Result<Vec<ThreadListItem>> {
    let sql = thread_list_sql(filter, with_scheduled, pinned);
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(space_id)
        .bind(viewer_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// How the database would read the first page of a space's threads
/// (pinned, then the others), as it explains its plans: for the test that
/// checks each follows an index however big the space.
pub async fn explain_thread_list(
    conn: &mut AnyConnection,
    backend: crate::Backend,
    space_id: &str,
) -> Result<Vec<String>> {
    let mut plans = Vec::new();
    for pinned in [Pinned::Only, Pinned::Not] {
        let sql = thread_list_sql(ThreadFilter::All, false, pinned);
        let params = [Param::Text(Some(space_id)), Param::Text(None), Param::Int(26), Param::Int(0)];
        plans.push(dialect::explain(conn, backend, &sql, &params).await?);
    }
    Ok(plans)
}

/// How many threads a list with `filter` holds (open, unmerged ones).
pub async fn count_threads(conn: &mut AnyConnection, space_id: &str, filter: ThreadFilter) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM threads t
         WHERE t.space_id = $1 AND t.merged_into IS NULL AND t.opens_at IS NULL AND t.hidden_at IS NULL {}",
        filter.condition()
    );
    Ok(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(space_id).fetch_one(conn).await?)
}

/// The posts numbered `from_number` to `from_number + limit - 1`, in order.
/// A range of numbers, not a count of rows: posts moved to another thread
/// leave gaps, and a page must not run into the next one's numbers.
pub async fn posts(conn: &mut AnyConnection, thread_id: &str, from_number: i64, limit: i64) -> Result<Vec<PostView>> {
    let sql =
        format!("{POST_SELECT} WHERE p.thread_id = $1 AND p.number >= $2 AND p.number < $2 + $3 ORDER BY p.number");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(thread_id).bind(from_number).bind(limit).fetch_all(conn).await?)
}

pub async fn post(conn: &mut AnyConnection, id: &str) -> Result<Option<PostView>> {
    let sql = format!("{POST_SELECT} WHERE p.id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}

/// The post numbered `number` in a thread (1: the opening post).
pub async fn post_by_number(conn: &mut AnyConnection, thread_id: &str, number: i64) -> Result<Option<PostView>> {
    let sql = format!("{POST_SELECT} WHERE p.thread_id = $1 AND p.number = $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(thread_id).bind(number).fetch_optional(conn).await?)
}

/// Replaces a post's body, first keeping the current body as a version.
/// `expected_version` guards against two edits crossing: when the post has
/// moved on (or is deleted), nothing changes and `false` comes back.
pub async fn edit_post(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i64,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<bool> {
    let kept = sqlx::query(
        "INSERT INTO post_versions (post_id, version, body, body_html, written_at)
         SELECT id, version, body, body_html, COALESCE(edited_at, created_at) FROM posts
         WHERE id = $1 AND version = $2 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if kept.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE posts SET body = $2, body_html = $3, edited_at = $4, version = version + 1 WHERE id = $1")
        .bind(id)
        .bind(body)
        .bind(body_html)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    bump_revision_of_post(conn, id).await?;
    Ok(true)
}

pub(crate) async fn bump_revision_of_post(conn: &mut AnyConnection, post_id: &str) -> Result<()> {
    sqlx::query("UPDATE threads SET revision = revision + 1 WHERE id = (SELECT thread_id FROM posts WHERE id = $1)")
        .bind(post_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks every thread `user_id` has posted in as changed, after their name
/// changed (posts show their author's current name).
pub async fn bump_revisions_of_author(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    sqlx::query("UPDATE threads SET revision = revision + 1 WHERE id IN (SELECT DISTINCT thread_id FROM posts WHERE author_id = $1)")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// An earlier version of a post.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct PostVersion {
    pub version: i64,
    pub body: String,
    pub body_html: String,
    pub written_at: i64,
}

/// Earlier versions of a post, newest first.
pub async fn post_versions(conn: &mut AnyConnection, post_id: &str) -> Result<Vec<PostVersion>> {
    Ok(sqlx::query_as(
        "SELECT version, body, body_html, written_at FROM post_versions WHERE post_id = $1 ORDER BY version DESC",
    )
    .bind(post_id)
    .fetch_all(conn)
    .await?)
}

/// Marks a post deleted; false when it already was.
pub async fn soft_delete_post(conn: &mut AnyConnection, id: &str, by: &str, now: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE posts SET deleted_at = $2, deleted_by = $3 WHERE id = $1 AND deleted_at IS NULL")
        .bind(id)
        .bind(now)
        .bind(by)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    bump_revision_of_post(conn, id).await?;
    Ok(true)
}

pub async fn rename_thread(conn: &mut AnyConnection, id: &str, title: &str) -> Result<()> {
    sqlx::query("UPDATE threads SET title = $2 WHERE id = $1").bind(id).bind(title).execute(conn).await?;
    Ok(())
}

/// The highest post number `user_id` has seen in `thread_id`.
pub async fn last_read(conn: &mut AnyConnection, user_id: &str, thread_id: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT last_read_number FROM thread_visits WHERE user_id = $1 AND thread_id = $2")
        .bind(user_id)
        .bind(thread_id)
        .fetch_optional(conn)
        .await?)
}

/// Records reading positions; a position never moves backwards.
pub async fn record_visits(conn: &mut AnyConnection, visits: &[(String, String, i64, i64)]) -> Result<()> {
    for (user_id, thread_id, number, at) in visits {
        sqlx::query(
            "INSERT INTO thread_visits (user_id, thread_id, last_read_number, visited_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, thread_id) DO UPDATE
             SET last_read_number = CASE WHEN excluded.last_read_number > thread_visits.last_read_number
                                         THEN excluded.last_read_number ELSE thread_visits.last_read_number END,
                 visited_at = excluded.visited_at",
        )
        .bind(user_id.as_str())
        .bind(thread_id.as_str())
        .bind(*number)
        .bind(*at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// `(id, title, space id)` of the given threads as they are now, for
/// labelling activity.
pub async fn titles_by_ids(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<(String, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT id, title, space_id FROM threads WHERE id IN ({})", crate::placeholders(1, ids.len()));
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id.as_str());
    }
    Ok(query.fetch_all(conn).await?)
}
