//! Who sees what, over HTTP: the acceptance journey for private spaces and a
//! matrix of visibility × role × action through the API and the pages.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, Visitor, Who, spawn_app};

#[tokio::test]
async fn a_secret_invite_only_community_is_invisible_to_a_third_person() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let bob = app.person("bob").await;
    let cyd = app.person("cyd").await;

    // Ana creates a secret, invite-only community through the form.
    let r = ana
        .post_form(
            "/spaces",
            &[
                ("kind", "community"),
                ("name", "Inner Circle"),
                ("slug", "inner-circle"),
                ("description", "Private"),
                ("visibility", "secret"),
                ("join_policy", "invite"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ana.post_form("/s/inner-circle/threads", &[("title", "Our plans"), ("body", "The secret plan")]).await;
    let thread_path = r.headers()["location"].to_str().expect("location").to_owned();
    let thread_id = thread_path.rsplit('/').next().expect("id").to_owned();

    // She invites Bob by username; he accepts from his home page and replies.
    let r = ana.post_form("/s/inner-circle/invites", &[("username", "bob"), ("role", "member")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = bob.text("/").await;
    assert!(home.contains("invited you to Inner Circle"), "Bob sees the invitation");
    let (_, invites) = bob.api_get("/me/invites").await;
    let invite_id = invites[0]["id"].as_str().expect("invite").to_owned();
    assert_eq!(bob.post_form(&format!("/invites/{invite_id}/accept"), &[]).await.status(), StatusCode::SEE_OTHER);
    let r = bob.post_form(&format!("/t/{thread_id}/reply"), &[("body", "Count me in")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = ana.text(&thread_path).await;
    assert!(page.contains("Count me in"), "Ana sees Bob's reply");

    // Cyd learns nothing: every page and API route answers 404.
    for path in ["/s/inner-circle", thread_path.as_str(), "/s/inner-circle/members", "/s/inner-circle/new"] {
        assert_eq!(cyd.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        "/spaces/inner-circle",
        "/spaces/inner-circle/threads",
        "/spaces/inner-circle/members",
        &format!("/threads/{thread_id}"),
        &format!("/threads/{thread_id}/posts"),
    ] {
        assert_eq!(cyd.api_get(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(cyd.post_form("/s/inner-circle/request", &[("message", "hi")]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        cyd.post_form(&format!("/t/{thread_id}/reply"), &[("body", "let me in")]).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, directory) = cyd.text("/spaces").await;
    assert!(!directory.contains("Inner Circle"), "the space is not listed");
    let (_, listed) = cyd.api_get("/spaces").await;
    assert!(!listed.to_string().contains("inner-circle"));
    let (_, profile) = cyd.text("/u/bob").await;
    assert!(!profile.contains("Inner Circle"), "Bob's profile does not reveal the membership");
}

#[tokio::test]
async fn a_members_only_community_is_listed_and_joinable_by_request_but_unreadable() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let cyd = app.person("cyd").await;
    let r = ana
        .post_form(
            "/spaces",
            &[
                ("kind", "community"),
                ("name", "Guild"),
                ("slug", "guild"),
                ("description", ""),
                ("visibility", "members"),
                ("join_policy", "request"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ana.post_form("/s/guild/threads", &[("title", "Members talk"), ("body", "Members-only words")]).await;
    let thread_path = r.headers()["location"].to_str().expect("location").to_owned();

    let (_, directory) = cyd.text("/spaces").await;
    assert!(directory.contains("Guild"), "listed");
    let (status, page) = cyd.text("/s/guild").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ask to join") && !page.contains("Members talk"), "the threads are not shown");
    assert_eq!(cyd.get(&thread_path).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(cyd.api_get("/spaces/guild/threads").await.0, StatusCode::FORBIDDEN);

    let r = cyd.post_form("/s/guild/request", &[("message", "I run the build farm")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = cyd.text("/s/guild").await;
    assert!(page.contains("waiting for approval"));
    let (_, requests) = ana.text("/s/guild/requests").await;
    assert!(requests.contains("I run the build farm"));
    let (_, listed) = ana.api_get("/spaces/guild/join-requests").await;
    let id = listed[0]["id"].as_str().expect("request id");
    assert_eq!(ana.post_form(&format!("/s/guild/requests/{id}/approve"), &[]).await.status(), StatusCode::SEE_OTHER);
    let (status, page) = cyd.text(&thread_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Members-only words"), "approved members read the threads");
}

struct Fixture {
    slug: String,
    thread_id: String,
    post_id: String,
}

async fn fixture(app: &TestApp, people: &[(Who, &Visitor)], visibility: &str) -> Fixture {
    let owner = people.iter().find(|(w, _)| *w == Who::Owner).map(|(_, v)| *v).expect("owner");
    let slug = format!("space-{visibility}");
    let (status, body) = owner
        .api_post(
            "/spaces",
            json!({"kind": "community", "name": slug, "slug": slug, "visibility": visibility, "join_policy": "invite"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (who, v) in people {
        if matches!(who, Who::Member | Who::Facilitator) {
            crate::enrol(owner, v, &slug, *who == Who::Facilitator).await;
        }
    }
    let thread_id = crate::thread(owner, &slug, "Owner's thread", "Opening").await;
    let (_, written) =
        owner.api_post(&format!("/threads/{thread_id}/posts"), json!({"body": "A reply to moderate"})).await;
    let post_id = written["post"]["id"].as_str().expect("post").to_owned();
    let _ = app;
    Fixture { slug, thread_id, post_id }
}

/// The status of each action, in the order of [`ACTIONS`].
async fn statuses(v: &Visitor, f: &Fixture) -> Vec<u16> {
    let slug = &f.slug;
    let calls: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("/spaces/{slug}"), None),
        (Method::GET, format!("/spaces/{slug}/threads"), None),
        (Method::GET, format!("/threads/{}", f.thread_id), None),
        (Method::GET, format!("/spaces/{slug}/members"), None),
        (Method::POST, format!("/spaces/{slug}/threads"), Some(json!({"title": "New", "body": "Body"}))),
        (Method::POST, format!("/threads/{}/posts", f.thread_id), Some(json!({"body": "Reply"}))),
        (Method::GET, format!("/spaces/{slug}/join-requests"), None),
        (Method::POST, format!("/spaces/{slug}/invites"), Some(json!({"username": "zed"}))),
        (Method::DELETE, format!("/posts/{}", f.post_id), None),
        (Method::PATCH, format!("/spaces/{slug}"), Some(json!({"description": "Changed"}))),
    ];
    let mut out = Vec::new();
    for (method, path, body) in calls {
        out.push(v.api_send(method, &path, body).await.0.as_u16());
    }
    for path in [format!("/s/{slug}"), format!("/s/{slug}/t/{}", f.thread_id)] {
        out.push(v.get(&path).await.status().as_u16());
    }
    out
}

/// Columns: view, threads, thread, members, new thread, reply, requests,
/// invite, delete another's post, settings (API); space page, thread page (HTML).
///
/// Writes without any credentials answer 401 before the space is looked up,
/// so they reveal nothing about it; every read of a secret space answers 404.
const ACTIONS: usize = 12;

#[tokio::test]
async fn the_access_matrix_holds_over_http() {
    let app = spawn_app().await;
    let owner = app.person("owner").await.with_token().await;
    let facilitator = app.person("facil").await.with_token().await;
    let member = app.person("member").await.with_token().await;
    let outsider = app.person("outsider").await.with_token().await;
    let _zed = app.person("zed").await;
    let anonymous = app.visitor();
    let people = [
        (Who::Owner, &owner),
        (Who::Facilitator, &facilitator),
        (Who::Member, &member),
        (Who::Outsider, &outsider),
        (Who::Anonymous, &anonymous),
    ];

    #[rustfmt::skip]
    let expected: &[(&str, Who, [u16; ACTIONS])] = &[
        ("public",  Who::Anonymous,   [200, 200, 200, 200, 401, 401, 401, 401, 401, 401, 200, 200]),
        ("public",  Who::Outsider,    [200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 200, 200]),
        ("public",  Who::Member,      [200, 200, 200, 200, 201, 201, 403, 403, 403, 403, 200, 200]),
        ("public",  Who::Facilitator, [200, 200, 200, 200, 201, 201, 200, 201, 204, 403, 200, 200]),
        ("public",  Who::Owner,       [200, 200, 200, 200, 201, 201, 200, 201, 204, 200, 200, 200]),
        ("members", Who::Anonymous,   [200, 401, 401, 401, 401, 401, 401, 401, 401, 401, 200, 303]),
        ("members", Who::Outsider,    [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
        ("members", Who::Member,      [200, 200, 200, 200, 201, 201, 403, 403, 403, 403, 200, 200]),
        ("members", Who::Facilitator, [200, 200, 200, 200, 201, 201, 200, 201, 204, 403, 200, 200]),
        ("members", Who::Owner,       [200, 200, 200, 200, 201, 201, 200, 201, 204, 200, 200, 200]),
        ("secret",  Who::Anonymous,   [404, 404, 404, 404, 401, 401, 404, 401, 401, 401, 404, 404]),
        ("secret",  Who::Outsider,    [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("secret",  Who::Member,      [200, 200, 200, 200, 201, 201, 403, 403, 403, 403, 200, 200]),
        ("secret",  Who::Facilitator, [200, 200, 200, 200, 201, 201, 200, 201, 204, 403, 200, 200]),
        ("secret",  Who::Owner,       [200, 200, 200, 200, 201, 201, 200, 201, 204, 200, 200, 200]),
    ];
    let mut failures = Vec::new();
    for visibility in ["public", "members", "secret"] {
        let f = fixture(&app, &people, visibility).await;
        for (who, v) in &people {
            let Some((_, _, want)) = expected.iter().find(|(vis, w, _)| *vis == visibility && w == who) else {
                continue;
            };
            let got = statuses(v, &f).await;
            if got.as_slice() != want.as_slice() {
                failures.push(crate::mismatch(visibility, *who, want, &got));
            }
        }
    }
    assert!(failures.is_empty(), "access matrix mismatches:\n{}", failures.join("\n"));
}

/// The knowledge repository's own actions, by role and visibility. Columns:
/// read a wiki page, edit it, (un)protect it, read the library, add an item,
/// suggest an item, wiki index (API); download a file, wiki page, library (HTML).
const KNOWLEDGE_ACTIONS: usize = 10;

async fn knowledge_statuses(v: &Visitor, slug: &str, item_id: &str, file_url: &str) -> Vec<u16> {
    let calls: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("/spaces/{slug}/wiki/handbook"), None),
        (
            Method::PUT,
            format!("/spaces/{slug}/wiki/handbook"),
            Some(json!({"title": "Handbook", "body": "Edited", "base_revision": 1})),
        ),
        (Method::PUT, format!("/spaces/{slug}/wiki/handbook/protection"), Some(json!({"protected": false}))),
        (Method::GET, format!("/spaces/{slug}/library"), None),
        (
            Method::POST,
            format!("/spaces/{slug}/library"),
            Some(json!({"kind": "article", "title": "Notes", "body": "x"})),
        ),
        (Method::PUT, format!("/library/{item_id}/suggested"), Some(json!({"suggested": true}))),
        (Method::GET, format!("/spaces/{slug}/wiki"), None),
    ];
    let mut out = Vec::new();
    for (method, path, body) in calls {
        out.push(v.api_send(method, &path, body).await.0.as_u16());
    }
    for path in [file_url.to_owned(), format!("/s/{slug}/wiki/handbook"), format!("/s/{slug}/library")] {
        let mut request = v.client.get(v.url(&path));
        if let Some(token) = &v.token {
            request = request.bearer_auth(token);
        }
        out.push(request.send().await.expect("GET").status().as_u16());
    }
    out
}

#[tokio::test]
async fn the_knowledge_access_matrix_holds_over_http() {
    let app = spawn_app().await;
    let owner = app.person("owner").await.with_token().await;
    let facilitator = app.person("facil").await.with_token().await;
    let member = app.person("member").await.with_token().await;
    let outsider = app.person("outsider").await.with_token().await;
    let _zed = app.person("zed").await;
    let anonymous = app.visitor();
    let people = [
        (Who::Owner, &owner),
        (Who::Facilitator, &facilitator),
        (Who::Member, &member),
        (Who::Outsider, &outsider),
        (Who::Anonymous, &anonymous),
    ];

    #[rustfmt::skip]
    let expected: &[(&str, Who, [u16; KNOWLEDGE_ACTIONS])] = &[
        ("public",  Who::Anonymous,   [200, 401, 401, 200, 401, 401, 200, 200, 200, 200]),
        ("public",  Who::Outsider,    [200, 403, 403, 200, 403, 403, 200, 200, 200, 200]),
        ("public",  Who::Member,      [200, 200, 403, 200, 201, 403, 200, 200, 200, 200]),
        ("public",  Who::Facilitator, [200, 200, 204, 200, 201, 204, 200, 200, 200, 200]),
        ("public",  Who::Owner,       [200, 200, 204, 200, 201, 204, 200, 200, 200, 200]),
        ("members", Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 303, 303, 303]),
        ("members", Who::Outsider,    [403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("members", Who::Member,      [200, 200, 403, 200, 201, 403, 200, 200, 200, 200]),
        ("members", Who::Facilitator, [200, 200, 204, 200, 201, 204, 200, 200, 200, 200]),
        ("members", Who::Owner,       [200, 200, 204, 200, 201, 204, 200, 200, 200, 200]),
        ("secret",  Who::Anonymous,   [404, 401, 401, 404, 401, 401, 404, 404, 404, 404]),
        ("secret",  Who::Outsider,    [404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("secret",  Who::Member,      [200, 200, 403, 200, 201, 403, 200, 200, 200, 200]),
        ("secret",  Who::Facilitator, [200, 200, 204, 200, 201, 204, 200, 200, 200, 200]),
        ("secret",  Who::Owner,       [200, 200, 204, 200, 201, 204, 200, 200, 200, 200]),
    ];
    let mut failures = Vec::new();
    for visibility in ["public", "members", "secret"] {
        let f = fixture(&app, &people, visibility).await;
        let slug = &f.slug;
        let (status, _) =
            owner.api_post(&format!("/spaces/{slug}/wiki"), json!({"title": "Handbook", "body": "v1"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, item) = owner
            .api_post(
                &format!("/spaces/{slug}/library"),
                json!({"kind": "link", "title": "Docs", "url": "https://example.org"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let item_id = item["id"].as_str().expect("id").to_owned();
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(b"notes".to_vec()).file_name("notes.txt"));
        let uploaded = owner
            .client
            .post(owner.url(&format!("/api/v1/spaces/{slug}/files")))
            .bearer_auth(owner.token.as_deref().unwrap_or_default())
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let (status, file) = crate::json(uploaded).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        let file_url = file["url"].as_str().expect("url").to_owned();
        for (who, v) in &people {
            let Some((_, _, want)) = expected.iter().find(|(vis, w, _)| *vis == visibility && w == who) else {
                continue;
            };
            let got = knowledge_statuses(v, slug, &item_id, &file_url).await;
            if got.as_slice() != want.as_slice() {
                failures.push(crate::mismatch(visibility, *who, want, &got));
            }
        }
    }
    assert!(failures.is_empty(), "knowledge access matrix mismatches:\n{}", failures.join("\n"));
}
