//! Co-editing a wiki page live: the real npm `yjs` client in Node (see
//! `e2e/coedit.mjs`) against Stoa's y-websocket endpoint; who may join a
//! document; saving the live text as a revision; a revision saved through
//! the form reaching the live text; and a member removed mid-session cut off.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::{TestApp, Visitor, enrol, space};

/// The e2e directory when Node's packages are installed; fails under
/// `STOA_REQUIRE_E2E` when they are not.
pub fn node_ready() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
    if root.join("node_modules/yjs").exists() && root.join("node_modules/y-websocket").exists() {
        return Some(root);
    }
    assert!(
        std::env::var("STOA_REQUIRE_E2E").is_err(),
        "STOA_REQUIRE_E2E is set but e2e/node_modules lacks yjs: run `npm ci --prefix e2e`"
    );
    eprintln!("skipping: run `npm ci --prefix e2e` to include the Node Yjs client");
    None
}

/// Runs `e2e/coedit.mjs` with two people against a document (`wiki-{page
/// id}` or `event-{event id}`); returns the text both clients converged on.
pub async fn node_clients(
    root: &Path,
    a: (SocketAddr, &Visitor),
    b: (SocketAddr, &Visitor),
    room: &str,
    initial: &str,
) -> String {
    let output = tokio::process::Command::new("node")
        .arg(root.join("coedit.mjs"))
        .env("STOA_URL", format!("http://{}", a.0))
        .env("STOA_URL_B", format!("http://{}", b.0))
        .env("STOA_ROOM", room)
        .env("STOA_COOKIE_A", a.1.cookie("stoa_session").expect("session"))
        .env("STOA_COOKIE_B", b.1.cookie("stoa_session").expect("session"))
        .env("STOA_INITIAL", initial)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the Node Yjs clients failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().expect("a line");
    serde_json::from_str::<Value>(last).expect("json")["text"].as_str().expect("text").to_owned()
}

async fn dial(addr: SocketAddr, room: &str, v: &Visitor, origin: Option<&str>) -> Result<crate::live::Socket, WsError> {
    let mut request = format!("ws://{addr}/yjs/{room}").into_client_request().expect("request");
    if let Some(session) = v.cookie("stoa_session") {
        request.headers_mut().insert("cookie", format!("stoa_session={session}").parse().expect("cookie"));
    }
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().expect("origin"));
    }
    tokio_tungstenite::connect_async(request).await.map(|(s, _)| s)
}

fn status_of(r: Result<crate::live::Socket, WsError>) -> StatusCode {
    match r {
        Err(WsError::Http(response)) => response.status(),
        Ok(_) => StatusCode::SWITCHING_PROTOCOLS,
        Err(e) => panic!("unexpected: {e}"),
    }
}

async fn page_id(v: &Visitor, slug: &str, title: &str, body: &str) -> String {
    let (status, created) = v.api_post(&format!("/spaces/{slug}/wiki"), json!({"title": title, "body": body})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, page) = v.api_get(&format!("/spaces/{slug}/wiki/{}", created["slug"].as_str().expect("slug"))).await;
    page["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn node_yjs_clients_co_edit_a_page_and_save_it_as_a_revision() {
    let Some(root) = node_ready() else { return };
    let app = crate::spawn_app().await;
    let background = app.app.run_background();
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    let page = page_id(&ana, "circle", "Plan", "Start here.").await;

    let text = node_clients(&root, (app.addr, &ana), (app.addr, &boris), &format!("wiki-{page}"), "Start here.").await;
    for part in ["Ana was here.", "Boris too.", "Written offline.", "Meanwhile online.", "typing fast"] {
        assert!(text.contains(part), "{part:?} in {text:?}");
    }
    // The server holds what they converged on, much of it folded into a
    // snapshot along the way (by a task beside the writes: soon after).
    let (_, live) = boris.api_get(&format!("/wiki-pages/{page}/live")).await;
    assert_eq!(live["text"].as_str(), Some(text.as_str()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut conn = app.app.store.read().await.expect("conn");
        let stored = stoa_store::docs::by_id(&mut conn, &format!("wiki:{page}")).await.expect("q").expect("doc");
        if stored.snapshot_seq > 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "compacted");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // Saving a version writes a normal revision.
    let (status, saved) =
        boris.api_post(&format!("/wiki-pages/{page}/live"), json!({"summary": "Written together"})).await;
    assert_eq!(
        (status, saved["outcome"].as_str(), saved["revision"].as_i64()),
        (StatusCode::OK, Some("saved"), Some(2)),
        "{saved}"
    );
    let (_, now) = ana.api_get("/spaces/circle/wiki/plan").await;
    assert_eq!(now["body"].as_str(), Some(text.as_str()));

    // Someone saves through the form: the live text follows when next opened.
    let edited = format!("{text}\n\nA line from the form.");
    let (status, _) = ana
        .api_send(
            Method::PUT,
            "/spaces/circle/wiki/plan",
            Some(json!({"title": "Plan", "body": edited, "base_revision": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let socket =
        dial(app.addr, &format!("wiki-{page}"), &ana, Some(&format!("http://{}", app.addr))).await.expect("open");
    let (_, live) = ana.api_get(&format!("/wiki-pages/{page}/live")).await;
    assert_eq!(live["text"].as_str(), Some(edited.as_str()));
    drop(socket);
    background.abort();
}

#[tokio::test]
async fn only_editors_open_a_document_and_a_removed_member_is_cut_off() {
    let app = crate::spawn_app().await;
    let _listening = {
        let a = app.app.clone();
        tokio::spawn(async move { stoa_core::live::listen(&a).await })
    };
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    let cleo = app.person("cleo").await;
    space(&ana, "circle", "members", "invite").await;
    space(&ana, "vault", "secret", "invite").await;
    space(&ana, "square", "public", "open").await;
    enrol(&ana, &boris, "circle", false).await;
    let plan = page_id(&ana, "circle", "Plan", "words").await;
    let hidden = page_id(&ana, "vault", "Hidden", "secret words").await;
    let public = page_id(&ana, "square", "Guide", "for everyone").await;
    let origin = format!("http://{}", app.addr);
    let anonymous = app.visitor();
    for (who, room, origin, expected) in [
        (&cleo, format!("wiki-{hidden}"), Some(origin.as_str()), StatusCode::NOT_FOUND),
        (&boris, format!("wiki-{hidden}"), Some(origin.as_str()), StatusCode::NOT_FOUND),
        (&cleo, format!("wiki-{plan}"), Some(origin.as_str()), StatusCode::FORBIDDEN),
        (&cleo, format!("wiki-{public}"), Some(origin.as_str()), StatusCode::FORBIDDEN),
        (&anonymous, format!("wiki-{public}"), Some(origin.as_str()), StatusCode::UNAUTHORIZED),
        (&anonymous, format!("wiki-{hidden}"), Some(origin.as_str()), StatusCode::NOT_FOUND),
        (&boris, format!("wiki-{plan}"), Some("http://evil.example"), StatusCode::FORBIDDEN),
        (&boris, format!("wiki-{plan}"), None, StatusCode::FORBIDDEN),
        (&boris, "wiki-nothing".to_owned(), Some(origin.as_str()), StatusCode::NOT_FOUND),
        (&boris, "elsewhere".to_owned(), Some(origin.as_str()), StatusCode::NOT_FOUND),
        (&boris, format!("wiki-{plan}"), Some(origin.as_str()), StatusCode::SWITCHING_PROTOCOLS),
    ] {
        assert_eq!(status_of(dial(app.addr, &room, who, origin).await), expected, "{room} from {origin:?}");
    }
    // The API's live text follows the same rule.
    let (status, _) = cleo.api_get(&format!("/wiki-pages/{hidden}/live")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = cleo.api_post(&format!("/wiki-pages/{plan}/live"), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Boris is in the document when Ana removes him: the server closes it.
    let mut socket = dial(app.addr, &format!("wiki-{plan}"), &boris, Some(&origin)).await.expect("open");
    assert!(matches!(socket.next().await, Some(Ok(Message::Binary(_)))), "the server greets with its state");
    let (status, _) = ana.api_send(Method::DELETE, "/spaces/circle/members/boris", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(closed, Some(4403), "closed as no longer allowed");
}

#[tokio::test]
async fn the_live_editor_page_works_without_javascript() {
    let app = crate::spawn_app().await;
    let (ana, boris, page) = circle_with_page(&app).await;
    let r = boris.get("/s/circle/wiki/plan/live").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(csp.contains("script-src 'self';"), "scripts stay our own: {csp}");
    // Issue #17, finding 7: the live editors allowed inline styles.
    assert!(!csp.contains("unsafe-inline") && csp.contains("'nonce-"), "styles by nonce only: {csp}");
    let html = r.text().await.expect("html");
    let nonce = csp.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect("a nonce");
    assert!(html.contains(&format!("data-nonce=\"{nonce}\"")), "the editor is given the nonce");
    assert!(
        html.contains(&format!("data-page-id=\"{page}\"")) && html.contains("Start here."),
        "the live text, readable"
    );
    let r = boris.post_form("/s/circle/wiki/plan/live", &[("summary", "as it stands")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, revisions) = ana.api_get("/spaces/circle/wiki/plan/revisions").await;
    assert!(revisions.as_array().is_some_and(|r| !r.is_empty()));
    // The same page refuses outsiders as the plain editor does.
    let cleo = app.person("cleo").await;
    assert_eq!(cleo.get("/s/circle/wiki/plan/live").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(cleo.post_form("/s/circle/wiki/plan/live", &[("summary", "x")]).await.status(), StatusCode::FORBIDDEN);
    // No page lets inline styles in.
    let r = boris.get("/s/circle/wiki/plan").await;
    let csp = r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

/// For the tests of other modules: a page and two people to co-edit it.
pub async fn circle_with_page(app: &TestApp) -> (Visitor, Visitor, String) {
    let ana = app.person("ana").await;
    let boris = app.person("boris").await;
    space(&ana, "circle", "members", "invite").await;
    enrol(&ana, &boris, "circle", false).await;
    let page = page_id(&ana, "circle", "Plan", "Start here.").await;
    (ana, boris, page)
}
