//! Following, blocking, tags, notifications and their settings, and the
//! unsubscribe links sent by email.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::feed::{self, TagPage};
use stoa_core::notifications::{self, Notification, Preferences};
use stoa_core::social::{self, FollowTarget, Followed, PersonRef};
use stoa_core::{CoreError, mail};

use super::home::safe_next;
use super::{Empty, Form, PageCtx, Query, errors, page, redirect_with};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tags/{tag}", get(tag))
        .route("/follow", post(follow))
        .route("/u/{username}/block", post(block))
        .route("/notifications", get(list))
        .route("/notifications/read", post(read_all))
        .route("/n/{id}", get(open))
        .route("/settings/notifications", get(settings_form).post(save_settings))
        .route("/unsubscribe/{token}", get(unsubscribe_form).post(unsubscribe))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "tag.html")]
struct TagView {
    ctx: PageCtx,
    tag: TagPage,
    page: i64,
}

async fn tag(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let page_number = q.page.unwrap_or(1).max(1);
    match feed::tag(&state.app, &ctx.actor(), &raw, page_number).await {
        Ok(tag) => page(&TagView { ctx, tag, page: page_number }),
        Err(CoreError::Invalid(_)) => errors::for_get(&ctx, CoreError::NotFound),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Deserialize)]
struct FollowForm {
    kind: String,
    target: String,
    /// `1` to follow, anything else to stop.
    #[serde(default)]
    on: String,
    #[serde(default)]
    next: String,
}

async fn follow(State(state): State<AppState>, ctx: PageCtx, Form(form): Form<FollowForm>) -> Response {
    let on = form.on == "1";
    let result = match FollowTarget::parse(&form.kind, &form.target) {
        Ok(target) => social::follow(&state.app, &ctx.actor(), &target, on).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => redirect_with(safe_next(&form.next), if on { "flash-followed" } else { "flash-unfollowed" }),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct BlockForm {
    #[serde(default)]
    on: String,
}

async fn block(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(username): Path<String>,
    Form(form): Form<BlockForm>,
) -> Response {
    let on = form.on == "1";
    match social::block(&state.app, &ctx.actor(), &username, on).await {
        Ok(()) => redirect_with(&format!("/u/{username}"), if on { "flash-blocked" } else { "flash-unblocked" }),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsView {
    ctx: PageCtx,
    items: Vec<Notification>,
    unread: i64,
    next_before: Option<i64>,
}

async fn list(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<PageQuery>) -> Response {
    match notifications::list(&state.app, &ctx.actor(), q.before, 30).await {
        Ok(p) => page(&NotificationsView { ctx, items: p.items, unread: p.unread, next_before: p.next_before }),
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn read_all(State(state): State<AppState>, ctx: PageCtx, Form(_): Form<Empty>) -> Response {
    match notifications::mark_read(&state.app, &ctx.actor(), None).await {
        Ok(_) => redirect_with("/notifications", "flash-notifications-read"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

/// Opens a notification (from the list or an email): marks it read and
/// goes where its subject lives now.
async fn open(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    match notifications::open(&state.app, &ctx.actor(), &id).await {
        Ok(path) => Redirect::to(safe_next(&path)).into_response(),
        Err(e) => errors::for_get(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsView {
    ctx: PageCtx,
    prefs: Preferences,
    /// Each kind with its choices, the chosen one marked.
    rows: Vec<(String, Vec<(&'static str, bool)>)>,
    digest: Vec<(&'static str, bool)>,
    following: Vec<Followed>,
    blocked: Vec<PersonRef>,
}

async fn settings_form(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let actor = ctx.actor();
    let loaded = async {
        Ok::<_, CoreError>((
            notifications::preferences(&state.app, &actor).await?,
            social::following(&state.app, &actor).await?,
            social::blocked(&state.app, &actor).await?,
        ))
    }
    .await;
    match loaded {
        Ok((prefs, following, blocked)) => {
            let rows = prefs
                .kinds
                .iter()
                .map(|(kind, chosen)| {
                    (kind.clone(), notifications::DELIVERIES.iter().map(|d| (*d, d == chosen)).collect())
                })
                .collect();
            let digest = notifications::DIGEST_EVERY.iter().map(|d| (*d, *d == prefs.digest)).collect();
            page(&SettingsView { ctx, prefs, rows, digest, following, blocked })
        }
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn save_settings(
    State(state): State<AppState>,
    ctx: PageCtx,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let kinds: Vec<(String, String)> =
        form.iter().filter_map(|(k, v)| k.strip_prefix("kind.").map(|kind| (kind.to_owned(), v.clone()))).collect();
    let digest = form.iter().find(|(k, _)| k == "digest").map(|(_, v)| v.as_str());
    match notifications::set_preferences(&state.app, &ctx.actor(), &kinds, digest).await {
        Ok(_) => redirect_with("/settings/notifications", "flash-saved"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribeView {
    ctx: PageCtx,
    token: String,
    /// Whose email, and what stops, in words.
    name: String,
    stops: String,
    done: bool,
}

impl UnsubscribeView {
    fn new(ctx: PageCtx, token: String, what: mail::Unsubscribe, done: bool) -> Self {
        let stops = ctx.t(&format!("unsubscribe-what-{}", what.kind)).to_string();
        Self { ctx, token, name: what.display_name, stops, done }
    }
}

/// The page an unsubscribe link opens: what it stops, and a button. No
/// sign-in is needed; the signed link is the proof.
async fn unsubscribe_form(State(state): State<AppState>, ctx: PageCtx, Path(token): Path<String>) -> Response {
    match mail::peek_unsubscribe(&state.app, &token).await {
        Ok(what) => page(&UnsubscribeView::new(ctx, token, what, false)),
        Err(e) => errors::render_error(&ctx, e),
    }
}

/// Confirms from the page, or one click from a mail program
/// (`List-Unsubscribe-Post`, RFC 8058): neither carries a session.
async fn unsubscribe(State(state): State<AppState>, ctx: PageCtx, Path(token): Path<String>) -> Response {
    match mail::unsubscribe(&state.app, &token).await {
        Ok(what) => page(&UnsubscribeView::new(ctx, token, what, true)),
        Err(e) => errors::render_error(&ctx, e),
    }
}

/// One notification as a sentence: "Ana replied to you in “Title”".
pub(crate) fn notice_line(ctx: &PageCtx, n: &Notification) -> String {
    let actor = if n.actor_username.is_empty() { ctx.t("anonymous").to_string() } else { n.actor_display_name.clone() };
    ctx.ts2(&crate::i18n::notice_id(&n.kind, &n.change), "actor", &actor, "title", &n.title)
}
