//! Stoa's whole-server benchmarks. Each prints its figures and writes JSON to
//! `bench/results/`, and each figure is a ratio to a reference measured in
//! the same run on the same machine, so the numbers travel between machines.
//!
//! - **B1**: a thread page with 50 replies, read by signed-in people at 16
//!   and 64 connections, against the same server's trivial route (`/healthz`).
//! - **B2**: replies posted per second through the JSON API, against raw
//!   single-row inserts into the same SQLite file with the same `synchronous`.
//! - **B3**: search at 100,000 generated posts: over HTTP at 16 connections
//!   against the same queries run in-process on the same index; and Stoa's
//!   tantivy index against SQLite FTS5 and PostgreSQL full-text search on the
//!   same documents and queries, with index build rates (see `b3.rs`).
//! - **B4**: one chat message fanned out to 1,000 and 10,000 WebSocket
//!   clients in one room, against a bare axum broadcast server, and the
//!   server's memory per idle connection (see `b4.rs`).
//! - **B6**: writers co-editing one text through the y-websocket protocol,
//!   against the npm `@y/websocket-server` (see `b6.rs`).
//! - **B7**: the `stoa` binary's time from spawn to ready on an empty data
//!   directory, the demo and 1,000,000 posts, against a bare axum server's,
//!   and `stoa reindex`'s documents a second (see `b7.rs`). `--posts N`
//!   sets the size of the large directory, and of B3's corpus.
//! - **B8**: a space's thread list and a member's home feed at 100,000
//!   threads in the space, against the same pages on the demo (see `b8.rs`).
//! - **B9**: a community's mixed load: people with open tabs reading,
//!   searching, replying and chatting, ramped until past Mattermost's SLO,
//!   on SQLite and PostgreSQL (see `b9.rs`).
//! - **B10**: pathological texts at the longest a field takes, sent while
//!   people read a thread page, against the same readers alone (see `b10.rs`).
//!
//! Not a benchmark but run the same way: `ysync-fuzz --seconds 600` fuzzes
//! the co-editing endpoint of the real binary (see `fuzz.rs`).
//!
//! B4 and B6 run the real `stoa` binary, built beside this one
//! (`cargo build --release -p stoa-cli -p stoa-bench`), and B6 the Node
//! server from `bench/node` (`npm ci --prefix bench/node`).
//!
//! Run in release mode: `cargo run --release -p stoa-bench -- all`
//! (`b1`, `b2`, `b3`, `b4`, `b6`, and `--seconds N` per measurement of B1
//! to B3, default 10). B3
//! needs PostgreSQL: `STOA_BENCH_PG` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) names a database from which
//! it may create and drop a throwaway one.

mod b10;
mod b3;
mod b4;
mod b6;
mod b7;
mod b8;
mod b9;
mod fuzz;
mod procs;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;
use stoa_core::accounts::{self, SignUpInput};
use stoa_core::admin::Authority;
use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::spaces::{self, NewSpaceInput};
use stoa_core::{Actor, CoreConfig, Stoa};
use stoa_store::dialect::Synchronous;
use stoa_store::{Store, StoreOptions};
use stoa_web::{AppState, Server, WebConfig};

const PASSWORD: &str = "benchmark password";

// The same allocator as the `stoa` binary, so the server measured here is the one shipped.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("all");
    let seconds = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(10u64);
    let duration = Duration::from_secs(seconds);
    let posts = |default: usize| -> usize {
        args.iter()
            .position(|a| a == "--posts")
            .and_then(|i| args.get(i + 1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    std::fs::create_dir_all(results_dir())?;
    match which {
        "b1" => b1(duration),
        "b2" => b2(duration),
        "b3" => b3::b3(duration, posts(100_000)),
        "b4" => b4::b4(),
        "b6" => b6::b6(),
        "b7" => b7::b7(posts(1_000_000)),
        "b8" => b8::b8(duration),
        "b9" => b9::b9(if args.iter().any(|a| a == "--seconds") { duration } else { Duration::from_secs(60) }, &args),
        "b10" => b10::b10(duration),
        "ysync-fuzz" => fuzz::ysync_fuzz(duration),
        "serve-broadcast" => b4::serve_broadcast(args.get(1).map(String::as_str).unwrap_or("127.0.0.2:0")),
        "probe" => probe(),
        "all" => {
            b1(duration)?;
            b2(duration)?;
            b3::b3(duration, 100_000)?;
            b4::b4()?;
            b6::b6()?;
            b7::b7(1_000_000)?;
            b8::b8(duration)?;
            b9::b9(Duration::from_secs(60), &args)?;
            b10::b10(duration)
        }
        other => anyhow::bail!("unknown benchmark {other:?}: use b1, b2, b3, b4, b6, b7, b8, b9, b10 or all"),
    }
}

fn results_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results")
}

/// The server runs on its own runtime (two worker threads, like the machine),
/// the load generator on another, so neither starves the other's scheduler.
struct Running {
    addr: SocketAddr,
    app: Stoa,
    /// The server's runtime, for work that should run where the server's does.
    handle: tokio::runtime::Handle,
    _dir: tempfile::TempDir,
    _server: std::thread::JoinHandle<()>,
}

fn start_server(
    synchronous: Synchronous,
    seed: impl FnOnce(Stoa) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>> + Send + 'static,
) -> Result<Running> {
    start_server_with(synchronous, false, seed)
}

/// [`start_server`], with the search index on disk (in the temporary
/// directory, as `stoa serve` keeps it in its data directory) when
/// `search_on_disk`, else in memory.
fn start_server_with(
    synchronous: Synchronous,
    search_on_disk: bool,
    seed: impl FnOnce(Stoa) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>> + Send + 'static,
) -> Result<Running> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("stoa.db").display());
    let search_dir = search_on_disk.then(|| dir.path().join("search"));
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("server")
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let mut options = StoreOptions::new(url);
            options.sqlite_synchronous = synchronous;
            let store = Store::connect(&options).await.expect("database");
            store.migrate().await.expect("migrate");
            let mut app = Stoa::new(store, CoreConfig::default());
            if let Some(dir) = search_dir {
                app = app.with_search(stoa_search::SearchIndex::open(&dir).expect("search index"));
            }
            seed(app.clone()).await.expect("seed");
            let background = app.run_background();
            let server =
                Server::bind(SocketAddr::from(([127, 0, 0, 1], 0)), AppState::new(app.clone(), WebConfig::default()))
                    .await
                    .expect("bind");
            tx.send((server.local_addr().expect("addr"), app, tokio::runtime::Handle::current()))
                .expect("report address");
            let _ = server.run_until(std::future::pending()).await;
            background.abort();
        });
    });
    // B3 writes 100,000 posts and indexes them before the server starts.
    let (addr, app, handle) = rx.recv_timeout(Duration::from_secs(1800)).context("the server did not start")?;
    Ok(Running { addr, app, handle, _dir: dir, _server: server })
}

/// Latency samples of one measurement.
struct Load {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: usize,
}

impl Load {
    fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "requests": self.requests,
            "errors": self.errors,
            "seconds": self.elapsed.as_secs_f64(),
            "throughput_per_s": round(self.throughput()),
            "p50_ms": round(self.percentile(0.50).as_secs_f64() * 1000.0),
            "p99_ms": round(self.percentile(0.99).as_secs_f64() * 1000.0),
        })
    }
}

/// The `p` quantile (0 to 1) of some durations; zero when there are none.
fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let index = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Sends `make(i)` requests from `connections` keep-alive clients for `duration`.
fn load<F>(connections: usize, duration: Duration, make: F) -> Load
where
    F: Fn(usize, &reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("client")
        .enable_all()
        .build()
        .expect("client runtime");
    let make = Arc::new(make);
    runtime.block_on(async move {
        let start = Instant::now();
        let deadline = start + duration;
        let mut tasks = Vec::new();
        for i in 0..connections {
            let make = make.clone();
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match make(i, &client).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            latencies.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            }));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await.expect("client task");
            all.extend(l);
            errors += e;
        }
        Load { requests: all.len(), elapsed: start.elapsed(), latencies: all, errors }
    })
}

fn machine() -> serde_json::Value {
    let cpus = std::thread::available_parallelism().map(usize::from).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    json!({"cpus": cpus, "cpu": model, "os": std::env::consts::OS})
}

/// People to sign in as, with their session cookies.
async fn people(app: &Stoa, n: usize) -> Result<Vec<(Actor, String)>> {
    let mut out = Vec::new();
    for i in 0..n {
        let input = SignUpInput { username: format!("reader{i:03}"), password: PASSWORD.into(), ..Default::default() };
        let user = accounts::create_user(app, &Actor::ANONYMOUS, Authority::Operator, input, false).await?;
        let session =
            accounts::sign_in(app, &user.username, PASSWORD, &format!("10.0.{}.{}", i / 250, i % 250), "bench").await?;
        out.push((Actor::signed_in(user), session.secret));
    }
    Ok(out)
}

async fn space_and_thread(app: &Stoa, owner: &Actor, replies: &[(Actor, String)], count: usize) -> Result<String> {
    spaces::create_space(
        app,
        owner,
        NewSpaceInput {
            kind: "community".into(),
            name: "Bench Guild".into(),
            slug: "bench".into(),
            visibility: "public".into(),
            join_policy: "open".into(),
            ..Default::default()
        },
    )
    .await?;
    for (who, _) in replies {
        spaces::join(app, who, "bench").await?;
    }
    let body = "How do you keep **runbooks** honest? Here is what we tried:\n\n- a `toil` label\n- quarterly review\n\n> Automate the step when a typo in it can page a second team.";
    let written = discussions::create_thread(
        app,
        owner,
        "bench",
        NewThreadInput { title: "Keeping runbooks honest".into(), body: body.into(), ..Default::default() },
    )
    .await?;
    for i in 0..count {
        let (who, _) = &replies[i % replies.len()];
        let reply = format!(
            "Reply {i}: in our team we **review** the runbook after every incident, and link the dashboards with `query` snippets. See https://example.org/runbooks/{i} for the template."
        );
        discussions::reply(
            app,
            who,
            &written.thread_id,
            ReplyInput { body: reply, reply_to: None, ..Default::default() },
        )
        .await?;
    }
    Ok(written.thread_id)
}

/// The cookies a signed-in browser sends: its session and its CSRF token.
fn browser_cookies(session: &str) -> String {
    format!("stoa_session={session}; stoa_csrf={}", stoa_core::accounts::csrf_for_session(session))
}

fn b1(duration: Duration) -> Result<()> {
    println!("B1: a thread page with 50 replies, read by signed-in people, vs /healthz");
    let (tx, rx) = std::sync::mpsc::channel();
    let running = start_server(Synchronous::Full, move |app| {
        Box::pin(async move {
            let readers = people(&app, 64).await?;
            let owner = readers[0].0.clone();
            let thread = space_and_thread(&app, &owner, &readers, 50).await?;
            tx.send((readers.into_iter().map(|(_, s)| s).collect::<Vec<_>>(), thread))?;
            Ok(())
        })
    })?;
    let (cookies, thread) = rx.recv()?;
    let cookies = Arc::new(cookies);
    let base = format!("http://{}", running.addr);
    let page_url = format!("{base}/s/bench/t/{thread}");
    // Check the page is what we think it is.
    let check = load(1, Duration::from_millis(200), {
        let (cookies, url) = (cookies.clone(), page_url.clone());
        move |_, c| c.get(&url).header("cookie", format!("stoa_session={}", cookies[0]))
    });
    anyhow::ensure!(check.errors == 0 && check.requests > 0, "the thread page does not answer");
    let page_bytes = tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
        let r = reqwest::Client::new().get(&page_url).header("cookie", browser_cookies(&cookies[1])).send().await?;
        let body = r.text().await?;
        if let Ok(path) = std::env::var("STOA_BENCH_SAVE_PAGE") {
            std::fs::write(path, &body)?;
        }
        anyhow::Ok(body.len())
    })?;
    println!("  the page is {page_bytes} bytes of HTML");

    if std::env::var("STOA_BENCH_PROFILE").is_ok() {
        // Only the thread page, for a profiler to look at, with the server's
        // processor time per page (steadier than throughput on a shared machine).
        let (cookies2, url) = (cookies.clone(), page_url.clone());
        let before = server_cpu();
        let page = load(16, duration, move |i, c| {
            c.get(&url).header("cookie", browser_cookies(&cookies2[i % cookies2.len()]))
        });
        let used = server_cpu() - before;
        let (cookies3, healthz) = (cookies.clone(), format!("{base}/healthz"));
        let before = server_cpu();
        let trivial = load(16, duration, move |i, c| {
            c.get(&healthz).header("cookie", browser_cookies(&cookies3[i % cookies3.len()]))
        });
        let trivial_used = server_cpu() - before;
        println!(
            "  profile run: {:.0} pages/s, {:.0} µs of server processor time per page, {:.1} per /healthz",
            page.throughput(),
            used * 1e6 / page.requests.max(1) as f64,
            trivial_used * 1e6 / trivial.requests.max(1) as f64
        );
        return Ok(());
    }
    let mut runs = Vec::new();
    for connections in [16usize, 64] {
        let healthz = format!("{base}/healthz");
        load(connections, Duration::from_secs(1), move |_, c| c.get(&healthz)); // warm-up
        // Both carry the cookies a browser would send, so the middleware does
        // the same work for each.
        let healthz = format!("{base}/healthz");
        let (cookies1, cookies2, url) = (cookies.clone(), cookies.clone(), page_url.clone());
        let trivial = load(connections, duration, move |i, c| {
            c.get(&healthz).header("cookie", browser_cookies(&cookies1[i % cookies1.len()]))
        });
        let page = load(connections, duration, move |i, c| {
            c.get(&url).header("cookie", browser_cookies(&cookies2[i % cookies2.len()]))
        });
        let ratio = page.throughput() / trivial.throughput();
        println!(
            "  {connections:>2} connections: thread page {:>8.0}/s p50 {:>6.2} ms p99 {:>6.2} ms | /healthz {:>8.0}/s p50 {:>6.2} ms p99 {:>6.2} ms | ratio {:.1}% ({} errors)",
            page.throughput(),
            page.percentile(0.5).as_secs_f64() * 1e3,
            page.percentile(0.99).as_secs_f64() * 1e3,
            trivial.throughput(),
            trivial.percentile(0.5).as_secs_f64() * 1e3,
            trivial.percentile(0.99).as_secs_f64() * 1e3,
            ratio * 100.0,
            page.errors + trivial.errors,
        );
        runs.push(json!({"connections": connections, "thread_page": page.json(), "healthz": trivial.json(), "ratio": round(ratio * 100.0) / 100.0}));
    }
    let _ = running.app;
    let result = json!({"benchmark": "B1", "machine": machine(), "seconds_per_measurement": duration.as_secs(), "page_bytes": page_bytes, "runs": runs,
        "target": "at 64 connections: ratio >= 0.20 and thread page p99 < 50 ms"});
    std::fs::write(results_dir().join("b1.json"), serde_json::to_string_pretty(&result)?)?;
    Ok(())
}

/// Processor seconds used so far by this process's threads other than the
/// load generator's (the server's runtime and its database threads).
fn server_cpu() -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        let Some((head, rest)) = stat.rsplit_once(')') else { continue };
        if head.ends_with("(client") {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        total += field(11) + field(12);
    }
    total as f64 / ticks
}

/// Single-row inserts, each its own transaction, into a table in the same
/// SQLite file and with the same pragmas Stoa uses: the floor of what one
/// durable write costs on this disk.
async fn raw_inserts(
    path: &std::path::Path,
    synchronous: Synchronous,
    duration: Duration,
) -> Result<(usize, Duration)> {
    use sqlx::Connection;
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await?;
    let pragmas = format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; PRAGMA foreign_keys = ON;",
        synchronous.as_str().to_uppercase()
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas)).execute(&mut conn).await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at BIGINT NOT NULL)",
    )
    .execute(&mut conn)
    .await?;
    let body = "x".repeat(160);
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < duration {
        sqlx::query("INSERT INTO bench_raw (body, at) VALUES ($1, $2)")
            .bind(&body)
            .bind(n as i64)
            .execute(&mut conn)
            .await?;
        n += 1;
    }
    Ok((n, start.elapsed()))
}

fn b2(duration: Duration) -> Result<()> {
    println!("B2: replies posted per second through the API, vs raw single-row inserts into the same SQLite file");
    let mut runs = Vec::new();
    for synchronous in [Synchronous::Full, Synchronous::Normal] {
        let (tx, rx) = std::sync::mpsc::channel();
        let running = start_server(synchronous, move |app| {
            Box::pin(async move {
                let writers = people(&app, 16).await?;
                let owner = writers[0].0.clone();
                let thread = space_and_thread(&app, &owner, &writers, 1).await?;
                tx.send((writers.into_iter().map(|(_, s)| s).collect::<Vec<_>>(), thread))?;
                Ok(())
            })
        })?;
        let (cookies, thread) = rx.recv()?;
        let cookies = Arc::new(cookies);
        let url = format!("http://{}/api/v1/threads/{thread}/posts", running.addr);
        let db_file = running._dir.path().join("stoa.db");

        if std::env::var("STOA_BENCH_PROFILE").is_ok() {
            let (cookies, url) = (cookies.clone(), url.clone());
            let replies = load(16, duration, move |i, c| {
                let session = &cookies[i % cookies.len()];
                let csrf = stoa_core::accounts::csrf_for_session(session);
                c.post(&url)
                    .header("cookie", format!("stoa_session={session}; stoa_csrf={csrf}"))
                    .header("x-csrf-token", csrf)
                    .json(&json!({"body": "A profiled reply."}))
            });
            println!("  profile run: {:.0} replies/s", replies.throughput());
            return Ok(());
        }
        // This disk's fsync time drifts by several times within an hour, so
        // the reference is measured before and after the replies and averaged.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (raw_n, raw_elapsed) = runtime.block_on(raw_inserts(&db_file, synchronous, duration))?;
        let raw_before = raw_n as f64 / raw_elapsed.as_secs_f64();

        let mut measured = Vec::new();
        for connections in [1usize, 16] {
            let (cookies, url) = (cookies.clone(), url.clone());
            let replies = load(connections, duration, move |i, c| {
                // Each writer uses their own session, and its CSRF token.
                let session = &cookies[i % cookies.len()];
                let csrf = stoa_core::accounts::csrf_for_session(session);
                c.post(&url)
                    .header("cookie", format!("stoa_session={session}; stoa_csrf={csrf}"))
                    .header("x-csrf-token", csrf)
                    .json(&json!({"body": format!("A benchmark reply from writer {i}, with **some** Markdown and a link to https://example.org.")}))
            });
            measured.push((connections, replies));
        }
        let (raw_n_after, raw_elapsed_after) = runtime.block_on(raw_inserts(&db_file, synchronous, duration))?;
        let raw_after = raw_n_after as f64 / raw_elapsed_after.as_secs_f64();
        let raw_rate = (raw_before + raw_after) / 2.0;
        println!(
            "  synchronous={:<6} raw inserts: {raw_before:.0}/s before the replies, {raw_after:.0}/s after",
            synchronous.as_str()
        );
        let mut by_concurrency = Vec::new();
        for (connections, replies) in measured {
            let ratio = replies.throughput() / raw_rate;
            println!(
                "  synchronous={:<6} {connections:>2} writers: {:>7.0} replies/s (p50 {:.2} ms, p99 {:.2} ms) vs {:>7.0} raw inserts/s: ratio {:.1}% ({} errors)",
                synchronous.as_str(),
                replies.throughput(),
                replies.percentile(0.5).as_secs_f64() * 1e3,
                replies.percentile(0.99).as_secs_f64() * 1e3,
                raw_rate,
                ratio * 100.0,
                replies.errors
            );
            by_concurrency.push(
                json!({"writers": connections, "replies": replies.json(), "ratio": round(ratio * 100.0) / 100.0}),
            );
        }
        runs.push(json!({
            "synchronous": synchronous.as_str(),
            "raw_inserts_per_s": round(raw_rate),
            "raw_inserts_per_s_before": round(raw_before),
            "raw_inserts_per_s_after": round(raw_after),
            "raw_inserts": raw_n + raw_n_after,
            "runs": by_concurrency,
        }));
        let _ = running.app;
    }
    let result = json!({"benchmark": "B2", "machine": machine(), "seconds_per_measurement": duration.as_secs(), "runs": runs, "target": "ratio >= 0.25"});
    std::fs::write(results_dir().join("b2.json"), serde_json::to_string_pretty(&result)?)?;
    Ok(())
}

/// Times the pieces of a reply in-process, without HTTP, to see where a
/// reply's time goes. Not a benchmark of record.
fn probe() -> Result<()> {
    let runtime = if std::env::var("STOA_PROBE_CURRENT").is_ok() {
        tokio::runtime::Builder::new_current_thread().enable_all().build()?
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?
    };
    runtime.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("stoa.db").display());
        let store = Store::connect(&StoreOptions::new(url)).await?;
        store.migrate().await?;
        let app = Stoa::new(store.clone(), CoreConfig::default());
        let writers = people(&app, 1).await?;
        let thread = space_and_thread(&app, &writers[0].0, &writers, 1).await?;
        let n = 2000;
        let t = Instant::now();
        for _ in 0..n {
            let tx = store.begin().await?;
            stoa_store::commit(tx).await?;
        }
        println!("empty write transaction: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        let t = Instant::now();
        for _ in 0..n {
            let mut c = store.read().await?;
            stoa_store::events::last_seq(&mut c).await?;
        }
        println!("one read query: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        let t = Instant::now();
        for _ in 0..n {
            let mut tx = store.begin().await?;
            stoa_store::threads::thread_in_space(&mut tx, &thread, Some(&writers[0].0.user.as_ref().expect("user").id))
                .await?;
            stoa_store::commit(tx).await?;
        }
        println!("write transaction with the thread query: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        let t = Instant::now();
        for i in 0..n {
            let mut tx = store.begin().await?;
            let id = stoa_store::new_id();
            stoa_store::threads::insert_post(
                &mut tx,
                &stoa_store::threads::NewPost {
                    id: &id,
                    thread_id: &thread,
                    author_id: &writers[0].0.user.as_ref().expect("user").id,
                    reply_to_id: None,
                    body: "x",
                    body_html: "<p>x</p>",
                    created_at: i,
                    anonymous: false,
                },
            )
            .await?;
            stoa_store::commit(tx).await?;
        }
        println!("write transaction inserting a post: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        let t = Instant::now();
        for i in 0..n {
            let mut tx = store.begin().await?;
            stoa_store::events::append(
                &mut tx,
                stoa_store::events::NewEvent {
                    kind: "probe",
                    actor_id: None,
                    space_id: None,
                    subject_id: None,
                    data: json!({"i": i}),
                },
                i,
            )
            .await?;
            stoa_store::commit(tx).await?;
        }
        println!("write transaction appending an event: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        let t = Instant::now();
        for i in 0..n {
            std::hint::black_box(stoa_domain::markdown::render(&format!(
                "probe {i} with **bold** and a https://example.org link"
            )));
        }
        println!("markdown render: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        let t = Instant::now();
        for i in 0..n {
            discussions::reply(
                &app,
                &writers[0].0,
                &thread,
                ReplyInput { body: format!("probe {i}"), ..Default::default() },
            )
            .await?;
        }
        println!("core reply: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / n as f64);
        Ok::<_, anyhow::Error>(())
    })
}
