//! Chat rooms with real WebSocket clients: history by pages, live messages,
//! edits and deletes, presence and typing, resuming exactly where a client
//! left off, who may take part (and a removed member cut off), a client
//! that stops reading, and the forms without JavaScript.

use std::time::Duration;

use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::live::{Socket, expect, next, open, send};
use crate::{TestApp, Visitor, enrol, space};

/// Follows signals and the log as `stoa serve` does (typing and presence
/// travel as signals).
fn listen(app: &TestApp) -> tokio::task::JoinHandle<()> {
    let app = app.app.clone();
    tokio::spawn(async move { stoa_core::live::listen(&app).await })
}

async fn say(v: &Visitor, slug: &str, body: &str) -> Value {
    let (status, m) = v.api_post(&format!("/spaces/{slug}/chat"), json!({"body": body})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m
}

/// The next message of the given type, skipping others (presence and
/// typing may come at any time).
async fn expect_type(socket: &mut Socket, kind: &str) -> Value {
    for _ in 0..20 {
        let m = expect(socket).await;
        if m["type"] == kind {
            return m;
        }
    }
    panic!("no {kind} message came");
}

/// Waits for a presence message with `count` people.
async fn presence(socket: &mut Socket, count: i64) -> Value {
    for _ in 0..20 {
        let m = expect_type(socket, "presence").await;
        if m["count"] == count {
            return m;
        }
    }
    panic!("presence never reached {count}");
}

async fn join(socket: &mut Socket, topic: &str, since: Option<i64>) -> Value {
    let mut message = json!({"type": "subscribe", "topic": topic});
    if let Some(since) = since {
        message["since"] = json!(since);
    }
    send(socket, message).await;
    expect(socket).await
}

#[tokio::test]
async fn members_chat_live_with_history_edits_deletes_presence_and_typing() {
    let app = crate::spawn_app().await;
    let _listening = listen(&app);
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;

    // History: the newest fifty, then the page before, oldest first.
    for i in 0..52 {
        say(if i % 2 == 0 { &ana } else { &boris }, "circle", &format!("message {i}")).await;
    }
    let (status, page) = boris.api_get("/spaces/circle/chat").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let texts = |page: &Value| -> Vec<String> {
        page["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m["body"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let newest = texts(&page);
    assert_eq!((newest.len(), newest[0].as_str(), newest[49].as_str()), (50, "message 2", "message 51"));
    let before = page["older_before"].as_str().expect("older");
    let (_, older) = boris.api_get(&format!("/spaces/circle/chat?before={before}")).await;
    assert_eq!(texts(&older), ["message 0", "message 1"]);
    assert!(older["older_before"].is_null());
    assert_eq!(page["topic"], "chat:circle");
    let seq = page["seq"].as_i64().expect("seq");

    // Boris enters the room: he is told who is here (himself).
    let mut bs = open(&app, &boris).await;
    let subscribed = join(&mut bs, "chat:circle", Some(seq)).await;
    assert_eq!((subscribed["type"].as_str(), subscribed["seq"].as_i64()), (Some("subscribed"), Some(seq)));
    let here = expect(&mut bs).await;
    assert_eq!((here["type"].as_str(), here["count"].as_i64()), (Some("presence"), Some(1)), "{here}");
    assert_eq!(here["people"][0]["username"], "boris");

    // Ana comes in: Boris sees two people here.
    let mut as_ = open(&app, &ana).await;
    assert_eq!(join(&mut as_, "chat:circle", None).await["type"], "subscribed");
    let both = presence(&mut bs, 2).await;
    let names: Vec<&str> =
        both["people"].as_array().expect("people").iter().filter_map(|p| p["username"].as_str()).collect();
    assert_eq!(names, ["boris", "ana"], "longest here first");

    // Typing reaches the others.
    send(&mut as_, json!({"type": "typing", "topic": "chat:circle"})).await;
    let typing = expect_type(&mut bs, "typing").await;
    assert_eq!((typing["person"]["username"].as_str(), typing["topic"].as_str()), (Some("ana"), Some("chat:circle")));

    // A message arrives whole, its mention linked.
    let m = say(&ana, "circle", "Hello @boris, see **this**").await;
    let id = m["id"].as_str().expect("id").to_owned();
    let live = expect_type(&mut bs, "chat").await;
    assert_eq!((live["action"].as_str(), live["message"]["id"].as_str()), (Some("posted"), Some(id.as_str())));
    let html = live["message"]["body_html"].as_str().expect("html");
    assert!(html.contains("<strong>this</strong>") && html.contains("href=\"/people/"), "{html}");
    assert_eq!(live["message"]["author"]["display_name"], "Ana");
    let seen = live["seq"].as_i64().expect("seq");
    // The mention notifies Boris, and opening it leads to the message.
    stoa_core::notifications::catch_up(&app.app).await.expect("notify");
    let (_, notes) = boris.api_get("/notifications").await;
    let note = notes["items"].as_array().expect("list").iter().find(|n| n["kind"] == "mention").cloned();
    let note = note.unwrap_or_else(|| panic!("a mention: {notes}"));
    assert_eq!((note["actor_username"].as_str(), note["title"].as_str()), (Some("ana"), Some("Space circle")));
    let opened = boris.get(note["open_path"].as_str().expect("path")).await;
    let to = opened.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(to, format!("/s/circle/chat#m-{id}"));

    // Edits by the author only; deletes by the author or a moderator.
    let (status, _) = boris.api_send(Method::PATCH, &format!("/chat/{id}"), Some(json!({"body": "hijack"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = boris.api_send(Method::DELETE, &format!("/chat/{id}"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bad) = ana.api_send(Method::PATCH, &format!("/chat/{id}"), Some(json!({"body": "  "}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert!(bad["error"]["message"].is_string(), "{bad}");
    let (status, edited) =
        ana.api_send(Method::PATCH, &format!("/chat/{id}"), Some(json!({"body": "Hello all"}))).await;
    assert_eq!((status, edited["edited_at"].is_i64()), (StatusCode::OK, true), "{edited}");
    let live = expect_type(&mut bs, "chat").await;
    assert_eq!(
        (live["action"].as_str(), live["message"]["body_html"].as_str()),
        (Some("edited"), Some("<p>Hello all</p>\n"))
    );
    let his = say(&boris, "circle", "my own words").await;
    let his = his["id"].as_str().expect("id").to_owned();
    expect_type(&mut bs, "chat").await;
    let (status, _) = ana.api_send(Method::DELETE, &format!("/chat/{his}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the owner moderates");
    let live = expect_type(&mut bs, "chat").await;
    assert_eq!((live["action"].as_str(), live["message"]["deleted"].as_bool()), (Some("deleted"), Some(true)));
    assert_eq!(live["message"]["body_html"], "", "a deleted message's words are gone");
    let (status, _) = ana.api_send(Method::DELETE, &format!("/chat/{his}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "deleted once");
    // A moderator's deletion is in the audit log (Ana, the first account, is the admin).
    let (_, audit) = ana.api_get("/admin/audit").await;
    let actions: Vec<&str> =
        audit["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "chat.deleted").count(), 1, "{audit}");

    // Boris goes away; Ana sees one person left.
    drop(bs);
    presence(&mut as_, 1).await;
    let missed = [say(&ana, "circle", "while you were out").await, say(&ana, "circle", "and again").await];
    // He comes back from the last message he saw: the three after it, and no more.
    let mut bs = open(&app, &boris).await;
    assert_eq!(join(&mut bs, "chat:circle", Some(seen)).await["seq"].as_i64(), Some(seen));
    let mut got = Vec::new();
    while let Some(m) = next(&mut bs, Duration::from_millis(500)).await {
        if m["type"] == "chat" {
            got.push((
                m["action"].as_str().unwrap_or("").to_owned(),
                m["message"]["id"].as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    let expected = [
        ("edited".to_owned(), id.clone()),
        ("posted".to_owned(), his.clone()),
        ("deleted".to_owned(), his.clone()),
        ("posted".to_owned(), missed[0]["id"].as_str().expect("id").to_owned()),
        ("posted".to_owned(), missed[1]["id"].as_str().expect("id").to_owned()),
    ];
    assert_eq!(got, expected, "exactly what he missed, in order");
}

#[tokio::test]
async fn only_members_take_part_and_a_removed_member_is_cut_off_at_once() {
    let app = crate::spawn_app().await;
    let _listening = listen(&app);
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    space(&ana, "circle", "members", "invite").await;
    space(&ana, "vault", "secret", "invite").await;
    space(&ana, "square", "public", "open").await;
    enrol(&ana, &boris, "circle", false).await;
    say(&ana, "vault", "secret words").await;

    // The API, as the matrix has it: outsiders of a secret space learn
    // nothing; of a members-only or public one, that they must join; the
    // signed-out, that they must sign in.
    let anonymous = app.visitor();
    for (who, slug, expected) in [
        (&cleo, "vault", StatusCode::NOT_FOUND),
        (&cleo, "circle", StatusCode::FORBIDDEN),
        (&cleo, "square", StatusCode::FORBIDDEN),
        (&boris, "vault", StatusCode::NOT_FOUND),
        (&anonymous, "circle", StatusCode::UNAUTHORIZED),
        (&anonymous, "square", StatusCode::UNAUTHORIZED),
        (&boris, "circle", StatusCode::OK),
        (&ana, "vault", StatusCode::OK),
    ] {
        let (status, body) = who.api_get(&format!("/spaces/{slug}/chat")).await;
        assert_eq!(status, expected, "{slug}: {body}");
        if status != StatusCode::OK {
            assert!(body.to_string().find("secret words").is_none());
        }
        let (status, _) = who.api_get(&format!("/spaces/{slug}/chat/presence")).await;
        assert_eq!(status, expected, "presence of {slug}");
        let (status, _) = who.api_post(&format!("/spaces/{slug}/chat"), json!({"body": "hi"})).await;
        let wanted = if expected == StatusCode::OK { StatusCode::CREATED } else { expected };
        assert_eq!(status, wanted, "writing in {slug}");
    }
    // The same over the socket.
    for (who, topic, error) in [
        (&cleo, "chat:vault", "not_found"),
        (&cleo, "chat:circle", "forbidden"),
        (&anonymous, "chat:circle", "sign_in_required"),
        (&boris, "chat:nowhere", "not_found"),
    ] {
        let mut socket = open(&app, who).await;
        let refused = join(&mut socket, topic, None).await;
        assert_eq!((refused["type"].as_str(), refused["error"].as_str()), (Some("refused"), Some(error)), "{topic}");
        assert!(next(&mut socket, Duration::from_millis(200)).await.is_none(), "nothing more");
    }

    // Removed while in the room, Boris is cut off before the next message.
    let mut bs = open(&app, &boris).await;
    assert_eq!(join(&mut bs, "chat:circle", None).await["type"], "subscribed");
    let mut as_ = open(&app, &ana).await;
    join(&mut as_, "chat:circle", None).await;
    presence(&mut as_, 2).await;
    let (status, _) = ana.api_send(Method::DELETE, "/spaces/circle/members/boris", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    say(&ana, "circle", "after Boris left").await;
    let cut = expect_type(&mut bs, "refused").await;
    assert_eq!((cut["topic"].as_str(), cut["error"].as_str()), (Some("chat:circle"), Some("forbidden")));
    while let Some(m) = next(&mut bs, Duration::from_millis(500)).await {
        assert_ne!(m["type"], "chat", "nothing after the cut: {m}");
    }
    presence(&mut as_, 1).await;
    let (status, _) = boris.api_post("/spaces/circle/chat", json!({"body": "still here?"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected() {
    let web = stoa_web::WebConfig { live_ping_every: Duration::from_millis(300), ..Default::default() };
    let app = crate::spawn(stoa_core::CoreConfig::default(), web).await;
    let _listening = listen(&app);
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    // Boris's socket has a small receive window, and he reads nothing
    // more while far more is written than a room keeps for a connection.
    let tcp = tokio::net::TcpSocket::new_v4().expect("socket");
    tcp.set_recv_buffer_size(4096).expect("small buffer");
    let stream = tcp.connect(app.addr).await.expect("connect");
    let mut request = format!("ws://{}/live", app.addr).into_client_request().expect("request");
    let headers = request.headers_mut();
    headers.insert(
        "cookie",
        format!("stoa_session={}", boris.cookie("stoa_session").expect("session")).parse().expect("cookie"),
    );
    headers.insert("origin", format!("http://{}", app.addr).parse().expect("origin"));
    let (bs, _) = tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
        .await
        .expect("upgrade");
    let mut bs: Socket = bs;
    join(&mut bs, "chat:circle", None).await;
    // Eight megabytes: more than the room keeps for a connection, and
    // more than the kernel's socket buffers hold. Written in one go
    // through the store, as many people writing at once would.
    let total = 2_000;
    let long = "word ".repeat(790);
    let store = &app.app.store;
    let mut tx = store.begin().await.expect("begin");
    let author = stoa_store::users::by_username(&mut tx, "ana").await.expect("q").expect("ana").id;
    let room = stoa_store::spaces::view_by_slug(&mut tx, "circle", None).await.expect("q").expect("circle").space.id;
    for i in 0..total {
        let id = stoa_store::new_id();
        let body = format!("{i} {long}");
        stoa_store::chat::insert(&mut tx, &id, &room, &author, &body, &format!("<p>{body}</p>"), 1)
            .await
            .expect("insert");
        let event = stoa_store::events::NewEvent {
            kind: stoa_store::events::kind::CHAT_POSTED,
            actor_id: Some(&author),
            space_id: Some(&room),
            subject_id: Some(&id),
            data: json!({}),
        };
        stoa_store::events::append(&mut tx, event, 1).await.expect("event");
    }
    tx.commit().await.expect("commit");
    // He answers no ping: the server gives up on him.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    // Then he reads: some messages, then the end of the connection.
    let mut received = 0;
    let ended = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match bs.next().await {
                Some(Ok(Message::Text(text))) => {
                    if text.contains("\"type\":\"chat\"") {
                        received += 1;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the server ended the connection");
    assert!(received < total, "it did not keep {total} messages for a client that did not read ({received} came)");
    // The room goes on, and Boris can come back (and resume from his last seq).
    let mut again = open(&app, &boris).await;
    assert_eq!(join(&mut again, "chat:circle", None).await["type"], "subscribed");
    say(&ana, "circle", "welcome back").await;
    assert_eq!(expect_type(&mut again, "chat").await["action"], "posted");
}

#[tokio::test]
async fn the_chat_works_without_javascript() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    let page = boris.get("/s/circle/chat").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("data-live-chat=\"chat:circle\"") && html.contains("name=\"body\""),
        "a form and a live room"
    );

    // An empty message comes back with a message; a long one keeps its words.
    let long = "x".repeat(4001);
    let r = boris.post_form("/s/circle/chat", &[("body", long.as_str())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("html").contains(&long), "the words are kept");
    let r = boris.post_form("/s/circle/chat", &[("body", "Hi <script>alert(1)</script> all")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = boris.get("/s/circle/chat").await.text().await.expect("html");
    assert!(html.contains("Hi") && !html.contains("<script>alert"), "sanitized");
    let (_, page) = boris.api_get("/spaces/circle/chat").await;
    let id = page["messages"][0]["id"].as_str().expect("id").to_owned();

    // Edit through its page, then delete.
    let r = boris.get(&format!("/s/circle/chat/{id}/edit")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = ana.get(&format!("/s/circle/chat/{id}/edit")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "not someone else's");
    let r = boris.post_form(&format!("/s/circle/chat/{id}/edit"), &[("body", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = boris.post_form(&format!("/s/circle/chat/{id}/edit"), &[("body", "Hi everyone")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = boris.get("/s/circle/chat").await.text().await.expect("html");
    assert!(html.contains("Hi everyone") && html.contains("edited"));
    let r = boris.post_form(&format!("/s/circle/chat/{id}/delete"), &[] as &[(&str, &str)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = boris.get("/s/circle/chat").await.text().await.expect("html");
    assert!(!html.contains("Hi everyone") && html.contains("Message deleted"));
    // Outsiders are refused the page.
    let cleo = app.person("cleo").await;
    assert_eq!(cleo.get("/s/circle/chat").await.status(), StatusCode::FORBIDDEN);
}
