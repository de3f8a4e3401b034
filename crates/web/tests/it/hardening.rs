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

/// What people other than the author and moderators may find of a thread
/// titled `title`: its page, its API, the space's page, search and feed.
async fn others_find(app: &crate::TestApp, v: &crate::Visitor, id: &str, title: &str) -> Vec<&'static str> {
    stoa_core::search::catch_up(&app.app).await.expect("index");
    let mut found = Vec::new();
    if v.get(&format!("/s/guild/t/{id}")).await.status() == StatusCode::OK {
        found.push("page");
    }
    if v.api_get(&format!("/threads/{id}")).await.0 == StatusCode::OK {
        found.push("api");
    }
    if v.text("/s/guild").await.1.contains(title) {
        found.push("space page");
    }
    if v.api_get("/search?q=zqxvortex").await.1["total"].as_i64().unwrap_or(0) > 0 {
        found.push("search");
    }
    if v.text("/s/guild/feed.atom").await.1.contains(title) {
        found.push("feed");
    }
    if v.api_get("/spaces/guild/threads").await.1.to_string().contains(title) {
        found.push("thread list");
    }
    found
}

/// Issue #7, finding 8: after a moderator hid or deleted a spam thread's
/// opening post, its title stayed on the space page, the thread page and
/// in anonymous search; a whole thread could not be hidden.
#[tokio::test]
async fn a_hidden_thread_leaves_every_list_page_feed_and_search_for_all_but_its_author_and_moderators() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let spammer = app.person("spammer").await;
    let reader = app.person("reader").await;
    space(&ana, "guild", "public", "open").await;
    for v in [&spammer, &reader] {
        assert!(v.api_post("/spaces/guild/join", json!({})).await.0.is_success());
    }
    let title = "Cheap zqxvortex pills";
    let everywhere = ["page", "api", "space page", "search", "feed", "thread list"];
    let anonymous = app.visitor();

    // Hiding the opening post hides the thread, title included.
    let id = thread(&spammer, "guild", title, "zqxvortex for sale").await;
    assert_eq!(others_find(&app, &anonymous, &id, title).await, everywhere);
    let (_, t) = ana.api_get(&format!("/threads/{id}")).await;
    let first = t["posts"][0]["id"].as_str().expect("first post").to_owned();
    let (status, _) = ana.api_post(&format!("/posts/{first}/moderation"), json!({"decision": "hide"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for v in [&anonymous, &reader] {
        assert!(others_find(&app, v, &id, title).await.is_empty(), "the hidden thread is still found");
    }
    // Its author and the moderators still read it, and are told why.
    for v in [&spammer, &ana] {
        let page = v.text(&format!("/s/guild/t/{id}")).await;
        assert_eq!(page.0, StatusCode::OK);
        assert!(page.1.contains("A moderator hid this thread"));
    }
    // Only a moderator may show it again.
    let (status, _) =
        reader.api_send(Method::PUT, &format!("/threads/{id}/hidden"), Some(json!({"hidden": false}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a reader does not even learn it exists");
    let (status, _) = ana.api_send(Method::PUT, &format!("/threads/{id}/hidden"), Some(json!({"hidden": false}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(others_find(&app, &anonymous, &id, title).await.contains(&"space page"));

    // A whole thread hidden from its page, through the form.
    let r = ana.post_form(&format!("/t/{id}/hidden"), &[("hidden", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(others_find(&app, &anonymous, &id, title).await.is_empty());

    // A moderator deleting a thread's opening post takes its title away too.
    let other = thread(&spammer, "guild", "Another zqxvortex offer", "more").await;
    let (_, t) = ana.api_get(&format!("/threads/{other}")).await;
    let first = t["posts"][0]["id"].as_str().expect("first post").to_owned();
    assert_eq!(ana.api_send(Method::DELETE, &format!("/posts/{first}"), None).await.0, StatusCode::NO_CONTENT);
    assert!(others_find(&app, &anonymous, &other, "Another zqxvortex offer").await.is_empty());
    // All of it is in the audit log.
    let audit = ana.text("/admin/audit").await.1;
    assert!(audit.contains("hid a thread") && audit.contains("showed a hidden thread again"), "audit");
}

/// Issue #17, finding 4: an old `@mention` linked to whoever took the
/// mentioned person's name after them.
#[tokio::test]
async fn an_old_mention_leads_to_the_person_it_meant_after_a_rename() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, "guild", "Thanks", "Thanks @boris for the review.").await;
    let (status, _) = boris.api_send(Method::PATCH, "/me", Some(json!({"username": "boris2"}))).await;
    assert_eq!(status, StatusCode::OK);
    let impostor = app.visitor();
    let r = impostor
        .post_form(
            "/signup",
            &[("username", "boris"), ("email", "someone.else@example.org"), ("password", crate::PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "someone else takes the name");
    let (_, t) = ana.api_get(&format!("/threads/{id}")).await;
    let html = t["posts"][0]["body_html"].as_str().expect("html").to_owned();
    let to = html.split("href=\"").nth(1).and_then(|s| s.split('"').next()).expect("a mention link").to_owned();
    let r = app.visitor().get(&to).await;
    assert_eq!(r.headers()["location"], "/u/boris2", "the mention still means the person who was mentioned");
}

/// Issue #17, finding 5: without `public_url`, absolute links in feeds and
/// calendars followed the request's `Host`, whatever it said.
#[tokio::test]
async fn absolute_links_do_not_follow_a_foreign_host_header() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    space(&ana, "guild", "public", "open").await;
    thread(&ana, "guild", "Hello", "A [relative link](/s/guild).").await;
    for path in ["/s/guild/feed.atom", "/s/guild/events.ics"] {
        let mut tcp = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
        let request = format!("GET {path} HTTP/1.1\r\nhost: evil.example\r\nconnection: close\r\n\r\n");
        tcp.write_all(request.as_bytes()).await.expect("write");
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).await.expect("read");
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {}", &answer[..answer.len().min(200)]);
        assert!(!answer.contains("evil.example"), "{path} carries a link to the Host it was sent");
    }
    // From this machine, as before.
    let (_, feed) = app.visitor().text("/s/guild/feed.atom").await;
    assert!(feed.contains(&format!("http://{}/s/guild", app.addr)), "{feed}");
}

/// Issue #17, finding 6: no HSTS with an https `public_url`, a notice
/// cookie without `Secure`, and a CSRF token neither bound to the session
/// nor changed at sign-in.
#[tokio::test]
async fn over_https_every_cookie_is_secure_and_the_csrf_token_belongs_to_the_session() {
    let web = stoa_web::WebConfig { public_url: Some("https://learn.example.org".into()), ..Default::default() };
    let app = crate::spawn(stoa_core::CoreConfig::default(), web).await;
    let v = app.visitor();
    let r = v.get("/signin").await;
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    let before = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find_map(|c| c.strip_prefix("stoa_csrf=").map(|c| c.split(';').next().unwrap_or("").to_owned()))
        .expect("a CSRF cookie");
    // Sign up (the first account), then a notice: every cookie is Secure.
    let r = v
        .client
        .post(v.url("/signup"))
        .header("cookie", format!("stoa_csrf={before}"))
        .form(&[("_csrf", before.as_str()), ("username", "ana"), ("password", crate::PASSWORD)])
        .send()
        .await
        .expect("sign up");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> =
        r.headers().get_all("set-cookie").iter().filter_map(|c| c.to_str().ok()).map(str::to_owned).collect();
    assert!(cookies.iter().any(|c| c.starts_with("stoa_flash=")), "{cookies:?}");
    assert!(cookies.iter().all(|c| c.contains("; Secure")), "{cookies:?}");
    let session = cookies
        .iter()
        .find_map(|c| c.strip_prefix("stoa_session=").map(|c| c.split(';').next().unwrap_or("").to_owned()))
        .expect("a session");
    let after = cookies
        .iter()
        .find_map(|c| c.strip_prefix("stoa_csrf=").map(|c| c.split(';').next().unwrap_or("").to_owned()))
        .expect("a new CSRF token with the session");
    assert_ne!(after, before, "signing in changes the token");
    // The token from before signing in no longer works, even sent as both
    // cookie and field; the session's own does.
    let post = |token: String| {
        v.client
            .post(v.url("/settings/profile"))
            .header("cookie", format!("stoa_session={session}; stoa_csrf={token}"))
            .form(&[("_csrf", token.as_str()), ("display_name", "Ana")])
            .send()
    };
    assert_eq!(post(before).await.expect("post").status(), StatusCode::FORBIDDEN);
    assert_ne!(post(after).await.expect("post").status(), StatusCode::FORBIDDEN);
}

/// Issue #17, finding 9: the wiki index indented its tree with style
/// attributes, which its own CSP blocks.
#[tokio::test]
async fn pages_carry_no_style_attributes_for_the_csp_to_block() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    space(&ana, "guild", "public", "open").await;
    let (status, _) = ana.api_post("/spaces/guild/wiki", json!({"title": "Parent", "body": "p"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) =
        ana.api_post("/spaces/guild/wiki", json!({"title": "Child", "body": "c", "parent": "parent"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, html) = ana.text("/s/guild/wiki").await;
    assert!(html.contains(r#"class="depth-1""#), "the child is indented by a class");
    for path in ["/s/guild/wiki", "/s/guild", "/", "/s/guild/wiki/child"] {
        let (_, html) = ana.text(path).await;
        assert!(!html.contains(" style=\""), "{path} has a style attribute");
    }
}
