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
//!
//! Every message is checked before it touches the document
//! (`stoa_core::coedit::wire`). A connection is closed, with nothing of the
//! offending message applied, with one of these codes:
//!
//! | code | reason |
//! |------|--------|
//! | 4400 | a malformed message, or an update the editor does not send |
//! | 4403 | the person may no longer edit |
//! | 4413 | a message, the text or the document is past its limit |
//! | 4423 | the document is quarantined (it could not be loaded) |
//! | 4429 | more messages in a second than allowed |

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

/// Close codes (see the table above).
const MALFORMED: u16 = 4400;
const FORBIDDEN: u16 = 4403;
const TOO_LARGE: u16 = 4413;
const QUARANTINED: u16 = 4423;
const TOO_MANY: u16 = 4429;

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
        // Said in the close frame, where a Yjs client reads why it stopped.
        Err(CoreError::Quarantined) => {
            return ws.on_upgrade(|socket| async move {
                let (mut sink, _) = socket.split();
                close(&mut sink, QUARANTINED, "quarantined: this document could not be loaded").await;
            });
        }
        Err(CoreError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(CoreError::Forbidden) => return StatusCode::FORBIDDEN.into_response(),
        Err(CoreError::SignInRequired) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not open a document");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let actor = rc.actor.clone();
    // A little above the limit, so a message just past it is refused by
    // the checks, with a close code that says so.
    let largest = state.app.config.coedit.max_update_bytes.saturating_add(64 * 1024);
    ws.max_message_size(largest)
        .max_frame_size(largest)
        .read_buffer_size(16 * 1024)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(2 * largest)
        .on_upgrade(move |socket| serve(state, actor, joined, socket))
}

/// How a connection's writing half ended.
enum Ended {
    /// The client or the room went away, fell behind, or stopped answering.
    Gone,
    /// Closed with a code (see the table above).
    Closed,
}

/// What the reading half hands the writing half.
enum Out {
    /// A reply to send.
    Reply(Arc<[u8]>),
    /// Close with this code and reason.
    Close(u16, &'static str),
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
    let (replies, outgoing) = tokio::sync::mpsc::channel::<Out>(REPLIES);
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
    let per_second = state.app.config.coedit.messages_per_second;
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
                if window.1 > per_second {
                    let _ = replies.send(Out::Close(TOO_MANY, "too many messages")).await;
                    break;
                }
                match coedit::handle(&state.app, &room, me, &mut peer, &actor, &data).await {
                    Ok(Handled::Reply(out)) => {
                        for bytes in out {
                            if replies.send(Out::Reply(bytes)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Ok(Handled::Refused(refusal)) => {
                        let code = match refusal {
                            coedit::Refusal::TooLarge(_) => TOO_LARGE,
                            coedit::Refusal::Malformed(_) | coedit::Refusal::Invalid(_) => MALFORMED,
                        };
                        tracing::info!(reason = refusal.reason(), code, "closed a co-editing connection");
                        let _ = replies.send(Out::Close(code, refusal.reason())).await;
                        break;
                    }
                    Err(_) => break,
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
    mut replies: tokio::sync::mpsc::Receiver<Out>,
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
                                    close(&mut sink, FORBIDDEN, "forbidden").await;
                                    return Ended::Closed;
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
                        close(&mut sink, FORBIDDEN, "forbidden").await;
                        break Ended::Closed;
                    }
                }
                // Behind the room, the room failed or is gone: the client
                // reconnects and catches up through the sync protocol.
                Ok(DocFrame::Failed) | Err(RecvError::Lagged(_) | RecvError::Closed) => break Ended::Gone,
            },
            reply = replies.recv() => match reply {
                Some(Out::Reply(bytes)) => {
                    if !send(&mut sink, Message::Binary(bytes.to_vec().into())).await {
                        break Ended::Gone;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    close(&mut sink, code, reason).await;
                    break Ended::Closed;
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
    if let Ended::Gone = ended {
        let _ = sink.close().await;
    }
    ended
}

/// Closes the connection with a code and a reason (see the table above).
async fn close(sink: &mut futures::stream::SplitSink<WebSocket, Message>, code: u16, reason: &'static str) {
    let frame = CloseFrame { code, reason: reason.into() };
    let _ = tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
    let _ = sink.close().await;
}
