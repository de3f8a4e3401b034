//! Private messages: the inbox with a form to write to people, and a
//! conversation with its reply form.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use stoa_core::CoreError;
use stoa_core::messages::{self, Conversation, ConversationSummary};

use super::{Form, FormErrors, PageCtx, Query, errors, page, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/messages", get(inbox).post(start)).route("/messages/{id}", get(conversation).post(send))
}

#[derive(Template)]
#[template(path = "messages.html")]
struct InboxPage {
    ctx: PageCtx,
    conversations: Vec<ConversationSummary>,
    to: String,
    body: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct InboxQuery {
    #[serde(default)]
    to: String,
}

async fn inbox(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<InboxQuery>) -> Response {
    match messages::inbox(&state.app, &ctx.actor()).await {
        Ok(conversations) => {
            page(&InboxPage { ctx, conversations, to: q.to, body: String::new(), errors: FormErrors::default() })
        }
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    body: String,
}

async fn start(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<StartForm>) -> Response {
    let actor = ctx.actor();
    let to: Vec<String> = form.to.split([',', ' ']).map(str::to_owned).collect();
    match messages::start(&state.app, &actor, &to, &form.body).await {
        Ok(id) => Redirect::to(&format!("/messages/{id}#latest")).into_response(),
        Err(CoreError::Invalid(fields)) => match messages::inbox(&state.app, &actor).await {
            Ok(conversations) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &InboxPage {
                    errors: FormErrors::from_fields(&ctx.lang, &fields),
                    ctx,
                    conversations,
                    to: form.to,
                    body: form.body,
                },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}

#[derive(Template)]
#[template(path = "conversation.html")]
struct ConversationPage {
    ctx: PageCtx,
    c: Conversation,
    body: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct ConversationQuery {
    #[serde(default)]
    before: Option<i64>,
}

async fn conversation(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<ConversationQuery>,
) -> Response {
    match messages::conversation(&state.app, &ctx.actor(), &id, q.before).await {
        Ok(c) => page(&ConversationPage { ctx, c, body: String::new(), errors: FormErrors::default() }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct SendForm {
    #[serde(default)]
    body: String,
}

async fn send(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<SendForm>,
) -> Response {
    let actor = ctx.actor();
    match messages::send(&state.app, &actor, &id, &form.body).await {
        Ok(()) => Redirect::to(&format!("/messages/{id}#latest")).into_response(),
        Err(CoreError::Invalid(fields)) => match messages::conversation(&state.app, &actor, &id, None).await {
            Ok(c) => render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ConversationPage { errors: FormErrors::from_fields(&ctx.lang, &fields), ctx, c, body: form.body },
            ),
            Err(e) => errors::render_error(&ctx, e),
        },
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.body)),
    }
}
