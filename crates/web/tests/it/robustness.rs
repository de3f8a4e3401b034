//! No input, however odd, produces a 500: every documented API route and
//! every form is fed garbage by a signed-in person with a token.

use reqwest::{Method, StatusCode};

use crate::{space, spawn_app, thread};

const ODD_SEGMENTS: &[&str] = &[
    "x0",
    "%00",
    "..",
    "%2e%2e%2f",
    "%F0%9F%92%A9",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "'%20OR%201=1--",
];

fn odd_bodies() -> Vec<(Option<&'static str>, String)> {
    vec![
        (Some("application/json"), "{}".into()),
        (Some("application/json"), "null".into()),
        (Some("application/json"), "[]".into()),
        (
            Some("application/json"),
            "{\"title\": 5, \"body\": [], \"name\": {}, \"role\": \"king\", \"visibility\": null}".into(),
        ),
        (Some("application/json"), format!("{{\"body\": \"{}\"}}", "x".repeat(200_000))),
        (Some("application/json"), "{\"username\": \"\\u0000\", \"password\": \"\\ud800\"}".into()),
        (Some("application/json"), "{not json".into()),
        (Some("text/plain"), "hello".into()),
        (None, String::new()),
    ]
}

#[tokio::test]
async fn no_api_route_answers_500_to_odd_input() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let slug = space(&ana, "guild", "public", "open").await;
    let thread_id = thread(&ana, &slug, "Hello", "Body").await;
    let (_, doc) = crate::json(ana.get("/api/v1/openapi.json").await).await;
    let mut failures = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            for segment in ODD_SEGMENTS.iter().copied().chain([slug.as_str(), thread_id.as_str()]) {
                let concrete =
                    path.split('/').map(|s| if s.starts_with('{') { segment } else { s }).collect::<Vec<_>>().join("/");
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
                for (content_type, body) in odd_bodies() {
                    let mut request = ana.client.request(
                        m.clone(),
                        ana.url(&format!("/api/v1{concrete}?page=-5&limit=999999999999&offset=-1")),
                    );
                    request = request.bearer_auth(ana.token.as_deref().unwrap_or_default());
                    if let Some(ct) = content_type {
                        request = request.header("content-type", ct);
                    }
                    let status = request.body(body).send().await.expect("request").status();
                    if status.is_server_error() {
                        failures.push(format!("{method} {concrete} -> {status}"));
                    }
                }
            }
        }
    }
    failures.dedup();
    assert!(failures.is_empty(), "server errors:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn no_form_answers_500_to_odd_input() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, &slug, "Hello", "Body").await;
    let (_, page) = ana.api_get(&format!("/threads/{id}")).await;
    let post = page["posts"][0]["id"].as_str().expect("the opening post").to_owned();
    let (status, event) = ana
        .api_post(
            &format!("/spaces/{slug}/events"),
            serde_json::json!({"title": "Meet", "starts_at": stoa_store::events::now_ms() + 3_600_000, "duration_minutes": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let event = event["id"].as_str().expect("id").to_owned();
    let forms = [
        "/signin".to_owned(),
        "/signup".to_owned(),
        "/spaces".to_owned(),
        format!("/s/{slug}/threads"),
        format!("/s/{slug}/settings"),
        format!("/s/{slug}/invites"),
        format!("/s/{slug}/invite-links"),
        format!("/s/{slug}/request"),
        format!("/s/{slug}/members/ana/role"),
        format!("/t/{id}/reply"),
        "/settings/profile".to_owned(),
        "/settings/password".to_owned(),
        "/settings/tokens".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/users".to_owned(),
        "/admin/users/ana/suspend".to_owned(),
        "/s/%00/join".to_owned(),
        "/invites/%00/accept".to_owned(),
        "/p/%00/delete".to_owned(),
        "/follow".to_owned(),
        "/u/ana/block".to_owned(),
        "/u/%00/block".to_owned(),
        "/settings/notifications".to_owned(),
        "/notifications/read".to_owned(),
        "/unsubscribe/%00".to_owned(),
        format!("/s/{slug}/blog"),
        format!("/s/{slug}/blog/nothing/edit"),
        "/messages".to_owned(),
        "/messages/%00".to_owned(),
        format!("/p/{post}/flag"),
        format!("/p/{post}/moderate"),
        format!("/p/{post}/warn"),
        "/p/%00/flag".to_owned(),
        "/p/%00/moderate".to_owned(),
        "/p/%00/warn".to_owned(),
        "/settings/avatar".to_owned(),
        "/settings/avatar/remove".to_owned(),
        "/blog/start".to_owned(),
        format!("/s/{slug}/chat"),
        format!("/s/{slug}/chat/%00/edit"),
        format!("/s/{slug}/chat/%00/delete"),
        format!("/s/{slug}/wiki/nothing/live"),
        "/s/%00/wiki/%00/live".to_owned(),
        format!("/s/{slug}/events"),
        format!("/events/{event}/edit"),
        format!("/events/{event}/rsvp"),
        format!("/events/{event}/notes"),
        format!("/events/{event}/publish"),
        "/events/%00/rsvp".to_owned(),
        "/events/%00/notes".to_owned(),
        "/calendar/renew".to_owned(),
        format!("/events/{event}/cancel"),
    ];
    let garbage: Vec<Vec<(&str, String)>> = vec![
        vec![],
        vec![
            ("title", "\u{0}".into()),
            ("body", "\u{202e}".into()),
            ("kind", "team".into()),
            ("parent", "nope".into()),
        ],
        vec![
            ("username", "x".repeat(10_000)),
            ("password", "y".repeat(10_000)),
            ("role", "king".into()),
            ("expires_in_days", "-1".into()),
            ("max_uses", "99999999999999999999".into()),
        ],
        vec![
            ("visibility", "everyone".into()),
            ("join_policy", "whenever".into()),
            ("locale", "../../etc/passwd".into()),
            ("registration", "maybe".into()),
            ("value", "2".into()),
        ],
        vec![("reply_to", "'; DROP TABLE posts; --".into()), ("body", "ok".into()), ("version", "not a number".into())],
        vec![
            ("kind", "thread".into()),
            ("target", "\u{0}".into()),
            ("on", "1".into()),
            ("next", "//evil.example".into()),
            ("kind.mention", "\u{0}".into()),
            ("digest", "hourly".into()),
            ("to", "ana, \u{0}, ".into()),
        ],
        vec![
            ("login", "ana\u{0}".into()),
            ("password", "\u{0}".into()),
            ("reply_to", "\u{0}".into()),
            ("body", "ok".into()),
            ("message", "\u{0}hi".into()),
            ("q", "\u{0}".into()),
        ],
        vec![
            ("reason", "\u{0}".into()),
            ("note", "n".repeat(100_000)),
            ("decision", "\u{202e}hide".into()),
            ("back", "//evil.example".into()),
            ("space", "\u{0}".into()),
        ],
        vec![
            ("title", "A meeting".into()),
            ("starts_at", "2026-13-45T99:99".into()),
            ("starts_tz", "99999999999999999999".into()),
            ("duration", "-5".into()),
            ("link", "javascript:alert(1)".into()),
            ("answer", "\u{0}".into()),
            ("notes", "\u{0}".into()),
            ("base", "\u{202e}".into()),
        ],
        vec![
            ("title", "Far away".into()),
            ("starts_at", "9999-12-31T23:59".into()),
            ("starts_tz", "-1440".into()),
            ("duration", "10080".into()),
            ("place", "p".repeat(5_000)),
            ("notes", "n".repeat(200_000)),
        ],
    ];
    let mut failures = Vec::new();
    for path in &forms {
        for fields in &garbage {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = ana.post_form(path, &borrowed).await.status();
            if status.is_server_error() {
                failures.push(format!("{path} {fields:?} -> {status}"));
            }
        }
    }
    // The thread still renders after all that.
    assert_eq!(ana.get(&format!("/s/{slug}/t/{id}")).await.status(), StatusCode::OK);
    assert!(failures.is_empty(), "server errors:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_page_with_an_unreadable_query_string_answers_with_a_page() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    for path in [
        "/?before=abc".to_owned(),
        "/notifications?before=x".to_owned(),
        format!("/s/{slug}?page=abc"),
        "/tags/rust?page=99999999999999999999".to_owned(),
        "/search?q=x&page=-".to_owned(),
        "/admin/audit?before=abc".to_owned(),
        format!("/s/{slug}/events?past=abc"),
    ] {
        let r = ana.get(&path).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        let html = r.text().await.expect("body");
        assert!(html.contains("That address is not quite right"), "{path}: {html}");
    }
}
