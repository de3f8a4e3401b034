//! Following, tags, notifications and unsubscribe links, as pages.

use reqwest::StatusCode;

use crate::{enrol, spawn_app, thread};

#[tokio::test]
async fn notifications_follows_tags_blocks_and_unsubscribing_in_the_browser() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    crate::space(&ana, "circle", "public", "open").await;
    enrol(&ana, &boris, "circle", false).await;
    let t = thread(&ana, "circle", "Hello", "Welcome @boris, we talk #rust here").await;
    stoa_core::notifications::catch_up(&app.app).await.expect("notifications");

    let (status, html) = boris.text("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ana mentioned you in “Hello”"), "{html}");
    // The mention, and the invitation that brought Boris in.
    assert!(html.contains(r#"aria-label="Notifications, 2 unread""#), "the header counts them");
    let id = html.split("href=\"/n/").nth(1).and_then(|rest| rest.split('"').next()).expect("a link").to_owned();
    let r = boris.get(&format!("/n/{id}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().expect("location").to_owned();
    assert_eq!(to, format!("/s/circle/t/{t}#post-1"));
    let (_, html) = boris.text("/notifications").await;
    assert!(html.contains(r#"aria-label="Notifications, 1 unread""#), "opened means read");
    assert_eq!(app.visitor().get("/notifications").await.status(), StatusCode::SEE_OTHER, "sign in first");

    // Following a tag from its page; everyone can read a public tag page.
    let r =
        boris.post_form("/follow", &[("kind", "tag"), ("target", "rust"), ("on", "1"), ("next", "/tags/rust")]).await;
    assert_eq!((r.status(), r.headers()["location"].to_str().ok()), (StatusCode::SEE_OTHER, Some("/tags/rust")));
    let (_, html) = boris.text("/tags/rust").await;
    assert!(html.contains(r#"aria-pressed="true">Following"#), "{html}");
    let (status, html) = app.visitor().text("/tags/rust").await;
    assert!(status == StatusCode::OK && html.contains(&format!("/s/circle/t/{t}#post-1")));
    assert_eq!(app.visitor().get("/tags/two%20tags").await.status(), StatusCode::NOT_FOUND);
    let r = boris.post_form("/follow", &[("kind", "planet"), ("target", "mars"), ("on", "1")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Blocking from a profile, listed in the settings; choices are saved.
    let r = boris.post_form("/u/ana/block", &[("on", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = boris.post_form("/settings/notifications", &[("kind.mention", "off"), ("digest", "weekly")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = boris.text("/settings/notifications").await;
    assert!(html.contains(r#"<a href="/u/ana">Ana</a>"#), "blocked people are listed");
    assert!(html.contains(r#"<option value="off" selected>"#) && html.contains(r#"<option value="weekly" selected>"#));
    assert!(html.contains("#rust"), "followed tags are listed");
    let r = boris.post_form("/settings/notifications", &[("kind.mention", "loudly")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // An unsubscribe link works signed out, from a mail program's one click
    // with no cookie or CSRF token at all; a forged one is refused.
    let boris_id = {
        let mut c = app.db.store.read().await.expect("read");
        stoa_store::users::by_username(&mut c, "boris").await.expect("q").expect("boris").id
    };
    let token = stoa_core::mail::unsubscribe_token(&app.app, &boris_id, "reply").await.expect("token");
    let (status, html) = app.visitor().text(&format!("/unsubscribe/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Boris, stop email for: replies to you?"), "{html}");
    let r = reqwest::Client::new()
        .post(app.url(&format!("/unsubscribe/{token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("one click");
    assert_eq!(r.status(), StatusCode::OK);
    let prefs =
        stoa_core::notifications::preferences(&app.app, &boris_actor(&app, &boris_id).await).await.expect("prefs");
    assert!(prefs.kinds.contains(&("reply".into(), "app".into())), "{:?}", prefs.kinds);
    // Change the signature's last character (to one it is not already).
    let last = if token.ends_with('A') { 'B' } else { 'A' };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    assert_eq!(app.visitor().get(&format!("/unsubscribe/{forged}")).await.status(), StatusCode::NOT_FOUND);
}

async fn boris_actor(app: &crate::TestApp, id: &str) -> stoa_core::Actor {
    let mut c = app.db.store.read().await.expect("read");
    let row = stoa_store::users::by_id(&mut c, id).await.expect("q").expect("row");
    stoa_core::Actor::signed_in(stoa_core::CurrentUser {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        is_admin: false,
        locale: None,
    })
}

#[tokio::test]
async fn the_network_api_by_who_asks() {
    use reqwest::Method;
    let app = spawn_app().await;
    let ana = app.person("ana").await.with_token().await;
    let boris = app.person("boris").await.with_token().await;
    let stranger = app.person("stranger").await.with_token().await;
    let anonymous = app.visitor();
    crate::space(&ana, "open-circle", "public", "open").await;
    crate::space(&ana, "inner", "secret", "invite").await;
    enrol(&ana, &boris, "open-circle", false).await;
    let t = thread(&ana, "open-circle", "Tagged", "About #rust, @boris").await;
    let hidden = thread(&ana, "inner", "Hidden", "secret #rust").await;

    // Signed out: no feed, no notifications, no follows; tags are public.
    for path in ["/feed", "/notifications", "/me/follows", "/me/blocks", "/me/notification-settings"] {
        assert_eq!(anonymous.api_get(path).await.0, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, tag) = anonymous.api_get("/tags/rust").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tag["items"].as_array().map(Vec::len), Some(1), "the secret space's post stays hidden: {tag}");
    assert_eq!(anonymous.api_send(Method::PUT, "/me/follows/tag/rust", None).await.0, StatusCode::UNAUTHORIZED);

    // Following: what one may not see answers 404, oneself 409, nonsense 422.
    assert_eq!(follow(&stranger, "space/inner".into()).await, StatusCode::NOT_FOUND);
    assert_eq!(follow(&stranger, format!("thread/{hidden}")).await, StatusCode::NOT_FOUND);
    assert_eq!(follow(&stranger, "person/stranger".into()).await, StatusCode::CONFLICT);
    assert_eq!(follow(&stranger, "planet/mars".into()).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(follow(&stranger, "person/ana".into()).await, StatusCode::NO_CONTENT);
    assert_eq!(follow(&stranger, format!("thread/{t}")).await, StatusCode::NO_CONTENT);
    let (_, follows) = stranger.api_get("/me/follows").await;
    assert_eq!(follows.as_array().map(Vec::len), Some(2), "{follows}");
    let (status, feed) = stranger.api_get("/feed").await;
    assert_eq!(status, StatusCode::OK);
    let titles: Vec<&str> =
        feed["items"].as_array().expect("items").iter().filter_map(|i| i["thread_title"].as_str()).collect();
    assert_eq!(titles, ["Tagged"], "Ana's public thread, never her secret one");
    assert_eq!(stranger.api_send(Method::DELETE, "/me/follows/person/ana", None).await.0, StatusCode::NO_CONTENT);

    // Notifications and their settings.
    stoa_core::notifications::catch_up(&app.app).await.expect("notifications");
    let (status, list) = boris.api_get("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = list["items"].as_array().expect("items").iter().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(kinds, ["mention", "invitation"]);
    assert_eq!(list["items"][0]["actor_username"], "ana");
    let first = list["items"][0]["id"].as_str().expect("id").to_owned();
    let (status, marked) = boris.api_post("/notifications/read", serde_json::json!({"ids": [first]})).await;
    assert_eq!((status, marked["marked"].as_u64()), (StatusCode::OK, Some(1)));
    let (_, list) = boris.api_get("/notifications").await;
    assert_eq!(list["unread"], 1);
    let (status, _) = boris.api_post("/notifications/read", serde_json::json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(boris.api_get("/notifications").await.1["unread"], 0);

    let (status, prefs) = boris
        .api_send(
            Method::PUT,
            "/me/notification-settings",
            Some(serde_json::json!({"kinds": {"reply": "off"}, "digest": "weekly"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{prefs}");
    assert_eq!((prefs["kinds"]["reply"].as_str(), prefs["kinds"]["mention"].as_str()), (Some("off"), Some("email")));
    assert_eq!(prefs["digest"], "weekly");
    let (status, _) = boris
        .api_send(Method::PUT, "/me/notification-settings", Some(serde_json::json!({"kinds": {"reply": "pigeon"}})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Blocks.
    assert_eq!(boris.api_send(Method::PUT, "/me/blocks/boris", None).await.0, StatusCode::CONFLICT);
    assert_eq!(boris.api_send(Method::PUT, "/me/blocks/nobody-here", None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(boris.api_send(Method::PUT, "/me/blocks/ana", None).await.0, StatusCode::NO_CONTENT);
    let (_, blocks) = boris.api_get("/me/blocks").await;
    assert_eq!(blocks[0]["username"], "ana");
    let (_, profile) = boris.api_get("/users/ana").await;
    assert_eq!((profile["blocked"].as_bool(), profile["following"].as_bool()), (Some(true), Some(false)));
    assert_eq!(boris.api_send(Method::DELETE, "/me/blocks/ana", None).await.0, StatusCode::NO_CONTENT);
}

async fn follow(v: &crate::Visitor, path: String) -> StatusCode {
    v.api_send(reqwest::Method::PUT, &format!("/me/follows/{path}"), None).await.0
}

#[tokio::test]
async fn private_messages_in_the_browser_and_the_api() {
    use reqwest::Method;
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await.with_token().await;
    let cleo = app.person("cleo").await.with_token().await;

    // Ana writes from the inbox form; a bad recipient keeps what she typed.
    let r = ana.post_form("/messages", &[("to", "ghost"), ("body", "kept words")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("page");
    assert!(html.contains("kept words") && html.contains("There is nobody with that username."));
    let r = ana.post_form("/messages", &[("to", "boris"), ("body", "Hello **Boris**")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().expect("location").to_owned();
    let id = at.trim_start_matches("/messages/").trim_end_matches("#latest").to_owned();
    let (status, html) = ana.text(&format!("/messages/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>Boris</strong>"));

    // Boris reads and answers over the API; Cleo cannot see it at all.
    let (status, inbox) = boris.api_get("/messages").await;
    assert_eq!((status, inbox[0]["unread"].as_bool()), (StatusCode::OK, Some(true)));
    let (status, c) = boris.api_get(&format!("/messages/{id}")).await;
    assert_eq!((status, c["messages"][0]["author_username"].as_str()), (StatusCode::OK, Some("ana")));
    let (status, _) =
        boris.api_send(Method::POST, &format!("/messages/{id}"), Some(serde_json::json!({"body": "Hi Ana"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(cleo.api_get(&format!("/messages/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(cleo.get(&format!("/messages/{id}")).await.status(), StatusCode::NOT_FOUND);
    let (status, _) =
        cleo.api_send(Method::POST, &format!("/messages/{id}"), Some(serde_json::json!({"body": "me too"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.visitor().api_get("/messages").await.0, StatusCode::UNAUTHORIZED);

    // Cleo blocks Boris: he cannot write to her, by API or page.
    let (status, _) = cleo.api_send(Method::PUT, "/me/blocks/boris", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = boris.api_post("/messages", serde_json::json!({"to": ["cleo"], "body": "hello?"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let r = boris.post_form("/messages", &[("to", "cleo"), ("body", "hello?")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let (status, created) =
        boris.api_post("/messages", serde_json::json!({"to": ["ana", "cleo"], "body": "group"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "not even in a group: {created}");
}
