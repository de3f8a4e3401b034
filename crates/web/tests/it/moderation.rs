//! Moderation over HTTP: flagging in the browser, the queue's forms, what
//! a hidden post shows, the audit log page, and the access matrix of the API.

use reqwest::StatusCode;

use crate::{Visitor, Who, enrol, mismatch, space, spawn_app, thread};

/// A reply by `author` in a new thread of `slug`; returns its id.
async fn reply(author: &Visitor, thread_id: &str, body: &str) -> String {
    let (status, json) =
        author.api_post(&format!("/threads/{thread_id}/posts"), serde_json::json!({"body": body})).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json["post"]["id"].as_str().or(json["id"].as_str()).expect("post id").to_owned()
}

#[tokio::test]
async fn flagging_deciding_and_auditing_in_the_browser() {
    let app = spawn_app().await;
    let root = app.person("root").await; // the instance admin
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    let dana = app.person("dana").await;
    space(&ana, "circle", "public", "open").await;
    enrol(&ana, &boris, "circle", false).await;
    enrol(&ana, &dana, "circle", false).await;
    let t = thread(&ana, "circle", "Welcome", "Say hello").await;
    let post = reply(&boris, &t, "Cheap watches at example dot com").await;

    // Cleo, signed in but not a member, flags it from the thread page.
    let (_, html) = cleo.text(&format!("/s/circle/t/{t}")).await;
    assert!(html.contains(&format!(r#"href="/p/{post}/flag""#)), "a flag link on someone else's post");
    let (status, html) = cleo.text(&format!("/p/{post}/flag")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Cheap watches"), "the form shows what is flagged");
    let r = cleo.post_form(&format!("/p/{post}/flag"), &[("reason", "other"), ("note", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("Say what is wrong in a few words."), "{html}");
    assert!(html.contains(r#"value="other" checked"#), "the choice is kept");
    let r = cleo.post_form(&format!("/p/{post}/flag"), &[("reason", "spam"), ("note", "a shop <b>link</b>")]).await;
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().ok()),
        (StatusCode::SEE_OTHER, Some(&*format!("/p/{post}")))
    );
    let r = cleo.post_form(&format!("/p/{post}/flag"), &[("reason", "spam")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "one open flag per person");
    assert_eq!(app.visitor().get(&format!("/p/{post}/flag")).await.status(), StatusCode::SEE_OTHER, "sign in first");

    // Ana's queue: the post, who flagged it and when, with the note escaped.
    let (status, html) = ana.text("/moderation?space=circle").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Cheap watches") && html.contains("flagged by Cleo"), "{html}");
    assert!(html.contains("a shop &#60;b&#62;link&#60;/b&#62;"), "the note is escaped: {html}");
    assert!(html.contains("<time datetime="), "each flag says when");
    assert_eq!(boris.get("/moderation?space=circle").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(boris.get("/moderation").await.status(), StatusCode::FORBIDDEN);

    // A warning with no words comes back with the form open and an error.
    let r = ana.post_form(&format!("/p/{post}/warn"), &[("message", ""), ("space", "circle")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains("This cannot be empty.") && html.contains(" open>"), "{html}");
    let r = ana
        .post_form(&format!("/p/{post}/warn"), &[("message", "No adverts here, please."), ("space", "circle")])
        .await;
    assert_eq!(r.headers()["location"].to_str().ok(), Some("/moderation?space=circle"));
    let r = ana.post_form(&format!("/p/{post}/moderate"), &[("decision", "explode")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = ana
        .post_form(&format!("/p/{post}/moderate"), &[("decision", "hide"), ("back", "/moderation?space=circle")])
        .await;
    assert_eq!(r.headers()["location"].to_str().ok(), Some("/moderation?space=circle"));
    let r = ana.post_form(&format!("/p/{post}/moderate"), &[("decision", "hide"), ("back", "//evil.example")]).await;
    assert_eq!(r.headers()["location"].to_str().ok(), Some(&*format!("/p/{post}")), "no open redirect");

    // Readers see where it was; its author sees it marked hidden.
    for who in [&cleo, &dana, &app.visitor()] {
        let (_, html) = who.text(&format!("/s/circle/t/{t}")).await;
        assert!(html.contains("A moderator hid this post.") && !html.contains("Cheap watches"), "{html}");
        assert!(!html.contains(&format!("?quote={post}")), "nothing to quote");
    }
    let (_, html) = dana.text(&format!("/s/circle/t/{t}")).await;
    assert!(html.contains("?quote="), "a member may quote the posts she can read");
    let (_, html) = dana.text(&format!("/s/circle/t/{t}?quote={post}")).await;
    assert!(!html.contains("wrote:"), "a hidden post is not quoted into the reply box");
    let (_, html) = boris.text(&format!("/s/circle/t/{t}")).await;
    assert!(html.contains("Cheap watches") && html.contains(">Hidden</span>"), "{html}");
    let (_, post_json) = cleo.api_get(&format!("/posts/{post}")).await;
    assert_eq!((post_json["hidden"].as_bool(), post_json["body"].as_str()), (Some(true), Some("")));

    // The warning reached Boris.
    stoa_core::notifications::catch_up(&app.app).await.expect("notifications");
    let (_, html) = boris.text("/notifications").await;
    assert!(html.contains("A moderator wrote to you about your post in “Welcome”"), "{html}");
    assert!(html.contains("No adverts here, please."));

    // The admin's audit log names who did what, and when.
    let (status, html) = root.text("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ana hid a post") && html.contains("Ana warned the author of a post"), "{html}");
    assert!(html.contains("No adverts here, please.") && html.contains("<time datetime="));
    assert_eq!(ana.get("/admin/audit").await.status(), StatusCode::FORBIDDEN);

    // Restoring from the queue's list of hidden posts.
    let (_, html) = ana.text("/moderation?space=circle").await;
    assert!(html.contains(r#"value="restore""#) && html.contains("hidden by Ana"), "{html}");
    let r = ana.post_form(&format!("/p/{post}/moderate"), &[("decision", "restore")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = cleo.text(&format!("/s/circle/t/{t}")).await;
    assert!(html.contains("Cheap watches"));
}

/// Every moderation route by role and visibility: flag (any reader but the
/// author), the queue, hide and warn (facilitators and owners), the audit
/// log (admins); a secret space answers 404 to outsiders, and a signed-out
/// visitor is asked to sign in before anything is looked up.
#[tokio::test]
async fn the_moderation_api_by_role_and_visibility() {
    let app = spawn_app().await;
    let root = app.person("root").await.with_token().await;
    let owner = app.person("owner").await.with_token().await;
    let facilitator = app.person("facil").await.with_token().await;
    let member = app.person("member").await.with_token().await;
    let author = app.person("author").await.with_token().await;
    let outsider = app.person("outsider").await.with_token().await;
    let anonymous = app.visitor();
    let mut failures = Vec::new();
    for visibility in ["public", "members", "secret"] {
        let slug = space(&owner, &format!("s-{visibility}"), visibility, "invite").await;
        enrol(&owner, &facilitator, &slug, true).await;
        enrol(&owner, &member, &slug, false).await;
        enrol(&owner, &author, &slug, false).await;
        let t = thread(&author, &slug, "Thread", "words").await;
        for (who, v) in [
            (Who::Anonymous, &anonymous),
            (Who::Outsider, &outsider),
            (Who::Member, &member),
            (Who::Facilitator, &facilitator),
            (Who::Owner, &owner),
        ] {
            let post = reply(&author, &t, "a reply").await;
            let flag = v.api_post(&format!("/posts/{post}/flags"), serde_json::json!({"reason": "spam"})).await.0;
            let queue = v.api_get(&format!("/moderation?space={slug}")).await.0;
            let hide = v
                .api_post(&format!("/posts/{post}/moderation"), serde_json::json!({"decision": "hide", "note": "x"}))
                .await
                .0;
            let warn =
                v.api_post(&format!("/posts/{post}/warnings"), serde_json::json!({"message": "careful"})).await.0;
            let audit = v.api_get("/admin/audit").await.0;
            let got: Vec<u16> = [flag, queue, hide, warn, audit].iter().map(|s| s.as_u16()).collect();
            let want: &[u16] = match (who, visibility) {
                // Signing in comes first, whatever the post: nothing leaks.
                (Who::Anonymous, _) => &[401, 401, 401, 401, 401],
                (Who::Outsider, "public") => &[204, 403, 403, 403, 403],
                (Who::Outsider, "members") => &[403, 403, 403, 403, 403],
                (Who::Outsider, _) => &[404, 404, 404, 404, 403],
                (Who::Member, _) => &[204, 403, 403, 403, 403],
                (Who::Facilitator | Who::Owner, _) => &[204, 200, 204, 204, 403],
            };
            if got != want {
                failures.push(mismatch(visibility, who, want, &got));
            }
        }
        // The author cannot flag their own post; the admin may do it all.
        let post = reply(&author, &t, "mine").await;
        let (status, body) =
            author.api_post(&format!("/posts/{post}/flags"), serde_json::json!({"reason": "spam"})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("flag-own-post")));
        let (status, body) =
            member.api_post(&format!("/posts/{post}/flags"), serde_json::json!({"reason": "rude"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) =
            root.api_post(&format!("/posts/{post}/moderation"), serde_json::json!({"decision": "hide"})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, queue) = root.api_get(&format!("/moderation?space={slug}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(queue["hidden"].as_array().is_some_and(|h| h.iter().any(|p| p["id"] == post.as_str())), "{queue}");
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    let (status, log) = root.api_get("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    let entries = log["entries"].as_array().expect("entries");
    assert!(entries.iter().all(|e| e["at"].as_i64().is_some()));
    assert!(entries.iter().any(|e| e["action"] == "post.hidden" && e["actor_username"] == "root"), "{log}");
    assert!(entries.iter().any(|e| e["action"] == "post.author_warned" && e["actor_username"] == "facil"));
}
