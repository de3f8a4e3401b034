//! `ysync-fuzz`: a structure-aware y-sync fuzzer against the real `stoa`
//! binary (issue #7's acceptance), as an ordinary member of a space.
//!
//! Several connections, each on one of a few wiki pages, send what
//! `stoa_core::coedit::crafted` makes: updates aimed at what the document
//! holds (clocks at, before and past a client's, items next to ones that
//! do not exist, nested types, maps, moves, deletes of nothing), byte flips
//! of them, count bombs, oversized awareness, and now and then a real edit
//! so the documents grow. A connection the server closes joins again.
//! Throughout, the server's resident memory is sampled; at the end its log
//! must hold no panic, it is stopped and started again on the same data,
//! and every document must open, with the same text through a fresh sync
//! and through the API.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::{SinkExt, StreamExt};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use stoa_core::coedit::crafted;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use yrs::sync::{Message as YMessage, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::{GetString, Transact};

use crate::procs::{self, Person};
use crate::{machine, results_dir, round};

/// Connections fuzzing at once, and the pages they share.
const CONNECTIONS: usize = 8;
const PAGES: usize = 4;
/// The bound the server's resident memory must stay under (documented in
/// bench/README.md): the documents stay within their limits, so memory is
/// what an idle server holds plus a little.
const RSS_BOUND: u64 = 256 * 1024 * 1024;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn connect(base: &str, page: &str, cookie: &str) -> Result<Socket> {
    let url = format!("{}/yjs/wiki-{page}", base.replace("http://", "ws://"));
    let mut request = url.as_str().into_client_request()?;
    request.headers_mut().insert("origin", base.parse()?);
    request.headers_mut().insert("cookie", format!("stoa_session={cookie}").parse()?);
    procs::websocket(request).await
}

/// Applies what the server sent to `doc`; true for a sync step 2.
fn take(doc: &yrs::Doc, bytes: &[u8]) -> bool {
    match YMessage::decode_v1(bytes) {
        Ok(YMessage::Sync(SyncMessage::SyncStep2(update) | SyncMessage::Update(update))) => {
            if let Ok(update) = yrs::Update::decode_v1(&update) {
                let _ = doc.transact_mut().apply_update(update);
            }
            true
        }
        _ => false,
    }
}

/// Joins a page and brings a fresh copy of its text in step.
async fn join(base: &str, page: &str, cookie: &str) -> Result<(Socket, yrs::Doc)> {
    let mut socket = connect(base, page, cookie).await?;
    let doc = yrs::Doc::new();
    socket.send(Message::Binary(crafted::ask_everything().into())).await?;
    tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = socket.next().await {
            if let Message::Binary(bytes) = message?
                && take(&doc, &bytes)
            {
                return Ok(());
            }
        }
        anyhow::bail!("the connection ended before the document arrived")
    })
    .await
    .context("syncing")??;
    Ok((socket, doc))
}

/// What the fuzzing connections did.
#[derive(Default)]
struct Counts {
    sent: AtomicU64,
    joins: AtomicU64,
    closes: std::sync::Mutex<BTreeMap<u16, u64>>,
}

async fn fuzz(
    base: String,
    page: String,
    cookie: String,
    seed: u64,
    until: Instant,
    counts: Arc<Counts>,
) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    while Instant::now() < until {
        let (mut socket, doc) = join(&base, &page, &cookie).await?;
        counts.joins.fetch_add(1, Ordering::Relaxed);
        'connection: while Instant::now() < until {
            let message = crafted::message(&mut rng, &doc);
            if socket.send(Message::Binary(message.into())).await.is_err() {
                break;
            }
            counts.sent.fetch_add(1, Ordering::Relaxed);
            // Whatever came back meanwhile: updates of others, or a close.
            loop {
                match tokio::time::timeout(Duration::from_millis(2), socket.next()).await {
                    Ok(Some(Ok(Message::Binary(bytes)))) => {
                        take(&doc, &bytes);
                    }
                    Ok(Some(Ok(Message::Close(frame)))) => {
                        let code = frame.map_or(1005, |f| u16::from(f.code));
                        *counts.closes.lock().unwrap_or_else(|e| e.into_inner()).entry(code).or_default() += 1;
                        break 'connection;
                    }
                    Ok(Some(Ok(_))) => {}
                    Ok(None | Some(Err(_))) => {
                        *counts.closes.lock().unwrap_or_else(|e| e.into_inner()).entry(0).or_default() += 1;
                        break 'connection;
                    }
                    Err(_) => break,
                }
            }
        }
    }
    Ok(())
}

pub fn ysync_fuzz(duration: Duration) -> Result<()> {
    println!("y-sync fuzzing: {CONNECTIONS} connections on {PAGES} pages for {} s, as a member", duration.as_secs());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let data = tempfile::tempdir()?;
        let log = data.path().join("server.log");
        let server = procs::stoa_in(data.path(), Ipv4Addr::LOCALHOST, &log).await?;
        let base = server.base();
        let owner: Person = procs::sign_up(&base, "owner").await?;
        let member: Person = procs::sign_up(&base, "member").await?;
        owner
            .api(
                reqwest::Method::POST,
                "/spaces",
                json!({"kind": "community", "name": "Fuzz", "slug": "fuzz", "visibility": "members", "join_policy": "open"}),
            )
            .await?;
        member.api(reqwest::Method::POST, "/spaces/fuzz/join", json!({})).await?;
        let mut pages = Vec::new();
        for k in 0..PAGES {
            let created = owner
                .api(reqwest::Method::POST, "/spaces/fuzz/wiki", json!({"title": format!("Page {k}"), "body": "Start."}))
                .await?;
            let slug = created["slug"].as_str().context("slug")?.to_owned();
            let page = owner.api(reqwest::Method::GET, &format!("/spaces/fuzz/wiki/{slug}"), json!(null)).await?;
            pages.push(page["id"].as_str().context("id")?.to_owned());
        }
        let idle_rss = server.rss()?;
        let started = Instant::now();
        let until = started + duration;
        let counts = Arc::new(Counts::default());
        let mut tasks = Vec::new();
        for i in 0..CONNECTIONS {
            let (base, page, cookie) = (base.clone(), pages[i % PAGES].clone(), member.session.clone());
            tasks.push(tokio::spawn(fuzz(base, page, cookie, 1000 + i as u64, until, counts.clone())));
        }
        let mut peak_rss = idle_rss;
        let mut last_report = Instant::now();
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(500)).await;
            peak_rss = peak_rss.max(server.rss()?);
            if last_report.elapsed() >= Duration::from_secs(60) {
                last_report = Instant::now();
                println!(
                    "  {:>4} s: {} messages, {} joins, resident {:.0} MiB (peak {:.0})",
                    started.elapsed().as_secs(),
                    counts.sent.load(Ordering::Relaxed),
                    counts.joins.load(Ordering::Relaxed),
                    server.rss()? as f64 / 1048576.0,
                    peak_rss as f64 / 1048576.0
                );
            }
        }
        for task in tasks {
            task.await??;
        }
        let alive = reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success());
        drop(server);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let panics = text.matches("panicked").count();

        // Started again on the same data: every document opens.
        let server = procs::stoa_in(data.path(), Ipv4Addr::LOCALHOST, &log).await?;
        let base = server.base();
        let mut reopened = 0;
        for page in &pages {
            let (_socket, doc) = join(&base, page, &member.session).await?;
            let synced = doc.get_or_insert_text(stoa_core::coedit::TEXT).get_string(&doc.transact());
            let live: serde_json::Value = reqwest::Client::new()
                .get(format!("{base}/api/v1/wiki-pages/{page}/live"))
                .header("cookie", member.cookies())
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let live = live["text"].as_str().unwrap_or_default().to_owned();
            anyhow::ensure!(
                synced == live,
                "page {page}: a fresh sync and the API disagree after the restart:\n{synced:?}\n{live:?}"
            );
            reopened += 1;
        }
        drop(server);

        let closes = counts.closes.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let sent = counts.sent.load(Ordering::Relaxed);
        println!(
            "  {sent} messages in {} joins; closes by code {closes:?}; resident {:.0} MiB idle, {:.0} MiB at most (bound {} MiB)",
            counts.joins.load(Ordering::Relaxed),
            idle_rss as f64 / 1048576.0,
            peak_rss as f64 / 1048576.0,
            RSS_BOUND / 1048576
        );
        println!(
            "  alive at the end: {alive}; panics in the log: {panics}; documents reopened after a restart: {reopened}/{PAGES}"
        );
        let met = alive && panics == 0 && reopened == PAGES && peak_rss < RSS_BOUND;
        let result = json!({
            "benchmark": "ysync-fuzz",
            "machine": machine(),
            "seconds": duration.as_secs(),
            "connections": CONNECTIONS,
            "pages": PAGES,
            "messages": sent,
            "joins": counts.joins.load(Ordering::Relaxed),
            "closes_by_code": closes.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
            "rss_idle_mib": round(idle_rss as f64 / 1048576.0),
            "rss_peak_mib": round(peak_rss as f64 / 1048576.0),
            "rss_bound_mib": RSS_BOUND / 1048576,
            "alive": alive,
            "panics": panics,
            "reopened": reopened,
            "met": met,
        });
        std::fs::write(results_dir().join("ysync-fuzz.json"), serde_json::to_string_pretty(&result)?)?;
        anyhow::ensure!(met, "the fuzzing run did not meet its bounds");
        Ok(())
    })
}
