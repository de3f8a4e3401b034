//! The knowledge repository over HTTP: wiki edit conflicts in the browser and
//! the API, uploads and downloads, the library.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;
use stoa_core::CoreConfig;

use crate::{Visitor, space, spawn_app, spawn_app_with};

const RUNBOOK: &str = "# Runbook\n\nStep one: build.\nStep two: test.\nStep three: ship.";

async fn join(v: &Visitor, slug: &str) {
    let r = v.post_form(&format!("/s/{slug}/join"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wiki_edits_from_the_same_revision_merge_or_come_back_with_both_texts_in_the_browser() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let bob = app.person("bob").await;
    let slug = space(&ana, "guild", "public", "open").await;
    join(&bob, &slug).await;
    let created = ana.post_form(&format!("/s/{slug}/wiki"), &[("title", "Runbook"), ("body", RUNBOOK)]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(created.headers()["location"], "/s/guild/wiki/runbook");

    // A link to a missing page offers to create it, with a readable title.
    let (_, form) = bob.text("/s/guild/new-page?title=postmortem-template").await;
    assert!(form.contains("value=\"Postmortem template\""), "{form}");
    let (status, _) = bob.text("/s/guild/wiki/postmortem-template").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a missing page answers 404, with a way to create it");

    // A save from a revision that never existed says why, and keeps the text.
    let r = bob
        .post_form("/s/guild/wiki/runbook/edit", &[("title", "Runbook"), ("body", "kept text"), ("revision", "999")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("form-error") && html.contains("kept text"), "{html}");

    // Both open the editor: the form carries revision 1.
    let (_, form) = bob.text("/s/guild/wiki/runbook/edit").await;
    assert!(form.contains("name=\"revision\" value=\"1\""), "{form}");

    let ana_text = RUNBOOK.replace("Step one: build.", "Step one: build with --locked.");
    let r = ana
        .post_form("/s/guild/wiki/runbook/edit", &[("title", "Runbook"), ("body", &ana_text), ("revision", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Bob's change is elsewhere: merged.
    let bob_text = RUNBOOK.replace("Step three: ship.", "Step three: ship on Tuesdays.");
    let r = bob
        .post_form("/s/guild/wiki/runbook/edit", &[("title", "Runbook"), ("body", &bob_text), ("revision", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = bob.text("/s/guild/wiki/runbook").await;
    assert!(page.contains("build with --locked.") && page.contains("ship on Tuesdays."), "{page}");
    assert!(page.contains("merged"), "the merge is announced: {page}");

    // Now both change step two from revision 3: the second gets 409 with both texts.
    let ana_two = page_body(&ana, "guild", "runbook").await.replace("Step two: test.", "Step two: run every test.");
    let bob_two = page_body(&bob, "guild", "runbook")
        .await
        .replace("Step two: test.", "Step two: <b>test</b> on staging & prod.");
    let r = ana
        .post_form("/s/guild/wiki/runbook/edit", &[("title", "Runbook"), ("body", &ana_two), ("revision", "3")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = bob
        .post_form(
            "/s/guild/wiki/runbook/edit",
            &[("title", "Runbook"), ("body", &bob_two), ("revision", "3"), ("summary", "staging")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.expect("body");
    assert!(html.contains("run every test."), "their text is shown");
    assert!(
        html.contains("Step two: &#60;b&#62;test&#60;/b&#62; on staging &#38; prod."),
        "my text is kept, escaped: {html}"
    );
    assert!(html.contains("name=\"revision\" value=\"4\""), "the next save is based on the newest revision");
    assert!(html.contains("value=\"staging\""), "the summary is kept");
    assert_eq!(page_body(&ana, "guild", "runbook").await, ana_two, "nothing was overwritten");
}

async fn page_body(v: &Visitor, slug: &str, page: &str) -> String {
    let (status, p) = v.api_get(&format!("/spaces/{slug}/wiki/{page}")).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    p["body"].as_str().expect("body").to_owned()
}

#[tokio::test]
async fn wiki_conflicts_history_diff_and_restore_through_the_api() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let bob = app.person("bob").await.with_token().await;
    let eve = app.person("eve").await.with_token().await;
    let slug = space(&ana, "guild", "members", "open").await;
    let (status, _) = bob.api_post(&format!("/spaces/{slug}/join"), json!({})).await;
    assert!(status.is_success(), "{status}");

    let (status, created) = ana.api_post("/spaces/guild/wiki", json!({"title": "Runbook", "body": RUNBOOK})).await;
    assert_eq!((status, created["slug"].as_str()), (StatusCode::CREATED, Some("runbook")), "{created}");
    let save = |body: &str, base: i64| json!({"title": "Runbook", "body": body, "base_revision": base});
    let ana_text = RUNBOOK.replace("Step two: test.", "Step two: run every test.");
    let bob_text = RUNBOOK.replace("Step two: test.", "Step two: test on staging.");
    let (status, saved) = ana.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save(&ana_text, 1))).await;
    assert_eq!(
        (status, saved["outcome"].as_str(), saved["revision"].as_i64()),
        (StatusCode::OK, Some("saved"), Some(2))
    );
    let (status, conflict) = bob.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save(&bob_text, 1))).await;
    assert_eq!((status, conflict["outcome"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{conflict}");
    assert_eq!(conflict["your_body"], bob_text.as_str());
    assert_eq!(conflict["current_body"], ana_text.as_str());
    assert_eq!(conflict["current_revision"], 2);
    let merged_by_hand = RUNBOOK.replace("Step two: test.", "Step two: run every test on staging.");
    let (status, saved) = bob.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save(&merged_by_hand, 2))).await;
    assert_eq!((status, saved["revision"].as_i64()), (StatusCode::OK, Some(3)));
    let other = merged_by_hand.replace("# Runbook", "# The runbook");
    let (_, saved) = ana.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save(&other, 2))).await;
    assert_eq!((saved["outcome"].as_str(), saved["merged"].as_bool()), (Some("saved"), Some(true)), "{saved}");

    // Ten revisions, a diff across them, a restore.
    for n in 5..=10 {
        let body = format!("{other}\n\nNote {n}.");
        let (status, _) = ana.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save(&body, n - 1))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, history) = ana.api_get("/spaces/guild/wiki/runbook/revisions").await;
    assert_eq!(history.as_array().map(Vec::len), Some(10));
    let (status, diff) = ana.api_get("/spaces/guild/wiki/runbook/diff?from=1&to=10").await;
    assert_eq!(status, StatusCode::OK);
    let text = diff.to_string();
    assert!(text.contains("Note 10.") && text.contains("\"tag\":\"delete\""), "{text}");
    let (status, restored) = ana.api_post("/spaces/guild/wiki/runbook/restore", json!({"revision": 1})).await;
    assert_eq!((status, restored["revision"].as_i64()), (StatusCode::OK, Some(11)));
    assert_eq!(page_body(&ana, "guild", "runbook").await, RUNBOOK);
    let (status, _) = ana.api_get("/spaces/guild/wiki/runbook/diff?from=1&to=99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The talk page is a thread like any other.
    let (status, talk) = bob.api_post("/spaces/guild/wiki/runbook/talk", json!({"body": "Split it?"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let thread = talk["thread_id"].as_str().expect("thread").to_owned();
    let (status, _) = ana.api_post(&format!("/threads/{thread}/posts"), json!({"body": "Yes"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, t) = bob.api_get(&format!("/threads/{thread}")).await;
    assert_eq!(t["post_count"], 2);

    // Outsiders: members-only space, so 403 for reading and writing.
    assert_eq!(eve.api_get("/spaces/guild/wiki/runbook").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        eve.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save("x", 11))).await.0,
        StatusCode::FORBIDDEN
    );
    // Members cannot protect; the owner can, and then members cannot edit.
    let protect = |on: bool| Some(json!({"protected": on}));
    assert_eq!(
        bob.api_send(Method::PUT, "/spaces/guild/wiki/runbook/protection", protect(true)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ana.api_send(Method::PUT, "/spaces/guild/wiki/runbook/protection", protect(true)).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        bob.api_send(Method::PUT, "/spaces/guild/wiki/runbook", Some(save("x", 11))).await.0,
        StatusCode::FORBIDDEN
    );
}

fn upload_form(name: &str, bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

async fn upload(v: &Visitor, slug: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let mut req = v.client.post(v.url(&format!("/api/v1/spaces/{slug}/files"))).multipart(upload_form(name, bytes));
    if let Some(t) = &v.token {
        req = req.bearer_auth(t);
    }
    crate::json(req.send().await.expect("upload")).await
}

#[tokio::test]
async fn uploads_are_typed_by_content_limited_and_served_only_to_readers() {
    let config = CoreConfig { max_upload_bytes: 64 * 1024, ..CoreConfig::default() };
    let app = spawn_app_with(config).await;
    let ana = app.person("ana").await.with_token().await;
    let eve = app.person("eve").await;
    let slug = space(&ana, "hidden", "secret", "invite").await;

    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let (status, file) = upload(&ana, &slug, "logo.svg", svg).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(file["inline"], false);
    let url = file["url"].as_str().expect("url").to_owned();
    let r =
        ana.client.get(ana.url(&url)).bearer_auth(ana.token.as_deref().unwrap_or_default()).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers();
    assert_eq!(h["content-type"], "application/octet-stream", "never served as SVG or HTML");
    assert!(
        h["content-disposition"].to_str().unwrap_or("").starts_with("attachment"),
        "{:?}",
        h["content-disposition"]
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"].to_str().unwrap_or("").contains("sandbox"));

    let html = b"<!doctype html><html><body onload=alert(1)>hi</body></html>".to_vec();
    let (_, page) = upload(&ana, &slug, "photo.png", html).await;
    assert_eq!((page["content_type"].as_str(), page["inline"].as_bool()), (Some("text/plain"), Some(false)));

    // A picture is shown inline; ranges work.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
    png.extend(std::iter::repeat_n(7u8, 84));
    let (_, image) = upload(&ana, &slug, "diagram.png", png.clone()).await;
    let url = image["url"].as_str().expect("url").to_owned();
    assert!(image["markdown"].as_str().is_some_and(|m| m.starts_with("![diagram.png](/files/")), "{image}");
    let get = |range: Option<&str>| {
        let mut req = ana.client.get(ana.url(&url)).bearer_auth(ana.token.as_deref().unwrap_or_default());
        if let Some(r) = range {
            req = req.header("range", r);
        }
        req.send()
    };
    let r = get(None).await.expect("get");
    assert_eq!((r.status(), r.headers()["content-type"].to_str().ok()), (StatusCode::OK, Some("image/png")));
    assert!(r.headers()["content-disposition"].to_str().unwrap_or("").starts_with("inline"));
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), png);
    let r = get(Some("bytes=2-5")).await.expect("get");
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"], "bytes 2-5/100");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), png[2..=5].to_vec());
    assert_eq!(get(Some("bytes=500-")).await.expect("get").status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // Outsiders learn nothing: 404 for the file, the upload route and the metadata.
    let (status, _) = eve.text(&url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.visitor().get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(eve.api_get(&format!("/files/{}", image["id"].as_str().unwrap_or(""))).await.0, StatusCode::NOT_FOUND);
    let eve = eve.with_token().await;
    assert_eq!(upload(&eve, &slug, "x.txt", b"x".to_vec()).await.0, StatusCode::NOT_FOUND);

    // Over the limit: a clear 413 and nothing left behind, whether or not the length is declared.
    let kept = app.app.blobs.kept_count();
    let (status, body) = upload(&ana, &slug, "big.bin", vec![1u8; 200 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "file_too_large");
    let stream = futures::stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(vec![2u8; 8 * 1024])));
    let part = Part::stream(reqwest::Body::wrap_stream(stream)).file_name("chunked.bin");
    let r = ana
        .client
        .post(ana.url(&format!("/api/v1/spaces/{slug}/files")))
        .bearer_auth(ana.token.as_deref().unwrap_or_default())
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!((app.app.blobs.kept_count(), app.app.blobs.staging_count()), (kept, 0));

    // The browser's upload form: multipart with the CSRF token in the query.
    let browser = app.person("bob").await;
    let own = space(&browser.with_token().await, "bobs", "public", "open").await;
    let bob = app.visitor();
    let r = bob.post_form("/signin", &[("login", "bob"), ("password", crate::PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let no_token =
        bob.client.post(bob.url(&format!("/s/{own}/files"))).multipart(upload_form("a.txt", b"hello".to_vec()));
    assert_eq!(no_token.send().await.expect("post").status(), StatusCode::FORBIDDEN, "no CSRF token, no upload");
    let csrf = bob.csrf().await;
    let r = bob
        .client
        .post(bob.url(&format!("/s/{own}/files?_csrf={csrf}")))
        .multipart(upload_form("a.txt", b"hello".to_vec()))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("body").contains("[a.txt](/files/"));
}

#[tokio::test]
async fn the_library_over_http() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let bob = app.person("bob").await;
    let slug = space(&ana, "guild", "public", "open").await;
    join(&bob, &slug).await;

    // The browser's multipart form adds a file item in one step.
    let csrf = bob.csrf().await;
    let form = upload_form("notes.txt", b"reading notes".to_vec())
        .text("kind", "file")
        .text("title", "Reading notes")
        .text("tags", "notes, reading");
    let r = bob
        .client
        .post(bob.url(&format!("/s/{slug}/library?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let item_url = r.headers()["location"].to_str().expect("location").to_owned();
    let (_, page) = bob.text(&item_url).await;
    assert!(page.contains("Reading notes") && page.contains("notes.txt"), "{page}");

    // A bad link re-renders the form with what was typed.
    let form =
        Form::new().text("kind", "link").text("title", "Sneaky").text("url", "javascript:alert(1)").text("file", "");
    let r = bob
        .client
        .post(bob.url(&format!("/s/{slug}/library?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("value=\"Sneaky\"") && html.contains("http://"), "{html}");

    let (status, item) = ana
        .api_post(
            "/spaces/guild/library",
            json!({"kind": "link", "title": "Rust book", "url": "https://doc.rust-lang.org/book/", "tags": "rust"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let id = item["id"].as_str().expect("id").to_owned();
    assert_eq!(
        ana.api_send(Method::PUT, &format!("/library/{id}/suggested"), Some(json!({"suggested": true}))).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, created) = ana.api_post("/spaces/guild/collections", json!({"title": "Start here"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let list = created["id"].as_str().expect("id").to_owned();
    assert_eq!(
        ana.api_send(Method::PUT, &format!("/collections/{list}/items"), Some(json!({"items": [id]}))).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, c) = app.visitor().api_get(&format!("/collections/{list}")).await;
    assert_eq!(c["items"][0]["title"], "Rust book");
    let (_, lib) = app.visitor().api_get("/spaces/guild/library?tag=rust").await;
    assert_eq!((lib["items"][0]["suggested"].as_bool(), lib["items"].as_array().map(Vec::len)), (Some(true), Some(1)));
    let (_, html) = bob.text("/s/guild/library").await;
    assert!(html.contains("Rust book") && html.contains("Start here"), "{html}");
    // A member cannot suggest: the button is absent and the action refused.
    let r = bob.post_form(&format!("/library/{id}/suggest"), &[("suggested", "0")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn search_over_http_hides_secret_spaces_and_suggests_duplicates() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let eve = app.person("eve").await.with_token().await;
    let public = space(&ana, "commons", "public", "open").await;
    let secret = space(&ana, "vault", "secret", "invite").await;
    crate::thread(&ana, &public, "How do we rotate keys?", "Rotate the `<img src=x onerror=alert(1)>` keys monthly.")
        .await;
    crate::thread(&ana, &secret, "Quetzalcoatl rollout", "The quetzalcoatl codename stays here.").await;
    let (status, _) = ana
        .api_post(&format!("/spaces/{secret}/wiki"), json!({"title": "Quetzalcoatl", "body": "quetzalcoatl notes"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    stoa_core::search::catch_up(&app.app).await.expect("index");

    for v in [&eve, &app.visitor()] {
        let (status, r) = v.api_get("/search?q=quetzalcoatl").await;
        assert_eq!((status, r["total"].as_i64()), (StatusCode::OK, Some(0)), "{r}");
        assert!(!r.to_string().contains("vault"), "{r}");
        let (status, page) = v.text("/search?q=quetzalcoatl").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains("Quetzalcoatl") || page.contains("value=\"quetzalcoatl\""), "only the query echoes");
        assert!(!page.to_lowercase().contains("codename") && !page.contains("/s/vault"), "{page}");
        let (_, similar) = v.api_get("/search/similar?title=quetzalcoatl%20rollout").await;
        assert_eq!(similar.as_array().map(Vec::len), Some(0), "{similar}");
        let (status, fragment) = v.text(&format!("/s/{secret}/similar?title=quetzalcoatl")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!fragment.contains("Quetzalcoatl"), "{fragment}");
        assert_eq!(v.api_get(&format!("/search/similar?title=rollout&space={secret}")).await.0, StatusCode::NOT_FOUND);
    }
    let (_, r) = ana.api_get("/search?q=quetzalcoatl").await;
    assert_eq!(r["total"], 2, "{r}");
    let (_, page) = eve.text("/search?q=rotate%20keys").await;
    assert!(page.contains("<mark>"), "{page}");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;") && !page.contains("<img src=x"),
        "snippets are escaped: {page}"
    );

    // While a title is typed, threads that may answer it are suggested.
    let (status, fragment) = eve.text(&format!("/s/{public}/similar?title=rotating%20keys")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        fragment.contains("How do we <mark>rotate</mark> <mark>keys</mark>?"),
        "stemmed and highlighted: {fragment}"
    );
    let (_, form) = ana.text(&format!("/s/{public}/new")).await;
    assert!(form.contains("hx-get=\"/s/commons/similar\""), "the new-thread form asks as the title changes");
}
