//! The pages as a person uses them: signing up and in, forms that refuse bad
//! input and keep what was typed, threads and replies.

use reqwest::StatusCode;

use crate::{PASSWORD, space, spawn_app, thread};

#[tokio::test]
async fn a_newcomer_signs_up_creates_a_community_and_starts_a_thread() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let (status, home) = ana.text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Welcome to Stoa"), "the welcome notice shows once");
    let (_, again) = ana.text("/").await;
    assert!(!again.contains("Welcome to Stoa"), "and only once");

    let r = ana
        .post_form(
            "/spaces",
            &[
                ("kind", "community"),
                ("name", "Rust Guild"),
                ("slug", ""),
                ("description", "We *learn* Rust"),
                ("visibility", "public"),
                ("join_policy", "open"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/s/rust-guild");
    let r =
        ana.post_form("/s/rust-guild/threads", &[("title", "Where to start?"), ("body", "Book or **course**?")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().expect("location").to_owned();
    let (status, page) = ana.text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Where to start?") && page.contains("<strong>course</strong>"), "{page}");
}

#[tokio::test]
async fn a_reply_appears_in_the_thread_and_the_reader_sees_what_is_new() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let bob = app.person("bob").await;
    let slug = space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, &slug, "Hello", "First post").await;
    let thread_path = format!("/s/{slug}/t/{id}");
    let (_, page) = bob.text(&thread_path).await;
    assert!(page.contains(&format!("action=\"/s/{slug}/join\"")), "a reader who may join is offered a Join button");
    let r = bob.post_form(&format!("/s/{slug}/join"), &[("next", &format!("{thread_path}#reply"))]).await;
    assert_eq!(
        r.headers()["location"].to_str().expect("location"),
        format!("{thread_path}#reply"),
        "and comes back to the thread"
    );
    let r = ana.post_form(&format!("/s/{slug}/join"), &[("next", "https://evil.example/")]).await;
    assert_eq!(
        r.headers()["location"].to_str().expect("location"),
        format!("/s/{slug}"),
        "only pages of the space are followed"
    );
    ana.get(&thread_path).await;

    let r = bob.post_form(&format!("/t/{id}/reply"), &[("body", "Hi **Ana**")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().expect("location").ends_with("#post-2"));
    let (_, page) = ana.text(&format!("/s/{slug}/t/{id}")).await;
    assert!(page.contains("Hi <strong>Ana</strong>"));
    assert!(page.contains("1 new post since your last visit"), "the reader is told what is new");
}

#[tokio::test]
async fn form_errors_keep_what_was_typed() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    let long_title = "x".repeat(100 * 1024);
    let r = ana.post_form(&format!("/s/{slug}/threads"), &[("title", &long_title), ("body", "My careful words")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(page.contains("This is too long: at most 200 characters."), "the field says what is wrong");
    assert!(page.contains("My careful words"), "the body is kept");

    let r = ana.post_form(&format!("/s/{slug}/threads"), &[("title", "   "), ("body", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert_eq!(page.matches("This cannot be empty.").count(), 2);

    let visitor = app.visitor();
    let r = visitor
        .post_form(
            "/signup",
            &[("username", "ab"), ("display_name", "Ab Cd"), ("email", "nope"), ("password", "short")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(page.contains("value=\"Ab Cd\"") && page.contains("value=\"nope\""), "inputs are kept");
    assert!(page.contains("at least 3 characters") && page.contains("does not look like an email"));
    assert!(!page.contains("value=\"short\""), "passwords are never echoed back");
}

#[tokio::test]
async fn sign_in_failures_are_clear_and_the_session_is_cycled() {
    let app = spawn_app().await;
    app.person("ana").await;
    let v = app.visitor();
    let r = v.post_form("/signin", &[("login", "ana"), ("password", "wrong password"), ("next", "/")]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let page = r.text().await.expect("body");
    assert!(page.contains("Wrong username or password.") && page.contains("value=\"ana\""));

    let r = v.post_form("/signin", &[("login", "ana"), ("password", PASSWORD), ("next", "/s/x")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/s/x");
    let first = v.cookie("stoa_session").expect("session");
    let r = v.post_form("/signin", &[("login", "ana"), ("password", PASSWORD), ("next", "//evil.example")]).await;
    assert_eq!(r.headers()["location"], "/", "off-site redirects are refused");
    let second = v.cookie("stoa_session").expect("session");
    assert_ne!(first, second, "signing in issues a new session id");
    let set_cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|h| h.to_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");

    assert_eq!(v.post_form("/signout", &[]).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = v.text("/").await;
    assert!(page.contains("Sign in"), "signed out");
}

#[tokio::test]
async fn an_expired_session_gets_a_clear_error_and_keeps_the_reply() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, &slug, "Hello", "First").await;
    // The session ends elsewhere (signing out everywhere, say).
    let secret = ana.cookie("stoa_session").expect("session");
    stoa_core::accounts::sign_out(&app.app, &secret).await.expect("end session");
    let r = ana.post_form(&format!("/t/{id}/reply"), &[("body", "Words I do not want to lose")]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let page = r.text().await.expect("body");
    assert!(page.contains("Your session has ended"), "{page}");
    assert!(page.contains("Words I do not want to lose"), "the reply is shown so it can be copied");
}

#[tokio::test]
async fn pages_that_need_an_account_send_visitors_to_sign_in_and_back() {
    let app = spawn_app().await;
    let v = app.visitor();
    for path in ["/settings", "/spaces/new"] {
        let r = v.get(path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        let location = r.headers()["location"].to_str().expect("location").to_owned();
        assert!(location.starts_with("/signin?next="), "{location}");
    }
}

#[tokio::test]
async fn unknown_things_are_404_pages() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    for path in ["/s/nope", "/s/nope/t/nope", "/p/nope/edit", "/u/nobody-here", "/no/such/page", "/u/%3Cscript%3E"] {
        let (status, page) = ana.text(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("Not found"), "{path}");
    }
}

#[tokio::test]
async fn editing_keeps_the_old_version_and_a_stale_edit_shows_both_texts() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, &slug, "Hello", "Version one").await;
    let (_, thread_json) = ana.api_get(&format!("/threads/{id}")).await;
    let post_id = thread_json["posts"][0]["id"].as_str().expect("post").to_owned();

    let r = ana
        .post_form(
            &format!("/p/{post_id}/edit"),
            &[("body", "Version two"), ("version", "1"), ("title", "Hello again")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ana.post_form(&format!("/p/{post_id}/edit"), &[("body", "Edited in a stale tab"), ("version", "1")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.expect("body");
    assert!(page.contains("Version two") && page.contains("Edited in a stale tab"), "both texts are shown");

    let (_, history) = ana.text(&format!("/p/{post_id}/history")).await;
    assert!(history.contains("Version one") && history.contains("Version two"));
    let (_, page) = ana.text(&format!("/s/{slug}/t/{id}")).await;
    assert!(page.contains("Hello again"), "the title changed with the first post");
}

#[tokio::test]
async fn deleting_leaves_a_marker_in_the_thread() {
    let app = spawn_app().await;
    let ana = app.person("ana").await;
    let slug = space(&ana, "guild", "public", "open").await;
    let id = thread(&ana, &slug, "Hello", "Opening words").await;
    let (_, reply) =
        ana.api_post(&format!("/threads/{id}/posts"), serde_json::json!({"body": "Regrettable words"})).await;
    let post_id = reply["post"]["id"].as_str().expect("id").to_owned();
    assert_eq!(ana.post_form(&format!("/p/{post_id}/delete"), &[]).await.status(), StatusCode::SEE_OTHER);
    let (_, page) = ana.text(&format!("/s/{slug}/t/{id}")).await;
    assert!(page.contains("This post was deleted.") && !page.contains("Regrettable words"));
}

#[tokio::test]
async fn the_language_follows_the_browser_and_then_the_account() {
    let app = spawn_app().await;
    let v = app.visitor();
    let spanish = v.client.get(v.url("/")).header("accept-language", "es-ES,es;q=0.9").send().await.expect("GET");
    let page = spanish.text().await.expect("body");
    assert!(page.contains("lang=\"es\"") && page.contains(">Inicio<"), "Spanish from Accept-Language");

    let ana = app.person("ana").await;
    let r = ana
        .post_form(
            "/settings/profile",
            &[("username", "ana"), ("display_name", "Ana"), ("email", ""), ("bio", ""), ("locale", "es")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = ana.text("/").await;
    assert!(page.contains("lang=\"es\""), "the account's language wins over an English browser");
}

#[tokio::test]
async fn every_message_id_in_the_templates_has_english_text() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir).expect("templates") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("template");
        for call in ["ctx.t(\"", "ctx.tn(\"", "ctx.ts(\"", "ctx.ts2(\""] {
            for piece in text.split(call).skip(1) {
                let id = piece.split('"').next().unwrap_or_default();
                if !stoa_web::i18n::has_english(id) {
                    missing.push(format!("{}: {id}", path.display()));
                }
            }
        }
    }
    for id in [
        "visibility-public",
        "visibility-members-help",
        "join-request-help",
        "role-owner",
        "community",
        "team",
        "month-12",
    ] {
        if !stoa_web::i18n::has_english(id) {
            missing.push(id.to_owned());
        }
    }
    assert!(missing.is_empty(), "message ids without English text:\n{}", missing.join("\n"));
}

#[tokio::test]
async fn every_message_id_the_use_cases_refuse_with_has_english_text() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/src");
    let mut missing = Vec::new();
    // Every source file, in modules of one file or of a directory.
    let mut paths = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(dir)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).expect("core sources") {
            let path = entry.expect("entry").path();
            if path.is_dir() { dirs.push(path) } else { paths.push(path) }
        }
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("source");
        // `Conflict("id")`, and the second argument of `FieldError::new(field, "id")`
        // and of the messages module's `invalid(field, "id")`.
        let mut ids: Vec<&str> = text.split("Conflict(\"").skip(1).filter_map(|p| p.split('"').next()).collect();
        for call in ["FieldError::new(", "invalid(\""] {
            for piece in text.split(call).skip(1) {
                // The call's own arguments: up to its first `)`.
                let args = piece.split(')').next().unwrap_or_default();
                if let Some((_, rest)) = args.split_once("\", \"")
                    && let Some(id) = rest.split('"').next().filter(|id| !id.is_empty() && !id.contains(' '))
                {
                    ids.push(id);
                }
            }
        }
        for id in ids {
            if !stoa_web::i18n::has_english(id) {
                missing.push(format!("{}: {id}", path.display()));
            }
        }
    }
    // Ids the pages build from a kind.
    for kind in stoa_core::notifications::KINDS {
        for prefix in ["notification-", "notification-kind-", "unsubscribe-what-"] {
            let id = format!("{prefix}{kind}");
            if !stoa_web::i18n::has_english(&id) {
                missing.push(id);
            }
        }
    }
    for d in stoa_core::notifications::DELIVERIES {
        if !stoa_web::i18n::has_english(&format!("delivery-{d}")) {
            missing.push(format!("delivery-{d}"));
        }
    }
    for d in stoa_core::notifications::DIGEST_EVERY {
        if !stoa_web::i18n::has_english(&format!("digest-{d}")) {
            missing.push(format!("digest-{d}"));
        }
    }
    for k in ["person", "space", "thread", "tag"] {
        if !stoa_web::i18n::has_english(&format!("follow-kind-{k}")) {
            missing.push(format!("follow-kind-{k}"));
        }
    }
    assert!(missing.is_empty(), "message ids without English text:\n{}", missing.join("\n"));
}
