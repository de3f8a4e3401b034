//! The `/live` WebSocket: one per browser tab, multiplexing subscriptions
//! to topics (`thread:{id}`, `space:{slug}`, `notifications`).
//!
//! The upgrade is authenticated from the session cookie (by the same
//! middleware as every page) and refused unless its `Origin` is this site's,
//! so another site cannot ride a visitor's cookie. Every buffer is bounded:
//! small socket buffers, a cap on message size, topics and messages per
//! second, and a send that does not finish in time closes the connection.
//! Nothing waits in a queue for a slow client: each subscription keeps a
//! cursor into the event log and reads on from it when the log grows.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use stoa_core::live::{self, Topic};
use stoa_core::{Actor, CoreError, notifications};
use stoa_live::{ClientMessage, ServerMessage};

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

pub fn router() -> Router<AppState> {
    Router::new().route("/live", get(upgrade))
}

/// Whether the request comes from a page of this site: its `Origin` is the
/// configured public address, or the address it was sent to.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
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
    /// Each topic's cursor in the event log.
    topics: HashMap<String, (Topic, i64)>,
    unread: Option<i64>,
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

    async fn subscribe(&mut self, raw: &str, since: Option<i64>) -> Result<(), End> {
        let refused = |error: &str| ServerMessage::Refused { topic: raw.to_owned(), error: error.to_owned() };
        if !self.topics.contains_key(raw) && self.topics.len() >= MAX_TOPICS {
            return self.send(&refused("too_many_topics")).await;
        }
        let topic = match Topic::parse(raw) {
            Ok(t) => t,
            Err(_) => return self.send(&refused("unknown_topic")).await,
        };
        if let Err(e) = live::check(&self.state.app, &self.actor, &topic).await {
            return self.send(&refused(code(&e))).await;
        }
        let latest = self.state.app.live.latest();
        let cursor = since.unwrap_or(latest).clamp(0, latest.max(since.unwrap_or(0)));
        self.topics.insert(raw.to_owned(), (topic, cursor));
        self.send(&ServerMessage::Subscribed { topic: raw.to_owned(), seq: cursor }).await?;
        self.deliver().await
    }

    /// Sends what each topic has had since its cursor.
    async fn deliver(&mut self) -> Result<(), End> {
        let names: Vec<String> = self.topics.keys().cloned().collect();
        for name in names {
            let Some((topic, cursor)) = self.topics.get(&name).cloned() else { continue };
            match topic {
                Topic::Thread(_) | Topic::Space(_) => {
                    let mut cursor = cursor;
                    loop {
                        let read = match &topic {
                            Topic::Thread(id) => live::thread_events(&self.state.app, &self.actor, id, cursor).await,
                            Topic::Space(slug) => live::space_events(&self.state.app, &self.actor, slug, cursor).await,
                            Topic::Notifications => break,
                        };
                        match read {
                            Ok((events, next)) => {
                                for e in events {
                                    let message = ServerMessage::Event {
                                        topic: name.clone(),
                                        seq: e.seq,
                                        kind: e.kind,
                                        subject_id: e.subject_id,
                                        at: e.at,
                                    };
                                    self.send(&message).await?;
                                }
                                let done = next == cursor || next - cursor < live::BATCH;
                                cursor = next;
                                if let Some(entry) = self.topics.get_mut(&name) {
                                    entry.1 = cursor;
                                }
                                if done {
                                    break;
                                }
                            }
                            Err(e) => {
                                // No longer readable (removed, moved away): stop at once.
                                self.topics.remove(&name);
                                let message =
                                    ServerMessage::Refused { topic: name.clone(), error: code(&e).to_owned() };
                                self.send(&message).await?;
                                break;
                            }
                        }
                    }
                }
                Topic::Notifications => {
                    let count = notifications::unread_count(&self.state.app, &self.actor).await.unwrap_or(0);
                    if self.unread != Some(count) {
                        self.unread = Some(count);
                        self.send(&ServerMessage::Unread { count }).await?;
                    }
                }
            }
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

async fn serve(state: AppState, actor: Actor, socket: WebSocket) {
    let mut wake = state.app.live.watch();
    let (sink, mut incoming) = socket.split();
    let mut conn = Connection { state, actor, socket: sink, topics: HashMap::new(), unread: None };
    let mut window = (Instant::now(), 0u32);
    let end = loop {
        tokio::select! {
            message = incoming.next() => {
                let text = match message {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => break End::Misbehaved,
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break End::Closed,
                };
                if window.0.elapsed() >= Duration::from_secs(1) {
                    window = (Instant::now(), 0);
                }
                window.1 += 1;
                if window.1 > MAX_MESSAGES_PER_SECOND {
                    break End::Misbehaved;
                }
                let result = match serde_json::from_str::<ClientMessage>(&text) {
                    Ok(ClientMessage::Subscribe { topic, since }) => conn.subscribe(&topic, since).await,
                    Ok(ClientMessage::Unsubscribe { topic }) => {
                        conn.topics.remove(&topic);
                        Ok(())
                    }
                    Err(_) => {
                        let message = ServerMessage::Refused { topic: String::new(), error: "bad_message".into() };
                        conn.send(&message).await
                    }
                };
                if let Err(end) = result {
                    break end;
                }
            }
            changed = wake.changed() => {
                if changed.is_err() {
                    break End::Closed;
                }
                if let Err(end) = conn.deliver().await {
                    break end;
                }
            }
        }
    };
    if matches!(end, End::Misbehaved) {
        tracing::info!("closed a live connection that sent too much or stopped reading");
    }
    let _ = conn.socket.close().await;
}
