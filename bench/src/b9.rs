//! B9: a community's mixed load. N virtual people, each a browser tab with
//! one `/live` WebSocket (following their space, a thread, their
//! notifications and their space's chat), every 2 to 5 s read a thread page
//! (60%), a thread list (15%), search (10%), reply (10%) or chat (5%). Replies
//! and chat messages are delivered live to the others, and that delivery is
//! timed too (from just before the writer's request until a follower reads
//! the event).
//!
//! N ramps up (100, 250, 500, 1,000, 2,000, 4,000 by default; the people of
//! one step stay for the next), each step measured for `--seconds` (default
//! 60) after the newcomers connected. Per step: requests per second, mean
//! and p99 per kind, live-delivery p99, errors, sockets the server closed,
//! the server's resident memory and processor use, and the load generator's
//! own processor use (it must never be the bottleneck). The result is the
//! largest N within Mattermost's SLO (mean under 100 ms, p99 under 2 s,
//! errors under 0.025%), on SQLite and on PostgreSQL.
//!
//! The server is the real `stoa serve` binary, a process of its own, on data
//! written beforehand through `stoa_core` (2,000 accounts in 20 public
//! communities of 100, each with 50 threads of 10 posts).

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures::{SinkExt, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use stoa_core::accounts::{self, SignUpInput};
use stoa_core::discussions::{self, NewThreadInput, ReplyInput};
use stoa_core::spaces::{self, NewSpaceInput};
use stoa_core::{Actor, CoreConfig, Stoa};
use stoa_store::dialect::Synchronous;
use stoa_store::{Store, StoreOptions};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::{machine, percentile, procs, results_dir, round};

const ACCOUNTS: usize = 2_000;
const SPACES: usize = 20;
const THREADS_PER_SPACE: usize = 50;
const POSTS_PER_THREAD: usize = 10;
const DEFAULT_STEPS: [usize; 6] = [100, 250, 500, 1_000, 2_000, 4_000];
/// New tabs opened per second while ramping up.
const CONNECTS_PER_SECOND: u64 = 200;
/// The throwaway PostgreSQL database (dropped before and after).
const PG_DATABASE: &str = "stoa_bench_b9";

/// Words the generated posts are made of, and searched for.
const WORDS: &str = "runbook incident review dashboard query latency budget alert pager rotation handover
postmortem mitigation rollback deploy canary feature flag migration schema index backup restore replica failover
cache eviction throughput capacity forecast queue worker retry timeout circuit breaker quota tenant billing invoice
onboarding mentor pairing kata refactor legacy module interface contract test fixture coverage mutation fuzzing
profile flame graph allocation pool socket thread lock contention deadlock scheduler kernel container image registry
network partition consensus leader follower quorum snapshot compaction journal ledger audit compliance privacy consent
lesson exercise assignment rubric feedback peer reviewer draft revision outline summary glossary reading seminar
workshop facilitator community practice knowledge library article podcast episode newsletter digest question answer";

/// One measured kind of request.
const KINDS: [&str; 5] = ["thread", "list", "search", "reply", "chat"];

/// A seeded account: its browser cookies and CSRF token, and its space.
struct Account {
    cookies: String,
    csrf: String,
    space: usize,
}

/// What the seeding wrote.
struct Seeded {
    accounts: Vec<Account>,
    slugs: Vec<String>,
    threads: Vec<Vec<String>>,
}

fn words() -> Vec<&'static str> {
    WORDS.split_whitespace().collect()
}

fn sentence(rng: &mut StdRng, words: &[&str], n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(words[rng.random_range(0..words.len())]);
    }
    out
}

/// Writes the community through `stoa_core`: accounts (signed in), spaces,
/// memberships, threads and replies.
async fn seed(url: &str) -> Result<Seeded> {
    let mut options = StoreOptions::new(url.to_owned());
    options.sqlite_synchronous = Synchronous::Normal;
    let store = Store::connect(&options).await?;
    store.migrate().await?;
    let app = Stoa::new(store, CoreConfig::default());
    let started = Instant::now();
    let signed_up: Vec<Result<(Actor, String)>> = futures::stream::iter(0..ACCOUNTS)
        .map(|i| {
            let app = app.clone();
            async move {
                let input = SignUpInput {
                    username: format!("p{i:04}"),
                    password: crate::PASSWORD.into(),
                    ..Default::default()
                };
                let session = accounts::sign_up(&app, input, "bench").await?;
                Ok((Actor::signed_in(session.user), session.secret))
            }
        })
        .buffered(4)
        .collect()
        .await;
    let signed_up = signed_up.into_iter().collect::<Result<Vec<_>>>()?;
    println!("  {ACCOUNTS} accounts in {:.0} s", started.elapsed().as_secs_f64());
    let words = words();
    let mut rng = StdRng::seed_from_u64(9);
    let mut slugs = Vec::new();
    let mut threads = Vec::new();
    for s in 0..SPACES {
        let slug = format!("guild-{s:02}");
        let owner = &signed_up[s].0;
        spaces::create_space(
            &app,
            owner,
            NewSpaceInput {
                kind: "community".into(),
                name: format!("Guild {s}"),
                slug: slug.clone(),
                visibility: "public".into(),
                join_policy: "open".into(),
                ..Default::default()
            },
        )
        .await?;
        let members: Vec<&Actor> = signed_up.iter().skip(s).step_by(SPACES).map(|(a, _)| a).collect();
        for member in members.iter().skip(1) {
            spaces::join(&app, member, &slug).await?;
        }
        let mut ids = Vec::new();
        for t in 0..THREADS_PER_SPACE {
            let author = members[t % members.len()];
            let title = format!("{} {t}", sentence(&mut rng, &words, 5));
            let body = format!(
                "{}\n\n- {}\n- {}",
                sentence(&mut rng, &words, 60),
                sentence(&mut rng, &words, 8),
                sentence(&mut rng, &words, 8)
            );
            let written =
                discussions::create_thread(&app, author, &slug, NewThreadInput { title, body, ..Default::default() })
                    .await?;
            for r in 1..POSTS_PER_THREAD {
                let who = members[(t + r) % members.len()];
                let body = format!("**{}**: {}", sentence(&mut rng, &words, 2), sentence(&mut rng, &words, 50));
                discussions::reply(&app, who, &written.thread_id, ReplyInput { body, ..Default::default() }).await?;
            }
            ids.push(written.thread_id);
        }
        slugs.push(slug);
        threads.push(ids);
    }
    println!(
        "  {} spaces, {} threads, {} posts in {:.0} s",
        SPACES,
        SPACES * THREADS_PER_SPACE,
        SPACES * THREADS_PER_SPACE * POSTS_PER_THREAD,
        started.elapsed().as_secs_f64()
    );
    let accounts = signed_up
        .iter()
        .enumerate()
        .map(|(i, (_, secret))| Account {
            cookies: crate::browser_cookies(secret),
            csrf: accounts::csrf_for_session(secret),
            space: i % SPACES,
        })
        .collect();
    app.store.close().await;
    Ok(Seeded { accounts, slugs, threads })
}

/// A reply's delivery: sent (when its writer learnt its id) or read by
/// followers before that.
enum Delivery {
    Sent(Instant),
    Early(Vec<Instant>),
}

#[derive(Default)]
struct Samples {
    latencies: HashMap<&'static str, Vec<Duration>>,
    errors: HashMap<&'static str, usize>,
    delivery: Vec<Duration>,
    chat_delivery: Vec<Duration>,
    dropped: usize,
    failed_connects: usize,
}

/// What every virtual person shares.
struct Shared {
    base: String,
    live: String,
    http: reqwest::Client,
    seeded: Seeded,
    words: Vec<&'static str>,
    recording: AtomicBool,
    stopping: AtomicBool,
    samples: Mutex<Samples>,
    replies: Mutex<HashMap<String, Delivery>>,
    chats: Mutex<HashMap<u64, Instant>>,
    chat_number: AtomicU64,
    connected: AtomicUsize,
}

impl Shared {
    fn record(&self, kind: &'static str, outcome: std::result::Result<Duration, ()>) {
        if !self.recording.load(Ordering::Relaxed) {
            return;
        }
        let mut samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        match outcome {
            Ok(d) => samples.latencies.entry(kind).or_default().push(d),
            Err(()) => *samples.errors.entry(kind).or_default() += 1,
        }
    }

    fn delivered(&self, chat: bool, latency: Duration) {
        if !self.recording.load(Ordering::Relaxed) {
            return;
        }
        let mut samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        if chat { samples.chat_delivery.push(latency) } else { samples.delivery.push(latency) }
    }

    /// A follower read that `post` was written.
    fn reply_arrived(&self, post: &str) {
        let now = Instant::now();
        let mut replies = self.replies.lock().unwrap_or_else(|e| e.into_inner());
        match replies.get_mut(post) {
            Some(Delivery::Sent(at)) => {
                let latency = now - *at;
                drop(replies);
                self.delivered(false, latency);
            }
            Some(Delivery::Early(early)) => early.push(now),
            None => {
                replies.insert(post.to_owned(), Delivery::Early(vec![now]));
            }
        }
    }

    /// The writer of `post` learnt its id; it had asked at `sent`.
    fn reply_sent(&self, post: String, sent: Instant) {
        let mut replies = self.replies.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(Delivery::Early(early)) = replies.insert(post, Delivery::Sent(sent)) {
            drop(replies);
            for at in early {
                self.delivered(false, at.saturating_duration_since(sent));
            }
        }
    }
}

/// One virtual person: a tab with its `/live` socket, then the mix until
/// the run stops.
async fn person(shared: Arc<Shared>, i: usize, delay: Duration) {
    tokio::time::sleep(delay).await;
    let account = &shared.seeded.accounts[i % shared.seeded.accounts.len()];
    let slug = shared.seeded.slugs[account.space].clone();
    let threads = &shared.seeded.threads[account.space];
    let mut rng = StdRng::seed_from_u64(i as u64);
    let focus = threads[rng.random_range(0..threads.len())].clone();
    match open_tab(&shared, account, &slug, &focus).await {
        Ok(socket) => {
            shared.connected.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(read_tab(shared.clone(), socket));
        }
        Err(_) => {
            shared.samples.lock().unwrap_or_else(|e| e.into_inner()).failed_connects += 1;
            shared.connected.fetch_add(1, Ordering::Relaxed);
        }
    }
    while !shared.stopping.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(rng.random_range(2_000..5_000))).await;
        let roll = rng.random_range(0..100);
        let thread =
            if rng.random_bool(0.5) { focus.clone() } else { threads[rng.random_range(0..threads.len())].clone() };
        let base = &shared.base;
        let started = Instant::now();
        let (kind, request) = match roll {
            0..60 => ("thread", shared.http.get(format!("{base}/s/{slug}/t/{thread}"))),
            60..75 => ("list", shared.http.get(format!("{base}/s/{slug}"))),
            75..85 => {
                let n = rng.random_range(1..3);
                let q = sentence(&mut rng, &shared.words, n);
                ("search", shared.http.get(format!("{base}/search")).query(&[("q", q)]))
            }
            85..95 => {
                let body =
                    format!("{}, {}", sentence(&mut rng, &shared.words, 3), sentence(&mut rng, &shared.words, 30));
                let request = shared
                    .http
                    .post(format!("{base}/api/v1/threads/{thread}/posts"))
                    .header("x-csrf-token", &account.csrf)
                    .json(&json!({"body": body}));
                ("reply", request)
            }
            _ => {
                let n = shared.chat_number.fetch_add(1, Ordering::Relaxed);
                shared.chats.lock().unwrap_or_else(|e| e.into_inner()).insert(n, started);
                let request = shared
                    .http
                    .post(format!("{base}/api/v1/spaces/{slug}/chat"))
                    .header("x-csrf-token", &account.csrf)
                    .json(&json!({"body": format!("b9-{n} {}", sentence(&mut rng, &shared.words, 8))}));
                ("chat", request)
            }
        };
        let outcome = async {
            let response = request.header("cookie", &account.cookies).send().await.map_err(|_| ())?;
            let ok = response.status().is_success();
            let bytes = response.bytes().await.map_err(|_| ())?;
            if !ok {
                return Err(());
            }
            if kind == "reply"
                && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
                && let Some(id) = v["post"]["id"].as_str()
            {
                shared.reply_sent(id.to_owned(), started);
            }
            Ok(started.elapsed())
        }
        .await;
        shared.record(kind, outcome);
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn open_tab(shared: &Shared, account: &Account, slug: &str, thread: &str) -> Result<Socket> {
    let mut request = shared.live.as_str().into_client_request()?;
    request.headers_mut().insert("origin", shared.base.parse()?);
    request.headers_mut().insert("cookie", account.cookies.parse()?);
    let mut socket = procs::websocket(request).await?;
    for topic in
        [format!("space:{slug}"), format!("thread:{thread}"), "notifications".to_owned(), format!("chat:{slug}")]
    {
        socket.send(Message::text(json!({"type": "subscribe", "topic": topic}).to_string())).await?;
    }
    Ok(socket)
}

/// Reads a tab's socket until it ends, timing deliveries; an end the run
/// did not ask for is a dropped socket.
async fn read_tab(shared: Arc<Shared>, mut socket: Socket) {
    while let Some(message) = socket.next().await {
        let Ok(Message::Text(text)) = message else {
            if message.is_err() {
                break;
            }
            continue;
        };
        if text.contains("\"type\":\"event\"") {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
                && v["kind"] == "post.created"
                && let Some(post) = v["subject_id"].as_str()
            {
                shared.reply_arrived(post);
            }
        } else if text.contains("\"type\":\"chat\"")
            && let Some(at) = text.find("b9-")
        {
            let digits: String = text[at + 3..].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                let sent = shared.chats.lock().unwrap_or_else(|e| e.into_inner()).get(&n).copied();
                if let Some(sent) = sent {
                    shared.delivered(true, sent.elapsed());
                }
            }
        }
    }
    if !shared.stopping.load(Ordering::Relaxed) {
        shared.samples.lock().unwrap_or_else(|e| e.into_inner()).dropped += 1;
    }
}

/// This process's processor time (user and system).
fn own_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_secs_f64((ticks(11) + ticks(12)) as f64 / 100.0)
}

fn mean(samples: &[Duration]) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.iter().sum::<Duration>() / samples.len() as u32
}

fn ms(d: Duration) -> f64 {
    round(d.as_secs_f64() * 1000.0)
}

/// One step's figures.
struct Step {
    people: usize,
    json: serde_json::Value,
    within_slo: bool,
    overloaded: bool,
}

fn measure_step(shared: &Shared, server: &procs::Server, people: usize, duration: Duration) -> Result<Step> {
    *shared.samples.lock().unwrap_or_else(|e| e.into_inner()) = Samples::default();
    shared.replies.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let (server_cpu, own, started) = (server.cpu()?, own_cpu(), Instant::now());
    shared.recording.store(true, Ordering::Relaxed);
    std::thread::sleep(duration);
    shared.recording.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = (server.cpu()? - server_cpu).as_secs_f64() / elapsed;
    let own = (own_cpu() - own).as_secs_f64() / elapsed;
    let rss = server.rss()?;
    let samples = std::mem::take(&mut *shared.samples.lock().unwrap_or_else(|e| e.into_inner()));
    let all: Vec<Duration> = samples.latencies.values().flatten().copied().collect();
    let errors: usize = samples.errors.values().sum();
    let requests = all.len() + errors;
    let error_rate = errors as f64 / requests.max(1) as f64;
    let (all_mean, all_p99) = (mean(&all), percentile(&all, 0.99));
    let within_slo = all_mean < Duration::from_millis(100)
        && all_p99 < Duration::from_secs(2)
        && error_rate < 0.000_25
        && samples.dropped == 0
        && samples.failed_connects == 0;
    let mut kinds = serde_json::Map::new();
    for kind in KINDS {
        let l = samples.latencies.get(kind).map(Vec::as_slice).unwrap_or_default();
        kinds.insert(
            kind.to_owned(),
            json!({"requests": l.len(), "errors": samples.errors.get(kind).copied().unwrap_or(0),
                   "mean_ms": ms(mean(l)), "p99_ms": ms(percentile(l, 0.99))}),
        );
    }
    println!(
        "  {people:>5} people: {:>6.0} req/s, mean {:>7.1} ms, p99 {:>7.1} ms, errors {errors} ({:.3}%), \
         live p99 {:.0} ms (chat {:.0} ms, {} deliveries), dropped {}, server {:.0}% CPU {:.0} MiB, load generator {:.0}% CPU{}",
        requests as f64 / elapsed,
        all_mean.as_secs_f64() * 1000.0,
        all_p99.as_secs_f64() * 1000.0,
        error_rate * 100.0,
        percentile(&samples.delivery, 0.99).as_secs_f64() * 1000.0,
        percentile(&samples.chat_delivery, 0.99).as_secs_f64() * 1000.0,
        samples.delivery.len() + samples.chat_delivery.len(),
        samples.dropped + samples.failed_connects,
        server_cpu * 100.0,
        rss as f64 / 1048576.0,
        own * 100.0,
        if within_slo { "" } else { "  (past the SLO)" }
    );
    for kind in KINDS {
        let l = samples.latencies.get(kind).map(Vec::as_slice).unwrap_or_default();
        println!(
            "          {kind:<7} {:>6} requests, mean {:>7.1} ms, p99 {:>7.1} ms",
            l.len(),
            mean(l).as_secs_f64() * 1000.0,
            percentile(l, 0.99).as_secs_f64() * 1000.0
        );
    }
    let json = json!({
        "people": people,
        "seconds": round(elapsed),
        "requests_per_s": round(requests as f64 / elapsed),
        "mean_ms": ms(all_mean),
        "p99_ms": ms(all_p99),
        "errors": errors,
        "error_rate": error_rate,
        "kinds": kinds,
        "live_deliveries": samples.delivery.len(),
        "live_p99_ms": ms(percentile(&samples.delivery, 0.99)),
        "chat_deliveries": samples.chat_delivery.len(),
        "chat_p99_ms": ms(percentile(&samples.chat_delivery, 0.99)),
        "dropped_sockets": samples.dropped,
        "failed_connects": samples.failed_connects,
        "server_cpu_cores": round(server_cpu),
        "server_rss_mib": round(rss as f64 / 1048576.0),
        "load_generator_cpu_cores": round(own),
        "within_slo": within_slo,
    });
    let overloaded = all_mean > Duration::from_secs(1) || error_rate > 0.05;
    Ok(Step { people, json, within_slo, overloaded })
}

/// One database's ramp.
fn ramp(backend: &str, steps: &[usize], duration: Duration) -> Result<serde_json::Value> {
    println!("B9 on {backend}: seeding");
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("people").enable_all().build()?;
    let dir = tempfile::tempdir()?;
    let admin = crate::b3::pg_admin_url();
    let database_url = match backend {
        "postgresql" => Some(runtime.block_on(async {
            stoa_store::dialect::drop_postgres_database(&admin, PG_DATABASE).await?;
            stoa_store::dialect::create_postgres_database(&admin, PG_DATABASE).await
        })?),
        _ => None,
    };
    let url =
        database_url.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("stoa.db").display()));
    let seeded = runtime.block_on(seed(&url))?;
    let log = dir.path().join("server.log");
    let server = runtime.block_on(procs::stoa_on(dir.path(), Ipv4Addr::LOCALHOST, &log, database_url.as_deref()))?;
    // The server catches up with what was seeded (search, notifications) before the first step.
    loop {
        let before = server.cpu()?;
        std::thread::sleep(Duration::from_secs(2));
        if (server.cpu()? - before).as_secs_f64() < 0.1 {
            break;
        }
    }
    let base = server.base();
    let shared = Arc::new(Shared {
        live: format!("ws://{}/live", server.addr),
        base,
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?,
        seeded,
        words: words(),
        recording: AtomicBool::new(false),
        stopping: AtomicBool::new(false),
        samples: Mutex::new(Samples::default()),
        replies: Mutex::new(HashMap::new()),
        chats: Mutex::new(HashMap::new()),
        chat_number: AtomicU64::new(0),
        connected: AtomicUsize::new(0),
    });
    let mut tasks = Vec::new();
    let mut results = Vec::new();
    let mut best = 0;
    for &people in steps {
        let from = tasks.len();
        let ramp_started = Instant::now();
        for i in from..people {
            let delay = Duration::from_millis((i - from) as u64 * 1000 / CONNECTS_PER_SECOND);
            tasks.push(runtime.spawn(person(shared.clone(), i, delay)));
        }
        while shared.connected.load(Ordering::Relaxed) < people && ramp_started.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(100));
        }
        // Everyone's first requests spread out before measuring.
        std::thread::sleep(Duration::from_secs(5));
        let step = measure_step(&shared, &server, people, duration)?;
        if step.within_slo {
            best = best.max(step.people);
        }
        results.push(step.json);
        if step.overloaded {
            println!("  (stopping the ramp: the server is overloaded)");
            break;
        }
    }
    shared.stopping.store(true, Ordering::Relaxed);
    for t in tasks {
        t.abort();
    }
    let peak = server.peak_rss()?;
    drop(server);
    drop(runtime);
    if database_url.is_some() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        runtime.block_on(stoa_store::dialect::drop_postgres_database(&admin, PG_DATABASE))?;
    }
    println!("  {backend}: {best} people within the SLO (target at least 2,000 on SQLite)");
    Ok(json!({"steps": results, "people_within_slo": best, "server_peak_rss_mib": round(peak as f64 / 1048576.0)}))
}

pub fn b9(duration: Duration, args: &[String]) -> Result<()> {
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let steps: Vec<usize> = match value("--steps") {
        Some(list) => list.split(',').map(|s| s.trim().parse()).collect::<std::result::Result<_, _>>()?,
        None => DEFAULT_STEPS.to_vec(),
    };
    let backends: Vec<&str> = match value("--db").as_deref() {
        Some("sqlite") => vec!["sqlite"],
        Some("postgresql" | "postgres") => vec!["postgresql"],
        _ => vec!["sqlite", "postgresql"],
    };
    println!(
        "B9: mixed load of people with open tabs ({} s per step; SLO mean < 100 ms, p99 < 2 s, errors < 0.025%)",
        duration.as_secs()
    );
    let mut out = serde_json::Map::new();
    for backend in backends {
        out.insert(backend.to_owned(), ramp(backend, &steps, duration)?);
    }
    let result = json!({
        "benchmark": "B9",
        "machine": machine(),
        "seconds_per_step": duration.as_secs(),
        "mix": {"thread": 60, "list": 15, "search": 10, "reply": 10, "chat": 5, "pause_s": [2, 5]},
        "slo": {"mean_ms": 100, "p99_ms": 2000, "error_rate": 0.00025},
        "backends": out,
        "targets": {"people_within_slo_sqlite": 2000, "rss_mib_at_2000": 400},
    });
    std::fs::write(results_dir().join("b9.json"), serde_json::to_string_pretty(&result)?).context("writing results")?;
    Ok(())
}
