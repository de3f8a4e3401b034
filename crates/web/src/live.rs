//! The `/live` WebSocket: one per browser tab, multiplexing subscriptions
//! to topics (`thread:{id}`, `space:{slug}`, `notifications`).
//!
//! The upgrade is authenticated from the session cookie (by the same
//! middleware as every page) and refused unless its `Origin` is this site's,
//! so another site cannot ride a visitor's cookie. Every buffer is bounded:
//! small socket buffers, a cap on message size, topics and messages per
//! second, and a send that does not finish in time closes the connection.
//! Nothing waits in a queue for a slow client: each subscription follows a
//! feed shared by every connection on the node that follows the same topic
//! (one read of the log per event, not per connection) and keeps a cursor
//! into the log, from which it reads on itself when it resumes or falls
//! too far behind. The unread count is read again only when the person's
//! bell rings (a notification came or was read).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use stoa_core::chat::{self, Ticket};
use stoa_core::live::{self, Topic};
use stoa_core::{Actor, CoreError, notifications};
use stoa_live::{ClientMessage, Feed, Frame, ServerMessage};
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;
use crate::ctx::RequestContext;

/// The largest message a client may send.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024;
/// Topics one connection may follow at once.
pub const MAX_TOPICS: usize = 32;
/// Messages a client may send per second before it is disconnected.
pub const MAX_MESSAGES_PER_SECOND: u32 = 20;
/// How long one send may take before the client counts as not reading.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a connection is pinged by default. A client that has not
/// answered one ping by the next (it stopped reading, or vanished) is
/// disconnected, so it holds neither memory nor a place in a room.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// Chat rooms one connection may be in at once.
pub const MAX_ROOMS: usize = 4;
/// How often a connection tells a room its person is typing, at most.
pub const TYPING_EVERY: Duration = Duration::from_secs(2);

pub fn router() -> Router<AppState> {
    Router::new().route("/live", get(upgrade))
}

/// Whether the request comes from a page of this site: its `Origin` is the
/// configured public address, or the address it was sent to.
pub(crate) fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    if let Some(url) = &state.config.public_url {
        return origin == url.trim_end_matches('/');
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

async fn upgrade(
    State(state): State<AppState>,
    rc: RequestContext,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&state, &headers) {
        return (StatusCode::FORBIDDEN, "This connection must come from a page of this site.").into_response();
    }
    let actor = rc.actor.clone();
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(64 * 1024)
        .on_upgrade(move |socket| serve(state, actor, socket))
}

/// Why a connection ends.
enum End {
    Closed,
    /// It sent too much, or stopped reading.
    Misbehaved,
}

struct Connection {
    state: AppState,
    actor: Actor,
    socket: futures::stream::SplitSink<WebSocket, Message>,
    /// The threads and spaces it follows.
    topics: Vec<Following>,
    /// Rung when the person's unread count may have changed, while it
    /// follows `notifications`.
    bell: Option<notifications::Bell>,
    unread: Option<i64>,
    /// The chat rooms it is in.
    rooms: Vec<InRoom>,
}

/// A thread or space followed through its feed.
struct Following {
    name: String,
    topic: Topic,
    /// Held so the feed lives while followed.
    _feed: Arc<Feed>,
    frames: tokio::sync::broadcast::Receiver<Frame>,
    /// The last event sent or passed over.
    cursor: i64,
}

/// A connection's place in a chat room.
struct InRoom {
    name: String,
    ticket: Ticket,
    /// The last event sent (frames up to here are not sent again).
    cursor: i64,
    typed: Option<Instant>,
}

/// The next frame from any of the rooms, with the room's index.
async fn next_frame(rooms: &mut [InRoom]) -> (usize, Result<Frame, RecvError>) {
    if rooms.is_empty() {
        return std::future::pending().await;
    }
    let waits = rooms.iter_mut().enumerate().map(|(i, r)| Box::pin(async move { (i, r.ticket.frames.recv().await) }));
    futures::future::select_all(waits).await.0
}

/// The next frame from any of the feeds, with the topic's index.
async fn next_feed_frame(topics: &mut [Following]) -> (usize, Result<Frame, RecvError>) {
    if topics.is_empty() {
        return std::future::pending().await;
    }
    let waits = topics.iter_mut().enumerate().map(|(i, t)| Box::pin(async move { (i, t.frames.recv().await) }));
    futures::future::select_all(waits).await.0
}

/// Waits for the bell, if there is one.
async fn ring(bell: &mut Option<notifications::Bell>) {
    match bell {
        Some(bell) => bell.rung().await,
        None => std::future::pending().await,
    }
}

impl Connection {
    async fn send(&mut self, message: &ServerMessage) -> Result<(), End> {
        let text = serde_json::to_string(message).map_err(|_| End::Closed)?;
        match tokio::time::timeout(SEND_TIMEOUT, self.socket.send(Message::Text(text.into()))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Closed),
            Err(_) => Err(End::Misbehaved),
        }
    }

    async fn send_text(&mut self, json: &str) -> Result<(), End> {
        match tokio::time::timeout(SEND_TIMEOUT, self.socket.send(Message::Text(json.into()))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Closed),
            Err(_) => Err(End::Misbehaved),
        }
    }

    async fn subscribe(&mut self, raw: &str, since: Option<i64>) -> Result<(), End> {
        let refused = |error: &str| ServerMessage::Refused { topic: raw.to_owned(), error: error.to_owned() };
        let following = self.topics.iter().any(|t| t.name == raw)
            || self.rooms.iter().any(|r| r.name == raw)
            || (raw == "notifications" && self.bell.is_some());
        if !following && self.topics.len() + self.rooms.len() + usize::from(self.bell.is_some()) >= MAX_TOPICS {
            return self.send(&refused("too_many_topics")).await;
        }
        if let Some(slug) = raw.strip_prefix("chat:") {
            return self.enter_room(raw, slug, since).await;
        }
        let topic = match Topic::parse(raw) {
            Ok(t) => t,
            Err(_) => return self.send(&refused("unknown_topic")).await,
        };
        if topic == Topic::Notifications {
            if let Err(e) = live::check(&self.state.app, &self.actor, &topic).await {
                return self.send(&refused(code(&e))).await;
            }
            self.bell = notifications::bell(&self.state.app, &self.actor);
            let latest = self.state.app.live.latest();
            self.send(&ServerMessage::Subscribed { topic: raw.to_owned(), seq: since.unwrap_or(latest).max(0) })
                .await?;
            self.unread = None;
            return self.read_unread().await;
        }
        self.topics.retain(|t| t.name != raw);
        let follow = match live::follow(&self.state.app, &self.actor, raw, &topic).await {
            Ok(f) => f,
            Err(e) => return self.send(&refused(code(&e))).await,
        };
        // From now on, or from `since` (read from the log up to where the feed takes over).
        let cursor = since.map_or(follow.cursor, |s| s.max(0));
        let behind = cursor < follow.cursor;
        self.topics.push(Following { name: raw.to_owned(), topic, _feed: follow.feed, frames: follow.frames, cursor });
        self.send(&ServerMessage::Subscribed { topic: raw.to_owned(), seq: cursor }).await?;
        if behind {
            return self.read_on(raw).await;
        }
        Ok(())
    }

    /// Reads a topic's events from the log after its cursor, up to the
    /// log's end, and sends them: for a client resuming from an earlier
    /// `seq`, and for a connection that fell too far behind its feed.
    async fn read_on(&mut self, name: &str) -> Result<(), End> {
        loop {
            let Some(t) = self.topics.iter().find(|t| t.name == name) else { return Ok(()) };
            let (topic, cursor) = (t.topic.clone(), t.cursor);
            let read = match &topic {
                Topic::Thread(id) => live::thread_events(&self.state.app, &self.actor, id, cursor).await,
                Topic::Space(slug) => live::space_events(&self.state.app, &self.actor, slug, cursor).await,
                Topic::Notifications => return Ok(()),
            };
            match read {
                Ok((events, next)) => {
                    for e in events {
                        let message = ServerMessage::Event {
                            topic: name.to_owned(),
                            seq: e.seq,
                            kind: e.kind,
                            subject_id: e.subject_id,
                            at: e.at,
                        };
                        self.send(&message).await?;
                    }
                    if let Some(t) = self.topics.iter_mut().find(|t| t.name == name) {
                        t.cursor = t.cursor.max(next);
                    }
                    if next == cursor || next - cursor < live::BATCH {
                        return Ok(());
                    }
                }
                Err(e) => return self.unfollow(name, &e).await,
            }
        }
    }

    /// Stops following a topic the policy no longer allows, and says why.
    async fn unfollow(&mut self, name: &str, e: &CoreError) -> Result<(), End> {
        self.topics.retain(|t| t.name != name);
        self.send(&ServerMessage::Refused { topic: name.to_owned(), error: code(e).to_owned() }).await
    }

    /// Takes what a feed gave: an event to send (once, and only if a
    /// guarded post may be seen), word to ask the policy again, or word
    /// that the connection fell behind (it then reads on from the log).
    async fn on_feed(&mut self, index: usize, frame: Result<Frame, RecvError>) -> Result<(), End> {
        let Some(t) = self.topics.get_mut(index) else { return Ok(()) };
        let name = t.name.clone();
        match frame {
            Ok(Frame::Text { seq, json }) if seq > t.cursor => {
                t.cursor = seq;
                self.send_text(&json).await
            }
            Ok(Frame::Guarded { seq, post, json }) if seq > t.cursor => {
                t.cursor = seq;
                match live::may_see_post(&self.state.app, &self.actor, &post).await {
                    Ok(true) => self.send_text(&json).await,
                    Ok(false) => Ok(()),
                    Err(e) => {
                        tracing::warn!(error = %e, "could not check a post for a live connection");
                        Ok(())
                    }
                }
            }
            Ok(Frame::Recheck { seq }) if seq > t.cursor => {
                t.cursor = seq;
                let topic = t.topic.clone();
                match live::check(&self.state.app, &self.actor, &topic).await {
                    Ok(()) => Ok(()),
                    Err(e) => self.unfollow(&name, &e).await,
                }
            }
            Ok(_) => Ok(()),
            Err(RecvError::Lagged(_)) => self.read_on(&name).await,
            Err(RecvError::Closed) => {
                self.topics.retain(|t| t.name != name);
                Ok(())
            }
        }
    }

    /// Reads the unread count and sends it if it changed.
    async fn read_unread(&mut self) -> Result<(), End> {
        let count = notifications::unread_count(&self.state.app, &self.actor).await.unwrap_or(0);
        if self.unread != Some(count) {
            self.unread = Some(count);
            self.send(&ServerMessage::Unread { count }).await?;
        }
        Ok(())
    }
}

impl Connection {
    /// Joins a chat room: sends who is here, then what the room had since
    /// `since` (or a `reset` when that is too much), then follows it.
    async fn enter_room(&mut self, raw: &str, slug: &str, since: Option<i64>) -> Result<(), End> {
        let refused = |error: &str| ServerMessage::Refused { topic: raw.to_owned(), error: error.to_owned() };
        if self.rooms.iter().any(|r| r.name == raw) {
            return Ok(());
        }
        if self.rooms.len() >= MAX_ROOMS {
            return self.send(&refused("too_many_rooms")).await;
        }
        let ticket = match chat::join(&self.state.app, &self.actor, slug).await {
            Ok(t) => t,
            Err(e) => return self.send(&refused(code(&e))).await,
        };
        let latest = self.state.app.live.latest();
        let mut room = InRoom { name: raw.to_owned(), cursor: since.unwrap_or(latest).max(0), ticket, typed: None };
        let mut backlog = Vec::new();
        let mut reset = false;
        if let Some(since) = since.filter(|s| *s < latest) {
            match chat::replay(&self.state.app, &room.ticket, since.max(0)).await {
                Ok(Some((frames, cursor))) => {
                    backlog = frames;
                    room.cursor = cursor.max(since);
                }
                Ok(None) => {
                    reset = true;
                    room.cursor = latest;
                }
                Err(e) => return self.send(&refused(code(&e))).await,
            }
        }
        let from = if reset { latest } else { since.unwrap_or(latest).max(0) };
        self.send(&ServerMessage::Subscribed { topic: raw.to_owned(), seq: from }).await?;
        if reset {
            self.send(&ServerMessage::Reset { topic: raw.to_owned(), seq: latest }).await?;
        }
        let presence = room.ticket.presence.clone();
        self.send_text(&presence).await?;
        for frame in backlog {
            if let Frame::Text { json, .. } = frame {
                self.send_text(&json).await?;
            }
        }
        self.rooms.push(room);
        Ok(())
    }

    /// Takes what a room's channel gave: a frame, or word that this
    /// connection fell more than a channel's worth behind (a burst the
    /// connection did not keep up with), in which case it reads on from
    /// its cursor in the log. A client that does not read at all is
    /// disconnected by the send timeout, never queued for.
    async fn forward(&mut self, index: usize, frame: Result<Frame, RecvError>) -> Result<(), End> {
        match frame {
            Ok(frame) => self.handle(index, frame).await,
            Err(RecvError::Lagged(_)) => {
                let Some(room) = self.rooms.get(index) else { return Ok(()) };
                let (name, cursor) = (room.name.clone(), room.cursor);
                match chat::replay(&self.state.app, &room.ticket, cursor).await {
                    Ok(Some((frames, _))) => {
                        for frame in frames {
                            // A recheck may have taken the connection out of the room.
                            if self.rooms.get(index).is_none_or(|r| r.name != name) {
                                break;
                            }
                            self.handle(index, frame).await?;
                        }
                        Ok(())
                    }
                    Ok(None) => {
                        let latest = self.state.app.live.latest();
                        if let Some(room) = self.rooms.get_mut(index) {
                            room.cursor = latest;
                        }
                        self.send(&ServerMessage::Reset { topic: name, seq: latest }).await
                    }
                    Err(_) => Err(End::Closed),
                }
            }
            Err(RecvError::Closed) => {
                self.rooms.remove(index);
                Ok(())
            }
        }
    }

    /// Sends a room's frame unless it was sent already; asks the policy
    /// again when membership changed, and leaves the room if refused.
    async fn handle(&mut self, index: usize, frame: Frame) -> Result<(), End> {
        let Some(room) = self.rooms.get_mut(index) else { return Ok(()) };
        match frame {
            Frame::Text { seq, json } => {
                if seq == 0 || seq > room.cursor {
                    room.cursor = room.cursor.max(seq);
                    return self.send_text(&json).await;
                }
                Ok(())
            }
            Frame::Guarded { .. } => Ok(()),
            Frame::Recheck { seq } => {
                if seq <= room.cursor {
                    return Ok(());
                }
                room.cursor = seq;
                match chat::recheck(&self.state.app, &self.actor, &room.ticket).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let room = self.rooms.remove(index);
                        let message = ServerMessage::Refused { topic: room.name.clone(), error: code(&e).to_owned() };
                        drop(room);
                        self.send(&message).await
                    }
                }
            }
        }
    }

    async fn typing(&mut self, topic: &str) -> Result<(), End> {
        let Some(room) = self.rooms.iter_mut().find(|r| r.name == topic) else { return Ok(()) };
        if room.typed.is_some_and(|at| at.elapsed() < TYPING_EVERY) {
            return Ok(());
        }
        room.typed = Some(Instant::now());
        if let Err(e) = chat::typing(&self.state.app, &self.actor, &room.ticket).await {
            tracing::warn!(error = %e, "could not tell a room someone is typing");
        }
        Ok(())
    }
}

fn code(e: &CoreError) -> &'static str {
    match e {
        CoreError::NotFound => "not_found",
        CoreError::Forbidden => "forbidden",
        CoreError::SignInRequired => "sign_in_required",
        _ => "unavailable",
    }
}

/// What woke a connection.
enum Next {
    Incoming(Option<Result<Message, axum::Error>>),
    Feed(usize, Result<Frame, RecvError>),
    Room(usize, Result<Frame, RecvError>),
    Bell,
    Ping,
}

async fn serve(state: AppState, actor: Actor, socket: WebSocket) {
    let (sink, mut incoming) = socket.split();
    let mut conn =
        Connection { state, actor, socket: sink, topics: Vec::new(), bell: None, unread: None, rooms: Vec::new() };
    let mut window = (Instant::now(), 0u32);
    let every = conn.state.config.live_ping_every;
    let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    // A server too busy to tick on time must not take two ticks in a row for
    // a ping that went unanswered.
    pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut unanswered = false;
    let end = loop {
        // What the client sent comes first: a pong waiting to be read is
        // never taken for silence.
        let next = tokio::select! {
            biased;
            message = incoming.next() => Next::Incoming(message),
            (index, frame) = next_feed_frame(&mut conn.topics) => Next::Feed(index, frame),
            (index, frame) = next_frame(&mut conn.rooms) => Next::Room(index, frame),
            () = ring(&mut conn.bell) => Next::Bell,
            _ = pings.tick() => Next::Ping,
        };
        let result = match next {
            Next::Incoming(message) => {
                let text = match message {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => break End::Misbehaved,
                    Some(Ok(Message::Pong(_))) => {
                        unanswered = false;
                        continue;
                    }
                    Some(Ok(Message::Ping(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break End::Closed,
                };
                if window.0.elapsed() >= Duration::from_secs(1) {
                    window = (Instant::now(), 0);
                }
                window.1 += 1;
                if window.1 > MAX_MESSAGES_PER_SECOND {
                    break End::Misbehaved;
                }
                match serde_json::from_str::<ClientMessage>(&text) {
                    Ok(ClientMessage::Subscribe { topic, since }) => conn.subscribe(&topic, since).await,
                    Ok(ClientMessage::Unsubscribe { topic }) => {
                        conn.topics.retain(|t| t.name != topic);
                        conn.rooms.retain(|r| r.name != topic);
                        if topic == "notifications" {
                            conn.bell = None;
                        }
                        Ok(())
                    }
                    Ok(ClientMessage::Typing { topic }) => conn.typing(&topic).await,
                    Err(_) => {
                        let message = ServerMessage::Refused { topic: String::new(), error: "bad_message".into() };
                        conn.send(&message).await
                    }
                }
            }
            Next::Feed(index, frame) => conn.on_feed(index, frame).await,
            Next::Room(index, frame) => conn.forward(index, frame).await,
            Next::Bell => conn.read_unread().await,
            Next::Ping if unanswered => break End::Misbehaved,
            Next::Ping => {
                unanswered = true;
                match tokio::time::timeout(SEND_TIMEOUT, conn.socket.send(Message::Ping(Default::default()))).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(_)) => Err(End::Closed),
                    Err(_) => Err(End::Misbehaved),
                }
            }
        };
        if let Err(end) = result {
            break end;
        }
    };
    if matches!(end, End::Misbehaved) {
        tracing::info!("closed a live connection that sent too much or stopped reading");
    }
    let _ = conn.socket.close().await;
}
