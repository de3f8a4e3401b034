//! Pages for events and live sessions: a space's events (and the form to
//! schedule one), an event's page (answer whether one comes, add it to a
//! calendar, read its notes, turn them into a wiki page), the form to
//! change it, its live room (the shared notes beside the space's chat),
//! and a person's calendar with its subscription address.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use stoa_core::calendar::{self, Calendar, EventInput, EventList, EventPage};
use stoa_core::chat::{self, Chat, Presence};
use stoa_core::spaces::{self, SpaceDetail};
use stoa_core::{CoreError, FieldError};

use super::{Empty, Form, FormErrors, PageCtx, Query, errors, local_time, page, redirect_with, render};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/events", get(list).post(schedule))
        .route("/events/{id}", get(event_page))
        .route("/events/{id}/edit", get(edit_form).post(edit))
        .route("/events/{id}/cancel", post(cancel))
        .route("/events/{id}/rsvp", post(rsvp))
        .route("/events/{id}/live", get(live_room))
        .route("/events/{id}/notes", post(write_notes))
        .route("/events/{id}/publish", post(publish))
        .route("/calendar", get(my_calendar))
        .route("/calendar/renew", post(renew))
}

/// The fields of the schedule and edit forms, as typed.
#[derive(Deserialize, Default, Clone)]
struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// As typed in the `datetime-local` field, in the browser's zone.
    #[serde(default)]
    starts_at: String,
    /// The zone's offset in minutes (filled in by the page's script).
    #[serde(default)]
    starts_tz: String,
    /// The length in minutes.
    #[serde(default)]
    duration: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    link: String,
}

impl EventForm {
    /// The input for `core`, and the refusals of what `core` never sees (a
    /// time or a number that cannot be read).
    fn input(&self) -> (EventInput, Vec<FieldError>) {
        let mut bad = Vec::new();
        let starts_at = match local_time(&self.starts_at, &self.starts_tz) {
            Ok(at) => at,
            Err(()) => {
                bad.push(FieldError::new("starts_at", "invalid-datetime"));
                None
            }
        };
        let input = EventInput {
            title: self.title.clone(),
            description: self.description.clone(),
            starts_at,
            duration_minutes: self.duration.trim().parse().ok(),
            place: self.place.clone(),
            link: self.link.clone(),
        };
        (input, bad)
    }

    /// A fresh form: an hour long.
    fn blank() -> Self {
        Self { duration: "60".into(), starts_tz: "0".into(), ..Self::default() }
    }
}

/// Refusals from `core`, with the form's own in front (and without the
/// "start required" that only repeats an unreadable time).
fn merged(bad: Vec<FieldError>, fields: Vec<FieldError>) -> Vec<FieldError> {
    let unreadable = bad.iter().any(|f| f.field == "starts_at");
    let mut all = bad;
    all.extend(fields.into_iter().filter(|f| !(unreadable && f.field == "starts_at")));
    all
}

/// Lengths offered in the form, in minutes.
const DURATIONS: [i64; 8] = [15, 30, 45, 60, 90, 120, 180, 240];

/// The lengths to offer, the form's own among them (an event made through
/// the API may last any number of minutes), and which is chosen.
fn duration_choices(current: &str) -> Vec<(i64, bool)> {
    let current: Option<i64> = current.trim().parse().ok().filter(|m| (1..=calendar::MAX_MINUTES).contains(m));
    let mut all: Vec<i64> = DURATIONS.to_vec();
    if let Some(m) = current
        && !all.contains(&m)
    {
        all.push(m);
        all.sort_unstable();
    }
    all.into_iter().map(|m| (m, Some(m) == current)).collect()
}

async fn frame(state: &AppState, ctx: &PageCtx, slug: &str) -> Result<SpaceDetail, CoreError> {
    spaces::space(&state.app, &ctx.actor(), slug).await
}

// ---------------------------------------------------------------- a space's events

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    list: EventList,
    form: EventForm,
    durations: Vec<(i64, bool)>,
    /// The space's calendar address for calendar programs (with the
    /// viewer's key unless the space is public).
    feed: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    past: Option<i64>,
}

async fn feed_address(state: &AppState, ctx: &PageCtx, detail: &SpaceDetail) -> String {
    let path = format!("/s/{}/events.ics", detail.space.slug);
    if detail.space.visibility == stoa_domain::Visibility::Public || ctx.user.is_none() {
        return path;
    }
    match calendar::calendar_key(&state.app, &ctx.actor()).await {
        Ok(key) => format!("{path}?key={key}"),
        Err(_) => path,
    }
}

async fn list_again(
    state: &AppState,
    ctx: PageCtx,
    slug: &str,
    past: i64,
    form: EventForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let detail = match frame(state, &ctx, slug).await {
        Ok(d) => d,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let list = match calendar::list(&state.app, &ctx.actor(), slug, past).await {
        Ok(l) => l,
        Err(e) => return errors::for_get(&ctx, e),
    };
    let feed = feed_address(state, &ctx, &detail).await;
    let durations = duration_choices(&form.duration);
    render(status, &EventsPage { ctx, detail, tab: "events", list, form, durations, feed, errors })
}

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    list_again(&state, ctx, &slug, q.past.unwrap_or(1), EventForm::blank(), FormErrors::default(), StatusCode::OK).await
}

async fn schedule(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(slug): Path<String>,
    Form(form): Form<EventForm>,
) -> Response {
    let (input, bad) = form.input();
    // An unreadable time reaches `core` as no time, so nothing is written;
    // the policy is asked there first, so a refused outsider learns nothing
    // from what was wrong with the form.
    let result = match calendar::schedule(&state.app, &ctx.actor(), &slug, input).await {
        Err(CoreError::Invalid(fields)) => Err(CoreError::Invalid(merged(bad, fields))),
        other => other,
    };
    match result {
        Ok(id) => redirect_with(&format!("/events/{id}"), "flash-event-scheduled"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            list_again(&state, ctx, &slug, 1, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.description)),
    }
}

// ---------------------------------------------------------------- one event

#[derive(Template)]
#[template(path = "event.html")]
struct EventView {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    e: EventPage,
    errors: FormErrors,
}

impl EventView {
    fn said(&self, answer: &str) -> bool {
        self.e.event.my_answer.as_deref() == Some(answer)
    }

    fn answers(&self) -> [&'static str; 3] {
        calendar::ANSWERS
    }

    /// The answers whose people are listed by name.
    fn listed(&self) -> [&'static str; 2] {
        ["yes", "maybe"]
    }

    fn answered(&self, answer: &str) -> Vec<&stoa_core::rows::Attendee> {
        self.e.attendees.iter().filter(|a| a.answer == answer).collect()
    }
}

async fn event_again(state: &AppState, ctx: PageCtx, id: &str, errors: FormErrors, status: StatusCode) -> Response {
    let e = match calendar::page(&state.app, &ctx.actor(), id).await {
        Ok(e) => e,
        Err(err) => return errors::for_get(&ctx, err),
    };
    let detail = match frame(state, &ctx, &e.space.slug).await {
        Ok(d) => d,
        Err(err) => return errors::for_get(&ctx, err),
    };
    render(status, &EventView { ctx, detail, tab: "events", e, errors })
}

async fn event_page(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    event_again(&state, ctx, &id, FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn rsvp(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    match calendar::answer(&state.app, &ctx.actor(), &id, &form.answer).await {
        Ok(()) => redirect_with(&format!("/events/{id}"), "flash-answer-saved"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            event_again(&state, ctx, &id, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

async fn cancel(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>, Form(_): Form<Empty>) -> Response {
    match calendar::cancel(&state.app, &ctx.actor(), &id).await {
        Ok(()) => redirect_with(&format!("/events/{id}"), "flash-event-cancelled"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    title: String,
}

async fn publish(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<PublishForm>,
) -> Response {
    match calendar::publish_notes(&state.app, &ctx.actor(), &id, &form.title).await {
        Ok((space, slug)) => redirect_with(
            &format!("/s/{space}/wiki/{}", stoa_domain::markdown::percent_encode_path(&slug)),
            "flash-notes-published",
        ),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            event_again(&state, ctx, &id, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => errors::render_error(&ctx, e),
    }
}

// ---------------------------------------------------------------- changing an event

#[derive(Template)]
#[template(path = "event_edit.html")]
struct EditPage {
    ctx: PageCtx,
    detail: SpaceDetail,
    tab: &'static str,
    id: String,
    form: EventForm,
    durations: Vec<(i64, bool)>,
    errors: FormErrors,
}

/// A UTC time as a `datetime-local` value (the page's script shows it in
/// the browser's zone).
fn utc_local(at_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .map(|t| format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute()))
        .unwrap_or_default()
}

async fn edit_again(state: &AppState, ctx: PageCtx, id: &str, form: Option<EventForm>, errors: FormErrors) -> Response {
    let (event, space, may) = match calendar::get(&state.app, &ctx.actor(), id).await {
        Ok(e) => e,
        Err(err) => return errors::for_get(&ctx, err),
    };
    if !may.facilitate {
        return errors::for_get(&ctx, CoreError::Forbidden);
    }
    let detail = match frame(state, &ctx, &space.slug).await {
        Ok(d) => d,
        Err(err) => return errors::for_get(&ctx, err),
    };
    let status = if form.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let row = &event.row;
    let form = form.unwrap_or_else(|| EventForm {
        title: row.title.clone(),
        description: row.description.clone(),
        starts_at: utc_local(row.starts_at),
        starts_tz: "0".into(),
        duration: ((row.ends_at - row.starts_at) / 60_000).to_string(),
        place: row.place.clone().unwrap_or_default(),
        link: row.link.clone().unwrap_or_default(),
    });
    let durations = duration_choices(&form.duration);
    render(status, &EditPage { ctx, detail, tab: "events", id: id.to_owned(), form, durations, errors })
}

async fn edit_form(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    edit_again(&state, ctx, &id, None, FormErrors::default()).await
}

async fn edit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<EventForm>,
) -> Response {
    let (input, bad) = form.input();
    let result = match calendar::update(&state.app, &ctx.actor(), &id, input).await {
        Err(CoreError::Invalid(fields)) => Err(CoreError::Invalid(merged(bad, fields))),
        other => other,
    };
    match result {
        Ok(()) => redirect_with(&format!("/events/{id}"), "flash-event-updated"),
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            edit_again(&state, ctx, &id, Some(form), errors).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.description)),
    }
}

// ---------------------------------------------------------------- the live room

#[derive(Template)]
#[template(path = "event_live.html")]
struct LivePage {
    ctx: PageCtx,
    e: EventPage,
    /// The space's chat, as on its chat page (the newest messages).
    chat: Chat,
    presence: Presence,
    latest: bool,
    body: String,
    /// The notes as a form without JavaScript would send them: what it was
    /// filled with, and (after a refusal) what was typed.
    notes_base: String,
    notes_text: String,
    notes_conflict: bool,
    errors: FormErrors,
    /// This response's CSP nonce, for the notes editor's styles.
    nonce: String,
}

impl LivePage {
    /// Where the chat form returns to without JavaScript: this room.
    fn back(&self) -> String {
        format!("/events/{}/live", self.e.event.row.id)
    }
}

async fn live_again(
    state: &AppState,
    ctx: PageCtx,
    id: &str,
    kept: Option<(String, String, bool)>,
    errors: FormErrors,
) -> Response {
    let actor = ctx.actor();
    let e = match calendar::page(&state.app, &actor, id).await {
        Ok(e) => e,
        Err(err) => return errors::for_get(&ctx, err),
    };
    if !e.may.post {
        return errors::for_get(
            &ctx,
            if ctx.user.is_none() { CoreError::SignInRequired } else { CoreError::Forbidden },
        );
    }
    let loaded = async {
        let chat = chat::history(&state.app, &actor, &e.space.slug, None).await?;
        let presence = chat::presence(&state.app, &actor, &e.space.slug).await?;
        Ok::<_, CoreError>((chat, presence))
    };
    let (chat, presence) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return errors::for_get(&ctx, err),
    };
    let status = if kept.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (notes_base, notes_text, notes_conflict) = kept.unwrap_or_else(|| (e.notes.clone(), e.notes.clone(), false));
    let nonce = crate::csp_nonce();
    let csp = crate::live_editor_csp(&nonce);
    let mut response = render(
        status,
        &LivePage {
            ctx,
            e,
            chat,
            presence,
            latest: true,
            body: String::new(),
            notes_base,
            notes_text,
            notes_conflict,
            errors,
            nonce,
        },
    );
    // The notes editor's styles may need the nonce (see `live_editor_csp`).
    if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
        response.headers_mut().insert(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

async fn live_room(State(state): State<AppState>, ctx: PageCtx, Path(id): Path<String>) -> Response {
    live_again(&state, ctx, &id, None, FormErrors::default()).await
}

#[derive(Deserialize)]
struct NotesForm {
    #[serde(default)]
    base: String,
    #[serde(default)]
    notes: String,
}

async fn write_notes(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(form): Form<NotesForm>,
) -> Response {
    match calendar::write_notes(&state.app, &ctx.actor(), &id, &form.base, &form.notes).await {
        Ok(true) => redirect_with(&format!("/events/{id}/live"), "flash-notes-saved"),
        Ok(false) => {
            // Someone changed the same lines live: the notes as they are now
            // become the base, and what this person typed stays in the box.
            let errors = FormErrors::general(ctx.t("event-notes-conflict").to_string());
            let current = match calendar::page(&state.app, &ctx.actor(), &id).await {
                Ok(e) => e.notes,
                Err(err) => return errors::render_error_keeping(&ctx, err, Some(form.notes)),
            };
            live_again(&state, ctx, &id, Some((current, form.notes, true)), errors).await
        }
        Err(CoreError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&ctx.lang, &fields);
            live_again(&state, ctx, &id, Some((form.base, form.notes, false)), errors).await
        }
        Err(e) => errors::render_error_keeping(&ctx, e, Some(form.notes)),
    }
}

// ---------------------------------------------------------------- a person's calendar

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    cal: Calendar,
    now: i64,
    /// The subscription address, absolute.
    address: String,
}

async fn my_calendar(State(state): State<AppState>, ctx: PageCtx, headers: axum::http::HeaderMap) -> Response {
    let actor = ctx.actor();
    let loaded = async {
        let cal = calendar::personal_calendar(&state.app, &actor).await?;
        let key = calendar::calendar_key(&state.app, &actor).await?;
        Ok::<_, CoreError>((cal, key))
    };
    match loaded.await {
        Ok((cal, key)) => {
            // Absolute: it is pasted into another program.
            let address = format!("{}/calendar/{key}.ics", crate::syndication::base(&state, &headers));
            page(&CalendarPage { ctx, cal, now: state.app.now(), address })
        }
        Err(e) => errors::for_get(&ctx, e),
    }
}

async fn renew(State(state): State<AppState>, ctx: PageCtx, Form(_): Form<Empty>) -> Response {
    match calendar::renew_calendar_key(&state.app, &ctx.actor()).await {
        Ok(_) => redirect_with("/calendar", "flash-calendar-renewed"),
        Err(e) => errors::render_error(&ctx, e),
    }
}

/// Where a chat message sent from a live room goes back to.
pub(crate) fn live_room_of(back: &str) -> Option<String> {
    let id = back.strip_prefix("/events/")?.strip_suffix("/live")?;
    id.chars().all(|c| c.is_ascii_alphanumeric()).then(|| back.to_owned())
}
