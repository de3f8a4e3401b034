//! Notifications, made from the event log.
//!
//! [`catch_up`] reads the events after its cursor and writes, for each, one
//! notification per person it concerns (a reply to their post, a mention,
//! also one an edit adds, a reply in a thread they follow, something new in
//! a space they follow, an accepted answer, a review, an invitation, a join
//! request to decide, a flag to review, a moderator's warning). The
//! notifications, any email they call for and the moved cursor commit in one
//! transaction, and the cursor only moves from where it was read, so with
//! several nodes each event is handled exactly once.
//!
//! Before a notification is written the recipient is checked as if they were
//! reading: they must be able to see the post or space now (post-first
//! threads and scheduled prompts included), must not have blocked the person
//! who caused it, and an anonymous author stays anonymous.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use stoa_domain::{Action, Role};
use stoa_store::events::{self, Event, kind};
use stoa_store::notifications::{self as store, NewNotification, NotificationRow};
use stoa_store::users::UserRow;
use stoa_store::{Conn, learning, social, spaces as store_spaces, threads, users};

use crate::discussions::visible_post;
use crate::spaces::{allowed, load_by_id};
use stoa_store::new_id;

use crate::{Actor, CoreError, CurrentUser, FieldError, Result, Stoa};

/// The kinds of notification, most important first: when one event
/// concerns a person in several ways, they get the first that applies.
pub const KINDS: [&str; 14] = [
    WARNING,
    MESSAGE,
    MENTION,
    REPLY,
    ACCEPTED,
    REVIEW,
    INVITATION,
    JOIN_REQUEST,
    FLAG,
    REMINDER,
    EVENT_CHANGED,
    EVENT,
    THREAD,
    SPACE,
];

/// A moderator's warning about one's post. It reaches its reader whatever
/// they blocked.
pub const WARNING: &str = "warning";
/// A post flagged in a space one moderates.
pub const FLAG: &str = "flag";

/// A private message.
pub const MESSAGE: &str = "message";

pub const MENTION: &str = "mention";
pub const REPLY: &str = "reply";
pub const ACCEPTED: &str = "accepted";
pub const REVIEW: &str = "review";
pub const INVITATION: &str = "invitation";
pub const JOIN_REQUEST: &str = "join_request";
/// A reply in a thread one follows.
pub const THREAD: &str = "thread";
/// Something new in a space one follows.
pub const SPACE: &str = "space";
/// An event scheduled in a space one belongs to or follows.
pub const EVENT: &str = "event";
/// An event one said one comes (or may come) to moved or was cancelled
/// (the notification's `what` says which: `moved` or `cancelled`).
pub const EVENT_CHANGED: &str = "event_changed";
/// An event one comes (or may come) to starts soon.
pub const REMINDER: &str = "reminder";

/// How a kind is delivered: in the app only, also by email at once, also
/// in the email digest, or not at all.
pub const DELIVERIES: [&str; 4] = ["app", "email", "digest", "off"];

/// What a person gets until they choose otherwise.
pub fn default_delivery(kind: &str) -> &'static str {
    match kind {
        WARNING | MESSAGE | MENTION | REPLY | REVIEW | INVITATION | REMINDER | EVENT_CHANGED => "email",
        THREAD | SPACE | EVENT => "digest",
        _ => "app",
    }
}

/// The name of this consumer's cursor in the event log.
const CURSOR: &str = "notifications";
const BATCH: i64 = 200;

/// Someone an event may concern, and how to check they may know of it.
struct Candidate {
    user_id: String,
    kind: &'static str,
    check: Check,
}

enum Check {
    /// They must be able to read this post.
    Post(String),
    /// They must be able to read this space.
    Space(String),
    /// They must be able to take part in this space's chat.
    Chat(String),
    /// Addressed to them personally (an invitation): no reading check.
    Personal,
}

/// What an event is about, for every notification made from it.
#[derive(Default)]
struct About {
    space_id: Option<String>,
    thread_id: Option<String>,
    post_id: Option<String>,
    /// Hide who caused it.
    anonymous: bool,
    data: serde_json::Value,
}

/// Handles the events written since the last call; returns how many
/// notifications were written.
///
/// Who is told of what is decided on a reader (the policy, preferences and
/// blocks take several queries per recipient); the writer's turn only moves
/// the cursor and writes the rows, a statement per couple of hundred. A
/// busy thread's followers would otherwise hold every other writer up.
pub async fn catch_up(app: &Stoa) -> Result<usize> {
    let mut written = 0;
    loop {
        let (from, last, count, planned) = {
            let mut conn = app.store.read().await?;
            let from = events::cursor(&mut conn, CURSOR).await?;
            let batch = events::after(&mut conn, from, BATCH).await?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                return Ok(written);
            };
            let mut planned = Vec::new();
            for event in &batch {
                plan(&mut conn, event, &mut planned).await?;
            }
            (from, last, batch.len(), planned)
        };
        let mut tx = app.store.begin().await?;
        if !events::advance_cursor(&mut tx, CURSOR, from, last).await? {
            // Another node handled these meanwhile; drop ours.
            return Ok(written);
        }
        let rows: Vec<NewNotification<'_>> = planned.iter().map(Planned::row).collect();
        let inserted: HashSet<String> = store::insert_many(&mut tx, &rows).await?.into_iter().collect();
        let mut notified = Vec::new();
        for p in planned.iter().filter(|p| inserted.contains(&p.id)) {
            if p.delivery == "email" {
                crate::mail::queue_notification(app, &mut tx, &p.user, &p.id).await?;
            }
            notified.push(p.user.id.clone());
        }
        stoa_store::commit(tx).await?;
        written += notified.len();
        app.unread.forget(notified.iter().map(String::as_str));
        tell_other_nodes(app, &notified).await;
        if (count as i64) < BATCH {
            return Ok(written);
        }
    }
}

/// A notification decided on, waiting for the writer.
struct Planned {
    id: String,
    user: UserRow,
    event_seq: i64,
    kind: &'static str,
    actor_id: Option<String>,
    space_id: Option<String>,
    thread_id: Option<String>,
    post_id: Option<String>,
    data: Arc<str>,
    created_at: i64,
    delivery: String,
}

impl Planned {
    fn row(&self) -> NewNotification<'_> {
        NewNotification {
            id: &self.id,
            user_id: &self.user.id,
            event_seq: self.event_seq,
            kind: self.kind,
            actor_id: self.actor_id.as_deref(),
            space_id: self.space_id.as_deref(),
            thread_id: self.thread_id.as_deref(),
            post_id: self.post_id.as_deref(),
            data: &self.data,
            created_at: self.created_at,
            delivery: &self.delivery,
        }
    }
}

/// Decides the notifications `event` calls for, adding them to `planned`.
async fn plan(conn: &mut Conn, event: &Event, planned: &mut Vec<Planned>) -> Result<()> {
    let Some((about, candidates)) = candidates(conn, event).await? else {
        return Ok(());
    };
    // One notification per person: the most important kind that applies.
    let mut chosen: BTreeMap<String, Candidate> = BTreeMap::new();
    for c in candidates {
        if event.actor_id.as_deref() == Some(c.user_id.as_str()) {
            continue;
        }
        let rank = |k: &str| KINDS.iter().position(|x| *x == k).unwrap_or(usize::MAX);
        match chosen.get(&c.user_id) {
            Some(existing) if rank(existing.kind) <= rank(c.kind) => {}
            _ => {
                chosen.insert(c.user_id.clone(), c);
            }
        }
    }
    if chosen.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = chosen.keys().cloned().collect();
    let blockers: Vec<String> = match &event.actor_id {
        Some(actor) => social::blocking(conn, actor, &ids).await?,
        None => Vec::new(),
    };
    let prefs: HashMap<(String, String), String> =
        store::prefs_of(conn, &ids).await?.into_iter().map(|(u, k, d)| ((u, k), d)).collect();
    let data: Arc<str> = Arc::from(about.data.to_string());
    for (user_id, c) in chosen {
        if blockers.contains(&user_id) && c.kind != WARNING {
            continue;
        }
        let Some(row) = users::by_id(conn, &user_id).await?.filter(|u| !u.is_suspended()) else {
            continue;
        };
        let reader = Actor::signed_in(CurrentUser::from_row(&row));
        if !may_know(conn, &reader, &c.check).await? {
            continue;
        }
        let delivery =
            prefs.get(&(user_id.clone(), c.kind.to_owned())).map_or(default_delivery(c.kind), |d| d.as_str());
        if delivery == "off" {
            continue;
        }
        let actor_id = if about.anonymous { None } else { event.actor_id.clone() };
        planned.push(Planned {
            id: new_id(),
            user: row,
            event_seq: event.seq,
            kind: c.kind,
            actor_id,
            space_id: about.space_id.clone(),
            thread_id: about.thread_id.clone(),
            post_id: about.post_id.clone(),
            data: data.clone(),
            created_at: event.occurred_at,
            delivery: delivery.to_owned(),
        });
    }
    Ok(())
}

/// Whether `reader` may know of what a notification points at, right now.
async fn may_know(tx: &mut Conn, reader: &Actor, check: &Check) -> Result<bool> {
    let seen = match check {
        Check::Post(post_id) => visible_post(tx, reader, post_id).await.map(|_| ()),
        Check::Space(space_id) => load_by_id(tx, reader, space_id, Action::ReadContent).await.map(|_| ()),
        Check::Chat(space_id) => load_by_id(tx, reader, space_id, Action::Post).await.map(|_| ()),
        Check::Personal => Ok(()),
    };
    match seen {
        Ok(()) => Ok(true),
        Err(CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired) => Ok(false),
        Err(e) => Err(e),
    }
}

fn str_of<'a>(data: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    data.get(key).and_then(|v| v.as_str())
}

/// Who an event concerns, and what it is about.
async fn candidates(tx: &mut Conn, e: &Event) -> Result<Option<(About, Vec<Candidate>)>> {
    let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
    let space_id = e.space_id.clone();
    let mut out = Vec::new();
    let about = match e.kind.as_str() {
        kind::THREAD_CREATED | kind::POST_CREATED => {
            let (Some(thread_id), Some(post_id)) = (
                str_of(&data, "thread_id").map(str::to_owned),
                if e.kind == kind::POST_CREATED {
                    e.subject_id.clone()
                } else {
                    str_of(&data, "post_id").map(str::to_owned)
                },
            ) else {
                return Ok(None);
            };
            let Some(post) = threads::post(tx, &post_id).await? else {
                return Ok(None);
            };
            let check = || Check::Post(post_id.clone());
            // Mentions: the people the post links to (linking already left
            // out those who blocked the author).
            let names = stoa_domain::markdown::mention_candidates(&post.body);
            for (user_id, _) in users::mentionable(tx, &names, &post.author_id).await? {
                out.push(Candidate { user_id, kind: MENTION, check: check() });
            }
            if e.kind == kind::POST_CREATED {
                // A reply to a post, or to the thread's opening post.
                let replied = match &post.reply_to_id {
                    Some(id) => threads::post(tx, id).await?,
                    None => threads::post_by_number(tx, &thread_id, 1).await?,
                };
                if let Some(p) = replied.filter(|p| p.deleted_at.is_none()) {
                    out.push(Candidate { user_id: p.author_id, kind: REPLY, check: check() });
                }
                for (user_id, _) in
                    social::followers(tx, crate::social::THREAD, std::slice::from_ref(&thread_id)).await?
                {
                    out.push(Candidate { user_id, kind: THREAD, check: check() });
                }
            } else if let Some(space) = &space_id
                // A blog post's comments thread: `blog.published` tells them.
                && !stoa_store::blogs::is_comments_thread(tx, &thread_id).await?
            {
                for (user_id, _) in social::followers(tx, crate::social::SPACE, std::slice::from_ref(space)).await? {
                    out.push(Candidate { user_id, kind: SPACE, check: check() });
                }
            }
            let title = threads::titles_by_ids(tx, std::slice::from_ref(&thread_id)).await?;
            About {
                space_id: space_id.clone(),
                thread_id: Some(thread_id),
                post_id: Some(post_id),
                anonymous: post.anonymous != 0,
                data: serde_json::json!({
                    "title": title.first().map(|t| t.1.clone()).unwrap_or_default(),
                    "number": post.number,
                }),
            }
        }
        kind::POST_EDITED => {
            // Only the people an edit newly mentions: the others were told
            // when the post was written.
            let (Some(post_id), Some(version)) = (&e.subject_id, data.get("version").and_then(|v| v.as_i64())) else {
                return Ok(None);
            };
            let Some(post) = threads::post(tx, post_id).await? else {
                return Ok(None);
            };
            let earlier = threads::post_versions(tx, post_id).await?;
            let body_at = |v: i64| {
                if post.version == v {
                    Some(post.body.clone())
                } else {
                    earlier.iter().find(|x| x.version == v).map(|x| x.body.clone())
                }
            };
            let (Some(now), Some(before)) = (body_at(version), body_at(version - 1)) else {
                return Ok(None);
            };
            let known = stoa_domain::markdown::mention_candidates(&before);
            let added: Vec<String> =
                stoa_domain::markdown::mention_candidates(&now).into_iter().filter(|n| !known.contains(n)).collect();
            if added.is_empty() {
                return Ok(None);
            }
            for (user_id, _) in users::mentionable(tx, &added, &post.author_id).await? {
                out.push(Candidate { user_id, kind: MENTION, check: Check::Post(post_id.clone()) });
            }
            let title = threads::titles_by_ids(tx, std::slice::from_ref(&post.thread_id)).await?;
            About {
                space_id: space_id.clone(),
                thread_id: Some(post.thread_id.clone()),
                post_id: Some(post_id.clone()),
                anonymous: post.anonymous != 0,
                data: serde_json::json!({
                    "title": title.first().map(|t| t.1.clone()).unwrap_or_default(),
                    "number": post.number,
                }),
            }
        }
        kind::ANSWER_ACCEPTED => {
            let (Some(thread_id), Some(post_id)) = (str_of(&data, "thread_id"), str_of(&data, "post_id")) else {
                return Ok(None);
            };
            let Some(post) = threads::post(tx, post_id).await? else {
                return Ok(None);
            };
            out.push(Candidate {
                user_id: post.author_id.clone(),
                kind: ACCEPTED,
                check: Check::Post(post_id.to_owned()),
            });
            let title = threads::titles_by_ids(tx, &[thread_id.to_owned()]).await?;
            About {
                space_id: space_id.clone(),
                thread_id: Some(thread_id.to_owned()),
                post_id: Some(post_id.to_owned()),
                anonymous: false,
                data: serde_json::json!({
                    "title": title.first().map(|t| t.1.clone()).unwrap_or_default(),
                    "number": post.number,
                }),
            }
        }
        kind::REVIEW_SUBMITTED => {
            let (Some(assignment_id), Some(submission_id), Some(space)) =
                (str_of(&data, "assignment_id"), str_of(&data, "submission_id"), &space_id)
            else {
                return Ok(None);
            };
            let (Some(a), Some(s)) =
                (learning::assignment(tx, assignment_id).await?, learning::submission(tx, submission_id).await?)
            else {
                return Ok(None);
            };
            let mut authors = vec![s.author_id.clone()];
            if let Some(team) = &s.team_id {
                authors.extend(store_spaces::members(tx, team, 500, 0).await?.into_iter().map(|m| m.user_id));
            }
            for user_id in authors {
                out.push(Candidate { user_id, kind: REVIEW, check: Check::Space(space.clone()) });
            }
            About {
                space_id: space_id.clone(),
                anonymous: a.anonymous_reviews != 0,
                data: serde_json::json!({"title": a.title, "assignment_id": a.id}),
                ..About::default()
            }
        }
        kind::MESSAGE_SENT => {
            let Some(conversation) = str_of(&data, "conversation_id") else {
                return Ok(None);
            };
            for user_id in stoa_store::messages::members(tx, conversation).await? {
                out.push(Candidate { user_id, kind: MESSAGE, check: Check::Personal });
            }
            About { data: serde_json::json!({"title": "", "conversation_id": conversation}), ..About::default() }
        }
        kind::POST_FLAGGED | kind::AUTHOR_WARNED => {
            let (Some(space), Some(post_id)) = (&space_id, &e.subject_id) else {
                return Ok(None);
            };
            let Some(post) = threads::post(tx, post_id).await? else {
                return Ok(None);
            };
            if e.kind == kind::AUTHOR_WARNED {
                out.push(Candidate { user_id: post.author_id.clone(), kind: WARNING, check: Check::Personal });
            } else {
                for m in store_spaces::members(tx, space, 500, 0).await? {
                    if matches!(m.role, Role::Owner | Role::Facilitator) {
                        out.push(Candidate { user_id: m.user_id, kind: FLAG, check: Check::Space(space.clone()) });
                    }
                }
            }
            let title = threads::titles_by_ids(tx, std::slice::from_ref(&post.thread_id)).await?;
            About {
                space_id: space_id.clone(),
                thread_id: Some(post.thread_id.clone()),
                post_id: Some(post_id.clone()),
                anonymous: false,
                data: serde_json::json!({
                    "title": title.first().map(|t| t.1.clone()).unwrap_or_default(),
                    "number": post.number,
                    "message": str_of(&data, "message").unwrap_or_default(),
                    "reason": str_of(&data, "reason").unwrap_or_default(),
                }),
            }
        }
        kind::INVITE_CREATED => {
            let Some(invitee) = str_of(&data, "invitee_id") else {
                return Ok(None);
            };
            out.push(Candidate { user_id: invitee.to_owned(), kind: INVITATION, check: Check::Personal });
            About { space_id: space_id.clone(), data: space_data(tx, space_id.as_deref()).await?, ..About::default() }
        }
        kind::JOIN_REQUESTED => {
            let Some(space) = &space_id else {
                return Ok(None);
            };
            for m in store_spaces::members(tx, space, 500, 0).await? {
                if matches!(m.role, Role::Owner | Role::Facilitator) {
                    out.push(Candidate { user_id: m.user_id, kind: JOIN_REQUEST, check: Check::Space(space.clone()) });
                }
            }
            About { space_id: space_id.clone(), data: space_data(tx, Some(space)).await?, ..About::default() }
        }
        kind::CHAT_POSTED => {
            // The people a chat message mentions (and who may be in the room).
            let (Some(space), Some(id)) = (&space_id, &e.subject_id) else {
                return Ok(None);
            };
            let Some(message) = stoa_store::chat::by_id(tx, id).await?.filter(|m| m.deleted_at.is_none()) else {
                return Ok(None);
            };
            let names = stoa_domain::markdown::mention_candidates(&message.body);
            for (user_id, _) in users::mentionable(tx, &names, &message.author_id).await? {
                out.push(Candidate { user_id, kind: MENTION, check: Check::Chat(space.clone()) });
            }
            if out.is_empty() {
                return Ok(None);
            }
            let mut about = space_data(tx, Some(space)).await?;
            about["what"] = "chat".into();
            about["subject_id"] = id.clone().into();
            About { space_id: space_id.clone(), data: about, ..About::default() }
        }
        kind::EVENT_SCHEDULED | kind::EVENT_UPDATED | kind::EVENT_CANCELLED | kind::EVENT_REMINDED => {
            let (Some(space), Some(id)) = (&space_id, &e.subject_id) else {
                return Ok(None);
            };
            let Some(row) = stoa_store::calendar::by_id(tx, id).await? else {
                return Ok(None);
            };
            let what = match e.kind.as_str() {
                kind::EVENT_SCHEDULED => {
                    // Everyone in the space, and those who follow it.
                    let mut people: Vec<String> =
                        store_spaces::members(tx, space, 5000, 0).await?.into_iter().map(|m| m.user_id).collect();
                    people.extend(
                        social::followers(tx, crate::social::SPACE, std::slice::from_ref(space))
                            .await?
                            .into_iter()
                            .map(|(user_id, _)| user_id),
                    );
                    for user_id in people {
                        out.push(Candidate { user_id, kind: EVENT, check: Check::Space(space.clone()) });
                    }
                    "scheduled"
                }
                kind::EVENT_UPDATED if data.get("moved").and_then(serde_json::Value::as_bool) != Some(true) => {
                    return Ok(None);
                }
                _ => {
                    let kind = if e.kind == kind::EVENT_REMINDED { REMINDER } else { EVENT_CHANGED };
                    for a in stoa_store::calendar::attendees(tx, id).await? {
                        if a.answer == "yes" || a.answer == "maybe" {
                            out.push(Candidate { user_id: a.user_id, kind, check: Check::Space(space.clone()) });
                        }
                    }
                    match e.kind.as_str() {
                        kind::EVENT_CANCELLED => "cancelled",
                        kind::EVENT_REMINDED => "reminder",
                        _ => "moved",
                    }
                }
            };
            if out.is_empty() {
                return Ok(None);
            }
            About {
                space_id: space_id.clone(),
                data: serde_json::json!({
                    "title": row.title,
                    "what": "event",
                    "change": what,
                    "subject_id": row.id,
                    "starts_at": row.starts_at,
                }),
                ..About::default()
            }
        }
        kind::WIKI_PAGE_CREATED | kind::LIBRARY_ITEM_CREATED | kind::BLOG_PUBLISHED => {
            let Some(space) = &space_id else {
                return Ok(None);
            };
            for (user_id, _) in social::followers(tx, crate::social::SPACE, std::slice::from_ref(space)).await? {
                out.push(Candidate { user_id, kind: SPACE, check: Check::Space(space.clone()) });
            }
            if out.is_empty() {
                return Ok(None);
            }
            let what = match e.kind.as_str() {
                kind::WIKI_PAGE_CREATED => "wiki",
                kind::BLOG_PUBLISHED => "blog",
                _ => "library",
            };
            let mut about = space_data(tx, Some(space)).await?;
            // Named by the page, item or post, not by its space (issue #7,
            // finding 9); the space's name goes along.
            let subject = e.subject_id.clone().unwrap_or_default();
            let title = match e.kind.as_str() {
                kind::WIKI_PAGE_CREATED => stoa_store::wiki::page_by_id(tx, &subject).await?.map(|p| p.title),
                kind::BLOG_PUBLISHED => stoa_store::blogs::by_id(tx, &subject).await?.map(|p| p.title),
                _ => stoa_store::library::item(tx, &subject).await?.map(|i| i.title),
            };
            about["space"] = about["title"].clone();
            if let Some(title) = title {
                about["title"] = title.into();
            }
            about["what"] = what.into();
            about["subject_id"] = subject.into();
            about["slug"] = str_of(&data, "slug").unwrap_or_default().into();
            About { space_id: space_id.clone(), data: about, ..About::default() }
        }
        _ => return Ok(None),
    };
    Ok(Some((about, out)))
}

async fn space_data(tx: &mut Conn, space_id: Option<&str>) -> Result<serde_json::Value> {
    let name = match space_id {
        Some(id) => store_spaces::view_by_id(tx, id, None).await?.map(|v| v.space.name).unwrap_or_default(),
        None => String::new(),
    };
    Ok(serde_json::json!({"title": name}))
}

/// A notification as its reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    /// Empty when the person wrote anonymously.
    pub actor_username: String,
    pub actor_display_name: String,
    /// The thread's, assignment's or space's title.
    pub title: String,
    /// A moderator's words, for a warning.
    pub message: String,
    /// For [`EVENT_CHANGED`]: `moved` or `cancelled`; otherwise empty.
    pub change: String,
    pub space_name: String,
    pub at: i64,
    pub read: bool,
}

/// A page of the actor's notifications.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub unread: i64,
    /// Pass as `before` for older ones; `None` at the end.
    pub next_before: Option<i64>,
}

/// The spaces the actor may read now, by id, with their names.
async fn readable(conn: &mut Conn, actor: &Actor) -> Result<HashMap<String, String>> {
    Ok(store_spaces::all_views(conn, actor.id())
        .await?
        .into_iter()
        .filter(|v| allowed(actor, v, Action::ReadContent))
        .map(|v| (v.space.id, v.space.name))
        .collect())
}

/// Whether the reader may still see a notification: invitations always,
/// the rest only while they may read its space.
fn still_readable(row: &NotificationRow, spaces: &HashMap<String, String>) -> bool {
    row.kind == INVITATION
        || row.kind == MESSAGE
        || row.kind == WARNING
        || row.space_id.as_ref().is_some_and(|s| spaces.contains_key(s))
}

/// The actor's notifications, newest first, only those about spaces they may
/// still read.
pub async fn list(app: &Stoa, actor: &Actor, before: Option<i64>, limit: i64) -> Result<NotificationPage> {
    let me = actor.require()?;
    let limit = limit.clamp(1, 100);
    let mut conn = app.store.read().await?;
    let spaces = readable(&mut conn, actor).await?;
    let rows = store::of_user(&mut conn, &me.id, before, limit + 1).await?;
    let next_before = if rows.len() as i64 > limit { rows.get(rows.len() - 2).map(|r| r.event_seq) } else { None };
    let rows: Vec<NotificationRow> =
        rows.into_iter().take(usize::try_from(limit).unwrap_or(0)).filter(|r| still_readable(r, &spaces)).collect();
    let mut actors: Vec<String> = rows.iter().filter_map(|r| r.actor_id.clone()).collect();
    actors.sort();
    actors.dedup();
    let names: HashMap<String, (String, String)> =
        users::names_by_ids(&mut conn, &actors).await?.into_iter().map(|(id, u, d)| (id, (u, d))).collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let data: serde_json::Value = serde_json::from_str(&r.data).unwrap_or_default();
            let (actor_username, actor_display_name) =
                r.actor_id.as_ref().and_then(|a| names.get(a).cloned()).unwrap_or_default();
            Notification {
                title: str_of(&data, "title").unwrap_or_default().to_owned(),
                message: str_of(&data, "message").unwrap_or_default().to_owned(),
                change: str_of(&data, "change").unwrap_or_default().to_owned(),
                space_name: r.space_id.as_ref().and_then(|s| spaces.get(s).cloned()).unwrap_or_default(),
                id: r.id,
                seq: r.event_seq,
                kind: r.kind,
                actor_username,
                actor_display_name,
                at: r.created_at,
                read: r.read_at.is_some(),
            }
        })
        .collect();
    let unread = count_unread(&mut conn, &me.id, &spaces).await?;
    Ok(NotificationPage { items, unread, next_before })
}

/// How many unread notifications the actor may see (at most 100), as the
/// bell on every page shows it: kept for a few seconds (see
/// [`crate::cache::UnreadCache`]).
pub async fn unread_count(app: &Stoa, actor: &Actor) -> Result<i64> {
    if let Some(count) = actor.id().and_then(|me| app.unread.get(me)) {
        return Ok(count);
    }
    unread_count_now(app, actor).await
}

/// [`unread_count`] read from the database now, for the live connection,
/// which must not miss a change made on another node.
pub async fn unread_count_now(app: &Stoa, actor: &Actor) -> Result<i64> {
    let Some(me) = actor.id() else {
        return Ok(0);
    };
    let epoch = app.unread.epoch();
    let count = read_unread_count(app, actor, me).await?;
    app.unread.put(me, count, epoch);
    Ok(count)
}

async fn read_unread_count(app: &Stoa, actor: &Actor, me: &str) -> Result<i64> {
    let mut conn = app.store.read().await?;
    // Most page views have nothing unread: then the spaces need not be read.
    if store::unread(&mut conn, me, 1).await?.is_empty() {
        return Ok(0);
    }
    let spaces = readable(&mut conn, actor).await?;
    count_unread(&mut conn, me, &spaces).await
}

async fn count_unread(conn: &mut Conn, user_id: &str, spaces: &HashMap<String, String>) -> Result<i64> {
    let rows = store::unread(conn, user_id, 100).await?;
    Ok(rows.iter().filter(|r| still_readable(r, spaces)).count() as i64)
}

/// Marks the given notifications, or all, read.
pub async fn mark_read(app: &Stoa, actor: &Actor, ids: Option<&[String]>) -> Result<u64> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let n = store::mark_read(&mut tx, &me.id, ids, app.now()).await?;
    stoa_store::commit(tx).await?;
    app.unread.forget([me.id.as_str()]);
    tell_other_nodes(app, std::slice::from_ref(&me.id)).await;
    Ok(n)
}

/// The signal that tells other nodes whose unread counts changed:
/// `unread:{node}:{id} {id}...`.
const UNREAD_SIGNAL: &str = "unread:";

/// Tells the other nodes sharing the database that these people's unread
/// counts changed (this node forgot them already). One process on SQLite
/// has nobody to tell.
async fn tell_other_nodes(app: &Stoa, user_ids: &[String]) {
    if user_ids.is_empty() || app.store.backend() == stoa_store::Backend::Sqlite {
        return;
    }
    let head = format!("{UNREAD_SIGNAL}{}:", app.node_id);
    let mut payload = head.clone();
    for id in user_ids {
        if payload.len() + id.len() + 1 > stoa_store::signals::MAX_BYTES {
            send_signal(app, &std::mem::replace(&mut payload, head.clone())).await;
        }
        if payload.len() > head.len() {
            payload.push(' ');
        }
        payload.push_str(id);
    }
    send_signal(app, &payload).await;
}

async fn send_signal(app: &Stoa, payload: &str) {
    if let Err(e) = app.store.signal(payload).await {
        tracing::warn!(error = %e, "could not tell other nodes of new notifications");
    }
}

/// Acts on another node's word that some unread counts changed; false when
/// the signal is not about them.
pub(crate) fn on_signal(app: &Stoa, payload: &str) -> bool {
    let Some(rest) = payload.strip_prefix(UNREAD_SIGNAL) else {
        return false;
    };
    if let Some((node, ids)) = rest.split_once(':')
        && node != &*app.node_id
    {
        app.unread.forget(ids.split(' '));
    }
    true
}

/// Signals may have been lost: every count is read afresh.
pub(crate) fn on_missed(app: &Stoa) {
    app.unread.forget_all();
}

pub use crate::cache::Bell;

/// A bell that rings when the actor's unread count may have changed (see
/// [`unread_count`]); `None` for anonymous people.
pub fn bell(app: &Stoa, actor: &Actor) -> Option<Bell> {
    actor.id().map(|me| app.unread.bell(me))
}

/// Opens a notification: marks it read and says where what it is about
/// lives now (a path on this site), if the actor may still see it.
pub async fn open(app: &Stoa, actor: &Actor, id: &str) -> Result<String> {
    let me = actor.require()?;
    let row = {
        let mut conn = app.store.read().await?;
        store::by_id(&mut conn, &me.id, id).await?.ok_or(CoreError::NotFound)?
    };
    mark_read(app, actor, Some(std::slice::from_ref(&row.id))).await?;
    let mut conn = app.store.read().await?;
    path_of(&mut conn, actor, &row).await
}

/// Where a notification's subject lives now, as `actor` may see it.
pub(crate) async fn path_of(conn: &mut Conn, actor: &Actor, row: &NotificationRow) -> Result<String> {
    let data: serde_json::Value = serde_json::from_str(&row.data).unwrap_or_default();
    if row.kind == FLAG {
        return Ok("/moderation".to_owned());
    }
    if let Some(post_id) = &row.post_id {
        let (post, found) = visible_post(conn, actor, post_id).await?;
        return Ok(format!("/s/{}/t/{}#post-{}", found.space.space.slug, found.thread_id, post.number));
    }
    if row.kind == INVITATION {
        return Ok("/".to_owned());
    }
    if row.kind == MESSAGE {
        return Ok(format!("/messages/{}", str_of(&data, "conversation_id").unwrap_or_default()));
    }
    let space = row.space_id.as_deref().ok_or(CoreError::NotFound)?;
    let view = load_by_id(conn, actor, space, Action::ReadContent).await?;
    let slug = &view.space.slug;
    Ok(match (row.kind.as_str(), str_of(&data, "what")) {
        (REVIEW, _) => format!("/s/{slug}/assignments/{}", str_of(&data, "assignment_id").unwrap_or_default()),
        (JOIN_REQUEST, _) => format!("/s/{slug}/members"),
        (_, Some("wiki")) => {
            format!(
                "/s/{slug}/wiki/{}",
                stoa_domain::markdown::percent_encode_path(str_of(&data, "slug").unwrap_or_default())
            )
        }
        (_, Some("library")) => format!("/library/{}", str_of(&data, "subject_id").unwrap_or_default()),
        (_, Some("chat")) => format!("/s/{slug}/chat#m-{}", str_of(&data, "subject_id").unwrap_or_default()),
        (_, Some("blog")) => format!("/s/{slug}/blog/{}", str_of(&data, "slug").unwrap_or_default()),
        (_, Some("event")) => format!("/events/{}", str_of(&data, "subject_id").unwrap_or_default()),
        _ => format!("/s/{slug}"),
    })
}

/// The actor's delivery choice for each kind, defaults filled in, and how
/// often their digest goes out.
#[derive(Debug, Clone, Serialize)]
pub struct Preferences {
    /// `(kind, delivery)` in the order of [`KINDS`].
    pub kinds: Vec<(String, String)>,
    /// `daily`, `weekly` or `never`.
    pub digest: String,
    /// Whether email can be sent at all (an address, and mail configured).
    pub email_possible: bool,
}

pub const DIGEST_EVERY: [&str; 3] = ["daily", "weekly", "never"];

pub async fn preferences(app: &Stoa, actor: &Actor) -> Result<Preferences> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let chosen: HashMap<String, String> = store::prefs(&mut conn, &me.id).await?.into_iter().collect();
    let kinds = KINDS
        .iter()
        .map(|k| ((*k).to_owned(), chosen.get(*k).cloned().unwrap_or_else(|| default_delivery(k).to_owned())))
        .collect();
    let digest = store::digest_every(&mut conn, &me.id).await?.unwrap_or_else(|| "daily".to_owned());
    let has_email = users::by_id(&mut conn, &me.id).await?.and_then(|u| u.email).is_some();
    Ok(Preferences { kinds, digest, email_possible: has_email && app.mail.is_some() })
}

/// Sets delivery per kind (kinds not given keep theirs) and the digest's
/// frequency (when given). Unknown kinds or values are refused, nothing
/// written.
pub async fn set_preferences(
    app: &Stoa,
    actor: &Actor,
    kinds: &[(String, String)],
    digest: Option<&str>,
) -> Result<Preferences> {
    let me = actor.require()?;
    let mut errors = Vec::new();
    for (kind, delivery) in kinds {
        if !KINDS.contains(&kind.as_str()) {
            errors.push(FieldError::new("kind", "invalid-option"));
        } else if !DELIVERIES.contains(&delivery.as_str()) {
            errors.push(FieldError::new("delivery", "invalid-option"));
        }
    }
    if digest.is_some_and(|d| !DIGEST_EVERY.contains(&d)) {
        errors.push(FieldError::new("digest", "invalid-option"));
    }
    if !errors.is_empty() {
        return Err(CoreError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    for (kind, delivery) in kinds {
        store::set_pref(&mut tx, &me.id, kind, delivery).await?;
    }
    if let Some(every) = digest {
        store::set_digest_every(&mut tx, &me.id, every).await?;
    }
    stoa_store::commit(tx).await?;
    preferences(app, actor).await
}
