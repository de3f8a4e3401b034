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
    let forged = format!("{}A", &token[..token.len() - 1]);
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
