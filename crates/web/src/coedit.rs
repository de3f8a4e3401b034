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

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use stoa_core::coedit::{self, DocFrame, Handled, Joined, Speaks};
use stoa_core::{Actor, CoreError};
use tokio::sync::broadcast::error::RecvError;

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

enum Next {
    Incoming(Option<Result<Message, axum::Error>>),
    Frame(Result<DocFrame, RecvError>),
    Ping,
}

async fn serve(state: AppState, actor: Actor, joined: Joined, socket: WebSocket) {
    let Joined { room, mut frames, greeting } = joined;
    let me = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut incoming) = socket.split();
    let mut speaks = Speaks::new();
    let send = async |sink: &mut futures::stream::SplitSink<WebSocket, Message>, bytes: &[u8]| {
        matches!(
            tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Binary(bytes.to_vec().into()))).await,
            Ok(Ok(()))
        )
    };
    let mut open = true;
    for bytes in &greeting {
        open &= send(&mut sink, bytes).await;
    }
    let every = state.config.live_ping_every;
    let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let mut unanswered = false;
    let mut window = (Instant::now(), 0u32);
    let mut refused = false;
    while open {
        let next = tokio::select! {
            message = incoming.next() => Next::Incoming(message),
            frame = frames.recv() => Next::Frame(frame),
            _ = pings.tick() => Next::Ping,
        };
        match next {
            Next::Incoming(Some(Ok(Message::Binary(data)))) => {
                if window.0.elapsed() >= Duration::from_secs(1) {
                    window = (Instant::now(), 0);
                }
                window.1 += 1;
                if window.1 > MAX_MESSAGES_PER_SECOND {
                    break;
                }
                match coedit::handle(&state.app, &room, me, &mut speaks, &actor, &data).await {
                    Ok(Handled::Reply(replies)) => {
                        for bytes in replies {
                            open &= send(&mut sink, &bytes).await;
                        }
                    }
                    Ok(Handled::Malformed) | Err(_) => break,
                }
            }
            Next::Incoming(Some(Ok(Message::Pong(_)))) => unanswered = false,
            Next::Incoming(Some(Ok(Message::Ping(_)))) => {}
            Next::Incoming(Some(Ok(Message::Text(_)))) => break,
            Next::Incoming(Some(Ok(Message::Close(_)) | Err(_)) | None) => break,
            Next::Frame(Ok(DocFrame::Message { from, bytes })) => {
                if from != me {
                    open = send(&mut sink, &bytes).await;
                }
            }
            Next::Frame(Ok(DocFrame::Recheck)) => {
                if coedit::recheck(&state.app, &actor, &room).await.is_err() {
                    refused = true;
                    break;
                }
            }
            // Behind the room, or the room is gone: the client reconnects
            // and catches up through the sync protocol.
            Next::Frame(Err(_)) => break,
            Next::Ping if unanswered => break,
            Next::Ping => {
                unanswered = true;
                open = matches!(
                    tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Ping(Default::default()))).await,
                    Ok(Ok(()))
                );
            }
        }
    }
    coedit::leave(&state.app, &room, &speaks).await;
    if refused {
        // 4403: may no longer edit (a client should not reconnect).
        let frame = CloseFrame { code: 4403, reason: "forbidden".into() };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    let _ = sink.close().await;
}
