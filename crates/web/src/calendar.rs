//! iCalendar (RFC 5545) feeds of events, for calendar programs: a space's
//! events (`/s/{slug}/events.ics`), one event (`/events/{id}/event.ics`)
//! and a person's calendar (`/calendar/{key}.ics`).
//!
//! Calendar programs cannot sign in, so besides the session a feed may be
//! read with a person's calendar key (`?key=` on a space's feed, or the
//! personal address): it reads exactly what that person may read now.
//! Anything the reader may not read answers 404, as a page would.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use serde::Deserialize;
use stoa_core::calendar::{self, CalendarEntry};
use stoa_core::{Actor, CoreError};

use crate::AppState;
use crate::ctx::RequestContext;
use crate::html::Query;
use crate::syndication::base;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{slug}/events.ics", get(space_feed))
        .route("/events/{id}/event.ics", get(one_event))
        .route("/calendar/{file}", get(personal_feed))
}

#[derive(Deserialize, Default)]
struct KeyQuery {
    #[serde(default)]
    key: Option<String>,
}

fn utc(ms: i64) -> time::UtcDateTime {
    time::UtcDateTime::from_unix_timestamp(ms.div_euclid(1000)).unwrap_or(time::UtcDateTime::UNIX_EPOCH)
}

/// A UTC date-time as iCalendar writes it (`20261201T180000Z`).
fn stamp(ms: i64) -> String {
    let t = utc(ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn vevent(entry: &CalendarEntry, base: &str) -> icalendar::Event {
    let e = &entry.row;
    let host = base.split("://").nth(1).unwrap_or(base);
    let page = format!("{base}/events/{}", e.id);
    let mut description = stoa_domain::markdown::plain_text(&e.description, 4000);
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    if let Some(link) = &e.link {
        description.push_str(&format!("{link}\n"));
    }
    description.push_str(&page);
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@{}", e.id, host.split(':').next().unwrap_or(host)))
        .add_property("DTSTAMP", stamp(e.updated_at))
        .add_property("CREATED", stamp(e.created_at))
        .add_property("LAST-MODIFIED", stamp(e.updated_at))
        .sequence(u32::try_from(e.revision).unwrap_or(0))
        .summary(&e.title)
        .description(&description)
        .starts(utc(e.starts_at))
        .ends(utc(e.ends_at))
        .url(&page)
        .status(if e.cancelled_at.is_some() { EventStatus::Cancelled } else { EventStatus::Confirmed });
    match (&e.place, &e.link) {
        (Some(place), _) => {
            event.location(place);
        }
        (None, Some(link)) => {
            event.location(link);
        }
        (None, None) => {}
    }
    event.add_property("CATEGORIES", &entry.space_name);
    event.done()
}

fn ics(name: &str, entries: &[CalendarEntry], base: &str, file: &str) -> Response {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Stoa//Events//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(name)
        .append_property(Property::new("REFRESH-INTERVAL;VALUE=DURATION", "PT1H"));
    for entry in entries {
        cal.push(vevent(entry, base));
    }
    let disposition = format!("inline; filename=\"{}\"", file.replace(['"', '\\', '\r', '\n'], "_"));
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
        ],
        cal.done().to_string(),
    )
        .into_response()
}

fn refused(e: &CoreError) -> Response {
    match e {
        CoreError::NotFound | CoreError::Forbidden | CoreError::SignInRequired => {
            (StatusCode::NOT_FOUND, "No such calendar.").into_response()
        }
        other => {
            tracing::warn!(error = %other, "could not read a calendar");
            (StatusCode::SERVICE_UNAVAILABLE, "The calendar could not be read just now.").into_response()
        }
    }
}

/// Whoever reads: the holder of a calendar key if one is given (a wrong one
/// is refused, never read as a visitor), else the session's person.
async fn reader(state: &AppState, rc: &RequestContext, key: Option<&str>) -> Result<Actor, CoreError> {
    match key.filter(|k| !k.is_empty()) {
        Some(key) => calendar::calendar_reader(&state.app, key).await,
        None => Ok(rc.actor.clone()),
    }
}

async fn space_feed(
    State(state): State<AppState>,
    rc: RequestContext,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<KeyQuery>,
) -> Response {
    let result = async {
        let actor = reader(&state, &rc, q.key.as_deref()).await?;
        calendar::space_calendar(&state.app, &actor, &slug).await
    };
    match result.await {
        Ok(cal) => ics(&cal.name, &cal.events, &base(&state, &headers), &format!("{slug}.ics")),
        Err(e) => refused(&e),
    }
}

async fn one_event(
    State(state): State<AppState>,
    rc: RequestContext,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match calendar::get(&state.app, &rc.actor, &id).await {
        Ok((event, space, _)) => {
            let entry = CalendarEntry { row: event.row, space_slug: space.slug, space_name: space.name };
            ics(&entry.row.title.clone(), std::slice::from_ref(&entry), &base(&state, &headers), "event.ics")
        }
        Err(e) => refused(&e),
    }
}

async fn personal_feed(State(state): State<AppState>, headers: HeaderMap, Path(file): Path<String>) -> Response {
    let Some(key) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "No such calendar.").into_response();
    };
    let result = async {
        let actor = calendar::calendar_reader(&state.app, key).await?;
        calendar::personal_calendar(&state.app, &actor).await
    };
    match result.await {
        Ok(cal) => ics(&cal.name, &cal.events, &base(&state, &headers), "calendar.ics"),
        Err(e) => refused(&e),
    }
}
