//! The server-rendered pages.
//!
//! Each page is an askama template struct with a [`PageCtx`] (who is asking,
//! in which language, the CSRF token) and the data one `core` call returned.
//! Forms post back to the server; when input is refused, the form is rendered
//! again with what the person typed and a message per field (status 422).
//! Every page works without JavaScript.

mod account;
mod admin;
mod blogs;
mod charts;
mod chat;
pub mod errors;
mod events;
mod facilitation;
pub(crate) mod fragments;
mod home;
mod learning;
mod library;
mod messages;
pub(crate) mod moderation;
pub(crate) mod network;
mod people;
mod search;
mod spaces;
mod threads;
mod wiki;

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use fluent_templates::LanguageIdentifier;
use fluent_templates::fluent_bundle::FluentValue;
use serde::de::DeserializeOwned;
use stoa_core::{CoreError, CurrentUser, FieldError};

use crate::AppState;
use crate::ctx::RequestContext;
use crate::i18n;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(account::router())
        .merge(spaces::router())
        .merge(threads::router())
        .merge(facilitation::router())
        .merge(learning::router())
        .merge(people::router())
        .merge(admin::router())
        .merge(wiki::router())
        .merge(library::router())
        .merge(search::router())
        .merge(network::router())
        .merge(blogs::router())
        .merge(messages::router())
        .merge(chat::router())
        .merge(events::router())
        .merge(moderation::router())
}

/// Notices that may be shown once after a redirect (the flash cookie holds one of these ids).
const FLASH_MESSAGES: &[&str] = &[
    "flash-signed-in",
    "flash-signed-out",
    "flash-welcome",
    "flash-joined",
    "flash-left",
    "flash-request-sent",
    "flash-request-withdrawn",
    "flash-space-created",
    "flash-settings-saved",
    "flash-profile-saved",
    "flash-password-changed",
    "flash-invite-sent",
    "flash-invite-revoked",
    "flash-invite-accepted",
    "flash-invite-declined",
    "flash-request-approved",
    "flash-request-denied",
    "flash-role-changed",
    "flash-member-removed",
    "flash-post-updated",
    "flash-post-deleted",
    "flash-token-revoked",
    "flash-user-updated",
    "flash-doc-discarded",
    "flash-thread-hidden",
    "flash-thread-restored",
    "flash-user-created",
    "flash-wiki-merged",
    "flash-wiki-restored",
    "flash-item-deleted",
    "flash-collection-deleted",
    "flash-flagged",
    "flash-post-hidden",
    "flash-post-restored",
    "flash-flags-dismissed",
    "flash-author-warned",
    "flash-avatar-saved",
    "flash-avatar-removed",
    "flash-blog-started",
    "flash-event-scheduled",
    "flash-event-updated",
    "flash-event-cancelled",
    "flash-answer-saved",
    "flash-notes-saved",
    "flash-notes-published",
    "flash-calendar-renewed",
];

pub fn is_flash_message(id: &str) -> bool {
    FLASH_MESSAGES.contains(&id)
}

/// What every page template knows.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: LanguageIdentifier,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub instance_name: String,
    /// Path and query of the current request.
    pub path: String,
    pub flash: Option<String>,
    pub session_expired: bool,
    /// Unread notifications of the signed-in person.
    pub unread: i64,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StatusCode> {
        let rc = RequestContext::from_request_parts(parts, state).await?;
        let mut ctx = Self::new(&rc, state.instance_name().await);
        if rc.actor.user.is_some() {
            ctx.unread = stoa_core::notifications::unread_count(&state.app, &rc.actor).await.unwrap_or(0);
        }
        Ok(ctx)
    }
}

impl PageCtx {
    pub fn new(rc: &RequestContext, instance_name: String) -> Self {
        Self {
            lang: rc.lang.clone(),
            user: rc.actor.user.clone(),
            csrf: rc.csrf.clone(),
            instance_name,
            path: rc.path.clone(),
            flash: rc.flash.clone(),
            session_expired: rc.session_expired,
            unread: 0,
        }
    }

    /// The language tag for `<html lang>`.
    pub fn lang_tag(&self) -> String {
        self.lang.to_string()
    }

    /// A catalog message.
    pub fn t(&self, id: &str) -> Arc<str> {
        i18n::shared_text(&self.lang, id)
    }

    /// The catalog message whose id is `prefix` + `key` + `suffix`, for ids
    /// built from a value's spelling (`visibility-` + `public`).
    pub fn t3(&self, prefix: &str, key: &str, suffix: &str) -> Arc<str> {
        self.t(&format!("{prefix}{key}{suffix}"))
    }

    /// A catalog message with a number `$n` (plurals choose by it).
    pub fn tn(&self, id: &str, n: &i64) -> Arc<str> {
        i18n::shared_numbered(&self.lang, id, *n)
    }

    /// [`PageCtx::tn`] for a count.
    pub fn tc(&self, id: &str, n: &usize) -> Arc<str> {
        self.tn(id, &i64::try_from(*n).unwrap_or(i64::MAX))
    }

    /// A catalog message with one named text argument.
    pub fn ts(&self, id: &str, name: &'static str, value: &str) -> String {
        i18n::text_with(&self.lang, id, &[(name, FluentValue::from(value.to_owned()))])
    }

    /// A catalog message with two named text arguments.
    pub fn ts2(&self, id: &str, a: &'static str, av: &str, b: &'static str, bv: &str) -> String {
        i18n::text_with(&self.lang, id, &[(a, FluentValue::from(av.to_owned())), (b, FluentValue::from(bv.to_owned()))])
    }

    /// A time as "3 hours ago", for people.
    pub fn ago(&self, at_ms: &i64) -> Arc<str> {
        let now = stoa_store_now();
        let secs = ((now - at_ms) / 1000).max(0);
        let (id, n) = match secs {
            s if s < 60 => ("time-just-now", 0),
            s if s < 3600 => ("time-minutes-ago", s / 60),
            s if s < 86_400 => ("time-hours-ago", s / 3600),
            s if s < 30 * 86_400 => ("time-days-ago", s / 86_400),
            _ => return Arc::from(self.date(at_ms)),
        };
        self.tn(id, &n)
    }

    /// A date, "12 Nov 2026".
    pub fn date(&self, at_ms: &i64) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(*at_ms) * 1_000_000) else {
            return String::new();
        };
        let month = self.t(&format!("month-{}", u8::from(t.month())));
        format!("{} {} {}", t.day(), month, t.year())
    }

    /// A short date, "12 Nov".
    pub fn short_date(&self, at_ms: &i64) -> String {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(*at_ms) * 1_000_000) else {
            return String::new();
        };
        format!("{} {}", t.day(), self.t(&format!("month-{}", u8::from(t.month()))))
    }

    /// A length of time in days, hours or minutes, for ages and waits.
    pub fn duration(&self, ms: &i64) -> String {
        let secs = (*ms / 1000).max(0);
        let (id, n) = match secs {
            s if s >= 86_400 => ("interval-days", s / 86_400),
            s if s >= 3600 => ("interval-hours", s / 3600),
            s => ("interval-minutes", s / 60),
        };
        self.tn(id, &n).to_string()
    }

    /// A date and time of day in UTC, "12 Nov 2026, 14:30 UTC".
    pub fn datetime(&self, at_ms: &i64) -> String {
        let at_ms = *at_ms;
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000) else {
            return String::new();
        };
        format!("{}, {:02}:{:02} UTC", self.date(&at_ms), t.hour(), t.minute())
    }

    /// A length of time in the largest whole unit: "30 seconds", "2 hours".
    pub fn interval(&self, secs: &i64) -> String {
        let (id, n) = match *secs {
            s if s % 86_400 == 0 && s > 0 => ("interval-days", s / 86_400),
            s if s % 3600 == 0 && s > 0 => ("interval-hours", s / 3600),
            s if s % 60 == 0 && s > 0 => ("interval-minutes", s / 60),
            s => ("interval-seconds", s),
        };
        self.tn(id, &n).to_string()
    }

    /// A time in ISO 8601 (UTC), for `<time datetime>`.
    pub fn iso(&self, at_ms: &i64) -> String {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(*at_ms) * 1_000_000)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default()
    }

    /// The `next` parameter for a sign-in link that comes back here.
    pub fn next_param(&self) -> String {
        url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect()
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// Initials for an avatar placeholder.
    pub fn initials(&self, name: &str) -> String {
        initials(name)
    }

    /// Whether `path` is the current section, for `aria-current`.
    pub fn is_current(&self, prefix: &str) -> bool {
        if prefix == "/" { self.path == "/" } else { self.path.starts_with(prefix) }
    }

    /// Turns a refusal into an error page in this context.
    pub fn fail(&self, error: CoreError) -> HtmlError {
        HtmlError { ctx: Box::new(self.clone()), error }
    }
}

fn stoa_store_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// Escapes text for HTML built outside a template (SVG charts, emails).
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Up to two initials of a name, for avatars.
pub fn initials(name: &str) -> String {
    let mut out: String = name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect();
    if out.is_empty() {
        out.push('?');
    }
    out.to_uppercase()
}

/// A hue (0–359) derived from a name, so each person's avatar has a stable colour.
pub fn hue(name: &str) -> u32 {
    name.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360
}

/// The text of a field refusal in `lang`.
pub fn field_error_text(lang: &LanguageIdentifier, error: &FieldError) -> String {
    let mut args: Vec<(&'static str, FluentValue<'static>)> = Vec::new();
    if let Some(limit) = error.limit {
        args.push(("limit", FluentValue::from(limit as i64)));
    }
    if let Some(allowed) = error.allowed {
        args.push(("allowed", FluentValue::from(allowed)));
    }
    i18n::text_with(lang, error.message_id, &args)
}

/// Field refusals, translated, for re-rendering a form.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    by_field: HashMap<String, String>,
    /// A message about the form as a whole.
    pub general: Option<String>,
}

impl FormErrors {
    pub fn from_fields(lang: &LanguageIdentifier, errors: &[FieldError]) -> Self {
        let mut by_field = HashMap::new();
        for e in errors {
            by_field.entry(e.field.to_owned()).or_insert_with(|| field_error_text(lang, e));
        }
        Self { by_field, general: None }
    }

    pub fn general(message: String) -> Self {
        Self { by_field: HashMap::new(), general: Some(message) }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.by_field.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.by_field.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty() && self.general.is_none()
    }
}

/// Renders a template as a full page with `status`.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    // Pages are larger than the templates' own text suggests, so start with
    // room enough for most, and grow rarely.
    render_sized(status, template, 32 * 1024)
}

/// [`render`] into a buffer of `capacity` bytes, for pages whose size is
/// known roughly beforehand (a thread page, by its posts): growing a large
/// page's buffer copies it again each time.
pub fn render_sized<T: Template>(status: StatusCode, template: &T, capacity: usize) -> Response {
    let mut html = String::with_capacity(capacity);
    match template.render_into(&mut html) {
        Ok(()) => (status, Html(html)).into_response(),
        Err(e) => crate::error::internal(false, &format!("template: {e}")),
    }
}

pub fn page<T: Template>(template: &T) -> Response {
    render(StatusCode::OK, template)
}

/// A `303 See Other` with a one-time notice.
pub fn redirect_with(to: &str, flash: &'static str) -> Response {
    let cookie = crate::ctx::flash_cookie(flash);
    let mut response = Redirect::to(to).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    response
}

/// A refused action, rendered as a page in the asker's language.
#[derive(Debug)]
pub struct HtmlError {
    ctx: Box<PageCtx>,
    error: CoreError,
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        errors::render_error(&self.ctx, self.error)
    }
}

pub type PageResult = Result<Response, HtmlError>;

/// A urlencoded form whose rejections are a readable error page.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Form<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let rc = RequestContext::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let request = Request::from_parts(parts, body);
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(rejection) => {
                let status = rejection.status();
                tracing::debug!(%rejection, "form rejected");
                Err(errors::simple_page(&rc.lang, status, "error-bad-form-title", "error-bad-form-body"))
            }
        }
    }
}

/// A page's query string whose rejections (`?page=abc`) are a readable
/// error page rather than plain text.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => {
                tracing::debug!(%rejection, "query string rejected");
                let rc = RequestContext::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
                Err(errors::simple_page(
                    &rc.lang,
                    StatusCode::BAD_REQUEST,
                    "error-bad-query-title",
                    "error-bad-query-body",
                ))
            }
        }
    }
}

/// A form with no fields of its own (only the CSRF token, checked by the middleware).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Empty {}

/// A `datetime-local` value ("2026-12-01T09:30") in the browser's zone, as
/// milliseconds since 1970; `Err` when it cannot be read.
pub(crate) fn local_time(value: &str, tz_offset_minutes: &str) -> Result<Option<i64>, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let format_secs = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let local = time::PrimitiveDateTime::parse(value, &format)
        .or_else(|_| time::PrimitiveDateTime::parse(value, &format_secs))
        .map_err(|_| ())?;
    let offset: i64 = tz_offset_minutes.trim().parse().unwrap_or(0).clamp(-24 * 60, 24 * 60);
    let utc = local.assume_utc().unix_timestamp() + offset * 60;
    Ok(Some(utc * 1000))
}

/// Every reaction kind in order as `(kind, emoji, count, given by the
/// viewer)`, for a post's reaction buttons.
/// `(kind, emoji)` of every reaction, in their order.
pub fn reaction_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    stoa_domain::reactions::Reaction::ALL.iter().map(|r| (r.as_str(), r.emoji()))
}

pub fn reaction_bar(given: &[stoa_core::discussions::ReactionCount]) -> Vec<(&'static str, &'static str, i64, bool)> {
    stoa_domain::reactions::Reaction::ALL
        .iter()
        .map(|r| {
            let c = given.iter().find(|c| c.kind == r.as_str());
            (r.as_str(), r.emoji(), c.map_or(0, |c| c.count), c.is_some_and(|c| c.mine))
        })
        .collect()
}

/// A CSV download.
pub(crate) fn csv_response(file_name: &str, body: &str) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\', '\r', '\n'], "_"));
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body.to_owned(),
    )
        .into_response()
}

/// The participation table of a health report as CSV (RFC 4180, CRLF line
/// ends), one row per member; a cell that starts with `=`, `+`, `-` or `@`
/// is prefixed with `'` so a spreadsheet never runs it as a formula.
pub(crate) fn participation_csv(health: &stoa_core::health::Health) -> String {
    let cell = |s: &str| {
        let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
    };
    let mut out = String::from(
        "username,display_name,role,posts,answers,accepted_answers,submissions,reviews_given,last_post_at\r\n",
    );
    for p in &health.participation {
        let last = p
            .last_post_at
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t) * 1_000_000).ok())
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\r\n",
            cell(&p.username),
            cell(&p.display_name),
            p.role.as_str(),
            p.posts,
            p.answers,
            p.accepted,
            p.submissions,
            p.reviews_given,
            last
        ));
    }
    out
}
