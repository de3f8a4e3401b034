//! The `/live` WebSocket with a real client: who may connect and follow
//! what, resuming exactly where a client left off, removal cutting a member
//! off, and a flooding client being disconnected.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::{TestApp, Visitor, enrol, space, thread};

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp, v: &Visitor, origin: Option<&str>) -> Result<Socket, WsError> {
    let mut request = format!("ws://{}/live", app.addr).into_client_request().expect("request");
    if let Some(session) = v.cookie("stoa_session") {
        request.headers_mut().insert("cookie", format!("stoa_session={session}").parse().expect("cookie"));
    }
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().expect("origin"));
    }
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket)
}

pub async fn open(app: &TestApp, v: &Visitor) -> Socket {
    connect(app, v, Some(&format!("http://{}", app.addr))).await.expect("connect")
}

pub async fn send(socket: &mut Socket, value: serde_json::Value) {
    socket.send(Message::Text(value.to_string().into())).await.expect("send");
}

/// The next message, or `None` if none comes within `wait`.
pub async fn next(socket: &mut Socket, wait: Duration) -> Option<serde_json::Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).expect("json")),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => return None,
        }
    }
}

pub async fn expect(socket: &mut Socket) -> serde_json::Value {
    next(socket, Duration::from_secs(5)).await.expect("a message")
}

async fn reply(v: &Visitor, thread_id: &str, body: &str) -> String {
    let (status, json) = v.api_post(&format!("/threads/{thread_id}/posts"), serde_json::json!({"body": body})).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json["post"]["id"].as_str().or(json["id"].as_str()).expect("id").to_owned()
}

#[tokio::test]
async fn a_foreign_origin_is_refused_at_the_upgrade() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    for origin in [Some("http://evil.example"), None] {
        match connect(&app, &ana, origin).await {
            Err(WsError::Http(response)) => assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin:?}"),
            other => panic!("{origin:?}: expected a refusal, got {:?}", other.map(|_| "a socket")),
        }
    }
}

#[tokio::test]
async fn a_member_follows_a_thread_live_and_resumes_exactly_where_they_left_off() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    space(&ana, "circle", "members", "invite").await;
    space(&ana, "vault", "secret", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    let t = thread(&ana, "circle", "Plans", "What next?").await;
    let hidden = thread(&ana, "vault", "Secret", "words").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");

    let mut socket = open(&app, &boris).await;
    let topic = format!("thread:{t}");
    send(&mut socket, serde_json::json!({"type": "subscribe", "topic": topic})).await;
    let subscribed = expect(&mut socket).await;
    assert_eq!((subscribed["type"].as_str(), subscribed["topic"].as_str()), (Some("subscribed"), Some(topic.as_str())));
    let first = reply(&ana, &t, "one").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    let event = expect(&mut socket).await;
    assert_eq!(
        (event["type"].as_str(), event["kind"].as_str(), event["subject_id"].as_str()),
        (Some("event"), Some("post.created"), Some(first.as_str()))
    );
    let seen = event["seq"].as_i64().expect("seq");
    // Nothing about the words goes down the socket.
    assert!(event.get("body").is_none());
    socket.close(None).await.expect("close");

    // Two replies while Boris is away; he comes back from where he was.
    let missed = [reply(&ana, &t, "two").await, reply(&ana, &t, "three").await];
    thread(&ana, "circle", "Elsewhere", "another thread").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    let mut socket = open(&app, &boris).await;
    send(&mut socket, serde_json::json!({"type": "subscribe", "topic": topic, "since": seen})).await;
    assert_eq!(expect(&mut socket).await["seq"].as_i64(), Some(seen));
    let got = [expect(&mut socket).await, expect(&mut socket).await];
    assert_eq!(got.iter().map(|e| e["subject_id"].as_str().unwrap_or_default()).collect::<Vec<_>>(), missed);
    assert!(next(&mut socket, Duration::from_millis(300)).await.is_none(), "exactly the missed events");

    // The space's topic: new threads and replies, from now on.
    send(&mut socket, serde_json::json!({"type": "subscribe", "topic": "space:circle"})).await;
    assert_eq!(expect(&mut socket).await["type"].as_str(), Some("subscribed"));
    let started = thread(&ana, "circle", "Fresh", "news").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    let event = expect(&mut socket).await;
    assert_eq!(
        (event["topic"].as_str(), event["kind"].as_str(), event["subject_id"].as_str()),
        (Some("space:circle"), Some("thread.created"), Some(started.as_str()))
    );
    send(&mut socket, serde_json::json!({"type": "unsubscribe", "topic": "space:circle"})).await;

    // Topics one may not read are refused as the pages refuse them.
    for (topic, error) in [
        (format!("thread:{hidden}"), "not_found"),
        ("space:vault".to_owned(), "not_found"),
        ("planet:mars".to_owned(), "unknown_topic"),
    ] {
        send(&mut socket, serde_json::json!({"type": "subscribe", "topic": topic})).await;
        let refused = expect(&mut socket).await;
        assert_eq!((refused["type"].as_str(), refused["error"].as_str()), (Some("refused"), Some(error)), "{topic}");
    }
    let mut outsider = open(&app, &cleo).await;
    send(&mut outsider, serde_json::json!({"type": "subscribe", "topic": format!("thread:{t}")})).await;
    assert_eq!(expect(&mut outsider).await["error"].as_str(), Some("forbidden"));
    let mut anonymous = open(&app, &app.visitor()).await;
    send(&mut anonymous, serde_json::json!({"type": "subscribe", "topic": "notifications"})).await;
    assert_eq!(expect(&mut anonymous).await["error"].as_str(), Some("sign_in_required"));

    // Removed from the space, Boris is cut off at the next event.
    let (status, _) = ana.api_send(reqwest::Method::DELETE, "/spaces/circle/members/boris", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    reply(&ana, &t, "after Boris left").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    let cut = expect(&mut socket).await;
    assert_eq!((cut["type"].as_str(), cut["topic"].as_str()), (Some("refused"), Some(topic.as_str())), "{cut}");
    assert!(next(&mut socket, Duration::from_millis(300)).await.is_none(), "and hears nothing more");
}

/// Whether the server ends the connection within five seconds.
pub async fn closed_by_server(socket: &mut Socket) -> bool {
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    });
    ended.await.is_ok()
}

#[tokio::test]
async fn a_client_that_floods_the_server_is_disconnected() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let mut socket = open(&app, &ana).await;
    for _ in 0..50 {
        if socket.send(Message::Text("{\"type\":\"unsubscribe\",\"topic\":\"x\"}".into())).await.is_err() {
            break;
        }
    }
    // The server closes: the stream ends (or errors) rather than going on.
    assert!(closed_by_server(&mut socket).await, "a flood is cut off");
    // A message larger than the cap is not taken either.
    let mut socket = open(&app, &ana).await;
    let big = format!("{{\"type\":\"subscribe\",\"topic\":\"{}\"}}", "x".repeat(10_000));
    let _ = socket.send(Message::Text(big.into())).await;
    assert!(closed_by_server(&mut socket).await);
}

/// Everyone following a thread on a node shares one feed, so a new reply is
/// read from the log once, however many follow it; a reply only some may
/// see (a post-first thread hides others' replies from those who have not
/// answered yet) reaches exactly those; the unread count goes out when it
/// changes, and only then.
#[tokio::test]
async fn followers_share_a_feed_and_each_hears_only_what_they_may_see() {
    let app = crate::spawn_app().await;
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    enrol(&ana, &cleo, "circle", false).await;
    let (status, json) = ana
        .api_post(
            "/spaces/circle/threads",
            serde_json::json!({"title": "Your first answer", "body": "Answer before you read the others.", "post_first": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let t = json["thread_id"].as_str().expect("thread").to_owned();
    let answered = reply(&boris, &t, "Boris answers first").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");

    let topic = format!("thread:{t}");
    let mut sockets = Vec::new();
    for who in [&boris, &cleo, &boris] {
        let mut socket = open(&app, who).await;
        send(&mut socket, serde_json::json!({"type": "subscribe", "topic": topic})).await;
        assert_eq!(expect(&mut socket).await["type"], "subscribed");
        sockets.push(socket);
    }
    let feeds = app.app.feeds.all();
    assert_eq!(feeds.len(), 1, "three tabs, one feed");
    assert_eq!(feeds[0].topic, topic);
    drop(feeds);

    // Cleo has not answered: she is told of neither Boris's reply (written
    // before she followed) nor Ana's; Boris's two tabs hear Ana's.
    let from_ana = reply(&ana, &t, "Ana's view").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    for i in [0, 2] {
        let event = expect(&mut sockets[i]).await;
        assert_eq!(
            (event["kind"].as_str(), event["subject_id"].as_str()),
            (Some("post.created"), Some(from_ana.as_str()))
        );
    }
    assert!(next(&mut sockets[1], Duration::from_millis(300)).await.is_none(), "Cleo may not see it yet");

    // Once Cleo answers, what comes next reaches her too.
    let hers = reply(&cleo, &t, "Cleo answers").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    assert_eq!(expect(&mut sockets[1]).await["subject_id"].as_str(), Some(hers.as_str()));
    assert_eq!(expect(&mut sockets[0]).await["subject_id"].as_str(), Some(hers.as_str()));
    assert_ne!(answered, hers);

    // The bell: the count is sent when it changes, not at every event.
    let mut bell = open(&app, &boris).await;
    send(&mut bell, serde_json::json!({"type": "subscribe", "topic": "notifications"})).await;
    assert_eq!(expect(&mut bell).await["type"], "subscribed");
    assert_eq!(expect(&mut bell).await, serde_json::json!({"type": "unread", "count": 0}));
    reply(&cleo, &t, "replying to the thread Boris posted in").await;
    stoa_core::live::watch_log(&app.app).await.expect("watch");
    assert!(next(&mut bell, Duration::from_millis(300)).await.is_none(), "no notification written yet: nothing to say");
    stoa_core::notifications::catch_up(&app.app).await.expect("notifications");
    let rung = expect(&mut bell).await;
    assert_eq!(rung["type"], "unread");
    let count = rung["count"].as_i64().expect("count");
    assert!(count >= 1, "{rung}");
    let (status, _) = boris.api_post("/notifications/read", serde_json::json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(expect(&mut bell).await, serde_json::json!({"type": "unread", "count": 0}));
    assert!(next(&mut bell, Duration::from_millis(300)).await.is_none());

    // When the last tab goes, so does the feed.
    drop(sockets);
    tokio::time::timeout(Duration::from_secs(5), async {
        while !app.app.feeds.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the feed closes with its last follower");
}
