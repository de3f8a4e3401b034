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
    let ready = std::process::Command::new("python3")
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        assert!(
            std::env::var("STOA_REQUIRE_E2E").is_err(),
            "STOA_REQUIRE_E2E is set but python3-feedparser is missing"
        );
        eprintln!("skipping the feed parser checks: install python3-feedparser to include them");
        return None;
    }
    let mut child = tokio::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut stdin = child.stdin.take().expect("stdin");
    tokio::io::AsyncWriteExt::write_all(&mut stdin, xml.as_bytes()).await.expect("write");
    drop(stdin);
    let out = child.wait_with_output().await.expect("feedparser");
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
