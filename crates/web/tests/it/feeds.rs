//! Atom and RSS feeds, read by a real feed parser (Python's `feedparser`,
//! installed by `.ci/run`; with `STOA_REQUIRE_E2E=1` its absence fails).

use reqwest::StatusCode;

use crate::{enrol, spawn_app, thread};

/// What feedparser made of a feed: whether it complained (`bozo`), and each
/// entry's title, id, link, author and whether its dates parsed.
async fn parse(xml: &str) -> Option<serde_json::Value> {
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": d.bozo, "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
    "title": d.feed.get("title"), "link": d.feed.get("link"),
    "entries": [{"title": e.get("title"), "id": e.get("id"), "link": e.get("link"), "author": e.get("author"),
                 "published": e.get("published_parsed") is not None,
                 "updated": e.get("updated_parsed") is not None or e.get("published_parsed") is not None}
                for e in d.entries]}))
"#;
    run_python(script, xml).await
}

/// Runs a Python script with `xml` on its standard input and reads its
/// JSON answer; `None` (the test skips) when feedparser is not installed.
async fn run_python(script: &str, xml: &str) -> Option<serde_json::Value> {
    python_with("feedparser", script, xml).await
}

/// Runs a Python script that needs `module` with `input` on its standard
/// input and reads its JSON answer; `None` (the test skips) when the module
/// is not installed, which fails under `STOA_REQUIRE_E2E` (`.ci/run`
/// installs it).
pub async fn python_with(module: &str, script: &str, input: &str) -> Option<serde_json::Value> {
    let ready = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        assert!(std::env::var("STOA_REQUIRE_E2E").is_err(), "STOA_REQUIRE_E2E is set but Python's {module} is missing");
        eprintln!("skipping the {module} checks: install {module} for python3 to include them");
        return None;
    }
    let mut child = tokio::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut stdin = child.stdin.take().expect("stdin");
    tokio::io::AsyncWriteExt::write_all(&mut stdin, input.as_bytes()).await.expect("write");
    drop(stdin);
    let out = child.wait_with_output().await.expect(module);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("json"))
}

#[tokio::test]
async fn public_feeds_parse_cleanly_and_carry_nothing_private() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let boris = app.person("boris").await.with_token().await;
    crate::space(&ana, "open-circle", "public", "open").await;
    crate::space(&ana, "members-only", "members", "open").await;
    crate::space(&ana, "inner", "secret", "invite").await;
    enrol(&ana, &boris, "open-circle", false).await;
    let (status, _) = ana
        .api_send(
            reqwest::Method::PUT,
            "/spaces/open-circle/rules",
            Some(serde_json::json!({"allow_anonymous": true, "slow_mode_secs": 0, "post_first": false})),
        )
        .await;
    assert!(status.is_success(), "{status}");
    let t = thread(&ana, "open-circle", "Fish & <Chips>", "Public words about #rust & friends").await;
    let (status, _) = boris
        .api_post(&format!("/threads/{t}/posts"), serde_json::json!({"body": "masked reply", "anonymous": true}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    thread(&ana, "members-only", "Members thread", "members-only words #rust").await;
    thread(&ana, "inner", "Secret thread", "secret words #rust").await;

    let mut feeds = Vec::new();
    for path in ["/s/open-circle/feed.atom", "/s/open-circle/feed.rss", "/tags/rust/feed.atom", "/tags/rust/feed.rss"] {
        let r = app.visitor().get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let mime = r.headers()["content-type"].to_str().expect("type").to_owned();
        assert!(mime.starts_with(if path.ends_with("atom") { "application/atom+xml" } else { "application/rss+xml" }));
        let xml = r.text().await.expect("body");
        for private in ["members-only words", "secret words", "Secret thread", "Members thread", "Boris"] {
            assert!(!xml.contains(private), "{path} carries {private:?}");
        }
        feeds.push((path, xml));
    }
    for path in ["/s/inner/feed.atom", "/s/members-only/feed.rss", "/s/nowhere/feed.atom", "/tags/two%20tags/feed.rss"]
    {
        assert_eq!(app.visitor().get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }

    for (path, xml) in &feeds {
        let Some(parsed) = parse(xml).await else { return };
        assert_eq!(parsed["bozo"], false, "{path}: {} in\n{xml}", parsed["bozo_exception"]);
        assert!(!xml.contains("href=&quot;/tags"), "{path}: links in content are absolute");
        let entries = parsed["entries"].as_array().expect("entries");
        let space_feed = path.starts_with("/s/");
        assert_eq!(entries.len(), if space_feed { 2 } else { 1 }, "{path}: {parsed}");
        for e in entries {
            assert!(e["id"].as_str().is_some_and(|id| id.starts_with("tag:127.0.0.1,2026:")), "{path}: {e}");
            assert!(
                e["link"].as_str().is_some_and(|l| l.contains(&format!("/s/open-circle/t/{t}#post-"))),
                "{path}: {e}"
            );
            assert_eq!((e["published"].as_bool(), e["updated"].as_bool()), (Some(true), Some(true)), "{path}: {e}");
        }
        assert!(entries.iter().any(|e| e["title"] == "Fish & <Chips>"), "{path}: {parsed}");
        if space_feed {
            assert_eq!(entries[0]["title"], "Re: Fish & <Chips>");
            assert!(entries[0]["author"].as_str().is_none_or(|a| a == "Anonymous"), "{path}: {}", entries[0]);
        }
    }
}

/// Posts the blog form (multipart, CSRF in the query as the page does).
async fn blog_form(
    v: &crate::Visitor,
    path: &str,
    fields: &[(&str, &str)],
    files: Vec<(&str, &str, Vec<u8>)>,
) -> reqwest::Response {
    let csrf = v.csrf().await;
    let mut form = reqwest::multipart::Form::new();
    for (k, val) in fields {
        form = form.text((*k).to_owned(), (*val).to_owned());
    }
    for (name, file_name, bytes) in files {
        form = form.part(name.to_owned(), reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
    }
    v.client.post(v.url(&format!("{path}?_csrf={csrf}"))).multipart(form).send().await.expect("blog form")
}

#[tokio::test]
async fn a_blog_post_with_sound_is_a_podcast_episode_with_a_correct_enclosure() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    crate::space(&ana, "open-circle", "public", "open").await;
    crate::space(&ana, "inner", "secret", "invite").await;
    enrol(&ana, &boris, "open-circle", false).await;

    // A member may not write; bad input comes back with what was typed.
    assert_eq!(boris.get("/s/open-circle/blog/new").await.status(), StatusCode::FORBIDDEN);
    let r = blog_form(&boris, "/s/open-circle/blog", &[("title", "Mine"), ("body", "x")], vec![]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = blog_form(&ana, "/s/open-circle/blog", &[("title", ""), ("body", "kept words")], vec![]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("page").contains("kept words"));
    let r = blog_form(
        &ana,
        "/s/open-circle/blog",
        &[("title", "Not a picture"), ("body", "b")],
        vec![("cover", "c.txt", b"plain".to_vec())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A draft, seen only by its writers.
    let r = blog_form(&ana, "/s/open-circle/blog", &[("title", "Work in progress"), ("body", "Not yet")], vec![]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(boris.get("/s/open-circle/blog/work-in-progress").await.status(), StatusCode::NOT_FOUND);
    assert!(!boris.text("/s/open-circle/blog").await.1.contains("Work in progress"));

    // A published episode with a cover and a sound file, which people
    // following the space hear about.
    let r = boris.post_form("/follow", &[("kind", "space"), ("target", "open-circle"), ("on", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut mp3 = b"ID3\x04\0\0\0\0\0\0".to_vec();
    mp3.extend(std::iter::repeat_n(0x55u8, 4000));
    let r = blog_form(
        &ana,
        "/s/open-circle/blog",
        &[("title", "Episode 1: Runbooks"), ("body", "Show notes about #runbooks"), ("publish", "1")],
        vec![("cover", "cover.png", png), ("audio", "episode-1.mp3", mp3.clone())],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/s/open-circle/blog/episode-1-runbooks");
    let (status, html) = app.visitor().text("/s/open-circle/blog/episode-1-runbooks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<audio controls") && html.contains("Show notes"));
    let comments = html.split("href=\"/s/open-circle/t/").nth(1).is_some();
    assert!(comments, "published posts get a comments thread");
    stoa_core::notifications::catch_up(&app.app).await.expect("notifications");
    let (_, list) = boris.text("/notifications").await;
    assert_eq!(
        list.matches("in a space you follow").count(),
        1,
        "one notice for a post, not one more for its comments"
    );
    let id = list.split("href=\"/n/").nth(1).and_then(|r| r.split('"').next()).expect("a notification").to_owned();
    let r = boris.get(&format!("/n/{id}")).await;
    assert_eq!(r.headers()["location"], "/s/open-circle/blog/episode-1-runbooks");

    // A refused edit comes back with the words typed and the files kept.
    let r =
        blog_form(&ana, "/s/open-circle/blog/episode-1-runbooks/edit", &[("title", ""), ("body", "new notes")], vec![])
            .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("page");
    assert!(
        html.contains("new notes") && html.contains("name=\"remove_cover\"") && html.contains("name=\"remove_audio\"")
    );

    let r = app.visitor().get("/s/open-circle/blog/feed.rss").await;
    assert_eq!(r.status(), StatusCode::OK);
    let xml = r.text().await.expect("feed");
    assert!(!xml.contains("Work in progress"), "drafts stay out of feeds");
    assert!(xml.contains(&format!("length=\"{}\"", mp3.len())), "{xml}");
    assert!(xml.contains("type=\"audio/mpeg\"") && xml.contains("<itunes:author>Ana</itunes:author>"), "{xml}");
    let audio_url =
        xml.split("<enclosure url=\"").nth(1).and_then(|r| r.split('"').next()).expect("enclosure").to_owned();
    let ranged = reqwest::Client::new().get(&audio_url).header("range", "bytes=0-9").send().await.expect("range");
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.bytes().await.expect("bytes").len(), 10);
    for path in ["/s/inner/blog/feed.rss", "/s/inner/blog/feed.atom"] {
        assert_eq!(app.visitor().get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }

    let Some(parsed) = parse_podcast(&xml).await else { return };
    assert_eq!(parsed["bozo"], false, "{parsed}");
    assert_eq!(parsed["entries"][0]["enclosure_length"], mp3.len().to_string());
    assert_eq!(parsed["entries"][0]["enclosure_type"], "audio/mpeg");
    assert_eq!(parsed["entries"][0]["author"], "Ana", "{parsed}");
    assert!(xml.contains(
        "<itunes:explicit>false</itunes:explicit><itunes:summary>Show notes about #runbooks</itunes:summary>"
    ));
    let atom = app.visitor().text("/s/open-circle/blog/feed.atom").await.1;
    let parsed = parse(&atom).await.expect("parsed");
    assert_eq!(parsed["bozo"], false, "{parsed}");
}

/// feedparser's view of a podcast feed's first entries' enclosures.
async fn parse_podcast(xml: &str) -> Option<serde_json::Value> {
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({"bozo": d.bozo, "entries": [
    {"enclosure_length": e.enclosures[0].get("length") if e.get("enclosures") else None,
     "enclosure_type": e.enclosures[0].get("type") if e.get("enclosures") else None,
     "author": e.get("author")} for e in d.entries]}))
"#;
    run_python(script, xml).await
}

#[tokio::test]
async fn the_blog_api_by_who_asks() {
    use reqwest::Method;
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let boris = app.person("boris").await.with_token().await;
    let stranger = app.person("stranger").await.with_token().await;
    crate::space(&ana, "open-circle", "public", "open").await;
    crate::space(&ana, "inner", "secret", "invite").await;
    enrol(&ana, &boris, "open-circle", false).await;
    let draft = serde_json::json!({"title": "Draft", "body": "soon"});

    let (status, _) = boris.api_post("/spaces/open-circle/blog", draft.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "members read, facilitators write");
    assert_eq!(stranger.api_post("/spaces/inner/blog", draft.clone()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.visitor().api_post("/spaces/open-circle/blog", draft.clone()).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = ana.api_post("/spaces/open-circle/blog", serde_json::json!({"title": "", "body": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = ana
        .api_post("/spaces/open-circle/blog", serde_json::json!({"title": "T", "body": "x", "audio_file_id": "nope"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, post) = ana.api_post("/spaces/open-circle/blog", draft).await;
    assert_eq!(status, StatusCode::CREATED, "{post}");
    assert!(post["published_at"].is_null());
    assert_eq!(boris.api_get("/spaces/open-circle/blog/draft").await.0, StatusCode::NOT_FOUND);
    let (_, blog) = boris.api_get("/spaces/open-circle/blog").await;
    assert_eq!((blog["posts"].as_array().map(Vec::len), blog["may_write"].as_bool()), (Some(0), Some(false)));
    let (_, blog) = ana.api_get("/spaces/open-circle/blog").await;
    assert_eq!((blog["posts"].as_array().map(Vec::len), blog["may_write"].as_bool()), (Some(1), Some(true)));

    let publish = serde_json::json!({"title": "Draft, now out", "body": "here", "publish": true});
    assert_eq!(
        boris.api_send(Method::PUT, "/spaces/open-circle/blog/draft", Some(publish.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, post) = ana.api_send(Method::PUT, "/spaces/open-circle/blog/draft", Some(publish)).await;
    assert_eq!(status, StatusCode::OK, "{post}");
    assert!(post["published_at"].is_i64() && post["comments_url"].is_string(), "{post}");
    let (status, seen) = app.visitor().api_get("/spaces/open-circle/blog/draft").await;
    assert_eq!((status, seen["title"].as_str()), (StatusCode::OK, Some("Draft, now out")));
    assert_eq!(stranger.api_get("/spaces/inner/blog").await.0, StatusCode::NOT_FOUND);
}
