//! A hostile member on the co-editing endpoint (issue #7, finding 1 and 2):
//! crafted updates that made yrs panic, count bombs and oversized messages
//! are refused with a close code and nothing of them is kept; the limits
//! of a document and of a connection hold; a document that cannot be
//! loaded is quarantined, shown to admins and started afresh by them; and
//! hundreds of crafted messages leave the server up, without a panic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use rand::SeedableRng;
use rand::rngs::StdRng;
use reqwest::StatusCode;
use stoa_core::CoreConfig;
use stoa_core::coedit::{Limits, TEXT, crafted};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use yrs::updates::decoder::Decode;
use yrs::{GetString, ReadTxn, Text, Transact};

use crate::live::Socket;
use crate::{TestApp, Visitor};

/// Panics anywhere in this test binary since it started, counted by a hook
/// that then lets the default one print them.
fn panics() -> usize {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            COUNT.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
    COUNT.load(Ordering::SeqCst)
}

async fn dial(app: &TestApp, v: &Visitor, room: &str) -> Socket {
    let mut request = format!("ws://{}/yjs/{room}", app.addr).into_client_request().expect("request");
    let session = v.cookie("stoa_session").expect("signed in");
    request.headers_mut().insert("cookie", format!("stoa_session={session}").parse().expect("cookie"));
    request.headers_mut().insert("origin", format!("http://{}", app.addr).parse().expect("origin"));
    tokio_tungstenite::connect_async(request).await.expect("open").0
}

/// A client of a live document: a socket and its own copy of the text.
struct Editor {
    socket: Socket,
    doc: yrs::Doc,
}

impl Editor {
    /// Joins and brings its copy in step with the server's.
    async fn join(app: &TestApp, v: &Visitor, room: &str, client: u64) -> Self {
        let mut editor = Self { socket: dial(app, v, room).await, doc: yrs::Doc::with_client_id(client) };
        editor.send(crafted::ask_everything()).await;
        let synced = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(Ok(message)) = editor.socket.next().await {
                if let Message::Binary(bytes) = message
                    && editor.take(&bytes)
                {
                    return;
                }
            }
            panic!("the connection ended before the document arrived");
        });
        synced.await.expect("synced in time");
        editor
    }

    /// Applies what the server sent; true for its answer to "everything".
    fn take(&self, bytes: &[u8]) -> bool {
        use yrs::sync::{Message as Y, SyncMessage};
        let Ok(message) = Y::decode_v1(bytes) else { return false };
        match message {
            Y::Sync(SyncMessage::SyncStep2(update) | SyncMessage::Update(update)) => {
                let update = yrs::Update::decode_v1(&update).expect("the server's updates decode");
                self.doc.transact_mut().apply_update(update).expect("the server's updates apply");
                true
            }
            _ => false,
        }
    }

    async fn send(&mut self, bytes: Vec<u8>) {
        self.socket.send(Message::Binary(bytes.into())).await.expect("send");
    }

    /// Types `words` at the end, as the editor would.
    async fn append(&mut self, words: &str) {
        let text = self.doc.get_or_insert_text(TEXT);
        let before = self.doc.transact().state_vector();
        {
            let mut txn = self.doc.transact_mut();
            let end = text.len(&txn);
            text.insert(&mut txn, end, words);
        }
        let update = self.doc.transact().encode_state_as_update_v1(&before);
        self.send(crafted::update_message(&update)).await;
    }

    fn client(&self) -> u64 {
        self.doc.client_id().get()
    }

    fn text(&self) -> String {
        self.doc.get_or_insert_text(TEXT).get_string(&self.doc.transact())
    }
}

/// The code the server closes with, if it does within a few seconds.
async fn closed(socket: &mut Socket) -> Option<u16> {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    })
    .await
    .ok()
    .flatten()
}

/// Whether the connection stays open for a moment (no close comes).
async fn stays_open(socket: &mut Socket) -> bool {
    tokio::time::timeout(Duration::from_millis(300), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return false,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .is_err()
}

async fn live_text(v: &Visitor, page: &str) -> String {
    let (status, live) = v.api_get(&format!("/wiki-pages/{page}/live")).await;
    assert_eq!(status, StatusCode::OK, "{live}");
    live["text"].as_str().unwrap_or_default().to_owned()
}

/// A lib0 variable-length number.
fn var(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// An update of one string item of `client` at `clock`, whose left
/// neighbour is `origin`, and an empty delete set.
fn item_after(client: u64, clock: u64, origin: (u64, u64), text: &str) -> Vec<u8> {
    let mut u = vec![1, 1];
    var(&mut u, client);
    var(&mut u, clock);
    u.push(0x84);
    var(&mut u, origin.0);
    var(&mut u, origin.1);
    var(&mut u, text.len() as u64);
    u.extend_from_slice(text.as_bytes());
    u.push(0);
    u
}

#[tokio::test]
async fn crafted_updates_are_refused_with_a_close_code_and_nothing_of_them_is_kept() {
    let app = crate::spawn_app().await;
    let (_ana, boris, page) = crate::coedit::circle_with_page(&app).await;
    let room = format!("wiki-{page}");
    let mut editor = Editor::join(&app, &boris, &room, 7).await;
    assert_eq!(editor.text(), "Start here.");
    editor.append(" Go.").await;
    assert!(stays_open(&mut editor.socket).await, "a real edit is taken");
    assert_eq!(live_text(&boris, &page).await, "Start here. Go.");
    let me = editor.client();
    let server = editor
        .doc
        .transact()
        .state_vector()
        .iter()
        .map(|(c, _)| c.get())
        .find(|c| *c != me)
        .expect("the server's client");

    let mut gc_far_past = vec![1, 1];
    var(&mut gc_far_past, me);
    gc_far_past.extend_from_slice(&[0xfd, 0xff, 0xff, 0xff, 0x0f, 0, 1, 0]);
    let mut delete_of_nothing = vec![0, 1];
    var(&mut delete_of_nothing, server);
    delete_of_nothing.extend_from_slice(&[1, 100, 5]);
    let mut nested_type = vec![1, 1];
    var(&mut nested_type, me);
    nested_type.extend_from_slice(&[4, 7, 1, 4, b'b', b'o', b'd', b'y', 0, 0]);
    let mut map_entry = vec![1, 1];
    var(&mut map_entry, me);
    map_entry.extend_from_slice(&[4, 0x24, 1, 4, b'b', b'o', b'd', b'y', 1, b'k', 1, b'x', 0]);
    let mut clock_overflow = vec![1, 1];
    var(&mut clock_overflow, me);
    clock_overflow.extend_from_slice(&[4, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("a collected range far past a client's clock (yrs panics)", crafted::update_message(&gc_far_past), 4400),
        ("a clock far in the future", crafted::update_message(&item_after(me, 1 << 30, (me, 0), "x")), 4400),
        ("an item next to one that does not exist", crafted::update_message(&item_after(me, 4, (99, 5), "x")), 4400),
        ("a delete of text that does not exist", crafted::update_message(&delete_of_nothing), 4400),
        ("a nested type", crafted::update_message(&nested_type), 4400),
        ("a map entry", crafted::update_message(&map_entry), 4400),
        ("a clock past 32 bits", crafted::update_message(&clock_overflow), 4400),
        ("four billion blocks in six bytes", crafted::update_message(&[1, 0xff, 0xff, 0xff, 0xff, 0x0f]), 4400),
        ("a state vector of 2^28 clients", vec![0, 0, 5, 0x80, 0x80, 0x80, 0x80, 0x01], 4400),
        ("awareness of 2^28 clients", vec![1, 5, 0x80, 0x80, 0x80, 0x80, 0x01], 4400),
        ("a message past the size limit", crafted::update_message(&vec![0; 1024 * 1024 + 1]), 4413),
        (
            "awareness for too many clients",
            {
                let mut m = Vec::new();
                for client in 1..=9 {
                    m.extend(crafted::awareness_message(client, "{}"));
                }
                m
            },
            4413,
        ),
    ];
    let before = panics();
    for (what, message, code) in cases {
        let mut socket = dial(&app, &boris, &room).await;
        socket.send(Message::Binary(message.into())).await.expect("send");
        assert_eq!(closed(&mut socket).await, Some(code), "{what}");
    }
    assert_eq!(panics(), before, "nothing panicked");
    // Nothing of them was kept: the text is as it was, and opens afresh.
    assert_eq!(live_text(&boris, &page).await, "Start here. Go.");
    let again = Editor::join(&app, &boris, &room, 8).await;
    assert_eq!(again.text(), "Start here. Go.");
    assert_eq!(app.visitor().get("/healthz").await.status(), StatusCode::OK);
}

fn small_limits() -> CoreConfig {
    CoreConfig {
        coedit: Limits {
            max_update_bytes: 8 * 1024,
            max_doc_bytes: 48 * 1024,
            max_text_bytes: 16 * 1024,
            messages_per_second: 100,
            ..Limits::default()
        },
        ..CoreConfig::default()
    }
}

#[tokio::test]
async fn a_document_and_a_connection_keep_their_limits() {
    let app = crate::spawn_app_with(small_limits()).await;
    let (_ana, boris, page) = crate::coedit::circle_with_page(&app).await;
    let room = format!("wiki-{page}");

    // The text stops at its longest: the third paste of 6 KiB is refused.
    let mut editor = Editor::join(&app, &boris, &room, 7).await;
    let paste = "a".repeat(6 * 1024);
    editor.append(&paste).await;
    editor.append(&paste).await;
    assert!(stays_open(&mut editor.socket).await);
    editor.append(&paste).await;
    assert_eq!(closed(&mut editor.socket).await, Some(4413), "the text would be too long");
    assert_eq!(live_text(&boris, &page).await.len(), "Start here.".len() + 2 * paste.len());

    // Writing and deleting over and over: the document as stored stays
    // within its limit, because the updates are folded into the snapshot.
    let mut editor = Editor::join(&app, &boris, &room, 9).await;
    for _ in 0..24 {
        editor.append(&paste[..4000]).await;
        let text = editor.doc.get_or_insert_text(TEXT);
        let before = editor.doc.transact().state_vector();
        {
            let mut txn = editor.doc.transact_mut();
            let end = text.len(&txn);
            text.remove_range(&mut txn, end - 4000, 4000);
        }
        let update = editor.doc.transact().encode_state_as_update_v1(&before);
        editor.send(crafted::update_message(&update)).await;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert!(stays_open(&mut editor.socket).await, "never refused: the document itself is small");
    let stored = {
        let mut conn = app.app.store.read().await.expect("conn");
        let row = stoa_store::docs::by_id(&mut conn, &format!("wiki:{page}")).await.expect("read").expect("doc");
        let updates =
            stoa_store::docs::updates_after(&mut conn, &row.id, row.snapshot_seq, 10_000).await.expect("read");
        row.snapshot.len() + updates.iter().map(|u| u.body.len()).sum::<usize>()
    };
    assert!(stored <= 48 * 1024 + 8 * 1024, "stored {stored} bytes");

    // Too many messages in a second.
    let mut socket = dial(&app, &boris, &room).await;
    for _ in 0..200 {
        let _ = socket.send(Message::Binary(vec![3].into())).await;
    }
    assert_eq!(closed(&mut socket).await, Some(4429));
}

#[tokio::test]
async fn a_document_that_cannot_be_loaded_is_quarantined_until_an_admin_starts_it_afresh() {
    let app = crate::spawn_app().await;
    // Ana is the instance's first account, so its admin.
    let (ana, boris, page) = crate::coedit::circle_with_page(&app).await;
    let doc_id = format!("wiki:{page}");
    // A document as an earlier version stored it: the page's text, then an
    // update that breaks it (written before updates were checked).
    let doc = yrs::Doc::with_client_id(1);
    doc.get_or_insert_text(TEXT).insert(&mut doc.transact_mut(), 0, "Start here.");
    let snapshot = doc.transact().encode_state_as_update_v1(&yrs::StateVector::default());
    let poisoned: [u8; 11] = [1, 1, 1, 0xfd, 0xff, 0xff, 0xff, 0x0f, 0, 1, 0];
    let (_, circle) = ana.api_get("/spaces/circle").await;
    let space_id = circle["space"]["id"].as_str().expect("the space's id").to_owned();
    {
        let mut tx = app.app.store.begin().await.expect("tx");
        stoa_store::docs::create(&mut tx, &doc_id, &space_id, Some(&page), &snapshot, 1, 0).await.expect("create");
        stoa_store::docs::append(&mut tx, &doc_id, &poisoned, None, 0).await.expect("append");
        stoa_store::commit(tx).await.expect("commit");
    }
    let before = panics();
    let mut socket = dial(&app, &boris, &format!("wiki-{page}")).await;
    assert_eq!(closed(&mut socket).await, Some(4423), "the room refuses, saying why");
    assert_eq!(panics(), before, "nothing panicked");
    // The page keeps its last revision, and its live text says it is set aside.
    let r = boris.get("/s/circle/wiki/plan").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("html").contains("Start here."));
    let (status, body) = boris.api_get(&format!("/wiki-pages/{page}/live")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("quarantined")), "{body}");
    // Admins see it; others may not start it afresh.
    let admin = ana.get("/admin").await.text().await.expect("html");
    assert!(admin.contains("Plan") && admin.contains("blocks after a gap"), "listed with why");
    let path = format!("/admin/docs/{doc_id}/discard");
    assert_eq!(boris.post_form(&path, &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(ana.post_form(&path, &[]).await.status(), StatusCode::SEE_OTHER);
    // Afresh from the page: open again, with the page's text.
    let editor = Editor::join(&app, &boris, &format!("wiki-{page}"), 5).await;
    assert_eq!(editor.text(), "Start here.");
    let audit = ana.get("/admin/audit").await.text().await.expect("html");
    assert!(audit.contains("started a quarantined live text afresh"), "in the audit log");
}

#[tokio::test]
async fn hundreds_of_crafted_messages_leave_the_server_up_without_a_panic() {
    let app = crate::spawn_app().await;
    let (_ana, boris, page) = crate::coedit::circle_with_page(&app).await;
    let room = format!("wiki-{page}");
    let before = panics();
    let mut rng = StdRng::seed_from_u64(7);
    let mut editor = Editor::join(&app, &boris, &room, 11).await;
    let mut refused = 0;
    for _ in 0..400 {
        let message = crafted::message(&mut rng, &editor.doc);
        editor.send(message).await;
        // Read what came back; a refusal closes the connection: join again.
        let open = tokio::time::timeout(Duration::from_millis(20), async {
            loop {
                match editor.socket.next().await {
                    Some(Ok(Message::Binary(bytes))) => {
                        editor.take(&bytes);
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return false,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await
        .unwrap_or(true);
        if !open {
            refused += 1;
            let doc = std::mem::replace(&mut editor.doc, yrs::Doc::new());
            editor = Editor::join(&app, &boris, &room, doc.client_id().get()).await;
            drop(doc);
        }
    }
    assert!(refused > 100, "most crafted messages are refused ({refused})");
    assert_eq!(panics(), before, "nothing panicked");
    // The document still opens, and everyone agrees on its text.
    let one = Editor::join(&app, &boris, &room, 21).await;
    let two = Editor::join(&app, &boris, &room, 22).await;
    assert_eq!(one.text(), two.text());
    assert_eq!(live_text(&boris, &page).await, one.text());
    assert_eq!(app.visitor().get("/healthz").await.status(), StatusCode::OK);
}
