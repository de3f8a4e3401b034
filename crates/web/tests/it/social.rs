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
    assert!(page["posts"][0]["body_html"].as_str().expect("html").contains("href=\"/u/boris\""));
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
    let r = ana.post_form(&format!("/p/{post}/react"), &[("kind", "insightful"), ("on", "true")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = boris.api_get(&format!("/threads/{t}")).await;
    assert_eq!(page["posts"][0]["reactions"][0]["count"], 2);
    assert_eq!(page["posts"][0]["reactions"][0]["mine"], true);
    let (_, html) = ana.text(&format!("/s/open-circle/t/{t}")).await;
    assert!(
        html.contains(r#"class="reaction is-mine" aria-pressed="true" title="Insightful""#),
        "the button shows it is pressed"
    );
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
