//! A hostile member's texts (issues #7 and #17): pathological Markdown at
//! the longest a field takes is saved quickly and read without being
//! rendered again; an event's notes are rendered once per text, however
//! many people read them; and a three-way merge and a diff of long
//! revisions stay within their budget.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::json;
use stoa_domain::markdown::probe;

use crate::{enrol, space, thread};

/// The probe counts for one test at a time.
static PROBE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Generous for a debug build on a busy machine; before the bounds these
/// took from 42 s to minutes of a release build.
fn quick() -> Duration {
    Duration::from_secs(if cfg!(debug_assertions) { 15 } else { 1 })
}

#[tokio::test]
async fn pathological_texts_at_the_longest_are_saved_quickly() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, "guild", "Start", "Hello.").await;
    for body in
        [">".repeat(50_000), "- ".repeat(24_999) + "x", format!("{}a\n{}", ">".repeat(30_000), "b\n".repeat(9_000))]
    {
        let started = Instant::now();
        let (status, json) = ana.api_post(&format!("/threads/{id}/posts"), json!({"body": body})).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        assert!(started.elapsed() < quick(), "a reply took {:?}", started.elapsed());
    }
    let page = ">".repeat(99_999);
    let started = Instant::now();
    let (status, json) = ana.api_post("/spaces/guild/wiki", json!({"title": "Deep", "body": page})).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert!(started.elapsed() < quick(), "a wiki page took {:?}", started.elapsed());
    let r = ana.get(&format!("/t/{id}")).await;
    let to = r.headers()["location"].to_str().expect("location").to_owned();
    let r = ana.get(&to).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("html").contains("<blockquote>"), "the structure a page can show stays");
}

#[tokio::test]
async fn saving_over_a_concurrent_edit_merges_long_revisions_within_budget() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    space(&ana, "guild", "public", "open").await;
    let lines = |seed: u64| -> String {
        let mut x = seed;
        (0..24_000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ["a\n", "b\n", "- c\n"][(x >> 33) as usize % 3]
            })
            .collect()
    };
    let (status, _) = ana.api_post("/spaces/guild/wiki", json!({"title": "Long", "body": lines(1)})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = ana
        .api_send(
            Method::PUT,
            "/spaces/guild/wiki/long",
            Some(json!({"title": "Long", "body": lines(2), "base_revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Saved from revision 1 over revision 2: a merge of two long, scrambled texts.
    let started = Instant::now();
    let (status, body) = ana
        .api_send(
            Method::PUT,
            "/spaces/guild/wiki/long",
            Some(json!({"title": "Long", "body": lines(3), "base_revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = ana.api_get("/spaces/guild/wiki/long/diff?from=1&to=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() < quick(), "the merge and the diff took {:?}", started.elapsed());
}

#[tokio::test]
async fn reading_pages_renders_nothing_whose_rendering_was_stored() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "guild", "public", "open").await;
    enrol(&ana, &boris, "guild", false).await;
    let mark = "render-probe-5d1c";
    let text = format!("Some **{mark}** text, #tag, @ana and [[Other page]].\n\n> quoted");
    let id = thread(&ana, "guild", "Probe", &text).await;
    let (status, _) = boris.api_post(&format!("/threads/{id}/posts"), json!({"body": text})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = ana.api_post("/spaces/guild/wiki", json!({"title": "Probe", "body": text})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, item) = ana
        .api_post("/spaces/guild/library", json!({"kind": "article", "title": "Probe", "body": text, "tags": ""}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let (status, event) = ana
        .api_post(
            "/spaces/guild/events",
            json!({"title": "Probe", "description": text, "starts_at": 4_102_444_800_000i64, "duration_minutes": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let event = event["id"].as_str().expect("id").to_owned();
    let (status, _) =
        ana.api_send(Method::PUT, &format!("/events/{event}/notes"), Some(json!({"base": "", "text": text}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The notes are rendered when first read, then kept.
    assert_eq!(app.visitor().get(&format!("/events/{event}")).await.status(), StatusCode::OK);

    let _probe = PROBE.lock().await;
    probe::watch(mark);
    let anonymous = app.visitor();
    for path in [
        format!("/t/{id}"),
        "/s/guild".to_owned(),
        "/s/guild/wiki/probe".to_owned(),
        format!("/library/{}", item["id"].as_str().unwrap_or_default()),
        format!("/events/{event}"),
        "/s/guild/feed.atom".to_owned(),
        "/tags/tag".to_owned(),
        "/".to_owned(),
    ] {
        for v in [&anonymous, &boris, &ana] {
            let mut r = v.get(&path).await;
            if r.status() == StatusCode::SEE_OTHER {
                let to = r.headers()["location"].to_str().expect("location").to_owned();
                r = v.get(&to).await;
            }
            assert!(r.status().is_success(), "{path}: {}", r.status());
        }
    }
    for path in [format!("/threads/{id}"), format!("/events/{event}/notes"), "/spaces/guild/wiki/probe".to_owned()] {
        let (status, _) = anonymous.api_get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    assert_eq!(probe::seen(), 0, "a read rendered Markdown");
}

#[tokio::test]
async fn many_readers_of_pathological_notes_share_one_rendering() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    space(&ana, "guild", "public", "open").await;
    let (status, event) = ana
        .api_post(
            "/spaces/guild/events",
            json!({"title": "Deep notes", "starts_at": 4_102_444_800_000i64, "duration_minutes": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let event = event["id"].as_str().expect("id").to_owned();
    let mark = "render-probe-notes-77";
    let notes = format!("{mark}\n\n{}", ">".repeat(20_000));
    let (status, _) =
        ana.api_send(Method::PUT, &format!("/events/{event}/notes"), Some(json!({"base": "", "text": notes}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let _probe = PROBE.lock().await;
    probe::watch(mark);
    let readers: Vec<_> = (0..50)
        .map(|_| {
            let v = app.visitor();
            let path = format!("/events/{event}");
            tokio::spawn(async move { v.get(&path).await.status() })
        })
        .collect();
    for reader in readers {
        assert_eq!(reader.await.expect("read"), StatusCode::OK);
    }
    assert_eq!(probe::seen(), 1, "fifty readers, one rendering");
}
