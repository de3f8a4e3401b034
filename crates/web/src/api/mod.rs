//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document.
//!
//! Every route is registered through `utoipa_axum::routes!`, which takes the
//! path and method from the handler's `#[utoipa::path]` annotation: the router
//! and the document are built from the same source and cannot disagree.
//! Handlers call the same `core` functions as the HTML pages.
//!
//! Authentication: `Authorization: Bearer <token>` with a personal API token,
//! or the browser's session cookie (then writes need `X-CSRF-Token`).

mod account;
mod chat;
pub mod docs;
pub mod dto;
mod events;
mod facilitation;
mod knowledge;
mod learning;
mod moderation;
mod network;
mod spaces;
mod threads;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use stoa_core::Actor;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::ctx::RequestContext;
use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Stoa API",
        description = "Everything a person can do in Stoa's web pages, as JSON. \
            Authenticate with a personal API token (create one under Settings → API tokens) \
            sent as `Authorization: Bearer <token>`. Errors are `{\"error\": {\"code\", \"message\"}}`; \
            times are Unix milliseconds.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    security(("token" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "me", description = "Your account, tokens and invitations"),
        (name = "users", description = "People"),
        (name = "spaces", description = "Communities and teams"),
        (name = "members", description = "Membership, requests to join and invitations"),
        (name = "threads", description = "Discussions"),
        (name = "posts", description = "Posts in discussions"),
        (name = "qa", description = "Questions and answers: votes, accepted and endorsed answers"),
        (name = "facilitation", description = "Running discussions: thread state, move, split, merge, rules, health"),
        (name = "teams", description = "Team sets and facilitators scoped to teams"),
        (name = "assignments", description = "Assignments, submissions, feedback and peer review"),
        (name = "quests", description = "Research quests: sources, claims, findings"),
        (name = "wiki", description = "Wiki pages, their revisions and talk pages"),
        (name = "library", description = "Library items and collections"),
        (name = "files", description = "Uploaded files"),
        (name = "search", description = "Full-text search and duplicate suggestions"),
        (name = "network", description = "Your feed, tags, follows, blocks and notifications"),
        (name = "blogs", description = "Spaces' blogs and podcast episodes"),
        (name = "messages", description = "Private messages between people"),
        (name = "chat", description = "Each space's chat room: history, messages, presence"),
        (name = "events", description = "Events and live sessions: scheduling, answers, shared notes, calendars"),
        (name = "moderation", description = "Flags, the moderation queue and the audit log"),
        (name = "admin", description = "Running the instance (admins only)")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("A personal API token")).build(),
            ),
        );
    }
}

/// The API router (to be nested under `/api/v1`) and its document.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi());
    let router = account::routes(router);
    let router = spaces::routes(router);
    let router = threads::routes(router);
    let router = knowledge::routes(router);
    let router = facilitation::routes(router);
    let router = learning::routes(router);
    let router = network::routes(router);
    let router = moderation::routes(router);
    let router = chat::routes(router);
    let router = events::routes(router);
    router.split_for_parts()
}

/// The actor of an API request.
pub struct ApiActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiActor {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, StatusCode> {
        let rc = RequestContext::from_request_parts(parts, state).await?;
        Ok(ApiActor(rc.actor))
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, crate::error::ApiError>;
