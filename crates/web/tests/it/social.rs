//! Reactions over HTTP, in the API and as the thread page's buttons.

use reqwest::{Method, StatusCode};

use crate::{Visitor, enrol, spawn_app, thread};

async fn put(v: &Visitor, post: &str) -> StatusCode {
    v.api_send(Method::PUT, &format!("/posts/{post}/reactions/insightful"), None).await.0
}

#[tokio::test]
async fn reactions_by_role_in_the_api_and_the_page() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let boris = app.person("boris").await.with_token().await;
    let stranger = app.person("stranger").await.with_token().await;
    let anonymous = app.visitor();
    crate::space(&ana, "open-circle", "public", "invite").await;
    crate::space(&ana, "closed-circle", "secret", "invite").await;
    enrol(&ana, &boris, "open-circle", false).await;
    let t = thread(&ana, "open-circle", "Hello", "Say hi to @boris").await;
    let (_, page) = ana.api_get(&format!("/threads/{t}")).await;
    let post = page["posts"][0]["id"].as_str().expect("post").to_owned();
    let html = page["posts"][0]["body_html"].as_str().expect("html").to_owned();
    let to = html.split("href=\"").nth(1).and_then(|s| s.split('"').next()).expect("a mention link").to_owned();
    assert!(to.starts_with("/people/"), "{html}");
    let r = anonymous.get(&to).await;
    assert_eq!(r.headers()["location"], "/u/boris", "the mention leads to the person");
    let secret = thread(&ana, "closed-circle", "Quiet", "x").await;
    let (_, page) = ana.api_get(&format!("/threads/{secret}")).await;
    let secret_post = page["posts"][0]["id"].as_str().expect("post").to_owned();

    assert_eq!(put(&boris, &post).await, StatusCode::NO_CONTENT);
    assert_eq!(put(&anonymous, &post).await, StatusCode::UNAUTHORIZED);
    assert_eq!(put(&stranger, &post).await, StatusCode::FORBIDDEN);
    assert_eq!(put(&stranger, &secret_post).await, StatusCode::NOT_FOUND);
    let (status, body) = boris.api_send(Method::PUT, &format!("/posts/{post}/reactions/angry"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Ana reacts through the page's button; both reactions show.
    let (_, html) = ana.text(&format!("/s/open-circle/t/{t}")).await;
    assert!(html.contains(r#"name="set" value="insightful:on""#), "the picker offers it");
    let r = ana.post_form(&format!("/p/{post}/react"), &[("set", "insightful:on")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = boris.api_get(&format!("/threads/{t}")).await;
    assert_eq!(page["posts"][0]["reactions"][0]["count"], 2);
    assert_eq!(page["posts"][0]["reactions"][0]["mine"], true);
    let (_, html) = ana.text(&format!("/s/open-circle/t/{t}")).await;
    assert!(
        html.contains(
            r#"name="set" value="insightful:off" class="reaction is-mine" aria-pressed="true" title="Insightful""#
        ),
        "the button shows it is pressed, and takes it back"
    );
    // The form's other spelling (kind and on) works too: Ana takes hers back.
    let r = ana.post_form(&format!("/p/{post}/react"), &[("kind", "insightful"), ("on", "false")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = boris.api_get(&format!("/threads/{t}")).await;
    assert_eq!(page["posts"][0]["reactions"][0]["count"], 1, "a reaction taken back shows at once");
    let r = ana.post_form(&format!("/p/{post}/react"), &[("set", "insightful:on")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = boris.api_send(Method::DELETE, &format!("/posts/{post}/reactions/insightful"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = boris.api_get(&format!("/threads/{t}")).await;
    assert_eq!(
        (page["posts"][0]["reactions"][0]["count"].as_i64(), page["posts"][0]["reactions"][0]["mine"].as_bool()),
        (Some(1), Some(false))
    );
}

#[tokio::test]
async fn skills_and_interests_are_set_in_a_form_and_found_in_the_directory() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await.with_token().await;
    let r = ana.post_form("/settings/expertise", &[("skills", "rust, bad tag!"), ("interests", "kubernetes")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("page").contains("bad tag!"), "what was typed stays");
    let r = ana.post_form("/settings/expertise", &[("skills", "rust postgres"), ("interests", "kubernetes")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, profile) = ana.text("/u/ana").await;
    assert!(profile.contains(r#"href="/people?skill=rust""#));
    let (status, html) = boris.text("/people?skill=rust").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/u/ana""#));
    let (status, _) = app.visitor().text("/people").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the directory is for signed-in people");
    let (status, body) = boris
        .api_send(
            Method::PUT,
            "/me/expertise",
            Some(serde_json::json!({"skills": ["kubernetes"], "interests": ["rust"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, found) = boris.api_get("/people?interest=rust").await;
    assert_eq!(found["people"][0]["username"], "boris");
    let (_, user) = boris.api_get("/users/ana").await;
    assert_eq!(user["skills"], serde_json::json!(["postgres", "rust"]));
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f, 0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81, 0x84,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

async fn avatar_form(v: &crate::Visitor, file_name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let csrf = v.csrf().await;
    let form = reqwest::multipart::Form::new()
        .part("avatar", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
    v.client.post(v.url(&format!("/settings/avatar?_csrf={csrf}"))).multipart(form).send().await.expect("upload")
}

#[tokio::test]
async fn a_picture_is_drawn_from_the_name_until_one_is_uploaded() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let visitor = app.visitor();

    // Drawn from the name, for anyone, and cached by its tag.
    let r = visitor.get("/u/ana/avatar").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(r.text().await.expect("svg").contains(">A</text>"), "Ana's initial");
    let again = visitor.client.get(visitor.url("/u/ana/avatar")).header("if-none-match", &etag).send().await;
    assert_eq!(again.expect("get").status(), StatusCode::NOT_MODIFIED);
    assert_eq!(visitor.get("/u/nobody/avatar").await.status(), StatusCode::NOT_FOUND);
    let (_, html) = ana.text("/u/ana").await;
    assert!(html.contains(r#"src="/u/ana/avatar""#), "pages show the picture");

    // Not a picture, or too large: refused on the settings page, in words.
    let r = avatar_form(&ana, "notes.txt", b"just some words".to_vec()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("This is not a picture Stoa can show"));
    let mut big = PNG.to_vec();
    big.resize(1024 * 1024 + 1, 0);
    let r = avatar_form(&ana, "big.png", big).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("This picture is too large"));
    assert_eq!((app.app.blobs.kept_count(), app.app.blobs.staging_count()), (0, 0), "nothing left behind");

    // A picture replaces the drawn one; a second replaces the first.
    for _ in 0..2 {
        let r = avatar_form(&ana, "me.png", PNG.to_vec()).await;
        assert_eq!((r.status(), r.headers()["location"].to_str().ok()), (StatusCode::SEE_OTHER, Some("/settings")));
    }
    assert_eq!(app.app.blobs.kept_count(), 1, "the replaced picture's bytes are gone");
    let r = visitor.get("/u/ana/avatar").await;
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_ne!(r.headers()["etag"].to_str().ok(), Some(etag.as_str()));
    assert_eq!(&r.bytes().await.expect("bytes")[..], PNG);
    let (_, html) = ana.text("/settings").await;
    assert!(html.contains("Remove the picture"));

    // Through the API too; removing goes back to the drawn one.
    let ana = ana.with_token().await;
    let r = ana.client.put(ana.url("/api/v1/me/avatar")).bearer_auth(ana.token.as_deref().unwrap_or_default());
    // An SVG could carry script: never taken as a picture.
    let r =
        r.body(br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec()).send().await.expect("put");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = ana.api_send(reqwest::Method::DELETE, "/me/avatar", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(visitor.get("/u/ana/avatar").await.headers()["content-type"], "image/svg+xml");
    assert_eq!(app.app.blobs.kept_count(), 0);
    let r = ana.client.put(ana.url("/api/v1/me/avatar")).bearer_auth(ana.token.as_deref().unwrap_or_default());
    let r = r.body(PNG.to_vec()).send().await.expect("put");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(visitor.get("/u/ana/avatar").await.headers()["content-type"], "image/png");
    let (status, _) = visitor.api_send(reqwest::Method::DELETE, "/me/avatar", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_person_starts_a_blog_of_their_own_that_only_they_write() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    assert_eq!(boris.get("/u/ana/blog").await.status(), StatusCode::NOT_FOUND, "no blog yet");
    let (_, html) = ana.text("/u/ana").await;
    assert!(html.contains("Start my blog"));
    let (_, html) = boris.text("/u/ana").await;
    assert!(!html.contains("Start my blog"), "only on one's own profile");

    let r = ana.post_form("/blog/start", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().expect("location").to_owned();
    let slug = to.strip_prefix("/s/").and_then(|t| t.strip_suffix("/blog/new")).expect("the new-post form").to_owned();
    // Starting again finds the same blog.
    let r = ana.post_form("/blog/start", &[]).await;
    assert_eq!(r.headers()["location"].to_str().ok(), Some(to.as_str()));
    let (status, body) = ana.api_post("/me/blog", serde_json::json!({})).await;
    assert_eq!((status, body["slug"].as_str()), (StatusCode::OK, Some(slug.as_str())));

    let post = |title: &str| serde_json::json!({"title": title, "body": "Hello readers #rust", "publish": true});
    let (status, body) = ana.api_post(&format!("/spaces/{slug}/blog"), post("First notes")).await;
    assert_eq!(status, StatusCode::CREATED, "its owner writes: {body}");
    let (status, _) = boris.api_post(&format!("/spaces/{slug}/blog"), post("Mine now")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nobody else does");

    // Everyone finds it from the profile, and reads it signed out.
    let r = app.visitor().get("/u/ana/blog").await;
    assert_eq!(r.headers()["location"].to_str().ok(), Some(&*format!("/s/{slug}/blog")));
    let (status, html) = app.visitor().text(&format!("/s/{slug}/blog")).await;
    assert!(status == StatusCode::OK && html.contains("First notes"), "{html}");
    // Its #tags list it on the tag's page and in the tag's feeds; a draft's do not.
    let draft = serde_json::json!({"title": "Unfinished", "body": "Later #rust", "publish": false});
    let (status, _) = ana.api_post(&format!("/spaces/{slug}/blog"), draft).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, html) = app.visitor().text("/tags/rust").await;
    assert!(html.contains(&format!(r#"href="/s/{slug}/blog/first-notes""#)) && html.contains("blog post"), "{html}");
    assert!(!html.contains("Unfinished"));
    let (_, atom) = app.visitor().text("/tags/rust/feed.atom").await;
    assert!(atom.contains("First notes") && !atom.contains("Unfinished"), "{atom}");
    let (_, profile) = boris.api_get("/users/ana").await;
    assert_eq!(profile["blog_slug"].as_str(), Some(slug.as_str()));
    let (_, html) = boris.text("/u/ana").await;
    assert!(html.contains(&format!(r#"href="/s/{slug}/blog""#)) && html.contains("Ana&#39;s blog"), "{html}");
}

#[tokio::test]
async fn kept_posts_show_each_reader_their_own_buttons_and_fresh_reactions() {
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let boris = app.person("boris").await.with_token().await;
    let chen = app.person("chen").await.with_token().await;
    crate::space(&ana, "circle", "public", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    enrol(&ana, &chen, "circle", false).await;
    let t = thread(&ana, "circle", "Hello", "Say hi").await;
    let (status, written) =
        boris.api_post(&format!("/threads/{t}/posts"), serde_json::json!({"body": "Hi from Boris"})).await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    let reply = written["post"]["id"].as_str().expect("id").to_owned();
    let url = format!("/s/circle/t/{t}");
    // Read twice each, so the second reading comes from what the first kept.
    for _ in 0..2 {
        let (_, as_boris) = boris.text(&url).await;
        let (_, as_chen) = chen.text(&url).await;
        assert!(as_boris.contains(&format!("/p/{reply}/edit")), "Boris may edit his reply");
        assert!(!as_boris.contains(&format!("/p/{reply}/flag")), "nor flag it");
        assert!(!as_chen.contains(&format!("/p/{reply}/edit")), "Chen may not edit it");
        assert!(as_chen.contains(&format!("/p/{reply}/flag")), "but may flag it");
    }
    // Chen reacts; Boris sees it at once, and Chen sees hers pressed.
    let r = chen.post_form(&format!("/p/{reply}/react"), &[("set", "thanks:on")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, as_boris) = boris.text(&url).await;
    assert!(as_boris.contains(r#"value="thanks:on" class="reaction" aria-pressed="false" title="Thanks""#));
    let (_, as_chen) = chen.text(&url).await;
    assert!(as_chen.contains(r#"value="thanks:off" class="reaction is-mine" aria-pressed="true" title="Thanks""#));

    // Without JavaScript, "+🙂" opens a page of choices.
    let (status, choices) = chen.text(&format!("/p/{reply}/react")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(choices.contains(r#"value="thanks:off""#) && choices.contains(r#"value="helpful:on""#), "{choices}");
    let (status, _) = app.visitor().text(&format!("/p/{reply}/react")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "visitors are asked to sign in");
    let outsider = app.person("outsider").await;
    let (status, _) = outsider.text(&format!("/p/{reply}/react")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a reader who is not a member may not react");
}
