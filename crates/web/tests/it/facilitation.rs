//! Q&A and facilitation over HTTP: who may run a discussion, post-first mode
//! and anonymous posts as a browser and an API client see them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, Visitor, Who, enrol, mismatch, spawn_app, thread};

async fn reply(v: &Visitor, thread: &str, body: &str) -> String {
    let (status, written) = v.api_post(&format!("/threads/{thread}/posts"), json!({"body": body})).await;
    assert_eq!(status, StatusCode::CREATED, "{written}");
    written["post"]["id"].as_str().expect("id").to_owned()
}

/// Everything one row of the matrix acts on, fresh for each row so that one
/// person's successful action does not change what the next one meets.
struct Fixture {
    slug: String,
    annex: String,
    discussion: String,
    reply: String,
    question: String,
    answer: String,
    to_merge: String,
    to_move: String,
    prompt: String,
}

async fn fixture(owner: &Visitor, facilitator: &Visitor, member: &Visitor, visibility: &str, row: usize) -> Fixture {
    let slug = format!("fac-{visibility}-{row}");
    let annex = format!("annex-{visibility}-{row}");
    crate::space(owner, &slug, visibility, "invite").await;
    crate::space(owner, &annex, visibility, "invite").await;
    enrol(owner, facilitator, &slug, true).await;
    enrol(owner, facilitator, &annex, true).await;
    enrol(owner, member, &slug, false).await;
    let discussion = thread(owner, &slug, "A discussion", "Opening").await;
    let reply = reply(owner, &discussion, "A reply to split off").await;
    let (status, q) = owner
        .api_post(
            &format!("/spaces/{slug}/threads"),
            json!({"title": "A question", "body": "How?", "kind": "question"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{q}");
    let question = q["thread_id"].as_str().expect("id").to_owned();
    let answer = crate::facilitation::reply(facilitator, &question, "Like this").await;
    let to_merge = thread(owner, &slug, "A duplicate", "Same again").await;
    let to_move = thread(owner, &slug, "Off topic", "Elsewhere").await;
    let (status, p) = owner
        .api_post(
            &format!("/spaces/{slug}/threads"),
            json!({"title": "Scheduled", "body": "Later", "opens_at": stoa_store::events::now_ms() + 86_400_000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let prompt = p["thread_id"].as_str().expect("id").to_owned();
    Fixture { slug, annex, discussion, reply, question, answer, to_merge, to_move, prompt }
}

const FACILITATION_ACTIONS: usize = 14;

/// Columns (API): pin, rules, endorse, accept someone else's question's
/// answer, schedule a prompt, split, move, merge, open a prompt now;
/// (browser) lock, the Facilitate page, save rules, endorse, split.
async fn statuses(v: &Visitor, f: &Fixture, now_ms: i64) -> Vec<u16> {
    let calls: Vec<(Method, String, serde_json::Value)> = vec![
        (Method::PATCH, format!("/threads/{}/state", f.discussion), json!({"pinned": true})),
        (
            Method::PUT,
            format!("/spaces/{}/rules", f.slug),
            json!({"allow_anonymous": true, "slow_mode_secs": 0, "post_first": false}),
        ),
        (Method::PUT, format!("/posts/{}/endorsement", f.answer), json!({"endorsed": true})),
        (Method::PUT, format!("/threads/{}/accepted", f.question), json!({"post_id": f.answer})),
        (
            Method::POST,
            format!("/spaces/{}/threads", f.slug),
            json!({"title": "Prompt", "body": "Later", "opens_at": now_ms + 86_400_000}),
        ),
        (Method::POST, format!("/threads/{}/split", f.discussion), json!({"post_ids": [f.reply], "title": "Split"})),
        (Method::POST, format!("/threads/{}/move", f.to_move), json!({"space": f.annex})),
        (Method::POST, format!("/threads/{}/merge", f.to_merge), json!({"into": f.discussion})),
        (Method::POST, format!("/threads/{}/open", f.prompt), json!({})),
    ];
    let mut out = Vec::new();
    for (method, path, body) in calls {
        out.push(v.api_send(method, &path, Some(body)).await.0.as_u16());
    }
    // The same actions as a browser posts them (a cookie session and a CSRF token).
    let browser = |path: String, fields: Vec<(&'static str, String)>| async move {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        v.post_form(&path, &fields).await.status().as_u16()
    };
    out.push(browser(format!("/t/{}/state", f.discussion), vec![("locked", "true".into())]).await);
    out.push(v.get(&format!("/s/{}/facilitate", f.slug)).await.status().as_u16());
    out.push(browser(format!("/s/{}/facilitate", f.slug), vec![("slow_mode_secs", "60".into())]).await);
    out.push(browser(format!("/p/{}/endorse", f.answer), vec![("endorsed", "false".into())]).await);
    out.push(
        browser(format!("/t/{}/split", f.question), vec![("title", "Answers".into()), ("post_ids", f.answer.clone())])
            .await,
    );
    out
}

#[tokio::test]
async fn every_facilitator_action_is_refused_to_everyone_else() {
    let app = spawn_app().await;
    // Signed in by the browser form (cookies) and holding an API token.
    let owner = app.person("owner").await.with_token().await;
    let facilitator = app.person("facil").await.with_token().await;
    let member = app.person("member").await.with_token().await;
    let outsider = app.person("outsider").await.with_token().await;
    let anonymous = app.visitor();
    let now = stoa_store::events::now_ms();

    #[rustfmt::skip]
    let expected: &[(&str, Who, [u16; FACILITATION_ACTIONS])] = &[
        ("public",  Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 303, 401, 401, 401]),
        ("public",  Who::Outsider,    [403, 403, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403, 403]),
        ("public",  Who::Member,      [403, 403, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403, 403]),
        ("public",  Who::Facilitator, [204, 204, 204, 204, 201, 201, 200, 204, 204, 303, 200, 303, 303, 303]),
        ("public",  Who::Owner,       [204, 204, 204, 204, 201, 201, 200, 204, 204, 303, 200, 303, 303, 303]),
        ("members", Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 303, 401, 401, 401]),
        ("members", Who::Outsider,    [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        ("members", Who::Member,      [403, 403, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403, 403]),
        ("members", Who::Facilitator, [204, 204, 204, 204, 201, 201, 200, 204, 204, 303, 200, 303, 303, 303]),
        ("members", Who::Owner,       [204, 204, 204, 204, 201, 201, 200, 204, 204, 303, 200, 303, 303, 303]),
        ("secret",  Who::Anonymous,   [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 303, 401, 401, 401]),
        ("secret",  Who::Outsider,    [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("secret",  Who::Member,      [403, 403, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403, 403]),
        ("secret",  Who::Facilitator, [204, 204, 204, 204, 201, 201, 200, 204, 204, 303, 200, 303, 303, 303]),
        ("secret",  Who::Owner,       [204, 204, 204, 204, 201, 201, 200, 204, 204, 303, 200, 303, 303, 303]),
    ];
    let people = [
        (Who::Anonymous, &anonymous),
        (Who::Outsider, &outsider),
        (Who::Member, &member),
        (Who::Facilitator, &facilitator),
        (Who::Owner, &owner),
    ];
    let mut failures = Vec::new();
    for (row, (visibility, who, want)) in expected.iter().enumerate() {
        let f = fixture(&owner, &facilitator, &member, visibility, row).await;
        let v = people.iter().find(|(w, _)| w == who).map(|(_, v)| *v).expect("person");
        let got = statuses(v, &f, now).await;
        if got.as_slice() != want.as_slice() {
            failures.push(mismatch(visibility, *who, want, &got));
        }
    }
    assert!(failures.is_empty(), "facilitation access matrix mismatches:\n{}", failures.join("\n"));
}

async fn room(app: &TestApp) -> (Visitor, Visitor, Visitor, String) {
    let facilitator = app.person("fay").await.with_token().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    crate::space(&facilitator, "circle", "members", "invite").await;
    let ana = ana.with_token().await;
    let boris = boris.with_token().await;
    enrol(&facilitator, &ana, "circle", false).await;
    enrol(&facilitator, &boris, "circle", false).await;
    (facilitator, ana, boris, "circle".to_owned())
}

#[tokio::test]
async fn post_first_hides_other_replies_in_the_page_and_the_api_until_one_posts() {
    let app = spawn_app().await;
    let (facilitator, ana, boris, slug) = room(&app).await;
    let (status, t) = facilitator
        .api_post(
            &format!("/spaces/{slug}/threads"),
            json!({"title": "Your first impressions", "body": "Write yours before reading others.", "post_first": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let thread = t["thread_id"].as_str().expect("id").to_owned();
    let secret = "Ana thinks mitochondria are tiny power plants";
    let ana_post = reply(&ana, &thread, secret).await;

    let (status, page) = boris.text(&format!("/s/{slug}/t/{thread}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("mitochondria"), "the page shows another member's reply before posting");
    assert!(page.contains("hidden until you post your own"));
    let (_, api) = boris.api_get(&format!("/threads/{thread}")).await;
    assert!(!api.to_string().contains("mitochondria"), "{api}");
    assert_eq!(api["hidden_replies"], 1);
    let (_, posts) = boris.api_get(&format!("/threads/{thread}/posts")).await;
    assert!(!posts.to_string().contains("mitochondria"));
    let (status, _) = boris.api_get(&format!("/posts/{ana_post}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Boris posts through the browser form; now he reads Ana's reply.
    let r = boris.post_form(&format!("/t/{thread}/reply"), &[("body", "Boris: cells are like cities")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = boris.text(&format!("/s/{slug}/t/{thread}")).await;
    assert!(page.contains("mitochondria"));
    let (_, api) = boris.api_get(&format!("/threads/{thread}")).await;
    assert!(api.to_string().contains("mitochondria"));
    assert_eq!(api["hidden_replies"], 0);
}

#[tokio::test]
async fn an_anonymous_post_never_names_its_author_to_another_member() {
    let app = spawn_app().await;
    let (facilitator, ana, boris, slug) = room(&app).await;
    let (status, _) = facilitator
        .api_send(
            Method::PUT,
            &format!("/spaces/{slug}/rules"),
            Some(json!({"allow_anonymous": true, "slow_mode_secs": 0, "post_first": false})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Ana asks through the browser form, anonymously.
    let r = ana
        .post_form(
            &format!("/s/{slug}/threads"),
            &[
                ("kind", "question"),
                ("title", "Is it normal to feel lost in week one"),
                ("body", "Everyone seems ahead of me with xylophones"),
                ("anonymous", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = boris.api_get(&format!("/spaces/{slug}/threads")).await;
    let thread = list["threads"][0]["id"].as_str().expect("id").to_owned();
    reply(&boris, &thread, "Yes, quite normal").await;
    app.app.flush().await.expect("flush");
    stoa_core::search::catch_up(&app.app).await.expect("index");

    // Ana is named where she is known as herself (she joined the space), but
    // never next to what she wrote anonymously.
    let names_ana = |text: &str| text.contains("/u/ana") || text.contains(">Ana<") || text.contains("@ana");
    let about_thread = |html: &str| -> Vec<String> {
        html.split("<li").filter(|item| item.contains(&thread)).map(str::to_owned).collect()
    };
    for path in [format!("/s/{slug}"), format!("/s/{slug}/t/{thread}"), "/search?q=xylophones".to_owned()] {
        let (status, html) = boris.text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!names_ana(&html), "{path} names Ana");
    }
    let (_, home) = boris.text("/").await;
    let items = about_thread(&home);
    assert_eq!(items.len(), 2, "the question and the reply are in the activity");
    assert!(items.iter().all(|item| !names_ana(item)), "the home page's activity names Ana: {items:?}");
    let (_, thread_page) = boris.text(&format!("/s/{slug}/t/{thread}")).await;
    assert!(thread_page.contains("Anonymous") && thread_page.contains("xylophones"));
    for path in [format!("/spaces/{slug}/threads"), format!("/threads/{thread}"), format!("/threads/{thread}/posts")] {
        let (status, body) = boris.api_get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let text = body.to_string();
        assert!(!text.contains("\"ana\"") && !text.contains("\"Ana\""), "{path} names Ana: {text}");
    }
    let (_, activity) = boris.api_get("/activity").await;
    let about: Vec<&serde_json::Value> =
        activity.as_array().expect("list").iter().filter(|a| a["thread_id"] == thread.as_str()).collect();
    assert_eq!(about.len(), 2);
    let asked = about.iter().find(|a| a["what"] == "thread").expect("the question");
    assert!(asked["actor_username"].is_null() && asked["actor_display_name"].is_null(), "{about:?}");
    let (_, search) = boris.api_get("/search?q=xylophones").await;
    assert_eq!(search["total"], 1, "{search}");
    // The facilitator knows who asked.
    let (_, as_facilitator) = facilitator.api_get(&format!("/threads/{thread}")).await;
    assert_eq!(as_facilitator["author_username"], "ana");
    assert_eq!(as_facilitator["posts"][0]["anonymous"], true);
}

#[tokio::test]
async fn a_question_is_answered_voted_and_accepted_in_the_browser() {
    let app = spawn_app().await;
    let (facilitator, ana, boris, slug) = room(&app).await;
    let (status, q) = ana
        .api_post(
            &format!("/spaces/{slug}/threads"),
            json!({"title": "Which book first?", "body": "?", "kind": "question"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let question = q["thread_id"].as_str().expect("id").to_owned();
    let weak = reply(&boris, &question, "Any book").await;
    let strong = reply(&facilitator, &question, "Start with the one on the reading list").await;

    let r = boris.post_form(&format!("/p/{strong}/vote"), &[("value", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ana.post_form(&format!("/p/{strong}/vote"), &[("value", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = boris.post_form(&format!("/p/{weak}/vote"), &[("value", "1")]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "no votes on one's own answer");
    let (status, votes) = ana.api_send(Method::PUT, &format!("/posts/{weak}/vote"), Some(json!({"value": -1}))).await;
    assert_eq!((status, votes["score"].as_i64()), (StatusCode::OK, Some(-1)));
    let r = ana.post_form(&format!("/t/{question}/accept"), &[("post_id", &strong)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (_, page) = boris.text(&format!("/s/{slug}/t/{question}")).await;
    assert!(page.contains("Accepted answer"));
    let first = page.find("reading list").expect("strong answer");
    assert!(first < page.find("Any book").expect("weak answer"), "the accepted, higher-voted answer comes first");
    let (_, api) = boris.api_get(&format!("/threads/{question}")).await;
    assert_eq!(api["accepted_post_id"], strong.as_str());
    assert_eq!(api["posts"][1]["score"], 2);
    assert_eq!(api["posts"][1]["my_vote"], 1);
    let (_, list) = boris.api_get(&format!("/spaces/{slug}/threads?filter=unaccepted")).await;
    assert_eq!(list["total"], 0);
    let (_, page) = boris.text(&format!("/s/{slug}?filter=questions")).await;
    assert!(page.contains("Which book first?") && page.contains("Answered ✓"));
}

#[tokio::test]
async fn slow_mode_keeps_the_text_and_says_how_long_to_wait() {
    let app = spawn_app().await;
    let (facilitator, ana, _boris, slug) = room(&app).await;
    let thread = thread(&facilitator, &slug, "Debate", "Take your time").await;
    let r = facilitator.post_form(&format!("/t/{thread}/state"), &[("slow_mode_secs", "3600")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    reply(&ana, &thread, "My first point").await;
    let r = ana.post_form(&format!("/t/{thread}/reply"), &[("body", "My carefully written second point")]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = r.text().await.expect("body");
    assert!(html.contains("My carefully written second point"), "the text is kept");
    assert!(html.contains("Slow mode is on here"));
    let (status, body) = ana.api_post(&format!("/threads/{thread}/posts"), json!({"body": "again"})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "slow_mode");

    // An interval that is not a number is refused with a message.
    let r = facilitator.post_form(&format!("/t/{thread}/state"), &[("slow_mode_secs", "soon")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("Choose between 0 and 604800 seconds."));

    // A close without a reason re-renders with the message, nothing changed.
    let r = facilitator.post_form(&format!("/t/{thread}/state"), &[("closed", "true"), ("close_reason", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains("Say why the thread is closed."));
}
