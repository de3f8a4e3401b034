//! Chat: a room per space (and so per team), for its members.
//!
//! Messages are rows with an event each (`chat.posted`, `chat.edited`,
//! `chat.deleted`), so a room's live feed, like every other, is read from
//! the event log: a connection that comes back resumes from the last `seq`
//! it saw, and a node learns of messages written on another node from the
//! log. Being in a room is taking part: reading, writing, presence and
//! typing all need [`Action::Post`] (a member, or a facilitator of the
//! team's community), asked again whenever membership in the space changes.
//!
//! On each node a room has one reader ([`stoa_live::Room`]): it reads the
//! room's events once and hands each, serialized once, to every connection
//! in the room. Presence is a row per person per node (written when their
//! first connection on the node arrives and their last one goes), counted
//! only while the node renews itself, so a node that dies takes its people
//! with it. Typing is a signal and is never stored.

use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::Serialize;
use stoa_domain::{Action, ChatBody};
use stoa_live::{ChatMessage as LiveMessage, Frame, Person, Room, ServerMessage};
use stoa_store::chat::{self as store, MessageRow};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::spaces::SpaceView;
use stoa_store::{Conn, new_id};
use tokio::sync::broadcast;

use crate::spaces::{SpaceSummary, allowed, load};
use crate::{Actor, CoreError, FieldError, Result, Stoa};

/// Messages per page of history.
pub const PAGE: i64 = 50;
/// Events a resuming connection is sent at most; further behind, it is
/// told to read the room afresh.
pub const REPLAY_MAX: i64 = 500;
/// People named in a presence message; the rest are counted.
pub const PRESENCE_SHOWN: i64 = 50;
/// How long a node counts as alive after it last said so.
pub const NODE_TTL_MS: i64 = 30_000;
/// Events read per round by a room's reader.
const BATCH: i64 = 200;

/// A chat message as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: String,
    pub author_username: String,
    pub author_display_name: String,
    /// The Markdown source (empty once deleted).
    pub body: String,
    /// Sanitized when written.
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted: bool,
    /// The reader wrote it (and may edit it).
    pub mine: bool,
    /// The reader may delete it (theirs, or they moderate the space).
    pub may_delete: bool,
}

impl Message {
    fn of(row: MessageRow, reader: &str, moderates: bool) -> Self {
        let mine = row.author_id == reader;
        let deleted = row.deleted_at.is_some();
        Self {
            id: row.id,
            author_username: row.author_username,
            author_display_name: row.author_display_name,
            body: row.body,
            body_html: row.body_html,
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted,
            mine: mine && !deleted,
            may_delete: !deleted && (mine || moderates),
        }
    }
}

/// A page of a room's history, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Chat {
    pub space: SpaceSummary,
    pub messages: Vec<Message>,
    /// Pass as `before` for the page before this one; `None` at the start.
    pub older_before: Option<String>,
    /// The live topic to follow for what comes next.
    pub topic: String,
    /// The newest event the page reflects: follow the topic from here.
    pub seq: i64,
    /// Whether the reader moderates the room (deletes anyone's messages).
    pub moderates: bool,
}

fn topic_of(view: &SpaceView) -> String {
    format!("chat:{}", view.space.slug)
}

fn invalid_body(e: &stoa_domain::Invalid) -> CoreError {
    CoreError::Invalid(vec![FieldError::invalid("body", e)])
}

/// A page of the room's history: the newest messages, or those before the
/// message `before`.
pub async fn history(app: &Stoa, actor: &Actor, slug: &str, before: Option<&str>) -> Result<Chat> {
    let mut conn = app.store.read().await?;
    // Read the log's end first: anything after it will come live.
    let seq = events::last_seq(&mut conn).await?;
    let view = load(&mut conn, actor, slug, Action::Post).await?;
    let me = actor.require()?;
    let moderates = allowed(actor, &view, Action::ModeratePosts);
    let mut rows = store::page(&mut conn, &view.space.id, before, PAGE + 1).await?;
    let older_before = if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.id.clone())
    } else {
        None
    };
    rows.reverse();
    let messages = rows.into_iter().map(|r| Message::of(r, &me.id, moderates)).collect();
    Ok(Chat { topic: topic_of(&view), space: SpaceSummary::of(&view), messages, older_before, seq, moderates })
}

/// Writes a message in the space's room.
pub async fn send(app: &Stoa, actor: &Actor, slug: &str, body: &str) -> Result<Message> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = load(&mut tx, actor, slug, Action::Post).await?;
    let body = ChatBody::parse(body).map_err(|e| invalid_body(&e))?;
    let html = crate::discussions::render_post(&mut tx, body.as_str(), &me.id).await?;
    let id = new_id();
    let now = app.now();
    store::insert(&mut tx, &id, &view.space.id, &me.id, body.as_str(), &html, now).await?;
    append(&mut tx, kind::CHAT_POSTED, &me.id, &view.space.id, &id, serde_json::json!({}), now).await?;
    let row = store::by_id(&mut tx, &id).await?.ok_or(CoreError::NotFound)?;
    stoa_store::commit(tx).await?;
    Ok(Message::of(row, &me.id, allowed(actor, &view, Action::ModeratePosts)))
}

/// A message and its space, for someone who may take part in its room.
async fn load_message(conn: &mut Conn, actor: &Actor, id: &str) -> Result<(MessageRow, SpaceView)> {
    let row = store::by_id(conn, id).await?.ok_or(CoreError::NotFound)?;
    let view = crate::spaces::load_by_id(conn, actor, &row.space_id, Action::Post).await?;
    Ok((row, view))
}

/// One message, for someone who may take part in its room.
pub async fn message(app: &Stoa, actor: &Actor, id: &str) -> Result<Message> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let (row, view) = load_message(&mut conn, actor, id).await?;
    Ok(Message::of(row, &me.id, allowed(actor, &view, Action::ModeratePosts)))
}

/// Changes the words of one's own message.
pub async fn edit(app: &Stoa, actor: &Actor, id: &str, body: &str) -> Result<Message> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load_message(&mut tx, actor, id).await?;
    if row.deleted_at.is_some() {
        return Err(CoreError::NotFound);
    }
    if row.author_id != me.id {
        return Err(CoreError::Forbidden);
    }
    let body = ChatBody::parse(body).map_err(|e| invalid_body(&e))?;
    let html = crate::discussions::render_post(&mut tx, body.as_str(), &me.id).await?;
    let now = app.now();
    store::edit(&mut tx, id, body.as_str(), &html, now).await?;
    append(&mut tx, kind::CHAT_EDITED, &me.id, &view.space.id, id, serde_json::json!({}), now).await?;
    let row = store::by_id(&mut tx, id).await?.ok_or(CoreError::NotFound)?;
    stoa_store::commit(tx).await?;
    Ok(Message::of(row, &me.id, allowed(actor, &view, Action::ModeratePosts)))
}

/// Deletes a message: one's own, or anyone's for a moderator of the space.
pub async fn delete(app: &Stoa, actor: &Actor, id: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load_message(&mut tx, actor, id).await?;
    if row.deleted_at.is_some() {
        return Err(CoreError::NotFound);
    }
    let by_moderator = row.author_id != me.id;
    if by_moderator && !allowed(actor, &view, Action::ModeratePosts) {
        return Err(CoreError::Forbidden);
    }
    let now = app.now();
    store::delete(&mut tx, id, &me.id, now).await?;
    let data = serde_json::json!({"by_moderator": by_moderator, "author_id": row.author_id});
    append(&mut tx, kind::CHAT_DELETED, &me.id, &view.space.id, id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

async fn append(
    tx: &mut Conn,
    kind: &str,
    actor_id: &str,
    space_id: &str,
    subject_id: &str,
    data: serde_json::Value,
    now: i64,
) -> Result<()> {
    let event =
        NewEvent { kind, actor_id: Some(actor_id), space_id: Some(space_id), subject_id: Some(subject_id), data };
    events::append(tx, event, now).await?;
    Ok(())
}

/// Who has the room open now.
#[derive(Debug, Clone, Serialize)]
pub struct Presence {
    pub people: Vec<Person>,
    pub count: i64,
}

/// Who has the space's room open now (on any living node).
pub async fn presence(app: &Stoa, actor: &Actor, slug: &str) -> Result<Presence> {
    let mut conn = app.store.read().await?;
    let view = load(&mut conn, actor, slug, Action::Post).await?;
    present(&mut conn, &view.space.id, app.now()).await
}

async fn present(conn: &mut Conn, space_id: &str, now: i64) -> Result<Presence> {
    let (rows, count) = store::present(conn, space_id, now, PRESENCE_SHOWN).await?;
    let people = rows.into_iter().map(|(_, username, display_name)| Person { username, display_name }).collect();
    Ok(Presence { people, count })
}

// ---------------------------------------------------------------------------
// Live rooms

/// Kinds that may change who may be in a room, wherever they happen.
const RECHECK_ANYWHERE: [&str; 1] = [kind::ADMIN_USER_CHANGED];
/// Kinds that may change who may be in a room, in its space or its
/// community.
const RECHECK_HERE: [&str; 5] =
    [kind::MEMBER_LEFT, kind::MEMBER_REMOVED, kind::MEMBER_ROLE_CHANGED, kind::SPACE_UPDATED, kind::FACILITATOR_SCOPED];

/// A connection's place in a room. While it is held, its person is present
/// (on this node); dropping it takes them out when it was their last.
pub struct Ticket {
    app: Stoa,
    pub room: Arc<Room>,
    /// The room's frames, from the moment of joining.
    pub frames: broadcast::Receiver<Frame>,
    /// The presence message as it stood when joining, serialized.
    pub presence: Arc<str>,
    user_id: String,
    /// The community the room's team belongs to, if any.
    parent: Option<String>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.room.leave(&self.user_id)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let (app, space_id, user_id) = (self.app.clone(), self.room.space_id.clone(), self.user_id.clone());
            runtime.spawn(async move {
                if let Err(e) = depart(&app, &space_id, &user_id).await {
                    tracing::warn!(error = %e, "could not record that someone left a chat room");
                }
            });
        }
    }
}

async fn depart(app: &Stoa, space_id: &str, user_id: &str) -> Result<()> {
    let mut tx = app.store.begin().await?;
    store::depart(&mut tx, space_id, user_id, &app.node_id).await?;
    stoa_store::commit(tx).await?;
    signal_presence(app, space_id).await
}

#[derive(Serialize, serde::Deserialize)]
#[serde(tag = "s", rename_all = "snake_case")]
enum Signal {
    Presence { space: String },
    Typing { space: String, username: String, name: String },
}

async fn signal_presence(app: &Stoa, space_id: &str) -> Result<()> {
    let payload = serde_json::to_string(&Signal::Presence { space: space_id.to_owned() }).unwrap_or_default();
    app.store.signal(&payload).await?;
    Ok(())
}

/// Joins the space's room: the actor must be one who may take part. The
/// ticket's frames start now; [`replay`] sends what came before.
pub async fn join(app: &Stoa, actor: &Actor, slug: &str) -> Result<Ticket> {
    let me = actor.require()?;
    let view = {
        let mut conn = app.store.read().await?;
        load(&mut conn, actor, slug, Action::Post).await?
    };
    let (room, new) = app.rooms.open(&view.space.id, &topic_of(&view));
    if new {
        let parent = view.space.parent_id.clone();
        tokio::spawn(read_room(app.clone(), Arc::downgrade(&room), parent, app.live.latest()));
    }
    let frames = room.subscribe();
    let first_here = room.enter(&me.id);
    // From here on, dropping the ticket undoes the arrival.
    let mut ticket = Ticket {
        app: app.clone(),
        room: room.clone(),
        frames,
        presence: Arc::from(""),
        user_id: me.id.clone(),
        parent: view.space.parent_id.clone(),
    };
    let now = app.now();
    if first_here {
        let mut tx = app.store.begin().await?;
        store::renew_node(&mut tx, &app.node_id, now + NODE_TTL_MS, now).await?;
        store::arrive(&mut tx, &room.space_id, &me.id, &app.node_id, now).await?;
        stoa_store::commit(tx).await?;
        signal_presence(app, &room.space_id).await?;
    }
    let mut conn = app.store.read().await?;
    ticket.presence = presence_message(&mut conn, &room, now).await?;
    Ok(ticket)
}

/// Whether the ticket's holder may still be in the room.
pub async fn recheck(app: &Stoa, actor: &Actor, ticket: &Ticket) -> Result<()> {
    let mut conn = app.store.read().await?;
    crate::spaces::load_by_id(&mut conn, actor, &ticket.room.space_id, Action::Post).await.map(|_| ())
}

/// What the room had after `since`, for a connection that comes back, and
/// the `seq` to follow on from; `None` when that is more than
/// [`REPLAY_MAX`] events (the client should read the room afresh).
pub async fn replay(app: &Stoa, ticket: &Ticket, since: i64) -> Result<Option<(Vec<Frame>, i64)>> {
    let (frames, cursor, read) = frames_after(app, &ticket.room, ticket.parent.as_deref(), since, REPLAY_MAX).await?;
    Ok((read < REPLAY_MAX).then_some((frames, cursor)))
}

/// Tells everyone in the room, on every node, that the actor is typing.
pub async fn typing(app: &Stoa, actor: &Actor, ticket: &Ticket) -> Result<()> {
    let me = actor.require()?;
    let signal = Signal::Typing {
        space: ticket.room.space_id.clone(),
        username: me.username.clone(),
        name: me.display_name.clone(),
    };
    app.store.signal(&serde_json::to_string(&signal).unwrap_or_default()).await?;
    Ok(())
}

/// Hands a signal from any node to the room it is about, if it is open
/// here. Returns whether the payload was a chat signal.
pub(crate) fn on_signal(app: &Stoa, payload: &str) -> bool {
    let Ok(signal) = serde_json::from_str::<Signal>(payload) else {
        return false;
    };
    match signal {
        Signal::Presence { space } => {
            if let Some(room) = app.rooms.get(&space) {
                room.presence_changed();
            }
        }
        Signal::Typing { space, username, name } => {
            if let Some(room) = app.rooms.get(&space) {
                let message = ServerMessage::Typing {
                    topic: room.topic.clone(),
                    person: Person { username, display_name: name },
                };
                room.publish(Frame::Text { seq: 0, json: serialize(&message) });
            }
        }
    }
    true
}

/// Signals may have been lost: every open room re-reads who is present.
pub(crate) fn on_missed(app: &Stoa) {
    for room in app.rooms.all() {
        room.presence_changed();
    }
}

/// Keeps this node counted as alive and sweeps away the presence of nodes
/// that are not (run every few seconds).
pub async fn renew_node(app: &Stoa) -> Result<()> {
    let now = app.now();
    let mut tx = app.store.begin().await?;
    store::renew_node(&mut tx, &app.node_id, now + NODE_TTL_MS, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// This node stops: its presence goes at once, not when it expires.
pub async fn forget_node(app: &Stoa) -> Result<()> {
    let mut tx = app.store.begin().await?;
    store::forget_node(&mut tx, &app.node_id).await?;
    stoa_store::commit(tx).await?;
    for room in app.rooms.all() {
        signal_presence(app, &room.space_id).await?;
    }
    Ok(())
}

fn serialize(message: &ServerMessage) -> Arc<str> {
    Arc::from(serde_json::to_string(message).unwrap_or_default())
}

async fn presence_message(conn: &mut Conn, room: &Room, now: i64) -> Result<Arc<str>> {
    let Presence { people, count } = present(conn, &room.space_id, now).await?;
    Ok(serialize(&ServerMessage::Presence { topic: room.topic.clone(), people, count }))
}

/// The room's frames for events after `after` (at most `limit` events
/// read), the `seq` to read from next, and how many events were read.
async fn frames_after(
    app: &Stoa,
    room: &Room,
    parent: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<(Vec<Frame>, i64, i64)> {
    let mut conn = app.store.read().await?;
    let mut spaces = vec![room.space_id.clone()];
    spaces.extend(parent.map(str::to_owned));
    let batch = events::in_spaces_or_kinds_after(&mut conn, &spaces, &RECHECK_ANYWHERE, after, limit).await?;
    let read = batch.len() as i64;
    let cursor = batch.last().map_or(after, |e| e.seq);
    let is_chat = |e: &events::Event| e.kind.starts_with("chat.") && e.space_id.as_deref() == Some(&room.space_id);
    let ids: Vec<String> = batch.iter().filter(|e| is_chat(e)).filter_map(|e| e.subject_id.clone()).collect();
    let rows = store::by_ids(&mut conn, &ids).await?;
    let mut frames = Vec::new();
    for e in &batch {
        if is_chat(e) {
            let Some(row) = e.subject_id.as_ref().and_then(|id| rows.iter().find(|r| &r.id == id)) else {
                continue;
            };
            let action = e.kind.trim_start_matches("chat.").to_owned();
            let message = LiveMessage {
                id: row.id.clone(),
                author: Person { username: row.author_username.clone(), display_name: row.author_display_name.clone() },
                body_html: row.body_html.clone(),
                created_at: row.created_at,
                edited_at: row.edited_at,
                deleted: row.deleted_at.is_some(),
            };
            let json = serialize(&ServerMessage::Chat { topic: room.topic.clone(), seq: e.seq, action, message });
            frames.push(Frame::Text { seq: e.seq, json });
        } else if RECHECK_ANYWHERE.contains(&e.kind.as_str()) || RECHECK_HERE.contains(&e.kind.as_str()) {
            frames.push(Frame::Recheck { seq: e.seq });
        }
    }
    Ok((frames, cursor, read))
}

/// A room's reader on this node: follows the log from `cursor` and
/// publishes the room's frames, and who is present when that changes.
/// Ends once nobody holds the room.
async fn read_room(app: Stoa, room: Weak<Room>, parent: Option<String>, mut cursor: i64) {
    let mut wake = app.live.watch();
    let Some(presence) = room.upgrade().map(|r| r.presence_signal()) else { return };
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        {
            let Some(room) = room.upgrade() else { return };
            loop {
                match frames_after(&app, &room, parent.as_deref(), cursor, BATCH).await {
                    Ok((frames, next, read)) => {
                        for frame in frames {
                            room.publish(frame);
                        }
                        cursor = next;
                        if read < BATCH {
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "a chat room could not read the event log");
                        break;
                    }
                }
            }
        }
        tokio::select! {
            changed = wake.changed() => if changed.is_err() { return },
            () = presence.notified() => {
                // Let a burst of arrivals settle into one message.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let Some(room) = room.upgrade() else { return };
                let now = app.now();
                let message = async {
                    let mut conn = app.store.read().await?;
                    presence_message(&mut conn, &room, now).await
                };
                match message.await {
                    Ok(json) => room.publish(Frame::Text { seq: 0, json }),
                    Err(e) => tracing::warn!(error = %e, "a chat room could not read who is present"),
                }
            }
            _ = tick.tick() => {}
        }
    }
}
