//! B8: lists at scale. A space's thread list and a member's home feed, as
//! the member reads them in a browser, when the space holds 100,000
//! threads, against the same pages on the demo content (a dozen threads),
//! measured in the same run. The figure is the server's processor time per
//! page at scale as a ratio to the demo's; the target is at most 2.
//!
//! Two in-process servers, one after the other: the demo alone, then the
//! demo with 100,000 threads added to its Platform Engineering Guild
//! (written through the store, a third of them with two replies, spread
//! over the demo's two weeks so that the list mixes them with the demo's
//! own, each with its event, so the feed reads them too). Both are read as
//! Ana, a member of the guild, by four keep-alive connections back to back.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;
use stoa_core::Stoa;
use stoa_store::dialect::Synchronous;
use stoa_store::events::{self, NewEvent, kind};
use stoa_store::threads::{self, NewPost, NewThread};

use crate::{browser_cookies, load, machine, results_dir, round, server_cpu, start_server};

/// Threads added to the guild for the large run.
const THREADS: usize = 100_000;
/// Threads written per transaction.
const PER_TX: usize = 1_000;
/// The member whose pages are read.
const READER: &str = "ana";
const SPACE: &str = "platform-guild";

/// The pages measured: a name and a path.
const PAGES: [(&str, &str); 2] = [("thread list", "/s/platform-guild"), ("home feed", "/")];

/// What one page cost on one server.
struct Cost {
    per_page_us: f64,
    throughput: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: usize,
    bytes: usize,
}

impl Cost {
    fn json(&self) -> serde_json::Value {
        json!({"server_cpu_us_per_page": round(self.per_page_us), "pages_per_s": round(self.throughput),
               "p50_ms": round(self.p50_ms), "p99_ms": round(self.p99_ms), "requests": self.requests,
               "page_bytes": self.bytes})
    }
}

pub fn b8(duration: Duration) -> Result<()> {
    println!("B8: a thread list and a home feed at {THREADS} threads in a space, vs the demo");
    let demo = measure(false, duration)?;
    let large = measure(true, duration)?;
    let mut rows = Vec::new();
    for (i, (name, path)) in PAGES.iter().enumerate() {
        let ratio = large[i].per_page_us / demo[i].per_page_us;
        println!(
            "  {name:<11} demo {:>7.0} µs/page ({:>5.0}/s, p99 {:.2} ms) | {THREADS} threads {:>7.0} µs/page ({:>5.0}/s, p99 {:.2} ms) | ratio {ratio:.2} (target <= 2)",
            demo[i].per_page_us,
            demo[i].throughput,
            demo[i].p99_ms,
            large[i].per_page_us,
            large[i].throughput,
            large[i].p99_ms,
        );
        rows.push(json!({"page": name, "path": path, "demo": demo[i].json(), "large": large[i].json(),
                         "ratio": round(ratio)}));
    }
    let result = json!({"benchmark": "B8", "machine": machine(), "seconds_per_measurement": duration.as_secs(),
        "threads": THREADS, "connections": 4, "pages": rows,
        "target": "server processor time per page at 100,000 threads within 2x the demo's"});
    std::fs::write(results_dir().join("b8.json"), serde_json::to_string_pretty(&result)?)?;
    Ok(())
}

/// Starts a server on the demo (with the guild grown when `large`), waits
/// until it is idle, and measures each of [`PAGES`].
fn measure(large: bool, duration: Duration) -> Result<Vec<Cost>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    let running = start_server(Synchronous::Full, move |app| {
        Box::pin(async move {
            stoa_core::demo::load(&app).await?;
            if large {
                grow(&app).await?;
            }
            // The search index and the other consumers catch up before
            // anything is measured.
            let filling = Instant::now();
            stoa_core::search::catch_up(&app).await?;
            let docs = app.search.num_docs();
            let seconds = filling.elapsed().as_secs_f64();
            println!(
                "  the search index filled from the tables: {docs} documents in {seconds:.1} s ({:.0} a second)",
                docs as f64 / seconds
            );
            let session =
                stoa_core::accounts::sign_in(&app, READER, stoa_core::demo::DEMO_PASSWORD, "10.1.0.1", "bench").await?;
            tx.send(session.secret)?;
            Ok(())
        })
    })?;
    let session = rx.recv().context("no session")?;
    let idle = crate::b3::wait_until_idle(Duration::from_secs(300));
    println!(
        "  {}: ready in {:.1} s (idle after {:.1} s more)",
        if large { "100,000 threads" } else { "demo" },
        started.elapsed().as_secs_f64() - idle.as_secs_f64(),
        idle.as_secs_f64()
    );
    let base = format!("http://{}", running.addr);
    let cookies = browser_cookies(&session);
    let mut costs = Vec::new();
    for (name, path) in PAGES {
        let url = format!("{base}{path}");
        let bytes = tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
            let r = reqwest::Client::new().get(&url).header("cookie", &cookies).send().await?;
            anyhow::ensure!(r.status().is_success(), "{name} answered {}", r.status());
            anyhow::Ok(r.text().await?.len())
        })?;
        let (u, c) = (url.clone(), cookies.clone());
        load(4, Duration::from_secs(1), move |_, client| client.get(&u).header("cookie", &c)); // warm-up
        let (u, c) = (url.clone(), cookies.clone());
        let before = server_cpu();
        let run = load(4, duration, move |_, client| client.get(&u).header("cookie", &c));
        let used = server_cpu() - before;
        anyhow::ensure!(run.errors == 0 && run.requests > 0, "{name}: {} errors", run.errors);
        costs.push(Cost {
            per_page_us: used * 1e6 / run.requests as f64,
            throughput: run.throughput(),
            p50_ms: run.percentile(0.5).as_secs_f64() * 1e3,
            p99_ms: run.percentile(0.99).as_secs_f64() * 1e3,
            requests: run.requests,
            bytes,
        });
    }
    Ok(costs)
}

/// Adds [`THREADS`] threads to the guild, by its members, spread over the
/// two weeks the demo covers, a third with two replies; each with the
/// events a thread and a reply write.
async fn grow(app: &Stoa) -> Result<()> {
    let mut conn = app.store.read().await?;
    let space = stoa_store::spaces::view_by_slug(&mut conn, SPACE, None).await?.context("the demo guild")?.space;
    let mut people = Vec::new();
    for name in ["ana", "jonas", "chen", "fatima", "priya", "marcus"] {
        people.push(stoa_store::users::by_username(&mut conn, name).await?.context("a demo member")?.id);
    }
    drop(conn);
    let started = Instant::now();
    let span = 14 * 86_400_000i64;
    let first = app.now() - span;
    let step = span / THREADS as i64;
    for chunk in 0..THREADS / PER_TX {
        let mut tx = app.store.begin().await?;
        for i in chunk * PER_TX..(chunk + 1) * PER_TX {
            let at = first + i as i64 * step;
            let author = &people[i % people.len()];
            let thread_id = stoa_store::new_id();
            let title = format!("Runbook review {i}: what the alert on queue {} told us", i % 97);
            let kind_of = if i % 5 == 0 { "question" } else { "discussion" };
            threads::insert_thread(
                &mut tx,
                &NewThread {
                    id: &thread_id,
                    space_id: &space.id,
                    author_id: author,
                    kind: kind_of,
                    title: &title,
                    created_at: at,
                    anonymous: false,
                    post_first: false,
                    opens_at: None,
                },
            )
            .await?;
            let replies = if i % 3 == 0 { 2 } else { 0 };
            for n in 0..=replies {
                let by = &people[(i + n) % people.len()];
                let body = format!(
                    "Post {n} of thread {i}: we **paged** the on-call for queue {} and traced it to `retry storms`.",
                    i % 97
                );
                let post_id = stoa_store::new_id();
                let body_html = stoa_domain::markdown::render(&body);
                let number = threads::insert_post(
                    &mut tx,
                    &NewPost {
                        id: &post_id,
                        thread_id: &thread_id,
                        author_id: by,
                        reply_to_id: None,
                        body: &body,
                        body_html: &body_html,
                        created_at: at + n as i64 * 1_000,
                        anonymous: false,
                    },
                )
                .await?;
                let (kind, subject, data) = if n == 0 {
                    (
                        kind::THREAD_CREATED,
                        &thread_id,
                        json!({"thread_id": thread_id, "post_id": post_id, "title": title}),
                    )
                } else {
                    (kind::POST_CREATED, &post_id, json!({"thread_id": thread_id, "number": number, "reply_to": null}))
                };
                let event =
                    NewEvent { kind, actor_id: Some(by), space_id: Some(&space.id), subject_id: Some(subject), data };
                events::append(&mut tx, event, at + n as i64 * 1_000).await?;
            }
        }
        stoa_store::commit(tx).await?;
    }
    println!("  wrote {THREADS} threads through the store in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
