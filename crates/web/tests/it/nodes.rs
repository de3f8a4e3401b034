//! Two `stoa serve` processes on one PostgreSQL database behave as one
//! site: what is written through one node reaches clients of the other,
//! and presence and typing cross between them. (On SQLite there is one
//! process per database, so this runs on PostgreSQL only.)

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::live::{Socket, expect, send};
use crate::{Visitor, enrol, space};

async fn open_at(addr: SocketAddr, v: &Visitor) -> Socket {
    let mut request = format!("ws://{addr}/live").into_client_request().expect("request");
    let headers = request.headers_mut();
    headers.insert(
        "cookie",
        format!("stoa_session={}", v.cookie("stoa_session").expect("session")).parse().expect("cookie"),
    );
    headers.insert("origin", format!("http://{addr}").parse().expect("origin"));
    tokio_tungstenite::connect_async(request).await.expect("connect").0
}

async fn until(socket: &mut Socket, what: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..30 {
        let m = expect(socket).await;
        if what(&m) {
            return m;
        }
    }
    panic!("it never came");
}

#[tokio::test]
async fn a_chat_message_presence_and_typing_cross_from_one_node_to_the_other() {
    if stoa_store::testing::postgres_url().is_none() {
        eprintln!("runs on PostgreSQL only (set STOA_TEST_POSTGRES_URL)");
        return;
    }
    let a = crate::spawn_app().await;
    let listener = a.app.clone();
    let _listening = tokio::spawn(async move { stoa_core::live::listen(&listener).await });
    let b = a.second_node().await;
    let ana = a.person("ana").await;
    let boris = a.person("boris").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;

    // Boris is on node B, Ana on node A.
    let boris_b = boris.at(b.addr);
    let (status, page) = boris_b.api_get("/spaces/circle/chat").await;
    assert_eq!(status, StatusCode::OK, "signed in on B with A's session: {page}");
    let mut on_b = open_at(b.addr, &boris_b).await;
    send(&mut on_b, json!({"type": "subscribe", "topic": "chat:circle"})).await;
    assert_eq!(expect(&mut on_b).await["type"], "subscribed");
    let mut on_a = open_at(a.addr, &ana).await;
    send(&mut on_a, json!({"type": "subscribe", "topic": "chat:circle"})).await;
    assert_eq!(expect(&mut on_a).await["type"], "subscribed");

    // Each sees both people, whichever node they are on.
    for socket in [&mut on_a, &mut on_b] {
        until(socket, |m| m["type"] == "presence" && m["count"] == 2).await;
    }
    // Typing on A shows on B.
    send(&mut on_a, json!({"type": "typing", "topic": "chat:circle"})).await;
    let typing = until(&mut on_b, |m| m["type"] == "typing").await;
    assert_eq!(typing["person"]["username"], "ana");

    // A message written through node A reaches Boris on node B, promptly.
    let started = std::time::Instant::now();
    let (status, m) = ana.api_post("/spaces/circle/chat", json!({"body": "across the nodes"})).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let live = until(&mut on_b, |m| m["type"] == "chat").await;
    assert_eq!(live["message"]["id"], m["id"]);
    assert!(started.elapsed() < Duration::from_secs(2), "woken by the signal, not by a poll: {:?}", started.elapsed());

    // A thread reply through B reaches a thread follower on A.
    let t = crate::thread(&ana, "circle", "Plans", "What next?").await;
    send(&mut on_a, json!({"type": "subscribe", "topic": format!("thread:{t}")})).await;
    until(&mut on_a, |m| m["type"] == "subscribed").await;
    let (status, _) = boris_b.api_post(&format!("/threads/{t}/posts"), json!({"body": "from B"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let event = until(&mut on_a, |m| m["type"] == "event").await;
    assert_eq!(event["kind"], "post.created");

    // Node B stops: Boris is no longer counted on A.
    drop(on_b);
    until(&mut on_a, |m| m["type"] == "presence" && m["count"] == 1).await;
}

#[tokio::test]
async fn yjs_clients_on_two_nodes_co_edit_one_page() {
    if stoa_store::testing::postgres_url().is_none() {
        eprintln!("runs on PostgreSQL only (set STOA_TEST_POSTGRES_URL)");
        return;
    }
    let Some(root) = crate::coedit::node_ready() else { return };
    let a = crate::spawn_app().await;
    let listener = a.app.clone();
    let _listening = tokio::spawn(async move { stoa_core::live::listen(&listener).await });
    let b = a.second_node().await;
    let (ana, boris, page) = crate::coedit::circle_with_page(&a).await;
    // Ana's client talks to node A, Boris's to node B: every edit, the
    // offline one included, crosses between the nodes.
    let text = crate::coedit::node_clients(
        &root,
        (a.addr, &ana),
        (b.addr, &boris.at(b.addr)),
        &format!("wiki-{page}"),
        "Start here.",
    )
    .await;
    assert!(text.contains("Written offline.") && text.contains("Ana was here."), "{text}");
    let (_, live) = ana.api_get(&format!("/wiki-pages/{page}/live")).await;
    assert_eq!(live["text"].as_str(), Some(text.as_str()), "stored once, whole");
}
