//! `/yjs/wiki-{page id}` and `/yjs/event-{event id}`: the y-websocket
//! endpoint for editing a wiki page, or an event's shared notes, together. Any Yjs client speaking the standard sync and awareness
//! protocol can connect (the browser's editor, or `y-websocket` in Node),
//! with the session cookie, from a page of this site.
//!
//! The upgrade is refused as a page would be (404, 403, 401) unless the
//! person may edit the page (for notes: take part in the event's space); once in, they are asked again whenever
//! membership in the space changes, and closed if refused. Buffers are
//! bounded as on `/live`; a connection that falls behind the room is
//! closed, and its client resynchronises when it reconnects.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use stoa_core::coedit::{self, DocFrame, Handled, Joined, Peer};
use stoa_core::{Actor, CoreError};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::AppState;
use crate::ctx::RequestContext;
use crate::live::{SEND_TIMEOUT, same_origin};

/// Messages a client may send per second (every keystroke is one, and a
/// client replaying edits made offline sends many at once).
pub const MAX_MESSAGES_PER_SECOND: u32 = 1000;

static CONNECTIONS: AtomicU64 = AtomicU64::new(1);

pub fn router() -> Router<AppState> {
    Router::new().route("/yjs/{room}", get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    rc: RequestContext,
    headers: HeaderMap,
    Path(room): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&state, &headers) {
        return (StatusCode::FORBIDDEN, "This connection must come from a page of this site.").into_response();
    }
    let Some(subject) = coedit::Subject::from_room(&room) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let joined = match coedit::join(&state.app, &rc.actor, &subject).await {
        Ok(joined) => joined,
        Err(CoreError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(CoreError::Forbidden) => return StatusCode::FORBIDDEN.into_response(),
        Err(CoreError::SignInRequired) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not open a document");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let actor = rc.actor.clone();
    ws.max_message_size(coedit::MAX_MESSAGE_BYTES)
        .max_frame_size(coedit::MAX_MESSAGE_BYTES)
        .read_buffer_size(16 * 1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(2 * coedit::MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(state, actor, joined, socket))
}

/// How a connection's writing half ended.
enum Ended {
    /// The client or the room went away, fell behind, or stopped answering.
    Gone,
    /// The person may no longer edit: closed with code 4403.
    Refused,
}

/// Replies to one client waiting for its writing half.
const REPLIES: usize = 64;
/// The most frames written to one client in one go.
const FRAMES_AT_ONCE: usize = 64;

async fn serve(state: AppState, actor: Actor, joined: Joined, socket: WebSocket) {
    let Joined { room, frames, greeting } = joined;
    let me = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    let (sink, mut incoming) = socket.split();
    // Two halves: this task reads the client's messages (its updates are
    // queued for the disk, and sent to the others once written); a task of
    // its own writes (the others' updates, replies, pings), so forwarding
    // never waits for this client's messages.
    let (replies, outgoing) = tokio::sync::mpsc::channel::<Arc<[u8]>>(REPLIES);
    let answered = Arc::new(AtomicBool::new(true));
    let mut writing = tokio::spawn(write(
        state.clone(),
        actor.clone(),
        room.clone(),
        me,
        frames,
        outgoing,
        sink,
        greeting,
        answered.clone(),
    ));
    let mut peer = Peer::default();
    let mut window = (Instant::now(), 0u32);
    loop {
        let message = tokio::select! {
            message = incoming.next() => message,
            _ = &mut writing => break,
        };
        match message {
            Some(Ok(Message::Binary(data))) => {
                if window.0.elapsed() >= Duration::from_secs(1) {
                    window = (Instant::now(), 0);
                }
                window.1 += 1;
                if window.1 > MAX_MESSAGES_PER_SECOND {
                    break;
                }
                match coedit::handle(&state.app, &room, me, &mut peer, &actor, &data).await {
                    Ok(Handled::Reply(out)) => {
                        for bytes in out {
                            if replies.send(bytes).await.is_err() {
                                break;
                            }
                        }
                    }
                    Ok(Handled::Malformed) | Err(_) => break,
                }
            }
            Some(Ok(Message::Pong(_))) => answered.store(true, Ordering::Relaxed),
            Some(Ok(Message::Ping(_))) => {}
            Some(Ok(Message::Text(_) | Message::Close(_)) | Err(_)) | None => break,
        }
    }
    coedit::leave(&state.app, &room, &peer).await;
    // Without replies to wait for, the writing half closes the socket.
    drop(replies);
    if !writing.is_finished() {
        let _ = tokio::time::timeout(SEND_TIMEOUT, &mut writing).await;
        writing.abort();
    }
}

/// The writing half of a connection: the greeting, then the room's frames
/// from others, the replies the reading half hands over, and a ping every
/// `live_ping_every` (a client that did not answer the last is gone).
#[allow(clippy::too_many_arguments)]
async fn write(
    state: AppState,
    actor: Actor,
    room: Arc<coedit::DocRoom>,
    me: u64,
    mut frames: tokio::sync::broadcast::Receiver<DocFrame>,
    mut replies: tokio::sync::mpsc::Receiver<Arc<[u8]>>,
    mut sink: futures::stream::SplitSink<WebSocket, Message>,
    greeting: Vec<Arc<[u8]>>,
    answered: Arc<AtomicBool>,
) -> Ended {
    let send = async |sink: &mut futures::stream::SplitSink<WebSocket, Message>, message: Message| {
        matches!(tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await, Ok(Ok(())))
    };
    // Several frames at once, written together (one system call, not one each).
    let send_all = async |sink: &mut futures::stream::SplitSink<WebSocket, Message>, all: Vec<Arc<[u8]>>| {
        let written = async {
            for bytes in all {
                sink.feed(Message::Binary(bytes.to_vec().into())).await?;
            }
            sink.flush().await
        };
        matches!(tokio::time::timeout(SEND_TIMEOUT, written).await, Ok(Ok(())))
    };
    for bytes in &greeting {
        if !send(&mut sink, Message::Binary(bytes.to_vec().into())).await {
            return Ended::Gone;
        }
    }
    let every = state.config.live_ping_every;
    let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let ended = loop {
        tokio::select! {
            frame = frames.recv() => match frame {
                Ok(DocFrame::Message { from, bytes }) => {
                    // With people typing fast, more frames are waiting: take
                    // them too (a recheck among them waits for the next turn).
                    let mut all = Vec::new();
                    if from != me {
                        all.push(bytes);
                    }
                    let mut behind = false;
                    while all.len() < FRAMES_AT_ONCE {
                        match frames.try_recv() {
                            Ok(DocFrame::Message { from, bytes }) => {
                                if from != me {
                                    all.push(bytes);
                                }
                            }
                            Ok(DocFrame::Recheck) => {
                                if coedit::recheck(&state.app, &actor, &room).await.is_err() {
                                    return refuse(sink).await;
                                }
                            }
                            Ok(DocFrame::Failed) => {
                                behind = true;
                                break;
                            }
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Lagged(_) | TryRecvError::Closed) => {
                                behind = true;
                                break;
                            }
                        }
                    }
                    if behind || (!all.is_empty() && !send_all(&mut sink, all).await) {
                        break Ended::Gone;
                    }
                }
                Ok(DocFrame::Recheck) => {
                    if coedit::recheck(&state.app, &actor, &room).await.is_err() {
                        break Ended::Refused;
                    }
                }
                // Behind the room, the room failed or is gone: the client
                // reconnects and catches up through the sync protocol.
                Ok(DocFrame::Failed) | Err(RecvError::Lagged(_) | RecvError::Closed) => break Ended::Gone,
            },
            reply = replies.recv() => match reply {
                Some(bytes) => {
                    if !send(&mut sink, Message::Binary(bytes.to_vec().into())).await {
                        break Ended::Gone;
                    }
                }
                None => break Ended::Gone,
            },
            _ = pings.tick() => {
                if !answered.swap(false, Ordering::Relaxed) || !send(&mut sink, Message::Ping(Default::default())).await {
                    break Ended::Gone;
                }
            }
        }
    };
    if let Ended::Refused = ended {
        return refuse(sink).await;
    }
    let _ = sink.close().await;
    ended
}

/// Closes with 4403: may no longer edit (a client should not reconnect).
async fn refuse(mut sink: futures::stream::SplitSink<WebSocket, Message>) -> Ended {
    let frame = CloseFrame { code: 4403, reason: "forbidden".into() };
    let _ = sink.send(Message::Close(Some(frame))).await;
    let _ = sink.close().await;
    Ended::Refused
}
