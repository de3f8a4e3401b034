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
    let (router, mut doc) = router.split_for_parts();
    StandardResponses.modify(&mut doc);
    (router, doc)
}

/// Documents on every operation the errors the API layer itself can give,
/// whatever the handler: a refusal by the policy (401, 403, 404), a rate
/// limit (429), an internal error (500); for a write also a conflict (409),
/// invalid fields (422) and full storage (507); with query parameters an
/// invalid query (400); with a body a malformed (400), too large (413) or
/// mistyped (415) one. An operation's own annotation may say more.
struct StandardResponses;

impl Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{HttpMethod, ParameterIn};
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            for (method, op) in [
                (HttpMethod::Get, item.get.as_mut()),
                (HttpMethod::Post, item.post.as_mut()),
                (HttpMethod::Put, item.put.as_mut()),
                (HttpMethod::Patch, item.patch.as_mut()),
                (HttpMethod::Delete, item.delete.as_mut()),
            ] {
                let Some(op) = op else { continue };
                let write = method != HttpMethod::Get;
                let params = op.parameters.as_deref().unwrap_or_default();
                let query = params.iter().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
                let body = op.request_body.is_some();
                let mut add = vec![
                    ("401", "Sign-in required: no valid token or session"),
                    ("403", "Refused: you may not do this"),
                    ("404", "Nothing here, or nothing you may see"),
                    ("429", "Too many attempts; see Retry-After"),
                    ("500", "Something failed on the server"),
                ];
                if write {
                    add.extend([
                        ("409", "Conflicts with the current state"),
                        ("422", "Some fields are not valid"),
                        ("507", "Storage is full: nothing was written"),
                    ]);
                }
                if query || body {
                    add.push(("400", "A malformed query or body"));
                }
                if body {
                    add.extend([("413", "The body is too large"), ("415", "The body is not of a type this takes")]);
                }
                for (status, description) in add {
                    op.responses.responses.entry(status.to_owned()).or_insert_with(|| error(description).into());
                }
            }
        }
    }
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
