//! Team sets, assignments, quests and the health page over HTTP: who may
//! run them, the forms as a browser posts them, and the CSV export.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{Visitor, Who, enrol, mismatch, spawn_app, thread};

const LEARNING_ACTIONS: usize = 13;

/// Columns (API): health, health CSV, create a team set, assign work,
/// allocate reviewers (of an assignment already due), edit it, start a quest,
/// distill it; (browser) the health page, its CSV, create a team set,
/// assign work, start a quest.
async fn statuses(v: &Visitor, slug: &str, assignment: &str, quest: &str) -> Vec<u16> {
    let now = stoa_store::events::now_ms();
    let calls: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("/spaces/{slug}/health"), None),
        (Method::GET, format!("/spaces/{slug}/health.csv"), None),
        (Method::POST, format!("/spaces/{slug}/team-sets"), Some(json!({"name": "Pairs", "mode": "auto", "size": 2}))),
        (
            Method::POST,
            format!("/spaces/{slug}/assignments"),
            Some(json!({"title": "Essay", "body": "Write", "due_at": now + 86_400_000, "audience": "space"})),
        ),
        (Method::POST, format!("/assignments/{assignment}/allocation"), None),
        (Method::PATCH, format!("/assignments/{assignment}"), Some(json!({"title": "Renamed"}))),
        (Method::POST, format!("/spaces/{slug}/quests"), Some(json!({"question": "Why?", "sources": []}))),
        (Method::POST, format!("/quests/{quest}/distill"), Some(json!({"title": format!("Distilled {now}")}))),
    ];
    let mut out = Vec::new();
    for (method, path, body) in calls {
        out.push(v.api_send(method, &path, body).await.0.as_u16());
    }
    out.push(v.get(&format!("/s/{slug}/health")).await.status().as_u16());
    out.push(v.get(&format!("/s/{slug}/health.csv")).await.status().as_u16());
    let form = |path: String, fields: Vec<(&'static str, &'static str)>| async move {
        v.post_form(&path, &fields).await.status().as_u16()
    };
    out.push(form(format!("/s/{slug}/teams"), vec![("name", "Trios"), ("mode", "auto"), ("size", "3")]).await);
    out.push(
        form(
            format!("/s/{slug}/assignments"),
            vec![
                ("title", "Poster"),
                ("body", "Make one"),
                ("due_at", "2099-01-01T10:00"),
                ("audience", "space"),
                ("reviewers", "0"),
            ],
        )
        .await,
    );
    out.push(form(format!("/s/{slug}/quests"), vec![("question", "How?"), ("angles", "One angle")]).await);
    out
}

#[tokio::test]
async fn every_learning_activity_is_run_only_by_facilitators() {
    let app = spawn_app().await;
    let owner = app.person("owner").await.with_token().await;
    let facilitator = app.person("facil").await.with_token().await;
    let member = app.person("member").await.with_token().await;
    let outsider = app.person("outsider").await.with_token().await;
    let anonymous = app.visitor();
    let people = [
        (Who::Anonymous, &anonymous),
        (Who::Outsider, &outsider),
        (Who::Member, &member),
        (Who::Facilitator, &facilitator),
        (Who::Owner, &owner),
    ];
    #[rustfmt::skip]
    let expected: &[(&str, Who, [u16; LEARNING_ACTIONS])] = &[
        ("public",  Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 401, 303, 303, 401, 401, 401]),
        ("public",  Who::Outsider,    [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("public",  Who::Member,      [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("public",  Who::Facilitator, [200, 200, 201, 201, 200, 204, 201, 201, 200, 200, 303, 303, 303]),
        ("public",  Who::Owner,       [200, 200, 201, 201, 200, 204, 201, 201, 200, 200, 303, 303, 303]),
        ("members", Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 401, 303, 303, 401, 401, 401]),
        ("members", Who::Outsider,    [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("members", Who::Member,      [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("members", Who::Facilitator, [200, 200, 201, 201, 200, 204, 201, 201, 200, 200, 303, 303, 303]),
        ("members", Who::Owner,       [200, 200, 201, 201, 200, 204, 201, 201, 200, 200, 303, 303, 303]),
        ("secret",  Who::Anonymous,   [404, 404, 401, 401, 401, 401, 401, 401, 404, 404, 401, 401, 401]),
        ("secret",  Who::Outsider,    [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("secret",  Who::Member,      [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("secret",  Who::Facilitator, [200, 200, 201, 201, 200, 204, 201, 201, 200, 200, 303, 303, 303]),
        ("secret",  Who::Owner,       [200, 200, 201, 201, 200, 204, 201, 201, 200, 200, 303, 303, 303]),
    ];
    let mut failures = Vec::new();
    for (row, (visibility, who, want)) in expected.iter().enumerate() {
        let slug = format!("learn-{visibility}-{row}");
        crate::space(&owner, &slug, visibility, "invite").await;
        enrol(&owner, &facilitator, &slug, true).await;
        enrol(&owner, &member, &slug, false).await;
        thread(&owner, &slug, "Hello", "Opening").await;
        let now = stoa_store::events::now_ms();
        let (status, a) = owner
            .api_post(
                &format!("/spaces/{slug}/assignments"),
                json!({"title": "Due already", "body": "x", "opens_at": now - 7_200_000, "due_at": now - 3_600_000,
                       "audience": "space", "reviewers": 1, "rubric": [{"name": "Clarity", "levels": ["Low", "High"]}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        let assignment = a["id"].as_str().expect("id").to_owned();
        let (status, q) = owner
            .api_post(
                &format!("/spaces/{slug}/quests"),
                json!({"question": "What?", "sources": [{"kind": "angle", "title": "An angle"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{q}");
        let quest = q["id"].as_str().expect("id").to_owned();
        let (status, body) = member.api_post(&format!("/quests/{quest}/findings"), json!({"body": "A finding"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let v = people.iter().find(|(w, _)| w == who).map(|(_, v)| *v).expect("person");
        let got = statuses(v, &slug, &assignment, &quest).await;
        if got.as_slice() != want.as_slice() {
            failures.push(mismatch(visibility, *who, want, &got));
        }
    }
    assert!(failures.is_empty(), "learning access matrix mismatches:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn the_csv_export_opens_with_the_same_figures_as_the_page() {
    let app = spawn_app().await;
    let fay = app.person("fay").await.with_token().await;
    let ana = app.person("ana").await.with_token().await;
    let ben = app.person("ben").await.with_token().await;
    crate::space(&fay, "lab", "members", "invite").await;
    enrol(&fay, &ana, "lab", false).await;
    enrol(&fay, &ben, "lab", false).await;
    // A display name a spreadsheet would run as a formula, and one with a comma.
    let (status, _) = ben.api_send(Method::PATCH, "/me", Some(json!({"display_name": "=HYPERLINK(\"x\"), Ben"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, q) = ana.api_post("/spaces/lab/threads", json!({"title": "Why?", "body": "?", "kind": "question"})).await;
    let question = q["thread_id"].as_str().expect("id").to_owned();
    let (_, answer) = ben.api_post(&format!("/threads/{question}/posts"), json!({"body": "Because."})).await;
    let answer = answer["post"]["id"].as_str().expect("id").to_owned();
    let (status, _) =
        ana.api_send(Method::PUT, &format!("/threads/{question}/accepted"), Some(json!({"post_id": answer}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    thread(&ana, "lab", "Notes", "Sharing my notes").await;

    let (status, health) = fay.api_get("/spaces/lab/health").await;
    assert_eq!(status, StatusCode::OK, "{health}");
    assert_eq!(health["unanswered"].as_array().map(Vec::len), Some(0));
    assert_eq!(health["reply_network"], json!([{"from": "ben", "to": "ana", "count": 1}]));

    let response = fay.get("/s/lab/health.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    assert!(response.headers()["content-disposition"].to_str().expect("disposition").contains("attachment"));
    let body = response.text().await.expect("csv");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "username",
            "display_name",
            "role",
            "posts",
            "answers",
            "accepted_answers",
            "submissions",
            "reviews_given",
            "last_post_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let participation = health["participation"].as_array().expect("rows");
    assert_eq!(rows.len(), participation.len());
    for (row, p) in rows.iter().zip(participation) {
        assert_eq!(row.get(0), p["username"].as_str());
        for (i, key) in [(3, "posts"), (4, "answers"), (5, "accepted"), (6, "submissions"), (7, "reviews_given")] {
            assert_eq!(row.get(i).and_then(|v| v.parse::<i64>().ok()), p[key].as_i64(), "{key} of {}", p["username"]);
        }
    }
    let ben_row = rows.iter().find(|r| r.get(0) == Some("ben")).expect("ben");
    assert_eq!(ben_row.get(1), Some("'=HYPERLINK(\"x\"), Ben"), "a formula is neutralised and the comma kept");
    assert_eq!((ben_row.get(3), ben_row.get(4), ben_row.get(5)), (Some("1"), Some("1"), Some("1")));
    let ana_row = rows.iter().find(|r| r.get(0) == Some("ana")).expect("ana");
    assert_eq!((ana_row.get(3), ana_row.get(4)), (Some("2"), Some("0")));

    let (_, page) = fay.text("/s/lab/health").await;
    assert!(page.contains("<svg class=\"chart chart-network\"") && page.contains("@ben") && page.contains("@ana"));
    assert!(page.contains("<svg class=\"chart chart-activity\""));
}

#[tokio::test]
async fn a_facilitator_assigns_work_in_the_browser_and_members_submit_and_review() {
    let app = spawn_app().await;
    let fay = app.person("fay").await.with_token().await;
    let ana = app.person("ana").await.with_token().await;
    let ben = app.person("ben").await.with_token().await;
    crate::space(&fay, "studio", "members", "invite").await;
    enrol(&fay, &ana, "studio", false).await;
    enrol(&fay, &ben, "studio", false).await;

    // A refused form keeps what was typed.
    let r = fay
        .post_form(
            "/s/studio/assignments",
            &[("title", "Sketch a logo"), ("body", "Three options."), ("due_at", "not a date"), ("audience", "space")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("page");
    assert!(
        html.contains("Sketch a logo") && html.contains("Three options.") && html.contains("Enter a date and time.")
    );

    let r = fay
        .post_form(
            "/s/studio/assignments",
            &[
                ("title", "Sketch a logo"),
                ("body", "Three options."),
                ("due_at", "2099-06-01T17:00"),
                ("due_tz", "-120"),
                ("audience", "space"),
                ("reviewers", "1"),
                ("rubric", "Originality: Derivative | Fresh\nCraft: Rough | Clean | Polished"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().expect("location").to_owned();
    let id = location.trim_start_matches("/assignments/").to_owned();
    let (_, a) = fay.api_get(&format!("/assignments/{id}")).await;
    // 17:00 in a zone two hours ahead of UTC is 15:00 UTC.
    assert_eq!(a["due_at"].as_i64(), Some(4_084_009_200_000), "{a}");
    assert_eq!(a["rubric"][1]["levels"], json!(["Rough", "Clean", "Polished"]));

    let r = ana.post_form(&format!("/assignments/{id}/submit"), &[("body", "Ana's three sketches")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, s) =
        ben.api_send(Method::PUT, &format!("/assignments/{id}/submission"), Some(json!({"body": "Ben's"}))).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let (_, board) = fay.api_get(&format!("/assignments/{id}")).await;
    let statuses: Vec<&str> =
        board["board"].as_array().expect("board").iter().map(|r| r["status"].as_str().unwrap_or_default()).collect();
    assert_eq!(statuses, ["submitted", "submitted"]);
    let (status, body) = fay.api_post(&format!("/assignments/{id}/allocation"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "not due yet: {body}");
    // The facilitator edits it in the browser; a bad time keeps what was typed.
    let r = fay
        .post_form(
            &format!("/assignments/{id}/edit"),
            &[
                ("title", "Sketch two logos"),
                ("body", "Two options."),
                ("due_at", "soon"),
                ("reviewers", "1"),
                ("rubric", "Originality: Derivative | Fresh"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("page").contains("Sketch two logos"));
    let r = fay
        .post_form(
            &format!("/assignments/{id}/edit"),
            &[
                ("title", "Sketch two logos"),
                ("body", "Two options."),
                ("due_at", "2099-06-02T09:00"),
                ("reviewers", "1"),
                ("rubric", "Originality: Derivative | Fresh"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, a) = fay.api_get(&format!("/assignments/{id}")).await;
    assert_eq!((a["title"].as_str(), a["rubric"].as_array().map(Vec::len)), (Some("Sketch two logos"), Some(1)));
    let (_, page) = ana.text(&format!("/assignments/{id}")).await;
    assert!(page.contains("Ana&#39;s three sketches") || page.contains("Ana's three sketches"));
    assert!(!page.contains("Status board"), "members see no board");
}
