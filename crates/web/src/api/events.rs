//! Events and live sessions: scheduling, answers (RSVP), the shared notes,
//! turning them into a wiki page, and the address of one's calendar.
//! The iCalendar feeds themselves are outside the API (`/s/{slug}/events.ics`,
//! `/events/{id}/event.ics`, `/calendar/{key}.ics`).

use axum::extract::State;
use axum::http::StatusCode;
use stoa_core::calendar::{self, EventInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::dto::*;
use super::{ApiActor, ApiResult};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, ErrorBody};

pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list_events, schedule_event))
        .routes(routes!(get_event, update_event))
        .routes(routes!(cancel_event))
        .routes(routes!(answer_event))
        .routes(routes!(get_notes, write_notes))
        .routes(routes!(publish_notes))
        .routes(routes!(calendar_address))
        .routes(routes!(renew_calendar_address))
}

/// A space's events: every one to come or under way, soonest first, and a
/// page of past ones, latest first.
#[utoipa::path(get, path = "/spaces/{slug}/events", tag = "events", params(("slug" = String, Path), EventListParams),
    responses((status = 200, body = EventListDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_events(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<EventListParams>,
) -> ApiResult<ApiJson<EventListDto>> {
    Ok(ApiJson(calendar::list(&s.app, &actor, &slug, q.past_page.unwrap_or(1)).await?.into()))
}

/// Schedules an event in a space (its facilitators and owners). Members
/// and followers of the space are told.
#[utoipa::path(post, path = "/spaces/{slug}/events", tag = "events", params(("slug" = String, Path)), request_body = CreateEvent,
    responses((status = 201, body = CreatedDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn schedule_event(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateEvent>,
) -> ApiResult<(StatusCode, ApiJson<CreatedDto>)> {
    let input = EventInput {
        title: body.title,
        description: body.description,
        starts_at: body.starts_at,
        duration_minutes: body.duration_minutes,
        place: body.place,
        link: body.link,
    };
    let id = calendar::schedule(&s.app, &actor, &slug, input).await?;
    Ok((StatusCode::CREATED, ApiJson(CreatedDto { id })))
}

/// An event, who answered, and its shared notes.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = EventDetailDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_event(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<EventDetailDto>> {
    Ok(ApiJson(calendar::page(&s.app, &actor, &id).await?.into()))
}

/// Changes an event (its space's facilitators and owners); those who said
/// they come are told when its time or place changes.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", params(("id" = String, Path)), request_body = UpdateEvent,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_event(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateEvent>,
) -> ApiResult<StatusCode> {
    let now = calendar::get(&s.app, &actor, &id).await?.0.row;
    let input = EventInput {
        title: body.title.unwrap_or(now.title),
        description: body.description.unwrap_or(now.description),
        starts_at: Some(body.starts_at.unwrap_or(now.starts_at)),
        duration_minutes: Some(body.duration_minutes.unwrap_or((now.ends_at - now.starts_at) / 60_000)),
        place: body.place.unwrap_or_else(|| now.place.unwrap_or_default()),
        link: body.link.unwrap_or_else(|| now.link.unwrap_or_default()),
    };
    calendar::update(&s.app, &actor, &id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels an event (its space's facilitators and owners). It stays,
/// marked cancelled; those who said they come are told.
#[utoipa::path(post, path = "/events/{id}/cancel", tag = "events", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_event(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    calendar::cancel(&s.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Says whether you come: `yes`, `maybe` or `no` (until the event ends).
#[utoipa::path(put, path = "/events/{id}/rsvp", tag = "events", params(("id" = String, Path)), request_body = AnswerBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn answer_event(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> ApiResult<StatusCode> {
    calendar::answer(&s.app, &actor, &id, &body.answer).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The shared notes as they stand. To write them together live, connect a
/// Yjs client to `/yjs/event-{id}` (the y-websocket protocol).
#[utoipa::path(get, path = "/events/{id}/notes", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = NotesDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_notes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<ApiJson<NotesDto>> {
    let page = calendar::page(&s.app, &actor, &id).await?;
    Ok(ApiJson(NotesDto { text: page.notes, html: page.notes_html }))
}

/// Writes the notes (anyone who may take part in the space), merged with
/// what others wrote since `base`; 409 when both changed the same lines.
#[utoipa::path(put, path = "/events/{id}/notes", tag = "events", params(("id" = String, Path)), request_body = NotesBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn write_notes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<NotesBody>,
) -> ApiResult<StatusCode> {
    if calendar::write_notes(&s.app, &actor, &id, &body.base, &body.text).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(stoa_core::CoreError::Conflict("event-notes-conflict").into())
    }
}

/// Turns the notes into a wiki page of the space, linking back to the
/// event (its facilitators and owners; once).
#[utoipa::path(post, path = "/events/{id}/notes/wiki-page", tag = "events", params(("id" = String, Path)), request_body = PublishNotesBody,
    responses((status = 201, body = WikiPageRefDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn publish_notes(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<PublishNotesBody>,
) -> ApiResult<(StatusCode, ApiJson<WikiPageRefDto>)> {
    let (space_slug, slug) = calendar::publish_notes(&s.app, &actor, &id, &body.title).await?;
    Ok((StatusCode::CREATED, ApiJson(WikiPageRefDto { space_slug, slug })))
}

/// Your calendar's private address (the events of your spaces and those
/// you said you come to).
#[utoipa::path(get, path = "/me/calendar", tag = "events",
    responses((status = 200, body = CalendarAddressDto), (status = 401, body = ErrorBody)))]
async fn calendar_address(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<ApiJson<CalendarAddressDto>> {
    let key = calendar::calendar_key(&s.app, &actor).await?;
    Ok(ApiJson(CalendarAddressDto { path: format!("/calendar/{key}.ics"), key }))
}

/// Makes a new calendar address; the old one stops working.
#[utoipa::path(post, path = "/me/calendar/renew", tag = "events",
    responses((status = 200, body = CalendarAddressDto), (status = 401, body = ErrorBody)))]
async fn renew_calendar_address(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<ApiJson<CalendarAddressDto>> {
    let key = calendar::renew_calendar_key(&s.app, &actor).await?;
    Ok(ApiJson(CalendarAddressDto { path: format!("/calendar/{key}.ics"), key }))
}
