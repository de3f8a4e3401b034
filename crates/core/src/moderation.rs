//! Moderation: anyone who may read a post can flag it; the moderators of its
//! space (its facilitators and owners, and instance admins) review the flags
//! and hide the post, dismiss the flags or warn the author, and can restore
//! what they hid. A hidden post keeps its place in the thread; its words
//! reach only its author and the moderators (`discussions` masks them), and
//! search, feeds, tag pages and emails leave them out.
//!
//! Every moderator's and admin's action is an event, so the **audit log** is
//! a reading of the event log: [`audit_log`] for admins, instance-wide, and
//! the recent decisions on [`queue`] for a space's moderators.

use std::collections::HashMap;

use serde::Serialize;
use stoa_domain::Action;
use stoa_store::events::{Event, kind};
use stoa_store::moderation::{self as store, NewFlag};
use stoa_store::{Conn, new_id, spaces as store_spaces, threads, users};

use crate::discussions::visible_post;
use crate::facilitation::event;
use crate::spaces::{self, SpaceSummary, allowed};
use crate::{Actor, CoreError, FieldError, Result, Stoa};

/// Why someone flags a post.
pub const REASONS: [&str; 5] = ["spam", "abuse", "off_topic", "inappropriate", "other"];

/// The longest note a flag or a decision may carry, in characters.
pub const NOTE_MAX: usize = 1000;
/// The longest warning, in characters.
pub const WARNING_MAX: usize = 2000;

/// Posts shown per section of the queue.
const QUEUE_LIMIT: i64 = 100;
/// Entries per page of the audit log.
pub const AUDIT_PAGE: i64 = 50;

/// What moderators of a space do, as the queue's recent decisions list it
/// (deletions of other people's posts come with these).
const MODERATION_KINDS: [&str; 5] =
    [kind::POST_FLAGGED, kind::POST_HIDDEN, kind::POST_RESTORED, kind::FLAGS_DISMISSED, kind::AUTHOR_WARNED];

/// Every kind of event that is a moderator's, facilitator's, owner's or
/// admin's action, for the audit log (with deletions of other people's posts).
pub const AUDIT_KINDS: [&str; 21] = [
    kind::POST_HIDDEN,
    kind::POST_RESTORED,
    kind::FLAGS_DISMISSED,
    kind::AUTHOR_WARNED,
    kind::POST_ENDORSED,
    kind::THREAD_STATE_CHANGED,
    kind::THREAD_MOVED,
    kind::THREAD_SPLIT,
    kind::THREAD_MERGED,
    kind::THREAD_HIDDEN,
    kind::THREAD_RESTORED,
    kind::SPACE_RULES_CHANGED,
    kind::SPACE_UPDATED,
    kind::MEMBER_REMOVED,
    kind::MEMBER_ROLE_CHANGED,
    kind::JOIN_REQUEST_DECIDED,
    kind::FACILITATOR_SCOPED,
    kind::REVIEW_REASSIGNED,
    kind::ADMIN_USER_CHANGED,
    kind::ADMIN_SETTINGS_CHANGED,
    kind::DOC_DISCARDED,
];

fn optional_text(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(CoreError::Invalid(vec![FieldError {
            limit: Some(max),
            ..FieldError::new(field, "invalid-too-long")
        }]));
    }
    Ok(text.to_owned())
}

/// Flags a post for its space's moderators, with a reason from [`REASONS`]
/// and a note (needed when the reason is `other`). One open flag per person
/// and post; one's own posts cannot be flagged.
pub async fn flag(app: &Stoa, actor: &Actor, post_id: &str, reason: &str, note: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, found) = visible_post(&mut tx, actor, post_id).await?;
    if row.author_id == me.id {
        return Err(CoreError::Conflict("flag-own-post"));
    }
    if row.deleted_at.is_some() {
        return Err(CoreError::Conflict("post-deleted"));
    }
    let Some(reason) = REASONS.iter().find(|r| **r == reason.trim()) else {
        return Err(CoreError::field("reason", "invalid-option"));
    };
    let note = optional_text("note", note, NOTE_MAX)?;
    if *reason == "other" && note.is_empty() {
        return Err(CoreError::field("note", "flag-note-needed"));
    }
    let now = app.now();
    let flag = NewFlag { id: &new_id(), post_id: &row.id, flagger_id: &me.id, reason, note: &note, created_at: now };
    if !store::insert_flag(&mut tx, &flag).await? {
        return Err(CoreError::Conflict("already-flagged"));
    }
    let data = serde_json::json!({"thread_id": row.thread_id, "reason": reason, "note": note});
    event(&mut tx, kind::POST_FLAGGED, &me.id, &found.space.space.id, &row.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// A decision on a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Hide it (and close its flags).
    Hide,
    /// Show it again.
    Restore,
    /// Close its flags and leave it as it is.
    Dismiss,
}

/// Hides, restores or clears the flags of a post, as a moderator of its
/// space, with an optional note for the audit log. Doing what is already
/// done changes nothing and writes nothing.
pub async fn decide(app: &Stoa, actor: &Actor, post_id: &str, decision: Decision, note: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, found) = visible_post(&mut tx, actor, post_id).await?;
    spaces::check(actor, &found.space, Action::ModeratePosts)?;
    let note = optional_text("note", note, NOTE_MAX)?;
    let now = app.now();
    let (changed, kind) = match decision {
        Decision::Hide => {
            if row.deleted_at.is_some() {
                return Err(CoreError::Conflict("post-deleted"));
            }
            let hidden = store::hide_post(&mut tx, &row.id, &me.id, now).await?;
            let closed = store::resolve_flags(&mut tx, &row.id, &me.id, "hidden", now).await?;
            // Hiding the opening post hides what the thread is about: its
            // title too, from every list, feed and search.
            if row.number == 1 {
                hide_thread_in(&mut tx, &me.id, &found.space.space.id, &row.thread_id, &note, now).await?;
            }
            (hidden || closed > 0, kind::POST_HIDDEN)
        }
        Decision::Restore => {
            if row.number == 1 {
                restore_thread_in(&mut tx, &me.id, &found.space.space.id, &row.thread_id, &note, now).await?;
            }
            (store::restore_post(&mut tx, &row.id).await?, kind::POST_RESTORED)
        }
        Decision::Dismiss => {
            (store::resolve_flags(&mut tx, &row.id, &me.id, "dismissed", now).await? > 0, kind::FLAGS_DISMISSED)
        }
    };
    if changed {
        let data = serde_json::json!({"thread_id": row.thread_id, "note": note});
        event(&mut tx, kind, &me.id, &found.space.space.id, &row.id, data, now).await?;
        stoa_store::commit(tx).await?;
    }
    Ok(())
}

/// Hides a whole thread, title included, or shows it again, as a moderator
/// of its space: a hidden thread leaves every list, feed and search, and
/// only its author and the moderators still find it. Doing what is already
/// done writes nothing.
pub async fn set_thread_hidden(app: &Stoa, actor: &Actor, thread_id: &str, hidden: bool, note: &str) -> Result<()> {
    let me = actor.require()?;
    let note = optional_text("note", note, NOTE_MAX)?;
    let mut tx = app.store.begin().await?;
    let found = crate::discussions::load_thread(&mut tx, actor, thread_id, Action::ReadContent).await?;
    spaces::check(actor, &found.space, Action::ModeratePosts)?;
    let now = app.now();
    let space_id = found.space.space.id.clone();
    let changed = if hidden {
        hide_thread_in(&mut tx, &me.id, &space_id, &found.thread_id, &note, now).await?
    } else {
        restore_thread_in(&mut tx, &me.id, &space_id, &found.thread_id, &note, now).await?
    };
    if changed {
        stoa_store::commit(tx).await?;
    }
    Ok(())
}

/// Hides a thread in `tx` and records it; false when it already was.
pub(crate) async fn hide_thread_in(
    tx: &mut Conn,
    moderator_id: &str,
    space_id: &str,
    thread_id: &str,
    note: &str,
    now: i64,
) -> Result<bool> {
    if !store::hide_thread(tx, thread_id, moderator_id, now).await? {
        return Ok(false);
    }
    let data = serde_json::json!({"note": note});
    event(tx, kind::THREAD_HIDDEN, moderator_id, space_id, thread_id, data, now).await?;
    Ok(true)
}

/// Shows a hidden thread again in `tx` and records it; false when it was not hidden.
async fn restore_thread_in(
    tx: &mut Conn,
    moderator_id: &str,
    space_id: &str,
    thread_id: &str,
    note: &str,
    now: i64,
) -> Result<bool> {
    if !store::restore_thread(tx, thread_id).await? {
        return Ok(false);
    }
    let data = serde_json::json!({"note": note});
    event(tx, kind::THREAD_RESTORED, moderator_id, space_id, thread_id, data, now).await?;
    Ok(true)
}

/// Warns a post's author, as a moderator of its space: they are notified
/// with the message (whatever they blocked), and the post's flags close.
pub async fn warn(app: &Stoa, actor: &Actor, post_id: &str, message: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, found) = visible_post(&mut tx, actor, post_id).await?;
    spaces::check(actor, &found.space, Action::ModeratePosts)?;
    let message = optional_text("message", message, WARNING_MAX)?;
    if message.is_empty() {
        return Err(CoreError::field("message", "invalid-empty"));
    }
    if row.author_id == me.id {
        return Err(CoreError::Conflict("warn-self"));
    }
    let now = app.now();
    store::resolve_flags(&mut tx, &row.id, &me.id, "warned", now).await?;
    let data = serde_json::json!({"thread_id": row.thread_id, "author_id": row.author_id, "message": message});
    event(&mut tx, kind::AUTHOR_WARNED, &me.id, &found.space.space.id, &row.id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// A post as the moderation queue shows it. Moderators may know who wrote
/// an anonymous post, so the author is always named.
#[derive(Debug, Clone, Serialize)]
pub struct ModeratedPost {
    pub id: String,
    pub thread_id: String,
    pub thread_title: String,
    pub space_slug: String,
    pub space_name: String,
    pub number: i64,
    pub author_username: String,
    pub author_display_name: String,
    pub anonymous: bool,
    /// The first words of the post, as plain text.
    pub excerpt: String,
    pub created_at: i64,
    pub deleted: bool,
    pub hidden_at: Option<i64>,
    pub hidden_by: Option<String>,
}

/// One open flag.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub flagger_username: String,
    pub flagger_display_name: String,
    pub reason: String,
    pub note: String,
    pub at: i64,
}

/// A post waiting for a decision, with its flags, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct FlaggedPost {
    pub post: ModeratedPost,
    pub flags: Vec<Flag>,
}

/// The moderation queue of the spaces the actor moderates (or of one).
#[derive(Debug, Clone, Serialize)]
pub struct Queue {
    /// The space asked for, if one was.
    pub space: Option<SpaceSummary>,
    /// Posts with open flags, the longest-waiting first.
    pub flagged: Vec<FlaggedPost>,
    /// Posts that are hidden now, for restoring.
    pub hidden: Vec<ModeratedPost>,
    /// The newest flags and decisions, with who and when.
    pub history: Vec<AuditEntry>,
}

/// The spaces `actor` moderates, by id.
async fn moderated(conn: &mut Conn, actor: &Actor) -> Result<HashMap<String, store_spaces::SpaceView>> {
    Ok(store_spaces::all_views(conn, actor.id())
        .await?
        .into_iter()
        .filter(|v| allowed(actor, v, Action::ModeratePosts))
        .map(|v| (v.space.id.clone(), v))
        .collect())
}

fn moderated_post(row: store::ModeratedPost, spaces: &HashMap<String, store_spaces::SpaceView>) -> ModeratedPost {
    let (space_slug, space_name) =
        spaces.get(&row.space_id).map(|v| (v.space.slug.clone(), v.space.name.clone())).unwrap_or_default();
    ModeratedPost {
        excerpt: if row.deleted_at.is_some() {
            String::new()
        } else {
            stoa_domain::markdown::plain_text(&row.body, 600)
        },
        id: row.post_id,
        thread_id: row.thread_id,
        thread_title: row.thread_title,
        space_slug,
        space_name,
        number: row.number,
        author_username: row.author_username,
        author_display_name: row.author_display_name,
        anonymous: row.anonymous != 0,
        created_at: row.created_at,
        deleted: row.deleted_at.is_some(),
        hidden_at: row.hidden_at,
        hidden_by: row.hidden_by_name,
    }
}

/// The queue for the spaces the actor moderates, or for the space `slug`.
/// Refused (403) to someone who moderates nothing; a space they may not
/// moderate is refused as the policy says (404 when they may not know it).
pub async fn queue(app: &Stoa, actor: &Actor, slug: Option<&str>) -> Result<Queue> {
    actor.require()?;
    let mut conn = app.store.read().await?;
    let all = moderated(&mut conn, actor).await?;
    let (space, spaces) = match slug {
        Some(slug) => {
            let view = spaces::load(&mut conn, actor, slug, Action::ModeratePosts).await?;
            let summary = SpaceSummary::of(&view);
            let one: HashMap<String, store_spaces::SpaceView> = [(view.space.id.clone(), view)].into();
            (Some(summary), one)
        }
        None if all.is_empty() => return Err(CoreError::Forbidden),
        None => (None, all),
    };
    let ids: Vec<String> = spaces.keys().cloned().collect();
    let rows = store::flagged_posts(&mut conn, &ids, QUEUE_LIMIT).await?;
    let post_ids: Vec<String> = rows.iter().map(|r| r.post_id.clone()).collect();
    let mut flags: HashMap<String, Vec<Flag>> = HashMap::new();
    for f in store::open_flags(&mut conn, &post_ids).await? {
        flags.entry(f.post_id).or_default().push(Flag {
            flagger_username: f.flagger_username,
            flagger_display_name: f.flagger_display_name,
            reason: f.reason,
            note: f.note,
            at: f.created_at,
        });
    }
    let flagged = rows
        .into_iter()
        .map(|row| {
            let flags = flags.remove(&row.post_id).unwrap_or_default();
            FlaggedPost { post: moderated_post(row, &spaces), flags }
        })
        .collect();
    let hidden = store::hidden_posts(&mut conn, &ids, QUEUE_LIMIT)
        .await?
        .into_iter()
        .map(|row| moderated_post(row, &spaces))
        .collect();
    let events = store::audit_events(&mut conn, &MODERATION_KINDS, Some(&ids), None, AUDIT_PAGE).await?;
    let history = describe(&mut conn, &spaces, events).await?;
    Ok(Queue { space, flagged, hidden, history })
}

/// What an audit entry is about, where it can be opened.
#[derive(Debug, Clone, Serialize)]
pub struct AuditTarget {
    /// `post`, `thread` or `person`.
    pub kind: &'static str,
    pub label: String,
    pub path: String,
}

/// One moderator's or admin's action.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    /// The event's kind, such as `post.hidden`.
    pub action: String,
    /// Empty when no person did it (an operator at the command line).
    pub actor_username: String,
    pub actor_display_name: String,
    pub space_slug: Option<String>,
    pub space_name: Option<String>,
    pub target: Option<AuditTarget>,
    /// What the action said (a reason, a note, a role, a new setting...), as
    /// `(name, value)`; ids left out.
    pub details: Vec<(String, String)>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for older entries; `None` at the end.
    pub next_before: Option<i64>,
}

/// The audit log: every moderator's, facilitator's, owner's and admin's
/// action on the instance, newest first, with who did it and when. For
/// instance admins only.
pub async fn audit_log(app: &Stoa, actor: &Actor, before: Option<i64>) -> Result<AuditPage> {
    crate::admin::require_admin(actor)?;
    let mut conn = app.store.read().await?;
    let spaces: HashMap<String, store_spaces::SpaceView> =
        store_spaces::all_views(&mut conn, actor.id()).await?.into_iter().map(|v| (v.space.id.clone(), v)).collect();
    let events = store::audit_events(&mut conn, &AUDIT_KINDS, None, before, AUDIT_PAGE + 1).await?;
    let more = events.len() as i64 > AUDIT_PAGE;
    let events: Vec<Event> = events.into_iter().take(AUDIT_PAGE as usize).collect();
    let next_before = if more { events.last().map(|e| e.seq) } else { None };
    Ok(AuditPage { entries: describe(&mut conn, &spaces, events).await?, next_before })
}

/// Reads events as audit entries, naming people, threads and spaces as
/// they are now.
async fn describe(
    conn: &mut Conn,
    spaces: &HashMap<String, store_spaces::SpaceView>,
    events: Vec<Event>,
) -> Result<Vec<AuditEntry>> {
    let mut people = People::default();
    let thread_ids: Vec<String> = events
        .iter()
        .filter_map(|e| {
            if thread_subject(&e.kind) {
                return e.subject_id.clone();
            }
            let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
            data.get("thread_id").and_then(|t| t.as_str()).map(str::to_owned)
        })
        .collect();
    let titles: HashMap<String, String> =
        threads::titles_by_ids(conn, &thread_ids).await?.into_iter().map(|(id, title, _)| (id, title)).collect();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
        let (actor_username, actor_display_name) = match &e.actor_id {
            Some(id) => people.get(conn, id).await?.unwrap_or_default(),
            None => Default::default(),
        };
        let space = e.space_id.as_ref().and_then(|id| spaces.get(id));
        let subject = e.subject_id.clone().unwrap_or_default();
        let target = if e.kind.starts_with("post.") {
            let thread = data.get("thread_id").and_then(|t| t.as_str()).unwrap_or_default();
            Some(AuditTarget {
                kind: "post",
                label: titles.get(thread).cloned().unwrap_or_default(),
                path: format!("/p/{subject}"),
            })
        } else if thread_subject(&e.kind) {
            Some(AuditTarget {
                kind: "thread",
                label: titles.get(&subject).cloned().unwrap_or_default(),
                path: format!("/t/{subject}"),
            })
        } else if person_subject(&e.kind) {
            people.get(conn, &subject).await?.map(|(username, name)| AuditTarget {
                kind: "person",
                label: name,
                path: format!("/u/{username}"),
            })
        } else {
            None
        };
        out.push(AuditEntry {
            seq: e.seq,
            at: e.occurred_at,
            action: e.kind,
            actor_username,
            actor_display_name,
            space_slug: space.map(|v| v.space.slug.clone()),
            space_name: space.map(|v| v.space.name.clone()),
            target,
            details: details(&data),
        });
    }
    Ok(out)
}

/// `(username, display name)` of people by id, each looked up once.
#[derive(Default)]
struct People(HashMap<String, Option<(String, String)>>);

impl People {
    async fn get(&mut self, conn: &mut Conn, id: &str) -> Result<Option<(String, String)>> {
        if let Some(known) = self.0.get(id) {
            return Ok(known.clone());
        }
        let found = users::by_id(conn, id).await?.map(|u| (u.username, u.display_name));
        self.0.insert(id.to_owned(), found.clone());
        Ok(found)
    }
}

fn thread_subject(kind: &str) -> bool {
    matches!(
        kind,
        kind::THREAD_STATE_CHANGED
            | kind::THREAD_MOVED
            | kind::THREAD_SPLIT
            | kind::THREAD_MERGED
            | kind::THREAD_HIDDEN
            | kind::THREAD_RESTORED
    )
}

fn person_subject(kind: &str) -> bool {
    matches!(
        kind,
        kind::MEMBER_REMOVED | kind::MEMBER_ROLE_CHANGED | kind::FACILITATOR_SCOPED | kind::ADMIN_USER_CHANGED
    )
}

/// Whether a value is one of our row ids (a lower-cased ULID: 26 letters and
/// digits, starting with its time), which says nothing to a reader.
fn looks_like_id(value: &str) -> bool {
    value.len() == 26 && value.starts_with('0') && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The plain values an event carries, ids and empty values left out.
fn details(data: &serde_json::Value) -> Vec<(String, String)> {
    let Some(map) = data.as_object() else { return Vec::new() };
    let mut out = Vec::new();
    for (key, value) in map {
        if key == "id" || key.ends_with("_id") || key.ends_with("_ids") {
            continue;
        }
        let text = match value {
            serde_json::Value::String(s) if !s.is_empty() && !looks_like_id(s) => s.clone(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.is_string()) => {
                items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>().join(", ")
            }
            _ => continue,
        };
        out.push((key.clone(), text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keep_words_and_leave_ids_out() {
        let id = stoa_store::new_id();
        let data = serde_json::json!({
            "from": "member", "to": "facilitator", "thread_id": id, "from_space": id, "note": "",
            "locked": true, "posts": 3, "reason": "spam", "tags": ["a", "b"], "nested": {"x": 1},
        });
        assert_eq!(
            details(&data),
            [
                ("from".to_owned(), "member".to_owned()),
                ("locked".to_owned(), "true".to_owned()),
                ("posts".to_owned(), "3".to_owned()),
                ("reason".to_owned(), "spam".to_owned()),
                ("tags".to_owned(), "a, b".to_owned()),
                ("to".to_owned(), "facilitator".to_owned()),
            ]
        );
    }
}
