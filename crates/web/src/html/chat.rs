//! A space's chat room: its history (paged), a form to write, and pages to
//! edit and delete one's messages. With JavaScript the room is live (new,
//! edited and deleted messages, who is here, who is typing) through the
//! `/live` socket; without it, every form still works.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::chat::{self, Chat, Message, Presence};

use super::{Form, FormErrors, PageCtx, Query, errors, page, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/chat", get(room).post(send))
        .route("/s/{slug}/chat/{id}/edit", get(edit_form).post(edit))
        .route("/s/{slug}/chat/{id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "chat.html")]
struct ChatPage {
    ctx: PageCtx,
    chat: Chat,
    presence: Presence,
    /// Whether this is the newest page (then it follows the room live).
    latest: bool,
    body: String,
    errors: FormErrors,
}

impl ChatPage {
    /// Where the form returns to: the chat page itself.
    fn back(&self) -> String {
        String::new()
    }
}

#[derive(Deserialize, Default)]
struct ChatQuery {
    #[serde(default)]
    before: Option<String>,
}

async fn load(
    state: &AppState,
    ctx: &PageCtx,
    slug: &str,
    before: Option<&str>,
) -> Result<(Chat, Presence), CoreError> {
    let actor = ctx.actor();
    let chat = chat::history(&state.app, &actor, slug, before).await?;
    let presence = chat::presence(&state.app, &actor, slug).await?;
    Ok((chat, presence))
}

async fn room(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<ChatQuery>,
) -> Response {
    let before = q.before.filter(|b| !b.is_empty());
    match load(&state, &ctx, &slug, before.as_deref()).await {
        Ok((chat, presence)) => page(&ChatPage {
            ctx,
            chat,
            presence,
            latest: before.is_none(),
            body: String::new(),
            errors: FormErrors::default(),
        }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct BodyForm {
    #[serde(default)]
    body: String,
    /// An event's live room the message was written in, to return to.
    #[serde(default)]
    back: String,
}

async fn send(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<BodyForm>,
) -> Response {
    match chat::send(&state.app, &ctx.actor(), &slug, &form.body).await {
        Ok(m) => match super::events::live_room_of(&form.back) {
            Some(room) => Redirect::to(&format!("{room}#m-{}", m.id)).into_response(),
            None => Redirect::to(&format!("/s/{slug}/chat#m-{}", m.id)).into_response(),
        },
        Err(CoreError::Invalid(fields)) => match load(&state, &ctx, &slug, None).await {
            Ok((chat, presence)) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ChatPage {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    chat,
                    presence,
                    latest: true,
                    body: form.body,
                },
            ),
            Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Template)]
#[template(path = "chat_edit.html")]
struct EditPage {
    ctx: PageCtx,
    slug: String,
    message: Message,
    body: String,
    errors: FormErrors,
}

/// One's own message, for its edit form.
async fn own_message(state: &AppState, ctx: &PageCtx, id: &str) -> Result<Message, CoreError> {
    let message = chat::message(&state.app, &ctx.actor(), id).await?;
    if message.mine { Ok(message) } else { Err(CoreError::Forbidden) }
}

async fn edit_form(State(state): State<AppState>, ctx: PageCtx, Path((slug, id)): Path<(String, String)>) -> Response {
    match own_message(&state, &ctx, &id).await {
        Ok(message) => {
            let body = message.body.clone();
            page(&EditPage { ctx, slug, message, body, errors: FormErrors::default() })
        }
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<BodyForm>,
) -> Response {
    match chat::edit(&state.app, &ctx.actor(), &id, &form.body).await {
        Ok(m) => match super::events::live_room_of(&form.back) {
            Some(room) => Redirect::to(&format!("{room}#m-{}", m.id)).into_response(),
            None => Redirect::to(&format!("/s/{slug}/chat#m-{}", m.id)).into_response(),
        },
        Err(CoreError::Invalid(fields)) => match own_message(&state, &ctx, &id).await {
            Ok(message) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage { errors: FormErrors::from_fields(&ctx.lang, &fields), ctx, slug, message, body: form.body },
            ),
            Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

async fn delete(State(state): State<AppState>, ctx: PageCtx, Path((slug, id)): Path<(String, String)>) -> Response {
    match chat::delete(&state.app, &ctx.actor(), &id).await {
        Ok(()) => Redirect::to(&format!("/s/{slug}/chat")).into_response(),
        Err(e) => errors::render_error(&ctx, e),
    }
}
