//! Events and live sessions: a facilitator schedules an event in a space
//! (title, description, start, length, a place or a link); people answer
//! whether they come (RSVP); those who come or may come are reminded
//! shortly before it starts; calendars (iCalendar) list a space's events
//! and a person's.
//!
//! During the event its **live room** holds the space's chat beside the
//! event's **shared notes**, a live document everyone taking part may edit
//! together ([`crate::coedit`], subject `Notes`). The notes stay with the
//! event afterwards, and a facilitator turns them into a wiki page in one
//! step.
//!
//! A person's calendar address works without signing in (calendar programs
//! cannot sign in): it carries a tag signed with the instance's key over
//! the person's id and their `calendar_epoch`; renewing the address raises
//! the epoch, so every address given out before stops working. Whoever
//! holds an address reads exactly what its person may read, asked of the
//! policy at every fetch.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac as _;
use serde::Serialize;
use stoa_domain::wiki::LongText;
use stoa_domain::{Action, Title, markdown};
use stoa_store::calendar::{self as store, Attendee, EventFields, EventRow};
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::{Conn, new_id, spaces as store_spaces, users};

use crate::coedit::{self, Subject};
use crate::facilitation::event;
use crate::spaces::{self, Permissions, SpaceSummary, allowed};
use crate::{Actor, CoreError, CurrentUser, FieldError, Result, Stoa, field, wiki};

/// How long before the start the reminder goes out.
pub const REMIND_BEFORE_MS: i64 = 60 * 60 * 1000;
/// How long before the start the live room counts as open.
pub const OPENS_BEFORE_MS: i64 = 15 * 60 * 1000;
/// The longest an event may last: a week, in minutes.
pub const MAX_MINUTES: i64 = 7 * 24 * 60;
/// The longest place name.
pub const MAX_PLACE: usize = 200;
/// The latest start accepted: the last second of year 9999.
const LATEST_START_MS: i64 = 253_402_300_799_000;
/// The answers one may give.
pub const ANSWERS: [&str; 3] = ["yes", "maybe", "no"];
/// How far back calendars reach.
const CALENDAR_PAST_MS: i64 = 90 * 24 * 3600 * 1000;
/// The most events a calendar lists.
const CALENDAR_MAX: i64 = 500;
/// Past events per page.
pub const PAST_PAGE: i64 = 20;

/// An event as typed into the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub title: String,
    pub description: String,
    /// Milliseconds since 1970; `None` when not given.
    pub starts_at: Option<i64>,
    /// How long it lasts; `None` when not given (or not a number).
    pub duration_minutes: Option<i64>,
    /// A room or a building; may be empty.
    pub place: String,
    /// An `http(s)` address to join at; may be empty.
    pub link: String,
}

/// Where an event stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Upcoming,
    /// From [`OPENS_BEFORE_MS`] before the start until the end.
    Live,
    Ended,
    Cancelled,
}

impl Status {
    pub fn of(row: &EventRow, now: i64) -> Self {
        if row.cancelled_at.is_some() {
            Self::Cancelled
        } else if now > row.ends_at {
            Self::Ended
        } else if now >= row.starts_at - OPENS_BEFORE_MS {
            Self::Live
        } else {
            Self::Upcoming
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "upcoming",
            Self::Live => "live",
            Self::Ended => "ended",
            Self::Cancelled => "cancelled",
        }
    }
}

/// An event in a list, with the viewer's answer.
#[derive(Debug, Clone, Serialize)]
pub struct EventSummary {
    #[serde(flatten)]
    pub row: EventRow,
    pub status: Status,
    /// `yes`, `maybe`, `no`, or `None` when the viewer has not answered.
    pub my_answer: Option<String>,
}

/// A space's events: those to come (and under way), and a page of past ones.
#[derive(Debug, Clone, Serialize)]
pub struct EventList {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub upcoming: Vec<EventSummary>,
    pub past: Vec<EventSummary>,
    /// The page of past events shown (from 1), and whether there is another.
    pub past_page: i64,
    pub more_past: bool,
}

/// An event's page: the event, who answered, and its notes.
#[derive(Debug, Clone, Serialize)]
pub struct EventPage {
    pub space: SpaceSummary,
    pub may: Permissions,
    pub event: EventSummary,
    pub attendees: Vec<Attendee>,
    /// The shared notes as Markdown, and rendered (sanitized); empty when
    /// nobody has written any.
    pub notes: String,
    pub notes_html: String,
}

/// Parses an event's input, collecting every refusal.
fn parse(input: &EventInput) -> std::result::Result<Parsed, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = field(&mut errors, "title", Title::parse(&input.title));
    let description = field(&mut errors, "description", LongText::parse(&input.description));
    // Between 1970 and the end of year 9999, so every sum below stays in range.
    let starts_at = input.starts_at;
    match starts_at {
        None => errors.push(FieldError::new("starts_at", "event-start-required")),
        Some(at) if !(0..=LATEST_START_MS).contains(&at) => {
            errors.push(FieldError::new("starts_at", "invalid-datetime"))
        }
        Some(_) => {}
    }
    let minutes = input.duration_minutes.filter(|m| (1..=MAX_MINUTES).contains(m));
    if minutes.is_none() {
        errors.push(FieldError::new("duration_minutes", "event-duration-invalid"));
    }
    let place = input.place.trim();
    if place.chars().count() > MAX_PLACE || place.chars().any(char::is_control) {
        errors.push(FieldError::new("place", "event-place-invalid"));
    }
    let link = input.link.trim();
    let link = if link.is_empty() {
        None
    } else {
        let parsed = crate::library::parse_url(link);
        if parsed.is_none() {
            errors.push(FieldError::new("link", "invalid-url"));
        }
        parsed
    };
    match (title, description, starts_at, minutes) {
        (Some(title), Some(description), Some(starts_at), Some(minutes)) if errors.is_empty() => Ok(Parsed {
            title: title.as_str().to_owned(),
            description_html: markdown::render(description.as_str()),
            description: description.as_str().to_owned(),
            starts_at,
            ends_at: starts_at + minutes * 60_000,
            place: (!place.is_empty()).then(|| place.to_owned()),
            link,
        }),
        _ => Err(errors),
    }
}

struct Parsed {
    title: String,
    description: String,
    description_html: String,
    starts_at: i64,
    ends_at: i64,
    place: Option<String>,
    link: Option<String>,
}

impl Parsed {
    fn fields(&self) -> EventFields<'_> {
        EventFields {
            title: &self.title,
            description: &self.description,
            description_html: &self.description_html,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            place: self.place.as_deref(),
            link: self.link.as_deref(),
        }
    }
}

/// Schedules an event in a space (its facilitators and owners); returns
/// its id.
pub async fn schedule(app: &Stoa, actor: &Actor, slug: &str, input: EventInput) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let view = spaces::load(&mut tx, actor, slug, Action::Facilitate).await?;
    let parsed = parse(&input).map_err(CoreError::Invalid)?;
    let id = new_id();
    let now = app.now();
    store::insert(&mut tx, &id, &view.space.id, &parsed.fields(), &me.id, now).await?;
    let data = serde_json::json!({"title": parsed.title, "starts_at": parsed.starts_at});
    event(&mut tx, kind::EVENT_SCHEDULED, &me.id, &view.space.id, &id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(id)
}

/// An event and its space, refused unless `actor` may `action` there.
async fn load(conn: &mut Conn, actor: &Actor, id: &str, action: Action) -> Result<(EventRow, store_spaces::SpaceView)> {
    let row = store::by_id(conn, id).await?.ok_or(CoreError::NotFound)?;
    let view = spaces::load_by_id(conn, actor, &row.space_id, action).await?;
    Ok((row, view))
}

/// Changes an event (its space's facilitators and owners). Those who said
/// they come are told when its time or place changed.
pub async fn update(app: &Stoa, actor: &Actor, id: &str, input: EventInput) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load(&mut tx, actor, id, Action::Facilitate).await?;
    if row.cancelled_at.is_some() {
        return Err(CoreError::Conflict("event-cancelled"));
    }
    let parsed = parse(&input).map_err(CoreError::Invalid)?;
    let moved = parsed.starts_at != row.starts_at
        || parsed.ends_at != row.ends_at
        || parsed.place != row.place
        || parsed.link != row.link;
    let now = app.now();
    store::update(&mut tx, id, &parsed.fields(), now).await?;
    let data = serde_json::json!({"title": parsed.title, "starts_at": parsed.starts_at, "moved": moved});
    event(&mut tx, kind::EVENT_UPDATED, &me.id, &view.space.id, id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Cancels an event (its space's facilitators and owners); it stays listed
/// as cancelled, so calendars and the people coming learn of it.
pub async fn cancel(app: &Stoa, actor: &Actor, id: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load(&mut tx, actor, id, Action::Facilitate).await?;
    let now = app.now();
    if !store::cancel(&mut tx, id, now).await? {
        return Err(CoreError::Conflict("event-cancelled"));
    }
    event(&mut tx, kind::EVENT_CANCELLED, &me.id, &view.space.id, id, serde_json::json!({"title": row.title}), now)
        .await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

/// Answers whether one comes: `yes`, `maybe` or `no` (anyone who may take
/// part in the space, until the event ends).
pub async fn answer(app: &Stoa, actor: &Actor, id: &str, answer: &str) -> Result<()> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    let (row, view) = load(&mut tx, actor, id, Action::Post).await?;
    let answer = answer.trim();
    if !ANSWERS.contains(&answer) {
        return Err(CoreError::field("answer", "invalid-option"));
    }
    let now = app.now();
    match Status::of(&row, now) {
        Status::Cancelled => return Err(CoreError::Conflict("event-cancelled")),
        Status::Ended => return Err(CoreError::Conflict("event-ended")),
        Status::Upcoming | Status::Live => {}
    }
    store::answer(&mut tx, id, &me.id, answer, now).await?;
    event(&mut tx, kind::EVENT_RSVP, &me.id, &view.space.id, id, serde_json::json!({"answer": answer}), now).await?;
    stoa_store::commit(tx).await?;
    Ok(())
}

async fn with_answers(conn: &mut Conn, actor: &Actor, rows: Vec<EventRow>, now: i64) -> Result<Vec<EventSummary>> {
    let answers = match actor.id() {
        Some(me) => {
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            store::answers_of(conn, me, &ids).await?
        }
        None => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|row| EventSummary {
            my_answer: answers.iter().find(|(e, _)| *e == row.id).map(|(_, a)| a.clone()),
            status: Status::of(&row, now),
            row,
        })
        .collect())
}

/// A space's events: every one to come or under way, soonest first, and a
/// page (from 1) of past ones, latest first.
pub async fn list(app: &Stoa, actor: &Actor, slug: &str, past_page: i64) -> Result<EventList> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let now = app.now();
    let upcoming = store::in_space(&mut conn, &view.space.id, now, false, 200, 0).await?;
    let past_page = past_page.clamp(1, 10_000);
    let mut past =
        store::in_space(&mut conn, &view.space.id, now, true, PAST_PAGE + 1, crate::offset(past_page, PAST_PAGE))
            .await?;
    let more_past = past.len() as i64 > PAST_PAGE;
    past.truncate(usize::try_from(PAST_PAGE).unwrap_or(20));
    Ok(EventList {
        space: SpaceSummary::of(&view),
        may: Permissions::of(actor, &view),
        upcoming: with_answers(&mut conn, actor, upcoming, now).await?,
        past: with_answers(&mut conn, actor, past, now).await?,
        past_page,
        more_past,
    })
}

/// An event with the viewer's answer, its space and what the viewer may
/// do there, for anyone who may read the space (without its notes or who
/// answered: see [`page`]).
pub async fn get(app: &Stoa, actor: &Actor, id: &str) -> Result<(EventSummary, SpaceSummary, Permissions)> {
    let mut conn = app.store.read().await?;
    let (row, view) = load(&mut conn, actor, id, Action::ReadContent).await?;
    let event = with_answers(&mut conn, actor, vec![row], app.now()).await?.pop().ok_or(CoreError::NotFound)?;
    Ok((event, SpaceSummary::of(&view), Permissions::of(actor, &view)))
}

/// An event's notes rendered: once per text and node. They change with
/// every keystroke in the live room, so they are not stored rendered; but
/// every visitor of the event's page reads them, so each text is rendered
/// once (concurrent readers wait for the one rendering, not each for their
/// own) and kept.
async fn rendered_notes(app: &Stoa, event_id: &str, notes: &str) -> Result<String> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    notes.hash(&mut hasher);
    let version = hasher.finish() as i64;
    let key = event_id.to_owned();
    if let Some(html) = app.notes.get(&key, version) {
        return Ok(html.as_ref().clone());
    }
    let _turn = crate::render::turn(app).await?;
    if let Some(html) = app.notes.get(&key, version) {
        return Ok(html.as_ref().clone());
    }
    let text = notes.to_owned();
    let html = crate::render::off_workers_in_turn(text.len(), move || markdown::render(&text)).await?;
    app.notes.put(key, version, std::sync::Arc::new(html.clone()));
    Ok(html)
}

/// An event's page, for anyone who may read its space.
pub async fn page(app: &Stoa, actor: &Actor, id: &str) -> Result<EventPage> {
    let (event, space, may, attendees) = {
        let mut conn = app.store.read().await?;
        let (row, view) = load(&mut conn, actor, id, Action::ReadContent).await?;
        let attendees = store::attendees(&mut conn, id).await?;
        let event = with_answers(&mut conn, actor, vec![row], app.now()).await?.pop().ok_or(CoreError::NotFound)?;
        (event, SpaceSummary::of(&view), Permissions::of(actor, &view), attendees)
    };
    // Notes set aside as unreadable (see `coedit`) show as none; an admin sees them listed.
    let notes = match coedit::current_text(app, &Subject::Notes(event.row.id.clone())).await {
        Ok(notes) => notes.unwrap_or_default(),
        Err(CoreError::Quarantined) => String::new(),
        Err(e) => return Err(e),
    };
    let notes_html = if notes.trim().is_empty() { String::new() } else { rendered_notes(app, id, &notes).await? };
    Ok(EventPage { space, may, event, attendees, notes, notes_html })
}

/// Writes the notes from a form (without the live editor): `base` is the
/// text the form was filled with, so words others wrote live meanwhile are
/// merged in. `Ok(false)`, with nothing written, when the two changed the
/// same lines.
pub async fn write_notes(app: &Stoa, actor: &Actor, id: &str, base: &str, text: &str) -> Result<bool> {
    actor.require()?;
    let text = LongText::parse(text).map_err(|e| CoreError::Invalid(vec![FieldError::invalid("notes", &e)]))?;
    coedit::write_text(app, actor, &Subject::Notes(id.to_owned()), base, text.as_str()).await
}

/// Turns an event's notes into a wiki page of its space, with a line that
/// links back to the event (its facilitators and owners; once). Returns
/// the space's address and the page's.
pub async fn publish_notes(app: &Stoa, actor: &Actor, id: &str, title: &str) -> Result<(String, String)> {
    let me = actor.require()?;
    let (row, view) = {
        let mut conn = app.store.read().await?;
        load(&mut conn, actor, id, Action::Facilitate).await?
    };
    if row.notes_page_id.is_some() {
        return Err(CoreError::Conflict("event-notes-published"));
    }
    let notes = coedit::current_text(app, &Subject::Notes(row.id.clone())).await?.unwrap_or_default();
    if notes.trim().is_empty() {
        return Err(CoreError::field("notes", "event-notes-empty"));
    }
    let title = if title.trim().is_empty() { format!("Notes: {}", row.title) } else { title.to_owned() };
    let date = time::OffsetDateTime::from_unix_timestamp(row.starts_at / 1000)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_default();
    let body =
        format!("{}\n\n---\n\n*Notes taken at [{}](/events/{}), {date}.*\n", notes.trim_end(), row.title, row.id);
    let input = wiki::PageInput {
        title,
        body,
        summary: format!("Notes of the event “{}”", row.title).chars().take(200).collect(),
        parent: None,
    };
    let slug = match wiki::create(app, actor, &view.space.slug, input).await? {
        wiki::Saved::Saved { slug, .. } => slug,
        wiki::Saved::Conflict(c) => c.slug,
    };
    let mut tx = app.store.begin().await?;
    let page = stoa_store::wiki::page_by_slug(&mut tx, &view.space.id, &slug).await?.ok_or(CoreError::NotFound)?;
    let now = app.now();
    store::set_notes_page(&mut tx, id, &page.id, now).await?;
    let data = serde_json::json!({"page": slug, "title": row.title});
    event(&mut tx, kind::EVENT_NOTES_PUBLISHED, &me.id, &view.space.id, id, data, now).await?;
    stoa_store::commit(tx).await?;
    Ok((view.space.slug, slug))
}

/// Sends the reminders that are due: each event not cancelled that starts
/// within [`REMIND_BEFORE_MS`] gets one `event.reminded` in the log (the
/// notifications follow from it). Returns how many events were reminded.
pub async fn remind_due(app: &Stoa) -> Result<usize> {
    let now = app.now();
    let due = {
        let mut conn = app.store.read().await?;
        store::due_reminders(&mut conn, now, now + REMIND_BEFORE_MS, 100).await?
    };
    let mut reminded = 0;
    for row in due {
        let mut tx = app.store.begin().await?;
        // Another node may have sent it meanwhile: then there is nothing to do.
        if store::mark_reminded(&mut tx, &row.id, now).await? {
            let data = serde_json::json!({"title": row.title, "starts_at": row.starts_at});
            let new = NewEvent {
                kind: kind::EVENT_REMINDED,
                actor_id: None,
                space_id: Some(&row.space_id),
                subject_id: Some(&row.id),
                data,
            };
            events::append(&mut tx, new, now).await?;
            reminded += 1;
        }
        stoa_store::commit(tx).await?;
    }
    Ok(reminded)
}

// ---------------------------------------------------------------- calendars

/// A calendar's events, each with its space.
#[derive(Debug, Clone, Serialize)]
pub struct Calendar {
    /// The space's name, or the person's.
    pub name: String,
    pub events: Vec<CalendarEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarEntry {
    #[serde(flatten)]
    pub row: EventRow,
    pub space_slug: String,
    pub space_name: String,
}

/// A space's events for a calendar program: from three months ago on.
pub async fn space_calendar(app: &Stoa, actor: &Actor, slug: &str) -> Result<Calendar> {
    let mut conn = app.store.read().await?;
    let view = spaces::load(&mut conn, actor, slug, Action::ReadContent).await?;
    let rows =
        store::in_spaces(&mut conn, std::slice::from_ref(&view.space.id), app.now() - CALENDAR_PAST_MS, CALENDAR_MAX)
            .await?;
    let events = rows
        .into_iter()
        .map(|row| CalendarEntry { row, space_slug: view.space.slug.clone(), space_name: view.space.name.clone() })
        .collect();
    Ok(Calendar { name: view.space.name.clone(), events })
}

/// A person's calendar: the events of every space they belong to and may
/// read, and those elsewhere they said they come or may come to (while
/// they may still read them), from three months ago on.
pub async fn personal_calendar(app: &Stoa, actor: &Actor) -> Result<Calendar> {
    let me = actor.require()?;
    let mut conn = app.store.read().await?;
    let readable: Vec<store_spaces::SpaceView> = store_spaces::all_views(&mut conn, Some(&me.id))
        .await?
        .into_iter()
        .filter(|v| allowed(actor, v, Action::ReadContent))
        .collect();
    let mine: Vec<String> = readable.iter().filter(|v| v.viewer_role().is_some()).map(|v| v.space.id.clone()).collect();
    let from = app.now() - CALENDAR_PAST_MS;
    let mut rows = store::in_spaces(&mut conn, &mine, from, CALENDAR_MAX).await?;
    for row in store::answered_by(&mut conn, &me.id, from, CALENDAR_MAX).await? {
        if !rows.iter().any(|r| r.id == row.id) && readable.iter().any(|v| v.space.id == row.space_id) {
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| (a.starts_at, &a.id).cmp(&(b.starts_at, &b.id)));
    rows.truncate(usize::try_from(CALENDAR_MAX).unwrap_or(500));
    let events = rows
        .into_iter()
        .filter_map(|row| {
            let space = readable.iter().find(|v| v.space.id == row.space_id)?;
            Some(CalendarEntry { space_slug: space.space.slug.clone(), space_name: space.space.name.clone(), row })
        })
        .collect();
    Ok(Calendar { name: me.display_name.clone(), events })
}

/// The MAC a person's calendar key carries, over their id and epoch.
async fn calendar_mac(app: &Stoa, user_id: &str, epoch: i64) -> Result<hmac::Hmac<sha2::Sha256>> {
    let mut mac = crate::mail::keyed(app, "calendar").await?;
    mac.update(format!("{user_id}:{epoch}").as_bytes());
    Ok(mac)
}

/// The key in the actor's calendar address (`{user id}.{tag}`), which
/// reads as them without signing in.
pub async fn calendar_key(app: &Stoa, actor: &Actor) -> Result<String> {
    let me = actor.require()?;
    let epoch = {
        let mut conn = app.store.read().await?;
        store::calendar_epoch(&mut conn, &me.id).await?.ok_or(CoreError::NotFound)?
    };
    let tag = calendar_mac(app, &me.id, epoch).await?.finalize().into_bytes();
    Ok(format!("{}.{}", me.id, URL_SAFE_NO_PAD.encode(tag)))
}

/// Makes every calendar address the actor gave out stop working; returns
/// the new key.
pub async fn renew_calendar_key(app: &Stoa, actor: &Actor) -> Result<String> {
    let me = actor.require()?;
    let mut tx = app.store.begin().await?;
    store::renew_calendar_epoch(&mut tx, &me.id).await?;
    stoa_store::commit(tx).await?;
    calendar_key(app, actor).await
}

/// The person a calendar key reads as; `NotFound` for a key that is
/// malformed, forged, renewed since, or of a suspended account.
pub async fn calendar_reader(app: &Stoa, key: &str) -> Result<Actor> {
    let (user_id, tag) = key.split_once('.').ok_or(CoreError::NotFound)?;
    let given = URL_SAFE_NO_PAD.decode(tag).map_err(|_| CoreError::NotFound)?;
    let (row, epoch) = {
        let mut conn = app.store.read().await?;
        let row = users::by_id(&mut conn, user_id).await?.ok_or(CoreError::NotFound)?;
        let epoch = store::calendar_epoch(&mut conn, user_id).await?.ok_or(CoreError::NotFound)?;
        (row, epoch)
    };
    if row.is_suspended() {
        return Err(CoreError::NotFound);
    }
    calendar_mac(app, user_id, epoch).await?.verify_slice(&given).map_err(|_| CoreError::NotFound)?;
    Ok(Actor::signed_in(CurrentUser::from_row(&row)))
}
