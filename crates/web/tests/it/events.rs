//! Events and live sessions over HTTP: who may do what (the matrix), the
//! forms as a browser posts them, answers and reminders reaching people as
//! notifications, iCalendar feeds read by a real parser (Python's
//! `icalendar`), and the shared notes written together by the npm `yjs`
//! client and turned into a wiki page.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, Visitor, Who, enrol, mismatch, spawn_app};

const HOUR: i64 = 3_600_000;
const EVENT_ACTIONS: usize = 16;

fn now() -> i64 {
    stoa_store::events::now_ms()
}

/// Schedules an event through the API, `starts_in` milliseconds from now.
async fn schedule(v: &Visitor, slug: &str, title: &str, starts_in: i64) -> String {
    let (status, body) = v
        .api_post(
            &format!("/spaces/{slug}/events"),
            json!({"title": title, "description": "Bring **one** question.", "starts_at": now() + starts_in,
                   "duration_minutes": 60, "place": "Room 4"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("id").to_owned()
}

/// A `datetime-local` value in UTC, `from_now` milliseconds from now.
fn local(from_now: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp((now() + from_now) / 1000).expect("time");
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

/// The kinds and titles of a person's notifications, newest first, after
/// the notifier has caught up.
async fn notices(app: &TestApp, v: &Visitor) -> Vec<(String, String)> {
    stoa_core::notifications::catch_up(&app.app).await.expect("notifications");
    let (_, list) = v.api_get("/notifications").await;
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| (n["kind"].as_str().unwrap_or("").to_owned(), n["title"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// Columns (API): list, read, notes; schedule, change, answer, write the
/// notes, turn them into a page, cancel; (feeds) the space's calendar, the
/// event's; (browser) the events page, the event page, the live room,
/// the schedule form, the answer form.
async fn statuses(v: &Visitor, slug: &str, event: &str, other: &str) -> Vec<u16> {
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/spaces/{slug}/events"), None),
        (Method::GET, format!("/events/{event}"), None),
        (Method::GET, format!("/events/{event}/notes"), None),
        (
            Method::POST,
            format!("/spaces/{slug}/events"),
            Some(json!({"title": "Another", "starts_at": now() + 48 * HOUR, "duration_minutes": 30})),
        ),
        (Method::PATCH, format!("/events/{event}"), Some(json!({"title": "Renamed"}))),
        (Method::PUT, format!("/events/{event}/rsvp"), Some(json!({"answer": "yes"}))),
        (Method::PUT, format!("/events/{event}/notes"), Some(json!({"base": "Agenda\n", "text": "Agenda\nA note\n"}))),
        (Method::POST, format!("/events/{event}/notes/wiki-page"), Some(json!({}))),
        (Method::POST, format!("/events/{other}/cancel"), None),
    ];
    let mut out = Vec::new();
    for (method, path, body) in calls {
        out.push(v.api_send(method, &path, body).await.0.as_u16());
    }
    out.push(v.get(&format!("/s/{slug}/events.ics")).await.status().as_u16());
    out.push(v.get(&format!("/events/{event}/event.ics")).await.status().as_u16());
    out.push(v.get(&format!("/s/{slug}/events")).await.status().as_u16());
    out.push(v.get(&format!("/events/{event}")).await.status().as_u16());
    out.push(v.get(&format!("/events/{event}/live")).await.status().as_u16());
    let starts = local(72 * HOUR);
    let form = [("title", "From the form"), ("starts_at", starts.as_str()), ("starts_tz", "0"), ("duration", "45")];
    out.push(v.post_form(&format!("/s/{slug}/events"), &form).await.status().as_u16());
    out.push(v.post_form(&format!("/events/{event}/rsvp"), &[("answer", "maybe")]).await.status().as_u16());
    out
}

#[tokio::test]
async fn the_event_access_matrix_holds_in_the_api_the_feeds_and_the_pages() {
    let app = spawn_app().await;
    let owner = app.person("owner").await;
    let facilitator = app.person("facil").await;
    let member = app.person("member").await;
    let outsider = app.person("outsider").await;
    let anonymous = app.visitor();
    let people = [
        (Who::Anonymous, &anonymous),
        (Who::Outsider, &outsider),
        (Who::Member, &member),
        (Who::Facilitator, &facilitator),
        (Who::Owner, &owner),
    ];
    #[rustfmt::skip]
    let expected: &[(&str, Who, [u16; EVENT_ACTIONS])] = &[
        ("public",  Who::Anonymous,   [200, 200, 200, 401, 401, 401, 401, 401, 401, 200, 200, 200, 200, 303, 401, 401]),
        ("public",  Who::Outsider,    [200, 200, 200, 403, 403, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403, 403]),
        ("public",  Who::Member,      [200, 200, 200, 403, 403, 204, 204, 403, 403, 200, 200, 200, 200, 200, 403, 303]),
        ("public",  Who::Facilitator, [200, 200, 200, 201, 204, 204, 204, 201, 204, 200, 200, 200, 200, 200, 303, 303]),
        ("public",  Who::Owner,       [200, 200, 200, 201, 204, 204, 204, 201, 204, 200, 200, 200, 200, 200, 303, 303]),
        ("members", Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 401, 401, 404, 404, 303, 303, 303, 401, 401]),
        ("members", Who::Outsider,    [403, 403, 403, 403, 403, 403, 403, 403, 403, 404, 404, 403, 403, 403, 403, 403]),
        ("members", Who::Member,      [200, 200, 200, 403, 403, 204, 204, 403, 403, 200, 200, 200, 200, 200, 403, 303]),
        ("members", Who::Facilitator, [200, 200, 200, 201, 204, 204, 204, 201, 204, 200, 200, 200, 200, 200, 303, 303]),
        ("members", Who::Owner,       [200, 200, 200, 201, 204, 204, 204, 201, 204, 200, 200, 200, 200, 200, 303, 303]),
        ("secret",  Who::Anonymous,   [404, 404, 404, 401, 404, 401, 401, 401, 401, 404, 404, 404, 404, 404, 401, 401]),
        ("secret",  Who::Outsider,    [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("secret",  Who::Member,      [200, 200, 200, 403, 403, 204, 204, 403, 403, 200, 200, 200, 200, 200, 403, 303]),
        ("secret",  Who::Facilitator, [200, 200, 200, 201, 204, 204, 204, 201, 204, 200, 200, 200, 200, 200, 303, 303]),
        ("secret",  Who::Owner,       [200, 200, 200, 201, 204, 204, 204, 201, 204, 200, 200, 200, 200, 200, 303, 303]),
    ];
    let mut failures = Vec::new();
    for (row, (visibility, who, want)) in expected.iter().enumerate() {
        let slug = format!("events-{visibility}-{row}");
        crate::space(&owner, &slug, visibility, "invite").await;
        enrol(&owner, &facilitator, &slug, true).await;
        enrol(&owner, &member, &slug, false).await;
        let event = schedule(&owner, &slug, "Session", 24 * HOUR).await;
        let other = schedule(&owner, &slug, "To cancel", 24 * HOUR).await;
        let (status, body) = owner
            .api_send(Method::PUT, &format!("/events/{event}/notes"), Some(json!({"base": "", "text": "Agenda\n"})))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let v = people.iter().find(|(w, _)| w == who).map(|(_, v)| *v).expect("person");
        let got = statuses(v, &slug, &event, &other).await;
        if got.as_slice() != want.as_slice() {
            failures.push(mismatch(visibility, *who, want, &got));
        }
    }
    assert!(failures.is_empty(), "event access matrix mismatches:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_facilitator_schedules_people_answer_and_are_told_of_reminders_changes_and_cancelling() {
    let app = spawn_app().await;
    let owner = app.person("ana").await;
    let priya = app.person("priya").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    crate::space(&owner, "circle", "members", "invite").await;
    enrol(&owner, &priya, "circle", true).await;
    enrol(&owner, &boris, "circle", false).await;
    enrol(&owner, &cleo, "circle", false).await;

    // A refused form comes back with every word typed and a message per field.
    let r = priya
        .post_form(
            "/s/circle/events",
            &[
                ("title", ""),
                ("starts_at", "next tuesday"),
                ("starts_tz", "0"),
                ("duration", "60"),
                ("link", "javascript:alert(1)"),
                ("description", "An agenda I typed with care"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("html");
    for expected in ["An agenda I typed with care", "javascript:alert(1)", "next tuesday", "Enter a date and time."] {
        assert!(html.contains(expected), "{expected:?} in the refused form");
    }
    assert!(html.contains("Enter a web address"), "the link is refused");
    let (_, list) = priya.api_get("/spaces/circle/events").await;
    assert_eq!(list["upcoming"].as_array().map(Vec::len), Some(0), "nothing written");

    // A member may not schedule, even with a good form.
    let starts = local(30 * 60_000);
    let good = [
        ("title", "Book club"),
        ("starts_at", starts.as_str()),
        ("starts_tz", "0"),
        ("duration", "90"),
        ("place", "Room 4"),
        ("link", "https://meet.example/book"),
        ("description", "Chapter *five*."),
    ];
    assert_eq!(boris.post_form("/s/circle/events", &good).await.status(), StatusCode::FORBIDDEN);
    let r = priya.post_form("/s/circle/events", &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    let id = location.strip_prefix("/events/").expect("the event's page").to_owned();
    let (status, html) = boris.text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Book club") && html.contains("<em>five</em>") && html.contains("Room 4"), "{html}");
    let (_, detail) = boris.api_get(&format!("/events/{id}")).await;
    assert_eq!(
        (detail["event"]["duration_minutes"].as_i64(), detail["event"]["status"].as_str()),
        (Some(90), Some("upcoming"))
    );
    // Everyone in the space hears of it (not the one who scheduled it).
    assert_eq!(notices(&app, &boris).await.first(), Some(&("event".to_owned(), "Book club".to_owned())));
    assert!(notices(&app, &priya).await.iter().all(|(k, _)| k != "event"));

    // Boris comes, Cleo may; a bad answer is refused and changes nothing.
    assert_eq!(
        boris.post_form(&format!("/events/{id}/rsvp"), &[("answer", "yes")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, bad) =
        cleo.api_send(Method::PUT, &format!("/events/{id}/rsvp"), Some(json!({"answer": "perhaps"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let (status, _) = cleo.api_send(Method::PUT, &format!("/events/{id}/rsvp"), Some(json!({"answer": "maybe"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, detail) = boris.api_get(&format!("/events/{id}")).await;
    assert_eq!((detail["event"]["going"].as_i64(), detail["event"]["maybe"].as_i64()), (Some(1), Some(1)));
    assert_eq!(detail["event"]["my_answer"], "yes");
    let html = boris.text(&format!("/events/{id}")).await.1;
    assert!(html.contains("value=\"yes\" class=\"\" aria-pressed=\"true\""), "his answer is shown pressed");

    // It starts within the hour: one reminder, to those coming, only once.
    assert_eq!(stoa_core::calendar::remind_due(&app.app).await.expect("remind"), 1);
    assert_eq!(stoa_core::calendar::remind_due(&app.app).await.expect("remind"), 0);
    assert_eq!(notices(&app, &boris).await.first(), Some(&("reminder".to_owned(), "Book club".to_owned())));
    assert_eq!(notices(&app, &cleo).await.first().map(|n| n.0.as_str()), Some("reminder"));
    assert!(notices(&app, &owner).await.iter().all(|(k, _)| k != "reminder"), "the owner did not answer");

    // Moving it tells those coming; a rename alone does not.
    let (status, _) =
        priya.api_send(Method::PATCH, &format!("/events/{id}"), Some(json!({"title": "Book club!"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(notices(&app, &boris).await.first().map(|n| n.0.as_str()), Some("reminder"));
    let later = local(5 * HOUR);
    let edit = [("title", "Book club!"), ("starts_at", later.as_str()), ("starts_tz", "0"), ("duration", "90")];
    assert_eq!(priya.post_form(&format!("/events/{id}/edit"), &edit).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(notices(&app, &boris).await.first(), Some(&("event_changed".to_owned(), "Book club!".to_owned())));
    // The reminder comes again before the new time, not now.
    assert_eq!(stoa_core::calendar::remind_due(&app.app).await.expect("remind"), 0);
    // An unreadable time in the edit form keeps what was typed.
    let bad = [("title", "Kept title"), ("starts_at", "soon"), ("starts_tz", "0"), ("duration", "90")];
    let r = priya.post_form(&format!("/events/{id}/edit"), &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("html");
    assert!(html.contains("Kept title") && html.contains("value=\"soon\""), "the edit form keeps the input");

    // Cancelling tells them in words of its own; answers close.
    assert_eq!(boris.post_form(&format!("/events/{id}/cancel"), &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(priya.post_form(&format!("/events/{id}/cancel"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(notices(&app, &boris).await.first().map(|n| n.0.as_str()), Some("event_changed"));
    let html = boris.text("/notifications").await.1;
    assert!(html.contains("Priya cancelled “Book club!”"), "{html}");
    let (status, body) =
        boris.api_send(Method::PUT, &format!("/events/{id}/rsvp"), Some(json!({"answer": "no"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("event-cancelled")));
    let (_, detail) = boris.api_get(&format!("/events/{id}")).await;
    assert_eq!(detail["event"]["status"], "cancelled");
    // Notification settings offer the three new kinds.
    let html = boris.text("/settings/notifications").await.1;
    for kind in ["New events in your spaces", "An event you come to starts soon", "changes or is cancelled"] {
        assert!(html.contains(kind), "{kind}");
    }
}

/// What Python's `icalendar` made of a feed: each event's fields, as text.
async fn parse_calendar(ics: &str) -> Option<Value> {
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = {"name": str(cal.get("X-WR-CALNAME", "")), "version": str(cal.get("VERSION", "")), "events": []}
for e in cal.walk("VEVENT"):
    out["events"].append({
        "uid": str(e.get("UID")), "summary": str(e.get("SUMMARY")), "description": str(e.get("DESCRIPTION", "")),
        "start": e.decoded("DTSTART").isoformat(), "end": e.decoded("DTEND").isoformat(),
        "status": str(e.get("STATUS", "")), "sequence": int(e.get("SEQUENCE", 0)), "url": str(e.get("URL", "")),
        "location": str(e.get("LOCATION", "")), "stamp": e.decoded("DTSTAMP").isoformat(),
    })
print(json.dumps(out))
"#;
    crate::feeds::python_with("icalendar", script, ics).await
}

fn summaries(cal: &Value) -> Vec<String> {
    cal["events"].as_array().expect("events").iter().map(|e| e["summary"].as_str().unwrap_or("").to_owned()).collect()
}

#[tokio::test]
async fn calendars_parse_cleanly_and_show_only_what_their_reader_may_read() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    crate::space(&ana, "square", "public", "open").await;
    crate::space(&ana, "vault", "secret", "invite").await;
    enrol(&ana, &boris, "vault", false).await;
    let tricky = "Review; part 1, with a \\ backslash";
    let open = schedule(&ana, "square", tricky, 24 * HOUR).await;
    let hidden = schedule(&ana, "vault", "Zebrafish planning", 48 * HOUR).await;

    // A public space's calendar, for anyone, parsed by a real parser.
    let anonymous = app.visitor();
    let r = anonymous.get("/s/square/events.ics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap_or("").starts_with("text/calendar"));
    let ics = r.text().await.expect("ics");
    assert!(ics.lines().all(|l| l.len() <= 75), "lines are folded at 75 octets");
    let Some(cal) = parse_calendar(&ics).await else { return };
    assert_eq!((cal["version"].as_str(), cal["name"].as_str()), (Some("2.0"), Some("Space square")));
    let e = &cal["events"][0];
    assert_eq!(e["summary"].as_str(), Some(tricky), "text is escaped and comes back whole");
    let (_, detail) = anonymous.api_get(&format!("/events/{open}")).await;
    let starts = time::OffsetDateTime::from_unix_timestamp(detail["event"]["starts_at"].as_i64().expect("ms") / 1000)
        .expect("time");
    assert_eq!(
        e["start"].as_str(),
        Some(
            starts.format(&time::format_description::well_known::Rfc3339).expect("fmt").replace('Z', "+00:00").as_str()
        )
    );
    assert_eq!(
        (e["status"].as_str(), e["sequence"].as_i64(), e["location"].as_str()),
        (Some("CONFIRMED"), Some(0), Some("Room 4"))
    );
    assert!(
        e["uid"].as_str().is_some_and(|u| u.starts_with(&open))
            && e["url"].as_str().is_some_and(|u| u.ends_with(&format!("/events/{open}")))
    );
    assert!(e["description"].as_str().is_some_and(|d| d.contains("Bring one question.")), "plain text: {e}");

    // The secret space's calendar is not there for outsiders, in any form.
    for path in ["/s/vault/events.ics".to_owned(), format!("/events/{hidden}/event.ics")] {
        let (status, body) = cleo.text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("Zebrafish"));
    }

    // A personal calendar address, read by a calendar program (no cookies):
    // the events of one's spaces, and those one said one comes to.
    let (_, boris_cal) = boris.api_get("/me/calendar").await;
    let boris_path = boris_cal["path"].as_str().expect("path").to_owned();
    let boris_key = boris_cal["key"].as_str().expect("key").to_owned();
    assert!(boris.text("/calendar").await.1.contains(&boris_path), "the calendar page shows the address");
    let (status, _) =
        boris.api_send(Method::PUT, &format!("/events/{open}/rsvp"), Some(json!({"answer": "yes"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "answers need taking part: he has not joined the square");
    let (status, _) = boris.api_post("/spaces/square/join", json!({})).await;
    assert!(status.is_success(), "{status}");
    let (status, _) =
        boris.api_send(Method::PUT, &format!("/events/{open}/rsvp"), Some(json!({"answer": "maybe"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = boris.api_post("/spaces/square/leave", json!({})).await;
    assert!(status.is_success(), "{status}");
    let calendar_program = app.visitor();
    let (status, ics) = calendar_program.text(&boris_path).await;
    assert_eq!(status, StatusCode::OK);
    let Some(cal) = parse_calendar(&ics).await else { return };
    let mut got = summaries(&cal);
    got.sort();
    assert_eq!(got, [tricky.to_owned(), "Zebrafish planning".to_owned()], "his space's, and the one he may come to");
    // The key also opens a private space's feed, and only for its holder.
    assert_eq!(calendar_program.get(&format!("/s/vault/events.ics?key={boris_key}")).await.status(), StatusCode::OK);
    let (_, cleo_cal) = cleo.api_get("/me/calendar").await;
    let cleo_key = cleo_cal["key"].as_str().expect("key").to_owned();
    assert_eq!(
        calendar_program.get(&format!("/s/vault/events.ics?key={cleo_key}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, cleo_ics) = calendar_program.text(cleo_cal["path"].as_str().expect("path")).await;
    assert!(!cleo_ics.contains("Zebrafish"), "nothing of the vault in hers");
    // A forged or renewed key reads nothing.
    let forged = format!("/calendar/{}.ics", boris_key.replace(|c: char| c.is_ascii_digit(), "7"));
    assert_eq!(calendar_program.get(&forged).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(calendar_program.get(&format!("/calendar/{}x.ics", boris_key)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(boris.post_form("/calendar/renew", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(calendar_program.get(&boris_path).await.status(), StatusCode::NOT_FOUND, "the old address stops");
    let (_, renewed) = boris.api_get("/me/calendar").await;
    let new_path = renewed["path"].as_str().expect("path").to_owned();
    assert_ne!(new_path, boris_path);

    // Cancelling shows in the feed; leaving the vault takes its events away.
    let (status, _) = ana.api_post(&format!("/events/{hidden}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let Some(cal) = parse_calendar(&calendar_program.text(&new_path).await.1).await else { return };
    let zebra =
        cal["events"].as_array().expect("events").iter().find(|e| e["summary"] == "Zebrafish planning").cloned();
    let zebra = zebra.expect("still listed");
    assert_eq!((zebra["status"].as_str(), zebra["sequence"].as_i64()), (Some("CANCELLED"), Some(1)));
    let (status, _) = ana.api_send(Method::DELETE, "/spaces/vault/members/boris", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, ics) = calendar_program.text(&new_path).await;
    assert!(!ics.contains("Zebrafish"), "a removed member's calendar forgets the space");
    assert!(ics.contains("BEGIN:VCALENDAR") && ics.contains("Review"), "{ics}");
}

#[tokio::test]
async fn the_shared_notes_are_written_together_and_become_a_wiki_page() {
    let app = spawn_app().await;
    let background = app.app.run_background();
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    crate::space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    let id = schedule(&ana, "circle", "Retro", 10 * 60_000).await;

    // Two people write the notes at once with the npm `yjs` client, one of
    // them offline for a while.
    let text = match crate::coedit::node_ready() {
        Some(root) => {
            let text =
                crate::coedit::node_clients(&root, (app.addr, &ana), (app.addr, &boris), &format!("event-{id}"), "")
                    .await;
            for part in ["Ana was here.", "Boris too.", "Written offline.", "typing fast"] {
                assert!(text.contains(part), "{part:?} in {text:?}");
            }
            text
        }
        None => {
            let (status, _) = boris
                .api_send(Method::PUT, &format!("/events/{id}/notes"), Some(json!({"base": "", "text": "Boris too."})))
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT);
            "Boris too.".to_owned()
        }
    };
    let (_, notes) = boris.api_get(&format!("/events/{id}/notes")).await;
    assert_eq!(notes["text"].as_str(), Some(text.as_str()), "the server holds what they converged on");
    let html = boris.text(&format!("/events/{id}")).await.1;
    assert!(html.contains("Boris too."), "the event's page shows the notes");

    // Without JavaScript: a form write merges with what others wrote live,
    // and overlapping changes come back with the text typed kept.
    let base = text.clone();
    let mine = format!("{base}\nA line from the form.\n");
    let r = boris.post_form(&format!("/events/{id}/notes"), &[("base", base.as_str()), ("notes", mine.as_str())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, notes) = ana.api_get(&format!("/events/{id}/notes")).await;
    let now_text = notes["text"].as_str().expect("text").to_owned();
    assert!(now_text.contains("A line from the form."));
    let (status, body) = ana
        .api_send(
            Method::PUT,
            &format!("/events/{id}/notes"),
            Some(json!({"base": base, "text": format!("{base}\nAna's other line.\n")})),
        )
        .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("event-notes-conflict")));
    let r = ana
        .post_form(&format!("/events/{id}/notes"), &[("base", base.as_str()), ("notes", "Words of Ana that must stay")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("html");
    assert!(html.contains("Words of Ana that must stay"), "what she typed is kept");
    assert!(html.contains("A line from the form."), "the notes as they are now are shown beside");
    let (_, notes) = ana.api_get(&format!("/events/{id}/notes")).await;
    assert_eq!(notes["text"].as_str(), Some(now_text.as_str()), "nothing written by the refused save");

    // The live room has the notes editor and the space's chat.
    let r = boris.get(&format!("/events/{id}/live")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("html");
    assert!(html.contains(&format!("data-room=\"event-{id}\"")) && html.contains("data-live-chat=\"chat:circle\""));
    assert!(html.contains(&format!("name=\"back\" value=\"/events/{id}/live\"")), "the chat form comes back here");
    let r =
        boris.post_form("/s/circle/chat", &[("body", "Notes are up"), ("back", &format!("/events/{id}/live"))]).await;
    let to = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    assert!(to.starts_with(&format!("/events/{id}/live#m-")), "{to}");
    let r = boris.post_form("/s/circle/chat", &[("body", "Elsewhere"), ("back", "//evil.example/events/x/live")]).await;
    let to = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    assert!(to.starts_with("/s/circle/chat#m-"), "{to}");

    // A member may not turn the notes into a page; the facilitator does, once.
    let (status, _) = boris.api_post(&format!("/events/{id}/notes/wiki-page"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = ana.post_form(&format!("/events/{id}/publish"), &[("title", "Retro notes")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/s/circle/wiki/retro-notes");
    let (_, page) = boris.api_get("/spaces/circle/wiki/retro-notes").await;
    let body = page["body"].as_str().expect("body");
    assert!(body.contains("A line from the form.") && body.contains(&format!("(/events/{id})")), "{body}");
    let (_, detail) = boris.api_get(&format!("/events/{id}")).await;
    assert_eq!(detail["event"]["notes_page_slug"], "retro-notes");
    let (status, body) = ana.api_post(&format!("/events/{id}/notes/wiki-page"), json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("event-notes-published")));
    background.abort();
}

#[tokio::test]
async fn the_event_api_refuses_bad_input_with_clear_errors() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    crate::space(&ana, "circle", "members", "invite").await;
    for (body, field) in [
        (json!({"title": "No start", "duration_minutes": 60}), "starts_at"),
        (json!({"title": "Far", "starts_at": i64::MAX, "duration_minutes": 60}), "starts_at"),
        (json!({"title": "Short", "starts_at": now(), "duration_minutes": 0}), "duration_minutes"),
        (json!({"title": "Long", "starts_at": now(), "duration_minutes": 100_000}), "duration_minutes"),
        (json!({"title": "x".repeat(100_000), "starts_at": now(), "duration_minutes": 60}), "title"),
        (json!({"title": "Link", "starts_at": now(), "duration_minutes": 60, "link": "javascript:alert(1)"}), "link"),
        (json!({"title": "Place", "starts_at": now(), "duration_minutes": 60, "place": "p".repeat(300)}), "place"),
    ] {
        let (status, error) = ana.api_post("/spaces/circle/events", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let fields: Vec<&str> = error["error"]["fields"]
            .as_array()
            .map(|f| f.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "{field} in {error}");
        assert!(error["error"]["message"].is_string());
    }
    let (_, list) = ana.api_get("/spaces/circle/events").await;
    assert_eq!(list["upcoming"].as_array().map(Vec::len), Some(0));
    let (status, error) = ana.api_get("/events/no-such-event").await;
    assert_eq!((status, error["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}
